import { createRequire } from "node:module";
import { AslState, AslStateMachine, walkStates } from "./asl";
import { DefinitionError } from "./errors";
import { limitProblems } from "./limits";
import { STATE_TYPES, SchemaError, SchemaValidator, aslSchemaValidators, variantExport } from "./asl-schema";

export { jaywayTolerantPath } from "./asl-formats";
export { jsonataAsStepFunctionsReadsIt } from "./asl-schema";

/**
 * Schema and semantic validation of ASL with `asl-validator`'s own schemas, formats and checks, built once.
 *
 * `asl-validator`'s entry function builds and compiles a fresh Ajv for every call (~170 ms), which dominates a
 * platform of many workflows. This module validates with the library's schemas precompiled into standalone code
 * (`asl-schema.ts`, `asl-schema.generated.js`) and then runs the library's semantic checks, in the order and with the rules its entry function uses
 * (asl-validator 4.0.0, `dist/src/validator.js`; the version is pinned exactly and a parity test compares the two).
 * @see https://github.com/ChristopheBougere/asl-validator
 */

// The library ships no typings and no `exports` map; its internals are loaded from its own install.
const libraryRequire = createRequire(require.resolve("asl-validator"));
/* eslint-disable @typescript-eslint/no-explicit-any */
type Check = (definition: AslStateMachine, options: ValidationOptions, extra?: unknown) => LibraryError[];
interface LibraryError {
  "Error code": string;
  Message: string;
  schemaError?: { instancePath: string; schemaPath: string };
}
interface ValidationOptions {
  checkPaths: boolean;
  checkArn: boolean;
}

/** One problem found by {@link validateAsl}: the library's error code and message, located when possible. */
export interface AslProblem {
  code: string;
  message: string;
  state?: string;
  field?: string;
}

/** The precompiled state-machine schema. */
function schemaValidator(): SchemaValidator {
  return aslSchemaValidators().stateMachine;
}

/** The per-State checks of the library's entry function: [state type, check kind, fields, error code, path]. */
const STATE_RULES: [type: string | "NotTerminal", kind: "AtMostOne" | "ExactlyOne", props: string[], code: string, path?: string][] = [
  ["Task", "AtMostOne", ["TimeoutSeconds", "TimeoutSecondsPath"], "TASK_TIMEOUT"],
  ["Task", "AtMostOne", ["HeartbeatSeconds", "HeartbeatSecondsPath"], "TASK_HEARTBEAT"],
  ["Map", "ExactlyOne", ["ItemProcessor", "Iterator"], "MAP_ITEM_PROCESSOR"],
  ["Map", "AtMostOne", ["ItemSelector", "Parameters"], "MAP_ITEM_SELECTOR"],
  ["Wait", "ExactlyOne", ["Seconds", "SecondsPath", "Timestamp", "TimestampPath"], "WAIT_DURATION"],
  ["NotTerminal", "ExactlyOne", ["End", "Next"], "TERMINAL_STATE_WITH_NEXT"],
  ["Map", "AtMostOne", ["ToleratedFailureCount", "ToleratedFailureCountPath"], "MAP_TOLERATED_FAILURE"],
  ["Map", "AtMostOne", ["ToleratedFailurePercentage", "ToleratedFailurePercentagePath"], "MAP_TOLERATED_FAILURE"],
  ["Map", "AtMostOne", ["MaxConcurrency", "MaxConcurrencyPath"], "MAP_CONCURRENCY_ERROR"],
  ["Map", "AtMostOne", ["Items", "ItemsPath"], "MAP_ITEMS_ERROR"],
  ["Map", "AtMostOne", ["MaxItems", "MaxItemsPath"], "MAP_ITEMREADER_MAXITEM", "$.ItemReader.ReaderConfig"],
  ["Map", "AtMostOne", ["MaxItemsPerBatch", "MaxItemsPerBatchPath"], "MAP_ITEM_BATCHER", "$.ItemBatcher"],
  ["Map", "AtMostOne", ["MaxInputBytesPerBatch", "MaxInputBytesPerBatchPath"], "MAP_ITEM_BATCHER", "$.ItemBatcher"],
  ["Fail", "AtMostOne", ["Cause", "CausePath"], "FAIL_CAUSE_PROPERTY"],
  ["Fail", "AtMostOne", ["Error", "ErrorPath"], "FAIL_ERROR_PROPERTY"],
];

function semanticChecks(): Check[] {
  const load = (module: string, name: string): Check => libraryRequire(module)[name];
  const stateChecks = libraryRequire("./checks/state-checks");
  const rules = STATE_RULES.map(([type, kind, props, errorCode, path]) => ({
    filter: ({ state }: { state: { Type: string } }) =>
      type === "NotTerminal" ? !["Succeed", "Fail", "Choice"].includes(state.Type) : state.Type === type,
    checker: stateChecks[kind]({ props, errorCode, ...(path ? { path } : {}) }),
  }));
  return [
    load("./checks/missing-transition-target-errors", "missingTransitionTargetErrors"),
    load("./checks/state-transitions-errors", "stateTransitionsErrors"),
    load("./checks/duplicate-state-names-errors", "duplicateStateNames"),
    load("./checks/missing-terminal-state-errors", "missingTerminalStateErrors"),
    load("./checks/duplicate-payload-template-fields", "mustNotHaveDuplicateFieldNamesAfterEvaluation"),
    (definition, options) => stateChecks.stateChecks(definition, options, rules),
  ];
}
let checks: Check[] | undefined;

/**
 * Validates a definition against the Amazon States Language: the JSON schema (with JSONPath, JSONata and ARN
 * formats) and then the semantic checks (unreachable or missing targets, duplicate State names, terminal States,
 * mutually exclusive fields) and the numeric limits Step Functions enforces ({@link limitProblems}, code
 * `VALUE_OUT_OF_RANGE`). The input is not modified.
 *
 * @param definition a substituted definition.
 * @returns the problems found, empty when the definition is valid.
 * @see https://states-language.net/spec.html
 */
export function validateAsl(definition: AslStateMachine): AslProblem[] {
  // The library's checks write defaults (QueryLanguage) into what they are given: validate a copy.
  const copy = withQueryLanguage(structuredClone(definition));
  const validate = schemaValidator();
  for (const piece of schemaPieces(copy)) {
    if (!validate(piece)) return schemaProblems(validate.errors ?? [], piece);
  }
  checks ??= semanticChecks();
  const options = { checkPaths: true, checkArn: true };
  const library = checks.flatMap((check) => check(copy, options));
  // The library's duplicate-field message names neither the State nor the field (and garbles the key); ours does.
  const duplicates = library.some((error) => error["Error code"] === "DUPLICATE_FIELD_NAME") ? duplicateFieldProblems(definition) : [];
  const semantic: AslProblem[] = [
    ...library
      .filter((error) => !(error["Error code"] === "DUPLICATE_FIELD_NAME" && duplicates.length > 0))
      .map((error) => ({ code: error["Error code"], message: error.Message, ...locateLibraryError(error, definition), ...missingTerminalProblem(error, definition) })),
    ...duplicates,
  ];
  const limits = limitProblems(definition).map(({ state, field, message, received }): AslProblem => ({ code: "VALUE_OUT_OF_RANGE", message: `${message}. Received: ${JSON.stringify(received)}`, state, field }));
  return [...semantic, ...limits];
}

/**
 * Validates a definition and throws on the first problems found.
 *
 * @param file the definition's file, for the error.
 * @param definition a substituted definition.
 * @throws DefinitionError naming the file, and the State and field of the first problem, listing every problem.
 */
export function assertValidAsl(file: string, definition: AslStateMachine): void {
  const problems = validateAsl(definition);
  if (problems.length === 0) return;
  const [first] = problems;
  const list = problems.map((p) => `${p.code}: ${p.state ? `State "${p.state}"${p.field ? `, field "${p.field}"` : ""}: ` : ""}${p.message}`).join("; ");
  throw new DefinitionError(file, `invalid Amazon States Language (${problems.length} problem${problems.length > 1 ? "s" : ""}): ${list}`, {
    state: first.state,
    field: first.field,
  });
}

/**
 * The definition cut into pieces that the schema validates one by one, so that validation costs time linear in the
 * definition's size. Validated whole, asl-validator's schema doubles its work at every level of Parallel or Map
 * nesting (each State type's `oneOf` has a JSONPath and a JSONata variant, and both walk the nested branches before
 * the QueryLanguage that tells them apart): 18 levels took 1.6 s, 24 levels over a minute. The pieces are:
 *
 * - the definition with every nested machine (Parallel `Branches`, Map `ItemProcessor` or `Iterator`) replaced by a
 *   one-State stub;
 * - for each nested machine, in document order, a state machine holding only its enclosing State (same name,
 *   type and QueryLanguage) with that machine, itself stubbed below, at its own index.
 *
 * Every part of the definition is then validated exactly once, by the same schema, under the same instance path as
 * whole (`/States/<State>/Branches/<i>/…`), so error messages and locations are unchanged. A non-object where a
 * machine belongs is left as it is, for the schema to report.
 * @param definition the definition, with QueryLanguage set on every State ({@link withQueryLanguage}).
 * @returns the pieces, the stubbed definition first.
 */
export function schemaPieces(definition: AslStateMachine): unknown[] {
  const isObject = (value: unknown): value is Record<string, unknown> => value !== null && typeof value === "object" && !Array.isArray(value);
  const stub = (language: unknown) => ({ StartAt: "_", States: { _: { Type: "Succeed", ...(language ? { QueryLanguage: language } : {}) } } });
  /** The machine with its States' nested machines stubbed. */
  const stubbed = (machine: Record<string, unknown>): Record<string, unknown> => {
    if (!isObject(machine.States)) return machine;
    const states = Object.fromEntries(
      Object.entries(machine.States).map(([name, state]) => {
        if (!isObject(state)) return [name, state];
        const copy: Record<string, unknown> = { ...state };
        if (Array.isArray(state.Branches)) copy.Branches = state.Branches.map((branch) => (isObject(branch) ? stub(state.QueryLanguage) : branch));
        for (const field of ["ItemProcessor", "Iterator"]) {
          const processor = state[field];
          if (isObject(processor)) copy[field] = { ...stub(state.QueryLanguage), ...(processor.ProcessorConfig !== undefined ? { ProcessorConfig: processor.ProcessorConfig } : {}) };
        }
        return [name, copy];
      }),
    );
    return { ...machine, States: states };
  };
  const pieces: unknown[] = [stubbed(definition)];
  const nested = (machine: Record<string, unknown>) => {
    if (!isObject(machine.States)) return;
    for (const [name, state] of Object.entries(machine.States)) {
      if (!isObject(state)) continue;
      const holder = (field: string, value: unknown) => ({
        StartAt: name,
        ...(definition.QueryLanguage ? { QueryLanguage: definition.QueryLanguage } : {}),
        States: { [name]: { Type: state.Type, QueryLanguage: state.QueryLanguage, End: true, [field]: value } },
      });
      const branches: unknown = state.Branches;
      if (Array.isArray(branches)) {
        branches.forEach((branch, i) => {
          if (!isObject(branch)) return;
          pieces.push(holder("Branches", branches.map((other, j) => (j === i ? stubbed(branch) : isObject(other) ? stub(state.QueryLanguage) : other))));
          nested(branch);
        });
      }
      for (const field of ["ItemProcessor", "Iterator"]) {
        const processor = state[field];
        if (!isObject(processor)) continue;
        pieces.push(holder(field, stubbed(processor)));
        nested(processor);
      }
    }
  };
  nested(definition as unknown as Record<string, unknown>);
  return pieces;
}

/**
 * Sets a QueryLanguage on every State that has none, as the library's entry function does: every object found under
 * a `States` key at any depth gets the top-level QueryLanguage (JSONPath when absent), not its enclosing State's.
 * This is also what AWS documents: "If not provided for the state machine, the default value for each state is
 * JSONPath", and a State without QueryLanguage uses the state machine's.
 * @see https://docs.aws.amazon.com/step-functions/latest/dg/statemachine-structure.html
 */
function withQueryLanguage(definition: AslStateMachine): AslStateMachine {
  const language = definition.QueryLanguage ?? "JSONPath";
  const { JSONPath } = libraryRequire("jsonpath-plus");
  for (const states of JSONPath({ path: "$..States", json: definition }) as unknown[]) {
    if (states === null || typeof states !== "object") continue;
    for (const state of Object.values(states as Record<string, unknown>)) {
      // The library assigns without this guard (and throws on a non-object); the schema reports those instead.
      if (state !== null && typeof state === "object" && !(state as AslState).QueryLanguage) (state as AslState).QueryLanguage = language;
    }
  }
  return definition;
}

/** Keeps the deepest schema errors (the library's rule: shallower `oneOf` errors only restate them). */
function schemaProblems(errors: SchemaError[], piece: unknown): AslProblem[] {
  const depth = (path: string) => path.split("/").length;
  const deepest = Math.max(...errors.map((error) => depth(error.instancePath)));
  // A State that matches none of the State types: say why against its own Type's schema, not the union's noise.
  const stateErrors = errors.filter((error) => /^(\/States\/[^/]+\/(Branches\/\d+|ItemProcessor|Iterator))*\/States\/[^/]+$/.test(error.instancePath) && error.keyword === "oneOf");
  // The innermost State that fails: the States around it fail only because it does.
  const stateError = stateErrors.sort((a, b) => depth(b.instancePath) - depth(a.instancePath))[0];
  if (stateError) {
    const precise = stateTypeProblems(stateError.instancePath, pointerValue(piece, stateError.instancePath));
    if (precise.length > 0) return precise;
  }
  // A State name over 80 characters fails the States object's name pattern.
  const longName = errors.find((error) => error.keyword === "additionalProperties" && /\/States$/.test(error.instancePath) && typeof error.params?.additionalProperty === "string");
  if (longName) {
    const name = String(longName.params!.additionalProperty);
    return [{ code: "SCHEMA_VALIDATION_FAILED", message: `a State name must be 1 to 80 characters; this one has ${[...name].length}.`, state: name }];
  }
  const selected = errors.filter((error) => depth(error.instancePath) === deepest);
  const seen = new Set<string>();
  return selected.flatMap((error) => {
    const key = `${error.instancePath} ${error.message}`;
    if (seen.has(key)) return [];
    seen.add(key);
    return [{ code: "SCHEMA_VALIDATION_FAILED", message: `${error.instancePath || "/"} is invalid. ${error.message ?? ""}`.trim(), ...locatePointer(error.instancePath) }];
  });
}

/**
 * Fields of a State's payload templates (`Parameters`, `ResultSelector`, as the library checks) that name one field
 * twice once `.$` is stripped (`"id"` beside `"id.$"`), at any depth, which the ASL specification forbids.
 * @returns one problem per pair, naming the State and the field's path.
 * @see https://states-language.net/spec.html#payload-template
 */
function duplicateFieldProblems(definition: AslStateMachine): AslProblem[] {
  const problems: AslProblem[] = [];
  const inspect = (state: string, value: unknown, path: string) => {
    if (Array.isArray(value)) return value.forEach((item, i) => inspect(state, item, `${path}[${i}]`));
    if (!isRecord(value)) return;
    for (const key of Object.keys(value)) {
      if (key.endsWith(".$") && key.slice(0, -2) in value) {
        const field = `${path}.${key.slice(0, -2)}`;
        problems.push({ code: "DUPLICATE_FIELD_NAME", message: `has both "${key.slice(0, -2)}" and "${key}": once ".$" is stripped they name one field.`, state, field });
      }
      inspect(state, value[key], `${path}.${key}`);
    }
  };
  for (const { name, state } of walkStates(definition)) {
    for (const template of ["Parameters", "ResultSelector"]) inspect(name, state[template], template);
  }
  return problems;
}


/** Fields only JSONata States have. */
const JSONATA_ONLY_FIELDS = ["Arguments", "Output"];
/** Fields only JSONPath States have. */
const JSONPATH_ONLY_FIELDS = ["Parameters", "InputPath", "OutputPath", "ResultPath", "ResultSelector", "ItemsPath", "ItemSelector"];


/**
 * Why a State matches none of the State types: its `Type` is not one of them, or it fails its own type's schema in
 * its query language's variant (each type's schema is a `oneOf` of a JSONPath and a JSONata variant).
 * @param pointer the State's instance path.
 * @param state the State.
 * @returns the problems, each naming the State and the field; empty when no better account can be given.
 */
function stateTypeProblems(pointer: string, state: unknown): AslProblem[] {
  const { state: name } = locatePointer(`${pointer}/Type`);
  if (!isRecord(state)) return [];
  const type = state.Type;
  if (typeof type !== "string" || !(STATE_TYPES as readonly string[]).includes(type)) {
    return [{ code: "SCHEMA_VALIDATION_FAILED", message: `Type must be one of ${STATE_TYPES.join(", ")}. Received: ${JSON.stringify(type)}`, state: name, field: "Type" }];
  }
  const language = state.QueryLanguage === "JSONata" ? "JSONata" : "JSONPath";
  // Each type's schema is a oneOf of a JSONPath and a JSONata variant: validate against the State's own query
  // language's variant alone, so the other variant's objections do not mislead.
  const validate = aslSchemaValidators()[variantExport(type as (typeof STATE_TYPES)[number], language)];
  if (!validate || validate(state)) return [];
  // The State's own fields only: what lies below them (a nested machine) is reported by its own path.
  const relevant = ((validate.errors ?? []) as SchemaError[]).filter((error) => !["oneOf", "anyOf"].includes(error.keyword) && !/\/(States|Branches|ItemProcessor|Iterator)(\/|$)/.test(error.instancePath));
  const other = language === "JSONata" ? JSONPATH_ONLY_FIELDS : JSONATA_ONLY_FIELDS;
  // One problem per field: the alternatives a field may take (an array, or a JSONata expression) are joined.
  const byField = new Map<string, { message: string; field: string; pointer?: string }[]>();
  for (const error of relevant) {
    const extra = error.keyword === "additionalProperties" ? String(error.params?.additionalProperty) : undefined;
    let entry: { field: string; message: string; pointer?: string };
    if (extra && other.includes(extra)) {
      entry = { field: "QueryLanguage", message: `uses ${extra}, a ${language === "JSONata" ? "JSONPath" : "JSONata"} field, but its QueryLanguage is ${language} (a State without one takes the state machine's, not its enclosing Parallel's or Map's).` };
    } else if (error.keyword === "required") {
      entry = { field: String(error.params?.missingProperty), message: `a ${type} State needs ${String(error.params?.missingProperty)}.` };
    } else if (extra) {
      entry = { field: extra, message: `a ${type} State${language === "JSONata" ? " in JSONata" : ""} has no field ${extra}.` };
    } else {
      entry = { field: locatePointer(`/States/x${error.instancePath}`).field ?? "", message: error.message ?? "is invalid", pointer: error.instancePath };
    }
    const entries = byField.get(entry.field) ?? [];
    if (!entries.some((e) => e.message === entry.message)) entries.push(entry);
    byField.set(entry.field, entries);
  }
  return [...byField.entries()].map(([field, entries]) => {
    const pointer = entries.find((e) => e.pointer !== undefined)?.pointer;
    const message = pointer !== undefined ? `${entries.map((e) => e.message).join(", or ")}. Received: ${JSON.stringify(pointerValue(state, pointer))}` : entries.map((e) => e.message).join(" ");
    return { code: "SCHEMA_VALIDATION_FAILED", message, state: name, ...(field ? { field } : {}) };
  });
}

/** The value at a JSON pointer (`/States/A/Branches/0`), or `undefined`. */
function pointerValue(document: unknown, pointer: string): unknown {
  return pointer
    .split("/")
    .slice(1)
    .map((part) => part.replace(/~1/g, "/").replace(/~0/g, "~"))
    .reduce<unknown>((value, part) => (Array.isArray(value) ? value[Number(part)] : isRecord(value) ? value[part] : undefined), document);
}

/** `/States/A/Branches/0/States/B/Retry/0/IntervalSeconds` → State `B`, field `Retry[0].IntervalSeconds`. */
export function locatePointer(pointer: string): { state?: string; field?: string } {
  const parts = pointer.split("/").slice(1).map((part) => part.replace(/~1/g, "/").replace(/~0/g, "~"));
  let state: string | undefined;
  let rest = parts;
  for (let i = 0; i < parts.length - 1; i++) {
    if (parts[i] === "States") {
      state = parts[i + 1];
      rest = parts.slice(i + 2);
      i++;
    }
  }
  const field = rest.reduce((text, part) => (/^\d+$/.test(part) ? `${text}[${part}]` : text ? `${text}.${part}` : part), "");
  return { ...(state !== undefined ? { state } : {}), ...(field ? { field } : {}) };
}

/** A transition out of a State (or a machine's StartAt), with the States it may legally reach. */
interface Transition {
  state?: string;
  field: string;
  target: string;
  /** The names of the States of the machine the transition belongs to. */
  siblings: string[];
  nested: boolean;
}

/** Every StartAt, Next, Default, `Choices[i].Next` and `Catch[i].Next` of a definition, branches and Maps included. */
function transitions(definition: AslStateMachine): Transition[] {
  const found: Transition[] = [];
  const visit = (machine: unknown, owner: string | undefined, prefix: string, nested: boolean) => {
    if (!isRecord(machine) || !isRecord(machine.States)) return;
    const siblings = Object.keys(machine.States);
    const add = (state: string | undefined, field: string, target: unknown) => {
      if (typeof target === "string") found.push({ ...(state !== undefined ? { state } : {}), field, target, siblings, nested });
    };
    add(owner, `${prefix}StartAt`, machine.StartAt);
    for (const [name, state] of Object.entries(machine.States)) {
      if (!isRecord(state)) continue;
      add(name, "Next", state.Next);
      add(name, "Default", state.Default);
      for (const [list, label] of [[state.Choices, "Choices"], [state.Catch, "Catch"]] as const) {
        if (Array.isArray(list)) list.forEach((rule, i) => isRecord(rule) && add(name, `${label}[${i}].Next`, rule.Next));
      }
      if (Array.isArray(state.Branches)) state.Branches.forEach((branch, i) => visit(branch, name, `Branches[${i}].`, true));
      if (isRecord(state.ItemProcessor)) visit(state.ItemProcessor, name, "ItemProcessor.", true);
      if (isRecord(state.Iterator)) visit(state.Iterator, name, "Iterator.", true);
    }
  };
  visit(definition, undefined, "", false);
  return found;
}

/**
 * The State and field a semantic check's error is about, read from the library's message (its errors carry no
 * pointer). Messages this cannot place stay unlocated rather than naming a State that does not exist.
 */
function locateLibraryError(error: LibraryError, definition: AslStateMachine): { state?: string; field?: string } {
  const message = error.Message;
  const where = (t: Transition | undefined) => (t ? { ...(t.state !== undefined ? { state: t.state } : {}), field: t.field } : {});
  let match: RegExpExecArray | null;
  if ((match = /^State (.+) is not reachable$/s.exec(message))) return { state: match[1] };
  if ((match = /^Missing 'StartAt'\|'Next'\|'Default' target: (.*)$/s.exec(message))) {
    const target = match[1];
    return where(transitions(definition).find((t) => t.target === target));
  }
  if ((match = /^(?:Parallel|Map) branch state cannot transition to target: (.*)$/s.exec(message))) {
    const target = match[1];
    return where(transitions(definition).find((t) => t.nested && t.target === target && !t.siblings.includes(target)));
  }
  if ((match = /^A state with this name already exists: (.*)$/s.exec(message))) return { state: match[1] };
  if ((match = /^State "(.*)" MUST contain (?:at most|exactly) one of (.*)$/s.exec(message))) {
    const state = match[1];
    const props = [...match[2].matchAll(/"([^"]+)"/g)].map((m) => m[1]);
    // Rules with a path (`$.ItemBatcher`) check fields of an object inside the State.
    const path = STATE_RULES.find(([, , fields, code]) => code === error["Error code"] && fields.join() === props.join())?.[4];
    const keys = path ? path.replace(/^\$\.?/, "").split(".") : [];
    const container = keys.reduce<unknown>((object, key) => (isRecord(object) ? object[key] : undefined), findState(definition, state));
    const present = isRecord(container) ? props.filter((prop) => prop in container) : [];
    return { state, field: (present.length > 1 ? present : props).map((prop) => [...keys, prop].join(".")).join(", ") };
  }
  return {};
}

/**
 * The library's "State machine fsm<N> is missing a terminal state", where `fsm<N>` is the N-th `States` object of
 * its `$..['States']` query, told in the user's terms: which machine (the top level, or a Parallel branch or Map
 * processor of a named State) has no State that ends it.
 * @returns the message, State and field, or nothing for another error.
 */
function missingTerminalProblem(error: LibraryError, definition: AslStateMachine): Partial<AslProblem> {
  const match = /^State machine fsm(\d+) is missing a terminal state$/.exec(error.Message);
  if (error["Error code"] !== "MISSING_TERMINAL_STATE" || !match) return {};
  const { JSONPath } = libraryRequire("jsonpath-plus");
  const containers = JSONPath({ path: "$..['States']", json: definition, resultType: "pointer" }) as string[];
  const pointer = containers[Number(match[1]) - 1];
  const advice = 'end one with "End": true, or add a Succeed or Fail State';
  const nested = pointer && /^(?:.*\/)?States\/([^/]+)\/(Branches\/(\d+)|ItemProcessor|Iterator)\/States$/.exec(pointer);
  if (!nested) return { message: `the state machine has no terminal State: ${advice}.`, field: "States" };
  const state = nested[1].replace(/~1/g, "/").replace(/~0/g, "~");
  const field = nested[3] !== undefined ? `Branches[${nested[3]}]` : nested[2];
  return { message: `${nested[3] !== undefined ? `branch ${nested[3]} of this Parallel State` : `the ${nested[2]} of this Map State`} has no terminal State: ${advice}.`, state, field };
}

/** The State of that name at any depth, if any. */
function findState(definition: AslStateMachine, name: string): unknown {
  let found: unknown;
  const visit = (machine: unknown) => {
    if (found !== undefined || !isRecord(machine) || !isRecord(machine.States)) return;
    for (const [key, state] of Object.entries(machine.States)) {
      if (key === name) {
        found = state;
        return;
      }
      if (!isRecord(state)) continue;
      if (Array.isArray(state.Branches)) state.Branches.forEach(visit);
      visit(state.ItemProcessor);
      visit(state.Iterator);
    }
  };
  visit(definition);
  return found;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === "object" && !Array.isArray(value);
}
