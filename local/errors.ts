/**
 * The two kinds of error the local runner raises.
 *
 * - {@link TaskFailure}: a failure the *workflow* sees, exactly as Step Functions would name it (`error.name` is the
 *   ASL error name, `error.message` the Cause). The engine matches Retry and Catch on `name` and puts
 *   `{Error: name, Cause: message}` at a catcher's ResultPath.
 * - {@link LocalRunError}: a problem of the local run itself (a Task with no local integration, a task token nobody
 *   can answer). Neither Retry nor Catch may hide it: the Task handler stops the execution and the runner throws it.
 *
 * @see https://docs.aws.amazon.com/step-functions/latest/dg/concepts-error-handling.html
 */

/** A Task failure as Step Functions reports it: `name` is the Error, `message` the Cause. */
export class TaskFailure extends Error {
  /**
   * @param error the ASL error name, e.g. `DynamoDB.ConditionalCheckFailedException` or `BackupFailed`.
   * @param cause the Cause string Step Functions records.
   */
  constructor(error: string, cause: string) {
    super(cause);
    this.name = error;
  }
}

/**
 * A problem of the local run, not of the workflow: the message names the State and, where relevant, its Resource.
 */
export class LocalRunError extends Error {
  /**
   * @param message what is wrong and how to fix it.
   * @param state the State it happened in, when there is one.
   */
  constructor(
    message: string,
    readonly state?: string,
  ) {
    super(state === undefined ? message : `State "${state}": ${message}`);
    this.name = "LocalRunError";
  }
}
