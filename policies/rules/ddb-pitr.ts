import { ResourceValidationPolicy } from "@pulumi/policy";
import { ConfigSchema, defaultsOf, forTypes } from "../lib";

/** Configuration of {@link ddbPitr}. */
export interface DdbPitrConfig {
  /** Require `deletionProtectionEnabled` too. @default false */
  requireDeletionProtection: boolean;
  /** Require server-side encryption with a customer-managed key. @default false */
  requireCustomerManagedKey: boolean;
}

const SCHEMA: ConfigSchema<DdbPitrConfig> = {
    properties: { requireDeletionProtection: { type: "boolean", default: false }, requireCustomerManagedKey: { type: "boolean", default: false } },
  };

/**
 * Checks whether every DynamoDB table has point-in-time recovery and, as configured, deletion protection and a
 * customer-managed key.
 * @see https://docs.aws.amazon.com/securityhub/latest/userguide/dynamodb-controls.html#dynamodb-2
 */
export const ddbPitr: ResourceValidationPolicy = {
  name: "ddb-pitr",
  description: "Checks whether every DynamoDB table has point-in-time recovery, and deletion protection and a customer-managed key where configured.",
  severity: "medium",
  remediationSteps: "Set pointInTimeRecovery.enabled to true; in production also deletionProtectionEnabled and serverSideEncryption with a KMS key.",
  url: "https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/PointInTimeRecovery.html",
  configSchema: SCHEMA,
  validateResource: forTypes<DdbPitrConfig>(["aws:dynamodb/table:Table"], defaultsOf(SCHEMA), (props, config, report) => {
    if (props.pointInTimeRecovery?.enabled !== true) report(`Set pointInTimeRecovery.enabled to true; it is ${JSON.stringify(props.pointInTimeRecovery?.enabled ?? null)}.`);
    if (config.requireDeletionProtection && props.deletionProtectionEnabled !== true) report("Set deletionProtectionEnabled to true.");
    if (config.requireCustomerManagedKey && !(props.serverSideEncryption?.enabled && props.serverSideEncryption?.kmsKeyArn)) {
      report("Set serverSideEncryption to enabled with a customer-managed kmsKeyArn.");
    }
  }),
};
