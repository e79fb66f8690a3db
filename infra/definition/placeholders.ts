import { AslStateMachine, Json, walkStates } from "./asl";
import { DefinitionError } from "./errors";

/**
 * The `${Name}` syntax of CloudFormation's `DefinitionSubstitutions`, so a definition written for SAM or the CDK
 * loads unchanged. Names are letters, digits and underscores.
 * @see https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-resource-stepfunctions-statemachine.html#cfn-stepfunctions-statemachine-definitionsubstitutions
 */
export const PLACEHOLDER_PATTERN = /\$\{([A-Za-z0-9_]+)\}/g;

/** A placeholder standing for an ARN's whole partition, at the start of a string. */
const PARTITION_PLACEHOLDER = /^arn:\$\{[A-Za-z0-9_]+\}:/;

/** Where a placeholder is used: the State (absent at the top level) and the field path inside it. */
export interface PlaceholderUse {
  state?: string;
  field: string;
}

/**
 * Finds every placeholder in a definition's string values, with the State and field each one sits in.
 *
 * @param definition a parsed definition.
 * @returns placeholder name → its uses, in document order.
 */
export function findPlaceholders(definition: AslStateMachine): Map<string, PlaceholderUse[]> {
  const found = new Map<string, PlaceholderUse[]>();
  const note = (state: string | undefined) => (text: string, field: string) => {
    for (const match of text.matchAll(PLACEHOLDER_PATTERN)) {
      const uses = found.get(match[1]) ?? [];
      uses.push(state === undefined ? { field } : { state, field });
      found.set(match[1], uses);
    }
  };
  for (const [key, value] of Object.entries(definition)) {
    if (key !== "States") forEachString(value as Json, key, note(undefined));
  }
  for (const { name, state } of walkStates(definition)) {
    // The States of branches and of the processor walkStates visits are States of their own; the other fields of
    // a branch or processor (StartAt, Comment, ProcessorConfig, …) belong to this State.
    const nested = new Set<unknown>([...(Array.isArray(state.Branches) ? state.Branches : []), state.ItemProcessor ?? state.Iterator]);
    for (const [key, value] of Object.entries(state)) {
      const machines = key === "Branches" && Array.isArray(value) ? value.map((branch, i) => [`Branches[${i}]`, branch] as const) : [[key, value] as const];
      for (const [prefix, machine] of machines) {
        if (!nested.has(machine) || machine === null || typeof machine !== "object" || Array.isArray(machine)) {
          forEachString(machine as Json, prefix, note(name));
          continue;
        }
        for (const [inner, innerValue] of Object.entries(machine)) {
          if (inner !== "States") forEachString(innerValue as Json, `${prefix}.${inner}`, note(name));
        }
      }
    }
  }
  return found;
}

/**
 * Replaces every placeholder with its value. Values go inside JSON strings, so a value holding quotes or
 * braces cannot change the definition's structure.
 *
 * @param file the definition's file, for errors.
 * @param definition the parsed definition (not modified).
 * @param values placeholder name → value (an ARN, a table name, …).
 * @param options `allowUnresolved`: leave placeholders without a value as they are (the `iam` command grants
 *   them scoped wildcards) instead of failing; `partition`: with `allowUnresolved`, the value of an unresolved
 *   placeholder that stands for a whole ARN partition (`arn:${Partition}:states:::batch:submitJob.sync`, as CDK and
 *   Terraform samples write): a Task's integrations live in the state machine's own partition, so it can only be that.
 * @returns a new definition with no placeholder left (but the unresolved ones, when allowed).
 * @throws DefinitionError naming the file, State, field and placeholder for a placeholder with no value, and
 *   naming the file and key for a value no placeholder uses (a likely typo).
 */
export function substitutePlaceholders(
  file: string,
  definition: AslStateMachine,
  values: Record<string, string>,
  options: { allowUnresolved?: boolean; partition?: string } = {},
): AslStateMachine {
  const placeholders = findPlaceholders(definition);
  if (options.allowUnresolved) {
    checkSubstitutionKeys(file, new Map([...placeholders].filter(([name]) => Object.hasOwn(values, name))), Object.keys(values));
  } else {
    checkSubstitutionKeys(file, placeholders, Object.keys(values));
  }
  const partition = options.allowUnresolved ? options.partition : undefined;
  return mapStrings(definition as unknown as Json, (text) => {
    const substituted = text.replace(PLACEHOLDER_PATTERN, (whole, name: string) => (Object.hasOwn(values, name) ? values[name] : whole));
    return partition ? substituted.replace(PARTITION_PLACEHOLDER, `arn:${partition}:`) : substituted;
  }) as unknown as AslStateMachine;
}

/**
 * Checks that a set of substitution keys matches a definition's placeholders exactly, before any value is known.
 *
 * @param file the definition's file, for errors.
 * @param placeholders the definition's placeholders, from {@link findPlaceholders}.
 * @param keys the substitution keys offered.
 * @throws DefinitionError naming the file, State, field and placeholder for a placeholder with no value, and
 *   naming the file and key for a key no placeholder uses (a likely typo).
 */
export function checkSubstitutionKeys(file: string, placeholders: Map<string, PlaceholderUse[]>, keys: string[]): void {
  const offered = new Set(keys);
  for (const [name, uses] of placeholders) {
    if (!offered.has(name)) {
      const where = uses[0];
      throw new DefinitionError(file, `placeholder \${${name}} has no substitution value${uses.length > 1 ? ` (used ${uses.length} times)` : ""}.`, {
        state: where.state,
        field: where.field,
      });
    }
  }
  const unused = keys.filter((key) => !placeholders.has(key));
  if (unused.length > 0) {
    throw new DefinitionError(file, `substitution${unused.length > 1 ? "s" : ""} ${unused.map((k) => `"${k}"`).join(", ")} match${unused.length > 1 ? "" : "es"} no placeholder in the definition.`);
  }
}

/** Calls `visit` for every string value (not keys), with its JSON-pointer-like dotted path. */
function forEachString(value: Json, path: string, visit: (text: string, path: string) => void): void {
  if (typeof value === "string") visit(value, path);
  else if (Array.isArray(value)) value.forEach((item, i) => forEachString(item, `${path}[${i}]`, visit));
  else if (value !== null && typeof value === "object") {
    for (const [key, item] of Object.entries(value)) forEachString(item, path ? `${path}.${key}` : key, visit);
  }
}

/** A deep copy with every string value mapped. */
function mapStrings(value: Json, map: (text: string) => string): Json {
  if (typeof value === "string") return map(value);
  if (Array.isArray(value)) return value.map((item) => mapStrings(item, map));
  if (value !== null && typeof value === "object") {
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, mapStrings(item, map)]));
  }
  return value;
}
