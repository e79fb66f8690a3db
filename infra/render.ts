import * as path from "node:path";
import { AslStateMachine } from "./definition/asl";
import { LoadedDefinition, loadDefinitionFile } from "./definition/load";
import { substitutePlaceholders } from "./definition/placeholders";
import { ASL_LIMITS } from "./definition/limits";
import { assertValidAsl } from "./definition/validate";
import { DefinitionError } from "./definition/errors";
import { ArnContext, buildArn } from "./iam/arn";
import { LIVE_ALIAS } from "./rollout/schema";
import { MANAGED_POLICIES_PER_ROLE, MANAGED_POLICY_LIMIT, policySize, splitStatements } from "./iam/policy";
import { DeriveOptions, Derivation, deriveExecutionPolicy } from "./iam/derive";
import { PROJECT_ROOT, Reference, SecretName, StackContents, TABLES, WORKFLOWS, WorkflowName, definitionPath } from "./manifest";
import type { EncryptedResource } from "./iam/service";
import { Naming } from "./naming";
import type { SharedWorkflows } from "./sharing";

/** A definition after substitution, validation and IAM derivation. */
export interface RenderedDefinition {
  /** The definition file, relative to the project root when it is inside it. */
  file: string;
  /** The substituted, validated definition. */
  definition: AslStateMachine;
  /** The execution role's least-privilege statements for its Tasks. */
  derivation: Derivation;
}

/** Options of {@link renderDefinition}: the derivation's, and whether placeholders may stay without a value. */
export interface RenderOptions extends DeriveOptions {
  /**
   * Leave placeholders without a value in place (the `iam` command grants them scoped wildcards) instead of failing.
   * @default false
   */
  allowUnresolved?: boolean;
}

/**
 * Loads a definition file, substitutes its placeholders, validates the result against the States Language and
 * derives the execution role's policy: everything about a definition that can fail, done before any resource
 * exists.
 *
 * @param file path to the `.asl.json` file.
 * @param values placeholder name → value.
 * @param context the partition, Region and account the state machine runs in.
 * @param options the state machine's own name ({@link DeriveOptions}) and `allowUnresolved`.
 * @returns the rendered definition.
 * @throws DefinitionError naming the file (and State and field) for bad JSON, an unresolved placeholder, an unused
 *   substitution, a definition over 1 MiB once substituted, an invalid definition or a value beyond Step Functions'
 *   limits, an integration the IAM catalog cannot map, or a derived policy too large for the ten managed policies a
 *   role may have.
 */
export function renderDefinition(file: string, values: Record<string, string>, context: ArnContext, options: RenderOptions = {}): RenderedDefinition {
  return renderLoadedDefinition(loadDefinitionFile(file), values, context, options);
}

/**
 * {@link renderDefinition} for a definition already loaded.
 * @throws DefinitionError as {@link renderDefinition} does.
 */
export function renderLoadedDefinition(loaded: LoadedDefinition, values: Record<string, string>, context: ArnContext, options: RenderOptions = {}): RenderedDefinition {
  const definition = substitutePlaceholders(loaded.file, loaded.definition, values, { allowUnresolved: options.allowUnresolved, partition: context.partition });
  const bytes = Buffer.byteLength(JSON.stringify(definition), "utf8");
  if (bytes > ASL_LIMITS.maxDefinitionBytes) {
    throw new DefinitionError(loaded.file, `the definition is ${bytes.toLocaleString("en-US")} bytes after substitution; Step Functions accepts at most ${ASL_LIMITS.maxDefinitionBytes.toLocaleString("en-US")} (1 MiB). Split it, or move large constants out of it.`);
  }
  assertValidAsl(loaded.file, definition);
  const derivation = deriveExecutionPolicy(loaded.file, definition, context, { stateMachineName: options.stateMachineName });
  const parts = splitStatements(derivation.document.Statement).length;
  if (parts > MANAGED_POLICIES_PER_ROLE) {
    throw new DefinitionError(
      loaded.file,
      `the derived policy is ${policySize(derivation.document)} characters: ${parts} managed policies of ${MANAGED_POLICY_LIMIT}, more than the ${MANAGED_POLICIES_PER_ROLE} IAM attaches to a role by default. Split the workflow, or use fewer distinct targets.`,
    );
  }
  return { file: loaded.file, definition, derivation };
}

/**
 * The stack's own tables, topics, queues, secrets and state machines, all encrypted with its customer-managed key when it has one: what a
 * role's key grants are derived against (`keyUseNeeds` of `infra/iam/service.ts`), for workflows and handlers alike.
 * @param contents what the stack deploys ({@link stackContents}).
 * @param keyArn the key's ARN.
 * @param secretArns each secret's ARN (Secrets Manager appends a random suffix, so only the deployed secret knows it).
 */
export function encryptedResources(contents: StackContents, naming: Naming, keyArn: string, secretArns: Partial<Record<SecretName, string>>): EncryptedResource[] {
  return [
    ...contents.tables.map((table): EncryptedResource => ({ kind: "table", arn: naming.tableArn(naming.tableName(table)), name: table, keyArn })),
    ...contents.topics.map((topic): EncryptedResource => ({ kind: "topic", arn: naming.topicArn(topic), name: topic, keyArn })),
    ...contents.queues.map((queue): EncryptedResource => ({ kind: "queue", arn: naming.queueArn(queue), name: queue, keyArn })),
    ...contents.buckets.map((bucket): EncryptedResource => ({ kind: "bucket", arn: naming.bucketArn(bucket), name: bucket, keyArn })),
    ...contents.secrets.flatMap((secret): EncryptedResource[] => (secretArns[secret] ? [{ kind: "secret", arn: secretArns[secret]!, name: secret, keyArn }] : [])),
    ...contents.workflows.map((workflow): EncryptedResource => ({ kind: "stateMachine", arn: naming.stateMachineArn(workflow), name: workflow, keyArn })),
  ];
}

/**
 * The physical names of the tables a stack backs up: a logical name of the platform's own tables maps to its
 * physical name, any other name is taken as an existing table's.
 * @param backupTables the `statecraft:backupTables` list.
 */
export function backupTableNames(naming: Naming, backupTables: readonly string[]): string[] {
  return backupTables.map((table) => (table in TABLES ? naming.tableName(table) : table));
}

/**
 * The value of each placeholder of a workflow in a stack: ARNs and names of the stack's own resources, and the
 * outputs of the workflows another stack shares with it.
 * @param workflow the workflow's name in the manifest.
 * @param backupTables the stack's `statecraft:backupTables`.
 * @param shared the producer stack's shared workflows (its `sharedWorkflows` output), for a workflow that calls one.
 * @throws DefinitionError naming the definition file and placeholder when it stands for a shared workflow that
 *   `shared` does not hold.
 */
export function workflowSubstitutions(workflow: WorkflowName, naming: Naming, backupTables: readonly string[], shared: SharedWorkflows = {}): Record<string, string> {
  const substitutions: Record<string, Reference> = WORKFLOWS[workflow].substitutions;
  return Object.fromEntries(
    Object.entries(substitutions).map(([placeholder, reference]) => {
      if ("sharedWorkflow" in reference) {
        const value = shared[reference.sharedWorkflow]?.[reference.output];
        if (value === undefined) {
          throw new DefinitionError(path.relative(PROJECT_ROOT, definitionPath(workflow)), `\${${placeholder}} stands for the ${reference.output} of the shared workflow ${reference.sharedWorkflow}, which the producer stack does not share with this stack.`, {
            field: placeholder,
          });
        }
        return [placeholder, value];
      }
      return [placeholder, resolveReference(reference, naming, backupTables)];
    }),
  );
}

/**
 * Renders a workflow for a stack: {@link workflowSubstitutions} then {@link renderDefinition}.
 * @param shared the producer stack's shared workflows, for a workflow that calls one.
 * @throws DefinitionError as {@link renderDefinition} and {@link workflowSubstitutions} do.
 */
export function renderWorkflow(
  workflow: WorkflowName,
  naming: Naming,
  backupTables: readonly string[],
  shared: SharedWorkflows = {},
): RenderedDefinition & { substitutions: Record<string, string> } {
  const substitutions = workflowSubstitutions(workflow, naming, backupTables, shared);
  return { ...renderDefinition(definitionPath(workflow), substitutions, naming.context, { stateMachineName: naming.physical(workflow) }), substitutions };
}

function resolveReference(reference: Exclude<Reference, { sharedWorkflow: WorkflowName }>, naming: Naming, backupTables: readonly string[]): string {
  if ("functionArn" in reference) return naming.functionArn(reference.functionArn);
  if ("topicArn" in reference) return naming.topicArn(reference.topicArn);
  if ("tableName" in reference) return naming.tableName(reference.tableName);
  if ("queueUrl" in reference) return naming.queueUrl(reference.queueUrl);
  if ("bucketName" in reference) return naming.bucketName(reference.bucketName);
  if ("glueJob" in reference) return naming.physical(reference.glueJob);
  if ("fargateJob" in reference) return fargateJobValue(reference, naming);
  if ("nestedWorkflow" in reference) return `${naming.stateMachineArn(reference.nestedWorkflow)}:${LIVE_ALIAS}`;
  if ("batchJobQueue" in reference) return naming.batchJobQueueArn(reference.batchJobQueue);
  if ("batchJobDefinition" in reference) return naming.batchJobDefinitionArn(reference.batchJobDefinition);
  if ("sagemakerModel" in reference) return naming.physical(reference.sagemakerModel);
  return backupTableNames(naming, backupTables).join(",");
}

/**
 * Whether a placeholder's value exists only once the stack deploys: a Fargate job's subnet and security group
 * ids, which AWS assigns when it creates the VPC. Before that, the definition is rendered, validated and its role
 * derived with a stand-in of the same form ({@link fargateJobValue}); the Platform substitutes the real ids when the
 * VPC exists. Nothing in a derived role depends on them.
 */
export function deployTimeReference(reference: Reference): reference is Extract<Reference, { fargateJob: string; output: "subnetId" | "securityGroupId" }> {
  return "fargateJob" in reference && (reference.output === "subnetId" || reference.output === "securityGroupId");
}

/**
 * A Fargate job's value for a placeholder: the ARNs and the family are the names `FargateJob` gives its cluster
 * (`<physical>`), task definition family (`<physical>`) and roles (`<physical>-task`, `<physical>-execution`);
 * a subnet or security group id, known only at deployment ({@link deployTimeReference}), is a stand-in of AWS's
 * form: `subnet-0000000000000000<index>` and `sg-00000000000000000`.
 */
export function fargateJobValue(reference: Extract<Reference, { fargateJob: string }>, naming: Naming): string {
  const physical = naming.physical(reference.fargateJob);
  const { partition, account } = naming.context;
  switch (reference.output) {
    case "clusterArn":
      return buildArn(naming.context, "ecs", `cluster/${physical}`);
    case "taskDefinitionFamily":
      return physical;
    case "taskRoleArn":
      return `arn:${partition}:iam::${account}:role/${physical}-task`;
    case "executionRoleArn":
      return `arn:${partition}:iam::${account}:role/${physical}-execution`;
    case "subnetId":
      return `subnet-${String(reference.index).padStart(17, "0")}`;
    case "securityGroupId":
      return "sg-00000000000000000";
  }
}
