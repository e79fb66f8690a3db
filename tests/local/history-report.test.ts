import { expect } from "chai";
import { startExecution } from "../../engine";
import type { AslStateMachine, Json } from "../../infra/definition/asl";
import { readHistory } from "../../local/history-report";

/** Runs a definition on the engine with a Task handler, and reads the report's records from its history. */
async function report(definition: object, input: Json, handler: (input: Json) => Promise<Json>) {
  const execution = startExecution(definition as never, input, { taskHandler: ({ input: taskInput }) => handler(taskInput) });
  const result = await execution.result;
  return { result, read: readHistory(definition as AslStateMachine, execution.history()) };
}

describe("readHistory (local/history-report.ts)", () => {
  it("counts every retry of concurrent Map iterations, each in its own iteration, with the intervals on the virtual clock", async () => {
    const definition = {
      StartAt: "Each",
      States: {
        Each: {
          Type: "Map",
          ItemsPath: "$.items",
          ItemProcessor: {
            StartAt: "Charge",
            States: { Charge: { Type: "Task", Resource: "arn:aws:states:::lambda:invoke", Retry: [{ ErrorEquals: ["Busy"], IntervalSeconds: 2, MaxAttempts: 2 }], End: true } },
          },
          End: true,
        },
      },
    };
    const calls = new Map<Json, number>();
    const { result, read } = await report(definition, { items: [0, 1, 2] }, async (item) => {
      calls.set(item, (calls.get(item) ?? 0) + 1);
      if (calls.get(item) === 1) throw Object.assign(new Error("try again"), { name: "Busy" });
      return item;
    });
    expect(result.status).to.equal("SUCCEEDED");
    expect(read.retries.map((r) => [r.state, r.attempt, r.error, r.definedIntervalMs])).to.deep.equal([
      ["Charge", 1, "Busy", 2000],
      ["Charge", 1, "Busy", 2000],
      ["Charge", 1, "Busy", 2000],
    ]);
    for (const retry of read.retries) expect(retry.waitedMs).to.be.within(2000, 2200);
    const charges = read.path.filter((step) => step.state === "Charge");
    expect(charges.map((step) => step.within?.index).sort()).to.deep.equal([0, 1, 2]);
    for (const step of charges) expect(step.seconds).to.be.within(2, 2.2);
  });

  it("reads the error a Catch on a Parallel took from its ResultPath, though ParallelStateFailed carries none", async () => {
    const definition = {
      StartAt: "Both",
      States: {
        Both: {
          Type: "Parallel",
          Branches: [
            { StartAt: "Fine", States: { Fine: { Type: "Pass", End: true } } },
            { StartAt: "Broken", States: { Broken: { Type: "Fail", Error: "Broken.Branch", Cause: "no" } } },
          ],
          Catch: [
            { ErrorEquals: ["Other"], ResultPath: "$.other", Next: "Done" },
            { ErrorEquals: ["States.ALL"], ResultPath: "$.error", Next: "Done" },
          ],
          Next: "Done",
        },
        Done: { Type: "Succeed" },
      },
    };
    const { result, read } = await report(definition, {}, async () => null);
    expect(result.status).to.equal("SUCCEEDED");
    expect(read.caught).to.deep.equal([{ state: "Both", error: "Broken.Branch", errorEquals: ["States.ALL"], next: "Done" }]);
    expect(read.path.map((step) => [step.state, step.within?.index])).to.deep.equal([
      ["Both", undefined],
      ["Fine", 0],
      ["Broken", 1],
      ["Done", undefined],
    ]);
  });

  it("reads a Wait's duration and a task token's answer from the history", async () => {
    const definition = {
      StartAt: "Hold",
      States: {
        Hold: { Type: "Wait", Seconds: 900, Next: "Ask" },
        Ask: { Type: "Task", Resource: "arn:aws:states:::sns:publish.waitForTaskToken", Parameters: { "Message.$": "$$.Task.Token" }, End: true },
      },
    };
    const execution = startExecution(definition as never, {}, {
      taskHandler: async ({ taskToken }) => {
        setImmediate(() => execution.sendTaskSuccess(taskToken!, { approved: true }));
        return { MessageId: "m-1" };
      },
    });
    expect((await execution.result).status).to.equal("SUCCEEDED");
    const read = readHistory(definition as unknown as AslStateMachine, execution.history());
    expect(read.waits.map((w) => [w.state, w.defined])).to.deep.equal([["Hold", "Seconds: 900"]]);
    expect(read.waits[0].waitedSeconds).to.be.within(900, 900.2);
    expect(read.taskTokens).to.deep.equal([{ state: "Ask", outcome: "success", output: { approved: true } }]);
  });
});
