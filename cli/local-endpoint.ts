/**
 * `npm run local:endpoint -- --stack <name> [--port 8083]`: serves the Step Functions API on 127.0.0.1 (port 8083 by
 * default, Step Functions Local's) with the stack's workflows as state machines, rendered as they deploy
 * (`renderWorkflow`), under their deployed names and ARNs, so that `@aws-sdk/client-sfn`, the AWS CLI
 * (`--endpoint-url http://127.0.0.1:8083`) and `npm run exec -- --endpoint local` run them on our own engine.
 *
 * Until the local runner serves Tasks through the endpoint, a Task fails as the engine fails one without a handler.
 * Runs until interrupted (Ctrl-C). Exits 0 after an interrupt, 1 when the stack cannot be read or the port is
 * taken, 2 on bad usage.
 */
import { parseArgs } from "node:util";
import { readStackFile, producerStackOf } from "../infra/config";
import { stackContents, WORKFLOWS, type WorkflowName } from "../infra/manifest";
import { Naming, executionRoleName } from "../infra/naming";
import { buildArn } from "../infra/iam/arn";
import { renderWorkflow } from "../infra/render";
import { type SharedWorkflows, resolveSharedWorkflows, sharedWorkflowsOf } from "../infra/sharing";
import { type EndpointOptions, StepFunctionsEndpoint } from "../local/endpoint/server";
import type { StateMachineSeed } from "../local/endpoint/operations";
import { CONSOLE, type CommandOutput } from "./stack-args";
import { withoutSourceMaps } from "./runtime";

const USAGE = "usage: npm run local:endpoint -- --stack <name> [--port 8083]";

/** Step Functions Local's port, which the endpoint takes by default. */
export const DEFAULT_PORT = 8083;

/** The Pulumi project, the first part of every physical name. */
const PROJECT = "statecraft";

/** A stack's state machines, as the endpoint serves them. */
export interface StackMachines {
  /** The stack's partition, Region and account. */
  scope: { partition: string; region: string; account: string };
  machines: StateMachineSeed[];
  /** Workflows left out, each with why (e.g. a producer stack that does not share what it calls). */
  skipped: string[];
}

/**
 * The state machines a stack deploys, rendered for it: each of `statecraft:workflows` under its physical name
 * (`statecraft-<stack>-<workflow>`), its type and its execution role's ARN. A workflow calling another stack's shared
 * workflows renders with the producer stack's configuration (read from its own stack file).
 * @param stack the stack name, e.g. `dev`.
 * @param root the directory holding the stack files. @default the project root
 * @throws StackConfigError for a missing or bad stack file.
 */
export function machinesOf(stack: string, root?: string): StackMachines {
  const { config } = readStackFile(stack, root);
  const context = { partition: config.partition, region: config.region, account: config.accountId };
  const naming = new Naming(PROJECT, stack, context);
  const skipped: string[] = [];
  let shared: SharedWorkflows = {};
  const producer = producerStackOf(config);
  if (producer) {
    try {
      const { config: producerConfig } = readStackFile(producer.stack, root);
      const producerNaming = new Naming(PROJECT, producer.stack, { partition: producerConfig.partition, region: producerConfig.region, account: producerConfig.accountId });
      shared = resolveSharedWorkflows(stack, config, sharedWorkflowsOf(producerConfig, producerNaming), stackContents(config.workflows, config.backupTables).sharedWorkflows);
    } catch (error) {
      skipped.push(`shared workflows of ${config.producerStack}: ${(error as Error).message}`);
    }
  }
  const machines: StateMachineSeed[] = [];
  for (const workflow of config.workflows as WorkflowName[]) {
    try {
      const { definition } = renderWorkflow(workflow, naming, config.backupTables, shared);
      const name = naming.physical(workflow);
      machines.push({ name, definition, roleArn: buildArn(context, "iam", `role/${executionRoleName(name)}`, "global"), type: WORKFLOWS[workflow].type });
    } catch (error) {
      skipped.push(`${workflow}: ${(error as Error).message}`);
    }
  }
  return { scope: context, machines, skipped };
}

/** Options of {@link main} for running it in-process. */
export interface LocalEndpointRun {
  /** Stops the endpoint when aborted. @default SIGINT or SIGTERM */
  signal?: AbortSignal;
  /** Called once the endpoint listens (tests take its URL from here). */
  onListening?: (endpoint: StepFunctionsEndpoint) => void;
  /** Overrides the endpoint's options (e.g. a virtual clock in tests). */
  endpointOptions?: Partial<EndpointOptions>;
  /** The directory of the stack files. @default the project root */
  root?: string;
}

/**
 * The command, callable in-process: parses the arguments, starts the endpoint with the stack's machines, prints
 * its URL and their ARNs, and serves until the signal aborts (SIGINT/SIGTERM from the command line).
 * @param argv the command-line arguments, e.g. `["--stack", "dev", "--port", "8083"]`.
 * @param io where the output, usage and errors go.
 * @param run in-process options.
 * @returns the exit code: 0 once stopped, 1 for a bad stack or a port in use, 2 for bad usage.
 */
export async function main(argv: string[], io: CommandOutput = CONSOLE, run: LocalEndpointRun = {}): Promise<number> {
  let values: { stack?: string; port?: string; help?: boolean };
  try {
    ({ values } = parseArgs({ args: argv, options: { stack: { type: "string", short: "s" }, port: { type: "string", short: "p" }, help: { type: "boolean", short: "h" } } }));
  } catch (error) {
    io.err(`${(error as Error).message}\n${USAGE}`);
    return 2;
  }
  if (values.help) {
    io.out(USAGE);
    return 0;
  }
  if (!values.stack) {
    io.err(`--stack is required\n${USAGE}`);
    return 2;
  }
  const port = values.port === undefined ? DEFAULT_PORT : Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    io.err(`--port must be a port number (0 to 65535). Received: ${values.port}\n${USAGE}`);
    return 2;
  }
  let endpoint: StepFunctionsEndpoint;
  try {
    const { scope, machines, skipped } = machinesOf(values.stack, run.root);
    for (const reason of skipped) io.err(`skipped ${reason}`);
    endpoint = await StepFunctionsEndpoint.start({ ...scope, stateMachines: machines, port, ...run.endpointOptions });
    io.out(`Step Functions endpoint for the ${values.stack} stack on ${endpoint.url} (${scope.region}, account ${scope.account})`);
    for (const machine of machines) io.out(`  ${(machine.type ?? "STANDARD").padEnd(8)} arn:${scope.partition}:states:${scope.region}:${scope.account}:stateMachine:${machine.name}`);
    io.out(`Tasks fail (no Task handler is wired yet). Try: aws stepfunctions list-state-machines --endpoint-url ${endpoint.url}`);
  } catch (error) {
    io.err(`local:endpoint failed: ${(error as Error).message}`);
    return 1;
  }
  run.onListening?.(endpoint);
  await new Promise<void>((resolve) => {
    if (run.signal) {
      if (run.signal.aborted) resolve();
      run.signal.addEventListener("abort", () => resolve(), { once: true });
      return;
    }
    const stop = () => resolve();
    process.once("SIGINT", stop);
    process.once("SIGTERM", stop);
  });
  await endpoint.stop();
  io.out("Step Functions endpoint stopped.");
  return 0;
}

if (require.main === module) {
  withoutSourceMaps();
  void main(process.argv.slice(2)).then((code) => {
    process.exitCode = code;
  });
}
