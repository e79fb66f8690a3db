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
import { parseStackArgs } from "./stack-args";

const USAGE = "usage: npm run check -- --stack <name> [--json] [--policy-pack-config <file>]";

async function main(): Promise<number> {
  const args = parseStackArgs(USAGE, ["policy-pack-config"]);
  if (typeof args === "number") return args;
  const result = await runCheck(args.stack, { configFile: args.options["policy-pack-config"] });
  console.log(args.json ? JSON.stringify(result, null, 2) : formatCheck(result));
  return result.mandatory > 0 ? 1 : 0;
}

main().then(
  // exitCode, not exit(): exit() would cut off standard output to a pipe after its first 64 KiB.
  (code) => {
    process.exitCode = code;
  },
  (error: Error) => {
    console.error(`check failed: ${error.message}`);
    process.exitCode = 1;
  },
);
