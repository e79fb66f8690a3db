import { expect } from "chai";
import { CloudWatchClient, DescribeAlarmsCommand, DescribeAlarmsCommandInput } from "@aws-sdk/client-cloudwatch";
import { DescribeStateMachineAliasCommand, SFNClient, UpdateStateMachineAliasCommand } from "@aws-sdk/client-sfn";
import { type AwsClientStub, mockClient } from "aws-sdk-client-mock";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { PromoteDeps, runPromoteCommand } from "../../cli/promote";
import { RolloutTarget } from "../../infra/rollout/plan";

const machine = "arn:aws:states:eu-west-1:111111111111:stateMachine:statecraft-prod-credit-approval";
const v = (n: number) => `${machine}:${n}`;
const target: RolloutTarget = {
  aliasArn: `${machine}:live`,
  versionArn: v(4),
  alarmNames: ["credit-approval-failed"],
  rollout: { type: "CANARY", percentage: 10, intervalMinutes: 5 },
  region: "eu-west-1",
};
/** The outputs as `pulumi stack output --json --show-secrets` prints them. */
const outputs = (rollouts: Record<string, unknown>) => JSON.stringify({ rollouts, workflows: { "credit-approval": { stateMachineArn: machine } } }, null, 2);
const STACK_FRAME = /^\s+at .+(\(|:\d+:\d+)/m;

describe("promote (cli/promote.ts)", () => {
  // Mocked only while this suite runs: a mock made at load time would answer every SFNClient of the whole run.
  let sfnMock: AwsClientStub<SFNClient>;
  let cloudwatchMock: AwsClientStub<CloudWatchClient>;
  before(() => {
    sfnMock = mockClient(SFNClient);
    cloudwatchMock = mockClient(CloudWatchClient);
  });
  after(() => {
    sfnMock.restore();
    cloudwatchMock.restore();
  });
  let minute: number;
  let alarmFrom: number;
  let regions: string[];

  beforeEach(() => {
    sfnMock.reset();
    cloudwatchMock.reset();
    minute = 0;
    alarmFrom = Infinity;
    regions = [];
    sfnMock.on(DescribeStateMachineAliasCommand).resolves({ routingConfiguration: [{ stateMachineVersionArn: v(3), weight: 100 }] });
    sfnMock.on(UpdateStateMachineAliasCommand).resolves({});
    cloudwatchMock.on(DescribeAlarmsCommand).callsFake((input: DescribeAlarmsCommandInput) => ({
      MetricAlarms: (input.AlarmNames ?? []).map((name) => ({ AlarmName: name, StateValue: minute >= alarmFrom ? "ALARM" : "OK" })),
    }));
  });

  /** In-process, with mocked clients, a virtual clock and the outputs on standard input (null: a terminal). */
  const promote = (argv: string[], stdin: string | null = outputs({ "credit-approval": target }), extra: PromoteDeps = {}) =>
    runPromoteCommand(argv, {
      clients: (region) => {
        regions.push(region);
        return { sfn: new SFNClient({ region }), cloudwatch: new CloudWatchClient({ region }) };
      },
      readStdin: async () => stdin ?? "",
      stdinIsTTY: stdin === null,
      sleep: async (ms) => {
        minute += ms / 60_000;
      },
      now: () => new Date(Date.UTC(2026, 2, 1, 9, minute)),
      ...extra,
    });

  it("promotes a canary read from piped outputs, printing each step, and exits 0", async () => {
    const { code, stdout, stderr, result } = await promote(["--stack", "prod", "--workflow", "credit-approval"]);
    expect({ code, stderr }).to.deep.equal({ code: 0, stderr: "" });
    expect(result?.outcome).to.equal("promoted");
    expect(regions).to.deep.equal(["eu-west-1"]);
    expect(stdout.split("\n")).to.include.members([
      `credit-approval (stack prod): a canary of 10% for 5 min of version 4 on ${machine}:live`,
      "t+0m UpdateStateMachineAlias: 10% to version 4, 90% to version 3",
      "t+0m holding 10% for 5 min, watching 1 alarm",
      "t+5m UpdateStateMachineAlias: 100% to version 4",
      "promoted in 5 min",
    ]);
  });

  it("reads the outputs from the file --outputs names", async () => {
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "statecraft-promote-")), "prod.json");
    fs.writeFileSync(file, outputs({ "credit-approval": { ...target, rollout: { type: "LINEAR", percentage: 25, intervalMinutes: 2 } } }));
    const { code, stdout } = await promote(["--stack", "prod", "--workflow", "credit-approval", "--outputs", file], null);
    expect(code).to.equal(0);
    expect(stdout).to.contain("linear, 25% more every 2 min").and.contain("promoted in 6 min");
    expect(sfnMock.commandCalls(UpdateStateMachineAliasCommand).map((c) => c.args[0].input.routingConfiguration?.[0].weight)).to.deep.equal([25, 50, 75, 100]);
  });

  it("rolls back when an alarm fires, says which on standard error, and exits 1", async () => {
    alarmFrom = 3;
    const { code, stdout, stderr, result } = await promote(["--stack", "prod", "--workflow", "credit-approval"]);
    expect(code).to.equal(1);
    expect(result?.alarm).to.equal("credit-approval-failed");
    expect(stderr).to.equal(`rolled back: alarm credit-approval-failed is in ALARM; ${machine}:live routes 100% to version 3\n`);
    expect(stdout).to.contain("t+3m UpdateStateMachineAlias: 100% to version 3");
    expect(`${stdout}${stderr}`).to.not.match(STACK_FRAME);
  });

  it("exits 0 without a call when the alias serves the version already", async () => {
    sfnMock.on(DescribeStateMachineAliasCommand).resolves({ routingConfiguration: [{ stateMachineVersionArn: v(4), weight: 100 }] });
    const { code, stdout } = await promote(["--stack", "prod", "--workflow", "credit-approval"]);
    expect(code).to.equal(0);
    expect(stdout.trim().split("\n").at(-1)).to.equal("unchanged");
    expect(sfnMock.commandCalls(UpdateStateMachineAliasCommand)).to.have.lengthOf(0);
  });

  it("hands each line to write as it is produced, before the rollout ends", async () => {
    const streamed: string[] = [];
    const { stdout } = await promote(["--stack", "prod", "--workflow", "credit-approval", "--outputs", "-"], undefined, {
      write: (stream, text) => streamed.push(`${stream}|${minute}|${text}`),
    });
    expect(streamed).to.include("stdout|0|t+0m UpdateStateMachineAlias: 10% to version 4, 90% to version 3\n");
    expect(streamed.map((line) => line.split("|")[2]).join("")).to.equal(stdout);
  });

  describe("bad usage (exit 2, nothing changed, no stack trace)", () => {
    const cases: [string, string[], string | null, RegExp][] = [
      ["no --stack", ["--workflow", "credit-approval"], outputs({}), /--stack is required/],
      ["no --workflow", ["--stack", "prod"], outputs({}), /--workflow is required/],
      ["an unknown option", ["--stack", "prod", "--workflow", "x", "--force"], outputs({}), /Unknown option '--force'/],
      ["nothing piped in and no --outputs", ["--stack", "prod", "--workflow", "credit-approval"], null, /pipe `pulumi stack output --json --show-secrets -s prod` in/],
      ["outputs that are not JSON", ["--stack", "prod", "--workflow", "credit-approval"], "Current stack outputs (2):", /standard input: not the JSON `pulumi stack output --json` prints/],
      ["outputs without rollouts", ["--stack", "prod", "--workflow", "credit-approval"], JSON.stringify({ workflows: {} }), /has no usable `rollouts` output:\nrollouts: .*Received: nothing/],
      ["a workflow without a rollout", ["--stack", "prod", "--workflow", "order-events"], outputs({ "credit-approval": target }), /no rollout for the workflow order-events; it has credit-approval/],
      [
        "a version of another state machine",
        ["--stack", "prod", "--workflow", "credit-approval"],
        outputs({ "credit-approval": { ...target, versionArn: "arn:aws:states:eu-west-1:111111111111:stateMachine:other:9" } }),
        /rollouts\.credit-approval\.versionArn: must be a version of the alias's state machine/,
      ],
    ];
    for (const [what, argv, stdin, message] of cases) {
      it(`rejects ${what}`, async () => {
        const { code, stdout, stderr } = await promote(argv, stdin);
        expect(code, stderr).to.equal(2);
        expect(stderr).to.match(message).and.contain("usage: ");
        expect(`${stdout}${stderr}`).to.not.match(STACK_FRAME);
        expect(sfnMock.calls()).to.have.lengthOf(0);
      });
    }

    it("rejects an alarm CloudWatch does not have, before moving the alias", async () => {
      cloudwatchMock.on(DescribeAlarmsCommand).resolves({ MetricAlarms: [] });
      const { code, stderr } = await promote(["--stack", "prod", "--workflow", "credit-approval"]);
      expect(code).to.equal(2);
      expect(stderr).to.contain('CloudWatch has no alarm named "credit-approval-failed"');
      expect(sfnMock.commandCalls(UpdateStateMachineAliasCommand)).to.have.lengthOf(0);
    });

    it("prints the usage for --help and exits 0", async () => {
      const { code, stdout } = await promote(["--help"]);
      expect(code).to.equal(0);
      expect(stdout).to.match(/^usage: pulumi stack output --json --show-secrets -s <stack> \| npm run -s promote -- --stack <stack> --workflow <name>/);
    });
  });
});
