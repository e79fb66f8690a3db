import { expect } from "chai";
import { describeAuthorization, unrelatedArn } from "./authorization-proof";

// The dev and consumer stacks' runs; authorization-prod.test.ts proves prod's in another mocha worker.
describeAuthorization(["dev", "consumer"]);

describe("unrelatedArn", () => {
  it("names another resource of the same type, Region and account", () => {
    expect(unrelatedArn("arn:aws:dynamodb:eu-west-1:111111111111:table/statecraft-dev-orders", "x1")).to.equal("arn:aws:dynamodb:eu-west-1:111111111111:table/unrelated-x1");
    expect(unrelatedArn("arn:aws:states:eu-west-1:1:execution:m:run-1", "x1")).to.equal("arn:aws:states:eu-west-1:1:execution:unrelated-x1:run");
    expect(unrelatedArn("arn:aws:lambda:eu-west-1:1:function:f", "x1")).to.equal("arn:aws:lambda:eu-west-1:1:function:unrelated-x1");
    expect(unrelatedArn("arn:aws:sns:eu-west-1:1:topic-a", "x1")).to.equal("arn:aws:sns:eu-west-1:1:unrelated-x1");
    expect(unrelatedArn("arn:aws:iam::1:role/r", "x1")).to.equal("arn:aws:iam::1:role/unrelated-x1");
    expect(unrelatedArn("arn:aws:ecs:eu-west-1:1:task/statecraft-dev-monthly-report/0123abc", "x1")).to.equal("arn:aws:ecs:eu-west-1:1:task/unrelated-x1/0123abc");
    expect(unrelatedArn("arn:aws:ecs:eu-west-1:1:task-definition/statecraft-dev-monthly-report:3", "x1")).to.equal("arn:aws:ecs:eu-west-1:1:task-definition/unrelated-x1:3");
    expect(unrelatedArn("arn:aws:s3:::statecraft-dev-datasets-1-eu-west-1/input/2026-11/sales.json", "x1")).to.equal("arn:aws:s3:::unrelated-x1/input/2026-11/sales.json");
    expect(unrelatedArn("arn:aws:s3:::statecraft-dev-images-1-eu-west-1", "x1")).to.equal("arn:aws:s3:::unrelated-x1");
    expect(unrelatedArn("arn:aws:s3:::statecraft-dev-images-1-eu-west-1/processed/uploads/b/a.png", "x1")).to.equal("arn:aws:s3:::unrelated-x1/processed/uploads/b/a.png");
    expect(unrelatedArn("arn:aws:events:eu-west-1:1:rule/StepFunctionsGetEventsForBatchJobsRule", "x1")).to.equal("arn:aws:events:eu-west-1:1:rule/unrelated-x1");
    expect(unrelatedArn("arn:aws:s3:::statecraft-dev-datasets-1-eu-west-1/churn-scoring/a.jsonl", "x1")).to.equal("arn:aws:s3:::unrelated-x1/churn-scoring/a.jsonl");
    expect(unrelatedArn("arn:aws:s3:::statecraft-dev-datasets-1-eu-west-1", "x1")).to.equal("arn:aws:s3:::unrelated-x1");
    expect(unrelatedArn("arn:aws:kms:eu-west-1:1:key/e7539098-1221-4acc-afa9-75cd11ebea28", "x1")).to.match(/^arn:aws:kms:eu-west-1:1:key\/[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-a[0-9a-f]{3}-[0-9a-f]{12}$/);
  });
});
