import { expect } from "chai";
import { SendTaskFailureCommand, SendTaskHeartbeatCommand, SendTaskSuccessCommand } from "@aws-sdk/client-sfn";
import { approverResponder, emailText, LocalStepFunctionsClient, TaskTokenRegistry, TaskTokens } from "../../local/approvals";
import { type Execution, startExecution } from "../../engine";
import { LocalRunError } from "../../local/errors";

/**
 * Starts an engine execution of one `.waitForTaskToken` Task whose tokens `tokens` issues, caught into
 * `{caught}` on any error; resolves once the Task waits, with the token it waits on.
 */
async function waitingExecution(tokens: TaskTokens): Promise<{ execution: Execution; token: string }> {
  let waiting!: (token: string) => void;
  const issued = new Promise<string>((resolve) => (waiting = resolve));
  const execution = startExecution(
    {
      StartAt: "Wait",
      States: {
        Wait: {
          Type: "Task",
          Resource: "arn:aws:states:::sns:publish.waitForTaskToken",
          Parameters: { "Message.$": "$$.Task.Token" },
          Catch: [{ ErrorEquals: ["States.ALL"], ResultPath: "$.caught", Next: "Caught" }],
          End: true,
        },
        Caught: { Type: "Pass", End: true },
      },
    },
    {},
    { taskHandler: async () => ({ MessageId: "m" }), newTaskToken: () => tokens.issue(), onTaskToken: (token) => waiting(token) },
  );
  tokens.bind(execution);
  return { execution, token: await issued };
}

describe("TaskTokens", () => {
  it("resumes the Task with SendTaskSuccess's output parsed, through the engine", async () => {
    const tokens = new TaskTokens();
    const { execution, token } = await waitingExecution(tokens);
    await new LocalStepFunctionsClient(tokens).send(new SendTaskSuccessCommand({ taskToken: token, output: '{"approved":true}' }));
    expect(await execution.result).to.deep.include({ status: "SUCCEEDED", output: { approved: true } });
  });

  it("fails the Task with SendTaskFailure's error and cause, which Catch sees", async () => {
    const tokens = new TaskTokens();
    const { execution, token } = await waitingExecution(tokens);
    await new LocalStepFunctionsClient(tokens).send(new SendTaskFailureCommand({ taskToken: token, error: "CreditRejected", cause: "too risky" }));
    expect((await execution.result).output).to.deep.equal({ caught: { Error: "CreditRejected", Cause: "too risky" } });
  });

  it("refuses a token it never issued, and one already answered, as Step Functions does", async () => {
    const tokens = new TaskTokens();
    const client = new LocalStepFunctionsClient(tokens);
    const { execution, token } = await waitingExecution(tokens);
    const unknown = await client.send(new SendTaskHeartbeatCommand({ taskToken: "made-up" })).then(() => undefined, (e: Error) => e);
    expect(unknown?.name).to.equal("InvalidToken");
    await client.send(new SendTaskSuccessCommand({ taskToken: token, output: "{}" }));
    const again = await client.send(new SendTaskSuccessCommand({ taskToken: token, output: "{}" })).then(() => undefined, (e: Error) => e);
    expect(again?.name).to.equal("TaskDoesNotExist");
    await execution.result;
  });

  it("refuses an output that is not JSON with InvalidOutput and keeps the Task waiting", async () => {
    const tokens = new TaskTokens();
    const { execution, token } = await waitingExecution(tokens);
    const client = new LocalStepFunctionsClient(tokens);
    const error = await client.send(new SendTaskSuccessCommand({ taskToken: token, output: "not json" })).then(() => undefined, (e: Error) => e);
    expect(error?.name).to.equal("InvalidOutput");
    expect(execution.pendingTaskTokens()).to.deep.equal([token]);
    await client.send(new SendTaskSuccessCommand({ taskToken: token, output: "1" }));
    expect((await execution.result).output).to.equal(1);
  });

  it("stops the execution with the responder's problem when it cannot answer", async () => {
    const tokens = new TaskTokens();
    const { execution, token } = await waitingExecution(tokens);
    tokens.abandon(token, new Error("the page answered 500"), "Wait");
    expect(await execution.result).to.deep.include({ status: "ABORTED" });
    expect(tokens.problem?.message).to.equal('State "Wait": the task token was never answered: the page answered 500');
  });
});

describe("TaskTokenRegistry and LocalStepFunctionsClient", () => {
  it("routes SendTaskSuccess to the execution that issued the token, as Step Functions does", async () => {
    const registry = new TaskTokenRegistry();
    const first = await waitingExecution(new TaskTokens(registry));
    const second = await waitingExecution(new TaskTokens(registry));
    const client = new LocalStepFunctionsClient(registry);
    await client.send(new SendTaskSuccessCommand({ taskToken: second.token, output: '"to b"' }));
    await client.send(new SendTaskSuccessCommand({ taskToken: first.token, output: '"to a"' }));
    expect((await first.execution.result).output).to.equal("to a");
    expect((await second.execution.result).output).to.equal("to b");
    const unknown = await client.send(new SendTaskSuccessCommand({ taskToken: "made-up", output: "{}" })).then(() => undefined, (e: Error) => e);
    expect(unknown?.name).to.equal("InvalidToken");
  });
});

describe("approverResponder", () => {
  const pending = (message: string, tokens: TaskTokens, token: string) => ({
    state: "Wait for human approval",
    resource: "arn:aws:states:::lambda:invoke.waitForTaskToken",
    taskToken: token,
    parameters: {},
    notifications: [{ state: "approval-callback", topicArn: "arn:aws:sns:eu-west-1:111111111111:t", topic: "credit-approval-requests" as const, message, messageId: "m" }],
    stepFunctions: new LocalStepFunctionsClient(tokens),
  });

  it("fails loudly, naming the State, when no published message carries the link it needs", async () => {
    const tokens = new TaskTokens();
    const token = tokens.issue();
    const respond = approverResponder({ approved: true });
    const error = await respond(pending(JSON.stringify({ default: "Reject:\nhttp://127.0.0.1:1/approvals/r/reject" }), tokens, token)).then(() => undefined, (e: Error) => e);
    expect(error).to.be.instanceOf(LocalRunError);
    expect(error?.message).to.match(/^State "Wait for human approval": .*no "Approve: <link>" line/);
  });

  it("reads the email part of a message published with MessageStructure json", () => {
    expect(emailText(JSON.stringify({ default: "d", email: "e", https: "{}" }))).to.equal("e");
    expect(emailText(JSON.stringify({ default: "d" }))).to.equal("d");
    expect(emailText("plain text")).to.equal("plain text");
  });
});
