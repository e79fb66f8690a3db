import { ReportViolation, ResourceValidationPolicy } from "@pulumi/policy";
import { ACCOUNT_IDS_SCHEMA, accountOf, accountPrincipalsOf } from "../accounts";
import { ConfigSchema, defaultsOf, forTypes, statementsOf } from "../lib";

/** Configuration of {@link xacctAllowlist}. */
export interface XacctAllowlistConfig {
  /** The accounts principals may belong to; empty, no account principal passes. @default [] */
  allowedAccountIds: string[];
}

/** The props holding a policy document, by resource type. */
const DOCUMENTS: Record<string, string> = {
  "aws:iam/role:Role": "assumeRolePolicy",
  "aws:sns/topicPolicy:TopicPolicy": "policy",
  "aws:sns/topic:Topic": "policy",
  "aws:dynamodb/resourcePolicy:ResourcePolicy": "policy",
};
const PERMISSION = "aws:lambda/permission:Permission";

const SCHEMA: ConfigSchema<XacctAllowlistConfig> = { properties: { allowedAccountIds: ACCOUNT_IDS_SCHEMA } };

/**
 * Checks whether every account named in a principal (an ARN's account or a bare account id, in a role's trust, a
 * topic policy, a DynamoDB resource policy or a Lambda permission) is on the stack's allow-list. `*` and service
 * principals are left to the public-access and source-scoping rules; Deny statements grant nothing and are skipped.
 * @see https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_principal.html#principal-accounts
 * @see https://docs.aws.amazon.com/lambda/latest/dg/permissions-function-cross-account.html
 */
export const xacctAllowlist: ResourceValidationPolicy = {
  name: "xacct-allowlist",
  description: "Checks whether every account named in a principal of a trust policy, topic policy, table resource policy or Lambda permission is on the allow-list.",
  severity: "critical",
  remediationSteps: "Remove principals of unknown accounts, or add the account to the rule's allowedAccountIds in the stack's policy configuration once the access is approved.",
  url: "https://docs.aws.amazon.com/IAM/latest/UserGuide/access_policies-cross-account-resource-access.html",
  configSchema: SCHEMA,
  validateResource: forTypes<XacctAllowlistConfig>([...Object.keys(DOCUMENTS), PERMISSION], defaultsOf(SCHEMA), (props, config, report, args) => {
    const allowed = (account: string) => config.allowedAccountIds.includes(account);
    if (args.type === PERMISSION) {
      const principal = String(props.principal ?? "");
      const account = accountOf(principal);
      const statement = props.statementId ? ` of statement ${props.statementId}` : "";
      if (account && !allowed(account)) report(`Remove account ${account} from principal${statement} (${principal}), or add it to allowedAccountIds.`);
      return;
    }
    const field = DOCUMENTS[args.type];
    statementsOf(props[field]).forEach((statement, index) => {
      if (statement.Effect !== "Allow") return;
      reportByAccount(accountPrincipalsOf(statement), allowed, (account, principals) =>
        report(`Remove account ${account} from ${field} Statement[${index}] (${principals.join(", ")}), or add it to allowedAccountIds.`),
      );
    });
  }),
};

/** Calls `report` once per account not allowed, with the principals of that account. */
function reportByAccount(principals: string[], allowed: (account: string) => boolean, report: (account: string, principals: string[]) => ReturnType<ReportViolation>) {
  const byAccount = new Map<string, string[]>();
  for (const principal of principals) {
    const account = accountOf(principal);
    if (account && !allowed(account)) byAccount.set(account, [...(byAccount.get(account) ?? []), principal]);
  }
  byAccount.forEach((named, account) => report(account, named));
}
