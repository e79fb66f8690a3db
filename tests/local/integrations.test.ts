import { CreateBucketCommand, GetObjectCommand, PutObjectCommand } from "@aws-sdk/client-s3";
import { SendTaskSuccessCommand } from "@aws-sdk/client-sfn";
import { expect } from "chai";
import type { AslStateMachine, Json } from "../../infra/definition/asl";
import { startExecution } from "../../engine";
import { INTEGRATIONS } from "../../infra/iam/catalog";
import { LocalRunError } from "../../local/errors";
import { plans } from "./plans";
import { LOCAL_INTEGRATIONS, localCoverage, parseTaskResource } from "../../local/integrations";
import { type DefinitionRunOptions, LocalStack } from "../../local/runner";

/** Awaits a promise that must reject, and returns the rejection. */
async function rejectionOf(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (error) {
    return error as Error;
  }
  throw new Error("expected a rejection, but the promise resolved");
}

describe("parseTaskResource", () => {
  it("splits a service integration into its catalog key and pattern", () => {
    expect(parseTaskResource("arn:aws:states:::sns:publish.waitForTaskToken")).to.deep.equal({ key: "sns:publish", pattern: ".waitForTaskToken" });
    expect(parseTaskResource("arn:aws:states:::aws-sdk:dynamodb:scan")).to.deep.equal({ key: "aws-sdk:dynamodb:scan", pattern: "" });
  });

  it("reads a Lambda function ARN as lambda:invoke on that function", () => {
    const arn = "arn:aws:lambda:eu-west-1:111111111111:function:statecraft-dev-backup-tables";
    expect(parseTaskResource(arn)).to.deep.equal({ key: "lambda:invoke", pattern: "", functionArn: arn });
  });

  it("returns undefined for a Resource that is neither", () => {
    expect(parseTaskResource("arn:aws:sqs:eu-west-1:111111111111:queue")).to.equal(undefined);
  });
});

describe("LOCAL_INTEGRATIONS", () => {
  it("keys every row like a row of the IAM catalog", () => {
    expect(Object.keys(INTEGRATIONS)).to.include.members(Object.keys(LOCAL_INTEGRATIONS));
    expect(localCoverage().notServed).to.include.members(["athena:startQueryExecution"]);
    expect(localCoverage().served).to.include.members(["states:startExecution", "sqs:sendMessage"]);
  });
});

describe("LocalStack.runDefinition", () => {
  let stack: LocalStack;
  before(async () => {
    stack = await LocalStack.start({ stack: "dev", plans });
  });
  after(async () => {
    await stack?.stop();
  });
  beforeEach(async () => {
    await stack.dynamodb.reset();
  });

  /** Runs an ad-hoc definition (not one the stack deploys) without authorization: these tests are about semantics. */
  const run = (definition: AslStateMachine, options: DefinitionRunOptions) => stack.runDefinition(definition, { executionRoleArn: null, ...options });

  /** `Work` (the Task under test) → `Done`, and `Caught` when the Task has a Catch. */
  const task = (state: Record<string, Json>): AslStateMachine => ({
    StartAt: "Work",
    States: {
      Work: { Type: "Task", ...state, Next: "Done" } as never,
      Done: { Type: "Succeed" },
      ...(state.Catch ? { Caught: { Type: "Pass", End: true } as const } : {}),
    },
  });

  it("refuses, before anything runs, a Task whose Resource has no local integration, naming the State and the Resource", async () => {
    const definition: AslStateMachine = {
      StartAt: "Get limit",
      States: {
        "Get limit": { Type: "Task", Resource: stack.naming.functionArn("credit-limit"), Next: "Enqueue" },
        Enqueue: {
          Type: "Task",
          Resource: "arn:aws:states:::athena:startQueryExecution",
          Parameters: { QueryString: "SELECT 1" },
          End: true,
        },
      },
    };
    const error = await rejectionOf(run(definition, { input: { applicantId: "a", creditRequested: 100 } }));
    expect(error).to.be.instanceOf(LocalRunError);
    expect(error.message).to.include('State "Enqueue"').and.include('"arn:aws:states:::athena:startQueryExecution"');
    expect((error as LocalRunError).state).to.equal("Enqueue");
  });

  it("refuses an integration pattern not served locally", async () => {
    const definition = task({ Resource: "arn:aws:states:::dynamodb:putItem.waitForTaskToken", Parameters: { TableName: "t" } });
    const error = await rejectionOf(run(definition, { input: {} }));
    expect(error.message).to.match(/State "Work": .*\.waitForTaskToken pattern/);
  });

  it("lets a handler's error name reach Catch, with Lambda's JSON Cause", async () => {
    const definition = task({
      Resource: stack.naming.functionArn("credit-limit"),
      Catch: [{ ErrorEquals: ["InvalidApplication"], ResultPath: "$.error", Next: "Caught" }],
    });
    const report = await run(definition, { input: { applicantId: "app-1", creditRequested: -5 } });
    expect(report.status).to.equal("SUCCEEDED");
    expect(report.path.map((step) => step.state)).to.deep.equal(["Work", "Caught"]);
    const { error } = report.output as { error: { Error: string; Cause: string } };
    expect(error.Error).to.equal("InvalidApplication");
    expect(JSON.parse(error.Cause)).to.deep.equal({
      errorType: "InvalidApplication",
      errorMessage: "creditRequested must be a positive finite number. Received: -5",
    });
  });

  it("matches a handler error with States.TaskFailed in Retry, and reports each retry", async () => {
    const definition = task({
      Resource: stack.naming.functionArn("credit-limit"),
      Retry: [{ ErrorEquals: ["States.TaskFailed"], IntervalSeconds: 3, MaxAttempts: 2, BackoffRate: 1.5 }],
    });
    const report = await run(definition, { input: { applicantId: "app-1" } });
    expect(report).to.deep.include({ status: "FAILED", error: "InvalidApplication" });
    // Read from the history, on the virtual clock: the intervals AWS would wait, in no real time.
    expect(report.retries.map((r) => [r.attempt, r.definedIntervalMs])).to.deep.equal([
      [1, 3000],
      [2, 4500],
    ]);
    // The clock jumps the interval and runs at wall-clock speed between jumps: a few ms more at most.
    for (const retry of report.retries) expect(retry.waitedMs).to.be.within(retry.definedIntervalMs, retry.definedIntervalMs + 200);
  });

  it("runs a JSONata definition with Assign against the stack's real handler, and a 900 s Wait in no real time", async () => {
    const definition = {
      QueryLanguage: "JSONata",
      StartAt: "Get limit",
      States: {
        "Get limit": {
          Type: "Task",
          Resource: "arn:aws:states:::lambda:invoke",
          Arguments: { FunctionName: stack.naming.functionArn("credit-limit"), Payload: { applicantId: "{% $states.input.applicant %}", creditRequested: "{% $states.input.amount * 2 %}" } },
          Assign: { limit: "{% $states.result.Payload %}", asked: "{% $states.input.amount %}" },
          Output: { asked: "{% $states.input.amount %}" },
          Next: "Cool off",
        },
        "Cool off": { Type: "Wait", Seconds: 900, Next: "Decide" },
        Decide: { Type: "Pass", Output: { limit: "{% $limit %}", asked: "{% $asked %}" }, End: true },
      },
    } as unknown as AslStateMachine;
    const started = Date.now();
    const report = await run(definition, { input: { applicant: "app-1", amount: 1500 } });
    expect(Date.now() - started).to.be.below(5000);
    expect(report, JSON.stringify([report.error, report.cause])).to.deep.include({ status: "SUCCEEDED" });
    expect(report.output).to.deep.equal({ limit: report.invocations[0].result as Json, asked: 1500 });
    expect(report.invocations[0].event).to.deep.equal({ applicantId: "app-1", creditRequested: 3000 });
    // The clock follows real time while a Task's handler works, so a busy machine may add a millisecond around the jump.
    expect(report.waits).to.have.length(1);
    expect(report.waits[0]).to.include({ state: "Cool off", defined: "Seconds: 900" });
    expect(report.waits[0].waitedSeconds).to.be.closeTo(900, 0.05);
    expect(report.history.map((e) => e.type)).to.include.members(["TaskScheduled", "TaskSucceeded", "WaitStateExited", "ExecutionSucceeded"]);
  });

  it("returns lambda:invoke results as {StatusCode, Payload, ExecutedVersion, ...}", async () => {
    const definition = task({
      Resource: "arn:aws:states:::lambda:invoke",
      Parameters: { FunctionName: "statecraft-dev-credit-limit", "Payload.$": "$" },
    });
    const report = await run(definition, { input: { applicantId: "app-1", creditRequested: 1234 } });
    expect(report.output).to.deep.include({ StatusCode: 200, ExecutedVersion: "$LATEST", Payload: { applicantId: "app-1", requested: 1234, applied: 1200 } });
    expect(report.output).to.have.nested.property("SdkResponseMetadata.RequestId");
  });

  it("fails an invocation of a function the stack does not have with Lambda.ResourceNotFoundException", async () => {
    const definition = task({ Resource: "arn:aws:states:::lambda:invoke", Parameters: { FunctionName: "statecraft-dev-nope", Payload: {} } });
    const report = await run(definition, { input: {} });
    expect(report).to.deep.include({ status: "FAILED", error: "Lambda.ResourceNotFoundException" });
  });

  it("fails a publish to a topic outside the stack with SNS.NotFoundException", async () => {
    const definition = task({ Resource: "arn:aws:states:::sns:publish", Parameters: { TopicArn: "arn:aws:sns:eu-west-1:111111111111:other", Message: "hi" } });
    const report = await run(definition, { input: {} });
    expect(report).to.deep.include({ status: "FAILED", error: "SNS.NotFoundException" });
    expect(report.notifications).to.be.empty;
  });

  it("names AWS SDK integration errors DynamoDb.<Exception> and returns the bare API response", async () => {
    const scanOf = (table: string) =>
      task({
        Resource: "arn:aws:states:::aws-sdk:dynamodb:scan",
        Parameters: { TableName: table },
        Catch: [{ ErrorEquals: ["DynamoDb.ResourceNotFoundException"], ResultPath: "$.error", Next: "Caught" }],
      });
    const missing = await run(scanOf("statecraft-dev-missing"), { input: {} });
    expect(missing.caught.map((c) => c.error)).to.deep.equal(["DynamoDb.ResourceNotFoundException"]);
    expect((missing.output as { error: { Cause: string } }).error.Cause).to.match(/\(Service: DynamoDb, Status Code: 400, Request ID: .+\)$/);
    const found = await run(scanOf("statecraft-dev-credit-bureaus"), { input: {} });
    expect(found.output).to.have.all.keys("Count", "Items", "ScannedCount");
    expect(found.output).to.deep.include({ Count: 3, ScannedCount: 3 });
  });

  it("writes through the optimized DynamoDB integration and adds SDK metadata to its result", async () => {
    const definition = task({
      Resource: "arn:aws:states:::dynamodb:putItem",
      Parameters: { TableName: "statecraft-dev-orders", Item: { orderId: { "S.$": "$.id" }, status: { S: "PLACED" } } },
    });
    const report = await run(definition, { input: { id: "o-77" } });
    expect(report.output).to.have.all.keys("SdkHttpMetadata", "SdkResponseMetadata");
    expect(await stack.dynamodb.getItem("statecraft-dev-orders", { orderId: { S: "o-77" } })).to.deep.equal({ orderId: { S: "o-77" }, status: { S: "PLACED" } });
  });

  it("gives each .waitForTaskToken Task one token, the same for every read of $$.Task.Token", async () => {
    const definition = task({
      Resource: "arn:aws:states:::sns:publish.waitForTaskToken",
      Parameters: { TopicArn: stack.naming.topicArn("backup-success"), Message: { "a.$": "$$.Task.Token", "b.$": "$$.Task.Token" } },
      ResultPath: "$.answer",
    });
    let message: { a: string; b: string } | undefined;
    const report = await run(definition, {
      input: {},
      responder: async (pending) => {
        message = JSON.parse(pending.notifications[0].message) as { a: string; b: string };
        await pending.stepFunctions.send(new SendTaskSuccessCommand({ taskToken: pending.taskToken, output: JSON.stringify({ ok: message.a === pending.taskToken }) }));
      },
    });
    expect(message?.a).to.be.a("string").with.length.above(100);
    expect(message?.b).to.equal(message?.a);
    expect(report.status).to.equal("SUCCEEDED");
    expect(report.output).to.deep.equal({ answer: { ok: true } });
  });

  it("stops a run whose .waitForTaskToken Task has nobody to answer it, naming the State", async () => {
    const definition = task({
      Resource: "arn:aws:states:::sns:publish.waitForTaskToken",
      Parameters: { TopicArn: stack.naming.topicArn("backup-success"), Message: { "token.$": "$$.Task.Token" } },
    });
    const error = await rejectionOf(run(definition, { input: {} }));
    expect(error).to.be.instanceOf(LocalRunError);
    expect(error.message).to.match(/^State "Work": .*no responder/);
  });

  it("stops a run whose .waitForTaskToken Task does not pass $$.Task.Token", async () => {
    const definition = task({
      Resource: "arn:aws:states:::sns:publish.waitForTaskToken",
      Parameters: { TopicArn: stack.naming.topicArn("backup-success"), Message: "no token here" },
    });
    const error = await rejectionOf(run(definition, { input: {}, approver: { approved: true } }));
    expect(error.message).to.match(/^State "Work": .*do not pass \$\$\.Task\.Token/);
  });
});

describe("LocalStack.runDefinition, authorized as a role of the plan", () => {
  let stack: LocalStack;
  before(async () => {
    stack = await LocalStack.start({ stack: "prod", plans });
  });
  after(async () => {
    await stack?.stop();
  });

  const role = (workflow: string) => `arn:aws:iam::222222222222:role/statecraft-prod-${workflow}-role`;
  const caught = (resource: string, parameters: Record<string, Json>): AslStateMachine => ({
    StartAt: "Work",
    States: {
      Work: {
        Type: "Task",
        Resource: resource,
        Parameters: parameters,
        Retry: [{ ErrorEquals: ["States.ALL"], IntervalSeconds: 1, MaxAttempts: 1 }],
        Catch: [{ ErrorEquals: ["States.ALL"], ResultPath: "$.error", Next: "Denied" }],
        End: true,
      } as never,
      Denied: { Type: "Pass", End: true },
    },
  });

  for (const [integration, resource, parameters, error, action] of [
    ["dynamodb:putItem", "arn:aws:states:::dynamodb:putItem", { TableName: "statecraft-prod-orders", Item: { orderId: { S: "o-1" } } }, "DynamoDB.AmazonDynamoDBException", "dynamodb:PutItem"],
    ["aws-sdk:dynamodb:scan", "arn:aws:states:::aws-sdk:dynamodb:scan", { TableName: "statecraft-prod-orders" }, "DynamoDb.DynamoDbException", "dynamodb:Scan"],
    ["sns:publish", "arn:aws:states:::sns:publish", { TopicArn: "arn:aws:sns:eu-west-1:222222222222:statecraft-prod-backup-success", Message: "hi" }, "SNS.AuthorizationErrorException", "sns:Publish"],
    ["lambda:invoke", "arn:aws:states:::lambda:invoke", { FunctionName: "statecraft-prod-validate-order", Payload: {} }, "Lambda.AWSLambdaException", "lambda:InvokeFunction"],
  ] as const) {
    it(`fails a ${integration} Task the execution role may not make with ${error}, which Retry and Catch see`, async () => {
      const report = await stack.runDefinition(caught(resource, parameters as unknown as Record<string, Json>), { input: {}, executionRoleArn: role("credit-approval") });
      expect(report.retries.map((r) => r.error)).to.deep.equal([error]);
      expect(report.caught.map((c) => c.error)).to.deep.equal([error]);
      const { Cause } = (report.output as { error: { Cause: string } }).error;
      expect(Cause).to.include(`User: ${role("credit-approval")} is not authorized to perform: ${action} on resource: `);
      expect(Cause).to.include(`because no identity-based policy allows the ${action} action (policies read: statecraft-prod-credit-approval-role/execution)`);
    });
  }

  it("fails a DynamoDB Task whose role may call the table but not use its key, naming kms:Decrypt and the key", async () => {
    const plan = stack.authorizer.index.plans.get("prod")!;
    const original = [{ stack: "prod", resources: plan }];
    const keyless = JSON.parse(JSON.stringify(original)) as typeof original;
    for (const resource of keyless[0].resources.filter((r) => r.type === "aws:iam/rolePolicy:RolePolicy" && r.inputs.role === "statecraft-prod-order-events-role")) {
      const document = JSON.parse(String(resource.inputs.policy)) as { Statement: { Action: string[]; Condition?: Record<string, Record<string, string>> }[] };
      document.Statement = document.Statement.filter((s) => !s.Condition?.StringEquals?.["kms:ViaService"]?.startsWith("dynamodb."));
      resource.inputs.policy = JSON.stringify(document);
    }
    stack.authorizer.usePlans(keyless);
    try {
      const definition = caught("arn:aws:states:::dynamodb:putItem", { TableName: "statecraft-prod-orders", Item: { orderId: { S: "o-2" } } });
      const report = await stack.runDefinition(definition, { input: {}, executionRoleArn: role("order-events") });
      const { Cause } = (report.output as { error: { Error: string; Cause: string } }).error;
      expect(report.caught.map((c) => c.error)).to.deep.equal(["DynamoDB.AmazonDynamoDBException"]);
      expect(Cause).to.match(/is not authorized to perform: kms:Decrypt on resource: arn:aws:kms:eu-west-1:222222222222:key\/[0-9a-f-]+ because no identity-based policy allows the kms:Decrypt action/);
      expect(Cause).to.include("Error Code: KMSAccessDeniedException");
    } finally {
      stack.authorizer.usePlans(original);
    }
  });

  it("refuses to run an ad-hoc definition with no execution role, naming the state machine", async () => {
    const error = await rejectionOf(stack.runDefinition(caught("arn:aws:states:::sns:publish", {}), { input: {}, stateMachine: "nobody" }));
    expect(error.message).to.include("plan registers no state machine nobody");
  });
});

describe("LocalStack: a Distributed Map over the local S3", () => {
  let stack: LocalStack;
  before(async () => {
    stack = await LocalStack.start({ stack: "dev", plans });
    const { s3 } = await stack.localS3();
    await s3.send(new CreateBucketCommand({ Bucket: "orders" }));
    await s3.send(new PutObjectCommand({ Bucket: "orders", Key: "in/orders.csv", Body: "id,amount\no-1,10\no-2,25\no-3,40\n" }));
  });
  after(async () => {
    await stack?.stop();
  });

  /** Sums each batch of CSV rows with a Pass State; results go to s3://orders/results/. */
  const definition = {
    StartAt: "Sum",
    States: {
      Sum: {
        Type: "Map",
        ItemReader: { Resource: "arn:aws:states:::s3:getObject", ReaderConfig: { InputType: "CSV", CSVHeaderLocation: "FIRST_ROW" }, Parameters: { Bucket: "orders", Key: "in/orders.csv" } },
        ItemBatcher: { MaxItemsPerBatch: 2 },
        ItemProcessor: {
          ProcessorConfig: { Mode: "DISTRIBUTED", ExecutionType: "EXPRESS" },
          StartAt: "Count",
          States: { Count: { Type: "Pass", Parameters: { "rows.$": "States.ArrayLength($.Items)", "ids.$": "$.Items[*].id" }, End: true } },
        },
        ResultWriter: { Resource: "arn:aws:states:::s3:putObject", Parameters: { Bucket: "orders", Prefix: "results" } },
        End: true,
      },
    },
  } as unknown as AslStateMachine;

  it("reads the items from S3, runs each batch as a child execution, and writes the results to S3", async () => {
    const report = await stack.runDefinition(definition, { input: {}, executionRoleArn: null });
    expect(report.status, report.cause).to.equal("SUCCEEDED");
    const { ResultWriterDetails } = report.output as { ResultWriterDetails: { Bucket: string; Key: string } };
    expect(ResultWriterDetails.Bucket).to.equal("orders");
    const { s3 } = await stack.localS3();
    const manifest = JSON.parse(await (await s3.send(new GetObjectCommand({ Bucket: "orders", Key: ResultWriterDetails.Key }))).Body!.transformToString());
    const [succeeded] = manifest.ResultFiles.SUCCEEDED as { Key: string }[];
    const results = JSON.parse(await (await s3.send(new GetObjectCommand({ Bucket: "orders", Key: succeeded.Key }))).Body!.transformToString()) as { Output: string }[];
    expect(results.map((r) => JSON.parse(r.Output))).to.have.deep.members([
      { rows: 2, ids: ["o-1", "o-2"] },
      { rows: 1, ids: ["o-3"] },
    ]);
    expect(report.history.map((e) => e.type)).to.include.members(["MapRunStarted", "MapRunSucceeded"]);
  });

  it("authorizes the read as the execution role: a role without s3:GetObject fails the Map with States.ItemReaderFailed", async () => {
    const role = stack.authorizer.index.stateMachines.get(stack.naming.stateMachineArn("credit-approval"))!.roleArn;
    const report = await stack.runDefinition(definition, { input: {}, executionRoleArn: role });
    expect(report).to.deep.include({ status: "FAILED", error: "States.ItemReaderFailed" });
    expect(report.cause).to.include("s3:GetObject").and.include("arn:aws:s3:::orders/in/orders.csv");
  });
});

describe("LocalStack.engineOptionsFor (executions the local endpoint starts)", () => {
  let stack: LocalStack;
  before(async () => {
    stack = await LocalStack.start({ stack: "dev", plans });
  });
  after(async () => {
    await stack?.stop();
  });

  it("fails the execution with States.Runtime for a problem of the local run, which no Retry or Catch takes", async () => {
    const definition = {
      StartAt: "Put",
      States: {
        Put: {
          Type: "Task",
          Resource: "arn:aws:states:::dynamodb:putItem",
          Parameters: "not an object",
          Retry: [{ ErrorEquals: ["States.ALL"], MaxAttempts: 2 }],
          Catch: [{ ErrorEquals: ["States.ALL"], Next: "Caught" }],
          End: true,
        },
        Caught: { Type: "Succeed" },
      },
    } as unknown as AslStateMachine;
    const arn = stack.naming.stateMachineArn("credit-approval");
    const options = stack.engineOptionsFor({ arn, roleArn: "unused" }, definition);
    const result = await startExecution(definition as never, {}, options).result;
    expect(result).to.deep.include({ status: "FAILED", error: "States.Runtime" });
    expect(result.cause).to.match(/^A problem of the local run: State "Put": the arn:aws:states:::dynamodb:putItem integration needs Parameters that are a JSON object/);
  });
});
