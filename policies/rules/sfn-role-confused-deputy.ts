import { ResourceValidationPolicy } from "@pulumi/policy";
import { forTypes, hasConditionOn, statementsOf } from "../lib";

const KEYS = ["aws:SourceAccount", "aws:SourceArn"];

/**
 * Checks whether every role that `states.amazonaws.com` may assume limits it, with `aws:SourceAccount` or
 * `aws:SourceArn`, to state machines of the expected account (the confused-deputy problem).
 * @see https://docs.aws.amazon.com/step-functions/latest/dg/procedure-create-iam-role.html#prevent-cross-service-confused-deputy
 */
export const sfnRoleConfusedDeputy: ResourceValidationPolicy = {
  name: "sfn-role-confused-deputy",
  description: "Checks whether every role trusted by states.amazonaws.com carries an aws:SourceAccount or aws:SourceArn condition.",
  severity: "high",
  remediationSteps: "Add Condition StringEquals aws:SourceAccount (and ArnLike aws:SourceArn arn:<partition>:states:<region>:<account>:stateMachine:*) to the trust statement.",
  url: "https://docs.aws.amazon.com/IAM/latest/UserGuide/confused-deputy.html",
  validateResource: forTypes(["aws:iam/role:Role"], {}, (props, _config, report) => {
    statementsOf(props.assumeRolePolicy).forEach((statement, index) => {
      const services = statement.Principal === "*" ? [] : (statement.Principal?.Service ?? []);
      if (statement.Effect !== "Allow" || !services.some((s) => s.startsWith("states."))) return;
      if (!hasConditionOn(statement, KEYS)) {
        report(`Add an aws:SourceAccount or aws:SourceArn condition to assumeRolePolicy Statement[${index}], which lets ${services.join(", ")} assume the role for any account.`);
      }
    });
  }),
};
