import { expect } from "chai";
import { spawn, spawnSync } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
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
    buildSync({ entryPoints: [path.join(PROJECT_ROOT, dockerEntries().find((found) => found.image === "monthly-report")!.entry)], bundle: true, platform: "node", target: "node20", outfile: bundle, logLevel: "silent" });
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

/** Each image's entry point, as `containers/Dockerfile`'s header lists them for its `ENTRY` build argument. */
function dockerEntries(): { image: string; entry: string }[] {
  const header = readFileSync(path.join(PROJECT_ROOT, "containers", "Dockerfile"), "utf8");
  return [...header.matchAll(/([a-z][a-z0-9-]*): (containers\/[a-z0-9-]+\/[a-z]+\.ts)/g)].map(([, image, entry]) => ({ image, entry }));
}

describe("every container image's entry point, bundled as containers/Dockerfile bundles it", function () {
  this.timeout(20_000);
  let dir: string;
  before(() => (dir = mkdtempSync(path.join(tmpdir(), "statecraft-images-"))));
  after(() => rmSync(dir, { recursive: true, force: true }));
  const bundle = (image: string) => {
    const { entry } = dockerEntries().find((found) => found.image === image)!;
    const outfile = path.join(dir, `${image}.js`);
    buildSync({ entryPoints: [path.join(PROJECT_ROOT, entry)], bundle: true, platform: "node", target: "node20", outfile, logLevel: "silent" });
    return outfile;
  };

  it("names an entry point for each image with code, each in that image's folder", () => {
    const images = readdirSync(path.join(PROJECT_ROOT, "containers"), { withFileTypes: true }).filter((entry) => entry.isDirectory()).map((entry) => entry.name);
    expect(dockerEntries().map((found) => found.image).sort()).to.deep.equal(images.sort());
    for (const { image, entry } of dockerEntries()) expect(entry.startsWith(`containers/${image}/`), entry).to.equal(true);
  });

  it("churn-features exits 2 with the reason for a job without its input", () => {
    const result = spawnSync(process.execPath, [bundle("churn-features")], { env: { PATH: process.env.PATH ?? "" }, encoding: "utf8" });
    expect(result.status).to.equal(2);
    expect(result.stderr.trim()).to.not.equal("");
  });

  it("churn-model serves GET /ping on port 8080 when SageMaker starts it with serve", async () => {
    const server = spawn(process.execPath, [bundle("churn-model"), "serve"], { env: { PATH: process.env.PATH ?? "" } });
    try {
      await new Promise<void>((resolve, reject) => {
        server.stdout.on("data", (chunk: Buffer) => chunk.toString().includes("listening on 8080") && resolve());
        server.once("exit", (code) => reject(new Error(`the server exited with ${code}`)));
      });
      expect((await fetch("http://127.0.0.1:8080/ping")).status).to.equal(200);
    } finally {
      server.kill();
    }
  });
});
