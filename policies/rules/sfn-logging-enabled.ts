import { ResourceValidationPolicy } from "@pulumi/policy";
import { ConfigSchema, defaultsOf, forTypes } from "../lib";

/** Log levels of a state machine, least to most. */
export const LOG_LEVELS = ["OFF", "FATAL", "ERROR", "ALL"] as const;

/** Configuration of {@link sfnLoggingEnabled}. */
export interface SfnLoggingConfig {
  /** The lowest acceptable `loggingConfiguration.level`. @default "ERROR" */
  minimumLevel: (typeof LOG_LEVELS)[number];
}

const SCHEMA: ConfigSchema<SfnLoggingConfig> = { properties: { minimumLevel: { type: "string", enum: [...LOG_LEVELS], default: "ERROR" } } };

/**
 * Checks whether every state machine logs at or above a minimum level, to a destination that ends `:*`.
 * @see https://docs.aws.amazon.com/step-functions/latest/dg/cw-logs.html
 * @see https://docs.aws.amazon.com/securityhub/latest/userguide/stepfunctions-controls.html#stepfunctions-1
 */
export const sfnLoggingEnabled: ResourceValidationPolicy = {
  name: "sfn-logging-enabled",
  description: "Checks whether every state machine logs to CloudWatch Logs at or above the minimum level, with a destination ending ':*'.",
  severity: "high",
  remediationSteps: "Set loggingConfiguration.level (ERROR or ALL) and loggingConfiguration.logDestination to the log group's ARN followed by ':*'.",
  url: "https://docs.aws.amazon.com/step-functions/latest/dg/cw-logs.html",
  configSchema: SCHEMA,
  validateResource: forTypes<SfnLoggingConfig>(["aws:sfn/stateMachine:StateMachine"], defaultsOf(SCHEMA), (props, config, report) => {
    const logging = props.loggingConfiguration as { level?: string; logDestination?: string } | undefined;
    const level = logging?.level ?? "OFF";
    if (LOG_LEVELS.indexOf(level as never) < LOG_LEVELS.indexOf(config.minimumLevel)) {
      report(`Set loggingConfiguration.level to ${config.minimumLevel} or above; it is ${level}.`);
    }
    if (level !== "OFF" && !logging?.logDestination?.endsWith(":*")) {
      report(`End loggingConfiguration.logDestination with ':*' (the log group ARN followed by ':*'); it is ${JSON.stringify(logging?.logDestination ?? null)}.`);
    }
  }),
};
