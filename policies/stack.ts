import { PolicyResource } from "@pulumi/policy";
import { parseArn } from "../infra/iam/arn";
import { GrantedStatement } from "../infra/iam/compare";
import { PolicyStatement } from "../infra/iam/policy";
import { Statement, statementsOf } from "./lib";

/**
 * The joins stack rules make: a state machine to its execution role, a role to everything that grants it
 * permissions, a key id or alias to its key ARN. Props are the resources' outputs, as the engine passes them to
 * stack policies; a value unknown at preview raises `UnknownValueError`, which is left to propagate.
 * @see https://www.pulumi.com/docs/iac/using-pulumi/crossguard/core-concepts/#stack-validation-policies
 */

export const STATE_MACHINE = "aws:sfn/stateMachine:StateMachine";
export const ROLE = "aws:iam/role:Role";
export const ROLE_POLICY = "aws:iam/rolePolicy:RolePolicy";
export const POLICY = "aws:iam/policy:Policy";
export const ROLE_POLICY_ATTACHMENT = "aws:iam/rolePolicyAttachment:RolePolicyAttachment";
export const LAMBDA_FUNCTION = "aws:lambda/function:Function";
export const TOPIC = "aws:sns/topic:Topic";
export const TOPIC_POLICY = "aws:sns/topicPolicy:TopicPolicy";
export const KMS_KEY = "aws:kms/key:Key";
export const KMS_KEY_POLICY = "aws:kms/keyPolicy:KeyPolicy";
export const METRIC_ALARM = "aws:cloudwatch/metricAlarm:MetricAlarm";
export const EVENT_TARGET = "aws:cloudwatch/eventTarget:EventTarget";

/** Everything that grants a role permissions, as statements with their source. */
export interface RoleGrants {
  /** The Allow and Deny statements of the role's inline and attached policies, each with where it comes from. */
  statements: GrantedStatement[];
  /** Allow statements written with NotAction or NotResource, which cannot be compared pair by pair. */
  negated: { source: string; index: number }[];
  /** ARNs of attached policies not managed in this stack (AWS managed policies among them). */
  foreignPolicies: string[];
}

/** The resources of a stack, indexed for the joins stack rules make. */
export class StackIndex {
  private readonly byType = new Map<string, PolicyResource[]>();

  /** @param resources every resource of the stack, as `validateStack` receives them. */
  constructor(resources: PolicyResource[]) {
    for (const resource of resources) this.byType.set(resource.type, [...(this.byType.get(resource.type) ?? []), resource]);
  }

  /** The resources of one Pulumi type token. */
  ofType(type: string): PolicyResource[] {
    return this.byType.get(type) ?? [];
  }

  /** The state machines of the stack, grouped by their `roleArn`, in registration order. */
  machinesByRole(): Map<string, PolicyResource[]> {
    const byRole = new Map<string, PolicyResource[]>();
    for (const machine of this.ofType(STATE_MACHINE)) {
      const roleArn = machine.props.roleArn as string;
      byRole.set(roleArn, [...(byRole.get(roleArn) ?? []), machine]);
    }
    return byRole;
  }

  /**
   * The role with this ARN: by its `arn` output, or by its `name` (the ARN's last path segment) when the ARN is
   * not known to the role (a role created in the same deployment, read in preview).
   */
  roleByArn(roleArn: string): PolicyResource | undefined {
    const name = roleArn.split("/").pop();
    return this.ofType(ROLE).find((role) => role.props.arn === roleArn || (role.props.arn === undefined && role.props.name === name));
  }

  /**
   * What grants a role permissions: its `inlinePolicies`, every RolePolicy naming it, and every policy attached by
   * a RolePolicyAttachment or its `managedPolicyArns` (an attached policy not in the stack is listed, not read).
   */
  grantsOf(role: PolicyResource): RoleGrants {
    const roleName = role.props.name as string;
    const named = (value: unknown) => value === roleName || value === role.props.arn || value === role.props.id;
    const grants: RoleGrants = { statements: [], negated: [], foreignPolicies: [] };
    const add = (document: unknown, source: string) => {
      statementsOf(document).forEach((statement, index) => {
        if (statement.Effect === "Allow" && (statement.NotAction || statement.NotResource)) grants.negated.push({ source, index });
        else grants.statements.push({ statement: asPolicyStatement(statement), source });
      });
    };
    for (const inline of (role.props.inlinePolicies as { name?: string; policy?: unknown }[] | undefined) ?? []) add(inline.policy, `inline policy ${inline.name ?? "(unnamed)"}`);
    for (const policy of this.ofType(ROLE_POLICY).filter((p) => named(p.props.role))) add(policy.props.policy, `role policy ${policy.props.name ?? policy.name}`);
    const attached = [
      ...this.ofType(ROLE_POLICY_ATTACHMENT)
        .filter((a) => named(a.props.role))
        .map((a) => a.props.policyArn as string),
      ...((role.props.managedPolicyArns as string[] | undefined) ?? []),
    ];
    for (const arn of attached) {
      const policy = this.ofType(POLICY).find((p) => p.props.arn === arn);
      if (policy) add(policy.props.policy, `managed policy ${arn}`);
      else grants.foreignPolicies.push(arn);
    }
    return grants;
  }

  /**
   * The topic with this ARN: by its `arn` output, or by its `name` (the ARN's last segment) when the ARN is not
   * known to the topic (a topic created in the same deployment, read in preview).
   * @see https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazonsns.html#amazonsns-resources-for-iam-policies
   */
  topicByArn(topicArn: string): PolicyResource | undefined {
    const name = topicArn.split(":").pop();
    return this.ofType(TOPIC).find((topic) => topic.props.arn === topicArn || (topic.props.arn === undefined && topic.props.name === name));
  }

  /**
   * The statements of a topic's access policy: its `policy` input and every TopicPolicy whose `arn` names it.
   * @see https://docs.aws.amazon.com/sns/latest/dg/sns-access-policy-use-cases.html
   */
  topicPolicyStatements(topic: PolicyResource): Statement[] {
    const arn = topic.props.arn as string | undefined;
    const policies = this.ofType(TOPIC_POLICY).filter((policy) => arn !== undefined && policy.props.arn === arn);
    return [topic.props.policy, ...policies.map((policy) => policy.props.policy)].flatMap((document) => statementsOf(document));
  }

  /**
   * The stack's KMS key with this ARN, and its key policy: the `policy` of a KeyPolicy naming the key (by key id
   * or ARN), else the key's own `policy` input; `undefined` for a key with the default key policy.
   * @returns undefined when the stack does not hold the key.
   * @see https://docs.aws.amazon.com/kms/latest/developerguide/key-policies.html
   */
  keyWithPolicy(keyArn: string): { key: PolicyResource; policy: unknown } | undefined {
    const key = this.ofType(KMS_KEY).find((k) => k.props.arn === keyArn);
    if (!key) return undefined;
    const ids = [key.props.keyId, key.props.id, key.props.arn].filter((id) => id !== undefined);
    const keyPolicy = this.ofType(KMS_KEY_POLICY).find((p) => ids.includes(p.props.keyId));
    return { key, policy: keyPolicy ? keyPolicy.props.policy : key.props.policy };
  }

  /**
   * The ARN of a KMS key given as a key ARN, key id, alias name or alias ARN, resolved through the stack's keys and
   * aliases.
   * @returns the key ARN, or `undefined` when the stack does not hold the key.
   */
  keyArn(value: string): string | undefined {
    if (/^arn:[^:]+:kms:[^:]*:\d{12}:key\//.test(value)) return value;
    const alias = value.includes("alias/") ? this.ofType("aws:kms/alias:Alias").find((a) => a.props.name === value.slice(value.indexOf("alias/")) || a.props.arn === value) : undefined;
    const keyId = alias ? (alias.props.targetKeyId as string) : value;
    if (alias && String(keyId).startsWith("arn:")) return keyId;
    const key = this.ofType("aws:kms/key:Key").find((k) => k.props.keyId === keyId || k.props.id === keyId);
    return key?.props.arn as string | undefined;
  }
}

function asPolicyStatement(statement: Statement): PolicyStatement {
  return {
    Effect: statement.Effect === "Deny" ? "Deny" : "Allow",
    Action: statement.Action,
    Resource: statement.Resource,
    ...(statement.Condition ? { Condition: statement.Condition as PolicyStatement["Condition"] } : {}),
  };
}

/**
 * The ARN of a state machine: its `arn` output, else built from its `name` and the partition, Region and account of
 * its `loggingConfiguration.logDestination` (a machine created in the same deployment, read in preview).
 * @returns the ARN; undefined when neither is known.
 * @see https://docs.aws.amazon.com/step-functions/latest/dg/concepts-state-machine-arn.html
 */
export function stateMachineArnOf(machine: PolicyResource): string | undefined {
  const props = machine.props;
  if (typeof props.arn === "string") return props.arn;
  const destination = props.loggingConfiguration?.logDestination;
  const arn = typeof destination === "string" ? parseArn(destination) : undefined;
  if (!arn?.region || !arn.account || typeof props.name !== "string") return undefined;
  return `arn:${arn.partition}:states:${arn.region}:${arn.account}:stateMachine:${props.name}`;
}
