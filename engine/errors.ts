/**
 * The errors an execution raises: an ASL Error name and its Cause, as Step Functions reports them in
 * `TaskFailed`, `ExecutionFailed` and `States.*` failures.
 * @see https://docs.aws.amazon.com/step-functions/latest/dg/concepts-error-handling.html
 */

/** An ASL error: `name` is the Error (`States.Runtime`, `Lambda.ServiceException`, ...), `message` the Cause. */
export class StatesError extends Error {
  constructor(
    /** The ASL Error name. */
    readonly error: string,
    /** The Cause; `undefined` when none is given (a Fail state without Cause). */
    readonly causeText?: string,
  ) {
    super(causeText ?? "");
    this.name = error;
  }
}

/** The States.* errors Step Functions raises itself. */
export const STATES_ERRORS = {
  ALL: "States.ALL",
  TaskFailed: "States.TaskFailed",
  Timeout: "States.Timeout",
  HeartbeatTimeout: "States.HeartbeatTimeout",
  Runtime: "States.Runtime",
  DataLimitExceeded: "States.DataLimitExceeded",
  ResultPathMatchFailure: "States.ResultPathMatchFailure",
  ParameterPathFailure: "States.ParameterPathFailure",
  QueryEvaluationError: "States.QueryEvaluationError",
  BranchFailed: "States.BranchFailed",
  NoChoiceMatched: "States.NoChoiceMatched",
  IntrinsicFailure: "States.IntrinsicFailure",
  ExceedToleratedFailureThreshold: "States.ExceedToleratedFailureThreshold",
  ItemReaderFailed: "States.ItemReaderFailed",
  ResultWriterFailed: "States.ResultWriterFailed",
  Permissions: "States.Permissions",
} as const;

/** Thrown by SendTaskSuccess/Failure/Heartbeat for a bad token: `name` is the API error (`InvalidToken`, `TaskDoesNotExist`, `TaskTimedOut`). */
export class TaskTokenError extends Error {
  constructor(name: "InvalidToken" | "TaskDoesNotExist" | "TaskTimedOut", message: string) {
    super(message);
    this.name = name;
  }
}
