/**
 * The payment worker: the other end of order-processing's "Process payment" Task. That Task sends a payment
 * request to the `payment-requests` SQS queue (`sqs:sendMessage.waitForTaskToken`) and waits; Lambda polls the
 * queue (an event source mapping, `ReportBatchItemFailures`) and invokes this function with a batch of messages.
 *
 * For each message, whose body is `{taskToken, orderId, customerId, amount, currency}`, it charges the customer's
 * account in the `payment-accounts` ledger (partition key `customerId`; `balance` a number, `paymentIds` the string
 * set of payments already charged) with one conditional `UpdateItem`: `balance >= :amount` and the payment not yet
 * charged, then `balance - :amount` and the payment id added. It answers the task token:
 *
 * - charged (or charged by an earlier delivery of the same order: SQS delivers at least once) → SendTaskSuccess
 *   `{paymentId: "pay-<orderId>", status: "PAID"}`;
 * - the condition failed: no account, or a balance below the amount → SendTaskFailure `Payment.InsufficientFunds`
 *   (the workflow catches it into `PaymentProcessingFailed`);
 * - DynamoDB throttled (`ThrottlingException`, `ProvisionedThroughputExceededException`, `RequestLimitExceeded`,
 *   once the SDK's own retries are spent) → SendTaskFailure `Payment.Throttled` (the workflow retries it: a new
 *   message, a new token);
 * - a request with a task token but a bad order (no ids, a non-positive amount, no currency) → SendTaskFailure
 *   `Payment.InvalidRequest` rather than leaving the workflow waiting 900 s.
 *
 * A message it cannot answer is reported in `batchItemFailures`: SQS redelivers it after the queue's visibility
 * timeout, and after the queue's `maxReceiveCount` receives moves it to the dead-letter queue. That is a body with
 * no task token (nothing to answer), any other DynamoDB error, and a Step Functions error other than an expired
 * token. The charge is idempotent per order, so a redelivery never charges twice. A token that expired
 * (`TaskTimedOut`, `TaskDoesNotExist`, `InvalidToken`) cannot be answered by a redelivery either: it is logged
 * (after a charge, for reconciliation) and the message is done.
 *
 * Its role needs `sqs:ReceiveMessage`, `sqs:DeleteMessage`, `sqs:GetQueueAttributes` on the queue (Lambda polls
 * with it), `dynamodb:UpdateItem` and `dynamodb:GetItem` on the ledger and `states:SendTaskSuccess`/`SendTaskFailure`.
 *
 * Limits: the ledger keeps every payment id of a customer in one item (DynamoDB items hold at most 400 KB, some
 * 20,000 ids); balances are in the order's currency units, with no conversion.
 *
 * @see https://docs.aws.amazon.com/lambda/latest/dg/with-sqs.html
 * @see https://docs.aws.amazon.com/lambda/latest/dg/services-sqs-errorhandling.html#services-sqs-batchfailurereporting
 * @see https://docs.aws.amazon.com/step-functions/latest/dg/connect-to-resource.html#connect-wait-token
 */
import { type AttributeValue, DynamoDBClient, GetItemCommand, UpdateItemCommand } from "@aws-sdk/client-dynamodb";
import { SendTaskFailureCommand, SendTaskSuccessCommand, SFNClient } from "@aws-sdk/client-sfn";
import { NamedError, renderValue } from "./lib/errors";
import { isRecord } from "./lib/guards";

/** The error names the workflow's Retry and Catch match, sent with SendTaskFailure. */
export const PAYMENT_ERRORS = {
  insufficientFunds: "Payment.InsufficientFunds",
  throttled: "Payment.Throttled",
  invalidRequest: "Payment.InvalidRequest",
} as const;

/** DynamoDB errors that mean "slow down": answered `Payment.Throttled`, which the workflow retries. */
export const THROTTLING_ERRORS: readonly string[] = ["ThrottlingException", "ProvisionedThroughputExceededException", "RequestLimitExceeded"];

/** Step Functions errors of a token that can no longer be answered: a redelivery would not help. */
export const EXPIRED_TOKEN_ERRORS: readonly string[] = ["TaskTimedOut", "TaskDoesNotExist", "InvalidToken"];

/** The environment variable naming the ledger table. */
export const TABLE_VARIABLE = "PAYMENT_ACCOUNTS_TABLE_NAME";

/** Where the function reads things; read by {@link settingsFromEnvironment} in Lambda. */
export interface PaymentWorkerSettings {
  /** The ledger table (partition key `customerId`, a string). */
  tableName: string;
}

/** The DynamoDB calls the function makes (UpdateItem, and GetItem after a failed condition); a `DynamoDBClient` or a fake. */
export interface PaymentLedgerClient {
  send(command: UpdateItemCommand | GetItemCommand): Promise<unknown>;
}

/** The Step Functions calls the function makes; an `SFNClient` or a fake. */
export interface PaymentStepFunctionsClient {
  send(command: SendTaskSuccessCommand | SendTaskFailureCommand): Promise<unknown>;
}

/** The AWS clients {@link createHandler} needs. */
export interface PaymentWorkerClients {
  dynamodb: PaymentLedgerClient;
  stepFunctions: PaymentStepFunctionsClient;
}

/** One SQS message as Lambda delivers it (the fields the function reads). */
export interface SqsRecord {
  messageId: string;
  body: string;
  [field: string]: unknown;
}

/** The partial batch response: the messages to redeliver. */
export interface BatchResponse {
  batchItemFailures: { itemIdentifier: string }[];
}

/** The function: an SQS event resolves to the messages that failed. */
export type PaymentWorkerHandler = (event: unknown) => Promise<BatchResponse>;

/** A payment request, as order-processing's "Process payment" Task sends it. */
export interface PaymentRequest {
  taskToken: string;
  orderId: string;
  customerId: string;
  amount: number;
  currency: string;
}

/** The settings are missing or blank. */
export class InvalidPaymentWorkerSettings extends NamedError {
  constructor(message: string) {
    super("InvalidPaymentWorkerSettings", message);
  }
}

/** The event is not an SQS batch (`{Records: [...]}`): Lambda reports a function error and retries the batch. */
export class InvalidPaymentEvent extends NamedError {
  constructor(message: string) {
    super("InvalidPaymentEvent", message);
  }
}

/**
 * Reads the settings from the Lambda environment the stack sets.
 *
 * @param env - Environment variables. @default process.env
 * @returns `{tableName}` from `PAYMENT_ACCOUNTS_TABLE_NAME`, trimmed.
 * @throws {InvalidPaymentWorkerSettings} When the variable is missing or blank.
 * @see https://docs.aws.amazon.com/lambda/latest/dg/configuration-envvars.html
 */
export function settingsFromEnvironment(env: Record<string, string | undefined> = process.env): PaymentWorkerSettings {
  const tableName = env[TABLE_VARIABLE]?.trim();
  if (!tableName) throw new InvalidPaymentWorkerSettings(`${TABLE_VARIABLE} must name the payment-accounts table. Received: ${renderValue(env[TABLE_VARIABLE])}`);
  return { tableName };
}

/** The payment id of an order: one per order, so a redelivered or repeated request is charged once. */
export function paymentIdOf(orderId: string): string {
  return `pay-${orderId}`;
}

/** The error's `name` (SDK errors carry the service's exception name there). */
function errorName(error: unknown): string | undefined {
  return isRecord(error) && typeof error.name === "string" ? error.name : undefined;
}

/** One JSON log line (the task token is never logged). */
function log(level: "INFO" | "WARN" | "ERROR", message: string, fields: Record<string, string | number | undefined>): void {
  const line = JSON.stringify({ level, message, ...fields });
  if (level === "INFO") console.log(line);
  else console.error(line);
}

/**
 * Reads a message body.
 * @returns the task token (`undefined` when there is none) and the request, or a problem describing what is wrong.
 */
export function parsePaymentRequest(body: string): { taskToken?: string; request?: PaymentRequest; problem?: string } {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    return { problem: `the body is not JSON. Received: ${renderValue(body)}` };
  }
  if (!isRecord(parsed)) return { problem: `the body is not a JSON object. Received: ${renderValue(parsed)}` };
  const taskToken = typeof parsed.taskToken === "string" && parsed.taskToken !== "" ? parsed.taskToken : undefined;
  if (!taskToken) return { problem: "the body has no taskToken" };
  const { orderId, customerId, amount, currency } = parsed;
  const text = (value: unknown) => typeof value === "string" && value.trim() !== "";
  if (!text(orderId)) return { taskToken, problem: `orderId must be a non-empty string. Received: ${renderValue(orderId)}` };
  if (!text(customerId)) return { taskToken, problem: `customerId must be a non-empty string. Received: ${renderValue(customerId)}` };
  if (typeof amount !== "number" || !Number.isFinite(amount) || amount <= 0) return { taskToken, problem: `amount must be a positive number. Received: ${renderValue(amount)}` };
  if (!text(currency)) return { taskToken, problem: `currency must be a non-empty string. Received: ${renderValue(currency)}` };
  return { taskToken, request: { taskToken, orderId: orderId as string, customerId: customerId as string, amount, currency: currency as string } };
}

/** What a charge came to. */
type Charge = { kind: "charged" | "alreadyCharged" } | { kind: "declined"; cause: string } | { kind: "throttled"; error: string };

/**
 * Builds the function around its AWS clients and settings.
 *
 * @param clients - `{dynamodb, stepFunctions}`: SDK clients or fakes with the same `send`.
 * @param settings - `{tableName}` ({@link PaymentWorkerSettings}).
 * @returns An async handler taking an SQS event (`{Records: [{messageId, body, ...}]}`), processing its records one
 *   after another, and resolving to `{batchItemFailures: [{itemIdentifier: messageId}]}` for each record whose
 *   token was not answered and may be on a redelivery (see the module's description). For each record:
 *   1. `UpdateItem` on the ledger: `SET balance = balance - :amount ADD paymentIds :paymentIds` with condition
 *      `balance >= :amount AND NOT contains(paymentIds, :paymentId)`;
 *   2. when the condition fails, `GetItem` (consistent) of `paymentIds`: the payment already charged means a
 *      redelivery (answered as paid); else the funds are insufficient (`Payment.InsufficientFunds`, cause naming
 *      the customer, the amount and the order);
 *   3. SendTaskSuccess `{paymentId, status: "PAID"}` or SendTaskFailure.
 * @throws {InvalidPaymentEvent} (from the returned handler) When the event has no `Records` array: Lambda retries
 *   the whole batch.
 * @see https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_UpdateItem.html
 * @see https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/Expressions.ConditionExpressions.html
 * @see https://docs.aws.amazon.com/step-functions/latest/apireference/API_SendTaskSuccess.html
 * @see https://docs.aws.amazon.com/step-functions/latest/apireference/API_SendTaskFailure.html
 */
export function createHandler(clients: PaymentWorkerClients, settings: PaymentWorkerSettings): PaymentWorkerHandler {
  const { dynamodb, stepFunctions } = clients;
  const key = (customerId: string): Record<string, AttributeValue> => ({ customerId: { S: customerId } });

  async function charge(request: PaymentRequest): Promise<Charge> {
    const paymentId = paymentIdOf(request.orderId);
    try {
      await dynamodb.send(
        new UpdateItemCommand({
          TableName: settings.tableName,
          Key: key(request.customerId),
          UpdateExpression: "SET #balance = #balance - :amount ADD #paymentIds :paymentIds",
          ConditionExpression: "#balance >= :amount AND NOT contains(#paymentIds, :paymentId)",
          ExpressionAttributeNames: { "#balance": "balance", "#paymentIds": "paymentIds" },
          ExpressionAttributeValues: { ":amount": { N: String(request.amount) }, ":paymentIds": { SS: [paymentId] }, ":paymentId": { S: paymentId } },
        }),
      );
      return { kind: "charged" };
    } catch (error) {
      const name = errorName(error);
      if (name !== undefined && THROTTLING_ERRORS.includes(name)) return { kind: "throttled", error: name };
      if (name !== "ConditionalCheckFailedException") throw error;
    }
    let item: Record<string, AttributeValue> | undefined;
    try {
      const output = (await dynamodb.send(
        new GetItemCommand({ TableName: settings.tableName, Key: key(request.customerId), ConsistentRead: true, ProjectionExpression: "#balance, #paymentIds", ExpressionAttributeNames: { "#balance": "balance", "#paymentIds": "paymentIds" } }),
      )) as { Item?: Record<string, AttributeValue> } | undefined;
      item = output?.Item;
    } catch (error) {
      const name = errorName(error);
      if (name !== undefined && THROTTLING_ERRORS.includes(name)) return { kind: "throttled", error: name };
      throw error;
    }
    if (item?.paymentIds?.SS?.includes(paymentId)) return { kind: "alreadyCharged" };
    const what = `${request.amount} ${request.currency} for order ${request.orderId}`;
    return { kind: "declined", cause: item ? `insufficient funds: customer ${request.customerId} cannot pay ${what}` : `insufficient funds: customer ${request.customerId} has no payment account to pay ${what}` };
  }

  /** Answers the token; `true` when the message is done (answered, or the token can no longer be answered). */
  async function answer(taskToken: string, command: SendTaskSuccessCommand | SendTaskFailureCommand, fields: Record<string, string | number | undefined>, charged: boolean): Promise<boolean> {
    try {
      await stepFunctions.send(command);
      return true;
    } catch (error) {
      const name = errorName(error);
      if (name !== undefined && EXPIRED_TOKEN_ERRORS.includes(name)) {
        log(charged ? "ERROR" : "WARN", charged ? "Charged, but the workflow no longer waits for the payment: reconcile it" : "The workflow no longer waits for this payment request", { ...fields, error: name });
        return true;
      }
      log("ERROR", "Step Functions did not take the answer; the message will be redelivered", { ...fields, error: name ?? "error" });
      return false;
    }
  }

  /** Processes one record; `false` when it must be redelivered. */
  async function handleRecord(record: SqsRecord): Promise<boolean> {
    const { taskToken, request, problem } = parsePaymentRequest(record.body);
    const fields = { messageId: record.messageId, orderId: request?.orderId, customerId: request?.customerId };
    if (!taskToken) {
      log("ERROR", `Cannot answer a payment request: ${problem}`, fields);
      return false;
    }
    if (!request) {
      return answer(taskToken, new SendTaskFailureCommand({ taskToken, error: PAYMENT_ERRORS.invalidRequest, cause: `the payment request is invalid: ${problem}` }), fields, false);
    }
    let outcome: Charge;
    try {
      outcome = await charge(request);
    } catch (error) {
      log("ERROR", "The ledger refused the charge; the message will be redelivered", { ...fields, error: errorName(error) ?? "error" });
      return false;
    }
    switch (outcome.kind) {
      case "charged":
      case "alreadyCharged": {
        if (outcome.kind === "alreadyCharged") log("WARN", "The order was already charged (a redelivered request): answering it as paid", fields);
        const output = JSON.stringify({ paymentId: paymentIdOf(request.orderId), status: "PAID" });
        return answer(taskToken, new SendTaskSuccessCommand({ taskToken, output }), fields, true);
      }
      case "declined":
        return answer(taskToken, new SendTaskFailureCommand({ taskToken, error: PAYMENT_ERRORS.insufficientFunds, cause: outcome.cause }), fields, false);
      case "throttled":
        return answer(taskToken, new SendTaskFailureCommand({ taskToken, error: PAYMENT_ERRORS.throttled, cause: `the payment ledger is throttled (${outcome.error}); retry the payment` }), fields, false);
    }
  }

  return async function paymentWorker(event: unknown): Promise<BatchResponse> {
    const records = isRecord(event) ? event.Records : undefined;
    if (!Array.isArray(records)) {
      throw new InvalidPaymentEvent(`The payment worker takes SQS events ({Records: [...]}). Received: ${isRecord(event) ? `an object with keys ${Object.keys(event).slice(0, 10).join(", ")}` : renderValue(event)}`);
    }
    const batchItemFailures: { itemIdentifier: string }[] = [];
    for (const record of records as unknown[]) {
      if (!isRecord(record) || typeof record.messageId !== "string") throw new InvalidPaymentEvent(`Every SQS record needs a messageId. Received: ${renderValue(record)}`);
      if (typeof record.body !== "string") log("ERROR", "Cannot answer a payment request: the record has no body", { messageId: record.messageId });
      const done = typeof record.body === "string" ? await handleRecord(record as SqsRecord) : false;
      if (!done) batchItemFailures.push({ itemIdentifier: record.messageId });
    }
    return { batchItemFailures };
  };
}

let lambdaHandler: PaymentWorkerHandler | undefined;

/**
 * Lambda entry point. On first invocation it reads {@link settingsFromEnvironment} and builds SDK clients
 * configured from the Lambda environment; importing the module reads nothing.
 *
 * @param event - An SQS event; see {@link createHandler}.
 * @returns The partial batch response.
 * @throws {InvalidPaymentWorkerSettings} When the environment variable is missing.
 * @throws What {@link createHandler}'s handler throws.
 * @see https://docs.aws.amazon.com/lambda/latest/dg/nodejs-handler.html
 */
export const handler: PaymentWorkerHandler = async (event) => {
  lambdaHandler ??= createHandler({ dynamodb: new DynamoDBClient({}), stepFunctions: new SFNClient({}) }, settingsFromEnvironment());
  return lambdaHandler(event);
};
