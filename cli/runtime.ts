/**
 * What every command line does before its work, as a function its entry calls (never at import: tests import the
 * commands, and their failures need readable stacks).
 */

/**
 * Turns Node's source-map support off for the rest of the process. `tsx` turns it on, and then every Error and
 * every stack capture (Pulumi captures one per promise it tracks) maps its positions back to TypeScript, which
 * makes planning 200 workflows about a quarter slower (measured with `npm run bench`: 4.6 s against 3.5 s). The
 * commands print messages, never stacks, and a definition's own errors carry its file, line and column, so nothing
 * a user reads changes.
 * @see https://nodejs.org/api/process.html#processsetsourcemapsenabledval
 */
export function withoutSourceMaps(): void {
  process.setSourceMapsEnabled(false);
}

/**
 * Keeps the AWS SDK's Node.js version notice off the output. SDK releases of 2026 warn once per process that releases
 * after January 2027 will need Node.js 22; this project supports Node.js 20.19+, and its Lambda functions run on
 * `nodejs22.x`, so the notice says nothing a user of these commands can act on. A value the user set wins.
 * @see https://github.com/aws/aws-sdk-js-v3#node-js-versions
 */
export function withoutSdkNodeVersionNotice(): void {
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= "true";
}

/** What every command line's entry calls first: {@link withoutSourceMaps} and {@link withoutSdkNodeVersionNotice}. */
export function startCommandLine(): void {
  withoutSourceMaps();
  withoutSdkNodeVersionNotice();
}
