/**
 * `npm run diagram -- --stack <name> [workflow] [--out DIR] [--execution <history.json>]`: draws the stack's
 * workflows, rendered for the stack as `pulumi up` deploys them (`renderWorkflow`; the consumer's calls of the
 * producer's shared workflows resolved from the producer's stack file), as SVG (laid out by Graphviz, `@viz-js/viz`)
 * and as Mermaid Markdown: `<DIR>/<workflow>.svg` and `<DIR>/<workflow>.md`, DIR defaulting to `docs/diagrams/`.
 *
 * With `--execution`, a JSON file of GetExecutionHistory events (an array, or `{ "events": [...] }` as the API and
 * `aws stepfunctions get-execution-history` answer, or the engine's `execution.history()`), the one workflow named
 * is drawn with the execution's path over it (succeeded States green, the failed State red, caught errors' edges
 * bold, retries, Map iterations and durations on the labels) as `<workflow>.execution.svg` and `.execution.md`,
 * beside the plain diagrams rather than over them.
 *
 * Exits 0 when the files were written, 2 on bad usage (unknown stack or workflow, a history file that cannot be read
 * or is not a history, or one whose States are not the workflow's), 1 when a diagram cannot be drawn.
 * @see https://docs.aws.amazon.com/step-functions/latest/apireference/API_GetExecutionHistory.html
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { parseArgs } from "node:util";
import { producerStackOf, readStackFile } from "../infra/config";
import { buildGraph, type DiagramGraph } from "../infra/diagram/graph";
import { toDot } from "../infra/diagram/dot";
import { toMermaid } from "../infra/diagram/mermaid";
import { type ExecutionOverlay, type HistoryEventLike, readOverlay } from "../infra/diagram/overlay";
import { renderSvg } from "../infra/diagram/svg";
import { PROJECT_ROOT, stackContents, WORKFLOWS, type WorkflowName } from "../infra/manifest";
import { Naming } from "../infra/naming";
import { renderWorkflow } from "../infra/render";
import { resolveSharedWorkflows, type SharedWorkflows, sharedWorkflowsOf } from "../infra/sharing";
import { CONSOLE, type CommandOutput } from "./stack-args";
import { startCommandLine } from "./runtime";

const USAGE = "usage: npm run diagram -- --stack <name> [workflow] [--out DIR] [--execution <history.json>]";

/** Where the diagrams go by default, relative to the project root. */
export const DEFAULT_OUT = path.join("docs", "diagrams");

/** Options of {@link main} for running it in-process. */
export interface DiagramRun {
  /** The directory of the stack files. @default the project root */
  root?: string;
}

/** A usage error: its message is printed with the usage, exit code 2. */
class UsageError extends Error {}

/**
 * The command, callable in-process.
 * @param argv the command-line arguments, e.g. `["--stack", "dev", "credit-approval", "--out", "/tmp/d"]`.
 * @param io where the written files' names, usage and errors go.
 * @param run in-process options (stack file directory).
 * @returns the exit code: 0 written, 1 a diagram could not be drawn, 2 bad usage.
 */
export async function main(argv: string[], io: CommandOutput = CONSOLE, run: DiagramRun = {}): Promise<number> {
  let parsed: Exclude<ReturnType<typeof parseCommand>, "help">;
  try {
    const result = parseCommand(argv, run.root);
    if (result === "help") {
      io.out(USAGE);
      return 0;
    }
    parsed = result;
  } catch (error) {
    if (error instanceof UsageError) {
      io.err(`${error.message}\n${USAGE}`);
      return 2;
    }
    throw error;
  }
  const { stack, workflows, out, overlay, executionFile } = parsed;
  let graphs: { workflow: WorkflowName; graph: DiagramGraph }[];
  try {
    graphs = renderGraphs(stack, workflows, run.root);
  } catch (error) {
    io.err(`diagram failed: ${(error as Error).message}`);
    return 1;
  }
  if (overlay) {
    const names = new Set(graphs[0].graph.states.map((state) => state.name));
    const foreign = Object.keys(overlay.states).filter((name) => !names.has(name));
    if (foreign.length > 0 && foreign.length === Object.keys(overlay.states).length) {
      io.err(`--execution ${executionFile}: none of its States (${foreign.join(", ")}) is a State of ${graphs[0].workflow}: is it another workflow's history?\n${USAGE}`);
      return 2;
    }
    if (foreign.length > 0) io.err(`warning: --execution ${executionFile}: States not in ${graphs[0].workflow}: ${foreign.join(", ")}`);
  }
  fs.mkdirSync(out, { recursive: true });
  try {
    for (const { workflow, graph } of graphs) {
      const base = path.join(out, overlay ? `${workflow}.execution` : workflow);
      const subtitle = `${stack} stack`;
      fs.writeFileSync(`${base}.svg`, await renderSvg(toDot(graph, { overlay, subtitle })));
      fs.writeFileSync(`${base}.md`, markdown(workflow, stack, path.basename(`${base}.svg`), toMermaid(graph, overlay), overlay));
      io.out(`wrote ${base}.svg ${base}.md`);
    }
  } catch (error) {
    io.err(`diagram failed: ${(error as Error).message}`);
    return 1;
  }
  return 0;
}

/**
 * The stack's workflows as graphs, each rendered as `pulumi up` renders it; for a consumer stack, the producer's
 * shared workflows come from the producer's stack file, as the local runner resolves them.
 * @throws StackConfigError, DefinitionError as `readStackFile` and `renderWorkflow` do.
 */
export function renderGraphs(stack: string, workflows: readonly WorkflowName[], root?: string): { workflow: WorkflowName; graph: DiagramGraph }[] {
  const { config } = readStackFile(stack, root);
  const naming = new Naming("statecraft", stack, { partition: config.partition, region: config.region, account: config.accountId });
  let shared: SharedWorkflows = {};
  const producer = producerStackOf(config);
  if (producer) {
    const { config: producerConfig } = readStackFile(producer.stack, root);
    const producerNaming = new Naming(producer.project, producer.stack, { partition: producerConfig.partition, region: producerConfig.region, account: producerConfig.accountId });
    shared = resolveSharedWorkflows(stack, config, sharedWorkflowsOf(producerConfig, producerNaming), stackContents(config.workflows, config.backupTables).sharedWorkflows);
  }
  return workflows.map((workflow) => {
    const { definition, substitutions } = renderWorkflow(workflow, naming, config.backupTables, shared);
    return { workflow, graph: buildGraph(definition, workflow, { substitutions }) };
  });
}

/** The Markdown page of a diagram: a title, the SVG's link and the Mermaid block. */
function markdown(workflow: string, stack: string, svg: string, mermaid: string, overlay: ExecutionOverlay | undefined): string {
  const what = overlay ? `an execution (${overlay.status}) of \`${workflow}\`` : `\`${workflow}\``;
  return [
    `# ${workflow}${overlay ? " (execution)" : ""}`,
    "",
    `${what[0].toUpperCase()}${what.slice(1)} as the ${stack} stack deploys it, generated by \`npm run diagram -- --stack ${stack} ${workflow}\`: do not edit.`,
    `The SVG, laid out by Graphviz, shows each Task's bound resources as tooltips: [${svg}](${svg}).`,
    "",
    "```mermaid",
    mermaid.trimEnd(),
    "```",
    "",
  ].join("\n");
}

/** Parses and checks the arguments, reading the stack file and the history. */
function parseCommand(argv: string[], root?: string) {
  let values: { stack?: string; out?: string; execution?: string; help?: boolean };
  let positionals: string[];
  try {
    ({ values, positionals } = parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        stack: { type: "string", short: "s" },
        out: { type: "string", short: "o" },
        execution: { type: "string", short: "e" },
        help: { type: "boolean", short: "h" },
      },
    }));
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  if (values.help) return "help" as const;
  if (!values.stack) throw new UsageError("--stack is required");
  if (positionals.length > 1) throw new UsageError(`at most one workflow, not ${positionals.length}: ${positionals.join(" ")}`);
  let config;
  try {
    ({ config } = readStackFile(values.stack, root));
  } catch (error) {
    throw new UsageError(`stack ${values.stack}: ${(error as Error).message}`);
  }
  const workflow = positionals[0];
  if (workflow !== undefined && !(workflow in WORKFLOWS)) throw new UsageError(`unknown workflow ${JSON.stringify(workflow)}: one of ${Object.keys(WORKFLOWS).join(", ")}`);
  if (workflow !== undefined && !config.workflows.includes(workflow as WorkflowName)) {
    throw new UsageError(`the ${values.stack} stack does not deploy ${workflow} (statecraft:workflows: ${config.workflows.join(", ")})`);
  }
  let overlay: ExecutionOverlay | undefined;
  if (values.execution !== undefined) {
    if (workflow === undefined) throw new UsageError("--execution needs the workflow the execution ran");
    overlay = readHistoryFile(values.execution);
  }
  return {
    stack: values.stack,
    workflows: workflow === undefined ? config.workflows : [workflow as WorkflowName],
    out: path.resolve(values.out ?? path.join(root ?? PROJECT_ROOT, DEFAULT_OUT)),
    overlay,
    executionFile: values.execution,
  };
}

/** Reads `--execution`'s history into its overlay; a usage error when it cannot. */
function readHistoryFile(file: string): ExecutionOverlay {
  let document: unknown;
  try {
    document = JSON.parse(fs.readFileSync(file, "utf8"));
  } catch (error) {
    throw new UsageError(`cannot read --execution ${file} as JSON: ${(error as Error).message}`);
  }
  const events = Array.isArray(document) ? document : (document as { events?: unknown } | null)?.events;
  if (!Array.isArray(events) || events.length === 0) {
    throw new UsageError(`--execution ${file} holds no GetExecutionHistory events: an array of them or { "events": [...] }`);
  }
  try {
    return readOverlay(events as HistoryEventLike[]);
  } catch (error) {
    throw new UsageError(`--execution ${file}: ${(error as Error).message}`);
  }
}

if (require.main === module) {
  startCommandLine();
  void main(process.argv.slice(2)).then((code) => {
    process.exitCode = code;
  });
}
