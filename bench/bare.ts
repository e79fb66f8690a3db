import * as aws from "@pulumi/aws";
import * as fs from "node:fs";
import * as pulumi from "@pulumi/pulumi";
import { RegisteredResource } from "../offline/mocks";
import { GeneratedWorkflow } from "./platform";

/**
 * The benchmark's anchor (issue 11, item 8): a bare Pulumi program of the same shape as the `Workflow` platform,
 * registering the same AWS resources directly with `@pulumi/aws`, as a team would write it by hand. It reads each
 * definition file and replaces its placeholders (a string replace, no parsing), and builds each role policy from
 * the key's ARN in an `apply` (the key's ARN exists only once the key does); the policy's statements, the trust
 * policy and the names are taken beforehand from a plan of the real program. So the timed program does no
 * validation and no IAM derivation: the difference is statecraft's own work.
 */

/** Where the key's ARN goes in a precomputed policy. */
const KEY_ARN_MARK = "<key-arn>";

/** What one workflow's bare resources need, precomputed as plain values. */
export interface BareWorkflow {
  name: string;
  stateMachineName: string;
  type: string;
  logGroupName: string;
  retentionInDays: number;
  roleName: string;
  roleDescription: string;
  assumeRolePolicy: string;
  /** The role policy with the key's ARN replaced by {@link KEY_ARN_MARK}. */
  policyTemplate: string;
  /** The definition file and its placeholders' values. */
  file: string;
  substitutions: Record<string, string>;
  /** Customer managed policies holding derived statements too large for the inline policy, in order. */
  managedPolicies: { name: string; description: string; policy: string }[];
}

/**
 * Takes each workflow's precomputed strings from the resources a plan of the real program registered.
 * @throws Error when a workflow's resources are missing from the plan.
 */
export function precompute(workflows: GeneratedWorkflow[], resources: RegisteredResource[]): BareWorkflow[] {
  const byKey = new Map(resources.map((r) => [`${r.type}::${r.name}`, r.inputs as Record<string, any>]));
  const inputs = (type: string, name: string) => {
    const found = byKey.get(`${type}::${name}`);
    if (!found) throw new Error(`bench: the plan registered no ${type} named ${name}`);
    return found;
  };
  return workflows.map(({ name }) => {
    if (!byKey.has(`aws:kms/key:Key::bench-key`)) throw new Error("bench: the plan registered no key");
    const machine = inputs("aws:sfn/stateMachine:StateMachine", name);
    const role = inputs("aws:iam/role:Role", `${name}-role`);
    const logs = inputs("aws:cloudwatch/logGroup:LogGroup", `${name}-logs`);
    const managedPolicies: BareWorkflow["managedPolicies"] = [];
    for (let i = 1; byKey.has(`aws:iam/policy:Policy::${name}-policy-${i}`); i++) {
      const p = inputs("aws:iam/policy:Policy", `${name}-policy-${i}`);
      managedPolicies.push({ name: p.name, description: p.description, policy: p.policy });
    }
    return {
      name,
      stateMachineName: machine.name,
      type: machine.type,
      logGroupName: logs.name,
      retentionInDays: logs.retentionInDays,
      roleName: role.name,
      roleDescription: role.description,
      assumeRolePolicy: role.assumeRolePolicy,
      policyTemplate: String(inputs("aws:iam/rolePolicy:RolePolicy", `${name}-role-policy`).policy).replace(/arn:[a-z-]+:kms:[^"]+/g, KEY_ARN_MARK),
      file: workflows.find((w) => w.name === name)!.file,
      substitutions: workflows.find((w) => w.name === name)!.substitutions,
      managedPolicies,
    };
  });
}

/** The bare program: the same key, then each workflow's log group, role, role policy (and managed policies), state machine and live alias. */
export function bareProgram(workflows: BareWorkflow[]) {
  return () => {
    const key = new aws.kms.Key("bench-key", { description: "Encrypts the benchmark platform.", enableKeyRotation: true, deletionWindowInDays: 30 });
    const arns: Record<string, unknown> = {};
    for (const w of workflows) {
      const logGroup = new aws.cloudwatch.LogGroup(`${w.name}-logs`, { name: w.logGroupName, retentionInDays: w.retentionInDays, kmsKeyId: key.arn });
      const role = new aws.iam.Role(`${w.name}-role`, { name: w.roleName, description: w.roleDescription, assumeRolePolicy: w.assumeRolePolicy });
      const policy = key.arn.apply((arn) => w.policyTemplate.split(KEY_ARN_MARK).join(arn));
      const rolePolicy = new aws.iam.RolePolicy(`${w.name}-role-policy`, { name: "execution", role: role.id, policy });
      const definition = fs.readFileSync(w.file, "utf8").replace(/\$\{([A-Za-z0-9_]+)\}/g, (_, placeholder: string) => w.substitutions[placeholder]);
      const attachments = w.managedPolicies.map((p, i) => {
        const policy = new aws.iam.Policy(`${w.name}-policy-${i + 1}`, p);
        return new aws.iam.RolePolicyAttachment(`${w.name}-policy-${i + 1}`, { role: role.name, policyArn: policy.arn });
      });
      const machine = new aws.sfn.StateMachine(
        w.name,
        {
          name: w.stateMachineName,
          type: w.type,
          publish: true,
          roleArn: role.arn,
          definition,
          loggingConfiguration: { level: w.type === "EXPRESS" ? "ALL" : "ERROR", includeExecutionData: false, logDestination: pulumi.interpolate`${logGroup.arn}:*` },
          tracingConfiguration: { enabled: true },
          encryptionConfiguration: { type: "CUSTOMER_MANAGED_KMS_KEY", kmsKeyId: key.arn, kmsDataKeyReusePeriodSeconds: 300 },
        },
        { dependsOn: [rolePolicy, ...attachments] },
      );
      new aws.sfn.Alias(`${w.name}-live`, { name: "live", routingConfigurations: [{ stateMachineVersionArn: machine.stateMachineVersionArn, weight: 100 }] });
      arns[w.name] = machine.arn;
    }
    return arns;
  };
}

/**
 * Compares how many resources of each AWS type two runs registered (component resources, which the bare program
 * has none of, are left out).
 * @returns a one-line description of the differences, or undefined when the counts match.
 */
export function countMismatch(plan: RegisteredResource[], bare: RegisteredResource[]): string | undefined {
  const count = (resources: RegisteredResource[]) => {
    const counts = new Map<string, number>();
    for (const r of resources) if (r.type.startsWith("aws:")) counts.set(r.type, (counts.get(r.type) ?? 0) + 1);
    return counts;
  };
  const a = count(plan);
  const b = count(bare);
  const differences = [...new Set([...a.keys(), ...b.keys()])].filter((type) => a.get(type) !== b.get(type)).map((type) => `${type} ${a.get(type) ?? 0} vs ${b.get(type) ?? 0}`);
  return differences.length ? differences.join(", ") : undefined;
}
