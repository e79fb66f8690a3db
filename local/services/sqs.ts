import { createHash, randomBytes, randomUUID } from "node:crypto";
import {
  ChangeMessageVisibilityCommand,
  DeleteMessageCommand,
  GetQueueUrlCommand,
  type Message,
  type MessageAttributeValue,
  ReceiveMessageCommand,
  SendMessageCommand,
} from "@aws-sdk/client-sqs";
import { type Clock, RealClock } from "../../engine";
import { dnsSuffixOf } from "../../infra/iam/arn";
import type { PlannedResource } from "../authz/plan-index";
import { sdkError } from "../authz/clients";

/**
 * A local stand-in for Amazon SQS, in memory and in-process, for local runs.
 *
 * Why a stand-in: no in-process SQS implementation on npm fits. `fauxqs` (kept up, SNS/SQS/S3 over HTTP) requires
 * Node.js >= 22.5 and this project supports Node 20; `sqslite` (last release December 2024, fastify 3) and
 * `local-aws-sqs` speak the XML query protocol, while `@aws-sdk/client-sqs` v3 speaks AWS JSON 1.0; ElasticMQ
 * needs Java. So {@link LocalSqs} answers the SDK's command objects directly, as `LocalSns` does for SNS.
 *
 * Served: SendMessage, ReceiveMessage, DeleteMessage, ChangeMessageVisibility and GetQueueUrl, on standard and
 * FIFO queues, with visibility timeouts, per-receive receipt handles, delays, long polling and retention on an
 * injectable {@link Clock}. Not served: batches, dead-letter redrive, queue policies (authorization is the
 * caller's: wrap the client with `authorizedClient`, or authorize as the Step Functions integration does).
 * @see https://docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference/Welcome.html
 */

/** A queue the stand-in holds: its address and the attributes that change how messages move. */
export interface LocalQueueSpec {
  /** The queue URL, `https://sqs.<region>.<dnsSuffix>/<account>/<name>`. */
  url: string;
  /** The queue ARN, `arn:<partition>:sqs:<region>:<account>:<name>`. */
  arn: string;
  /** A FIFO queue (its name ends in `.fifo`). @default false */
  fifo?: boolean;
  /** FIFO only: the SHA-256 of the body is the deduplication ID when the message has none. @default false */
  contentBasedDeduplication?: boolean;
  /** How long a received message stays hidden, in seconds (0 to 43,200). @default 30 */
  visibilityTimeoutSeconds?: number;
  /** How long a sent message stays hidden before its first receive, in seconds (0 to 900). @default 0 */
  delaySeconds?: number;
  /** How long a ReceiveMessage without `WaitTimeSeconds` waits for a message, in seconds (0 to 20). @default 0 */
  receiveWaitTimeSeconds?: number;
  /** How long a message is kept, in seconds (60 to 1,209,600). @default 345,600 (4 days) */
  messageRetentionSeconds?: number;
  /** The largest message (body and attributes), in bytes. @default 262,144 */
  maximumMessageSize?: number;
  /** The queue's customer-managed KMS key (`kmsMasterKeyId`), when SSE-KMS encrypts it; SSE-SQS has none. */
  kmsKeyId?: string;
}

/** Options for {@link LocalSqs}. */
export interface LocalSqsOptions {
  /** The queues that exist; more can be added with {@link LocalSqs.createQueue}. @default none */
  queues?: LocalQueueSpec[];
  /** The clock of visibility timeouts, delays, long polls and retention. @default real time */
  clock?: Clock;
}

/** The SDK-shaped answer of each command: its output and `$metadata`. */
type Answer<T> = T & { $metadata: { httpStatusCode: number; requestId: string } };

/** One stored message. */
interface StoredMessage {
  messageId: string;
  body: string;
  attributes?: Record<string, MessageAttributeValue>;
  md5OfBody: string;
  md5OfAttributes?: string;
  /** When it was sent, in ms on the clock. */
  sentAt: number;
  /** It may be received from then on, in ms on the clock. */
  visibleAt: number;
  receiveCount: number;
  firstReceivedAt?: number;
  /** The handle of its latest receive; any earlier one is stale. */
  receiptHandle?: string;
  groupId?: string;
  deduplicationId?: string;
  sequenceNumber?: string;
}

/** A queue with its messages, in send order. */
interface Queue {
  spec: Required<Omit<LocalQueueSpec, "kmsKeyId">> & Pick<LocalQueueSpec, "kmsKeyId">;
  name: string;
  messages: StoredMessage[];
  /** FIFO: deduplication IDs seen in the last five minutes, with the message they produced. */
  deduplication: Map<string, { at: number; messageId: string; sequenceNumber: string }>;
  /** Long polls waiting on this queue, woken by a send. */
  waiters: Set<AbortController>;
}

/** Five minutes, in ms: the FIFO deduplication interval. */
const DEDUPLICATION_MS = 5 * 60 * 1000;
/** Characters SQS accepts in a body: #x9 | #xA | #xD | #x20 to #xD7FF | #xE000 to #xFFFD | #x10000 to #x10FFFF. */
const INVALID_BODY = /[^\x09\x0a\x0d\x20-\ud7ff\ue000-\ufffd\u{10000}-\u{10ffff}]/u;

/**
 * The address of a queue named `name` in an account and Region: its URL and ARN, as `aws.sqs.Queue` outputs them.
 * @param context the partition, Region and account.
 * @param name the queue's name (`.fifo` at the end for a FIFO queue).
 * @returns `{url, arn}`.
 * @see https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/sqs-queue-message-identifiers.html
 */
export function queueAddress(context: { partition: string; region: string; account: string }, name: string): { url: string; arn: string } {
  return {
    url: `https://sqs.${context.region}.${dnsSuffixOf(context.partition)}/${context.account}/${name}`,
    arn: `arn:${context.partition}:sqs:${context.region}:${context.account}:${name}`,
  };
}

/**
 * The queues of a stack's plan (`aws:sqs/queue:Queue` resources, their `url` and `arn` outputs and their
 * attributes as inputs), for {@link LocalSqs}.
 * @param resources the plan's resources (others are skipped).
 * @returns one spec per planned queue that has both outputs.
 */
export function plannedQueues(resources: readonly PlannedResource[]): LocalQueueSpec[] {
  return resources
    .filter((r) => r.type === "aws:sqs/queue:Queue" && typeof r.outputs?.url === "string" && typeof r.outputs?.arn === "string")
    .map((r) => {
      const inputs = r.inputs;
      const number = (key: string) => (typeof inputs[key] === "number" ? { [key]: inputs[key] as number } : {});
      const key = inputs.kmsMasterKeyId;
      return {
        url: String(r.outputs!.url),
        arn: String(r.outputs!.arn),
        fifo: inputs.fifoQueue === true,
        contentBasedDeduplication: inputs.contentBasedDeduplication === true,
        ...renameKeys({ ...number("visibilityTimeoutSeconds"), ...number("delaySeconds"), ...number("receiveWaitTimeSeconds"), ...number("messageRetentionSeconds"), ...number("maxMessageSize") }),
        ...(typeof key === "string" && key !== "" ? { kmsKeyId: key } : {}),
      };
    });
}

/** Pulumi's `maxMessageSize` is the spec's `maximumMessageSize`; the other names match. */
function renameKeys(values: Record<string, number>): Partial<LocalQueueSpec> {
  const { maxMessageSize, ...rest } = values;
  return { ...rest, ...(maxMessageSize === undefined ? {} : { maximumMessageSize: maxMessageSize }) };
}

/**
 * The MD5 of a message's attributes as SQS computes it (`MD5OfMessageAttributes`): the attributes sorted by name,
 * each as length-prefixed name, length-prefixed data type, a transport byte (1 for String and Number, 2 for
 * Binary) and the length-prefixed value; lengths are 4-byte big-endian.
 * @param attributes the message attributes (a Binary value as bytes or base64 text).
 * @returns the hex digest, or `undefined` for no attributes.
 * @see https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/sqs-message-metadata.html
 */
export function md5OfMessageAttributes(attributes: Record<string, MessageAttributeValue> | undefined): string | undefined {
  const names = Object.keys(attributes ?? {}).sort();
  if (names.length === 0) return undefined;
  const hash = createHash("md5");
  const field = (bytes: Buffer) => {
    const length = Buffer.alloc(4);
    length.writeUInt32BE(bytes.length);
    hash.update(length).update(bytes);
  };
  for (const name of names) {
    const value = attributes![name]!;
    const type = String(value.DataType);
    field(Buffer.from(name, "utf8"));
    field(Buffer.from(type, "utf8"));
    if (type.startsWith("Binary")) {
      hash.update(Buffer.from([2]));
      field(typeof value.BinaryValue === "string" ? Buffer.from(value.BinaryValue, "base64") : Buffer.from(value.BinaryValue ?? []));
    } else {
      hash.update(Buffer.from([1]));
      field(Buffer.from(String(value.StringValue ?? ""), "utf8"));
    }
  }
  return hash.digest("hex");
}

/** SQS's message for an out-of-range or misplaced parameter. */
function invalidParameter(parameter: string, value: unknown, reason: string): Error {
  return sdkError("InvalidParameterValue", `Value ${typeof value === "string" ? value : JSON.stringify(value)} for parameter ${parameter} is invalid. Reason: ${reason}`);
}

/** An integer parameter within `[min, max]`, or its default. */
function integer(parameter: string, value: number | undefined, min: number, max: number, fallback: number): number {
  if (value === undefined) return fallback;
  if (!Number.isInteger(value) || value < min || value > max) throw invalidParameter(parameter, value, `Must be an integer from ${min} to ${max}.`);
  return value;
}

/**
 * Amazon SQS, in memory: queues by URL or ARN, messages with visibility timeouts and receipt handles on an
 * injectable clock, answering `@aws-sdk/client-sqs` commands through {@link send} so that code written for
 * `SQSClient` runs against it unchanged.
 *
 * Semantics, as SQS documents them:
 * - a received message is hidden for the receive's `VisibilityTimeout` (or the queue's), then visible again;
 * - each receive gives a new receipt handle; DeleteMessage and ChangeMessageVisibility need the latest one while
 *   the message is in flight. A superseded or expired handle is refused with `InvalidParameterValue` ("The receipt
 *   handle has expired"), as a FIFO queue refuses it; a standard queue may accept such a handle (and may not
 *   delete the message), so the stand-in is stricter there. A handle never issued for the queue is
 *   `ReceiptHandleIsInvalid`;
 * - a FIFO queue delivers each message group in order and holds back a group while one of its messages is in
 *   flight; a deduplication ID seen within five minutes is accepted and not enqueued again;
 * - messages are returned in send order (a standard queue's order is best-effort in AWS).
 * Errors are SDK-shaped (`name`, `$fault`, `$metadata`), named as `@aws-sdk/client-sqs` names them:
 * `QueueDoesNotExist`, `ReceiptHandleIsInvalid`, `MessageNotInflight`, `InvalidMessageContents`,
 * `InvalidParameterValue`, `MissingParameter`, `UnsupportedOperation`.
 * @see https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/sqs-visibility-timeout.html
 */
export class LocalSqs {
  private readonly queues = new Map<string, Queue>();
  /** Every receipt handle issued: the queue (ARN) and message it was issued for. */
  private readonly handles = new Map<string, { queueArn: string; messageId: string }>();
  /** The clock of visibility timeouts, delays, long polls and retention. */
  readonly clock: Clock;
  private sequence = 0n;

  /** @param options the queues and the clock. */
  constructor(options: LocalSqsOptions = {}) {
    this.clock = options.clock ?? new RealClock();
    for (const spec of options.queues ?? []) this.createQueue(spec);
  }

  /**
   * Adds a queue (or replaces one at the same address, emptied).
   * @param spec its URL, ARN and attributes.
   * @returns its URL.
   * @throws Error named `InvalidParameterValue` for a FIFO queue whose name does not end in `.fifo`, or the reverse.
   */
  createQueue(spec: LocalQueueSpec): string {
    const name = spec.arn.split(":").pop() ?? "";
    const fifo = spec.fifo ?? false;
    if (fifo !== name.endsWith(".fifo")) throw invalidParameter("QueueName", name, "The name of a FIFO queue can only include alphanumeric characters, hyphens, or underscores, must end with .fifo suffix.");
    const queue: Queue = {
      spec: {
        url: spec.url,
        arn: spec.arn,
        fifo,
        contentBasedDeduplication: spec.contentBasedDeduplication ?? false,
        visibilityTimeoutSeconds: spec.visibilityTimeoutSeconds ?? 30,
        delaySeconds: spec.delaySeconds ?? 0,
        receiveWaitTimeSeconds: spec.receiveWaitTimeSeconds ?? 0,
        messageRetentionSeconds: spec.messageRetentionSeconds ?? 345_600,
        maximumMessageSize: spec.maximumMessageSize ?? 262_144,
        ...(spec.kmsKeyId ? { kmsKeyId: spec.kmsKeyId } : {}),
      },
      name,
      messages: [],
      deduplication: new Map(),
      waiters: new Set(),
    };
    this.queues.set(spec.url, queue);
    this.queues.set(spec.arn, queue);
    return spec.url;
  }

  /**
   * A queue's spec, by URL or ARN.
   * @returns the spec (defaults filled in), or `undefined` for a queue that does not exist.
   */
  queue(urlOrArn: string): Readonly<LocalQueueSpec> | undefined {
    return this.queues.get(urlOrArn)?.spec;
  }

  /** The messages a queue holds (visible, delayed or in flight), for reports and tests. @throws as {@link send} for an unknown queue. */
  messagesIn(urlOrArn: string): { messageId: string; body: string; receiveCount: number; groupId?: string }[] {
    const queue = this.queueOf(urlOrArn);
    this.expire(queue);
    return queue.messages.map((m) => ({ messageId: m.messageId, body: m.body, receiveCount: m.receiveCount, ...(m.groupId ? { groupId: m.groupId } : {}) }));
  }

  /**
   * Answers an `@aws-sdk/client-sqs` command, as `SQSClient.send` would:
   * - SendMessageCommand (`{QueueUrl, MessageBody, MessageAttributes?, DelaySeconds?, MessageGroupId?,
   *   MessageDeduplicationId?}`) → `{MessageId, MD5OfMessageBody, MD5OfMessageAttributes?, SequenceNumber?}`;
   * - ReceiveMessageCommand (`{QueueUrl, MaxNumberOfMessages? (1–10, default 1), VisibilityTimeout? (s),
   *   WaitTimeSeconds? (0–20 s), MessageAttributeNames?, MessageSystemAttributeNames?, AttributeNames?}`) →
   *   `{Messages?}` (absent when nothing is visible once the wait is over);
   * - DeleteMessageCommand (`{QueueUrl, ReceiptHandle}`) → `{}`;
   * - ChangeMessageVisibilityCommand (`{QueueUrl, ReceiptHandle, VisibilityTimeout}` in s, from now) → `{}`;
   * - GetQueueUrlCommand (`{QueueName, QueueOwnerAWSAccountId?}`) → `{QueueUrl}`.
   * Each answer carries `$metadata` (`httpStatusCode` 200, a `requestId`).
   * @throws SDK-shaped errors as the class documents; `UnsupportedOperation` for any other command.
   * @see https://docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference/API_Operations.html
   */
  async send(command: SendMessageCommand): Promise<Answer<{ MessageId: string; MD5OfMessageBody: string; MD5OfMessageAttributes?: string; SequenceNumber?: string }>>;
  async send(command: ReceiveMessageCommand): Promise<Answer<{ Messages?: Message[] }>>;
  async send(command: DeleteMessageCommand | ChangeMessageVisibilityCommand): Promise<Answer<Record<string, never>>>;
  async send(command: GetQueueUrlCommand): Promise<Answer<{ QueueUrl: string }>>;
  async send(command: object): Promise<Answer<object>>;
  async send(command: object): Promise<Answer<object>> {
    const metadata = { $metadata: { httpStatusCode: 200, requestId: randomUUID() } };
    if (command instanceof SendMessageCommand) return { ...this.sendMessage(command.input), ...metadata };
    if (command instanceof ReceiveMessageCommand) return { ...(await this.receiveMessage(command.input)), ...metadata };
    if (command instanceof DeleteMessageCommand) return { ...this.deleteMessage(command.input), ...metadata };
    if (command instanceof ChangeMessageVisibilityCommand) return { ...this.changeVisibility(command.input), ...metadata };
    if (command instanceof GetQueueUrlCommand) return { ...this.getQueueUrl(command.input), ...metadata };
    throw sdkError("UnsupportedOperation", `LocalSqs answers SendMessage, ReceiveMessage, DeleteMessage, ChangeMessageVisibility and GetQueueUrl. Received: ${command?.constructor?.name}`);
  }

  /** The queue at a URL or ARN. @throws `QueueDoesNotExist`. */
  private queueOf(urlOrArn: string | undefined): Queue {
    const queue = urlOrArn ? this.queues.get(urlOrArn) : undefined;
    if (!queue) throw sdkError("QueueDoesNotExist", `The specified queue does not exist. Received: ${urlOrArn}`);
    return queue;
  }

  /** Drops messages past the queue's retention period. */
  private expire(queue: Queue): void {
    const oldest = this.clock.now() - queue.spec.messageRetentionSeconds * 1000;
    queue.messages = queue.messages.filter((m) => m.sentAt > oldest);
  }

  private sendMessage(input: SendMessageCommand["input"]): { MessageId: string; MD5OfMessageBody: string; MD5OfMessageAttributes?: string; SequenceNumber?: string } {
    const queue = this.queueOf(input.QueueUrl);
    const body = input.MessageBody;
    if (body === undefined || body === "") throw sdkError("MissingParameter", "The request must contain the parameter MessageBody.");
    if (INVALID_BODY.test(body)) throw sdkError("InvalidMessageContents", "Invalid characters found. Valid unicode characters are #x9 | #xA | #xD | #x20 to #xD7FF | #xE000 to #xFFFD | #x10000 to #x10FFFF");
    const attributes = input.MessageAttributes && Object.keys(input.MessageAttributes).length > 0 ? input.MessageAttributes : undefined;
    if (attributes && Object.keys(attributes).length > 10) throw invalidParameter("MessageAttributes", Object.keys(attributes).length, "Number of message attributes cannot exceed 10.");
    for (const [name, value] of Object.entries(attributes ?? {})) {
      if (!value.DataType || !/^(String|Number|Binary)(\..+)?$/.test(value.DataType)) throw invalidParameter(`MessageAttributes.${name}.DataType`, value.DataType, "DataType must be String, Number or Binary, optionally with a custom suffix.");
      if (value.DataType.startsWith("Binary") ? value.BinaryValue === undefined : value.StringValue === undefined) throw invalidParameter(`MessageAttributes.${name}`, name, `A ${value.DataType} attribute needs a ${value.DataType.startsWith("Binary") ? "BinaryValue" : "StringValue"}.`);
    }
    const size = Buffer.byteLength(body, "utf8") + Object.entries(attributes ?? {}).reduce((total, [name, v]) => total + Buffer.byteLength(name) + Buffer.byteLength(String(v.DataType)) + Buffer.byteLength(String(v.StringValue ?? "")) + (v.BinaryValue?.length ?? 0), 0);
    if (size > queue.spec.maximumMessageSize) throw invalidParameter("MessageBody", `(${size} bytes)`, `Message must be shorter than ${queue.spec.maximumMessageSize} bytes.`);
    const now = this.clock.now();
    this.expire(queue);
    const md5OfBody = createHash("md5").update(body, "utf8").digest("hex");
    const md5OfAttributes = md5OfMessageAttributes(attributes);
    const answer = (messageId: string, sequenceNumber?: string) => ({
      MessageId: messageId,
      MD5OfMessageBody: md5OfBody,
      ...(md5OfAttributes ? { MD5OfMessageAttributes: md5OfAttributes } : {}),
      ...(sequenceNumber ? { SequenceNumber: sequenceNumber } : {}),
    });
    let delay: number;
    let groupId: string | undefined;
    let deduplicationId: string | undefined;
    if (queue.spec.fifo) {
      if (input.DelaySeconds !== undefined) throw invalidParameter("DelaySeconds", input.DelaySeconds, "The request include parameter that is not valid for this queue type.");
      if (!input.MessageGroupId) throw sdkError("MissingParameter", "The request must contain the parameter MessageGroupId.");
      groupId = input.MessageGroupId;
      deduplicationId = input.MessageDeduplicationId ?? (queue.spec.contentBasedDeduplication ? createHash("sha256").update(body, "utf8").digest("hex") : undefined);
      if (deduplicationId === undefined) throw invalidParameter("MessageDeduplicationId", "(none)", "The queue should either have ContentBasedDeduplication enabled or MessageDeduplicationId provided explicitly.");
      for (const [id, seen] of queue.deduplication) if (now - seen.at >= DEDUPLICATION_MS) queue.deduplication.delete(id);
      const seen = queue.deduplication.get(deduplicationId);
      if (seen) return answer(seen.messageId, seen.sequenceNumber);
      delay = queue.spec.delaySeconds;
    } else {
      if (input.MessageDeduplicationId !== undefined) throw invalidParameter("MessageDeduplicationId", input.MessageDeduplicationId, "The request include parameter that is not valid for this queue type.");
      groupId = input.MessageGroupId;
      delay = integer("DelaySeconds", input.DelaySeconds, 0, 900, queue.spec.delaySeconds);
    }
    const message: StoredMessage = {
      messageId: randomUUID(),
      body,
      ...(attributes ? { attributes } : {}),
      md5OfBody,
      ...(md5OfAttributes ? { md5OfAttributes } : {}),
      sentAt: now,
      visibleAt: now + delay * 1000,
      receiveCount: 0,
      ...(groupId !== undefined ? { groupId } : {}),
      ...(deduplicationId !== undefined ? { deduplicationId } : {}),
      ...(queue.spec.fifo ? { sequenceNumber: String(++this.sequence).padStart(20, "0") } : {}),
    };
    queue.messages.push(message);
    if (deduplicationId !== undefined) queue.deduplication.set(deduplicationId, { at: now, messageId: message.messageId, sequenceNumber: message.sequenceNumber! });
    for (const waiter of queue.waiters) waiter.abort();
    return answer(message.messageId, message.sequenceNumber);
  }

  private async receiveMessage(input: ReceiveMessageCommand["input"]): Promise<{ Messages?: Message[] }> {
    const queue = this.queueOf(input.QueueUrl);
    const max = integer("MaxNumberOfMessages", input.MaxNumberOfMessages, 1, 10, 1);
    const visibility = integer("VisibilityTimeout", input.VisibilityTimeout, 0, 43_200, queue.spec.visibilityTimeoutSeconds);
    const wait = integer("WaitTimeSeconds", input.WaitTimeSeconds, 0, 20, queue.spec.receiveWaitTimeSeconds);
    const deadline = this.clock.now() + wait * 1000;
    for (;;) {
      const messages = this.take(queue, max, visibility, input);
      const now = this.clock.now();
      if (messages.length > 0 || now >= deadline) return messages.length > 0 ? { Messages: messages } : {};
      // Long poll: sleep until the wait is over or the next hidden message shows, unless a send wakes us first.
      const next = Math.min(deadline, ...queue.messages.map((m) => m.visibleAt).filter((at) => at > now));
      const wake = new AbortController();
      queue.waiters.add(wake);
      try {
        await this.clock.sleep(next - now, wake.signal);
      } catch {
        // Woken by a send: look again.
      } finally {
        queue.waiters.delete(wake);
      }
    }
  }

  /** Receives up to `max` visible messages, hiding each for `visibility` seconds under a new receipt handle. */
  private take(queue: Queue, max: number, visibility: number, input: ReceiveMessageCommand["input"]): Message[] {
    this.expire(queue);
    const now = this.clock.now();
    const blocked = new Set<string>();
    if (queue.spec.fifo) for (const m of queue.messages) if (m.receiptHandle && m.visibleAt > now) blocked.add(m.groupId!);
    const taken: Message[] = [];
    for (const message of queue.messages) {
      if (taken.length >= max) break;
      if (queue.spec.fifo && blocked.has(message.groupId!)) continue;
      if (message.visibleAt > now) {
        // A FIFO group is delivered in order: nothing after a message that cannot be received yet.
        if (queue.spec.fifo) blocked.add(message.groupId!);
        continue;
      }
      const handle = randomBytes(48).toString("base64");
      this.handles.set(handle, { queueArn: queue.spec.arn, messageId: message.messageId });
      message.receiptHandle = handle;
      message.receiveCount += 1;
      message.firstReceivedAt ??= now;
      message.visibleAt = now + visibility * 1000;
      taken.push(this.view(message, input));
    }
    return taken;
  }

  /** A received message as ReceiveMessage returns it, with the attributes the request asked for. */
  private view(message: StoredMessage, input: ReceiveMessageCommand["input"]): Message {
    const systemNames = new Set<string>([...(input.MessageSystemAttributeNames ?? []), ...((input.AttributeNames as string[] | undefined) ?? [])]);
    const all = systemNames.has("All");
    const system: Record<string, string> = {
      SentTimestamp: String(message.sentAt),
      ApproximateReceiveCount: String(message.receiveCount),
      ApproximateFirstReceiveTimestamp: String(message.firstReceivedAt),
      ...(message.groupId !== undefined ? { MessageGroupId: message.groupId } : {}),
      ...(message.deduplicationId !== undefined ? { MessageDeduplicationId: message.deduplicationId } : {}),
      ...(message.sequenceNumber !== undefined ? { SequenceNumber: message.sequenceNumber } : {}),
    };
    const attributes = Object.fromEntries(Object.entries(system).filter(([name]) => all || systemNames.has(name)));
    const wanted = input.MessageAttributeNames ?? [];
    const userAttributes = Object.fromEntries(
      Object.entries(message.attributes ?? {}).filter(([name]) => wanted.some((w) => w === "All" || w === ".*" || w === name || (w.endsWith(".*") && name.startsWith(w.slice(0, -1))))),
    );
    const md5 = md5OfMessageAttributes(userAttributes);
    return {
      MessageId: message.messageId,
      ReceiptHandle: message.receiptHandle!,
      MD5OfBody: message.md5OfBody,
      Body: message.body,
      ...(Object.keys(attributes).length > 0 ? { Attributes: attributes } : {}),
      ...(md5 ? { MessageAttributes: userAttributes, MD5OfMessageAttributes: md5 } : {}),
    };
  }

  /**
   * The message a receipt handle names, while that handle is its latest and it is in flight.
   * @returns the message, or `undefined` for a message no longer in the queue.
   * @throws `ReceiptHandleIsInvalid` for a handle not issued for this queue; `InvalidParameterValue` for a stale
   *   one (superseded by a later receive, or past its visibility timeout).
   */
  private inFlight(queue: Queue, handle: string | undefined): StoredMessage | undefined {
    const issued = handle ? this.handles.get(handle) : undefined;
    if (!issued || issued.queueArn !== queue.spec.arn) throw sdkError("ReceiptHandleIsInvalid", `The input receipt handle "${handle}" is not a valid receipt handle.`);
    const message = queue.messages.find((m) => m.messageId === issued.messageId);
    if (!message) return undefined;
    if (message.receiptHandle !== handle || message.visibleAt <= this.clock.now()) throw invalidParameter("ReceiptHandle", handle, "The receipt handle has expired.");
    return message;
  }

  private deleteMessage(input: DeleteMessageCommand["input"]): Record<string, never> {
    const queue = this.queueOf(input.QueueUrl);
    const message = this.inFlight(queue, input.ReceiptHandle);
    // Deleting a message already deleted succeeds, as in SQS.
    if (message) queue.messages = queue.messages.filter((m) => m !== message);
    return {};
  }

  private changeVisibility(input: ChangeMessageVisibilityCommand["input"]): Record<string, never> {
    const queue = this.queueOf(input.QueueUrl);
    if (input.VisibilityTimeout === undefined) throw sdkError("MissingParameter", "The request must contain the parameter VisibilityTimeout.");
    const seconds = integer("VisibilityTimeout", input.VisibilityTimeout, 0, 43_200, 0);
    const message = this.inFlight(queue, input.ReceiptHandle);
    if (!message) throw sdkError("MessageNotInflight", "Message does not exist or is not available for visibility timeout change.");
    message.visibleAt = this.clock.now() + seconds * 1000;
    return {};
  }

  private getQueueUrl(input: GetQueueUrlCommand["input"]): { QueueUrl: string } {
    const match = [...new Set(this.queues.values())].find(
      (q) => q.name === input.QueueName && (input.QueueOwnerAWSAccountId === undefined || q.spec.arn.split(":")[4] === input.QueueOwnerAWSAccountId),
    );
    if (!match) throw sdkError("QueueDoesNotExist", `The specified queue does not exist. Received: ${input.QueueName}`);
    return { QueueUrl: match.spec.url };
  }
}
