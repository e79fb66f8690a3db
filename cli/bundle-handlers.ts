/**
 * `npm run build:handlers [-- --minify] [--out <dir>]`: bundles every Lambda handler of the manifest
 * (`HANDLERS` of `infra/manifest.ts`) with esbuild, exactly as `pulumi up` packages it (`infra/bundle.ts`), into
 * `<dir>/<handler>/index.js` (default `dist/handlers/`, git-ignored), and prints each bundle's size in bytes and its
 * SHA-256. Exits 1, naming the entry file and esbuild's error, when a handler does not bundle.
 * @see https://docs.aws.amazon.com/lambda/latest/dg/nodejs-package.html
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { bundleHandler } from "../infra/bundle";
import { HANDLERS, HandlerName, PROJECT_ROOT } from "../infra/manifest";

const USAGE = "usage: npm run build:handlers [-- --minify] [--out <dir>]";

/** One bundled handler, as {@link bundleHandlers} wrote it. */
export interface WrittenBundle {
  handler: HandlerName;
  /** The absolute path of its `index.js`. */
  file: string;
  /** Its size, in bytes (UTF-8). */
  bytes: number;
  /** Lower-case hex SHA-256 of the code. */
  sha256: string;
}

/**
 * Bundles every handler of the manifest into `<outDir>/<handler>/index.js`.
 * @param outDir the output directory, created if missing.
 * @param options `minify`: minify the bundles (default false, as deployed).
 * @returns one entry per handler, in the manifest's order.
 * @throws Error naming the entry file when a handler does not bundle.
 */
export function bundleHandlers(outDir: string, options: { minify?: boolean } = {}): WrittenBundle[] {
  return (Object.keys(HANDLERS) as HandlerName[]).map((handler) => {
    const { code, sha256 } = bundleHandler(path.join(PROJECT_ROOT, HANDLERS[handler].entry), { minify: options.minify ?? false });
    const file = path.resolve(outDir, handler, "index.js");
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, code);
    return { handler, file, bytes: Buffer.byteLength(code, "utf8"), sha256 };
  });
}

function main(argv: string[]): number {
  let outDir = path.join(PROJECT_ROOT, "dist", "handlers");
  let minify = false;
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === "--minify") minify = true;
    else if (argv[i] === "--out" && argv[i + 1]) outDir = path.resolve(argv[++i]);
    else {
      console.error(`unknown argument ${JSON.stringify(argv[i])}\n${USAGE}`);
      return 2;
    }
  }
  const bundles = bundleHandlers(outDir, { minify });
  const width = Math.max(...bundles.map((b) => b.handler.length));
  for (const bundle of bundles) {
    console.log(`${bundle.handler.padEnd(width)}  ${String(bundle.bytes).padStart(9)} bytes  ${bundle.sha256.slice(0, 12)}  ${path.relative(process.cwd(), bundle.file)}`);
  }
  console.log(`${bundles.length} handlers, ${bundles.reduce((sum, b) => sum + b.bytes, 0)} bytes in ${path.relative(process.cwd(), outDir) || "."}`);
  return 0;
}

if (require.main === module) {
  try {
    process.exitCode = main(process.argv.slice(2));
  } catch (error) {
    console.error((error as Error).message);
    process.exitCode = 1;
  }
}
