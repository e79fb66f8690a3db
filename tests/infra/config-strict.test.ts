import { expect } from "chai";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import YAML from "yaml";
import {
  STATECRAFT_KEYS,
  StackConfigError,
  awsRegions,
  editDistance,
  nearest,
  parseStackConfig,
  readStackFile,
  regionsOfAwsSdk,
  regionsOfPulumiAws,
  tagProblems,
} from "../../infra/config";
import { PARTITION_PATTERN } from "../../infra/iam/arn";
import { statecraftProgram } from "../../infra/program";
import { AwsMocks } from "../../offline/mocks";
import { runProgram } from "../../offline/program";
import { stackConfigError } from "./config-error";

/** A shipped stack's configuration as Pulumi hands it over (strings, objects as JSON), changed by `change`. */
function shipped(stack: "dev" | "prod" | "consumer", change: (raw: Record<string, string>) => void = () => undefined): Record<string, string> {
  const { raw } = readStackFile(stack);
  change(raw);
  return raw;
}

/** Renames a key of a raw configuration, keeping its value. */
function rename(raw: Record<string, string>, from: string, to: string): void {
  raw[to] = raw[from];
  delete raw[from];
}

/** Changes one JSON-valued key of a raw configuration. */
function editJson(raw: Record<string, string>, key: string, change: (value: any) => void): void {
  const value = JSON.parse(raw[key]);
  change(value);
  raw[key] = JSON.stringify(value);
}

const configError = stackConfigError;

/** The tags of the shipped dev stack, changed by `change`, as dev's raw configuration. */
function devTags(change: (tags: Record<string, string>) => void): Record<string, string> {
  return shipped("dev", (raw) => editJson(raw, "statecraft:tags", change));
}

describe("strict stack configuration", () => {
  describe("edit distance and nearest", () => {
    it("counts an insertion, a deletion, a substitution and a swap of neighbours as one edit each", () => {
      expect(editDistance("includeExecutionDta", "includeExecutionData")).to.equal(1);
      expect(editDistance("tags", "tag")).to.equal(1);
      expect(editDistance("eu-west-9", "eu-west-1")).to.equal(1);
      expect(editDistance("tarcing", "tracing")).to.equal(1);
      expect(editDistance("", "abc")).to.equal(3);
      expect(editDistance("kmsKey", "kmsKey")).to.equal(0);
      expect(editDistance("Tracing", "tracing")).to.equal(1);
    });

    it("suggests the nearest candidates ignoring case, all of them on a tie, and none when every one is far", () => {
      expect(nearest("TRACING", ["tracing", "tags"])).to.deep.equal(["tracing"]);
      expect(nearest("eu-west-9", ["eu-central-1", "eu-west-1", "eu-west-2", "eu-west-3", "us-west-1"])).to.deep.equal(["eu-west-1", "eu-west-2", "eu-west-3"]);
      expect(nearest("zzzzzzzz", ["tracing", "tags"])).to.deep.equal([]);
      expect(nearest("tag", ["tags", "tracing"], 0)).to.deep.equal([]);
    });
  });

  describe("unknown keys of the statecraft namespace", () => {
    it("refuses a misspelt key, naming it, the key meant and the stack file, and echoing its value", () => {
      const error = configError("prod", shipped("prod", (raw) => rename(raw, "statecraft:includeExecutionData", "statecraft:includeExecutionDta")));
      expect(error.message).to.equal(
        "Pulumi.prod.yaml: invalid stack configuration:\n  statecraft:includeExecutionDta: is not a statecraft setting; did you mean statecraft:includeExecutionData? (got false)",
      );
    });

    it("refuses statecraft:tag, which would have dropped the stack's tags, pointing at statecraft:tags", () => {
      const error = configError("dev", shipped("dev", (raw) => rename(raw, "statecraft:tags", "statecraft:tag")));
      expect(error.problems).to.deep.equal([
        'statecraft:tag: is not a statecraft setting; did you mean statecraft:tags? (got {"environment":"dev","owner":"platform-team","cost-center":"4711"})',
      ]);
    });

    it("suggests the key whatever the case it was written in", () => {
      const error = configError("dev", shipped("dev", (raw) => rename(raw, "statecraft:logLevel", "statecraft:LogLevel")));
      expect(error.problems).to.deep.equal([
        'statecraft:LogLevel: is not a statecraft setting; did you mean statecraft:logLevel? (got "ALL")',
        "statecraft:logLevel: is required (missing)",
      ]);
    });

    it("points a key set without --path (statecraft:tags.team) to the field of its setting", () => {
      const error = configError("dev", { ...shipped("dev"), "statecraft:tags.team": "lending" });
      expect(error.problems).to.deep.equal([
        `statecraft:tags.team: is not a statecraft setting; did you mean a field of statecraft:tags? Set one with pulumi config set --path 'statecraft:tags.team' <value> (got "lending")`,
      ]);
    });

    it("lists the known keys when none is near", () => {
      const error = configError("dev", { ...shipped("dev"), "statecraft:colour": "blue" });
      expect(error.problems).to.deep.equal([`statecraft:colour: is not a statecraft setting (known: ${STATECRAFT_KEYS.join(", ")}) (got "blue")`]);
      expect(STATECRAFT_KEYS).to.include.members(["statecraft:accountId", "statecraft:includeExecutionData", "statecraft:tags", "statecraft:approvers"]);
      expect(STATECRAFT_KEYS).not.to.include("aws:region");
    });

    it("does not echo the value of a secret key, given or listed by the Pulumi CLI in PULUMI_CONFIG_SECRET_KEYS", () => {
      const raw = shipped("prod", (r) => rename(r, "statecraft:sharing", "statecraft:sharng"));
      const expected = ["statecraft:sharng: is not a statecraft setting; did you mean statecraft:sharing? (got a secret value)"];
      expect(configError("prod", raw, ["statecraft:sharng"]).problems).to.deep.equal(expected);
      const before = process.env.PULUMI_CONFIG_SECRET_KEYS;
      process.env.PULUMI_CONFIG_SECRET_KEYS = JSON.stringify(["statecraft:sharng"]);
      try {
        expect(() => parseStackConfig("prod", raw)).to.throw(StackConfigError).that.satisfies((error: StackConfigError) => {
          expect(error.problems).to.deep.equal(expected);
          return true;
        });
      } finally {
        if (before === undefined) delete process.env.PULUMI_CONFIG_SECRET_KEYS;
        else process.env.PULUMI_CONFIG_SECRET_KEYS = before;
      }
    });

    it("reports an unknown key together with every other problem", () => {
      const error = configError("dev", { ...shipped("dev"), "statecraft:tracng": "true", "statecraft:logRetentionDays": "13" });
      expect(error.problems).to.have.lengthOf(2);
      expect(error.problems[0]).to.equal('statecraft:tracng: is not a statecraft setting; did you mean statecraft:tracing? (got true)');
      expect(error.problems[1]).to.match(/^statecraft:logRetentionDays: must be one of CloudWatch Logs' retention periods/);
    });

    it("leaves the keys of other namespaces alone", () => {
      const config = parseStackConfig("dev", { ...shipped("dev"), "aws:profile": "platform", "aws:skipCredentialsValidation": "true", "random:seed": "7", "pulumi:tags": "{}" });
      expect(config.region).to.equal("eu-west-1");
    });

    it("refuses a typo written in the stack file itself", () => {
      const root = fs.mkdtempSync(path.join(os.tmpdir(), "statecraft-strict-"));
      const document = YAML.parse(fs.readFileSync(path.join(__dirname, "..", "..", "Pulumi.prod.yaml"), "utf8"));
      document.config["statecraft:includeExecutionDta"] = document.config["statecraft:includeExecutionData"];
      delete document.config["statecraft:includeExecutionData"];
      fs.writeFileSync(path.join(root, "Pulumi.typo.yaml"), YAML.stringify(document));
      expect(() => readStackFile("typo", root)).to.throw(
        StackConfigError,
        "Pulumi.typo.yaml: invalid stack configuration:\n  statecraft:includeExecutionDta: is not a statecraft setting; did you mean statecraft:includeExecutionData? (got false)",
      );
    });
  });

  describe("unknown fields of object settings (zod's strict objects)", () => {
    it("refuses statecraft:tableProtection.retainOnDelet, suggesting retainOnDelete", () => {
      const error = configError("prod", shipped("prod", (raw) => editJson(raw, "statecraft:tableProtection", (p) => rename(p, "retainOnDelete", "retainOnDelet"))));
      expect(error.problems).to.deep.equal([
        "statecraft:tableProtection.retainOnDelete: is required (missing)",
        'statecraft:tableProtection: Unrecognized key: "retainOnDelet"; did you mean retainOnDelete? (got true)',
      ]);
    });

    it("refuses an unknown field of a sharing consumer, an approver and the deployment role, each with the field meant", () => {
      const sharing = configError("prod", shipped("prod", (raw) => editJson(raw, "statecraft:sharing", (s) => (s.consumers.lending.invoker = s.consumers.lending.invokers[0]))));
      expect(sharing.problems).to.deep.equal([
        'statecraft:sharing.consumers.lending: Unrecognized key: "invoker"; did you mean invokers? (got "arn:aws:iam::333333333333:role/statecraft-consumer-loan-intake-role")',
      ]);
      const approver = configError("dev", shipped("dev", (raw) => editJson(raw, "statecraft:approvers", (a) => rename(a[0], "endpoint", "endpont"))));
      expect(approver.problems).to.include('statecraft:approvers.0: Unrecognized key: "endpont"; did you mean endpoint? (got "credit-approvals-dev@acme.example")');
      const role = configError("consumer", shipped("consumer", (raw) => editJson(raw, "statecraft:assumeRole", (r) => (r.SessionName = "ops"))));
      expect(role.problems).to.deep.equal(['statecraft:assumeRole: Unrecognized key: "SessionName"; did you mean sessionName? (got "ops")']);
    });
    it("lists the known fields when none is near", () => {
      const error = configError("prod", shipped("prod", (raw) => editJson(raw, "statecraft:sharing", (s) => (s.consumers.lending.principals = s.consumers.lending.invokers))));
      expect(error.problems).to.deep.equal([
        'statecraft:sharing.consumers.lending: Unrecognized key: "principals" (known: accountId, invokers, subscribers, readers, organizationId, externalId, workflows, functions, topics, tables) (got ["arn:aws:iam::333333333333:role/statecraft-consumer-loan-intake-role"])',
      ]);
    });
  });

  describe("aws:region", () => {
    it("reads the Regions of each partition from the AWS SDK's partition data in @aws-sdk/core, without pseudo-Regions", () => {
      const { source, byPartition } = awsRegions();
      expect(source).to.match(/^@aws-sdk\/core@\d+\.\d+\.\d+ dist-es\/submodules\/client\/util-endpoints\/lib\/aws\/partitions\.js$/);
      expect(regionsOfAwsSdk()).to.deep.equal(awsRegions());
      expect(byPartition.aws).to.include.members(["eu-west-1", "eu-west-2", "eu-west-3", "us-east-1"]).and.not.include("aws-global");
      expect(byPartition["aws-cn"]).to.deep.equal(["cn-north-1", "cn-northwest-1"]);
      expect(byPartition["aws-us-gov"]).to.deep.equal(["us-gov-east-1", "us-gov-west-1"]);
    });

    it("falls back to @pulumi/aws's Region enum, each Region in the partition derived from it", () => {
      const { source, byPartition } = regionsOfPulumiAws();
      expect(source).to.match(/^@pulumi\/aws@\S+ types\/enums Region$/);
      expect(byPartition.aws).to.include("eu-west-1");
      expect(byPartition["aws-cn"]).to.deep.equal(["cn-north-1", "cn-northwest-1"]);
    });

    it("refuses eu-west-9 in the shipped dev stack, suggesting eu-west-1, eu-west-2 or eu-west-3", () => {
      const error = configError("dev", { ...shipped("dev"), "aws:region": "eu-west-9" });
      expect(error.message).to.equal(
        'Pulumi.dev.yaml: invalid stack configuration:\n  aws:region: must be a Region of the aws partition; did you mean eu-west-1, eu-west-2 or eu-west-3? (got "eu-west-9")',
      );
    });

    it("suggests within the partition the Region names: cn-north-9 gives cn-north-1", () => {
      expect(configError("dev", { ...shipped("dev"), "aws:region": "cn-north-9" }).problems).to.deep.equal([
        'aws:region: must be a Region of the aws-cn partition; did you mean cn-north-1? (got "cn-north-9")',
      ]);
    });

    it("lists the partition's Regions when none is near, and refuses the pseudo-Region aws-global", () => {
      const list = awsRegions().byPartition.aws.join(", ");
      expect(configError("dev", { ...shipped("dev"), "aws:region": "mars-1" }).problems).to.deep.equal([`aws:region: must be a Region of the aws partition: ${list} (got "mars-1")`]);
      expect(configError("dev", { ...shipped("dev"), "aws:region": "aws-global" }).problems).to.deep.equal([`aws:region: must be a Region of the aws partition: ${list} (got "aws-global")`]);
    });

    it("refuses a Region of a partition statecraft cannot derive (eusc-de-east-1 of aws-eusc)", () => {
      expect(configError("dev", { ...shipped("dev"), "aws:region": "eusc-de-east-1" }).problems).to.deep.equal([
        `aws:region: is a Region of the aws-eusc partition, which statecraft does not support: it would build the stack's ARNs in aws (got "eusc-de-east-1")`,
      ]);
    });

    it("accepts every Region of every partition statecraft supports, and derives that partition", () => {
      const { byPartition } = awsRegions();
      const supported = PARTITION_PATTERN.split("|").filter((partition) => byPartition[partition]);
      expect(supported).to.include.members(["aws", "aws-cn", "aws-us-gov"]);
      for (const partition of supported) {
        for (const region of byPartition[partition]) expect(parseStackConfig("dev", { ...shipped("dev"), "aws:region": region }).partition, region).to.equal(partition);
      }
    });
  });

  describe("tags", () => {
    it("accepts Unicode letters, digits and spaces, _ . : / = + - @, a 128-character key and a 256-character empty or full value", () => {
      expect(tagProblems({ "Kostenstelle äöü 東京 1_.:/=+-@": "", ["é".repeat(128)]: "ß".repeat(256) })).to.deep.equal([]);
      expect(parseStackConfig("dev", devTags((t) => (t["team name"] = "lending / risk + ops@acme"))).tags["team name"]).to.equal("lending / risk + ops@acme");
    });

    it("refuses a key over 128 characters, an empty key and a value over 256, counting Unicode characters, not UTF-16 units", () => {
      const letter = "\u{20000}"; // a CJK ideograph beyond the Basic Multilingual Plane: two UTF-16 units, one character
      const long = letter.repeat(129);
      expect(tagProblems({ [letter.repeat(128)]: letter.repeat(256) })).to.deep.equal([]);
      expect(configError("dev", devTags((t) => ((t[long] = "v"), (t[""] = "empty"), (t.owner = "x".repeat(257))))).problems).to.deep.equal([
        `statecraft:tags.owner: value must be 0-256 characters, not 257 (got "${"x".repeat(257)}")`,
        `statecraft:tags["${long}"]: key must be 1-128 characters, not 129 (got "${long}")`,
        'statecraft:tags[""]: key must be 1-128 characters, not 0 (got "")',
      ]);
    });

    it("refuses characters AWS does not allow in a key or a value, naming them", () => {
      expect(configError("dev", devTags((t) => (t["cost#center"] = "4711!"))).problems).to.deep.equal([
        'statecraft:tags["cost#center"]: key may hold only Unicode letters, digits, spaces and _ . : / = + - @, not "#" (got "cost#center")',
        'statecraft:tags["cost#center"]: value may hold only Unicode letters, digits, spaces and _ . : / = + - @, not "!" (got "4711!")',
      ]);
    });

    it("refuses a key starting with aws:, in any case", () => {
      expect(configError("dev", devTags((t) => (t["AWS:Owner"] = "x"))).problems).to.deep.equal([
        'statecraft:tags["AWS:Owner"]: key must not start with aws: (any case), which AWS reserves for its own tags (got "AWS:Owner")',
      ]);
    });

    it("refuses the tag statecraft sets itself, and keys that differ only in case", () => {
      expect(configError("dev", devTags((t) => ((t["statecraft:stack"] = "other"), (t.Owner = "y"), (t["Statecraft:Stack"] = "z")))).problems).to.deep.equal([
        'statecraft:tags["statecraft:stack"]: key is the tag statecraft sets itself on every resource; choose another key (got "statecraft:stack")',
        'statecraft:tags.Owner: key differs from owner only in case, which IAM refuses on the stack\'s roles (got "Owner")',
        'statecraft:tags["Statecraft:Stack"]: key differs from statecraft:stack, the tag statecraft sets itself on every resource, only in case, which IAM refuses on the stack\'s roles (got "Statecraft:Stack")',
      ]);
    });

    it("allows 49 tags from config, statecraft:stack making the 50 AWS allows, and refuses a 50th", () => {
      const tags = (count: number) => Object.fromEntries(Array.from({ length: count }, (_, i) => [`tag-${i}`, "v"]));
      expect(Object.keys(parseStackConfig("dev", devTags((t) => Object.assign(t, tags(46)))).tags)).to.have.lengthOf(49);
      expect(configError("dev", devTags((t) => Object.assign(t, tags(47)))).problems).to.deep.equal([
        "statecraft:tags: must hold at most 49 tags: AWS allows 50 per resource and statecraft adds statecraft:stack (got 50)",
      ]);
    });

    it("refuses a value that is not a string", () => {
      expect(configError("dev", shipped("dev", (raw) => (raw["statecraft:tags"] = '{"cost-center":4711}'))).problems).to.deep.equal([
        "statecraft:tags.cost-center: Invalid input: expected string, received number (got 4711)",
      ]);
    });
  });

  describe("before any resource is registered", () => {
    for (const [what, change, problem] of [
      ["an unknown key", (raw: Record<string, string>) => rename(raw, "statecraft:includeExecutionData", "statecraft:includeExecutionDta"), "statecraft:includeExecutionDta:"],
      ["a Region AWS does not have", (raw: Record<string, string>) => (raw["aws:region"] = "eu-west-9"), "aws:region:"],
      ["a tag AWS refuses", (raw: Record<string, string>) => editJson(raw, "statecraft:tags", (t) => (t["aws:owner"] = "x")), 'statecraft:tags["aws:owner"]:'],
    ] as const) {
      it(`fails the program on ${what}, naming it, with no resource registered but the stack`, async () => {
        const { secretKeys } = readStackFile("prod");
        const mocks = new AwsMocks({ partition: "aws", region: "eu-west-1", account: "222222222222" });
        let error: Error | undefined;
        await runProgram(statecraftProgram, { project: "statecraft", stack: "prod", mocks, config: shipped("prod", change), secretKeys }).catch((e: Error) => (error = e));
        expect(error).to.be.instanceOf(StackConfigError);
        expect(error?.message).to.match(/^Pulumi\.prod\.yaml: /).and.to.contain(`\n  ${problem}`);
        await new Promise((resolve) => setTimeout(resolve, 50));
        expect(mocks.resources.map((r) => r.type).filter((type) => type !== "pulumi:pulumi:Stack")).to.deep.equal([]);
      });
    }
  });
});
