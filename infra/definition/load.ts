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
    // V8 gives no position for some errors ("Unexpected token 'x', ... is not valid JSON"): find it ourselves.
    const offset = match ? Number(match[1]) : syntaxErrorOffset(text);
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

/**
 * The offset of the first character that makes `text` invalid JSON (RFC 8259), or `text.length` when the text
 * ends too early or is valid.
 */
export function syntaxErrorOffset(text: string): number {
  let i = 0;
  const fail = (): never => {
    throw new RangeError(String(i));
  };
  const space = () => {
    while (i < text.length && " \t\n\r".includes(text[i])) i++;
  };
  const expect = (char: string) => (text[i] === char ? i++ : fail());
  const digits = () => {
    if (!/[0-9]/.test(text[i] ?? "")) fail();
    while (/[0-9]/.test(text[i] ?? "")) i++;
  };
  const string = () => {
    expect('"');
    for (;;) {
      if (i >= text.length) fail();
      const char = text[i];
      if (char === '"') return void i++;
      if (char < " ") fail();
      if (char !== "\\") {
        i++;
        continue;
      }
      i++;
      if (text[i] === "u") {
        i++;
        for (let n = 0; n < 4; n++) /[0-9a-fA-F]/.test(text[i] ?? "") ? i++ : fail();
      } else if (text[i] !== undefined && '"\\/bfnrt'.includes(text[i])) i++;
      else fail();
    }
  };
  const value = (): void => {
    space();
    const char = text[i];
    if (char === "{") {
      i++;
      space();
      if (text[i] === "}") return void i++;
      for (;;) {
        space();
        string();
        space();
        expect(":");
        value();
        space();
        if (text[i] === ",") i++;
        else return void expect("}");
      }
    }
    if (char === "[") {
      i++;
      space();
      if (text[i] === "]") return void i++;
      for (;;) {
        value();
        space();
        if (text[i] === ",") i++;
        else return void expect("]");
      }
    }
    if (char === '"') return string();
    if (char === "-" || /[0-9]/.test(char ?? "")) {
      if (char === "-") i++;
      if (text[i] === "0") i++;
      else digits();
      if (text[i] === ".") {
        i++;
        digits();
      }
      if (text[i] === "e" || text[i] === "E") {
        i++;
        if (text[i] === "+" || text[i] === "-") i++;
        digits();
      }
      return;
    }
    for (const literal of ["true", "false", "null"]) {
      if (char === literal[0]) {
        for (const expected of literal) expect(expected);
        return;
      }
    }
    fail();
  };
  try {
    value();
    space();
    if (i < text.length) fail();
    return text.length;
  } catch (error) {
    if (error instanceof RangeError) return Math.min(Number(error.message), text.length);
    throw error;
  }
}
