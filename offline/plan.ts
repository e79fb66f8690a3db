import * as pulumi from "@pulumi/pulumi";
import { readStackFile } from "../infra/config";
import { statecraftProgram } from "../infra/program";
import { AwsMocks, RegisteredResource } from "./mocks";

// Not in the SDK's typings; the SDK's own tests use it to let a program's outstanding RPCs settle.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { waitForRPCs } = require("@pulumi/pulumi/runtime/settings") as { waitForRPCs: () => Promise<void> };

/** The offline plan of a stack: what `pulumi up` would register, with inputs resolved. */
export interface Plan {
  stack: string;
  resources: RegisteredResource[];
  /** The stack outputs, resolved. */
  outputs: Record<string, unknown>;
  /** The outputs each StackReference of the stack was answered with, by fully-qualified stack name. */
  stackReferences?: Record<string, Record<string, unknown>>;
}

/** Options of {@link runPlan}. */
export interface PlanOptions {
  /** The Pulumi project name. @default "statecraft" */
  project?: string;
  /** The directory holding `Pulumi.<stack>.yaml` (and the producer's stack file). @default the project root */
  root?: string;
  /**
   * The outputs to answer StackReferences with, by fully-qualified stack name. Without an entry for the stack's
   * `statecraft:producerStack`, the producer's own offline plan answers it.
   */
  stackReferences?: Record<string, Record<string, unknown>>;
}

/**
 * Runs the real Pulumi program in-process under {@link AwsMocks}, with the configuration of
 * `Pulumi.<stack>.yaml`, and collects every resource it registers (type, name, parent, resolved inputs) and the
 * stack outputs. No Pulumi CLI, engine or cloud account is involved.
 *
 * Secrets in the stack file (`secure: v1:…`) get the offline stand-ins of {@link readStackFile} and are passed as
 * secret configuration, as the Pulumi CLI passes decrypted secrets.
 *
 * A stack with `statecraft:producerStack` (`<organization>/<project>/<stack>`) reads that stack's outputs through
 * a StackReference: unless `options.stackReferences` answers it, the producer's own plan runs first (from
 * `Pulumi.<stack>.yaml` in the same root; the project must be this one) and its outputs answer it.
 *
 * Runs one stack at a time per process state: each call resets the mocks and the configuration.
 *
 * @param stack the stack name (`dev`, `prod`, `consumer`, …).
 * @param options see {@link PlanOptions}.
 * @returns the plan.
 * @throws StackConfigError for a missing or bad stack file (this stack's or the producer's); DefinitionError for a
 *   bad definition; any error the program raises while registering resources.
 * @see https://www.pulumi.com/docs/iac/guides/testing/unit/
 */
export async function runPlan(stack: string, options: PlanOptions = {}): Promise<Plan> {
  const project = options.project ?? "statecraft";
  const { config, raw, secretKeys } = readStackFile(stack, options.root);
  const stackReferences = { ...options.stackReferences };
  if (config.producerStack && !stackReferences[config.producerStack]) {
    const [, producerProject, producerStack] = config.producerStack.split("/");
    if (producerProject !== project) {
      throw new Error(`${stack}: statecraft:producerStack ${config.producerStack} is a stack of project ${producerProject}: the offline plan answers StackReferences to stacks of ${project} only (pass its outputs in options.stackReferences)`);
    }
    if (producerStack === stack) throw new Error(`${stack}: statecraft:producerStack ${config.producerStack} names the stack itself`);
    stackReferences[config.producerStack] = (await runPlan(producerStack, { project, root: options.root })).outputs;
  }
  const mocks = new AwsMocks({ partition: config.partition, region: config.region, account: config.accountId }, { stackReferences });
  await pulumi.runtime.setMocks(mocks, project, stack, false);
  pulumi.runtime.setAllConfig(raw, secretKeys);

  const parents = new Map<pulumi.Resource, string>();
  const parentOf = new Map<string, string>();
  const optionsOf = new Map<string, RegisteredResource["options"]>();
  const outputs = await pulumi.runtime.runInPulumiStack(async () => {
    pulumi.runtime.registerStackTransformation((args) => {
      const key = `${args.type}::${args.name}`;
      parents.set(args.resource, key);
      const parent = args.opts.parent && parents.get(args.opts.parent);
      if (parent) parentOf.set(key, parent);
      const dependsOn = ([] as unknown[]).concat(args.opts.dependsOn ?? []).map((r) => parents.get(r as pulumi.Resource) ?? "?");
      if (args.opts.retainOnDelete !== undefined || dependsOn.length > 0) {
        optionsOf.set(key, { ...(args.opts.retainOnDelete !== undefined ? { retainOnDelete: args.opts.retainOnDelete } : {}), ...(dependsOn.length ? { dependsOn } : {}) });
      }
      return undefined;
    });
    return statecraftProgram();
  });
  // Every registration has reached the mocks once every resource's URN has resolved; the outputs of the stack
  // resource are registered last, and must settle before the next plan resets the mocks.
  await Promise.all([...parents.keys()].map((resource) => new Promise((resolve) => resource.urn.apply(resolve))));
  await waitForRPCs();
  const resources = mocks.resources.map((resource) => {
    const key = `${resource.type}::${resource.name}`;
    const parent = parentOf.get(key);
    const recorded = optionsOf.get(key);
    return { ...resource, ...(parent ? { parent } : {}), ...(recorded ? { options: recorded } : {}) };
  });
  return {
    stack,
    resources,
    outputs: (outputs ?? {}) as Record<string, unknown>,
    ...(Object.keys(stackReferences).length ? { stackReferences } : {}),
  };
}
