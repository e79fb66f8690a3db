/**
 * What the two functions of the credit-approval loop share: the **approval-request** function (invoked by the
 * workflow's "Wait for human approval" state with a task token; it stores the token and publishes signed links)
 * and the **approval-callback** function (behind the HTTP API; it checks a followed link and answers the token).
 * Each runs with its own least-privilege role, so nothing here calls AWS except through a client it is given.
 *
 * Here: the limits and error names, the approvals table's item attributes and statuses, the link signature
 * (HMAC-SHA256 over request id, decision and expiry) and its checks, the signing-secret reader with its cache, and
 * the environment readers.
 *
 * @see https://docs.aws.amazon.com/step-functions/latest/dg/connect-to-resource.html#connect-wait-token
 * @see https://docs.aws.amazon.com/step-functions/latest/dg/tutorial-human-approval.html
 */
import { createHmac, timingSafeEqual } from "node:crypto";
import type { AttributeValue } from "@aws-sdk/client-dynamodb";
import { GetSecretValueCommand } from "@aws-sdk/client-secrets-manager";
import { NamedError, renderValue } from "./errors";
import { isNonEmptyString, isRecord } from "./guards";

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

/** Longest user agent recorded in `decidedFrom`, in characters; longer ones are cut. */
export const MAX_USER_AGENT_LENGTH = 512;

/** Shortest signing secret accepted, in characters; the stack generates 64. */
export const MIN_SECRET_LENGTH = 32;

/**
 * How long a click holds a request in `DECIDING`, in seconds: longer than the callback function's timeout (10 s),
 * so a lease outlives the invocation that took it. After it, a click of the same decision resumes the request.
 */
export const DECISION_LEASE_SECONDS = 30;

/** The approval message's subject. */
export const APPROVAL_SUBJECT = "Credit limit approval needed";

/**
 * Step Functions errors meaning the token can no longer be answered. Note that answering a token that was already
 * answered fails with `TaskTimedOut` ("Provided task does not exist anymore"), not `TaskDoesNotExist`.
 *
 * @see https://docs.aws.amazon.com/step-functions/latest/apireference/API_SendTaskSuccess.html#API_SendTaskSuccess_Errors
 */
export const EXPIRED_TASK_ERRORS: readonly string[] = ["TaskTimedOut", "TaskDoesNotExist", "InvalidToken"];

/**
 * Step Functions error names meaning the function is misconfigured (its role, the key, or its request), not that
 * the service is briefly unavailable: retrying will not help. Any name starting with `KMS` counts as well (see
 * {@link isMisconfigurationError}).
 *
 * @see https://docs.aws.amazon.com/step-functions/latest/apireference/API_SendTaskSuccess.html#API_SendTaskSuccess_Errors
 */
export const MISCONFIGURATION_ERRORS: readonly string[] = ["AccessDeniedException", "ValidationException", "InvalidOutput"];

/**
 * Tells whether a Step Functions error name is a misconfiguration rather than an outage.
 *
 * @param name - An SDK error's `name`, e.g. `"AccessDeniedException"`, `"KMSAccessDeniedException"`; or `undefined`.
 * @returns `true` for {@link MISCONFIGURATION_ERRORS} and any name starting with `KMS`. Never throws.
 * @see https://docs.aws.amazon.com/step-functions/latest/apireference/CommonErrors.html
 */
export function isMisconfigurationError(name: string | undefined): boolean {
  return name !== undefined && (MISCONFIGURATION_ERRORS.includes(name) || name.startsWith("KMS"));
}

/** What a link decides; the last segment of its path. */
export type Decision = "approve" | "reject";

/**
 * A request's `status` in the approvals table. `PENDING` waits for a click; `DECIDING` holds a click's decision
 * while its answer goes to Step Functions (under a lease, `leaseUntil`); `APPROVED`/`REJECTED` are answered;
 * `EXPIRED` can no longer be answered.
 */
export type ApprovalStatus = "PENDING" | "DECIDING" | "APPROVED" | "REJECTED" | "EXPIRED";

/** The status a decision ends in once Step Functions took it. */
export const STATUS_OF: Readonly<Record<Decision, "APPROVED" | "REJECTED">> = Object.freeze({ approve: "APPROVED", reject: "REJECTED" });

/**
 * The approvals table's attribute names (partition key `requestId`, a string). Types: `S` unless noted.
 *
 * - `requestId`: 16 random bytes, base64url (22 characters).
 * - `taskToken`: the Task's token; removed once answered or expired.
 * - `status`: an {@link ApprovalStatus}.
 * - `expiresAt` (`N`): when the links stop working, epoch seconds.
 * - `requestedAt`: ISO 8601 time of the request.
 * - `applicantId`, `name`, `creditApplied` (`N`): what the approver is shown.
 * - `decision`: `approve`/`reject`, set by the click that took the request to `DECIDING`.
 * - `leaseUntil` (`N`): epoch seconds until which that click holds the request.
 * - `approver`, `reason`: the form's free-text fields (`reason` absent when blank).
 * - `decidedFrom` (`M`): `{sourceIp S, userAgent S}` of the click, each absent when API Gateway gave none.
 * - `decidedAt`: ISO 8601 time Step Functions took the decision.
 *
 * @see https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/HowItWorks.NamingRulesDataTypes.html
 */
export const ATTRIBUTES = Object.freeze({
  requestId: "requestId",
  taskToken: "taskToken",
  status: "status",
  expiresAt: "expiresAt",
  requestedAt: "requestedAt",
  applicantId: "applicantId",
  name: "name",
  creditApplied: "creditApplied",
  decision: "decision",
  leaseUntil: "leaseUntil",
  approver: "approver",
  reason: "reason",
  decidedFrom: "decidedFrom",
  decidedAt: "decidedAt",
} as const);

/** One of {@link ATTRIBUTES}. */
export type AttributeName = (typeof ATTRIBUTES)[keyof typeof ATTRIBUTES];

/** The payload "Wait for human approval" invokes the approval-request function with. */
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

/** Where a click came from, as API Gateway saw it; stored as `decidedFrom`. */
export interface DecidedFrom {
  /** `requestContext.http.sourceIp`. */
  sourceIp?: string;
  /** `requestContext.http.userAgent`, cut to {@link MAX_USER_AGENT_LENGTH} characters. */
  userAgent?: string;
}

/** A request as read back from the table (any attribute may be missing from a projection). */
export interface StoredRequest {
  /** An {@link ApprovalStatus}, or `""` when the item has none. */
  status: string;
  taskToken?: string;
  applicantId?: string;
  name?: string;
  creditApplied?: number;
  /** Epoch seconds. */
  expiresAt?: number;
  decision?: Decision;
  /** Epoch seconds. */
  leaseUntil?: number;
  approver?: string;
  reason?: string;
  decidedFrom?: DecidedFrom;
  /** ISO 8601. */
  decidedAt?: string;
}

/** The Secrets Manager call both functions make; a `SecretsManagerClient` or a fake. */
export interface ApprovalSecretsClient {
  send(command: GetSecretValueCommand): Promise<unknown>;
}

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

/** The environment variables the two functions read (the callback reads only the table and the secret). */
export const APPROVAL_ENVIRONMENT = Object.freeze({
  tableName: "APPROVALS_TABLE_NAME",
  topicArn: "APPROVAL_TOPIC_ARN",
  secretArn: "APPROVAL_SECRET_ARN",
  endpointUrl: "APPROVAL_ENDPOINT_URL",
} as const);

/**
 * Reads one environment variable that must be set.
 *
 * @param env - Environment variables, e.g. `process.env`.
 * @param name - The variable, e.g. `"APPROVALS_TABLE_NAME"`.
 * @returns Its value, trimmed.
 * @throws {InvalidApprovalSettings} Naming the variable when it is missing or blank.
 * @see https://docs.aws.amazon.com/lambda/latest/dg/configuration-envvars.html
 */
export function requiredVariable(env: Record<string, string | undefined>, name: string): string {
  const value = env[name];
  if (!isNonEmptyString(value)) {
    throw new InvalidApprovalSettings(`Environment variable ${name} must be set. Received: ${renderValue(value)}`);
  }
  return value.trim();
}

/** Hosts a plain `http:` endpoint may name: the local run serves the HTTP API on 127.0.0.1. */
export const LOOPBACK_HOSTS: readonly string[] = ["127.0.0.1", "localhost", "[::1]"];

/**
 * Checks the HTTP API's base URL the links are built on.
 *
 * @param value - The URL, e.g. `https://abc123.execute-api.eu-west-1.amazonaws.com` or `http://127.0.0.1:4010`.
 * @param variable - The variable it came from, for the error message. @default "APPROVAL_ENDPOINT_URL"
 * @returns The URL without trailing slashes.
 * @throws {InvalidApprovalSettings} Naming `variable` when the value is not an `https:` URL (or an `http:` URL whose
 *   host is 127.0.0.1, localhost or [::1]), or has a user name, password, query or fragment.
 * @see https://url.spec.whatwg.org/#url-parsing
 */
export function checkEndpointUrl(value: string, variable: string = APPROVAL_ENVIRONMENT.endpointUrl): string {
  const trimmed = value.trim().replace(/\/+$/, "");
  let url: URL | undefined;
  try {
    url = new URL(trimmed);
  } catch {
    url = undefined;
  }
  const allowed =
    url !== undefined &&
    (url.protocol === "https:" || (url.protocol === "http:" && LOOPBACK_HOSTS.includes(url.hostname))) &&
    !url.username &&
    !url.password &&
    !url.search &&
    !url.hash;
  if (!allowed) {
    throw new InvalidApprovalSettings(
      `Environment variable ${variable} must be an https:// URL (http:// only for 127.0.0.1, localhost or [::1]) ` +
        `without credentials, query or fragment. Received: ${renderValue(value)}`,
    );
  }
  return trimmed;
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

/** What a link claims before its signature is checked: the signed fields. */
export interface LinkClaim {
  /** 22 base64url characters. */
  requestId: string;
  decision: Decision;
  /** Epoch seconds. */
  expiresAt: number;
}

/** The raw parts of a followed link, as the HTTP API delivers them (any may be missing). */
export interface LinkParts {
  /** Path parameter `requestId`. */
  requestId?: string;
  /** Path parameter `decision`. */
  decision?: string;
  /** Query parameter `expires`, once. */
  expires?: string;
  /** Query parameter `signature`, once. */
  signature?: string;
}

const REQUEST_ID = /^[A-Za-z0-9_-]{22}$/;
const SIGNATURE = /^[A-Za-z0-9_-]{43}$/;
const EPOCH_SECONDS = /^(?:0|[1-9][0-9]{0,11})$/;

/**
 * The outcome of {@link verifyLink}: the checked claim, or why the link goes no further (`notFound`: not a link
 * path; `invalid`: missing, malformed or wrong signature or expiry; `expired`: past `expiresAt`).
 */
export type LinkCheck =
  | { ok: true; link: LinkClaim }
  | { ok: false; reason: "notFound" }
  | { ok: false; reason: "invalid" }
  | { ok: false; reason: "expired"; expiresAt: number };

/**
 * Checks a followed link: its shape first (without the secret), then its signature in constant time, then its
 * expiry. Nothing here reads the table.
 *
 * @param parts - The link's path and query parts.
 * @param secret - A function giving the HMAC key; called only when the shape is right (it may fetch the secret).
 * @param nowSeconds - The current time, epoch seconds.
 * @returns A {@link LinkCheck}. A link is still valid during the second `expiresAt` itself.
 * @throws What `secret` throws (e.g. {@link InvalidApprovalSettings}, or an SDK error).
 * @see https://nodejs.org/api/crypto.html#cryptotimingsafeequala-b
 */
export async function verifyLink(parts: LinkParts, secret: () => Promise<string>, nowSeconds: number): Promise<LinkCheck> {
  const { requestId, decision, expires, signature } = parts;
  if (!requestId || !REQUEST_ID.test(requestId) || (decision !== "approve" && decision !== "reject")) {
    return { ok: false, reason: "notFound" };
  }
  if (!expires || !EPOCH_SECONDS.test(expires) || !signature || !SIGNATURE.test(signature)) {
    return { ok: false, reason: "invalid" };
  }
  const expiresAt = Number(expires);
  const expected = Buffer.from(signLink(await secret(), requestId, decision, expiresAt), "ascii");
  const given = Buffer.from(signature, "ascii");
  if (expected.length !== given.length || !timingSafeEqual(expected, given)) return { ok: false, reason: "invalid" };
  if (expiresAt < nowSeconds) return { ok: false, reason: "expired", expiresAt };
  return { ok: true, link: { requestId, decision, expiresAt } };
}

/**
 * Makes a reader of the signing secret that fetches it once and keeps it for the life of the handler (a failed
 * fetch is not kept: the next call tries again).
 *
 * @param secrets - The Secrets Manager client.
 * @param secretArn - The secret whose `SecretString` is the HMAC key.
 * @returns A function resolving to the key.
 * @throws {InvalidApprovalSettings} (from the returned function) When the secret has no `SecretString`, or one
 *   shorter than 32 characters (its value is never echoed, only its length).
 * @throws (from the returned function) The SDK's error when Secrets Manager fails.
 * @see https://docs.aws.amazon.com/secretsmanager/latest/apireference/API_GetSecretValue.html
 */
export function signingSecretReader(secrets: ApprovalSecretsClient, secretArn: string): () => Promise<string> {
  let cached: Promise<string> | undefined;
  return () => {
    if (cached) return cached;
    const fetched = secrets.send(new GetSecretValueCommand({ SecretId: secretArn })).then((output) => {
      const value = isRecord(output) ? output.SecretString : undefined;
      if (typeof value !== "string" || value.length < MIN_SECRET_LENGTH) {
        const received = typeof value === "string" ? `a string of ${value.length} characters` : renderValue(value);
        throw new InvalidApprovalSettings(
          `SecretString of secret ${secretArn} must be a string of at least ${MIN_SECRET_LENGTH} characters. ` +
            `Received: ${received}`,
        );
      }
      return value;
    });
    cached = fetched;
    fetched.catch(() => {
      if (cached === fetched) cached = undefined;
    });
    return fetched;
  };
}

/**
 * `#name` placeholders for attribute names, so reserved words (`status`, `name`, `reason`) need no care.
 *
 * @param attributes - Attribute names, e.g. `"status"`.
 * @returns `{"#status": "status", ...}`, for `ExpressionAttributeNames`. Never throws.
 * @see https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/Expressions.ExpressionAttributeNames.html
 */
export function attributeNames(...attributes: AttributeName[]): Record<string, string> {
  return Object.fromEntries(attributes.map((a) => [`#${a}`, a]));
}

/**
 * Reads a table item into a {@link StoredRequest}; attributes of the wrong type read as missing.
 *
 * @param item - A DynamoDB item (`Item` of GetItem, `Attributes` of UpdateItem).
 * @returns The request. Never throws.
 * @see https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_AttributeValue.html
 */
export function readStoredRequest(item: Record<string, AttributeValue>): StoredRequest {
  const text = (key: AttributeName): string | undefined => item[key]?.S;
  const number = (key: AttributeName): number | undefined => {
    const n = item[key]?.N;
    return n === undefined ? undefined : Number(n);
  };
  const decision = text("decision");
  const from = item.decidedFrom?.M;
  return {
    status: text("status") ?? "",
    taskToken: text("taskToken"),
    applicantId: text("applicantId"),
    name: text("name"),
    creditApplied: number("creditApplied"),
    expiresAt: number("expiresAt"),
    decision: decision === "approve" || decision === "reject" ? decision : undefined,
    leaseUntil: number("leaseUntil"),
    approver: text("approver"),
    reason: text("reason"),
    decidedFrom: from ? { sourceIp: from.sourceIp?.S, userAgent: from.userAgent?.S } : undefined,
    decidedAt: text("decidedAt"),
  };
}

/**
 * Reads `Item` (GetItem) or `Attributes` (UpdateItem with `ReturnValues`) from an SDK answer.
 *
 * @param output - The SDK call's output (any value).
 * @param key - `"Item"` or `"Attributes"`.
 * @returns The request, or `undefined` when the answer has no such item. Never throws.
 * @see https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_GetItem.html#API_GetItem_ResponseSyntax
 */
export function storedRequestOf(output: unknown, key: "Item" | "Attributes"): StoredRequest | undefined {
  if (!isRecord(output) || !isRecord(output[key])) return undefined;
  return readStoredRequest(output[key] as Record<string, AttributeValue>);
}

/**
 * The name of a thrown SDK error, which tells its kind (`ConditionalCheckFailedException`, `TaskTimedOut`, ...).
 *
 * @param error - Anything thrown.
 * @returns `error.name` for an `Error`, else `undefined`. Never throws.
 * @see https://docs.aws.amazon.com/sdk-for-javascript/v3/developer-guide/handling-exceptions.html
 */
export function errorName(error: unknown): string | undefined {
  return error instanceof Error ? error.name : undefined;
}

/**
 * An epoch-seconds instant as ISO 8601 UTC without milliseconds.
 *
 * @param epochSeconds - Seconds since 1970-01-01T00:00:00Z.
 * @returns E.g. `2025-03-01T12:00:00Z`. Never throws for the expiries accepted here.
 */
export function isoSeconds(epochSeconds: number): string {
  return new Date(epochSeconds * 1000).toISOString().replace(/\.\d{3}Z$/, "Z");
}

/** Amounts as the approver reads them, e.g. `12,500`. */
export const AMOUNT = new Intl.NumberFormat("en-US", { maximumFractionDigits: 2 });

/**
 * Writes one structured log line (CloudWatch Logs reads JSON lines as fields). Never pass a task token.
 *
 * @param level - `"ERROR"` goes to `console.error`, `"WARN"` to `console.warn`.
 * @param message - What happened.
 * @param fields - More fields, e.g. `{error: "AccessDeniedException", requestId}`.
 * @returns Nothing. Never throws.
 * @see https://docs.aws.amazon.com/lambda/latest/dg/nodejs-logging.html
 */
export function logLine(level: "ERROR" | "WARN", message: string, fields: Record<string, string | number | undefined>): void {
  const line = JSON.stringify({ level, message, ...fields });
  if (level === "ERROR") console.error(line);
  else console.warn(line);
}
