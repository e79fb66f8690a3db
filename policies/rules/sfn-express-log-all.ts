import { ResourceValidationPolicy } from "@pulumi/policy";
import { forTypes } from "../lib";

/**
 * Checks whether every Express state machine logs at level ALL: Step Functions keeps no execution history for
 * Express workflows, so their logs are their only record.
 * @see https://docs.aws.amazon.com/step-functions/latest/dg/cw-logs.html
 */
export const sfnExpressLogAll: ResourceValidationPolicy = {
  name: "sfn-express-log-all",
  description: "Checks whether every Express state machine logs at level ALL, its logs being its only execution history.",
  severity: "high",
  remediationSteps: "Set loggingConfiguration.level to ALL on EXPRESS state machines.",
  url: "https://docs.aws.amazon.com/step-functions/latest/dg/concepts-express-synchronous.html",
  validateResource: forTypes(["aws:sfn/stateMachine:StateMachine"], {}, (props, _config, report) => {
    if (props.type !== "EXPRESS") return;
    const level = (props.loggingConfiguration as { level?: string } | undefined)?.level ?? "OFF";
    if (level !== "ALL") report(`Set loggingConfiguration.level to ALL on this EXPRESS state machine; it is ${level}.`);
  }),
};
