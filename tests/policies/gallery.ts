import { RegisteredResource } from "../../offline/mocks";

/**
 * A misconfiguration gallery: each case takes a deep copy of the prod plan and breaks one thing the way a
 * platform team would break it (an edited role policy, a flag turned off, a resource added by hand), changing a
 * resource's inputs (what resource rules read) and outputs (what stack rules read) alike. `gallery.test.ts` runs
 * the whole pack over each broken copy with the prod policy-pack config and checks that exactly the expected
 * rules report it.
 *
 * Cases find resources by type and logical name and add resources of their own, never by position or count:
 * the prod program grows (cross-account sharing adds roles, permissions and policies).
 */

export const SM = "aws:sfn/stateMachine:StateMachine";
export const ROLE = "aws:iam/role:Role";
export const ROLE_POLICY = "aws:iam/rolePolicy:RolePolicy";
export const POLICY = "aws:iam/policy:Policy";
export const ATTACHMENT = "aws:iam/rolePolicyAttachment:RolePolicyAttachment";
export const FUNCTION = "aws:lambda/function:Function";
export const PERMISSION = "aws:lambda/permission:Permission";
export const TOPIC = "aws:sns/topic:Topic";
export const TOPIC_POLICY = "aws:sns/topicPolicy:TopicPolicy";
export const TABLE = "aws:dynamodb/table:Table";
export const TABLE_POLICY = "aws:dynamodb/resourcePolicy:ResourcePolicy";
export const LOG_GROUP = "aws:cloudwatch/logGroup:LogGroup";
export const STAGE = "aws:apigatewayv2/stage:Stage";
export const ROUTE = "aws:apigatewayv2/route:Route";
export const SCHEDULE = "aws:scheduler/schedule:Schedule";
export const EVENT_RULE = "aws:cloudwatch/eventRule:EventRule";
export const EVENT_TARGET = "aws:cloudwatch/eventTarget:EventTarget";
export const ALARM = "aws:cloudwatch/metricAlarm:MetricAlarm";
export const KEY = "aws:kms/key:Key";

/** An IAM policy document as the program writes it (`Statement` always a list). */
export interface Document {
  Version: string;
  Statement: Record<string, any>[];
}

/** A deep copy of a plan's resources, with the edits a case makes to it. */
export class BrokenPlan {
  readonly resources: RegisteredResource[];

  constructor(resources: RegisteredResource[]) {
    this.resources = structuredClone(resources);
  }

  /** The resource of this type and logical name. @throws Error when the plan has none. */
  get(type: string, name: string): RegisteredResource {
    const found = this.resources.find((r) => r.type === type && r.name === name);
    if (!found) throw new Error(`the prod plan has no ${type} named ${name}`);
    return found;
  }

  /** An output of a resource (its ARN, name…), as the mocks answered it. */
  output(type: string, name: string, key = "arn"): string {
    const value = this.get(type, name).outputs?.[key];
    if (typeof value !== "string") throw new Error(`${type} ${name} has no output ${key}`);
    return value;
  }

  /** Edits a resource's inputs and outputs alike. */
  edit(type: string, name: string, change: (props: Record<string, any>) => void): void {
    const resource = this.get(type, name);
    change(resource.inputs);
    if (resource.outputs) change(resource.outputs);
  }

  /** Edits a policy document held as JSON in a prop (`policy`, `assumeRolePolicy`, `definition`), in inputs and outputs. */
  editJson<T = Document>(type: string, name: string, field: string, change: (document: T) => void): void {
    this.edit(type, name, (props) => {
      const document = JSON.parse(props[field] as string) as T;
      change(document);
      props[field] = JSON.stringify(document);
    });
  }

  /** Removes the resources a predicate selects. */
  remove(predicate: (resource: RegisteredResource) => boolean): void {
    for (let i = this.resources.length - 1; i >= 0; i--) if (predicate(this.resources[i])) this.resources.splice(i, 1);
  }

  /** Adds a resource, as the program would register it: outputs are the inputs plus what AWS answers. */
  add(type: string, name: string, inputs: Record<string, unknown>, answered: Record<string, unknown> = {}): void {
    this.resources.push({ type, name, inputs: structuredClone(inputs), outputs: { ...structuredClone(inputs), ...answered } });
  }
}

/** One broken copy of the prod plan and what the pack must say of it. */
export interface GalleryCase {
  /** What was broken, as a team would describe the change. */
  name: string;
  /**
   * Exactly the rules that must report it: the rule meant for it, and a second rule only where the change is
   * legitimately two misconfigurations (the case's comment says why).
   */
  rules: string[];
  /** A substring of some violation of `rules[0]`, naming the offending field or value. */
  message: string;
  /** The logical name of a resource a violation of `rules[0]` must name in its URN (resource rules only). */
  resource?: string;
  /** Why no violation is mandatory, for the rules prod keeps advisory; absent, one must be mandatory. */
  advisory?: string;
  /** Breaks the copy. */
  apply: (plan: BrokenPlan) => void;
}

const ACCOUNT = "222222222222";
const REGION = "eu-west-1";
const OUTSIDER = "444444444444";
const PARTNER = "333333333333";
const lambdaArn = (name: string) => `arn:aws:lambda:${REGION}:${ACCOUNT}:function:${name}`;
const tableArn = (name: string) => `arn:aws:dynamodb:${REGION}:${ACCOUNT}:table/${name}`;
const roleArn = (name: string) => `arn:aws:iam::${ACCOUNT}:role/${name}`;
const document = (...statements: Record<string, unknown>[]): string => JSON.stringify({ Version: "2012-10-17", Statement: statements });
const allow = (action: string | string[], resource: string | string[], extra: Record<string, unknown> = {}) => ({ Effect: "Allow", Action: action, Resource: resource, ...extra });
const actionsOf = (statement: Record<string, any>): string[] => [].concat(statement.Action ?? []);

/** The `AWS/States` metrics prod alarms on (`requiredMetrics` of sfn-failure-alarms in policies/config/prod.json). */
const ALARM_METRICS = ["ExecutionsFailed", "ExecutionsTimedOut", "ExecutionsAborted", "ExecutionThrottled"];
const CLOUDWATCH = "cloudwatch.amazonaws.com";

/**
 * The alarms every state machine of the plan but `except` should have, notifying the alerts topic, as the platform's
 * monitoring wires them: added where the plan lacks them, with the alerts topic (encrypted with the platform key,
 * its policy and the key's letting CloudWatch publish) when the plan has none. The alarms of `except` are removed.
 * @returns the alerts topic's ARN.
 */
function wireAlarms(plan: BrokenPlan, except: string[] = []): string {
  const alerts = `statecraft-prod-alerts`;
  let topicArn = plan.resources.find((r) => r.type === TOPIC && r.inputs.name === alerts)?.outputs?.arn as string | undefined;
  if (!topicArn) {
    topicArn = `arn:aws:sns:${REGION}:${ACCOUNT}:${alerts}`;
    const keyArn = plan.output(KEY, "platform-key");
    plan.add(TOPIC, "alerts", { name: alerts, kmsMasterKeyId: keyArn }, { arn: topicArn, id: topicArn });
    const publish = { Effect: "Allow", Principal: { Service: CLOUDWATCH }, Action: "sns:Publish", Resource: topicArn, Condition: { StringEquals: { "aws:SourceAccount": ACCOUNT } } };
    plan.add(TOPIC_POLICY, "alerts-policy", { arn: topicArn, policy: document(publish) }, { id: topicArn });
    plan.editJson(KEY, "platform-key", "policy", (doc) =>
      doc.Statement.push({ Effect: "Allow", Principal: { Service: CLOUDWATCH }, Action: ["kms:GenerateDataKey*", "kms:Decrypt"], Resource: "*", Condition: { StringEquals: { "aws:SourceAccount": ACCOUNT } } }),
    );
  }
  for (const machine of plan.resources.filter((r) => r.type === SM)) {
    const arn = plan.output(SM, machine.name);
    const watches = (r: RegisteredResource, metric?: string) => r.type === ALARM && (r.inputs.dimensions as Record<string, unknown> | undefined)?.StateMachineArn === arn && (!metric || r.inputs.metricName === metric);
    if (except.includes(machine.name)) {
      plan.remove((r) => watches(r));
      continue;
    }
    for (const metric of ALARM_METRICS.filter((m) => !plan.resources.some((r) => watches(r, m)))) {
      const name = `${machine.inputs.name}-${metric}`;
      const inputs = { name, namespace: "AWS/States", metricName: metric, statistic: "Sum", comparisonOperator: "GreaterThanOrEqualToThreshold", threshold: 1, period: 300, evaluationPeriods: 1, dimensions: { StateMachineArn: arn }, alarmActions: [topicArn], okActions: [topicArn] };
      plan.add(ALARM, `${machine.name}-${metric}`, inputs, { arn: `arn:aws:cloudwatch:${REGION}:${ACCOUNT}:alarm:${name}`, id: name });
    }
  }
  return topicArn;
}

/** A new role, with a trust policy and what AWS answers for it. */
function addRole(plan: BrokenPlan, name: string, trust: Record<string, unknown>[]): void {
  const roleName = `statecraft-prod-${name}`;
  plan.add(ROLE, name, { name: roleName, assumeRolePolicy: document(...trust) }, { arn: roleArn(roleName), id: roleName });
}

/** A new Lambda permission on the credit-limit function. */
function addPermission(plan: BrokenPlan, name: string, fields: Record<string, unknown>): void {
  const statementId = String(fields.statementId ?? name);
  plan.add(PERMISSION, name, { action: "lambda:InvokeFunction", function: lambdaArn("statecraft-prod-credit-limit"), statementId, ...fields }, { id: statementId });
}

/** Removes the statements a predicate selects from a document. */
const without = (predicate: (statement: Record<string, any>) => boolean) => (doc: Document) => {
  doc.Statement = doc.Statement.filter((s) => !predicate(s));
};

/** Drops actions matching a prefix from every statement of a document (and statements left empty). */
const dropActions = (prefix: string) => (doc: Document) => {
  for (const statement of doc.Statement) statement.Action = actionsOf(statement).filter((a) => !a.startsWith(prefix));
  doc.Statement = doc.Statement.filter((s) => actionsOf(s).length > 0);
};

/** Selects the key grants a role has through one service (`kms:ViaService` `<service>.<region>.amazonaws.com`). */
const viaService = (service: string) => (statement: Record<string, any>) => statement.Condition?.StringEquals?.["kms:ViaService"] === `${service}.${REGION}.amazonaws.com`;

/** Selects the key grant of log delivery (`kms:EncryptionContext:SourceArn` of the account's log resources). */
const logDeliveryKey = (statement: Record<string, any>) => "kms:EncryptionContext:SourceArn" in (statement.Condition?.StringEquals ?? {});

/** The credit-approval definition as an object, for edits. */
interface Definition {
  StartAt: string;
  States: Record<string, Record<string, any>>;
}

export const GALLERY: GalleryCase[] = [
  // ---- identity policies ------------------------------------------------------------------------------------
  {
    // Action "*" covers iam:PassRole too, but iam-no-passrole-star leaves a bare "*" to iam-no-star-action.
    name: "a handler role policy allows Action * on its table",
    rules: ["iam-no-star-action"],
    message: 'Replace Action "*"',
    resource: "validate-order-role-policy",
    apply: (plan) => plan.editJson(ROLE_POLICY, "validate-order-role-policy", "policy", (doc) => doc.Statement.push(allow("*", tableArn("statecraft-prod-orders")))),
  },
  {
    // Action * on Resource * is the full-admin grant: iam-no-star-action and iam-no-passrole-star leave it to
    // iam-no-admin.
    name: "a handler role policy allows Action * on Resource *",
    rules: ["iam-no-admin"],
    message: 'allows Action "*" on Resource "*"',
    resource: "backup-tables-role-policy",
    apply: (plan) => plan.editJson(ROLE_POLICY, "backup-tables-role-policy", "policy", (doc) => doc.Statement.push(allow("*", "*"))),
  },
  {
    // The execution role's lambda:InvokeFunction widened from the four functions to "*": a scoped action on "*"
    // (iam-no-star-resource) and a grant beyond what the definition needs (sfn-role-matches-definition).
    name: "the credit-approval execution role invokes lambda:InvokeFunction on *",
    rules: ["iam-no-star-resource", "sfn-role-matches-definition"],
    message: "Name the resources of lambda:InvokeFunction in Statement[",
    resource: "credit-approval-role-policy",
    apply: (plan) =>
      plan.editJson(ROLE_POLICY, "credit-approval-role-policy", "policy", (doc) => {
        const invoke = doc.Statement.find((s) => actionsOf(s).includes("lambda:InvokeFunction"))!;
        invoke.Resource = ["*"];
      }),
  },
  {
    name: "a handler role policy reads a table on Resource *",
    rules: ["iam-no-star-resource"],
    message: "dynamodb:GetItem",
    resource: "verify-identity-role-policy",
    apply: (plan) => plan.editJson(ROLE_POLICY, "verify-identity-role-policy", "policy", (doc) => doc.Statement.push(allow("dynamodb:GetItem", "*"))),
  },
  {
    name: "a handler role policy allows dynamodb:* on the tables it backs up",
    rules: ["iam-no-service-wildcard"],
    message: 'Replace Action "dynamodb:*"',
    resource: "backup-tables-role-policy",
    apply: (plan) =>
      plan.editJson(ROLE_POLICY, "backup-tables-role-policy", "policy", (doc) => {
        const backup = doc.Statement.find((s) => actionsOf(s).includes("dynamodb:CreateBackup"))!;
        backup.Action = ["dynamodb:*"];
      }),
  },
  {
    name: "a handler role policy allows everything but IAM with NotAction",
    rules: ["iam-no-not-elements"],
    message: 'Replace NotAction ["iam:*"]',
    resource: "validate-order-role-policy",
    apply: (plan) => plan.editJson(ROLE_POLICY, "validate-order-role-policy", "policy", (doc) => doc.Statement.push({ Effect: "Allow", NotAction: "iam:*", Resource: "*" })),
  },
  {
    // iam:PassRole on "*" is iam-no-passrole-star's; iam-no-star-resource leaves it to that rule.
    name: "the approval-callback role may pass any role",
    rules: ["iam-no-passrole-star"],
    message: 'to the roles passed; its Resource is "*"',
    resource: "approval-callback-role-policy",
    apply: (plan) => plan.editJson(ROLE_POLICY, "approval-callback-role-policy", "policy", (doc) => doc.Statement.push(allow("iam:PassRole", "*"))),
  },
  {
    name: "the approval-callback role passes its own role to any service",
    rules: ["iam-no-passrole-star"],
    message: "Add the condition iam:PassedToService",
    resource: "approval-callback-role-policy",
    apply: (plan) =>
      plan.editJson(ROLE_POLICY, "approval-callback-role-policy", "policy", (doc) => doc.Statement.push(allow("iam:PassRole", roleArn("statecraft-prod-approval-callback-role")))),
  },
  {
    name: "AdministratorAccess attached to a handler role",
    rules: ["iam-no-elevated-managed"],
    message: "Remove the AWS-managed policy AdministratorAccess from policyArn",
    resource: "backup-tables-admin",
    apply: (plan) =>
      plan.add(ATTACHMENT, "backup-tables-admin", { role: "statecraft-prod-backup-tables-role", policyArn: "arn:aws:iam::aws:policy/AdministratorAccess" }, { id: "backup-tables-admin" }),
  },
  {
    // The managed policy is elevated (iam-no-elevated-managed) and, on an execution role, a grant not derived from
    // the definition (sfn-role-matches-definition asks to detach it).
    name: "AWSStepFunctionsFullAccess attached to the order-events execution role",
    rules: ["iam-no-elevated-managed", "sfn-role-matches-definition"],
    message: "AWSStepFunctionsFullAccess",
    resource: "order-events-sfn-full",
    apply: (plan) =>
      plan.add(ATTACHMENT, "order-events-sfn-full", { role: "statecraft-prod-order-events-role", policyArn: "arn:aws:iam::aws:policy/AWSStepFunctionsFullAccess" }, { id: "order-events-sfn-full" }),
  },
  {
    name: "an elevated policy in a handler role's managedPolicyArns",
    rules: ["iam-no-elevated-managed"],
    message: "Remove the AWS-managed policy AmazonDynamoDBFullAccess from managedPolicyArns",
    resource: "backup-tables-role",
    apply: (plan) => plan.edit(ROLE, "backup-tables-role", (props) => (props.managedPolicyArns = ["arn:aws:iam::aws:policy/AmazonDynamoDBFullAccess"])),
  },

  // ---- trust policies ---------------------------------------------------------------------------------------
  {
    name: "a handler role trusts Principal {AWS: *}",
    rules: ["iam-trust-no-public"],
    message: 'Replace Principal {"AWS": "*"}',
    resource: "verify-identity-role",
    apply: (plan) =>
      plan.editJson(ROLE, "verify-identity-role", "assumeRolePolicy", (doc) => doc.Statement.push({ Effect: "Allow", Principal: { AWS: "*" }, Action: "sts:AssumeRole" })),
  },
  {
    name: "a handler role's trust allows sts:*",
    rules: ["iam-trust-no-public"],
    message: 'Replace Action "sts:*"',
    resource: "verify-address-role",
    apply: (plan) =>
      plan.editJson(ROLE, "verify-address-role", "assumeRolePolicy", (doc) => {
        doc.Statement[0].Action = "sts:*";
      }),
  },
  {
    name: "the credit-approval role's states.amazonaws.com trust without aws:SourceAccount",
    rules: ["sfn-role-confused-deputy"],
    message: "Add an aws:SourceAccount or aws:SourceArn condition to assumeRolePolicy",
    resource: "credit-approval-role",
    apply: (plan) =>
      plan.editJson(ROLE, "credit-approval-role", "assumeRolePolicy", (doc) => {
        for (const statement of doc.Statement.filter((s) => s.Principal?.Service === "states.amazonaws.com")) delete statement.Condition;
      }),
  },
  {
    name: "a partner role trusted by another account's role without sts:ExternalId",
    rules: ["xacct-trust-conditions"],
    message: `Add an sts:ExternalId or aws:PrincipalOrgID condition to assumeRolePolicy Statement[0], which lets arn:aws:iam::${PARTNER}:role/reporting`,
    resource: "partner-reader",
    apply: (plan) => addRole(plan, "partner-reader", [{ Effect: "Allow", Principal: { AWS: `arn:aws:iam::${PARTNER}:role/reporting` }, Action: "sts:AssumeRole" }]),
  },
  {
    name: "a partner role trusted by another account's root, with an external id",
    rules: ["xacct-trust-conditions"],
    message: `Name the roles or users of account ${PARTNER} that assume the role instead of arn:aws:iam::${PARTNER}:root`,
    resource: "partner-root",
    apply: (plan) =>
      addRole(plan, "partner-root", [
        { Effect: "Allow", Principal: { AWS: `arn:aws:iam::${PARTNER}:root` }, Action: "sts:AssumeRole", Condition: { StringEquals: { "sts:ExternalId": "partner-2024" } } },
      ]),
  },
  {
    // The shared invoker role trusts the consumer's account root; its aws:PrincipalArn condition is what narrows
    // that to the consumer's role (README "Sharing workflows across accounts").
    name: "the shared invoker role's trust with its aws:PrincipalArn pin removed",
    rules: ["xacct-trust-conditions"],
    message: `Name the roles or users of account ${PARTNER} that assume the role instead of arn:aws:iam::${PARTNER}:root in assumeRolePolicy Statement[0], or pin them with an aws:PrincipalArn condition`,
    resource: "lending-invoker",
    apply: (plan) =>
      plan.editJson(ROLE, "lending-invoker", "assumeRolePolicy", (doc) => {
        delete doc.Statement[0].Condition.ArnEquals;
      }),
  },
  {
    name: "the shared invoker role's aws:PrincipalArn pin naming a role of another account",
    rules: ["xacct-trust-conditions"],
    message: `Name roles or users of account ${PARTNER} in the aws:PrincipalArn condition of assumeRolePolicy Statement[0], which lets arn:aws:iam::${PARTNER}:root assume the role; it names arn:aws:iam::${OUTSIDER}:role/statecraft-consumer-loan-intake-role.`,
    resource: "lending-invoker",
    apply: (plan) =>
      plan.editJson(ROLE, "lending-invoker", "assumeRolePolicy", (doc) => {
        doc.Statement[0].Condition.ArnEquals["aws:PrincipalArn"] = [`arn:aws:iam::${OUTSIDER}:role/statecraft-consumer-loan-intake-role`];
      }),
  },
  {
    name: "a role trusted by an account not on the allow-list, with an external id",
    rules: ["xacct-allowlist"],
    message: `Remove account ${OUTSIDER} from assumeRolePolicy Statement[0]`,
    resource: "vendor-audit",
    apply: (plan) =>
      addRole(plan, "vendor-audit", [
        { Effect: "Allow", Principal: { AWS: `arn:aws:iam::${OUTSIDER}:role/auditor` }, Action: "sts:AssumeRole", Condition: { StringEquals: { "sts:ExternalId": "audit-2024" } } },
      ]),
  },
  {
    name: "a handler role's trust allows everyone but one principal with NotPrincipal",
    rules: ["iam-no-not-elements"],
    message: "Replace NotPrincipal",
    resource: "bureau-score-role",
    apply: (plan) =>
      plan.editJson(ROLE, "bureau-score-role", "assumeRolePolicy", (doc) => doc.Statement.push({ Effect: "Allow", NotPrincipal: { AWS: roleArn("statecraft-prod-blocked") }, Action: "sts:AssumeRole" })),
  },

  // ---- Lambda permissions -----------------------------------------------------------------------------------
  {
    name: "a Lambda permission for principal *",
    rules: ["lambda-perm-no-public"],
    message: 'Replace principal "*" with the principal that invokes',
    resource: "credit-limit-public",
    apply: (plan) => addPermission(plan, "credit-limit-public", { principal: "*" }),
  },
  {
    name: "a Lambda permission for SNS scoped by sourceAccount only",
    rules: ["lambda-perm-source-scoped"],
    message: `Set sourceArn to the resource that invokes the function through sns.amazonaws.com; it is not set (only sourceAccount ${ACCOUNT} is)`,
    resource: "credit-limit-from-sns",
    apply: (plan) => addPermission(plan, "credit-limit-from-sns", { principal: "sns.amazonaws.com", sourceAccount: ACCOUNT }),
  },
  {
    name: "a Lambda permission granting lambda:* to EventBridge",
    rules: ["lambda-perm-invoke-only"],
    message: 'Set action to lambda:InvokeFunction; it is "lambda:*"',
    resource: "credit-limit-from-events",
    apply: (plan) =>
      addPermission(plan, "credit-limit-from-events", { action: "lambda:*", principal: "events.amazonaws.com", sourceArn: `arn:aws:events:${REGION}:${ACCOUNT}:rule/nightly` }),
  },
  {
    name: "a Lambda permission for an account not on the allow-list",
    rules: ["xacct-allowlist"],
    message: `Remove account ${OUTSIDER} from principal of statement outsider-invoke (${OUTSIDER})`,
    resource: "credit-limit-outsider",
    apply: (plan) => addPermission(plan, "credit-limit-outsider", { principal: OUTSIDER, statementId: "outsider-invoke" }),
  },

  // ---- SNS and DynamoDB resource policies -------------------------------------------------------------------
  {
    name: "an SNS topic policy lets Principal * publish",
    rules: ["sns-policy-restricted"],
    message: 'which allows Principal "*" sns:Publish',
    resource: "backup-success-policy",
    apply: (plan) => {
      const topic = plan.output(TOPIC, "backup-success");
      plan.add(TOPIC_POLICY, "backup-success-policy", { arn: topic, policy: document({ Effect: "Allow", Principal: { AWS: "*" }, Action: "sns:Publish", Resource: topic }) }, { id: topic });
    },
  },
  {
    name: "a DynamoDB table policy shared with an account not on the allow-list",
    rules: ["xacct-allowlist"],
    message: `Remove account ${OUTSIDER} from policy Statement[0] (arn:aws:iam::${OUTSIDER}:role/analytics)`,
    resource: "orders-policy",
    apply: (plan) => {
      const table = plan.output(TABLE, "orders");
      plan.add(
        TABLE_POLICY,
        "orders-policy",
        { resourceArn: table, policy: document({ Effect: "Allow", Principal: { AWS: `arn:aws:iam::${OUTSIDER}:role/analytics` }, Action: ["dynamodb:GetItem", "dynamodb:Query"], Resource: table }) },
        { id: table },
      );
    },
  },
  {
    name: "an SNS topic without KMS encryption",
    rules: ["sns-topic-kms"],
    message: "Set kmsMasterKeyId to a KMS key; it is not set.",
    resource: "backup-success",
    // backup-failure keeps the platform key, so the backup workflow's kms:ViaService grant is still needed.
    apply: (plan) => plan.edit(TOPIC, "backup-success", (props) => delete props.kmsMasterKeyId),
  },
  {
    name: "an SNS topic encrypted with the AWS managed key alias/aws/sns",
    rules: ["sns-topic-kms"],
    message: "it is the AWS managed key alias/aws/sns",
    resource: "backup-failure",
    apply: (plan) => plan.edit(TOPIC, "backup-failure", (props) => (props.kmsMasterKeyId = "alias/aws/sns")),
  },

  // ---- DynamoDB and CloudWatch Logs -------------------------------------------------------------------------
  {
    name: "the orders table without point-in-time recovery",
    rules: ["ddb-pitr"],
    message: "Set pointInTimeRecovery.enabled to true; it is false.",
    resource: "orders",
    apply: (plan) => plan.edit(TABLE, "orders", (props) => (props.pointInTimeRecovery = { enabled: false })),
  },
  {
    name: "the credit-bureaus table without deletion protection",
    rules: ["ddb-pitr"],
    message: "Set deletionProtectionEnabled to true.",
    resource: "credit-bureaus",
    apply: (plan) => plan.edit(TABLE, "credit-bureaus", (props) => (props.deletionProtectionEnabled = false)),
  },
  {
    name: "the orders table encrypted with the AWS owned key",
    rules: ["ddb-pitr"],
    message: "Set serverSideEncryption to enabled with a customer-managed kmsKeyArn.",
    resource: "orders",
    apply: (plan) => {
      plan.edit(TABLE, "orders", (props) => delete props.serverSideEncryption);
      // The program grants no key for an unencrypted table: the roles writing it lose their DynamoDB key grant.
      plan.editJson(ROLE_POLICY, "order-events-role-policy", "policy", without(viaService("dynamodb")));
      plan.editJson(ROLE_POLICY, "order-confirmation-role-policy", "policy", without(viaService("dynamodb")));
      plan.editJson(ROLE_POLICY, "order-processing-role-policy", "policy", without(viaService("dynamodb")));
    },
  },
  {
    name: "a workflow log group kept 30 days",
    rules: ["logs-retention"],
    message: "Set retentionInDays to at least 365; it is 30.",
    resource: "credit-approval-logs",
    apply: (plan) => plan.edit(LOG_GROUP, "credit-approval-logs", (props) => (props.retentionInDays = 30)),
  },
  {
    name: "a handler log group without a KMS key",
    rules: ["logs-retention"],
    message: "Set kmsKeyId to a KMS key ARN; it is not set.",
    resource: "credit-limit-logs",
    apply: (plan) => plan.edit(LOG_GROUP, "credit-limit-logs", (props) => delete props.kmsKeyId),
  },

  // ---- the approvals HTTP API ---------------------------------------------------------------------------------
  {
    name: "the approvals stage without access logs",
    rules: ["apigw-stage-logs-throttling"],
    message: "Set accessLogSettings.destinationArn to a CloudWatch Logs log group ARN; the stage writes no access logs.",
    resource: "approvals-stage",
    apply: (plan) => plan.edit(STAGE, "approvals-stage", (props) => delete props.accessLogSettings),
  },
  {
    name: "the approvals stage throttled at 1000 requests per second",
    rules: ["apigw-stage-logs-throttling"],
    message: "Set defaultRouteSettings.throttlingRateLimit to at most 50; it is 1000.",
    resource: "approvals-stage",
    apply: (plan) => plan.edit(STAGE, "approvals-stage", (props) => (props.defaultRouteSettings.throttlingRateLimit = 1000)),
  },

  // ---- state machines ---------------------------------------------------------------------------------------
  {
    name: "the Express order-events machine logging at ERROR",
    rules: ["sfn-express-log-all"],
    message: "Set loggingConfiguration.level to ALL on this EXPRESS state machine; it is ERROR.",
    resource: "order-events",
    apply: (plan) => plan.edit(SM, "order-events", (props) => (props.loggingConfiguration.level = "ERROR")),
  },
  {
    // Logging turned off as the program would do it (its role then loses log delivery): below the minimum level
    // for every machine (sfn-logging-enabled) and, on an Express one, its only execution history gone
    // (sfn-express-log-all).
    name: "the Express order-events machine with logging off",
    rules: ["sfn-express-log-all", "sfn-logging-enabled"],
    message: "it is OFF",
    resource: "order-events",
    apply: (plan) => {
      plan.edit(SM, "order-events", (props) => (props.loggingConfiguration = { level: "OFF", includeExecutionData: false }));
      plan.editJson(ROLE_POLICY, "order-events-role-policy", "policy", dropActions("logs:"));
      plan.editJson(ROLE_POLICY, "order-events-role-policy", "policy", without(logDeliveryKey));
    },
  },
  {
    name: "the credit-approval machine logging only FATAL errors",
    rules: ["sfn-logging-enabled"],
    message: "Set loggingConfiguration.level to ERROR or above; it is FATAL.",
    resource: "credit-approval",
    apply: (plan) => plan.edit(SM, "credit-approval", (props) => (props.loggingConfiguration.level = "FATAL")),
  },
  {
    name: "a log destination without :*",
    rules: ["sfn-logging-enabled"],
    message: `End loggingConfiguration.logDestination with ':*' (the log group ARN followed by ':*'); it is "arn:aws:logs:${REGION}:${ACCOUNT}:log-group:/aws/vendedlogs/states/prod-credit-approval"`,
    resource: "credit-approval",
    apply: (plan) => plan.edit(SM, "credit-approval", (props) => (props.loggingConfiguration.logDestination = props.loggingConfiguration.logDestination.replace(/:\*$/, ""))),
  },
  {
    name: "includeExecutionData turned on in prod",
    rules: ["sfn-execution-data"],
    message: "Set loggingConfiguration.includeExecutionData to false; it is true.",
    resource: "credit-approval",
    apply: (plan) => plan.edit(SM, "credit-approval", (props) => (props.loggingConfiguration.includeExecutionData = true)),
  },
  {
    // Turned off as the program would (the derived role loses the X-Ray grants), so the role still matches.
    name: "X-Ray tracing turned off on the backup workflow",
    rules: ["sfn-xray-tracing"],
    message: "Set tracingConfiguration.enabled to true; it is false.",
    resource: "backup-orchestration",
    apply: (plan) => {
      plan.edit(SM, "backup-orchestration", (props) => (props.tracingConfiguration = { enabled: false }));
      plan.editJson(ROLE_POLICY, "backup-orchestration-role-policy", "policy", dropActions("xray:"));
    },
  },
  {
    // Switched to the AWS-owned key as the program would (the derived role loses the grant on the platform key
    // under the machine's encryption context), so the role still matches.
    name: "the credit-approval machine encrypted with the AWS-owned key instead of the CMK",
    rules: ["sfn-cmk-encryption"],
    message: "Set encryptionConfiguration.type to CUSTOMER_MANAGED_KMS_KEY, with a kmsKeyId; it is AWS_OWNED_KEY.",
    resource: "credit-approval",
    apply: (plan) => {
      plan.edit(SM, "credit-approval", (props) => (props.encryptionConfiguration = { type: "AWS_OWNED_KEY" }));
      plan.editJson(ROLE_POLICY, "credit-approval-role-policy", "policy", without((s) => Object.keys(s.Condition?.StringEquals ?? {}).includes("kms:EncryptionContext:aws:states:stateMachineArn")));
      // Log delivery uses the machine's key only when it has one.
      plan.editJson(ROLE_POLICY, "credit-approval-role-policy", "policy", without(logDeliveryKey));
    },
  },
  {
    name: "a handler function with X-Ray tracing off",
    rules: ["lambda-tracing"],
    message: "Set tracingConfig.mode to Active; it is PassThrough.",
    resource: "credit-limit",
    advisory: "prod keeps lambda-tracing advisory (policies/config/prod.json): an untraced function breaks a trace, not a control.",
    apply: (plan) => plan.edit(FUNCTION, "credit-limit", (props) => (props.tracingConfig = { mode: "PassThrough" })),
  },

  // ---- execution roles and definitions (stack rules) ---------------------------------------------------------
  {
    name: "dynamodb:DeleteItem added to the credit-approval role policy",
    rules: ["sfn-role-matches-definition"],
    message: "Remove dynamodb:DeleteItem on arn:aws:dynamodb:eu-west-1:222222222222:table/statecraft-prod-credit-bureaus from role policy execution of role statecraft-prod-credit-approval-role",
    apply: (plan) =>
      plan.editJson(ROLE_POLICY, "credit-approval-role-policy", "policy", (doc) => doc.Statement.push(allow("dynamodb:DeleteItem", tableArn("statecraft-prod-credit-bureaus")))),
  },
  {
    name: "dynamodb:Scan dropped from the credit-approval role policy",
    rules: ["sfn-role-matches-definition"],
    message: 'Grant dynamodb:Scan on arn:aws:dynamodb:eu-west-1:222222222222:table/statecraft-prod-credit-bureaus to role statecraft-prod-credit-approval-role: State "Get list of credit bureaus"',
    apply: (plan) => plan.editJson(ROLE_POLICY, "credit-approval-role-policy", "policy", without((s) => actionsOf(s).includes("dynamodb:Scan"))),
  },
  {
    name: "the credit-approval definition edited to call a new fraud-check function, role not updated",
    rules: ["sfn-role-matches-definition"],
    message: `Grant lambda:InvokeFunction on ${lambdaArn("statecraft-prod-fraud-check")}`,
    apply: (plan) =>
      plan.editJson<Definition>(SM, "credit-approval", "definition", (definition) => {
        definition.States["Check for fraud"] = {
          Type: "Task",
          Resource: "arn:aws:states:::lambda:invoke",
          Parameters: { FunctionName: lambdaArn("statecraft-prod-fraud-check"), "Payload.$": "$" },
          ResultPath: "$.fraud",
          Next: "Verify applicant's identity and address",
        };
        definition.States["Cooling-off period"].Next = "Check for fraud";
      }),
  },
  {
    name: "the credit-approval definition edited to take the function from the input (a dynamic ARN), role not updated",
    rules: ["sfn-role-matches-definition"],
    message: `Grant lambda:InvokeFunction on arn:aws:lambda:${REGION}:${ACCOUNT}:function:* to role statecraft-prod-credit-approval-role: State "Get credit limit"`,
    apply: (plan) =>
      plan.editJson<Definition>(SM, "credit-approval", "definition", (definition) => {
        definition.States["Get credit limit"].Parameters = { "FunctionName.$": "$.creditLimitFunction", "Payload.$": "$" };
      }),
  },
  {
    name: "the order-events definition edited to write the orders table with a dynamic name, role not updated",
    rules: ["sfn-role-matches-definition"],
    message: `Grant dynamodb:PutItem on arn:aws:dynamodb:${REGION}:${ACCOUNT}:table/* to role statecraft-prod-order-events-role`,
    apply: (plan) =>
      plan.editJson<Definition>(SM, "order-events", "definition", (definition) => {
        const store = definition.States["Store placed order"];
        delete store.Parameters.TableName;
        store.Parameters["TableName.$"] = "$.tableName";
      }),
  },
  {
    name: "an in-stack managed policy granting S3 attached to the credit-approval role",
    rules: ["sfn-role-matches-definition"],
    message: "Remove s3:GetObject on arn:aws:s3:::statecraft-prod-reports/* from managed policy",
    apply: (plan) => {
      const arn = `arn:aws:iam::${ACCOUNT}:policy/statecraft-prod-reports-read`;
      plan.add(POLICY, "reports-read", { name: "statecraft-prod-reports-read", policy: document(allow("s3:GetObject", "arn:aws:s3:::statecraft-prod-reports/*")) }, { arn, id: arn });
      plan.add(ATTACHMENT, "credit-approval-reports-read", { role: "statecraft-prod-credit-approval-role", policyArn: arn }, { id: "credit-approval-reports-read" });
    },
  },
  {
    name: "the order-events execution role reused by the validate-order function",
    rules: ["sfn-role-not-shared"],
    message: "Give Lambda function statecraft-prod-validate-order its own role: its role arn:aws:iam::222222222222:role/statecraft-prod-order-events-role",
    apply: (plan) => plan.edit(FUNCTION, "validate-order", (props) => (props.role = plan.output(ROLE, "order-events-role"))),
  },
  {
    // One role for two machines: sfn-role-not-shared reports the sharing, and the shared role lacks what the
    // backup workflow needs (sfn-role-matches-definition compares it with the union of both definitions).
    name: "the backup workflow pointed at the credit-approval execution role",
    rules: ["sfn-role-not-shared", "sfn-role-matches-definition"],
    message: "Give state machine statecraft-prod-backup-orchestration its own role",
    apply: (plan) => plan.edit(SM, "backup-orchestration", (props) => (props.roleArn = plan.output(ROLE, "credit-approval-role"))),
  },
  {
    name: "lambda.amazonaws.com added to the trust of the order-events execution role",
    rules: ["sfn-role-not-shared"],
    message: "Remove Service lambda.amazonaws.com from assumeRolePolicy",
    apply: (plan) =>
      plan.editJson(ROLE, "order-events-role", "assumeRolePolicy", (doc) => doc.Statement.push({ Effect: "Allow", Principal: { Service: "lambda.amazonaws.com" }, Action: "sts:AssumeRole" })),
  },

  // ---- triggers ---------------------------------------------------------------------------------------------
  {
    name: "the nightly schedule's role may also stop the backup workflow's executions",
    rules: ["trigger-role-start-only"],
    message: `Remove states:StopExecution on arn:aws:states:${REGION}:${ACCOUNT}:execution:statecraft-prod-backup-orchestration:* from role policy start-execution of role statecraft-prod-backup-orchestration-nightly-trigger (trusted by scheduler.amazonaws.com)`,
    resource: "backup-orchestration-nightly-trigger",
    apply: (plan) =>
      plan.editJson(ROLE_POLICY, "backup-orchestration-nightly-trigger", "policy", (doc) =>
        doc.Statement.push(allow("states:StopExecution", `arn:aws:states:${REGION}:${ACCOUNT}:execution:statecraft-prod-backup-orchestration:*`)),
      ),
  },
  {
    name: "the applications route's role may start a workflow of another account",
    rules: ["trigger-role-start-only"],
    message: `arn:aws:states:${REGION}:${OUTSIDER}:stateMachine:payments:live is in account ${OUTSIDER}, not this stack's`,
    resource: "credit-approval-applications-trigger",
    apply: (plan) =>
      plan.editJson(ROLE_POLICY, "credit-approval-applications-trigger", "policy", (doc) => doc.Statement.push(allow("states:StartExecution", `arn:aws:states:${REGION}:${OUTSIDER}:stateMachine:payments:live`))),
  },
  {
    name: "the nightly schedule without its dead-letter queue",
    rules: ["trigger-dead-letter-queue"],
    message: "Set target.deadLetterConfig.arn to an SQS queue",
    resource: "backup-orchestration-nightly",
    apply: (plan) => plan.edit(SCHEDULE, "backup-orchestration-nightly", (props) => delete props.target.deadLetterConfig),
  },
  {
    name: "the order-events rule's target without its dead-letter queue",
    rules: ["trigger-dead-letter-queue"],
    message: "Set deadLetterConfig.arn to an SQS queue",
    resource: "order-events-order-events",
    apply: (plan) => plan.edit(EVENT_TARGET, "order-events-order-events", (props) => delete props.deadLetterConfig),
  },
  {
    name: "the applications route opened to anyone (authorizationType NONE)",
    rules: ["apigw-route-authorized"],
    message: 'Set authorizationType to AWS_IAM, JWT or CUSTOM on route "POST /applications": it is NONE',
    resource: "credit-approval-applications-route",
    apply: (plan) => plan.edit(ROUTE, "credit-approval-applications-route", (props) => (props.authorizationType = "NONE")),
  },

  // ---- alarms and the services that publish to topics --------------------------------------------------------
  {
    name: "the credit-approval workflow left without alarms",
    rules: ["sfn-failure-alarms"],
    message: `Add a CloudWatch alarm on AWS/States ExecutionsFailed, ExecutionsTimedOut, ExecutionsAborted, ExecutionThrottled with dimensions { StateMachineArn: arn:aws:states:${REGION}:${ACCOUNT}:stateMachine:statecraft-prod-credit-approval }`,
    resource: "credit-approval",
    apply: (plan) => void wireAlarms(plan, ["credit-approval"]),
  },
  {
    name: "the credit-approval ExecutionsFailed alarm with its alarm actions disabled",
    rules: ["sfn-failure-alarms"],
    message: "Add the alerts topic to alarmActions of alarm statecraft-prod-credit-approval-ExecutionsFailed (ExecutionsFailed of state machine statecraft-prod-credit-approval)",
    apply: (plan) => {
      wireAlarms(plan);
      const arn = plan.output(SM, "credit-approval");
      for (const alarm of plan.resources.filter((r) => r.type === ALARM && r.inputs.metricName === "ExecutionsFailed" && (r.inputs.dimensions as Record<string, unknown>).StateMachineArn === arn)) {
        plan.edit(ALARM, alarm.name, (props) => (props.actionsEnabled = false));
      }
    },
  },
  {
    // The backup-failure topic is encrypted with the platform key and its policy admits the lending account only.
    name: "an extra backup-orchestration alarm notifying the backup-failure topic",
    rules: ["sns-service-publish-key"],
    message: `Let ${CLOUDWATCH} publish to topic statecraft-prod-backup-failure, which alarm statecraft-prod-backup-orchestration-failed-to-backup publishes to: its access policy does not allow ${CLOUDWATCH} sns:Publish`,
    resource: "backup-failure",
    apply: (plan) => {
      wireAlarms(plan);
      const topicArn = plan.output(TOPIC, "backup-failure");
      const name = "statecraft-prod-backup-orchestration-failed-to-backup";
      const inputs = { name, namespace: "AWS/States", metricName: "ExecutionsFailed", statistic: "Sum", comparisonOperator: "GreaterThanOrEqualToThreshold", threshold: 1, period: 300, evaluationPeriods: 1, dimensions: { StateMachineArn: plan.output(SM, "backup-orchestration") }, alarmActions: [topicArn] };
      plan.add(ALARM, "backup-orchestration-failed-to-backup", inputs, { arn: `arn:aws:cloudwatch:${REGION}:${ACCOUNT}:alarm:${name}`, id: name });
    },
  },
  {
    name: "an EventBridge rule sending order events to the approval-requests topic",
    rules: ["sns-service-publish-key"],
    message: "Let events.amazonaws.com publish to topic statecraft-prod-credit-approval-requests, which the target notify of rule statecraft-prod-order-notifications publishes to: its access policy does not allow events.amazonaws.com sns:Publish",
    resource: "credit-approval-requests",
    apply: (plan) => {
      const rule = "statecraft-prod-order-notifications";
      plan.add(EVENT_RULE, "order-notifications", { name: rule, eventBusName: "default", eventPattern: JSON.stringify({ source: ["acme.orders"] }) }, { arn: `arn:aws:events:${REGION}:${ACCOUNT}:rule/${rule}`, id: rule });
      const queue = `arn:aws:sqs:${REGION}:${ACCOUNT}:${rule}-dlq`;
      plan.add(EVENT_TARGET, "order-notifications", { rule, targetId: "notify", arn: plan.output(TOPIC, "credit-approval-requests"), deadLetterConfig: { arn: queue } }, { id: `${rule}-notify` });
    },
  },
];
