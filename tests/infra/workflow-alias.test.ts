import { expect } from "chai";
import * as pulumi from "@pulumi/pulumi";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { definitionFromFile } from "../../infra/components/definition-source";
import { Workflow, WorkflowArgs } from "../../infra/components/workflow";
import { LIVE_ALIAS } from "../../infra/rollout/schema";
import { AwsMocks } from "../../offline/mocks";

const context = { partition: "aws", region: "eu-west-1", account: "111111111111" };
const logging = { level: "ERROR" as const, includeExecutionData: true, logGroupName: "/aws/vendedlogs/states/test-wf", retentionInDays: 7 };
const machineArn = (name: string) => `arn:aws:states:eu-west-1:111111111111:stateMachine:${name}`;

function writeDefinition(functionName: string): string {
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "statecraft-alias-")), "wf.asl.json");
  const definition = {
    StartAt: "Call",
    States: { Call: { Type: "Task", Resource: "arn:aws:states:::lambda:invoke", Parameters: { FunctionName: functionName, "Payload.$": "$" }, End: true } },
  };
  fs.writeFileSync(file, JSON.stringify(definition));
  return file;
}
function value<T>(output: pulumi.Output<T>): Promise<T> {
  return new Promise((resolve) => output.apply(resolve));
}

describe("Workflow versions and the live alias", () => {
  let mocks: AwsMocks;
  beforeEach(async () => {
    mocks = new AwsMocks(context);
    await pulumi.runtime.setMocks(mocks, "statecraft", "test", false);
  });

  /** Builds a workflow, waits for every child, and returns them with the options each child was registered with. */
  async function deploy(name: string, extra: Partial<WorkflowArgs> = {}, fn = "arn:aws:lambda:eu-west-1:111111111111:function:f") {
    const options = new Map<string, pulumi.CustomResourceOptions>();
    const workflow = new Workflow(
      name,
      { definition: definitionFromFile(writeDefinition(fn), {}, context), stateMachineName: `test-${name}`, logging, ...extra },
      { transformations: [(args) => (options.set(`${args.type}::${args.name}`, args.opts), undefined)] },
    );
    await Promise.all([value(workflow.alias.urn), value(workflow.stateMachine.urn), value(workflow.policy)]);
    const find = (type: string, child: string) => mocks.resources.find((r) => r.type === type && r.name === child)!;
    return {
      workflow,
      machine: find("aws:sfn/stateMachine:StateMachine", name),
      alias: find("aws:sfn/alias:Alias", `${name}-${LIVE_ALIAS}`),
      rolePolicy: find("aws:iam/rolePolicy:RolePolicy", `${name}-role-policy`),
      aliasOptions: options.get(`aws:sfn/alias:Alias::${name}-${LIVE_ALIAS}`)!,
    };
  }

  it("publishes a version of the state machine and exports its ARN as versionArn", async () => {
    const { workflow, machine } = await deploy("versioned");
    expect(machine.inputs.publish).to.equal(true);
    expect(await value(workflow.versionArn)).to.equal(`${machineArn("test-versioned")}:1`);
  });

  it("creates the live alias routing 100% to the published version, exported as aliasArn", async () => {
    const { workflow, alias } = await deploy("aliased");
    expect(alias.inputs.name).to.equal("live");
    expect(alias.inputs.routingConfigurations).to.deep.equal([{ stateMachineVersionArn: `${machineArn("test-aliased")}:1`, weight: 100 }]);
    expect(await value(workflow.aliasArn)).to.equal(`${machineArn("test-aliased")}:live`);
    expect(await value(workflow.stateMachineArn)).to.equal(machineArn("test-aliased"));
  });

  it("lets pulumi up move the alias when the rollout is ALL_AT_ONCE, given or by default", async () => {
    for (const [name, rollout] of [["default", undefined], ["at-once", { type: "ALL_AT_ONCE" as const }]] as const) {
      const { aliasOptions } = await deploy(name, rollout ? { rollout } : {});
      expect(aliasOptions.ignoreChanges ?? [], name).to.deep.equal([]);
    }
  });

  it("leaves the alias's routing to npm run promote when the rollout is CANARY or LINEAR", async () => {
    for (const rollout of [{ type: "CANARY" as const, percentage: 10, intervalMinutes: 5 }, { type: "LINEAR" as const, percentage: 20, intervalMinutes: 10 }]) {
      const name = rollout.type.toLowerCase();
      const { alias, aliasOptions } = await deploy(name, { rollout });
      expect(aliasOptions.ignoreChanges, name).to.deep.equal(["routingConfigurations"]);
      // ignoreChanges applies to updates: at creation the alias still routes everything to the first version.
      expect(alias.inputs.routingConfigurations, name).to.deep.equal([{ stateMachineVersionArn: `${machineArn(`test-${name}`)}:1`, weight: 100 }]);
    }
  });

  it("has the alias deleted and replaced with its state machine, whose deletion deletes it", async () => {
    const { workflow, aliasOptions } = await deploy("tied");
    expect(aliasOptions.deletedWith).to.equal(workflow.stateMachine);
    expect(aliasOptions.parent).to.equal(workflow);
  });

  it("changes the state machine's definition, which publishes a version, when the definition changes", async () => {
    const before = await deploy("one", {}, "arn:aws:lambda:eu-west-1:111111111111:function:first");
    const after = await deploy("two", {}, "arn:aws:lambda:eu-west-1:111111111111:function:second");
    expect(before.machine.inputs.definition).to.not.equal(after.machine.inputs.definition);
  });

  it("changes only the role policy when the policy changes: IAM applies it to every version, and no version is published", async () => {
    const extra = { Effect: "Allow" as const, Action: ["kms:Decrypt"], Resource: ["arn:aws:kms:eu-west-1:111111111111:key/k"] };
    const plain = await deploy("plain");
    const widened = await deploy("widened", { additionalStatements: [extra] });
    expect(widened.rolePolicy.inputs.policy).to.not.equal(plain.rolePolicy.inputs.policy);
    const comparable = (inputs: Record<string, unknown>) => JSON.stringify({ ...inputs, name: undefined });
    expect(comparable(widened.machine.inputs).replace(/widened/g, "X")).to.equal(comparable(plain.machine.inputs).replace(/plain/g, "X"));
  });

  it("lets a transform adjust the alias's arguments", async () => {
    const { alias } = await deploy("described", { transform: { alias: (args) => ({ ...args, description: "custom" }) } });
    expect(alias.inputs.description).to.equal("custom");
  });
});
