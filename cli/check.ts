/**
 * `npm run check -- --stack <name> [--json] [--policy-pack-config <file>]`: the offline policy gate. Plans the
 * stack under mocks (as `npm run plan` does), runs every policy of `policies/` over it with the stack's
 * policy-pack config (`policies/config/<stack>.json` unless `--policy-pack-config` names another), and prints
 * the violations as `pulumi preview --policy-pack` does. `--json` prints the {@link CheckResult} instead.
 *
 * Exits 0 when no mandatory policy is violated, 1 when one is (or on any error: bad config file, bad stack
 * configuration, bad definition), 2 on bad usage.
 */
import { formatCheck, runCheck } from "../offline/check";
import type { Plan } from "../offline/plan";
import { CONSOLE, type CommandOutput, parseStackArgs } from "./stack-args";
import { startCommandLine } from "./runtime";

const USAGE = "usage: npm run check -- --stack <name> [--json] [--policy-pack-config <file>]";

/**
 * The command itself, callable in-process (the tests do): parses the arguments, checks the stack and writes the
 * result.
 * @param args the command-line arguments, e.g. `["--stack", "prod", "--json"]`.
 * @param output where the result, usage and errors go.
 * @param plans where the stack's plan comes from. @default a fresh `runPlan`
 * @returns the exit code: 0 (no mandatory violation), 1 (one, or any error, written as `check failed: …`), 2 (bad
 *   usage).
 */
export async function checkCommand(args: string[], output: CommandOutput = CONSOLE, plans?: (stack: string) => Promise<Plan>): Promise<number> {
  const parsed = parseStackArgs(USAGE, ["policy-pack-config"], args, output);
  if (typeof parsed === "number") return parsed;
  try {
    const result = await runCheck(parsed.stack, { configFile: parsed.options["policy-pack-config"], plans });
    output.out(parsed.json ? JSON.stringify(result, null, 2) : formatCheck(result));
    return result.mandatory > 0 ? 1 : 0;
  } catch (error) {
    output.err(`check failed: ${(error as Error).message}`);
    return 1;
  }
}

if (require.main === module) {
  startCommandLine();
  // exitCode, not exit(): exit() would cut off standard output to a pipe after its first 64 KiB.
  void checkCommand(process.argv.slice(2)).then((code) => {
    process.exitCode = code;
  });
}
