import { expect } from "chai";
import { SendTaskFailureCommand, SendTaskHeartbeatCommand, SendTaskSuccessCommand } from "@aws-sdk/client-sfn";
import { createHandler } from "../../handlers/approval-callback";
import { approverResponder, LocalStepFunctionsClient, TaskTokens } from "../../local/approvals";
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

describe("approverResponder", () => {
  const pending = (message: string, tokens: TaskTokens, token: string) => ({
    state: "Wait for human approval",
    resource: "arn:aws:states:::sns:publish.waitForTaskToken",
    taskToken: token,
    parameters: {},
    notifications: [{ state: "Wait for human approval", topicArn: "arn:aws:sns:eu-west-1:111111111111:t", topic: "credit-approval-requests" as const, message, messageId: "m" }],
    stepFunctions: new LocalStepFunctionsClient(tokens),
  });

  it("answers the token found in the message through the real approval-callback handler", async () => {
    const tokens = new TaskTokens();
    const token = issue(tokens);
    const waiting = tokens.wait(token, "Wait for human approval");
    const callback = createHandler(new LocalStepFunctionsClient(tokens));
    const respond = approverResponder({ approved: false, reason: "no" }, async (event) => (await callback(event)) as never);
    await respond(pending(JSON.stringify({ taskToken: token, applicantId: "a" }), tokens, token));
    const error = await waiting.then(() => undefined, (e: Error) => e);
    expect(error).to.include({ name: "CreditRejected", message: "no" });
  });

  it("fails loudly when the message carries no taskToken", async () => {
    const tokens = new TaskTokens();
    const token = issue(tokens);
    const respond = approverResponder({ approved: true }, async () => null);
    const error = await respond(pending('{"applicantId":"a"}', tokens, token)).then(() => undefined, (e: Error) => e);
    expect(error).to.be.instanceOf(LocalRunError);
    expect(error?.message).to.match(/^State "Wait for human approval": .*no "taskToken" field/);
  });
});
