import { expect } from "chai";
import { startExecution } from "../../engine";
import type { Execution, ExecutionResult, Json, StateMachineDefinition } from "../../engine";

/** One JSONata Pass State whose Output is `output`, over `input`. */
async function output(expression: Json, input: Json = {}): Promise<ExecutionResult> {
  return startExecution({ QueryLanguage: "JSONata", StartAt: "S", States: { S: { Type: "Pass", Output: expression, End: true } } }, input).result;
}

const PREFIX = "An error occurred while executing the state 'S' (entered at the event id #2).";

describe("engine: JSONata data flow", () => {
  describe("$states", () => {
    it("gives the State's input as $states.input and the Task's result as $states.result", async () => {
      const execution = startExecution(
        {
          QueryLanguage: "JSONata",
          StartAt: "S",
          States: {
            S: {
              Type: "Task",
              Resource: "arn:aws:states:::lambda:invoke",
              Arguments: { FunctionName: "f", Payload: { n: "{% $states.input.n %}" } },
              Output: { input: "{% $states.input %}", result: "{% $states.result %}" },
              End: true,
            },
          },
        },
        { n: 2 },
        { taskHandler: async ({ input }) => ({ echoed: input }) },
      );
      const result = await execution.result;
      expect(result.output).to.deep.equal({ input: { n: 2 }, result: { echoed: { FunctionName: "f", Payload: { n: 2 } } } });
    });

    it("gives the error output as $states.errorOutput in a Catch", async () => {
      const execution = startExecution(
        {
          QueryLanguage: "JSONata",
          StartAt: "S",
          States: {
            S: { Type: "Task", Resource: "arn:aws:states:::lambda:invoke", Catch: [{ ErrorEquals: ["States.ALL"], Output: "{% $states.errorOutput %}", Next: "Done" }], End: true },
            Done: { Type: "Succeed" },
          },
        },
        {},
        {
          taskHandler: async () => {
            throw Object.assign(new Error("bad"), { name: "E" });
          },
        },
      );
      expect((await execution.result).output).to.deep.equal({ Error: "E", Cause: "bad" });
    });

    it("gives the context object as $states.context", async () => {
      const execution = startExecution(
        { QueryLanguage: "JSONata", StartAt: "S", States: { S: { Type: "Pass", Output: { state: "{% $states.context.State.Name %}", name: "{% $states.context.Execution.Name %}" }, End: true } } },
        {},
        { context: { name: "exec-1" } },
      );
      expect((await execution.result).output).to.deep.equal({ state: "S", name: "exec-1" });
    });

    it("passes the input through a State without Output", async () => {
      expect((await startExecution({ QueryLanguage: "JSONata", StartAt: "S", States: { S: { Type: "Pass", End: true } } }, { a: 1 }).result).output).to.deep.equal({ a: 1 });
    });
  });

  describe("the functions Step Functions adds", () => {
    it("partitions an array with $partition", async () => {
      expect((await output("{% $partition([1,2,3,4,5,6,7,8,9], 3) %}")).output).to.deep.equal([[1, 2, 3], [4, 5, 6], [7, 8, 9]]);
      expect((await output("{% $partition([1,2,3,4,5], 2) %}")).output).to.deep.equal([[1, 2], [3, 4], [5]]);
    });

    it("builds an inclusive range with $range, counting down with a negative step", async () => {
      expect((await output("{% $range(0, 10, 2) %}")).output).to.deep.equal([0, 2, 4, 6, 8, 10]);
      expect((await output("{% $range(5, 1, -2) %}")).output).to.deep.equal([5, 3, 1]);
    });

    it("hashes with $hash and the named algorithm", async () => {
      const result = await output({ md5: "{% $hash('input data', 'MD5') %}", sha256: "{% $hash('input data', 'SHA-256') %}" });
      expect(result.output).to.deep.equal({
        md5: "812f45842bc6d66ee14572ce20db8e86",
        sha256: "b4a697a057313163aee33cd8d40c66e9f0f177e00cac2de32475ffff6169c3e3",
      });
    });

    it("refuses an unknown $hash algorithm", async () => {
      const result = await output("{% $hash('x', 'SHA-999') %}");
      expect(result).to.include({ status: "FAILED", error: "States.QueryEvaluationError" });
    });

    it("gives the same number for the same $random seed, in [0, 1)", async () => {
      const result = await output({ a: "{% $random(42) %}", b: "{% $random(42) %}", c: "{% $random(7) %}", d: "{% $random() %}" });
      const { a, b, c, d } = result.output as Record<string, number>;
      expect(a).to.equal(b);
      expect(a).to.not.equal(c);
      for (const value of [a, c, d]) expect(value).to.be.at.least(0).and.below(1);
    });

    it("makes a version 4 UUID with $uuid", async () => {
      const result = await output("{% $uuid() %}");
      expect(result.output).to.match(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    });

    it("parses JSON text with $parse", async () => {
      const result = await output("{% $parse($states.input.text) %}", { text: '{"a":[1,true,null]}' });
      expect(result.output).to.deep.equal({ a: [1, true, null] });
    });

    it("refuses $eval with States.QueryEvaluationError", async () => {
      const result = await output("{% $eval('1 + 1') %}");
      expect(result).to.include({ status: "FAILED", error: "States.QueryEvaluationError" });
      expect(result.cause).to.match(/^An error occurred while executing the state 'S'/);
    });
  });

  describe("expressions that return nothing", () => {
    it("fails a whole field with States.QueryEvaluationError naming the expression and the field", async () => {
      const result = await output("{% $states.input.missing %}");
      expect(result).to.include({ status: "FAILED", error: "States.QueryEvaluationError" });
      expect(result.cause).to.equal(`${PREFIX} The JSONata expression '$states.input.missing' specified for the field 'Output' returned nothing (undefined).`);
    });

    it("fails a nested field too, naming its path with /", async () => {
      const execution = startExecution(
        {
          QueryLanguage: "JSONata",
          StartAt: "S",
          States: { S: { Type: "Task", Resource: "arn:aws:states:::states:startExecution", Arguments: { Input: { pushLocation: "{% $states.input.pushLocation %}" } }, End: true } },
        },
        {},
        { taskHandler: async () => ({}) },
      );
      const result = await execution.result;
      expect(result.cause).to.equal(`${PREFIX} The JSONata expression '$states.input.pushLocation' specified for the field 'Arguments/Input/pushLocation' returned nothing (undefined).`);
      const failed = execution.history().find((event) => event.type === "EvaluationFailed")!.evaluationFailedEventDetails!;
      expect(failed).to.include({ state: "S", location: "Arguments/Input/pushLocation", error: "States.QueryEvaluationError" });
    });

    it("names an array item's field with its index", async () => {
      const result = await output({ list: [1, "{% $nothing %}"] });
      expect(result.cause).to.contain("specified for the field 'Output/list[1]' returned nothing (undefined).");
    });

    it("can be caught by a Catch on States.QueryEvaluationError", async () => {
      const execution = startExecution(
        {
          QueryLanguage: "JSONata",
          StartAt: "S",
          States: {
            S: { Type: "Task", Resource: "arn:aws:states:::lambda:invoke", Arguments: "{% $states.input.none %}", Catch: [{ ErrorEquals: ["States.QueryEvaluationError"], Output: "{% $states.errorOutput.Error %}", Next: "Done" }], End: true },
            Done: { Type: "Succeed" },
          },
        },
        {},
        { taskHandler: async () => ({}) },
      );
      expect((await execution.result).output).to.equal("States.QueryEvaluationError");
    });
  });

  describe("Choice Condition", () => {
    async function choose(condition: string, input: Json): Promise<{ result: ExecutionResult; execution: Execution }> {
      const definition: StateMachineDefinition = {
        QueryLanguage: "JSONata",
        StartAt: "S",
        States: {
          S: { Type: "Choice", Choices: [{ Condition: condition, Next: "Yes" }], Default: "No" },
          Yes: { Type: "Pass", Output: "yes", End: true },
          No: { Type: "Pass", Output: "no", End: true },
        },
      };
      const execution = startExecution(definition, input);
      return { result: await execution.result, execution };
    }

    it("takes the rule whose Condition is true, else the Default", async () => {
      expect((await choose("{% $states.input.n > 1 %}", { n: 2 })).result.output).to.equal("yes");
      expect((await choose("{% $states.input.n > 1 %}", { n: 0 })).result.output).to.equal("no");
    });

    it("fails with States.QueryEvaluationError when the Condition is not a boolean", async () => {
      const { result, execution } = await choose("{% $states.input.n %}", { n: 1 });
      expect(result).to.include({ status: "FAILED", error: "States.QueryEvaluationError" });
      expect(result.cause).to.match(/^An error occurred while executing the state 'S'/);
      expect(execution.history().some((event) => event.type === "EvaluationFailed")).to.equal(true);
    });

    it("fails with States.NoChoiceMatched when nothing matches and there is no Default", async () => {
      const execution = startExecution({ QueryLanguage: "JSONata", StartAt: "S", States: { S: { Type: "Choice", Choices: [{ Condition: "{% false %}", Next: "S" }] } } }, {});
      expect((await execution.result).error).to.equal("States.NoChoiceMatched");
    });
  });

  it("lets a JSONPath State follow a JSONata State in one machine", async () => {
    const execution = startExecution(
      {
        StartAt: "A",
        States: {
          A: { Type: "Pass", QueryLanguage: "JSONata", Output: { n: "{% 1 + 1 %}" }, Next: "B" },
          B: { Type: "Pass", Parameters: { "doubled.$": "States.MathAdd($.n, $.n)" }, End: true },
        },
      },
      {},
    );
    expect((await execution.result).output).to.deep.equal({ doubled: 4 });
  });

  it("gives $states.context.State a RetryCount only in States that retry (Task, Parallel, Map), as AWS's recorded context objects show", async () => {
    const definition: StateMachineDefinition = {
      QueryLanguage: "JSONata",
      StartAt: "P",
      States: {
        P: { Type: "Pass", Output: { pass: "{% $keys($states.context.State) %}" }, Next: "T" },
        T: { Type: "Task", Resource: "arn:aws:states:::lambda:invoke", Arguments: { keys: "{% $keys($states.context.State) %}" }, Output: { pass: "{% $states.input.pass %}", task: "{% $states.result %}" }, End: true },
      },
    };
    const execution = startExecution(definition, {}, { taskHandler: async ({ input }) => (input as { keys: Json }).keys });
    expect((await execution.result).output).to.deep.equal({ pass: ["EnteredTime", "Name"], task: ["EnteredTime", "Name", "RetryCount"] });
  });
});
