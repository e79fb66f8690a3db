import * as path from "node:path";

/**
 * What the platform deploys in every stack: the seed workflows, the Lambda handlers they call, their SNS topics
 * and DynamoDB tables, and which resource each `${Placeholder}` of a definition stands for. The Pulumi program,
 * the offline plan and the local runner all read this one manifest, so they cannot drift apart.
 *
 * To add a workflow: put its ASL file in `definitions/`, its handlers in `handlers/`, and a row in WORKFLOWS
 * (plus rows in HANDLERS, TOPICS, TABLES, QUEUES, BUCKETS, BATCH_JOBS or MODELS for anything new it uses).
 */

/** The project's root directory. */
export const PROJECT_ROOT = path.resolve(__dirname, "..");

/** What a handler's own role may do beyond writing its logs. */
export type HandlerGrant =
  /** `dynamodb:CreateBackup` on the stack's configured backup tables. */
  | { kind: "createBackups" }
  /**
   * `states:SendTaskSuccess` and `states:SendTaskFailure` for the task tokens of one workflow. The Service
   * Authorization Reference gives these actions no resource type, so IAM grants them on `*` only.
   */
  | { kind: "answerTaskTokens"; workflow: WorkflowName }
  /** DynamoDB item actions on one of the stack's tables (and its key through DynamoDB, when encrypted). */
  | { kind: "tableItems"; table: TableName; actions: readonly ("GetItem" | "PutItem" | "UpdateItem" | "DeleteItem")[] }
  /** `sns:Publish` on one of the stack's topics (and its key through SNS, when encrypted). */
  | { kind: "publish"; topic: TopicName }
  /** `secretsmanager:GetSecretValue` on one of the stack's secrets (and its key through Secrets Manager). */
  | { kind: "readSecret"; secret: SecretName }
  /**
   * Object actions on one of the stack's buckets, under a key prefix (`s3:GetObject`, `s3:PutObject`; and
   * `s3:ListBucket` limited to the prefix by `s3:prefix` when `list`), with its key through S3 when encrypted.
   */
  | { kind: "bucketObjects"; bucket: BucketName; prefix: string; actions: readonly ("GetObject" | "PutObject")[]; list?: boolean }
  /**
   * Consumes one of the stack's queues through a Lambda event source mapping: `sqs:ReceiveMessage`,
   * `sqs:DeleteMessage` and `sqs:GetQueueAttributes` on the queue (and `kms:Decrypt` on its key through SQS, when
   * encrypted with the stack's key), and the mapping itself, which reports partial batch failures
   * (`ReportBatchItemFailures`). A stack sending to the queue deploys the handler.
   * @see https://docs.aws.amazon.com/lambda/latest/dg/services-sqs-configure.html
   */
  | { kind: "consumeQueue"; queue: QueueName; batchSize: number; maximumConcurrency: number };

/** The workflows, by name (each a row of {@link WORKFLOWS}). */
export type WorkflowName = "credit-approval" | "backup-orchestration" | "order-events" | "loan-intake" | "order-confirmation" | "support-routing" | "identity-check" | "user-verification" | "iot-ingest" | "order-processing" | "data-pipeline" | "image-batch" | "churn-scoring";

/** A Lambda handler: its source entry and sizing. */
export interface HandlerSpec {
  /** Entry file, relative to the project root. */
  entry: string;
  description: string;
  /** Lambda timeout, in seconds. */
  timeoutSeconds: number;
  /** Lambda memory, in MB. */
  memoryMb: number;
  grants: HandlerGrant[];
  /** Why the function may never be shared with another account (`statecraft:sharing`), when it may not. */
  unshareable?: string;
  /** Environment variables, each the name or ARN of one of the stack's resources. */
  environment?: Record<string, EnvironmentReference>;
}

/** What a handler's environment variable holds. */
export type EnvironmentReference = { tableName: TableName } | { topicArn: TopicName } | { secretArn: SecretName } | { httpApiUrl: HttpApiName } | { bucketName: BucketName };

/**
 * Secrets the stack creates, by logical name: a random value in Secrets Manager (encrypted with the stack's key
 * when it has one), readable only by the handlers granted `readSecret` on it (and the deployer): its resource
 * policy denies every other principal.
 */
export const SECRETS = {
  "approval-signing-key": { description: "Signs and verifies the approve and reject links of credit approvals (HMAC-SHA256).", length: 64 },
} as const satisfies Record<string, { description: string; length: number }>;
/** The logical name of one of {@link SECRETS}. */
export type SecretName = keyof typeof SECRETS;

/**
 * HTTP APIs (API Gateway v2) the stack creates, by logical name: every route invokes the API's `handler`, and a
 * stack deploying that handler deploys the API. Routes carry no IAM or JWT authorizer when `public`: the handler
 * checks every request itself (the approval links are signed).
 */
export const HTTP_APIS = {
  approvals: {
    description: "Approve and reject links of credit approvals: GET shows the decision to confirm, POST records it.",
    routes: ["GET /approvals/{requestId}/{decision}", "POST /approvals/{requestId}/{decision}"],
    /** The function every route invokes (a key of HANDLERS): the internet-facing approval-callback, with the fewest grants. */
    handler: "approval-callback",
    public: true,
    /** Steady-state requests per second and burst, for the whole stage. */
    throttling: { rateLimit: 5, burstLimit: 10 },
  },
} as const satisfies Record<string, { description: string; routes: readonly string[]; handler: string; public: boolean; throttling: { rateLimit: number; burstLimit: number } }>;
/** The logical name of one of {@link HTTP_APIS}. */
export type HttpApiName = keyof typeof HTTP_APIS;

export const HANDLERS = {
  "credit-limit": { entry: "handlers/credit-limit.ts", description: "Works out the credit limit to apply for an application.", timeoutSeconds: 10, memoryMb: 256, grants: [] },
  "verify-identity": { entry: "handlers/verify-identity.ts", description: "Verifies an applicant's identity.", timeoutSeconds: 10, memoryMb: 256, grants: [] },
  "verify-address": { entry: "handlers/verify-address.ts", description: "Verifies and normalises an applicant's address.", timeoutSeconds: 10, memoryMb: 256, grants: [] },
  "bureau-score": { entry: "handlers/bureau-score.ts", description: "Gets an applicant's score from one credit bureau.", timeoutSeconds: 10, memoryMb: 256, grants: [] },
  "backup-tables": { entry: "handlers/backup-tables.ts", description: "Takes on-demand backups of DynamoDB tables.", timeoutSeconds: 60, memoryMb: 256, grants: [{ kind: "createBackups" }] },
  "validate-order": { entry: "handlers/validate-order.ts", description: "Validates an incoming order event.", timeoutSeconds: 5, memoryMb: 256, grants: [] },
  "approval-request": {
    entry: "handlers/approval-request.ts",
    description: "Keeps a credit approval's task token and mails the approvers signed approve and reject links.",
    timeoutSeconds: 10,
    memoryMb: 256,
    unshareable: "it signs approval links: a caller could have links made for a token of its own",
    grants: [
      { kind: "tableItems", table: "approval-requests", actions: ["PutItem"] },
      { kind: "publish", topic: "credit-approval-requests" },
      { kind: "readSecret", secret: "approval-signing-key" },
    ],
    environment: {
      APPROVALS_TABLE_NAME: { tableName: "approval-requests" },
      APPROVAL_TOPIC_ARN: { topicArn: "credit-approval-requests" },
      APPROVAL_SECRET_ARN: { secretArn: "approval-signing-key" },
      APPROVAL_ENDPOINT_URL: { httpApiUrl: "approvals" },
    },
  },
  "approval-callback": {
    entry: "handlers/approval-callback.ts",
    description: "Serves the approval links: checks a link's signature and expiry, and answers the task token once.",
    timeoutSeconds: 10,
    memoryMb: 256,
    unshareable: "it answers approval task tokens; its HTTP API is the only way in",
    grants: [
      { kind: "answerTaskTokens", workflow: "credit-approval" },
      { kind: "tableItems", table: "approval-requests", actions: ["GetItem", "UpdateItem"] },
      { kind: "readSecret", secret: "approval-signing-key" },
    ],
    environment: {
      APPROVALS_TABLE_NAME: { tableName: "approval-requests" },
      APPROVAL_SECRET_ARN: { secretArn: "approval-signing-key" },
    },
  },
  "collect-application": {
    entry: "handlers/collect-application.ts",
    description: "Checks a loan application and shapes the credit request the shared credit-approval workflow takes.",
    timeoutSeconds: 10,
    memoryMb: 256,
    grants: [],
  },
  "technical-support": { entry: "handlers/technical-support.ts", description: "Files a technical support request, high priority for an outage.", timeoutSeconds: 5, memoryMb: 256, grants: [] },
  "billing-support": { entry: "handlers/billing-support.ts", description: "Files a billing support request and asks for the invoice number when it is missing.", timeoutSeconds: 5, memoryMb: 256, grants: [] },
  "general-support": { entry: "handlers/general-support.ts", description: "Files a general support request with customer care.", timeoutSeconds: 5, memoryMb: 256, grants: [] },
  "validate-user": { entry: "handlers/validate-user.ts", description: "Checks a user to verify: id, name, email, date of birth and identity document.", timeoutSeconds: 5, memoryMb: 256, grants: [] },
  "check-identity": { entry: "handlers/check-identity.ts", description: "Decides whether a user's identity document verifies them (adult, not reported lost or stolen).", timeoutSeconds: 10, memoryMb: 256, grants: [] },
  "aggregate-readings": { entry: "handlers/aggregate-readings.ts", description: "Drops invalid sensor packets and aggregates the rest per sensor (count, min, max, mean, latest).", timeoutSeconds: 10, memoryMb: 256, grants: [] },
  "validate-payment-order": { entry: "handlers/validate-payment-order.ts", description: "Checks an order to charge: its id, customer, a positive amount and a currency code.", timeoutSeconds: 5, memoryMb: 256, grants: [] },
  "payment-worker": {
    entry: "handlers/payment-worker.ts",
    description: "Charges order-processing's payment requests from the payment-requests queue against the payment-accounts ledger and answers their task tokens.",
    timeoutSeconds: 30,
    memoryMb: 256,
    unshareable: "it answers order-processing's task tokens and charges the ledger; its queue is the only way in",
    grants: [
      { kind: "consumeQueue", queue: "payment-requests", batchSize: 10, maximumConcurrency: 5 },
      { kind: "answerTaskTokens", workflow: "order-processing" },
      { kind: "tableItems", table: "payment-accounts", actions: ["GetItem", "UpdateItem"] },
    ],
    environment: { PAYMENT_ACCOUNTS_TABLE_NAME: { tableName: "payment-accounts" } },
  },
  "receive-order": { entry: "handlers/receive-order.ts", description: "Checks an order to confirm: its id, customer and email address.", timeoutSeconds: 5, memoryMb: 256, grants: [] },
  "prepare-datasets": {
    entry: "handlers/prepare-datasets.ts",
    description: "Writes a month's three datasets (sales, inventory, feedback) to the datasets bucket under input/<month>/.",
    timeoutSeconds: 30,
    memoryMb: 256,
    grants: [{ kind: "bucketObjects", bucket: "datasets", prefix: "input/", actions: ["PutObject"] }],
    environment: { DATASETS_BUCKET_NAME: { bucketName: "datasets" } },
  },
  "score-feedback": {
    entry: "handlers/score-feedback.ts",
    description: "Scores a month's customer feedback dataset: count, mean rating, share of detractors.",
    timeoutSeconds: 30,
    memoryMb: 256,
    grants: [{ kind: "bucketObjects", bucket: "datasets", prefix: "input/", actions: ["GetObject"] }],
  },
  "aggregate-results": {
    entry: "handlers/aggregate-results.ts",
    description: "Joins the monthly report, the inventory aggregate and the feedback score into the month's summary in the datasets bucket.",
    timeoutSeconds: 30,
    memoryMb: 256,
    grants: [
      { kind: "bucketObjects", bucket: "datasets", prefix: "output/", actions: ["GetObject"] },
      { kind: "bucketObjects", bucket: "datasets", prefix: "summaries/", actions: ["PutObject"] },
    ],
  },
  "process-images": {
    entry: "handlers/process-images.ts",
    description: "Resizes, filters and watermarks a batch of uploaded images, writing each to processed/<key>.",
    timeoutSeconds: 60,
    memoryMb: 1024,
    grants: [
      { kind: "bucketObjects", bucket: "images", prefix: "uploads/", actions: ["GetObject"] },
      { kind: "bucketObjects", bucket: "images", prefix: "processed/", actions: ["PutObject"] },
    ],
    environment: { IMAGES_BUCKET_NAME: { bucketName: "images" } },
  },
} as const satisfies Record<string, HandlerSpec>;
export type HandlerName = keyof typeof HANDLERS;

/** SNS topics, by logical name; `unshareable` says why a topic may never be shared with another account. */
export const TOPICS = {
  "credit-approval-requests": {
    displayName: "Credit limit approvals",
    unshareable: "its messages carry the signed approve and reject links of credit approvals: a subscriber could decide its own applications",
  },
  "backup-success": { displayName: "DynamoDB backups succeeded" },
  "backup-failure": { displayName: "DynamoDB backups failed" },
  "order-confirmations": { displayName: "Order confirmations" },
} as const satisfies Record<string, { displayName: string; unshareable?: string }>;
export type TopicName = keyof typeof TOPICS;

/**
 * SQS queues the stack creates, by logical name: encrypted with the stack's customer-managed key when it has one
 * (`kmsMasterKeyId`), else SSE-SQS (`sqsManagedSseEnabled`). A workflow sends to one through a `{queueUrl}`
 * placeholder; its role gets `sqs:SendMessage` on it (and the key's use through SQS).
 */
export const QUEUES = {
  // Visibility: six times the payment worker's 30 s timeout, as AWS recommends for a Lambda event source.
  "payment-requests": { description: "Payment requests of order-processing, each carrying the task token the payment worker answers.", visibilityTimeoutSeconds: 180, deadLetter: { maxReceiveCount: 5 } },
} as const satisfies Record<string, QueueSpec>;
/** A queue of {@link QUEUES}. */
export interface QueueSpec {
  description: string;
  /**
   * How long a received message stays hidden, in seconds; for a queue a handler consumes (`consumeQueue`), at least
   * six times that handler's timeout.
   * @see https://docs.aws.amazon.com/lambda/latest/dg/services-sqs-configure.html
   */
  visibilityTimeoutSeconds: number;
  /**
   * A dead-letter queue `<queue>-dlq` (same encryption, 14 days' retention) receiving a message after
   * `maxReceiveCount` receives: a message its consumer keeps failing stops being redelivered and is kept there.
   * @see https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/sqs-dead-letter-queues.html
   */
  deadLetter?: { maxReceiveCount: number };
}
/** A queue of {@link QUEUES}, by logical name. */
export type QueueName = keyof typeof QUEUES;

/**
 * S3 buckets the stack creates, by logical name (physical name `<project>-<stack>-<logical>-<account>-<region>`:
 * bucket names are global). Every bucket blocks public access, enforces bucket-owner object ownership, and is
 * encrypted with the stack's customer-managed key (SSE-KMS with an S3 Bucket Key) when it has one, else SSE-S3.
 * `eventBridge` turns on S3's EventBridge notifications, which an `s3` trigger (`statecraft:triggers`) needs.
 * A workflow names one through a `{bucketName}` placeholder; a handler through a `bucketObjects` grant.
 * @see https://docs.aws.amazon.com/AmazonS3/latest/userguide/bucketnamingrules.html
 */
export const BUCKETS = {
  datasets: { description: "Datasets of data-pipeline (its prepared inputs, each branch's results, the monthly summary) and churn-scoring (its features and scores).", eventBridge: false },
  images: { description: "Images of image-batch: uploads (uploads/), processed images (processed/) and the Map's result files (results/).", eventBridge: true },
} as const satisfies Record<string, { description: string; eventBridge: boolean }>;
/** A bucket of {@link BUCKETS}, by logical name. */
export type BucketName = keyof typeof BUCKETS;

/** What container or job code may do with the stack's buckets: object actions under a prefix, as {@link HandlerGrant}'s `bucketObjects`. */
export type BucketGrant = Extract<HandlerGrant, { kind: "bucketObjects" }>;

/**
 * Fargate container jobs (`FargateJob`: an awsx VPC without NAT gateway, an ECS cluster, an awsx Fargate task
 * definition and explicit roles), by logical name: the code is `containers/<name>/index.ts`, the image
 * `<ECR repository <project>-<stack>-<name>>:<imageTag>`, which CI builds with `containers/Dockerfile`. A
 * workflow runs one through `{fargateJob}` placeholders; the task role gets exactly `taskGrants`.
 */
export const FARGATE_JOBS = {
  "monthly-report": {
    description: "Generates the monthly sales report of data-pipeline from its sales dataset.",
    cpu: 256,
    memoryMib: 512,
    imageTag: "1",
    taskGrants: [
      { kind: "bucketObjects", bucket: "datasets", prefix: "input/", actions: ["GetObject"] },
      { kind: "bucketObjects", bucket: "datasets", prefix: "output/", actions: ["PutObject"] },
    ],
  },
} as const satisfies Record<string, { description: string; cpu: number; memoryMib: number; imageTag: string; taskGrants: readonly BucketGrant[] }>;
/** A job of {@link FARGATE_JOBS}, by logical name. */
export type FargateJobName = keyof typeof FARGATE_JOBS;

/**
 * Glue jobs, by logical name: Python shell jobs whose script is `jobs/<name>/script.py` (uploaded to the bucket
 * named by `scriptBucket`, under `scripts/`), run locally as its TypeScript twin `jobs/<name>/index.ts`. The job's
 * role gets exactly `grants`, the script's read and its own logs.
 * @see https://docs.aws.amazon.com/glue/latest/dg/add-job-python.html
 */
export const GLUE_JOBS = {
  "dataset-aggregate": {
    description: "Aggregates data-pipeline's inventory dataset per warehouse.",
    scriptBucket: "datasets",
    grants: [
      { kind: "bucketObjects", bucket: "datasets", prefix: "input/", actions: ["GetObject"] },
      { kind: "bucketObjects", bucket: "datasets", prefix: "output/", actions: ["PutObject"] },
    ],
  },
} as const satisfies Record<string, { description: string; scriptBucket: BucketName; grants: readonly BucketGrant[] }>;
/** A job of {@link GLUE_JOBS}, by logical name. */
export type GlueJobName = keyof typeof GLUE_JOBS;

/**
 * A container image in a private ECR repository of the stack's account and Region
 * (`<account>.dkr.ecr.<region>.amazonaws.com/<repository>:<tag>`), pushed by the container build before the stack
 * deploys: the stack only reads it (the roles that run it get the repository's pull grants, nothing else).
 */
export interface EcrImage {
  /** The repository's name, e.g. `statecraft/churn-features`. */
  repository: string;
  /** The image tag. */
  tag: string;
}

/** A container job of `BATCH_JOBS`: its code, image, size and what its container may do. */
export interface BatchJobSpec {
  description: string;
  /** The job's code for local runs, `containers/<name>/index.ts`, is the job's logical name; its image in AWS. */
  image: EcrImage;
  /** vCPUs of one job (a Fargate value: 0.25, 0.5, 1, 2, 4, 8 or 16). */
  vcpu: number;
  /** Memory of one job, in MiB (one Fargate accepts with the vCPUs). */
  memoryMib: number;
  /** How long one attempt may run before Batch stops it, in seconds (at least 60). */
  timeoutSeconds: number;
  /** What the container's code may do: its job role's only statements (with the bucket key's use through S3). */
  grants: HandlerGrant[];
}

/**
 * AWS Batch jobs the stack creates, by logical name (`BatchJob`, `infra/components/batch-job.ts`): a Fargate compute
 * environment, a job queue and a job definition each. A workflow submits one through `{batchJobQueue}` and
 * `{batchJobDefinition}` placeholders.
 */
export const BATCH_JOBS = {
  "churn-features": {
    description: "Extracts churn-scoring's model features from customer records and writes them as JSON Lines to the datasets bucket.",
    image: { repository: "statecraft/churn-features", tag: "1.0.0" },
    vcpu: 1,
    memoryMib: 2048,
    timeoutSeconds: 1800,
    grants: [{ kind: "bucketObjects", bucket: "datasets", prefix: "churn-scoring/features/", actions: ["PutObject"] }],
  },
} as const satisfies Record<string, BatchJobSpec>;
/** A job of {@link BATCH_JOBS}, by logical name. */
export type BatchJobName = keyof typeof BATCH_JOBS;

/** A SageMaker model of `MODELS`: its inference image and the S3 prefixes its transform jobs read and write. */
export interface ModelSpec {
  description: string;
  /** The inference image; locally its code is `containers/<logical name>/index.ts`. */
  image: EcrImage;
  /** The objects its batch transforms read (`s3:ListBucket` on the prefix, `s3:GetObject`). */
  input: { bucket: BucketName; prefix: string };
  /** Where its batch transforms write (`s3:PutObject`). */
  output: { bucket: BucketName; prefix: string };
}

/**
 * SageMaker models the stack creates, by logical name (`InferenceModel`, `infra/components/inference-model.ts`): the
 * model and its execution role. A workflow runs a batch transform of one through a `{sagemakerModel}` placeholder.
 */
export const MODELS = {
  "churn-model": {
    description: "Churn-risk model: a logistic regression over churn-features' features, one probability and risk band per customer.",
    image: { repository: "statecraft/churn-model", tag: "1.0.0" },
    input: { bucket: "datasets", prefix: "churn-scoring/features/" },
    output: { bucket: "datasets", prefix: "churn-scoring/scores/" },
  },
} as const satisfies Record<string, ModelSpec>;
/** A model of {@link MODELS}, by logical name. */
export type ModelName = keyof typeof MODELS;

/**
 * The topic approval-request publishes each credit approval request to (its `publish` grant and
 * `APPROVAL_TOPIC_ARN`), to which every approver of `statecraft:approvers` subscribes.
 */
export const APPROVAL_TOPIC: TopicName = "credit-approval-requests";

/** A DynamoDB table: its string partition key and the items it is seeded with (DynamoDB JSON). */
export interface TableSpec {
  hashKey: string;
  seedItems: Record<string, { S: string } | { N: string }>[];
  /** The attribute holding an item's expiry (epoch seconds) for DynamoDB's time to live. */
  ttlAttribute?: string;
  /** Why the table may never be shared with another account, when it may not. */
  unshareable?: string;
}

export const TABLES = {
  orders: { hashKey: "orderId", seedItems: [] },
  "credit-bureaus": {
    hashKey: "bureau_name",
    seedItems: [{ bureau_name: { S: "Equifax" } }, { bureau_name: { S: "Experian" } }, { bureau_name: { S: "TransUnion" } }],
  },
  "loan-applications": { hashKey: "applicationId", seedItems: [] },
  /** Pending and decided approval requests: the task token, kept out of every link, and the decision. */
  /** Verified users, written by user-verification. */
  users: { hashKey: "userId", seedItems: [] },
  /** Each sensor's latest aggregate and running reading count, written by iot-ingest. */
  "sensor-readings": { hashKey: "sensorId", seedItems: [] },
  /** The payment worker's ledger: each customer's `balance` (N) and the `paymentIds` (SS) already charged to it. */
  "payment-accounts": {
    hashKey: "customerId",
    seedItems: [
      { customerId: { S: "cust-70" }, balance: { N: "500" } },
      { customerId: { S: "cust-71" }, balance: { N: "100" } },
    ],
    unshareable: "it is the payment ledger: balances and charges",
  },
  "approval-requests": { hashKey: "requestId", seedItems: [], ttlAttribute: "expiresAt", unshareable: "it holds the task tokens of pending approvals" },
  /** Each churn-scoring run: where its features and scores are, the model and the transform job, written by churn-scoring. */
  "churn-scoring-runs": { hashKey: "runId", seedItems: [] },
} as const satisfies Record<string, TableSpec>;
export type TableName = keyof typeof TABLES;

/** What a placeholder stands for. */
export type Reference =
  | { functionArn: HandlerName }
  | { topicArn: TopicName }
  | { tableName: TableName }
  /** The URL of one of the stack's SQS queues (an `sqs:sendMessage` Task's `QueueUrl`). */
  | { queueUrl: QueueName }
  /** The physical name of one of the stack's S3 buckets (a `Bucket` of an ItemReader, a ResultWriter or a job's arguments). */
  | { bucketName: BucketName }
  /**
   * What an `ecs:runTask` Task needs of one of the stack's {@link FARGATE_JOBS}: the cluster's ARN, the task
   * definition's family (RunTask then runs its latest ACTIVE revision), the task and execution roles' ARNs (named in
   * `Overrides` so the derived role passes exactly them), and its network: a public subnet (`subnet`, by index)
   * and the security group, whose ids exist only once the VPC does (see `deployTimeReference`).
   */
  | { fargateJob: FargateJobName; output: "clusterArn" | "taskDefinitionFamily" | "taskRoleArn" | "executionRoleArn" | "securityGroupId" }
  | { fargateJob: FargateJobName; output: "subnetId"; index: number }
  /** The name of one of the stack's {@link GLUE_JOBS} (a `glue:startJobRun` Task's `JobName`). */
  | { glueJob: GlueJobName }
  /** The stack's backup tables, comma-separated physical names. */
  | { backupTableNames: true }
  /**
   * An output of a workflow another stack shares with this one (`statecraft:producerStack`'s `sharedWorkflows`):
   * its state machine ARN, or the invoker role a Task assumes through `Credentials.RoleArn` to run it.
   */
  | { sharedWorkflow: WorkflowName; output: "stateMachineArn" | "aliasArn" | "invokerRoleArn" }
  /**
   * The `live` alias ARN of another workflow of this stack, which the definition runs nested
   * (`states:startExecution.sync:2`); the stack must deploy it too (`statecraft:workflows`).
   */
  | { nestedWorkflow: WorkflowName }
  /** The ARN of the job queue of one of the stack's Batch jobs (`BATCH_JOBS`): a `batch:submitJob` Task's `JobQueue`. */
  | { batchJobQueue: BatchJobName }
  /**
   * The ARN of the job definition of one of the stack's Batch jobs, without a revision: `SubmitJob` then runs the
   * latest active revision, the one the stack registered last (a new revision deregisters the one before).
   */
  | { batchJobDefinition: BatchJobName }
  /** The name of one of the stack's SageMaker models (`MODELS`): a `sagemaker:createTransformJob` Task's `ModelName`. */
  | { sagemakerModel: ModelName };

/** A workflow: its definition file, its type and the value of each of its placeholders. */
export interface WorkflowSpec {
  /** Definition file, relative to `definitions/`. */
  file: string;
  type: "STANDARD" | "EXPRESS";
  description: string;
  substitutions: Record<string, Reference>;
}

export const WORKFLOWS = {
  "credit-approval": {
    file: "credit-approval.asl.json",
    type: "STANDARD",
    description: "Credit-limit approval with a human decision at 5000 and above.",
    substitutions: {
      CreditLimitFunctionArn: { functionArn: "credit-limit" },
      ApprovalRequestFunctionArn: { functionArn: "approval-request" },
      VerifyIdentityFunctionArn: { functionArn: "verify-identity" },
      VerifyAddressFunctionArn: { functionArn: "verify-address" },
      CreditBureausTableName: { tableName: "credit-bureaus" },
      BureauScoreFunctionArn: { functionArn: "bureau-score" },
    },
  },
  "backup-orchestration": {
    file: "backup-orchestration.asl.json",
    type: "STANDARD",
    description: "On-demand DynamoDB backups with success and failure notifications.",
    substitutions: {
      BackupFunctionArn: { functionArn: "backup-tables" },
      BackupTableNames: { backupTableNames: true },
      BackupSuccessTopicArn: { topicArn: "backup-success" },
      BackupFailureTopicArn: { topicArn: "backup-failure" },
    },
  },
  "order-events": {
    file: "order-events.asl.json",
    type: "EXPRESS",
    description: "Validates and stores order events.",
    substitutions: {
      ValidateOrderFunctionArn: { functionArn: "validate-order" },
      OrdersTableName: { tableName: "orders" },
    },
  },
  "loan-intake": {
    file: "loan-intake.asl.json",
    type: "STANDARD",
    description: "Collects a loan application, runs the credit-approval workflow shared by another account, and records the decision.",
    substitutions: {
      CollectApplicationFunctionArn: { functionArn: "collect-application" },
      CreditApprovalAliasArn: { sharedWorkflow: "credit-approval", output: "aliasArn" },
      CreditApprovalInvokerRoleArn: { sharedWorkflow: "credit-approval", output: "invokerRoleArn" },
      LoanApplicationsTableName: { tableName: "loan-applications" },
    },
  },
  "order-confirmation": {
    file: "order-confirmation.asl.json",
    type: "STANDARD",
    description: "Receives an order, waits 15 minutes for late cancellations, and confirms it by SNS unless it was cancelled.",
    substitutions: {
      ReceiveOrderFunctionArn: { functionArn: "receive-order" },
      OrdersTableName: { tableName: "orders" },
      OrderConfirmationsTopicArn: { topicArn: "order-confirmations" },
    },
  },
  "support-routing": {
    file: "support-routing.asl.json",
    type: "EXPRESS",
    description: "Routes a support request on its type to the technical, billing or general handling function; answers its HTTP caller synchronously.",
    substitutions: {
      TechnicalSupportFunctionArn: { functionArn: "technical-support" },
      BillingSupportFunctionArn: { functionArn: "billing-support" },
      GeneralSupportFunctionArn: { functionArn: "general-support" },
    },
  },
  "identity-check": {
    file: "identity-check.asl.json",
    type: "STANDARD",
    description: "Checks a user's identity document; run nested by user-verification.",
    substitutions: {
      CheckIdentityFunctionArn: { functionArn: "check-identity" },
    },
  },
  "user-verification": {
    file: "user-verification.asl.json",
    type: "STANDARD",
    description: "Validates a user, verifies their identity through the nested identity-check workflow, and stores the verified user.",
    substitutions: {
      ValidateUserFunctionArn: { functionArn: "validate-user" },
      IdentityCheckAliasArn: { nestedWorkflow: "identity-check" },
      UsersTableName: { tableName: "users" },
    },
  },
  "iot-ingest": {
    file: "iot-ingest.asl.json",
    type: "EXPRESS",
    description: "Filters a batch of sensor packets, aggregates the valid readings per sensor and stores each sensor's aggregate; started by the sensor-packets EventBridge rule.",
    substitutions: {
      AggregateReadingsFunctionArn: { functionArn: "aggregate-readings" },
      SensorReadingsTableName: { tableName: "sensor-readings" },
    },
  },
  "order-processing": {
    file: "order-processing.asl.json",
    type: "STANDARD",
    description: "Validates an order, has the payment worker charge it through the payment-requests queue (a task token; throttling retried, insufficient funds fail), and marks it PAID in the orders table.",
    substitutions: {
      ValidatePaymentOrderFunctionArn: { functionArn: "validate-payment-order" },
      PaymentRequestsQueueUrl: { queueUrl: "payment-requests" },
      OrdersTableName: { tableName: "orders" },
    },
  },
  "data-pipeline": {
    file: "data-pipeline.asl.json",
    type: "STANDARD",
    description: "Prepares a month's three datasets in S3, processes them in parallel (an ECS Fargate report, a Glue aggregate, a Lambda score) and writes the month's summary; runs monthly on a schedule.",
    substitutions: {
      PrepareDatasetsFunctionArn: { functionArn: "prepare-datasets" },
      ScoreFeedbackFunctionArn: { functionArn: "score-feedback" },
      AggregateResultsFunctionArn: { functionArn: "aggregate-results" },
      ReportClusterArn: { fargateJob: "monthly-report", output: "clusterArn" },
      ReportTaskDefinition: { fargateJob: "monthly-report", output: "taskDefinitionFamily" },
      ReportTaskRoleArn: { fargateJob: "monthly-report", output: "taskRoleArn" },
      ReportExecutionRoleArn: { fargateJob: "monthly-report", output: "executionRoleArn" },
      ReportSubnetA: { fargateJob: "monthly-report", output: "subnetId", index: 0 },
      ReportSubnetB: { fargateJob: "monthly-report", output: "subnetId", index: 1 },
      ReportSecurityGroup: { fargateJob: "monthly-report", output: "securityGroupId" },
      InventoryJobName: { glueJob: "dataset-aggregate" },
    },
  },
  "image-batch": {
    file: "image-batch.asl.json",
    type: "STANDARD",
    description: "Resizes, filters and watermarks a batch of uploaded images in a Distributed Map over its S3 prefix (process-images, two per child execution, up to 25% of the batches may fail); started by the batch's ready marker in the images bucket.",
    substitutions: {
      ImagesBucketName: { bucketName: "images" },
      ProcessImagesFunctionArn: { functionArn: "process-images" },
    },
  },
  "churn-scoring": {
    file: "churn-scoring.asl.json",
    type: "STANDARD",
    description: "Scores customers' churn risk: features extracted by a Batch job on Fargate, scored by a SageMaker batch transform of the churn model, the run recorded in DynamoDB.",
    substitutions: {
      ChurnFeaturesJobQueueArn: { batchJobQueue: "churn-features" },
      ChurnFeaturesJobDefinitionArn: { batchJobDefinition: "churn-features" },
      ChurnModelName: { sagemakerModel: "churn-model" },
      DatasetsBucketName: { bucketName: "datasets" },
      ChurnScoringRunsTableName: { tableName: "churn-scoring-runs" },
    },
  },
} as const satisfies Record<WorkflowName, WorkflowSpec>;

/** What a stack deploys for its workflows: the handlers, topics and tables they use. */
export interface StackContents {
  workflows: WorkflowName[];
  handlers: HandlerName[];
  topics: TopicName[];
  tables: TableName[];
  /** The SQS queues the workflows send to. */
  queues: QueueName[];
  /** The S3 buckets the workflows, handlers and jobs use. */
  buckets: BucketName[];
  /** The Fargate container jobs the workflows run. */
  fargateJobs: FargateJobName[];
  /** The Glue jobs the workflows run. */
  glueJobs: GlueJobName[];
  /** The secrets the handlers read. */
  secrets: SecretName[];
  /** The HTTP APIs serving the handlers. */
  httpApis: HttpApiName[];
  /** The shared workflows (of the producer stack) the workflows call. */
  sharedWorkflows: WorkflowName[];
  /** The Batch jobs the workflows submit. */
  batchJobs: BatchJobName[];
  /** The SageMaker models the workflows run. */
  models: ModelName[];
}

/**
 * What a stack deploying these workflows deploys: every handler, topic and table a workflow's placeholders name,
 * the handlers whose grants name one of the workflows (the approval callback) or consume one of their queues (the
 * payment worker), the tables, topics, secrets and
 * HTTP APIs those handlers use, and the stack's own tables among its backup tables.
 *
 * @param workflows the workflows the stack deploys (`statecraft:workflows`).
 * @param backupTables the stack's `statecraft:backupTables`.
 * @returns the stack's contents, each list in manifest order.
 */
export function stackContents(workflows: readonly WorkflowName[], backupTables: readonly string[]): StackContents {
  const references = workflows.flatMap((workflow) => Object.values<Reference>(WORKFLOWS[workflow].substitutions));
  const handlers = new Set<string>(references.flatMap((r) => ("functionArn" in r ? [r.functionArn] : [])));
  const queues = new Set<string>(references.flatMap((r) => ("queueUrl" in r ? [r.queueUrl] : [])));
  for (const [name, spec] of Object.entries<HandlerSpec>(HANDLERS)) {
    if (spec.grants.some((grant) => (grant.kind === "answerTaskTokens" && workflows.includes(grant.workflow)) || (grant.kind === "consumeQueue" && queues.has(grant.queue)))) handlers.add(name);
  }
  const topics = new Set<string>(references.flatMap((r) => ("topicArn" in r ? [r.topicArn] : [])));
  const tables = new Set<string>(references.flatMap((r) => ("tableName" in r ? [r.tableName] : [])));
  const buckets = new Set<string>(references.flatMap((r) => ("bucketName" in r ? [r.bucketName] : [])));
  const fargateJobs = new Set<string>(references.flatMap((r) => ("fargateJob" in r ? [r.fargateJob] : [])));
  const glueJobs = new Set<string>(references.flatMap((r) => ("glueJob" in r ? [r.glueJob] : [])));
  for (const job of fargateJobs) FARGATE_JOBS[job as FargateJobName].taskGrants.forEach((grant) => buckets.add(grant.bucket));
  for (const job of glueJobs) {
    const spec = GLUE_JOBS[job as GlueJobName];
    buckets.add(spec.scriptBucket);
    spec.grants.forEach((grant) => buckets.add(grant.bucket));
  }
  const batchJobs = new Set<string>(references.flatMap((r) => ("batchJobQueue" in r ? [r.batchJobQueue] : "batchJobDefinition" in r ? [r.batchJobDefinition] : [])));
  const models = new Set<string>(references.flatMap((r) => ("sagemakerModel" in r ? [r.sagemakerModel] : [])));
  for (const job of batchJobs) for (const grant of (BATCH_JOBS[job as BatchJobName] as BatchJobSpec).grants) if (grant.kind === "bucketObjects") buckets.add(grant.bucket);
  for (const model of models) for (const { bucket } of [MODELS[model as ModelName].input, MODELS[model as ModelName].output]) buckets.add(bucket);
  const secrets = new Set<string>();
  const httpApis = new Set<string>(Object.entries(HTTP_APIS).filter(([, api]) => handlers.has(api.handler)).map(([api]) => api));
  for (const name of handlers) {
    const spec: HandlerSpec = HANDLERS[name as HandlerName];
    for (const grant of spec.grants) {
      if (grant.kind === "tableItems") tables.add(grant.table);
      if (grant.kind === "publish") topics.add(grant.topic);
      if (grant.kind === "readSecret") secrets.add(grant.secret);
      if (grant.kind === "bucketObjects") buckets.add(grant.bucket);
    }
  }
  if (references.some((r) => "backupTableNames" in r)) backupTables.filter((table) => table in TABLES).forEach((table) => tables.add(table));
  const shared = new Set<string>(references.flatMap((r) => ("sharedWorkflow" in r ? [r.sharedWorkflow] : [])));
  const inOrder = <T extends string>(record: Record<T, unknown>, set: Set<string>) => (Object.keys(record) as T[]).filter((name) => set.has(name));
  return {
    workflows: inOrder(WORKFLOWS, new Set(workflows)),
    handlers: inOrder(HANDLERS, handlers),
    topics: inOrder(TOPICS, topics),
    tables: inOrder(TABLES, tables),
    queues: inOrder(QUEUES, queues),
    buckets: inOrder(BUCKETS, buckets),
    fargateJobs: inOrder(FARGATE_JOBS, fargateJobs),
    glueJobs: inOrder(GLUE_JOBS, glueJobs),
    secrets: inOrder(SECRETS, secrets),
    httpApis: inOrder(HTTP_APIS, httpApis),
    sharedWorkflows: inOrder(WORKFLOWS, shared),
    batchJobs: inOrder(BATCH_JOBS, batchJobs),
    models: inOrder(MODELS, models),
  };
}

/** The absolute path of a workflow's definition file. */
export function definitionPath(workflow: WorkflowName): string {
  return path.join(PROJECT_ROOT, "definitions", WORKFLOWS[workflow].file);
}
