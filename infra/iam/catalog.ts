import { ArnContext, buildArn, parseArn } from "./arn";
import { PolicyCondition } from "./policy";

/**
 * The integration catalog: for each Step Functions service integration, the field that names its target, the
 * kind of resource that target is, and the IAM actions the execution role needs on it per integration pattern.
 * It is data: a new integration is a new row, not new code in the derivation.
 *
 * Sources: `../shared/reference/iam-integrations.md` and the AWS pages linked per row.
 * @see https://docs.aws.amazon.com/step-functions/latest/dg/service-integration-iam-templates.html
 */

/** `""` is request-response; the others are the suffixes of the Resource ARN. */
export type IntegrationPattern = "" | ".sync" | ".sync:2" | ".waitForTaskToken";

/** A kind of resource a Task can target, with how to turn a Parameters value into its ARN. */
export interface ResourceKind {
  /** Human name for warnings, e.g. "Lambda function". */
  label: string;
  /**
   * The full ARN for a value found in Parameters/Arguments, or `undefined` if the value is not of this kind.
   * @param value the static value (a name, a partial ARN, a full ARN, a URL).
   */
  toArn(value: string, context: ArnContext): string | undefined;
  /** The scoped wildcard for a target known only at run time: same partition, Region, account and type. */
  wildcard(context: ArnContext): string;
}

/** The Task's target, resolved. */
export interface Target {
  /** The target's ARN, or the kind's scoped wildcard when the target is dynamic. */
  arn: string;
  /** True when the target is known only at run time. */
  dynamic: boolean;
}

/** What a Grant's resources are computed from. */
export interface GrantInput {
  target: Target;
  /** Every static field of the Task's Parameters/Arguments (for secondary resources such as an IndexName). */
  parameters: Record<string, unknown>;
  context: ArnContext;
}

/** A set of actions on resources computed from the Task. */
export interface Grant {
  actions: string[];
  resources(input: GrantInput): string[];
  condition?: PolicyCondition;
  /** Why, for `--explain` output. */
  reason: string;
}

/** One row of the catalog. */
export interface Integration {
  /** The integration patterns the service supports. */
  patterns: IntegrationPattern[];
  /** The Parameters/Arguments field naming the target (the first one present is used). */
  targetFields: string[];
  kind: ResourceKind;
  /** Grants for every pattern. */
  grants: Grant[];
  /** Extra grants for `.sync` and `.sync:2`. */
  syncGrants?: Grant[];
  /** The AWS page this row follows. */
  docs: string;
}

const name = (value: string) => /^[A-Za-z0-9_.-]+$/.test(value);

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
  dynamodbTable: {
    label: "DynamoDB table",
    // A table name, or a table ARN (DynamoDB accepts both in TableName).
    toArn(value, context) {
      const full = parseArn(value);
      if (full) return full.service === "dynamodb" && /^table\/[A-Za-z0-9_.-]+$/.test(full.resource) ? value : undefined;
      return name(value) ? buildArn(context, "dynamodb", `table/${value}`) : undefined;
    },
    wildcard: (context) => buildArn(context, "dynamodb", "table/*"),
  },
  stateMachine: {
    label: "state machine",
    toArn(value) {
      const full = parseArn(value);
      return full?.service === "states" && /^stateMachine:[A-Za-z0-9_-]+$/.test(full.resource) ? value : undefined;
    },
    wildcard: (context) => buildArn(context, "states", "stateMachine:*"),
  },
} satisfies Record<string, ResourceKind>;

/** The target ARN and, for a Lambda function, its versions and aliases. */
const targetAndQualifiers = ({ target }: GrantInput) => (target.dynamic ? [target.arn] : [target.arn, `${target.arn}:*`]);
const targetOnly = ({ target }: GrantInput) => [target.arn];
/** A table and, when the call names an IndexName, that index (any index of the table when it is read from a path). */
const tableAndIndex = ({ target, parameters }: GrantInput) => {
  const index = "IndexName.$" in parameters ? null : parameters.IndexName;
  if (index === undefined) return [target.arn];
  return [target.arn, `${target.arn}/index/${typeof index === "string" && name(index) ? index : "*"}`];
};
/** The child machine's executions: `execution:<child name>:*`. */
const childExecutions = ({ target, context }: GrantInput) => {
  const child = parseArn(target.arn);
  const machine = target.dynamic || !child ? "*" : `${child.resource.slice("stateMachine:".length)}:*`;
  return [`arn:${child?.partition ?? context.partition}:states:${child?.region || context.region}:${child?.account || context.account}:execution:${machine}`];
};
/** The EventBridge managed rule a `.sync` integration uses to hear of completion. */
const managedRule = (rule: string) => ({ context }: GrantInput) => [buildArn(context, "events", `rule/${rule}`)];
const eventsRuleGrant = (rule: string): Grant => ({
  actions: ["events:DescribeRule", "events:PutRule", "events:PutTargets"],
  resources: managedRule(rule),
  reason: `.sync waits for completion through the managed EventBridge rule ${rule}`,
});

const dynamodbItem = (action: string, docs = "https://docs.aws.amazon.com/step-functions/latest/dg/connect-ddb.html"): Integration => ({
  patterns: [""],
  targetFields: ["TableName"],
  kind: RESOURCE_KINDS.dynamodbTable,
  grants: [{ actions: [`dynamodb:${action}`], resources: tableAndIndex, reason: `the Task calls DynamoDB ${action} on the table` }],
  docs,
});
const sdkDynamodb = (action: string) => dynamodbItem(action, "https://docs.aws.amazon.com/step-functions/latest/dg/supported-services-awssdk.html");

/**
 * The catalog, keyed by the integration part of the Resource ARN: `lambda:invoke`, `aws-sdk:dynamodb:scan`, …
 * A Lambda function ARN given directly as Resource is looked up as `lambda:invoke`.
 */
export const INTEGRATIONS: Record<string, Integration> = {
  "lambda:invoke": {
    patterns: ["", ".waitForTaskToken"],
    targetFields: ["FunctionName"],
    kind: RESOURCE_KINDS.lambdaFunction,
    grants: [{ actions: ["lambda:InvokeFunction"], resources: targetAndQualifiers, reason: "the Task invokes the function (any version or alias)" }],
    docs: "https://docs.aws.amazon.com/step-functions/latest/dg/connect-lambda.html",
  },
  "sns:publish": {
    patterns: ["", ".waitForTaskToken"],
    targetFields: ["TopicArn", "TargetArn"],
    kind: RESOURCE_KINDS.snsTopic,
    grants: [{ actions: ["sns:Publish"], resources: targetOnly, reason: "the Task publishes to the topic" }],
    docs: "https://docs.aws.amazon.com/step-functions/latest/dg/connect-sns.html",
  },
  "sqs:sendMessage": {
    patterns: ["", ".waitForTaskToken"],
    targetFields: ["QueueUrl"],
    kind: RESOURCE_KINDS.sqsQueue,
    grants: [{ actions: ["sqs:SendMessage"], resources: targetOnly, reason: "the Task sends a message to the queue" }],
    docs: "https://docs.aws.amazon.com/step-functions/latest/dg/connect-sqs.html",
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
  "states:startExecution": {
    patterns: ["", ".sync", ".sync:2", ".waitForTaskToken"],
    targetFields: ["StateMachineArn"],
    kind: RESOURCE_KINDS.stateMachine,
    grants: [{ actions: ["states:StartExecution"], resources: targetOnly, reason: "the Task starts an execution of the child state machine" }],
    syncGrants: [
      { actions: ["states:DescribeExecution", "states:StopExecution"], resources: childExecutions, reason: ".sync follows the child execution and stops it if the parent stops" },
      eventsRuleGrant("StepFunctionsGetEventsForStepFunctionsExecutionRule"),
    ],
    docs: "https://docs.aws.amazon.com/step-functions/latest/dg/connect-stepfunctions.html",
  },
  "aws-sdk:sfn:startSyncExecution": {
    patterns: [""],
    targetFields: ["StateMachineArn"],
    kind: RESOURCE_KINDS.stateMachine,
    grants: [{ actions: ["states:StartSyncExecution"], resources: targetOnly, reason: "the Task runs the Express child synchronously" }],
    docs: "https://docs.aws.amazon.com/step-functions/latest/dg/supported-services-awssdk.html",
  },
};
