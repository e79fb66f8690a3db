import { expect } from "chai";
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { checkCommand } from "../../cli/check";
import { resourcePolicies, stackPolicies } from "../../policies/policies";
import { plans } from "../local/plans";

const ROOT = path.join(__dirname, "..", "..");
const POLICY_NAMES = new Set([...resourcePolicies, ...stackPolicies].map((p) => p.name));

/** Runs the `npm run check` command in-process, capturing what it writes as the CLI would print it. */
async function check(...args: string[]): Promise<{ status: number; stdout: string; stderr: string }> {
  const out: string[] = [];
  const err: string[] = [];
  // The shipped stacks' plans, computed once for the whole test process (the command itself plans afresh).
  const status = await checkCommand(args, { out: (text) => out.push(text), err: (text) => err.push(text) }, plans);
  const text = (lines: string[]) => (lines.length ? `${lines.join("\n")}\n` : "");
  return { status, stdout: text(out), stderr: text(err) };
}

/** A policy-pack config file in a fresh temporary directory. */
function writeConfig(content: unknown): string {
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "statecraft-check-")), "policy-pack-config.json");
  fs.writeFileSync(file, JSON.stringify(content));
  return file;
}

/** The violation lines of the text output: level, policy name and URN. */
function violationLines(stdout: string): { level: string; policy: string; urn: string }[] {
  return [...stdout.matchAll(/^ {8}- \[(\w+)\] {2}(?:\[severity: \w+\] {2})?([a-z0-9-]+) {2}\(([^)]+)\)$/gm)].map(([, level, policy, urn]) => ({ level, policy, urn }));
}

describe("npm run check (the offline policy gate's CLI)", function () {
  // Each run plans a stack under mocks.
  this.timeout(120_000);

  it("runs as the npm script in its own process: the exit code is the command's", () => {
    const result = spawnSync("npx", ["tsx", "cli/check.ts", "--stack", "prod", "--policy-pack-config", writeConfig({ all: "mandatory", "no-such-policy": "advisory" })], { cwd: ROOT, encoding: "utf8" });
    if (result.error) throw result.error;
    expect(result.status).to.equal(1);
    expect(result.stderr).to.contain("check failed: ").and.contain("no-such-policy: no policy of the statecraft pack has this name");
  });

  it("passes prod with its config: exit 0 and the ✅ pack line", async () => {
    const result = await check("--stack", "prod");
    expect(result.status, result.stderr).to.equal(0);
    expect(violationLines(result.stdout)).to.deep.equal([]);
    expect(result.stdout).to.match(/^ {4}✅ statecraft@v\d+\.\d+\.\d+ \(local: policies\)$/m);
    expect(result.stdout).to.match(/^Policies \(stack prod: 32 policies over \d+ resources\):$/m);
    expect(result.stdout).to.contain("0 mandatory, 0 advisory violations");
  });

  it("passes dev with its config, listing its advisory violations: exit 0", async () => {
    const result = await check("--stack", "dev");
    expect(result.status, result.stderr).to.equal(0);
    expect(result.stdout).to.match(/^ {4}⚠️ statecraft@v/m);
    const lines = violationLines(result.stdout);
    expect(lines.length).to.be.greaterThan(0);
    expect(lines.every((line) => line.level === "advisory")).to.equal(true);
    expect(lines.every((line) => POLICY_NAMES.has(line.policy) && line.urn.startsWith("urn:pulumi:dev::statecraft::"))).to.equal(true);
    expect(result.stdout).to.contain(`0 mandatory, ${lines.length} advisory violation`);
  });

  it("fails dev under a config making every policy mandatory: exit 1, [mandatory] lines naming rules and URNs", async () => {
    const result = await check("--stack", "dev", "--policy-pack-config", writeConfig({ all: "mandatory" }));
    expect(result.status, result.stderr).to.equal(1);
    expect(result.stdout).to.match(/^ {4}❌ statecraft@v/m);
    const mandatory = violationLines(result.stdout).filter((line) => line.level === "mandatory");
    expect(mandatory.length).to.be.greaterThan(0);
    for (const line of mandatory) {
      expect(POLICY_NAMES.has(line.policy), line.policy).to.equal(true);
      expect(line.urn).to.match(/^urn:pulumi:dev::statecraft::\S+::\S+$/);
    }
    // Dev's untraced functions, advisory under dev.json, now fail the check.
    expect(mandatory.some((line) => line.policy === "lambda-tracing" && /aws:lambda\/function:Function::/.test(line.urn))).to.equal(true);
    expect(result.stdout).to.match(new RegExp(`^${mandatory.length} mandatory, 0 advisory violations: the stack fails the policy check$`, "m"));
  });

  it("prints the result as JSON with --json, counts matching the violations", async () => {
    const result = await check("--stack", "dev", "--json");
    expect(result.status, result.stderr).to.equal(0);
    const parsed = JSON.parse(result.stdout) as { stack: string; policies: number; resources: number; violations: { enforcementLevel: string; policyName: string }[]; skipped: unknown[]; mandatory: number; advisory: number; policyPack: { name: string } };
    expect(parsed.stack).to.equal("dev");
    expect(parsed.policyPack.name).to.equal("statecraft");
    expect(parsed.resources).to.be.greaterThan(0);
    expect(parsed.policies).to.be.greaterThan(0).and.at.most(31);
    expect(parsed.mandatory).to.equal(0);
    expect(parsed.advisory).to.equal(parsed.violations.length).and.to.be.greaterThan(0);
    expect(parsed.violations.every((v) => POLICY_NAMES.has(v.policyName))).to.equal(true);
    expect(parsed.skipped).to.deep.equal([]);
  });

  it("rejects a config naming an unknown policy: exit 1 naming the file and the key, before planning", async () => {
    const file = writeConfig({ all: "mandatory", "sfn-loging-enabled": "mandatory" });
    const result = await check("--stack", "prod", "--policy-pack-config", file);
    expect(result.status).to.equal(1);
    expect(result.stdout).to.equal("");
    expect(result.stderr).to.contain(`check failed: ${path.relative(ROOT, file)}: sfn-loging-enabled: no policy of the statecraft pack has this name`);
  });

  it("rejects a property of the wrong type: exit 1 naming the file and the property", async () => {
    const file = writeConfig({ "logs-retention": { minimumRetentionDays: "one year" } });
    const result = await check("--stack", "prod", "--policy-pack-config", file);
    expect(result.status).to.equal(1);
    expect(result.stderr).to.contain(`${path.relative(ROOT, file)}: logs-retention.minimumRetentionDays: must be integer`);
  });

  it("rejects a missing config file and a file that is not JSON: exit 1 naming the file", async () => {
    const missing = path.join(os.tmpdir(), "statecraft-check-no-such-dir", "config.json");
    const notFound = await check("--stack", "prod", "--policy-pack-config", missing);
    expect(notFound.status).to.equal(1);
    expect(notFound.stderr).to.contain(`${path.relative(ROOT, missing)}: (file): cannot be read`);
    const garbled = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "statecraft-check-")), "config.json");
    fs.writeFileSync(garbled, "{ all: mandatory");
    const notJson = await check("--stack", "prod", "--policy-pack-config", garbled);
    expect(notJson.status).to.equal(1);
    expect(notJson.stderr).to.contain(`${path.relative(ROOT, garbled)}: (file): is not JSON`);
  });

  it("exits 2 with the usage without --stack, or with an unknown option", async () => {
    const noStack = await check();
    expect(noStack.status).to.equal(2);
    expect(noStack.stdout).to.equal("");
    expect(noStack.stderr).to.contain("--stack is required");
    expect(noStack.stderr).to.contain("usage: npm run check -- --stack <name>");
    const unknown = await check("--stack", "prod", "--verbose");
    expect(unknown.status).to.equal(2);
    expect(unknown.stderr).to.contain("usage: npm run check");
  });
});
