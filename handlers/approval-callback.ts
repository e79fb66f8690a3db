/**
 * Lambda handler behind the credit-approval workflow's "Wait for human approval" state, with two entry points told
 * apart by the event:
 *
 * 1. **Approval request.** The state invokes it with `lambda:invoke.waitForTaskToken` and a payload
 *    `{taskToken, expiresInSeconds, applicantId, name, creditApplied}`. It keeps the task token in the approvals
 *    table under a fresh random request id, and publishes one message to the approval topic with two signed links,
 *    approve and reject, that expire with the Task. The token itself never leaves the table.
 * 2. **A followed link.** The HTTP API `approvals` invokes it for `GET|POST /approvals/{requestId}/{decision}`.
 *    Every request's HMAC signature and expiry are checked before anything is read. GET only shows a confirmation
 *    page (mail scanners prefetch links, so it must change nothing); POST, sent by that page's button, marks the
 *    request decided in one conditional write (a second click finds it decided) and answers the token: approval
 *    with SendTaskSuccess, whose output `{approved: true, approver, reason}` becomes `$.approval` (the shape
 *    "Auto-approve limit" produces); rejection with SendTaskFailure and error `CreditRejected`, which the state
 *    catches into "Credit rejected".
 *
 * Compared with AWS's "human approval with API Gateway and SNS email" sample: no task token in any URL or message,
 * links that cannot be forged or re-pointed (signed request id, decision and expiry), no decision on a GET, and no
 * decision answered twice.
 *
 * @see https://docs.aws.amazon.com/step-functions/latest/dg/connect-to-resource.html#connect-wait-token
 * @see https://docs.aws.amazon.com/step-functions/latest/dg/tutorial-human-approval.html
 * @see https://docs.aws.amazon.com/step-functions/latest/apireference/API_SendTaskSuccess.html
 * @see https://docs.aws.amazon.com/step-functions/latest/apireference/API_SendTaskFailure.html
 */
import { createHmac, randomBytes, timingSafeEqual } from "node:crypto";
import {
  type AttributeValue,
  DynamoDBClient,
  GetItemCommand,
  PutItemCommand,
  UpdateItemCommand,
} from "@aws-sdk/client-dynamodb";
import { GetSecretValueCommand, SecretsManagerClient } from "@aws-sdk/client-secrets-manager";
import { SendTaskFailureCommand, SendTaskSuccessCommand, SFNClient } from "@aws-sdk/client-sfn";
import { PublishCommand, SNSClient } from "@aws-sdk/client-sns";
import { NamedError, renderValue } from "./lib/errors";
import { isNonEmptyString, isRecord } from "./lib/guards";
import {
  escapeHtml,
  formFields,
  type HttpApiEvent,
  type HttpApiResult,
  htmlPage,
  isHttpApiEvent,
  queryParameter,
} from "./lib/http";

/** The error a rejection sends; "Wait for human approval" catches exactly this name. */
export const REJECTION_ERROR = "CreditRejected";

/** The cause sent when a rejection gives no reason. */
export const DEFAULT_REJECTION_CAUSE = "Rejected by the approver.";

/** The approver recorded and sent when the form's "your name" field is left blank. */
export const DEFAULT_APPROVER = "approval link";

/** Longest task token SendTaskSuccess and SendTaskFailure accept, in characters. */
export const MAX_TASK_TOKEN_LENGTH = 2048;

/** Longest `cause` SendTaskFailure accepts, in characters; longer reasons are cut to fit. */
export const MAX_CAUSE_LENGTH = 32_768;

/** Longest `expiresInSeconds` accepted: one year, the longest a Standard workflow execution runs. */
export const MAX_EXPIRES_IN_SECONDS = 31_536_000;

/** Longest `applicantId` and `name` accepted in an approval request, in characters (keeps the message small). */
export const MAX_APPLICANT_FIELD_LENGTH = 1024;

/** Longest `approver` the form accepts, in characters, after trimming. */
export const MAX_APPROVER_LENGTH = 256;

/** Longest `reason` the form accepts, in characters, after trimming. */
export const MAX_REASON_LENGTH = 1024;

/** Shortest signing secret accepted, in characters; the stack generates 64. */
export const MIN_SECRET_LENGTH = 32;

/** The approval message's subject. */
export const APPROVAL_SUBJECT = "Credit limit approval needed";

/** Step Functions errors meaning the token can no longer be answered: the request is marked `EXPIRED`. */
export const EXPIRED_TASK_ERRORS: readonly string[] = ["TaskTimedOut", "TaskDoesNotExist", "InvalidToken"];

/** What a link decides; the last segment of its path. */
export type Decision = "approve" | "reject";

/** A request's `status` in the approvals table. */
export type ApprovalStatus = "PENDING" | "APPROVED" | "REJECTED" | "EXPIRED";

/** The payload "Wait for human approval" invokes the function with. */
export interface ApprovalRequest {
  /** `$$.Task.Token` (1 to 2048 characters); stored, never sent anywhere but Step Functions. */
  taskToken: string;
  /** How long the links stay valid, in seconds (1 to 31536000): the Task's `TimeoutSeconds`. */
  expiresInSeconds: number;
  applicantId: string;
  /** The applicant's name, shown to the approver. */
  name: string;
  /** The credit limit to approve, in whole currency units. */
  creditApplied: number;
}

/** What an approval request returns (the `.waitForTaskToken` Task ignores it; it is for logs and tests). */
export interface ApprovalRequested {
  /** 16 random bytes, base64url (22 characters): the table key and the links' path segment. */
  requestId: string;
  /** When the links stop working, in epoch seconds. */
  expiresAt: number;
}

/** The two links of one request. */
export interface ApprovalLinks {
  approveUrl: string;
  rejectUrl: string;
}

/** Where the function keeps and sends things; read by {@link settingsFromEnvironment} in Lambda. */
export interface ApprovalSettings {
  /** The approvals table (partition key `requestId`, a string). */
  tableName: string;
  /** The SNS topic the approval messages go to. */
  topicArn: string;
  /** The Secrets Manager secret whose `SecretString` is the HMAC key of the links. */
  secretArn: string;
  /** The HTTP API's base URL without a trailing slash, e.g. `https://abc123.execute-api.eu-west-1.amazonaws.com`. */
  endpointUrl: string;
}

/** The Step Functions calls the function makes; an `SFNClient` or a fake. */
export interface ApprovalStepFunctionsClient {
  send(command: SendTaskSuccessCommand | SendTaskFailureCommand): Promise<unknown>;
}

/** The DynamoDB calls the function makes; a `DynamoDBClient` or a fake. */
export interface ApprovalTableClient {
  send(command: PutItemCommand | GetItemCommand | UpdateItemCommand): Promise<unknown>;
}

/** The SNS call the function makes; an `SNSClient` or a fake. */
export interface ApprovalTopicClient {
  send(command: PublishCommand): Promise<unknown>;
}

/** The Secrets Manager call the function makes; a `SecretsManagerClient` or a fake. */
export interface ApprovalSecretsClient {
  send(command: GetSecretValueCommand): Promise<unknown>;
}

/** The AWS clients {@link createHandler} needs. */
export interface ApprovalClients {
  stepFunctions: ApprovalStepFunctionsClient;
  dynamodb: ApprovalTableClient;
  sns: ApprovalTopicClient;
  secrets: ApprovalSecretsClient;
}

/** The function: an approval request resolves to {@link ApprovalRequested}, an HTTP API event to a page. */
export type ApprovalHandler = (event: unknown) => Promise<ApprovalRequested | HttpApiResult>;

/** Thrown, with ASL error name `InvalidApprovalRequest`, when an approval request's payload is wrong. */
export class InvalidApprovalRequest extends NamedError {
  /** @param message - Which field is wrong, ending with its value. */
  constructor(message: string) {
    super("InvalidApprovalRequest", message);
  }
}

/** Thrown, with error name `InvalidApprovalSettings`, when the environment or the signing secret is unusable. */
export class InvalidApprovalSettings extends NamedError {
  /** @param message - Which variable or secret is wrong, and why. */
  constructor(message: string) {
    super("InvalidApprovalSettings", message);
  }
}

const ENVIRONMENT = {
  tableName: "APPROVALS_TABLE_NAME",
  topicArn: "APPROVAL_TOPIC_ARN",
  secretArn: "APPROVAL_SECRET_ARN",
  endpointUrl: "APPROVAL_ENDPOINT_URL",
} as const satisfies Record<keyof ApprovalSettings, string>;

/**
 * Reads the settings from the Lambda environment the stack sets (see the `approval-callback` entry of
 * `infra/manifest.ts`).
 *
 * @param env - Environment variables. @default process.env
 * @returns `{tableName, topicArn, secretArn, endpointUrl}` from `APPROVALS_TABLE_NAME`, `APPROVAL_TOPIC_ARN`,
 *   `APPROVAL_SECRET_ARN` and `APPROVAL_ENDPOINT_URL`, trimmed; trailing slashes are dropped from the URL.
 * @throws {InvalidApprovalSettings} Naming the first variable that is missing or blank, or `APPROVAL_ENDPOINT_URL`
 *   when it is not an `http:` or `https:` URL without query or fragment.
 * @see https://docs.aws.amazon.com/lambda/latest/dg/configuration-envvars.html
 */
export function settingsFromEnvironment(env: Record<string, string | undefined> = process.env): ApprovalSettings {
  const read = (name: string): string => {
    const value = env[name];
    if (!isNonEmptyString(value)) {
      throw new InvalidApprovalSettings(`Environment variable ${name} must be set. Received: ${renderValue(value)}`);
    }
    return value.trim();
  };
  const settings: ApprovalSettings = {
    tableName: read(ENVIRONMENT.tableName),
    topicArn: read(ENVIRONMENT.topicArn),
    secretArn: read(ENVIRONMENT.secretArn),
    endpointUrl: read(ENVIRONMENT.endpointUrl).replace(/\/+$/, ""),
  };
  let url: URL | undefined;
  try {
    url = new URL(settings.endpointUrl);
  } catch {
    url = undefined;
  }
  if (!url || (url.protocol !== "https:" && url.protocol !== "http:") || url.search || url.hash) {
    throw new InvalidApprovalSettings(
      `Environment variable ${ENVIRONMENT.endpointUrl} must be an http(s) URL without query or fragment. ` +
        `Received: ${renderValue(env[ENVIRONMENT.endpointUrl])}`,
    );
  }
  return settings;
}

/**
 * Signs one link: what makes a link unforgeable, and binds its request, decision and expiry together.
 *
 * @param secret - The HMAC key (the signing secret's `SecretString`).
 * @param requestId - The request id from the link's path.
 * @param decision - `"approve"` or `"reject"`.
 * @param expiresAt - The link's expiry, in epoch seconds (an integer).
 * @returns base64url (no padding, 43 characters) of HMAC-SHA256(secret, `${requestId}\n${decision}\n${expiresAt}`).
 *   Never throws.
 * @see https://nodejs.org/api/crypto.html#class-hmac
 * @see https://www.rfc-editor.org/rfc/rfc2104
 */
export function signLink(secret: string, requestId: string, decision: Decision, expiresAt: number): string {
  return createHmac("sha256", secret).update(`${requestId}\n${decision}\n${expiresAt}`).digest("base64url");
}

/**
 * Builds a request's two signed links.
 *
 * @param endpointUrl - The HTTP API's base URL, without a trailing slash.
 * @param secret - The HMAC key.
 * @param requestId - The request id (base64url, so safe in a path).
 * @param expiresAt - When the links expire, in epoch seconds.
 * @returns `{approveUrl, rejectUrl}`, each `${endpointUrl}/approvals/${requestId}/${decision}?expires=${expiresAt}`
 *   `&signature=${signLink(...)}`. Never throws.
 * @see https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-develop-routes.html
 */
export function approvalLinks(endpointUrl: string, secret: string, requestId: string, expiresAt: number): ApprovalLinks {
  const link = (decision: Decision) =>
    `${endpointUrl}/approvals/${requestId}/${decision}?expires=${expiresAt}` +
    `&signature=${signLink(secret, requestId, decision, expiresAt)}`;
  return { approveUrl: link("approve"), rejectUrl: link("reject") };
}

/**
 * Tells whether an event comes from the HTTP API (a followed link) rather than from the workflow.
 *
 * @param event - Any value.
 * @returns `true` for an API Gateway HTTP API payload format 2.0 event. Never throws.
 * @see https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-develop-integrations-lambda.html
 */
export function isHttpEvent(event: unknown): event is HttpApiEvent {
  return isHttpApiEvent(event);
}

/**
 * Reads and checks an approval request payload.
 *
 * @param event - Any value; expected to be an {@link ApprovalRequest}.
 * @returns The request, with `applicantId` and `name` as given.
 * @throws {InvalidApprovalRequest} Naming the field when the event is not an object; `taskToken` is not a
 *   non-blank string of at most 2048 characters (its value is not echoed, only its length); `expiresInSeconds` is
 *   not an integer from 1 to 31536000; `applicantId` or `name` is not a non-blank string of at most 1024
 *   characters; or `creditApplied` is not a finite number of at least 0.
 * @see https://docs.aws.amazon.com/step-functions/latest/apireference/API_SendTaskSuccess.html#API_SendTaskSuccess_RequestSyntax
 */
export function parseApprovalRequest(event: unknown): ApprovalRequest {
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

/** A request as read back from the table. */
interface StoredRequest {
  status: string;
  taskToken?: string;
  applicantId?: string;
  name?: string;
  creditApplied?: number;
  expiresAt?: number;
  decidedAt?: string;
  approver?: string;
  reason?: string;
}

/** Attributes the link pages read; everything but the task token. */
const PAGE_ATTRIBUTES = ["status", "applicantId", "name", "creditApplied", "expiresAt", "decidedAt", "approver", "reason"];

/** `SET`/`REMOVE` placeholders for attribute names, so reserved words (`status`, `name`) need no care. */
function names(...attributes: string[]): Record<string, string> {
  return Object.fromEntries(attributes.map((a) => [`#${a}`, a]));
}

function readStored(item: Record<string, AttributeValue>): StoredRequest {
  const text = (key: string): string | undefined => item[key]?.S;
  const number = (key: string): number | undefined => {
    const n = item[key]?.N;
    return n === undefined ? undefined : Number(n);
  };
  return {
    status: text("status") ?? "",
    taskToken: text("taskToken"),
    applicantId: text("applicantId"),
    name: text("name"),
    creditApplied: number("creditApplied"),
    expiresAt: number("expiresAt"),
    decidedAt: text("decidedAt"),
    approver: text("approver"),
    reason: text("reason"),
  };
}

/** Reads `Item` (GetItem) or `Attributes` (UpdateItem with ReturnValues) from an SDK answer. */
function itemOf(output: unknown, key: "Item" | "Attributes"): StoredRequest | undefined {
  if (!isRecord(output) || !isRecord(output[key])) return undefined;
  return readStored(output[key] as Record<string, AttributeValue>);
}

function errorName(error: unknown): string | undefined {
  return error instanceof Error ? error.name : undefined;
}

/** An epoch-seconds instant as ISO 8601 UTC without milliseconds, e.g. `2025-03-01T12:00:00Z`. */
function isoSeconds(epochSeconds: number): string {
  return new Date(epochSeconds * 1000).toISOString().replace(/\.\d{3}Z$/, "Z");
}

const AMOUNT = new Intl.NumberFormat("en-US", { maximumFractionDigits: 2 });

/** Replaces line breaks and other control characters, so a value cannot add lines to the plain-text message. */
function oneLine(value: string): string {
  return value.replace(/[\p{Cc}\p{Zl}\p{Zp}]+/gu, " ");
}

function approvalText(request: ApprovalRequest, links: ApprovalLinks, expiresAt: number): string {
  return [
    "A credit limit needs your approval.",
    "",
    `Applicant: ${oneLine(request.name)} (applicant id ${oneLine(request.applicantId)})`,
    `Credit limit: ${AMOUNT.format(request.creditApplied)}`,
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
}

const PAST: Record<Decision, "approved" | "rejected"> = { approve: "approved", reject: "rejected" };
const STATUS_OF: Record<Decision, ApprovalStatus> = { approve: "APPROVED", reject: "REJECTED" };
const REQUEST_ID = /^[A-Za-z0-9_-]{22}$/;
const SIGNATURE = /^[A-Za-z0-9_-]{43}$/;
const EPOCH_SECONDS = /^(?:0|[1-9][0-9]{0,11})$/;

/** A link whose signature and expiry were checked. */
interface VerifiedLink {
  requestId: string;
  decision: Decision;
  expiresAt: number;
}

const notFound = () => htmlPage(404, "Not found", "<p>There is no such approval request.</p>");
const invalidLink = () => htmlPage(403, "Link not valid", "<p>This link is not valid.</p>");
const noLongerWaiting = () =>
  htmlPage(410, "No longer waiting", "<p>The approval request is no longer waiting for a decision.</p>");

function decidedPage(stored: StoredRequest): HttpApiResult {
  if (stored.status === "EXPIRED") return noLongerWaiting();
  const by = stored.approver ? ` by ${escapeHtml(stored.approver)}` : "";
  const at = stored.decidedAt ? ` at ${escapeHtml(stored.decidedAt)}` : "";
  return htmlPage(409, "Already decided", `<p>Already decided: ${escapeHtml(stored.status.toLowerCase())}${by}${at}.</p>`);
}

function confirmationPage(link: VerifiedLink, stored: StoredRequest): HttpApiResult {
  const label = link.decision === "approve" ? "Approve" : "Reject";
  const amount = stored.creditApplied === undefined ? "unknown" : AMOUNT.format(stored.creditApplied);
  return htmlPage(
    200,
    `${label} credit limit?`,
    `<dl><dt>Applicant</dt><dd>${escapeHtml(stored.name ?? "")} (${escapeHtml(stored.applicantId ?? "")})</dd>` +
      `<dt>Credit limit</dt><dd>${escapeHtml(amount)}</dd>` +
      `<dt>Link expires</dt><dd>${escapeHtml(isoSeconds(link.expiresAt))}</dd></dl>\n` +
      `<form method="post">` +
      `<label for="approver">Your name (optional)</label>` +
      `<input id="approver" name="approver" type="text" maxlength="${MAX_APPROVER_LENGTH}" autocomplete="name">` +
      `<label for="reason">Reason (optional)</label>` +
      `<input id="reason" name="reason" type="text" maxlength="${MAX_REASON_LENGTH}">` +
      `<button type="submit">${label}</button></form>`,
  );
}

/**
 * Builds the function around its AWS clients and settings.
 *
 * @param clients - `{stepFunctions, dynamodb, sns, secrets}`: SDK clients or fakes with the same `send`.
 * @param settings - `{tableName, topicArn, secretArn, endpointUrl}` ({@link ApprovalSettings}).
 * @param now - Clock in epoch milliseconds. @default Date.now
 * @returns An async handler taking either event:
 *
 *   - An approval request ({@link ApprovalRequest}): fetches the signing secret (once per handler, cached),
 *     `PutItem`s `{requestId S, taskToken S, status S "PENDING", expiresAt N, requestedAt S, applicantId S, name S,
 *     creditApplied N}` with `attribute_not_exists(requestId)`, publishes one message (subject
 *     {@link APPROVAL_SUBJECT}, `MessageStructure: "json"`: plain text for `default` and `email`, a JSON document
 *     with the links for `https`) and resolves to `{requestId, expiresAt}` (expiry in epoch seconds:
 *     `floor(now / 1000) + expiresInSeconds`).
 *   - An HTTP API event for `/approvals/{requestId}/{decision}?expires=&signature=`: resolves to an HTML page.
 *     404 for an unknown decision, path or request; 403 for a missing or wrong signature or a malformed `expires`;
 *     410 for an expired link (none of these read the table); 405 for a method other than GET and POST. GET shows
 *     the confirmation form (200), or 409 "Already decided" / 410 when no longer pending, and writes nothing.
 *     POST (`application/x-www-form-urlencoded` fields `approver` ≤ 256 and `reason` ≤ 1024 characters, else 400)
 *     marks the request `APPROVED`/`REJECTED` and removes its token in one conditional `UpdateItem`, then sends
 *     SendTaskSuccess `{approved: true, approver, reason}` or SendTaskFailure `CreditRejected` and answers 200
 *     "Recorded"; 409 when it was already decided (nothing sent to Step Functions); 410, marking it `EXPIRED`,
 *     when Step Functions answers TaskTimedOut, TaskDoesNotExist or InvalidToken; 503, restoring it to `PENDING`,
 *     when Step Functions fails otherwise.
 * @throws {InvalidApprovalRequest} (from the returned handler) When a request payload fails
 *   {@link parseApprovalRequest}; nothing is written or published then.
 * @throws {InvalidApprovalSettings} (from the returned handler) When the secret has no `SecretString` or one
 *   shorter than 32 characters.
 * @throws (from the returned handler) The SDK's error when DynamoDB, SNS or Secrets Manager fails (API Gateway
 *   answers a link with 500 then).
 * @see https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_UpdateItem.html
 * @see https://docs.aws.amazon.com/sns/latest/api/API_Publish.html
 * @see https://docs.aws.amazon.com/secretsmanager/latest/apireference/API_GetSecretValue.html
 */
export function createHandler(
  clients: ApprovalClients,
  settings: ApprovalSettings,
  now: () => number = Date.now,
): ApprovalHandler {
  const { stepFunctions, dynamodb, sns, secrets } = clients;
  const key = (requestId: string) => ({ requestId: { S: requestId } });
  let cachedSecret: Promise<string> | undefined;

  /** The signing secret, fetched on first use; a failed fetch is retried on the next call. */
  function signingSecret(): Promise<string> {
    cachedSecret ??= secrets.send(new GetSecretValueCommand({ SecretId: settings.secretArn })).then((output) => {
      const value = isRecord(output) ? output.SecretString : undefined;
      if (typeof value !== "string" || value.length < MIN_SECRET_LENGTH) {
        const received = typeof value === "string" ? `a string of ${value.length} characters` : renderValue(value);
        throw new InvalidApprovalSettings(
          `SecretString of secret ${settings.secretArn} must be a string of at least ${MIN_SECRET_LENGTH} characters. ` +
            `Received: ${received}`,
        );
      }
      return value;
    });
    cachedSecret.catch(() => {
      cachedSecret = undefined;
    });
    return cachedSecret;
  }

  async function requestApproval(event: unknown): Promise<ApprovalRequested> {
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
    const text = approvalText(request, links, expiresAt);
    const https = JSON.stringify({
      requestId,
      applicantId: request.applicantId,
      name: request.name,
      creditApplied: request.creditApplied,
      expiresAt: isoSeconds(expiresAt),
      ...links,
    });
    await sns.send(
      new PublishCommand({
        TopicArn: settings.topicArn,
        Subject: APPROVAL_SUBJECT,
        MessageStructure: "json",
        Message: JSON.stringify({ default: text, email: text, https }),
      }),
    );
    return { requestId, expiresAt };
  }

  /** Checks path, signature and expiry; a page when the link must go no further. */
  async function verifyLink(event: HttpApiEvent): Promise<VerifiedLink | HttpApiResult> {
    const requestId = event.pathParameters?.requestId;
    const decision = event.pathParameters?.decision;
    if (!requestId || !REQUEST_ID.test(requestId) || (decision !== "approve" && decision !== "reject")) {
      return notFound();
    }
    const expires = queryParameter(event, "expires");
    const signature = queryParameter(event, "signature");
    if (!expires || !EPOCH_SECONDS.test(expires) || !signature || !SIGNATURE.test(signature)) return invalidLink();
    const expiresAt = Number(expires);
    const expected = Buffer.from(signLink(await signingSecret(), requestId, decision, expiresAt), "ascii");
    const given = Buffer.from(signature, "ascii");
    if (expected.length !== given.length || !timingSafeEqual(expected, given)) return invalidLink();
    if (expiresAt < Math.floor(now() / 1000)) {
      return htmlPage(410, "Link expired", `<p>This link expired at ${escapeHtml(isoSeconds(expiresAt))}.</p>`);
    }
    return { requestId, decision, expiresAt };
  }

  async function readRequest(requestId: string): Promise<StoredRequest | undefined> {
    const output = await dynamodb.send(
      new GetItemCommand({
        TableName: settings.tableName,
        Key: key(requestId),
        ConsistentRead: true,
        ProjectionExpression: PAGE_ATTRIBUTES.map((a) => `#${a}`).join(", "),
        ExpressionAttributeNames: names(...PAGE_ATTRIBUTES),
      }),
    );
    return itemOf(output, "Item");
  }

  async function show(link: VerifiedLink): Promise<HttpApiResult> {
    const stored = await readRequest(link.requestId);
    if (!stored) return notFound();
    return stored.status === "PENDING" ? confirmationPage(link, stored) : decidedPage(stored);
  }

  async function decide(link: VerifiedLink, event: HttpApiEvent): Promise<HttpApiResult> {
    const fields = formFields(event);
    if (!fields) {
      return htmlPage(415, "Unsupported form", "<p>Send the form as application/x-www-form-urlencoded.</p>");
    }
    const approverInput = (fields.get("approver") ?? "").trim();
    const reason = (fields.get("reason") ?? "").trim();
    for (const [field, value, max] of [["approver", approverInput, MAX_APPROVER_LENGTH], ["reason", reason, MAX_REASON_LENGTH]] as const) {
      if (value.length > max) {
        return htmlPage(
          400,
          "Too long",
          `<p>${field} must be at most ${max} characters. Received: ${value.length} characters.</p>`,
        );
      }
    }
    const approver = approverInput || DEFAULT_APPROVER;
    const status = STATUS_OF[link.decision];
    const decidedAt = new Date(now()).toISOString();

    let old: StoredRequest | undefined;
    try {
      const output = await dynamodb.send(
        new UpdateItemCommand({
          TableName: settings.tableName,
          Key: key(link.requestId),
          UpdateExpression:
            `SET #status = :decided, #decidedAt = :decidedAt, #approver = :approver${reason ? ", #reason = :reason" : ""} ` +
            "REMOVE #taskToken",
          ConditionExpression: "attribute_exists(requestId) AND #status = :pending",
          ExpressionAttributeNames: names("status", "decidedAt", "approver", ...(reason ? ["reason"] : []), "taskToken"),
          ExpressionAttributeValues: {
            ":pending": { S: "PENDING" },
            ":decided": { S: status },
            ":decidedAt": { S: decidedAt },
            ":approver": { S: approver },
            ...(reason ? { ":reason": { S: reason } } : {}),
          },
          ReturnValues: "ALL_OLD",
        }),
      );
      old = itemOf(output, "Attributes");
    } catch (error) {
      if (errorName(error) !== "ConditionalCheckFailedException") throw error;
      const stored = await readRequest(link.requestId);
      return stored ? decidedPage(stored) : notFound();
    }
    const taskToken = old?.taskToken;
    if (!taskToken) {
      throw new NamedError("ApprovalTokenMissing", `Approval request ${link.requestId} was pending without a taskToken.`);
    }

    try {
      if (link.decision === "approve") {
        const output = JSON.stringify({ approved: true, approver, reason: reason || undefined });
        await stepFunctions.send(new SendTaskSuccessCommand({ taskToken, output }));
      } else {
        const cause = (reason || DEFAULT_REJECTION_CAUSE).slice(0, MAX_CAUSE_LENGTH);
        await stepFunctions.send(new SendTaskFailureCommand({ taskToken, error: REJECTION_ERROR, cause }));
      }
    } catch (error) {
      const name = errorName(error);
      if (name !== undefined && EXPIRED_TASK_ERRORS.includes(name)) {
        await dynamodb.send(
          new UpdateItemCommand({
            TableName: settings.tableName,
            Key: key(link.requestId),
            UpdateExpression: "SET #status = :expired",
            ExpressionAttributeNames: names("status"),
            ExpressionAttributeValues: { ":expired": { S: "EXPIRED" } },
          }),
        );
        return noLongerWaiting();
      }
      // Not recorded: put the request back so the link can be used again, then ask to retry.
      console.error(`Step Functions refused request ${link.requestId}'s decision: ${name ?? "error"}`, error);
      await dynamodb.send(
        new UpdateItemCommand({
          TableName: settings.tableName,
          Key: key(link.requestId),
          UpdateExpression: "SET #status = :pending, #taskToken = :taskToken REMOVE #decidedAt, #approver, #reason",
          ConditionExpression: "#status = :decided AND #decidedAt = :decidedAt",
          ExpressionAttributeNames: names("status", "taskToken", "decidedAt", "approver", "reason"),
          ExpressionAttributeValues: {
            ":pending": { S: "PENDING" },
            ":taskToken": { S: taskToken },
            ":decided": { S: status },
            ":decidedAt": { S: decidedAt },
          },
        }),
      );
      return htmlPage(
        503,
        "Not recorded",
        "<p>Step Functions could not take the decision, so nothing was recorded. Try again in a minute.</p>",
        { "retry-after": "60" },
      );
    }
    return htmlPage(200, `Recorded: ${PAST[link.decision]}`, `<p>Recorded: ${PAST[link.decision]}. You can close this page.</p>`);
  }

  async function followLink(event: HttpApiEvent): Promise<HttpApiResult> {
    const method = event.requestContext.http.method.toUpperCase();
    if (method !== "GET" && method !== "POST") {
      return htmlPage(405, "Method not allowed", "<p>Use the link, then the button on its page.</p>", { allow: "GET, POST" });
    }
    const link = await verifyLink(event);
    if ("statusCode" in link) return link;
    return method === "GET" ? show(link) : decide(link, event);
  }

  return async function approvalCallback(event: unknown): Promise<ApprovalRequested | HttpApiResult> {
    return isHttpEvent(event) ? followLink(event) : requestApproval(event);
  };
}

let lambdaHandler: ApprovalHandler | undefined;

/**
 * Lambda entry point. On first invocation it reads {@link settingsFromEnvironment} and builds SDK clients
 * configured from the Lambda environment (region, credentials); importing the module reads nothing.
 *
 * @param event - An approval request or an HTTP API event; see {@link createHandler}.
 * @returns What {@link createHandler}'s handler returns.
 * @throws {InvalidApprovalSettings} When an environment variable is missing (and again on each invocation).
 * @see https://docs.aws.amazon.com/lambda/latest/dg/nodejs-handler.html
 */
export async function handler(event: unknown): Promise<ApprovalRequested | HttpApiResult> {
  if (!lambdaHandler) {
    const settings = settingsFromEnvironment();
    const clients: ApprovalClients = {
      stepFunctions: new SFNClient({}),
      dynamodb: new DynamoDBClient({}),
      sns: new SNSClient({}),
      secrets: new SecretsManagerClient({}),
    };
    lambdaHandler = createHandler(clients, settings);
  }
  return lambdaHandler(event);
}
