import { ResourceValidationPolicy } from "@pulumi/policy";
import { forAllowStatements } from "../lib";

/** `service:*` (any spelling of the service prefix); the bare `*` is iam-no-star-action's. */
const SERVICE_WILDCARD = /^[^:]+:\*+$/;

/**
 * Checks whether an identity policy allows every action of a service (`s3:*`). A bare `*` is left to
 * iam-no-star-action, so that each misconfiguration is reported by one rule.
 * @see https://docs.aws.amazon.com/securityhub/latest/userguide/iam-controls.html#iam-21
 * @see https://docs.aws.amazon.com/IAM/latest/UserGuide/best-practices.html#grant-least-privilege
 */
export const iamNoServiceWildcard: ResourceValidationPolicy = {
  name: "iam-no-service-wildcard",
  description: "Checks whether an IAM policy allows every action of a service with a 'service:*' action.",
  severity: "high",
  remediationSteps: "List the actions of the service the role needs instead of 'service:*'.",
  url: "https://docs.aws.amazon.com/securityhub/latest/userguide/iam-controls.html#iam-21",
  validateResource: forAllowStatements({}, (statement, _config, report, index) => {
    for (const action of statement.Action.filter((a) => SERVICE_WILDCARD.test(a))) {
      report(`Replace Action "${action}" in Statement[${index}] with the ${action.split(":")[0]} actions the role needs.`);
    }
  }),
};
