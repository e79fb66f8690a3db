import { ResourceValidationPolicy } from "@pulumi/policy";
import { forTypes } from "../lib";

/**
 * Checks whether every state machine sends traces to AWS X-Ray.
 * @see https://docs.aws.amazon.com/step-functions/latest/dg/concepts-xray-tracing.html
 * @see https://docs.aws.amazon.com/controltower/latest/controlreference/stepfunctions-rules.html
 */
export const sfnXrayTracing: ResourceValidationPolicy = {
  name: "sfn-xray-tracing",
  description: "Checks whether every state machine has AWS X-Ray tracing enabled.",
  severity: "low",
  remediationSteps: "Set tracingConfiguration.enabled to true, and grant the execution role the X-Ray write actions (xray:PutTraceSegments, xray:PutTelemetryRecords, xray:GetSamplingRules, xray:GetSamplingTargets) on '*'.",
  url: "https://docs.aws.amazon.com/step-functions/latest/dg/concepts-xray-tracing.html",
  validateResource: forTypes(["aws:sfn/stateMachine:StateMachine"], {}, (props, _config, report) => {
    const enabled = (props.tracingConfiguration as { enabled?: boolean } | undefined)?.enabled;
    if (enabled !== true) report(`Set tracingConfiguration.enabled to true; it is ${JSON.stringify(enabled ?? null)}.`);
  }),
};
