import { expect } from "chai";
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { buildSync } from "esbuild";
import { PROJECT_ROOT } from "../../infra/manifest";

/**
 * The monthly-report image runs `containers/monthly-report/main.ts` bundled as its Dockerfile bundles it: built here
 * the same way and run with node, it prints the report and exits 0, or exits with the code ECS reports.
 */
describe("the monthly-report container's entry point, bundled as the Dockerfile bundles it", function () {
  this.timeout(20_000);
  let dir: string;
  let bundle: string;
  before(() => {
    dir = mkdtempSync(path.join(tmpdir(), "statecraft-container-"));
    bundle = path.join(dir, "main.js");
    buildSync({ entryPoints: [path.join(PROJECT_ROOT, "containers/monthly-report/main.ts")], bundle: true, platform: "node", target: "node20", outfile: bundle, logLevel: "silent" });
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  const run = (env: Record<string, string>) => spawnSync(process.execPath, [bundle], { env: { PATH: process.env.PATH ?? "", ...env }, encoding: "utf8" });

  it("prints the report as JSON and exits 0", () => {
    const result = run({ DATASET: JSON.stringify({ month: "2026-11", rows: [{ category: "books", amount: 12.5 }, { category: "books", amount: 2.5 }] }) });
    expect(result.status).to.equal(0);
    expect(JSON.parse(result.stdout)).to.deep.equal({ month: "2026-11", rows: 2, total: 15, byCategory: { books: 15 } });
  });

  it("exits 2 with the reason on standard error for a month without sales", () => {
    const result = run({ DATASET: JSON.stringify({ month: "2026-09", rows: [] }) });
    expect(result.status).to.equal(2);
    expect(result.stderr).to.include("with at least one row");
  });
});
