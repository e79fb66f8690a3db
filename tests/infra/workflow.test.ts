import { expect } from "chai";
import * as pulumi from "@pulumi/pulumi";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { definitionFromFile } from "../../infra/components/definition-source";
import { Workflow } from "../../infra/components/workflow";
import { DefinitionError } from "../../infra/definition/errors";
import { AwsMocks } from "../../offline/mocks";

const context = { partition: "aws", region: "eu-west-1", account: "111111111111" };
const logging = { level: "ERROR" as const, includeExecutionData: true, logGroupName: "/aws/vendedlogs/states/test-wf", retentionInDays: 7 };

function writeDefinition(definition: unknown): string {
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "statecraft-wf-")), "wf.asl.json");
  fs.writeFileSync(file, JSON.stringify(definition, null, 2));
  return file;
}
const invoke = (functionName: string) => ({
  StartAt: "Call",
  States: { Call: { Type: "Task", Resource: "arn:aws:states:::lambda:invoke", Parameters: { FunctionName: functionName, "Payload.$": "$" }, End: true } },
});
function value<T>(output: pulumi.Output<T>): Promise<T> {
  return new Promise((resolve) => output.apply(resolve));
}

describe("Workflow", () => {
  let mocks: AwsMocks;
  beforeEach(async () => {
    mocks = new AwsMocks(context);
    await pulumi.runtime.setMocks(mocks, "statecraft", "test", false);
  });

  it("rejects an unknown integration naming the file, State and Resource before any resource exists", () => {
    const file = writeDefinition({ StartAt: "Run job", States: { "Run job": { Type: "Task", Resource: "arn:aws:states:::mystery:doThing", End: true } } });
    expect(() => definitionFromFile(file, {}, context))
      .to.throw(DefinitionError)
      .with.property("message")
      .that.contains("wf.asl.json")
      .and.contains('State "Run job"')
      .and.contains("mystery:doThing");
    expect(mocks.resources).to.have.lengthOf(0);
  });

  it("rejects a placeholder without a value even when values are Outputs", () => {
    const file = writeDefinition(invoke("${FnArn}"));
    expect(() => definitionFromFile(file, { Other: pulumi.output("x") }, context)).to.throw(DefinitionError, /\$\{FnArn\} has no substitution value/);
  });

  it("renders a definition whose values are Outputs once they resolve, and derives its role from them", async () => {
    const file = writeDefinition(invoke("${FnArn}"));
    const fnArn = pulumi.output("arn:aws:lambda:eu-west-1:111111111111:function:late");
    const workflow = new Workflow("late", { definition: definitionFromFile(file, { FnArn: fnArn }, context), stateMachineName: "test-late", logging });
    const definition = JSON.parse(await value(workflow.definition));
    expect(definition.States.Call.Parameters.FunctionName).to.equal("arn:aws:lambda:eu-west-1:111111111111:function:late");
    const policy = JSON.parse(await value(workflow.policy));
    expect(policy.Statement[0]).to.deep.equal({
      Effect: "Allow",
      Action: ["lambda:InvokeFunction"],
      Resource: ["arn:aws:lambda:eu-west-1:111111111111:function:late", "arn:aws:lambda:eu-west-1:111111111111:function:late:*"],
    });
  });

  it("lets a transform adjust the state machine's arguments", async () => {
    const file = writeDefinition(invoke("arn:aws:lambda:eu-west-1:111111111111:function:f"));
    const workflow = new Workflow("tweaked", {
      definition: definitionFromFile(file, {}, context),
      stateMachineName: "test-tweaked",
      logging,
      transform: { stateMachine: (args) => ({ ...args, publish: true }) },
    });
    await value(workflow.stateMachine.urn);
    const machine = mocks.resources.find((r) => r.type === "aws:sfn/stateMachine:StateMachine" && r.name === "tweaked");
    expect(machine?.inputs.publish).to.equal(true);
  });
});

describe("Workflow past the inline policy limit", () => {
  let mocks: AwsMocks;
  beforeEach(async () => {
    mocks = new AwsMocks(context);
    await pulumi.runtime.setMocks(mocks, "statecraft", "test", false);
  });

  /** A Parallel of `count` Tasks, each invoking its own function: about 190 characters of policy each. */
  function manyFunctions(count: number) {
    const branch = (i: number) => ({
      StartAt: `Call ${i}`,
      States: { [`Call ${i}`]: { Type: "Task", Resource: "arn:aws:states:::lambda:invoke", Parameters: { FunctionName: `worker-with-a-rather-long-name-${i}` }, End: true } },
    });
    return { StartAt: "Fan out", States: { "Fan out": { Type: "Parallel", Branches: Array.from({ length: count }, (_, i) => branch(i)), End: true } } };
  }

  it("keeps a small derived policy inline, with no managed policy", async () => {
    const workflow = new Workflow("small", { definition: definitionFromFile(writeDefinition(manyFunctions(3)), {}, context), stateMachineName: "test-small", logging });
    await value(workflow.stateMachine.urn);
    expect(workflow.managedPolicyCount).to.equal(0);
    expect(mocks.resources.filter((r) => r.type === "aws:iam/policy:Policy")).to.have.lengthOf(0);
  });

  it("moves derived statements past 10,240 characters into managed policies of at most 6,144, attached before the state machine", async () => {
    const workflow = new Workflow("large", { definition: definitionFromFile(writeDefinition(manyFunctions(120)), {}, context), stateMachineName: "test-large", logging });
    await value(workflow.stateMachine.urn);
    const policies = mocks.resources.filter((r) => r.type === "aws:iam/policy:Policy");
    expect(policies.length).to.equal(workflow.managedPolicyCount).and.be.greaterThan(1);
    const granted = policies.flatMap((p) => {
      const text = p.inputs.policy as string;
      expect(text.length).to.be.at.most(6_144);
      return (JSON.parse(text).Statement as { Resource: string[] }[]).flatMap((s) => s.Resource);
    });
    expect(granted).to.include("arn:aws:lambda:eu-west-1:111111111111:function:worker-with-a-rather-long-name-119");
    expect(granted).to.have.lengthOf(240);
    const inline = JSON.parse(await value(workflow.policy));
    expect(inline.Statement.map((s: { Action: string[] }) => s.Action[0])).to.deep.equal(["logs:CreateLogDelivery"]);
    expect(mocks.resources.filter((r) => r.type === "aws:iam/rolePolicyAttachment:RolePolicyAttachment")).to.have.lengthOf(policies.length);
  });

  it("rejects a definition whose derived policy would need more than ten managed policies, before any resource exists", () => {
    expect(() => definitionFromFile(writeDefinition(manyFunctions(400)), {}, context))
      .to.throw(DefinitionError)
      .with.property("message")
      .that.contains("wf.asl.json")
      .and.contains("more than the 10 IAM attaches to a role");
    expect(mocks.resources).to.have.lengthOf(0);
  });
});
