/**
 * `npm run exec -- --stack <name> <workflow> --input <file> [--endpoint local|aws|<url>] [--follow] [--name <execution>] [--history <file>]`:
 * starts an execution of one of the stack's workflows through `@aws-sdk/client-sfn`, on the local endpoint
 * (`local`, the default: `http://127.0.0.1:8083`, as `npm run local:endpoint` serves it), on AWS (`aws`: the default
 * credential chain, the stack's Region; the console URL is printed) or on any endpoint URL. The state machine ARN is
 * the stack's (`Naming.stateMachineArn`).
 *
 * Without `--follow` it prints the execution ARN and exits 0. With `--follow` it follows the execution's history
 * (GetExecutionHistory, page by page, polling until the execution ends), printing one line per State entered,
 * exited or failed with its timestamp, then the final status and output; an Express workflow, whose history the API
 * does not serve, runs with StartSyncExecution instead.
 *
 * Exits 0 when the execution succeeded (or started, without `--follow`), 1 when it failed, timed out or was
 * aborted (or the call failed), 2 on bad usage (unknown stack or workflow, unreadable or non-JSON input).
 * @see https://docs.aws.amazon.com/step-functions/latest/apireference/API_GetExecutionHistory.html
 */
import * as fs from "node:fs";
import { parseArgs } from "node:util";
import {
  DescribeExecutionCommand,
  type DescribeExecutionCommandOutput,
  GetExecutionHistoryCommand,
  type HistoryEvent,
  SFNClient,
  type SFNClientConfig,
  StartExecutionCommand,
  StartSyncExecutionCommand,
} from "@aws-sdk/client-sfn";
import { readStackFile } from "../infra/config";
import { WORKFLOWS, type WorkflowName } from "../infra/manifest";
import { Naming } from "../infra/naming";
import { CONSOLE, type CommandOutput } from "./stack-args";
import { startCommandLine } from "./runtime";

const USAGE = "usage: npm run exec -- --stack <name> <workflow> --input <file> [--endpoint local|aws|<url>] [--follow] [--name <execution>] [--history <file>]";

/** The local endpoint `--endpoint local` means: `npm run local:endpoint`'s default. */
export const LOCAL_ENDPOINT = "http://127.0.0.1:8083";

/** Options of {@link main} for running it in-process. */
export interface ExecRun {
  /** How long to wait between two polls of the history, in ms. @default 1000 (local), 2000 (AWS) */
  pollMs?: number;
  /** The directory of the stack files. @default the project root */
  root?: string;
}

/** The console page of an execution. */
export function consoleUrl(region: string, executionArn: string): string {
  return `https://${region}.console.aws.amazon.com/states/home?region=${region}#/v2/executions/details/${executionArn}`;
}

/** A usage error: its message is printed with the usage, exit code 2. */
class UsageError extends Error {}

/**
 * The command, callable in-process.
 * @param argv the command-line arguments, e.g. `["--stack", "dev", "credit-approval", "--input", "in.json", "--follow"]`.
 * @param io where the output, usage and errors go.
 * @param run in-process options (poll interval, stack file directory).
 * @returns the exit code: 0 succeeded (or started), 1 failed, timed out, aborted or the call failed, 2 bad usage.
 */
export async function main(argv: string[], io: CommandOutput = CONSOLE, run: ExecRun = {}): Promise<number> {
  let parsed: ReturnType<typeof parseCommand>;
  try {
    parsed = parseCommand(argv, run.root);
  } catch (error) {
    if (error instanceof UsageError) {
      io.err(`${error.message}\n${USAGE}`);
      return 2;
    }
    throw error;
  }
  if (parsed === "help") {
    io.out(USAGE);
    return 0;
  }
  const { region, stateMachineArn, input, endpoint, follow, name, express, history } = parsed;
  const config: SFNClientConfig = endpoint === "aws" ? { region } : { region, endpoint, credentials: { accessKeyId: "local", secretAccessKey: "local" }, disableHostPrefix: true };
  const client = new SFNClient(config);
  try {
    if (express && follow) {
      io.out(`${stateMachineArn} is an Express workflow: running it with StartSyncExecution (the API keeps no history of Express executions).`);
      const result = await client.send(new StartSyncExecutionCommand({ stateMachineArn, input, name }));
      io.out(`execution ${result.executionArn}`);
      return final(io, result.status, result.output, result.error, result.cause);
    }
    const started = await client.send(new StartExecutionCommand({ stateMachineArn, input, name }));
    io.out(`execution ${started.executionArn}`);
    if (endpoint === "aws") io.out(`console ${consoleUrl(region, started.executionArn!)}`);
    if (!follow) return 0;
    if (express) return 0;
    const described = await follow_(client, started.executionArn!, io, run.pollMs ?? (endpoint === "aws" ? 2000 : 1000));
    if (history) {
      // The whole history, oldest first, for `npm run diagram -- --execution <file>`.
      const events: HistoryEvent[] = [];
      let nextToken: string | undefined;
      do {
        const page = await client.send(new GetExecutionHistoryCommand({ executionArn: started.executionArn, nextToken, maxResults: 1000 }));
        events.push(...(page.events ?? []));
        nextToken = page.nextToken;
      } while (nextToken);
      fs.writeFileSync(history, `${JSON.stringify({ executionArn: started.executionArn, events }, null, 2)}\n`);
      io.out(`history ${history} (${events.length} events)`);
    }
    return final(io, described.status, described.output, described.error, described.cause);
  } catch (error) {
    const err = error as Error & { code?: string };
    const hint = endpoint !== "aws" && (err.code === "ECONNREFUSED" || /ECONNREFUSED/.test(String(err.message))) ? ` (is \`npm run local:endpoint -- --stack <name>\` running on ${endpoint}?)` : "";
    io.err(`exec failed: ${err.name}: ${err.message}${hint}`);
    return 1;
  } finally {
    client.destroy();
  }
}

/** Parses and checks the arguments, reading the stack file and the input. */
function parseCommand(argv: string[], root?: string) {
  let values: { stack?: string; input?: string; endpoint?: string; follow?: boolean; name?: string; history?: string; help?: boolean };
  let positionals: string[];
  try {
    ({ values, positionals } = parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        stack: { type: "string", short: "s" },
        input: { type: "string", short: "i" },
        endpoint: { type: "string" },
        follow: { type: "boolean", short: "f" },
        name: { type: "string" },
        history: { type: "string" },
        help: { type: "boolean", short: "h" },
      },
    }));
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  if (values.help) return "help" as const;
  if (!values.stack) throw new UsageError("--stack is required");
  if (positionals.length !== 1) throw new UsageError(positionals.length === 0 ? "the workflow is required" : `one workflow, not ${positionals.length}: ${positionals.join(" ")}`);
  const workflow = positionals[0];
  if (!(workflow in WORKFLOWS)) throw new UsageError(`unknown workflow ${JSON.stringify(workflow)}: one of ${Object.keys(WORKFLOWS).join(", ")}`);
  if (!values.input) throw new UsageError("--input <file> is required (a JSON file; e.g. samples/...)");
  if (values.history !== undefined && !values.follow) throw new UsageError("--history <file> needs --follow: the history is written once the execution ends");
  if (values.history !== undefined && WORKFLOWS[workflow as WorkflowName].type === "EXPRESS") throw new UsageError(`--history: ${workflow} is an Express workflow, whose history the API does not keep (only its logs)`);
  let config;
  try {
    ({ config } = readStackFile(values.stack, root));
  } catch (error) {
    throw new UsageError(`stack ${values.stack}: ${(error as Error).message}`);
  }
  if (!config.workflows.includes(workflow as WorkflowName)) throw new UsageError(`the ${values.stack} stack does not deploy ${workflow} (statecraft:workflows: ${config.workflows.join(", ")})`);
  let input: string;
  try {
    input = fs.readFileSync(values.input, "utf8");
  } catch (error) {
    throw new UsageError(`cannot read --input ${values.input}: ${(error as Error).message}`);
  }
  try {
    JSON.parse(input);
  } catch (error) {
    throw new UsageError(`--input ${values.input} is not JSON: ${(error as Error).message}`);
  }
  const endpointArg = values.endpoint ?? "local";
  let endpoint: string;
  if (endpointArg === "aws") endpoint = "aws";
  else if (endpointArg === "local") endpoint = LOCAL_ENDPOINT;
  else {
    let url: URL;
    try {
      url = new URL(endpointArg);
    } catch {
      throw new UsageError(`--endpoint must be local, aws or a URL. Received: ${endpointArg}`);
    }
    if (url.protocol !== "http:" && url.protocol !== "https:") throw new UsageError(`--endpoint must be an http(s) URL. Received: ${endpointArg}`);
    endpoint = endpointArg;
  }
  const naming = new Naming("statecraft", values.stack, { partition: config.partition, region: config.region, account: config.accountId });
  return {
    region: config.region,
    stateMachineArn: naming.stateMachineArn(workflow),
    input,
    endpoint,
    follow: values.follow === true,
    name: values.name,
    history: values.history,
    express: WORKFLOWS[workflow as WorkflowName].type === "EXPRESS",
  };
}

/** Execution events that end it. */
const TERMINAL = new Set(["ExecutionSucceeded", "ExecutionFailed", "ExecutionTimedOut", "ExecutionAborted"]);

/**
 * Follows an execution's history until it ends. Each poll reads only what is new: GetExecutionHistory newest first
 * (`reverseOrder`), page by page with `nextToken`, until it reaches an event already printed; then prints the new
 * events oldest first and polls again after `pollMs`. Each event is named by the State of its own branch or
 * iteration (the `previousEventId` chain), so a failure inside a Parallel names its own State.
 * @returns the execution, described once it ended.
 */
async function follow_(client: SFNClient, executionArn: string, io: CommandOutput, pollMs: number): Promise<DescribeExecutionCommandOutput> {
  let lastId = 0;
  /** The State each event seen belongs to (until that State exits). */
  const stateOf = new Map<number, string | undefined>();
  for (;;) {
    const fresh: HistoryEvent[] = [];
    let nextToken: string | undefined;
    do {
      const page = await client.send(new GetExecutionHistoryCommand({ executionArn, nextToken, maxResults: 100, reverseOrder: true }));
      const events = page.events ?? [];
      fresh.push(...events.filter((event) => (event.id ?? 0) > lastId));
      nextToken = events.some((event) => (event.id ?? 0) <= lastId) ? undefined : page.nextToken;
    } while (nextToken);
    let ended = false;
    for (const event of fresh.sort((x, y) => (x.id ?? 0) - (y.id ?? 0))) {
      lastId = event.id ?? lastId;
      const state = event.stateEnteredEventDetails?.name ?? stateOf.get(event.previousEventId ?? 0) ?? "";
      stateOf.set(event.id ?? 0, event.stateExitedEventDetails ? undefined : state);
      const line = eventLine(event, state);
      if (line) io.out(line);
      if (TERMINAL.has(event.type ?? "")) ended = true;
    }
    if (ended) break;
    await new Promise((resolve) => setTimeout(resolve, pollMs));
  }
  return client.send(new DescribeExecutionCommand({ executionArn }));
}

/** One event's line: `<timestamp>  entered|exited|failed|timed out|aborted  <state>  [error: cause]`; none for the rest. */
function eventLine(event: HistoryEvent, state: string): string | undefined {
  const time = event.timestamp ? event.timestamp.toISOString() : "";
  const type = event.type ?? "";
  if (event.stateEnteredEventDetails) return `${time}  entered    ${event.stateEnteredEventDetails.name}`;
  if (event.stateExitedEventDetails) return `${time}  exited     ${event.stateExitedEventDetails.name}`;
  const details = Object.entries(event).find(([key, value]) => key.endsWith("EventDetails") && value && typeof value === "object" && "error" in value)?.[1] as { error?: string; cause?: string } | undefined;
  const what = `${details?.error ?? ""}${details?.cause ? `: ${details.cause}` : ""}`;
  if (type === "ExecutionAborted") return `${time}  aborted    ${state}${what ? `  ${what}` : ""}`;
  if (type.endsWith("TimedOut")) return `${time}  timed out  ${type.startsWith("Execution") ? "(execution)" : state}${what ? `  ${what}` : ""}`;
  if (type.endsWith("Failed") && !type.startsWith("MapIteration")) return `${time}  failed     ${type.startsWith("Execution") ? "(execution)" : state}  ${type}${what ? `  ${what}` : ""}`;
  return undefined;
}

/** Prints the final status and the output (or error and cause); returns the exit code. */
function final(io: CommandOutput, status: string | undefined, output: string | undefined, error: string | undefined, cause: string | undefined): number {
  io.out(`status ${status}`);
  if (status === "SUCCEEDED") {
    io.out(`output ${output}`);
    return 0;
  }
  if (error !== undefined) io.out(`error ${error}`);
  if (cause !== undefined) io.out(`cause ${cause}`);
  return 1;
}

if (require.main === module) {
  startCommandLine();
  void main(process.argv.slice(2)).then((code) => {
    process.exitCode = code;
  });
}
