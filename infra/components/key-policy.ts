import { ArnContext, buildArn } from "../iam/arn";
import { viaService } from "../iam/service";
import { ServicePrincipalStatement } from "../monitoring/alerts";
import { ResourcePolicyStatement } from "../sharing";

/**
 * The key policy of the platform's customer-managed key: the account administers it through IAM (every use by a
 * role is then granted in that role's policy, scoped by encryption context or `kms:ViaService`), CloudWatch Logs
 * may encrypt this account's log groups with it, log delivery (`delivery.logs.amazonaws.com`) may use it for the
 * vended logs of this account's log resources only (`aws:SourceAccount` and `aws:SourceArn`
 * `arn:<partition>:logs:<region>:<account>:*`), and consumers' `readers` of the stack's shared tables may decrypt
 * through DynamoDB (`consumerKeyStatements` of `infra/sharing.ts`), and, when the stack has alerts, CloudWatch alarms
 * and the status-change rule may encrypt messages for the alerts topic (`monitoringKeyStatements` of
 * `infra/monitoring/alerts.ts`).
 *
 * No other service principal needs the key: DynamoDB, SNS, Secrets Manager and Step Functions use it on behalf of
 * their callers, whose roles are granted it through `kms:ViaService` or the encryption context. CloudWatch and
 * EventBridge are the exception: they publish to the encrypted alerts topic as themselves, so the key policy must
 * name them, or their notifications are dropped without an error anyone sees.
 *
 * @param context the stack's partition, Region and account.
 * @param consumerStatements statements for other accounts' principals, appended as they are.
 * @param monitoringStatements statements for the services publishing to the alerts topic
 *   (`monitoringKeyStatements(naming.context, monitoringNames(naming))`), appended as they are. @default none
 * @returns the key policy document.
 * @see https://docs.aws.amazon.com/kms/latest/developerguide/key-policy-default.html
 * @see https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/encrypt-log-data-kms.html
 * @see https://docs.aws.amazon.com/step-functions/latest/dg/encryption-at-rest.html
 * @see https://docs.aws.amazon.com/kms/latest/developerguide/key-policy-modifying-external-accounts.html
 * @see https://docs.aws.amazon.com/sns/latest/dg/sns-key-management.html#compatibility-with-aws-services
 */
export function platformKeyPolicy(context: ArnContext, consumerStatements: ResourcePolicyStatement[] = [], monitoringStatements: ServicePrincipalStatement[] = []) {
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
      ...monitoringStatements,
    ],
  };
}
