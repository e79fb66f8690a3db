/**
 * `npm start`: runs every scenario in samples/ on the local interpreter against its stack's rendered definitions
 * (`dev` unless the scenario names another, e.g. `consumer`, whose loan-intake calls the credit-approval workflow
 * the prod stack shares), prints each execution and the summary line `N passed, M failed`, and exits non-zero when
 * any outcome differs from its scenario's expectation. Usage: `tsx cli/run-local.ts [scenario-name ...]`.
 * @see local/runner.ts for what runs for real and what is emulated.
 */
import { formatScenarioResult, formatSummary } from "../local/report";
import { LocalStack } from "../local/runner";
import { loadScenarios, runScenario, scenarioStack, type ScenarioResult } from "../local/scenarios";

async function main(names: string[]): Promise<number> {
  const scenarios = loadScenarios().filter((scenario) => names.length === 0 || names.includes(scenario.name));
  if (scenarios.length === 0) {
    console.error(`No scenario matches ${names.join(", ")}.`);
    return 2;
  }
  const results: ScenarioResult[] = [];
  for (const stackName of [...new Set(scenarios.map(scenarioStack))]) {
    const stack = await LocalStack.start({ stack: stackName });
    try {
      const producer = stack.producer ? `; calls the ${stack.producer.stack} stack (account ${stack.producer.config.accountId}), DynamoDB on ${stack.producer.dynamodb.endpoint}` : "";
      console.log(`Local runs of the ${stack.stack} stack (${stack.config.region}, account ${stack.config.accountId}); DynamoDB on ${stack.dynamodb.endpoint}${producer}\n`);
      for (const scenario of scenarios.filter((s) => scenarioStack(s) === stackName)) {
        const result = await runScenario(stack, scenario);
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

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    console.error(error instanceof Error ? error.message : error);
    process.exitCode = 2;
  },
);
