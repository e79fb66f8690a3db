import { expect } from "chai";
import fc from "fast-check";
import { RolloutTargetError, parseRolloutTargets, rolloutSteps, routingConfiguration, versionNumber } from "../../infra/rollout/plan";

const machine = "arn:aws:states:eu-west-1:111111111111:stateMachine:statecraft-prod-orders";
const v = (n: number) => `${machine}:${n}`;
const target = { aliasArn: `${machine}:live`, versionArn: v(7), alarmNames: ["orders-failed"], rollout: { type: "CANARY", percentage: 10, intervalMinutes: 5 }, region: "eu-west-1" };

describe("rolloutSteps", () => {
  it("shifts everything at once for ALL_AT_ONCE", () => {
    expect(rolloutSteps({ type: "ALL_AT_ONCE" })).to.deep.equal([{ weight: 100, waitMinutes: 0 }]);
  });

  it("holds a canary's percentage for its interval, then shifts the rest", () => {
    expect(rolloutSteps({ type: "CANARY", percentage: 10, intervalMinutes: 5 })).to.deep.equal([
      { weight: 10, waitMinutes: 5 },
      { weight: 100, waitMinutes: 0 },
    ]);
  });

  it("adds a linear rollout's percentage every interval below 100, then shifts the rest", () => {
    expect(rolloutSteps({ type: "LINEAR", percentage: 10, intervalMinutes: 5 }).map((s) => s.weight)).to.deep.equal([10, 20, 30, 40, 50, 60, 70, 80, 90, 100]);
    expect(rolloutSteps({ type: "LINEAR", percentage: 30, intervalMinutes: 2 })).to.deep.equal([
      { weight: 30, waitMinutes: 2 },
      { weight: 60, waitMinutes: 2 },
      { weight: 90, waitMinutes: 2 },
      { weight: 100, waitMinutes: 0 },
    ]);
    expect(rolloutSteps({ type: "LINEAR", percentage: 50, intervalMinutes: 1 }).map((s) => s.weight)).to.deep.equal([50, 100]);
  });

  it("always ends at 100 with strictly rising weights, waiting the interval before every other step", () => {
    fc.assert(
      fc.property(fc.constantFrom("CANARY" as const, "LINEAR" as const), fc.integer({ min: 1, max: 99 }), fc.integer({ min: 1, max: 2_100 }), (type, percentage, intervalMinutes) => {
        const steps = rolloutSteps({ type, percentage, intervalMinutes });
        expect(steps.at(-1)).to.deep.equal({ weight: 100, waitMinutes: 0 });
        steps.slice(0, -1).forEach((step, i) => {
          expect(step.waitMinutes).to.equal(intervalMinutes);
          expect(step.weight).to.equal((i + 1) * percentage).and.be.below(100);
        });
      }),
    );
  });

  it("rejects a percentage outside 1-99", () => {
    expect(() => rolloutSteps({ type: "LINEAR", percentage: 0, intervalMinutes: 5 })).to.throw(RangeError, "Received: 0");
  });
});

describe("routingConfiguration", () => {
  it("gives the new version its weight and the previous version the rest, new version first", () => {
    expect(routingConfiguration(v(7), v(6), 10)).to.deep.equal([
      { stateMachineVersionArn: v(7), weight: 10 },
      { stateMachineVersionArn: v(6), weight: 90 },
    ]);
  });

  it("routes to one version alone at 100% and at 0%", () => {
    expect(routingConfiguration(v(7), v(6), 100)).to.deep.equal([{ stateMachineVersionArn: v(7), weight: 100 }]);
    expect(routingConfiguration(v(7), undefined, 100)).to.deep.equal([{ stateMachineVersionArn: v(7), weight: 100 }]);
    expect(routingConfiguration(v(7), v(6), 0)).to.deep.equal([{ stateMachineVersionArn: v(6), weight: 100 }]);
  });

  it("never has more than two entries, and their weights sum to 100", () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 100 }), (weight) => {
        const routing = routingConfiguration(v(7), v(6), weight);
        expect(routing.length).to.be.within(1, 2);
        expect(routing.reduce((sum, item) => sum + item.weight, 0)).to.equal(100);
      }),
    );
  });

  it("rejects a split without a previous version, the same version twice, or a weight outside 0-100", () => {
    expect(() => routingConfiguration(v(7), undefined, 10)).to.throw(RangeError, "needs the previous version");
    expect(() => routingConfiguration(v(7), v(7), 10)).to.throw(RangeError, "the same");
    expect(() => routingConfiguration(v(7), v(6), 101)).to.throw(RangeError, "Received: 101");
  });
});

describe("versionNumber", () => {
  it("reads the number of a version ARN, and nothing from an alias or unqualified ARN", () => {
    expect(versionNumber(v(12))).to.equal(12);
    expect(versionNumber(`${machine}:live`)).to.equal(undefined);
    expect(versionNumber(machine)).to.equal(undefined);
  });
});

describe("parseRolloutTargets", () => {
  it("reads the rollouts output of pulumi stack output --json and ignores the others", () => {
    expect(parseRolloutTargets({ rollouts: { orders: target }, workflows: { orders: {} } })).to.deep.equal({ orders: target });
  });

  it("rejects outputs without a rollouts output", () => {
    expect(() => parseRolloutTargets({ workflows: {} })).to.throw(RolloutTargetError, "rollouts:");
  });

  it("rejects a version of another state machine, naming the field and the value", () => {
    const other = { ...target, versionArn: "arn:aws:states:eu-west-1:111111111111:stateMachine:other:3" };
    expect(() => parseRolloutTargets({ rollouts: { orders: other } }))
      .to.throw(RolloutTargetError)
      .with.property("message")
      .that.contains("rollouts.orders.versionArn")
      .and.contains("stateMachine:other:3");
  });

  it("rejects a version ARN that is not one (a state machine without publish has none)", () => {
    expect(() => parseRolloutTargets({ rollouts: { orders: { ...target, versionArn: "" } } })).to.throw(RolloutTargetError, /rollouts\.orders\.versionArn: .*is `publish` on/);
  });

  it("rejects an alarm ARN where an alarm name belongs, and a Region other than the alias's", () => {
    const bad = { ...target, alarmNames: ["arn:aws:cloudwatch:eu-west-1:111111111111:alarm:orders-failed"], region: "us-east-1" };
    let message = "";
    try {
      parseRolloutTargets({ rollouts: { orders: bad } });
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).to.contain("rollouts.orders.alarmNames.0: must be an alarm name, not an ARN");
    expect(message).to.contain("rollouts.orders.region: must be the Region of the alias ARN, eu-west-1");
  });

  it("rejects a rollout statecraft:rollouts would refuse", () => {
    expect(() => parseRolloutTargets({ rollouts: { orders: { ...target, rollout: { type: "CANARY", percentage: 100, intervalMinutes: 5 } } } })).to.throw(
      RolloutTargetError,
      "rollouts.orders.rollout.percentage",
    );
  });
});
