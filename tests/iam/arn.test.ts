import { expect } from "chai";
import * as fc from "fast-check";
import { ArnContext, buildArn, dnsSuffixOf, parseArn, partitionOf, unqualifiedStateMachineArn } from "../../infra/iam/arn";

const CONTEXT: ArnContext = { partition: "aws", region: "eu-west-1", account: "111111111111" };

describe("buildArn", () => {
  it("builds a regional ARN in the context's partition, Region and account", () => {
    expect(buildArn(CONTEXT, "lambda", "function:work")).to.equal("arn:aws:lambda:eu-west-1:111111111111:function:work");
  });

  it("leaves the Region out of a global ARN", () => {
    expect(buildArn({ ...CONTEXT, partition: "aws-us-gov" }, "iam", "role/r", "global")).to.equal("arn:aws-us-gov:iam::111111111111:role/r");
  });
});

describe("parseArn", () => {
  it("splits an ARN into its parts, keeping colons and slashes of the resource", () => {
    expect(parseArn("arn:aws:lambda:eu-west-1:111111111111:function:work:prod")).to.deep.equal({
      partition: "aws",
      service: "lambda",
      region: "eu-west-1",
      account: "111111111111",
      resource: "function:work:prod",
    });
    expect(parseArn("arn:aws-cn:dynamodb:cn-north-1:111111111111:table/orders/index/by-customer")?.resource).to.equal("table/orders/index/by-customer");
  });

  it("parses ARNs without a Region or without an account", () => {
    expect(parseArn("arn:aws:iam::111111111111:role/r")).to.include({ region: "", account: "111111111111", resource: "role/r" });
    expect(parseArn("arn:aws:s3:::bucket/key")).to.include({ service: "s3", region: "", account: "", resource: "bucket/key" });
    expect(parseArn("arn:aws:states:::lambda:invoke")).to.include({ service: "states", account: "", resource: "lambda:invoke" });
  });

  for (const text of ["", "work", "arn:aws:lambda", "arn:azure:lambda:eu-west-1:111111111111:function:f", "arn:aws:lambda:eu-west-1:1111:function:f", "arn:aws:lambda:eu-west-1:111111111111:"]) {
    it(`returns undefined for ${JSON.stringify(text)}`, () => {
      expect(parseArn(text)).to.equal(undefined);
    });
  }

  it("round-trips with buildArn for any partition, service, Region, account and resource (property)", () => {
    const context = fc.record({
      partition: fc.constantFrom("aws", "aws-cn", "aws-us-gov"),
      region: fc.stringMatching(/^[a-z]{2}(-[a-z]+)+-[0-9]$/),
      account: fc.stringMatching(/^[0-9]{12}$/),
    });
    const service = fc.stringMatching(/^[a-z0-9][a-z0-9-]{0,15}$/);
    const resource = fc.stringMatching(/^[A-Za-z0-9_.:/*$-]{1,40}$/);
    fc.assert(
      fc.property(context, service, resource, fc.constantFrom<"regional" | "global">("regional", "global"), (ctx, svc, res, scope) => {
        expect(parseArn(buildArn(ctx, svc, res, scope))).to.deep.equal({
          partition: ctx.partition,
          service: svc,
          region: scope === "global" ? "" : ctx.region,
          account: ctx.account,
          resource: res,
        });
      }),
      { numRuns: 300 },
    );
  });
});

describe("partitionOf", () => {
  for (const [region, partition] of [
    ["eu-west-1", "aws"],
    ["us-east-1", "aws"],
    ["cn-north-1", "aws-cn"],
    ["cn-northwest-1", "aws-cn"],
    ["us-gov-west-1", "aws-us-gov"],
    ["us-iso-east-1", "aws-iso"],
    ["us-isob-east-1", "aws-iso-b"],
  ]) {
    it(`puts ${region} in the ${partition} partition`, () => {
      expect(partitionOf(region)).to.equal(partition);
    });
  }
});

describe("dnsSuffixOf", () => {
  it("uses amazonaws.com.cn in China and amazonaws.com elsewhere", () => {
    expect(dnsSuffixOf("aws-cn")).to.equal("amazonaws.com.cn");
    expect(dnsSuffixOf("aws")).to.equal("amazonaws.com");
    expect(dnsSuffixOf("aws-us-gov")).to.equal("amazonaws.com");
  });
});

describe("unqualifiedStateMachineArn", () => {
  it("splits an alias or version ARN into the machine's ARN and the qualifier, and leaves an unqualified ARN alone", () => {
    const machine = "arn:aws:states:eu-west-1:111111111111:stateMachine:orders";
    expect(unqualifiedStateMachineArn(`${machine}:live`)).to.deep.equal({ stateMachineArn: machine, qualifier: "live" });
    expect(unqualifiedStateMachineArn(`${machine}:12`)).to.deep.equal({ stateMachineArn: machine, qualifier: "12" });
    expect(unqualifiedStateMachineArn(machine)).to.deep.equal({ stateMachineArn: machine });
    expect(unqualifiedStateMachineArn("arn:aws:states:eu-west-1:111111111111:execution:orders:run-1")).to.deep.equal({ stateMachineArn: "arn:aws:states:eu-west-1:111111111111:execution:orders:run-1" });
  });
});
