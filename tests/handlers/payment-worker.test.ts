import { expect } from "chai";
import { type AttributeValue, GetItemCommand, UpdateItemCommand } from "@aws-sdk/client-dynamodb";
import { SendTaskFailureCommand, SendTaskSuccessCommand } from "@aws-sdk/client-sfn";
import {
  createHandler,
  InvalidPaymentEvent,
  InvalidPaymentWorkerSettings,
  PAYMENT_ERRORS,
  type PaymentWorkerClients,
  parsePaymentRequest,
  settingsFromEnvironment,
} from "../../handlers/payment-worker";
import { HANDLERS, QUEUES, type QueueName, stackContents } from "../../infra/manifest";
import { rejectionOf } from "./helpers";

const TABLE = "statecraft-test-payment-accounts";

/** An SDK-shaped service error, told apart by `name`. */
function serviceError(name: string): Error {
  return Object.assign(new Error(name), { name });
}

/**
 * A fake ledger with DynamoDB's semantics for the worker's two calls: the conditional charge (balance and the
 * payment-id set) and the consistent read; `faults` are thrown, in order, before any UpdateItem is applied.
 */
function fakeLedger(accounts: Record<string, { balance: number; paymentIds?: string[] }>, faults: Error[] = []) {
  const calls: (UpdateItemCommand | GetItemCommand)[] = [];
  const client = {
    async send(command: UpdateItemCommand | GetItemCommand): Promise<unknown> {
      calls.push(command);
      expect(command.input.TableName).to.equal(TABLE);
      const customerId = (command.input.Key as Record<string, AttributeValue>).customerId.S!;
      const account = accounts[customerId];
      if (command instanceof GetItemCommand) {
        expect(command.input.ConsistentRead).to.equal(true);
        return account ? { Item: { balance: { N: String(account.balance) }, ...(account.paymentIds ? { paymentIds: { SS: account.paymentIds } } : {}) } } : {};
      }
      const fault = faults.shift();
      if (fault) throw fault;
      const values = command.input.ExpressionAttributeValues!;
      const amount = Number(values[":amount"].N);
      const paymentId = values[":paymentId"].S!;
      if (!account || account.balance < amount || account.paymentIds?.includes(paymentId)) throw serviceError("ConditionalCheckFailedException");
      account.balance -= amount;
      account.paymentIds = [...(account.paymentIds ?? []), ...values[":paymentIds"].SS!];
      return {};
    },
  };
  return { client, calls };
}

/** A fake task-token API recording each answer; `fault` is thrown instead of answering. */
function fakeStepFunctions(fault?: Error) {
  const answers: { token: string; success?: unknown; error?: string; cause?: string }[] = [];
  const client = {
    async send(command: SendTaskSuccessCommand | SendTaskFailureCommand): Promise<unknown> {
      if (fault) throw fault;
      if (command instanceof SendTaskSuccessCommand) answers.push({ token: command.input.taskToken!, success: JSON.parse(command.input.output!) });
      else answers.push({ token: command.input.taskToken!, error: command.input.error, cause: command.input.cause });
      return {};
    },
  };
  return { client, answers };
}

/** An SQS record carrying a body. */
function record(messageId: string, body: unknown) {
  return {
    messageId,
    receiptHandle: `handle-${messageId}`,
    body: typeof body === "string" ? body : JSON.stringify(body),
    attributes: { ApproximateReceiveCount: "1" },
    messageAttributes: {},
    md5OfBody: "",
    eventSource: "aws:sqs",
    eventSourceARN: "arn:aws:sqs:eu-west-1:111111111111:statecraft-test-payment-requests",
    awsRegion: "eu-west-1",
  };
}

const request = (overrides: Record<string, unknown> = {}) => ({ taskToken: "token-1", orderId: "ord-1", customerId: "cust-1", amount: 42.5, currency: "EUR", ...overrides });

/** Silences the handler's log lines for one test. */
async function quietly<T>(work: () => Promise<T>): Promise<T> {
  const { log, error } = console;
  console.log = () => undefined;
  console.error = () => undefined;
  try {
    return await work();
  } finally {
    console.log = log;
    console.error = error;
  }
}

describe("payment-worker", () => {
  const worker = (ledger: ReturnType<typeof fakeLedger>, stepFunctions: ReturnType<typeof fakeStepFunctions>) =>
    createHandler({ dynamodb: ledger.client, stepFunctions: stepFunctions.client } as PaymentWorkerClients, { tableName: TABLE });

  it("charges the account once and answers SendTaskSuccess with the payment id", async () => {
    const accounts = { "cust-1": { balance: 100 } };
    const ledger = fakeLedger(accounts);
    const sfn = fakeStepFunctions();
    const result = await quietly(() => worker(ledger, sfn)({ Records: [record("m-1", request())] }));
    expect(result).to.deep.equal({ batchItemFailures: [] });
    expect(sfn.answers).to.deep.equal([{ token: "token-1", success: { paymentId: "pay-ord-1", status: "PAID" } }]);
    expect(accounts["cust-1"]).to.deep.equal({ balance: 57.5, paymentIds: ["pay-ord-1"] });
    const update = ledger.calls[0] as UpdateItemCommand;
    expect(update.input.ConditionExpression).to.equal("#balance >= :amount AND NOT contains(#paymentIds, :paymentId)");
    expect(update.input.ExpressionAttributeValues![":amount"]).to.deep.equal({ N: "42.5" });
  });

  it("answers a redelivered request as paid without charging it again", async () => {
    const accounts = { "cust-1": { balance: 57.5, paymentIds: ["pay-ord-1"] } };
    const sfn = fakeStepFunctions();
    const result = await quietly(() => worker(fakeLedger(accounts), sfn)({ Records: [record("m-1", request())] }));
    expect(result.batchItemFailures).to.deep.equal([]);
    expect(sfn.answers[0].success).to.deep.equal({ paymentId: "pay-ord-1", status: "PAID" });
    expect(accounts["cust-1"].balance).to.equal(57.5);
  });

  it("answers Payment.InsufficientFunds when the balance is below the amount, and charges nothing", async () => {
    const accounts = { "cust-1": { balance: 10 } };
    const sfn = fakeStepFunctions();
    const result = await quietly(() => worker(fakeLedger(accounts), sfn)({ Records: [record("m-1", request())] }));
    expect(result.batchItemFailures).to.deep.equal([]);
    expect(sfn.answers).to.deep.equal([{ token: "token-1", error: PAYMENT_ERRORS.insufficientFunds, cause: "insufficient funds: customer cust-1 cannot pay 42.5 EUR for order ord-1" }]);
    expect(accounts["cust-1"].balance).to.equal(10);
  });

  it("answers Payment.InsufficientFunds naming the missing account for a customer the ledger does not know", async () => {
    const sfn = fakeStepFunctions();
    await quietly(() => worker(fakeLedger({}), sfn)({ Records: [record("m-1", request({ customerId: "cust-9" }))] }));
    expect(sfn.answers[0]).to.deep.include({ error: PAYMENT_ERRORS.insufficientFunds, cause: "insufficient funds: customer cust-9 has no payment account to pay 42.5 EUR for order ord-1" });
  });

  for (const throttle of ["ThrottlingException", "ProvisionedThroughputExceededException"]) {
    it(`answers Payment.Throttled when DynamoDB throttles the charge (${throttle}), so the workflow retries it`, async () => {
      const accounts = { "cust-1": { balance: 100 } };
      const sfn = fakeStepFunctions();
      const result = await quietly(() => worker(fakeLedger(accounts, [serviceError(throttle)]), sfn)({ Records: [record("m-1", request())] }));
      expect(result.batchItemFailures).to.deep.equal([]);
      expect(sfn.answers).to.have.lengthOf(1);
      expect(sfn.answers[0]).to.deep.include({ token: "token-1", error: PAYMENT_ERRORS.throttled });
      expect(sfn.answers[0].cause).to.include(throttle);
      expect(accounts["cust-1"].balance).to.equal(100);
    });
  }

  it("reports a body it cannot read, or one without a task token, as a batch item failure and answers nothing", async () => {
    const sfn = fakeStepFunctions();
    const ledger = fakeLedger({ "cust-1": { balance: 100 } });
    const result = await quietly(() => worker(ledger, sfn)({ Records: [record("bad-json", "{not json"), record("no-token", { ...request(), taskToken: undefined }), record("ok", request())] }));
    expect(result.batchItemFailures).to.deep.equal([{ itemIdentifier: "bad-json" }, { itemIdentifier: "no-token" }]);
    expect(sfn.answers).to.have.lengthOf(1);
    expect(ledger.calls).to.have.lengthOf(1);
  });

  it("answers Payment.InvalidRequest for a request with a token but no positive amount, charging nothing", async () => {
    const sfn = fakeStepFunctions();
    const ledger = fakeLedger({ "cust-1": { balance: 100 } });
    const result = await quietly(() => worker(ledger, sfn)({ Records: [record("m-1", request({ amount: -5 }))] }));
    expect(result.batchItemFailures).to.deep.equal([]);
    expect(sfn.answers[0]).to.deep.include({ error: PAYMENT_ERRORS.invalidRequest });
    expect(sfn.answers[0].cause).to.include("amount must be a positive number. Received: -5");
    expect(ledger.calls).to.deep.equal([]);
  });

  it("reports the message for redelivery when the ledger fails otherwise (access denied)", async () => {
    const sfn = fakeStepFunctions();
    const result = await quietly(() => worker(fakeLedger({ "cust-1": { balance: 100 } }, [serviceError("AccessDeniedException")]), sfn)({ Records: [record("m-1", request())] }));
    expect(result.batchItemFailures).to.deep.equal([{ itemIdentifier: "m-1" }]);
    expect(sfn.answers).to.deep.equal([]);
  });

  it("reports the message for redelivery when Step Functions does not take the answer, and a redelivery does not charge twice", async () => {
    const accounts = { "cust-1": { balance: 100 } };
    const ledger = fakeLedger(accounts);
    const failing = await quietly(() => worker(ledger, fakeStepFunctions(serviceError("AccessDeniedException")))({ Records: [record("m-1", request())] }));
    expect(failing.batchItemFailures).to.deep.equal([{ itemIdentifier: "m-1" }]);
    const sfn = fakeStepFunctions();
    const again = await quietly(() => worker(ledger, sfn)({ Records: [record("m-1", request())] }));
    expect(again.batchItemFailures).to.deep.equal([]);
    expect(sfn.answers[0].success).to.deep.equal({ paymentId: "pay-ord-1", status: "PAID" });
    expect(accounts["cust-1"].balance).to.equal(57.5);
  });

  it("drops a message whose token expired: a redelivery could not answer it either", async () => {
    const result = await quietly(() => worker(fakeLedger({ "cust-1": { balance: 100 } }), fakeStepFunctions(serviceError("TaskTimedOut")))({ Records: [record("m-1", request())] }));
    expect(result.batchItemFailures).to.deep.equal([]);
  });

  it("rejects an event that is not an SQS batch", async () => {
    const error = await rejectionOf(worker(fakeLedger({}), fakeStepFunctions())({ orderId: "ord-1" }));
    expect(error).to.be.instanceOf(InvalidPaymentEvent);
    expect(error.message).to.include("Received: an object with keys orderId");
  });

  it("reads the ledger table from PAYMENT_ACCOUNTS_TABLE_NAME", () => {
    expect(settingsFromEnvironment({ PAYMENT_ACCOUNTS_TABLE_NAME: ` ${TABLE} ` })).to.deep.equal({ tableName: TABLE });
    expect(() => settingsFromEnvironment({})).to.throw(InvalidPaymentWorkerSettings, "PAYMENT_ACCOUNTS_TABLE_NAME");
  });

  it("parses a request and names what is wrong with a bad one", () => {
    expect(parsePaymentRequest(JSON.stringify(request())).request).to.deep.equal(request());
    expect(parsePaymentRequest("[]").problem).to.equal("the body is not a JSON object. Received: []");
    expect(parsePaymentRequest(JSON.stringify(request({ orderId: "" })))).to.deep.include({ taskToken: "token-1", problem: 'orderId must be a non-empty string. Received: ""' });
  });
});

describe("the payment worker in the manifest", () => {
  it("is deployed by every stack whose workflows send to a queue it consumes", () => {
    expect(stackContents(["order-processing"], []).handlers).to.include("payment-worker");
    expect(stackContents(["order-processing"], []).tables).to.include("payment-accounts");
    expect(stackContents(["order-events"], []).handlers).not.to.include("payment-worker");
  });

  it("gives every consumed queue a visibility timeout of at least six times its consumer's timeout", () => {
    for (const [handler, spec] of Object.entries(HANDLERS)) {
      for (const grant of spec.grants as readonly { kind: string; queue?: QueueName }[]) {
        if (grant.kind !== "consumeQueue") continue;
        expect(QUEUES[grant.queue!].visibilityTimeoutSeconds, `${grant.queue} consumed by ${handler}`).to.be.at.least(6 * spec.timeoutSeconds);
      }
    }
  });
});
