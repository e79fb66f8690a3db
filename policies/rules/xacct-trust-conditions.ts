import { ResourceValidationPolicy } from "@pulumi/policy";
import { ACCOUNT_IDS_SCHEMA, accountOf, awsPrincipalsOf, isAccountPrincipal, pinnedPrincipalArnsOf, pinsPrincipalsOf } from "../accounts";
import { ConfigSchema, defaultsOf, forTypes, hasConditionOn, statementsOf } from "../lib";

/** Configuration of {@link xacctTrustConditions}. */
export interface XacctTrustConditionsConfig {
  /** The stack's own accounts: their principals are exempt. @default [] */
  homeAccountIds: string[];
}

const SCHEMA: ConfigSchema<XacctTrustConditionsConfig> = { properties: { homeAccountIds: ACCOUNT_IDS_SCHEMA } };

/**
 * Checks whether every role another account may assume names the roles or users that assume it: by their ARNs, or
 * as the account's root with an `aws:PrincipalArn` condition naming roles or users of that account (which, unlike a
 * role principal, does not need the roles to exist), or the account's root from an organization pinned with
 * `aws:PrincipalOrgID`; and whether it requires `sts:ExternalId` or `aws:PrincipalOrgID`. A trust of `*` is left to
 * the public-trust rule.
 * @see https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_common-scenarios_third-party.html
 * @see https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html#condition-keys-principalarn
 * @see https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html#condition-keys-principalorgid
 */
export const xacctTrustConditions: ResourceValidationPolicy = {
  name: "xacct-trust-conditions",
  description:
    "Checks whether every role trusted by another account names specific principals (as ARNs, or pinned with an aws:PrincipalArn or aws:PrincipalOrgID condition) and requires an sts:ExternalId or aws:PrincipalOrgID condition.",
  severity: "high",
  remediationSteps:
    "In assumeRolePolicy, replace another account's root or id with the role or user ARNs that assume the role, or keep the root and pin those ARNs with Condition ArnEquals aws:PrincipalArn (or pin the organization with aws:PrincipalOrgID), and add Condition StringEquals sts:ExternalId (third parties) or aws:PrincipalOrgID (your organization).",
  url: "https://docs.aws.amazon.com/IAM/latest/UserGuide/confused-deputy.html",
  configSchema: SCHEMA,
  validateResource: forTypes<XacctTrustConditionsConfig>(["aws:iam/role:Role"], defaultsOf(SCHEMA), (props, config, report) => {
    statementsOf(props.assumeRolePolicy).forEach((statement, index) => {
      if (statement.Effect !== "Allow") return;
      const foreign = awsPrincipalsOf(statement).filter((principal) => {
        const account = accountOf(principal);
        return account !== undefined && !config.homeAccountIds.includes(account);
      });
      if (foreign.length === 0) return;
      const orgPinned = hasConditionOn(statement, ["aws:PrincipalOrgID"]);
      const pinned = pinnedPrincipalArnsOf(statement);
      for (const principal of foreign) {
        if (!isAccountPrincipal(principal) || orgPinned) continue;
        const account = accountOf(principal) as string;
        if (pinned.length === 0) {
          report(
            `Name the roles or users of account ${account} that assume the role instead of ${principal} in assumeRolePolicy Statement[${index}], or pin them with an aws:PrincipalArn condition (or the organization with aws:PrincipalOrgID).`,
          );
        } else if (!pinned.some((value) => pinsPrincipalsOf(value, account))) {
          report(`Name roles or users of account ${account} in the aws:PrincipalArn condition of assumeRolePolicy Statement[${index}], which lets ${principal} assume the role; it names ${pinned.join(", ")}.`);
        }
      }
      if (!hasConditionOn(statement, ["sts:ExternalId", "aws:PrincipalOrgID"])) {
        report(`Add an sts:ExternalId or aws:PrincipalOrgID condition to assumeRolePolicy Statement[${index}], which lets ${foreign.join(", ")} assume the role unconditionally.`);
      }
    });
  }),
};
