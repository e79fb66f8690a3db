import type { Clock, HistoryEvent } from "../engine";
import type { Json } from "../infra/definition/asl";
import type { IntegrationPattern } from "../infra/iam/catalog";
import type { Naming } from "../infra/naming";
import type { ApprovalDecision, TaskTokenResponder, TaskTokens } from "./approvals";
import type { Authorizer, Decision } from "./authz/authorizer";
import type { SendsCommands } from "./authz/clients";
import type { LocalBackup } from "./services/backups";
import type { LocalDynamoDb } from "./services/dynamodb";
import type { LocalRunError } from "./errors";
import type { CatchRecord, PathStep, RetryRecord, TokenAnswer, WaitRecord } from "./history-report";
import type { Invocation, LocalLambda } from "./services/lambda";
import type { CapturedNotification, NotificationLog } from "./services/notifications";
import type { LocalSqs } from "./services/sqs";
import type { LocalQueueConsumers } from "./services/event-sources";

/**
 * The types the local runner, its integration table and nested executions share: what one execution's Tasks
 * are served with, one Task call, a row of the integration table, a request to run a child execution, and the
 * report of an execution.
 */

/** What a local integration needs: the execution's emulated and local services. */
export interface LocalServices {
  naming: Naming;
  lambda: LocalLambda;
  notifications: NotificationLog;
  dynamodb: LocalDynamoDb;
  tokens: TaskTokens;
  /**
   * The stack's SQS stand-in, which `sqs:sendMessage` Tasks send to (one per local stack, its queues from the
   * plan); without it such a Task is a problem of the local run.
   */
  sqs?: LocalSqs;
  /**
   * The functions consuming the stack's queues (its plan's SQS event source mappings): a message sent to such a
   * queue is delivered to its function, which may answer the sending Task's token.
   */
  queueConsumers?: LocalQueueConsumers;
  /** Answers `.waitForTaskToken` Tasks; without one (and without `externalAnswers`), such a Task fails the run at once. */
  responder?: TaskTokenResponder;
  /** Tokens are answered from outside (SendTaskSuccess through the local endpoint): no responder is needed. */
  externalAnswers?: boolean;
  /** The scenario's approver, handed on to nested executions. */
  approver?: ApprovalDecision;
  /** The state machines a `states:startExecution` Task may run, and who runs them. */
  stateMachines?: LocalStateMachines;
  caller?: LocalCaller;
  /** Nested executions' reports, collected for the parent's report. */
  children?: ExecutionReport[];
  /**
   * Authorizes each Task's calls against the stack's planned policies; absent only for an ad-hoc definition run
   * without an execution role (`executionRoleArn: null`).
   */
  authorizer?: Authorizer;
  /** The responders at work (each settles once it has answered, or failed), for the run to wait on before it reports. */
  responding?: Promise<void>[];
  /** The execution's clock: real-time work done for it (a responder) holds a virtual clock still. */
  clock?: Clock;
  /**
   * An S3 client of the stack's local S3 that authorizes every command as the given principal (with the bucket key's
   * use through S3): what a Batch job's container and a SageMaker transform job read and write with, as their roles.
   * Absent, those jobs get no S3 client.
   */
  s3For?: (principal: string) => SendsCommands;
  /** A problem of the local run met by a Task handler; the handler stops the execution with {@link stop}. */
  problem?: LocalRunError;
  /** Stops the execution (set by the runner once it has started). */
  stop?: () => void;
}

/** One Task invocation. */
export interface TaskCall {
  state: string;
  resource: string;
  /** The Task's effective Parameters (its input after InputPath and Parameters). */
  parameters: Json;
  /** For a Lambda function ARN given as Resource: that ARN. */
  functionArn?: string;
  /** For `.waitForTaskToken`: the token `$$.Task.Token` gave this Task. */
  taskToken?: string;
  /** The integration pattern of the Resource (`""`, `.sync`, `.sync:2`, `.waitForTaskToken`). */
  pattern?: IntegrationPattern;
  /** The role the Task assumes (`Credentials.RoleArn`), if any. */
  roleArn?: string;
  /** Who makes the Task's calls: the execution role, or the role it assumed through `Credentials.RoleArn`. */
  principal?: string;
  /** The execution's clock (a `.sync` child execution runs on it). */
  clock?: Clock;
  /** Records the Task's `TaskSubmitted` event (a `.sync` call, once the job it waits for has started). */
  submitted?: (output: Json) => void;
  /** The engine's `TaskRequest.idle`: the Task only waits for `work` (a child running on the same clock). */
  idle?: <T>(work: Promise<T>) => Promise<T>;
}

/** One row of the local integration table. */
export interface LocalIntegration {
  /** The integration patterns served locally. */
  patterns: IntegrationPattern[];
  /** How the call is served, one sentence (for reports and the README). */
  local: string;
  /**
   * Serves one call.
   * @returns the integration's result as Step Functions returns it.
   * @throws TaskFailure as Step Functions names the failure; LocalRunError for what cannot be emulated.
   */
  run(call: TaskCall, services: LocalServices): Promise<Json>;
}

/** Who starts a nested execution: the calling state machine and its execution role. */
export interface LocalCaller {
  stateMachineArn: string;
  executionRoleArn: string;
}

/** A request to run a state machine to completion. */
export interface LocalStartRequest {
  /** The Task starting it. */
  state: string;
  stateMachineArn: string;
  /** The execution input. */
  input: Json;
  /** The execution name (`Name`), when the Task gives one. */
  name?: string;
  /** The role the Task assumes (`Credentials.RoleArn`), if any. */
  roleArn?: string;
  caller: LocalCaller;
  /** Decides the child's `.waitForTaskToken` approvals, as the parent's scenario says. */
  approver?: ApprovalDecision;
  /** The parent execution's clock, which the child runs on: the Task waiting for it lets that clock jump. */
  clock?: Clock;
  /** Told when the child has started (its ARN and start date), before it runs. */
  onStarted?: (started: { executionArn: string; startDate: Date }) => void;
  /** The calling Task's `idle`: wraps the wait for the child's result, so the shared clock may jump meanwhile. */
  idle?: <T>(work: Promise<T>) => Promise<T>;
}

/** Runs the state machines a workflow may start; {@link LocalStack} is one. */
export interface LocalStateMachines {
  /**
   * Runs a state machine to completion.
   * @returns the child execution's report (a failed child is a report, not a throw).
   * @throws LocalRunError when no local stack runs that state machine, or the caller may not run it (no
   *   `Credentials.RoleArn` for another account, a role that is not the producer's invoker role for it, a trust or
   *   permission that does not allow it).
   */
  startExecution(request: LocalStartRequest): Promise<ExecutionReport>;
}

/** An execution's final status, as Step Functions names it. */
export type ExecutionStatus = "SUCCEEDED" | "FAILED" | "TIMED_OUT" | "ABORTED";

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
  /** Task tokens answered (SendTaskSuccess / SendTaskFailure), read from the history. */
  taskTokens: (TokenAnswer & { taskToken: string })[];
  /** Lambda invocations, in order. */
  invocations: Invocation[];
  /** Backups the local backup service answered. */
  backups: LocalBackup[];
  /** Executions this one started (`states:startExecution.sync[:2]`), in order. */
  children: ExecutionReport[];
  /** Roles Tasks assumed (`Credentials.RoleArn`), with what the local run checked. */
  assumedRoles: AssumedRole[];
  /** Every call the execution (its Tasks, handlers, start and KMS) had authorized, allowed or denied, in order. */
  authorizations: Decision[];
  /** The execution's GetExecutionHistory events, oldest first. */
  history: HistoryEvent[];
  /** When it started and stopped, on the execution's clock (virtual by default: a Wait of 900 s shows as 900 s). */
  startDate: Date;
  stopDate: Date;
  /** Wall-clock duration, in ms. */
  durationMs: number;
}

/** A role a Task assumed to start another account's state machine, and what the local run checked. */
export interface AssumedRole {
  state: string;
  roleArn: string;
  /** The caller's execution role. */
  by: string;
  /** One sentence per check made, and what was not checked. */
  checks: string[];
}

