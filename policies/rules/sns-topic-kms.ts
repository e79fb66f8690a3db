import { ResourceValidationPolicy } from "@pulumi/policy";
import { ConfigSchema, defaultsOf, forTypes, isAwsManagedKey } from "../lib";

/** Configuration of {@link snsTopicKms}. */
export interface SnsTopicKmsConfig {
  /** Reject the AWS managed key `alias/aws/sns` (by alias or alias ARN). @default false */
  forbidAwsManagedKey: boolean;
}

const SCHEMA: ConfigSchema<SnsTopicKmsConfig> = { properties: { forbidAwsManagedKey: { type: "boolean", default: false } } };

/**
 * Checks whether every SNS topic is encrypted at rest with a KMS key and, as configured, not with the AWS managed
 * key `alias/aws/sns` (whose key policy cannot let other services or accounts publish).
 * @see https://docs.aws.amazon.com/sns/latest/dg/sns-server-side-encryption.html
 * @see https://docs.aws.amazon.com/securityhub/latest/userguide/sns-controls.html
 */
export const snsTopicKms: ResourceValidationPolicy = {
  name: "sns-topic-kms",
  description: "Checks whether every SNS topic sets kmsMasterKeyId, to a customer-managed key where configured.",
  severity: "medium",
  remediationSteps: "Set kmsMasterKeyId to a customer-managed KMS key whose key policy lets the publishers use it (alias/aws/sns only where AWS services do not publish).",
  url: "https://docs.aws.amazon.com/sns/latest/dg/sns-server-side-encryption.html",
  configSchema: SCHEMA,
  validateResource: forTypes<SnsTopicKmsConfig>(["aws:sns/topic:Topic"], defaultsOf(SCHEMA), (props, config, report) => {
    const key = props.kmsMasterKeyId as string | undefined;
    if (!key) report("Set kmsMasterKeyId to a KMS key; it is not set.");
    else if (config.forbidAwsManagedKey && isAwsManagedKey(key)) report(`Set kmsMasterKeyId to a customer-managed key; it is the AWS managed key ${key}.`);
  }),
};
