import { ResourceValidationPolicy } from "@pulumi/policy";
import { forAllowStatements, hasConditionOn, isPassRoleGrant } from "../lib";

/**
 * Checks whether any identity policy allows iam:PassRole on `*` or without `iam:PassedToService`: either lets the
 * holder hand any role to any service.
 * @see https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_use_passrole.html
 */
export const iamNoPassroleStar: ResourceValidationPolicy = {
  name: "iam-no-passrole-star",
  description: "Checks whether an IAM policy allows iam:PassRole on every role or to every service.",
  severity: "critical",
  remediationSteps: "Grant iam:PassRole on the named roles only, with the condition iam:PassedToService naming the service.",
  url: "https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_use_passrole.html",
  validateResource: forAllowStatements({}, (statement, _config, report, index) => {
    // "*" and "iam:*" are iam-no-star-action's and iam-no-service-wildcard's findings; this rule is about grants
    // written for iam:PassRole.
    if (!statement.Action.some(isPassRoleGrant)) return;
    if (statement.Resource.includes("*")) report(`Scope iam:PassRole in Statement[${index}] to the roles passed; its Resource is "*".`);
    if (!hasConditionOn(statement, ["iam:PassedToService"])) report(`Add the condition iam:PassedToService to Statement[${index}], which allows iam:PassRole to any service.`);
  }),
};
