import * as fs from "node:fs";
import * as path from "node:path";
import { type JSONPath, printParseErrorCode, visit } from "jsonc-parser";
import { parseDocument } from "yaml";
import { AslStateMachine, Json } from "./asl";
import { DefinitionError } from "./errors";
import { findPlaceholders, PlaceholderUse } from "./placeholders";

/** A definition read from its file, before substitution. */
export interface LoadedDefinition {
  /** The file it was read from, relative to the working directory when inside it, for readable errors. */
  file: string;
  /** The parsed ASL, placeholders still in place. */
  definition: AslStateMachine;
  /** Every `${Placeholder}` the definition uses, with where it is used. */
  placeholders: Map<string, PlaceholderUse[]>;
}

/**
 * Reads an ASL file, JSON or (`.yaml`/`.yml`) YAML, and finds its `${Placeholder}` tokens.
 *
 * @param file path to a `.asl.json` (or `.asl.yaml`) file.
 * @returns the parsed definition and its placeholders.
 * @throws DefinitionError when the file cannot be read, is not JSON (naming line and column), or is not an
 *   object with `StartAt` and `States`.
 * @see https://docs.aws.amazon.com/step-functions/latest/dg/concepts-amazon-states-language.html
 */
export function loadDefinitionFile(file: string): LoadedDefinition {
  let text: string;
  try {
    text = fs.readFileSync(file, "utf8");
  } catch (error) {
    throw new DefinitionError(displayPath(file), `cannot read the definition: ${(error as Error).message}`);
  }
  return /\.ya?ml$/i.test(file) ? parseYamlDefinition(text, displayPath(file)) : parseDefinition(text, displayPath(file));
}

/**
 * Parses an ASL definition written in YAML (`*.asl.yaml`, as AWS SAM's `DefinitionUri` and the Serverless Framework
 * accept) with the `yaml` package, as strictly as the JSON path: a syntax error or a key written twice in one mapping
 * is an error with its line and column, and aliases and custom tags are refused (Step Functions receives JSON).
 * @param text the definition's YAML text.
 * @param file the name to report in errors.
 * @throws DefinitionError as {@link parseDefinition}, with YAML's line and column.
 * @see https://docs.aws.amazon.com/serverless-application-model/latest/developerguide/sam-resource-statemachine.html
 */
export function parseYamlDefinition(text: string, file: string): LoadedDefinition {
  const document = parseDocument(text, { uniqueKeys: true, strict: true, prettyErrors: true });
  const [problem] = [...document.errors, ...document.warnings];
  if (problem) {
    const [start] = problem.linePos ?? [];
    const where = start ? ` at line ${start.line}, column ${start.col}` : "";
    throw new DefinitionError(file, `invalid YAML${where}: ${problem.message.split("\n")[0].replace(/ at line \d+, column \d+:?$/, "")}.`);
  }
  let value: unknown;
  try {
    value = document.toJS({ maxAliasCount: 0 });
  } catch (error) {
    const message = (error as Error).message.split("\n")[0];
    throw new DefinitionError(file, /alias/i.test(message) ? "invalid YAML: aliases (*name) are not allowed in a definition; write the value out." : `invalid YAML: ${message}`);
  }
  // Through JSON, so that what is checked is exactly what Step Functions will be given.
  return parseDefinition(JSON.stringify(value ?? null), file);
}

/** A path relative to the working directory when it is inside it, else as given. */
function displayPath(file: string): string {
  const relative = path.relative(process.cwd(), file);
  return relative.startsWith("..") || path.isAbsolute(relative) ? file : relative;
}

/**
 * Parses ASL JSON text and finds its placeholders; {@link loadDefinitionFile} without the file system.
 *
 * @param text the definition's JSON text.
 * @param file the name to report in errors.
 * @throws DefinitionError for bad JSON (with line and column) or a document that is not a state machine.
 */
export function parseDefinition(text: string, file: string): LoadedDefinition {
  const parsed = parseJson(text, file);
  if (parsed === null || typeof parsed !== "object" || Array.isArray(parsed)) {
    throw new DefinitionError(file, "a definition must be a JSON object with StartAt and States.", {
      received: Array.isArray(parsed) ? "array" : parsed === null ? null : typeof parsed,
    });
  }
  if (typeof parsed.StartAt !== "string" || parsed.States === null || typeof parsed.States !== "object" || Array.isArray(parsed.States)) {
    throw new DefinitionError(file, "a definition needs a StartAt string and a States object.", {
      field: typeof parsed.StartAt !== "string" ? "StartAt" : "States",
    });
  }
  const definition = parsed as unknown as AslStateMachine;
  return { file, definition, placeholders: findPlaceholders(definition) };
}

/** The deepest nesting of objects and arrays a definition may have. */
export const MAX_JSON_DEPTH = 512;

/**
 * Parses a definition's JSON as strictly as Step Functions does, with `jsonc-parser`'s scanner (comments and
 * trailing commas refused): a syntax error gives its line and column; a key written twice in one object is an
 * error naming its JSON path (`JSON.parse` would silently keep the last one, so a State written twice would
 * vanish); nesting deeper than {@link MAX_JSON_DEPTH} is an error, checked first without recursion, so no input
 * overflows the stack. The value itself is then `JSON.parse`'s.
 * @throws DefinitionError `<file>: invalid JSON at line L, column C: …`, `… duplicate key …`, `… nests N levels …`.
 * @see https://github.com/microsoft/node-jsonc-parser#readme
 */
function parseJson(text: string, file: string): Json {
  const tooDeep = depthBeyond(text, MAX_JSON_DEPTH);
  if (tooDeep !== undefined) {
    const { line, column } = lineAndColumn(text, tooDeep);
    throw new DefinitionError(file, `the JSON nests more than ${MAX_JSON_DEPTH} levels of objects and arrays (at line ${line}, column ${column}); flatten it.`);
  }
  let syntax: { code: string; offset: number } | undefined;
  let duplicate: { path: JSONPath; key: string; offset: number } | undefined;
  const keys: Set<string>[] = [];
  visit(
    text,
    {
      onObjectBegin: () => void keys.push(new Set()),
      onObjectEnd: () => void keys.pop(),
      onObjectProperty: (key, offset, _length, _line, _column, pathSupplier) => {
        const seen = keys[keys.length - 1];
        if (seen.has(key) && !duplicate) duplicate = { path: pathSupplier(), key, offset };
        seen.add(key);
      },
      onError: (error, offset) => {
        syntax ??= { code: printParseErrorCode(error), offset };
      },
    },
    { disallowComments: true, allowTrailingComma: false, allowEmptyContent: false },
  );
  if (syntax) {
    const { line, column } = lineAndColumn(text, syntax.offset);
    throw new DefinitionError(file, `invalid JSON at line ${line}, column ${column}: ${syntaxProblem(syntax.code)}`);
  }
  if (duplicate) {
    const { line, column } = lineAndColumn(text, duplicate.offset);
    throw new DefinitionError(
      file,
      `duplicate key "${duplicate.key}" in ${jsonPathOf(duplicate.path)} at line ${line}, column ${column}: a key may appear once per object (JSON readers keep only one of them, so the other would silently vanish).`,
    );
  }
  return JSON.parse(text) as Json;
}

/** jsonc-parser's error code as a sentence. */
function syntaxProblem(code: string): string {
  const words = code.replace(/([a-z])([A-Z])/g, "$1 $2").toLowerCase();
  return `${words} (${code})`;
}

/**
 * A JSON path as users read it: `$`, `$.States["Get credit limit"].Parameters`, `$.Branches[0]`.
 * @param path the keys and indexes from the root.
 */
export function jsonPathOf(path: readonly (string | number)[]): string {
  return path.reduce<string>((text, part) => (typeof part === "number" ? `${text}[${part}]` : /^[A-Za-z_$][\w$]*$/.test(part) ? `${text}.${part}` : `${text}[${JSON.stringify(part)}]`), "$");
}

/**
 * The offset of the first `{` or `[` that nests deeper than `limit`, outside strings, or `undefined` when none
 * does; a plain loop, so any input is scanned without recursion.
 */
export function depthBeyond(text: string, limit: number): number | undefined {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const char = text[i];
    if (inString) {
      if (char === "\\") i++;
      else if (char === '"') inString = false;
    } else if (char === '"') {
      inString = true;
    } else if (char === "{" || char === "[") {
      if (++depth > limit) return i;
    } else if (char === "}" || char === "]") {
      depth--;
    }
  }
  return undefined;
}

/** 1-based line and column of a character offset. */
export function lineAndColumn(text: string, offset: number): { line: number; column: number } {
  const before = text.slice(0, offset);
  const line = before.split("\n").length;
  const column = offset - before.lastIndexOf("\n");
  return { line, column };
}
