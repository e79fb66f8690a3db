/**
 * `npm run check -- --stack <name> [--json] [--policy-pack-config <file>]`: the offline policy gate. Plans the
 * stack under mocks (as `npm run plan` does), runs every policy of `policies/` over it with the stack's
 * policy-pack config (`policies/config/<stack>.json` unless `--policy-pack-config` names another), and prints
 * the violations as `pulumi preview --policy-pack` does. `--json` prints the {@link CheckResult} instead.
 *
 * Exits 0 when no mandatory policy is violated, 1 when one is (or on any error: bad config file, bad stack
 * configuration, bad definition), 2 on bad usage.
 */
import { parseArgs } from "node:util";
import { formatCheck, runCheck } from "../offline/check";

const USAGE = "usage: npm run check -- --stack <name> [--json] [--policy-pack-config <file>]";

async function main(): Promise<number> {
  let values: { stack?: string; json?: boolean; help?: boolean; "policy-pack-config"?: string };
  try {
    ({ values } = parseArgs({
      options: { stack: { type: "string", short: "s" }, json: { type: "boolean" }, "policy-pack-config": { type: "string" }, help: { type: "boolean", short: "h" } },
    }));
  } catch (error) {
    console.error(`${(error as Error).message}\n${USAGE}`);
    return 2;
  }
  if (values.help) {
    console.log(USAGE);
    return 0;
  }
  if (!values.stack) {
    console.error(`--stack is required\n${USAGE}`);
    return 2;
  }
  const result = await runCheck(values.stack, { configFile: values["policy-pack-config"] });
  console.log(values.json ? JSON.stringify(result, null, 2) : formatCheck(result));
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
