import { buildArn, parseArn } from "../../infra/iam/arn";
import { viaService } from "../../infra/iam/service";
import type { IamCall } from "./authorizer";
import type { PlanIndex, PlannedStateMachine } from "./plan-index";
import { TRIGGER_SERVICE } from "../../infra/triggers/roles";

/**
 * The calls AWS makes *with the caller's permissions* around an API call, beyond the call itself: the KMS calls
 * a service makes when the resource is encrypted with a customer-managed key, and what Step Functions checks
 * before an execution runs. Each list is what the AWS page cited says; nothing is derived from our own grants.
 */

/** DynamoDB item and table-read actions: each decrypts the table key with the caller's permissions. */
const DYNAMODB_DATA = /^dynamodb:(GetItem|PutItem|UpdateItem|DeleteItem|Query|Scan|BatchGetItem|BatchWriteItem|TransactGetItems|TransactWriteItems|ConditionCheckItem)$/;

/**
 * The KMS calls S3 makes with the caller's permissions for an object of an SSE-KMS bucket: `kms:Decrypt` to read it,
 * `kms:GenerateDataKey` to write it — AmazonS3/latest/userguide/UsingKMSEncryption.html#require-sse-kms.
 */
const S3_OBJECT_KEY_USE: Readonly<Record<string, readonly string[]>> = {
  "s3:GetObject": ["kms:Decrypt"],
  "s3:GetObjectVersion": ["kms:Decrypt"],
  "s3:PutObject": ["kms:GenerateDataKey"],
};

/**
 * The call followed by the KMS calls the service makes with the caller's permissions when the resource is
 * encrypted with a customer-managed key the plan registers:
 * - DynamoDB item actions: `kms:Decrypt` via `dynamodb.<region>.amazonaws.com` (encryption context
 *   `aws:dynamodb:tableName`) — kms/latest/developerguide/services-dynamodb.html;
 * - `sns:Publish`: `kms:GenerateDataKey` and `kms:Decrypt` via `sns.<region>.amazonaws.com` —
 *   sns/latest/dg/sns-key-management.html;
 * - S3 object reads and writes of an SSE-KMS bucket: {@link S3_OBJECT_KEY_USE} via `s3.<region>.amazonaws.com`
 *   (encryption context `aws:s3:arn`, the bucket's ARN, as an S3 Bucket Key makes it);
 * - `secretsmanager:GetSecretValue`: `kms:Decrypt` via `secretsmanager.<region>.amazonaws.com` (encryption context
 *   `SecretARN`) — secretsmanager/latest/userguide/security-encryption.html;
 * - `states:DescribeExecution`, `states:StartSyncExecution`: `kms:Decrypt` in the state machine's encryption
 *   context — step-functions/latest/dg/encryption-at-rest.html (StartExecution needs none).
 * @param index the plans' facts (which key encrypts what).
 * @param call the API call.
 * @returns `[call, ...kms calls]`.
 */
export function withServiceKeyCalls(index: PlanIndex, call: IamCall): IamCall[] {
  const arn = parseArn(call.resource);
  const kms = (key: string, actions: string[], service: string, context: Record<string, string>): IamCall[] =>
    actions.map((action) => ({ principal: call.principal, action, resource: key, context: { "kms:ViaService": viaService(service, arn?.region ?? ""), "kms:CallerAccount": parseArn(call.principal)?.account ?? "", ...context } }));
  if (DYNAMODB_DATA.test(call.action)) {
    const key = index.keys.get(call.resource);
    return key ? [call, ...kms(key, ["kms:Decrypt"], "dynamodb", { "kms:EncryptionContext:aws:dynamodb:tableName": arn?.resource.replace(/^table\//, "").split("/")[0] ?? "" })] : [call];
  }
  if (call.action === "sns:Publish") {
    const key = index.keys.get(call.resource);
    return key ? [call, ...kms(key, ["kms:GenerateDataKey", "kms:Decrypt"], "sns", { "kms:EncryptionContext:aws:sns:topicArn": call.resource })] : [call];
  }
  if (S3_OBJECT_KEY_USE[call.action]) {
    // `arn:<partition>:s3:::<bucket>/<key>`: with an S3 Bucket Key, the encryption context is the bucket's ARN.
    const bucketArn = call.resource.replace(/^(arn:[^:]+:s3:::[^/]+)\/.*$/, "$1");
    const key = index.keys.get(bucketArn);
    return key
      ? [call, ...S3_OBJECT_KEY_USE[call.action].map((action) => ({ principal: call.principal, action, resource: key, context: { "kms:ViaService": viaService("s3", parseArn(key)?.region ?? ""), "kms:CallerAccount": parseArn(call.principal)?.account ?? "", "kms:EncryptionContext:aws:s3:arn": bucketArn } }))]
      : [call];
  }
  if (call.action === "secretsmanager:GetSecretValue") {
    const key = index.keys.get(call.resource);
    return key ? [call, ...kms(key, ["kms:Decrypt"], "secretsmanager", { "kms:EncryptionContext:SecretARN": call.resource })] : [call];
  }
  if (call.action === "states:DescribeExecution" || call.action === "states:StartSyncExecution") {
    const machineArn = call.action === "states:DescribeExecution" ? stateMachineOfExecution(call.resource) : call.resource;
    const key = index.stateMachines.get(machineArn)?.keyArn;
    return key ? [call, ...kms(key, ["kms:Decrypt"], "states", { "kms:EncryptionContext:aws:states:stateMachineArn": machineArn })] : [call];
  }
  return [call];
}

/**
 * The KMS calls SQS makes with the caller's permissions on an SSE-KMS queue: for a producer `kms:GenerateDataKey`
 * and `kms:Decrypt`, for a consumer (ReceiveMessage) `kms:Decrypt`, on the queue's customer-managed key, via
 * `sqs.<region>.amazonaws.com`, in the encryption context `aws:sqs:arn`. None for SSE-SQS or the AWS managed key
 * `alias/aws/sqs`.
 * @param index the plans (a key id is resolved to the planned key's ARN).
 * @param queue the queue's ARN and key (`kmsMasterKeyId`).
 * @param principal the caller.
 * @param actions the KMS actions SQS makes for the call.
 * @returns the calls, without principal.
 * @see https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/sqs-key-management.html
 */
export function queueKeyCalls(index: PlanIndex, queue: { arn: string; kmsKeyId?: string }, principal: string, actions: readonly string[]): Omit<IamCall, "principal">[] {
  const keyId = queue.kmsKeyId;
  if (!keyId || keyId === "alias/aws/sqs") return [];
  const [, partition, , region, account] = queue.arn.split(":");
  const planned = index.ofType("aws:kms/key:Key").find((key) => key.outputs?.keyId === keyId || key.outputs?.id === keyId);
  const key = keyId.startsWith("arn:") ? keyId : String(planned?.outputs?.arn ?? `arn:${partition}:kms:${region}:${account}:key/${keyId}`);
  const context = { "kms:ViaService": viaService("sqs", region), "kms:CallerAccount": principal.split(":")[4] ?? "", "kms:EncryptionContext:aws:sqs:arn": queue.arn };
  return actions.map((action) => ({ action, resource: key, context }));
}

/** `arn:…:execution:<machine>:<name>` → `arn:…:stateMachine:<machine>`. */
export function stateMachineOfExecution(executionArn: string): string {
  const parts = executionArn.split(":");
  return [...parts.slice(0, 5), "stateMachine", parts[6]].join(":");
}

/**
 * What must be allowed for an execution of a state machine to run, checked when it starts:
 * - `states.amazonaws.com` assumes the execution role (its trust, with `aws:SourceAccount` and `aws:SourceArn`);
 * - with a customer-managed key, the execution role uses it in the machine's encryption context
 *   (`kms:GenerateDataKey`, `kms:Decrypt`);
 * - with logging on as well, the execution role may `kms:GenerateDataKey` for log delivery
 *   (`kms:EncryptionContext:SourceArn` = `arn:<partition>:logs:<region>:<account>:*`) and the key policy lets
 *   `delivery.logs.amazonaws.com` decrypt.
 * @see https://docs.aws.amazon.com/step-functions/latest/dg/encryption-at-rest.html
 * @see https://docs.aws.amazon.com/step-functions/latest/dg/procedure-create-iam-role.html
 */
export function executionStartCalls(machine: PlannedStateMachine): IamCall[] {
  const arn = parseArn(machine.arn)!;
  const context = { partition: arn.partition, region: arn.region, account: arn.account };
  const calls: IamCall[] = [
    { principal: "states.amazonaws.com", action: "sts:AssumeRole", resource: machine.roleArn, context: { "aws:SourceAccount": arn.account, "aws:SourceArn": machine.arn } },
  ];
  if (!machine.keyArn) return calls;
  for (const action of ["kms:GenerateDataKey", "kms:Decrypt"]) {
    calls.push({ principal: machine.roleArn, action, resource: machine.keyArn, context: { "kms:EncryptionContext:aws:states:stateMachineArn": machine.arn, "kms:CallerAccount": arn.account } });
  }
  if (machine.logs) {
    const logs = buildArn(context, "logs", "*");
    calls.push({ principal: machine.roleArn, action: "kms:GenerateDataKey", resource: machine.keyArn, context: { "kms:EncryptionContext:SourceArn": logs, "kms:CallerAccount": arn.account } });
    // Log delivery's own request names the delivery's log group, not the wildcard the execution role's context has.
    calls.push({ principal: "delivery.logs.amazonaws.com", action: "kms:Decrypt", resource: machine.keyArn, context: { "aws:SourceAccount": arn.account, "aws:SourceArn": machine.logGroupArn ?? logs } });
  }
  return calls;
}

/** A trigger as the stack's `triggers` output describes it, with the state machine it starts. */
export interface PlannedTrigger {
  type: "schedule" | "eventRule" | "s3" | "http";
  /** The role the trigger's service assumes. */
  roleArn: string;
  /** The schedule group's, rule's or HTTP API's ARN the service presents as `aws:SourceArn` (a route, for HTTP). */
  sourceArn: string;
  /** The unqualified state machine ARN, and the alias the trigger starts. */
  stateMachineArn: string;
  alias: string;
  /** A synchronous HTTP route (StartSyncExecution). */
  sync?: boolean;
}

/**
 * The calls AWS makes when a trigger fires: its service (Scheduler, EventBridge, API Gateway) assumes the trigger's
 * role, from the stack's account and the trigger's own ARN (`aws:SourceAccount`, `aws:SourceArn`), and the role
 * starts the workflow's alias: `states:StartExecution` (or `StartSyncExecution`) authorized against the unqualified
 * state machine ARN, with the alias as `states:StateMachineQualifier`.
 * @param trigger the trigger.
 * @param account the stack's account.
 * @returns the calls, in order.
 * @see https://docs.aws.amazon.com/step-functions/latest/dg/auth-version-alias.html
 * @see https://docs.aws.amazon.com/IAM/latest/UserGuide/confused-deputy.html
 */
export function triggerStartCalls(trigger: PlannedTrigger, account: string): IamCall[] {
  const service = TRIGGER_SERVICE[trigger.type];
  return [
    { principal: service, action: "sts:AssumeRole", resource: trigger.roleArn, context: { "aws:SourceAccount": account, "aws:SourceArn": trigger.sourceArn } },
    {
      principal: trigger.roleArn,
      action: trigger.sync ? "states:StartSyncExecution" : "states:StartExecution",
      resource: trigger.stateMachineArn,
      context: { "states:StateMachineQualifier": [trigger.alias] },
    },
  ];
}
