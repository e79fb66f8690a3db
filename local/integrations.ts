import { randomUUID } from "node:crypto";
import {
  DeleteItemCommand,
  type DeleteItemCommandInput,
  GetItemCommand,
  type GetItemCommandInput,
  PutItemCommand,
  type PutItemCommandInput,
  QueryCommand,
  type QueryCommandInput,
  ScanCommand,
  type ScanCommandInput,
  UpdateItemCommand,
  type UpdateItemCommandInput,
} from "@aws-sdk/client-dynamodb";
import { SendMessageCommand, type SendMessageCommandInput } from "@aws-sdk/client-sqs";
import type { Clock, TaskHandler, TaskRequest } from "../engine";
import { type AslStateMachine, type Json, walkStates } from "../infra/definition/asl";
import { INTEGRATIONS, type IntegrationPattern } from "../infra/iam/catalog";
import { parseResource } from "../infra/iam/derive";
import { LocalStepFunctionsClient, type PendingTask } from "./approvals";
import { LocalRunError, TaskFailure } from "./errors";
import type { LocalIntegration, LocalServices, TaskCall } from "./execution-types";
import { startExecutionSync } from "./executions";
import { authorizeTask } from "./authz/task-calls";
import { queueKeyCalls } from "./authz/service-calls";
import type { LocalSqs } from "./services/sqs";
import { batchSubmitJob } from "./services/batch";
import { ecsRunTask } from "./services/ecs";
import { glueStartJobRun } from "./services/glue";
import { sagemakerCreateTransformJob } from "./services/sagemaker";

/**
 * The local integration table: how each Task Resource is served when a workflow runs locally, keyed like the IAM
 * catalog (`lambda:invoke`, `sns:publish`, `dynamodb:putItem`, `aws-sdk:dynamodb:scan`, ...; a Lambda function
 * ARN as Resource is `lambda:invoke`). {@link localTaskHandler} walks a definition and binds every Task, at any
 * depth, to its row by Resource (never by State name), and refuses a definition with a Task it cannot serve.
 *
 * Each handler receives the Task's effective input (after InputPath and Parameters, with `.$` paths and
 * intrinsic functions resolved by the engine) and returns what the service integration returns in AWS, before
 * ResultSelector, ResultPath and OutputPath. Failures are {@link TaskFailure}s named as Step Functions names them.
 * @see https://docs.aws.amazon.com/step-functions/latest/dg/integrate-optimized.html
 */

/** Holds a virtual clock still while `work` runs in real time (a responder answering over HTTP). */
export function holdClock<T>(clock: Clock | undefined, work: Promise<T>): Promise<T> {
  const tracking = clock as { track?: <U>(p: Promise<U>) => Promise<U> } | undefined;
  return tracking?.track ? tracking.track(work) : work;
}

/** A Task Resource, split like the IAM catalog splits it. */
export interface TaskResource {
  /** The catalog key, e.g. `sns:publish`. */
  key: string;
  pattern: IntegrationPattern;
  /** For a Lambda function ARN as Resource: that ARN. */
  functionArn?: string;
}

/**
 * Splits a Task Resource into its catalog key and integration pattern, with the IAM derivation's own parser.
 * @param resource e.g. `arn:aws:states:::sns:publish.waitForTaskToken` or a Lambda function ARN.
 * @returns the key and pattern, or `undefined` when the Resource is neither a service integration nor a function.
 */
export function parseTaskResource(resource: string): TaskResource | undefined {
  try {
    const { key, pattern, directTarget } = parseResource("<local>", "", resource);
    return directTarget ? { key, pattern, functionArn: resource } : { key, pattern };
  } catch {
    return undefined;
  }
}

/** `SdkHttpMetadata` and `SdkResponseMetadata`, which optimized integrations add to their results. */
function sdkMetadata(requestId: string = randomUUID()): Record<string, Json> {
  return {
    SdkHttpMetadata: { HttpHeaders: { "Content-Type": "application/x-amz-json-1.0", "x-amzn-RequestId": requestId }, HttpStatusCode: 200 },
    SdkResponseMetadata: { RequestId: requestId },
  };
}

function parametersObject(call: TaskCall): Record<string, Json> {
  if (typeof call.parameters !== "object" || call.parameters === null || Array.isArray(call.parameters)) {
    throw new LocalRunError(`the ${call.resource} integration needs Parameters that are a JSON object. Received: ${JSON.stringify(call.parameters)}`, call.state);
  }
  return call.parameters;
}

const lambdaInvoke: LocalIntegration = {
  patterns: ["", ".waitForTaskToken"],
  local: "runs the stack's handler in-process (function ARN → handlers/<name>.ts) after authorizing lambda:InvokeFunction; `lambda:invoke` returns {ExecutedVersion, Payload, SdkHttpMetadata, SdkResponseMetadata, StatusCode: 200}, a function ARN as Resource returns the payload itself",
  async run(call, services) {
    const { lambda } = services;
    const target = call.functionArn ?? parametersObject(call).FunctionName;
    if (typeof target !== "string") {
      throw new TaskFailure("Lambda.InvalidParameterValueException", `FunctionName must be a string. Received: ${JSON.stringify(target)}`);
    }
    const name = lambda.functionFor(target);
    if (name === undefined) {
      throw new TaskFailure("Lambda.ResourceNotFoundException", `Function not found: ${target} (Service: Lambda, Status Code: 404, Request ID: ${randomUUID()})`);
    }
    await authorizeTask(call, services, [{ action: "lambda:InvokeFunction", resource: lambda.arnOf(name) }], { call: "Lambda.AWSLambdaException", kms: "Lambda.KMSAccessDeniedException", service: "AWSLambda" });
    if (call.functionArn !== undefined) return lambda.invoke(name, call.parameters);
    const { Payload, InvocationType } = parametersObject(call);
    if (InvocationType !== undefined && InvocationType !== "RequestResponse") {
      throw new LocalRunError(`InvocationType ${JSON.stringify(InvocationType)} is not emulated locally; only RequestResponse is.`, call.state);
    }
    const payload = await lambda.invoke(name, Payload === undefined ? {} : Payload);
    return { ExecutedVersion: "$LATEST", Payload: payload, ...sdkMetadata(), StatusCode: 200 };
  },
};

/** Longest SNS message, in bytes. */
const MAX_SNS_MESSAGE_BYTES = 256 * 1024;

const snsPublish: LocalIntegration = {
  patterns: ["", ".waitForTaskToken"],
  local: "captured in memory (topic, subject, message), not delivered, after authorizing sns:Publish (and the topic's key); the topic must be one of the stack's; returns {MessageId, SdkHttpMetadata, SdkResponseMetadata}",
  async run(call, services) {
    const { notifications } = services;
    const { TopicArn, TargetArn, PhoneNumber, Subject, Message } = parametersObject(call);
    if (PhoneNumber !== undefined) throw new LocalRunError("SMS publishing (PhoneNumber) is not emulated locally.", call.state);
    const topicArn = TopicArn ?? TargetArn;
    if (typeof topicArn !== "string") {
      throw new TaskFailure("SNS.InvalidParameterException", "Invalid parameter: TopicArn or TargetArn Reason: no value for required parameter (Service: Sns, Status Code: 400)");
    }
    const topic = notifications.topicFor(topicArn);
    if (topic === undefined) throw new TaskFailure("SNS.NotFoundException", `Topic does not exist: ${topicArn} (Service: Sns, Status Code: 404)`);
    await authorizeTask(call, services, [{ action: "sns:Publish", resource: topicArn }], { call: "SNS.AuthorizationErrorException", kms: "SNS.KMSAccessDeniedException", service: "AmazonSNS" });
    if (Message === undefined || Message === null || Message === "") {
      throw new TaskFailure("SNS.InvalidParameterException", "Invalid parameter: Message Reason: Empty message (Service: Sns, Status Code: 400)");
    }
    const message = typeof Message === "string" ? Message : JSON.stringify(Message);
    if (Buffer.byteLength(message, "utf8") > MAX_SNS_MESSAGE_BYTES) {
      throw new TaskFailure("SNS.InvalidParameterException", `Invalid parameter: Message too long: ${Buffer.byteLength(message, "utf8")} bytes, at most ${MAX_SNS_MESSAGE_BYTES} (Service: Sns, Status Code: 400)`);
    }
    if (Subject !== undefined && (typeof Subject !== "string" || Subject.length === 0 || Subject.length >= 100 || /[\x00-\x1f\x7f]/.test(Subject))) {
      throw new TaskFailure("SNS.InvalidParameterException", `Invalid parameter: Subject must be printable text shorter than 100 characters. Received: ${JSON.stringify(Subject)} (Service: Sns, Status Code: 400)`);
    }
    const captured = notifications.capture({ state: call.state, topicArn, topic, subject: Subject, message, taskToken: call.taskToken });
    return { MessageId: captured.messageId, ...sdkMetadata() };
  },
};

/** The `SQS.<Exception>` name of an `@aws-sdk/client-sqs` error, as the AWS SDK for Java's exception classes name it. */
const SQS_EXCEPTIONS: Readonly<Record<string, { exception: string; code: string }>> = {
  QueueDoesNotExist: { exception: "QueueDoesNotExistException", code: "AWS.SimpleQueueService.NonExistentQueue" },
  InvalidMessageContents: { exception: "InvalidMessageContentsException", code: "InvalidMessageContents" },
  UnsupportedOperation: { exception: "UnsupportedOperationException", code: "AWS.SimpleQueueService.UnsupportedOperation" },
};

/** An SDK error of {@link LocalSqs} as the Task fails with it: `SQS.<Exception>`, or `SQS.AmazonSQSException` with its error code. */
function sqsFailure(error: unknown): TaskFailure {
  const { name, message, $metadata } = error as { name?: string; message?: string; $metadata?: { httpStatusCode?: number; requestId?: string } };
  const known = name ? SQS_EXCEPTIONS[name] : undefined;
  const code = known?.code ?? name ?? "UnknownError";
  return new TaskFailure(`SQS.${known?.exception ?? "AmazonSQSException"}`, `${message} (Service: AmazonSQS; Status Code: ${$metadata?.httpStatusCode ?? 400}; Error Code: ${code}; Request ID: ${$metadata?.requestId ?? randomUUID()}; Proxy: null)`);
}

const sqsSendMessage: LocalIntegration = {
  patterns: ["", ".waitForTaskToken"],
  local: "sent to the stack's in-memory SQS stand-in (`LocalSqs`, local/services/sqs.ts: visibility timeouts, receipt handles, FIFO groups), where workers receive it and a function the plan maps to the queue (an SQS event source mapping, local/services/event-sources.ts) is invoked with it, after authorizing sqs:SendMessage (and the queue's KMS key); returns {MD5OfMessageBody, MessageId, SdkHttpMetadata, SdkResponseMetadata}; errors named SQS.<Exception>",
  async run(call, services) {
    const { sqs } = services;
    if (!sqs) throw new LocalRunError("this run has no local SQS (LocalServices.sqs), so sqs:sendMessage cannot be served.", call.state);
    const { QueueUrl, MessageBody, DelaySeconds, MessageAttributes, MessageGroupId, MessageDeduplicationId } = parametersObject(call);
    if (typeof QueueUrl !== "string") throw sqsFailure(Object.assign(new Error(`The request must contain the parameter QueueUrl. Received: ${JSON.stringify(QueueUrl)}`), { name: "MissingParameter" }));
    const queue = sqs.queue(QueueUrl);
    if (!queue) throw sqsFailure(Object.assign(new Error(`The specified queue does not exist. Received: ${QueueUrl}`), { name: "QueueDoesNotExist" }));
    await authorizeTask(call, services, [{ action: "sqs:SendMessage", resource: queue.arn, keyCalls: services.authorizer ? queueKeyCalls(services.authorizer.index, queue, call.principal ?? "", ["kms:GenerateDataKey", "kms:Decrypt"]) : [] }], { call: "SQS.AmazonSQSException", kms: "SQS.KmsAccessDeniedException", service: "AmazonSQS" });
    const input = {
      QueueUrl,
      // A JSON MessageBody is sent as its JSON text.
      MessageBody: MessageBody === undefined || MessageBody === null || typeof MessageBody === "string" ? (MessageBody ?? undefined) : JSON.stringify(MessageBody),
      ...(DelaySeconds !== undefined ? { DelaySeconds } : {}),
      ...(MessageAttributes !== undefined ? { MessageAttributes } : {}),
      ...(MessageGroupId !== undefined ? { MessageGroupId } : {}),
      ...(MessageDeduplicationId !== undefined ? { MessageDeduplicationId } : {}),
    };
    let output: Awaited<ReturnType<LocalSqs["send"]>> & { MD5OfMessageBody?: string; MD5OfMessageAttributes?: string; MessageId?: string; SequenceNumber?: string };
    try {
      output = await sqs.send(new SendMessageCommand(input as unknown as SendMessageCommandInput));
    } catch (error) {
      throw sqsFailure(error);
    }
    // A function mapped to the queue (an event source mapping of the plan) polls it, as Lambda does.
    if (services.queueConsumers?.consumerOf(queue.arn)) deliverToConsumer(call, services, queue.arn);
    const { MD5OfMessageBody, MD5OfMessageAttributes, MessageId, SequenceNumber, $metadata } = output;
    return {
      ...(MD5OfMessageAttributes ? { MD5OfMessageAttributes } : {}),
      MD5OfMessageBody: MD5OfMessageBody!,
      MessageId: MessageId!,
      ...(SequenceNumber ? { SequenceNumber } : {}),
      ...sdkMetadata($metadata.requestId),
    };
  },
};

/**
 * Has the stack's consumer of a queue (its event source mapping, `LocalQueueConsumers`) poll it once the sending
 * Task waits, holding a virtual clock still while it works (as a responder does). A problem of the delivery (a denied
 * poll, a message the function failed) stops the execution while its token waits, else is the run's problem.
 */
function deliverToConsumer(call: TaskCall, services: LocalServices, queueArn: string): void {
  const consumers = services.queueConsumers!;
  const token = call.taskToken;
  const pending = () => (token === undefined ? false : (services.tokens.boundExecution?.pendingTaskTokens().includes(token) ?? false));
  const work = new Promise<void>((settled) =>
    setImmediate(async () => {
      try {
        // The function answers the token: let the Task start waiting on it first.
        for (let tick = 0; token !== undefined && !pending() && tick < 1000; tick++) await new Promise((resolve) => setImmediate(resolve));
        await consumers.deliver(queueArn, services.lambda);
      } catch (error) {
        const problem = error instanceof LocalRunError ? error : new LocalRunError(`the consumer of ${queueArn} failed: ${(error as Error).message}`, call.state);
        if (token !== undefined && pending()) services.tokens.abandon(token, problem, call.state);
        else services.problem ??= problem;
      } finally {
        settled();
      }
    }),
  );
  services.responding?.push(holdClock(services.clock, work));
}

/** Whether a Task's message goes to a queue the stack's function consumes, which then answers its token. */
function consumedQueue(call: TaskCall, services: LocalServices): boolean {
  const queueUrl = typeof call.parameters === "object" && call.parameters !== null && !Array.isArray(call.parameters) ? call.parameters.QueueUrl : undefined;
  return typeof queueUrl === "string" && call.resource.includes(":sqs:sendMessage") && services.queueConsumers?.consumerOf(queueUrl) !== undefined;
}

/** The DynamoDB actions served, as SDK commands. */
const DYNAMODB_COMMANDS = {
  getItem: (input: Json) => new GetItemCommand(input as unknown as GetItemCommandInput),
  putItem: (input: Json) => new PutItemCommand(input as unknown as PutItemCommandInput),
  updateItem: (input: Json) => new UpdateItemCommand(input as unknown as UpdateItemCommandInput),
  deleteItem: (input: Json) => new DeleteItemCommand(input as unknown as DeleteItemCommandInput),
  query: (input: Json) => new QueryCommand(input as unknown as QueryCommandInput),
  scan: (input: Json) => new ScanCommand(input as unknown as ScanCommandInput),
};

/**
 * A DynamoDB action, through the optimized integration (`dynamodb:<action>`: errors `DynamoDB.<Exception>`,
 * results with SDK metadata) or the AWS SDK integration (`aws-sdk:dynamodb:<action>`: errors `DynamoDb.<Exception>`,
 * the bare API response).
 */
function dynamodbAction(action: keyof typeof DYNAMODB_COMMANDS, flavour: "optimized" | "aws-sdk"): LocalIntegration {
  return {
    patterns: [""],
    local: `a real ${action} call through @aws-sdk/client-dynamodb to the in-process dynalite server, after authorizing it (and the table's key through DynamoDB); errors named ${flavour === "optimized" ? "DynamoDB" : "DynamoDb"}.<Exception>`,
    async run(call, services) {
      const { dynamodb } = services;
      const parameters = parametersObject(call);
      if (typeof parameters.TableName === "string") {
        const operation = action.charAt(0).toUpperCase() + action.slice(1);
        const table = parameters.TableName.startsWith("arn:") ? parameters.TableName : services.naming.tableArn(parameters.TableName);
        await authorizeTask(call, services, [{ action: `dynamodb:${operation}`, resource: table }], flavour === "optimized"
          ? { call: "DynamoDB.AmazonDynamoDBException", kms: "DynamoDB.AmazonDynamoDBException", service: "AmazonDynamoDBv2" }
          : { call: "DynamoDb.DynamoDbException", kms: "DynamoDb.DynamoDbException", service: "DynamoDb" });
      }
      const command = DYNAMODB_COMMANDS[action](parameters);
      let output: Record<string, unknown>;
      try {
        output = (await dynamodb.client.send(command as GetItemCommand)) as unknown as Record<string, unknown>;
      } catch (error) {
        throw dynamodbFailure(error, flavour);
      }
      const { $metadata, ...result } = output as { $metadata?: { requestId?: string } };
      const json = JSON.parse(JSON.stringify(result)) as Record<string, Json>;
      return flavour === "optimized" ? { ...json, ...sdkMetadata($metadata?.requestId) } : json;
    },
  };
}

/** A DynamoDB SDK error as Step Functions reports it for each integration flavour. */
function dynamodbFailure(error: unknown, flavour: "optimized" | "aws-sdk"): TaskFailure {
  const { name, message, $metadata } = error as { name?: string; message?: string; $metadata?: { httpStatusCode?: number; requestId?: string } };
  const code = name || "UnknownError";
  const status = $metadata?.httpStatusCode ?? 400;
  const requestId = $metadata?.requestId ?? randomUUID();
  return flavour === "optimized"
    ? new TaskFailure(`DynamoDB.${code}`, `${message} (Service: AmazonDynamoDBv2; Status Code: ${status}; Error Code: ${code}; Request ID: ${requestId}; Proxy: null)`)
    : new TaskFailure(`DynamoDb.${code}`, `${message} (Service: DynamoDb, Status Code: ${status}, Request ID: ${requestId})`);
}

/** The local integration table; every key is also a key of the IAM catalog. */
export const LOCAL_INTEGRATIONS: Readonly<Record<string, LocalIntegration>> = {
  "lambda:invoke": lambdaInvoke,
  "sns:publish": snsPublish,
  "sqs:sendMessage": sqsSendMessage,
  "dynamodb:getItem": dynamodbAction("getItem", "optimized"),
  "dynamodb:putItem": dynamodbAction("putItem", "optimized"),
  "dynamodb:updateItem": dynamodbAction("updateItem", "optimized"),
  "dynamodb:deleteItem": dynamodbAction("deleteItem", "optimized"),
  "aws-sdk:dynamodb:getItem": dynamodbAction("getItem", "aws-sdk"),
  "aws-sdk:dynamodb:putItem": dynamodbAction("putItem", "aws-sdk"),
  "aws-sdk:dynamodb:updateItem": dynamodbAction("updateItem", "aws-sdk"),
  "aws-sdk:dynamodb:deleteItem": dynamodbAction("deleteItem", "aws-sdk"),
  "aws-sdk:dynamodb:query": dynamodbAction("query", "aws-sdk"),
  "aws-sdk:dynamodb:scan": dynamodbAction("scan", "aws-sdk"),
  "states:startExecution": startExecutionSync,
  "ecs:runTask": ecsRunTask,
  "glue:startJobRun": glueStartJobRun,
  "batch:submitJob": batchSubmitJob,
  "sagemaker:createTransformJob": sagemakerCreateTransformJob,
};

/** True when `value` holds the string `needle` anywhere (as a value, at any depth). */
function containsString(value: Json, needle: string): boolean {
  if (typeof value === "string") return value.includes(needle);
  if (Array.isArray(value)) return value.some((item) => containsString(item, needle));
  if (value !== null && typeof value === "object") return Object.values(value).some((item) => containsString(item, needle));
  return false;
}

/**
 * `.waitForTaskToken`: sends the request and hands the Task to the responder, which answers later, from outside
 * the Task, as a person reading the message would; the engine waits for the answer (with the Task's timeouts).
 * @returns the request's result (the TaskSubmitted output).
 */
async function sendForTaskToken(call: TaskCall, integration: LocalIntegration, services: LocalServices): Promise<Json> {
  const token = call.taskToken;
  if (token === undefined || !containsString(call.parameters, token)) {
    throw new LocalRunError(`${call.resource} waits for a task token, but its Parameters do not pass $$.Task.Token, so nothing could ever answer it.`, call.state);
  }
  const responder = services.responder;
  // Answered from outside (the local endpoint's SendTaskSuccess), or by the function consuming the queue it sends to.
  if (!responder && (services.externalAnswers || consumedQueue(call, services))) return integration.run(call, services);
  if (!responder) {
    throw new LocalRunError(`${call.resource} waits for a task token and this run has no responder (a scenario's "approver") to answer it, nor a function of the stack consuming its queue.`, call.state);
  }
  const before = services.notifications.notifications.length;
  const result = await integration.run(call, services);
  const pending: PendingTask = {
    state: call.state,
    resource: call.resource,
    taskToken: token,
    parameters: call.parameters,
    notifications: services.notifications.notifications.slice(before),
    stepFunctions: new LocalStepFunctionsClient(services.tokens),
  };
  const responding = holdClock(
    services.clock,
    new Promise<void>((settled) =>
      setImmediate(() =>
        responder(pending)
          .catch((error: Error) => services.tokens.abandon(token, error, call.state))
          .finally(settled),
      ),
    ),
  );
  services.responding?.push(responding);
  return result;
}

/**
 * The engine's Task handler for a definition: binds every Task State (Parallel branches and Map processors
 * included) to its local integration by Resource, checked before anything runs.
 *
 * @param definition a rendered definition.
 * @param services the execution's services.
 * @returns the handler: serves each Task by its State, and stops the execution for a problem of the local run.
 * @throws LocalRunError naming the State and its Resource for a Task with no local integration or an integration
 *   pattern not served locally.
 */
export function localTaskHandler(definition: AslStateMachine, services: LocalServices): TaskHandler {
  const bound = new Map<string, { integration: LocalIntegration; parsed: TaskResource }>();
  for (const { name, state } of walkStates(definition)) {
    if (state.Type !== "Task") continue;
    const resource = String(state.Resource);
    const parsed = parseTaskResource(resource);
    const integration = parsed ? LOCAL_INTEGRATIONS[parsed.key] : undefined;
    if (!parsed || !integration) {
      throw new LocalRunError(
        `no local integration for Resource "${resource}"${parsed ? ` (integration "${parsed.key}")` : ""}. The local runner serves: ${Object.keys(LOCAL_INTEGRATIONS).join(", ")}, and the stack's Lambda function ARNs.`,
        name,
      );
    }
    if (!integration.patterns.includes(parsed.pattern)) {
      throw new LocalRunError(
        `Resource "${resource}" uses the ${parsed.pattern} pattern, which the local runner does not serve for "${parsed.key}" (served: ${integration.patterns.map((p) => p || "request-response").join(", ")}).`,
        name,
      );
    }
    bound.set(name, { integration, parsed });
  }
  return async (request: TaskRequest) => {
    try {
      const { integration, parsed } = bound.get(request.stateName) ?? {};
      if (!integration || !parsed) throw new LocalRunError(`no local integration is bound to this Task (Resource "${request.resource}").`, request.stateName);
      const call: TaskCall = {
        state: request.stateName,
        resource: request.resource,
        parameters: request.input,
        functionArn: parsed.functionArn,
        taskToken: request.taskToken,
        pattern: parsed.pattern,
        roleArn: credentialsRole(request.stateName, request.credentials),
        principal: services.caller?.executionRoleArn,
        clock: services.clock,
        submitted: request.submitted,
        idle: request.idle,
      };
      return parsed.pattern === ".waitForTaskToken" ? await sendForTaskToken(call, integration, services) : await integration.run(call, services);
    } catch (error) {
      if (error instanceof LocalRunError) {
        services.problem ??= error;
        services.stop?.();
      }
      throw error;
    }
  };
}

/**
 * The role of a Task's evaluated `Credentials`.
 * @throws LocalRunError naming the State for Credentials without a string RoleArn.
 */
function credentialsRole(state: string, credentials: unknown): string | undefined {
  if (credentials === undefined) return undefined;
  const roleArn = typeof credentials === "object" && credentials !== null ? (credentials as Record<string, unknown>).RoleArn : undefined;
  if (typeof roleArn !== "string") {
    throw new LocalRunError(`Credentials needs a RoleArn that is a string. Received: ${JSON.stringify(credentials)}`, state);
  }
  return roleArn;
}

/**
 * The catalog keys the local runner serves and those it does not, for documentation and a consistency test.
 * @returns `served` (in both tables) and `notServed` (catalog rows with no local integration).
 */
export function localCoverage(): { served: string[]; notServed: string[] } {
  const keys = Object.keys(INTEGRATIONS);
  return { served: keys.filter((key) => key in LOCAL_INTEGRATIONS), notServed: keys.filter((key) => !(key in LOCAL_INTEGRATIONS)) };
}

