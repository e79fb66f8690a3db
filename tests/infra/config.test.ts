import { expect } from "chai";
import { parseStackConfig, readStackFile } from "../../infra/config";
import { stackConfigError } from "./config-error";

/** A valid dev configuration as Pulumi hands it over: every value a string, objects as JSON. */
function devRaw(): Record<string, string> {
  return readStackFile("dev").raw;
}

const configError = (raw: Record<string, string | undefined>, stack = "dev") => stackConfigError(stack, raw);

describe("stack configuration", () => {
  it("reads the shipped dev and prod stacks, prod stricter where it should be", () => {
    const dev = readStackFile("dev").config;
    const prod = readStackFile("prod").config;
    expect(prod.logRetentionDays).to.be.greaterThan(dev.logRetentionDays);
    expect([dev.tracing, prod.tracing]).to.deep.equal([false, true]);
    expect([dev.kmsKey, prod.kmsKey]).to.deep.equal(["none", "create"]);
    expect(prod.tableProtection).to.deep.equal({ pointInTimeRecovery: true, deletionProtection: true, retainOnDelete: true });
    expect(dev.partition).to.equal("aws");
  });

  it("requires a workflow's nested workflow in statecraft:workflows too", () => {
    const raw = devRaw();
    const workflows = (JSON.parse(raw["statecraft:workflows"]) as string[]).filter((workflow) => workflow !== "identity-check");
    const error = configError({ ...raw, "statecraft:workflows": JSON.stringify(workflows) });
    expect(error.problems).to.deep.equal([`statecraft:workflows: must list identity-check too: user-verification runs it nested (got ${JSON.stringify(workflows)})`]);
  });

  it("rejects a missing account id naming the key and the stack file", () => {
    const raw = devRaw();
    delete raw["statecraft:accountId"];
    const error = configError(raw, "prod");
    expect(error.message).to.match(/^Pulumi\.prod\.yaml: /).and.to.contain("statecraft:accountId: is required");
  });

  it("rejects a retention CloudWatch Logs does not offer, echoing the value", () => {
    const error = configError({ ...devRaw(), "statecraft:logRetentionDays": "13" });
    expect(error.problems).to.have.lengthOf(1);
    expect(error.problems[0]).to.contain("statecraft:logRetentionDays").and.contain("(got 13)");
  });

  it("names the nested key of a bad table protection field", () => {
    const error = configError({ ...devRaw(), "statecraft:tableProtection": '{"pointInTimeRecovery":"yes","deletionProtection":false,"retainOnDelete":false}' });
    expect(error.problems[0]).to.contain("statecraft:tableProtection.pointInTimeRecovery");
  });

  it("rejects an unknown log level and a malformed backup table name", () => {
    const error = configError({ ...devRaw(), "statecraft:logLevel": "INFO", "statecraft:backupTables": '["orders", "no spaces allowed"]' });
    expect(error.problems.map((p) => p.split(":").slice(0, 2).join(":"))).to.have.members(["statecraft:logLevel", "statecraft:backupTables.1"]);
  });

  it("derives the partition from the Region", () => {
    expect(parseStackConfig("dev", { ...devRaw(), "aws:region": "cn-north-1" }).partition).to.equal("aws-cn");
  });
});
