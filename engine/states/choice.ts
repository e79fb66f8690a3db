import { STATES_ERRORS, StatesError } from "../errors";
import { effectiveInput, evaluationFailed, finish, jsonataField, pathEnvironment, type StateData, statePrefix } from "../dataflow";
import { PathNotFound, readPath } from "../query/jsonpath";
import type { Json } from "../types";
import { languageOf, type StateOutcome } from "./frame";

/**
 * Choice: the first rule that matches gives `Next` (and, with variables or JSONata, that rule's `Assign` and
 * `Output`); none matching takes `Default`, or fails with `States.NoChoiceMatched`. The State's own `Assign`
 * applies whichever rule matches (and with `Default`); a rule's `Assign` wins for a variable both assign.
 * JSONPath rules compare `Variable` with the comparison operators; JSONata rules evaluate `Condition`.
 * @see https://docs.aws.amazon.com/step-functions/latest/dg/state-choice.html
 * @throws StatesError `States.NoChoiceMatched`; `States.Runtime` for a rule whose Variable (or `…Path` operand)
 *   selects nothing; `States.QueryEvaluationError` for a Condition that is not a boolean.
 */
export function runChoice(data: StateData): StateOutcome | Promise<StateOutcome> {
  const { state, frame } = data;
  const rules = (state.Choices ?? []) as Rule[];
  if (languageOf(frame, state) === "JSONata") return runJsonataChoice(data, rules);
  // JSONPath: synchronous.
  const effective = effectiveInput(data);
  for (const rule of rules) {
    if (evaluateRule(data, rule, effective)) return chosen(data, rule, effective) as StateOutcome;
  }
  return byDefault(data, effective) as StateOutcome;
}

async function runJsonataChoice(data: StateData, rules: Rule[]): Promise<StateOutcome> {
  for (const [index, rule] of rules.entries()) {
    if (await condition(data, rule, index)) return chosen(data, rule, data.input);
  }
  return byDefault(data, data.input);
}

/** The State's `Assign` with a matching rule's: the State's applies whichever rule matches, the rule's wins per variable. */
const mergedAssign = new WeakMap<Rule, Json | undefined>();
function assignOf(state: { Assign?: Json; [field: string]: unknown }, rule: Rule): Json | undefined {
  if (mergedAssign.has(rule)) return mergedAssign.get(rule);
  const own = rule.Assign as Record<string, Json> | undefined;
  const outer = state.Assign as Record<string, Json> | undefined;
  let merged: Json | undefined = own ?? outer;
  if (own && outer && typeof own === "object" && typeof outer === "object") {
    const base = (key: string) => key.replace(/\.\$$/, "");
    const ruled = new Set(Object.keys(own).map(base));
    merged = { ...Object.fromEntries(Object.entries(outer).filter(([key]) => !ruled.has(base(key)))), ...own };
  }
  mergedAssign.set(rule, merged);
  return merged;
}

/** The outcome of a matching rule: its Next, with the State's and the rule's Assign, and the rule's Output. */
function chosen(data: StateData, rule: Rule, effective: Json): StateOutcome | Promise<StateOutcome> {
  const { state } = data;
  const finished = finish(data.with({ state: { ...state, Assign: assignOf(state, rule), Output: rule.Output ?? state.Output } }), effective, { hasResult: false });
  return finished instanceof Promise ? finished.then(({ output }) => ({ output, next: rule.Next })) : { output: finished.output, next: rule.Next };
}

/** No rule matched: `Default`, or `States.NoChoiceMatched`. */
function byDefault(data: StateData, effective: Json): StateOutcome | Promise<StateOutcome> {
  const { state } = data;
  if (state.Default === undefined) {
    throw new StatesError(STATES_ERRORS.NoChoiceMatched, `${statePrefix(data)} No Matches!`);
  }
  const finished = finish(data, effective, { hasResult: false });
  return finished instanceof Promise ? finished.then(({ output }) => ({ output, next: state.Default })) : { output: finished.output, next: state.Default };
}

interface Rule {
  Next?: string;
  Condition?: string;
  Variable?: string;
  And?: Rule[];
  Or?: Rule[];
  Not?: Rule;
  Assign?: Json;
  Output?: Json;
  [operator: string]: unknown;
}

async function condition(data: StateData, rule: Rule, index: number): Promise<boolean> {
  const value = await jsonataField(data, `Choices[${index}]/Condition`, rule.Condition ?? null);
  if (typeof value !== "boolean") {
    throw evaluationFailed(data, `The JSONata expression '${conditionText(rule.Condition)}' specified for the field 'Choices[${index}]/Condition' returned ${JSON.stringify(value)}, not a boolean.`, `Choices[${index}]/Condition`);
  }
  return value;
}

function conditionText(condition: unknown): string {
  const match = typeof condition === "string" ? /^\{%(.*)%\}$/s.exec(condition) : null;
  return match ? match[1].trim() : JSON.stringify(condition);
}

const RFC3339 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/;

function isTimestamp(value: Json): value is string {
  return typeof value === "string" && RFC3339.test(value) && !Number.isNaN(Date.parse(value));
}

/** `*` matches any run of characters; `\*` and `\\` are a literal `*` and `\`. */
function wildcard(pattern: string): RegExp {
  let source = "";
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i];
    if (c === "\\" && i + 1 < pattern.length) source += escape(pattern[++i]);
    else if (c === "*") source += ".*";
    else source += escape(c);
  }
  return new RegExp(`^${source}$`, "s");
}

function escape(c: string): string {
  return c.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&");
}

type Comparator = (a: Json, b: Json) => boolean;

const COMPARISONS: Record<string, Comparator> = {
  StringEquals: (a, b) => typeof a === "string" && a === b,
  StringLessThan: (a, b) => typeof a === "string" && typeof b === "string" && a < b,
  StringGreaterThan: (a, b) => typeof a === "string" && typeof b === "string" && a > b,
  StringLessThanEquals: (a, b) => typeof a === "string" && typeof b === "string" && a <= b,
  StringGreaterThanEquals: (a, b) => typeof a === "string" && typeof b === "string" && a >= b,
  NumericEquals: (a, b) => typeof a === "number" && a === b,
  NumericLessThan: (a, b) => typeof a === "number" && typeof b === "number" && a < b,
  NumericGreaterThan: (a, b) => typeof a === "number" && typeof b === "number" && a > b,
  NumericLessThanEquals: (a, b) => typeof a === "number" && typeof b === "number" && a <= b,
  NumericGreaterThanEquals: (a, b) => typeof a === "number" && typeof b === "number" && a >= b,
  BooleanEquals: (a, b) => typeof a === "boolean" && a === b,
  TimestampEquals: (a, b) => isTimestamp(a) && isTimestamp(b) && Date.parse(a) === Date.parse(b),
  TimestampLessThan: (a, b) => isTimestamp(a) && isTimestamp(b) && Date.parse(a) < Date.parse(b),
  TimestampGreaterThan: (a, b) => isTimestamp(a) && isTimestamp(b) && Date.parse(a) > Date.parse(b),
  TimestampLessThanEquals: (a, b) => isTimestamp(a) && isTimestamp(b) && Date.parse(a) <= Date.parse(b),
  TimestampGreaterThanEquals: (a, b) => isTimestamp(a) && isTimestamp(b) && Date.parse(a) >= Date.parse(b),
  StringMatches: (a, b) => typeof a === "string" && typeof b === "string" && wildcard(b).test(a),
};

const TYPE_TESTS: Record<string, (value: Json) => boolean> = {
  IsNull: (v) => v === null,
  IsNumeric: (v) => typeof v === "number",
  IsString: (v) => typeof v === "string",
  IsBoolean: (v) => typeof v === "boolean",
  IsTimestamp: (v) => isTimestamp(v),
};

/** The type tests and comparisons in the order rules are matched against them, listed once. */
const TYPE_TEST_LIST = Object.entries(TYPE_TESTS);
const COMPARISON_LIST = Object.entries(COMPARISONS).map(([operator, compare]) => [operator, `${operator}Path`, compare] as const);

/** Reads a rule's path. @throws StatesError `States.Runtime` when it selects nothing. */
function read(data: StateData, path: string, input: Json): Json {
  try {
    return readPath(path, input, pathEnvironment(data));
  } catch (error) {
    if (error instanceof PathNotFound) {
      throw new StatesError(STATES_ERRORS.Runtime, `${statePrefix(data)} Invalid path '${path}': The choice state's condition path references an invalid value.`);
    }
    throw error;
  }
}

/** Evaluates one JSONPath Choice rule (or a nested boolean expression) over the effective input. */
export function evaluateRule(data: StateData, rule: Rule, input: Json): boolean {
  if (rule.And) return rule.And.every((r) => evaluateRule(data, r, input));
  if (rule.Or) return rule.Or.some((r) => evaluateRule(data, r, input));
  if (rule.Not) return !evaluateRule(data, rule.Not, input);
  const variable = rule.Variable ?? "$";
  if ("IsPresent" in rule) {
    let present = true;
    try {
      readPath(variable, input, pathEnvironment(data));
    } catch (error) {
      if (!(error instanceof PathNotFound)) throw error;
      present = false;
    }
    return present === rule.IsPresent;
  }
  for (const [operator, test] of TYPE_TEST_LIST) {
    if (operator in rule) return test(read(data, variable, input)) === rule[operator];
  }
  for (const [operator, operatorPath, compare] of COMPARISON_LIST) {
    if (operator in rule) return compare(read(data, variable, input), rule[operator] as Json);
    if (operatorPath in rule) return compare(read(data, variable, input), read(data, rule[operatorPath] as string, input));
  }
  throw new StatesError(STATES_ERRORS.Runtime, `${statePrefix(data)} A Choice rule has no comparison operator: ${JSON.stringify(rule)}`);
}
