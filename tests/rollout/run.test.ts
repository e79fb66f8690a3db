import { expect } from "chai";
import { CloudWatchClient, DescribeAlarmsCommand, DescribeAlarmsCommandInput } from "@aws-sdk/client-cloudwatch";
import { DescribeStateMachineAliasCommand, SFNClient, UpdateStateMachineAliasCommand } from "@aws-sdk/client-sfn";
import { type AwsClientStub, mockClient } from "aws-sdk-client-mock";
import { Rollout } from "../../infra/rollout/schema";
import { RolloutError, alarmStates, runRollout } from "../../infra/rollout/run";

const machine = "arn:aws:states:eu-west-1:111111111111:stateMachine:statecraft-prod-orders";
const aliasArn = `${machine}:live`;
const v = (n: number) => `${machine}:${n}`;
const canary: Rollout = { type: "CANARY", percentage: 10, intervalMinutes: 5 };
const linear: Rollout = { type: "LINEAR", percentage: 10, intervalMinutes: 5 };

/** A clock that moves only when the rollout sleeps. */
function virtualClock() {
  const start = Date.parse("2026-03-01T09:00:00Z");
  let time = start;
  return {
    sleep: async (ms: number) => {
      time += ms;
    },
    now: () => new Date(time),
    minute: () => (time - start) / 60_000,
  };
}

describe("runRollout", () => {
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
  let clock: ReturnType<typeof virtualClock>;
  let lines: string[];
  /** Alarm name → the virtual minute from which it is in ALARM. */
  let firesAt: Record<string, number>;

  beforeEach(() => {
    sfnMock.reset();
    cloudwatchMock.reset();
    clock = virtualClock();
    lines = [];
    firesAt = {};
    sfnMock.on(DescribeStateMachineAliasCommand).resolves({ stateMachineAliasArn: aliasArn, name: "live", routingConfiguration: [{ stateMachineVersionArn: v(6), weight: 100 }] });
    sfnMock.on(UpdateStateMachineAliasCommand).resolves({ updateDate: new Date() });
    cloudwatchMock.on(DescribeAlarmsCommand).callsFake((input: DescribeAlarmsCommandInput) => ({
      MetricAlarms: (input.AlarmNames ?? []).map((name) => ({ AlarmName: name, StateValue: clock.minute() >= (firesAt[name] ?? Infinity) ? "ALARM" : "OK" })),
    }));
  });

  const run = (rollout: Rollout, extra: Partial<Parameters<typeof runRollout>[0]> = {}) =>
    runRollout({
      sfn: new SFNClient({ region: "eu-west-1" }),
      cloudwatch: new CloudWatchClient({ region: "eu-west-1" }),
      aliasArn,
      targetVersionArn: v(7),
      alarmNames: ["orders-failed", "orders-throttled"],
      rollout,
      sleep: clock.sleep,
      now: clock.now,
      log: (line) => lines.push(line),
      ...extra,
    });
  const routings = () => sfnMock.commandCalls(UpdateStateMachineAliasCommand).map((call) => call.args[0].input.routingConfiguration);
  const alarmPolls = () => cloudwatchMock.commandCalls(DescribeAlarmsCommand).length;

  it("promotes a canary: 10% for 5 minutes of quiet alarms, then 100%", async () => {
    const result = await run(canary);
    expect(result.outcome).to.equal("promoted");
    expect(routings()).to.deep.equal([
      [
        { stateMachineVersionArn: v(7), weight: 10 },
        { stateMachineVersionArn: v(6), weight: 90 },
      ],
      [{ stateMachineVersionArn: v(7), weight: 100 }],
    ]);
    expect(result.steps.map((s) => [s.weight, s.atMinute])).to.deep.equal([
      [10, 0],
      [100, 5],
    ]);
    expect(result).to.include({ previousVersionArn: v(6), minutes: 5 });
    // Once before the first shift, then once a minute of the hold.
    expect(alarmPolls()).to.equal(1 + 5);
    expect(cloudwatchMock.commandCalls(DescribeAlarmsCommand)[0].args[0].input).to.deep.include({ AlarmNames: ["orders-failed", "orders-throttled"], AlarmTypes: ["MetricAlarm", "CompositeAlarm"] });
    expect(lines.at(-1)).to.match(/^t\+5m promoted: version 7 takes every execution/);
  });

  it("walks a linear rollout up 10% every 5 minutes to 100%", async () => {
    const result = await run(linear);
    expect(result.outcome).to.equal("promoted");
    expect(routings().map((routing) => routing?.[0].weight)).to.deep.equal([10, 20, 30, 40, 50, 60, 70, 80, 90, 100]);
    expect(routings()[3]).to.deep.equal([
      { stateMachineVersionArn: v(7), weight: 40 },
      { stateMachineVersionArn: v(6), weight: 60 },
    ]);
    expect(result.minutes).to.equal(45);
    expect(alarmPolls()).to.equal(1 + 9 * 5);
  });

  it("rolls back to the previous version when an alarm fires after the second step, naming the alarm", async () => {
    firesAt["orders-throttled"] = 7;
    const result = await run(linear);
    expect(result).to.include({ outcome: "rolled-back", alarm: "orders-throttled", previousVersionArn: v(6), minutes: 7 });
    expect(result.reason).to.equal("alarm orders-throttled is in ALARM");
    expect(routings()).to.deep.equal([
      [
        { stateMachineVersionArn: v(7), weight: 10 },
        { stateMachineVersionArn: v(6), weight: 90 },
      ],
      [
        { stateMachineVersionArn: v(7), weight: 20 },
        { stateMachineVersionArn: v(6), weight: 80 },
      ],
      [{ stateMachineVersionArn: v(6), weight: 100 }],
    ]);
    expect(result.steps.map((s) => [s.weight, s.atMinute])).to.deep.equal([
      [10, 0],
      [20, 5],
      [0, 7],
    ]);
    expect(lines).to.include("t+7m alarm orders-throttled is in ALARM: rolling back");
  });

  it("does nothing when the alias routes 100% to the target already", async () => {
    sfnMock.on(DescribeStateMachineAliasCommand).resolves({ routingConfiguration: [{ stateMachineVersionArn: v(7), weight: 100 }] });
    const result = await run(canary);
    expect(result).to.include({ outcome: "unchanged", minutes: 0 });
    expect(result.steps).to.deep.equal([]);
    expect(routings()).to.deep.equal([]);
    expect(alarmPolls()).to.equal(0);
  });

  it("refuses an alarm name CloudWatch does not have, before moving anything", async () => {
    cloudwatchMock.on(DescribeAlarmsCommand).resolves({ MetricAlarms: [{ AlarmName: "orders-failed", StateValue: "OK" }] });
    const error = await run(canary).catch((e: unknown) => e);
    expect(error).to.be.instanceOf(RolloutError).with.property("kind", "input");
    expect((error as Error).message).to.contain('no alarm named "orders-throttled"').and.contain("Nothing was changed");
    expect(routings()).to.deep.equal([]);
  });

  it("moves no traffic when an alarm is in ALARM before the rollout", async () => {
    firesAt["orders-failed"] = 0;
    const result = await run(canary);
    expect(result).to.include({ outcome: "rolled-back", alarm: "orders-failed" });
    expect(routings()).to.deep.equal([]);
  });

  it("resumes an interrupted rollout of the same version at its current weight", async () => {
    sfnMock.on(DescribeStateMachineAliasCommand).resolves({
      routingConfiguration: [
        { stateMachineVersionArn: v(7), weight: 30 },
        { stateMachineVersionArn: v(6), weight: 70 },
      ],
    });
    const result = await run(linear);
    expect(result.outcome).to.equal("promoted");
    expect(routings().map((routing) => routing?.[0].weight)).to.deep.equal([30, 40, 50, 60, 70, 80, 90, 100]);
  });

  it("rolls back when aborted during a hold (Ctrl-C)", async () => {
    const controller = new AbortController();
    const sleep = async (ms: number) => {
      await clock.sleep(ms);
      if (clock.minute() === 3) controller.abort();
    };
    const result = await run(canary, { sleep, signal: controller.signal });
    expect(result).to.include({ outcome: "rolled-back", reason: "interrupted", minutes: 3 });
    expect(routings().at(-1)).to.deep.equal([{ stateMachineVersionArn: v(6), weight: 100 }]);
  });

  it("rolls back when the alarms cannot be read during a hold", async () => {
    let calls = 0;
    cloudwatchMock.on(DescribeAlarmsCommand).callsFake((input: DescribeAlarmsCommandInput) => {
      if (++calls === 3) throw Object.assign(new Error("Rate exceeded"), { name: "Throttling" });
      return { MetricAlarms: (input.AlarmNames ?? []).map((name) => ({ AlarmName: name, StateValue: "OK" })) };
    });
    const result = await run(canary);
    expect(result).to.include({ outcome: "rolled-back", reason: "DescribeAlarms failed: Throttling: Rate exceeded, so the alarms cannot be watched" });
    expect(routings().at(-1)).to.deep.equal([{ stateMachineVersionArn: v(6), weight: 100 }]);
  });

  it("says how to finish by hand when rolling back fails", async () => {
    firesAt["orders-failed"] = 2;
    sfnMock
      .on(UpdateStateMachineAliasCommand)
      .resolvesOnce({ updateDate: new Date() })
      .rejects(Object.assign(new Error("User is not authorized"), { name: "AccessDeniedException" }));
    const error = await run(canary).catch((e: unknown) => e);
    expect(error).to.be.instanceOf(RolloutError).with.property("kind", "rollback-failed");
    expect((error as Error).message)
      .to.contain("alarm orders-failed is in ALARM, and rolling back failed: UpdateStateMachineAlias: AccessDeniedException: User is not authorized")
      .and.contain(`aws stepfunctions update-state-machine-alias --state-machine-alias-arn ${aliasArn} --routing-configuration stateMachineVersionArn=${v(6)},weight=100`);
  });

  it("refuses a target that is not a version of the alias's state machine", async () => {
    const error = await run(canary, { targetVersionArn: "arn:aws:states:eu-west-1:111111111111:stateMachine:other:2" }).catch((e: unknown) => e);
    expect(error).to.be.instanceOf(RolloutError).with.property("kind", "input");
    expect(sfnMock.calls()).to.have.lengthOf(0);
  });

  it("reports a failure to read the alias as changing nothing", async () => {
    sfnMock.on(DescribeStateMachineAliasCommand).rejects(Object.assign(new Error("alias not found"), { name: "ResourceNotFound" }));
    const error = await run(canary).catch((e: unknown) => e);
    expect(error).to.be.instanceOf(RolloutError).with.property("kind", "aws");
    expect((error as Error).message).to.equal(`DescribeStateMachineAlias ${aliasArn} failed: ResourceNotFound: alias not found. Nothing was changed.`);
  });
});

describe("alarmStates", () => {
  let cloudwatchMock: AwsClientStub<CloudWatchClient>;
  before(() => (cloudwatchMock = mockClient(CloudWatchClient)));
  after(() => cloudwatchMock.restore());
  beforeEach(() => cloudwatchMock.reset());

  it("asks for metric and composite alarms, 100 names a call, following every page", async () => {
    const names = Array.from({ length: 150 }, (_, i) => `alarm-${i}`);
    cloudwatchMock.on(DescribeAlarmsCommand).callsFake((input: DescribeAlarmsCommandInput) => {
      const asked = input.AlarmNames ?? [];
      const page = input.NextToken === undefined ? asked.slice(0, 50) : asked.slice(50);
      return {
        MetricAlarms: page.filter((n) => n !== "alarm-149").map((name) => ({ AlarmName: name, StateValue: "OK" })),
        CompositeAlarms: page.includes("alarm-149") ? [{ AlarmName: "alarm-149", StateValue: "ALARM" }] : [],
        NextToken: input.NextToken === undefined && asked.length > 50 ? "next" : undefined,
      };
    });
    const states = await alarmStates(new CloudWatchClient({ region: "eu-west-1" }), names);
    expect(states.size).to.equal(150);
    expect(states.get("alarm-149")).to.equal("ALARM");
    const calls = cloudwatchMock.commandCalls(DescribeAlarmsCommand).map((call) => call.args[0].input);
    expect(calls.map((input) => [input.AlarmNames?.length, input.NextToken])).to.deep.equal([
      [100, undefined],
      [100, "next"],
      [50, undefined],
    ]);
  });
});
