import { createHash } from "node:crypto";
import { SFNClient, SendTaskSuccessCommand } from "@aws-sdk/client-sfn";
import { ChangeMessageVisibilityCommand, DeleteMessageCommand, GetQueueUrlCommand, ListQueuesCommand, ReceiveMessageCommand, SendMessageCommand } from "@aws-sdk/client-sqs";
import { expect } from "chai";
import { VirtualClock } from "../../engine";
import type { AslStateMachine } from "../../infra/definition/asl";
import { LOCAL_INTEGRATIONS } from "../../local/integrations";
import { type DefinitionRunOptions, LocalStack } from "../../local/runner";
import { LocalSqs, md5OfMessageAttributes, plannedQueues, queueAddress } from "../../local/services/sqs";
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

const CONTEXT = { partition: "aws", region: "eu-west-1", account: "111111111111" };

/** A fake clock: time moves only when the test says so; a sleep resolves once time has passed its end. */
class FakeClock {
  private time = Date.UTC(2026, 0, 1);
  private readonly sleepers: { until: number; resolve: () => void }[] = [];
  now(): number {
    return this.time;
  }
  sleep(ms: number, signal?: AbortSignal): Promise<void> {
    return new Promise((resolve, reject) => {
      const sleeper = { until: this.time + ms, resolve };
      this.sleepers.push(sleeper);
      signal?.addEventListener("abort", () => {
        this.sleepers.splice(this.sleepers.indexOf(sleeper), 1);
        reject(signal.reason);
      });
    });
  }
  advance(seconds: number): void {
    this.time += seconds * 1000;
    for (const sleeper of [...this.sleepers]) {
      if (sleeper.until <= this.time) {
        this.sleepers.splice(this.sleepers.indexOf(sleeper), 1);
        sleeper.resolve();
      }
    }
  }
}

describe("LocalSqs", () => {
  const standard = queueAddress(CONTEXT, "payments");
  const fifo = queueAddress(CONTEXT, "payments.fifo");
  let clock: FakeClock;
  let sqs: LocalSqs;
  beforeEach(() => {
    clock = new FakeClock();
    sqs = new LocalSqs({ clock, queues: [{ ...standard, visibilityTimeoutSeconds: 30 }, { ...fifo, fifo: true }] });
  });

  const receive = (QueueUrl: string, input: Partial<ReceiveMessageCommand["input"]> = {}) => sqs.send(new ReceiveMessageCommand({ QueueUrl, ...input }));

  it("answers SendMessage with the body's MD5 and a message ID, as SQS does", async () => {
    const sent = await sqs.send(new SendMessageCommand({ QueueUrl: standard.url, MessageBody: "hello" }));
    expect(sent.MD5OfMessageBody).to.equal(createHash("md5").update("hello").digest("hex"));
    expect(sent.MessageId).to.match(/^[0-9a-f-]{36}$/);
    expect(sent.$metadata.httpStatusCode).to.equal(200);
  });

  it("hides a received message for its visibility timeout, then delivers it again with a new receipt handle", async () => {
    await sqs.send(new SendMessageCommand({ QueueUrl: standard.url, MessageBody: "pay 42" }));
    const first = (await receive(standard.url)).Messages!;
    expect(first.map((m) => m.Body)).to.deep.equal(["pay 42"]);
    expect((await receive(standard.url)).Messages).to.equal(undefined);
    clock.advance(29);
    expect((await receive(standard.url)).Messages).to.equal(undefined);
    clock.advance(1);
    const again = (await receive(standard.url, { MessageSystemAttributeNames: ["ApproximateReceiveCount"] })).Messages!;
    expect(again[0]!.MessageId).to.equal(first[0]!.MessageId);
    expect(again[0]!.ReceiptHandle).to.not.equal(first[0]!.ReceiptHandle);
    expect(again[0]!.Attributes).to.deep.equal({ ApproximateReceiveCount: "2" });
  });

  it("takes the receive's VisibilityTimeout over the queue's", async () => {
    await sqs.send(new SendMessageCommand({ QueueUrl: standard.url, MessageBody: "x" }));
    await receive(standard.url, { VisibilityTimeout: 5 });
    clock.advance(5);
    expect((await receive(standard.url)).Messages).to.have.length(1);
  });

  it("refuses a stale receipt handle (superseded by a later receive) and deletes with the latest one", async () => {
    await sqs.send(new SendMessageCommand({ QueueUrl: standard.url, MessageBody: "x" }));
    const stale = (await receive(standard.url, { VisibilityTimeout: 0 })).Messages![0]!.ReceiptHandle!;
    const latest = (await receive(standard.url)).Messages![0]!.ReceiptHandle!;
    const error = await rejectionOf(sqs.send(new DeleteMessageCommand({ QueueUrl: standard.url, ReceiptHandle: stale })));
    expect(error.name).to.equal("InvalidParameterValue");
    expect(error.message).to.include("The receipt handle has expired");
    expect(sqs.messagesIn(standard.url)).to.have.length(1);
    await sqs.send(new DeleteMessageCommand({ QueueUrl: standard.url, ReceiptHandle: latest }));
    expect(sqs.messagesIn(standard.url)).to.deep.equal([]);
    clock.advance(60);
    expect((await receive(standard.url)).Messages).to.equal(undefined);
  });

  it("refuses a receipt handle that was never issued for the queue", async () => {
    await sqs.send(new SendMessageCommand({ QueueUrl: standard.url, MessageBody: "x" }));
    const handle = (await receive(standard.url)).Messages![0]!.ReceiptHandle!;
    expect((await rejectionOf(sqs.send(new DeleteMessageCommand({ QueueUrl: standard.url, ReceiptHandle: "made-up" })))).name).to.equal("ReceiptHandleIsInvalid");
    expect((await rejectionOf(sqs.send(new DeleteMessageCommand({ QueueUrl: fifo.url, ReceiptHandle: handle })))).name).to.equal("ReceiptHandleIsInvalid");
  });

  it("changes a message's visibility from now: 0 makes it visible at once", async () => {
    await sqs.send(new SendMessageCommand({ QueueUrl: standard.url, MessageBody: "x" }));
    const handle = (await receive(standard.url)).Messages![0]!.ReceiptHandle!;
    await sqs.send(new ChangeMessageVisibilityCommand({ QueueUrl: standard.url, ReceiptHandle: handle, VisibilityTimeout: 0 }));
    expect((await receive(standard.url)).Messages).to.have.length(1);
  });

  it("holds a message back for its DelaySeconds", async () => {
    await sqs.send(new SendMessageCommand({ QueueUrl: standard.url, MessageBody: "later", DelaySeconds: 10 }));
    expect((await receive(standard.url)).Messages).to.equal(undefined);
    clock.advance(10);
    expect((await receive(standard.url)).Messages![0]!.Body).to.equal("later");
  });

  it("long-polls: a receive with WaitTimeSeconds returns a message sent while it waits", async () => {
    const waiting = receive(standard.url, { WaitTimeSeconds: 20 });
    await sqs.send(new SendMessageCommand({ QueueUrl: standard.url, MessageBody: "arrived" }));
    expect((await waiting).Messages![0]!.Body).to.equal("arrived");
  });

  it("long-polls until WaitTimeSeconds have passed on its clock, then answers with no messages", async () => {
    let settled = false;
    const waiting = receive(standard.url, { WaitTimeSeconds: 20 }).finally(() => (settled = true));
    clock.advance(19);
    await new Promise((resolve) => setImmediate(resolve));
    expect(settled).to.equal(false);
    clock.advance(1);
    expect((await waiting).Messages).to.equal(undefined);
  });

  it("delivers a FIFO group in order and holds the group back while one of its messages is in flight", async () => {
    for (const [group, body] of [["a", "a1"], ["b", "b1"], ["a", "a2"], ["a", "a3"]]) {
      await sqs.send(new SendMessageCommand({ QueueUrl: fifo.url, MessageBody: body, MessageGroupId: group, MessageDeduplicationId: body }));
    }
    const first = (await receive(fifo.url)).Messages!;
    expect(first.map((m) => m.Body)).to.deep.equal(["a1"]);
    // Group a is blocked while a1 is in flight; b is not.
    expect((await receive(fifo.url, { MaxNumberOfMessages: 10 })).Messages!.map((m) => m.Body)).to.deep.equal(["b1"]);
    await sqs.send(new DeleteMessageCommand({ QueueUrl: fifo.url, ReceiptHandle: first[0]!.ReceiptHandle! }));
    const next = (await receive(fifo.url, { MaxNumberOfMessages: 10, MessageSystemAttributeNames: ["MessageGroupId", "SequenceNumber"] })).Messages!;
    expect(next.map((m) => m.Body)).to.deep.equal(["a2", "a3"]);
    expect(Number(next[0]!.Attributes!.SequenceNumber)).to.be.lessThan(Number(next[1]!.Attributes!.SequenceNumber));
  });

  it("deduplicates a FIFO message sent twice within five minutes", async () => {
    const send = () => sqs.send(new SendMessageCommand({ QueueUrl: fifo.url, MessageBody: "once", MessageGroupId: "g", MessageDeduplicationId: "d-1" }));
    const first = await send();
    const second = await send();
    expect(second.MessageId).to.equal(first.MessageId);
    expect(sqs.messagesIn(fifo.url)).to.have.length(1);
  });

  it("refuses a FIFO message without MessageGroupId, or without a deduplication ID on a queue without content-based deduplication", async () => {
    expect((await rejectionOf(sqs.send(new SendMessageCommand({ QueueUrl: fifo.url, MessageBody: "x", MessageDeduplicationId: "d" })))).name).to.equal("MissingParameter");
    const error = await rejectionOf(sqs.send(new SendMessageCommand({ QueueUrl: fifo.url, MessageBody: "x", MessageGroupId: "g" })));
    expect(error.name).to.equal("InvalidParameterValue");
    expect(error.message).to.include("ContentBasedDeduplication");
  });

  it("returns the requested message attributes with SQS's MD5 of them", async () => {
    const MessageAttributes = { orderId: { DataType: "String", StringValue: "42" }, amount: { DataType: "Number", StringValue: "9.5" } };
    const sent = await sqs.send(new SendMessageCommand({ QueueUrl: standard.url, MessageBody: "x", MessageAttributes }));
    expect(sent.MD5OfMessageAttributes).to.equal(md5OfMessageAttributes(MessageAttributes));
    const [message] = (await receive(standard.url, { MessageAttributeNames: ["All"] })).Messages!;
    expect(message!.MessageAttributes).to.deep.equal(MessageAttributes);
    expect(message!.MD5OfMessageAttributes).to.equal(sent.MD5OfMessageAttributes);
  });

  it("computes the attributes' MD5 as SQS documents it (length-prefixed name, type, transport byte, value)", () => {
    const expected = createHash("md5")
      .update(Buffer.concat([Buffer.from([0, 0, 0, 1]), Buffer.from("a"), Buffer.from([0, 0, 0, 6]), Buffer.from("String"), Buffer.from([1]), Buffer.from([0, 0, 0, 1]), Buffer.from("b")]))
      .digest("hex");
    expect(md5OfMessageAttributes({ a: { DataType: "String", StringValue: "b" } })).to.equal(expected);
  });

  it("refuses a queue that does not exist and a command it does not serve", async () => {
    const missing = await rejectionOf(sqs.send(new SendMessageCommand({ QueueUrl: queueAddress(CONTEXT, "nope").url, MessageBody: "x" })));
    expect(missing.name).to.equal("QueueDoesNotExist");
    expect((await rejectionOf(sqs.send(new ListQueuesCommand({}))))).to.have.property("name", "UnsupportedOperation");
  });

  it("answers GetQueueUrl by name, and finds a queue by ARN as well as URL", async () => {
    expect((await sqs.send(new GetQueueUrlCommand({ QueueName: "payments" }))).QueueUrl).to.equal(standard.url);
    await sqs.send(new SendMessageCommand({ QueueUrl: standard.arn, MessageBody: "by arn" }));
    expect(sqs.messagesIn(standard.url).map((m) => m.body)).to.deep.equal(["by arn"]);
  });

  it("runs its timers on the engine's VirtualClock too", async () => {
    const virtual = new VirtualClock();
    const local = new LocalSqs({ clock: virtual, queues: [standard] });
    const started = virtual.now();
    expect((await local.send(new ReceiveMessageCommand({ QueueUrl: standard.url, WaitTimeSeconds: 20 }))).Messages).to.equal(undefined);
    expect(virtual.now() - started).to.be.at.least(20_000);
  });

  it("reads the queues of a plan: URL, ARN, FIFO and attributes", () => {
    const specs = plannedQueues([
      { type: "aws:sqs/queue:Queue", name: "q", inputs: { fifoQueue: true, visibilityTimeoutSeconds: 60, maxMessageSize: 1024, kmsMasterKeyId: "alias/aws/sqs" }, outputs: { ...fifo } },
      { type: "aws:sns/topic:Topic", name: "t", inputs: {}, outputs: { arn: "arn:aws:sns:eu-west-1:111111111111:t" } },
    ]);
    expect(specs).to.deep.equal([{ url: fifo.url, arn: fifo.arn, fifo: true, contentBasedDeduplication: false, visibilityTimeoutSeconds: 60, maximumMessageSize: 1024, kmsKeyId: "alias/aws/sqs" }]);
  });
});

describe("sqs:sendMessage run locally", () => {
  let stack: LocalStack;
  let queue: { url: string; arn: string };
  before(async () => {
    stack = await LocalStack.start({ stack: "dev", plans });
    queue = queueAddress(stack.naming.context, "statecraft-dev-payments");
    stack.sqs.createQueue(queue);
  });
  after(async () => {
    await stack?.stop();
  });

  /** Runs an ad-hoc definition (not one the stack deploys) without authorization: these tests are about semantics. */
  const run = (definition: AslStateMachine, options: DefinitionRunOptions) => stack.runDefinition(definition, { executionRoleArn: null, ...options });

  it("is a row of the local integration table for request-response and .waitForTaskToken", () => {
    expect(LOCAL_INTEGRATIONS["sqs:sendMessage"]?.patterns).to.deep.equal(["", ".waitForTaskToken"]);
  });

  it("holds the plan's queues at their planned URLs", () => {
    const planned = plannedQueues(stack.authorizer.index.plans.get("dev") ?? []);
    expect(planned).to.not.be.empty;
    for (const spec of planned) expect(stack.sqs.queue(spec.url)?.arn).to.equal(spec.arn);
  });

  it("sends the message and answers as Step Functions does: {MD5OfMessageBody, MessageId, SdkHttpMetadata, SdkResponseMetadata}", async () => {
    const report = await run(
      { StartAt: "Enqueue", States: { Enqueue: { Type: "Task", Resource: "arn:aws:states:::sqs:sendMessage", Parameters: { QueueUrl: queue.url, "MessageBody.$": "$" }, End: true } } },
      { input: { orderId: "o-1", amount: 42 } },
    );
    expect(report.status).to.equal("SUCCEEDED");
    const output = report.output as Record<string, unknown>;
    expect(Object.keys(output).sort()).to.deep.equal(["MD5OfMessageBody", "MessageId", "SdkHttpMetadata", "SdkResponseMetadata"]);
    const body = JSON.stringify({ orderId: "o-1", amount: 42 });
    expect(output.MD5OfMessageBody).to.equal(createHash("md5").update(body).digest("hex"));
    const [message] = (await stack.sqs.send(new ReceiveMessageCommand({ QueueUrl: queue.url }))).Messages!;
    expect(message!.Body).to.equal(body);
    expect(message!.MessageId).to.equal(output.MessageId);
    await stack.sqs.send(new DeleteMessageCommand({ QueueUrl: queue.url, ReceiptHandle: message!.ReceiptHandle! }));
  });

  it("fails the Task with SQS.QueueDoesNotExistException for a queue the stack does not have", async () => {
    const report = await run(
      { StartAt: "Enqueue", States: { Enqueue: { Type: "Task", Resource: "arn:aws:states:::sqs:sendMessage", Parameters: { QueueUrl: queueAddress(stack.naming.context, "missing").url, MessageBody: "x" }, End: true } } },
      { input: {} },
    );
    expect(report.status).to.equal("FAILED");
    expect(report.error).to.equal("SQS.QueueDoesNotExistException");
    expect(report.cause).to.include("The specified queue does not exist").and.include("Service: AmazonSQS");
  });

  it("fails the Task with SQS.AmazonSQSException when the execution role may not send to the queue", async () => {
    const workflow = stack.config.workflows[0]!;
    const report = await stack.runDefinition(
      { StartAt: "Enqueue", States: { Enqueue: { Type: "Task", Resource: "arn:aws:states:::sqs:sendMessage", Parameters: { QueueUrl: queue.url, MessageBody: "x" }, End: true } } },
      { input: {}, stateMachine: stack.naming.physical(workflow) },
    );
    expect(report.status).to.equal("FAILED");
    expect(report.error).to.equal("SQS.AmazonSQSException");
    expect(report.cause).to.include("sqs:SendMessage").and.include("Error Code: AccessDeniedException");
    expect(report.authorizations.some((d) => d.call.action === "sqs:SendMessage" && !d.allowed)).to.equal(true);
  });

  it("resumes a .waitForTaskToken Task with the output a worker sends after receiving the message from the queue", async () => {
    const worker = new SFNClient(stack.endpoint!.clientConfig());
    const received: string[] = [];
    const report = await run(
      {
        StartAt: "Take payment",
        States: {
          "Take payment": {
            Type: "Task",
            Resource: "arn:aws:states:::sqs:sendMessage.waitForTaskToken",
            Parameters: { QueueUrl: queue.url, MessageBody: { "orderId.$": "$.orderId", "amount.$": "$.amount", "taskToken.$": "$$.Task.Token" } },
            ResultPath: "$.payment",
            TimeoutSeconds: 300,
            End: true,
          },
        },
      },
      {
        input: { orderId: "o-7", amount: 99 },
        // The payment worker: receives the message, charges, answers through the local Step Functions endpoint, deletes.
        responder: async () => {
          const [message] = (await stack.sqs.send(new ReceiveMessageCommand({ QueueUrl: queue.url, WaitTimeSeconds: 1 }))).Messages ?? [];
          if (!message) throw new Error("the worker found no message on the queue");
          received.push(message.Body!);
          const { orderId, amount, taskToken } = JSON.parse(message.Body!) as { orderId: string; amount: number; taskToken: string };
          await worker.send(new SendTaskSuccessCommand({ taskToken, output: JSON.stringify({ charged: amount, orderId, status: "PAID" }) }));
          await stack.sqs.send(new DeleteMessageCommand({ QueueUrl: queue.url, ReceiptHandle: message.ReceiptHandle! }));
        },
      },
    );
    worker.destroy();
    expect(report.status).to.equal("SUCCEEDED");
    expect(received).to.have.length(1);
    expect(report.output).to.deep.equal({ orderId: "o-7", amount: 99, payment: { charged: 99, orderId: "o-7", status: "PAID" } });
    expect(report.taskTokens.map((t) => t.state)).to.deep.equal(["Take payment"]);
    expect(stack.sqs.messagesIn(queue.url)).to.deep.equal([]);
  });
});
