import { parseArn } from "../infra/iam/arn";
import { Statement } from "./lib";

/**
 * Account ids in principals and condition keys in statements, as the cross-account and resource-policy rules read
 * them.
 * @see https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_principal.html
 */

/** A bare AWS account id. */
const ACCOUNT_ID = /^\d{12}$/;

/** The JSON schema of a list of account ids, for a rule's `configSchema`. */
export const ACCOUNT_IDS_SCHEMA = { type: "array", items: { type: "string", pattern: "^\\d{12}$" }, default: [] as string[] };

/**
 * The account a principal belongs to: a bare 12-digit id, or the account field of an ARN
 * (`arn:<partition>:iam::<account>:role/x`, `arn:<partition>:sts::<account>:assumed-role/x/y`).
 * @returns the account id; undefined for `*`, a service principal, a unique id (`AROA…`) or a canonical user.
 */
export function accountOf(principal: string): string | undefined {
  if (ACCOUNT_ID.test(principal)) return principal;
  const account = parseArn(principal)?.account;
  return account && ACCOUNT_ID.test(account) ? account : undefined;
}

/** Whether a principal names a whole account: a bare id or `arn:<partition>:iam::<account>:root`. */
export function isAccountPrincipal(principal: string): boolean {
  return ACCOUNT_ID.test(principal) || /^arn:[a-z-]+:iam::\d{12}:root$/.test(principal);
}

/** The `AWS` principals of a statement; `*` when its Principal is `"*"`. */
export function awsPrincipalsOf(statement: Statement): string[] {
  if (statement.Principal === undefined) return [];
  return statement.Principal === "*" ? ["*"] : (statement.Principal.AWS ?? []);
}

/** The principals of a statement that may name an account (`AWS` and `Federated`), never `Service` ones. */
export function accountPrincipalsOf(statement: Statement): string[] {
  if (statement.Principal === undefined || statement.Principal === "*") return [];
  return [...(statement.Principal.AWS ?? []), ...(statement.Principal.Federated ?? [])];
}

/**
 * Operators under which a condition admits only the principals it lists: `ArnEquals`, `ArnLike`, `StringEquals`,
 * `StringEqualsIgnoreCase`, `StringLike` (with `IfExists` or `ForAnyValue:`), never their `Not` forms.
 */
const PINNING_OPERATOR = /^(ForAnyValue:)?(ArnEquals|ArnLike|StringEquals|StringEqualsIgnoreCase|StringLike)(IfExists)?$/i;

/**
 * The values a statement pins `aws:PrincipalArn` to, under any Arn or String operator that admits only the listed
 * principals (key and operator compared case-insensitively).
 * @see https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html#condition-keys-principalarn
 */
export function pinnedPrincipalArnsOf(statement: Statement): string[] {
  return Object.entries(statement.Condition ?? {})
    .filter(([operator]) => PINNING_OPERATOR.test(operator))
    .flatMap(([, condition]) => Object.entries(condition ?? {}).filter(([key]) => key.toLowerCase() === "aws:principalarn"))
    .flatMap(([, values]) => (Array.isArray(values) ? values : [values]))
    .filter((value): value is string => typeof value === "string");
}

/**
 * Whether a pinned `aws:PrincipalArn` value names roles or users of an account: an IAM `role/…` or `user/…` ARN
 * (wildcards allowed in the name) of that account, not the account itself nor all of its roles or users.
 */
export function pinsPrincipalsOf(value: string, account: string): boolean {
  const arn = parseArn(value);
  if (arn?.service !== "iam" || arn.account !== account) return false;
  return /^(role|user)\/./.test(arn.resource) && !/^(role|user)\/\*$/.test(arn.resource);
}
