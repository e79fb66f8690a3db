import { expect } from "chai";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import YAML from "yaml";
import { StackConfigError, parseStackConfig, readStackFile } from "../../infra/config";
import { statecraftProgram } from "../../infra/program";
import { AwsMocks } from "../../offline/mocks";
import { runProgram } from "../../offline/program";
import { stackConfigError } from "./config-error";

const PROD = "222222222222";

/** prod's configuration as Pulumi hands it over, with `statecraft:sharing` changed by `change`. */
function prodWith(change: (sharing: any) => void, extra: Record<string, string> = {}): Record<string, string> {
  const { raw } = readStackFile("prod");
  const sharing = JSON.parse(raw["statecraft:sharing"]);
  change(sharing);
  return { ...raw, "statecraft:sharing": JSON.stringify(sharing), ...extra };
}

const configError = (raw: Record<string, string>, stack = "prod") => stackConfigError(stack, raw);

describe("sharing configuration", () => {
  it("reads the external id as a labelled offline stand-in, and statecraft:sharing as a secret key", () => {
    const { config, raw, secretKeys } = readStackFile("prod");
    expect(secretKeys).to.deep.equal(["statecraft:sharing"]);
    expect(config.sharing?.consumers.lending.externalId).to.equal("offline-secret:statecraft:sharing.consumers.lending.externalId");
    expect(raw["statecraft:sharing"]).not.to.contain("v1:");
    expect(config.trustedAccounts).to.deep.equal(["333333333333"]);
  });

  it("reads the consumer stack: loan-intake only, its producer, its deployment role", () => {
    const { config, secretKeys } = readStackFile("consumer");
    expect(config.workflows).to.deep.equal(["loan-intake"]);
    expect(config.producerStack).to.equal("acme/statecraft/prod");
    expect(config.assumeRole).to.deep.equal({ roleArn: "arn:aws:iam::333333333333:role/statecraft-deployer", sessionName: "statecraft-consumer" });
    expect(secretKeys).to.deep.equal([]);
  });

  it("rejects an unknown workflow, naming the key", () => {
    const error = configError(prodWith((s) => (s.consumers.lending.workflows = ["credit-aproval"])));
    expect(error.message).to.match(/^Pulumi\.prod\.yaml: /);
    expect(error.problems).to.have.lengthOf(1);
    expect(error.problems[0]).to.match(/^statecraft:sharing\.consumers\.lending\.workflows\.0: .*credit-approval.*\(got "credit-aproval"\)$/);
  });

  it("rejects a malformed account id, naming the key", () => {
    const error = configError(prodWith((s) => (s.consumers.lending.accountId = "33333333333")));
    expect(error.problems[0]).to.equal('statecraft:sharing.consumers.lending.accountId: must be a 12-digit AWS account id (quote it in YAML) (got "33333333333")');
  });

  it("rejects an account that is not on the allow-list", () => {
    const error = configError(prodWith(() => undefined, { "statecraft:trustedAccounts": '["444444444444"]' }));
    expect(error.problems).to.deep.equal([
      'statecraft:sharing.consumers.lending.accountId: 333333333333 is not on the allow-list statecraft:trustedAccounts (["444444444444"]); add it there once the access is approved (got "333333333333")',
    ]);
  });

  it("rejects a consumer named by invokers without an external id", () => {
    const error = configError(prodWith((s) => delete s.consumers.lending.externalId));
    expect(error.problems).to.have.lengthOf(1);
    expect(error.problems[0]).to.match(/^statecraft:sharing\.consumers\.lending\.externalId: is required for a consumer named by invokers, as a secret: pulumi config set --secret --path/);
  });

  it("accepts an organization consumer without external id or role lists, and refuses a consumer with neither invokers nor organization", () => {
    const organization = parseStackConfig(
      "prod",
      prodWith((s) => {
        delete s.consumers.lending.externalId;
        delete s.consumers.lending.invokers;
        delete s.consumers.lending.subscribers;
        delete s.consumers.lending.readers;
        s.consumers.lending.organizationId = "o-a1b2c3d4e5";
      }),
    );
    expect(organization.sharing?.consumers.lending.organizationId).to.equal("o-a1b2c3d4e5");
    const error = configError(prodWith((s) => delete s.consumers.lending.invokers));
    expect(error.problems).to.deep.equal([
      "statecraft:sharing.consumers.lending.invokers: is required: name the consumer's roles allowed to assume the invoker role, or set organizationId to admit the account's principals from its organization (missing)",
    ]);
  });

  it("requires subscribers when the consumer lists topics, and readers when it lists tables, naming each key", () => {
    const error = configError(
      prodWith((s) => {
        delete s.consumers.lending.subscribers;
        delete s.consumers.lending.readers;
      }),
    );
    expect(error.problems).to.deep.equal([
      "statecraft:sharing.consumers.lending.subscribers: is required: name the consumer's roles allowed to subscribe to its topics, or set organizationId to admit the account's principals from its organization (missing)",
      "statecraft:sharing.consumers.lending.readers: is required: name the consumer's roles allowed to read its tables, or set organizationId to admit the account's principals from its organization (missing)",
    ]);
  });

  it("rejects a role list that grants nothing: subscribers without topics, readers without tables", () => {
    const error = configError(
      prodWith((s) => {
        s.consumers.lending.topics = [];
        s.consumers.lending.tables = [];
      }),
    );
    expect(error.problems).to.deep.equal([
      'statecraft:sharing.consumers.lending.subscribers: grants nothing: the consumer lists no topics (got ["arn:aws:iam::333333333333:role/lending-ops-alerts"])',
      'statecraft:sharing.consumers.lending.readers: grants nothing: the consumer lists no tables (got ["arn:aws:iam::333333333333:role/lending-bureau-reader"])',
    ]);
  });

  it("never shares what would let a consumer decide approvals: the approval topic, the table of task tokens, the approval functions", () => {
    const error = configError(
      prodWith((s) => {
        s.consumers.lending.topics = ["backup-failure", "credit-approval-requests"];
        s.consumers.lending.tables = ["credit-bureaus", "approval-requests"];
        s.consumers.lending.functions = ["credit-limit", "approval-request", "approval-callback"];
      }),
    );
    expect(error.problems).to.deep.equal([
      'statecraft:sharing.consumers.lending.functions.1: approval-request is never shared: it signs approval links: a caller could have links made for a token of its own (got "approval-request")',
      'statecraft:sharing.consumers.lending.functions.2: approval-callback is never shared: it answers approval task tokens; its HTTP API is the only way in (got "approval-callback")',
      'statecraft:sharing.consumers.lending.topics.1: credit-approval-requests is never shared: its messages carry the signed approve and reject links of credit approvals: a subscriber could decide its own applications (got "credit-approval-requests")',
      'statecraft:sharing.consumers.lending.tables.1: approval-requests is never shared: it holds the task tokens of pending approvals (got "approval-requests")',
    ]);
  });

  it("rejects a role of another account than the consumer's, in any of the three lists", () => {
    const stranger = "arn:aws:iam::444444444444:role/x";
    const error = configError(
      prodWith((s) => {
        s.consumers.lending.invokers = [stranger];
        s.consumers.lending.readers = [s.consumers.lending.readers[0], stranger];
      }),
    );
    expect(error.problems).to.deep.equal([
      `statecraft:sharing.consumers.lending.invokers.0: must be a role of the consumer's account 333333333333 (got "${stranger}")`,
      `statecraft:sharing.consumers.lending.readers.1: must be a role of the consumer's account 333333333333 (got "${stranger}")`,
    ]);
  });

  it("rejects the former principals list, naming the key", () => {
    const error = configError(prodWith((s) => (s.consumers.lending.principals = s.consumers.lending.invokers)));
    expect(error.problems[0]).to.match(/^statecraft:sharing\.consumers\.lending: Unrecognized key: "principals"/);
  });

  it("rejects sharing what the stack does not deploy, and a workflow shared with two consumers", () => {
    const undeployed = configError(prodWith((s) => (s.consumers.lending.tables = ["loan-applications"])));
    expect(undeployed.problems[0]).to.match(/^statecraft:sharing\.consumers\.lending\.tables\.0: this stack deploys no table loan-applications/);
    const twice = configError(prodWith((s) => (s.consumers.other = { ...s.consumers.lending, functions: [], topics: [], tables: [], subscribers: undefined, readers: undefined })));
    expect(twice.problems).to.deep.equal([
      'statecraft:sharing.consumers.other.workflows.0: credit-approval is already shared with consumer lending: a workflow has one invoker role in sharedWorkflows, so share it with one consumer (an organization consumer covers many accounts) (got "credit-approval")',
    ]);
  });

  it("requires producerStack for a workflow calling a shared one, and backupTables for backup-orchestration", () => {
    const { raw } = readStackFile("consumer");
    delete raw["statecraft:producerStack"];
    expect(configError(raw, "consumer").problems).to.deep.equal(["statecraft:producerStack: is required: loan-intake calls a workflow shared by another stack (missing)"]);
    const prod = readStackFile("prod").raw;
    delete prod["statecraft:backupTables"];
    expect(configError(prod).problems).to.deep.equal(["statecraft:backupTables: is required when the stack deploys backup-orchestration (missing)"]);
  });

  it("rejects a producerStack naming the stack itself", () => {
    const { raw } = readStackFile("consumer");
    raw["statecraft:producerStack"] = "acme/statecraft/consumer";
    expect(configError(raw, "consumer").problems).to.deep.equal(['statecraft:producerStack: names this stack itself (got "acme/statecraft/consumer")']);
  });

  it("rejects a deployment role of another account than the stack's", () => {
    const { raw } = readStackFile("consumer");
    const error = configError({ ...raw, "statecraft:assumeRole": '{"roleArn":"arn:aws:iam::222222222222:role/statecraft-deployer"}' }, "consumer");
    expect(error.problems[0]).to.match(/^statecraft:assumeRole\.roleArn: must be a role of the stack's account 333333333333/);
  });

  describe("in the stack file", () => {
    const write = (change: (document: any) => void): string => {
      const root = fs.mkdtempSync(path.join(os.tmpdir(), "statecraft-sharing-"));
      const document = YAML.parse(fs.readFileSync(path.join(__dirname, "..", "..", "Pulumi.prod.yaml"), "utf8"));
      change(document);
      fs.writeFileSync(path.join(root, "Pulumi.shared.yaml"), YAML.stringify(document));
      return root;
    };

    it("rejects an external id written in plain text", () => {
      const root = write((d) => (d.config["statecraft:sharing"].consumers.lending.externalId = "not-so-secret"));
      expect(() => readStackFile("shared", root)).to.throw(
        StackConfigError,
        "statecraft:sharing.consumers.lending.externalId: must be a secret, not plain text: pulumi config set --secret --path 'statecraft:sharing.consumers.lending.externalId' <value>",
      );
    });

    it("rejects a secure value that is not the CLI's ciphertext", () => {
      const root = write((d) => (d.config["statecraft:sharing"].consumers.lending.externalId = { secure: "plain" }));
      expect(() => readStackFile("shared", root)).to.throw(StackConfigError, /externalId: a secure value must be the Pulumi CLI's v1:… ciphertext/);
    });
  });

  describe("before any resource is registered", () => {
    for (const [what, change, key] of [
      ["an unknown workflow", (s: any) => (s.consumers.lending.workflows = ["credit-aproval"]), "statecraft:sharing.consumers.lending.workflows.0"],
      ["an account not on the allow-list", (s: any) => (s.consumers.lending.accountId = "444444444444"), "statecraft:sharing.consumers.lending.accountId"],
      ["a missing external id", (s: any) => delete s.consumers.lending.externalId, "statecraft:sharing.consumers.lending.externalId"],
    ] as const) {
      it(`fails the program on ${what}, naming ${key}, with no resource registered but the stack`, async () => {
        const { secretKeys } = readStackFile("prod");
        const mocks = new AwsMocks({ partition: "aws", region: "eu-west-1", account: PROD });
        let error: Error | undefined;
        await runProgram(statecraftProgram, { project: "statecraft", stack: "prod", mocks, config: prodWith(change), secretKeys }).catch((e: Error) => (error = e));
        expect(error).to.be.instanceOf(StackConfigError);
        expect(error?.message).to.contain(`${key}:`);
        // Let any registration already under way reach the mocks before looking.
        await new Promise((resolve) => setTimeout(resolve, 50));
        expect(mocks.resources.map((r) => r.type).filter((type) => type !== "pulumi:pulumi:Stack")).to.deep.equal([]);
      });
    }
  });
});
