import "./polyfills";
import { randomUUID } from "node:crypto";
import { ExecutionError, ExecutionTimeoutError, type RunOptions, StateMachine, type StateMachineDefinition } from "aws-local-stepfunctions";
import { type AslStateMachine, type Json, walkStates } from "../infra/definition/asl";
import { buildArn } from "../infra/iam/arn";
import { readStackFile, type StackConfig } from "../infra/config";
import { WORKFLOWS, type WorkflowName } from "../infra/manifest";
import { Naming } from "../infra/naming";
import { renderWorkflow } from "../infra/render";
import { type ApprovalDecision, approverResponder, LocalStepFunctionsClient, type TaskTokenResponder, TaskTokens, type TokenAnswer } from "./approvals";
import { type LocalBackup, LocalBackupService } from "./backups";
import { LocalDynamoDb } from "./dynamodb";
import { LocalRunError } from "./errors";
import { localTaskHandlers, type LocalServices } from "./integrations";
import { type Invocation, LocalLambda } from "./lambda";
import { type CapturedNotification, NotificationLog } from "./notifications";
import { type CatchRecord, ExecutionTrace, type PathStep, type RetryRecord, type TraceEvent, type WaitRecord } from "./trace";

/**
 * Runs workflows locally on the aws-local-stepfunctions interpreter (real ASL semantics: Choice, Retry, Catch,
 * Parallel, Map, paths, intrinsic functions), with each definition rendered for a stack exactly as it is deployed
 * and every Task served by the local integration table (`local/integrations.ts`).
 * @see https://github.com/nibble-4bits/aws-local-stepfunctions#readme
 */

/** The Pulumi project name physical names start with. */
export const PROJECT_NAME = "statecraft";

/** Default local duration of every Wait state, in ms. */
export const DEFAULT_WAIT_MS = 5;

/** Default local interval before every retry, in ms. */
export const DEFAULT_RETRY_MS = 1;

/** An execution's final status, as Step Functions names it. */
export type ExecutionStatus = "SUCCEEDED" | "FAILED" | "TIMED_OUT";

/** Everything observed in one local execution. */
export interface ExecutionReport {
  /** The state machine's physical name. */
  stateMachine: string;
  executionArn: string;
  status: ExecutionStatus;
  /** The execution's output, when it succeeded. */
  output?: Json;
  /** The Error, when it failed (absent for a Fail state without one). */
  error?: string;
  /** The Cause, when it failed with one. */
  cause?: string;
  /** The States entered, in order. */
  path: PathStep[];
  retries: RetryRecord[];
  caught: CatchRecord[];
  waits: WaitRecord[];
  /** SNS publishes, captured. */
  notifications: CapturedNotification[];
  /** Task tokens answered (SendTaskSuccess / SendTaskFailure). */
  taskTokens: TokenAnswer[];
  /** Lambda invocations, in order. */
  invocations: Invocation[];
  /** Backups the local backup service answered. */
  backups: LocalBackup[];
  /** Wall-clock duration, in ms. */
  durationMs: number;
}

/** Options for one run of a definition. */
export interface DefinitionRunOptions {
  /** The execution input. */
  input: Json;
  /** The state machine's physical name. @default "local" */
  stateMachine?: string;
  /** @default "STANDARD" */
  type?: "STANDARD" | "EXPRESS";
  /** Decides `.waitForTaskToken` approval requests through the approval-callback handler. */
  approver?: ApprovalDecision;
  /** Answers `.waitForTaskToken` Tasks in any other way; takes precedence over `approver`. */
  responder?: TaskTokenResponder;
  /** Local duration of every Wait state, in ms. @default 5 */
  waitMs?: number;
  /** Local interval before every retry, in ms. @default 1 */
  retryMs?: number;
  /**
   * Validate the definition with the interpreter's own asl-validator (3.x) first; about 0.2 s per run.
   * @default true (false from {@link LocalStack.runWorkflow}: `renderWorkflow` has validated it with asl-validator 4)
   */
  validate?: boolean;
}

/** Options for one run of a seed workflow. */
export interface WorkflowRunOptions extends Omit<DefinitionRunOptions, "stateMachine" | "type"> {
  /** The stack's `statecraft:backupTables` for this run. @default the stack file's */
  backupTables?: string[];
}

/** Options for {@link LocalStack.start}. */
export interface LocalStackOptions {
  /** The stack whose `Pulumi.<stack>.yaml` gives the Region, account and backup tables. @default "dev" */
  stack?: string;
  /** The directory holding the stack file. @default the project root */
  root?: string;
}

/**
 * Refuses a definition using what aws-local-stepfunctions 3 would silently ignore or misrun.
 * @throws LocalRunError naming the State: JSONata, `Assign` variables, Distributed Map, `ItemReader`/`ResultWriter`.
 */
export function assertRunnableLocally(definition: AslStateMachine): void {
  for (const { name, state, queryLanguage } of walkStates(definition)) {
    if (queryLanguage === "JSONata") throw new LocalRunError("JSONata is not supported by the local interpreter (aws-local-stepfunctions 3); use JSONPath.", name);
    if ("Assign" in state) throw new LocalRunError("workflow variables (Assign) are not supported by the local interpreter (aws-local-stepfunctions 3).", name);
    if (state.ItemProcessor?.ProcessorConfig?.Mode === "DISTRIBUTED" || state.ItemReader || state.ResultWriter) {
      throw new LocalRunError("Distributed Map (ItemReader, ResultWriter, DISTRIBUTED mode) is not supported locally; only inline Map is.", name);
    }
  }
}

/** A stack's local resources: its naming and configuration, and a dynalite database holding its tables. */
export class LocalStack {
  private constructor(
    /** The stack's name, e.g. `dev`. */
    readonly stack: string,
    readonly config: StackConfig,
    readonly naming: Naming,
    readonly dynamodb: LocalDynamoDb,
  ) {}

  /**
   * Reads the stack file and starts the local database with the stack's tables, seeded.
   * @param options which stack.
   * @returns the running stack; call {@link stop} when done.
   * @throws StackConfigError for a bad stack file; the SDK's error when the tables cannot be created.
   */
  static async start(options: LocalStackOptions = {}): Promise<LocalStack> {
    const stack = options.stack ?? "dev";
    const { config } = readStackFile(stack, options.root);
    const naming = new Naming(PROJECT_NAME, stack, { partition: config.partition, region: config.region, account: config.accountId });
    return new LocalStack(stack, config, naming, await LocalDynamoDb.start(naming));
  }

  /**
   * Runs a seed workflow, rendered for this stack as it is deployed (`renderWorkflow`).
   * @param workflow the workflow's name in the manifest.
   * @param options input, approver, backup tables, local timings.
   * @returns the execution report; a failed execution is a report with status FAILED, not a throw.
   * @throws DefinitionError when the definition does not render; LocalRunError as {@link runDefinition}.
   */
  async runWorkflow(workflow: WorkflowName, options: WorkflowRunOptions): Promise<ExecutionReport> {
    const { definition } = renderWorkflow(workflow, this.naming, options.backupTables ?? this.config.backupTables ?? []);
    return this.runDefinition(definition, { validate: false, ...options, stateMachine: this.naming.physical(workflow), type: WORKFLOWS[workflow].type });
  }

  /**
   * Runs any definition against this stack's local services.
   * @param definition a substituted definition.
   * @param options input, approver or responder, local timings.
   * @returns the execution report.
   * @throws LocalRunError naming the State for a Task with no local integration (before anything runs), for
   *   features the interpreter does not support, or for a problem of the local run (e.g. a task token nobody can
   *   answer).
   */
  async runDefinition(definition: AslStateMachine, options: DefinitionRunOptions): Promise<ExecutionReport> {
    const started = Date.now();
    assertRunnableLocally(definition);
    const tokens = new TaskTokens();
    const backups = new LocalBackupService(this.dynamodb, this.naming);
    const lambda = new LocalLambda(this.naming, { backups, stepFunctions: new LocalStepFunctionsClient(tokens) });
    const services: LocalServices = {
      naming: this.naming,
      lambda,
      notifications: new NotificationLog(this.naming),
      dynamodb: this.dynamodb,
      tokens,
      responder: options.responder ?? (options.approver ? approverResponder(options.approver, (event) => lambda.invoke("approval-callback", event)) : undefined),
    };
    const taskResourceLocalHandlers = localTaskHandlers(definition, services);
    const states = walkStates(definition);
    const waitMs = Object.fromEntries(states.filter((s) => s.state.Type === "Wait").map((s) => [s.name, options.waitMs ?? DEFAULT_WAIT_MS]));
    const retryMs = Object.fromEntries(states.filter((s) => Array.isArray(s.state.Retry)).map((s) => [s.name, options.retryMs ?? DEFAULT_RETRY_MS]));
    const trace = new ExecutionTrace(definition, { waitMs, retryMs });

    const stateMachine = options.stateMachine ?? "local";
    const executionName = `local-${randomUUID()}`;
    const executionArn =
      options.type === "EXPRESS"
        ? buildArn(this.naming.context, "states", `express:${stateMachine}:${executionName}:${randomUUID()}`)
        : buildArn(this.naming.context, "states", `execution:${stateMachine}:${executionName}`);
    const runOptions: RunOptions = {
      overrides: { taskResourceLocalHandlers, waitTimeOverrides: waitMs, retryIntervalOverrides: retryMs },
      context: {
        Execution: { Id: executionArn, Name: executionName },
        StateMachine: { Id: buildArn(this.naming.context, "states", `stateMachine:${stateMachine}`), Name: stateMachine },
        Task: tokens.contextTask,
      },
    };
    const machine = new StateMachine(definition as unknown as StateMachineDefinition, { validationOptions: { noValidate: options.validate === false } });
    const execution = machine.run(options.input as Parameters<StateMachine["run"]>[0], runOptions);
    const events = (async () => {
      for await (const event of execution.eventLogs) trace.record(event as TraceEvent);
    })();

    const report = {
      stateMachine,
      executionArn,
      path: trace.path,
      retries: trace.retries,
      caught: trace.caught,
      waits: trace.waits,
      notifications: services.notifications.notifications,
      taskTokens: tokens.answers,
      invocations: lambda.invocations,
      backups: backups.backups,
    };
    let outcome: Pick<ExecutionReport, "status" | "output" | "error" | "cause">;
    try {
      outcome = { status: "SUCCEEDED", output: (await execution.result) as Json };
    } catch (thrown) {
      await events;
      const failure = thrown instanceof ExecutionError ? thrown.cause : thrown;
      if (thrown instanceof ExecutionTimeoutError) {
        outcome = { status: "TIMED_OUT", error: "States.Timeout" };
      } else if (failure instanceof LocalRunError || !(failure instanceof Error)) {
        throw failure;
      } else {
        outcome = { status: "FAILED", ...failureOf(failure, definition, trace.path) };
      }
    }
    await events;
    return { ...report, ...outcome, durationMs: Date.now() - started };
  }

  /** Stops the local database; the process can then exit. Safe to call twice. */
  async stop(): Promise<void> {
    await this.dynamodb.stop();
  }
}

/** The Error and Cause of a failed execution, leaving out the interpreter's defaults for a bare Fail state. */
function failureOf(failure: Error, definition: AslStateMachine, path: PathStep[]): { error?: string; cause?: string } {
  const last = path[path.length - 1];
  const failState = last?.type === "Fail" ? walkStates(definition).find((s) => s.name === last.state)?.state : undefined;
  if (failState) {
    const hasError = failState.Error !== undefined || failState.ErrorPath !== undefined;
    const hasCause = failState.Cause !== undefined || failState.CausePath !== undefined;
    return { error: hasError ? failure.name : undefined, cause: hasCause ? failure.message : undefined };
  }
  return { error: failure.name, cause: failure.message };
}
