import { createRequire } from "node:module";
import { join } from "node:path";

/**
 * asl-validator's JSON schemas, compiled once into standalone code (Ajv standalone) and committed as
 * `asl-schema.generated.js`, so that validation pays neither Ajv's compilation (0.4–0.8 s at the first definition)
 * nor its load. `npm run build:schemas` writes the file; a test regenerates it and fails when the committed one
 * differs (after an upgrade of asl-validator or a change to the bridge below).
 * @see https://ajv.js.org/standalone.html
 */

const libraryRequire = createRequire(require.resolve("asl-validator"));

/** The generated file, beside this module. */
export const GENERATED_SCHEMA_FILE = join(__dirname, "asl-schema.generated.js");

/** asl-validator 4.0.0's schemas, in the order its entry function gives them to Ajv. */
const SCHEMA_NAMES = ["common", "paths", "jsonata", "choice", "fail", "parallel", "pass", "base-state-machine", "state-machine", "state", "succeed", "task", "wait", "map", "errors"];

/** The State types; each has a schema `<type>.json`, a `oneOf` of a JSONPath and a JSONata variant. */
export const STATE_TYPES = ["Task", "Choice", "Pass", "Parallel", "Map", "Wait", "Succeed", "Fail"] as const;

/** A compiled schema: true when the value is valid, with Ajv's errors otherwise. */
export type SchemaValidator = ((value: unknown) => boolean) & { errors?: SchemaError[] | null };

/** An Ajv error, as far as the problems read it. */
export interface SchemaError {
  instancePath: string;
  message?: string;
  keyword: string;
  schemaPath?: string;
  params?: Record<string, unknown>;
}

/** The generated module's exports: the state machine's schema, and each State type's variant per query language. */
export interface AslSchemaValidators {
  stateMachine: SchemaValidator;
  [variant: `${string}_${"JSONPath" | "JSONata"}`]: SchemaValidator;
}

/** The export name of a State type's variant for a query language. */
export function variantExport(type: (typeof STATE_TYPES)[number], language: "JSONPath" | "JSONata"): `${string}_${"JSONPath" | "JSONata"}` {
  return `${type.toLowerCase()}_${language}`;
}

/**
 * asl-validator's JSONata schema with its two patterns as Step Functions reads a string: a string is a JSONata
 * expression when it starts with `{%` and ends with `%}`, whatever lies between, new lines included, and with or
 * without a space inside the delimiters (AWS's published samples write `"{% $states.input.Items%}"` and expressions
 * over several lines); any other string is a literal. The library's patterns (`^\{% .+ %\}$`, and its negation)
 * refuse both. The one bridge over that schema; the expression itself is still parsed by `jsonata`
 * (the `jsonata_string` format).
 * @param schema `jsonata.json` of asl-validator.
 * @returns a copy with `definitions.jsonata.pattern` and `definitions.not_jsonata.pattern` replaced.
 * @see https://docs.aws.amazon.com/step-functions/latest/dg/transforming-data.html
 */
export function jsonataAsStepFunctionsReadsIt<T extends { definitions?: Record<string, { pattern?: string }> }>(schema: T): T {
  const copy = structuredClone(schema);
  if (copy.definitions?.jsonata) copy.definitions.jsonata.pattern = "^\\{%[\\s\\S]*%\\}$";
  if (copy.definitions?.not_jsonata) copy.definitions.not_jsonata.pattern = "^(?!\\{%[\\s\\S]*%\\}$)[\\s\\S]+$";
  return copy;
}

/**
 * Generates the standalone validators' source from asl-validator's installed schemas: one CommonJS module exporting
 * `stateMachine` and, per State type, `<type>_JSONPath` and `<type>_JSONata` (each type's own variant, for precise
 * messages). Formats are required from `./asl-formats`.
 * @returns the module's source text.
 * @throws Error when a schema the list names is missing from the installed asl-validator.
 */
export function standaloneSchemaSource(): string {
  const Ajv = libraryRequire("ajv").default;
  const { _ } = libraryRequire("ajv");
  const standaloneCode = libraryRequire("ajv/dist/standalone").default;
  const schemas = SCHEMA_NAMES.map((name) => libraryRequire(`./schemas/${name}.json`) as { $id?: string; definitions?: Record<string, { pattern?: string }> });
  const ajv = new Ajv({
    schemas: schemas.map((schema) => (schema.$id === "http://asl-validator.cloud/jsonata.json#" ? jsonataAsStepFunctionsReadsIt(schema) : schema)),
    allowUnionTypes: true,
    code: { source: true, lines: true, formats: _`require("./asl-formats").ASL_FORMATS` },
  });
  // Only the names matter at generation time: the generated code calls ASL_FORMATS' functions.
  const { ASL_FORMATS } = require("./asl-formats") as typeof import("./asl-formats");
  for (const [name, format] of Object.entries(ASL_FORMATS)) ajv.addFormat(name, format);
  const refs: Record<string, string> = { stateMachine: "http://asl-validator.cloud/state-machine.json#" };
  for (const type of STATE_TYPES) {
    const id = `http://asl-validator.cloud/${type.toLowerCase()}.json`;
    const variants = (libraryRequire(`./schemas/${type.toLowerCase()}.json`) as { oneOf?: { properties?: { QueryLanguage?: { $ref?: string } } }[] }).oneOf ?? [];
    for (const language of ["JSONPath", "JSONata"] as const) {
      const index = variants.findIndex((variant) => (variant.properties?.QueryLanguage?.$ref ?? "").startsWith(language === "JSONata" ? "jsonata.json" : "paths.json"));
      refs[variantExport(type, language)] = index >= 0 ? `${id}#/oneOf/${index}` : `${id}#`;
    }
  }
  const header = "// Generated by `npm run build:schemas` from asl-validator's schemas (infra/definition/asl-schema.ts). Do not edit.\n";
  return header + (standaloneCode(ajv, refs) as string);
}

let validators: AslSchemaValidators | undefined;

/**
 * The precompiled validators, loaded at first use.
 * @throws Error naming `npm run build:schemas` when the generated file is missing.
 */
export function aslSchemaValidators(): AslSchemaValidators {
  if (validators) return validators;
  try {
    validators = require(GENERATED_SCHEMA_FILE) as AslSchemaValidators;
  } catch (error) {
    throw new Error(`the precompiled ASL schema (${GENERATED_SCHEMA_FILE}) cannot be loaded; run \`npm run build:schemas\`: ${(error as Error).message}`);
  }
  return validators;
}
