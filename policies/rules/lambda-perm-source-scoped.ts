import { ResourceValidationPolicy } from "@pulumi/policy";
import { ConfigSchema, defaultsOf, forTypes } from "../lib";

/** Configuration of {@link lambdaPermSourceScoped}. */
export interface LambdaPermSourceScopedConfig {
  /** Require `sourceArn`; `sourceAccount` alone is not enough. @default false */
  requireSourceArn: boolean;
}

/** A service principal, e.g. `sns.amazonaws.com` (or `.amazonaws.com.cn` in China). */
const SERVICE = /\.amazonaws\.com(\.cn)?$/;

const SCHEMA: ConfigSchema<LambdaPermSourceScopedConfig> = { properties: { requireSourceArn: { type: "boolean", default: false } } };

/**
 * Checks whether every Lambda permission granted to an AWS service limits it to the expected source, with
 * `sourceArn` or `sourceAccount`, so that the service cannot invoke the function on behalf of another account
 * (the confused-deputy problem).
 * @see https://docs.aws.amazon.com/lambda/latest/dg/permissions-function-services.html
 * @see https://docs.aws.amazon.com/IAM/latest/UserGuide/confused-deputy.html
 */
export const lambdaPermSourceScoped: ResourceValidationPolicy = {
  name: "lambda-perm-source-scoped",
  description: "Checks whether every Lambda permission granted to an AWS service principal sets sourceArn or sourceAccount, and sourceArn where configured.",
  severity: "high",
  remediationSteps: "Set sourceArn to the ARN of the resource that invokes the function (the topic, rule, bucket or API), and sourceAccount to its account.",
  url: "https://docs.aws.amazon.com/lambda/latest/dg/permissions-function-services.html",
  configSchema: SCHEMA,
  validateResource: forTypes<LambdaPermSourceScopedConfig>(["aws:lambda/permission:Permission"], defaultsOf(SCHEMA), (props, config, report) => {
    const principal = String(props.principal ?? "");
    if (!SERVICE.test(principal)) return;
    if (config.requireSourceArn && !props.sourceArn) {
      report(`Set sourceArn to the resource that invokes the function through ${principal}; it is not set${props.sourceAccount ? ` (only sourceAccount ${props.sourceAccount} is)` : ""}.`);
    } else if (!props.sourceArn && !props.sourceAccount) {
      report(`Set sourceArn or sourceAccount on this permission for ${principal}; neither is set.`);
    }
  }),
};
