import { ArnContext, buildArn } from "../iam/arn";
import { viaService } from "../iam/service";
import { ResourcePolicyStatement } from "../sharing";

/**
 * The key policy of the platform's customer-managed key: the account administers it through IAM (every use by a
 * role is then granted in that role's policy, scoped by encryption context or `kms:ViaService`), CloudWatch Logs
 * may encrypt this account's log groups with it, log delivery (`delivery.logs.amazonaws.com`) may use it for the
 * vended logs of this account's log resources only (`aws:SourceAccount` and `aws:SourceArn`
 * `arn:<partition>:logs:<region>:<account>:*`), and consumers' `readers` of the stack's shared tables may decrypt
 * through DynamoDB (`consumerKeyStatements` of `infra/sharing.ts`).
 *
 * No other service principal needs the key: DynamoDB, SNS, Secrets Manager and Step Functions use it on behalf of
 * their callers, whose roles are granted it through `kms:ViaService` or the encryption context.
 *
 * @param context the stack's partition, Region and account.
 * @param consumerStatements statements for other accounts' principals, appended as they are.
 * @returns the key policy document.
 * @see https://docs.aws.amazon.com/kms/latest/developerguide/key-policy-default.html
 * @see https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/encrypt-log-data-kms.html
 * @see https://docs.aws.amazon.com/step-functions/latest/dg/encryption-at-rest.html
 * @see https://docs.aws.amazon.com/kms/latest/developerguide/key-policy-modifying-external-accounts.html
 */
export function platformKeyPolicy(context: ArnContext, consumerStatements: ResourcePolicyStatement[] = []) {
  const { partition, region, account } = context;
  return {
    Version: "2012-10-17",
    Statement: [
      {
        Sid: "AccountAdministersKeyThroughIam",
        Effect: "Allow",
        Principal: { AWS: `arn:${partition}:iam::${account}:root` },
        Action: "kms:*",
        Resource: "*",
      },
      {
        Sid: "CloudWatchLogsEncryptsThisAccountsLogGroups",
        Effect: "Allow",
        Principal: { Service: viaService("logs", region) },
        Action: ["kms:Decrypt*", "kms:Describe*", "kms:Encrypt*", "kms:GenerateDataKey*", "kms:ReEncrypt*"],
        Resource: "*",
        Condition: { ArnLike: { "kms:EncryptionContext:aws:logs:arn": buildArn(context, "logs", "log-group:*") } },
      },
      {
        Sid: "LogDeliveryUsesKeyForVendedLogs",
        Effect: "Allow",
        Principal: { Service: "delivery.logs.amazonaws.com" },
        Action: ["kms:Decrypt", "kms:GenerateDataKey"],
        Resource: "*",
        Condition: { StringEquals: { "aws:SourceAccount": account }, ArnLike: { "aws:SourceArn": buildArn(context, "logs", "*") } },
      },
      ...consumerStatements,
    ],
  };
}
