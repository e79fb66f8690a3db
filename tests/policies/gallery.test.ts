import { expect } from "chai";
import * as fs from "node:fs";
import * as path from "node:path";
import { CheckResult, PolicyPackConfig, ResolvedPolicyConfig, checkResources, resolvePolicyConfig } from "../../offline/check";
import { RegisteredResource } from "../../offline/mocks";
import { runPlan } from "../../offline/plan";
import { plans } from "../local/plans";
import { resourcePolicies, stackPolicies } from "../../policies/policies";
import { BrokenPlan, GALLERY } from "./gallery";

const CONFIG_DIR = path.join(__dirname, "..", "..", "policies", "config");
const ALL_POLICIES = [...resourcePolicies, ...stackPolicies];

/** A stack's shipped policy-pack config, resolved for the whole pack. */
function stackConfig(stack: "dev" | "prod" | "consumer"): Map<string, ResolvedPolicyConfig> {
  const file = path.join(CONFIG_DIR, `${stack}.json`);
  return resolvePolicyConfig(JSON.parse(fs.readFileSync(file, "utf8")) as PolicyPackConfig, file, ALL_POLICIES);
}

/** The violations of a result, one line each, for assertion messages. */
const describeViolations = (result: CheckResult) => result.violations.map((v) => `[${v.enforcementLevel}] ${v.policyName} ${v.urn ?? "(stack)"}: ${v.message}`).join("\n");

describe("misconfiguration gallery: the whole pack over broken copies of the prod plan", function () {
  let prod: RegisteredResource[];
  let dev: RegisteredResource[];
  let prodConfig: Map<string, ResolvedPolicyConfig>;

  before(async () => {
    // runPlan resets the Pulumi mocks: one stack after the other.
    prod = (await plans("prod")).resources;
    dev = (await plans("dev")).resources;
    prodConfig = stackConfig("prod");
  });

  it("runs all 32 policies with the prod config, and passes the unbroken prod plan with no violation", () => {
    expect(ALL_POLICIES).to.have.lengthOf(32);
    expect([...prodConfig.keys()]).to.have.members(ALL_POLICIES.map((p) => p.name));
    const result = checkResources(prod, prodConfig, { stack: "prod" });
    expect(result.policies).to.equal(32);
    expect(result.violations, describeViolations(result)).to.deep.equal([]);
    expect(result.skipped).to.deep.equal([]);
  });

  it("passes the consumer plan (its StackReference answered by the prod plan) with consumer.json", async () => {
    const consumer = (await plans("consumer")).resources;
    const result = checkResources(consumer, stackConfig("consumer"), { stack: "consumer" });
    expect(result.violations, describeViolations(result)).to.deep.equal([]);
    expect(result.skipped).to.deep.equal([]);
  });

  it("passes the dev plan with dev.json with no mandatory violation", () => {
    const result = checkResources(dev, stackConfig("dev"), { stack: "dev" });
    expect(result.mandatory, describeViolations(result)).to.equal(0);
    expect(result.violations.every((v) => v.enforcementLevel !== "mandatory")).to.equal(true);
  });

  it("has at least 30 cases, each named once, covering every policy of the pack", () => {
    expect(GALLERY.length).to.be.at.least(30);
    expect(new Set(GALLERY.map((c) => c.name)).size).to.equal(GALLERY.length);
    const covered = new Set(GALLERY.flatMap((c) => c.rules));
    expect(ALL_POLICIES.map((p) => p.name).filter((name) => !covered.has(name)), "policies no case breaks").to.deep.equal([]);
  });

  for (const galleryCase of GALLERY) {
    it(`${galleryCase.name} → ${galleryCase.rules.join(" + ")}`, () => {
      const broken = new BrokenPlan(prod);
      galleryCase.apply(broken);
      // The copy is deep: the shared prod plan stays unbroken for the next case.
      expect(JSON.stringify(broken.resources)).to.not.equal(JSON.stringify(prod));

      const result = checkResources(broken.resources, prodConfig, { stack: "prod" });
      const detail = describeViolations(result);
      expect(result.skipped, detail).to.deep.equal([]);
      expect([...new Set(result.violations.map((v) => v.policyName))].sort(), detail).to.deep.equal([...galleryCase.rules].sort());

      if (galleryCase.advisory) {
        expect(result.mandatory, `${galleryCase.advisory}\n${detail}`).to.equal(0);
        expect(result.violations.every((v) => prodConfig.get(v.policyName)?.enforcementLevel === "advisory")).to.equal(true);
      } else {
        expect(result.violations.some((v) => v.enforcementLevel === "mandatory"), detail).to.equal(true);
      }

      const primary = result.violations.filter((v) => v.policyName === galleryCase.rules[0]);
      expect(
        primary.some((v) => v.message.includes(galleryCase.message)),
        `no ${galleryCase.rules[0]} violation mentions ${JSON.stringify(galleryCase.message)}:\n${detail}`,
      ).to.equal(true);
      if (galleryCase.resource) {
        expect(
          primary.some((v) => v.urn?.endsWith(`::${galleryCase.resource}`)),
          `no ${galleryCase.rules[0]} violation names ${galleryCase.resource}:\n${detail}`,
        ).to.equal(true);
      }
    });
  }
});
