import { expect } from "chai";
import { execFileSync } from "node:child_process";
import * as path from "node:path";
import { aggregate } from "../../jobs/dataset-aggregate";
import { PROJECT_ROOT } from "../../infra/manifest";

/**
 * The Glue job deploys `jobs/dataset-aggregate/script.py`; local runs execute its TypeScript twin. Both must give
 * the same aggregate and refuse the same records: this runs the Python script's `aggregate` with python3.
 */
const SCRIPT_DIR = path.join(PROJECT_ROOT, "jobs", "dataset-aggregate");

/** The Python script's answers for every case, from one python3 run (`{result}` or `{error}` per case). */
function python(cases: [unknown, string][]): { result?: unknown; error?: string }[] {
  const program = `import json, sys\nsys.path.insert(0, ${JSON.stringify(SCRIPT_DIR)})\nfrom script import aggregate\nanswers = []\nfor records, field in json.loads(sys.argv[1]):\n    try:\n        answers.append({"result": aggregate(records, field)})\n    except ValueError as error:\n        answers.append({"error": str(error)})\nprint(json.dumps(answers))\n`;
  return JSON.parse(execFileSync("python3", ["-c", program, JSON.stringify(cases)], { encoding: "utf8" })) as { result?: unknown; error?: string }[];
}

function typescript(records: unknown, field: string): { result?: unknown; error?: string } {
  try {
    return { result: aggregate(records, field) };
  } catch (error) {
    return { error: (error as Error).message };
  }
}

describe("the dataset-aggregate Glue script and its TypeScript twin", function () {
  this.timeout(20_000);
  const CASES: [string, unknown, string][] = [
    ["records grouped by warehouse", [{ warehouse: "dublin", value: 3 }, { warehouse: "lyon", value: 2.5 }, { warehouse: "dublin", value: 4 }], "warehouse"],
    ["records without the group field, or with null or a number in it", [{ value: 1 }, { key: "a", value: 2 }, { key: null, value: 3 }, { key: 7, value: 4 }, { key: true, value: 5 }], "key"],
    ["an empty dataset", [], "key"],
    ["a record without a numeric value", [{ key: "a", value: 1 }, { key: "b", value: "2" }], "key"],
    ["a boolean value", [{ key: "a", value: true }], "key"],
    ["a dataset that is not an array", { key: "a" }, "key"],
  ];
  let answers: { result?: unknown; error?: string }[] = [];
  before(function () {
    try {
      answers = python(CASES.map(([, records, field]) => [records, field]));
    } catch {
      this.skip(); // no python3 on this machine: the twin cannot be compared
    }
  });
  CASES.forEach(([name, records, field], index) => {
    it(`agrees on ${name}`, () => {
      expect(answers[index]).to.deep.equal(typescript(records, field));
    });
  });
});
