import { expect } from "chai";
import * as path from "node:path";
import type { AslStateMachine, Json } from "../../infra/definition/asl";
import { LocalRunError } from "../../local/errors";
import { plans } from "./plans";
import { LocalStack } from "../../local/runner";
import { loadScenario, runScenario, SAMPLES_DIR } from "../../local/scenarios";

const PROD = "222222222222";
const CONSUMER = "333333333333";
const MACHINE = `arn:aws:states:eu-west-1:${PROD}:stateMachine:statecraft-prod-credit-approval`;
const INVOKER = `arn:aws:iam::${PROD}:role/statecraft-prod-invoker-lending`;

const APPLICATION = {
  applicantId: "app-3000",
  name: "Ada Lovelace",
  email: "ada@example.com",
  ssn: "123-45-6789",
  address: { street: "12 St James's Square", city: "London", postalCode: "SW1Y 4JH", country: "GB" },
  creditRequested: 3000,
};

/** One Task starting the shared machine, with its raw result as the output. */
function caller(resource: string, credentials?: Record<string, string>, parameters: Record<string, Json> = {}): AslStateMachine {
  return {
    StartAt: "Start",
    States: {
      Start: {
        Type: "Task",
        Resource: resource,
        ...(credentials ? { Credentials: credentials } : {}),
        // Consumers start the shared machine's live alias, which the invoker role is limited to.
        Parameters: { StateMachineArn: `${MACHINE}:live`, "Input.$": "$", ...parameters },
        End: true,
      },
    },
  } as unknown as AslStateMachine;
}

describe("local cross-account runs (consumer stack calling prod's shared credit-approval)", function () {
  this.timeout(60_000);
  let stack: LocalStack;
  before(async () => {
    stack = await LocalStack.start({ stack: "consumer", plans });
  });
  after(async () => {
    await stack?.stop();
  });
  beforeEach(async () => {
    await stack.reset();
  });

  it("starts the prod stack beside it and takes the shared workflow's ARNs from prod's configuration", () => {
    expect(stack.producer?.stack).to.equal("prod");
    expect(stack.producer?.config.accountId).to.equal(PROD);
    expect(stack.shared).to.deep.equal({ "credit-approval": { stateMachineArn: MACHINE, aliasArn: `${MACHINE}:live`, invokerRoleArn: INVOKER, type: "STANDARD" } });
  });

  for (const name of ["loan-intake-3000-approved", "loan-intake-7500-rejected", "loan-intake-invalid"]) {
    it(`runs the ${name} sample as expected`, async () => {
      const result = await runScenario(stack, loadScenario(path.join(SAMPLES_DIR, `${name}.json`)));
      expect(result.mismatches).to.deep.equal([]);
    });
  }

  it("runs the child in prod's account on prod's resources, and the intake in the consumer's", async () => {
    const result = await runScenario(stack, loadScenario(path.join(SAMPLES_DIR, "loan-intake-3000-approved.json")));
    const report = result.report!;
    expect(report.executionArn).to.match(new RegExp(`^arn:aws:states:eu-west-1:${CONSUMER}:execution:statecraft-consumer-loan-intake:`));
    expect(report.invocations.map((i) => i.function)).to.deep.equal(["collect-application"]);
    const [child] = report.children;
    expect(child.executionArn).to.equal(`arn:aws:states:eu-west-1:${PROD}:execution:statecraft-prod-credit-approval:loan-2025-0001`);
    // The parent's history: the .sync Task is submitted with StartExecution's response, then succeeds.
    const entered = report.history.findIndex((e) => e.stateEnteredEventDetails?.name === "Run shared credit approval");
    const exited = report.history.findIndex((e) => e.stateExitedEventDetails?.name === "Run shared credit approval");
    const task = report.history.slice(entered + 1, exited);
    expect(task.map((e) => e.type)).to.deep.equal(["TaskScheduled", "TaskStarted", "TaskSubmitted", "TaskSucceeded"]);
    expect(JSON.parse(task[2].taskSubmittedEventDetails!.output)).to.deep.equal({ ExecutionArn: child.executionArn, StartDate: child.startDate.getTime() });
    expect(child.invocations.map((i) => i.function)).to.include.members(["credit-limit", "verify-identity", "verify-address", "bureau-score"]);
    expect(child.assumedRoles).to.deep.equal([
      {
        state: "Run shared credit approval",
        roleArn: INVOKER,
        by: `arn:aws:iam::${CONSUMER}:role/statecraft-consumer-loan-intake-role`,
        checks: [
          `trust: allows sts:AssumeRole on ${INVOKER} to arn:aws:iam::${CONSUMER}:role/statecraft-consumer-loan-intake-role (identity statecraft-consumer-loan-intake-role/execution #7, resource #1)`,
          `policy: allows states:StartExecution on ${MACHINE} to ${INVOKER} (identity statecraft-prod-invoker-lending/invoke-shared-workflows #3)`,
          `policy: allows states:DescribeExecution on arn:aws:states:eu-west-1:${PROD}:execution:statecraft-prod-credit-approval:loan-2025-0001 to ${INVOKER} (identity statecraft-prod-invoker-lending/invoke-shared-workflows #2)`,
          `policy: allows kms:Decrypt on ${stack.authorizer.index.stateMachines.get(MACHINE)!.keyArn} to ${INVOKER} (identity statecraft-prod-invoker-lending/invoke-shared-workflows #1, resource #1)`,
          `trust: sts:ExternalId not checked locally (a secret the offline plan knows only as a stand-in; Step Functions passes the calling state machine's ARN arn:aws:states:eu-west-1:${CONSUMER}:stateMachine:statecraft-consumer-loan-intake)`,
        ],
      },
    ]);
    // The bureaus were scanned in prod's table: the consumer has no such table.
    expect(await stack.producer!.dynamodb.scan("statecraft-prod-credit-bureaus")).to.have.length(3);
    expect(() => stack.dynamodb.tableName("credit-bureaus")).to.throw(/No local table/);
  });

  it("answers .sync:2 with DescribeExecution, Input and Output as JSON", async () => {
    const report = await stack.runDefinition(caller("arn:aws:states:::states:startExecution.sync:2", { RoleArn: INVOKER }, { Name: "sync2" }), {
      input: APPLICATION,
      stateMachine: "statecraft-consumer-loan-intake",
    });
    expect(report.status).to.equal("SUCCEEDED");
    const output = report.output as Record<string, Json>;
    expect(output).to.deep.include({
      ExecutionArn: `arn:aws:states:eu-west-1:${PROD}:execution:statecraft-prod-credit-approval:sync2`,
      Name: "sync2",
      StateMachineArn: MACHINE,
      StateMachineAliasArn: `${MACHINE}:live`,
      Status: "SUCCEEDED",
      Input: APPLICATION,
      InputDetails: { Included: true },
      OutputDetails: { Included: true },
      RedriveCount: 0,
      RedriveStatus: "NOT_REDRIVABLE",
    });
    expect((output.Output as { approval: Json }).approval).to.deep.include({ approved: true, approver: "auto" });
    expect(output.StartDate).to.be.a("number");
    expect(output.StopDate).to.be.a("number").and.at.least(output.StartDate as number);
  });

  it("answers .sync with Input and Output as JSON text", async () => {
    const report = await stack.runDefinition(caller("arn:aws:states:::states:startExecution.sync", { RoleArn: INVOKER }), { input: APPLICATION, stateMachine: "statecraft-consumer-loan-intake" });
    const output = report.output as Record<string, Json>;
    expect(output.Input).to.equal(JSON.stringify(APPLICATION));
    expect(JSON.parse(output.Output as string).credit).to.deep.equal({ requested: 3000, applied: 3000 });
  });

  it("fails the Task with States.TaskFailed and the DescribeExecution JSON as cause when the child fails", async () => {
    const report = await stack.runDefinition(caller("arn:aws:states:::states:startExecution.sync:2", { RoleArn: INVOKER }), {
      input: { ...APPLICATION, creditRequested: 6000 },
      stateMachine: "statecraft-consumer-loan-intake",
      approver: { approved: false, reason: "No." },
    });
    expect(report).to.deep.include({ status: "FAILED", error: "States.TaskFailed" });
    const cause = JSON.parse(report.cause!);
    expect(cause).to.deep.include({ Status: "FAILED", Error: "CreditRejected", Cause: "No.", StateMachineArn: MACHINE, RedriveStatus: "REDRIVABLE" });
    expect(JSON.parse(cause.Input)).to.deep.include({ creditRequested: 6000 });
  });

  it("refuses the unqualified machine to the invoker role: consumers start the live alias, so rollouts reach them", async () => {
    const definition = caller("arn:aws:states:::states:startExecution.sync:2", { RoleArn: INVOKER });
    (definition.States.Start.Parameters as Record<string, Json>).StateMachineArn = MACHINE;
    const report = await stack.runDefinition(definition, { input: APPLICATION, stateMachine: "statecraft-consumer-loan-intake" });
    expect(report).to.deep.include({ status: "FAILED", error: "StepFunctions.AWSStepFunctionsException" });
    expect(report.cause).to.contain(`is not authorized to perform: states:StartExecution on resource: ${MACHINE}`);
  });

  it("refuses to start another account's machine without Credentials.RoleArn, as Step Functions has no resource policy", async () => {
    const run = stack.runDefinition(caller("arn:aws:states:::states:startExecution.sync:2"), { input: APPLICATION, stateMachine: "statecraft-consumer-loan-intake" });
    await run.then(
      () => expect.fail("expected a LocalRunError"),
      (error: Error) => {
        expect(error).to.be.instanceOf(LocalRunError);
        expect(error.message).to.match(/State "Start": .*is in account 222222222222: .*needs Credentials\.RoleArn/);
      },
    );
  });

  it("fails the Task with States.TaskFailed when the role is not one the caller may assume, naming the principal, action and trust", async () => {
    const wrongRole = `arn:aws:iam::${PROD}:role/statecraft-prod-credit-approval-role`;
    const report = await stack.runDefinition(caller("arn:aws:states:::states:startExecution.sync:2", { RoleArn: wrongRole }), {
      input: APPLICATION,
      stateMachine: "statecraft-consumer-loan-intake",
    });
    expect(report).to.deep.include({ status: "FAILED", error: "States.TaskFailed" });
    expect(report.cause).to.include(
      `User: arn:aws:iam::${CONSUMER}:role/statecraft-consumer-loan-intake-role is not authorized to perform: sts:AssumeRole on resource: ${wrongRole} because no identity-based policy allows the sts:AssumeRole action`,
    );
    expect(report.cause).to.include(`no resource-based policy allows the sts:AssumeRole action (read: the trust policy of ${wrongRole})`);
    expect(report.children).to.be.empty;
  });

  it("fails the Task when the invoker role's trust does not admit the calling role", async () => {
    const someone = `arn:aws:iam::${CONSUMER}:role/someone-else-role`;
    const report = await stack.runDefinition(caller("arn:aws:states:::states:startExecution.sync:2", { RoleArn: INVOKER }), {
      input: APPLICATION,
      stateMachine: "someone-else",
      executionRoleArn: someone,
    });
    expect(report).to.deep.include({ status: "FAILED", error: "States.TaskFailed" });
    expect(report.cause).to.include(`User: ${someone} is not authorized to perform: sts:AssumeRole on resource: ${INVOKER}`);
    expect(report.cause).to.include(`read: the trust policy of ${INVOKER}`);
  });
});
