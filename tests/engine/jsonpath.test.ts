import { expect } from "chai";
import { startExecution } from "../../engine";
import type { ExecutionResult, Json, State } from "../../engine";

/** Runs one State (ending the machine) over an input. */
async function runState(state: Record<string, unknown>, input: Json, taskResult: Json = { ok: true }): Promise<ExecutionResult> {
  const execution = startExecution({ StartAt: "S", States: { S: { End: true, ...state } as unknown as State } }, input, { taskHandler: async () => taskResult });
  return execution.result;
}

const PREFIX = "An error occurred while executing the state 'S' (entered at the event id #2).";

describe("engine: JSONPath data flow", () => {
  describe("definite paths that select nothing", () => {
    it("fails an InputPath with States.Runtime and Step Functions' cause", async () => {
      const result = await runState({ Type: "Pass", InputPath: "$.a.b" }, { a: {} });
      expect(result).to.include({ status: "FAILED", error: "States.Runtime" });
      expect(result.cause).to.equal(`${PREFIX} Invalid path '$.a.b' : No results for path: $['a']['b']`);
    });

    it("fails an OutputPath the same way, naming an array index as Jayway does", async () => {
      const result = await runState({ Type: "Pass", OutputPath: "$.list[3]" }, { list: [1] });
      expect(result.cause).to.equal(`${PREFIX} Invalid path '$.list[3]' : No results for path: $['list'][3]`);
    });

    it("fails a Parameters path naming the field (with .$) and the input", async () => {
      const result = await runState({ Type: "Task", Resource: "arn:aws:states:::lambda:invoke", Parameters: { "JobName.$": "$.JobName" } }, {});
      expect(result).to.include({ status: "FAILED", error: "States.Runtime" });
      expect(result.cause).to.equal(`${PREFIX} The JSONPath '$.JobName' specified for the field 'JobName.$' could not be found in the input '{}'`);
    });

    it("fails a ResultSelector path naming the field and the Task's result", async () => {
      const result = await runState({ Type: "Task", Resource: "arn:aws:states:::lambda:invoke", ResultSelector: { "v.$": "$.missing" } }, {}, { Payload: 1 });
      expect(result.cause).to.equal(`${PREFIX} The JSONPath '$.missing' specified for the field 'v.$' could not be found in the input '{"Payload":1}'`);
    });

    it("is not caught by States.ALL", async () => {
      const execution = startExecution(
        {
          StartAt: "S",
          States: {
            S: { Type: "Task", Resource: "arn:aws:states:::lambda:invoke", Parameters: { "x.$": "$.nope" }, Catch: [{ ErrorEquals: ["States.ALL"], Next: "Caught" }], End: true },
            Caught: { Type: "Succeed" },
          },
        },
        {},
        { taskHandler: async () => ({}) },
      );
      expect((await execution.result).error).to.equal("States.Runtime");
    });

    it("prefixes an intrinsic function's failure with the State", async () => {
      const result = await runState({ Type: "Pass", Parameters: { "n.$": "States.MathAdd($.a, 1)" } }, { a: "x" });
      expect(result).to.include({ status: "FAILED", error: "States.Runtime" });
      expect(result.cause).to.equal(`${PREFIX} Invalid arguments in States.MathAdd`);
    });

    it("fails a Choice rule whose Variable selects nothing", async () => {
      const execution = startExecution(
        { StartAt: "S", States: { S: { Type: "Choice", Choices: [{ Variable: "$.missing", BooleanEquals: true, Next: "Done" }], Default: "Done" }, Done: { Type: "Succeed" } } },
        {},
      );
      const result = await execution.result;
      expect(result.cause).to.equal(`${PREFIX} Invalid path '$.missing': The choice state's condition path references an invalid value.`);
    });

    it("fails with States.NoChoiceMatched when no rule matches and there is no Default", async () => {
      const execution = startExecution({ StartAt: "S", States: { S: { Type: "Choice", Choices: [{ Variable: "$.n", NumericEquals: 1, Next: "Done" }] }, Done: { Type: "Succeed" } } }, { n: 2 });
      const result = await execution.result;
      expect(result).to.include({ status: "FAILED", error: "States.NoChoiceMatched" });
    });
  });

  describe("indefinite paths", () => {
    it("gives [] for a wildcard, a slice or a filter over missing data", async () => {
      const result = await runState({ Type: "Pass", Parameters: { "stars.$": "$.items[*].id", "slice.$": "$.items[0:2]", "filter.$": "$.items[?(@.id > 5)]", "deep.$": "$..nothing" } }, { other: 1 });
      expect(result.output).to.deep.equal({ stars: [], slice: [], filter: [], deep: [] });
    });

    it("gives a list for a wildcard over present data", async () => {
      const result = await runState({ Type: "Pass", Parameters: { "ids.$": "$.items[*].id", "first.$": "$.items[0].id" } }, { items: [{ id: 1 }, { id: 2 }] });
      expect(result.output).to.deep.equal({ ids: [1, 2], first: 1 });
    });
  });

  describe("ResultPath", () => {
    it("fails with States.ResultPathMatchFailure when it runs through a value that is not an object", async () => {
      const result = await runState({ Type: "Pass", Result: 1, ResultPath: "$.a.b" }, { a: "text" });
      expect(result).to.include({ status: "FAILED", error: "States.ResultPathMatchFailure" });
      expect(result.cause).to.contain("'S'");
    });

    it("fails with States.ResultPathMatchFailure when the input is not an object", async () => {
      const result = await runState({ Type: "Pass", Result: 1, ResultPath: "$.x" }, "just a string");
      expect(result.error).to.equal("States.ResultPathMatchFailure");
    });

    it("is caught by States.ALL", async () => {
      const execution = startExecution(
        {
          StartAt: "S",
          States: {
            S: { Type: "Task", Resource: "arn:aws:states:::lambda:invoke", ResultPath: "$.a.b", Catch: [{ ErrorEquals: ["States.ALL"], ResultPath: "$.error", Next: "Caught" }], End: true },
            Caught: { Type: "Succeed" },
          },
        },
        { a: [1] },
        { taskHandler: async () => 7 },
      );
      const result = await execution.result;
      expect(result.status).to.equal("SUCCEEDED");
      expect((result.output as { error: { Error: string } }).error.Error).to.equal("States.ResultPathMatchFailure");
    });

    it("creates the objects on the way to a new field", async () => {
      const result = await runState({ Type: "Pass", Result: 1, ResultPath: "$.a.b.c" }, { keep: true });
      expect(result.output).to.deep.equal({ keep: true, a: { b: { c: 1 } } });
    });

    it("keeps the input and discards the result when null", async () => {
      const result = await runState({ Type: "Task", Resource: "arn:aws:states:::lambda:invoke", ResultPath: null }, { keep: 1 }, { dropped: true });
      expect(result.output).to.deep.equal({ keep: 1 });
    });
  });

  describe("null InputPath and OutputPath", () => {
    it("gives the Task {} as its input when InputPath is null", async () => {
      let seen: Json | undefined;
      const execution = startExecution({ StartAt: "S", States: { S: { Type: "Task", Resource: "arn:aws:states:::lambda:invoke", InputPath: null, End: true } } }, { a: 1 }, {
        taskHandler: async ({ input }) => {
          seen = input;
          return "r";
        },
      });
      await execution.result;
      expect(seen).to.deep.equal({});
    });

    it("outputs {} when OutputPath is null", async () => {
      const result = await runState({ Type: "Pass", Result: { a: 1 }, OutputPath: null }, { b: 2 });
      expect(result.output).to.deep.equal({});
    });
  });

  describe("Pass Result", () => {
    for (const value of [0, false, null, "", []] as Json[]) {
      it(`outputs a Result of ${JSON.stringify(value)} as it is`, async () => {
        const result = await runState({ Type: "Pass", Result: value }, { input: true });
        expect(result.status).to.equal("SUCCEEDED");
        expect(result.output).to.deep.equal(value);
      });
    }

    it("places a Result of 0 at its ResultPath", async () => {
      const result = await runState({ Type: "Pass", Result: 0, ResultPath: "$.n" }, { input: true });
      expect(result.output).to.deep.equal({ input: true, n: 0 });
    });
  });

  describe("payload templates", () => {
    it("reads the context object and variables, and leaves keys without .$ literal", async () => {
      const execution = startExecution(
        {
          StartAt: "Set",
          States: {
            Set: { Type: "Pass", Assign: { greeting: "hi" }, Next: "S" },
            S: { Type: "Pass", Parameters: { "name.$": "$$.State.Name", "g.$": "$greeting", literal: "$.not.a.path", nested: { "v.$": "$.v" }, list: [{ "w.$": "$.v" }] }, End: true },
          },
        },
        { v: 5 },
      );
      expect((await execution.result).output).to.deep.equal({ name: "S", g: "hi", literal: "$.not.a.path", nested: { v: 5 }, list: [{ w: 5 }] });
    });

    it("selects an object's named fields with a union of names, as Jayway does", async () => {
      const result = await runState({ Type: "Pass", Parameters: { "picked.$": "$['a','c']" } }, { a: 1, b: 2, c: 3 });
      expect(result.output).to.deep.equal({ picked: { a: 1, c: 3 } });
    });
  });
});
