/**
 * Lambda handler that records an approver's decision for the credit-approval workflow's "Wait for human approval"
 * state, which publishes a task token and waits. Approval resumes the execution with SendTaskSuccess, whose output
 * becomes `$.approval` (the same `{approved, approver, reason}` shape "Auto-approve limit" produces); rejection
 * fails the task with SendTaskFailure and error `CreditRejected`, which the state catches into "Credit rejected".
 *
 * @see https://docs.aws.amazon.com/step-functions/latest/dg/connect-to-resource.html#connect-wait-token
 * @see https://docs.aws.amazon.com/step-functions/latest/apireference/API_SendTaskSuccess.html
 * @see https://docs.aws.amazon.com/step-functions/latest/apireference/API_SendTaskFailure.html
 */
import { SendTaskFailureCommand, SendTaskSuccessCommand, SFNClient } from "@aws-sdk/client-sfn";
import { NamedError, renderValue } from "./lib/errors";
import { isNonEmptyString, isRecord } from "./lib/guards";

/** An approver's decision. */
export interface ApprovalRequest {
  /** The `taskToken` from the approval message (1 to 2048 characters). */
  taskToken: string;
  approved: boolean;
  /** Why; becomes the rejection's `Cause`. */
  reason?: string;
  /** Who decided, e.g. an email address. */
  approver?: string;
}

/** What the handler returns once Step Functions accepted the decision. */
export interface ApprovalResult {
  taskToken: string;
  decision: "approved" | "rejected";
}

/** The part of the Step Functions client the handler uses; tests pass a fake. */
export interface ApprovalClient {
  send(command: SendTaskSuccessCommand | SendTaskFailureCommand): Promise<unknown>;
}

/** Thrown, with ASL error name `InvalidApprovalRequest`, when the decision cannot be sent. */
export class InvalidApprovalRequest extends NamedError {
  /** @param message - Which field is wrong, ending with its value. */
  constructor(message: string) {
    super("InvalidApprovalRequest", message);
  }
}

/** The error a rejection sends; "Wait for human approval" catches exactly this name. */
export const REJECTION_ERROR = "CreditRejected";

/** The cause sent when a rejection gives no reason. */
export const DEFAULT_REJECTION_CAUSE = "Rejected by the approver.";

/** Longest task token SendTaskSuccess and SendTaskFailure accept, in characters. */
export const MAX_TASK_TOKEN_LENGTH = 2048;

/** Longest `cause` SendTaskFailure accepts, in characters; longer reasons are cut to fit. */
export const MAX_CAUSE_LENGTH = 32_768;

/**
 * Reads and checks an approval request.
 *
 * @param event - Any value; expected to be an {@link ApprovalRequest}.
 * @returns The request with `reason` and `approver` left `undefined` when absent or `null`.
 * @throws {InvalidApprovalRequest} When the event is not an object, `taskToken` is missing, blank or longer than
 *   2048 characters, `approved` is not a boolean, or `reason` or `approver` is present but not a string.
 * @see https://docs.aws.amazon.com/step-functions/latest/apireference/API_SendTaskSuccess.html#API_SendTaskSuccess_RequestSyntax
 */
export function parseApprovalRequest(event: unknown): ApprovalRequest {
  if (!isRecord(event)) {
    throw new InvalidApprovalRequest(`The approval request must be a JSON object. Received: ${renderValue(event)}`);
  }
  const { taskToken, approved, reason, approver } = event;
  if (!isNonEmptyString(taskToken) || taskToken.length > MAX_TASK_TOKEN_LENGTH) {
    throw new InvalidApprovalRequest(
      `taskToken must be a non-empty string of at most ${MAX_TASK_TOKEN_LENGTH} characters. Received: ${renderValue(taskToken)}`,
    );
  }
  if (typeof approved !== "boolean") {
    throw new InvalidApprovalRequest(`approved must be true or false. Received: ${renderValue(approved)}`);
  }
  for (const [field, value] of [["reason", reason], ["approver", approver]] as const) {
    if (value !== undefined && value !== null && typeof value !== "string") {
      throw new InvalidApprovalRequest(`${field} must be a string when given. Received: ${renderValue(value)}`);
    }
  }
  return {
    taskToken,
    approved,
    reason: (reason ?? undefined) as string | undefined,
    approver: (approver ?? undefined) as string | undefined,
  };
}

/**
 * Builds the handler around a Step Functions client.
 *
 * @param client - An `SFNClient` or a fake with the same `send`.
 * @returns An async handler that sends exactly one command: for `approved: true`,
 *   `SendTaskSuccess({taskToken, output: JSON.stringify({approved: true, approver, reason})})` (absent fields are
 *   omitted from the output); for `approved: false`, `SendTaskFailure({taskToken, error: "CreditRejected",
 *   cause: reason})`, the cause being `"Rejected by the approver."` when the reason is absent or blank and cut to
 *   32768 characters. It resolves to `{taskToken, decision}`.
 * @throws {InvalidApprovalRequest} (from the returned handler) When the request fails {@link parseApprovalRequest};
 *   nothing is sent then.
 * @throws (from the returned handler) The SDK's error when Step Functions refuses the call, e.g. `TaskTimedOut`,
 *   `TaskDoesNotExist` or `InvalidToken` (a token already answered or expired).
 * @see https://docs.aws.amazon.com/step-functions/latest/apireference/API_SendTaskSuccess.html
 * @see https://docs.aws.amazon.com/step-functions/latest/apireference/API_SendTaskFailure.html
 */
export function createHandler(client: ApprovalClient) {
  return async function approvalCallback(event: unknown): Promise<ApprovalResult> {
    const { taskToken, approved, reason, approver } = parseApprovalRequest(event);
    if (approved) {
      await client.send(
        new SendTaskSuccessCommand({ taskToken, output: JSON.stringify({ approved: true, approver, reason }) }),
      );
      return { taskToken, decision: "approved" };
    }
    const cause = (reason?.trim() ? reason : DEFAULT_REJECTION_CAUSE).slice(0, MAX_CAUSE_LENGTH);
    await client.send(new SendTaskFailureCommand({ taskToken, error: REJECTION_ERROR, cause }));
    return { taskToken, decision: "rejected" };
  };
}

/**
 * Lambda entry point, using an `SFNClient` configured from the Lambda environment (region, credentials).
 *
 * @see createHandler for the event, result and errors.
 * @see https://docs.aws.amazon.com/lambda/latest/dg/nodejs-handler.html
 */
export const handler = createHandler(new SFNClient({}));
