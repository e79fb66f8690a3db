/**
 * The approval-request function: what the credit-approval workflow's "Wait for human approval" state invokes with
 * `lambda:invoke.waitForTaskToken` and a payload `{taskToken, expiresInSeconds, applicantId, name, creditApplied}`.
 * It keeps the task token in the approvals table under a fresh random request id, and publishes one message to
 * the approval topic with two signed links, approve and reject, that expire with the Task. The token itself never
 * leaves the table. The links are answered by the separate approval-callback function (see
 * `handlers/approval-callback.ts`), which holds no permission of this one.
 *
 * Its role needs only `dynamodb:PutItem` on the approvals table, `sns:Publish` on the topic and
 * `secretsmanager:GetSecretValue` on the signing secret: it never calls Step Functions and never serves HTTP.
 *
 * @see https://docs.aws.amazon.com/step-functions/latest/dg/connect-to-resource.html#connect-wait-token
 * @see https://docs.aws.amazon.com/step-functions/latest/dg/tutorial-human-approval.html
 */
import { randomBytes } from "node:crypto";
import { DynamoDBClient, PutItemCommand } from "@aws-sdk/client-dynamodb";
import { SecretsManagerClient } from "@aws-sdk/client-secrets-manager";
import { PublishCommand, SNSClient } from "@aws-sdk/client-sns";
import { renderValue } from "./lib/errors";
import { isNonEmptyString, isRecord } from "./lib/guards";
import { isHttpApiEvent } from "./lib/http";
import {
  AMOUNT,
  APPROVAL_ENVIRONMENT,
  APPROVAL_SUBJECT,
  type ApprovalLinks,
  type ApprovalRequest,
  type ApprovalRequested,
  type ApprovalSecretsClient,
  approvalLinks,
  checkEndpointUrl,
  InvalidApprovalRequest,
  isoSeconds,
  MAX_APPLICANT_FIELD_LENGTH,
  MAX_EXPIRES_IN_SECONDS,
  MAX_TASK_TOKEN_LENGTH,
  requiredVariable,
  signingSecretReader,
} from "./lib/approvals";

export {
  APPROVAL_SUBJECT,
  type ApprovalRequest,
  type ApprovalRequested,
  approvalLinks,
  InvalidApprovalRequest,
  InvalidApprovalSettings,
  MAX_TASK_TOKEN_LENGTH,
  signLink,
} from "./lib/approvals";

/** Where the function keeps and sends things; read by {@link settingsFromEnvironment} in Lambda. */
export interface ApprovalRequestSettings {
  /** The approvals table (partition key `requestId`, a string). */
  tableName: string;
  /** The SNS topic the approval messages go to. */
  topicArn: string;
  /** The Secrets Manager secret whose `SecretString` is the HMAC key of the links. */
  secretArn: string;
  /**
   * The HTTP API's base URL without a trailing slash, e.g. `https://abc123.execute-api.eu-west-1.amazonaws.com`
   * (`http://127.0.0.1:<port>` in a local run).
   */
  endpointUrl: string;
}

/** The DynamoDB call the function makes (PutItem only); a `DynamoDBClient` or a fake. */
export interface ApprovalRequestTableClient {
  send(command: PutItemCommand): Promise<unknown>;
}

/** The SNS call the function makes; an `SNSClient` or a fake. */
export interface ApprovalTopicClient {
  send(command: PublishCommand): Promise<unknown>;
}

/** The AWS clients {@link createHandler} needs: no Step Functions client. */
export interface ApprovalRequestClients {
  dynamodb: ApprovalRequestTableClient;
  sns: ApprovalTopicClient;
  secrets: ApprovalSecretsClient;
}

/** The function: an approval request resolves to {@link ApprovalRequested}. */
export type ApprovalRequestHandler = (event: unknown) => Promise<ApprovalRequested>;

/**
 * Reads the settings from the Lambda environment the stack sets.
 *
 * @param env - Environment variables. @default process.env
 * @returns `{tableName, topicArn, secretArn, endpointUrl}` from `APPROVALS_TABLE_NAME`, `APPROVAL_TOPIC_ARN`,
 *   `APPROVAL_SECRET_ARN` and `APPROVAL_ENDPOINT_URL`, trimmed; trailing slashes are dropped from the URL.
 * @throws {InvalidApprovalSettings} Naming the first variable that is missing or blank, or `APPROVAL_ENDPOINT_URL`
 *   when it is not an `https://` URL (`http://` is accepted only for 127.0.0.1, localhost and [::1]) without
 *   credentials, query or fragment.
 * @see https://docs.aws.amazon.com/lambda/latest/dg/configuration-envvars.html
 */
export function settingsFromEnvironment(env: Record<string, string | undefined> = process.env): ApprovalRequestSettings {
  return {
    tableName: requiredVariable(env, APPROVAL_ENVIRONMENT.tableName),
    topicArn: requiredVariable(env, APPROVAL_ENVIRONMENT.topicArn),
    secretArn: requiredVariable(env, APPROVAL_ENVIRONMENT.secretArn),
    endpointUrl: checkEndpointUrl(requiredVariable(env, APPROVAL_ENVIRONMENT.endpointUrl)),
  };
}

/**
 * Reads and checks an approval request payload.
 *
 * @param event - Any value; expected to be an {@link ApprovalRequest}.
 * @returns The request, with `applicantId` and `name` as given.
 * @throws {InvalidApprovalRequest} When the event is an HTTP API event (a followed link belongs to the
 *   approval-callback function) or not an object; `taskToken` is not a non-blank string of at most 2048
 *   characters (its value is not echoed, only its length); `expiresInSeconds` is not an integer from 1 to
 *   31536000; `applicantId` or `name` is not a non-blank string of at most 1024 characters; or `creditApplied` is
 *   not a finite number of at least 0. The message names the field and ends `Received: <value>`.
 * @see https://docs.aws.amazon.com/step-functions/latest/apireference/API_SendTaskSuccess.html#API_SendTaskSuccess_RequestSyntax
 */
export function parseApprovalRequest(event: unknown): ApprovalRequest {
  if (isHttpApiEvent(event)) {
    throw new InvalidApprovalRequest(
      "The approval-request function takes the workflow's approval request, not an HTTP API event; " +
        `followed links go to the approval-callback function. Received: an HTTP API event (${event.requestContext.http.method} ${renderValue(event.rawPath ?? event.routeKey)})`,
    );
  }
  if (!isRecord(event)) {
    throw new InvalidApprovalRequest(`The approval request must be a JSON object. Received: ${renderValue(event)}`);
  }
  const { taskToken, expiresInSeconds, applicantId, name, creditApplied } = event;
  if (!isNonEmptyString(taskToken) || taskToken.length > MAX_TASK_TOKEN_LENGTH) {
    const received = typeof taskToken === "string" ? `a string of ${taskToken.length} characters` : renderValue(taskToken);
    throw new InvalidApprovalRequest(
      `taskToken must be a non-empty string of at most ${MAX_TASK_TOKEN_LENGTH} characters. Received: ${received}`,
    );
  }
  if (
    typeof expiresInSeconds !== "number" ||
    !Number.isInteger(expiresInSeconds) ||
    expiresInSeconds < 1 ||
    expiresInSeconds > MAX_EXPIRES_IN_SECONDS
  ) {
    throw new InvalidApprovalRequest(
      `expiresInSeconds must be an integer from 1 to ${MAX_EXPIRES_IN_SECONDS}. Received: ${renderValue(expiresInSeconds)}`,
    );
  }
  for (const [field, value] of [["applicantId", applicantId], ["name", name]] as const) {
    if (!isNonEmptyString(value) || value.length > MAX_APPLICANT_FIELD_LENGTH) {
      throw new InvalidApprovalRequest(
        `${field} must be a non-empty string of at most ${MAX_APPLICANT_FIELD_LENGTH} characters. Received: ${renderValue(value)}`,
      );
    }
  }
  if (typeof creditApplied !== "number" || !Number.isFinite(creditApplied) || creditApplied < 0) {
    throw new InvalidApprovalRequest(`creditApplied must be a finite number of at least 0. Received: ${renderValue(creditApplied)}`);
  }
  return {
    taskToken,
    expiresInSeconds,
    applicantId: applicantId as string,
    name: name as string,
    creditApplied,
  };
}

/** Replaces line breaks and other control characters, so a value cannot add lines to the plain-text message. */
function oneLine(value: string): string {
  return value.replace(/[\p{Cc}\p{Zl}\p{Zp}]+/gu, " ");
}

/** The lines every part of the message starts with: who and how much. */
function summary(request: ApprovalRequest): string[] {
  return [
    "A credit limit needs your approval.",
    "",
    `Applicant: ${oneLine(request.name)} (applicant id ${oneLine(request.applicantId)})`,
    `Credit limit: ${AMOUNT.format(request.creditApplied)}`,
  ];
}

/**
 * The message's parts: `email` (plain text with the links), `https` (JSON with the links) and `default` (plain
 * text WITHOUT links, for every other protocol: an SQS queue or Lambda subscriber must not be able to decide).
 */
function messageParts(request: ApprovalRequest, requestId: string, links: ApprovalLinks, expiresAt: number): Record<"default" | "email" | "https", string> {
  const email = [
    ...summary(request),
    "",
    "Approve:",
    links.approveUrl,
    "",
    "Reject:",
    links.rejectUrl,
    "",
    `The links expire at ${isoSeconds(expiresAt)} (UTC).`,
    "Each link opens a confirmation page; nothing is decided until you press its button.",
    "Anyone holding a link can use it: do not forward this message.",
  ].join("\n");
  const plain = [
    ...summary(request),
    `Request id: ${requestId}`,
    "",
    `It waits until ${isoSeconds(expiresAt)} (UTC). The approve and reject links are sent by email only: ` +
      "open the approval email to decide.",
  ].join("\n");
  const https = JSON.stringify({
    requestId,
    applicantId: request.applicantId,
    name: request.name,
    creditApplied: request.creditApplied,
    expiresAt: isoSeconds(expiresAt),
    ...links,
  });
  return { default: plain, email, https };
}

/**
 * Builds the function around its AWS clients and settings.
 *
 * @param clients - `{dynamodb, sns, secrets}`: SDK clients or fakes with the same `send`.
 * @param settings - `{tableName, topicArn, secretArn, endpointUrl}` ({@link ApprovalRequestSettings}).
 * @param now - Clock in epoch milliseconds. @default Date.now
 * @returns An async handler taking an approval request ({@link ApprovalRequest}): it fetches the signing secret
 *   (once per handler, cached), `PutItem`s `{requestId S, taskToken S, status S "PENDING", expiresAt N,
 *   requestedAt S, applicantId S, name S, creditApplied N}` with `attribute_not_exists(requestId)`, publishes one
 *   message (subject {@link APPROVAL_SUBJECT}, `MessageStructure: "json"`: `email` plain text with the two links,
 *   `https` a JSON document `{requestId, applicantId, name, creditApplied, expiresAt, approveUrl, rejectUrl}`,
 *   `default` plain text without links) and resolves to `{requestId, expiresAt}` (expiry in epoch seconds:
 *   `floor(now / 1000) + expiresInSeconds`).
 * @throws {InvalidApprovalRequest} (from the returned handler) When the payload fails {@link parseApprovalRequest}
 *   (including an HTTP API event); nothing is read, written or published then.
 * @throws {InvalidApprovalSettings} (from the returned handler) When the secret has no `SecretString` or one
 *   shorter than 32 characters; nothing is written then.
 * @throws (from the returned handler) The SDK's error when DynamoDB, SNS or Secrets Manager fails (the Task fails
 *   with it, and the workflow's Retry or Catch decides).
 * @see https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_PutItem.html
 * @see https://docs.aws.amazon.com/sns/latest/dg/sns-send-custom-platform-specific-payloads-mobile-devices.html
 * @see https://docs.aws.amazon.com/sns/latest/api/API_Publish.html
 */
export function createHandler(
  clients: ApprovalRequestClients,
  settings: ApprovalRequestSettings,
  now: () => number = Date.now,
): ApprovalRequestHandler {
  const { dynamodb, sns, secrets } = clients;
  const signingSecret = signingSecretReader(secrets, settings.secretArn);

  return async function approvalRequest(event: unknown): Promise<ApprovalRequested> {
    const request = parseApprovalRequest(event);
    const secret = await signingSecret();
    const requestId = randomBytes(16).toString("base64url");
    const nowMs = now();
    const expiresAt = Math.floor(nowMs / 1000) + request.expiresInSeconds;
    await dynamodb.send(
      new PutItemCommand({
        TableName: settings.tableName,
        Item: {
          requestId: { S: requestId },
          taskToken: { S: request.taskToken },
          status: { S: "PENDING" },
          expiresAt: { N: String(expiresAt) },
          requestedAt: { S: new Date(nowMs).toISOString() },
          applicantId: { S: request.applicantId },
          name: { S: request.name },
          creditApplied: { N: String(request.creditApplied) },
        },
        ConditionExpression: "attribute_not_exists(requestId)",
      }),
    );
    const links = approvalLinks(settings.endpointUrl, secret, requestId, expiresAt);
    await sns.send(
      new PublishCommand({
        TopicArn: settings.topicArn,
        Subject: APPROVAL_SUBJECT,
        MessageStructure: "json",
        Message: JSON.stringify(messageParts(request, requestId, links, expiresAt)),
      }),
    );
    return { requestId, expiresAt };
  };
}

let lambdaHandler: ApprovalRequestHandler | undefined;

/**
 * Lambda entry point. On first invocation it reads {@link settingsFromEnvironment} and builds SDK clients
 * configured from the Lambda environment (region, credentials); importing the module reads nothing.
 *
 * @param event - The approval request; see {@link createHandler}.
 * @returns `{requestId, expiresAt}`.
 * @throws {InvalidApprovalSettings} When an environment variable is missing or wrong (and again on each invocation).
 * @throws What {@link createHandler}'s handler throws.
 * @see https://docs.aws.amazon.com/lambda/latest/dg/nodejs-handler.html
 */
export const handler: ApprovalRequestHandler = async (event) => {
  if (!lambdaHandler) {
    const settings = settingsFromEnvironment();
    lambdaHandler = createHandler(
      { dynamodb: new DynamoDBClient({}), sns: new SNSClient({}), secrets: new SecretsManagerClient({}) },
      settings,
    );
  }
  return lambdaHandler(event);
};
