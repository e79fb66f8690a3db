import * as fs from "node:fs";
import * as path from "node:path";
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
 * Reads an ASL JSON file and finds its `${Placeholder}` tokens.
 *
 * @param file path to a `.asl.json` file.
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
  return parseDefinition(text, displayPath(file));
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

/**
 * Parses JSON, turning the parser's character offset into a line and column.
 * @throws DefinitionError `<file>: invalid JSON at line L, column C: <parser message>`.
 */
function parseJson(text: string, file: string): Json {
  try {
    return JSON.parse(text) as Json;
  } catch (error) {
    const message = (error as Error).message;
    const match = /at position (\d+)/.exec(message);
    const offset = match ? Number(match[1]) : text.length;
    const { line, column } = lineAndColumn(text, offset);
    throw new DefinitionError(file, `invalid JSON at line ${line}, column ${column}: ${message}`);
  }
}

/** 1-based line and column of a character offset. */
export function lineAndColumn(text: string, offset: number): { line: number; column: number } {
  const before = text.slice(0, offset);
  const line = before.split("\n").length;
  const column = offset - before.lastIndexOf("\n");
  return { line, column };
}
