import { expect } from "chai";
import * as fs from "node:fs";
import { definitionPath } from "../../infra/manifest";

describe("credit-approval.asl.json, human approval", () => {
  const definition = JSON.parse(fs.readFileSync(definitionPath("credit-approval"), "utf8")) as { States: Record<string, Record<string, any>> };
  const wait = definition.States["Wait for human approval"];

  it("asks the approval-request function with a task token, never the topic directly", () => {
    expect(wait.Resource).to.equal("arn:aws:states:::lambda:invoke.waitForTaskToken");
    expect(wait.Parameters.FunctionName).to.equal("${ApprovalRequestFunctionArn}");
    expect(wait.Parameters.Payload["taskToken.$"]).to.equal("$$.Task.Token");
  });

  it("lets the links expire when the Task times out", () => {
    expect(wait.Parameters.Payload.expiresInSeconds).to.be.a("number").and.equal(wait.TimeoutSeconds);
  });
});
