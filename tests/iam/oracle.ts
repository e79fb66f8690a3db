import { AslStateMachine, walkStates } from "../../infra/definition/asl";
import { Request } from "./evaluate";

/**
 * The test oracle: for each Task, the request Step Functions makes on the Task's behalf when it runs — the IAM
 * action and the resource ARN it acts on — written independently of the catalog, from each service's API
 * reference. A target known only at run time is replaced by a sample in the same account; `foreign` is the same
 * call on a resource in another account, which a scoped wildcard must not allow.
 */

const REGION = "eu-west-1";
const ACCOUNT = "111111111111";
const arn = (service: string, resource: string, account = ACCOUNT) => `arn:aws:${service}:${REGION}:${account}:${resource}`;

/** One call a Task makes. */
export interface TaskCall {
  state: string;
  request: Request;
  /** For a dynamic target: the same call on another account's resource (must be denied). */
  foreign?: Request;
}

interface CallSpec {
  action: string;
  /** Payload fields naming the target, first present wins; none for calls without a target. */
  fields: string[];
  /** The runtime ARN for a static value. */
  resource(value: string, payload: Record<string, unknown>): string;
  /** The runtime ARN of a sample dynamic target in the given account. */
  sample(account: string): string;
  context?(payload: Record<string, unknown>): Record<string, string>;
}

const pascal = (name: string) => name[0].toUpperCase() + name.slice(1);
const table = (value: string) => (value.startsWith("arn:") ? value : arn("dynamodb", `table/${value}`));
const dynamodb = (action: string): CallSpec => ({ action: `dynamodb:${action}`, fields: ["TableName"], resource: table, sample: (a) => arn("dynamodb", "table/sample", a) });

const SPECS: Record<string, CallSpec> = {
  "lambda:invoke": {
    action: "lambda:InvokeFunction",
    fields: ["FunctionName"],
    // Lambda authorises a qualified call against the qualified ARN.
    resource: (v) => (v.startsWith("arn:") ? v : /^\d{12}:function:/.test(v) ? `arn:aws:lambda:${REGION}:${v}` : arn("lambda", `function:${v}`)),
    sample: (a) => arn("lambda", "function:sample", a),
  },
  "sns:publish": { action: "sns:Publish", fields: ["TopicArn", "TargetArn"], resource: (v) => v, sample: (a) => arn("sns", "sample", a) },
  "sqs:sendMessage": {
    action: "sqs:SendMessage",
    fields: ["QueueUrl"],
    resource: (v) => {
      const [, host, account, name] = /^https:\/\/([^/]+)\/(\d+)\/(.+)$/.exec(v)!;
      return `arn:aws:sqs:${host.split(".")[1]}:${account}:${name}`;
    },
    sample: (a) => arn("sqs", "sample", a),
  },
  "ecs:runTask": {
    action: "ecs:RunTask",
    fields: ["TaskDefinition"],
    resource: (v) => {
      const full = v.startsWith("arn:") ? v : arn("ecs", `task-definition/${v}`);
      return /:\d+$/.test(full) ? full : `${full}:3`;
    },
    sample: (a) => arn("ecs", "task-definition/sample:1", a),
  },
  "batch:submitJob": { action: "batch:SubmitJob", fields: ["JobQueue"], resource: (v) => (v.startsWith("arn:") ? v : arn("batch", `job-queue/${v}`)), sample: (a) => arn("batch", "job-queue/sample", a) },
  "glue:startJobRun": { action: "glue:StartJobRun", fields: ["JobName"], resource: (v) => arn("glue", `job/${v}`), sample: (a) => arn("glue", "job/sample", a) },
  "athena:startQueryExecution": {
    action: "athena:StartQueryExecution",
    fields: ["WorkGroup"],
    resource: (v) => arn("athena", `workgroup/${v}`),
    sample: (a) => arn("athena", "workgroup/sample", a),
  },
  "states:startExecution": { action: "states:StartExecution", fields: ["StateMachineArn"], resource: (v) => v, sample: (a) => arn("states", "stateMachine:sample", a) },
  "aws-sdk:sfn:startSyncExecution": { action: "states:StartSyncExecution", fields: ["StateMachineArn"], resource: (v) => v, sample: (a) => arn("states", "stateMachine:sample", a) },
  "events:putEvents": { action: "events:PutEvents", fields: ["Entries"], resource: (v) => v, sample: (a) => arn("events", "event-bus/sample", a) },
  "codebuild:startBuild": {
    action: "codebuild:StartBuild",
    fields: ["ProjectName"],
    resource: (v) => (v.startsWith("arn:") ? v : arn("codebuild", `project/${v}`)),
    sample: (a) => arn("codebuild", "project/sample", a),
  },
  "sagemaker:createTrainingJob": {
    action: "sagemaker:CreateTrainingJob",
    fields: ["TrainingJobName"],
    resource: (v) => arn("sagemaker", `training-job/${v.toLowerCase()}`),
    sample: (a) => arn("sagemaker", "training-job/sample", a),
  },
  "bedrock:invokeModel": { action: "bedrock:InvokeModel", fields: ["ModelId"], resource: (v) => model(v), sample: () => model("amazon.titan-text-express-v1") },
  "aws-sdk:bedrockruntime:invokeModel": { action: "bedrock:InvokeModel", fields: ["ModelId"], resource: (v) => model(v), sample: () => model("amazon.titan-text-express-v1") },
  "aws-sdk:bedrockruntime:converse": { action: "bedrock:InvokeModel", fields: ["ModelId"], resource: (v) => model(v), sample: () => model("amazon.titan-text-express-v1") },
  "aws-sdk:s3:getObject": s3Object("s3:GetObject"),
  "aws-sdk:s3:putObject": s3Object("s3:PutObject"),
  "aws-sdk:s3:listObjectsV2": { action: "s3:ListBucket", fields: ["Bucket"], resource: (v) => `arn:aws:s3:::${v}`, sample: () => "arn:aws:s3:::sample-bucket" },
  "aws-sdk:secretsmanager:getSecretValue": {
    action: "secretsmanager:GetSecretValue",
    fields: ["SecretId"],
    resource: (v) => (v.startsWith("arn:") ? v : arn("secretsmanager", `secret:${v}-AbC123`)),
    sample: (a) => arn("secretsmanager", "secret:sample-AbC123", a),
  },
  "aws-sdk:ssm:getParameter": { action: "ssm:GetParameter", fields: ["Name"], resource: (v) => arn("ssm", `parameter/${v.replace(/^\//, "")}`), sample: (a) => arn("ssm", "parameter/sample", a) },
  "aws-sdk:glue:startCrawler": { action: "glue:StartCrawler", fields: ["Name"], resource: (v) => arn("glue", `crawler/${v}`), sample: (a) => arn("glue", "crawler/sample", a) },
  "aws-sdk:glue:getCrawler": { action: "glue:GetCrawler", fields: ["Name"], resource: (v) => arn("glue", `crawler/${v}`), sample: (a) => arn("glue", "crawler/sample", a) },
  "aws-sdk:lambda:invoke": {
    action: "lambda:InvokeFunction",
    fields: ["FunctionName"],
    resource: (v) => (v.startsWith("arn:") ? v : arn("lambda", `function:${v}`)),
    sample: (a) => arn("lambda", "function:sample", a),
  },
  "aws-sdk:sfn:listExecutions": { action: "states:ListExecutions", fields: ["StateMachineArn"], resource: (v) => v, sample: (a) => arn("states", "stateMachine:sample", a) },
};
for (const action of ["getItem", "putItem", "updateItem", "deleteItem"]) {
  SPECS[`dynamodb:${action}`] = dynamodb(pascal(action));
  SPECS[`aws-sdk:dynamodb:${action}`] = dynamodb(pascal(action));
}
SPECS["aws-sdk:dynamodb:query"] = dynamodb("Query");
SPECS["aws-sdk:dynamodb:scan"] = dynamodb("Scan");

function model(id: string): string {
  return id.startsWith("arn:") ? id : `arn:aws:bedrock:${REGION}::foundation-model/${id}`;
}

function s3Object(action: string): CallSpec {
  return {
    action,
    fields: ["Bucket"],
    resource: (bucket, payload) => `arn:aws:s3:::${bucket}/${typeof payload.Key === "string" ? payload.Key : "sample/key.json"}`,
    sample: () => "arn:aws:s3:::sample-bucket/sample/key.json",
  };
}

/**
 * The calls of every Task of a definition that the oracle knows; Tasks it does not know are left out (the
 * corpus test lists how many it checked).
 * @param definition a substituted definition.
 * @param stateMachineName the machine's own name (an HTTP Task is authorised against it).
 */
export function taskCalls(definition: AslStateMachine, stateMachineName: string): TaskCall[] {
  const calls: TaskCall[] = [];
  for (const { name, state, queryLanguage } of walkStates(definition)) {
    if (state.Type !== "Task" || typeof state.Resource !== "string") continue;
    const payload = (queryLanguage === "JSONata" ? state.Arguments : state.Parameters) as unknown;
    if (/^arn:aws:lambda:/.test(state.Resource)) {
      calls.push({ state: name, request: { action: "lambda:InvokeFunction", resource: state.Resource } });
      continue;
    }
    const key = /^arn:aws:states:::(.+?)(\.sync:2|\.sync|\.waitForTaskToken)?$/.exec(state.Resource)?.[1];
    if (key === "http:invoke") {
      calls.push(httpCall(name, payload, stateMachineName));
      continue;
    }
    const spec = key ? SPECS[key] : undefined;
    if (!spec) continue;
    const fields = isObject(payload) ? payload : {};
    const dynamic = typeof payload === "string" || spec.fields.some((f) => `${f}.$` in fields || isRuntime(fields[f]));
    if (key === "events:putEvents") {
      calls.push(...eventCalls(name, fields, dynamic));
      continue;
    }
    const field = spec.fields.find((f) => f in fields);
    if (dynamic) {
      calls.push({ state: name, request: { action: spec.action, resource: spec.sample(ACCOUNT) }, foreign: { action: spec.action, resource: spec.sample("999999999999") } });
    } else if (field) {
      calls.push({ state: name, request: { action: spec.action, resource: spec.resource(fields[field] as string, fields) } });
    } else if (key === "athena:startQueryExecution") {
      calls.push({ state: name, request: { action: spec.action, resource: spec.resource("primary", fields) } });
    }
  }
  return calls;
}

function eventCalls(state: string, fields: Record<string, unknown>, dynamic: boolean): TaskCall[] {
  const action = "events:PutEvents";
  if (dynamic || !Array.isArray(fields.Entries)) {
    return [{ state, request: { action, resource: arn("events", "event-bus/sample") }, foreign: { action, resource: arn("events", "event-bus/sample", "999999999999") } }];
  }
  return fields.Entries.map((entry: Record<string, unknown>) => {
    const bus = entry.EventBusName;
    if (typeof bus !== "string" || isRuntime(bus) || "EventBusName.$" in entry) {
      return typeof bus === "string" || "EventBusName.$" in entry
        ? { state, request: { action, resource: arn("events", "event-bus/sample") } }
        : { state, request: { action, resource: arn("events", "event-bus/default") } };
    }
    return { state, request: { action, resource: bus.startsWith("arn:") ? bus : arn("events", `event-bus/${bus}`) } };
  });
}

function httpCall(state: string, payload: unknown, stateMachineName: string): TaskCall {
  const fields = isObject(payload) ? payload : {};
  const context: Record<string, string> = {
    "states:HTTPMethod": typeof fields.Method === "string" && !isRuntime(fields.Method) ? fields.Method : "POST",
    "states:HTTPEndpoint": typeof fields.ApiEndpoint === "string" && !isRuntime(fields.ApiEndpoint) ? fields.ApiEndpoint : "https://example.com/any",
  };
  return { state, request: { action: "states:InvokeHTTPEndpoint", resource: arn("states", `stateMachine:${stateMachineName}`), context } };
}

function isRuntime(value: unknown): boolean {
  return typeof value === "string" && (/^\s*\{%[\s\S]*%\}\s*$/.test(value) || /\$\{[A-Za-z0-9_]+\}/.test(value));
}

function isObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === "object" && !Array.isArray(value);
}
