import { ResourceValidationPolicy } from "@pulumi/policy";
import { ACCOUNT_IDS_SCHEMA, accountOf, awsPrincipalsOf, hasConditionOn, isAccountPrincipal } from "../accounts";
import { forTypes, statementsOf } from "../lib";

/** Configuration of {@link xacctTrustConditions}. */
export interface XacctTrustConditionsConfig {
  /** The stack's own accounts: their principals are exempt. @default [] */
  homeAccountIds: string[];
}

/**
 * Checks whether every role another account may assume names the roles or users that assume it (not the whole
 * account, unless the organization is pinned with `aws:PrincipalOrgID`) and requires `sts:ExternalId` or
 * `aws:PrincipalOrgID`. A trust of `*` is left to the public-trust rule.
 * @see https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_common-scenarios_third-party.html
 * @see https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html#condition-keys-principalorgid
 */
export const xacctTrustConditions: ResourceValidationPolicy = {
  name: "xacct-trust-conditions",
  description: "Checks whether every role trusted by another account names specific principals and requires an sts:ExternalId or aws:PrincipalOrgID condition.",
  severity: "high",
  remediationSteps:
    "In assumeRolePolicy, replace another account's root or id with the role or user ARNs that assume the role (or pin the organization with aws:PrincipalOrgID), and add Condition StringEquals sts:ExternalId (third parties) or aws:PrincipalOrgID (your organization).",
  url: "https://docs.aws.amazon.com/IAM/latest/UserGuide/confused-deputy.html",
  configSchema: { properties: { homeAccountIds: ACCOUNT_IDS_SCHEMA } },
  validateResource: forTypes<XacctTrustConditionsConfig>(["aws:iam/role:Role"], { homeAccountIds: [] }, (props, config, report) => {
    statementsOf(props.assumeRolePolicy).forEach((statement, index) => {
      if (statement.Effect !== "Allow") return;
      const foreign = awsPrincipalsOf(statement).filter((principal) => {
        const account = accountOf(principal);
        return account !== undefined && !config.homeAccountIds.includes(account);
      });
      if (foreign.length === 0) return;
      const orgPinned = hasConditionOn(statement, ["aws:PrincipalOrgID"]);
      for (const principal of foreign) {
        if (isAccountPrincipal(principal) && !orgPinned) {
          report(`Name the roles or users of account ${accountOf(principal)} that assume the role instead of ${principal} in assumeRolePolicy Statement[${index}], or add an aws:PrincipalOrgID condition.`);
        }
      }
      if (!hasConditionOn(statement, ["sts:ExternalId", "aws:PrincipalOrgID"])) {
        report(`Add an sts:ExternalId or aws:PrincipalOrgID condition to assumeRolePolicy Statement[${index}], which lets ${foreign.join(", ")} assume the role unconditionally.`);
      }
    });
  }),
};
