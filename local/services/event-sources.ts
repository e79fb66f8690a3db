import { DeleteMessageCommand, type Message, ReceiveMessageCommand } from "@aws-sdk/client-sqs";
import type { Json } from "../../infra/definition/asl";
import type { Authorizer, IamCall } from "../authz/authorizer";
import type { PlannedResource } from "../authz/plan-index";
import { queueKeyCalls } from "../authz/service-calls";
import { LocalRunError } from "../errors";
import type { LocalLambda } from "./lambda";
import type { LocalSqs } from "./sqs";

/**
 * Lambda event source mappings on SQS queues, run locally: when a message lands on one of the stack's queues that
 * the plan maps to a function (`aws:lambda/eventSourceMapping:EventSourceMapping`), {@link LocalQueueConsumers}
 * does what Lambda's poller does, as the function's role: it authorizes `sqs:GetQueueAttributes` (Lambda reads the
 * queue when the mapping is enabled), `sqs:ReceiveMessage` with `kms:Decrypt` through SQS on an SSE-KMS queue, and
 * `sqs:DeleteMessage`; receives up to `batchSize` messages; invokes the function with the SQS event; and deletes the
 * messages it processed (all of them, or those not in `batchItemFailures` with `ReportBatchItemFailures`).
 *
 * Not emulated: the wait for the next poll, batching windows, concurrency, and redelivery. A message the function
 * failed stays in the queue (in flight until its visibility timeout); in AWS it would come back after the visibility
 * timeout and go to the dead-letter queue after `maxReceiveCount` receives. The local run cannot wait that long,
 * so a failed message (or a denied poll, which in AWS leaves the message waiting) is a problem of the local run.
 * @see https://docs.aws.amazon.com/lambda/latest/dg/with-sqs.html
 * @see https://docs.aws.amazon.com/lambda/latest/dg/services-sqs-errorhandling.html
 */

/** An event source mapping of a plan on an SQS queue. */
export interface PlannedQueueMapping {
  /** The mapping's UUID (its id). */
  uuid: string;
  /** The queue's ARN (`eventSourceArn`). */
  queueArn: string;
  /** The function's ARN or name (`functionName`). */
  functionName: string;
  /** Most messages per invocation (`batchSize`; at most 10 in one ReceiveMessage). @default 10 */
  batchSize: number;
  /** `functionResponseTypes` includes `ReportBatchItemFailures`: the function names the messages that failed. */
  reportBatchItemFailures: boolean;
  /** `enabled` is not false. */
  enabled: boolean;
}

/**
 * The SQS event source mappings of a stack's plan.
 * @param resources the plan's resources (others are skipped).
 * @returns one mapping per `aws:lambda/eventSourceMapping:EventSourceMapping` whose `eventSourceArn` is an SQS ARN.
 */
export function plannedQueueMappings(resources: readonly PlannedResource[]): PlannedQueueMapping[] {
  return resources
    .filter((r) => r.type === "aws:lambda/eventSourceMapping:EventSourceMapping" && typeof r.inputs.eventSourceArn === "string" && r.inputs.eventSourceArn.split(":")[2] === "sqs")
    .map((r) => ({
      uuid: String(r.outputs?.uuid ?? r.name),
      queueArn: String(r.inputs.eventSourceArn),
      functionName: String(r.inputs.functionName),
      batchSize: typeof r.inputs.batchSize === "number" ? r.inputs.batchSize : 10,
      reportBatchItemFailures: Array.isArray(r.inputs.functionResponseTypes) && r.inputs.functionResponseTypes.includes("ReportBatchItemFailures"),
      enabled: r.inputs.enabled !== false,
    }));
}

/** The SQS event Lambda invokes a function with: one record per message. */
export function sqsEvent(messages: readonly Message[], queueArn: string): Json {
  const region = queueArn.split(":")[3];
  return {
    Records: messages.map((m) => ({
      messageId: m.MessageId ?? "",
      receiptHandle: m.ReceiptHandle ?? "",
      body: m.Body ?? "",
      attributes: { ...(m.Attributes ?? {}) },
      messageAttributes: Object.fromEntries(
        Object.entries(m.MessageAttributes ?? {}).map(([name, v]) => [
          name,
          { ...(v.StringValue !== undefined ? { stringValue: v.StringValue } : {}), ...(v.BinaryValue !== undefined ? { binaryValue: Buffer.from(v.BinaryValue).toString("base64") } : {}), stringListValues: [], binaryListValues: [], dataType: v.DataType ?? "String" },
        ]),
      ),
      md5OfBody: m.MD5OfBody ?? "",
      ...(m.MD5OfMessageAttributes ? { md5OfMessageAttributes: m.MD5OfMessageAttributes } : {}),
      eventSource: "aws:sqs",
      eventSourceARN: queueArn,
      awsRegion: region,
    })),
  } as unknown as Json;
}

/** What one delivery did. */
export interface Delivery {
  mapping: PlannedQueueMapping;
  /** Messages the function processed (deleted). */
  processed: string[];
  /** Messages the function failed (left in the queue). */
  failed: string[];
}

/** The stack's queue consumers: its plan's SQS event source mappings over its {@link LocalSqs}. */
export class LocalQueueConsumers {
  /**
   * @param mappings the plan's SQS mappings ({@link plannedQueueMappings}).
   * @param sqs the stack's queues.
   * @param authorizer the stack's authorizer: each poll is authorized as the function's role.
   */
  constructor(
    readonly mappings: readonly PlannedQueueMapping[],
    private readonly sqs: LocalSqs,
    private readonly authorizer: Authorizer,
  ) {}

  /** The enabled mapping consuming a queue (by URL or ARN), if any. */
  consumerOf(queueUrlOrArn: string): PlannedQueueMapping | undefined {
    const arn = this.sqs.queue(queueUrlOrArn)?.arn;
    return arn === undefined ? undefined : this.mappings.find((m) => m.enabled && m.queueArn === arn);
  }

  /**
   * Polls a queue once for its mapping, as Lambda does: authorizes the poll as the function's role, receives up to
   * `batchSize` visible messages, invokes the function (in `lambda`, so the invocation is in the execution's report)
   * and deletes the messages it processed.
   * @param queueUrlOrArn the queue.
   * @param lambda the execution's functions.
   * @returns what was delivered; `undefined` when no mapping consumes the queue or nothing is visible.
   * @throws LocalRunError when the plan has no such function, a poll call is denied (with AWS's message), or the
   *   function failed a message (it threw, or named it in `batchItemFailures`).
   */
  async deliver(queueUrlOrArn: string, lambda: LocalLambda): Promise<Delivery | undefined> {
    const mapping = this.consumerOf(queueUrlOrArn);
    if (!mapping) return undefined;
    const queue = this.sqs.queue(mapping.queueArn)!;
    const name = lambda.functionFor(mapping.functionName);
    const planned = this.authorizer.index.functionFor(mapping.functionName);
    if (!name || !planned) throw new LocalRunError(`the event source mapping ${mapping.uuid} on ${mapping.queueArn} names function ${mapping.functionName}, which the stack's plan does not register.`);
    const role = planned.roleArn;
    const poller = `the event source mapping of ${planned.name} on ${queue.arn.split(":").pop()}`;
    await this.require(poller, [
      { principal: role, action: "sqs:GetQueueAttributes", resource: queue.arn },
      { principal: role, action: "sqs:ReceiveMessage", resource: queue.arn },
      ...queueKeyCalls(this.authorizer.index, queue, role, ["kms:Decrypt"]).map((call) => ({ principal: role, ...call })),
    ]);
    const { Messages = [] } = await this.sqs.send(
      new ReceiveMessageCommand({ QueueUrl: queue.url, MaxNumberOfMessages: Math.min(mapping.batchSize, 10), MessageSystemAttributeNames: ["All"], MessageAttributeNames: ["All"] }),
    );
    if (Messages.length === 0) return undefined;
    let failedIds: Set<string>;
    try {
      const result = (await lambda.invoke(name, sqsEvent(Messages, queue.arn))) as { batchItemFailures?: { itemIdentifier?: string }[] } | null;
      failedIds = new Set(mapping.reportBatchItemFailures ? (result?.batchItemFailures ?? []).map((f) => String(f.itemIdentifier)) : []);
    } catch (error) {
      throw new LocalRunError(`${poller}: ${planned.name} failed the whole batch (${(error as Error).name}: ${(error as Error).message}); in AWS its ${Messages.length} message(s) would be redelivered after the visibility timeout (${queue.visibilityTimeoutSeconds} s), which the local run does not wait for.`);
    }
    const processed = Messages.filter((m) => !failedIds.has(m.MessageId ?? ""));
    if (processed.length > 0) await this.require(poller, [{ principal: role, action: "sqs:DeleteMessage", resource: queue.arn }]);
    for (const message of processed) await this.sqs.send(new DeleteMessageCommand({ QueueUrl: queue.url, ReceiptHandle: message.ReceiptHandle! }));
    const failed = Messages.filter((m) => failedIds.has(m.MessageId ?? "")).map((m) => m.MessageId ?? "");
    if (failed.length > 0) {
      throw new LocalRunError(`${poller}: ${planned.name} reported message(s) ${failed.join(", ")} in batchItemFailures; in AWS they would be redelivered after the visibility timeout (${queue.visibilityTimeoutSeconds} s), and moved to the dead-letter queue after its maxReceiveCount, which the local run does not wait for.`);
    }
    return { mapping, processed: processed.map((m) => m.MessageId ?? ""), failed };
  }

  /** Authorizes the poller's calls. @throws LocalRunError with AWS's message for the first denied. */
  private async require(poller: string, calls: IamCall[]): Promise<void> {
    for (const call of calls) {
      const decision = await this.authorizer.authorize(call);
      if (!decision.allowed) throw new LocalRunError(`${poller} cannot poll: ${decision.message}`);
    }
  }
}
