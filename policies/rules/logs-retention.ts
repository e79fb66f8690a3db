import { ResourceValidationPolicy } from "@pulumi/policy";
import { ConfigSchema, defaultsOf, forTypes } from "../lib";

/** Configuration of {@link logsRetention}. */
export interface LogsRetentionConfig {
  /** The shortest acceptable `retentionInDays` (absent or 0, never expire, always passes). @default 365 */
  minimumRetentionDays: number;
  /** Require `kmsKeyId`, a customer-managed key. @default false */
  requireKmsKey: boolean;
}

const SCHEMA: ConfigSchema<LogsRetentionConfig> = { properties: { minimumRetentionDays: { type: "integer", minimum: 0, default: 365 }, requireKmsKey: { type: "boolean", default: false } } };

/**
 * Checks whether every CloudWatch Logs log group keeps its events at least the minimum number of days and, as
 * configured, encrypts them with a customer-managed KMS key.
 * @see https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/Working-with-log-groups-and-streams.html#SettingLogRetention
 * @see https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/encrypt-log-data-kms.html
 */
export const logsRetention: ResourceValidationPolicy = {
  name: "logs-retention",
  description: "Checks whether every log group keeps its events at least the minimum number of days, and is encrypted with a KMS key where configured.",
  severity: "medium",
  remediationSteps: "Set retentionInDays to at least the minimum (e.g. 365), and kmsKeyId to a KMS key whose key policy lets the logs service use it.",
  url: "https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/Working-with-log-groups-and-streams.html",
  configSchema: SCHEMA,
  validateResource: forTypes<LogsRetentionConfig>(["aws:cloudwatch/logGroup:LogGroup"], defaultsOf(SCHEMA), (props, config, report) => {
    const days = Number(props.retentionInDays ?? 0);
    if (days > 0 && days < config.minimumRetentionDays) report(`Set retentionInDays to at least ${config.minimumRetentionDays}; it is ${days}.`);
    if (config.requireKmsKey && !props.kmsKeyId) report("Set kmsKeyId to a KMS key ARN; it is not set.");
  }),
};
