import { expect } from "chai";
import { startExecution } from "../../engine";
import type { ExecutionResult, Json, StateMachineDefinition, TaskHandler } from "../../engine";

async function run(definition: StateMachineDefinition, input: Json = {}, taskHandler?: TaskHandler): Promise<ExecutionResult> {
  return startExecution(definition, input, { taskHandler: taskHandler ?? (async ({ input: request }) => request) }).result;
}

describe("engine: workflow variables (Assign)", () => {
  it("evaluates every Assign value with the variables as they were before the State (JSONata)", async () => {
    const result = await run({
      QueryLanguage: "JSONata",
      StartAt: "First",
      States: {
        First: { Type: "Pass", Assign: { x: 1 }, Next: "Second" },
        Second: { Type: "Pass", Assign: { x: "{% $x + 10 %}", y: "{% $x %}" }, Next: "Read" },
        Read: { Type: "Pass", Output: { x: "{% $x %}", y: "{% $y %}" }, End: true },
      },
    });
    expect(result.output).to.deep.equal({ x: 11, y: 1 });
  });

  it("lets Assign read the State's input and its result (JSONata)", async () => {
    const result = await run(
      {
        QueryLanguage: "JSONata",
        StartAt: "T",
        States: {
          T: { Type: "Task", Resource: "arn:aws:states:::lambda:invoke", Arguments: { n: "{% $states.input.n * 2 %}" }, Assign: { fromInput: "{% $states.input.n %}", fromResult: "{% $states.result.n %}" }, Next: "Read" },
          Read: { Type: "Pass", Output: "{% [$fromInput, $fromResult] %}", End: true },
        },
      },
      { n: 3 },
    );
    expect(result.output).to.deep.equal([3, 6]);
  });

  it("reads $ as the result after ResultSelector in a JSONPath Assign, and $$ as the context", async () => {
    const result = await run(
      {
        StartAt: "T",
        States: {
          T: {
            Type: "Task",
            Resource: "arn:aws:states:::lambda:invoke",
            ResultSelector: { "picked.$": "$.Payload.value" },
            Assign: { "selected.$": "$", "picked.$": "$.picked", "state.$": "$$.State.Name" },
            ResultPath: "$.out",
            Next: "Read",
          },
          Read: { Type: "Pass", Parameters: { "selected.$": "$selected", "picked.$": "$picked", "state.$": "$state", "out.$": "$.out" }, End: true },
        },
      },
      { n: 1 },
      async () => ({ Payload: { value: "v" }, StatusCode: 200 }),
    );
    expect(result.output).to.deep.equal({ selected: { picked: "v" }, picked: "v", state: "T", out: { picked: "v" } });
  });

  it("reads $ as the State's input in the Assign of a State without a result (Choice, Wait)", async () => {
    const result = await run(
      {
        StartAt: "C",
        States: {
          C: { Type: "Choice", Choices: [{ Variable: "$.go", BooleanEquals: true, Assign: { "seen.$": "$.go" }, Next: "W" }] },
          W: { Type: "Wait", Seconds: 1, Assign: { "waited.$": "$.go" }, Next: "Read" },
          Read: { Type: "Pass", Parameters: { "seen.$": "$seen", "waited.$": "$waited" }, End: true },
        },
      },
      { go: true },
    );
    expect(result.output).to.deep.equal({ seen: true, waited: true });
  });

  it("does not show a State's Output what the same State assigns", async () => {
    const result = await run({
      QueryLanguage: "JSONata",
      StartAt: "First",
      States: {
        First: { Type: "Pass", Assign: { v: "before" }, Next: "Second" },
        Second: { Type: "Pass", Assign: { v: "after" }, Output: "{% $v %}", Next: "Third" },
        Third: { Type: "Pass", Output: { previous: "{% $states.input %}", now: "{% $v %}" }, End: true },
      },
    });
    expect(result.output).to.deep.equal({ previous: "before", now: "after" });
  });

  it("lets a Parallel branch read outer variables, and keeps what it assigns inside", async () => {
    const result = await run({
      QueryLanguage: "JSONata",
      StartAt: "Set",
      States: {
        Set: { Type: "Pass", Assign: { outer: "o" }, Next: "Par" },
        Par: {
          Type: "Parallel",
          Branches: [
            { StartAt: "A", States: { A: { Type: "Pass", Assign: { inner: "a" }, Next: "A2" }, A2: { Type: "Pass", Output: "{% $outer & $inner %}", End: true } } },
            { StartAt: "B", States: { B: { Type: "Pass", Output: "{% $outer %}", End: true } } },
          ],
          Next: "After",
        },
        After: { Type: "Pass", Output: { results: "{% $states.input %}", innerVisible: "{% $exists($inner) %}" }, End: true },
      },
    });
    expect(result.output).to.deep.equal({ results: ["oa", "o"], innerVisible: false });
  });

  it("does not let a branch's Assign change the outer variable of the same name", async () => {
    const result = await run({
      QueryLanguage: "JSONata",
      StartAt: "Set",
      States: {
        Set: { Type: "Pass", Assign: { v: "outer" }, Next: "Par" },
        Par: { Type: "Parallel", Branches: [{ StartAt: "A", States: { A: { Type: "Pass", Assign: { v: "inner" }, Output: "{% $v %}", End: true } } }], Next: "After" },
        After: { Type: "Pass", Output: "{% $v %}", End: true },
      },
    });
    expect(result.output).to.equal("outer");
  });

  it("lets the Parallel's own Assign publish its branches' results", async () => {
    const result = await run({
      QueryLanguage: "JSONata",
      StartAt: "Par",
      States: {
        Par: { Type: "Parallel", Branches: [{ StartAt: "A", States: { A: { Type: "Pass", Output: 1, End: true } } }], Assign: { all: "{% $states.result %}" }, Next: "After" },
        After: { Type: "Pass", Output: "{% $all %}", End: true },
      },
    });
    expect(result.output).to.deep.equal([1]);
  });

  it("gives each inline Map iteration its own scope over the outer variables", async () => {
    const result = await run(
      {
        QueryLanguage: "JSONata",
        StartAt: "Set",
        States: {
          Set: { Type: "Pass", Assign: { factor: 10 }, Next: "M" },
          M: {
            Type: "Map",
            ItemProcessor: {
              StartAt: "Mul",
              States: {
                Mul: { Type: "Pass", Assign: { local: "{% $states.input * $factor %}" }, Next: "Read" },
                Read: { Type: "Pass", Output: "{% $local %}", End: true },
              },
            },
            Next: "After",
          },
          After: { Type: "Pass", Output: { results: "{% $states.input %}", localVisible: "{% $exists($local) %}" }, End: true },
        },
      },
      [1, 2, 3],
    );
    expect(result.output).to.deep.equal({ results: [10, 20, 30], localVisible: false });
  });

  it("assigns in a Catch, with the error output as $states.errorOutput (JSONata)", async () => {
    const result = await run(
      {
        QueryLanguage: "JSONata",
        StartAt: "T",
        States: {
          T: {
            Type: "Task",
            Resource: "arn:aws:states:::lambda:invoke",
            Catch: [{ ErrorEquals: ["States.ALL"], Assign: { failedWith: "{% $states.errorOutput.Error %}", input: "{% $states.input.n %}" }, Output: "{% $states.errorOutput.Cause %}", Next: "After" }],
            End: true,
          },
          After: { Type: "Pass", Output: { failedWith: "{% $failedWith %}", input: "{% $input %}", cause: "{% $states.input %}" }, End: true },
        },
      },
      { n: 4 },
      async () => {
        throw Object.assign(new Error("nope"), { name: "Custom.Error" });
      },
    );
    expect(result.output).to.deep.equal({ failedWith: "Custom.Error", input: 4, cause: "nope" });
  });

  it("assigns in a Catch with $ as the error output (JSONPath)", async () => {
    const result = await run(
      {
        StartAt: "T",
        States: {
          T: { Type: "Task", Resource: "arn:aws:states:::lambda:invoke", Catch: [{ ErrorEquals: ["States.ALL"], Assign: { "err.$": "$.Error" }, ResultPath: null, Next: "After" }], End: true },
          After: { Type: "Pass", Parameters: { "err.$": "$err", "n.$": "$.n" }, End: true },
        },
      },
      { n: 4 },
      async () => {
        throw Object.assign(new Error("nope"), { name: "Custom.Error" });
      },
    );
    expect(result.output).to.deep.equal({ err: "Custom.Error", n: 4 });
  });

  it("starts a distributed Map's child executions with no outer variables", async () => {
    const definition: StateMachineDefinition = {
      QueryLanguage: "JSONata",
      StartAt: "Set",
      States: {
        Set: { Type: "Pass", Assign: { outer: 1 }, Next: "M" },
        M: {
          Type: "Map",
          ItemProcessor: { ProcessorConfig: { Mode: "DISTRIBUTED", ExecutionType: "STANDARD" }, StartAt: "P", States: { P: { Type: "Pass", Output: "{% $exists($outer) %}", End: true } } },
          End: true,
        },
      },
    };
    const result = await run(definition, [1, 2]);
    expect(result.output).to.deep.equal([false, false]);
  });

  it("applies a Choice State's own Assign whichever rule matches, the rule's Assign winning per variable (state-choice)", async () => {
    const definition: StateMachineDefinition = {
      QueryLanguage: "JSONata",
      StartAt: "Route",
      States: {
        Route: {
          Type: "Choice",
          Assign: { route: "state", seen: "{% $states.input.kind %}" },
          Choices: [
            { Condition: "{% $states.input.kind = 'a' %}", Assign: { route: "rule a" }, Next: "Done" },
            { Condition: "{% $states.input.kind = 'b' %}", Next: "Done" },
          ],
          Default: "Done",
        },
        Done: { Type: "Pass", Output: { route: "{% $route %}", seen: "{% $seen %}" }, End: true },
      },
    };
    expect((await run(definition, { kind: "a" })).output).to.deep.equal({ route: "rule a", seen: "a" });
    expect((await run(definition, { kind: "b" })).output).to.deep.equal({ route: "state", seen: "b" });
    expect((await run(definition, { kind: "c" })).output).to.deep.equal({ route: "state", seen: "c" });
  });
});
