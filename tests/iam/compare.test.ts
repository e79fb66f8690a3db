import { expect } from "chai";
import { compareGrants, wildcardMatches } from "../../infra/iam/compare";
import { PolicyStatement } from "../../infra/iam/policy";

const allow = (Action: string[], Resource: string[], Condition?: PolicyStatement["Condition"]): PolicyStatement => ({ Effect: "Allow", Action, Resource, ...(Condition ? { Condition } : {}) });
const TABLE = "arn:aws:dynamodb:eu-west-1:111111111111:table/orders";

describe("wildcardMatches", () => {
  it("matches * and ? anywhere, actions without regard to case", () => {
    expect(wildcardMatches("dynamodb:Get*", "dynamodb:GetItem", true)).to.equal(true);
    expect(wildcardMatches("DynamoDB:getitem", "dynamodb:GetItem", true)).to.equal(true);
    expect(wildcardMatches("arn:aws:s3:::bucket/?.csv", "arn:aws:s3:::bucket/a.csv", false)).to.equal(true);
    expect(wildcardMatches("arn:aws:s3:::Bucket/*", "arn:aws:s3:::bucket/a", false)).to.equal(false);
  });

  it("treats a * in the value as a character: a wider pattern covers a narrower one, not the reverse", () => {
    expect(wildcardMatches("arn:aws:lambda:*", "arn:aws:lambda:eu-west-1:111111111111:function:*", false)).to.equal(true);
    expect(wildcardMatches("arn:aws:lambda:eu-west-1:111111111111:function:f", "arn:aws:lambda:*", false)).to.equal(false);
  });

  it("escapes regular-expression characters", () => {
    expect(wildcardMatches("arn:aws:logs:eu-west-1:1:log-group:/a.b:*", "arn:aws:logs:eu-west-1:1:log-group:/aXb:*", false)).to.equal(false);
  });
});

describe("compareGrants", () => {
  it("finds nothing when the grants are the needs, in another shape", () => {
    const needed = [{ statement: allow(["dynamodb:PutItem", "dynamodb:UpdateItem"], [TABLE]), neededBy: 'State "Save"' }];
    const granted = [
      { statement: allow(["dynamodb:UpdateItem"], [TABLE]), source: "a" },
      { statement: allow(["dynamodb:PutItem"], [TABLE]), source: "b" },
    ];
    expect(compareGrants(needed, granted)).to.deep.equal({ missing: [], excess: [] });
  });

  it("groups missing actions per resource with who needs them, and excess ones per resource and source", () => {
    const needed = [
      { statement: allow(["dynamodb:PutItem"], [TABLE]), neededBy: 'State "Save"' },
      { statement: allow(["dynamodb:GetItem", "dynamodb:PutItem"], [TABLE]), neededBy: 'State "Load"' },
    ];
    const granted = [{ statement: allow(["dynamodb:DeleteItem", "dynamodb:Scan"], [TABLE, `${TABLE}/index/*`]), source: "inline" }];
    expect(compareGrants(needed, granted)).to.deep.equal({
      missing: [{ actions: ["dynamodb:GetItem", "dynamodb:PutItem"], resource: TABLE, neededBy: ['State "Load"', 'State "Save"'] }],
      excess: [
        { actions: ["dynamodb:DeleteItem", "dynamodb:Scan"], resource: TABLE, source: "inline", kind: "unneeded" },
        { actions: ["dynamodb:DeleteItem", "dynamodb:Scan"], resource: `${TABLE}/index/*`, source: "inline", kind: "unneeded" },
      ],
    });
  });

  it("counts a grant wider than the need as covering it, and reports it as excess", () => {
    const needed = [{ statement: allow(["lambda:InvokeFunction"], ["arn:aws:lambda:eu-west-1:111111111111:function:f"]), neededBy: "S" }];
    const granted = [{ statement: allow(["lambda:*"], ["*"]), source: "inline" }];
    const { missing, excess } = compareGrants(needed, granted);
    expect(missing).to.deep.equal([]);
    expect(excess).to.deep.equal([{ actions: ["lambda:*"], resource: "*", source: "inline", kind: "unneeded" }]);
  });

  it("requires a grant's condition to be within the need's, and the need's condition on the grant", () => {
    const condition = { StringEquals: { "kms:ViaService": "sns.eu-west-1.amazonaws.com" } };
    const key = "arn:aws:kms:eu-west-1:111111111111:key/k";
    const needed = [{ statement: allow(["kms:Decrypt"], [key], condition), neededBy: "topic" }];
    // Stricter than needed: it could deny the need.
    const stricter = compareGrants(needed, [{ statement: allow(["kms:Decrypt"], [key], { ...condition, Bool: { "aws:SecureTransport": "true" } }), source: "p" }]);
    expect(stricter.missing).to.deep.equal([{ actions: ["kms:Decrypt"], resource: key, condition, neededBy: ["topic"] }]);
    // Broader than needed: it covers the need, but without its condition.
    const broader = compareGrants(needed, [{ statement: allow(["kms:Decrypt"], [key]), source: "p" }]);
    expect(broader).to.deep.equal({ missing: [], excess: [{ actions: ["kms:Decrypt"], resource: key, source: "p", kind: "unconditioned", condition }] });
    // The same condition, spelt with other case and value order.
    const same = compareGrants(needed, [{ statement: allow(["kms:Decrypt"], [key], { stringequals: { "KMS:ViaService": ["sns.eu-west-1.amazonaws.com"] } }), source: "p" }]);
    expect(same).to.deep.equal({ missing: [], excess: [] });
  });

  it("ignores Deny statements and configured extra actions", () => {
    const granted = [
      { statement: { Effect: "Deny" as const, Action: ["*"], Resource: ["*"] }, source: "p" },
      { statement: allow(["cloudwatch:PutMetricData"], ["*"]), source: "p" },
    ];
    expect(compareGrants([], granted, { ignoreActions: ["cloudwatch:Put*"] })).to.deep.equal({ missing: [], excess: [] });
  });
});
