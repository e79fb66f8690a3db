/**
 * `npm start`: runs every scenario in samples/ on the local interpreter against its stack's rendered definitions,
 * every call authorized against the policies of the stack's offline plan, prints each execution and the summary
 * line `N passed, M failed`, and exits non-zero when any outcome differs from its scenario's expectation.
 *
 * Usage: `tsx cli/run-local.ts [--stack <name>] [scenario-name ...]`. Scenarios run in their own stack (`dev`
 * unless the scenario names another, e.g. `consumer`, whose loan-intake calls the credit-approval workflow the
 * prod stack shares); `--stack prod` runs the scenarios that name no stack in `prod` instead of `dev`.
 * @see local/runner.ts for what runs for real and what is emulated.
 */
import { parseArgs } from "node:util";
import { planCache } from "../offline/plan-cache";
import { formatScenarioResult, formatSummary } from "../local/report";
import { LocalStack } from "../local/runner";
import { loadScenarios, runScenario, scenarioStack, type ScenarioResult } from "../local/scenarios";
import { startCommandLine } from "./runtime";

const USAGE = "usage: npm start -- [--stack <name>] [scenario-name ...]";

async function main(args: string[]): Promise<number> {
  let defaultStack: string | undefined;
  let names: string[];
  try {
    const parsed = parseArgs({ args, options: { stack: { type: "string", short: "s" } }, allowPositionals: true });
    defaultStack = parsed.values.stack;
    names = parsed.positionals;
  } catch (error) {
    console.error(`${(error as Error).message}\n${USAGE}`);
    return 2;
  }
  const scenarios = loadScenarios().filter((scenario) => names.length === 0 || names.includes(scenario.name));
  if (scenarios.length === 0) {
    console.error(`No scenario matches ${names.join(", ")}.`);
    return 2;
  }
  const stackOf = (scenario: (typeof scenarios)[number]) => (scenario.stack === undefined && defaultStack ? defaultStack : scenarioStack(scenario));
  const plans = planCache();
  const results: ScenarioResult[] = [];
  for (const stackName of [...new Set(scenarios.map(stackOf))]) {
    const stack = await LocalStack.start({ stack: stackName, plans });
    try {
      const producer = stack.producer ? `; calls the ${stack.producer.stack} stack (account ${stack.producer.config.accountId}), DynamoDB on ${stack.producer.dynamodb.endpoint}` : "";
      const http = stack.httpApi ?? stack.producer?.httpApi;
      console.log(`Local runs of the ${stack.stack} stack (${stack.config.region}, account ${stack.config.accountId}); DynamoDB on ${stack.dynamodb.endpoint}${producer}${http ? `; HTTP API on ${http.url}` : ""}; every call authorized against the plan's policies\n`);
      for (const scenario of scenarios.filter((s) => stackOf(s) === stackName)) {
        const result = await runScenario(stack, { ...scenario, stack: stackName });
        results.push(result);
        console.log(formatScenarioResult(result).join("\n") + "\n");
      }
    } finally {
      await stack.stop();
    }
  }
  console.log(formatSummary(results));
  return results.every((result) => result.passed) ? 0 : 1;
}

startCommandLine();
main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    console.error(error instanceof Error ? error.message : error);
    process.exitCode = 2;
  },
);
