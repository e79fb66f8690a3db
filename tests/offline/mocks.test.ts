import { expect } from "chai";
import { RegisteredResource } from "../../offline/mocks";
import { Plan, runPlan } from "../../offline/plan";
import { plans } from "../local/plans";

describe("AwsMocks answers for the approval path's resources", function () {
  this.timeout(60_000);
  let plan: Plan;
  let again: Plan;
  before(async () => {
    plan = await plans("prod");
    again = await runPlan("prod");
  });
  const outputs = (p: Plan, type: string): Record<string, unknown>[] => p.resources.filter((r: RegisteredResource) => r.type === type).map((r) => r.outputs ?? {});

  it("answers an HTTP API with a 10-character id, its endpoint, execution ARN and ARN", () => {
    const [api] = outputs(plan, "aws:apigatewayv2/api:Api");
    const id = api.id as string;
    expect(id).to.match(/^[a-z0-9]{10}$/);
    expect(api).to.include({
      apiEndpoint: `https://${id}.execute-api.eu-west-1.amazonaws.com`,
      executionArn: `arn:aws:execute-api:eu-west-1:222222222222:${id}`,
      arn: `arn:aws:apigateway:eu-west-1::/apis/${id}`,
    });
    const [stage] = outputs(plan, "aws:apigatewayv2/stage:Stage");
    expect(stage).to.include({ id: "$default", invokeUrl: `https://${id}.execute-api.eu-west-1.amazonaws.com/`, executionArn: `arn:aws:execute-api:eu-west-1:222222222222:${id}/$default` });
    for (const type of ["aws:apigatewayv2/integration:Integration", "aws:apigatewayv2/route:Route"]) {
      for (const resource of outputs(plan, type)) expect(resource.id, type).to.match(/^[a-z0-9]{7}$/);
    }
  });

  it("answers a subscription with <topic ARN>:<uuid>, pending confirmation for e-mail and https", () => {
    for (const subscription of outputs(plan, "aws:sns/topicSubscription:TopicSubscription")) {
      expect(subscription.arn).to.match(/^arn:aws:sns:eu-west-1:222222222222:statecraft-prod-(credit-approval-requests|alerts):[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-a[0-9a-f]{3}-[0-9a-f]{12}$/);
      expect(subscription.pendingConfirmation).to.equal(true);
    }
  });

  it("answers a random password deterministically, of the asked length and alphabet, the same in every run", () => {
    const [password] = outputs(plan, "random:index/randomPassword:RandomPassword");
    expect(password.result).to.match(/^[A-Za-z0-9]{64}$/);
    expect(outputs(again, "random:index/randomPassword:RandomPassword")[0].result).to.equal(password.result);
    expect(outputs(again, "aws:secretsmanager/secret:Secret")[0].arn).to.equal(outputs(plan, "aws:secretsmanager/secret:Secret")[0].arn);
  });
});
