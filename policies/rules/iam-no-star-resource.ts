import { ResourceValidationPolicy } from "@pulumi/policy";
import { logDeliveryStatement, xrayStatement } from "../../infra/iam/service";
import { UNSCOPED_ACTIONS } from "../../infra/iam/sdk-services";
import { ConfigSchema, actionMatches, defaultsOf, forAllowStatements, isPassRoleGrant } from "../lib";

/**
 * The actions IAM cannot scope to a resource, which statecraft grants on `*`: those of SDK integrations with no
 * resource type, CloudWatch Logs delivery and the X-Ray writes. Sorted, without duplicates.
 */
export const DEFAULT_ALLOWED_ACTIONS_ON_STAR: string[] = [...new Set([...UNSCOPED_ACTIONS, ...logDeliveryStatement().Action, ...xrayStatement().Action])].sort();

/** Configuration of {@link iamNoStarResource}. */
export interface IamNoStarResourceConfig {
  /**
   * The actions a statement may allow on Resource `*`. An entry may be a pattern (`xray:*`) covering the actions
   * it matches; a wildcard action of a policy is allowed only if it is itself an entry.
   * @default {@link DEFAULT_ALLOWED_ACTIONS_ON_STAR}
   */
  allowedActionsOnStar: string[];
}

/** Each allowed list, lower-cased once: the same configuration serves every policy of a stack. */
const LOWER_CASED = new WeakMap<string[], Set<string>>();

/** Whether a policy's action may be granted on `*` given the allowed list. */
function allowedOnStar(action: string, allowed: string[]): boolean {
  let exact = LOWER_CASED.get(allowed);
  if (!exact) LOWER_CASED.set(allowed, (exact = new Set(allowed.map((entry) => entry.toLowerCase()))));
  if (exact.has(action.toLowerCase())) return true;
  return !/[*?]/.test(action) && allowed.some((entry) => /[*?]/.test(entry) && actionMatches(entry, action));
}

const SCHEMA: ConfigSchema<IamNoStarResourceConfig> = {
  properties: { allowedActionsOnStar: { type: "array", items: { type: "string" }, default: DEFAULT_ALLOWED_ACTIONS_ON_STAR } },
};

/**
 * Checks whether an identity policy allows, on Resource `*`, actions that IAM can scope to resources. A bare
 * Action `*` on `*` is left to iam-no-admin and iam:PassRole to iam-no-passrole-star, so that each
 * misconfiguration is reported by one rule.
 * @see https://docs.aws.amazon.com/IAM/latest/UserGuide/best-practices.html#grant-least-privilege
 * @see https://docs.aws.amazon.com/service-authorization/latest/reference/reference_policies_actions-resources-contextkeys.html
 */
export const iamNoStarResource: ResourceValidationPolicy = {
  name: "iam-no-star-resource",
  description: "Checks whether an IAM policy allows on Resource '*' any action outside the configured list of actions that take no resource.",
  severity: "high",
  remediationSteps: "Name the resources (ARNs) of the statement's actions instead of '*'; keep '*' only for actions IAM cannot scope, listed in allowedActionsOnStar.",
  url: "https://docs.aws.amazon.com/IAM/latest/UserGuide/best-practices.html#grant-least-privilege",
  configSchema: SCHEMA,
  validateResource: forAllowStatements<IamNoStarResourceConfig>(defaultsOf(SCHEMA), (statement, config, report, index) => {
    if (!statement.Resource.includes("*")) return;
    // A bare "*" is iam-no-admin's finding, iam:PassRole on "*" iam-no-passrole-star's.
    const offending = statement.Action.filter((action) => action !== "*" && !isPassRoleGrant(action) && !allowedOnStar(action, config.allowedActionsOnStar));
    if (offending.length > 0) {
      report(`Name the resources of ${offending.join(", ")} in Statement[${index}] instead of Resource "*"; only the actions in allowedActionsOnStar may use it.`);
    }
  }),
};
