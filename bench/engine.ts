import "./polyfills";
import { isDeepStrictEqual } from "node:util";
import { type RunOptions, StateMachine, type StateMachineDefinition as AnchorDefinition } from "aws-local-stepfunctions";
import { startExecution } from "../engine";
import type { Json, JsonObject, StateMachineDefinition } from "../engine/types";

/**
 * The engine's benchmark: executions per second of our ASL interpreter (`engine/`) beside the interpreter it
 * replaces, aws-local-stepfunctions 3 (the anchor), on the same definitions, inputs and Task results. Before any
 * timing each definition runs once on both and their outputs must be equal, or the bench fails.
 *
 * Both do the same work: Tasks are local functions (ours: `taskHandler`; the anchor:
 * `overrides.taskResourceLocalHandlers`), and nothing sleeps (ours: its default virtual clock; the anchor: every
 * Wait and retry interval overridden to 0 ms). The anchor's definition is not validated
 * (`validationOptions: { noValidate: true }`) and its `StateMachine` is built once, outside the timed loop.
 */

/** Our executions per second over the anchor's (issue 12). */
export const TARGET_ENGINE_RATIO = 3;

/** A Task's local implementation: the Task's effective input in, its result out (or a thrown Error: `name` is the ASL Error). */
type LocalTask = (input: Json) => Promise<Json>;

/** One definition of the engine bench. */
export interface EngineCase {
  label: string;
  definition: StateMachineDefinition;
  input: Json;
  /** The Tasks' local implementations by State name, fresh for each execution (they may keep per-execution state). */
  tasks: () => Record<string, LocalTask>;
}

/** An Error whose `name` is the ASL Error both engines report. */
class TaskError extends Error {
  constructor(name: string, message: string) {
    super(message);
    this.name = name;
  }
}

const lambda = (name: string) => `arn:aws:lambda:us-east-1:123456789012:function:bench-${name}`;

/**
 * 13 States: Pass with intrinsic functions, a Choice, a Task, a Parallel (a Task and a Pass), a Wait, an inline
 * Map of 3 items whose Task fails once per item and is retried, then a summary Pass and a Succeed.
 */
export const THIRTEEN_STATES: EngineCase = {
  label: "13-state",
  definition: {
    Comment: "bench: Choice, Parallel, an inline Map with a Retry, intrinsic functions, local Tasks",
    StartAt: "Init",
    States: {
      Init: {
        Type: "Pass",
        Parameters: {
          "orderId.$": "$.orderId",
          "items.$": "$.items",
          "count.$": "States.ArrayLength($.items)",
          "title.$": "States.Format('Order {} for {}', $.orderId, $.customer.name)",
          "next.$": "States.MathAdd($.customer.visits, 1)",
          "tags.$": "States.Array($.customer.tier, 'bench')",
        },
        Next: "Route",
      },
      Route: { Type: "Choice", Choices: [{ Variable: "$.count", NumericGreaterThanEquals: 3, Next: "Enrich" }], Default: "Small" },
      Small: { Type: "Pass", Result: { discount: 0 }, ResultPath: "$.enriched", Next: "Fanout" },
      Enrich: {
        Type: "Task",
        Resource: lambda("enrich"),
        Parameters: { "orderId.$": "$.orderId", "count.$": "$.count" },
        ResultSelector: { "discount.$": "$.discount" },
        ResultPath: "$.enriched",
        Next: "Fanout",
      },
      Fanout: {
        Type: "Parallel",
        Branches: [
          { StartAt: "Price", States: { Price: { Type: "Task", Resource: lambda("price"), Parameters: { "items.$": "$.items" }, End: true } } },
          { StartAt: "Label", States: { Label: { Type: "Pass", Parameters: { "label.$": "States.Format('{} ({} items)', $.title, $.count)", "first.$": "States.ArrayGetItem($.tags, 0)" }, End: true } } },
        ],
        ResultSelector: { "total.$": "$[0].total", "label.$": "$[1].label", "tier.$": "$[1].first" },
        ResultPath: "$.summary",
        Next: "Pause",
      },
      Pause: { Type: "Wait", Seconds: 5, Next: "Lines" },
      Lines: {
        Type: "Map",
        ItemsPath: "$.items",
        ItemSelector: { "sku.$": "$$.Map.Item.Value.sku", "qty.$": "$$.Map.Item.Value.qty", "index.$": "$$.Map.Item.Index" },
        ItemProcessor: {
          ProcessorConfig: { Mode: "INLINE" },
          StartAt: "Reserve",
          States: {
            Reserve: {
              Type: "Task",
              Resource: lambda("reserve"),
              Retry: [{ ErrorEquals: ["Inventory.Busy"], IntervalSeconds: 2, MaxAttempts: 2, BackoffRate: 2 }],
              ResultPath: "$.reservation",
              Next: "Shape",
            },
            Shape: {
              Type: "Pass",
              Parameters: { "line.$": "States.Format('{} x{}', $.sku, $.qty)", "slot.$": "States.MathAdd($.index, 100)", "reservation.$": "$.reservation.id" },
              End: true,
            },
          },
        },
        ResultPath: "$.lines",
        Next: "Summarize",
      },
      Summarize: {
        Type: "Pass",
        Parameters: {
          "orderId.$": "$.orderId",
          "title.$": "$.title",
          "label.$": "$.summary.label",
          "tier.$": "$.summary.tier",
          "lines.$": "$.lines",
          "lineCount.$": "States.ArrayLength($.lines)",
          "tagged.$": "States.ArrayContains($.tags, 'bench')",
          "due.$": "States.MathAdd($.summary.total, $.enriched.discount)",
          "visits.$": "$.next",
        },
        Next: "Done",
      },
      Done: { Type: "Succeed" },
    },
  },
  input: {
    orderId: "A-1042",
    customer: { name: "Ada", tier: "gold", visits: 41 },
    items: [
      { sku: "kettle", qty: 1, price: 30 },
      { sku: "mug", qty: 4, price: 6 },
      { sku: "tea", qty: 2, price: 9 },
    ],
  },
  tasks: () => {
    const busy = new Set<string>();
    return {
      Enrich: async (input) => ({ orderId: (input as JsonObject).orderId, discount: -((input as JsonObject).count as number), audit: "enriched" }),
      Price: async (input) => ({ total: ((input as JsonObject).items as JsonObject[]).reduce((sum, item) => sum + (item.qty as number) * (item.price as number), 0) }),
      Reserve: async (input) => {
        const sku = (input as JsonObject).sku as string;
        // Fails once per item, then succeeds: each item is retried once.
        if (!busy.has(sku)) {
          busy.add(sku);
          throw new TaskError("Inventory.Busy", `${sku} is being counted`);
        }
        return { id: `r-${sku}`, held: (input as JsonObject).qty };
      },
    };
  },
};

/** 10 Pass States in a row, the last one ending the execution. (Results start at 1: aws-local-stepfunctions 3 ignores a falsy `Result`.) */
export const TEN_PASSES: EngineCase = {
  label: "10-Pass",
  definition: {
    StartAt: "Pass 0",
    States: Object.fromEntries(
      Array.from({ length: 10 }, (_, i) => [`Pass ${i}`, { Type: "Pass" as const, Result: i + 1, ResultPath: `$.step${i}`, ...(i === 9 ? { End: true } : { Next: `Pass ${i + 1}` }) }]),
    ),
  },
  input: { orderId: "A-1042" },
  tasks: () => ({}),
};

/** The bench's definitions, in the order it prints them. */
export const ENGINE_CASES: EngineCase[] = [THIRTEEN_STATES, TEN_PASSES];

/** Runs one execution on our engine (default virtual clock). @throws Error when it does not succeed. */
export async function runStatecraft(bench: EngineCase): Promise<Json> {
  const tasks = bench.tasks();
  const execution = startExecution(bench.definition, bench.input, {
    taskHandler: ({ stateName, input }) => {
      const task = tasks[stateName];
      if (!task) throw new Error(`bench: no local Task named ${stateName}`);
      return task(input);
    },
  });
  const result = await execution.result;
  if (result.status !== "SUCCEEDED") throw new Error(`bench: statecraft's ${bench.label} execution ended ${result.status}: ${result.error} ${result.cause ?? ""}`);
  return result.output as Json;
}

/** Every State of a definition with its name, Parallel branches and Map processors included. */
function statesOf(definition: StateMachineDefinition): [string, JsonObject][] {
  return Object.entries(definition.States).flatMap(([name, state]) => {
    const nested = [...((state.Branches as StateMachineDefinition[] | undefined) ?? []), ...(state.ItemProcessor ? [state.ItemProcessor as StateMachineDefinition] : [])];
    return [[name, state as unknown as JsonObject] as [string, JsonObject], ...nested.flatMap(statesOf)];
  });
}

/** The anchor's machine for a case, built once with validation off, and its overrides: every Wait and retry interval at 0 ms. */
export function anchorMachine(bench: EngineCase): { machine: StateMachine; overrides: Omit<NonNullable<RunOptions["overrides"]>, "taskResourceLocalHandlers"> } {
  const states = statesOf(bench.definition);
  const zero = (matches: (state: JsonObject) => boolean) => Object.fromEntries(states.filter(([, state]) => matches(state)).map(([name]) => [name, 0]));
  return {
    machine: new StateMachine(bench.definition as unknown as AnchorDefinition, { validationOptions: { noValidate: true } }),
    overrides: { waitTimeOverrides: zero((state) => state.Type === "Wait"), retryIntervalOverrides: zero((state) => Array.isArray(state.Retry)) },
  };
}

/** Runs one execution on aws-local-stepfunctions. @throws Error when it fails. */
export async function runAnchor(bench: EngineCase, anchor: ReturnType<typeof anchorMachine>): Promise<Json> {
  const tasks = bench.tasks();
  const execution = anchor.machine.run(bench.input as Parameters<StateMachine["run"]>[0], { overrides: { ...anchor.overrides, taskResourceLocalHandlers: tasks as NonNullable<RunOptions["overrides"]>["taskResourceLocalHandlers"] } });
  return (await execution.result) as Json;
}

/**
 * Runs a case once on both engines.
 * @returns the output both produced.
 * @throws Error naming both outputs when they differ.
 */
export async function agreedOutput(bench: EngineCase, anchor = anchorMachine(bench)): Promise<Json> {
  const ours = await runStatecraft(bench);
  const theirs = await runAnchor(bench, anchor);
  if (!isDeepStrictEqual(ours, theirs)) {
    throw new Error(`bench: the engines disagree on ${bench.label}:\n  statecraft              ${JSON.stringify(ours)}\n  aws-local-stepfunctions ${JSON.stringify(theirs)}`);
  }
  return ours;
}

/** One case's figures: executions per second of each engine. */
export interface EngineTiming {
  label: string;
  ours: number;
  anchor: number;
}

/** Options of {@link engineTimings}. */
export interface EngineTimingOptions {
  /** Timed milliseconds per engine and case. @default 2000 */
  budgetMs?: number;
  /** Untimed warm-up milliseconds per engine and case. @default 300 */
  warmUpMs?: number;
  /** The timed budget is split into this many slices, the engines alternating, so drift favours neither. @default 4 */
  slices?: number;
}

/** Runs `run` back to back (one execution at a time) for `ms`; returns how many executions completed and the time they took. */
async function repeatFor(ms: number, run: () => Promise<unknown>): Promise<{ count: number; elapsed: number }> {
  const start = performance.now();
  let count = 0;
  let now = start;
  while (now - start < ms) {
    await run();
    count++;
    now = performance.now();
  }
  return { count, elapsed: now - start };
}

/**
 * Checks that both engines agree on every case, then times each: warm-up, then a fixed time budget per engine.
 * @throws Error when the engines' outputs differ or an execution fails.
 */
export async function engineTimings(options: EngineTimingOptions = {}): Promise<EngineTiming[]> {
  const { budgetMs = 2000, warmUpMs = 300, slices = 4 } = options;
  const timings: EngineTiming[] = [];
  for (const bench of ENGINE_CASES) {
    const anchor = anchorMachine(bench);
    await agreedOutput(bench, anchor);
    const ours = () => runStatecraft(bench);
    const theirs = () => runAnchor(bench, anchor);
    await repeatFor(warmUpMs, ours);
    await repeatFor(warmUpMs, theirs);
    const totals = { ours: { count: 0, elapsed: 0 }, theirs: { count: 0, elapsed: 0 } };
    for (let slice = 0; slice < slices; slice++) {
      for (const [key, run] of slice % 2 === 0 ? ([["ours", ours], ["theirs", theirs]] as const) : ([["theirs", theirs], ["ours", ours]] as const)) {
        const { count, elapsed } = await repeatFor(budgetMs / slices, run);
        totals[key].count += count;
        totals[key].elapsed += elapsed;
      }
    }
    timings.push({ label: bench.label, ours: (totals.ours.count * 1000) / totals.ours.elapsed, anchor: (totals.theirs.count * 1000) / totals.theirs.elapsed });
  }
  return timings;
}

/** The section `npm run bench` prints: one line per case, ours beside the anchor and the ratio against the target. */
export function engineReport(timings: EngineTiming[]): string[] {
  return [
    `engine (executions per second, one at a time, after warm-up; anchor: aws-local-stepfunctions 3, validation off, waits and retries at 0 ms; outputs checked equal first)`,
    ...timings.map(({ label, ours, anchor }) => {
      const ratio = ours / anchor;
      return `  engine ${label.padEnd(9)} statecraft ${ours.toFixed(0).padStart(6)} exec/s  aws-local-stepfunctions ${anchor.toFixed(0).padStart(6)} exec/s  ${ratio.toFixed(1)}× (target ≥ ${TARGET_ENGINE_RATIO}×: ${ratio >= TARGET_ENGINE_RATIO ? "met" : "MISSED"})`;
    }),
  ];
}

if (require.main === module) {
  engineTimings()
    .then((timings) => console.log(engineReport(timings).join("\n")))
    .catch((error: Error) => {
      console.error(`bench failed: ${error.stack ?? error.message}`);
      process.exit(1);
    });
}
