/**
 * `npm run -s sweep -- <directory or file>...`: runs `npm run iam` (in-process, {@link runIamCommand}) on every
 * definition found (`*.json`, `*.yaml`, `*.yml`, recursively) and sorts the outcomes: derived (exit 0), refused with
 * a message (exit 1), or broken — a crash, a stack trace in the output, another exit code, or a refusal whose
 * message is not one line that names the file. Prints one line per broken or refused file and the counts.
 *
 * Made for public definition sets this project does not ship (asl-validator's test vectors, aws-samples'
 * step-functions-workflows-collection): clone them and point the command at them.
 *
 * Exit codes: 0 when nothing broke, 1 when something did, 2 bad usage.
 */
import { readdirSync, statSync } from "node:fs";
import { basename, join, relative } from "node:path";
import { runIamCommand } from "./iam";
import { startCommandLine } from "./runtime";

/** The outcome of `iam` on one file. */
export interface SweepOutcome {
  file: string;
  outcome: "derived" | "refused" | "broken";
  /** refused: the message; broken: what is wrong. */
  detail?: string;
}

/** Definition-like files under a path, sorted. */
export function definitionFiles(path: string): string[] {
  if (!statSync(path).isDirectory()) return [path];
  return readdirSync(path, { withFileTypes: true })
    .filter((entry) => !entry.name.startsWith("."))
    .flatMap((entry) => (entry.isDirectory() ? definitionFiles(join(path, entry.name)) : /\.(json|ya?ml)$/.test(entry.name) ? [join(path, entry.name)] : []))
    .sort();
}

/** A stack frame, as Node prints one. */
const STACK_FRAME = /^\s+at .+(\(|:\d+:\d+)/m;

/**
 * Runs `iam` on one file and classifies what a user would see.
 * @param file a definition file.
 * @returns the outcome; a thrown error is caught and reported as broken.
 */
export function sweepFile(file: string): SweepOutcome {
  let result;
  try {
    result = runIamCommand([file]);
  } catch (error) {
    return { file, outcome: "broken", detail: `crashed: ${error instanceof Error ? `${error.name}: ${error.message}` : String(error)}` };
  }
  const output = `${result.stdout}${result.stderr}`;
  if (STACK_FRAME.test(output)) return { file, outcome: "broken", detail: `a stack trace in the output: ${output.slice(0, 300)}` };
  if (result.code === 0) return { file, outcome: "derived" };
  if (result.code !== 1) return { file, outcome: "broken", detail: `exit code ${result.code}: ${output.slice(0, 300)}` };
  const message = result.stderr.split("\n").filter((line) => line && !line.startsWith("note: ")).join("\n");
  if (!message.includes(basename(file))) return { file, outcome: "broken", detail: `the refusal does not name the file: ${message}` };
  return { file, outcome: "refused", detail: message };
}

/**
 * Runs the command on its arguments, without touching the process.
 * @returns the exit code and the report.
 */
export function runSweepCommand(argv: string[]): { code: number; stdout: string; outcomes: SweepOutcome[] } {
  if (argv.length === 0) return { code: 2, stdout: "usage: npm run -s sweep -- <directory or file>...\n", outcomes: [] };
  const outcomes = argv.flatMap(definitionFiles).map(sweepFile);
  const lines: string[] = [];
  for (const { file, outcome, detail } of outcomes) {
    if (outcome !== "derived") lines.push(`${outcome.toUpperCase()} ${relative(process.cwd(), file)}: ${detail?.split("\n")[0]}`);
  }
  const count = (outcome: SweepOutcome["outcome"]) => outcomes.filter((o) => o.outcome === outcome).length;
  lines.push(`${outcomes.length} definitions: ${count("derived")} derived (exit 0), ${count("refused")} refused with a message (exit 1), ${count("broken")} broken`);
  return { code: count("broken") > 0 ? 1 : 0, stdout: `${lines.join("\n")}\n`, outcomes };
}

if (require.main === module) {
  startCommandLine();
  const result = runSweepCommand(process.argv.slice(2));
  process.stdout.write(result.stdout);
  process.exitCode = result.code;
}
