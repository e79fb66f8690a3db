import { STATES_ERRORS, StatesError } from "./errors";
import { evaluateJsonataField, isJsonataTemplate, JsonataFieldError, type StatesBinding } from "./query/jsonata";
import { applyResultPath, definiteSegments, evaluateTemplate, PathNotFound, readPath, type PathEnvironment } from "./query/jsonpath";
import { type Frame, languageOf } from "./states/frame";
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

/** One State's processing: its name, definition, raw input and the context object it sees. */
export interface StateData {
  frame: Frame;
  name: string;
  state: State;
  /** The State's raw input. */
  input: Json;
  /** The id of its `…StateEntered` event, for error causes. */
  enteredEventId: number;
  /** The context object as this State sees it. */
  context: JsonObject;
  /** What the State's exit reports, shared by every copy of this State's data: the variables it assigned. */
  exit?: { assigned?: Record<string, Json> };
}

/** The context object of a State: `Execution`, `StateMachine`, `State`, and `Map`/`Task` where they apply. */
export function contextObject(frame: Frame, name: string, enteredTime: number, retryCount: number, token?: string): JsonObject {
  const context: JsonObject = {
    ...frame.run.contextBase,
    State: { EnteredTime: new Date(enteredTime).toISOString(), Name: name, RetryCount: retryCount },
  };
  if (token) context.Task = { Token: token };
  if (frame.mapItem) context.Map = { Item: frame.mapItem as unknown as JsonObject };
  return context;
}

/** What a path reads beside the input. */
export function pathEnvironment(data: StateData): PathEnvironment {
  return { context: data.context, variables: data.frame.variables };
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
 * itself); JSONata `Arguments` (or the State's input).
 */
export async function requestOf(data: StateData, effective: Json): Promise<Json> {
  if (languageOf(data.frame, data.state) === "JSONata") {
    return data.state.Arguments === undefined ? data.input : jsonataField(data, "Arguments", data.state.Arguments);
  }
  return data.state.Parameters === undefined ? effective : template(data, "Parameters", data.state.Parameters, effective);
}

/**
 * Ends a State's data flow once its work is done.
 * @param result the work's result (a Task's, Pass's Result or Parameters, a Map's or Parallel's list), or the
 *   effective input for States that produce none (Choice, Wait).
 * @param options `errorOutput` for a Catch, which uses the catcher's fields instead of the State's.
 * @returns the State's output; assigns the State's variables.
 * @throws StatesError for a path, template or JSONata failure; `States.DataLimitExceeded` for an output too large.
 */
export async function finish(
  data: StateData,
  result: Json,
  options: { hasResult: boolean; catcher?: { ResultPath?: string | null; Assign?: Json; Output?: Json }; errorOutput?: Json },
): Promise<{ output: Json; assigned?: Record<string, Json> }> {
  const { state } = data;
  const fields = options.catcher ?? state;
  let output: Json;
  let assigned: Record<string, Json> | undefined;
  if (languageOf(data.frame, state) === "JSONata") {
    const extra = options.errorOutput !== undefined ? { errorOutput: options.errorOutput } : options.hasResult ? { result } : {};
    if (fields.Assign !== undefined) assigned = (await jsonataField(data, "Assign", fields.Assign as Json, extra)) as Record<string, Json>;
    if (fields.Output !== undefined) output = await jsonataField(data, "Output", fields.Output as Json, extra);
    else output = options.errorOutput !== undefined ? options.errorOutput : options.hasResult ? result : data.input;
  } else {
    let selected = result;
    if (!options.catcher && options.hasResult && state.ResultSelector !== undefined) selected = template(data, "ResultSelector", state.ResultSelector, result);
    if (fields.Assign !== undefined) {
      // In JSONPath, Assign reads `$` as the State's result (after ResultSelector), or its input when it has none.
      const over = options.errorOutput !== undefined ? options.errorOutput : options.hasResult ? selected : data.input;
      assigned = template(data, "Assign", fields.Assign as Json, over) as Record<string, Json>;
    }
    const resultPath = "ResultPath" in fields ? (fields.ResultPath as string | null) : "$";
    output = options.hasResult || options.errorOutput !== undefined
      ? applyResultPath(data.input, resultPath, options.errorOutput ?? selected, () => `${statePrefix(data)} Unable to apply ResultPath '${resultPath}' to input '${compact(data.input)}'`)
      : result;
    if (!options.catcher) {
      const path = state.OutputPath;
      if (path === null) output = {};
      else if (path !== undefined) output = readField(data, "OutputPath", path, output);
    }
  }
  if (assigned) {
    data.frame.variables.assign(assigned);
    if (data.exit) data.exit.assigned = { ...(data.exit.assigned ?? {}), ...assigned };
  }
  checkSize(data, output, "output");
  return { output, assigned };
}

/**
 * @param what names the payload in the Cause: a Task's result is named by its Resource, as Step Functions does
 *   ("The state/task 'arn:aws:lambda:…' returned a result …"); anything else by the State.
 * @throws StatesError `States.DataLimitExceeded` for a payload over 256 KiB.
 */
export function checkSize(data: StateData, value: Json, what: string): void {
  const bytes = Buffer.byteLength(JSON.stringify(value ?? null), "utf8");
  if (bytes > MAX_PAYLOAD_BYTES) {
    const name = what === "result" && typeof data.state.Resource === "string" ? data.state.Resource : data.name;
    throw new StatesError(STATES_ERRORS.DataLimitExceeded, `The state/task '${name}' returned a result with a size exceeding the maximum number of bytes service limit.`);
  }
}
