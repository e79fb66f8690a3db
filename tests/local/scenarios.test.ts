import { expect } from "chai";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { formatSummary } from "../../local/report";
import { loadScenario, ScenarioError, type ScenarioResult, subsetMismatches } from "../../local/scenarios";

describe("loadScenario", () => {
  let dir: string;
  before(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "statecraft-scenarios-"));
  });
  after(() => {
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it("names the scenario after its file", () => {
    const file = path.join(dir, "ok.json");
    fs.writeFileSync(file, JSON.stringify({ workflow: "order-events", description: "d", input: {}, expect: { status: "SUCCEEDED" } }));
    expect(loadScenario(file)).to.include({ name: "ok", workflow: "order-events" });
  });

  it("rejects an unknown workflow and an unknown field, naming the file and each field", () => {
    const file = path.join(dir, "bad.json");
    fs.writeFileSync(file, JSON.stringify({ workflow: "nope", description: "d", input: {}, expect: { status: "SUCCEEDED", pth: [] } }));
    expect(() => loadScenario(file))
      .to.throw(ScenarioError)
      .with.property("message")
      .that.includes("bad.json")
      .and.includes("workflow:")
      .and.includes("pth");
  });
});

describe("subsetMismatches", () => {
  it("accepts extra object keys but not a different array length", () => {
    expect(subsetMismatches({ a: [{ b: 1 }] }, { a: [{ b: 1, c: 2 }], d: 3 }, "output")).to.deep.equal([]);
    expect(subsetMismatches({ a: [{}, {}] }, { a: [{}] }, "output")).to.deep.equal(["output.a: expected 2 elements, got 1"]);
    expect(subsetMismatches({ a: "x" }, { a: "y" }, "output")).to.deep.equal(['output.a: expected "x", got "y"']);
  });
});

describe("formatSummary", () => {
  it("counts passed and failed scenarios", () => {
    const results = [{ passed: true }, { passed: false }, { passed: true }] as ScenarioResult[];
    expect(formatSummary(results)).to.equal("2 passed, 1 failed");
  });
});
