import { ResourceValidationPolicy } from "@pulumi/policy";
import { forAllowStatements } from "../lib";

/**
 * Checks whether any identity policy allows the action `*` (on Resource `*`, iam-no-admin reports it).
 * @see https://docs.aws.amazon.com/IAM/latest/UserGuide/best-practices.html#grant-least-privilege
 */
export const iamNoStarAction: ResourceValidationPolicy = {
  name: "iam-no-star-action",
  description: "Checks whether an IAM policy allows the action '*'.",
  severity: "critical",
  remediationSteps: "List the actions the role needs instead of '*'.",
  url: "https://docs.aws.amazon.com/IAM/latest/UserGuide/best-practices.html#grant-least-privilege",
  validateResource: forAllowStatements({}, (statement, _config, report, index) => {
    // Action "*" on Resource "*" is iam-no-admin's finding: one misconfiguration, one rule.
    if (statement.Action.includes("*") && !statement.Resource.includes("*")) report(`Replace Action "*" in Statement[${index}] with the actions the role needs.`);
  }),
};
