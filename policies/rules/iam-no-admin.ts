import { ResourceValidationPolicy } from "@pulumi/policy";
import { forAllowStatements } from "../lib";

/**
 * Checks whether any identity policy allows every action on every resource (full administrator access).
 * @see https://docs.aws.amazon.com/securityhub/latest/userguide/iam-controls.html#iam-1
 */
export const iamNoAdmin: ResourceValidationPolicy = {
  name: "iam-no-admin",
  description: "Checks whether an IAM policy allows every action on every resource.",
  severity: "critical",
  remediationSteps: "Grant the actions the role needs on the resources it uses, never Action '*' with Resource '*'.",
  url: "https://docs.aws.amazon.com/IAM/latest/UserGuide/best-practices.html#grant-least-privilege",
  validateResource: forAllowStatements({}, (statement, _config, report, index) => {
    if (statement.Action.includes("*") && statement.Resource.includes("*")) report(`Remove the full-admin grant: Statement[${index}] allows Action "*" on Resource "*".`);
  }),
};
