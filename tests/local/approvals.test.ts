import { expect } from "chai";
import { SendTaskFailureCommand, SendTaskHeartbeatCommand, SendTaskSuccessCommand } from "@aws-sdk/client-sfn";
import { approverResponder, emailText, LocalStepFunctionsClient, TaskTokenRegistry, TaskTokens } from "../../local/approvals";
import { LocalRunError, TaskFailure } from "../../local/errors";

/** Issues a token as `$$.Task.Token` would, and hands it to the Task. */
function issue(tokens: TaskTokens): string {
  const token = tokens.contextTask.Token;
  expect(tokens.take()).to.equal(token);
  return token;
}

describe("TaskTokens", () => {
  it("returns the same token for every read until the Task takes it, then a new one", () => {
    const tokens = new TaskTokens();
    const first = tokens.contextTask.Token;
    expect(tokens.contextTask.Token).to.equal(first);
    expect(tokens.take()).to.equal(first);
    expect(tokens.take()).to.equal(undefined);
    expect(tokens.contextTask.Token).not.to.equal(first);
  });

  it("resolves a wait with SendTaskSuccess's output parsed", async () => {
    const tokens = new TaskTokens();
    const token = issue(tokens);
    const waiting = tokens.wait(token, "Wait");
    await new LocalStepFunctionsClient(tokens).send(new SendTaskSuccessCommand({ taskToken: token, output: '{"approved":true}' }));
    expect(await waiting).to.deep.equal({ approved: true });
    expect(tokens.answers).to.deep.equal([{ state: "Wait", taskToken: token, outcome: "success", output: { approved: true } }]);
  });

  it("rejects a wait with SendTaskFailure's error as name and cause as message", async () => {
    const tokens = new TaskTokens();
    const token = issue(tokens);
    const waiting = tokens.wait(token, "Wait");
    await new LocalStepFunctionsClient(tokens).send(new SendTaskFailureCommand({ taskToken: token, error: "CreditRejected", cause: "too risky" }));
    const error = await waiting.then(() => undefined, (e: Error) => e);
    expect(error).to.be.instanceOf(TaskFailure);
    expect(error).to.include({ name: "CreditRejected", message: "too risky" });
  });

  it("refuses a token it never issued, and one already answered, as Step Functions does", async () => {
    const tokens = new TaskTokens();
    const client = new LocalStepFunctionsClient(tokens);
    const unknown = await client.send(new SendTaskHeartbeatCommand({ taskToken: "made-up" })).then(() => undefined, (e: Error) => e);
    expect(unknown?.name).to.equal("InvalidToken");
    const token = issue(tokens);
    void tokens.wait(token, "Wait");
    await client.send(new SendTaskSuccessCommand({ taskToken: token, output: "{}" }));
    const again = await client.send(new SendTaskSuccessCommand({ taskToken: token, output: "{}" })).then(() => undefined, (e: Error) => e);
    expect(again?.name).to.equal("TaskDoesNotExist");
  });

  it("refuses an output that is not JSON with InvalidOutput and keeps the Task waiting", async () => {
    const tokens = new TaskTokens();
    const token = issue(tokens);
    const waiting = tokens.wait(token, "Wait");
    const client = new LocalStepFunctionsClient(tokens);
    const error = await client.send(new SendTaskSuccessCommand({ taskToken: token, output: "not json" })).then(() => undefined, (e: Error) => e);
    expect(error?.name).to.equal("InvalidOutput");
    await client.send(new SendTaskSuccessCommand({ taskToken: token, output: "1" }));
    expect(await waiting).to.equal(1);
  });
});

describe("TaskTokenRegistry and LocalStepFunctionsClient", () => {
  it("routes SendTaskSuccess to the execution that issued the token, as Step Functions does", async () => {
    const registry = new TaskTokenRegistry();
    const first = new TaskTokens(registry);
    const second = new TaskTokens(registry);
    const a = issue(first);
    const b = issue(second);
    const waitingA = first.wait(a, "A");
    const waitingB = second.wait(b, "B");
    const client = new LocalStepFunctionsClient(registry);
    await client.send(new SendTaskSuccessCommand({ taskToken: b, output: '"to b"' }));
    await client.send(new SendTaskSuccessCommand({ taskToken: a, output: '"to a"' }));
    expect(await waitingA).to.equal("to a");
    expect(await waitingB).to.equal("to b");
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
    const token = issue(tokens);
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
