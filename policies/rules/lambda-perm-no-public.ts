import { ResourceValidationPolicy } from "@pulumi/policy";
import { forTypes } from "../lib";

/**
 * Checks whether a Lambda permission lets anyone invoke the function.
 * @see https://docs.aws.amazon.com/lambda/latest/dg/access-control-resource-based.html
 * @see https://docs.aws.amazon.com/securityhub/latest/userguide/lambda-controls.html#lambda-1
 */
export const lambdaPermNoPublic: ResourceValidationPolicy = {
  name: "lambda-perm-no-public",
  description: "Checks whether a Lambda permission grants the principal '*' without an organization condition.",
  severity: "critical",
  remediationSteps: "Name the account, role or service principal that invokes the function, or set principalOrgId.",
  url: "https://docs.aws.amazon.com/lambda/latest/dg/access-control-resource-based.html",
  validateResource: forTypes(["aws:lambda/permission:Permission"], {}, (props, _config, report) => {
    if (props.principal === "*" && !props.principalOrgId) report(`Replace principal "*" with the principal that invokes ${props.function ?? "the function"}, or set principalOrgId.`);
  }),
};
