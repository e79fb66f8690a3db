import { expect } from "chai";
import { startExecution, TaskTokenError } from "../../engine";
import type { Execution, HistoryEvent, Json, StateMachineDefinition, TaskRequest } from "../../engine";

const CALLBACK = "arn:aws:states:::sqs:sendMessage.waitForTaskToken";

function ofType(events: HistoryEvent[], type: string): HistoryEvent[] {
  return events.filter((event) => event.type === type);
}

function callbackMachine(extra: Record<string, unknown> = {}): StateMachineDefinition {
  return {
    StartAt: "Ask",
    States: {
      Ask: { Type: "Task", Resource: CALLBACK, Parameters: { QueueUrl: "q", MessageBody: { "token.$": "$$.Task.Token", "order.$": "$.order" } }, End: true, ...extra },
    },
  };
}

/** Starts an execution and resolves with it and the first task token it issues. */
async function withToken(definition: StateMachineDefinition, input: Json = { order: 7 }): Promise<{ execution: Execution; token: string; request: TaskRequest }> {
  let execution!: Execution;
  const issued = new Promise<{ token: string; request: TaskRequest }>((resolve) => {
    execution = startExecution(definition, input, {
      taskHandler: async (request) => {
        resolve({ token: request.taskToken!, request });
        return { MessageId: "m-1" };
      },
    });
  });
  return { execution, ...(await issued) };
}

function thrown(action: () => void): TaskTokenError {
  try {
    action();
  } catch (error) {
    expect(error).to.be.instanceOf(TaskTokenError);
    return error as TaskTokenError;
  }
  throw new Error("expected a TaskTokenError");
}

describe("engine: Task states and task tokens", () => {
  it("hands the handler the same token $$.Task.Token gives the Parameters", async () => {
    const { execution, token, request } = await withToken(callbackMachine());
    expect(token).to.be.a("string").and.not.empty;
    expect(request.input).to.deep.equal({ QueueUrl: "q", MessageBody: { token, order: 7 } });
    expect((request.context.Task as { Token: string }).Token).to.equal(token);
    execution.sendTaskSuccess(token, { ok: true });
    await execution.result;
  });

  it("resumes with the output of sendTaskSuccess, after a TaskSubmitted event", async () => {
    const { execution, token } = await withToken(callbackMachine());
    expect(execution.pendingTaskTokens()).to.deep.equal([token]);
    execution.sendTaskSuccess(token, { approved: true });
    const result = await execution.result;
    expect(result).to.include({ status: "SUCCEEDED" });
    expect(result.output).to.deep.equal({ approved: true });
    expect(execution.pendingTaskTokens()).to.deep.equal([]);
    const types = execution.history().map((event) => event.type);
    expect(types).to.deep.equal(["ExecutionStarted", "TaskStateEntered", "TaskScheduled", "TaskStarted", "TaskSubmitted", "TaskSucceeded", "TaskStateExited", "ExecutionSucceeded"]);
    const submitted = ofType(execution.history(), "TaskSubmitted")[0].taskSubmittedEventDetails!;
    expect(JSON.parse(submitted.output)).to.deep.equal({ MessageId: "m-1" });
    expect(submitted).to.include({ resourceType: "sqs", resource: "sendMessage.waitForTaskToken" });
  });

  it("records no TaskSubmitted a .sync handler reports after its Task was aborted by a failing sibling branch", async () => {
    let late: (() => void) | undefined;
    const execution = startExecution(
      {
        StartAt: "Both",
        States: {
          Both: {
            Type: "Parallel",
            Branches: [
              { StartAt: "Job", States: { Job: { Type: "Task", Resource: "arn:aws:states:::ecs:runTask.sync", End: true } } },
              { StartAt: "Broken", States: { Broken: { Type: "Fail", Error: "Broken" } } },
            ],
            End: true,
          },
        },
      },
      {},
      {
        taskHandler: (request: TaskRequest) =>
          new Promise<Json>((resolve) => {
            // The job's submission is reported only once the sibling has failed the Parallel.
            late = () => {
              request.submitted({ Tasks: [] });
              resolve({ LastStatus: "STOPPED" });
            };
          }),
      },
    );
    const result = await execution.result;
    expect(result).to.include({ status: "FAILED", error: "Broken" });
    late!();
    await new Promise((resolve) => setImmediate(resolve));
    const types = execution.history().map((event) => event.type);
    expect(types).to.not.include("TaskSubmitted");
    expect(types[types.length - 1]).to.equal("ExecutionFailed");
  });

  it("fails the Task with the error and cause of sendTaskFailure, which a Catch sees", async () => {
    const { execution, token } = await withToken({
      StartAt: "Ask",
      States: {
        Ask: { Type: "Task", Resource: CALLBACK, Parameters: { "token.$": "$$.Task.Token" }, Catch: [{ ErrorEquals: ["Rejected"], ResultPath: "$.failure", Next: "Done" }], End: true },
        Done: { Type: "Succeed" },
      },
    });
    execution.sendTaskFailure(token, "Rejected", "the reviewer said no");
    const result = await execution.result;
    expect(result.status).to.equal("SUCCEEDED");
    expect(result.output).to.deep.equal({ order: 7, failure: { Error: "Rejected", Cause: "the reviewer said no" } });
    expect(ofType(execution.history(), "TaskFailed")[0].taskFailedEventDetails).to.include({ error: "Rejected", cause: "the reviewer said no" });
  });

  it("fails the execution with sendTaskFailure's error and cause when nothing catches them", async () => {
    const { execution, token } = await withToken(callbackMachine());
    execution.sendTaskFailure(token, "Rejected", "no");
    const result = await execution.result;
    expect(result).to.include({ status: "FAILED", error: "Rejected", cause: "no" });
  });

  it("refuses a second answer to a token with TaskDoesNotExist", async () => {
    const { execution, token } = await withToken(callbackMachine());
    execution.sendTaskSuccess(token, {});
    expect(thrown(() => execution.sendTaskSuccess(token, {})).name).to.equal("TaskDoesNotExist");
    expect(thrown(() => execution.sendTaskFailure(token, "E")).name).to.equal("TaskDoesNotExist");
    await execution.result;
  });

  it("refuses a token it never issued with InvalidToken", async () => {
    const { execution, token } = await withToken(callbackMachine());
    expect(thrown(() => execution.sendTaskSuccess("not-a-token", {})).name).to.equal("InvalidToken");
    expect(thrown(() => execution.sendTaskHeartbeat("not-a-token")).name).to.equal("InvalidToken");
    execution.sendTaskSuccess(token, {});
    await execution.result;
  });

  it("answers TaskTimedOut for a token whose Task timed out on its heartbeat", async () => {
    const { execution, token } = await withToken(callbackMachine({ HeartbeatSeconds: 5 }));
    const result = await execution.result;
    expect(result.error).to.equal("States.HeartbeatTimeout");
    expect(thrown(() => execution.sendTaskSuccess(token, {})).name).to.equal("TaskTimedOut");
    expect(thrown(() => execution.sendTaskHeartbeat(token)).name).to.equal("TaskTimedOut");
  });

  it("times out a callback Task on its TimeoutSeconds with States.Timeout", async () => {
    const { execution, token } = await withToken(callbackMachine({ TimeoutSeconds: 60 }));
    const result = await execution.result;
    expect(result).to.include({ status: "FAILED", error: "States.Timeout" });
    expect(ofType(execution.history(), "TaskTimedOut")).to.have.length(1);
    expect(thrown(() => execution.sendTaskSuccess(token, {})).name).to.equal("TaskTimedOut");
  });

  it("lists every token a Parallel is waiting on in pendingTaskTokens()", async () => {
    const tokens: string[] = [];
    let execution!: Execution;
    const both = new Promise<void>((resolve) => {
      execution = startExecution(
        {
          StartAt: "Both",
          States: {
            Both: {
              Type: "Parallel",
              End: true,
              Branches: ["A", "B"].map((name) => ({ StartAt: name, States: { [name]: { Type: "Task", Resource: CALLBACK, Parameters: { "t.$": "$$.Task.Token" }, End: true } } })),
            },
          },
        },
        {},
        {
          taskHandler: async (request) => {
            tokens.push(request.taskToken!);
            if (tokens.length === 2) resolve();
            return {};
          },
        },
      );
    });
    await both;
    await new Promise((resolve) => setImmediate(resolve));
    expect(execution.pendingTaskTokens()).to.have.members(tokens);
    execution.sendTaskSuccess(tokens[1], "b");
    expect(execution.pendingTaskTokens()).to.deep.equal([tokens[0]]);
    execution.sendTaskSuccess(tokens[0], "a");
    expect((await execution.result).output).to.deep.equal(["a", "b"]);
  });

  it("ends ABORTED on stop(), with an ExecutionAborted event carrying the error and cause", async () => {
    const { execution, token } = await withToken(callbackMachine());
    execution.stop("Operator.Stop", "stopped by hand");
    const result = await execution.result;
    expect(result).to.include({ status: "ABORTED", error: "Operator.Stop", cause: "stopped by hand" });
    expect(execution.status).to.equal("ABORTED");
    const events = execution.history();
    const last = events[events.length - 1];
    expect(last.type).to.equal("ExecutionAborted");
    expect(last.executionAbortedEventDetails).to.deep.equal({ error: "Operator.Stop", cause: "stopped by hand" });
    expect(execution.pendingTaskTokens()).to.deep.equal([]);
    expect(() => execution.sendTaskSuccess(token, {})).to.throw(TaskTokenError);
  });

  it("aborts a running handler's signal on stop()", async () => {
    let signal: AbortSignal | undefined;
    let execution!: Execution;
    const called = new Promise<void>((resolve) => {
      execution = startExecution({ StartAt: "T", States: { T: { Type: "Task", Resource: "arn:aws:states:::lambda:invoke", End: true } } }, {}, {
        taskHandler: (request) => {
          signal = request.signal;
          resolve();
          return new Promise(() => undefined);
        },
      });
    });
    await called;
    execution.stop();
    const result = await execution.result;
    expect(result.status).to.equal("ABORTED");
    expect(signal?.aborted).to.equal(true);
  });

  it("reports a handler's thrown error name and message as the Task's Error and Cause", async () => {
    const execution = startExecution({ StartAt: "T", States: { T: { Type: "Task", Resource: "arn:aws:states:::lambda:invoke", End: true } } }, {}, {
      taskHandler: async () => {
        throw Object.assign(new Error("boom"), { name: "Lambda.ServiceException" });
      },
    });
    const result = await execution.result;
    expect(result).to.include({ status: "FAILED", error: "Lambda.ServiceException", cause: "boom" });
    expect(ofType(execution.history(), "TaskFailed")[0].taskFailedEventDetails).to.deep.equal({ resourceType: "lambda", resource: "invoke", error: "Lambda.ServiceException", cause: "boom" });
  });

  it("fails with States.TaskFailed when no task handler is given", async () => {
    const execution = startExecution({ StartAt: "T", States: { T: { Type: "Task", Resource: "arn:aws:states:::lambda:invoke", End: true } } }, {});
    const result = await execution.result;
    expect(result).to.include({ status: "FAILED", error: "States.TaskFailed" });
  });

  it("passes the handler its result through ResultSelector, ResultPath and OutputPath", async () => {
    const execution = startExecution(
      {
        StartAt: "T",
        States: {
          T: {
            Type: "Task",
            Resource: "arn:aws:states:::lambda:invoke",
            Parameters: { "FunctionName": "f", "Payload.$": "$.in" },
            ResultSelector: { "value.$": "$.Payload.n" },
            ResultPath: "$.out",
            OutputPath: "$.out",
            End: true,
          },
        },
      },
      { in: { n: 2 } },
      { taskHandler: async ({ input }) => ({ Payload: { n: ((input as { Payload: { n: number } }).Payload.n) * 10 }, StatusCode: 200 }) },
    );
    expect((await execution.result).output).to.deep.equal({ value: 20 });
  });

  it("reads TimeoutSecondsPath and HeartbeatSecondsPath from the input and hands them to the handler", async () => {
    let seen: TaskRequest | undefined;
    const execution = startExecution(
      { StartAt: "T", States: { T: { Type: "Task", Resource: "arn:aws:states:::lambda:invoke", TimeoutSecondsPath: "$.t", HeartbeatSecondsPath: "$.h", End: true } } },
      { t: 30, h: 10 },
      {
        taskHandler: async (request) => {
          seen = request;
          return {};
        },
      },
    );
    await execution.result;
    expect(seen).to.include({ timeoutSeconds: 30, heartbeatSeconds: 10 });
    expect(ofType(execution.history(), "TaskScheduled")[0].taskScheduledEventDetails).to.include({ timeoutInSeconds: 30, heartbeatInSeconds: 10 });
  });
});
