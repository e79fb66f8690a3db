import { ReportViolation, ResourceValidationPolicy } from "@pulumi/policy";
import { Statement, actionMatches, forTypes, statementsOf } from "../lib";

/** The resource types whose `policy` prop is an identity policy document. */
export const IDENTITY_POLICY_TYPES = ["aws:iam/policy:Policy", "aws:iam/rolePolicy:RolePolicy"];

/** A rule over every Allow statement of an identity policy. */
function forAllowStatements<TConfig extends object>(defaults: TConfig, check: (statement: Statement, config: TConfig, report: ReportViolation, index: number) => void) {
  return forTypes<TConfig>(IDENTITY_POLICY_TYPES, defaults, (props, config, report) => {
    statementsOf(props.policy).forEach((statement, index) => {
      if (statement.Effect === "Allow") check(statement, config, report, index);
    });
  });
}

const docs = "https://docs.aws.amazon.com/IAM/latest/UserGuide/best-practices.html#grant-least-privilege";

/** Actions that cover iam:PassRole among everything else, which other rules report. */
const BROAD_ACTIONS = ["*", "iam:*"];

/** Checks whether any identity policy allows every action on every resource. */
export const iamNoAdmin: ResourceValidationPolicy = {
  name: "iam-no-admin",
  description: "Checks whether an IAM policy allows every action on every resource.",
  severity: "critical",
  remediationSteps: "Grant the actions the role needs on the resources it uses, never Action '*' with Resource '*'.",
  url: docs,
  validateResource: forAllowStatements({}, (statement, _config, report, index) => {
    if (statement.Action.includes("*") && statement.Resource.includes("*")) report(`Remove the full-admin grant: Statement[${index}] allows Action "*" on Resource "*".`);
  }),
};

/** Checks whether any identity policy allows the action `*` (on Resource `*`, iam-no-admin reports it). */
export const iamNoStarAction: ResourceValidationPolicy = {
  name: "iam-no-star-action",
  description: "Checks whether an IAM policy allows the action '*'.",
  severity: "critical",
  remediationSteps: "List the actions the role needs instead of '*'.",
  url: docs,
  validateResource: forAllowStatements({}, (statement, _config, report, index) => {
    // Action "*" on Resource "*" is iam-no-admin's finding: one misconfiguration, one rule.
    if (statement.Action.includes("*") && !statement.Resource.includes("*")) report(`Replace Action "*" in Statement[${index}] with the actions the role needs.`);
  }),
};

/** Checks whether any identity policy allows iam:PassRole on `*` or without `iam:PassedToService`. */
export const iamNoPassroleStar: ResourceValidationPolicy = {
  name: "iam-no-passrole-star",
  description: "Checks whether an IAM policy allows iam:PassRole on every role or to every service.",
  severity: "critical",
  remediationSteps: "Grant iam:PassRole on the named roles only, with the condition iam:PassedToService naming the service.",
  url: "https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_use_passrole.html",
  validateResource: forAllowStatements({}, (statement, _config, report, index) => {
    // "*" and "iam:*" are iam-no-star-action's and iam-no-service-wildcard's findings; this rule is about grants
    // written for iam:PassRole.
    if (!statement.Action.some((action) => actionMatches(action, "iam:PassRole") && !BROAD_ACTIONS.includes(action.toLowerCase()))) return;
    if (statement.Resource.includes("*")) report(`Scope iam:PassRole in Statement[${index}] to the roles passed; its Resource is "*".`);
    const passedTo = Object.values(statement.Condition ?? {}).some((keys) => Object.keys(keys).some((key) => key.toLowerCase() === "iam:passedtoservice"));
    if (!passedTo) report(`Add the condition iam:PassedToService to Statement[${index}], which allows iam:PassRole to any service.`);
  }),
};
