import * as pulumi from "@pulumi/pulumi";
import { LoadedDefinition, loadDefinitionFile } from "../definition/load";
import { checkSubstitutionKeys } from "../definition/placeholders";
import { ArnContext } from "../iam/arn";
import { DeriveOptions } from "../iam/derive";
import { RenderedDefinition, renderLoadedDefinition } from "../render";

/**
 * A workflow's definition as a value, loaded and checked before any resource exists (the CDK's
 * `DefinitionBody.fromFile` with `definitionSubstitutions`, plus validation and IAM derivation).
 */
export interface DefinitionSource {
  loaded: LoadedDefinition;
  substitutions: Record<string, pulumi.Input<string>>;
  context: ArnContext;
  /** The state machine's own name, for what the definition does to itself (a Distributed Map, an HTTP Task). */
  options: DeriveOptions;
  /** Present when every substitution was a plain string: rendered, validated and derived already. */
  rendered?: RenderedDefinition;
}

/**
 * Loads an ASL file and checks its placeholders against the substitutions; when every value is a plain string,
 * also substitutes, validates and derives its IAM policy now.
 *
 * @param file path of the `.asl.json` file.
 * @param substitutions placeholder name → value (plain strings, or Outputs known only at deployment).
 * @param context the partition, Region and account the state machine runs in.
 * @param options the state machine's own name, see {@link DeriveOptions}.
 * @throws DefinitionError naming the file, State and field for bad JSON, a placeholder without a value, a value
 *   without a placeholder, and (for plain values) an invalid definition or an unmappable integration.
 * @see https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-resource-stepfunctions-statemachine.html#cfn-stepfunctions-statemachine-definitionsubstitutions
 */
export function definitionFromFile(
  file: string,
  substitutions: Record<string, pulumi.Input<string>>,
  context: ArnContext,
  options: DeriveOptions = {},
): DefinitionSource {
  const loaded = loadDefinitionFile(file);
  checkSubstitutionKeys(loaded.file, loaded.placeholders, Object.keys(substitutions));
  const plain = Object.values(substitutions).every((value) => typeof value === "string");
  const rendered = plain ? renderLoadedDefinition(loaded, substitutions as Record<string, string>, context, options) : undefined;
  return { loaded, substitutions, context, options, rendered };
}

/**
 * The rendered definition as an Output: at once when it was rendered already, else when the substitutions resolve
 * (an error then fails the deployment with the same message).
 */
export function renderedOutput(source: DefinitionSource): pulumi.Output<RenderedDefinition> {
  return pulumi.all(source.substitutions).apply((values) => source.rendered ?? renderLoadedDefinition(source.loaded, values, source.context, source.options));
}
