import { STATES_ERRORS, StatesError } from "./errors";
import { evaluateJsonataField, isJsonataTemplate, JsonataFieldError, type StatesBinding } from "./query/jsonata";
import { applyResultPath, definiteSegments, evaluateTemplate, PathNotFound, readPath, type PathEnvironment } from "./query/jsonpath";
import { type Frame, languageOf } from "./states/frame";
import type { Variables } from "./query/variables";
import type { Json, JsonObject, State } from "./types";

/**
 * A State's data flow, in both query languages:
 * - JSONPath: InputPath → Parameters → (the work) → ResultSelector → Assign → ResultPath → OutputPath;
 * - JSONata: Arguments → (the work) → Assign and Output, both over `$states.input` and `$states.result`.
 * Assign is evaluated with the variables as they were before the State: what it assigns is seen by later States only.
 * @see https://docs.aws.amazon.com/step-functions/latest/dg/concepts-input-output-filtering.html
 * @see https://docs.aws.amazon.com/step-functions/latest/dg/workflow-variables.html
 */

/** The largest payload Step Functions accepts, in bytes (256 KiB). */
export const MAX_PAYLOAD_BYTES = 262144;

/**
 * One State's processing: its name, definition, raw input, and the context object it sees (built only when read:
 * by a `$$` path, a JSONata `$states.context`, a Task or a Map).
 */
export class StateData implements PathEnvironment {
  private built?: JsonObject;
  /** The State's first data, which its copies (a retry, a catch, a Choice rule) share. */
  readonly origin: StateData;
  /** The variables the State assigned, for its exit event (kept on {@link origin}). */
  assigned?: Record<string, Json>;

  constructor(
    readonly frame: Frame,
    readonly name: string,
    readonly state: State,
    /** The State's raw input. */
    readonly input: Json,
    /** The id of its `…StateEntered` event, for error causes. */
    readonly enteredEventId: number,
    /** When it was entered, on the execution's clock (ms). */
    readonly enteredTime: number,
    /** `$$.State.RetryCount`. */
    readonly retryCount = 0,
    /** `$$.Task.Token`, for a `.waitForTaskToken` Task. */
    readonly token?: string,
    origin?: StateData,
  ) {
    this.origin = origin ?? this;
  }

  /** The context object as this State sees it. */
  get context(): JsonObject {
    return (this.built ??= contextObject(this.frame, this.name, this.enteredTime, RETRYING.has(this.state.Type) ? this.retryCount : undefined, this.token));
  }

  /** The workflow variables the State reads. */
  get variables(): Variables {
    return this.frame.variables;
  }

  /** A copy with some fields changed (the context object is rebuilt when it would differ). */
  with(changes: { frame?: Frame; state?: State; retryCount?: number; token?: string }): StateData {
    const copy = new StateData(changes.frame ?? this.frame, this.name, changes.state ?? this.state, this.input, this.enteredEventId, this.enteredTime, changes.retryCount ?? this.retryCount, changes.token ?? this.token, this.origin);
    if (copy.frame === this.frame && copy.retryCount === this.retryCount && copy.token === this.token) copy.built = this.built;
    return copy;
  }
}

let isoTime = NaN;
let isoText = "";

/** A time as ISO 8601 text (the last one memoized: many States enter within the same millisecond). */
function iso(time: number): string {
  if (time !== isoTime) {
    isoText = new Date(time).toISOString();
    isoTime = time;
  }
  return isoText;
}

/** The State types that retry, whose `$$.State` carries `RetryCount` (a Pass's has only `EnteredTime` and `Name`). */
const RETRYING = new Set(["Task", "Parallel", "Map"]);

/**
 * The context object of a State: `Execution`, `StateMachine`, `State` (with `RetryCount` for the State types that
 * retry), and `Map`/`Task` where they apply.
 * @see https://docs.aws.amazon.com/step-functions/latest/dg/input-output-contextobject.html
 */
export function contextObject(frame: Frame, name: string, enteredTime: number, retryCount: number | undefined, token?: string): JsonObject {
  const base = frame.run.contextBase;
  const context: JsonObject = {
    Execution: base.Execution,
    StateMachine: base.StateMachine,
    State: retryCount === undefined ? { EnteredTime: iso(enteredTime), Name: name } : { EnteredTime: iso(enteredTime), Name: name, RetryCount: retryCount },
  };
  if (token) context.Task = { Token: token };
  if (frame.mapItem) context.Map = { Item: frame.mapItem as unknown as JsonObject };
  return context;
}

/** What a path reads beside the input: the State data is its own environment (the context object built lazily). */
export function pathEnvironment(data: StateData): PathEnvironment {
  return data;
}

/** The prefix of a States.Runtime Cause about a State: `An error occurred while executing the state 'X' (entered at the event id #N).` */
export function statePrefix(data: StateData): string {
  return `An error occurred while executing the state '${data.name}' (entered at the event id #${data.enteredEventId}).`;
}

function compact(value: Json): string {
  return JSON.stringify(value);
}

/**
 * Reads a JSONPath field (InputPath, OutputPath, ItemsPath, SecondsPath, ...) over a value.
 * @throws StatesError `States.Runtime`, Step Functions' Cause, when the path selects nothing.
 */
export function readField(data: StateData, field: string, path: string, over: Json): Json {
  try {
    return readPath(path, over, pathEnvironment(data));
  } catch (error) {
    if (error instanceof PathNotFound) {
      throw new StatesError(STATES_ERRORS.Runtime, `${statePrefix(data)} Invalid path '${path}' : No results for path: ${normalizedPath(path)}`);
    }
    throw prefixed(data, error);
  }
}

/**
 * A definite path as Jayway JsonPath prints it in "No results for path" (`$.a.b[0]` → `$['a']['b'][0]`), which
 * Step Functions quotes in its States.Runtime causes.
 */
export function normalizedPath(path: string): string {
  const variable = /^\$([A-Za-z_][A-Za-z0-9_]*)(.*)$/s.exec(path);
  const [root, tail] = path.startsWith("$$") ? ["$$", path.slice(2)] : variable && !path.startsWith("$.") && !path.startsWith("$[") ? [`$${variable[1]}`, variable[2]] : ["$", path.slice(1)];
  const segments = definiteSegments(tail);
  if (!segments) return path;
  return root + segments.map((segment) => (typeof segment === "number" ? `[${segment}]` : `['${segment}']`)).join("");
}

/** A States error from a State's field with Step Functions' prefix naming the State, unless it has one already. */
function prefixed(data: StateData, error: unknown): unknown {
  if (!(error instanceof StatesError) || (error.causeText ?? "").startsWith("An error occurred while executing the state")) return error;
  return new StatesError(error.error, `${statePrefix(data)} ${error.causeText ?? ""}`);
}

/** A payload template (Parameters, ResultSelector, ItemSelector, Assign in JSONPath) over a value. */
export function template(data: StateData, field: string, body: Json, over: Json): Json {
  try {
    return evaluateTemplate(body, over, pathEnvironment(data), (key, path) => `${statePrefix(data)} The JSONPath '${path}' specified for the field '${key}' could not be found in the input '${compact(over)}'`);
  } catch (error) {
    // An intrinsic function's failure ("Invalid arguments in States.MathAdd") gets the prefix naming the State.
    throw prefixed(data, error);
  }
}

/** The `$states` binding of a JSONata State. */
export function statesBinding(data: StateData, extra: { result?: Json; errorOutput?: Json } = {}): StatesBinding {
  return { input: data.input, context: data.context, ...extra };
}

/**
 * Evaluates a JSONata field, recording an `EvaluationFailed` event when it fails (as Step Functions does).
 * @throws StatesError `States.QueryEvaluationError`, its Cause prefixed with the State.
 */
export async function jsonataField(data: StateData, field: string, body: Json, extra: { result?: Json; errorOutput?: Json } = {}): Promise<Json> {
  try {
    return await evaluateJsonataField(body, statesBinding(data, extra), data.frame.variables.all(), field);
  } catch (error) {
    if (error instanceof JsonataFieldError) throw evaluationFailed(data, error.causeText ?? "", error.location);
    throw error;
  }
}

/**
 * Records an `EvaluationFailed` event for a JSONata field of a State.
 * @returns the `States.QueryEvaluationError` to throw, its Cause prefixed with the State.
 */
export function evaluationFailed(data: StateData, cause: string, location: string): StatesError {
  data.frame.run.history.add(data.frame.lane, {
    type: "EvaluationFailed",
    evaluationFailedEventDetails: { error: STATES_ERRORS.QueryEvaluationError, cause, location, state: data.name },
  });
  return new StatesError(STATES_ERRORS.QueryEvaluationError, `${statePrefix(data)} ${cause}`);
}

/** Whether a value is a JSONata `{% %}` string, or holds one at any depth. */
export function holdsJsonata(value: unknown): boolean {
  if (isJsonataTemplate(value)) return true;
  if (Array.isArray(value)) return value.some(holdsJsonata);
  if (value !== null && typeof value === "object") return Object.values(value).some(holdsJsonata);
  return false;
}

/** The effective input: JSONPath `InputPath` (null gives `{}`); a JSONata State's input as it is. */
export function effectiveInput(data: StateData): Json {
  if (languageOf(data.frame, data.state) === "JSONata") return data.input;
  const path = data.state.InputPath;
  if (path === null) return {};
  if (path === undefined) return data.input;
  return readField(data, "InputPath", path, data.input);
}

/**
 * The Task's, Map's or Parallel's request: JSONPath `Parameters` over the effective input (or the effective input
 * itself), synchronously; JSONata `Arguments` (or the State's input), a promise when there are Arguments.
 */
export function requestOf(data: StateData, effective: Json): Json | Promise<Json> {
  if (languageOf(data.frame, data.state) === "JSONata") {
    return data.state.Arguments === undefined ? data.input : jsonataField(data, "Arguments", data.state.Arguments);
  }
  return data.state.Parameters === undefined ? effective : template(data, "Parameters", data.state.Parameters, effective);
}

/** What ends a State's data flow: how the result was produced, and the Catcher when one caught an error. */
export interface FinishOptions {
  hasResult: boolean;
  catcher?: { ResultPath?: string | null; Assign?: Json; Output?: Json };
  errorOutput?: Json;
}

/** A State's output, and the variables it assigned. */
export interface Finished {
  output: Json;
  assigned?: Record<string, Json>;
}

/**
 * Ends a State's data flow once its work is done.
 * @param result the work's result (a Task's, Pass's Result or Parameters, a Map's or Parallel's list), or the
 *   effective input for States that produce none (Choice, Wait).
 * @param options `errorOutput` for a Catch, which uses the catcher's fields instead of the State's.
 * @returns the State's output; assigns the State's variables. Synchronously for a JSONPath State (see
 *   {@link finishPath}); a promise for a JSONata one.
 * @throws StatesError for a path, template or JSONata failure; `States.DataLimitExceeded` for an output too large.
 */
export function finish(data: StateData, result: Json, options: FinishOptions): Finished | Promise<Finished> {
  if (languageOf(data.frame, data.state) === "JSONata") return finishJsonata(data, result, options);
  return finishPath(data, result, options);
}

async function finishJsonata(data: StateData, result: Json, options: FinishOptions): Promise<Finished> {
  const fields = options.catcher ?? data.state;
  let output: Json;
  let assigned: Record<string, Json> | undefined;
  const extra = options.errorOutput !== undefined ? { errorOutput: options.errorOutput } : options.hasResult ? { result } : {};
  if (fields.Assign !== undefined) assigned = (await jsonataField(data, "Assign", fields.Assign as Json, extra)) as Record<string, Json>;
  if (fields.Output !== undefined) output = await jsonataField(data, "Output", fields.Output as Json, extra);
  else output = options.errorOutput !== undefined ? options.errorOutput : options.hasResult ? result : data.input;
  return finished(data, output, assigned);
}

/** {@link finish} for a JSONPath State: ResultSelector, Assign, ResultPath, OutputPath. */
export function finishPath(data: StateData, result: Json, options: FinishOptions): Finished {
  const { state } = data;
  const fields = options.catcher ?? state;
  let output: Json;
  let assigned: Record<string, Json> | undefined;
  let selected = result;
  if (!options.catcher && options.hasResult && state.ResultSelector !== undefined) selected = template(data, "ResultSelector", state.ResultSelector, result);
  if (fields.Assign !== undefined) {
    // In JSONPath, Assign reads `$` as the State's result (after ResultSelector), or its input when it has none.
    const over = options.errorOutput !== undefined ? options.errorOutput : options.hasResult ? selected : data.input;
    assigned = template(data, "Assign", fields.Assign as Json, over) as Record<string, Json>;
  }
  const resultPath = "ResultPath" in fields ? (fields.ResultPath as string | null) : "$";
  output = options.hasResult || options.errorOutput !== undefined ? resultPathOf(data, resultPath, options.errorOutput ?? selected) : result;
  if (!options.catcher) {
    const path = state.OutputPath;
    if (path === null) output = {};
    else if (path !== undefined) output = readField(data, "OutputPath", path, output);
  }
  return finished(data, output, assigned);
}

/** ResultPath over the State's input; its failure's Cause names the State, the path and the input. */
function resultPathOf(data: StateData, resultPath: string | null, result: Json): Json {
  try {
    return applyResultPath(data.input, resultPath, result);
  } catch (error) {
    if (error instanceof StatesError && error.error === STATES_ERRORS.ResultPathMatchFailure) {
      throw new StatesError(STATES_ERRORS.ResultPathMatchFailure, `${statePrefix(data)} Unable to apply ResultPath '${resultPath}' to input '${compact(data.input)}'`);
    }
    throw error;
  }
}

function finished(data: StateData, output: Json, assigned: Record<string, Json> | undefined): Finished {
  if (assigned) {
    data.frame.variables.assign(assigned);
    const origin = data.origin;
    origin.assigned = { ...(origin.assigned ?? {}), ...assigned };
  }
  checkSize(data, output, "output");
  return assigned ? { output, assigned } : { output };
}

/**
 * An upper bound of the UTF-8 bytes of a value's JSON text, cheap to take (no text is made): a string counts 6
 * bytes a character (`\uXXXX`), a number 24. Past `budget` it stops counting and returns what it has (more than
 * `budget`); a value JSON writes by `toJSON` (a Date) or cannot write (a bigint), and a value nested deeper than
 * 64 levels (it may be circular), count as Infinity.
 */
function sizeBound(value: unknown, budget: number, depth = 0): number {
  switch (typeof value) {
    case "string":
      return value.length * 6 + 2;
    case "number":
      return 24;
    case "boolean":
      return 5;
    case "object": {
      if (value === null) return 4;
      if (depth > 64 || typeof (value as { toJSON?: unknown }).toJSON === "function") return Infinity;
      let total = 2;
      if (Array.isArray(value)) {
        for (let i = 0; i < value.length && total <= budget; i++) total += sizeBound(value[i], budget - total, depth + 1) + 1;
        return total;
      }
      for (const key in value) {
        total += key.length * 6 + 4 + sizeBound((value as Record<string, unknown>)[key], budget - total, depth + 1);
        if (total > budget) return total;
      }
      return total;
    }
    case "undefined":
    case "function":
    case "symbol":
      return 4;
    default:
      return Infinity;
  }
}

/**
 * @param what names the payload in the Cause: a Task's result is named by its Resource, as Step Functions does
 *   ("The state/task 'arn:aws:lambda:…' returned a result …"); anything else by the State.
 * @param text the payload's JSON text, when the caller has it.
 * @throws StatesError `States.DataLimitExceeded` for a payload over 256 KiB.
 */
export function checkSize(data: StateData, value: Json, what: string, text?: string): void {
  // Most payloads are far below the limit: a cheap upper bound proves it without writing the text.
  if (text === undefined && sizeBound(value, MAX_PAYLOAD_BYTES) <= MAX_PAYLOAD_BYTES) return;
  const bytes = Buffer.byteLength(text ?? JSON.stringify(value ?? null), "utf8");
  if (bytes > MAX_PAYLOAD_BYTES) {
    const name = what === "result" && typeof data.state.Resource === "string" ? data.state.Resource : data.name;
    throw new StatesError(STATES_ERRORS.DataLimitExceeded, `The state/task '${name}' returned a result with a size exceeding the maximum number of bytes service limit.`);
  }
}
