import { expect } from "chai";
import type { AslStateMachine } from "../../infra/definition/asl";
import { ASL_LIMITS, limitProblems } from "../../infra/definition/limits";
import { parseDefinition } from "../../infra/definition/load";
import { renderLoadedDefinition } from "../../infra/render";
import { definitionError } from "../definition-error";

const CONTEXT = { partition: "aws", region: "eu-west-1", account: "111111111111" };
const FN = "arn:aws:lambda:eu-west-1:111111111111:function:f";
const machine = (states: AslStateMachine["States"], extra: Partial<AslStateMachine> = {}): AslStateMachine => ({ StartAt: Object.keys(states)[0], States: states, ...extra });

describe("Step Functions' numeric limits (limitProblems)", () => {
  it("accepts every value at its limit", () => {
    const definition = machine(
      {
        Wait: { Type: "Wait", Seconds: ASL_LIMITS.maxSeconds, Next: "Work" },
        Work: {
          Type: "Task",
          Resource: FN,
          TimeoutSeconds: ASL_LIMITS.maxSeconds,
          HeartbeatSeconds: ASL_LIMITS.maxSeconds - 1,
          Retry: [{ ErrorEquals: ["States.ALL"], IntervalSeconds: 1, MaxAttempts: 0, BackoffRate: 1, MaxDelaySeconds: ASL_LIMITS.maxRetryDelaySeconds }],
          Next: "Each",
        },
        Each: {
          Type: "Map",
          MaxConcurrency: ASL_LIMITS.maxDistributedConcurrency,
          ToleratedFailurePercentage: 100,
          ItemProcessor: { ProcessorConfig: { Mode: "DISTRIBUTED", ExecutionType: "STANDARD" }, StartAt: "P", States: { P: { Type: "Pass", End: true } } },
          End: true,
        },
      },
      { TimeoutSeconds: ASL_LIMITS.maxSeconds },
    );
    expect(limitProblems(definition)).to.deep.equal([]);
  });

  it("names the State, the field and the range of each value beyond it", () => {
    const definition = machine(
      {
        Wait: { Type: "Wait", Seconds: 99_999_999_999, Next: "Work" },
        Work: {
          Type: "Task",
          Resource: FN,
          TimeoutSeconds: 60,
          HeartbeatSeconds: 60,
          Retry: [{ ErrorEquals: ["States.ALL"], IntervalSeconds: 0.5, BackoffRate: 0.5, MaxDelaySeconds: 31_622_401 }],
          Next: "Each",
        },
        Each: {
          Type: "Map",
          MaxConcurrency: 10_001,
          ToleratedFailurePercentage: 101,
          ItemProcessor: { ProcessorConfig: { Mode: "DISTRIBUTED", ExecutionType: "STANDARD" }, StartAt: "P", States: { P: { Type: "Pass", End: true } } },
          End: true,
        },
      },
      { TimeoutSeconds: 0 },
    );
    expect(limitProblems(definition).map((p) => `${p.state ?? "(machine)"} ${p.field}: ${p.message}; ${JSON.stringify(p.received)}`)).to.deep.equal([
      "(machine) TimeoutSeconds: must be an integer from 1 to 99,999,999; 0",
      "Wait Seconds: must be an integer from 0 to 99,999,999; 99999999999",
      "Work HeartbeatSeconds: must be less than TimeoutSeconds (60); 60",
      "Work Retry[0].IntervalSeconds: must be an integer from 1 to 99,999,999; 0.5",
      "Work Retry[0].MaxDelaySeconds: must be an integer from 1 to 31,622,400; 31622401",
      "Work Retry[0].BackoffRate: must be at least 1.0; 0.5",
      "Each MaxConcurrency: must be an integer from 0 to 10,000; 10001",
      "Each ToleratedFailurePercentage: must be from 0 to 100; 101",
    ]);
  });

  it("leaves values known only at run time alone (paths, JSONata)", () => {
    const definition = machine({ Wait: { Type: "Wait", SecondsPath: "$.delay", Next: "Later" }, Later: { Type: "Wait", Seconds: "{% $states.input.s %}", QueryLanguage: "JSONata", End: true } });
    expect(limitProblems(definition)).to.deep.equal([]);
  });
});

describe("renderLoadedDefinition and the limits", () => {
  it("fails a Wait of 99,999,999,999 s naming the State, the field, the limit and the value", () => {
    const text = JSON.stringify(machine({ Wait: { Type: "Wait", Seconds: 99_999_999_999, End: true } }));
    const error = definitionError(() => renderLoadedDefinition(parseDefinition(text, "wait.asl.json"), {}, CONTEXT));
    expect(error.message).to.equal(
      'wait.asl.json: State "Wait", field "Seconds": invalid Amazon States Language (1 problem): VALUE_OUT_OF_RANGE: State "Wait", field "Seconds": must be an integer from 0 to 99,999,999. Received: 99999999999',
    );
  });

  it("fails a definition over 1 MiB once substituted, giving its size", () => {
    const big = "x".repeat(600_000);
    const text = JSON.stringify(machine({ A: { Type: "Pass", Result: { a: "${Big}", b: "${Big}" }, End: true } }));
    const error = definitionError(() => renderLoadedDefinition(parseDefinition(text, "big.asl.json"), { Big: big }, CONTEXT));
    expect(error.message).to.match(/^big\.asl\.json: the definition is 1,200,\d{3} bytes after substitution; Step Functions accepts at most 1,048,576 \(1 MiB\)\./);
    expect(() => renderLoadedDefinition(parseDefinition(text, "big.asl.json"), { Big: "x" }, CONTEXT)).not.to.throw();
  });
});
