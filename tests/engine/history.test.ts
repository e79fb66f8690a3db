import { expect } from "chai";
import { resourceKind, startExecution } from "../../engine";
import type { HistoryEvent, StateMachineDefinition } from "../../engine";

function ofType(events: HistoryEvent[], type: string): HistoryEvent[] {
  return events.filter((event) => event.type === type);
}

async function historyOf(definition: StateMachineDefinition, input: unknown = {}, options: Parameters<typeof startExecution>[2] = {}) {
  const execution = startExecution(definition, input as never, { taskHandler: async () => ({ ok: true }), ...options });
  const result = await execution.result;
  return { result, events: execution.history() };
}

function task(resource: string, extra: Record<string, unknown> = {}): StateMachineDefinition {
  return { StartAt: "T", States: { T: { Type: "Task", Resource: resource, End: true, ...extra } } };
}

describe("engine: the execution history", () => {
  it("numbers events from 1 and chains previousEventId in a sequential machine", async () => {
    const { events } = await historyOf({ StartAt: "A", States: { A: { Type: "Pass", Next: "B" }, B: { Type: "Pass", End: true } } }, { x: 1 });
    expect(events.map((event) => event.type)).to.deep.equal(["ExecutionStarted", "PassStateEntered", "PassStateExited", "PassStateEntered", "PassStateExited", "ExecutionSucceeded"]);
    events.forEach((event, index) => {
      expect(event.id).to.equal(index + 1);
      expect(event.previousEventId).to.equal(index);
    });
    expect(events[0].executionStartedEventDetails).to.deep.equal({ input: '{"x":1}', inputDetails: { truncated: false } });
    expect(events[5].executionSucceededEventDetails).to.deep.equal({ output: '{"x":1}', outputDetails: { truncated: false } });
  });

  it("records stateEntered/stateExited details with the JSON of the input and output", async () => {
    const { events } = await historyOf({ StartAt: "A", States: { A: { Type: "Pass", Result: { r: 1 }, ResultPath: "$.out", End: true } } }, { x: 1 });
    expect(events[1].stateEnteredEventDetails).to.deep.equal({ name: "A", input: '{"x":1}', inputDetails: { truncated: false } });
    expect(events[2].stateExitedEventDetails).to.deep.equal({ name: "A", output: '{"x":1,"out":{"r":1}}', outputDetails: { truncated: false } });
  });

  it("reports the variables a State assigned in its stateExitedEventDetails, each as JSON text", async () => {
    const { events } = await historyOf({ StartAt: "A", States: { A: { Type: "Pass", Assign: { n: 1, "s.$": "$.s", o: { k: [true] } }, End: true } } }, { s: "hi" });
    const exited = ofType(events, "PassStateExited")[0].stateExitedEventDetails!;
    expect(exited.assignedVariables).to.deep.equal({ n: "1", s: '"hi"', o: '{"k":[true]}' });
    expect(exited.assignedVariablesDetails).to.deep.equal({ truncated: false });
  });

  it("records TaskScheduled parameters as the JSON of the effective Parameters, with the region", async () => {
    const { events } = await historyOf(
      task("arn:aws:states:::lambda:invoke", { Parameters: { FunctionName: "f", "Payload.$": "$.p" }, TimeoutSeconds: 10 }),
      { p: { a: [1, 2] }, other: true },
      { context: { region: "eu-west-1" } },
    );
    const details = ofType(events, "TaskScheduled")[0].taskScheduledEventDetails!;
    expect(JSON.parse(details.parameters)).to.deep.equal({ FunctionName: "f", Payload: { a: [1, 2] } });
    expect(details).to.include({ resourceType: "lambda", resource: "invoke", region: "eu-west-1", timeoutInSeconds: 10 });
  });

  it("uses the InputPath'd input as TaskScheduled parameters when the Task has no Parameters", async () => {
    const { events } = await historyOf(task("arn:aws:states:::sns:publish", { InputPath: "$.msg" }), { msg: { Message: "hi" }, x: 1 });
    expect(JSON.parse(ofType(events, "TaskScheduled")[0].taskScheduledEventDetails!.parameters)).to.deep.equal({ Message: "hi" });
  });

  it("splits a service integration's Resource into resourceType and resource", async () => {
    const cases: [string, string, string][] = [
      ["arn:aws:states:::lambda:invoke", "lambda", "invoke"],
      ["arn:aws:states:::aws-sdk:s3:listObjectsV2", "aws-sdk:s3", "listObjectsV2"],
      ["arn:aws:states:::sqs:sendMessage.waitForTaskToken", "sqs", "sendMessage.waitForTaskToken"],
      ["arn:aws:states:::states:startExecution.sync:2", "states", "startExecution.sync:2"],
      ["arn:aws-us-gov:states:::dynamodb:putItem", "dynamodb", "putItem"],
    ];
    for (const [resource, resourceType, name] of cases) {
      expect(resourceKind(resource)).to.include({ kind: "Task", resourceType, resource: name });
    }
    const { events } = await historyOf(task("arn:aws:states:::aws-sdk:s3:listObjectsV2", { Parameters: { Bucket: "b" } }));
    for (const type of ["TaskScheduled", "TaskStarted", "TaskSucceeded"]) {
      const details = (ofType(events, type)[0] as unknown as Record<string, { resourceType: string; resource: string }>)[`${type[0].toLowerCase()}${type.slice(1)}EventDetails`];
      expect(details).to.include({ resourceType: "aws-sdk:s3", resource: "listObjectsV2" });
    }
  });

  it("records LambdaFunctionScheduled/Started/Succeeded for a function ARN", async () => {
    const arn = "arn:aws:lambda:us-east-1:123456789012:function:greet";
    const { events } = await historyOf(task(arn, { TimeoutSeconds: 5 }), { who: "ann" });
    expect(events.map((event) => event.type)).to.deep.equal(["ExecutionStarted", "TaskStateEntered", "LambdaFunctionScheduled", "LambdaFunctionStarted", "LambdaFunctionSucceeded", "TaskStateExited", "ExecutionSucceeded"]);
    expect(events[2].lambdaFunctionScheduledEventDetails).to.deep.equal({ resource: arn, input: '{"who":"ann"}', inputDetails: { truncated: false }, timeoutInSeconds: 5 });
    expect(events[4].lambdaFunctionSucceededEventDetails).to.deep.equal({ output: '{"ok":true}', outputDetails: { truncated: false } });
  });

  it("records MapIterationStarted/Succeeded with the Map's name and each index, in lanes off MapStateStarted", async () => {
    const { events } = await historyOf(
      { StartAt: "M", States: { M: { Type: "Map", ItemProcessor: { StartAt: "P", States: { P: { Type: "Pass", End: true } } }, End: true } } },
      [10, 20],
    );
    const started = ofType(events, "MapStateStarted")[0];
    expect(started.mapStateStartedEventDetails).to.deep.equal({ length: 2 });
    const iterations = ofType(events, "MapIterationStarted");
    expect(iterations.map((event) => event.mapIterationStartedEventDetails)).to.deep.equal([{ name: "M", index: 0 }, { name: "M", index: 1 }]);
    for (const event of iterations) expect(event.previousEventId).to.equal(started.id);
    expect(ofType(events, "MapIterationSucceeded").map((event) => event.mapIterationSucceededEventDetails?.index).sort()).to.deep.equal([0, 1]);
    const entered = ofType(events, "PassStateEntered");
    expect(entered.map((event) => event.previousEventId).sort()).to.deep.equal(iterations.map((event) => event.id).sort());
    expect(ofType(events, "MapStateSucceeded")).to.have.length(1);
    expect(events.map((event) => event.id)).to.deep.equal(events.map((_, index) => index + 1));
  });

  it("records ParallelStateStarted and ParallelStateSucceeded around the branches", async () => {
    const branch = (name: string) => ({ StartAt: name, States: { [name]: { Type: "Pass", End: true } } });
    const { events, result } = await historyOf({ StartAt: "Par", States: { Par: { Type: "Parallel", Branches: [branch("A"), branch("B")], End: true } } }, { v: 1 });
    expect(result.output).to.deep.equal([{ v: 1 }, { v: 1 }]);
    const types = events.map((event) => event.type);
    expect(types[0]).to.equal("ExecutionStarted");
    expect(types.slice(1, 3)).to.deep.equal(["ParallelStateEntered", "ParallelStateStarted"]);
    expect(types.slice(-3)).to.deep.equal(["ParallelStateSucceeded", "ParallelStateExited", "ExecutionSucceeded"]);
    const started = ofType(events, "ParallelStateStarted")[0];
    for (const entered of ofType(events, "PassStateEntered")) expect(entered.previousEventId).to.equal(started.id);
  });

  it("records EvaluationFailed (state, location, error) before a failing JSONata expression fails the execution", async () => {
    const { events, result } = await historyOf({ QueryLanguage: "JSONata", StartAt: "P", States: { P: { Type: "Pass", Output: "{% $states.input.n + 'x' %}", End: true } } }, { n: 1 });
    expect(result).to.include({ status: "FAILED", error: "States.QueryEvaluationError" });
    const failed = ofType(events, "EvaluationFailed")[0].evaluationFailedEventDetails!;
    expect(failed).to.include({ error: "States.QueryEvaluationError", location: "Output", state: "P" });
    expect(failed.cause).to.be.a("string").and.not.empty;
    expect(events[events.length - 1].type).to.equal("ExecutionFailed");
  });

  it("fails a Standard execution with States.Runtime when its history would pass maxEvents", async () => {
    const loop: StateMachineDefinition = {
      StartAt: "Count",
      States: {
        Count: { Type: "Pass", Next: "Again" },
        Again: { Type: "Choice", Choices: [{ Variable: "$.stop", BooleanEquals: true, Next: "Done" }], Default: "Count" },
        Done: { Type: "Succeed" },
      },
    };
    const execution = startExecution(loop, { stop: false }, { maxEvents: 50 });
    const result = await execution.result;
    expect(result).to.include({ status: "FAILED", error: "States.Runtime" });
    const events = execution.history();
    expect(events).to.have.length(50);
    expect(events[49].type).to.equal("ExecutionFailed");
  });

  it("does not limit the history of an Express execution", async () => {
    const definition: StateMachineDefinition = { StartAt: "M", States: { M: { Type: "Map", ItemProcessor: { StartAt: "P", States: { P: { Type: "Pass", End: true } } }, End: true } } };
    const execution = startExecution(definition, Array.from({ length: 20 }, (_, index) => index), { maxEvents: 30, context: { type: "EXPRESS" } });
    const result = await execution.result;
    expect(result.status).to.equal("SUCCEEDED");
    expect(execution.history().length).to.be.above(30);
    expect(execution.executionArn).to.match(/:express:/);
  });

  it("ends a Pass↔Choice loop at maxTransitions with States.Runtime", async () => {
    const execution = startExecution(
      {
        StartAt: "Count",
        States: {
          Count: { Type: "Pass", Next: "Again" },
          Again: { Type: "Choice", Choices: [{ Variable: "$.stop", BooleanEquals: true, Next: "Done" }], Default: "Count" },
          Done: { Type: "Succeed" },
        },
      },
      { stop: false },
      { maxTransitions: 100 },
    );
    const result = await execution.result;
    expect(result).to.include({ status: "FAILED", error: "States.Runtime" });
    expect(result.cause).to.contain("100");
    expect(ofType(execution.history(), "PassStateEntered")).to.have.length(50);
  });

  it("streams each event to onEvent as it is recorded", async () => {
    const seen: string[] = [];
    const execution = startExecution({ StartAt: "A", States: { A: { Type: "Pass", End: true } } }, {}, { onEvent: (event) => seen.push(event.type) });
    await execution.result;
    expect(seen).to.deep.equal(execution.history().map((event) => event.type));
  });

  it("puts the execution's identity in ExecutionStarted and the context object", async () => {
    const execution = startExecution(
      { StartAt: "A", States: { A: { Type: "Pass", Parameters: { "id.$": "$$.Execution.Id", "name.$": "$$.Execution.Name", "sm.$": "$$.StateMachine.Name", "role.$": "$$.Execution.RoleArn" }, End: true } } },
      {},
      { context: { stateMachineArn: "arn:aws:states:eu-west-1:111122223333:stateMachine:orders", name: "run-1", roleArn: "arn:aws:iam::111122223333:role/r" } },
    );
    const result = await execution.result;
    expect(execution.executionArn).to.equal("arn:aws:states:eu-west-1:111122223333:execution:orders:run-1");
    expect(result.output).to.deep.equal({ id: execution.executionArn, name: "run-1", sm: "orders", role: "arn:aws:iam::111122223333:role/r" });
    expect(execution.history()[0].executionStartedEventDetails?.roleArn).to.equal("arn:aws:iam::111122223333:role/r");
  });
});
