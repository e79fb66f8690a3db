import { ArnContext, buildArn, parseArn } from "./arn";

/**
 * The kinds of resource a Task can name, each with how to turn the value found in `Parameters`/`Arguments` into
 * an ARN, and the scoped wildcard granted when that value is known only at run time.
 * ARN formats follow the Service Authorization Reference, one page per service.
 * @see https://docs.aws.amazon.com/service-authorization/latest/reference/reference_policies_actions-resources-contextkeys.html
 */

/** A kind of resource a Task can target. */
export interface ResourceKind {
  /** Human name for errors and warnings, e.g. "Lambda function". */
  label: string;
  /**
   * The ARN for a static value (a name, a partial ARN, a full ARN or a URL, as the API accepts), or `undefined`
   * when the value is not of this kind. Values that are not ARNs (an S3 key, an HTTP method) are returned as given.
   */
  toArn(value: string, context: ArnContext): string | undefined;
  /** The scoped wildcard for a value known only at run time: same partition, Region, account and resource type. */
  wildcard(context: ArnContext): string;
}

const NAME = /^[A-Za-z0-9_.+=@-]+$/;

/**
 * A kind whose ARN is `arn:<p>:<service>:<r>:<a>:<prefix><name>`, accepting a name or an ARN of that type.
 * @param pattern what a name may look like (after the prefix), e.g. `[A-Za-z0-9_-]+(:\d+)?` for a revision.
 */
function named(label: string, service: string, prefix: string, pattern = NAME, scope: "regional" | "global" = "regional"): ResourceKind {
  return {
    label,
    toArn(value, context) {
      const arn = parseArn(value);
      if (arn) return arn.service === service && arn.resource.startsWith(prefix) && pattern.test(arn.resource.slice(prefix.length)) ? value : undefined;
      return pattern.test(value) ? buildArn(context, service, `${prefix}${value}`, scope) : undefined;
    },
    wildcard: (context) => buildArn(context, service, `${prefix}*`, scope),
  };
}

/**
 * A SageMaker resource named by its name alone: SageMaker puts names in ARNs in lower case.
 * @param prefix the ARN's resource-type prefix, e.g. `training-job/`.
 */
function sagemakerNamed(label: string, prefix: string): ResourceKind {
  return {
    label,
    toArn: (value, context) => (/^[A-Za-z0-9-]{1,63}$/.test(value) ? buildArn(context, "sagemaker", `${prefix}${value.toLowerCase()}`) : undefined),
    wildcard: (context) => buildArn(context, "sagemaker", `${prefix}*`),
  };
}

/** A field that takes one of a few values (an HTTP method, an authentication type), returned as given. */
function oneOf(label: string, values: readonly string[]): ResourceKind {
  return { label: `${label} (${values.slice(0, -1).join(", ")} or ${values[values.length - 1]})`, toArn: (value) => (values.includes(value) ? value : undefined), wildcard: () => "*" };
}

/** A kind given only as a full ARN of one service and resource-type prefix. */
function arnOnly(label: string, service: string, prefix: string, wildcardResource = `${prefix}*`): ResourceKind {
  return {
    label,
    toArn: (value) => {
      const arn = parseArn(value);
      return arn?.service === service && arn.resource.startsWith(prefix) ? value : undefined;
    },
    wildcard: (context) => buildArn(context, service, wildcardResource),
  };
}

/** Resource kinds, keyed by a short id. */
export const RESOURCE_KINDS = {
  lambdaFunction: {
    label: "Lambda function",
    // A name, `name:qualifier`, a partial `account:function:name[:qualifier]` or a full ARN; qualifiers are
    // dropped because the grant covers the function and `function:*` versions and aliases.
    toArn(value, context) {
      const full = parseArn(value);
      const resource = full ? (full.service === "lambda" ? full.resource : undefined) : value.includes(":function:") ? value.slice(value.indexOf(":function:") + 1) : `function:${value}`;
      const match = resource ? /^function:([A-Za-z0-9_-]+)(:[A-Za-z0-9$_-]+)?$/.exec(resource) : null;
      if (!match) return undefined;
      const account = full?.account || (value.includes(":function:") ? value.split(":")[0] : context.account);
      return `arn:${full?.partition ?? context.partition}:lambda:${full?.region || context.region}:${account}:function:${match[1]}`;
    },
    wildcard: (context) => buildArn(context, "lambda", "function:*"),
  },
  snsTopic: {
    label: "SNS topic",
    toArn: (value) => (parseArn(value)?.service === "sns" ? value : undefined),
    wildcard: (context) => buildArn(context, "sns", "*"),
  },
  sqsQueue: {
    label: "SQS queue",
    // A QueueUrl `https://sqs.<region>.amazonaws.com/<account>/<name>` (legacy `<region>.queue.amazonaws.com`).
    toArn(value, context) {
      const url = /^https:\/\/(?:sqs\.([a-z0-9-]+)|([a-z0-9-]+)\.queue)\.amazonaws\.com(?:\.cn)?\/(\d{12})\/([A-Za-z0-9_.-]+)$/.exec(value);
      if (url) return `arn:${context.partition}:sqs:${url[1] ?? url[2]}:${url[3]}:${url[4]}`;
      return parseArn(value)?.service === "sqs" ? value : undefined;
    },
    wildcard: (context) => buildArn(context, "sqs", "*"),
  },
  /** A table name, or a table ARN (DynamoDB accepts both in TableName and as RequestItems keys). */
  dynamodbTable: named("DynamoDB table", "dynamodb", "table/", /^[A-Za-z0-9_.-]{3,255}$/),
  stateMachine: {
    label: "state machine",
    // An unqualified ARN, or one qualified by a version or alias (`stateMachine:<name>:<qualifier>`), whose
    // executions IAM authorises against the unqualified machine.
    toArn(value) {
      const full = parseArn(value);
      const match = full?.service === "states" ? /^stateMachine:([A-Za-z0-9_-]+)(:[A-Za-z0-9_-]+)?$/.exec(full.resource) : null;
      return match && full ? `arn:${full.partition}:states:${full.region}:${full.account}:stateMachine:${match[1]}` : undefined;
    },
    wildcard: (context) => buildArn(context, "states", "stateMachine:*"),
  },
  execution: arnOnly("Step Functions execution", "states", "execution:"),
  iamRole: {
    label: "IAM role",
    toArn: (value) => {
      const arn = parseArn(value);
      return arn?.service === "iam" && arn.resource.startsWith("role/") ? value : undefined;
    },
    wildcard: (context) => buildArn(context, "iam", "role/*", "global"),
  },
  /** `family`, `family:revision` or a task-definition ARN. */
  ecsTaskDefinition: named("ECS task definition", "ecs", "task-definition/", /^[A-Za-z0-9_-]+(:\d+)?$/),
  /** A cluster name or ARN. */
  ecsCluster: named("ECS cluster", "ecs", "cluster/", /^[A-Za-z0-9_-]+$/),
  /** `name`, `name:revision` or a job-definition ARN. */
  batchJobDefinition: named("Batch job definition", "batch", "job-definition/", /^[A-Za-z0-9_-]+(:\d+)?$/),
  batchJobQueue: named("Batch job queue", "batch", "job-queue/", /^[A-Za-z0-9_-]+$/),
  glueJob: named("Glue job", "glue", "job/"),
  glueCrawler: named("Glue crawler", "glue", "crawler/"),
  glueDatabase: named("Glue database", "glue", "database/"),
  athenaWorkGroup: named("Athena workgroup", "athena", "workgroup/"),
  athenaDataCatalog: named("Athena data catalog", "athena", "datacatalog/"),
  eventBus: named("EventBridge event bus", "events", "event-bus/", /^[A-Za-z0-9/_.-]+$/),
  codebuildProject: named("CodeBuild project", "codebuild", "project/"),
  /** SageMaker puts names in ARNs in lower case. */
  sagemakerTrainingJob: sagemakerNamed("SageMaker training job", "training-job/"),
  sagemakerTransformJob: sagemakerNamed("SageMaker transform job", "transform-job/"),
  sagemakerTuningJob: sagemakerNamed("SageMaker hyperparameter tuning job", "hyper-parameter-tuning-job/"),
  sagemakerLabelingJob: sagemakerNamed("SageMaker labeling job", "labeling-job/"),
  sagemakerProcessingJob: sagemakerNamed("SageMaker processing job", "processing-job/"),
  sagemakerModel: sagemakerNamed("SageMaker model", "model/"),
  sagemakerEndpoint: sagemakerNamed("SageMaker endpoint", "endpoint/"),
  sagemakerEndpointConfig: sagemakerNamed("SageMaker endpoint configuration", "endpoint-config/"),
  /**
   * An API Gateway endpoint as the `apigateway:invoke` integration takes it, the host name
   * `<api-id>.execute-api.<region>.amazonaws.com`: the ARN of the API, `arn:<p>:execute-api:<region>:<a>:<api-id>`, in the
   * endpoint's Region and the state machine's account (the host name does not say which account owns the API).
   * @see https://docs.aws.amazon.com/step-functions/latest/dg/connect-api-gateway.html
   */
  apiGatewayEndpoint: {
    label: "API Gateway endpoint (<api-id>.execute-api.<region>.amazonaws.com)",
    toArn(value, context) {
      const host = /^([0-9a-z]+)\.execute-api\.([a-z0-9-]+)\.amazonaws\.com(?:\.cn)?$/.exec(value);
      return host ? `arn:${context.partition}:execute-api:${host[2]}:${context.account}:${host[1]}` : undefined;
    },
    wildcard: (context) => buildArn(context, "execute-api", "*"),
  },
  /** The HTTP methods the `apigateway:invoke` integration takes. */
  apiGatewayMethod: oneOf("HTTP method", ["GET", "POST", "PUT", "DELETE", "PATCH", "HEAD", "OPTIONS"]),
  /** How the `apigateway:invoke` integration authenticates (`NO_AUTH` when left out). */
  apiGatewayAuthType: oneOf("API Gateway AuthType", ["NO_AUTH", "IAM_ROLE", "RESOURCE_POLICY"]),
  /** A role given by name or ARN (the roles of an EMR cluster). */
  iamRoleName: {
    label: "IAM role (name or ARN)",
    toArn(value, context) {
      const arn = parseArn(value);
      if (arn) return arn.service === "iam" && arn.resource.startsWith("role/") ? value : undefined;
      return /^[\w+=,.@-]{1,64}$/.test(value) ? buildArn(context, "iam", `role/${value}`, "global") : undefined;
    },
    wildcard: (context) => buildArn(context, "iam", "role/*", "global"),
  },
  /**
   * An EMR cluster's EC2 instance profile (`JobFlowRole`), by name or instance-profile ARN: the role of the same name,
   * which is what is passed (the EMR default roles and the console name an instance profile after its role).
   */
  emrInstanceProfile: {
    label: "EC2 instance profile (JobFlowRole)",
    toArn(value, context) {
      const arn = parseArn(value);
      if (arn) return arn.service === "iam" && /^(instance-profile|role)\//.test(arn.resource) ? `arn:${arn.partition}:iam::${arn.account}:role/${arn.resource.split("/").pop()}` : undefined;
      return /^[\w+=,.@-]{1,128}$/.test(value) ? buildArn(context, "iam", `role/${value}`, "global") : undefined;
    },
    wildcard: (context) => buildArn(context, "iam", "role/*", "global"),
  },
  /** An EMR cluster id (`j-…`) or ARN. */
  emrCluster: named("EMR cluster", "elasticmapreduce", "cluster/", /^j-[A-Za-z0-9]+$/),
  /** An EMR Serverless application id or ARN. */
  emrServerlessApplication: named("EMR Serverless application", "emr-serverless", "/applications/", /^[0-9a-z]{1,64}$/),
  /** An EMR on EKS virtual cluster id or ARN. */
  emrVirtualCluster: named("EMR on EKS virtual cluster", "emr-containers", "/virtualclusters/", /^[0-9a-z]{1,64}$/),
  /** An EventBridge connection ARN, `connection/<name>/<uuid>`. */
  eventsConnection: arnOnly("EventBridge connection", "events", "connection/"),
  /** A foundation-model id or ARN, an inference-profile ARN or any other Bedrock model ARN. */
  bedrockModel: {
    label: "Bedrock model",
    toArn(value, context) {
      const arn = parseArn(value);
      if (arn) return arn.service === "bedrock" ? value : undefined;
      return /^[A-Za-z0-9.:_-]+$/.test(value) ? `arn:${context.partition}:bedrock:${context.region}::foundation-model/${value}` : undefined;
    },
    wildcard: (context) => `arn:${context.partition}:bedrock:${context.region}::foundation-model/*`,
  },
  /** A knowledge base id or ARN. */
  bedrockKnowledgeBase: named("Bedrock knowledge base", "bedrock", "knowledge-base/", /^[A-Za-z0-9]{10}$/),
  /** A secret name or ARN; a name matches its ARN's six-character random suffix. */
  secret: {
    label: "Secrets Manager secret",
    toArn(value, context) {
      const arn = parseArn(value);
      if (arn) return arn.service === "secretsmanager" && arn.resource.startsWith("secret:") ? value : undefined;
      return /^[A-Za-z0-9/_+=.@!-]+$/.test(value) ? buildArn(context, "secretsmanager", `secret:${value}-??????`) : undefined;
    },
    wildcard: (context) => buildArn(context, "secretsmanager", "secret:*"),
  },
  /** An SSM parameter name (`/app/db-host` or `db-host`) or ARN. */
  ssmParameter: {
    label: "SSM parameter",
    toArn(value, context) {
      const arn = parseArn(value);
      if (arn) return arn.service === "ssm" && arn.resource.startsWith("parameter/") ? value : undefined;
      return /^\/?[A-Za-z0-9/_.-]+$/.test(value) ? buildArn(context, "ssm", `parameter/${value.replace(/^\//, "")}`) : undefined;
    },
    wildcard: (context) => buildArn(context, "ssm", "parameter/*"),
  },
  /** A bucket name or ARN; its wildcard is any bucket (S3 ARNs name no account: the grant adds `s3:ResourceAccount`). */
  s3Bucket: {
    label: "S3 bucket",
    toArn(value, context) {
      const arn = parseArn(value);
      if (arn) return arn.service === "s3" && !arn.resource.includes("/") ? value : undefined;
      return /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/.test(value) ? `arn:${context.partition}:s3:::${value}` : undefined;
    },
    wildcard: (context) => `arn:${context.partition}:s3:::*`,
  },
  /** A Rekognition face collection id or ARN. */
  rekognitionCollection: named("Rekognition collection", "rekognition", "collection/"),
  /**
   * An S3 object's URL, as `s3://bucket/key`: given so, or as an HTTPS URL, virtual-hosted
   * (`https://bucket.s3.<region>.amazonaws.com/key`) or path-style (`https://s3.<region>.amazonaws.com/bucket/key`).
   */
  s3ObjectUrl: {
    label: "S3 object URL",
    toArn(value) {
      const bucket = "([a-z0-9][a-z0-9.-]{1,61}[a-z0-9])";
      const host = "amazonaws\\.com(?:\\.cn)?";
      const s3 = new RegExp(`^s3://${bucket}/(.+)$`).exec(value);
      const virtual = new RegExp(`^https?://${bucket}\\.s3(?:[.-][a-z0-9-]+)?(?:\\.dualstack)?(?:\\.[a-z0-9-]+)?\\.${host}/(.+)$`).exec(value);
      const path = new RegExp(`^https?://s3(?:[.-][a-z0-9-]+)?(?:\\.dualstack)?(?:\\.[a-z0-9-]+)?\\.${host}/${bucket}/(.+)$`).exec(value);
      const match = s3 ?? virtual ?? path;
      return match ? `s3://${match[1]}/${match[2]}` : undefined;
    },
    wildcard: () => "s3://*",
  },
  /** An `s3://bucket/prefix` location, returned as given. */
  s3Url: {
    label: "S3 location (s3://bucket/prefix)",
    toArn: (value) => (/^s3:\/\/[a-z0-9][a-z0-9.-]{1,61}[a-z0-9](\/.*)?$/.test(value) ? value : undefined),
    wildcard: () => "s3://*",
  },
  /** Whether a field is set at all (tags on a call), whatever its value: any value, static or not, counts. */
  present: {
    label: "field",
    toArn: () => "",
    wildcard: () => "",
  },
  /** A value that is not a resource (an S3 key or prefix, an HTTP method or URL), returned as given. */
  value: {
    label: "value",
    toArn: (value) => value,
    wildcard: () => "*",
  },
} satisfies Record<string, ResourceKind>;
