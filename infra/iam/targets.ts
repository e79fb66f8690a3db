import { PLACEHOLDER_PATTERN } from "../definition/placeholders";

/**
 * Finding a Task's targets in its `Parameters` (JSONPath) or `Arguments` (JSONata), and telling static values
 * from values known only at run time.
 * @see https://docs.aws.amazon.com/step-functions/latest/dg/input-output-inputpath-params.html
 * @see https://docs.aws.amazon.com/step-functions/latest/dg/transforming-data.html
 */

/** A value found at a path of a Task's payload. */
export interface FoundValue {
  /** Where it was found, e.g. `Parameters.Entries[1].EventBusName` or `Parameters.FunctionName.$`. */
  field: string;
  /** The static string value; absent when the value is dynamic or not a string. */
  value?: string;
  /** Why the value is known only at run time, e.g. `read from the path "$.fn"`; absent when static. */
  dynamic?: string;
  /** A static value that is not a string, for errors. */
  received?: unknown;
}

/**
 * Finds the values at a path of a Task's payload.
 *
 * The path is dot-separated field names; a segment ending `[]` visits each element of an array
 * (`Entries[].EventBusName`), and a final segment ending `{}` yields the keys of an object (`RequestItems{}`:
 * the table names of a DynamoDB batch call). A value is dynamic when its key ends `.$` (JSONPath), when it is a
 * JSONata `{% … %}` string, when an enclosing object or array is one of those (the whole `Arguments` included),
 * or when it still holds a `${Placeholder}`.
 *
 * @param payload the Task's `Parameters` or `Arguments`.
 * @param payloadField `"Parameters"` or `"Arguments"`, the prefix of every returned field.
 * @param path e.g. `FunctionName`, `Overrides.TaskRoleArn`, `Entries[].EventBusName`, `RequestItems{}`.
 * @param defaultValue the value the service uses when the field is left out (`default` for an event bus); it
 *   stands for each object that lacks the field, and for the path as a whole when nothing is found.
 * @returns one entry per value found; empty when the path is absent.
 */
export function findValues(payload: unknown, payloadField: string, path: string, defaultValue?: string): FoundValue[] {
  const found = visit(payload, path.split("."), payloadField, defaultValue);
  return found.length || defaultValue === undefined ? found : [{ field: `${payloadField}.${path}`, value: defaultValue }];
}

function visit(node: unknown, segments: string[], field: string, defaultValue: string | undefined): FoundValue[] {
  if (typeof node === "string" && isJsonata(node)) return [{ field, dynamic: "computed by a JSONata expression" }];
  if (!isObject(node)) return [];
  const [segment, ...rest] = segments;
  const name = segment.replace(/(\[\]|\{\})$/, "");
  const here = `${field}.${name}`;
  if (`${name}.$` in node) return [{ field: `${here}.$`, dynamic: `read from the path ${JSON.stringify(node[`${name}.$`])}` }];
  // A default stands for a leaf field left out of an object that is there (an entry without EventBusName).
  if (!(name in node)) return !rest.length && defaultValue !== undefined ? [{ field: here, value: defaultValue }] : [];
  const value = node[name];
  if (typeof value === "string" && isJsonata(value)) return [{ field: here, dynamic: "computed by a JSONata expression" }];
  if (segment.endsWith("{}")) {
    return isObject(value) ? Object.keys(value).map((key) => ({ field: `${here}.${key}`, value: key.replace(/\.\$$/, "") })) : [{ field: here, received: value }];
  }
  if (segment.endsWith("[]")) {
    if (!Array.isArray(value)) return [{ field: here, received: value }];
    return value.flatMap((element, index) => (rest.length ? visit(element, rest, `${here}[${index}]`, defaultValue) : leaf(element, `${here}[${index}]`)));
  }
  return rest.length ? visit(value, rest, here, defaultValue) : leaf(value, here);
}

function leaf(value: unknown, field: string): FoundValue[] {
  if (typeof value !== "string") return [{ field, received: value }];
  if (isJsonata(value)) return [{ field, dynamic: "computed by a JSONata expression" }];
  if (hasPlaceholder(value)) return [{ field, dynamic: `the unresolved placeholder ${value}` }];
  return [{ field, value }];
}

/** Whether a value is a plain JSON object. */
export function isObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === "object" && !Array.isArray(value);
}

/** Whether a string is a JSONata expression, `{% … %}`. */
export function isJsonata(value: string): boolean {
  const trimmed = value.trim();
  return trimmed.startsWith("{%") && trimmed.endsWith("%}");
}

/** Whether a string still holds a `${Placeholder}`. */
export function hasPlaceholder(value: string): boolean {
  return new RegExp(PLACEHOLDER_PATTERN.source).test(value);
}
