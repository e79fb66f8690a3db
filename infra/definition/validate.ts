import { createRequire } from "node:module";
import { AslStateMachine } from "./asl";
import { DefinitionError } from "./errors";

/**
 * Schema and semantic validation of ASL with `asl-validator`'s own schemas, formats and checks, built once.
 *
 * `asl-validator`'s entry function builds and compiles a fresh Ajv for every call (~170 ms), which dominates a
 * platform of many workflows. This module compiles the library's schemas into one Ajv at first use and then runs
 * the library's semantic checks, in the order and with the rules its entry function uses
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

let compiled: ((definition: unknown) => boolean) & { errors?: any[] | null } | undefined;

function schemaValidator() {
  if (compiled) return compiled;
  const Ajv = libraryRequire("ajv").default;
  const addFormats = libraryRequire("ajv-formats").default ?? libraryRequire("ajv-formats");
  const jsonata = libraryRequire("jsonata");
  const { registerAll } = libraryRequire("asl-path-validator");
  const { isArnFormatValid } = libraryRequire("./checks/formats");
  const names = ["common", "paths", "jsonata", "choice", "fail", "parallel", "pass", "base-state-machine", "state-machine", "state", "succeed", "task", "wait", "map", "errors"];
  const ajv = new Ajv({ schemas: names.map((name) => libraryRequire(`./schemas/${name}.json`)), allowUnionTypes: true });
  addFormats(ajv);
  const jsonataValid = (value: string) => {
    let expression = value.trim();
    expression = expression.startsWith("{%") ? expression.slice(2) : expression;
    expression = expression.endsWith("%}") ? expression.slice(0, -2) : expression;
    try {
      jsonata(expression);
      return true;
    } catch {
      return false;
    }
  };
  ajv.addFormat("jsonata_string", jsonataValid);
  ajv.addFormat("maybe_jsonata_string", (value: string) => {
    const trimmed = value.trim();
    return trimmed.startsWith("{%") || trimmed.endsWith("%}") ? jsonataValid(trimmed) : true;
  });
  registerAll(ajv);
  ajv.addFormat("asl_arn", isArnFormatValid);
  compiled = ajv.getSchema("http://asl-validator.cloud/state-machine.json#");
  return compiled!;
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
 * mutually exclusive fields). The input is not modified.
 *
 * @param definition a substituted definition.
 * @returns the problems found, empty when the definition is valid.
 * @see https://states-language.net/spec.html
 */
export function validateAsl(definition: AslStateMachine): AslProblem[] {
  // The library's checks write defaults (QueryLanguage) into what they are given: validate a copy.
  const copy = withQueryLanguage(structuredClone(definition));
  const validate = schemaValidator();
  if (!validate(copy)) return schemaProblems(validate.errors ?? []);
  checks ??= semanticChecks();
  const options = { checkPaths: true, checkArn: true };
  return checks.flatMap((check) => check(copy, options)).map((error) => ({
    code: error["Error code"],
    message: error.Message,
    state: /State "?([^"]+?)"? (is|MUST)/.exec(error.Message)?.[1],
  }));
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

/** Sets each State's QueryLanguage from its enclosing machine, as the library's entry function does. */
function withQueryLanguage(definition: AslStateMachine): AslStateMachine {
  const visit = (machine: AslStateMachine, inherited: string) => {
    const language = machine.QueryLanguage ?? inherited;
    for (const state of Object.values(machine.States ?? {})) {
      if (state && typeof state === "object") {
        state.QueryLanguage ??= language as "JSONPath" | "JSONata";
        for (const branch of state.Branches ?? []) visit(branch, state.QueryLanguage);
        const processor = state.ItemProcessor ?? state.Iterator;
        if (processor) visit(processor, state.QueryLanguage);
      }
    }
  };
  visit(definition, definition.QueryLanguage ?? "JSONPath");
  return definition;
}

/** Keeps the deepest schema errors (the library's rule: shallower `oneOf` errors only restate them). */
function schemaProblems(errors: { instancePath: string; message?: string; keyword: string }[]): AslProblem[] {
  const depth = (path: string) => path.split("/").length;
  const deepest = Math.max(...errors.map((error) => depth(error.instancePath)));
  const selected = errors.filter((error) => depth(error.instancePath) === deepest);
  const seen = new Set<string>();
  return selected.flatMap((error) => {
    const key = `${error.instancePath} ${error.message}`;
    if (seen.has(key)) return [];
    seen.add(key);
    return [{ code: "SCHEMA_VALIDATION_FAILED", message: `${error.instancePath || "/"} is invalid. ${error.message ?? ""}`.trim(), ...locatePointer(error.instancePath) }];
  });
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
