import { ArnContext, buildArn, dnsSuffixOf, parseArn, partitionOf } from "./arn";
import { wildcardMatches } from "./compare";
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

/**
 * Use of the customer-managed key by CloudWatch Logs delivery, when a state machine that logs is encrypted with
 * it: the execution role needs `kms:GenerateDataKey` in the encryption context of the account's log resources
 * (verbatim from the AWS page: `StringEquals` `kms:EncryptionContext:SourceArn` `arn:<partition>:logs:<region>:<account>:*`).
 * @param keyArn the KMS key ARN.
 * @param context the state machine's partition, Region and account.
 * @see https://docs.aws.amazon.com/step-functions/latest/dg/encryption-at-rest.html
 */
export function logDeliveryKeyStatement(keyArn: string, context: ArnContext): PolicyStatement {
  return {
    Effect: "Allow",
    Action: ["kms:GenerateDataKey"],
    Resource: [keyArn],
    Condition: { StringEquals: { "kms:EncryptionContext:SourceArn": buildArn(context, "logs", "*") } },
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
 * delivery when it logs, X-Ray when it traces, the customer-managed key in its own encryption context, and that
 * key for log delivery ({@link logDeliveryKeyStatement}) when it both logs and is encrypted.
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
  const machine = parseArn(options.stateMachineArn);
  const context = machine && { partition: machine.partition, region: machine.region, account: machine.account };
  return [
    ...(options.logging ? [{ statement: logDeliveryStatement(), neededBy: "loggingConfiguration" }] : []),
    ...(options.tracing ? [{ statement: xrayStatement(), neededBy: "tracingConfiguration" }] : []),
    ...(options.keyArn ? [{ statement: stateMachineKeyStatement(options.keyArn, options.stateMachineArn), neededBy: "encryptionConfiguration" }] : []),
    ...(options.logging && options.keyArn && context
      ? [{ statement: logDeliveryKeyStatement(options.keyArn, context), neededBy: "loggingConfiguration with encryptionConfiguration" }]
      : []),
  ];
}

/**
 * `kms:ViaService`'s value for a service in a Region: `<service>.<region>.amazonaws.com` (`.amazonaws.com.cn` in
 * China).
 * @see https://docs.aws.amazon.com/kms/latest/developerguide/conditions-kms.html#conditions-kms-via-service
 */
export function viaService(service: string, region: string): string {
  return `${service}.${region}.${dnsSuffixOf(partitionOf(region))}`;
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
    Condition: { StringEquals: { "kms:ViaService": viaService("sns", region) } },
  };
}

/**
 * DynamoDB actions that read items of a table encrypted with a customer-managed key: the caller needs `kms:Decrypt`
 * (DescribeTable reads no item, so it needs none).
 */
export const DYNAMODB_READ_ACTIONS: readonly string[] = [
  "dynamodb:BatchGetItem",
  "dynamodb:ConditionCheckItem",
  "dynamodb:GetItem",
  "dynamodb:PartiQLSelect",
  "dynamodb:Query",
  "dynamodb:Scan",
];

/** DynamoDB actions that write items: the caller needs `kms:Decrypt`, `kms:Encrypt` and `kms:GenerateDataKey`. */
export const DYNAMODB_WRITE_ACTIONS: readonly string[] = [
  "dynamodb:BatchWriteItem",
  "dynamodb:DeleteItem",
  "dynamodb:PartiQLDelete",
  "dynamodb:PartiQLInsert",
  "dynamodb:PartiQLUpdate",
  "dynamodb:PutItem",
  "dynamodb:UpdateItem",
];

/**
 * Use of the key that encrypts SQS queues, only through SQS: a producer to an SSE-KMS queue needs
 * `kms:GenerateDataKey` and `kms:Decrypt`; a consumer only `kms:Decrypt`.
 * @param keyArn the KMS key ARN.
 * @param region the queues' Region.
 * @param sends whether the role sends to a queue (else it only receives). @default true
 * @see https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/sqs-key-management.html
 * @see https://docs.aws.amazon.com/lambda/latest/dg/services-sqs-configure.html
 */
export function sqsKeyStatement(keyArn: string, region: string, sends = true): PolicyStatement {
  return {
    Effect: "Allow",
    Action: sends ? ["kms:Decrypt", "kms:GenerateDataKey"] : ["kms:Decrypt"],
    Resource: [keyArn],
    Condition: { StringEquals: { "kms:ViaService": viaService("sqs", region) } },
  };
}

/**
 * Use of the key that encrypts an S3 bucket (SSE-KMS with an S3 Bucket Key), only through S3 and only in the
 * buckets' encryption context: with a Bucket Key, S3 asks KMS in the context `aws:s3:arn` = the bucket's ARN.
 * Reading an object needs `kms:Decrypt`; writing one `kms:GenerateDataKey`, and `kms:Decrypt` too for a multipart
 * upload (which the SDK's and Step Functions' ResultWriter's large writes are).
 * @param keyArn the KMS key ARN.
 * @param region the buckets' Region.
 * @param bucketArns the buckets' ARNs (`arn:<partition>:s3:::<name>`).
 * @param writes whether any of them is written.
 * @see https://docs.aws.amazon.com/AmazonS3/latest/userguide/bucket-key.html#bucket-key-encryption-context
 * @see https://docs.aws.amazon.com/AmazonS3/latest/userguide/UsingKMSEncryption.html#require-sse-kms
 */
export function s3KeyStatement(keyArn: string, region: string, bucketArns: readonly string[], writes: boolean): PolicyStatement {
  const arns = [...bucketArns].sort();
  return {
    Effect: "Allow",
    Action: writes ? ["kms:Decrypt", "kms:GenerateDataKey"] : ["kms:Decrypt"],
    Resource: [keyArn],
    Condition: { StringEquals: { "kms:ViaService": viaService("s3", region), "kms:EncryptionContext:aws:s3:arn": arns.length === 1 ? arns[0] : arns } },
  };
}

/** S3 actions that read an object's content (SSE-KMS: `kms:Decrypt`). */
export const S3_READ_ACTIONS: readonly string[] = ["s3:GetObject", "s3:GetObjectVersion"];
/** S3 actions that write an object's content (SSE-KMS: `kms:GenerateDataKey`, and `kms:Decrypt` for multipart). */
export const S3_WRITE_ACTIONS: readonly string[] = ["s3:PutObject"];

/** A resource of the stack encrypted with a customer-managed key, as {@link keyUseNeeds} reads it. */
export interface EncryptedResource {
  /** `table` (DynamoDB), `topic` (SNS), `queue` (SQS), `secret` (Secrets Manager), `stateMachine` (Step Functions) or `bucket` (S3). */
  kind: "table" | "topic" | "queue" | "secret" | "stateMachine" | "bucket";
  /** Its ARN (a secret's with the random suffix Secrets Manager appends). */
  arn: string;
  /** Its name, to say who needs a grant (`the key of table orders`). */
  name: string;
  /** The ARN of the customer-managed key encrypting it. */
  keyArn: string;
}

/**
 * The key grants a role needs for what its statements do to resources encrypted with a customer-managed key,
 * each only through the service that uses the key (`kms:ViaService`), one statement per (key, service):
 *
 * - a DynamoDB table it reads ({@link DYNAMODB_READ_ACTIONS}): `kms:Decrypt`; one it writes
 *   ({@link DYNAMODB_WRITE_ACTIONS}): `kms:Decrypt`, `kms:Encrypt`, `kms:GenerateDataKey` (the caller's Decrypt is
 *   AWS's; the write extras mirror the AWS CDK's `Table.grantWriteData`), via `dynamodb.<region>.amazonaws.com`;
 * - an SNS topic it publishes to: {@link snsKeyStatement};
 * - an S3 bucket whose objects it reads ({@link S3_READ_ACTIONS}) or writes ({@link S3_WRITE_ACTIONS}):
 *   {@link s3KeyStatement}, in the buckets' encryption context;
 * - an SQS queue it sends to (`sqs:SendMessage`): {@link sqsKeyStatement}; one it only receives from
 *   (`sqs:ReceiveMessage`, a Lambda event source mapping polling as the function's role): `kms:Decrypt` through SQS;
 * - a secret it reads (`secretsmanager:GetSecretValue`): `kms:Decrypt` via `secretsmanager.<region>.amazonaws.com`
 *   and in the secret's encryption context (`kms:EncryptionContext:SecretARN`);
 * - a state machine it starts (`states:StartExecution`, `StartSyncExecution`: a nested workflow, whose execution a
 *   `.sync` Task describes): `kms:Decrypt` in the machine's encryption context
 *   (`kms:EncryptionContext:aws:states:stateMachineArn`), as the invoker role of a shared workflow gets it.
 *
 * A statement reaches a resource when one of its Allow actions and resource patterns matches it (a table's index
 * or stream ARN counts as the table). Resources with AWS-owned or AWS managed keys need no grant: leave them out.
 *
 * @param statements the role's statements (derived from a definition, or a handler's grants).
 * @param encrypted the stack's resources encrypted with a customer-managed key.
 * @param region the stack's Region (the `kms:ViaService` endpoints).
 * @returns each statement with who needs it (`the key of table orders`), sorted by key and service.
 * @see https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/encryption.usagenotes.html
 * @see https://docs.aws.amazon.com/sns/latest/dg/sns-key-management.html
 * @see https://docs.aws.amazon.com/secretsmanager/latest/userguide/security-encryption.html
 */
export function keyUseNeeds(statements: readonly PolicyStatement[], encrypted: readonly EncryptedResource[], region: string): { statement: PolicyStatement; neededBy: string }[] {
  const allows = statements.filter((s) => s.Effect === "Allow");
  const reaches = (resource: EncryptedResource, actions: readonly string[]) =>
    allows.some(
      (s) =>
        s.Action.some((granted) => actions.some((action) => wildcardMatches(granted, action, true))) &&
        s.Resource.some((pattern) => wildcardMatches(pattern, resource.arn, false) || pattern.startsWith(`${resource.arn}/`)),
    );
  // (key, service) → the resources needing it, and whether any is written.
  const needs = new Map<string, { keyArn: string; kind: EncryptedResource["kind"]; names: Set<string>; writes: boolean; secretArns: Set<string>; machineArns: Set<string>; bucketArns: Set<string> }>();
  const need = (resource: EncryptedResource, writes: boolean) => {
    const key = JSON.stringify([resource.keyArn, resource.kind]);
    const entry = needs.get(key) ?? { keyArn: resource.keyArn, kind: resource.kind, names: new Set<string>(), writes: false, secretArns: new Set<string>(), machineArns: new Set<string>(), bucketArns: new Set<string>() };
    entry.names.add(resource.name);
    entry.writes ||= writes;
    if (resource.kind === "secret") entry.secretArns.add(resource.arn);
    if (resource.kind === "stateMachine") entry.machineArns.add(resource.arn);
    if (resource.kind === "bucket") entry.bucketArns.add(resource.arn);
    needs.set(key, entry);
  };
  for (const resource of encrypted) {
    if (resource.kind === "table") {
      const writes = reaches(resource, DYNAMODB_WRITE_ACTIONS);
      if (writes || reaches(resource, DYNAMODB_READ_ACTIONS)) need(resource, writes);
    } else if (resource.kind === "stateMachine") {
      if (reaches(resource, ["states:StartExecution", "states:StartSyncExecution"])) need(resource, false);
    } else if (resource.kind === "queue") {
      const sends = reaches(resource, ["sqs:SendMessage"]);
      if (sends || reaches(resource, ["sqs:ReceiveMessage"])) need(resource, sends);
    } else if (resource.kind === "bucket") {
      const writes = reaches(resource, S3_WRITE_ACTIONS);
      if (writes || reaches(resource, S3_READ_ACTIONS)) need(resource, writes);
    } else if (resource.kind === "topic" ? reaches(resource, ["sns:Publish"]) : reaches(resource, ["secretsmanager:GetSecretValue"])) {
      need(resource, false);
    }
  }
  return [...needs.values()]
    .sort((a, b) => a.keyArn.localeCompare(b.keyArn) || a.kind.localeCompare(b.kind))
    .map(({ keyArn, kind, names, writes, secretArns, machineArns, bucketArns }) => {
      const neededBy = `the key of ${kind} ${[...names].sort().join(`, ${kind} `)}`;
      if (kind === "bucket") return { statement: s3KeyStatement(keyArn, region, [...bucketArns], writes), neededBy };
      if (kind === "topic") return { statement: snsKeyStatement(keyArn, region), neededBy };
      if (kind === "queue") return { statement: sqsKeyStatement(keyArn, region, writes), neededBy };
      if (kind === "stateMachine") {
        const arns = [...machineArns].sort();
        return {
          statement: { Effect: "Allow", Action: ["kms:Decrypt"], Resource: [keyArn], Condition: { StringEquals: { "kms:EncryptionContext:aws:states:stateMachineArn": arns.length === 1 ? arns[0] : arns } } },
          neededBy,
        };
      }
      if (kind === "secret") {
        const arns = [...secretArns].sort();
        return {
          statement: {
            Effect: "Allow",
            Action: ["kms:Decrypt"],
            Resource: [keyArn],
            Condition: { StringEquals: { "kms:ViaService": viaService("secretsmanager", region), "kms:EncryptionContext:SecretARN": arns.length === 1 ? arns[0] : arns } },
          },
          neededBy,
        };
      }
      return {
        statement: {
          Effect: "Allow",
          Action: writes ? ["kms:Decrypt", "kms:Encrypt", "kms:GenerateDataKey"] : ["kms:Decrypt"],
          Resource: [keyArn],
          Condition: { StringEquals: { "kms:ViaService": viaService("dynamodb", region) } },
        },
        neededBy,
      };
    });
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

/**
 * The patterns of `aws:PrincipalArn` that match the caller `sts:GetCallerIdentity` names: a role session
 * (`arn:…:sts::<account>:assumed-role/<role>/<session>`) is its role, with or without a path
 * (`arn:…:iam::<account>:role/<role>`, `…:role/*\/<role>`); a user or the root is itself.
 * @param callerArn the `Arn` of GetCallerIdentity.
 * @see https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html#condition-keys-principalarn
 */
export function principalArnPatterns(callerArn: string): string[] {
  const session = /^arn:([^:]+):sts::(\d{12}):assumed-role\/([^/]+)\/.+$/.exec(callerArn);
  if (!session) return [callerArn];
  const [, partition, account, role] = session;
  return [`arn:${partition}:iam::${account}:role/${role}`, `arn:${partition}:iam::${account}:role/*/${role}`];
}

/**
 * The resource policy of a secret only some roles may read: `secretsmanager:GetSecretValue` is denied to every
 * principal but the readers and the deployer (who needs it for `pulumi refresh`, which reads the value). Identity
 * policies still grant the readers; this makes an account-wide grant (`GetSecretValue` on `*`) useless on it.
 * @param readers the role ARNs that read the secret.
 * @param deployer the deployer's caller ARN (GetCallerIdentity), as {@link principalArnPatterns} widens it.
 * @see https://docs.aws.amazon.com/secretsmanager/latest/userguide/auth-and-access_resource-policies.html
 */
export function secretReadPolicy(readers: readonly string[], deployer: string): { Version: "2012-10-17"; Statement: (PolicyStatement & { Principal: "*" })[] } {
  return {
    Version: "2012-10-17",
    Statement: [
      {
        Sid: "OnlyItsReadersGetTheValue",
        Effect: "Deny",
        Principal: "*",
        Action: ["secretsmanager:GetSecretValue"],
        Resource: ["*"],
        Condition: { ArnNotLike: { "aws:PrincipalArn": [...[...readers].sort(), ...principalArnPatterns(deployer)] } },
      },
    ],
  };
}
