import { ArnContext, buildArn } from "../iam/arn";
import { PolicyCondition } from "../iam/policy";
import { Naming } from "../naming";

/**
 * Who may publish to the stack's alerts topic and use its key, as plain values: the topic policy, the key policy
 * statements, the dead-letter queue's policy, and the names they are scoped by.
 *
 * Two AWS services publish alerts: CloudWatch (`cloudwatch.amazonaws.com`) for the alarms, EventBridge
 * (`events.amazonaws.com`) for the status-change rule. Each needs `sns:Publish` in the topic policy and, when the
 * topic is encrypted with a customer-managed key, `kms:GenerateDataKey*` and `kms:Decrypt` in that key's policy:
 * without either, SNS refuses the message and the alarm or rule reports nothing anywhere a person looks.
 * @see https://docs.aws.amazon.com/sns/latest/dg/sns-key-management.html#compatibility-with-aws-services
 * @see https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-use-resource-based.html#eb-sns-permissions
 */

/** A statement of a resource-based policy (topic, queue or key policy) whose principal is an AWS service. */
export interface ServicePrincipalStatement {
  Sid: string;
  Effect: "Allow";
  Principal: { Service: string };
  Action: string[];
  Resource: string | string[];
  Condition?: PolicyCondition;
}

/** A resource-based policy document of {@link ServicePrincipalStatement}s. */
export interface ServicePolicyDocument {
  Version: "2012-10-17";
  Statement: ServicePrincipalStatement[];
}

/** The service principal CloudWatch alarms act as. */
export const CLOUDWATCH_PRINCIPAL = "cloudwatch.amazonaws.com";
/** The service principal EventBridge rules act as. */
export const EVENTBRIDGE_PRINCIPAL = "events.amazonaws.com";

/** EventBridge's limit on a rule name, in characters. */
export const RULE_NAME_LIMIT = 64;

/** The physical names and ARNs of what the stack's monitoring deploys, known before any resource exists. */
export interface MonitoringNames {
  /** `statecraft-<stack>-alerts`. */
  alertsTopicName: string;
  /** `arn:<partition>:sns:<region>:<account>:statecraft-<stack>-alerts`. */
  alertsTopicArn: string;
  /** `statecraft-<stack>-execution-alerts`: the status-change rule, on the default event bus. */
  statusChangeRuleName: string;
  /** `arn:<partition>:events:<region>:<account>:rule/statecraft-<stack>-execution-alerts`. */
  statusChangeRuleArn: string;
  /** `statecraft-<stack>-execution-alerts-dlq`: where the rule's undeliverable events go. */
  deadLetterQueueName: string;
  /** `arn:<partition>:sqs:<region>:<account>:statecraft-<stack>-execution-alerts-dlq`. */
  deadLetterQueueArn: string;
  /** `statecraft-<stack>-`: every alarm the stack creates is named with it (`<state machine name>-<metric>`). */
  alarmNamePrefix: string;
  /** `arn:<partition>:cloudwatch:<region>:<account>:alarm:statecraft-<stack>-*`: the alarms that may publish. */
  alarmArnPattern: string;
  /** `statecraft-<stack>-workflows`: the CloudWatch dashboard. */
  dashboardName: string;
}

/**
 * The names and ARNs of the stack's monitoring, from its naming alone, so the platform's key policy (created before
 * the topic, the rule and the alarms) can name them.
 * @param naming the stack's naming.
 * @returns the names and ARNs.
 * @throws Error when the rule name exceeds EventBridge's 64 characters (a stack name over 29 characters).
 * @see https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazoncloudwatch.html#amazoncloudwatch-resources-for-iam-policies
 * @see https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazoneventbridge.html#amazoneventbridge-resources-for-iam-policies
 */
export function monitoringNames(naming: Naming): MonitoringNames {
  const { context } = naming;
  const statusChangeRuleName = naming.physical("execution-alerts");
  if (statusChangeRuleName.length > RULE_NAME_LIMIT) {
    throw new Error(`the status-change rule name ${statusChangeRuleName} is longer than EventBridge's ${RULE_NAME_LIMIT} characters: use a shorter stack name`);
  }
  const deadLetterQueueName = naming.physical("execution-alerts-dlq");
  const alarmNamePrefix = naming.physical("");
  return {
    alertsTopicName: naming.physical("alerts"),
    alertsTopicArn: naming.topicArn("alerts"),
    statusChangeRuleName,
    statusChangeRuleArn: buildArn(context, "events", `rule/${statusChangeRuleName}`),
    deadLetterQueueName,
    deadLetterQueueArn: buildArn(context, "sqs", deadLetterQueueName),
    alarmNamePrefix,
    alarmArnPattern: buildArn(context, "cloudwatch", `alarm:${alarmNamePrefix}*`),
    dashboardName: naming.physical("workflows"),
  };
}

/**
 * The alerts topic's policy: exactly two publishers, both confined to this stack.
 *
 * - `cloudwatch.amazonaws.com` may `sns:Publish` for an alarm of this account (`aws:SourceAccount`) whose ARN is like
 *   `arn:<partition>:cloudwatch:<region>:<account>:alarm:statecraft-<stack>-*` (`aws:SourceArn`, `ArnLike`);
 * - `events.amazonaws.com` may `sns:Publish` for the status-change rule only (`aws:SourceArn` `ArnEquals` the rule's
 *   ARN, as EventBridge's confused-deputy guidance says for a rule target; the ARN names the account).
 *
 * The topic's default statement (every principal of the owner account, `AWS:SourceOwner`) is not kept: a topic
 * policy replaces it, and the stack's own roles and the deployer reach the topic through their identity policies, as
 * for every topic policy of the stack (`infra/sharing.ts`). No statement names the principal `*`, so the
 * `sns-policy-restricted` rule has nothing to check.
 *
 * @param context the stack's partition, Region and account.
 * @param arns the topic's ARN, the status-change rule's ARN and the alarms' ARN pattern ({@link MonitoringNames}).
 * @returns the policy document.
 * @see https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/AlarmThatSendsEmail.html
 * @see https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-use-resource-based.html#eb-sns-permissions
 * @see https://docs.aws.amazon.com/eventbridge/latest/userguide/cross-service-confused-deputy-prevention.html
 * @see https://docs.aws.amazon.com/sns/latest/dg/sns-access-policy-use-cases.html
 */
export function alertsTopicPolicy(context: ArnContext, arns: Pick<MonitoringNames, "alertsTopicArn" | "statusChangeRuleArn" | "alarmArnPattern">): ServicePolicyDocument {
  return {
    Version: "2012-10-17",
    Statement: [
      {
        Sid: "StackAlarmsPublish",
        Effect: "Allow",
        Principal: { Service: CLOUDWATCH_PRINCIPAL },
        Action: ["sns:Publish"],
        Resource: arns.alertsTopicArn,
        Condition: { StringEquals: { "aws:SourceAccount": context.account }, ArnLike: { "aws:SourceArn": arns.alarmArnPattern } },
      },
      {
        Sid: "StatusChangeRulePublishes",
        Effect: "Allow",
        Principal: { Service: EVENTBRIDGE_PRINCIPAL },
        Action: ["sns:Publish"],
        Resource: arns.alertsTopicArn,
        Condition: { ArnEquals: { "aws:SourceArn": arns.statusChangeRuleArn } },
      },
    ],
  };
}

/**
 * The key policy statements that let the two publishers of the alerts topic use the stack's customer-managed key for
 * that topic: `kms:GenerateDataKey*` and `kms:Decrypt` (what the SNS guide grants an AWS service publishing to an
 * encrypted topic), for
 *
 * - `cloudwatch.amazonaws.com`, only for this account's alarms named `statecraft-<stack>-*` (`aws:SourceAccount`,
 *   `aws:SourceArn` `ArnLike`) and only for the alerts topic (`kms:EncryptionContext:aws:sns:topicArn`, the
 *   encryption context SNS binds to every data key of a topic);
 * - `events.amazonaws.com`, only for the alerts topic (`kms:EncryptionContext:aws:sns:topicArn`). Not with
 *   `aws:SourceArn` or `aws:SourceAccount`: the SNS guide says adding them to a KMS policy "is not supported for
 *   EventBridge-to-encrypted topics", and delivery would fail silently. The topic policy, which does carry the rule's
 *   ARN, is what confines EventBridge to the status-change rule.
 *
 * A key policy statement's Resource is the key itself (`*`). Pass them to `platformKeyPolicy` (`monitoringStatements`).
 *
 * @param context the stack's partition, Region and account.
 * @param names the alerts topic's ARN and the alarms' ARN pattern ({@link monitoringNames}).
 * @returns the two statements.
 * @see https://docs.aws.amazon.com/sns/latest/dg/sns-key-management.html#compatibility-with-aws-services
 * @see https://docs.aws.amazon.com/kms/latest/developerguide/conditions-kms.html#conditions-kms-encryption-context
 * @see https://docs.aws.amazon.com/kms/latest/developerguide/conditions-kms.html#conditions-aws-source
 */
export function monitoringKeyStatements(context: ArnContext, names: Pick<MonitoringNames, "alertsTopicArn" | "alarmArnPattern">): ServicePrincipalStatement[] {
  const actions = ["kms:Decrypt", "kms:GenerateDataKey*"];
  const forTopic = { "kms:EncryptionContext:aws:sns:topicArn": names.alertsTopicArn };
  return [
    {
      Sid: "StackAlarmsUseKeyForAlertsTopic",
      Effect: "Allow",
      Principal: { Service: CLOUDWATCH_PRINCIPAL },
      Action: actions,
      Resource: "*",
      Condition: { StringEquals: { "aws:SourceAccount": context.account, ...forTopic }, ArnLike: { "aws:SourceArn": names.alarmArnPattern } },
    },
    {
      Sid: "StatusChangeRuleUsesKeyForAlertsTopic",
      Effect: "Allow",
      Principal: { Service: EVENTBRIDGE_PRINCIPAL },
      Action: actions,
      Resource: "*",
      Condition: { StringEquals: forTopic },
    },
  ];
}

/**
 * The policy of an EventBridge rule's dead-letter queue (the status-change rule's, and each event-rule or S3
 * trigger's): `events.amazonaws.com` may `sqs:SendMessage` only for that rule (`aws:SourceArn` `ArnEquals` its
 * ARN), as EventBridge's guide writes it.
 * @param queueArn the queue's ARN.
 * @param ruleArn the rule's ARN.
 * @returns the policy document.
 * @see https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-rule-dlq.html
 * @see https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-use-resource-based.html#eb-sqs-permissions
 */
export function deadLetterQueuePolicy(queueArn: string, ruleArn: string): ServicePolicyDocument {
  return {
    Version: "2012-10-17",
    Statement: [
      {
        Sid: "RuleSendsUndeliveredEvents",
        Effect: "Allow",
        Principal: { Service: EVENTBRIDGE_PRINCIPAL },
        Action: ["sqs:SendMessage"],
        Resource: queueArn,
        Condition: { ArnEquals: { "aws:SourceArn": ruleArn } },
      },
    ],
  };
}
