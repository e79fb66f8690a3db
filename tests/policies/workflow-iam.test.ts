import { expect } from "chai";
import { logDeliveryStatement, xrayStatement } from "../../infra/iam/service";
import { UNSCOPED_ACTIONS } from "../../infra/iam/sdk-services";
import { runPlan } from "../../offline/plan";
import { DEFAULT_ALLOWED_ACTIONS_ON_STAR } from "../../policies/rules/iam-no-star-resource";
import { DEV_FINDINGS, STACK_CONFIGS, WORKFLOW_IAM_RULES } from "./cases/workflow-iam";
import { runResourcePolicy } from "./harness";

/** Rule name → names of the resources it reports, over every resource of a stack's plan. */
type Findings = Record<string, string[]>;

describe("workflow and IAM rules over the shipped stacks", () => {
  const plans: Partial<Record<"dev" | "prod", Awaited<ReturnType<typeof runPlan>>>> = {};

  before(async () => {
    // runPlan resets the Pulumi mocks: one stack after the other.
    plans.prod = await runPlan("prod");
    plans.dev = await runPlan("dev");
  });

  function findings(stack: "dev" | "prod", configs: Record<string, Record<string, unknown>>): Findings {
    const found: Findings = {};
    for (const policy of WORKFLOW_IAM_RULES) {
      for (const resource of plans[stack]!.resources) {
        const outcome = runResourcePolicy(policy, { type: resource.type, name: resource.name, props: resource.inputs }, configs[policy.name] ?? {});
        expect(outcome.unknown, `${policy.name} on ${resource.name}`).to.equal(undefined);
        if (outcome.violations.length) (found[policy.name] ??= []).push(resource.name);
      }
    }
    for (const names of Object.values(found)) names.sort();
    return found;
  }

  it("the rules apply to the stacks' state machines, roles and policies", () => {
    const types = new Set(plans.prod!.resources.map((r) => r.type));
    for (const type of ["aws:sfn/stateMachine:StateMachine", "aws:iam/role:Role", "aws:iam/rolePolicy:RolePolicy"]) expect(types.has(type), type).to.equal(true);
  });

  it("prod passes all eight with its configuration (the defaults)", () => {
    expect(findings("prod", STACK_CONFIGS.prod)).to.deep.equal({});
  });

  it("dev violates only its by-design settings: execution data logged, no tracing, AWS-owned keys", () => {
    expect(findings("dev", STACK_CONFIGS.prod)).to.deep.equal(DEV_FINDINGS);
  });

  it("dev's configuration leaves only the rules without configuration, run there as advisory", () => {
    const { "sfn-execution-data": _passes, ...rest } = DEV_FINDINGS;
    expect(findings("dev", STACK_CONFIGS.dev)).to.deep.equal(rest);
  });

  it("iam-no-star-resource allows by default exactly the unscoped, log delivery and X-Ray actions, sorted", () => {
    const expected = [...new Set([...UNSCOPED_ACTIONS, ...logDeliveryStatement().Action, ...xrayStatement().Action])].sort();
    expect(DEFAULT_ALLOWED_ACTIONS_ON_STAR).to.deep.equal(expected);
    expect(DEFAULT_ALLOWED_ACTIONS_ON_STAR).to.include("xray:PutTraceSegments").and.include("logs:CreateLogDelivery").and.not.include("*");
  });

  it("each rule's configSchema defaults are the defaults it applies in code", () => {
    for (const policy of WORKFLOW_IAM_RULES) {
      const properties = (policy.configSchema?.properties ?? {}) as Record<string, { default?: unknown }>;
      const schemaDefaults = Object.fromEntries(Object.entries(properties).map(([key, schema]) => [key, schema.default]));
      for (const value of Object.values(schemaDefaults)) expect(value, policy.name).to.not.equal(undefined);
      for (const stack of ["dev", "prod"] as const) {
        expect(findings(stack, { [policy.name]: schemaDefaults })[policy.name], `${policy.name} on ${stack}`).to.deep.equal(findings(stack, {})[policy.name]);
      }
    }
    expect(WORKFLOW_IAM_RULES.find((p) => p.name === "sfn-execution-data")!.configSchema!.properties!.includeExecutionData).to.include({ default: "off" });
  });
});
