import { ArnContext, buildArn } from "./arn";
import { PolicyStatement, TrustPolicyDocument } from "./policy";

/**
 * Statements and trust policies every execution role needs besides its Tasks' grants: CloudWatch Logs delivery,
 * X-Ray, a customer-managed KMS key, and the trust of the service principal.
 */

/**
 * CloudWatch Logs delivery for a state machine's logging configuration. The log delivery APIs take no resource,
 * so `Resource` is `*`; `logs:CreateLogStream` and `logs:PutLogEvents` are added as current AWS docs do.
 * @see https://docs.aws.amazon.com/step-functions/latest/dg/cw-logs.html#cloudwatch-iam-policy
 */
export function logDeliveryStatement(): PolicyStatement {
  return {
    Effect: "Allow",
    Action: [
      "logs:CreateLogDelivery",
      "logs:CreateLogStream",
      "logs:DeleteLogDelivery",
      "logs:DescribeLogGroups",
      "logs:DescribeResourcePolicies",
      "logs:GetLogDelivery",
      "logs:ListLogDeliveries",
      "logs:PutLogEvents",
      "logs:PutResourcePolicy",
      "logs:UpdateLogDelivery",
    ],
    Resource: ["*"],
  };
}

/**
 * X-Ray trace submission (the X-Ray write APIs take no resource).
 * @see https://docs.aws.amazon.com/step-functions/latest/dg/concepts-xray-tracing.html
 */
export function xrayStatement(): PolicyStatement {
  return {
    Effect: "Allow",
    Action: ["xray:GetSamplingRules", "xray:GetSamplingTargets", "xray:PutTelemetryRecords", "xray:PutTraceSegments"],
    Resource: ["*"],
  };
}

/**
 * Use of the customer-managed key that encrypts a state machine's data, only in that state machine's encryption
 * context.
 * @param keyArn the KMS key ARN.
 * @param stateMachineArn the state machine's ARN.
 * @see https://docs.aws.amazon.com/step-functions/latest/dg/encryption-at-rest.html
 */
export function stateMachineKeyStatement(keyArn: string, stateMachineArn: string): PolicyStatement {
  return {
    Effect: "Allow",
    Action: ["kms:Decrypt", "kms:GenerateDataKey"],
    Resource: [keyArn],
    Condition: { StringEquals: { "kms:EncryptionContext:aws:states:stateMachineArn": stateMachineArn } },
  };
}

/** What a state machine's own configuration asks of its execution role, besides its Tasks' grants. */
export interface ExecutionServiceOptions {
  /** Whether the machine logs (`loggingConfiguration.level` other than `OFF`): log delivery. */
  logging: boolean;
  /** Whether X-Ray tracing is on. */
  tracing: boolean;
  /** The customer-managed key encrypting the machine's data, if any. */
  keyArn?: string;
  /** The machine's own ARN, the key's encryption context. */
  stateMachineArn: string;
}

/**
 * The statements an execution role needs for the state machine's own logging, tracing and encryption: log
 * delivery when it logs, X-Ray when it traces, the customer-managed key in its own encryption context.
 * @param options see {@link ExecutionServiceOptions}.
 * @returns the statements, in that order.
 * @see https://docs.aws.amazon.com/step-functions/latest/dg/cw-logs.html#cloudwatch-iam-policy
 */
export function executionServiceStatements(options: ExecutionServiceOptions): PolicyStatement[] {
  return executionServiceNeeds(options).map((need) => need.statement);
}

/**
 * {@link executionServiceStatements}, each with the state machine setting that needs it (`loggingConfiguration`,
 * `tracingConfiguration`, `encryptionConfiguration`), for a check that names why a grant is needed.
 */
export function executionServiceNeeds(options: ExecutionServiceOptions): { statement: PolicyStatement; neededBy: string }[] {
  return [
    ...(options.logging ? [{ statement: logDeliveryStatement(), neededBy: "loggingConfiguration" }] : []),
    ...(options.tracing ? [{ statement: xrayStatement(), neededBy: "tracingConfiguration" }] : []),
    ...(options.keyArn ? [{ statement: stateMachineKeyStatement(options.keyArn, options.stateMachineArn), neededBy: "encryptionConfiguration" }] : []),
  ];
}

/**
 * Use of the key that encrypts SNS topics, only through SNS: a publisher to an encrypted topic needs it.
 * @param keyArn the KMS key ARN.
 * @param region the topics' Region.
 * @see https://docs.aws.amazon.com/sns/latest/dg/sns-key-management.html
 */
export function snsKeyStatement(keyArn: string, region: string): PolicyStatement {
  return {
    Effect: "Allow",
    Action: ["kms:Decrypt", "kms:GenerateDataKey"],
    Resource: [keyArn],
    Condition: { StringEquals: { "kms:ViaService": `sns.${region}.amazonaws.com` } },
  };
}

/**
 * The trust policy of a state machine's execution role: `states.amazonaws.com` may assume it only for state
 * machines of this account and Region (`aws:SourceAccount`, `aws:SourceArn`), against the confused deputy.
 * @see https://docs.aws.amazon.com/step-functions/latest/dg/procedure-create-iam-role.html#prevent-cross-service-confused-deputy
 */
export function stateMachineTrustPolicy(context: ArnContext): TrustPolicyDocument {
  return {
    Version: "2012-10-17",
    Statement: [
      {
        Effect: "Allow",
        Principal: { Service: "states.amazonaws.com" },
        Action: ["sts:AssumeRole"],
        Condition: {
          StringEquals: { "aws:SourceAccount": context.account },
          ArnLike: { "aws:SourceArn": buildArn(context, "states", "stateMachine:*") },
        },
      },
    ],
  };
}

/**
 * The trust policy of a Lambda function's role: `lambda.amazonaws.com` only.
 * @see https://docs.aws.amazon.com/lambda/latest/dg/lambda-intro-execution-role.html
 */
export function lambdaTrustPolicy(): TrustPolicyDocument {
  return {
    Version: "2012-10-17",
    Statement: [{ Effect: "Allow", Principal: { Service: "lambda.amazonaws.com" }, Action: ["sts:AssumeRole"] }],
  };
}
