/**
 * The approval-callback function: the internet-facing end of the credit-approval loop. The HTTP API `approvals`
 * invokes it for `GET|POST /approvals/{requestId}/{decision}`, the signed links the approval-request function
 * (`handlers/approval-request.ts`) mailed. It serves nothing else: any other event is refused.
 *
 * Every request's HMAC signature and expiry are checked before anything is read. GET only shows a confirmation
 * page (mail scanners prefetch links, so it must change nothing). POST, sent by that page's button, answers the
 * task token: approval with SendTaskSuccess, whose output `{approved: true, approver, reason}` becomes
 * `$.approval` (the shape "Auto-approve limit" produces); rejection with SendTaskFailure and error `CreditRejected`,
 * which the state catches into "Credit rejected".
 *
 * A decision is never lost. A click first takes the request from `PENDING` to `DECIDING` with its decision and a
 * 30-second lease, keeping the token; only once Step Functions took the answer does the request become
 * `APPROVED`/`REJECTED` and lose its token. If the invocation dies in between, the request stays `DECIDING` with
 * that decision: after the lease, a click of the same decision resumes it (a click of the other one is refused).
 *
 * Its role needs only `dynamodb:GetItem` and `dynamodb:UpdateItem` on the approvals table,
 * `secretsmanager:GetSecretValue` on the signing secret and `states:SendTaskSuccess`/`states:SendTaskFailure`:
 * it cannot write new requests or publish.
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
import {
  type AttributeValue,
  DynamoDBClient,
  GetItemCommand,
  UpdateItemCommand,
  type UpdateItemCommandInput,
} from "@aws-sdk/client-dynamodb";
import { SecretsManagerClient } from "@aws-sdk/client-secrets-manager";
import { SendTaskFailureCommand, SendTaskSuccessCommand, SFNClient } from "@aws-sdk/client-sfn";
import { NamedError, renderValue } from "./lib/errors";
import { isRecord } from "./lib/guards";
import { escapeHtml, formFields, type HttpApiEvent, type HttpApiResult, htmlPage, isHttpApiEvent, queryParameter } from "./lib/http";
import {
  AMOUNT,
  APPROVAL_ENVIRONMENT,
  type ApprovalSecretsClient,
  type AttributeName,
  attributeNames,
  DECISION_LEASE_SECONDS,
  type Decision,
  type DecidedFrom,
  DEFAULT_APPROVER,
  DEFAULT_REJECTION_CAUSE,
  errorName,
  EXPIRED_TASK_ERRORS,
  InvalidApprovalRequest,
  isMisconfigurationError,
  isoSeconds,
  type LinkClaim,
  logLine,
  MAX_APPROVER_LENGTH,
  MAX_CAUSE_LENGTH,
  MAX_REASON_LENGTH,
  MAX_USER_AGENT_LENGTH,
  REJECTION_ERROR,
  requiredVariable,
  STATUS_OF,
  type StoredRequest,
  signingSecretReader,
  storedRequestOf,
  verifyLink,
} from "./lib/approvals";

export {
  type ApprovalStatus,
  approvalLinks,
  DECISION_LEASE_SECONDS,
  type Decision,
  DEFAULT_APPROVER,
  DEFAULT_REJECTION_CAUSE,
  EXPIRED_TASK_ERRORS,
  InvalidApprovalRequest,
  InvalidApprovalSettings,
  MAX_APPROVER_LENGTH,
  MAX_CAUSE_LENGTH,
  MAX_REASON_LENGTH,
  MAX_TASK_TOKEN_LENGTH,
  MISCONFIGURATION_ERRORS,
  REJECTION_ERROR,
  signLink,
} from "./lib/approvals";

/** Where the function reads things; read by {@link settingsFromEnvironment} in Lambda. */
export interface ApprovalCallbackSettings {
  /** The approvals table (partition key `requestId`, a string). */
  tableName: string;
  /** The Secrets Manager secret whose `SecretString` is the HMAC key of the links. */
  secretArn: string;
}

/** The Step Functions calls the function makes; an `SFNClient` or a fake. */
export interface ApprovalStepFunctionsClient {
  send(command: SendTaskSuccessCommand | SendTaskFailureCommand): Promise<unknown>;
}

/** The DynamoDB calls the function makes (GetItem and UpdateItem only); a `DynamoDBClient` or a fake. */
export interface ApprovalCallbackTableClient {
  send(command: GetItemCommand | UpdateItemCommand): Promise<unknown>;
}

/** The AWS clients {@link createHandler} needs: no SNS client, no PutItem. */
export interface ApprovalCallbackClients {
  dynamodb: ApprovalCallbackTableClient;
  secrets: ApprovalSecretsClient;
  stepFunctions: ApprovalStepFunctionsClient;
}

/** The function: an HTTP API event resolves to an HTML page. */
export type ApprovalCallbackHandler = (event: unknown) => Promise<HttpApiResult>;

/**
 * Reads the settings from the Lambda environment the stack sets. The function builds no links, so it reads no
 * endpoint URL and no topic.
 *
 * @param env - Environment variables. @default process.env
 * @returns `{tableName, secretArn}` from `APPROVALS_TABLE_NAME` and `APPROVAL_SECRET_ARN`, trimmed.
 * @throws {InvalidApprovalSettings} Naming the first variable that is missing or blank.
 * @see https://docs.aws.amazon.com/lambda/latest/dg/configuration-envvars.html
 */
export function settingsFromEnvironment(env: Record<string, string | undefined> = process.env): ApprovalCallbackSettings {
  return {
    tableName: requiredVariable(env, APPROVAL_ENVIRONMENT.tableName),
    secretArn: requiredVariable(env, APPROVAL_ENVIRONMENT.secretArn),
  };
}

/**
 * Tells whether an event comes from the HTTP API (a followed link).
 *
 * @param event - Any value.
 * @returns `true` for an API Gateway HTTP API payload format 2.0 event. Never throws.
 * @see https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-develop-integrations-lambda.html
 */
export function isHttpEvent(event: unknown): event is HttpApiEvent {
  return isHttpApiEvent(event);
}

/** Attributes the link pages read; everything but the task token. */
const PAGE_ATTRIBUTES: AttributeName[] = [
  "status",
  "applicantId",
  "name",
  "creditApplied",
  "expiresAt",
  "decision",
  "leaseUntil",
  "approver",
  "decidedAt",
];

const PAST: Record<Decision, "approved" | "rejected"> = { approve: "approved", reject: "rejected" };

const notFound = () => htmlPage(404, "Not found", "<p>There is no such approval request.</p>");
const invalidLink = () => htmlPage(403, "Link not valid", "<p>This link is not valid.</p>");
const noLongerWaiting = () =>
  htmlPage(410, "No longer waiting", "<p>The approval request is no longer waiting for a decision.</p>");
const beingDecided = () =>
  htmlPage(
    409,
    "Being decided",
    "<p>This request is being decided right now. Reload this page in a minute to see the outcome.</p>",
    { "retry-after": "60" },
  );

/**
 * The page for a request this link cannot act on now, or `undefined` when it can: `PENDING`, or `DECIDING` with
 * the link's decision and an expired lease (an interrupted click the link may finish).
 */
function blockedPage(stored: StoredRequest, link: LinkClaim, nowSeconds: number): HttpApiResult | undefined {
  const by = stored.approver ? ` by ${escapeHtml(stored.approver)}` : "";
  switch (stored.status) {
    case "PENDING":
      return undefined;
    case "DECIDING": {
      if (stored.decision !== undefined && stored.decision !== link.decision) {
        return htmlPage(
          409,
          "Already decided",
          `<p>Already decided: ${PAST[stored.decision]}${by} (being recorded). This link can no longer change it.</p>`,
        );
      }
      const stale = stored.leaseUntil !== undefined && stored.leaseUntil < nowSeconds;
      return stale ? undefined : beingDecided();
    }
    case "EXPIRED":
      return noLongerWaiting();
    default: {
      const at = stored.decidedAt ? ` at ${escapeHtml(stored.decidedAt)}` : "";
      return htmlPage(409, "Already decided", `<p>Already decided: ${escapeHtml(stored.status.toLowerCase())}${by}${at}.</p>`);
    }
  }
}

function confirmationPage(link: LinkClaim, stored: StoredRequest): HttpApiResult {
  const label = link.decision === "approve" ? "Approve" : "Reject";
  const amount = stored.creditApplied === undefined ? "unknown" : AMOUNT.format(stored.creditApplied);
  const interrupted =
    stored.status === "DECIDING"
      ? `<p>An earlier attempt to ${link.decision} this request was interrupted. Press ${label} to finish it.</p>\n`
      : "";
  return htmlPage(
    200,
    `${label} credit limit?`,
    interrupted +
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

/** `decidedFrom` of a click, from `requestContext.http`; `undefined` when API Gateway gave neither field. */
function decidedFromOf(event: HttpApiEvent): DecidedFrom | undefined {
  const { sourceIp, userAgent } = event.requestContext.http;
  const from: DecidedFrom = {};
  if (typeof sourceIp === "string" && sourceIp) from.sourceIp = sourceIp;
  if (typeof userAgent === "string" && userAgent) from.userAgent = userAgent.slice(0, MAX_USER_AGENT_LENGTH);
  return from.sourceIp === undefined && from.userAgent === undefined ? undefined : from;
}

function decidedFromValue(from: DecidedFrom): AttributeValue {
  const map: Record<string, AttributeValue> = {};
  if (from.sourceIp !== undefined) map.sourceIp = { S: from.sourceIp };
  if (from.userAgent !== undefined) map.userAgent = { S: from.userAgent };
  return { M: map };
}

/** Describes a refused event without echoing it (it could hold a task token). */
function describeEvent(event: unknown): string {
  if (!isRecord(event)) return renderValue(event);
  const keys = Object.keys(event);
  return keys.length ? `an object with keys ${keys.slice(0, 10).join(", ")}` : "an empty object";
}

/**
 * Builds the function around its AWS clients and settings.
 *
 * @param clients - `{dynamodb, secrets, stepFunctions}`: SDK clients or fakes with the same `send`.
 * @param settings - `{tableName, secretArn}` ({@link ApprovalCallbackSettings}).
 * @param now - Clock in epoch milliseconds. @default Date.now
 * @returns An async handler taking an HTTP API event for `/approvals/{requestId}/{decision}?expires=&signature=`
 *   and resolving to an HTML page. 404 for an unknown decision, path or request; 403 for a missing or wrong
 *   signature or a malformed `expires`; 410 for an expired link (none of these read the table); 405 for a method
 *   other than GET and POST. GET shows the confirmation form (200), or 409 / 410 when the link cannot act now, and
 *   writes nothing. POST (`application/x-www-form-urlencoded` fields `approver` ≤ 256 and `reason` ≤ 1024
 *   characters, else 400; another content type, 415):
 *
 *   1. `UpdateItem` with condition `#status = :pending OR (#status = :deciding AND #decision = :decision AND
 *      #leaseUntil < :now)`: status `DECIDING`, `decision`, `leaseUntil` (now + 30 s, epoch seconds), `approver`,
 *      `reason`, `decidedFrom` `{sourceIp, userAgent}` from `requestContext.http`; the token stays.
 *      When the condition fails it reads the request: 404 when missing; 409 "being decided" (live lease), 409
 *      naming the decision being recorded (another decision), 409 "Already decided" (`APPROVED`/`REJECTED`), 410
 *      (`EXPIRED`); Step Functions is not called.
 *   2. SendTaskSuccess `{approved: true, approver, reason}` or SendTaskFailure `CreditRejected` with the reason as
 *      cause (cut to 32768 characters).
 *   3. On success, `UpdateItem` (condition `#status = :deciding`) to `APPROVED`/`REJECTED` with `decidedAt`,
 *      removing `taskToken` and `leaseUntil`, and 200 "Recorded" (also when that last write fails: it is logged).
 *      `TaskTimedOut`, `TaskDoesNotExist` or `InvalidToken` after resuming an interrupted click mean the earlier
 *      click was answered: recorded the same way, 200. Otherwise those errors mark the request `EXPIRED`
 *      (token removed) and answer 410. `AccessDeniedException`, `KMS*`, `ValidationException` and `InvalidOutput`
 *      put the request back to `PENDING` and answer 500 (misconfigured), logging one JSON line `{level: "ERROR",
 *      message, error, requestId}`; any other error puts it back and answers 503 with `retry-after: 60`. A resumed
 *      click stays `DECIDING` instead of going back (the earlier click may have been answered), so the same
 *      decision can be retried after the lease.
 * @throws {InvalidApprovalRequest} (from the returned handler) When the event is not an HTTP API event (an approval
 *   request belongs to the approval-request function); nothing is read or called then, and the event is not echoed.
 * @throws {InvalidApprovalSettings} (from the returned handler) When the secret has no `SecretString` or one
 *   shorter than 32 characters.
 * @throws (from the returned handler) The SDK's error when DynamoDB or Secrets Manager fails before Step Functions
 *   is called (API Gateway answers 500 then; the request is unchanged or `DECIDING` under a lease).
 * @see https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_UpdateItem.html
 * @see https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/Expressions.ConditionExpressions.html
 * @see https://docs.aws.amazon.com/secretsmanager/latest/apireference/API_GetSecretValue.html
 */
export function createHandler(
  clients: ApprovalCallbackClients,
  settings: ApprovalCallbackSettings,
  now: () => number = Date.now,
): ApprovalCallbackHandler {
  const { dynamodb, secrets, stepFunctions } = clients;
  const key = (requestId: string) => ({ requestId: { S: requestId } });
  const signingSecret = signingSecretReader(secrets, settings.secretArn);
  const nowSeconds = () => Math.floor(now() / 1000);

  async function readRequest(requestId: string): Promise<StoredRequest | undefined> {
    const output = await dynamodb.send(
      new GetItemCommand({
        TableName: settings.tableName,
        Key: key(requestId),
        ConsistentRead: true,
        ProjectionExpression: PAGE_ATTRIBUTES.map((a) => `#${a}`).join(", "),
        ExpressionAttributeNames: attributeNames(...PAGE_ATTRIBUTES),
      }),
    );
    return storedRequestOf(output, "Item");
  }

  async function show(link: LinkClaim): Promise<HttpApiResult> {
    const stored = await readRequest(link.requestId);
    if (!stored) return notFound();
    return blockedPage(stored, link, nowSeconds()) ?? confirmationPage(link, stored);
  }

  /** A write after Step Functions answered; a failure is logged, not thrown (the answer page must still go out). */
  async function settle(link: LinkClaim, input: Omit<UpdateItemCommandInput, "TableName" | "Key">, what: string): Promise<void> {
    try {
      await dynamodb.send(new UpdateItemCommand({ TableName: settings.tableName, Key: key(link.requestId), ...input }));
    } catch (error) {
      logLine("ERROR", `Could not record ${what} of the approval request`, { error: errorName(error) ?? "error", requestId: link.requestId });
    }
  }

  /** Step Functions took the decision: `APPROVED`/`REJECTED`, token and lease removed. */
  function recordDecided(link: LinkClaim): Promise<void> {
    return settle(
      link,
      {
        UpdateExpression: "SET #status = :decided, #decidedAt = :decidedAt REMOVE #taskToken, #leaseUntil",
        ConditionExpression: "#status = :deciding",
        ExpressionAttributeNames: attributeNames("status", "decidedAt", "taskToken", "leaseUntil"),
        ExpressionAttributeValues: {
          ":decided": { S: STATUS_OF[link.decision] },
          ":decidedAt": { S: new Date(now()).toISOString() },
          ":deciding": { S: "DECIDING" },
        },
      },
      "the decision Step Functions took",
    );
  }

  function recordExpired(link: LinkClaim): Promise<void> {
    return settle(
      link,
      {
        UpdateExpression: "SET #status = :expired REMOVE #taskToken, #leaseUntil",
        ConditionExpression: "#status = :deciding",
        ExpressionAttributeNames: attributeNames("status", "taskToken", "leaseUntil"),
        ExpressionAttributeValues: { ":expired": { S: "EXPIRED" }, ":deciding": { S: "DECIDING" } },
      },
      "the expiry",
    );
  }

  /** Nothing reached Step Functions: back to `PENDING`, so either link works again. */
  function restorePending(link: LinkClaim): Promise<void> {
    return settle(
      link,
      {
        UpdateExpression: "SET #status = :pending REMOVE #leaseUntil, #decision, #approver, #reason, #decidedFrom",
        ConditionExpression: "#status = :deciding",
        ExpressionAttributeNames: attributeNames("status", "leaseUntil", "decision", "approver", "reason", "decidedFrom"),
        ExpressionAttributeValues: { ":pending": { S: "PENDING" }, ":deciding": { S: "DECIDING" } },
      },
      "the return to PENDING",
    );
  }

  async function decide(link: LinkClaim, event: HttpApiEvent): Promise<HttpApiResult> {
    const fields = formFields(event);
    if (!fields) {
      return htmlPage(415, "Unsupported form", "<p>Send the form as application/x-www-form-urlencoded.</p>");
    }
    const approverInput = (fields.get("approver") ?? "").trim();
    const reason = (fields.get("reason") ?? "").trim();
    for (const [field, value, max] of [["approver", approverInput, MAX_APPROVER_LENGTH], ["reason", reason, MAX_REASON_LENGTH]] as const) {
      if (value.length > max) {
        return htmlPage(400, "Too long", `<p>${field} must be at most ${max} characters. Received: ${value.length} characters.</p>`);
      }
    }
    const approver = approverInput || DEFAULT_APPROVER;
    const from = decidedFromOf(event);
    const clickedAt = nowSeconds();

    // 1. Take the request: PENDING, or an interrupted click of the same decision whose lease ran out.
    const set = ["#status = :deciding", "#decision = :decision", "#leaseUntil = :leaseUntil", "#approver = :approver"];
    const remove: string[] = [];
    if (reason) set.push("#reason = :reason");
    else remove.push("#reason");
    if (from) set.push("#decidedFrom = :decidedFrom");
    else remove.push("#decidedFrom");
    let old: StoredRequest | undefined;
    try {
      const output = await dynamodb.send(
        new UpdateItemCommand({
          TableName: settings.tableName,
          Key: key(link.requestId),
          UpdateExpression: `SET ${set.join(", ")}${remove.length ? ` REMOVE ${remove.join(", ")}` : ""}`,
          ConditionExpression: "#status = :pending OR (#status = :deciding AND #decision = :decision AND #leaseUntil < :now)",
          ExpressionAttributeNames: attributeNames("status", "decision", "leaseUntil", "approver", "reason", "decidedFrom"),
          ExpressionAttributeValues: {
            ":pending": { S: "PENDING" },
            ":deciding": { S: "DECIDING" },
            ":decision": { S: link.decision },
            ":now": { N: String(clickedAt) },
            ":leaseUntil": { N: String(clickedAt + DECISION_LEASE_SECONDS) },
            ":approver": { S: approver },
            ...(reason ? { ":reason": { S: reason } } : {}),
            ...(from ? { ":decidedFrom": decidedFromValue(from) } : {}),
          },
          // ALL_OLD: the token (kept in the item), and the previous status, which tells a resumed click.
          ReturnValues: "ALL_OLD",
        }),
      );
      old = storedRequestOf(output, "Attributes");
    } catch (error) {
      if (errorName(error) !== "ConditionalCheckFailedException") throw error;
      const stored = await readRequest(link.requestId);
      if (!stored) return notFound();
      // Still actionable means the request changed between the two reads: let the person try again.
      return blockedPage(stored, link, nowSeconds()) ?? beingDecided();
    }
    const taskToken = old?.taskToken;
    if (!taskToken) {
      throw new NamedError("ApprovalTokenMissing", `Approval request ${link.requestId} was ${old?.status ?? "missing"} without a taskToken.`);
    }
    const resumed = old?.status === "DECIDING";

    // 2. Answer the token.
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
        if (resumed) {
          // The interrupted click had answered the token (a used token answers TaskTimedOut or TaskDoesNotExist).
          logLine("WARN", "Resumed an interrupted decision that Step Functions had already taken", { error: name, requestId: link.requestId });
          await recordDecided(link);
          return recorded(link.decision);
        }
        await recordExpired(link);
        return noLongerWaiting();
      }
      // Not taken. A fresh click goes back to PENDING; a resumed one stays DECIDING (its lease runs out), since the
      // interrupted click may have been answered and only the same decision may follow it.
      if (!resumed) await restorePending(link);
      if (isMisconfigurationError(name)) {
        logLine("ERROR", "Step Functions refused the decision: the approval service is misconfigured", {
          error: name ?? "error",
          requestId: link.requestId,
        });
        return htmlPage(
          500,
          "Misconfigured",
          "<p>The approval service is misconfigured; the request is still pending. Nothing was recorded. " +
            "Tell the team that runs it; the link stays valid.</p>",
        );
      }
      logLine("WARN", "Step Functions could not take the decision; the request is still pending", {
        error: name ?? "error",
        requestId: link.requestId,
      });
      return htmlPage(
        503,
        "Not recorded",
        "<p>Step Functions could not take the decision, so nothing was recorded. Try again in a minute.</p>",
        { "retry-after": "60" },
      );
    }

    // 3. Taken: record it. A failure here is logged; the workflow has its answer either way.
    await recordDecided(link);
    return recorded(link.decision);
  }

  async function followLink(event: HttpApiEvent): Promise<HttpApiResult> {
    const method = event.requestContext.http.method.toUpperCase();
    if (method !== "GET" && method !== "POST") {
      return htmlPage(405, "Method not allowed", "<p>Use the link, then the button on its page.</p>", { allow: "GET, POST" });
    }
    const check = await verifyLink(
      {
        requestId: event.pathParameters?.requestId,
        decision: event.pathParameters?.decision,
        expires: queryParameter(event, "expires"),
        signature: queryParameter(event, "signature"),
      },
      signingSecret,
      nowSeconds(),
    );
    if (!check.ok) {
      if (check.reason === "notFound") return notFound();
      if (check.reason === "invalid") return invalidLink();
      return htmlPage(410, "Link expired", `<p>This link expired at ${escapeHtml(isoSeconds(check.expiresAt))}.</p>`);
    }
    return method === "GET" ? show(check.link) : decide(check.link, event);
  }

  return async function approvalCallback(event: unknown): Promise<HttpApiResult> {
    if (!isHttpEvent(event)) {
      throw new InvalidApprovalRequest(
        "The approval-callback function serves only the HTTP API's approval links; approval requests go to the " +
          `approval-request function. Received: ${describeEvent(event)}`,
      );
    }
    return followLink(event);
  };
}

function recorded(decision: Decision): HttpApiResult {
  return htmlPage(200, `Recorded: ${PAST[decision]}`, `<p>Recorded: ${PAST[decision]}. You can close this page.</p>`);
}

let lambdaHandler: ApprovalCallbackHandler | undefined;

/**
 * Lambda entry point. On first invocation it reads {@link settingsFromEnvironment} and builds SDK clients
 * configured from the Lambda environment (region, credentials); importing the module reads nothing.
 *
 * @param event - An HTTP API payload format 2.0 event; see {@link createHandler}.
 * @returns The HTML page for API Gateway.
 * @throws {InvalidApprovalSettings} When an environment variable is missing (and again on each invocation).
 * @throws What {@link createHandler}'s handler throws.
 * @see https://docs.aws.amazon.com/lambda/latest/dg/nodejs-handler.html
 */
export const handler: ApprovalCallbackHandler = async (event) => {
  if (!lambdaHandler) {
    const settings = settingsFromEnvironment();
    lambdaHandler = createHandler(
      { dynamodb: new DynamoDBClient({}), secrets: new SecretsManagerClient({}), stepFunctions: new SFNClient({}) },
      settings,
    );
  }
  return lambdaHandler(event);
};
