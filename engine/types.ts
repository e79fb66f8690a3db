/**
 * The public types of the ASL engine: what a caller passes to `startExecution`, what a Task handler receives, and
 * the `GetExecutionHistory` events an execution records. The engine is pure: no AWS calls, no Pulumi, no I/O.
 * @see https://states-language.net/spec.html
 * @see https://docs.aws.amazon.com/step-functions/latest/apireference/API_HistoryEvent.html
 */

/** Any JSON value. */
export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/** A JSON object. */
export type JsonObject = { [key: string]: Json };

/** The query language of a State (`QueryLanguage`), JSONPath unless the State or the machine says JSONata. */
export type QueryLanguage = "JSONPath" | "JSONata";

/** A State as the engine reads it: every ASL field, loosely typed (the definition is checked as it runs). */
export interface State {
  Type: "Task" | "Choice" | "Pass" | "Parallel" | "Map" | "Wait" | "Succeed" | "Fail";
  [field: string]: any;
}

/** A state machine, a Parallel branch or a Map's ItemProcessor. */
export interface StateMachineDefinition {
  StartAt: string;
  States: Record<string, State>;
  QueryLanguage?: QueryLanguage;
  TimeoutSeconds?: number;
  Comment?: string;
  [field: string]: unknown;
}

/** An execution's final status, as DescribeExecution names it; RUNNING until then. */
export type ExecutionStatus = "RUNNING" | "SUCCEEDED" | "FAILED" | "TIMED_OUT" | "ABORTED";

/** What `execution.result` resolves with. */
export interface ExecutionResult {
  status: Exclude<ExecutionStatus, "RUNNING">;
  /** The execution's output, when it succeeded. */
  output?: Json;
  /** The Error, when it did not succeed (absent for a Fail state without one). */
  error?: string;
  /** The Cause, when it did not succeed and one was given. */
  cause?: string;
  /** When it ended, on the execution's clock. */
  stopDate: Date;
}

/** One call of a Task, handed to the {@link TaskHandler}. */
export interface TaskRequest {
  /** The Task State's name. */
  stateName: string;
  /** The Task's `Resource`, as written (after substitution), e.g. `arn:aws:states:::lambda:invoke.waitForTaskToken`. */
  resource: string;
  /**
   * The Task's effective input: `Parameters`/`Arguments` evaluated (or the input after InputPath when neither is
   * given). Shared with the execution's data and history, which are built from it later: read it, do not change it.
   */
  input: Json;
  /** For `.waitForTaskToken`: the token `$$.Task.Token` / `$states.context.Task.Token` gives this Task. */
  taskToken?: string;
  /** The evaluated `Credentials` field (`{ RoleArn }`), when the Task has one. */
  credentials?: JsonObject;
  /** The Task's timeout, in seconds (`TimeoutSeconds[Path]`), when it has one. */
  timeoutSeconds?: number;
  /** The Task's heartbeat interval, in seconds (`HeartbeatSeconds[Path]`), when it has one. */
  heartbeatSeconds?: number;
  /** The context object as the Task sees it. */
  context: JsonObject;
  /** Aborted when the Task ends first by timeout, heartbeat timeout or stop. */
  signal: AbortSignal;
  /**
   * Tells the engine a `.sync`/`.waitForTaskToken` call was submitted (a `TaskSubmitted` event with this output),
   * before the handler waits for its outcome.
   */
  submitted(output: Json): void;
  /**
   * Tells the engine the handler is only waiting for `work`, something time will bring rather than work done now
   * (a child execution on the same clock, a service that never answers in a test): a virtual clock may jump while
   * it waits, as it never does while a handler works. Returns `work`.
   */
  idle<T>(work: Promise<T>): Promise<T>;
}

/**
 * Serves a Task. Resolves with the Task's result (before ResultSelector, ResultPath and OutputPath); for a
 * `.waitForTaskToken` Task the engine itself waits for SendTaskSuccess/Failure after the handler resolves, and
 * ignores the value. Fails by throwing an error whose `name` is the ASL Error and whose `message` is the Cause.
 */
export type TaskHandler = (request: TaskRequest) => Promise<Json>;

/** A request to read the items of a Map's `ItemReader`, handed to {@link ItemReaderHandler}. */
export interface ItemReaderRequest {
  stateName: string;
  /** The reader's `Resource`, e.g. `arn:aws:states:::s3:getObject` or `arn:aws:states:::s3:listObjectsV2`. */
  resource: string;
  /** The reader's evaluated `Parameters`/`Arguments` (`Bucket`, `Key`, `Prefix`, ...). */
  arguments: JsonObject;
  /** The reader's `ReaderConfig` (`InputType`, `CSVHeaderLocation`, `CSVHeaders`, `CSVDelimiter`, `MaxItems`, ...). */
  readerConfig: JsonObject;
}

/**
 * Reads a Map's items from its `ItemReader` (S3 JSON, JSONL, CSV, manifest, ListObjectsV2), as the runner serves
 * S3. Resolves with the items, before `MaxItems`; fails with `name` = the ASL Error, `message` = the Cause
 * (the engine reports it as `States.ItemReaderFailed`).
 */
export type ItemReaderHandler = (request: ItemReaderRequest) => Promise<Json[]>;

/** A request to write a distributed Map's results with its `ResultWriter`, handed to {@link ResultWriterHandler}. */
export interface ResultWriterRequest {
  stateName: string;
  /** The writer's `Resource` (`arn:aws:states:::s3:putObject`), when given. */
  resource?: string;
  /** The writer's evaluated `Parameters`/`Arguments` (`Bucket`, `Prefix`). */
  arguments: JsonObject;
  /** The writer's `WriterConfig` (`OutputType`, `Transformation`), when given. */
  writerConfig: JsonObject;
  /** The Map Run's ARN. */
  mapRunArn: string;
  /** Each child execution's outcome, in item order. */
  results: { status: "SUCCEEDED" | "FAILED" | "TIMED_OUT" | "ABORTED"; input: Json; output?: Json; error?: string; cause?: string; executionArn: string; startDate?: Date; stopDate?: Date }[];
}

/**
 * Writes a distributed Map's results (the manifest and SUCCEEDED/FAILED/PENDING files in S3). Resolves with the
 * Map's result as Step Functions returns it (`{ MapRunArn, ResultWriterDetails: { Bucket, Key } }`); fails with
 * `name`/`message` (the engine reports it as `States.ResultWriterFailed`).
 */
export type ResultWriterHandler = (request: ResultWriterRequest) => Promise<Json>;

/** The execution's identity, for the context object and the history. */
export interface ExecutionContext {
  /** @default `arn:aws:states:us-east-1:123456789012:execution:<stateMachineName>:<name>` */
  executionArn?: string;
  /** @default a random UUID */
  name?: string;
  /** @default `arn:aws:states:us-east-1:123456789012:stateMachine:<stateMachineName>` */
  stateMachineArn?: string;
  /** @default "local" */
  stateMachineName?: string;
  /** The execution role (`$$.Execution.RoleArn`). */
  roleArn?: string;
  /** The alias or version started, when one was (ExecutionStarted's `stateMachineAliasArn`/`VersionArn`). */
  stateMachineAliasArn?: string;
  stateMachineVersionArn?: string;
  /** `$$.Execution.RedriveCount`. @default 0 */
  redriveCount?: number;
  /** @default "STANDARD" */
  type?: "STANDARD" | "EXPRESS";
  /** The AWS partition and Region (for `$partition`-style ARNs the engine builds, e.g. Map Run ARNs). */
  region?: string;
  account?: string;
  partition?: string;
}

/** Time, as the engine sees it. */
export interface Clock {
  /** The current time, in ms since the epoch. */
  now(): number;
  /**
   * Resolves after `ms` milliseconds of this clock's time; rejects with the signal's reason when aborted first.
   * A virtual clock advances when nothing else can run.
   */
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
}

/** Options of `startExecution`. */
export interface ExecutionOptions {
  /** Serves every Task. Without one, a Task fails with `States.TaskFailed`. */
  taskHandler?: TaskHandler;
  /** Serves Map `ItemReader`s. */
  itemReader?: ItemReaderHandler;
  /** Serves distributed Map `ResultWriter`s. */
  resultWriter?: ResultWriterHandler;
  context?: ExecutionContext;
  /** `"virtual"` (the default): time jumps whenever every activity waits on it. `"real"`: wall-clock time. */
  clock?: "virtual" | "real" | Clock;
  /**
   * A Standard execution fails with `States.Runtime` when its history would exceed this many events.
   * @default 25000 (Step Functions' limit)
   */
  maxEvents?: number;
  /** The execution fails with `States.Runtime` after this many State transitions (a loop cap). @default 100000 */
  maxTransitions?: number;
  /** Issues task tokens. @default a random token (base64url, 128 bytes of entropy) */
  newTaskToken?: () => string;
  /** Called with each history event as it is recorded (e.g. to stream it to a log). */
  onEvent?: (event: HistoryEvent) => void;
  /** Called when a `.waitForTaskToken` Task is waiting for its token. */
  onTaskToken?: (token: string, request: TaskRequest) => void;
}

/** An execution handle, as `startExecution` returns it. */
export interface Execution {
  readonly executionArn: string;
  readonly startDate: Date;
  /** RUNNING, then the final status. */
  readonly status: ExecutionStatus;
  /** Settles when the execution ends; never rejects for an execution failure (that is a FAILED result). */
  readonly result: Promise<ExecutionResult>;
  /** The `GetExecutionHistory` events so far, oldest first. */
  history(): HistoryEvent[];
  /** StopExecution: ends the execution as ABORTED with this Error and Cause. */
  stop(error?: string, cause?: string): void;
  /** @throws TaskTokenError (`InvalidToken`, `TaskDoesNotExist`, `TaskTimedOut`) */
  sendTaskSuccess(token: string, output: Json): void;
  /** @throws TaskTokenError */
  sendTaskFailure(token: string, error?: string, cause?: string): void;
  /** @throws TaskTokenError */
  sendTaskHeartbeat(token: string): void;
  /** The task tokens this execution is waiting on. */
  pendingTaskTokens(): string[];
}

/** The `*EventDetails` payloads the engine records, keyed by the field name GetExecutionHistory uses. */
export interface HistoryEvent {
  /** 1-based, in order of the history. */
  id: number;
  /** The event this one follows (0 for the first). */
  previousEventId: number;
  /** On the execution's clock. */
  timestamp: Date;
  /** `ExecutionStarted`, `TaskStateEntered`, `TaskScheduled`, `MapIterationStarted`, `EvaluationFailed`, ... */
  type: string;
  executionStartedEventDetails?: { input: string; inputDetails: { truncated: boolean }; roleArn?: string; stateMachineAliasArn?: string; stateMachineVersionArn?: string };
  executionSucceededEventDetails?: { output: string; outputDetails: { truncated: boolean } };
  executionFailedEventDetails?: { error?: string; cause?: string };
  executionTimedOutEventDetails?: { error?: string; cause?: string };
  executionAbortedEventDetails?: { error?: string; cause?: string };
  stateEnteredEventDetails?: { name: string; input: string; inputDetails: { truncated: boolean } };
  stateExitedEventDetails?: { name: string; output: string; outputDetails: { truncated: boolean }; assignedVariables?: Record<string, string>; assignedVariablesDetails?: { truncated: boolean } };
  taskScheduledEventDetails?: { resourceType: string; resource: string; region: string; parameters: string; timeoutInSeconds?: number; heartbeatInSeconds?: number; taskCredentials?: { roleArn: string } };
  taskStartedEventDetails?: { resourceType: string; resource: string };
  taskSubmittedEventDetails?: { resourceType: string; resource: string; output: string; outputDetails: { truncated: boolean } };
  taskSucceededEventDetails?: { resourceType: string; resource: string; output: string; outputDetails: { truncated: boolean } };
  taskFailedEventDetails?: { resourceType: string; resource: string; error?: string; cause?: string };
  taskTimedOutEventDetails?: { resourceType: string; resource: string; error?: string; cause?: string };
  lambdaFunctionScheduledEventDetails?: { resource: string; input: string; inputDetails: { truncated: boolean }; timeoutInSeconds?: number; taskCredentials?: { roleArn: string } };
  lambdaFunctionSucceededEventDetails?: { output: string; outputDetails: { truncated: boolean } };
  lambdaFunctionFailedEventDetails?: { error?: string; cause?: string };
  lambdaFunctionTimedOutEventDetails?: { error?: string; cause?: string };
  activityScheduledEventDetails?: { resource: string; input: string; inputDetails: { truncated: boolean }; timeoutInSeconds?: number; heartbeatInSeconds?: number };
  activitySucceededEventDetails?: { output: string; outputDetails: { truncated: boolean } };
  activityFailedEventDetails?: { error?: string; cause?: string };
  activityTimedOutEventDetails?: { error?: string; cause?: string };
  mapStateStartedEventDetails?: { length: number };
  mapIterationStartedEventDetails?: { name: string; index: number };
  mapIterationSucceededEventDetails?: { name: string; index: number };
  mapIterationFailedEventDetails?: { name: string; index: number };
  mapIterationAbortedEventDetails?: { name: string; index: number };
  mapRunStartedEventDetails?: { mapRunArn: string };
  mapRunFailedEventDetails?: { error?: string; cause?: string };
  evaluationFailedEventDetails?: { error: string; cause?: string; location?: string; state: string };
}
