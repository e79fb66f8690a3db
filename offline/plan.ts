import { producerStackOf, readStackFile } from "../infra/config";
import { statecraftProgram } from "../infra/program";
import { AwsMocks, RegisteredResource } from "./mocks";
import { runProgram } from "./program";

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
    const producer = producerStackOf(config)!;
    if (producer.project !== project) {
      throw new Error(`${stack}: statecraft:producerStack ${config.producerStack} is a stack of project ${producer.project}: the offline plan answers StackReferences to stacks of ${project} only (pass its outputs in options.stackReferences)`);
    }
    stackReferences[config.producerStack] = (await runPlan(producer.stack, { project, root: options.root })).outputs;
  }
  const mocks = new AwsMocks({ partition: config.partition, region: config.region, account: config.accountId }, { stackReferences });
  const { resources, outputs } = await runProgram(statecraftProgram, { project, stack, mocks, config: raw, secretKeys });
  return {
    stack,
    resources,
    outputs,
    ...(Object.keys(stackReferences).length ? { stackReferences } : {}),
  };
}
