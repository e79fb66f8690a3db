/**
 * `npm run -s promote -- --stack <stack> --workflow <name> [--outputs <file>|-]`: rolls the version `pulumi up`
 * published last out on the workflow's `live` alias, as the workflow's `statecraft:rollouts` entry says (all at
 * once, a canary, or linear), watching its CloudWatch alarms, and rolls back to the version in service when one
 * fires ({@link runRollout}). It reads the stack's outputs as `pulumi stack output --json --show-secrets -s <stack>`
 * prints them, from the file `--outputs` names or from standard input (`-`, the default when it is a pipe), and
 * uses their `rollouts` output ({@link RolloutTarget}); the AWS credentials are the SDK's defaults.
 *
 *     pulumi stack output --json --show-secrets -s prod | npm run -s promote -- --stack prod --workflow credit-approval
 *
 * Why a command after `pulumi up`, not the program: CloudFormation moves a Step Functions alias gradually itself
 * (`DeploymentPreference` on `AWS::StepFunctions::StateMachineAlias`), but Pulumi's `aws.sfn.Alias` has no such
 * property: it sets a `routingConfiguration` and returns. A program that shifted weights itself would hold
 * `pulumi up` open for the whole rollout (a 10 % linear rollout at 30 minutes is four and a half hours), lose the
 * rollout if the deployment were cancelled, and could not roll back on an alarm without failing the update halfway.
 * So `pulumi up` publishes the version and leaves the alias of a guarded workflow where it is (`ignoreChanges` on
 * its routing), and this command moves it, step by step, and can be re-run: it resumes a rollout it finds halfway,
 * and does nothing when the alias serves the version already.
 *
 * Each step and the outcome print to standard output as they happen; a rollback prints why on standard error.
 * Ctrl-C rolls back. Exit codes: 0 promoted or unchanged, 1 rolled back or failed (the message says where the
 * alias points), 2 bad usage or unusable outputs (nothing was changed).
 * @see https://docs.aws.amazon.com/step-functions/latest/dg/concepts-cfn-deploy.html
 * @see https://www.pulumi.com/registry/packages/aws/api-docs/sfn/alias/
 */
import { CloudWatchClient } from "@aws-sdk/client-cloudwatch";
import { SFNClient } from "@aws-sdk/client-sfn";
import { readFileSync } from "node:fs";
import { parseArgs } from "node:util";
import { RolloutTarget, RolloutTargetError, parseRolloutTargets, versionNumber } from "../infra/rollout/plan";
import { RolloutError, RolloutResult, runRollout } from "../infra/rollout/run";
import { Rollout } from "../infra/rollout/schema";
import { startCommandLine } from "./runtime";

const USAGE = "usage: pulumi stack output --json --show-secrets -s <stack> | npm run -s promote -- --stack <stack> --workflow <name> [--outputs <file>|-]";

/** What the command uses from outside, each replaceable by the tests. */
export interface PromoteDeps {
  /** The SDK clients for a Region. @default new SFNClient({ region }) and new CloudWatchClient({ region }) */
  clients?: (region: string) => { sfn: SFNClient; cloudwatch: CloudWatchClient };
  /** Reads a file. @default fs.readFileSync(path, "utf8") */
  readFile?: (path: string) => string;
  /** Reads all of standard input. @default reads process.stdin */
  readStdin?: () => Promise<string>;
  /** Whether standard input is a terminal (so nothing is piped in). @default process.stdin.isTTY */
  stdinIsTTY?: boolean;
  /** Passed to {@link runRollout}: a virtual clock in the tests. */
  sleep?: (ms: number) => Promise<void>;
  now?: () => Date;
  /** Aborting it rolls back (the entry aborts on Ctrl-C). */
  signal?: AbortSignal;
  /** Receives each piece of output as it is produced (the entry writes it to the process's streams). */
  write?: (stream: "stdout" | "stderr", text: string) => void;
}

/** What one run of the command printed, its exit code, and the rollout's result when it ran. */
export interface PromoteCommandResult {
  code: number;
  stdout: string;
  stderr: string;
  result?: RolloutResult;
}

/**
 * Runs the `promote` command on its arguments, without touching the process: the entry point and the tests share it.
 * @param argv the arguments after the script name.
 * @param deps the clients, input and clock (see {@link PromoteDeps}).
 * @returns the exit code (0 promoted or unchanged, 1 rolled back or failed, 2 bad usage or outputs) and the output.
 * @throws only on a bug: expected failures (bad arguments, AWS errors, a failed rollback) are messages and exit codes.
 * @see https://docs.aws.amazon.com/step-functions/latest/dg/concepts-cfn-deploy.html
 */
export async function runPromoteCommand(argv: string[], deps: PromoteDeps = {}): Promise<PromoteCommandResult> {
  const out: string[] = [];
  const err: string[] = [];
  const print = (stream: "stdout" | "stderr", line: string) => {
    (stream === "stdout" ? out : err).push(`${line}\n`);
    deps.write?.(stream, `${line}\n`);
  };
  const done = (code: number, result?: RolloutResult): PromoteCommandResult => ({ code, stdout: out.join(""), stderr: err.join(""), ...(result ? { result } : {}) });
  const usage = (message: string) => {
    print("stderr", message);
    print("stderr", USAGE);
    return done(2);
  };

  let values;
  try {
    ({ values } = parseArgs({
      args: argv,
      options: { stack: { type: "string" }, workflow: { type: "string" }, outputs: { type: "string" }, help: { type: "boolean", short: "h" } },
    }));
  } catch (error) {
    return usage((error as Error).message);
  }
  if (values.help) {
    print("stdout", USAGE);
    return done(0);
  }
  if (!values.stack) return usage("--stack is required");
  if (!/^[A-Za-z0-9_.\-/]+$/.test(values.stack)) return usage(`--stack must be a stack name such as prod or org/project/prod. Received: ${values.stack}`);
  if (!values.workflow) return usage("--workflow is required");
  const source = values.outputs ?? "-";
  const stdinIsTTY = deps.stdinIsTTY ?? Boolean(process.stdin.isTTY);
  if (source === "-" && stdinIsTTY) return usage(`no stack outputs: pipe \`pulumi stack output --json --show-secrets -s ${values.stack}\` in, or pass --outputs <file>`);

  let text: string;
  try {
    text = source === "-" ? await (deps.readStdin ?? readStdin)() : (deps.readFile ?? ((path: string) => readFileSync(path, "utf8")))(source);
  } catch (error) {
    return usage(`cannot read the stack outputs from ${source === "-" ? "standard input" : source}: ${(error as Error).message}`);
  }
  const from = source === "-" ? "standard input" : source;
  if (text.trim() === "") return usage(`${from} is empty: expected what \`pulumi stack output --json --show-secrets -s ${values.stack}\` prints`);
  let targets: Record<string, RolloutTarget>;
  try {
    targets = parseRolloutTargets(JSON.parse(text));
  } catch (error) {
    if (error instanceof SyntaxError) return usage(`${from}: not the JSON \`pulumi stack output --json\` prints: ${error.message}`);
    if (error instanceof RolloutTargetError) return usage(`${from}: the stack ${values.stack} has no usable \`rollouts\` output:\n${error.message}`);
    throw error;
  }
  const target = targets[values.workflow];
  if (!target) {
    const known = Object.keys(targets);
    return usage(`the stack ${values.stack} has no rollout for the workflow ${values.workflow}; it has ${known.length ? known.join(", ") : "none"}`);
  }

  print("stdout", `${values.workflow} (stack ${values.stack}): ${describeRollout(target.rollout)} of version ${versionNumber(target.versionArn)} on ${target.aliasArn}`);
  const made = deps.clients ? undefined : { sfn: new SFNClient({ region: target.region }), cloudwatch: new CloudWatchClient({ region: target.region }) };
  const clients = made ?? deps.clients!(target.region);
  try {
    const result = await runRollout({
      ...clients,
      aliasArn: target.aliasArn,
      targetVersionArn: target.versionArn,
      alarmNames: target.alarmNames,
      rollout: target.rollout,
      sleep: deps.sleep,
      now: deps.now,
      signal: deps.signal,
      log: (line) => print("stdout", line),
    });
    if (result.outcome === "rolled-back") {
      print("stderr", `rolled back: ${result.reason}; ${target.aliasArn} routes 100% to version ${versionNumber(result.previousVersionArn ?? "")}`);
      return done(1, result);
    }
    print("stdout", result.outcome === "promoted" ? `promoted in ${result.minutes} min` : "unchanged");
    return done(0, result);
  } catch (error) {
    if (!(error instanceof RolloutError)) throw error;
    print("stderr", error.message);
    return done(error.kind === "input" ? 2 : 1);
  } finally {
    made?.sfn.destroy();
    made?.cloudwatch.destroy();
  }
}

/** `a canary of 10% for 5 min`. */
function describeRollout(rollout: Rollout): string {
  switch (rollout.type) {
    case "ALL_AT_ONCE":
      return "all at once";
    case "CANARY":
      return `a canary of ${rollout.percentage}% for ${rollout.intervalMinutes} min`;
    case "LINEAR":
      return `linear, ${rollout.percentage}% more every ${rollout.intervalMinutes} min`;
  }
}

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString("utf8");
}

if (require.main === module) {
  startCommandLine();
  const controller = new AbortController();
  process.once("SIGINT", () => {
    process.stderr.write("interrupted: rolling back (Ctrl-C again to leave the alias as it is)\n");
    controller.abort();
  });
  void runPromoteCommand(process.argv.slice(2), {
    signal: controller.signal,
    write: (stream, text) => (stream === "stdout" ? process.stdout : process.stderr).write(text),
  }).then((result) => {
    process.exitCode = result.code;
  });
}
