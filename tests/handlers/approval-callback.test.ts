import { expect } from "chai";
import { SendTaskFailureCommand, SendTaskSuccessCommand } from "@aws-sdk/client-sfn";
import { createHandler, InvalidApprovalRequest, type ApprovalClient } from "../../handlers/approval-callback";
import { rejectionOf } from "./helpers";

/** A fake Step Functions client that records every command it is sent. */
function fakeClient(failWith?: Error) {
  const commands: (SendTaskSuccessCommand | SendTaskFailureCommand)[] = [];
  const client: ApprovalClient = {
    async send(command) {
      commands.push(command);
      if (failWith) throw failWith;
      return { $metadata: {} };
    },
  };
  return { client, commands };
}

const TOKEN = "AQCEAAAAKgAAAAMAAAAAAAAAAe1...token";

describe("approval-callback handler", () => {
  it("sends exactly one SendTaskSuccess with the approval as output when approved", async () => {
    const { client, commands } = fakeClient();
    const result = await createHandler(client)({ taskToken: TOKEN, approved: true, approver: "ana@example.com", reason: "Good history" });
    expect(result).to.deep.equal({ taskToken: TOKEN, decision: "approved" });
    expect(commands).to.have.length(1);
    expect(commands[0].constructor.name).to.equal("SendTaskSuccessCommand");
    expect(commands[0].input).to.deep.equal({
      taskToken: TOKEN,
      output: JSON.stringify({ approved: true, approver: "ana@example.com", reason: "Good history" }),
    });
    expect(JSON.parse((commands[0] as SendTaskSuccessCommand).input.output!)).to.have.all.keys("approved", "approver", "reason");
  });

  it("omits approver and reason from the output when they are not given", async () => {
    const { client, commands } = fakeClient();
    await createHandler(client)({ taskToken: TOKEN, approved: true });
    expect(JSON.parse((commands[0] as SendTaskSuccessCommand).input.output!)).to.deep.equal({ approved: true });
  });

  it("sends exactly one SendTaskFailure with error CreditRejected and the reason as cause when rejected", async () => {
    const { client, commands } = fakeClient();
    const result = await createHandler(client)({ taskToken: TOKEN, approved: false, reason: "Income not verified", approver: "ana" });
    expect(result).to.deep.equal({ taskToken: TOKEN, decision: "rejected" });
    expect(commands).to.have.length(1);
    expect(commands[0].constructor.name).to.equal("SendTaskFailureCommand");
    expect(commands[0].input).to.deep.equal({ taskToken: TOKEN, error: "CreditRejected", cause: "Income not verified" });
  });

  it("uses the default cause when a rejection gives no reason", async () => {
    for (const reason of [undefined, null, "  "]) {
      const { client, commands } = fakeClient();
      await createHandler(client)({ taskToken: TOKEN, approved: false, reason });
      expect(commands[0].input).to.deep.equal({ taskToken: TOKEN, error: "CreditRejected", cause: "Rejected by the approver." });
    }
  });

  it("cuts a rejection reason to the 32768 characters SendTaskFailure accepts", async () => {
    const { client, commands } = fakeClient();
    await createHandler(client)({ taskToken: TOKEN, approved: false, reason: "x".repeat(40_000) });
    expect((commands[0] as SendTaskFailureCommand).input.cause).to.have.length(32_768);
  });

  it("lets a Step Functions error such as TaskTimedOut propagate with its name", async () => {
    const timedOut = Object.assign(new Error("Task Timed Out"), { name: "TaskTimedOut" });
    const { client } = fakeClient(timedOut);
    const error = await rejectionOf(createHandler(client)({ taskToken: TOKEN, approved: true }));
    expect(error.name).to.equal("TaskTimedOut");
  });

  for (const [what, event] of [
    ["a missing token", { approved: true }],
    ["a blank token", { taskToken: " ", approved: true }],
    ["a token longer than 2048 characters", { taskToken: "t".repeat(2049), approved: true }],
    ["a string approved", { taskToken: TOKEN, approved: "true" }],
    ["a missing approved", { taskToken: TOKEN }],
    ["a numeric reason", { taskToken: TOKEN, approved: false, reason: 42 }],
    ["a non-object event", "approve"],
  ] as const) {
    it(`throws InvalidApprovalRequest for ${what} and sends nothing`, async () => {
      const { client, commands } = fakeClient();
      const error = await rejectionOf(createHandler(client)(event));
      expect(error).to.be.instanceOf(InvalidApprovalRequest);
      expect(error.name).to.equal("InvalidApprovalRequest");
      expect(commands).to.have.length(0);
    });
  }
});
