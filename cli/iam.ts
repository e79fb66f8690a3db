/**
 * `npm run -s iam -- <file.asl.json> [--substitutions subs.json] [--region R --account A --partition P]
 * [--name N] [--explain]`: derives the least-privilege execution-role policy of any ASL file and prints it as JSON,
 * alone on standard output; warnings go to standard error. Placeholders without a value become scoped wildcards.
 * `--explain` prints, per State, the statements it produced and why, before the document.
 *
 * Exit codes: 0 done, 1 a bad definition (unreadable, invalid, an unknown integration), 2 bad usage.
 * @see docs/iam-catalog.md
 */
import { readFileSync } from "node:fs";
import { parseArgs } from "node:util";
import { DefinitionError } from "../infra/definition/errors";
import { ArnContext, partitionOf } from "../infra/iam/arn";
import { Derivation } from "../infra/iam/derive";
import { INLINE_POLICY_LIMIT, policySize } from "../infra/iam/policy";
import { renderDefinition } from "../infra/render";
import { startCommandLine } from "./runtime";

const USAGE = "usage: npm run -s iam -- <file.asl.json> [--substitutions subs.json] [--region R] [--account A] [--partition P] [--name N] [--explain]";

/** What one run of the command printed, and its exit code. */
export interface IamCommandResult {
  code: number;
  stdout: string;
  stderr: string;
}

/**
 * Runs the `iam` command on its arguments, without touching the process: the entry point and the tests share it.
 * @param argv the arguments after the script name.
 * @returns the exit code and what goes to standard output and standard error.
 */
export function runIamCommand(argv: string[]): IamCommandResult {
  const stderr: string[] = [];
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        substitutions: { type: "string" },
        region: { type: "string" },
        account: { type: "string" },
        partition: { type: "string" },
        name: { type: "string" },
        explain: { type: "boolean" },
        help: { type: "boolean", short: "h" },
      },
    });
  } catch (error) {
    return { code: 2, stdout: "", stderr: `${(error as Error).message}\n${USAGE}\n` };
  }
  const { values, positionals } = parsed;
  if (values.help) return { code: 0, stdout: `${USAGE}\n`, stderr: "" };
  if (positionals.length !== 1) return { code: 2, stdout: "", stderr: `expected exactly one definition file\n${USAGE}\n` };
  if (values.account !== undefined && !/^\d{12}$/.test(values.account)) {
    return { code: 2, stdout: "", stderr: `--account must be a 12-digit account id, got "${values.account}"\n` };
  }
  if (!values.region) stderr.push("note: no --region: ARNs use * for the Region.");
  if (!values.account) stderr.push("note: no --account: ARNs use * for the account.");
  const region = values.region ?? "*";
  const context: ArnContext = { partition: values.partition ?? partitionOf(region), region, account: values.account ?? "*" };

  const [file] = positionals;
  let derivation: Derivation;
  try {
    const substitutions = values.substitutions ? readSubstitutions(values.substitutions) : {};
    ({ derivation } = renderDefinition(file, substitutions, context, { stateMachineName: values.name, allowUnresolved: true }));
  } catch (error) {
    if (error instanceof DefinitionError || error instanceof UsageError) return { code: 1, stdout: "", stderr: [...stderr, (error as Error).message, ""].join("\n") };
    throw error;
  }
  for (const warning of derivation.warnings) stderr.push(`warning: State "${warning.state}", ${warning.field}: ${warning.message}`);
  const size = policySize(derivation.document);
  if (size > INLINE_POLICY_LIMIT) {
    stderr.push(`note: the policy is ${size} characters, over IAM's ${INLINE_POLICY_LIMIT} for a role's inline policies: the Workflow component splits it into managed policies.`);
  }
  const document = JSON.stringify(derivation.document, null, 2);
  const stdout = values.explain ? `${formatExplanation(derivation)}\nPolicy document:\n${document}\n` : `${document}\n`;
  return { code: 0, stdout, stderr: stderr.length ? `${stderr.join("\n")}\n` : "" };
}

/**
 * Per State, the statements it produced and why, in document order.
 * @param derivation from {@link deriveExecutionPolicy}.
 * @returns readable text, one block per State.
 */
export function formatExplanation(derivation: Derivation): string {
  if (derivation.states.length === 0) return "No State needs a permission: the policy has no statement.\n";
  const blocks = derivation.states.map(({ state, resource, statements, reasons, delegated, notes }) => {
    const lines = [`State "${state}" (${resource})`];
    statements.forEach((statement, i) => {
      const condition = statement.Condition ? ` when ${JSON.stringify(statement.Condition)}` : "";
      lines.push(`  ${statement.Action.join(", ")}`, `    on ${statement.Resource.join(", ")}${condition}`, `    because ${reasons[i]}`);
    });
    for (const statement of delegated ?? []) {
      lines.push(`  delegated to the assumed role: ${statement.Action.join(", ")}`, `    on ${statement.Resource.join(", ")}`);
    }
    for (const note of notes ?? []) lines.push(`  ${note}`);
    for (const warning of derivation.warnings.filter((w) => w.state === state)) lines.push(`  warning (${warning.field}): ${warning.message}`);
    return lines.join("\n");
  });
  return `${blocks.join("\n\n")}\n`;
}

/** A problem with the command's own inputs (the substitutions file). */
class UsageError extends Error {}

function readSubstitutions(path: string): Record<string, string> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(path, "utf8"));
  } catch (error) {
    throw new UsageError(`${path}: cannot read the substitutions: ${(error as Error).message}`);
  }
  if (parsed === null || typeof parsed !== "object" || Array.isArray(parsed) || !Object.values(parsed).every((v) => typeof v === "string")) {
    throw new UsageError(`${path}: substitutions must be a JSON object of placeholder name → string value.`);
  }
  return parsed as Record<string, string>;
}

if (require.main === module) {
  startCommandLine();
  const result = runIamCommand(process.argv.slice(2));
  process.stdout.write(result.stdout);
  process.stderr.write(result.stderr);
  process.exitCode = result.code;
}
