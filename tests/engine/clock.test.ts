import { expect } from "chai";
import { startExecution, VirtualClock } from "../../engine";
import type { HistoryEvent, StateMachineDefinition, TaskHandler } from "../../engine";

const YEAR_SECONDS = 365 * 24 * 3600;

function ofType(events: HistoryEvent[], type: string): HistoryEvent[] {
  return events.filter((event) => event.type === type);
}

function gapsMs(events: HistoryEvent[], from: string, to: string): number[] {
  const gaps: number[] = [];
  let last: number | undefined;
  for (const event of events) {
    if (event.type === from) last = event.timestamp.getTime();
    else if (event.type === to && last !== undefined) {
      gaps.push(event.timestamp.getTime() - last);
      last = undefined;
    }
  }
  return gaps;
}

function failingTimes(count: number): TaskHandler {
  let calls = 0;
  return async () => {
    calls++;
    if (calls <= count) throw Object.assign(new Error("try again"), { name: "Busy" });
    return { calls };
  };
}

describe("engine: the virtual clock", () => {
  it("finishes a one-year Wait in well under a second, with one year in the history", async () => {
    const started = Date.now();
    const execution = startExecution({ StartAt: "W", States: { W: { Type: "Wait", Seconds: YEAR_SECONDS, End: true } } }, { a: 1 });
    const result = await execution.result;
    expect(Date.now() - started).to.be.below(1000);
    expect(result.status).to.equal("SUCCEEDED");
    expect(result.output).to.deep.equal({ a: 1 });
    const events = execution.history();
    const entered = ofType(events, "WaitStateEntered")[0].timestamp.getTime();
    const exited = ofType(events, "WaitStateExited")[0].timestamp.getTime();
    expect(exited - entered).to.be.within(YEAR_SECONDS * 1000, YEAR_SECONDS * 1000 + 500);
    expect(result.stopDate.getTime() - execution.startDate.getTime()).to.be.within(YEAR_SECONDS * 1000, YEAR_SECONDS * 1000 + 500);
  });

  it("waits until a Timestamp one year ahead without waiting in real time", async () => {
    const clock = new VirtualClock(Date.parse("2030-01-01T00:00:00Z"));
    const started = Date.now();
    const execution = startExecution({ StartAt: "W", States: { W: { Type: "Wait", Timestamp: "2031-01-01T00:00:00Z", End: true } } }, {}, { clock });
    const result = await execution.result;
    expect(Date.now() - started).to.be.below(1000);
    expect(result.stopDate.toISOString().slice(0, 19)).to.equal("2031-01-01T00:00:00");
  });

  it("times out a one-year Wait under a top-level TimeoutSeconds of 1: TIMED_OUT, States.Timeout, ExecutionTimedOut", async () => {
    const definition: StateMachineDefinition = { TimeoutSeconds: 1, StartAt: "W", States: { W: { Type: "Wait", Seconds: YEAR_SECONDS, End: true } } };
    const started = Date.now();
    const execution = startExecution(definition, {});
    const result = await execution.result;
    expect(Date.now() - started).to.be.below(1000);
    expect(result.status).to.equal("TIMED_OUT");
    expect(result.error).to.equal("States.Timeout");
    expect(execution.status).to.equal("TIMED_OUT");
    const events = execution.history();
    const last = events[events.length - 1];
    expect(last.type).to.equal("ExecutionTimedOut");
    expect(last.executionTimedOutEventDetails?.error).to.equal("States.Timeout");
    expect(ofType(events, "WaitStateExited")).to.have.length(0);
    expect(result.stopDate.getTime() - execution.startDate.getTime()).to.be.within(1000, 1500);
  });

  it("times out a Task whose handler never resolves (TimeoutSeconds), recording TaskTimedOut", async () => {
    const execution = startExecution(
      { StartAt: "T", States: { T: { Type: "Task", Resource: "arn:aws:states:::lambda:invoke", TimeoutSeconds: 1, End: true } } },
      {},
      { taskHandler: () => new Promise(() => undefined) },
    );
    const result = await execution.result;
    expect(result.status).to.equal("FAILED");
    expect(result.error).to.equal("States.Timeout");
    const timedOut = ofType(execution.history(), "TaskTimedOut");
    expect(timedOut).to.have.length(1);
    expect(timedOut[0].taskTimedOutEventDetails).to.deep.equal({ resourceType: "lambda", resource: "invoke", error: "States.Timeout" });
  });

  it("follows a Catch from a State with End: true, and lets virtual time jump once a timed-out handler is abandoned", async () => {
    const started = Date.now();
    const execution = startExecution(
      {
        StartAt: "T",
        States: {
          T: { Type: "Task", Resource: "arn:aws:states:::lambda:invoke", TimeoutSeconds: 1, Catch: [{ ErrorEquals: ["States.Timeout"], Next: "Later" }], End: true },
          Later: { Type: "Wait", Seconds: 3600, End: true },
        },
      },
      {},
      { taskHandler: () => new Promise(() => undefined) },
    );
    const result = await execution.result;
    expect(result.status).to.equal("SUCCEEDED");
    expect(ofType(execution.history(), "WaitStateExited")).to.have.length(1);
    expect(result.stopDate.getTime() - execution.startDate.getTime()).to.be.at.least(3_601_000);
    expect(Date.now() - started).to.be.below(3000);
  });

  it("fails a .waitForTaskToken Task with States.HeartbeatTimeout when no heartbeat comes", async () => {
    const execution = startExecution(
      { StartAt: "T", States: { T: { Type: "Task", Resource: "arn:aws:states:::sqs:sendMessage.waitForTaskToken", HeartbeatSeconds: 30, End: true } } },
      {},
      { taskHandler: async () => ({ MessageId: "m-1" }) },
    );
    const result = await execution.result;
    expect(result.status).to.equal("FAILED");
    expect(result.error).to.equal("States.HeartbeatTimeout");
    const events = execution.history();
    expect(ofType(events, "TaskTimedOut")[0].taskTimedOutEventDetails?.error).to.equal("States.HeartbeatTimeout");
    const scheduled = ofType(events, "TaskScheduled")[0];
    expect(scheduled.taskScheduledEventDetails?.heartbeatInSeconds).to.equal(30);
    const gap = ofType(events, "TaskTimedOut")[0].timestamp.getTime() - scheduled.timestamp.getTime();
    expect(gap).to.be.within(30_000, 30_500);
  });

  it("keeps a .waitForTaskToken Task alive past HeartbeatSeconds while heartbeats come in time", async () => {
    const clock = new VirtualClock();
    const execution = startExecution(
      { StartAt: "T", States: { T: { Type: "Task", Resource: "arn:aws:states:::sqs:sendMessage.waitForTaskToken", HeartbeatSeconds: 10, End: true } } },
      {},
      {
        clock,
        taskHandler: async () => ({ MessageId: "m-1" }),
        onTaskToken: (token) => {
          void (async () => {
            for (let beat = 0; beat < 5; beat++) {
              await clock.sleep(8_000);
              execution.sendTaskHeartbeat(token);
            }
            await clock.sleep(8_000);
            execution.sendTaskSuccess(token, { done: true });
          })();
        },
      },
    );
    const result = await execution.result;
    expect(result.status).to.equal("SUCCEEDED");
    expect(result.output).to.deep.equal({ done: true });
    const events = execution.history();
    const gap = ofType(events, "TaskSucceeded")[0].timestamp.getTime() - ofType(events, "TaskScheduled")[0].timestamp.getTime();
    expect(gap).to.be.within(48_000, 48_500);
  });

  it("spaces retries by IntervalSeconds × BackoffRate^n, capped at MaxDelaySeconds (1 s, 2 s, 3 s)", async () => {
    const execution = startExecution(
      {
        StartAt: "T",
        States: {
          T: {
            Type: "Task",
            Resource: "arn:aws:states:::lambda:invoke",
            Retry: [{ ErrorEquals: ["Busy"], IntervalSeconds: 1, BackoffRate: 2, MaxAttempts: 3, MaxDelaySeconds: 3 }],
            End: true,
          },
        },
      },
      {},
      { taskHandler: failingTimes(3) },
    );
    const result = await execution.result;
    expect(result.status).to.equal("SUCCEEDED");
    expect(result.output).to.deep.equal({ calls: 4 });
    const gaps = gapsMs(execution.history(), "TaskFailed", "TaskScheduled");
    expect(gaps).to.have.length(3);
    [1000, 2000, 3000].forEach((expected, index) => expect(gaps[index]).to.be.within(expected, expected + 100));
  });

  it("fails once a Retrier's MaxAttempts are spent, with the handler's error", async () => {
    const execution = startExecution(
      { StartAt: "T", States: { T: { Type: "Task", Resource: "arn:aws:states:::lambda:invoke", Retry: [{ ErrorEquals: ["States.ALL"], MaxAttempts: 2 }], End: true } } },
      {},
      { taskHandler: failingTimes(10) },
    );
    const result = await execution.result;
    expect(result).to.include({ status: "FAILED", error: "Busy", cause: "try again" });
    expect(ofType(execution.history(), "TaskFailed")).to.have.length(3);
  });

  it("keeps every JitterStrategy FULL delay below its interval", async () => {
    const execution = startExecution(
      {
        StartAt: "T",
        States: {
          T: {
            Type: "Task",
            Resource: "arn:aws:states:::lambda:invoke",
            Retry: [{ ErrorEquals: ["Busy"], IntervalSeconds: 10, BackoffRate: 1, MaxAttempts: 8, JitterStrategy: "FULL" }],
            End: true,
          },
        },
      },
      {},
      { taskHandler: failingTimes(8) },
    );
    const result = await execution.result;
    expect(result.status).to.equal("SUCCEEDED");
    const gaps = gapsMs(execution.history(), "TaskFailed", "TaskScheduled");
    expect(gaps).to.have.length(8);
    for (const gap of gaps) expect(gap).to.be.below(10_000 + 50);
    expect(new Set(gaps.map((gap) => Math.round(gap / 100))).size).to.be.above(1);
  });

  it("really waits with clock: \"real\"", async () => {
    const started = Date.now();
    const until = new Date(started + 300).toISOString();
    const execution = startExecution({ StartAt: "W", States: { W: { Type: "Wait", Timestamp: until, End: true } } }, {}, { clock: "real" });
    const result = await execution.result;
    expect(result.status).to.equal("SUCCEEDED");
    expect(Date.now() - started).to.be.at.least(290);
  });

  it("gives $$.State.EnteredTime on the virtual clock after a long Wait", async () => {
    const execution = startExecution(
      {
        StartAt: "W",
        States: {
          W: { Type: "Wait", Seconds: 86_400, Next: "P" },
          P: { Type: "Pass", Parameters: { "entered.$": "$$.State.EnteredTime", "started.$": "$$.Execution.StartTime" }, End: true },
        },
      },
      {},
    );
    const result = await execution.result;
    const output = result.output as { entered: string; started: string };
    expect(Date.parse(output.entered) - Date.parse(output.started)).to.be.within(86_400_000, 86_400_500);
  });

  it("times out an Express execution after five minutes, whatever its TimeoutSeconds, and a Standard one not", async () => {
    const definition: StateMachineDefinition = { TimeoutSeconds: 3600, StartAt: "W", States: { W: { Type: "Wait", Seconds: 600, End: true } } };
    const express = startExecution(definition, {}, { context: { type: "EXPRESS" } });
    const result = await express.result;
    expect(result).to.deep.include({ status: "TIMED_OUT", error: "States.Timeout" });
    expect((result.stopDate.getTime() - express.startDate.getTime()) / 1000).to.be.within(300, 300.5);
    expect((await startExecution(definition, {}).result).status).to.equal("SUCCEEDED");
  });
});
