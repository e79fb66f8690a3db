import { expect } from "chai";
import { ResourceValidationPolicy, StackValidationPolicy } from "@pulumi/policy";
import { PolicyConfigError, PolicyPackConfig, resolvePolicyConfig, urnOf } from "../../offline/check";
import { RegisteredResource } from "../../offline/mocks";
import { resourcePolicies, stackPolicies } from "../../policies/policies";
import { DEFAULT_ALLOWED_ACTIONS_ON_STAR } from "../../policies/rules/iam-no-star-resource";

const PACK = [...resourcePolicies, ...stackPolicies];
const FILE = "policies/config/test.json";

/** Small fake policies: one with a level of its own and a schema, one with neither, one stack policy. */
const strict: ResourceValidationPolicy = {
  name: "strict",
  description: "A policy mandatory unless configured otherwise.",
  enforcementLevel: "mandatory",
  configSchema: { properties: { limit: { type: "integer", minimum: 1, default: 7 }, names: { type: "array", items: { type: "string" }, default: ["a"] } } },
  validateResource: () => undefined,
};
const plain: ResourceValidationPolicy = { name: "plain", description: "A policy with no level or configuration.", validateResource: () => undefined };
const whole: StackValidationPolicy = { name: "whole", description: "A stack policy.", validateStack: () => undefined };
const FAKES = [strict, plain, whole];

function configError(config: unknown, policies: (ResourceValidationPolicy | StackValidationPolicy)[] = PACK): PolicyConfigError {
  try {
    resolvePolicyConfig(config as PolicyPackConfig, FILE, policies);
  } catch (error) {
    expect(error).to.be.instanceOf(PolicyConfigError);
    return error as PolicyConfigError;
  }
  expect.fail("expected a PolicyConfigError");
}

describe("resolvePolicyConfig", () => {
  it("resolves every policy given, and nothing else", () => {
    expect([...resolvePolicyConfig({}, FILE, PACK).keys()]).to.have.members(PACK.map((p) => p.name));
    expect([...resolvePolicyConfig({}, FILE, FAKES).keys()]).to.deep.equal(["strict", "plain", "whole"]);
  });

  it("without an entry: the policy's own level, else the pack's advisory", () => {
    const resolved = resolvePolicyConfig({}, FILE, FAKES);
    expect(resolved.get("strict")!.enforcementLevel).to.equal("mandatory");
    expect(resolved.get("plain")!.enforcementLevel).to.equal("advisory");
    expect(resolved.get("whole")!.enforcementLevel).to.equal("advisory");
  });

  it("all overrides the policies' own levels; a policy's entry, as a string or an object, overrides all", () => {
    const resolved = resolvePolicyConfig({ all: "disabled", plain: "mandatory", whole: { enforcementLevel: "remediate" } }, FILE, FAKES);
    expect(resolved.get("strict")!.enforcementLevel).to.equal("disabled");
    expect(resolved.get("plain")!.enforcementLevel).to.equal("mandatory");
    expect(resolved.get("whole")!.enforcementLevel).to.equal("remediate");
  });

  it("an object entry without enforcementLevel keeps the level of all (or the policy's own)", () => {
    expect(resolvePolicyConfig({ all: "advisory", strict: { limit: 3 } }, FILE, FAKES).get("strict")!.enforcementLevel).to.equal("advisory");
    expect(resolvePolicyConfig({ strict: { limit: 3 } }, FILE, FAKES).get("strict")!.enforcementLevel).to.equal("mandatory");
  });

  it("applies configSchema defaults, keeps given properties, and strips enforcementLevel from them", () => {
    expect(resolvePolicyConfig({}, FILE, FAKES).get("strict")!.properties).to.deep.equal({ limit: 7, names: ["a"] });
    expect(resolvePolicyConfig({ strict: { enforcementLevel: "advisory", limit: 3 } }, FILE, FAKES).get("strict")).to.deep.equal({
      enforcementLevel: "advisory",
      properties: { limit: 3, names: ["a"] },
    });
    expect(resolvePolicyConfig({}, FILE, FAKES).get("plain")!.properties).to.deep.equal({});
  });

  it("applies the pack's own schema defaults, as the engine does", () => {
    const resolved = resolvePolicyConfig({ "logs-retention": { minimumRetentionDays: 30 } }, FILE, PACK);
    expect(resolved.get("logs-retention")!.properties).to.deep.equal({ minimumRetentionDays: 30, requireKmsKey: false });
    expect(resolved.get("sfn-logging-enabled")!.properties).to.deep.equal({ minimumLevel: "ERROR" });
    expect(resolved.get("sfn-execution-data")!.properties).to.deep.equal({ includeExecutionData: "off" });
    expect(resolved.get("iam-no-star-resource")!.properties).to.deep.equal({ allowedActionsOnStar: DEFAULT_ALLOWED_ACTIONS_ON_STAR });
    expect(resolved.get("sfn-role-matches-definition")!.properties).to.deep.equal({ allowedAdditionalActions: [] });
    expect(resolved.get("iam-no-admin")!.properties).to.deep.equal({});
  });

  it("does not share default values between resolutions", () => {
    const first = resolvePolicyConfig({}, FILE, FAKES).get("strict")!.properties.names as string[];
    first.push("changed");
    expect(resolvePolicyConfig({}, FILE, FAKES).get("strict")!.properties.names).to.deep.equal(["a"]);
  });

  it("rejects an unknown policy name, naming the file and the key", () => {
    const error = configError({ all: "mandatory", "sfn-loging-enabled": "mandatory" });
    expect([error.file, error.key]).to.deep.equal([FILE, "sfn-loging-enabled"]);
    expect(error.message).to.equal(`${FILE}: sfn-loging-enabled: no policy of the statecraft pack has this name`);
  });

  it("rejects an unknown enforcement level, in all, a string entry or an object entry", () => {
    expect(configError({ all: "strict" }).key).to.equal("all");
    expect(configError({ "iam-no-admin": "blocking" }).message).to.contain('iam-no-admin: enforcement level "blocking" is not one of advisory, mandatory, remediate, disabled');
    expect(configError({ "logs-retention": { enforcementLevel: "warn" } }).key).to.equal("logs-retention");
  });

  it("rejects a property of the wrong type, out of range or outside an enum, naming the property", () => {
    const wrongType = configError({ "logs-retention": { minimumRetentionDays: "a year" } });
    expect(wrongType.key).to.equal("logs-retention.minimumRetentionDays");
    expect(wrongType.message).to.contain("must be integer");
    expect(configError({ "logs-retention": { minimumRetentionDays: -1 } }).key).to.equal("logs-retention.minimumRetentionDays");
    expect(configError({ "sfn-logging-enabled": { minimumLevel: "DEBUG" } }).message).to.contain("sfn-logging-enabled.minimumLevel: must be equal to one of the allowed values");
    expect(configError({ "xacct-allowlist": { allowedAccountIds: ["12345"] } }).key).to.equal("xacct-allowlist.allowedAccountIds.0");
    expect(configError({ strict: { limit: 1.5 } }, FAKES).key).to.equal("strict.limit");
  });

  it("rejects a property the schema does not declare, and any property of a policy without a schema", () => {
    expect(configError({ "logs-retention": { minimumRetention: 30 } }).key).to.equal("logs-retention.minimumRetention");
    const noSchema = configError({ "iam-no-admin": { enforcementLevel: "mandatory", exceptions: ["x"] } });
    expect(noSchema.key).to.equal("iam-no-admin.exceptions");
    expect(noSchema.message).to.contain("this policy takes no configuration");
  });

  it("rejects a file that is not an object of policy names", () => {
    expect(configError(["mandatory"]).key).to.equal("(root)");
    expect(configError(null).key).to.equal("(root)");
    expect(configError("mandatory").key).to.equal("(root)");
  });
});

describe("urnOf", () => {
  const resource = (type: string, name: string, parent?: string): RegisteredResource => ({ type, name, inputs: {}, ...(parent ? { parent } : {}) });
  const STACK = resource("pulumi:pulumi:Stack", "statecraft-prod");
  const PLATFORM = resource("statecraft:index:Platform", "statecraft", "pulumi:pulumi:Stack::statecraft-prod");
  const WORKFLOW = resource("statecraft:index:Workflow", "credit-approval", "statecraft:index:Platform::statecraft");
  const MACHINE = resource("aws:sfn/stateMachine:StateMachine", "credit-approval", "statecraft:index:Workflow::credit-approval");
  const byKey = new Map([STACK, PLATFORM, WORKFLOW, MACHINE].map((r) => [`${r.type}::${r.name}`, r]));

  it("names a resource without a parent by its own type", () => {
    const provider = resource("pulumi:providers:aws", "aws");
    expect(urnOf(provider, byKey, "prod", "statecraft")).to.equal("urn:pulumi:prod::statecraft::pulumi:providers:aws::aws");
  });

  it("joins the parents' types with $, outermost first, leaving out the stack resource", () => {
    expect(urnOf(PLATFORM, byKey, "prod", "statecraft")).to.equal("urn:pulumi:prod::statecraft::statecraft:index:Platform::statecraft");
    expect(urnOf(MACHINE, byKey, "prod", "statecraft")).to.equal(
      "urn:pulumi:prod::statecraft::statecraft:index:Platform$statecraft:index:Workflow$aws:sfn/stateMachine:StateMachine::credit-approval",
    );
  });

  it("uses the stack and project given", () => {
    expect(urnOf(WORKFLOW, byKey, "dev", "other")).to.equal("urn:pulumi:dev::other::statecraft:index:Platform$statecraft:index:Workflow::credit-approval");
  });

  it("stops at a parent it does not know", () => {
    const orphan = resource("aws:iam/role:Role", "r", "statecraft:index:Gone::g");
    expect(urnOf(orphan, byKey, "prod", "statecraft")).to.equal("urn:pulumi:prod::statecraft::aws:iam/role:Role::r");
  });
});
