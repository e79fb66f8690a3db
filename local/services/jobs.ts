import { randomUUID } from "node:crypto";
import { existsSync } from "node:fs";
import path from "node:path";
import type { Clock } from "../../engine";
import type { Json } from "../../infra/definition/asl";
import { PROJECT_ROOT } from "../../infra/manifest";
import type { Naming } from "../../infra/naming";
import { LocalRunError } from "../errors";
import type { TaskCall } from "../execution-types";
import type { SendsCommands } from "../authz/clients";

/**
 * The runner of container and job code for local runs: an ECS task, a Batch job or a SageMaker model runs
 * `containers/<name>/index.ts`, a Glue job runs `jobs/<name>/index.ts`, in-process, as the container's entry point
 * or the job's script would run in AWS. The module exports `main(args, env)`; what it returns is the run's output
 * (its stdout, kept in the run's record), and a throw is a non-zero exit ({@link JobExit} chooses the code).
 *
 * The name is read from the Task's Parameters by {@link codeName}: the last path segment of the task definition,
 * job definition, Glue job or SageMaker model, without a revision (`:3`) or the stack's `<project>-<stack>-` prefix.
 * @see https://docs.aws.amazon.com/step-functions/latest/dg/connect-ecs.html
 * @see https://docs.aws.amazon.com/step-functions/latest/dg/connect-glue.html
 * @see https://docs.aws.amazon.com/step-functions/latest/dg/connect-batch.html
 * @see https://docs.aws.amazon.com/step-functions/latest/dg/connect-sagemaker.html
 */

/** Where code lives: `containers/` for ECS, Batch and SageMaker, `jobs/` for Glue. */
export type CodeKind = "containers" | "jobs";

/**
 * The AWS clients container code calls AWS with, as its role: in AWS the code builds them itself (the SDK finds the
 * task's role credentials); locally the runner passes clients of the local services that authorize every command as
 * the role the plan gives the job (a Batch job definition's `jobRoleArn`).
 */
export interface JobClients {
  /** An S3 client (`send(command)`): `PutObjectCommand`, `GetObjectCommand`, `ListObjectsV2Command`, … */
  s3: SendsCommands;
}

/** What container or job code exports. */
export interface JobModule {
  /**
   * Runs the container or script once.
   * @param args the container's command (`Command`), or a Glue job's arguments as `["--key", "value", ...]`.
   * @param env the container's environment, or a Glue job's resolved options (`JOB_NAME` and each `--key` without dashes).
   * @param clients the AWS clients to call AWS with, as the job's role, when the local service has them (a Batch
   *   job whose definition names a job role); code run in AWS builds its own.
   * @returns the output, kept in the run's record (what the container would print).
   * @throws to exit non-zero: an error with an integer `exitCode` (a {@link JobExit}) with that code, any other with 1.
   */
  main(args: string[], env: Record<string, string>, clients?: JobClients): Json | void | Promise<Json | void>;
}

/**
 * How a local service runs a module other than through `main`: e.g. SageMaker calling a model's `invocations`
 * once per input object. It gets the loaded module and returns the run's output; a throw is a non-zero exit.
 */
export type JobEntry = (module: Record<string, unknown>) => Json | void | Promise<Json | void>;

/**
 * Thrown by container or job code to exit with a given code, as `process.exit(code)` would. Any error with an
 * integer `exitCode` property does the same, so code need not import this module.
 */
export class JobExit extends Error {
  /**
   * @param exitCode the exit code, not 0.
   * @param message why, reported as the container's `Reason` or the job run's `ErrorMessage`.
   */
  constructor(
    readonly exitCode: number,
    message: string,
  ) {
    super(message);
    this.name = "JobExit";
  }
}

/** One run of container or job code. */
export interface JobRun {
  kind: CodeKind;
  /** The code's name (`containers/<name>` or `jobs/<name>`). */
  name: string;
  args: string[];
  env: Record<string, string>;
  /** 0 when `main` returned. */
  exitCode: number;
  /** What `main` returned. */
  output?: Json;
  /** The error's message, for a non-zero exit. */
  error?: string;
  startedAt: Date;
  stoppedAt: Date;
}

const runs: JobRun[] = [];

/** Options of {@link runJob}: the clients `main` gets, or another entry point. */
export interface RunOptions {
  /** Passed to `main` as its third argument. @default none */
  clients?: JobClients;
  /** Called instead of `main` (which the module then need not export). @default main */
  entry?: JobEntry;
}

/** Every container and job run of this process, oldest first (a local run's containers write no CloudWatch log). */
export function localJobRuns(): readonly JobRun[] {
  return runs;
}

/** The module file of container or job code: `<project root>/<kind>/<name>/index.ts`. */
export function codePath(kind: CodeKind, name: string): string {
  return path.join(PROJECT_ROOT, kind, name, "index.ts");
}

/**
 * The code name a Task names: the last path segment of an ARN or name (`arn:...:task-definition/family:3`,
 * `family:3`, `job/name`), without a revision, then without the stack's `<project>-<stack>-` prefix.
 * @example codeName("arn:aws:ecs:eu-west-1:111111111111:task-definition/statecraft-dev-monthly-report:2", naming) // "monthly-report"
 */
export function codeName(value: string, naming: Naming): string {
  const bare = (value.split("/").pop() as string).replace(/:\d+$/, "");
  const prefix = naming.physical("");
  return bare.startsWith(prefix) ? bare.slice(prefix.length) : bare;
}

/** True when `<kind>/<name>/index.ts` exists (`name` a plain name: letters, digits, `-`, `_`, `.`). */
export function hasCode(kind: CodeKind, name: string): boolean {
  return /^[A-Za-z0-9_.-]+$/.test(name) && !name.startsWith(".") && existsSync(codePath(kind, name));
}

/**
 * Runs container or job code to completion, in-process, and records the run.
 * @returns the run: exit code 0 and the output, or the exit code and the error's message.
 * @throws Error when the module does not export a `main` function (a problem of the code, not of the run).
 */
export async function runJob(kind: CodeKind, name: string, args: string[], env: Record<string, string>, options: RunOptions = {}): Promise<JobRun> {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const loaded = require(codePath(kind, name)) as Partial<JobModule>;
  if (!options.entry && typeof loaded.main !== "function") throw new Error(`${kind}/${name}/index.ts exports no main(args, env) function. Received exports: ${Object.keys(loaded).join(", ") || "none"}`);
  const startedAt = new Date();
  let run: JobRun;
  try {
    const output = options.entry ? await options.entry(loaded as Record<string, unknown>) : await loaded.main!([...args], { ...env }, ...(options.clients ? [options.clients] : []));
    run = { kind, name, args, env, exitCode: 0, ...(output === undefined ? {} : { output: JSON.parse(JSON.stringify(output)) as Json }), startedAt, stoppedAt: new Date() };
  } catch (error) {
    const code = (error as { exitCode?: unknown } | null)?.exitCode;
    const exitCode = typeof code === "number" && Number.isInteger(code) && code !== 0 ? code : 1;
    run = { kind, name, args, env, exitCode, error: error instanceof Error ? error.message : String(error), startedAt, stoppedAt: new Date() };
  }
  runs.push(run);
  return run;
}

const pending = new Set<Promise<JobRun>>();

/**
 * Runs code for a Task: awaited for `.sync` (a virtual clock held still meanwhile, since the code runs in real
 * time), started and left running for request-response, as the start call returns while the job runs on in AWS.
 * @param clients the AWS clients of the role the code runs as (see {@link JobModule.main}).
 * @returns the run, or `undefined` for request-response.
 */
export async function runForTask(call: TaskCall, kind: CodeKind, name: string, args: string[], env: Record<string, string>, options: RunOptions = {}): Promise<JobRun | undefined> {
  const work = runJob(kind, name, args, env, options);
  if (call.pattern === ".sync") {
    const tracking = call.clock as (Clock & { track?: <U>(p: Promise<U>) => Promise<U> }) | undefined;
    return tracking?.track ? tracking.track(work) : work;
  }
  const running = work.catch((error: Error) => {
    const now = new Date();
    const failed: JobRun = { kind, name, args, env, exitCode: 1, error: error.message, startedAt: now, stoppedAt: now };
    runs.push(failed);
    return failed;
  });
  pending.add(running);
  void running.finally(() => pending.delete(running));
  return undefined;
}

/** Waits for the runs request-response Tasks started and left running; @returns them. */
export async function settleJobRuns(): Promise<JobRun[]> {
  return Promise.all([...pending]);
}

/**
 * The Task's Parameters as an object.
 * @throws LocalRunError naming the State when they are not a JSON object.
 */
export function jobParameters(call: TaskCall): Record<string, Json> {
  if (typeof call.parameters !== "object" || call.parameters === null || Array.isArray(call.parameters)) {
    throw new LocalRunError(`the ${call.resource} integration needs Parameters that are a JSON object. Received: ${JSON.stringify(call.parameters)}`, call.state);
  }
  return call.parameters;
}

/** The current time of the Task's clock, in ms since the epoch (as Step Functions gives dates in results). */
export function nowOf(call: TaskCall): number {
  return call.clock?.now() ?? Date.now();
}

/** `SdkHttpMetadata` and `SdkResponseMetadata` as optimized integrations add them to a start call's response. */
export function startMetadata(contentType = "application/x-amz-json-1.1"): Record<string, Json> {
  const requestId = randomUUID();
  return {
    SdkHttpMetadata: { HttpHeaders: { "Content-Type": contentType, "x-amzn-RequestId": requestId }, HttpStatusCode: 200 },
    SdkResponseMetadata: { RequestId: requestId },
  };
}

/** A `[{Name, Value}]` list (ECS and Batch environments) as a map; anything else is empty. */
export function environmentMap(list: Json | undefined): Record<string, string> {
  const env: Record<string, string> = {};
  if (!Array.isArray(list)) return env;
  for (const entry of list) {
    if (entry && typeof entry === "object" && !Array.isArray(entry) && typeof entry.Name === "string") env[entry.Name] = String(entry.Value ?? "");
  }
  return env;
}

/** A list of strings (a `Command`), or none. */
export function stringList(value: Json | undefined): string[] {
  return Array.isArray(value) ? value.map((item) => (typeof item === "string" ? item : JSON.stringify(item))) : [];
}


/**
 * The calls a `.sync` Task makes on the managed EventBridge rule through which Step Functions hears that the job
 * has finished: `events:PutTargets`, `events:PutRule` and `events:DescribeRule` on
 * `arn:<partition>:events:<region>:<account>:rule/<rule>`, as the IAM catalog's `eventsRule` grants them.
 * @see https://docs.aws.amazon.com/step-functions/latest/dg/service-integration-iam-templates.html
 */
export function managedRuleCalls(naming: Naming, rule: string): { action: string; resource: string }[] {
  const { partition, region, account } = naming.context;
  const resource = `arn:${partition}:events:${region}:${account}:rule/${rule}`;
  return ["events:PutTargets", "events:PutRule", "events:DescribeRule"].map((action) => ({ action, resource }));
}
