import { ResourceValidationPolicy } from "@pulumi/policy";
import { forTypes, IDENTITY_POLICY_TYPES, statementsOf } from "../lib";
import { ROLE } from "../stack";

/**
 * Checks whether an identity policy or a role's trust policy allows with NotAction, NotResource or NotPrincipal:
 * an Allow with a Not element grants everything it does not name, including what AWS adds later.
 * @see https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_notaction.html
 * @see https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_notresource.html
 * @see https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_notprincipal.html
 */
export const iamNoNotElements: ResourceValidationPolicy = {
  name: "iam-no-not-elements",
  description: "Checks whether an IAM policy or trust policy has an Allow statement with NotAction, NotResource or NotPrincipal.",
  severity: "high",
  remediationSteps: "Replace NotAction, NotResource and NotPrincipal in Allow statements with Action, Resource and Principal naming what is allowed; keep Not elements for Deny statements.",
  url: "https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_notaction.html",
  validateResource: forTypes([...IDENTITY_POLICY_TYPES, ROLE], {}, (props, _config, report, args) => {
    const field = args.type === ROLE ? "assumeRolePolicy" : "policy";
    statementsOf(props[field]).forEach((statement, index) => {
      if (statement.Effect !== "Allow") return;
      if (statement.NotAction) report(`Replace NotAction ${JSON.stringify(statement.NotAction)} in ${field} Statement[${index}] with Action listing the actions allowed.`);
      if (statement.NotResource) report(`Replace NotResource ${JSON.stringify(statement.NotResource)} in ${field} Statement[${index}] with Resource listing the resources allowed.`);
      if (statement.NotPrincipal !== undefined) report(`Replace NotPrincipal ${JSON.stringify(statement.NotPrincipal)} in ${field} Statement[${index}] with Principal naming who is allowed.`);
    });
  }),
};
