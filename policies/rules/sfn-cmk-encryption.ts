import { ResourceValidationPolicy } from "@pulumi/policy";
import { forTypes } from "../lib";

/**
 * Checks whether every state machine encrypts its data (definition, execution history, inputs and outputs) with a
 * customer-managed KMS key rather than an AWS-owned one, so that the account controls and audits the key's use.
 * @see https://docs.aws.amazon.com/step-functions/latest/dg/encryption-at-rest.html
 */
export const sfnCmkEncryption: ResourceValidationPolicy = {
  name: "sfn-cmk-encryption",
  description: "Checks whether every state machine encrypts its data with a customer-managed KMS key.",
  severity: "low",
  remediationSteps: "Set encryptionConfiguration.type to CUSTOMER_MANAGED_KMS_KEY and encryptionConfiguration.kmsKeyId to the key; grant the execution role kms:Decrypt and kms:GenerateDataKey on it in the state machine's encryption context.",
  url: "https://docs.aws.amazon.com/step-functions/latest/dg/encryption-at-rest.html",
  validateResource: forTypes(["aws:sfn/stateMachine:StateMachine"], {}, (props, _config, report) => {
    const encryption = props.encryptionConfiguration as { type?: string; kmsKeyId?: string } | undefined;
    const type = encryption?.type;
    if (type !== "CUSTOMER_MANAGED_KMS_KEY") {
      report(`Set encryptionConfiguration.type to CUSTOMER_MANAGED_KMS_KEY, with a kmsKeyId; it is ${type ?? "unset (AWS_OWNED_KEY)"}.`);
    } else if (!encryption?.kmsKeyId) {
      report(`Set encryptionConfiguration.kmsKeyId to the customer-managed key; it is ${JSON.stringify(encryption?.kmsKeyId ?? null)}.`);
    }
  }),
};
