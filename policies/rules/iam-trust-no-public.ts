import { ResourceValidationPolicy } from "@pulumi/policy";
import { forTypes, statementsOf } from "../lib";

/**
 * Checks whether a role's trust policy lets anyone assume it (Principal `*` or `{"AWS": "*"}`), or allows every
 * STS action (`*`, `sts:*`) instead of the one the principal uses.
 * @see https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_terms-and-concepts.html#iam-term-trust-policy
 * @see https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_principal.html#principal-anonymous
 */
export const iamTrustNoPublic: ResourceValidationPolicy = {
  name: "iam-trust-no-public",
  description: "Checks whether a role's trust policy allows the principal '*' or the action '*' or 'sts:*'.",
  severity: "critical",
  remediationSteps: "Name the service, account or role that assumes the role in Principal, and allow only the STS action it uses (sts:AssumeRole, sts:AssumeRoleWithWebIdentity, sts:TagSession…).",
  url: "https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_principal.html#principal-anonymous",
  validateResource: forTypes(["aws:iam/role:Role"], {}, (props, _config, report) => {
    statementsOf(props.assumeRolePolicy).forEach((statement, index) => {
      if (statement.Effect !== "Allow") return;
      if (statement.Principal === "*") report(`Replace Principal "*" in assumeRolePolicy Statement[${index}] with the principals that assume the role.`);
      else if (statement.Principal?.AWS?.includes("*")) report(`Replace Principal {"AWS": "*"} in assumeRolePolicy Statement[${index}] with the accounts or roles that assume the role.`);
      for (const action of statement.Action.filter((a) => a === "*" || a.toLowerCase() === "sts:*")) {
        report(`Replace Action "${action}" in assumeRolePolicy Statement[${index}] with the STS action the principal uses (sts:AssumeRole).`);
      }
    });
  }),
};
