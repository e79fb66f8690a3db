import { ResourceValidationPolicy } from "@pulumi/policy";
import { forTypes } from "../lib";

/**
 * Checks whether every Lambda function traces its invocations with X-Ray (`tracingConfig.mode` Active), so that a
 * workflow's traces continue through its functions.
 * @see https://docs.aws.amazon.com/lambda/latest/dg/services-xray.html
 */
export const lambdaTracing: ResourceValidationPolicy = {
  name: "lambda-tracing",
  description: "Checks whether every Lambda function has X-Ray active tracing.",
  severity: "low",
  remediationSteps: "Set tracingConfig.mode to Active and grant the function's role xray:PutTraceSegments and xray:PutTelemetryRecords.",
  url: "https://docs.aws.amazon.com/lambda/latest/dg/services-xray.html",
  validateResource: forTypes(["aws:lambda/function:Function"], {}, (props, _config, report) => {
    const mode = (props.tracingConfig as { mode?: string } | undefined)?.mode;
    if (mode !== "Active") report(`Set tracingConfig.mode to Active; it is ${mode ?? "not set (PassThrough)"}.`);
  }),
};
