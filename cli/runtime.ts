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
