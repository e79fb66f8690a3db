import { JSONPath } from "jsonpath-plus";
import { STATES_ERRORS, StatesError } from "../errors";
import type { Json, JsonObject } from "../types";
import { evaluateIntrinsic, isIntrinsic } from "./intrinsics";
import type { Variables } from "./variables";

/**
 * JSONPath as Step Functions evaluates it (Jayway JsonPath semantics): reference paths, the `$$` context object,
 * `$name` workflow variables, payload templates with `.$` keys and intrinsic functions, and ResultPath.
 *
 * Definite paths (`$.a.b[0]`, `$['a']`) are walked here: a missing field is an error, as in Step Functions.
 * Indefinite paths (wildcards, slices, filters, deep scan) go to `jsonpath-plus` and always give a list, `[]`
 * when nothing matches (as Jayway does). Jayway's union of names on an object (`$['a','b']`) gives an object of
 * those fields; jsonpath-plus gives nothing, so that one case is bridged here.
 * @see https://docs.aws.amazon.com/step-functions/latest/dg/amazon-states-language-paths.html
 */

/** What a path may read beside the input: the context object (`$$`) and the workflow variables (`$name`). */
export interface PathEnvironment {
  context: JsonObject;
  variables: Variables;
}

/** A path that selects nothing: the caller words the States error. */
export class PathNotFound extends Error {
  constructor(readonly path: string) {
    super(`path ${path} not found`);
    this.name = "PathNotFound";
  }
}

type Segment = string | number;

const VARIABLE = /^\$([A-Za-z_][A-Za-z0-9_]*)(.*)$/s;

/**
 * Splits a definite path's tail (after `$`) into its field names and indices, or `undefined` for an indefinite
 * path (`*`, `..`, a slice, a filter, a union), which jsonpath-plus evaluates.
 */
export function definiteSegments(tail: string): Segment[] | undefined {
  const segments: Segment[] = [];
  let i = 0;
  while (i < tail.length) {
    const c = tail[i];
    if (c === ".") {
      if (tail[i + 1] === ".") return undefined;
      let j = i + 1;
      while (j < tail.length && tail[j] !== "." && tail[j] !== "[") j++;
      const name = tail.slice(i + 1, j);
      if (name === "" || name === "*" || /[()?@]/.test(name)) return undefined;
      segments.push(name);
      i = j;
    } else if (c === "[") {
      const close = tail[i + 1] === "'" || tail[i + 1] === '"' ? closingQuote(tail, i + 1) : tail.indexOf("]", i);
      if (close < 0) return undefined;
      const inside = tail.slice(i + 1, close);
      if (/^-?\d+$/.test(inside)) segments.push(Number(inside));
      else if (/^'(?:[^'\\]|\\.)*'$|^"(?:[^"\\]|\\.)*"$/.test(inside)) segments.push(inside.slice(1, -1).replace(/\\(.)/g, "$1"));
      else return undefined;
      i = close + 1;
    } else {
      return undefined;
    }
  }
  return segments;
}

function closingQuote(text: string, open: number): number {
  const quote = text[open];
  for (let i = open + 1; i < text.length; i++) {
    if (text[i] === "\\") i++;
    else if (text[i] === quote) return text[i + 1] === "]" ? i + 1 : -1;
  }
  return -1;
}

/** Whether `value` is a reference path Step Functions resolves: `$`, `$.…`, `$[…]`, `$$…` or `$variable…`. */
export function isPath(value: string): boolean {
  return value === "$" || value.startsWith("$.") || value.startsWith("$[") || value.startsWith("$$") || VARIABLE.test(value);
}

function walk(data: Json, segments: Segment[], path: string): Json {
  let current: Json = data;
  for (const segment of segments) {
    if (typeof segment === "number") {
      if (!Array.isArray(current)) throw new PathNotFound(path);
      const index = segment < 0 ? current.length + segment : segment;
      if (index < 0 || index >= current.length) throw new PathNotFound(path);
      current = current[index];
    } else {
      if (current === null || typeof current !== "object" || Array.isArray(current) || !Object.prototype.hasOwnProperty.call(current, segment)) {
        throw new PathNotFound(path);
      }
      current = (current as JsonObject)[segment];
    }
  }
  return current;
}

/** A path's tail (after `$`, `$$` or `$name`) as parsed once: its segments when it is definite. */
interface Tail {
  tail: string;
  segments: Segment[] | undefined;
}

/** How a path reads, parsed once per distinct path (paths come from definitions: a bounded set). */
type ParsedPath = ({ root: "context" } & Tail) | ({ root: "variable"; name: string } & Tail) | ({ root: "data" } & Tail) | { root: "invalid" };

const PARSED = new Map<string, ParsedPath>();
/** Beyond this many distinct paths the cache starts over (a definition generated per execution must not grow it forever). */
const MAX_PARSED = 10_000;

function tailOf(tail: string): Tail {
  return { tail, segments: definiteSegments(tail) };
}

function parsePath(path: string): ParsedPath {
  let parsed = PARSED.get(path);
  if (parsed) return parsed;
  const variable = path.startsWith("$$") ? null : VARIABLE.exec(path);
  if (path.startsWith("$$")) parsed = { root: "context", ...tailOf(path.slice(2)) };
  else if (variable) parsed = { root: "variable", name: variable[1], ...tailOf(variable[2]) };
  else if (path === "$" || path.startsWith("$.") || path.startsWith("$[")) parsed = { root: "data", ...tailOf(path.slice(1)) };
  else parsed = { root: "invalid" };
  if (PARSED.size >= MAX_PARSED) PARSED.clear();
  PARSED.set(path, parsed);
  return parsed;
}

/** Evaluates a path (`$…`) over `data`: a definite path gives its value, an indefinite one a list. */
function evaluateOver(data: Json, path: string, { tail, segments }: Tail): Json {
  if (segments) return walk(data, segments, path);
  const names = /^\[\s*('(?:[^'\\]|\\.)*'\s*(?:,\s*'(?:[^'\\]|\\.)*'\s*)+)\]$/.exec(tail);
  if (names && data !== null && typeof data === "object" && !Array.isArray(data)) {
    const keys = [...names[1].matchAll(/'((?:[^'\\]|\\.)*)'/g)].map((m) => m[1].replace(/\\(.)/g, "$1"));
    return Object.fromEntries(keys.filter((k) => k in data).map((k) => [k, (data as JsonObject)[k]]));
  }
  try {
    return JSONPath({ path: `$${tail}`, json: data as object, wrap: true }) as Json;
  } catch (error) {
    throw new StatesError(STATES_ERRORS.Runtime, `Invalid path '${path}': ${(error as Error).message}`);
  }
}

/**
 * Reads a path: `$…` over `data`, `$$…` over the context object, `$name…` over a workflow variable.
 * @throws PathNotFound when a definite path selects nothing; StatesError (`States.Runtime`) for a malformed path.
 */
export function readPath(path: string, data: Json, env: PathEnvironment): Json {
  const parsed = parsePath(path);
  switch (parsed.root) {
    case "data":
      return evaluateOver(data, path, parsed);
    case "context":
      return evaluateOver(env.context, path, parsed);
    case "variable":
      if (!env.variables.has(parsed.name)) throw new PathNotFound(path);
      return evaluateOver(env.variables.get(parsed.name)!, path, parsed);
    default:
      throw new StatesError(STATES_ERRORS.Runtime, `Invalid path '${path}'`);
  }
}

/**
 * Evaluates a payload template (`Parameters`, `ResultSelector`, `ItemSelector`, a JSONPath `Assign`): a field
 * whose name ends in `.$` takes the value of its path or intrinsic function, under its name without `.$`.
 * @param field names the template in errors (`Parameters`, `ResultSelector`, ...).
 * @throws StatesError `States.Runtime` naming the field and the input when a path selects nothing; the intrinsic
 *   function's error.
 */
export function evaluateTemplate(template: Json, data: Json, env: PathEnvironment, describe: (key: string, path: string) => string): Json {
  if (Array.isArray(template)) return template.map((item) => evaluateTemplate(item, data, env, describe));
  if (template === null || typeof template !== "object") return template;
  const out: JsonObject = {};
  for (const field of fieldsOf(template)) {
    const { key, value } = field;
    switch (field.kind) {
      case FieldKind.Path:
        out[field.name] = resolveIn(value as string, data, env, key, describe);
        break;
      case FieldKind.Expression:
        out[field.name] = evaluateExpression(value as string, data, env, key, describe);
        break;
      default:
        out[key] = evaluateTemplate(value, data, env, describe);
    }
  }
  return out;
}

const enum FieldKind {
  /** A `.$` field holding a path. */
  Path,
  /** A `.$` field holding an intrinsic function (or something that is neither, which fails when evaluated). */
  Expression,
  /** Any other field: copied, its own templates evaluated. */
  Value,
}

/** One field of a template, read once: its key, its value, and for a `.$` field the output name and kind. */
interface TemplateField {
  key: string;
  value: Json;
  name: string;
  kind: FieldKind;
}

/** Templates' fields as read once (templates come from definitions), checked against the template on each use. */
const FIELDS = new WeakMap<object, TemplateField[]>();

function fieldsOf(template: JsonObject): TemplateField[] {
  const cached = FIELDS.get(template);
  if (cached && unchanged(template, cached)) return cached;
  const fields: TemplateField[] = [];
  for (const key in template) {
    if (!Object.prototype.hasOwnProperty.call(template, key)) continue;
    const value = template[key];
    if (key.endsWith(".$") && typeof value === "string") {
      fields.push({ key, value, name: key.slice(0, -2), kind: isPath(value) && !isIntrinsic(value) ? FieldKind.Path : FieldKind.Expression });
    } else {
      fields.push({ key, value, name: key, kind: FieldKind.Value });
    }
  }
  FIELDS.set(template, fields);
  return fields;
}

/** Whether a template still has the fields read from it (a caller may change a definition between executions). */
function unchanged(template: JsonObject, fields: TemplateField[]): boolean {
  let count = 0;
  for (const key in template) if (Object.prototype.hasOwnProperty.call(template, key)) count++;
  if (count !== fields.length) return false;
  for (const field of fields) if (template[field.key] !== field.value || !Object.prototype.hasOwnProperty.call(template, field.key)) return false;
  return true;
}

/** Evaluates the value of one `.$` field: a path or an intrinsic function. */
export function evaluateExpression(value: string, data: Json, env: PathEnvironment, key: string, describe: (key: string, path: string) => string): Json {
  if (isIntrinsic(value)) return evaluateIntrinsic(value, (path) => resolveIn(path, data, env, key, describe));
  if (!isPath(value)) throw new StatesError(STATES_ERRORS.Runtime, `The value '${value}' of the field '${key}' is neither a JSONPath nor an intrinsic function`);
  return resolveIn(value, data, env, key, describe);
}

/** Reads the path of a `.$` field (or of an intrinsic's argument). @throws StatesError `States.Runtime` when it selects nothing. */
function resolveIn(path: string, data: Json, env: PathEnvironment, key: string, describe: (key: string, path: string) => string): Json {
  try {
    return readPath(path, data, env);
  } catch (error) {
    if (error instanceof PathNotFound) throw new StatesError(STATES_ERRORS.Runtime, describe(key, path));
    throw error;
  }
}

/**
 * Places a result into the state's raw input at a reference path (ResultPath): `$` replaces the input, `null`
 * keeps the input and discards the result, `$.a.b` sets that field, creating the objects on the way.
 * @throws StatesError `States.ResultPathMatchFailure` when the path runs through a value that is not an object.
 */
export function applyResultPath(input: Json, resultPath: string | null | undefined, result: Json, describe?: () => string): Json {
  if (resultPath === null) return input;
  if (resultPath === undefined || resultPath === "$") return result;
  const parsed = parsePath(resultPath);
  const segments = parsed.root === "data" ? parsed.segments : undefined;
  if (!segments) throw new StatesError(STATES_ERRORS.Runtime, `Invalid ResultPath '${resultPath}': not a reference path`);
  if (input === null || typeof input !== "object") throw resultPathFailure(resultPath, describe);
  // Copy on write: only the objects along the path are copied; the rest is shared with the input, which no one
  // changes in place.
  const root: Json = Array.isArray(input) ? input.slice() : { ...input };
  let current: Json = root;
  for (let index = 0; index < segments.length; index++) {
    const segment = segments[index];
    const last = index === segments.length - 1;
    if (typeof segment === "number") {
      if (!Array.isArray(current) || segment < 0 || segment >= current.length) throw resultPathFailure(resultPath, describe);
      if (last) current[segment] = result;
      else current = current[segment] = copied(current[segment]);
      continue;
    }
    if (current === null || typeof current !== "object" || Array.isArray(current)) throw resultPathFailure(resultPath, describe);
    const object = current as JsonObject;
    if (last) object[segment] = result;
    else {
      if (!(segment in object) || object[segment] === null) object[segment] = {};
      else object[segment] = copied(object[segment]);
      current = object[segment];
    }
  }
  return root;
}

function resultPathFailure(resultPath: string, describe: (() => string) | undefined): StatesError {
  return new StatesError(STATES_ERRORS.ResultPathMatchFailure, describe ? describe() : `Unable to apply ResultPath '${resultPath}'`);
}

/** A shallow copy of an object or array, to change; any other value as it is. */
function copied(value: Json): Json {
  if (value === null || typeof value !== "object") return value;
  return Array.isArray(value) ? value.slice() : { ...value };
}
