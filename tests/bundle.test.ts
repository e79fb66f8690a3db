import { expect } from "chai";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import * as pulumi from "@pulumi/pulumi";
import { bundleHandler, handlerArchive } from "../infra/bundle";

const HANDLERS = path.resolve(__dirname, "..", "handlers");

/**
 * Evaluates bundled code as a CommonJS module, as the Lambda runtime loads `index.js`.
 *
 * @returns The module's exports and every module name it required at load time.
 */
function loadBundle(code: string): { exports: Record<string, unknown>; required: string[] } {
  const required: string[] = [];
  const recordingRequire = (name: string): unknown => {
    required.push(name);
    return require(name);
  };
  const module = { exports: {} as Record<string, unknown> };
  new Function("module", "exports", "require", code)(module, module.exports, recordingRequire);
  return { exports: module.exports, required };
}

describe("bundleHandler", () => {
  it("bundles a handler into CommonJS code that exports a working handler function", async () => {
    const { code, sha256 } = bundleHandler(path.join(HANDLERS, "credit-limit.ts"));
    expect(sha256).to.match(/^[0-9a-f]{64}$/);
    const { exports, required } = loadBundle(code);
    expect(exports.handler).to.be.a("function");
    expect(required, "the shared lib is inlined, not required").to.deep.equal([]);
    const handler = exports.handler as (event: unknown) => Promise<unknown>;
    expect(await handler({ applicantId: "a", creditRequested: 5_050 })).to.deep.equal({ applicantId: "a", requested: 5_050, applied: 5_000 });
  });

  it("keeps @aws-sdk imports external as require calls the Lambda runtime satisfies", () => {
    for (const [entry, sdk] of [["backup-tables.ts", "@aws-sdk/client-dynamodb"], ["approval-callback.ts", "@aws-sdk/client-sfn"]]) {
      const { code } = bundleHandler(path.join(HANDLERS, entry));
      expect(code).to.contain(`require("${sdk}")`);
      expect(code, "no SDK source is inlined").not.to.match(/smithy/i);
      const { exports, required } = loadBundle(code);
      expect(exports.handler).to.be.a("function");
      expect(exports.createHandler).to.be.a("function");
      expect(required).to.include(sdk);
    }
  });

  it("bundles node: built-ins as requires and inlines nothing from them", () => {
    const { code } = bundleHandler(path.join(HANDLERS, "bureau-score.ts"));
    expect(code).to.match(/require\("(node:)?crypto"\)/);
    expect(loadBundle(code).exports.handler).to.be.a("function");
  });

  it("returns the memoised bundle for the same entry, however the path is spelled", () => {
    const first = bundleHandler(path.join(HANDLERS, "verify-address.ts"));
    const second = bundleHandler(path.relative(process.cwd(), path.join(HANDLERS, "verify-address.ts")));
    expect(second).to.equal(first);
  });

  it("minifies on request into smaller code with a different hash", () => {
    const plain = bundleHandler(path.join(HANDLERS, "validate-order.ts"));
    const minified = bundleHandler(path.join(HANDLERS, "validate-order.ts"), { minify: true });
    expect(minified.code.length).to.be.lessThan(plain.code.length);
    expect(minified.sha256).not.to.equal(plain.sha256);
    expect(loadBundle(minified.code).exports.handler).to.be.a("function");
  });

  it("throws an error naming the entry file when it does not exist", () => {
    const missing = path.join(HANDLERS, "no-such-handler.ts");
    expect(() => bundleHandler(missing)).to.throw(Error, missing);
  });

  it("throws an error naming the entry file and the location when esbuild fails", () => {
    const dir = mkdtempSync(path.join(tmpdir(), "statecraft-bundle-"));
    try {
      const broken = path.join(dir, "broken.ts");
      writeFileSync(broken, "export const handler = async () => {\n  return ;;; )\n};\n");
      expect(() => bundleHandler(broken)).to.throw(Error, new RegExp(`Cannot bundle handler ${broken.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}: .*broken\\.ts:2:`));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe("handlerArchive", () => {
  it("packages the bundle as a single index.js so the handler setting is index.handler", async () => {
    const entry = path.join(HANDLERS, "verify-identity.ts");
    const archive = handlerArchive(entry);
    expect(archive).to.be.instanceOf(pulumi.asset.AssetArchive);
    const assets = await archive.assets;
    expect(Object.keys(assets)).to.deep.equal(["index.js"]);
    const asset = assets["index.js"] as pulumi.asset.StringAsset;
    expect(asset).to.be.instanceOf(pulumi.asset.StringAsset);
    expect(await asset.text).to.equal(bundleHandler(entry).code);
  });
});
