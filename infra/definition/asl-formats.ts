import { createRequire } from "node:module";

/**
 * The string formats asl-validator's schemas name (`asl_path`, `jsonata_string`, `asl_arn`, `date-time`, …), as
 * plain functions, for the precompiled schema validator (`asl-schema.generated.js` requires this module).
 *
 * The libraries behind them (`jsonata`, `asl-path-validator`, asl-validator's ARN check, `ajv-formats`) load at
 * a format's first use, not at import: a definition without JSONata never loads `jsonata`.
 * @see https://ajv.js.org/standalone.html
 */

// The libraries come from asl-validator's own install, as its entry function uses them.
const libraryRequire = createRequire(require.resolve("asl-validator"));

/** A format: whether a string is written as the format requires. */
export type Format = (value: string) => boolean;

let jsonataParse: ((expression: string) => unknown) | undefined;
/** Whether a `{% %}` string (delimiters optional) is an expression `jsonata` can parse. */
function jsonataValid(value: string): boolean {
  jsonataParse ??= libraryRequire("jsonata");
  let expression = value.trim();
  expression = expression.startsWith("{%") ? expression.slice(2) : expression;
  expression = expression.endsWith("%}") ? expression.slice(0, -2) : expression;
  try {
    jsonataParse!(expression);
    return true;
  } catch {
    return false;
  }
}

let pathValidator: { validatePath(path: string, context: string): { isValid: boolean }; contexts: Record<string, string> } | undefined;
/** asl-path-validator's check of a path in one of its contexts, with the Jayway bridge ({@link jaywayTolerantPath}). */
function pathFormat(context: "PATH" | "REFERENCE_PATH" | "PAYLOAD_TEMPLATE" | "RESULT_PATH"): Format {
  return (path) => {
    pathValidator ??= { validatePath: libraryRequire("asl-path-validator").validatePath, contexts: libraryRequire("asl-path-validator/dist/types").AslPathContext };
    const { validatePath, contexts } = pathValidator;
    return validatePath(path, contexts[context]).isValid || validatePath(jaywayTolerantPath(path), contexts[context]).isValid;
  };
}

let arnValid: Format | undefined;
let dateTime: Format | undefined;

/**
 * Every format the schemas use, by name, exactly as asl-validator 4.0.0's entry function registers them, except
 * for the one bridge on paths ({@link jaywayTolerantPath}).
 */
export const ASL_FORMATS: Record<string, Format> = {
  jsonata_string: jsonataValid,
  maybe_jsonata_string: (value) => {
    const trimmed = value.trim();
    return trimmed.startsWith("{%") || trimmed.endsWith("%}") ? jsonataValid(trimmed) : true;
  },
  asl_path: pathFormat("PATH"),
  asl_ref_path: pathFormat("REFERENCE_PATH"),
  asl_payload_template: pathFormat("PAYLOAD_TEMPLATE"),
  asl_result_path: pathFormat("RESULT_PATH"),
  asl_arn: (value) => (arnValid ??= libraryRequire("./checks/formats").isArnFormatValid as Format)(value),
  "date-time": (value) => {
    // ajv-formats' full `date-time` format, which asl-validator registers with `addFormats(ajv)`.
    dateTime ??= (libraryRequire("ajv-formats/dist/formats").fullFormats["date-time"] as { validate: Format }).validate;
    return dateTime!(value);
  },
};

/**
 * A path as Step Functions' JSONPath engine (Jayway) reads it, in the form asl-path-validator's grammar accepts:
 *
 * - Jayway takes a dot before a bracket (`$.[0]`, `$.Snapshots.[0].State`, written in published AWS samples) as the
 *   bracket alone, while the grammar refuses it: `.[` is written `[`;
 * - Jayway reads a union of quoted names (`$[*]['bucket', 'key']`, in AWS's Glacier restore sample), which the
 *   grammar refuses: the union is written as its first name, a path that is valid exactly when each name is.
 *
 * The one bridge over that library's gap: a path is valid when it is, or when this form of it is. Text inside
 * quotes is left alone.
 * @param path a JSONPath, reference path or payload-template path.
 * @returns the path in the grammar's form.
 * @see https://github.com/json-path/JsonPath#operators
 */
export function jaywayTolerantPath(path: string): string {
  let result = "";
  let quote: string | undefined;
  for (let i = 0; i < path.length; i++) {
    const char = path[i];
    if (quote) {
      if (char === quote && path[i - 1] !== "\\") quote = undefined;
    } else if (char === "'" || char === '"') {
      quote = char;
    } else if (char === "." && path[i + 1] === "[") {
      continue;
    } else if (char === "[") {
      const union = /^\[\s*('[^']*'|"[^"]*")(\s*,\s*('[^']*'|"[^"]*"))+\s*\]/.exec(path.slice(i));
      if (union) {
        result += `[${union[1]}]`;
        i += union[0].length - 1;
        continue;
      }
    }
    result += char;
  }
  return result;
}
