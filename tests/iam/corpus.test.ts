import { expect } from "chai";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { AslStateMachine } from "../../infra/definition/asl";
import { ArnContext } from "../../infra/iam/arn";
import { Derivation, deriveExecutionPolicy } from "../../infra/iam/derive";
import { PolicyCondition, PolicyDocument } from "../../infra/iam/policy";
import { renderDefinition } from "../../infra/render";
import { allows } from "./evaluate";
import { taskCalls } from "./oracle";
import { scopedActionsOnStar } from "./star";

/**
 * The IAM corpus: realistic definitions in `corpus/`, each with the policy its execution role must get,
 * written from docs/iam-catalog.md and the AWS pages rather than from the derivation's output.
 */

const CORPUS = join(__dirname, "corpus");
const CONTEXT: ArnContext = { partition: "aws", region: "eu-west-1", account: "111111111111" };

interface Expected {
  stateMachineName: string;
  substitutions?: Record<string, string>;
  statements: { Action: string[]; Resource: string[]; Condition?: PolicyCondition }[];
  /** The States that must warn (dynamic targets, what the definition cannot show). */
  warnings: string[];
}

interface Entry {
  name: string;
  definition: AslStateMachine;
  expected: Expected;
  derivation: Derivation;
}

const entries: Entry[] = readdirSync(CORPUS)
  .filter((file) => file.endsWith(".asl.json"))
  .sort()
  .map((file) => {
    const name = file.slice(0, -".asl.json".length);
    const expected = JSON.parse(readFileSync(join(CORPUS, `${name}.expected.json`), "utf8")) as Expected;
    const { definition, derivation } = renderDefinition(join(CORPUS, file), expected.substitutions ?? {}, CONTEXT, {
      stateMachineName: expected.stateMachineName,
      allowUnresolved: true,
    });
    return { name, definition, expected, derivation };
  });

/** A policy as a set of (action, resource, condition) triples, whatever its statements' grouping. */
function triples(statements: Expected["statements"]): string[] {
  const set = new Set<string>();
  for (const s of statements) for (const a of s.Action) for (const r of s.Resource) set.add(JSON.stringify([a, r, canonical(s.Condition ?? null)]));
  return [...set].sort();
}

function canonical(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(canonical);
  if (value !== null && typeof value === "object") return Object.fromEntries(Object.keys(value).sort().map((k) => [k, canonical((value as Record<string, unknown>)[k])]));
  return value;
}

describe("the IAM corpus", () => {
  it("holds at least 30 definitions", () => {
    expect(entries.length).to.be.at.least(30);
  });

  for (const entry of entries) {
    describe(entry.name, () => {
      it("derives exactly the expected policy", () => {
        const actual = triples(entry.derivation.document.Statement);
        const expected = triples(entry.expected.statements);
        expect(actual.filter((t) => !expected.includes(t)), "granted beyond the expected policy").to.deep.equal([]);
        expect(expected.filter((t) => !actual.includes(t)), "expected but not granted").to.deep.equal([]);
      });

      it("warns for exactly the States whose grants the definition cannot pin down", () => {
        const warned = [...new Set(entry.derivation.warnings.map((w) => w.state))].sort();
        expect(warned).to.deep.equal([...entry.expected.warnings].sort());
      });

      it("allows every Task's call on its target, and a dynamic target only in the same account", () => {
        const document: PolicyDocument = entry.derivation.document;
        for (const call of taskCalls(entry.definition, entry.expected.stateMachineName)) {
          const delegated = entry.derivation.states.find((s) => s.state === call.state)?.delegated;
          // A Task with Credentials.RoleArn makes its call with the assumed role, which is granted elsewhere.
          const policy = delegated ? { Version: "2012-10-17" as const, Statement: delegated } : document;
          expect(allows(policy, call.request), `${call.state}: ${call.request.action} on ${call.request.resource}`).to.equal(true);
          if (call.foreign) expect(allows(policy, call.foreign), `${call.state}: ${call.foreign.action} on ${call.foreign.resource}`).to.equal(false);
        }
      });

      it("grants a bare * only for actions that have no resource type in the Service Authorization Reference", () => {
        expect(scopedActionsOnStar(entry.derivation.document.Statement)).to.deep.equal([]);
      });

      it("renders the same document on every run", () => {
        const again = deriveExecutionPolicy(`${entry.name}.asl.json`, entry.definition, CONTEXT, { stateMachineName: entry.expected.stateMachineName });
        expect(JSON.stringify(again.document)).to.equal(JSON.stringify(entry.derivation.document));
      });
    });
  }

  it("checks the calls of most of the corpus's Tasks against the oracle", () => {
    const tasks = entries.flatMap((e) => e.derivation.states.filter((s) => !s.resource.startsWith("ItemReader") && !s.resource.startsWith("ResultWriter") && s.resource !== "Distributed Map"));
    const checked = entries.flatMap((e) => taskCalls(e.definition, e.expected.stateMachineName).map((c) => `${e.name}/${c.state}`));
    expect(new Set(checked).size / tasks.length).to.be.greaterThan(0.8);
  });
});
