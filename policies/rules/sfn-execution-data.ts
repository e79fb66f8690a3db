import { ResourceValidationPolicy } from "@pulumi/policy";
import { ConfigSchema, defaultsOf, forTypes } from "../lib";

/** What {@link sfnExecutionData} requires of `includeExecutionData`: anything, true, or false. */
export const EXECUTION_DATA_SETTINGS = ["any", "on", "off"] as const;

/** Configuration of {@link sfnExecutionData}. */
export interface SfnExecutionDataConfig {
  /** `off`: execution data must not be logged (it may hold PII); `on`: it must be; `any`: no check. @default "off" */
  includeExecutionData: (typeof EXECUTION_DATA_SETTINGS)[number];
}

const SCHEMA: ConfigSchema<SfnExecutionDataConfig> = { properties: { includeExecutionData: { type: "string", enum: [...EXECUTION_DATA_SETTINGS], default: "off" } } };

/**
 * Checks whether every state machine's `loggingConfiguration.includeExecutionData` is as configured. Execution data
 * (inputs, outputs, errors of each state) often holds personal data, so the default is that it is not logged.
 * @see https://docs.aws.amazon.com/step-functions/latest/dg/cw-logs.html
 * @see https://docs.aws.amazon.com/step-functions/latest/dg/sfn-best-practices.html
 */
export const sfnExecutionData: ResourceValidationPolicy = {
  name: "sfn-execution-data",
  description: "Checks whether every state machine's loggingConfiguration.includeExecutionData is as configured, off by default since execution data may hold personal data.",
  severity: "medium",
  remediationSteps: "Set loggingConfiguration.includeExecutionData to false where execution inputs and outputs may hold personal data (or to true where the stack's configuration requires it).",
  url: "https://docs.aws.amazon.com/step-functions/latest/dg/cw-logs.html",
  configSchema: SCHEMA,
  validateResource: forTypes<SfnExecutionDataConfig>(["aws:sfn/stateMachine:StateMachine"], defaultsOf(SCHEMA), (props, config, report) => {
    if (config.includeExecutionData === "any") return;
    const included = (props.loggingConfiguration as { includeExecutionData?: boolean } | undefined)?.includeExecutionData;
    if (config.includeExecutionData === "off" && included === true) report("Set loggingConfiguration.includeExecutionData to false; it is true.");
    if (config.includeExecutionData === "on" && included !== true) report(`Set loggingConfiguration.includeExecutionData to true; it is ${JSON.stringify(included ?? null)}.`);
  }),
};
