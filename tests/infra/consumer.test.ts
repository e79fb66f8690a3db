import { expect } from "chai";
import { StackConfigError, readStackFile } from "../../infra/config";
import { Naming } from "../../infra/naming";
import { renderWorkflow } from "../../infra/render";
import { statecraftProgram } from "../../infra/program";
import { AwsMocks, RegisteredResource } from "../../offline/mocks";
import { Plan, runPlan } from "../../offline/plan";
import { plans } from "../local/plans";
import { runProgram } from "../../offline/program";
import { allows } from "../iam/evaluate";

const PROD = "222222222222";
const CONSUMER = "333333333333";
const PRODUCER_STACK = "acme/statecraft/prod";
const MACHINE = `arn:aws:states:eu-west-1:${PROD}:stateMachine:statecraft-prod-credit-approval`;
const INVOKER = `arn:aws:iam::${PROD}:role/statecraft-prod-invoker-lending`;

function find(plan: Plan, type: string, name: string): RegisteredResource {
  const found = plan.resources.find((r) => r.type === type && r.name === name);
  if (!found) throw new Error(`${type} ${name} was not registered`);
  return found;
}

describe("the consumer stack under mocks", function () {
  this.timeout(60_000);
  let plan: Plan;
  let prod: Plan;
  before(async () => {
    prod = await plans("prod");
    plan = await plans("consumer");
  });

  it("answers the StackReference to the producer stack with the producer's own plan", () => {
    expect(find(plan, "pulumi:pulumi:StackReference", "producer").inputs).to.deep.equal({ name: PRODUCER_STACK });
    expect(plan.stackReferences).to.deep.equal({ [PRODUCER_STACK]: prod.outputs });
  });

  it("deploys loan-intake with its own handler and table only, into its own account through the deployment role", () => {
    expect(plan.resources.filter((r) => r.type === "aws:sfn/stateMachine:StateMachine").map((r) => r.inputs.name)).to.deep.equal(["statecraft-consumer-loan-intake"]);
    expect(plan.resources.filter((r) => r.type === "aws:lambda/function:Function").map((r) => r.inputs.name)).to.deep.equal(["statecraft-consumer-collect-application"]);
    expect(plan.resources.filter((r) => r.type === "aws:dynamodb/table:Table").map((r) => r.inputs.name)).to.deep.equal(["statecraft-consumer-loan-applications"]);
    const provider = find(plan, "pulumi:providers:aws", "aws");
    expect(JSON.parse(provider.inputs.allowedAccountIds as string)).to.deep.equal([CONSUMER]);
    expect(JSON.parse(provider.inputs.assumeRoles as string)).to.deep.equal([{ roleArn: `arn:aws:iam::${CONSUMER}:role/statecraft-deployer`, sessionName: "statecraft-consumer" }]);
    expect(plan.outputs.sharedWorkflows).to.deep.equal({});
  });

  it("calls the shared machine as its invoker role, both from the StackReference", () => {
    const definition = JSON.parse(find(plan, "aws:sfn/stateMachine:StateMachine", "loan-intake").inputs.definition as string);
    const task = definition.States["Run shared credit approval"];
    expect(task.Resource).to.equal("arn:aws:states:::states:startExecution.sync:2");
    expect(task.Credentials).to.deep.equal({ RoleArn: INVOKER });
    expect(task.Parameters.StateMachineArn).to.equal(`${MACHINE}:live`);
  });

  it("gives the execution role sts:AssumeRole on the invoker role only, besides its own Tasks, logs, X-Ray and key", () => {
    const keyArn = find(plan, "aws:kms/key:Key", "platform-key").outputs?.arn as string;
    const statements = JSON.parse(find(plan, "aws:iam/rolePolicy:RolePolicy", "loan-intake-role-policy").inputs.policy as string).Statement;
    expect(statements).to.deep.equal([
      { Effect: "Allow", Action: ["dynamodb:PutItem"], Resource: [`arn:aws:dynamodb:eu-west-1:${CONSUMER}:table/statecraft-consumer-loan-applications`] },
      // It writes its encrypted table: the key through DynamoDB.
      {
        Effect: "Allow",
        Condition: { StringEquals: { "kms:ViaService": "dynamodb.eu-west-1.amazonaws.com" } },
        Action: ["kms:Decrypt", "kms:Encrypt", "kms:GenerateDataKey"],
        Resource: [keyArn],
      },
      {
        Effect: "Allow",
        Condition: { StringEquals: { "kms:EncryptionContext:aws:states:stateMachineArn": `arn:aws:states:eu-west-1:${CONSUMER}:stateMachine:statecraft-consumer-loan-intake` } },
        Action: ["kms:Decrypt", "kms:GenerateDataKey"],
        Resource: [keyArn],
      },
      // It logs with the key: log delivery encrypts in the account's logs context.
      {
        Effect: "Allow",
        Condition: { StringEquals: { "kms:EncryptionContext:SourceArn": `arn:aws:logs:eu-west-1:${CONSUMER}:*` } },
        Action: ["kms:GenerateDataKey"],
        Resource: [keyArn],
      },
      {
        Effect: "Allow",
        Action: ["lambda:InvokeFunction"],
        Resource: [`arn:aws:lambda:eu-west-1:${CONSUMER}:function:statecraft-consumer-collect-application`, `arn:aws:lambda:eu-west-1:${CONSUMER}:function:statecraft-consumer-collect-application:*`],
      },
      {
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
          "xray:GetSamplingRules",
          "xray:GetSamplingTargets",
          "xray:PutTelemetryRecords",
          "xray:PutTraceSegments",
        ],
        Resource: ["*"],
      },
      { Effect: "Allow", Action: ["sts:AssumeRole"], Resource: [INVOKER] },
    ]);
    expect(statements.flatMap((s: { Action: string[] }) => s.Action).filter((a: string) => a.startsWith("states:"))).to.be.empty;
  });

  it("delegates the Task's own calls to the invoker role, whose policy in prod allows each of them", () => {
    const { config } = readStackFile("consumer");
    const naming = new Naming("statecraft", "consumer", { partition: "aws", region: "eu-west-1", account: CONSUMER });
    const shared = (plan.stackReferences?.[PRODUCER_STACK] as { sharedWorkflows: Record<string, never> }).sharedWorkflows;
    const { derivation } = renderWorkflow("loan-intake", naming, config.backupTables, shared);
    const task = derivation.states.find((s) => s.state === "Run shared credit approval");
    expect(task?.statements).to.deep.equal([{ Effect: "Allow", Action: ["sts:AssumeRole"], Resource: [INVOKER] }]);
    const invokerPolicy = JSON.parse(find(prod, "aws:iam/rolePolicy:RolePolicy", "lending-invoker-policy").inputs.policy as string);
    const needed = (task?.delegated ?? []).filter((s) => s.Action.every((a) => a.startsWith("states:")));
    expect(needed.flatMap((s) => s.Action)).to.have.members(["states:StartExecution", "states:DescribeExecution", "states:StopExecution"]);
    for (const statement of needed) {
      for (const action of statement.Action) {
        for (const resource of statement.Resource) {
          const concrete = resource.replace(/\*$/, "loan-2025-0001");
          // The Task starts the shared machine's live alias: Step Functions authorizes it with that qualifier.
          const context = { "states:StateMachineQualifier": "live" };
          expect(allows(invokerPolicy, { action, resource: concrete, context }), `${action} on ${concrete}`).to.equal(true);
          expect(action !== "states:StartExecution" || !allows(invokerPolicy, { action, resource: concrete }), "StartExecution without the alias").to.equal(true);
        }
      }
    }
  });

  it("uses whatever a mocked StackReference answers, without planning the producer", async () => {
    const other = `arn:aws:states:eu-west-1:${PROD}:stateMachine:credit-approval-v2`;
    const otherRole = `arn:aws:iam::${PROD}:role/credit-approval-v2-invoker`;
    const mocked = await runPlan("consumer", {
      stackReferences: { [PRODUCER_STACK]: { sharedWorkflows: { "credit-approval": { stateMachineArn: other, aliasArn: `${other}:live`, invokerRoleArn: otherRole, type: "STANDARD" } } } },
    });
    const definition = JSON.parse(find(mocked, "aws:sfn/stateMachine:StateMachine", "loan-intake").inputs.definition as string);
    expect(definition.States["Run shared credit approval"].Credentials.RoleArn).to.equal(otherRole);
    expect(definition.States["Run shared credit approval"].Parameters.StateMachineArn).to.equal(`${other}:live`);
    const policy = JSON.parse(find(mocked, "aws:iam/rolePolicy:RolePolicy", "loan-intake-role-policy").inputs.policy as string);
    expect(policy.Statement).to.deep.include({ Effect: "Allow", Action: ["sts:AssumeRole"], Resource: [otherRole] });
  });

  it("fails, naming statecraft:producerStack, when the producer does not share the workflow, registering nothing but the StackReference", async () => {
    const { raw, secretKeys } = readStackFile("consumer");
    const mocks = new AwsMocks({ partition: "aws", region: "eu-west-1", account: CONSUMER }, { stackReferences: { [PRODUCER_STACK]: { sharedWorkflows: {} } } });
    let error: Error | undefined;
    await runProgram(statecraftProgram, { project: "statecraft", stack: "consumer", mocks, config: raw, secretKeys }).catch((e: Error) => (error = e));
    expect(error).to.be.instanceOf(StackConfigError);
    expect(error?.message).to.contain("Pulumi.consumer.yaml").and.contain("statecraft:producerStack (acme/statecraft/prod): does not share credit-approval");
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(mocks.resources.map((r) => r.type).filter((type) => type !== "pulumi:pulumi:Stack")).to.deep.equal(["pulumi:pulumi:StackReference"]);
  });
});
