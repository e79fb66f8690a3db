import type { BucketName, HandlerGrant, QueueName, SecretName, TableName, TopicName } from "../manifest";
import { PolicyStatement } from "./policy";
import { EncryptedResource, keyUseNeeds } from "./service";

/**
 * The IAM statements a Lambda handler's grants (`HANDLERS[…].grants` of `infra/manifest.ts`) stand for, as plain
 * functions of the resources' ARNs: what the Platform puts in each function's role policy, and what a local run
 * authorises a handler's calls with.
 */

/** Where a handler's grants point: the ARNs of the stack's resources, and the key encrypting them. */
export interface HandlerGrantTargets {
  /** The stack's Region (the `kms:ViaService` endpoints). */
  region: string;
  /** The ARN of one of the stack's tables. */
  tableArn: (table: TableName) => string;
  /** The ARN of one of the stack's topics. */
  topicArn: (topic: TopicName) => string;
  /** The ARN of one of the stack's queues. */
  queueArn: (queue: QueueName) => string;
  /** The ARN of one of the stack's secrets, with the random suffix Secrets Manager appends. */
  secretArn: (secret: SecretName) => string;
  /** The ARN of one of the stack's buckets (`arn:<partition>:s3:::<name>`). */
  bucketArn: (bucket: BucketName) => string;
  /** The ARNs of the tables `createBackups` backs up (`statecraft:backupTables`, physical names). */
  backupTableArns: readonly string[];
  /**
   * The stack's resources encrypted with a customer-managed key (`statecraft:kmsKey`), if any: the grants then
   * include the key's use through each service for those the grants reach ({@link keyUseNeeds}).
   * @default []
   */
  encrypted?: readonly EncryptedResource[];
}

/**
 * The statements of one handler grant:
 *
 * - `createBackups`: `dynamodb:CreateBackup` on the backup tables;
 * - `answerTaskTokens`: `states:SendTaskSuccess` and `states:SendTaskFailure` on `*`: the Service Authorization
 *   Reference gives them no resource type, so a state machine ARN as Resource never matches (the task token names
 *   the execution);
 * - `tableItems`: `dynamodb:<action>` for each listed action, on the table;
 * - `publish`: `sns:Publish` on the topic;
 * - `readSecret`: `secretsmanager:GetSecretValue` on the secret;
 * - `bucketObjects`: `s3:<action>` on the bucket's objects under the prefix (`arn:…:s3:::<bucket>/<prefix>*`), and
 *   with `list`, `s3:ListBucket` on the bucket where `s3:prefix` starts with the prefix.
 * - `consumeQueue`: `sqs:ReceiveMessage`, `sqs:DeleteMessage` and `sqs:GetQueueAttributes` on the queue, what a
 *   Lambda event source mapping polls with, as the function's role (`AWSLambdaSQSQueueExecutionRole` grants them).
 *
 * @param grant the grant, from the manifest.
 * @param targets the ARNs the grants point to.
 * @returns the statements, without key grants (see {@link handlerPolicyStatements}).
 * @see https://docs.aws.amazon.com/service-authorization/latest/reference/list_awsstepfunctions.html
 * @see https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazondynamodb.html
 * @see https://docs.aws.amazon.com/AmazonS3/latest/userguide/amazon-s3-policy-keys.html#condition-key-bucket-ops-2
 * @see https://docs.aws.amazon.com/lambda/latest/dg/services-sqs-configure.html
 */
export function handlerGrantStatements(grant: HandlerGrant, targets: HandlerGrantTargets): PolicyStatement[] {
  switch (grant.kind) {
    case "createBackups":
      return [{ Effect: "Allow", Action: ["dynamodb:CreateBackup"], Resource: [...targets.backupTableArns] }];
    case "answerTaskTokens":
      return [{ Effect: "Allow", Action: ["states:SendTaskFailure", "states:SendTaskSuccess"], Resource: ["*"] }];
    case "tableItems":
      return [{ Effect: "Allow", Action: grant.actions.map((action) => `dynamodb:${action}`).sort(), Resource: [targets.tableArn(grant.table)] }];
    case "publish":
      return [{ Effect: "Allow", Action: ["sns:Publish"], Resource: [targets.topicArn(grant.topic)] }];
    case "readSecret":
      return [{ Effect: "Allow", Action: ["secretsmanager:GetSecretValue"], Resource: [targets.secretArn(grant.secret)] }];
    case "bucketObjects": {
      const bucket = targets.bucketArn(grant.bucket);
      return [
        { Effect: "Allow", Action: grant.actions.map((action) => `s3:${action}`).sort(), Resource: [`${bucket}/${grant.prefix}*`] },
        ...(grant.list ? [{ Effect: "Allow" as const, Action: ["s3:ListBucket"], Resource: [bucket], Condition: { StringLike: { "s3:prefix": `${grant.prefix}*` } } }] : []),
      ];
    }
    case "consumeQueue":
      return [{ Effect: "Allow", Action: ["sqs:DeleteMessage", "sqs:GetQueueAttributes", "sqs:ReceiveMessage"], Resource: [targets.queueArn(grant.queue)] }];
  }
}

/**
 * Every statement a handler's role needs for its grants: each grant's ({@link handlerGrantStatements}), then the
 * key's use for the encrypted tables, topics and secrets those statements reach
 * ({@link keyUseNeeds}: `kms:Decrypt` to read a table, plus `kms:Encrypt`/`kms:GenerateDataKey` to write one, each
 * through DynamoDB; the SNS publisher's grant; `kms:Decrypt` through Secrets Manager in the secret's encryption
 * context; `kms:Decrypt` through SQS for a queue it consumes).
 *
 * @param grants the handler's grants (`HANDLERS[…].grants`).
 * @param targets the ARNs the grants point to, and the key.
 * @returns the statements, unmerged (the role policy merges them).
 * @see https://docs.aws.amazon.com/lambda/latest/dg/lambda-intro-execution-role.html
 */
export function handlerPolicyStatements(grants: readonly HandlerGrant[], targets: HandlerGrantTargets): PolicyStatement[] {
  const statements = grants.flatMap((grant) => handlerGrantStatements(grant, targets));
  return [...statements, ...keyUseNeeds(statements, targets.encrypted ?? [], targets.region).map((need) => need.statement)];
}
