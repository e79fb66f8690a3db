import { PolicyCondition, PolicyStatement } from "./policy";

/**
 * Compares what a role needs with what it grants, (action, resource) pair by pair, so that a policy check can
 * name each missing and each excess grant. Only `Allow` statements take part: a `Deny` narrows a grant and never
 * makes one.
 * @see https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic.html
 */

/** A statement a role needs, and who needs it (`State "Save"`, `loggingConfiguration`, `the key of topic alerts`). */
export interface NeededStatement {
  statement: PolicyStatement;
  neededBy: string;
}

/** A statement a role grants, and where it comes from (`inline policy execution`, `managed policy arn:…`). */
export interface GrantedStatement {
  statement: PolicyStatement;
  source: string;
}

/** Needed actions on one resource that no granted statement covers. */
export interface MissingGrant {
  actions: string[];
  resource: string;
  condition?: PolicyCondition;
  /** Who needs them, e.g. State names. */
  neededBy: string[];
}

/** Granted actions on one resource, from one source, that nothing needs. */
export interface ExcessGrant {
  actions: string[];
  resource: string;
  source: string;
  /**
   * `unneeded`: no need covers the action and resource at all; `unconditioned`: a need covers them, but only
   * under a condition this grant lacks.
   */
  kind: "unneeded" | "unconditioned";
  /** For `unconditioned`: the condition the need carries. */
  condition?: PolicyCondition;
}

/** What {@link compareGrants} found; both empty when the role grants exactly what is needed. */
export interface GrantComparison {
  missing: MissingGrant[];
  excess: ExcessGrant[];
}

/**
 * Whether an IAM wildcard pattern (`*` any run of characters, `?` one character) matches a value. A `*` inside
 * the value is an ordinary character, so `arn:…:function:*` matches the pattern `arn:…:*` (the pattern covers
 * it) but not the reverse.
 * @param pattern an action or resource pattern of a statement.
 * @param value the action or resource to test.
 * @param ignoreCase true for actions (IAM compares them case-insensitively), false for resources.
 * @see https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_resource.html#reference_policies_elements_resource_wildcards
 */
export function wildcardMatches(pattern: string, value: string, ignoreCase: boolean): boolean {
  if (!/[*?]/.test(pattern)) return ignoreCase ? pattern.toLowerCase() === value.toLowerCase() : pattern === value;
  const key = `${ignoreCase ? "i" : "s"}${pattern}`;
  let regex = PATTERNS.get(key);
  if (!regex) {
    const source = pattern.replace(/[.+^${}()|[\]\\]/g, "\\$&").replace(/\*/g, ".*").replace(/\?/g, ".");
    regex = new RegExp(`^${source}$`, ignoreCase ? "is" : "s");
    PATTERNS.set(key, regex);
  }
  return regex.test(value);
}

/** Compiled patterns: a platform's policies repeat the same few hundred. */
const PATTERNS = new Map<string, RegExp>();

/**
 * Compares the grants a role needs with those it has.
 *
 * A needed pair (action, resource) is covered by a granted statement whose action and resource patterns match it
 * and whose condition asks nothing the need's condition does not (a stricter grant could deny what is needed).
 * A granted pair is needed when some need's action and resource patterns match it and the grant carries every
 * condition the need does (a grant without the need's condition is broader than needed).
 *
 * @param needed what the role needs.
 * @param granted what the role's policies allow (`Allow` statements only are read).
 * @param options `ignoreActions`: action patterns a grant may carry beyond the needs (configured exceptions).
 * @returns the missing grants, grouped by (resource, condition, who needs them), and the excess grants, grouped
 *   by (resource, source, kind); each group's actions sorted.
 */
export function compareGrants(needed: NeededStatement[], granted: GrantedStatement[], options: { ignoreActions?: string[] } = {}): GrantComparison {
  const needs = needed.flatMap(({ statement, neededBy }) => pairs(statement).map((pair) => ({ ...pair, condition: statement.Condition, neededBy })));
  const grants = granted
    .filter(({ statement }) => statement.Effect === "Allow")
    .flatMap(({ statement, source }) => pairs(statement).map((pair) => ({ ...pair, condition: statement.Condition, source })));

  const missing = new Map<string, MissingGrant>();
  for (const need of needs) {
    const covered = grants.some(
      (grant) => wildcardMatches(grant.action, need.action, true) && wildcardMatches(grant.resource, need.resource, false) && conditionWithin(grant.condition, need.condition),
    );
    if (covered) continue;
    const key = JSON.stringify([need.resource, need.condition ?? null]);
    const entry = missing.get(key) ?? { actions: [], resource: need.resource, ...(need.condition ? { condition: need.condition } : {}), neededBy: [] };
    addSorted(entry.actions, need.action);
    addSorted(entry.neededBy, need.neededBy);
    missing.set(key, entry);
  }

  const excess = new Map<string, ExcessGrant>();
  for (const grant of grants) {
    if ((options.ignoreActions ?? []).some((pattern) => wildcardMatches(pattern, grant.action, true))) continue;
    const matching = needs.filter((need) => wildcardMatches(need.action, grant.action, true) && wildcardMatches(need.resource, grant.resource, false));
    if (matching.some((need) => conditionWithin(need.condition, grant.condition))) continue;
    const kind = matching.length ? "unconditioned" : "unneeded";
    const key = JSON.stringify([grant.resource, grant.source, kind]);
    const entry = excess.get(key) ?? { actions: [], resource: grant.resource, source: grant.source, kind, ...(matching[0]?.condition ? { condition: matching[0].condition } : {}) };
    addSorted(entry.actions, grant.action);
    excess.set(key, entry);
  }
  return { missing: [...missing.values()], excess: [...excess.values()] };
}

function pairs(statement: PolicyStatement): { action: string; resource: string }[] {
  return statement.Action.flatMap((action) => statement.Resource.map((resource) => ({ action, resource })));
}

/** Whether every (operator, key, values) of `inner` is also in `outer`: `outer` is at least as strict. */
function conditionWithin(inner: PolicyCondition | undefined, outer: PolicyCondition | undefined): boolean {
  const outerEntries = new Set(conditionEntries(outer));
  return conditionEntries(inner).every((entry) => outerEntries.has(entry));
}

function conditionEntries(condition: PolicyCondition | undefined): string[] {
  return Object.entries(condition ?? {}).flatMap(([operator, keys]) =>
    Object.entries(keys).map(([key, value]) => JSON.stringify([operator.toLowerCase(), key.toLowerCase(), [value].flat().map(String).sort()])),
  );
}

function addSorted(list: string[], value: string): void {
  if (!list.includes(value)) {
    list.push(value);
    list.sort();
  }
}
