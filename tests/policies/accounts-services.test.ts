import { expect } from "chai";
import { ResourceValidationPolicy } from "@pulumi/policy";
import { Plan, runPlan } from "../../offline/plan";
import { lambdaPermInvokeOnly } from "../../policies/rules/lambda-perm-invoke-only";
import { lambdaPermSourceScoped } from "../../policies/rules/lambda-perm-source-scoped";
import { lambdaTracing } from "../../policies/rules/lambda-tracing";
import { logsRetention } from "../../policies/rules/logs-retention";
import { snsPolicyRestricted } from "../../policies/rules/sns-policy-restricted";
import { snsTopicKms } from "../../policies/rules/sns-topic-kms";
import { xacctAllowlist } from "../../policies/rules/xacct-allowlist";
import { xacctTrustConditions } from "../../policies/rules/xacct-trust-conditions";
import { runResourcePolicy } from "./harness";

const RULES: ResourceValidationPolicy[] = [xacctTrustConditions, xacctAllowlist, lambdaPermSourceScoped, lambdaPermInvokeOnly, lambdaTracing, snsTopicKms, snsPolicyRestricted, logsRetention];

/**
 * The configuration recommended per stack for the account and service rules (the stack's own account is its home
 * and its only allowed account until a consumer is approved). Dev keeps the defaults where it is deliberately
 * laxer: two weeks of logs (passed by a 14-day minimum), no tracing and AWS-owned keys (reported, advisory).
 */
const STACK_CONFIG: Record<"dev" | "prod", Record<string, Record<string, unknown>>> = {
  dev: {
    "xacct-trust-conditions": { homeAccountIds: ["111111111111"] },
    "xacct-allowlist": { allowedAccountIds: ["111111111111"] },
    "lambda-perm-source-scoped": { requireSourceArn: false },
    "lambda-perm-invoke-only": { allowedActions: ["lambda:InvokeFunction"] },
    "sns-topic-kms": { forbidAwsManagedKey: false },
    "logs-retention": { minimumRetentionDays: 14, requireKmsKey: false },
  },
  prod: {
    "xacct-trust-conditions": { homeAccountIds: ["222222222222"] },
    "xacct-allowlist": { allowedAccountIds: ["222222222222"] },
    "lambda-perm-source-scoped": { requireSourceArn: true },
    "lambda-perm-invoke-only": { allowedActions: ["lambda:InvokeFunction"] },
    "sns-topic-kms": { forbidAwsManagedKey: true },
    "logs-retention": { minimumRetentionDays: 365, requireKmsKey: true },
  },
};

/** `rule: resource name` for every violation of the rules over every resource of a plan. */
function violationsOf(plan: Plan, config: Record<string, Record<string, unknown>>): string[] {
  const found: string[] = [];
  for (const policy of RULES) {
    for (const resource of plan.resources) {
      const outcome = runResourcePolicy(policy, { type: resource.type, name: resource.name, props: resource.inputs }, config[policy.name] ?? {});
      expect(outcome.unknown, `${policy.name} on ${resource.name}`).to.equal(undefined);
      for (const message of outcome.violations) found.push(`${policy.name}: ${resource.name}: ${message}`);
    }
  }
  return found;
}

/** How many violations each rule reported. */
function countByRule(violations: string[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const v of violations) counts[v.split(":")[0]] = (counts[v.split(":")[0]] ?? 0) + 1;
  return counts;
}

describe("account and service rules over the shipped stacks", function () {
  this.timeout(120_000);
  const plans: Partial<Record<"dev" | "prod", Plan>> = {};

  before(async () => {
    plans.dev = await runPlan("dev");
    plans.prod = await runPlan("prod");
  });

  it("passes prod with the prod configuration", () => {
    expect(violationsOf(plans.prod!, STACK_CONFIG.prod)).to.deep.equal([]);
  });

  it("applies to the resources each rule is about in prod", () => {
    const types = new Set(plans.prod!.resources.map((r) => r.type));
    for (const type of ["aws:iam/role:Role", "aws:lambda/function:Function", "aws:sns/topic:Topic", "aws:cloudwatch/logGroup:LogGroup"]) expect(types.has(type), type).to.equal(true);
  });

  it("reports in dev only what dev leaves out by design: X-Ray tracing and topic encryption", () => {
    const violations = violationsOf(plans.dev!, STACK_CONFIG.dev);
    expect(countByRule(violations)).to.deep.equal({ "lambda-tracing": 7, "sns-topic-kms": 3 });
    expect(violations).to.include("lambda-tracing: credit-limit: Set tracingConfig.mode to Active; it is PassThrough.");
    expect(violations).to.include("sns-topic-kms: credit-approval-requests: Set kmsMasterKeyId to a KMS key; it is not set.");
  });

  it("reports dev's two-week, unencrypted logs under the prod configuration", () => {
    const counts = countByRule(violationsOf(plans.dev!, STACK_CONFIG.prod));
    expect(counts).to.deep.equal({ "lambda-tracing": 7, "sns-topic-kms": 3, "logs-retention": 20 });
  });

  it("passes prod with each rule's defaults but the account lists", () => {
    const defaults = { "xacct-trust-conditions": STACK_CONFIG.prod["xacct-trust-conditions"], "xacct-allowlist": STACK_CONFIG.prod["xacct-allowlist"] };
    expect(violationsOf(plans.prod!, defaults)).to.deep.equal([]);
  });
});
