/**
 * `npm run local:endpoint -- --stack <name> [--port 8083]`: serves the Step Functions API on 127.0.0.1 (port 8083 by
 * default, Step Functions Local's) with the stack's workflows as state machines, rendered as they deploy
 * (`renderWorkflow`), under their deployed names and ARNs, so that `@aws-sdk/client-sfn`, the AWS CLI
 * (`--endpoint-url http://127.0.0.1:8083`) and `npm run exec -- --endpoint local` run them on our own engine.
 *
 * Tasks run on the stack's local services (`LocalStack`: its handlers in-process, dynalite, captured SNS), every
 * call authorized against the stack's plan, as `npm start` runs them; `.waitForTaskToken` Tasks wait for a
 * SendTaskSuccess/SendTaskFailure sent to the endpoint.
 * Runs until interrupted (Ctrl-C). Exits 0 after an interrupt, 1 when the stack cannot be read or the port is
 * taken, 2 on bad usage.
 */
import { parseArgs } from "node:util";
import { WORKFLOWS } from "../infra/manifest";
import type { StepFunctionsEndpoint } from "../local/endpoint/server";
import { LocalStack } from "../local/runner";
import { planCache } from "../offline/plan-cache";
import { CONSOLE, type CommandOutput } from "./stack-args";
import { startCommandLine } from "./runtime";

const USAGE = "usage: npm run local:endpoint -- --stack <name> [--port 8083]";

/** Step Functions Local's port, which the endpoint takes by default. */
export const DEFAULT_PORT = 8083;

/** Options of {@link main} for running it in-process. */
export interface LocalEndpointRun {
  /** Stops the endpoint when aborted. @default SIGINT or SIGTERM */
  signal?: AbortSignal;
  /** Called once the endpoint listens (tests take its URL from here). */
  onListening?: (endpoint: StepFunctionsEndpoint) => void;
  /** The directory of the stack files. @default the project root */
  root?: string;
  /** The executions' clock. @default "real" */
  clock?: "real" | "virtual";
}

/**
 * The command, callable in-process: parses the arguments, starts the stack locally with the endpoint, prints
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
  let stack: LocalStack;
  try {
    stack = await LocalStack.start({ stack: values.stack, root: run.root, plans: planCache(), endpointPort: port, endpointClock: run.clock });
  } catch (error) {
    io.err(`local:endpoint failed: ${(error as Error).message}`);
    return 1;
  }
  const endpoint = stack.endpoint!;
  const { partition, region, accountId } = stack.config;
  io.out(`Step Functions endpoint for the ${values.stack} stack on ${endpoint.url} (${region}, account ${accountId}); DynamoDB on ${stack.dynamodb.endpoint}`);
  for (const workflow of stack.config.workflows) io.out(`  ${WORKFLOWS[workflow].type.padEnd(8)} arn:${partition}:states:${region}:${accountId}:stateMachine:${stack.naming.physical(workflow)}`);
  io.out(`Tasks run on the stack's local services, every call authorized against its plan. Try: npm run exec -- --stack ${values.stack} <workflow> --input <file> --endpoint ${endpoint.url} --follow`);
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
  await stack.stop();
  io.out("Step Functions endpoint stopped.");
  return 0;
}

if (require.main === module) {
  startCommandLine();
  void main(process.argv.slice(2)).then((code) => {
    process.exitCode = code;
  });
}
