import { expect } from "chai";
import * as fc from "fast-check";
import { MANAGED_POLICY_LIMIT, PolicyCondition, PolicyStatement, mergeStatements, policyDocument, policySize, splitStatements } from "../../infra/iam/policy";

const allow = (Action: string[], Resource: string[], Condition?: PolicyCondition): PolicyStatement =>
  Condition ? { Effect: "Allow", Action, Resource, Condition } : { Effect: "Allow", Action, Resource };

const SOURCE = { StringEquals: { "aws:SourceAccount": "111111111111", "aws:SourceRegion": "eu-west-1" } };
const SOURCE_REORDERED = { StringEquals: { "aws:SourceRegion": "eu-west-1", "aws:SourceAccount": "111111111111" } };

/** Every (Effect, action, resource, condition) a list of statements grants, as sorted strings. */
function grants(statements: PolicyStatement[]): string[] {
  const canonical = (value: unknown): unknown =>
    value && typeof value === "object" && !Array.isArray(value)
      ? Object.fromEntries(Object.keys(value).sort().map((k) => [k, canonical((value as Record<string, unknown>)[k])]))
      : value;
  const set = new Set(statements.flatMap((s) => s.Action.flatMap((a) => s.Resource.map((r) => JSON.stringify([s.Effect, a, r, canonical(s.Condition ?? null)])))));
  return [...set].sort();
}

describe("mergeStatements", () => {
  it("merges statements with the same actions into one, resources sorted and deduplicated", () => {
    expect(mergeStatements([allow(["sns:Publish"], ["arn:b", "arn:a"]), allow(["sns:Publish"], ["arn:c", "arn:a"])])).to.deep.equal([
      allow(["sns:Publish"], ["arn:a", "arn:b", "arn:c"]),
    ]);
  });

  it("treats the same actions in another order or repeated as the same action set", () => {
    expect(mergeStatements([allow(["b:Two", "a:One"], ["arn:x"]), allow(["a:One", "b:Two", "a:One"], ["arn:y"])])).to.deep.equal([
      allow(["a:One", "b:Two"], ["arn:x", "arn:y"]),
    ]);
  });

  it("merges the actions of statements on identical resources", () => {
    expect(mergeStatements([allow(["dynamodb:UpdateItem"], ["arn:t"]), allow(["dynamodb:PutItem"], ["arn:t"])])).to.deep.equal([
      allow(["dynamodb:PutItem", "dynamodb:UpdateItem"], ["arn:t"]),
    ]);
  });

  it("keeps statements on different resources with different actions apart", () => {
    expect(mergeStatements([allow(["b:Two"], ["arn:y"]), allow(["a:One"], ["arn:x"])])).to.deep.equal([allow(["a:One"], ["arn:x"]), allow(["b:Two"], ["arn:y"])]);
  });

  it("merges until one statement remains per action set, even when a resource merge creates a new duplicate set", () => {
    // a:One and b:Two on arn:x merge into [a:One, b:Two], the action set the third statement already has.
    expect(mergeStatements([allow(["a:One"], ["arn:x"]), allow(["b:Two"], ["arn:x"]), allow(["a:One", "b:Two"], ["arn:y"])])).to.deep.equal([
      allow(["a:One", "b:Two"], ["arn:x", "arn:y"]),
    ]);
  });

  it("merges statements whose conditions differ only in key order", () => {
    const merged = mergeStatements([allow(["kms:Decrypt"], ["arn:k1"], SOURCE), allow(["kms:Decrypt"], ["arn:k2"], SOURCE_REORDERED)]);
    expect(merged).to.deep.equal([allow(["kms:Decrypt"], ["arn:k1", "arn:k2"], SOURCE)]);
  });

  it("renders an equal condition the same whichever key order came first", () => {
    const a = mergeStatements([allow(["kms:Decrypt"], ["arn:k1"], SOURCE), allow(["kms:Decrypt"], ["arn:k2"], SOURCE_REORDERED)]);
    const b = mergeStatements([allow(["kms:Decrypt"], ["arn:k2"], SOURCE_REORDERED), allow(["kms:Decrypt"], ["arn:k1"], SOURCE)]);
    expect(JSON.stringify(a)).to.equal(JSON.stringify(b));
  });

  it("never merges statements with different conditions", () => {
    const other = { StringEquals: { "aws:SourceAccount": "222222222222" } };
    expect(mergeStatements([allow(["kms:Decrypt"], ["arn:k"], SOURCE), allow(["kms:Decrypt"], ["arn:k"], other), allow(["kms:Decrypt"], ["arn:k"])])).to.have.length(3);
  });

  it("never merges an Allow with a Deny", () => {
    const deny: PolicyStatement = { Effect: "Deny", Action: ["s3:GetObject"], Resource: ["arn:o"] };
    expect(mergeStatements([allow(["s3:GetObject"], ["arn:o"]), deny])).to.deep.equal([allow(["s3:GetObject"], ["arn:o"]), deny]);
  });

  it("does not modify its input", () => {
    const input = [allow(["b:Two"], ["arn:y", "arn:x"]), allow(["a:One"], ["arn:x"])];
    const before = structuredClone(input);
    mergeStatements(input);
    expect(input).to.deep.equal(before);
  });

  describe("for any statements (properties)", () => {
    const condition = fc.constantFrom<PolicyCondition | undefined>(undefined, SOURCE, SOURCE_REORDERED, { StringEquals: { "aws:SourceAccount": "222222222222" } }, { Bool: { "aws:SecureTransport": "true" } });
    const statement = fc.record({
      Effect: fc.constantFrom<"Allow" | "Deny">("Allow", "Allow", "Deny"),
      Action: fc.array(fc.constantFrom("a:One", "b:Two", "c:Three", "d:Four"), { minLength: 1, maxLength: 3 }),
      Resource: fc.array(fc.constantFrom("arn:w", "arn:x", "arn:y", "arn:z"), { minLength: 1, maxLength: 3 }),
      Condition: condition,
    }).map(({ Condition, ...rest }): PolicyStatement => (Condition ? { ...rest, Condition } : rest));
    const statements = fc.array(statement, { maxLength: 12 });
    const permuted = statements.chain((list) => fc.tuple(fc.constant(list), fc.shuffledSubarray(list, { minLength: list.length, maxLength: list.length })));

    it("renders the same JSON whatever the input order", () => {
      fc.assert(fc.property(permuted, ([list, shuffled]) => JSON.stringify(mergeStatements(list)) === JSON.stringify(mergeStatements(shuffled))), { numRuns: 500 });
    });

    it("grants exactly the same (Effect, action, resource, condition) tuples as its input", () => {
      fc.assert(fc.property(statements, (list) => {
        expect(grants(mergeStatements(list))).to.deep.equal(grants(list));
      }), { numRuns: 500 });
    });

    it("leaves one statement per (Effect, actions, Condition) and per (Effect, resources, Condition), sorted and deduplicated", () => {
      fc.assert(
        fc.property(statements, (list) => {
          const merged = mergeStatements(list);
          const byActions = merged.map((s) => JSON.stringify([s.Effect, s.Action, grants([{ ...s, Action: ["x"], Resource: ["x"] }])]));
          const byResources = merged.map((s) => JSON.stringify([s.Effect, s.Resource, grants([{ ...s, Action: ["x"], Resource: ["x"] }])]));
          expect(new Set(byActions).size, "action sets").to.equal(merged.length);
          expect(new Set(byResources).size, "resource sets").to.equal(merged.length);
          for (const s of merged) {
            expect(s.Action).to.deep.equal([...new Set(s.Action)].sort());
            expect(s.Resource).to.deep.equal([...new Set(s.Resource)].sort());
          }
        }),
        { numRuns: 500 },
      );
    });

    it("is idempotent", () => {
      fc.assert(fc.property(statements, (list) => {
        expect(mergeStatements(mergeStatements(list))).to.deep.equal(mergeStatements(list));
      }), { numRuns: 300 });
    });
  });
});

describe("policyDocument", () => {
  it("wraps the merged statements in a 2012-10-17 document", () => {
    expect(policyDocument([allow(["sns:Publish"], ["arn:b"]), allow(["sns:Publish"], ["arn:a"])])).to.deep.equal({
      Version: "2012-10-17",
      Statement: [allow(["sns:Publish"], ["arn:a", "arn:b"])],
    });
  });

  it("is an empty Statement list for no statements", () => {
    expect(policyDocument([])).to.deep.equal({ Version: "2012-10-17", Statement: [] });
  });
});

describe("policySize", () => {
  it("counts the document's JSON without whitespace", () => {
    const document = policyDocument([allow(["sns:Publish"], ["arn:a"])]);
    expect(policySize(document)).to.equal('{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["sns:Publish"],"Resource":["arn:a"]}]}'.length);
  });
});

describe("splitStatements", () => {
  const fn = (i: number) => `arn:aws:lambda:eu-west-1:111111111111:function:worker-${String(i).padStart(4, "0")}`;

  it("keeps statements that fit in one document", () => {
    const statements = [{ Effect: "Allow" as const, Action: ["sns:Publish"], Resource: ["arn:aws:sns:eu-west-1:111111111111:t"] }];
    expect(splitStatements(statements)).to.deep.equal([{ Version: "2012-10-17", Statement: statements }]);
  });

  it("cuts a statement too large for one document over its resources, losing and repeating none", () => {
    const resources = Array.from({ length: 300 }, (_, i) => fn(i));
    const documents = splitStatements([{ Effect: "Allow", Action: ["lambda:InvokeFunction"], Resource: resources }]);
    expect(documents.length).to.be.greaterThan(1);
    for (const document of documents) expect(policySize(document)).to.be.at.most(MANAGED_POLICY_LIMIT);
    expect(documents.flatMap((d) => d.Statement.flatMap((s) => s.Resource))).to.deep.equal(resources);
  });

  it("keeps every (action, resource) pair of any statements, each document within the limit", () => {
    fc.assert(
      fc.property(fc.array(fc.record({ action: fc.constantFrom("a:One", "b:Two", "c:Three"), count: fc.integer({ min: 1, max: 80 }) }), { maxLength: 12 }), (specs) => {
        const statements: PolicyStatement[] = specs.map(({ action, count }, i) => ({ Effect: "Allow", Action: [action], Resource: Array.from({ length: count }, (_, j) => fn(i * 100 + j)) }));
        const documents = splitStatements(statements, 2_000);
        const pairs = (list: PolicyStatement[]) => list.flatMap((s) => s.Action.flatMap((a) => s.Resource.map((r) => `${a} ${r}`))).sort();
        expect(pairs(documents.flatMap((d) => d.Statement))).to.deep.equal(pairs(statements));
        for (const document of documents) expect(policySize(document)).to.be.at.most(2_000);
      }),
      { numRuns: 50 },
    );
  });
});
