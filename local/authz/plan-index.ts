import { OFFLINE_SECRET_PREFIX } from "../../infra/config";
import { parseArn } from "../../infra/iam/arn";

/**
 * What the authorization check reads from a stack's offline plan: every principal's identity policies and trust,
 * every resource-based policy, and the key each resource is encrypted with, exactly as the Pulumi program
 * registered them (never re-derived). The shapes are those of `offline/plan.ts` (`Plan.resources`); they are
 * declared here structurally because `local/` sits below `offline/`.
 */

/** A resource of an offline plan: type token, logical name, resolved inputs and the state the mocks answered. */
export interface PlannedResource {
  type: string;
  name: string;
  inputs: Record<string, unknown>;
  outputs?: Record<string, unknown>;
}

/** A stack's offline plan, as far as the local run reads it. */
export interface StackPlan {
  stack: string;
  resources: PlannedResource[];
}

/** An IAM policy document, as registered (any statement shape IAM accepts). */
export interface PolicyJson {
  Version?: string;
  Statement: Record<string, unknown>[] | Record<string, unknown>;
}

/** A policy attached to a principal, named as a reader of the message would look for it. */
export interface NamedPolicy {
  /** e.g. `statecraft-prod-order-events-role/execution` (inline) or an attached policy's ARN. */
  name: string;
  policy: PolicyJson;
}

/** An IAM role of a plan. */
export interface PlannedRole {
  arn: string;
  name: string;
  account: string;
  /**
   * The trust policy (`assumeRolePolicy`), without the condition entries whose value is a secret the offline plan
   * only knows as a stand-in (`offline-secret:…`, e.g. `sts:ExternalId`): those cannot be checked locally.
   */
  trust: PolicyJson;
  /** The condition keys left out of {@link trust} because their value is a secret, e.g. `sts:ExternalId`. */
  uncheckedSecrets: string[];
  /** Inline policies (`aws.iam.RolePolicy`) and attached managed policies (`aws.iam.RolePolicyAttachment`). */
  policies: NamedPolicy[];
}

/** A resource-based policy and what it is, for messages (`topic policy of …`, `key policy of …`). */
export interface ResourcePolicy {
  label: string;
  policy: PolicyJson;
}

/** A Lambda function of a plan. */
export interface PlannedFunction {
  arn: string;
  name: string;
  roleArn: string;
  /** The function's environment variables, as deployed. */
  environment: Record<string, string>;
}

/** A state machine of a plan. */
export interface PlannedStateMachine {
  arn: string;
  name: string;
  roleArn: string;
  type: "STANDARD" | "EXPRESS";
  /** The customer-managed key encrypting its data, if any. */
  keyArn?: string;
  /** Whether it logs (`loggingConfiguration.level` other than `OFF`). */
  logs: boolean;
  /** The log group it logs to (`loggingConfiguration.logDestination` without `:*`). */
  logGroupArn?: string;
}

/** A Batch job definition of a plan: the roles its jobs run with (from its `containerProperties`). */
export interface PlannedJobDefinition {
  /** Its ARN with the revision. */
  arn: string;
  name: string;
  /** What the container's code runs as. */
  jobRoleArn?: string;
  /** What ECS pulls the image and writes the logs with. */
  executionRoleArn?: string;
}

/** A SageMaker model of a plan. */
export interface PlannedModel {
  arn: string;
  name: string;
  /** The role its transform jobs run with. */
  executionRoleArn: string;
}

/**
 * The authorization facts of one or more plans (a consumer stack and its producer), indexed by ARN.
 */
export class PlanIndex {
  readonly roles = new Map<string, PlannedRole>();
  readonly resourcePolicies = new Map<string, ResourcePolicy>();
  /** Resource ARN → the ARN of the customer-managed key it is encrypted with. */
  readonly keys = new Map<string, string>();
  readonly functions = new Map<string, PlannedFunction>();
  readonly stateMachines = new Map<string, PlannedStateMachine>();
  /** Batch job definitions, by name. */
  readonly jobDefinitions = new Map<string, PlannedJobDefinition>();
  /** SageMaker models, by name. */
  readonly models = new Map<string, PlannedModel>();
  /** Every ARN a plan registers, for "an unrelated resource" checks and lookups by name. */
  readonly arns = new Set<string>();
  /** The resources of each plan, by stack. */
  readonly plans = new Map<string, PlannedResource[]>();

  /**
   * @param plans the plans whose resources the local run uses (a consumer's and its producer's).
   * @throws Error naming the resource when a registered policy is not JSON.
   */
  constructor(plans: readonly StackPlan[]) {
    for (const plan of plans) {
      this.plans.set(plan.stack, plan.resources);
      this.index(plan.resources);
    }
  }

  /**
   * The role behind an ARN, or `undefined` when no plan registers it.
   * @param arn a role ARN.
   */
  role(arn: string): PlannedRole | undefined {
    return this.roles.get(arn);
  }

  /**
   * Finds a function by name, partial or full ARN (a qualifier is dropped).
   * @returns the function, or `undefined` when no plan registers it.
   */
  functionFor(nameOrArn: string): PlannedFunction | undefined {
    const unqualified = nameOrArn.startsWith("arn:") ? nameOrArn.split(":").slice(0, 7).join(":") : nameOrArn.split(":")[0];
    return this.functions.get(unqualified) ?? [...this.functions.values()].find((f) => f.name === unqualified);
  }

  /** Resources of a given type token across the plans, e.g. `aws:apigatewayv2/route:Route`. */
  ofType(type: string): PlannedResource[] {
    return [...this.plans.values()].flatMap((resources) => resources.filter((r) => r.type === type));
  }

  private index(resources: PlannedResource[]): void {
    const arnOf = (r: PlannedResource) => (r.outputs?.arn as string | undefined) ?? undefined;
    for (const r of resources) {
      const arn = arnOf(r);
      if (arn) this.arns.add(arn);
    }
    const rolesByName = new Map<string, PlannedRole>();
    for (const r of resources.filter((r) => r.type === "aws:iam/role:Role")) {
      const arn = arnOf(r)!;
      const { policy: trust, removed } = withoutSecretConditions(policyJson(r, "assumeRolePolicy"));
      const role: PlannedRole = { arn, name: String(r.outputs?.name ?? r.inputs.name), account: parseArn(arn)?.account ?? "", trust, uncheckedSecrets: removed, policies: [] };
      this.roles.set(arn, role);
      rolesByName.set(role.name, role);
    }
    const managed = new Map(resources.filter((r) => r.type === "aws:iam/policy:Policy").map((r) => [arnOf(r)!, policyJson(r, "policy")]));
    for (const r of resources) {
      const inputs = r.inputs;
      switch (r.type) {
        case "aws:iam/rolePolicy:RolePolicy": {
          const role = rolesByName.get(String(inputs.role));
          role?.policies.push({ name: `${role.name}/${String(inputs.name ?? r.name)}`, policy: policyJson(r, "policy") });
          break;
        }
        case "aws:iam/rolePolicyAttachment:RolePolicyAttachment": {
          const role = rolesByName.get(String(inputs.role));
          const policy = managed.get(String(inputs.policyArn));
          if (role && policy) role.policies.push({ name: String(inputs.policyArn), policy });
          break;
        }
        case "aws:kms/key:Key":
          this.resourcePolicies.set(arnOf(r)!, { label: `the key policy of ${arnOf(r)}`, policy: policyJson(r, "policy") });
          break;
        case "aws:sns/topic:Topic":
          this.setKey(arnOf(r)!, inputs.kmsMasterKeyId);
          break;
        case "aws:sns/topicPolicy:TopicPolicy":
          this.resourcePolicies.set(String(inputs.arn), { label: `the topic policy of ${String(inputs.arn)}`, policy: policyJson(r, "policy") });
          break;
        case "aws:dynamodb/table:Table": {
          const sse = inputs.serverSideEncryption as { enabled?: boolean; kmsKeyArn?: string } | undefined;
          if (sse?.enabled) this.setKey(arnOf(r)!, sse.kmsKeyArn);
          break;
        }
        case "aws:dynamodb/resourcePolicy:ResourcePolicy":
          this.resourcePolicies.set(String(inputs.resourceArn), { label: `the resource policy of ${String(inputs.resourceArn)}`, policy: policyJson(r, "policy") });
          break;
        case "aws:secretsmanager/secret:Secret":
          this.setKey(arnOf(r)!, inputs.kmsKeyId);
          break;
        case "aws:secretsmanager/secretPolicy:SecretPolicy":
          this.resourcePolicies.set(String(inputs.secretArn), { label: `the resource policy of ${String(inputs.secretArn)}`, policy: policyJson(r, "policy") });
          break;
        case "aws:cloudwatch/logGroup:LogGroup":
          this.setKey(arnOf(r)!, inputs.kmsKeyId);
          break;
        case "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration": {
          // The bucket's default encryption names the bucket by name; its ARN is `arn:<partition>:s3:::<name>`.
          const rule = (inputs.rules as { applyServerSideEncryptionByDefault?: { sseAlgorithm?: string; kmsMasterKeyId?: string } }[] | undefined)?.[0]?.applyServerSideEncryptionByDefault;
          const key = rule?.kmsMasterKeyId;
          if (rule?.sseAlgorithm === "aws:kms" && typeof key === "string") this.setKey(`arn:${parseArn(key)?.partition ?? "aws"}:s3:::${String(inputs.bucket)}`, key);
          break;
        }
        case "aws:lambda/function:Function": {
          const arn = arnOf(r)!;
          const variables = ((inputs.environment as { variables?: Record<string, string> } | undefined)?.variables ?? {}) as Record<string, string>;
          this.functions.set(arn, { arn, name: String(inputs.name ?? r.name), roleArn: String(inputs.role), environment: variables });
          break;
        }
        case "aws:batch/jobDefinition:JobDefinition": {
          const properties = typeof inputs.containerProperties === "string" ? (JSON.parse(inputs.containerProperties) as { jobRoleArn?: string; executionRoleArn?: string }) : {};
          const name = String(inputs.name ?? r.name);
          this.jobDefinitions.set(name, { arn: arnOf(r)!, name, ...(properties.jobRoleArn ? { jobRoleArn: properties.jobRoleArn } : {}), ...(properties.executionRoleArn ? { executionRoleArn: properties.executionRoleArn } : {}) });
          break;
        }
        case "aws:sagemaker/model:Model": {
          const name = String(inputs.name ?? r.name);
          this.models.set(name, { arn: arnOf(r)!, name, executionRoleArn: String(inputs.executionRoleArn) });
          break;
        }
        case "aws:sfn/stateMachine:StateMachine": {
          const arn = arnOf(r)!;
          const encryption = inputs.encryptionConfiguration as { type?: string; kmsKeyId?: string } | undefined;
          const logging = inputs.loggingConfiguration as { level?: string; logDestination?: string } | undefined;
          this.stateMachines.set(arn, {
            arn,
            name: String(inputs.name ?? r.name),
            roleArn: String(inputs.roleArn),
            type: (inputs.type as "STANDARD" | "EXPRESS" | undefined) ?? "STANDARD",
            ...(encryption?.type === "CUSTOMER_MANAGED_KMS_KEY" && encryption.kmsKeyId ? { keyArn: encryption.kmsKeyId } : {}),
            logs: logging !== undefined && logging.level !== "OFF",
            ...(logging?.logDestination ? { logGroupArn: logging.logDestination.replace(/:\*$/, "") } : {}),
          });
          break;
        }
      }
    }
    // Lambda permissions become the function's resource-based policy, as AddPermission writes it.
    for (const r of resources.filter((r) => r.type === "aws:lambda/permission:Permission")) {
      const fn = this.functionFor(String(r.inputs.function));
      if (!fn) continue;
      const existing = this.resourcePolicies.get(fn.arn) ?? { label: `the resource-based policy (Lambda permissions) of ${fn.arn}`, policy: { Version: "2012-10-17", Statement: [] as Record<string, unknown>[] } };
      (existing.policy.Statement as Record<string, unknown>[]).push(lambdaPermissionStatement(r.inputs, fn.arn));
      this.resourcePolicies.set(fn.arn, existing);
    }
  }

  private setKey(resourceArn: string, keyArn: unknown): void {
    if (typeof keyArn === "string" && keyArn.startsWith("arn:") && keyArn.includes(":key/")) this.keys.set(resourceArn, keyArn);
  }
}

/** A policy without the condition entries whose value is an offline secret stand-in, and those entries' keys. */
function withoutSecretConditions(policy: PolicyJson): { policy: PolicyJson; removed: string[] } {
  const removed: string[] = [];
  const statements = ([] as Record<string, unknown>[]).concat(policy.Statement).map((statement) => {
    const condition = statement.Condition as Record<string, Record<string, unknown>> | undefined;
    if (!condition) return statement;
    const kept: Record<string, Record<string, unknown>> = {};
    for (const [operator, entries] of Object.entries(condition)) {
      for (const [key, value] of Object.entries(entries)) {
        if ([value].flat().some((v) => typeof v === "string" && v.startsWith(OFFLINE_SECRET_PREFIX))) removed.push(key);
        else kept[operator] = { ...kept[operator], [key]: value };
      }
    }
    return { ...statement, Condition: kept };
  });
  return { policy: { ...policy, Statement: statements }, removed: [...new Set(removed)] };
}

/** A policy input of a resource (JSON text or an object), parsed. */
function policyJson(resource: PlannedResource, field: string): PolicyJson {
  const value = resource.inputs[field];
  if (value === undefined) return { Version: "2012-10-17", Statement: [] };
  try {
    return (typeof value === "string" ? JSON.parse(value) : value) as PolicyJson;
  } catch (error) {
    throw new Error(`${resource.type} ${resource.name}: ${field} is not JSON: ${(error as Error).message}`);
  }
}

/**
 * The statement a Lambda permission adds to the function's resource-based policy, as AddPermission writes it: a
 * service principal as `Service`, an account id as its root, `sourceArn` as `ArnLike AWS:SourceArn`,
 * `sourceAccount` as `StringEquals AWS:SourceAccount`, `principalOrgId` as `aws:PrincipalOrgID`,
 * `functionUrlAuthType` as `lambda:FunctionUrlAuthType`.
 * @see https://docs.aws.amazon.com/lambda/latest/dg/access-control-resource-based.html
 */
export function lambdaPermissionStatement(inputs: Record<string, unknown>, functionArn: string): Record<string, unknown> {
  const principal = String(inputs.principal);
  const partition = parseArn(functionArn)?.partition ?? "aws";
  const principalJson = principal === "*" ? "*" : principal.endsWith(".amazonaws.com") ? { Service: principal } : /^\d{12}$/.test(principal) ? { AWS: `arn:${partition}:iam::${principal}:root` } : { AWS: principal };
  const condition: Record<string, Record<string, string>> = {};
  const put = (operator: string, key: string, value: unknown) => {
    if (value !== undefined && value !== null && value !== "") condition[operator] = { ...condition[operator], [key]: String(value) };
  };
  put("ArnLike", "AWS:SourceArn", inputs.sourceArn);
  put("StringEquals", "AWS:SourceAccount", inputs.sourceAccount);
  put("StringEquals", "aws:PrincipalOrgID", inputs.principalOrgId);
  put("StringEquals", "lambda:FunctionUrlAuthType", inputs.functionUrlAuthType);
  return {
    Sid: String(inputs.statementId ?? "permission"),
    Effect: "Allow",
    Principal: principalJson,
    Action: String(inputs.action),
    Resource: inputs.qualifier ? `${functionArn}:${String(inputs.qualifier)}` : functionArn,
    ...(Object.keys(condition).length ? { Condition: condition } : {}),
  };
}
