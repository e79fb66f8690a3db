import { createHash, randomUUID } from "node:crypto";
import jsonata from "jsonata";
import { STATES_ERRORS, StatesError } from "../errors";
import type { Json, JsonObject } from "../types";

/**
 * JSONata as Step Functions evaluates it: `jsonata` 2.0.6 (the version the developer guide names), with the
 * functions Step Functions adds (`$partition`, `$range`, `$hash`, `$random`, `$uuid`, `$parse`) and without
 * `$eval`. A field value `"{% expression %}"` is evaluated; any other string is a literal.
 * @see https://docs.aws.amazon.com/step-functions/latest/dg/transforming-data.html
 */

/** The `$states` reserved variable of a JSONata state. */
export interface StatesBinding {
  input: Json;
  context: JsonObject;
  result?: Json;
  errorOutput?: Json;
}

const TEMPLATE = /^\{%(.*)%\}$/s;

/** Whether a string is a JSONata template `{% … %}`. */
export function isJsonataTemplate(value: unknown): value is string {
  return typeof value === "string" && TEMPLATE.test(value);
}

const HASH_ALGORITHMS: Record<string, string> = { MD5: "md5", "SHA-1": "sha1", "SHA-256": "sha256", "SHA-384": "sha384", "SHA-512": "sha512" };

/** A seeded generator (mulberry32) for `$random(seed)`: the same seed gives the same number. */
function seeded(seed: number): number {
  let t = (Math.trunc(seed) + 0x6d2b79f5) >>> 0;
  t = Math.imul(t ^ (t >>> 15), t | 1);
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
}

function fail(message: string): never {
  throw Object.assign(new Error(message), { stepFunctions: true });
}

const compiled = new Map<string, jsonata.Expression>();

function compile(source: string): jsonata.Expression {
  let expression = compiled.get(source);
  if (expression) return expression;
  expression = jsonata(source);
  expression.registerFunction(
    "partition",
    (array: Json[], size: number) => {
      if (!Array.isArray(array)) fail("The first argument of $partition must be an array");
      if (!Number.isInteger(size) || size <= 0) fail("The second argument of $partition must be a positive integer");
      const chunks: Json[][] = [];
      for (let i = 0; i < array.length; i += size) chunks.push(array.slice(i, i + size));
      return chunks;
    },
    "<an:a>",
  );
  expression.registerFunction(
    "range",
    (start: number, end: number, step: number) => {
      if (![start, end, step].every(Number.isInteger)) fail("The arguments of $range must be integers");
      if (step === 0) fail("The step of $range must not be 0");
      const out: number[] = [];
      for (let n = start; step > 0 ? n <= end : n >= end; n += step) {
        out.push(n);
        if (out.length > 1000) fail("$range produces at most 1000 items");
      }
      return out;
    },
    "<nnn:a>",
  );
  expression.registerFunction(
    "hash",
    (data: unknown, algorithm: string) => {
      const node = HASH_ALGORITHMS[algorithm];
      if (!node) fail(`The hash algorithm '${algorithm}' is not supported: use ${Object.keys(HASH_ALGORITHMS).join(", ")}`);
      const text = typeof data === "string" ? data : JSON.stringify(data);
      return createHash(node).update(text).digest("hex");
    },
    "<xs:s>",
  );
  expression.registerFunction("random", (seed?: number) => (seed === undefined ? Math.random() : seeded(seed)), "<n?:n>");
  expression.registerFunction("uuid", () => randomUUID(), "<:s>");
  expression.registerFunction(
    "parse",
    (text: string) => {
      try {
        return JSON.parse(text);
      } catch {
        fail(`The argument of $parse is not valid JSON: ${text}`);
      }
    },
    "<s:x>",
  );
  expression.registerFunction("eval", () => fail("The function $eval is not supported by Step Functions: use $parse"), "<x-:x>");
  compiled.set(source, expression);
  return expression;
}

/** A JSONata field that failed: the error, and the field where it failed (`Output`, `Arguments/Input/id`, ...). */
export class JsonataFieldError extends StatesError {
  constructor(cause: string, readonly location: string) {
    super(STATES_ERRORS.QueryEvaluationError, cause);
  }
}

/** Plain JSON out of a JSONata result (JSONata marks sequences with extra properties). */
function toJson(value: unknown): Json | undefined {
  if (value === undefined) return undefined;
  if (typeof value === "number" && !Number.isFinite(value)) return null;
  return JSON.parse(JSON.stringify(value)) as Json;
}

/**
 * Evaluates one JSONata expression (without the `{% %}`).
 * @param field where it appears, for the error (`Arguments`, `Output`, `Assign/total`, `Choices[0]/Condition`, ...).
 * @returns its value, or `undefined` when it returns nothing.
 * @throws JsonataFieldError (`States.QueryEvaluationError`), the Cause naming the expression, the field and
 *   JSONata's message; for a function value, which JSON cannot hold.
 */
export async function evaluateJsonata(source: string, states: StatesBinding, variables: Record<string, Json>, field: string): Promise<Json | undefined> {
  const text = source.trim();
  let expression: jsonata.Expression;
  try {
    expression = compile(source);
  } catch (error) {
    throw new JsonataFieldError(`The JSONata expression '${text}' specified for the field '${field}' is invalid: ${(error as Error).message}`, field);
  }
  let value: unknown;
  try {
    value = await expression.evaluate({}, { ...variables, states: states as unknown as JsonObject });
  } catch (error) {
    const { code, message } = error as { code?: string; message?: string };
    throw new JsonataFieldError(`An error occurred while evaluating the JSONata expression '${text}' specified for the field '${field}': ${code ? `${code}: ` : ""}${message ?? String(error)}`, field);
  }
  if (typeof value === "function") throw new JsonataFieldError(`The JSONata expression '${text}' specified for the field '${field}' returned an unsupported result type.`, field);
  return toJson(value);
}

/**
 * Evaluates a JSONata field: every string `{% … %}` inside it (at any depth of objects and arrays) is replaced by
 * its value. Nested fields are named with `/` before each key and `[i]` for each index (`Arguments/Items[0]/id`).
 * @throws JsonataFieldError (`States.QueryEvaluationError`) as {@link evaluateJsonata}; for any expression that
 *   returns nothing, at any depth (JSON has no undefined), naming the expression and its field.
 */
export async function evaluateJsonataField(template: Json, states: StatesBinding, variables: Record<string, Json>, field: string): Promise<Json> {
  return evaluateNode(template, states, variables, field);
}

async function evaluateNode(node: Json, states: StatesBinding, variables: Record<string, Json>, field: string): Promise<Json> {
  if (typeof node === "string") {
    const match = TEMPLATE.exec(node);
    if (!match) return node;
    const value = await evaluateJsonata(match[1], states, variables, field);
    if (value === undefined) throw new JsonataFieldError(`The JSONata expression '${match[1].trim()}' specified for the field '${field}' returned nothing (undefined).`, field);
    return value;
  }
  if (Array.isArray(node)) {
    const out: Json[] = [];
    for (const [index, item] of node.entries()) out.push(await evaluateNode(item, states, variables, `${field}[${index}]`));
    return out;
  }
  if (node !== null && typeof node === "object") {
    const out: JsonObject = {};
    for (const [key, value] of Object.entries(node)) out[key] = await evaluateNode(value, states, variables, `${field}/${key}`);
    return out;
  }
  return node;
}
