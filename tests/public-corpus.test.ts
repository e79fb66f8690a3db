import { expect } from "chai";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { DefinitionError } from "../infra/definition/errors";
import { ArnContext } from "../infra/iam/arn";
import { renderDefinition } from "../infra/render";

/**
 * The public corpus (issue 11, item 7): real-world definitions nobody here wrote, copied verbatim from public
 * repositories (tests/public-corpus/SOURCES.md, LICENSES.md), each derived the way `npm run iam -- --allow-unresolved`
 * derives it. tests/public-corpus/expectations.json records, per file, the outcome the code gives today: the sorted
 * actions of the derived policy, or a distinctive part of the refusal's message. Where that outcome is not what AWS
 * documents, the entry's `gap` says what AWS documents instead: closing the gap changes the outcome, fails the test
 * and forces the expectation to be updated.
 */

const CORPUS = join(__dirname, "public-corpus");
const CONTEXT: ArnContext = { partition: "aws", region: "us-east-1", account: "123456789012" };

/** One entry of expectations.json. */
interface Expectation {
  /** The integration families the definition exercises (for the summary). */
  families: string[];
  outcome: "derived" | "rejected";
  /** `derived`: every Action of the derived policy, sorted. */
  actions?: string[];
  /** `rejected`: a distinctive part of the DefinitionError's message. */
  message?: string;
  /** What AWS documents where the current outcome differs from it. */
  gap?: string;
  /** Anything else worth knowing about the outcome (a message that names no State, a sample that is itself broken). */
  note?: string;
}

type Outcome = { outcome: "derived"; actions: string[] } | { outcome: "rejected"; message: string } | { outcome: "crashed"; error: string };

const files = readdirSync(CORPUS)
  .filter((file) => file.endsWith(".asl.json"))
  .sort();
const expectations = JSON.parse(readFileSync(join(CORPUS, "expectations.json"), "utf8")) as Record<string, Expectation>;
const sources = readFileSync(join(CORPUS, "SOURCES.md"), "utf8");
const outcomes = new Map<string, Outcome>();

/** Derives a corpus file as `npm run iam -- --allow-unresolved` does; anything but a DefinitionError is a crash. */
function derive(file: string): Outcome {
  const cached = outcomes.get(file);
  if (cached) return cached;
  let outcome: Outcome;
  try {
    const { derivation } = renderDefinition(join(CORPUS, file), {}, CONTEXT, { allowUnresolved: true });
    outcome = { outcome: "derived", actions: [...new Set(derivation.document.Statement.flatMap((s) => s.Action))].sort() };
  } catch (error) {
    outcome =
      error instanceof DefinitionError
        ? { outcome: "rejected", message: error.message }
        : { outcome: "crashed", error: error instanceof Error ? `${error.name}: ${error.message}` : String(error) };
  }
  outcomes.set(file, outcome);
  return outcome;
}

function describeOutcome(outcome: Outcome): string {
  if (outcome.outcome === "derived") return `derived ${JSON.stringify(outcome.actions)}`;
  if (outcome.outcome === "rejected") return `rejected: ${outcome.message}`;
  return `crashed with ${outcome.error} (a stack trace for the user, not a DefinitionError)`;
}

describe("the public corpus of real-world definitions", () => {
  for (const file of files) {
    const expected = expectations[file];
    const behaviour = expected?.outcome === "rejected" ? "is refused with a message naming what is wrong" : "is derived into exactly the recorded actions";
    it(`${file} ${behaviour}${expected?.gap ? " (a known gap)" : ""}`, () => {
      const actual = derive(file);
      expect(actual.outcome, `${file} ${describeOutcome(actual)}`).to.not.equal("crashed");
      expect(expected, `${file} has no entry in expectations.json`).to.not.equal(undefined);
      if (expected.outcome === "derived") {
        expect(actual.outcome, `${file} ${describeOutcome(actual)}`).to.equal("derived");
        expect((actual as { actions: string[] }).actions, file).to.deep.equal(expected.actions);
      } else {
        expect(actual.outcome, `${file} ${describeOutcome(actual)}`).to.equal("rejected");
        expect((actual as { message: string }).message, file).to.contain(expected.message);
      }
    });
  }

  it("holds at least 60 definitions, each with an expectation and a SOURCES.md entry, and prints its counts", () => {
    expect(files.length).to.be.at.least(60);
    expect(files.filter((file) => !expectations[file]), "files without an expectation").to.deep.equal([]);
    expect(Object.keys(expectations).filter((file) => !files.includes(file)), "expectations without a file").to.deep.equal([]);
    expect(files.filter((file) => !sources.includes(`\`${file}\``)), "files without a SOURCES.md entry").to.deep.equal([]);
    for (const [file, expected] of Object.entries(expectations)) {
      expect(expected.families.length, `${file} names no family`).to.be.greaterThan(0);
      if (expected.outcome === "derived") expect(expected.actions, `${file} records no actions`).to.be.an("array");
      // A refusal names the State it is about, or the entry says why it cannot.
      else if (!expected.note) expect(expected.message, `${file}: the message names no State`).to.match(/State "[^"]+"/);
    }

    const results = files.map((file) => ({ file, expected: expectations[file], actual: derive(file) }));
    const count = (outcome: Outcome["outcome"]) => results.filter((r) => r.actual.outcome === outcome).length;
    const families = new Map<string, { files: number; derived: number; rejected: number; gaps: number }>();
    for (const { expected, actual } of results) {
      for (const family of expected.families) {
        const row = families.get(family) ?? { files: 0, derived: 0, rejected: 0, gaps: 0 };
        row.files++;
        if (actual.outcome === "derived") row.derived++;
        if (actual.outcome === "rejected") row.rejected++;
        if (expected.gap) row.gaps++;
        families.set(family, row);
      }
    }
    const gaps = results.filter((r) => r.expected.gap);
    const width = Math.max(...[...families.keys()].map((f) => f.length));
    console.log(
      [
        `      public corpus: ${files.length} definitions, ${count("derived")} derived, ${count("rejected")} rejected, ${count("crashed")} crashed, ${gaps.length} known gaps`,
        ...[...families.entries()]
          .sort(([a], [b]) => a.localeCompare(b))
          .map(([family, r]) => `        ${family.padEnd(width)}  ${String(r.files).padStart(2)} files: ${r.derived} derived, ${r.rejected} rejected, ${r.gaps} gaps`),
        "      known gaps:",
        ...gaps.map((r) => `        ${r.file}: ${r.expected.gap}`),
      ].join("\n"),
    );
    expect(count("crashed"), "definitions that crashed").to.equal(0);
  });
});
