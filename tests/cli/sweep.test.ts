import { expect } from "chai";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { definitionFiles, runSweepCommand, sweepFile } from "../../cli/sweep";

const PUBLIC_CORPUS = path.join(__dirname, "..", "public-corpus");

describe("npm run sweep", () => {
  it("runs npm run iam on every public-corpus definition: each is derived or refused with a message, none breaks", function () {
    this.timeout(20_000);
    const files = definitionFiles(PUBLIC_CORPUS).filter((file) => file.endsWith(".asl.json"));
    const { code, stdout, outcomes } = runSweepCommand(files);
    expect(outcomes.filter((o) => o.outcome === "broken"), stdout).to.deep.equal([]);
    expect(code).to.equal(0);
    expect(outcomes.length).to.be.at.least(60);
    expect(stdout).to.match(/\d+ definitions: \d+ derived \(exit 0\), \d+ refused with a message \(exit 1\), 0 broken\n$/);
  });

  it("sorts what a user would see: a derived file, a refusal naming the file, and YAML", () => {
    const directory = fs.mkdtempSync(path.join(os.tmpdir(), "statecraft-sweep-"));
    try {
      fs.writeFileSync(path.join(directory, "ok.asl.json"), JSON.stringify({ StartAt: "A", States: { A: { Type: "Pass", End: true } } }));
      fs.writeFileSync(path.join(directory, "bad.asl.json"), '{ "StartAt": "A", "States": { "A": { "Type": "Pass", "End": true }, "A": {} } }');
      fs.writeFileSync(path.join(directory, "flow.asl.yaml"), "StartAt: A\nStates:\n  A:\n    Type: Succeed\n");
      fs.writeFileSync(path.join(directory, "notes.txt"), "not a definition");
      expect(definitionFiles(directory).map((f) => path.basename(f))).to.deep.equal(["bad.asl.json", "flow.asl.yaml", "ok.asl.json"]);
      expect(sweepFile(path.join(directory, "ok.asl.json")).outcome).to.equal("derived");
      expect(sweepFile(path.join(directory, "flow.asl.yaml")).outcome).to.equal("derived");
      const refused = sweepFile(path.join(directory, "bad.asl.json"));
      expect(refused.outcome).to.equal("refused");
      expect(refused.detail).to.contain('duplicate key "A"');
      const { code, stdout } = runSweepCommand([directory]);
      expect(code).to.equal(0);
      expect(stdout).to.contain("3 definitions: 2 derived (exit 0), 1 refused with a message (exit 1), 0 broken");
    } finally {
      fs.rmSync(directory, { recursive: true, force: true });
    }
  });

  it("exits 2 without an argument", () => {
    expect(runSweepCommand([]).code).to.equal(2);
  });
});
