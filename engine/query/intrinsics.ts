import { createHash, randomUUID } from "node:crypto";
import { STATES_ERRORS, StatesError } from "../errors";
import type { Json, JsonObject } from "../types";

/**
 * The intrinsic functions of JSONPath states (`"key.$": "States.Format('{}', $.x)"` in `Parameters`,
 * `ResultSelector`, `ItemSelector`, `Assign`, ...), with the results Step Functions gives, down to its quirks.
 *
 * Every failure is a `StatesError` whose Error is `States.Runtime` (what Step Functions reports for a failing
 * intrinsic, not `States.IntrinsicFailure`) and whose Cause is the part Step Functions puts after
 * "An error occurred while executing the state 'X' (entered at the event id #N). ": for a bad argument,
 * `Invalid arguments in States.<Name>`. The state that evaluates the field adds the prefix.
 *
 * Facts this module follows (the tests cite each source):
 * - `States.MathAdd` rounds each argument half up (Java `Math.round`) before adding: `MathAdd(1.5, 1.51)` is 4.
 * - `States.ArrayRange`, `ArrayPartition`, `ArrayGetItem` and `MathRandom` truncate fractional numbers toward zero.
 * - `States.StringSplit` splits on any of the delimiter's characters and drops empty strings (Java StringTokenizer).
 * - `States.StringToJson` gives `null` for an empty or blank string.
 * - `States.Format` renders an object argument as Java's `Map.toString` (`{a=1, b=[]}`) and `null` as `null`.
 * - `States.Base64Decode` decodes leniently (MIME): characters outside the alphabet are skipped, not an error.
 * @see https://docs.aws.amazon.com/step-functions/latest/dg/intrinsic-functions.html
 */

/** Options of {@link evaluateIntrinsic}: sources of randomness, replaceable for tests. */
export interface IntrinsicOptions {
  /** A number in [0, 1) for an unseeded `States.MathRandom`. @default Math.random */
  random?: () => number;
  /** A v4 UUID for `States.UUID`. @default crypto.randomUUID */
  uuid?: () => string;
}

/** Longest string `States.Base64Encode`, `States.Base64Decode` and `States.Hash` accept. */
const MAX_INPUT_CHARS = 10_000;
/** Most items `States.ArrayRange` may produce. */
const MAX_RANGE_ITEMS = 1000;
const HASH_ALGORITHMS: Record<string, string> = { MD5: "md5", "SHA-1": "sha1", "SHA-256": "sha256", "SHA-384": "sha384", "SHA-512": "sha512" };

/** One argument of a call, as parsed. */
type Argument =
  | { kind: "literal"; value: Json; raw?: string }
  | { kind: "path"; path: string }
  | { kind: "call"; call: Call };

/** A parsed call: `States.<name>(<args>)`. */
interface Call {
  name: string;
  args: Argument[];
}

const INTRINSIC_START = /^States\.[A-Za-z][A-Za-z0-9]*\s*\(/;

/**
 * True when a string value is an intrinsic function call: it starts with `States.`, a function name and `(`
 * (`States.Format(`, `States.UUID(`). Says nothing of whether the call is well formed.
 * @param value the value of a `.$` field.
 * @see https://docs.aws.amazon.com/step-functions/latest/dg/intrinsic-functions.html
 */
export function isIntrinsic(value: string): boolean {
  return INTRINSIC_START.test(value);
}

/**
 * Evaluates one intrinsic call, its nested calls first.
 * @param expression the call, e.g. `States.Format('{} {}', $.first, States.ArrayGetItem($.names, 0))`.
 *   Arguments are string literals in single quotes (escapes `\'`, `\{`, `\}`, `\\`), numbers (negative,
 *   fractional, exponent), `true`, `false`, `null`, paths (`$`, `$.a[0]`, `$$.Execution.Id`, `$var.x`) and calls.
 * @param resolvePath resolves a path argument to its value; it throws itself when the path selects nothing.
 * @param options sources of randomness for `States.MathRandom` (unseeded) and `States.UUID`.
 * @returns the call's JSON value.
 * @throws StatesError `States.Runtime`: cause `Invalid arguments in States.<Name>` for a wrong argument count,
 *   type or value (a 10,001-character Base64/Hash input, an ArrayRange of more than 1000 items, an index out of
 *   range, an unknown hash algorithm, `JsonMerge(a, b, true)`, invalid JSON in StringToJson, ...); cause
 *   `The value '<expression>' is not a valid intrinsic function call: <why>` when the expression does not parse
 *   or names a function Step Functions does not have.
 * @see https://docs.aws.amazon.com/step-functions/latest/dg/intrinsic-functions.html
 */
export function evaluateIntrinsic(expression: string, resolvePath: (path: string) => Json, options: IntrinsicOptions = {}): Json {
  let call = PARSED.get(expression);
  if (!call) {
    call = new Parser(expression).parseTop();
    if (PARSED.size >= MAX_PARSED) PARSED.clear();
    PARSED.set(expression, call);
  }
  return evaluateCall(call, resolvePath, options);
}

/** Calls parsed so far, by expression (they come from definitions; a parsed call is never changed). */
const PARSED = new Map<string, Call>();
/** Beyond this many distinct expressions the cache starts over. */
const MAX_PARSED = 10_000;

// ---------------------------------------------------------------------------------------------------------------
// Parsing

class Parser {
  private pos = 0;

  constructor(private readonly text: string) {}

  parseTop(): Call {
    this.skipSpace();
    const call = this.parseCall();
    this.skipSpace();
    if (this.pos !== this.text.length) this.fail(`unexpected '${this.text.slice(this.pos, this.pos + 10)}' after the call`);
    return call;
  }

  private fail(why: string): never {
    throw new StatesError(STATES_ERRORS.Runtime, `The value '${this.text}' is not a valid intrinsic function call: ${why}`);
  }

  private skipSpace(): void {
    while (this.pos < this.text.length && /\s/.test(this.text[this.pos])) this.pos++;
  }

  private parseCall(): Call {
    const match = /^States\.([A-Za-z][A-Za-z0-9]*)\s*\(/.exec(this.text.slice(this.pos));
    if (!match) this.fail(`expected 'States.<function>(' at position ${this.pos}`);
    const name = match[1];
    if (!(name in FUNCTIONS)) this.fail(`unknown function 'States.${name}'`);
    this.pos += match[0].length;
    const args: Argument[] = [];
    this.skipSpace();
    if (this.text[this.pos] === ")") {
      this.pos++;
      return { name, args };
    }
    for (;;) {
      this.skipSpace();
      args.push(this.parseArgument());
      this.skipSpace();
      const next = this.text[this.pos];
      if (next === ",") {
        this.pos++;
        continue;
      }
      if (next === ")") {
        this.pos++;
        return { name, args };
      }
      this.fail(next === undefined ? `missing ')' of States.${name}` : `expected ',' or ')' at position ${this.pos}`);
    }
  }

  private parseArgument(): Argument {
    const rest = this.text.slice(this.pos);
    const char = rest[0];
    if (char === undefined) this.fail("missing argument");
    if (char === "'") return this.parseString();
    if (char === "$") return { kind: "path", path: this.parsePath() };
    if (rest.startsWith("States.")) return { kind: "call", call: this.parseCall() };
    const number = /^-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?(?=\s*[,)])/.exec(rest);
    if (number) {
      this.pos += number[0].length;
      return { kind: "literal", value: normalizeZero(Number(number[0])) };
    }
    const word = /^(null|true|false)(?=\s*[,)])/.exec(rest);
    if (word) {
      this.pos += word[0].length;
      return { kind: "literal", value: word[1] === "null" ? null : word[1] === "true" };
    }
    this.fail(`invalid argument at position ${this.pos}`);
  }

  /** A single-quoted string: `\'`, `\{`, `\}`, `\\` are its only escapes; any other backslash is an error. */
  private parseString(): Argument {
    const start = this.pos;
    this.pos++;
    let value = "";
    for (;;) {
      const char = this.text[this.pos];
      if (char === undefined) this.fail("unterminated string literal");
      if (char === "'") {
        this.pos++;
        return { kind: "literal", value, raw: this.text.slice(start + 1, this.pos - 1) };
      }
      if (char === "\\") {
        const escaped = this.text[this.pos + 1];
        if (escaped !== "'" && escaped !== "{" && escaped !== "}" && escaped !== "\\") {
          this.fail(`open escape '\\${escaped ?? ""}' in a string literal (only \\', \\{, \\} and \\\\ are escapes)`);
        }
        value += escaped;
        this.pos += 2;
        continue;
      }
      value += char;
      this.pos++;
    }
  }

  /** A path runs to the next `,` or `)` outside brackets and quotes. */
  private parsePath(): string {
    const start = this.pos;
    let depth = 0;
    let quote: string | undefined;
    while (this.pos < this.text.length) {
      const char = this.text[this.pos];
      if (quote) {
        if (char === "\\") this.pos++;
        else if (char === quote) quote = undefined;
      } else if (char === "'" || char === '"') {
        if (depth === 0) this.fail(`unexpected quote in path at position ${this.pos}`);
        quote = char;
      } else if (char === "[" || char === "(") depth++;
      else if (char === "]" || (char === ")" && depth > 0)) depth--;
      else if (depth === 0 && (char === "," || char === ")")) break;
      this.pos++;
    }
    if (quote || depth !== 0) this.fail("unterminated path");
    return this.text.slice(start, this.pos).trim();
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Evaluation

/** What a function receives: its evaluated arguments, and for literal strings their source text. */
interface Invocation {
  name: string;
  values: Json[];
  args: Argument[];
  options: IntrinsicOptions;
}

function evaluateCall(call: Call, resolvePath: (path: string) => Json, options: IntrinsicOptions): Json {
  const values = call.args.map((arg): Json => {
    if (arg.kind === "literal") return arg.value;
    if (arg.kind === "path") return resolvePath(arg.path);
    return evaluateCall(arg.call, resolvePath, options);
  });
  return FUNCTIONS[call.name]({ name: call.name, values, args: call.args, options });
}

function invalid(name: string): StatesError {
  return new StatesError(STATES_ERRORS.Runtime, `Invalid arguments in States.${name}`);
}

function arity(call: Invocation, min: number, max = min): void {
  if (call.values.length < min || call.values.length > max) throw invalid(call.name);
}

function isObject(value: Json): value is JsonObject {
  return value !== null && typeof value === "object" && !Array.isArray(value);
}

function arrayArg(call: Invocation, index: number): Json[] {
  const value = call.values[index];
  if (!Array.isArray(value)) throw invalid(call.name);
  return value;
}

function stringArg(call: Invocation, index: number): string {
  const value = call.values[index];
  if (typeof value !== "string") throw invalid(call.name);
  return value;
}

function numberArg(call: Invocation, index: number): number {
  const value = call.values[index];
  if (typeof value !== "number" || !Number.isFinite(value)) throw invalid(call.name);
  return value;
}

/** A number as Java's `intValue()` takes it: the fraction dropped. */
function truncated(call: Invocation, index: number): number {
  return normalizeZero(Math.trunc(numberArg(call, index)));
}

/** A number as Java's `Math.round` takes it: half up, `-1.5` to `-1`. */
function roundedHalfUp(call: Invocation, index: number): number {
  return normalizeZero(Math.floor(numberArg(call, index) + 0.5));
}

function normalizeZero(value: number): number {
  return Object.is(value, -0) ? 0 : value;
}

/** Structural JSON equality: same type, same items in order, same fields in any order. */
function jsonEquals(a: Json, b: Json): boolean {
  if (a === b) return true;
  if (Array.isArray(a)) return Array.isArray(b) && a.length === b.length && a.every((item, i) => jsonEquals(item, b[i]));
  if (isObject(a)) {
    if (!isObject(b)) return false;
    const keys = Object.keys(a);
    return keys.length === Object.keys(b).length && keys.every((key) => Object.prototype.hasOwnProperty.call(b, key) && jsonEquals(a[key], b[key]));
  }
  return false;
}

/** A value as `States.Format` writes it: strings bare, `null` as `null`, objects and arrays as Java's toString. */
function formatValue(value: Json): string {
  if (value === null) return "null";
  if (typeof value === "string") return value;
  if (typeof value === "number" || typeof value === "boolean") return String(value);
  if (Array.isArray(value)) return `[${value.map(formatValue).join(", ")}]`;
  return `{${Object.entries(value).map(([key, item]) => `${key}=${formatValue(item)}`).join(", ")}}`;
}

/**
 * Splits a Format template into text and placeholders. A literal template is read from its source, where `\{`
 * and `\}` are literal braces; a template from a path has no escapes. A brace not part of `{}` is an error.
 */
function templateParts(call: Invocation): (string | null)[] {
  const arg = call.args[0];
  const source = arg.kind === "literal" && arg.raw !== undefined ? arg.raw : (call.values[0] as string);
  const escapes = arg.kind === "literal" && arg.raw !== undefined;
  const parts: (string | null)[] = [];
  let text = "";
  for (let i = 0; i < source.length; i++) {
    const char = source[i];
    if (escapes && char === "\\") {
      text += source[i + 1];
      i++;
    } else if (char === "{") {
      if (source[i + 1] !== "}") throw invalid(call.name);
      parts.push(text, null);
      text = "";
      i++;
    } else if (char === "}") {
      throw invalid(call.name);
    } else {
      text += char;
    }
  }
  parts.push(text);
  return parts;
}

/** `java.util.Random(seed).nextInt(bound)`: a seeded draw that repeats for the same seed. */
function seededInt(seed: number, bound: number): number {
  const mask = (1n << 48n) - 1n;
  const multiplier = 0x5deece66dn;
  let state = (BigInt(seed) ^ multiplier) & mask;
  const next = (bits: bigint): number => {
    state = (state * multiplier + 0xbn) & mask;
    return Number(BigInt.asIntN(32, state >> (48n - bits)));
  };
  if ((bound & -bound) === bound) return Number((BigInt(bound) * BigInt(next(31n))) >> 31n);
  for (;;) {
    const bits = next(31n);
    const value = bits % bound;
    if (bits - value + (bound - 1) <= 0x7fffffff) return value;
  }
}

const FUNCTIONS: Record<string, (call: Invocation) => Json> = {
  Format(call) {
    if (call.values.length < 1) throw invalid(call.name);
    stringArg(call, 0);
    const parts = templateParts(call);
    const placeholders = parts.filter((part) => part === null).length;
    if (placeholders !== call.values.length - 1) throw invalid(call.name);
    let index = 1;
    return parts.map((part) => (part === null ? formatValue(call.values[index++]) : part)).join("");
  },

  StringToJson(call) {
    arity(call, 1);
    const text = stringArg(call, 0);
    if (text.trim() === "") return null;
    try {
      return normalizeJson(JSON.parse(text) as Json);
    } catch {
      throw invalid(call.name);
    }
  },

  JsonToString(call) {
    arity(call, 1);
    return JSON.stringify(call.values[0]);
  },

  Array(call) {
    return [...call.values];
  },

  ArrayPartition(call) {
    arity(call, 2);
    const array = arrayArg(call, 0);
    const size = truncated(call, 1);
    if (size < 1) throw invalid(call.name);
    const chunks: Json[] = [];
    for (let i = 0; i < array.length; i += size) chunks.push(array.slice(i, i + size));
    return chunks;
  },

  ArrayContains(call) {
    arity(call, 2);
    const array = arrayArg(call, 0);
    return array.some((item) => jsonEquals(item, call.values[1]));
  },

  ArrayRange(call) {
    arity(call, 3);
    const start = truncated(call, 0);
    const end = truncated(call, 1);
    const step = truncated(call, 2);
    if (step === 0) throw invalid(call.name);
    const count = step > 0 ? (end >= start ? Math.floor((end - start) / step) + 1 : 0) : start >= end ? Math.floor((start - end) / -step) + 1 : 0;
    if (count > MAX_RANGE_ITEMS) throw invalid(call.name);
    return Array.from({ length: count }, (_, i) => start + i * step);
  },

  ArrayGetItem(call) {
    arity(call, 2);
    const array = arrayArg(call, 0);
    const index = truncated(call, 1);
    if (index < 0 || index >= array.length) throw invalid(call.name);
    return array[index];
  },

  ArrayLength(call) {
    arity(call, 1);
    return arrayArg(call, 0).length;
  },

  ArrayUnique(call) {
    arity(call, 1);
    const unique: Json[] = [];
    for (const item of arrayArg(call, 0)) if (!unique.some((kept) => jsonEquals(kept, item))) unique.push(item);
    return unique;
  },

  Base64Encode(call) {
    arity(call, 1);
    const text = stringArg(call, 0);
    if (text.length > MAX_INPUT_CHARS) throw invalid(call.name);
    return Buffer.from(text, "utf8").toString("base64");
  },

  Base64Decode(call) {
    arity(call, 1);
    const text = stringArg(call, 0);
    if (text.length > MAX_INPUT_CHARS) throw invalid(call.name);
    return Buffer.from(text, "base64").toString("utf8");
  },

  Hash(call) {
    arity(call, 2);
    const data = call.values[0];
    const text = typeof data === "string" ? data : data !== null && typeof data === "object" ? JSON.stringify(data) : String(data);
    const algorithm = HASH_ALGORITHMS[stringArg(call, 1)];
    if (!algorithm || text.length > MAX_INPUT_CHARS) throw invalid(call.name);
    return createHash(algorithm).update(text, "utf8").digest("hex");
  },

  JsonMerge(call) {
    arity(call, 3);
    const [first, second, deep] = call.values;
    if (!isObject(first) || !isObject(second) || deep !== false) throw invalid(call.name);
    return { ...first, ...second };
  },

  MathRandom(call) {
    arity(call, 2, 3);
    const start = truncated(call, 0);
    const end = truncated(call, 1);
    if (start >= end) throw invalid(call.name);
    const span = end - start;
    if (call.values.length === 3) {
      const seed = truncated(call, 2);
      if (span > 0x7fffffff) throw invalid(call.name);
      return start + seededInt(seed, span);
    }
    const draw = (call.options.random ?? Math.random)();
    return start + Math.min(span - 1, Math.floor(draw * span));
  },

  MathAdd(call) {
    arity(call, 2);
    return normalizeZero(roundedHalfUp(call, 0) + roundedHalfUp(call, 1));
  },

  StringSplit(call) {
    arity(call, 2);
    const text = stringArg(call, 0);
    const delimiters = new Set(stringArg(call, 1));
    const tokens: string[] = [];
    let token = "";
    for (const char of text) {
      if (delimiters.has(char)) {
        if (token) tokens.push(token);
        token = "";
      } else {
        token += char;
      }
    }
    if (token) tokens.push(token);
    return tokens;
  },

  UUID(call) {
    arity(call, 0);
    return (call.options.uuid ?? randomUUID)();
  },
};

/** Parsed JSON with `-0` written as `0`, as Step Functions writes it. */
function normalizeJson(value: Json): Json {
  if (typeof value === "number") return normalizeZero(value);
  if (Array.isArray(value)) return value.map(normalizeJson);
  if (isObject(value)) return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, normalizeJson(item)]));
  return value;
}
