import { ResourceValidationPolicy } from "@pulumi/policy";
import { ConfigSchema, defaultsOf, forTypes } from "../lib";

/** Configuration of {@link lambdaPermInvokeOnly}. */
export interface LambdaPermInvokeOnlyConfig {
  /** The actions a Lambda permission may grant (compared case-insensitively, never as patterns). @default ["lambda:InvokeFunction"] */
  allowedActions: string[];
}

const SCHEMA: ConfigSchema<LambdaPermInvokeOnlyConfig> = { properties: { allowedActions: { type: "array", items: { type: "string" }, default: ["lambda:InvokeFunction"] } } };

/**
 * Checks whether every Lambda permission grants an allowed action only, by default `lambda:InvokeFunction`:
 * never `lambda:*` or an action that reads or changes the function.
 * @see https://docs.aws.amazon.com/lambda/latest/dg/access-control-resource-based.html
 */
export const lambdaPermInvokeOnly: ResourceValidationPolicy = {
  name: "lambda-perm-invoke-only",
  description: "Checks whether every Lambda permission grants one of the allowed actions, by default lambda:InvokeFunction only.",
  severity: "high",
  remediationSteps: "Set action to lambda:InvokeFunction; grant anything else through the caller's identity policy, not the function's resource policy.",
  url: "https://docs.aws.amazon.com/lambda/latest/dg/access-control-resource-based.html",
  configSchema: SCHEMA,
  validateResource: forTypes<LambdaPermInvokeOnlyConfig>(["aws:lambda/permission:Permission"], defaultsOf(SCHEMA), (props, config, report) => {
    const action = String(props.action ?? "");
    if (!config.allowedActions.some((allowed) => allowed.toLowerCase() === action.toLowerCase())) {
      report(`Set action to ${config.allowedActions.length === 1 ? config.allowedActions[0] : `one of ${config.allowedActions.join(", ")}`}; it is ${JSON.stringify(props.action ?? null)}.`);
    }
  }),
};
