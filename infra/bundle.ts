/**
 * Bundles Lambda handler sources into single-file CommonJS code for the Node.js 22 Lambda runtime.
 *
 * Each handler becomes one `index.js` exporting `handler`, so a function's handler setting is `index.handler`.
 * `@aws-sdk/*` stays external: the Node.js 22 runtime ships the AWS SDK for JavaScript v3, which keeps the bundles
 * small (the handlers only need `client-dynamodb` and `client-sfn`).
 *
 * @see https://esbuild.github.io/api/#build
 * @see https://docs.aws.amazon.com/lambda/latest/dg/nodejs-package.html
 */
import { createHash } from "node:crypto";
import { existsSync, statSync } from "node:fs";
import * as path from "node:path";
import * as pulumi from "@pulumi/pulumi";
import { buildSync, type BuildFailure } from "esbuild";

/** Options for {@link bundleHandler}. */
export interface BundleOptions {
  /**
   * Minify the output (identifiers, whitespace, syntax). Off by default so stack traces in CloudWatch stay
   * readable without source maps.
   * @default false
   * @see https://esbuild.github.io/api/#minify
   */
  minify?: boolean;
}

/** A bundled handler. */
export interface HandlerBundle {
  /** The CommonJS source of `index.js`, exporting `handler`. */
  code: string;
  /** Lower-case hex SHA-256 of `code` (UTF-8); changes exactly when the bundle changes. */
  sha256: string;
}

/** Module patterns left as `require(...)` calls because the Lambda runtime provides them. */
export const EXTERNAL_MODULES: readonly string[] = ["@aws-sdk/*"];

/** esbuild `target` matching the Lambda runtime `nodejs22.x`. */
export const NODE_TARGET = "node22";

const cache = new Map<string, HandlerBundle>();

/**
 * Bundles one handler entry file into a single CommonJS `index.js` source with esbuild's `buildSync`
 * (platform `node`, target `node22`, format `cjs`, `@aws-sdk/*` external, no source map, no legal comments).
 *
 * Results are memoised per absolute entry path and `minify` setting for the life of the process, so a Pulumi
 * program that asks for the same handler from several functions bundles it once. Edits made to the file after the
 * first call are not seen until the process restarts.
 *
 * @param entry - Path to the handler's TypeScript or JavaScript file, absolute or relative to the working directory.
 * @param options - See {@link BundleOptions}.
 * @returns `{code, sha256}` ({@link HandlerBundle}).
 * @throws {Error} When `entry` does not exist or is not a file, or esbuild reports an error (syntax error,
 *   unresolved import); the message names the absolute entry path and, for esbuild errors, each error's location.
 * @see https://esbuild.github.io/api/#build
 * @see https://docs.aws.amazon.com/lambda/latest/dg/nodejs-package.html
 */
export function bundleHandler(entry: string, options: BundleOptions = {}): HandlerBundle {
  const file = path.resolve(entry);
  const minify = options.minify ?? false;
  const key = `${file}\0${minify ? "min" : "plain"}`;
  const cached = cache.get(key);
  if (cached) return cached;

  if (!existsSync(file) || !statSync(file).isFile()) {
    throw new Error(`Cannot bundle handler ${file}: the file does not exist. Received entry: ${JSON.stringify(entry)}`);
  }
  let code: string;
  try {
    const result = buildSync({
      entryPoints: [file],
      bundle: true,
      write: false,
      platform: "node",
      target: NODE_TARGET,
      format: "cjs",
      external: [...EXTERNAL_MODULES],
      sourcemap: false,
      legalComments: "none",
      minify,
      logLevel: "silent",
    });
    const [output] = result.outputFiles;
    if (!output) throw new Error("esbuild produced no output file");
    code = output.text;
  } catch (error) {
    const failure = error as Partial<BuildFailure> & Error;
    const details = Array.isArray(failure.errors) && failure.errors.length > 0
      ? failure.errors
          .map((e) => (e.location ? `${e.location.file}:${e.location.line}:${e.location.column}: ${e.text}` : e.text))
          .join("; ")
      : failure.message;
    throw new Error(`Cannot bundle handler ${file}: ${details}`, { cause: error });
  }
  const bundle: HandlerBundle = { code, sha256: createHash("sha256").update(code, "utf8").digest("hex") };
  cache.set(key, bundle);
  return bundle;
}

/**
 * Packages a bundled handler as a Lambda deployment archive holding one file, `index.js`, so the function's handler
 * setting is `index.handler`. Pass it as `aws.lambda.Function`'s `code`.
 *
 * @param entry - Path to the handler's source file; see {@link bundleHandler}.
 * @param options - See {@link BundleOptions}.
 * @returns A `pulumi.asset.AssetArchive` of `{"index.js": StringAsset(code)}`.
 * @throws {Error} As {@link bundleHandler}.
 * @see https://docs.aws.amazon.com/lambda/latest/dg/nodejs-package.html
 * @see https://www.pulumi.com/docs/iac/concepts/assets-archives/
 */
export function handlerArchive(entry: string, options: BundleOptions = {}): pulumi.asset.AssetArchive {
  const { code } = bundleHandler(entry, options);
  return new pulumi.asset.AssetArchive({ "index.js": new pulumi.asset.StringAsset(code) });
}
