import { expect } from "chai";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { bundleHandlers } from "../../cli/bundle-handlers";
import { HANDLERS } from "../../infra/manifest";

const ROOT = path.join(__dirname, "..", "..");

describe("npm scripts", () => {
  it("name entry files that exist", () => {
    const { scripts } = JSON.parse(fs.readFileSync(path.join(ROOT, "package.json"), "utf8")) as { scripts: Record<string, string> };
    const entries = Object.entries(scripts).flatMap(([name, command]) =>
      command
        .split(/\s*&&\s*/)
        .map((part) => /^(?:tsx|node|ts-node)\s+(\S+\.[cm]?[jt]s)\b/.exec(part.trim())?.[1])
        .filter((file): file is string => file !== undefined)
        .map((file) => [name, file] as const),
    );
    expect(entries.map(([name]) => name)).to.include.members(["start", "plan", "check", "build:handlers", "bench", "iam"]);
    for (const [name, file] of entries) expect(fs.existsSync(path.join(ROOT, file)), `npm run ${name}: ${file}`).to.equal(true);
  });
});

describe("build:handlers (cli/bundle-handlers.ts)", () => {
  it("bundles every handler of the manifest into <dir>/<handler>/index.js, exporting handler, with its size", () => {
    const outDir = fs.mkdtempSync(path.join(os.tmpdir(), "statecraft-dist-"));
    const bundles = bundleHandlers(outDir);
    expect(bundles.map((b) => b.handler)).to.deep.equal(Object.keys(HANDLERS));
    for (const bundle of bundles) {
      expect(bundle.file).to.equal(path.join(outDir, bundle.handler, "index.js"));
      const code = fs.readFileSync(bundle.file, "utf8");
      expect(Buffer.byteLength(code)).to.equal(bundle.bytes);
      expect(code, bundle.handler).to.match(/handler/);
      expect(bundle.sha256).to.match(/^[0-9a-f]{64}$/);
    }
  });
});
