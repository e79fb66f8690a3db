import type { HandlerGrant, SecretName, TableName, TopicName } from "../manifest";
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
  /** The ARN of one of the stack's secrets, with the random suffix Secrets Manager appends. */
  secretArn: (secret: SecretName) => string;
  /** The ARNs of the tables `createBackups` backs up (`statecraft:backupTables`, physical names). */
  backupTableArns: readonly string[];
  /**
   * The customer-managed key encrypting the stack's tables, topics and secrets (`statecraft:kmsKey`), if any: the
   * grants then include its use through each service ({@link keyUseNeeds}).
   */
  keyArn?: string;
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
 * - `readSecret`: `secretsmanager:GetSecretValue` on the secret.
 *
 * @param grant the grant, from the manifest.
 * @param targets the ARNs the grants point to.
 * @returns the statements, without key grants (see {@link handlerGrantStatements}).
 * @see https://docs.aws.amazon.com/service-authorization/latest/reference/list_awsstepfunctions.html
 * @see https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazondynamodb.html
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
  }
}

/**
 * Every statement a handler's role needs for its grants: each grant's ({@link handlerGrantStatements}), then, when
 * the stack has a customer-managed key, that key's use for the tables, topics and secrets those statements reach
 * ({@link keyUseNeeds}: `kms:Decrypt` to read a table, plus `kms:Encrypt`/`kms:GenerateDataKey` to write one, each
 * through DynamoDB; the SNS publisher's grant; `kms:Decrypt` through Secrets Manager in the secret's encryption
 * context).
 *
 * @param grants the handler's grants (`HANDLERS[…].grants`).
 * @param targets the ARNs the grants point to, and the key.
 * @returns the statements, unmerged (the role policy merges them).
 * @see https://docs.aws.amazon.com/lambda/latest/dg/lambda-intro-execution-role.html
 */
export function handlerPolicyStatements(grants: readonly HandlerGrant[], targets: HandlerGrantTargets): PolicyStatement[] {
  const statements = grants.flatMap((grant) => handlerGrantStatements(grant, targets));
  if (!targets.keyArn) return statements;
  const keyArn = targets.keyArn;
  const encrypted: EncryptedResource[] = grants.flatMap((grant): EncryptedResource[] => {
    switch (grant.kind) {
      case "tableItems":
        return [{ kind: "table", arn: targets.tableArn(grant.table), name: grant.table, keyArn }];
      case "publish":
        return [{ kind: "topic", arn: targets.topicArn(grant.topic), name: grant.topic, keyArn }];
      case "readSecret":
        return [{ kind: "secret", arn: targets.secretArn(grant.secret), name: grant.secret, keyArn }];
      default:
        return [];
    }
  });
  return [...statements, ...keyUseNeeds(statements, encrypted, targets.region).map((need) => need.statement)];
}
