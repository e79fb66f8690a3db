import { SendMessageCommand } from "@aws-sdk/client-sqs";
import { expect } from "chai";
import type { Json } from "../../infra/definition/asl";
import type { HandlerName } from "../../infra/manifest";
import { LocalRunError } from "../../local/errors";
import { LocalStack } from "../../local/runner";
import { LocalQueueConsumers, plannedQueueMappings } from "../../local/services/event-sources";
import type { LocalLambda } from "../../local/services/lambda";
import { plans } from "./plans";

/** Awaits a promise that must reject, and returns the rejection. */
async function rejectionOf(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (error) {
    return error as Error;
  }
  throw new Error("expected a rejection, but the promise resolved");
}

/** Functions that record each event and answer with `result`. */
function recordingLambda(result: (event: Json) => Json): { lambda: LocalLambda; events: Json[] } {
  const events: Json[] = [];
  const lambda = {
    functionFor: (nameOrArn: string) => (nameOrArn.endsWith(":function:statecraft-dev-payment-worker") ? ("payment-worker" as HandlerName) : ("validate-payment-order" as HandlerName)),
    invoke: async (_name: HandlerName, event: Json) => {
      events.push(event);
      return result(event);
    },
  } as unknown as LocalLambda;
  return { lambda, events };
}

describe("SQS event source mappings, run locally", function () {
  this.timeout(30_000);
  let stack: LocalStack;
  let queueUrl: string;
  before(async () => {
    stack = await LocalStack.start({ stack: "dev", plans });
    queueUrl = stack.naming.queueUrl("payment-requests");
  });
  after(async () => {
    await stack?.stop();
  });
  const drain = () => stack.sqs.messagesIn(queueUrl).length;

  it("reads the plan's mapping of the payment worker on the payment queue", () => {
    const [mapping] = plannedQueueMappings(stack.authorizer.index.plans.get("dev")!);
    expect(mapping).to.deep.include({
      queueArn: stack.naming.queueArn("payment-requests"),
      functionName: stack.naming.functionArn("payment-worker"),
      batchSize: 10,
      reportBatchItemFailures: true,
      enabled: true,
    });
    expect(stack.queueConsumers.consumerOf(queueUrl)?.uuid).to.equal(mapping.uuid);
    expect(stack.queueConsumers.consumerOf(stack.naming.queueUrl("payment-requests-dlq"))).to.equal(undefined);
  });

  it("invokes the function with an SQS event as the function's role, and deletes what it processed", async () => {
    const before = stack.authorizer.decisions.length;
    await stack.sqs.send(new SendMessageCommand({ QueueUrl: queueUrl, MessageBody: '{"orderId":"o-1"}', MessageAttributes: { origin: { DataType: "String", StringValue: "test" } } }));
    const { lambda, events } = recordingLambda(() => ({ batchItemFailures: [] }));
    const delivery = await stack.queueConsumers.deliver(queueUrl, lambda);
    expect(delivery?.processed).to.have.lengthOf(1);
    const [record] = (events[0] as { Records: Record<string, unknown>[] }).Records;
    expect(record).to.deep.include({ body: '{"orderId":"o-1"}', eventSource: "aws:sqs", eventSourceARN: stack.naming.queueArn("payment-requests"), awsRegion: "eu-west-1" });
    expect(record.messageId).to.equal(delivery!.processed[0]);
    expect(record).to.have.keys("messageId", "receiptHandle", "body", "attributes", "messageAttributes", "md5OfBody", "md5OfMessageAttributes", "eventSource", "eventSourceARN", "awsRegion");
    expect(record.attributes).to.include({ ApproximateReceiveCount: "1" });
    expect(record.messageAttributes).to.deep.equal({ origin: { stringValue: "test", stringListValues: [], binaryListValues: [], dataType: "String" } });
    expect(drain()).to.equal(0);
    const role = stack.authorizer.index.functionFor(stack.naming.functionArn("payment-worker"))!.roleArn;
    const calls = stack.authorizer.decisions.slice(before).map((d) => [d.call.principal, d.call.action, d.allowed]);
    expect(calls).to.deep.equal([
      [role, "sqs:GetQueueAttributes", true],
      [role, "sqs:ReceiveMessage", true],
      [role, "sqs:DeleteMessage", true],
    ]);
  });

  it("leaves a message the function names in batchItemFailures in the queue, and stops the run saying why", async () => {
    await stack.sqs.send(new SendMessageCommand({ QueueUrl: queueUrl, MessageBody: "not json" }));
    const { lambda } = recordingLambda((event) => ({ batchItemFailures: (event as { Records: { messageId: string }[] }).Records.map((r) => ({ itemIdentifier: r.messageId })) }));
    const error = await rejectionOf(stack.queueConsumers.deliver(queueUrl, lambda));
    expect(error).to.be.instanceOf(LocalRunError);
    expect(error.message).to.include("in batchItemFailures").and.to.include("visibility timeout (180 s)");
    expect(drain()).to.equal(1);
    await stack.reset();
  });

  it("refuses to poll as a role that may not receive from the queue, with AWS's access-denied message", async () => {
    const sqs = stack.sqs;
    const [mapping] = plannedQueueMappings(stack.authorizer.index.plans.get("dev")!);
    const other = new LocalQueueConsumers([{ ...mapping, functionName: stack.naming.functionArn("validate-payment-order") }], sqs, stack.authorizer);
    const error = await rejectionOf(other.deliver(queueUrl, recordingLambda(() => null).lambda));
    expect(error).to.be.instanceOf(LocalRunError);
    expect(error.message).to.include("cannot poll").and.to.include("not authorized to perform: sqs:GetQueueAttributes");
  });
});
