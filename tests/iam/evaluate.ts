import { PolicyCondition, PolicyDocument, PolicyStatement } from "../../infra/iam/policy";

/**
 * A small IAM evaluator for tests: whether an identity policy's Allow statements permit one request. It knows
 * IAM's `*`/`?` wildcards (and `${?}`-style literals) in actions and resources and the condition operators the derivation emits
 * (StringEquals, StringLike, ArnLike, ArnEquals); a condition key absent from the request does not match.
 * @see https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic.html
 */

/** One request to authorise. */
export interface Request {
  action: string;
  resource: string;
  /** Condition keys of the request, e.g. `{"iam:PassedToService": "ecs-tasks.amazonaws.com"}`. */
  context?: Record<string, string>;
}

/** Whether `document` allows `request` (explicit denies are not modelled: the derivation emits none). */
export function allows(document: PolicyDocument, request: Request): boolean {
  return document.Statement.some((statement) => statementAllows(statement, request));
}

function statementAllows(statement: PolicyStatement, request: Request): boolean {
  if (statement.Effect !== "Allow") return false;
  // Action names are case-insensitive in IAM; resources are not.
  if (!statement.Action.some((action) => glob(action.toLowerCase(), request.action.toLowerCase()))) return false;
  if (!statement.Resource.some((resource) => glob(resource, request.resource))) return false;
  return conditionHolds(statement.Condition, request.context ?? {});
}

function conditionHolds(condition: PolicyCondition | undefined, context: Record<string, string>): boolean {
  if (!condition) return true;
  return Object.entries(condition).every(([operator, keys]) =>
    Object.entries(keys).every(([key, expected]) => {
      const actual = context[key];
      if (actual === undefined) return false;
      const values = Array.isArray(expected) ? expected : [expected];
      switch (operator) {
        case "StringEquals":
        case "ArnEquals":
        // A multivalued key (states:StateMachineQualifier): the request here carries one value.
        case "ForAnyValue:StringEquals":
          return values.includes(actual);
        case "StringLike":
        case "ArnLike":
          return values.some((value) => glob(value, actual));
        default:
          throw new Error(`the test evaluator does not know the condition operator ${operator}`);
      }
    }),
  );
}

/** IAM's wildcard match: `*` any run of characters (colons and slashes included), `?` one character. */
export function glob(pattern: string, value: string): boolean {
  // `${*}`, `${?}` and `${$}` are IAM's literal `*`, `?` and `$`.
  const source = pattern
    .split(/(\$\{[*?$]\})/)
    .map((part) => (/^\$\{[*?$]\}$/.test(part) ? `\\${part[2]}` : part.replace(/[.+^${}()|[\]\\]/g, "\\$&").replace(/\*/g, ".*").replace(/\?/g, ".")))
    .join("");
  return new RegExp(`^${source}$`, "s").test(value);
}
