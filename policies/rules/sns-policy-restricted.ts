import { ResourceValidationPolicy } from "@pulumi/policy";
import { awsPrincipalsOf } from "../accounts";
import { forTypes, hasConditionOn, statementsOf } from "../lib";

/** The condition keys that limit a `*` principal to known accounts, resources or an organization. */
const KEYS = ["aws:SourceAccount", "aws:SourceArn", "aws:SourceOwner", "aws:PrincipalOrgID", "aws:PrincipalAccount"];

/**
 * Checks whether any SNS topic policy allows the principal `*` (`"*"` or `{AWS: "*"}`) without a condition that
 * limits it to an account, a source resource or the organization. Accounts named in principals are the
 * allow-list rule's concern.
 * @see https://docs.aws.amazon.com/sns/latest/dg/sns-security-best-practices.html#ensure-topics-not-publicly-accessible
 * @see https://docs.aws.amazon.com/securityhub/latest/userguide/sns-controls.html
 */
export const snsPolicyRestricted: ResourceValidationPolicy = {
  name: "sns-policy-restricted",
  description: "Checks whether an SNS topic policy allows the principal '*' without an aws:SourceAccount, aws:SourceArn, aws:SourceOwner, aws:PrincipalOrgID or aws:PrincipalAccount condition.",
  severity: "critical",
  remediationSteps: "Name the accounts or services that publish and subscribe, or add a condition on aws:SourceAccount, aws:SourceArn, aws:SourceOwner, aws:PrincipalOrgID or aws:PrincipalAccount to the statement.",
  url: "https://docs.aws.amazon.com/sns/latest/dg/sns-security-best-practices.html",
  validateResource: forTypes(["aws:sns/topicPolicy:TopicPolicy", "aws:sns/topic:Topic"], {}, (props, _config, report) => {
    statementsOf(props.policy).forEach((statement, index) => {
      if (statement.Effect !== "Allow" || !awsPrincipalsOf(statement).includes("*")) return;
      if (!hasConditionOn(statement, KEYS)) {
        report(`Add an aws:SourceAccount, aws:SourceArn, aws:SourceOwner, aws:PrincipalOrgID or aws:PrincipalAccount condition to policy Statement[${index}], which allows Principal "*" ${statement.Action.join(", ") || "its actions"}.`);
      }
    });
  }),
};
