import { expect } from "chai";
import { startExecution } from "../../engine";
import type { HistoryEvent, Json, StateMachineDefinition, TaskHandler } from "../../engine";

/**
 * Behaviours the engine keeps while it runs fast: the history is built when read (so what is read must be what
 * happened), payloads are shared rather than copied (so nothing may change them), and the 256 KiB limit is checked
 * through a cheap upper bound first (so it must still be exact at the edge).
 */

const LAMBDA = "arn:aws:lambda:us-east-1:123456789012:function:f";

function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === "object") {
    for (const item of Object.values(value)) deepFreeze(item);
    Object.freeze(value);
  }
  return value;
}

/** Every event as plain JSON (timestamps as numbers), for comparing two readings. */
function plain(events: HistoryEvent[]): unknown[] {
  return events.map((event) => ({ ...event, timestamp: event.timestamp.getTime() }));
}

const MIXED: StateMachineDefinition = {
  StartAt: "Init",
  States: {
    Init: { Type: "Pass", Parameters: { "id.$": "$.id", "items.$": "$.items" }, Assign: { seen: 1 }, Next: "Call" },
    Call: { Type: "Task", Resource: LAMBDA, ResultPath: "$.called", Next: "Both" },
    Both: {
      Type: "Parallel",
      Branches: [
        { StartAt: "Left", States: { Left: { Type: "Pass", Result: "l", End: true } } },
        { StartAt: "Right", States: { Right: { Type: "Pass", Result: "r", End: true } } },
      ],
      ResultPath: "$.both",
      Next: "Each",
    },
    Each: { Type: "Map", ItemsPath: "$.items", ItemProcessor: { StartAt: "Item", States: { Item: { Type: "Pass", End: true } } }, ResultPath: "$.each", Next: "Done" },
    Done: { Type: "Succeed" },
  },
};

const echo: TaskHandler = async ({ input }) => ({ echoed: input });

describe("engine: behaviours kept by the fast paths", () => {
  it("names each State, with its own input and output, in the Entered and Exited events it builds when read", async () => {
    const definition: StateMachineDefinition = {
      StartAt: "A",
      States: {
        A: { Type: "Pass", Result: 1, ResultPath: "$.a", Next: "B" },
        B: { Type: "Pass", Result: 2, ResultPath: "$.b", Next: "C" },
        C: { Type: "Pass", Result: 3, ResultPath: "$.c", End: true },
      },
    };
    const execution = startExecution(definition, { start: true });
    await execution.result;
    const states = execution
      .history()
      .filter((event) => event.stateEnteredEventDetails || event.stateExitedEventDetails)
      .map((event) => [event.type, event.stateEnteredEventDetails?.name ?? event.stateExitedEventDetails?.name, event.stateEnteredEventDetails?.input ?? event.stateExitedEventDetails?.output]);
    expect(states).to.deep.equal([
      ["PassStateEntered", "A", '{"start":true}'],
      ["PassStateExited", "A", '{"start":true,"a":1}'],
      ["PassStateEntered", "B", '{"start":true,"a":1}'],
      ["PassStateExited", "B", '{"start":true,"a":1,"b":2}'],
      ["PassStateEntered", "C", '{"start":true,"a":1,"b":2}'],
      ["PassStateExited", "C", '{"start":true,"a":1,"b":2,"c":3}'],
    ]);
  });

  it("streams to onEvent exactly the events history() returns, Task, Parallel, Map and assigned variables included", async () => {
    const streamed: HistoryEvent[] = [];
    const execution = startExecution(MIXED, { id: "x", items: [1, 2] }, { taskHandler: echo, onEvent: (event) => streamed.push(event) });
    const result = await execution.result;
    expect(result.status).to.equal("SUCCEEDED");
    const quiet = startExecution(MIXED, { id: "x", items: [1, 2] }, { taskHandler: echo });
    await quiet.result;
    expect(plain(streamed)).to.deep.equal(plain(execution.history()));
    const withoutTimes = (events: HistoryEvent[]) => events.map(({ timestamp: _, ...event }) => event);
    expect(withoutTimes(quiet.history())).to.deep.equal(withoutTimes(execution.history()));
    const initExited = execution.history().find((event) => event.type === "PassStateExited")!;
    expect(initExited.stateExitedEventDetails?.assignedVariables).to.deep.equal({ seen: "1" });
  });

  it("returns the same event objects when the history is read during the run and again after it", async () => {
    let during: HistoryEvent[] = [];
    let execution: ReturnType<typeof startExecution> | undefined;
    const handler: TaskHandler = async ({ input }) => {
      during = [...execution!.history()];
      return input;
    };
    execution = startExecution(MIXED, { id: "y", items: [3] }, { taskHandler: handler });
    await execution.result;
    const after = execution.history();
    expect(during.length).to.be.above(2);
    expect(after.slice(0, during.length)).to.have.ordered.members(during);
    expect(after.map((event) => event.id)).to.deep.equal(after.map((_, index) => index + 1));
  });

  it("never changes the execution input, even deeply frozen, when ResultPath writes into it", async () => {
    const input = deepFreeze({ order: { id: "o-1", lines: [{ sku: "a" }] }, keep: [1, 2] });
    const definition: StateMachineDefinition = {
      StartAt: "Deep",
      States: {
        Deep: { Type: "Pass", Result: "new", ResultPath: "$.order.status.text", Next: "Index" },
        Index: { Type: "Pass", Result: { sku: "b" }, ResultPath: "$.order.lines[0]", End: true },
      },
    };
    const execution = startExecution(definition, input as unknown as Json);
    const result = await execution.result;
    expect(result.status).to.equal("SUCCEEDED");
    expect(result.output).to.deep.equal({ order: { id: "o-1", lines: [{ sku: "b" }], status: { text: "new" } }, keep: [1, 2] });
    expect(input).to.deep.equal({ order: { id: "o-1", lines: [{ sku: "a" }] }, keep: [1, 2] });
    const entered = execution.history().filter((event) => event.type === "PassStateEntered");
    expect(JSON.parse(entered[1].stateEnteredEventDetails!.input)).to.deep.equal({ order: { id: "o-1", lines: [{ sku: "a" }], status: { text: "new" } }, keep: [1, 2] });
  });

  it("accepts an output of exactly 256 KiB and fails one byte more with States.DataLimitExceeded", async () => {
    // `{"s":"…"}` is 8 bytes around the string; "é" is 2 bytes in UTF-8.
    const run = (text: string) => startExecution({ StartAt: "Big", States: { Big: { Type: "Pass", Result: { s: text }, End: true } } }, {}).result;
    const limit = 262144;
    expect((await run("é".repeat((limit - 8) / 2))).status).to.equal("SUCCEEDED");
    const over = await run(`${"é".repeat((limit - 8) / 2)}x`);
    expect(over.status).to.equal("FAILED");
    expect(over.error).to.equal("States.DataLimitExceeded");
    expect((await run("x".repeat(limit - 8))).status).to.equal("SUCCEEDED");
    expect((await run("x".repeat(limit - 7))).error).to.equal("States.DataLimitExceeded");
  });

  it("counts a Task result written by toJSON (a Date) at its JSON size", async () => {
    const execution = startExecution({ StartAt: "T", States: { T: { Type: "Task", Resource: LAMBDA, End: true } } }, {}, { taskHandler: async () => ({ at: new Date(0) }) as unknown as Json });
    const result = await execution.result;
    expect(result.status).to.equal("SUCCEEDED");
    expect(result.output).to.deep.equal({ at: new Date(0) });
    expect(execution.history().find((event) => event.type === "LambdaFunctionSucceeded")?.lambdaFunctionSucceededEventDetails?.output).to.equal('{"at":"1970-01-01T00:00:00.000Z"}');
  });

  it("ends ABORTED when stopped right after it starts, with nothing recorded after ExecutionAborted", async () => {
    const definition: StateMachineDefinition = {
      StartAt: "P0",
      States: Object.fromEntries(Array.from({ length: 5 }, (_, i) => [`P${i}`, { Type: "Pass" as const, ...(i === 4 ? { End: true } : { Next: `P${i + 1}` }) }])),
    };
    const execution = startExecution(definition, {});
    execution.stop("Operator.Stop", "at once");
    const result = await execution.result;
    expect(result.status).to.equal("ABORTED");
    await new Promise((resolve) => setImmediate(resolve));
    const events = execution.history();
    expect(events[events.length - 1].type).to.equal("ExecutionAborted");
    expect(events.filter((event) => event.type === "PassStateEntered")).to.have.length(1);
  });

  it("gives a Task handler its context object and a signal it can read, and the request's fields as own properties", async () => {
    let seen: { keys: string[]; stateName?: Json; retry?: Json; aborted?: boolean } = { keys: [] };
    const handler: TaskHandler = async (request) => {
      seen = { keys: Object.keys(request), stateName: (request.context.State as { Name: Json }).Name, retry: (request.context.State as { RetryCount: Json }).RetryCount, aborted: request.signal.aborted };
      return {};
    };
    await startExecution({ StartAt: "T", States: { T: { Type: "Task", Resource: LAMBDA, TimeoutSeconds: 5, End: true } } }, {}, { taskHandler: handler }).result;
    expect(seen.stateName).to.equal("T");
    expect(seen.retry).to.equal(0);
    expect(seen.aborted).to.equal(false);
    expect(seen.keys).to.include.members(["stateName", "resource", "input", "timeoutSeconds", "submitted", "idle"]);
    expect(seen.keys).to.not.include("taskToken");
  });
});
