import { parseArgs } from "node:util";

/** The arguments every stack command takes, plus its own string options. */
export interface StackArgs {
  stack: string;
  json: boolean;
  /** The command's own string options, by name, when given. */
  options: Record<string, string | undefined>;
}

/** Where a command writes: standard output and standard error, or a test's capture. */
export interface CommandOutput {
  out(text: string): void;
  err(text: string): void;
}

/** The process's own standard output and error. */
export const CONSOLE: CommandOutput = { out: (text) => console.log(text), err: (text) => console.error(text) };

/**
 * Parses `--stack <name> [--json] [--help]` and a command's own string options, printing the usage where the
 * user asked for it or got it wrong (Node's `util.parseArgs`).
 * @param usage the command's usage line.
 * @param extra the names of the command's own string options (e.g. `policy-pack-config`).
 * @param args the command-line arguments. @default process.argv.slice(2)
 * @param output where the usage and errors go. @default the console
 * @returns the arguments, or the exit code to return: 0 after `--help`, 2 after bad usage (message on stderr).
 * @see https://nodejs.org/api/util.html#utilparseargsconfig
 */
export function parseStackArgs(usage: string, extra: string[] = [], args: string[] = process.argv.slice(2), output: CommandOutput = CONSOLE): StackArgs | number {
  let values: Record<string, string | boolean | undefined>;
  try {
    ({ values } = parseArgs({
      args,
      options: {
        stack: { type: "string", short: "s" },
        json: { type: "boolean" },
        help: { type: "boolean", short: "h" },
        ...Object.fromEntries(extra.map((name) => [name, { type: "string" as const }])),
      },
    }));
  } catch (error) {
    output.err(`${(error as Error).message}\n${usage}`);
    return 2;
  }
  if (values.help) {
    output.out(usage);
    return 0;
  }
  if (typeof values.stack !== "string") {
    output.err(`--stack is required\n${usage}`);
    return 2;
  }
  return { stack: values.stack, json: values.json === true, options: Object.fromEntries(extra.map((name) => [name, values[name] as string | undefined])) };
}
