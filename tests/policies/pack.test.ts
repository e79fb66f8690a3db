import { expect } from "chai";
import { buildSync } from "esbuild";
import * as fs from "node:fs";
import * as path from "node:path";

const ROOT = path.join(__dirname, "..", "..");

describe("the policy pack as `pulumi preview --policy-pack policies` loads it", () => {
  it("imports no package beyond those of policies/package.json (the derivation it shares with infra/ included)", () => {
    const pack = JSON.parse(fs.readFileSync(path.join(ROOT, "policies", "package.json"), "utf8")) as { dependencies: Record<string, string> };
    // Bundle the entry point without writing it: every import that is not a file of the repository is a package.
    const result = buildSync({ entryPoints: [path.join(ROOT, "policies", "index.ts")], bundle: true, platform: "node", write: false, metafile: true, logLevel: "silent", packages: "external" });
    const packages = new Set(
      Object.values(result.metafile!.inputs)
        .flatMap((input) => input.imports)
        // Type-only imports show as external relative paths: only package names count.
        .filter((i) => i.external && !i.path.startsWith("node:") && !i.path.startsWith("."))
        .map((i) => (i.path.startsWith("@") ? i.path.split("/").slice(0, 2).join("/") : i.path.split("/")[0])),
    );
    expect([...packages].filter((name) => !(name in pack.dependencies))).to.deep.equal([]);
  });

  it("names its entry point in package.json and its runtime in PulumiPolicy.yaml", () => {
    const pack = JSON.parse(fs.readFileSync(path.join(ROOT, "policies", "package.json"), "utf8")) as { main: string };
    expect(fs.existsSync(path.join(ROOT, "policies", pack.main))).to.equal(true);
    expect(fs.readFileSync(path.join(ROOT, "policies", "PulumiPolicy.yaml"), "utf8")).to.match(/^runtime: nodejs$/m);
  });
});
