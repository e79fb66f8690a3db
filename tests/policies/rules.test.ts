import { expect } from "chai";
import { resourcePolicies, stackPolicies } from "../../policies/policies";
import { sfnExpressLogAll } from "../../policies/rules/sfn-express-log-all";
import { Case, CORE_CASES, MACHINE, with_ } from "./cases/core";
import { ACCOUNT_SERVICE_CASES } from "./cases/accounts-services";
import { TRIGGER_CASES } from "./cases/triggers";
import { WORKFLOW_IAM_CASES } from "./cases/workflow-iam";
import { UNKNOWN, runResourcePolicy } from "./harness";

/** Every module's cases, merged; a rule's cases may not be split across modules. */
const CASES: Record<string, Case[]> = { ...CORE_CASES, ...WORKFLOW_IAM_CASES, ...ACCOUNT_SERVICE_CASES, ...TRIGGER_CASES };

describe("policy rules", () => {
  for (const [name, cases] of Object.entries(CASES)) {
    describe(name, () => {
      cases.forEach(({ policy, resource, config, violations }, i) => {
        it(`${violations.length ? "reports" : "passes"} case ${i + 1}${violations.length ? `: ${violations[0]}` : ""}`, () => {
          expect(policy.name).to.equal(name);
          const outcome = runResourcePolicy(policy, resource, config);
          expect(outcome.applicable).to.equal(true);
          expect(outcome.violations).to.have.lengthOf(violations.length);
          violations.forEach((expected, j) => expect(outcome.violations[j]).to.contain(expected));
        });
      });
    });
  }

  it("has a case for every registered resource rule", () => {
    expect(resourcePolicies.map((p) => p.name).sort()).to.deep.equal(Object.keys(CASES).sort());
    expect(stackPolicies).to.be.an("array");
  });

  it("gives every rule a kebab-case name, a one-sentence description, a severity, remediation steps and a URL", () => {
    for (const policy of [...resourcePolicies, ...stackPolicies]) {
      expect(policy.name).to.match(/^[a-z0-9]+(-[a-z0-9]+)*$/);
      expect(policy.description).to.match(/^Checks whether [^.]+(\.[^ ][^.]*)*\.$/);
      expect(policy.severity).to.be.oneOf(["low", "medium", "high", "critical"]);
      expect(policy.remediationSteps).to.be.a("string").that.is.not.empty;
      expect(policy.url).to.match(/^https:\/\//);
    }
  });

  it("is not applicable to other resource types", () => {
    for (const policy of resourcePolicies) expect(runResourcePolicy(policy, { type: "aws:s3/bucket:Bucket", props: {} }).applicable, policy.name).to.equal(false);
  });

  it("reports a value unknown at preview instead of failing", () => {
    const outcome = runResourcePolicy(sfnExpressLogAll, with_(MACHINE, { type: UNKNOWN }));
    expect(outcome.unknown).to.contain("can't be known during preview");
  });
});
