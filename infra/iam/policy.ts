/**
 * IAM policy documents as typed values, and the merge that keeps a derived policy small and stable.
 * @see https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements.html
 */

/** A condition block: operator → condition key → value(s), e.g. `{StringEquals: {"aws:SourceAccount": "1111…"}}`. */
export type PolicyCondition = Record<string, Record<string, string | string[]>>;

/** One statement; Action and Resource are always lists here, sorted once merged. */
export interface PolicyStatement {
  Sid?: string;
  Effect: "Allow" | "Deny";
  Action: string[];
  Resource: string[];
  Condition?: PolicyCondition;
}

/** A policy document, version 2012-10-17. */
export interface PolicyDocument {
  Version: "2012-10-17";
  Statement: PolicyStatement[];
}

/** IAM's limit on the total size of a role's inline policies, in characters (whitespace excluded). */
export const INLINE_POLICY_LIMIT = 10_240;

/**
 * Merges statements into one statement per (Effect, set of actions, Condition), with resources sorted and
 * deduplicated; statements come out sorted by their first action, so the same grants always render the same JSON.
 * Actions of statements whose resource sets are then identical are merged too (`dynamodb:PutItem` and
 * `dynamodb:UpdateItem` on one table become one statement).
 *
 * @param statements any statements, in any order, possibly overlapping.
 * @returns the merged statements.
 */
export function mergeStatements(statements: PolicyStatement[]): PolicyStatement[] {
  // Each pass only merges statements that grant exactly the same (action, resource) pairs together, so repeating
  // the two passes until nothing merges is sound, and leaves one statement per (Effect, actions, Condition).
  let merged = statements;
  for (;;) {
    const byActions = groupBy(merged, (s) => key(s.Effect, sorted(s.Action), s.Condition), (group) => ({
      ...base(group[0]),
      Action: sorted(group[0].Action),
      Resource: sorted(group.flatMap((s) => s.Resource)),
    }));
    const byResources = groupBy(byActions, (s) => key(s.Effect, s.Resource, s.Condition), (group) => ({
      ...base(group[0]),
      Action: sorted(group.flatMap((s) => s.Action)),
      Resource: group[0].Resource,
    }));
    const done = byResources.length === merged.length;
    merged = byResources;
    if (done) break;
  }
  // Each statement's sort keys computed once, not at every comparison.
  const keyed = merged.map((statement) => ({ statement, keys: [statement.Action.join(","), statement.Resource.join(","), statement.Effect, JSON.stringify(statement.Condition ?? null)] }));
  keyed.sort((a, b) => compare(a.keys[0], b.keys[0]) || compare(a.keys[1], b.keys[1]) || compare(a.keys[2], b.keys[2]) || compare(a.keys[3], b.keys[3]));
  return keyed.map(({ statement }) => statement);
}

/** IAM's limit on the size of one customer managed policy, in characters (whitespace excluded). */
export const MANAGED_POLICY_LIMIT = 6_144;

/** IAM's default quota of managed policies attached to one role. */
export const MANAGED_POLICIES_PER_ROLE = 10;

/**
 * Splits statements into as few policy documents as it can, each at most `limit` characters: statements are taken
 * in order (merge them first), and a statement too large on its own is cut into statements over parts of its
 * resource list. Used when a derived policy outgrows a role's inline limit.
 *
 * @param statements merged statements, see {@link mergeStatements}.
 * @param limit the largest document, in characters as {@link policySize} counts them.
 * @returns the documents, in order; one empty document when there are no statements.
 * @throws Error when a single resource ARN with its actions cannot fit in `limit`.
 * @see https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_iam-quotas.html#reference_iam-quotas-entity-length
 */
export function splitStatements(statements: PolicyStatement[], limit = MANAGED_POLICY_LIMIT): PolicyDocument[] {
  const documents: PolicyDocument[] = [];
  const fits = (list: PolicyStatement[]) => policySize({ Version: "2012-10-17", Statement: list }) <= limit;
  const pieces = statements.flatMap((statement) => (fits([statement]) ? [statement] : cutByResources(statement, fits)));
  // A document's size is the empty document's, plus each statement's JSON, plus a comma between two: kept as a
  // running total, so splitting is linear in the number of statements.
  const empty = policySize({ Version: "2012-10-17", Statement: [] });
  let current: PolicyStatement[] = [];
  let size = empty;
  for (const piece of pieces) {
    const length = JSON.stringify(piece).length;
    const grown = size + length + (current.length ? 1 : 0);
    if (grown <= limit || current.length === 0) {
      current.push(piece);
      size = grown;
      continue;
    }
    documents.push({ Version: "2012-10-17", Statement: current });
    current = [piece];
    size = empty + length;
  }
  documents.push({ Version: "2012-10-17", Statement: current });
  return documents;
}

/** One statement cut into statements over consecutive slices of its resources, each fitting on its own. */
function cutByResources(statement: PolicyStatement, fits: (list: PolicyStatement[]) => boolean): PolicyStatement[] {
  const result: PolicyStatement[] = [];
  let resources: string[] = [];
  for (const resource of statement.Resource) {
    const candidate = { ...statement, Resource: [...resources, resource] };
    if (fits([candidate])) {
      resources = candidate.Resource;
      continue;
    }
    if (resources.length === 0) throw new Error(`a statement granting ${statement.Action.join(", ")} on ${resource} does not fit in one policy.`);
    result.push({ ...statement, Resource: resources });
    resources = [resource];
  }
  result.push({ ...statement, Resource: resources });
  return result;
}

/**
 * Builds a policy document from statements, merged.
 * @param statements the statements to include.
 */
export function policyDocument(statements: PolicyStatement[]): PolicyDocument {
  return { Version: "2012-10-17", Statement: mergeStatements(statements) };
}

/**
 * The size IAM counts against {@link INLINE_POLICY_LIMIT}: the JSON without whitespace.
 * @param document the policy document.
 * @returns its size in characters.
 */
export function policySize(document: PolicyDocument): number {
  return JSON.stringify(document).length;
}

function base(statement: PolicyStatement): Pick<PolicyStatement, "Effect" | "Condition"> {
  // The canonical form (keys sorted), so equal conditions render the same JSON whichever statement came first.
  return statement.Condition ? { Effect: statement.Effect, Condition: canonical(statement.Condition) as PolicyCondition } : { Effect: statement.Effect };
}

function groupBy<T, R>(items: T[], keyOf: (item: T) => string, combine: (group: T[]) => R): R[] {
  const groups = new Map<string, T[]>();
  for (const item of items) {
    const k = keyOf(item);
    const group = groups.get(k);
    if (group) group.push(item);
    else groups.set(k, [item]);
  }
  return [...groups.values()].map(combine);
}

function key(effect: string, list: string[], condition?: PolicyCondition): string {
  return JSON.stringify([effect, list, canonical(condition)]);
}

function canonical(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(canonical);
  if (value !== null && typeof value === "object") {
    return Object.fromEntries(Object.keys(value).sort().map((k) => [k, canonical((value as Record<string, unknown>)[k])]));
  }
  return value;
}

function sorted(list: string[]): string[] {
  return [...new Set(list)].sort(compare);
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** A statement of a role's trust policy: who may assume the role, and on what condition. */
export interface TrustStatement {
  Sid?: string;
  Effect: "Allow" | "Deny";
  Principal: { Service?: string | string[]; AWS?: string | string[] };
  Action: string[];
  Condition?: PolicyCondition;
}

/** A role's trust (assume-role) policy. */
export interface TrustPolicyDocument {
  Version: "2012-10-17";
  Statement: TrustStatement[];
}
