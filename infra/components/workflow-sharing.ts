import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { SharingConsumer } from "../config";
import { HandlerName, TableName, TopicName, WorkflowName } from "../manifest";
import { Naming } from "../naming";
import { invokePermission, invokerPolicy, invokerRoleName, invokerTrustPolicy, tableReadPolicy, topicSubscribePolicy } from "../sharing";
import { Transform, transformed } from "./transform";

/** A workflow of the stack as {@link WorkflowSharing} needs it. */
export interface ShareableWorkflow {
  stateMachineArn: pulumi.Output<string>;
  /** Its `live` alias, which consumers start. */
  aliasArn: pulumi.Output<string>;
  type: "STANDARD" | "EXPRESS";
}

/** Arguments of a {@link WorkflowSharing}. */
export interface WorkflowSharingArgs {
  /** The consumers, by name (`statecraft:sharing.consumers`), validated by the stack configuration. */
  consumers: Record<string, SharingConsumer>;
  /** The producer stack's naming: invoker role names, partition. */
  naming: Naming;
  /** The stack's workflows, at least every one a consumer lists. */
  workflows: Partial<Record<WorkflowName, ShareableWorkflow>>;
  /** Function ARNs of the stack, at least every one a consumer lists. */
  functionArns: Partial<Record<HandlerName, pulumi.Output<string>>>;
  /** Topic ARNs of the stack, at least every one a consumer lists. */
  topicArns: Partial<Record<TopicName, pulumi.Output<string>>>;
  /** Table ARNs of the stack, at least every one a consumer lists. */
  tableArns: Partial<Record<TableName, pulumi.Output<string>>>;
  /** The customer-managed key encrypting the state machines, if any: the invoker roles may use it for them. */
  kmsKeyArn?: pulumi.Input<string>;
  /** Escape hatches: adjust any child's arguments. */
  transform?: {
    invokerRole?: Transform<aws.iam.RoleArgs>;
    invokerPolicy?: Transform<aws.iam.RolePolicyArgs>;
    permission?: Transform<aws.lambda.PermissionArgs>;
    topicPolicy?: Transform<aws.sns.TopicPolicyArgs>;
    tablePolicy?: Transform<aws.dynamodb.ResourcePolicyArgs>;
  };
}

/** A shared workflow as the stack exports it (`sharedWorkflows`). */
export interface SharedWorkflowOutputs {
  stateMachineArn: pulumi.Output<string>;
  /** The `live` alias consumers start. */
  aliasArn: pulumi.Output<string>;
  invokerRoleArn: pulumi.Output<string>;
  type: "STANDARD" | "EXPRESS";
}

/**
 * The producer's half of cross-account workflow sharing, from `statecraft:sharing`:
 *
 * - per consumer, an invoker role `<project>-<stack>-invoker-<consumer>` trusted by the consumer's account root,
 *   only for its roles (`aws:PrincipalArn`) and/or from its organization (`aws:PrincipalOrgID`), and only with its
 *   external id (`sts:ExternalId`, a secret: the trust policy is a secret output), allowed to start, describe and
 *   stop exactly the shared state machines' executions (and to use their customer-managed key in their
 *   encryption context);
 * - per function a consumer lists, one `aws.lambda.Permission` for the consumer's account (`lambda:InvokeFunction`,
 *   with `principalOrgId` for an organization): the consumer's identity policies decide which of its roles invoke;
 * - per topic a consumer lists, an `aws.sns.TopicPolicy` letting the consumers subscribe;
 * - per table a consumer lists, an `aws.dynamodb.ResourcePolicy` letting the consumers read.
 *
 * Every policy names the consumer's account, never a role, so the producer deploys before the consumer's roles
 * exist (AWS refuses a principal naming a role that does not exist); the roles are pinned with `aws:PrincipalArn`.
 *
 * Children: `<consumer>-invoker` (aws.iam.Role), `<consumer>-invoker-policy` (aws.iam.RolePolicy),
 * `<handler>-<consumer>` (aws.lambda.Permission), `<topic>-policy` (aws.sns.TopicPolicy), `<table>-policy`
 * (aws.dynamodb.ResourcePolicy). A topic policy replaces the topic's default policy: the stack's own roles keep
 * their access through their identity policies.
 *
 * @see https://docs.aws.amazon.com/step-functions/latest/dg/concepts-access-cross-acct-resources.html
 * @see https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html#condition-keys-principalarn
 * @see https://docs.aws.amazon.com/lambda/latest/dg/permissions-function-cross-account.html
 * @see https://www.pulumi.com/registry/packages/aws/api-docs/iam/role/
 * @see https://www.pulumi.com/registry/packages/aws/api-docs/lambda/permission/
 * @see https://www.pulumi.com/registry/packages/aws/api-docs/sns/topicpolicy/
 * @see https://www.pulumi.com/registry/packages/aws/api-docs/dynamodb/resourcepolicy/
 */
export class WorkflowSharing extends pulumi.ComponentResource {
  /** Per shared workflow: its state machine ARN, its consumer's invoker role ARN and its type. */
  readonly sharedWorkflows: Partial<Record<WorkflowName, SharedWorkflowOutputs>>;
  /** Invoker role ARNs by consumer. */
  readonly invokerRoleArns: Record<string, pulumi.Output<string>>;

  /**
   * @param name the component's logical name.
   * @param args see {@link WorkflowSharingArgs}.
   * @param opts component resource options.
   * @throws Error when a consumer lists a workflow, function, topic or table missing from `args` (the stack
   *   configuration rejects that first, naming the key).
   */
  constructor(name: string, args: WorkflowSharingArgs, opts?: pulumi.ComponentResourceOptions) {
    super("statecraft:index:WorkflowSharing", name, {}, opts);
    const { naming } = args;
    const partition = naming.context.partition;
    const child = { parent: this };
    const need = <T>(what: string, value: T | undefined): T => {
      if (value === undefined) throw new Error(`WorkflowSharing ${name}: ${what} is not deployed by this stack`);
      return value;
    };

    this.sharedWorkflows = {};
    this.invokerRoleArns = {};
    const consumers = Object.entries(args.consumers);
    for (const [consumerName, consumer] of consumers) {
      const roleName = invokerRoleName(naming, consumerName);
      const trust =
        consumer.externalId !== undefined
          ? pulumi.secret(consumer.externalId).apply((externalId) => JSON.stringify(invokerTrustPolicy(consumer, externalId, partition)))
          : pulumi.output(JSON.stringify(invokerTrustPolicy(consumer, undefined, partition)));
      const role = new aws.iam.Role(
        `${consumerName}-invoker`,
        transformed(args.transform?.invokerRole, {
          name: roleName,
          description: `Lets account ${consumer.accountId} (consumer ${consumerName}) run ${consumer.workflows.join(", ")} of the ${naming.project} ${naming.stack} stack in account ${naming.context.account}.`,
          assumeRolePolicy: trust,
          maxSessionDuration: 3600,
        }),
        child,
      );
      const machines = consumer.workflows.map((workflow) => ({ workflow, ...need(`workflow ${workflow}`, args.workflows[workflow]) }));
      const policy = pulumi
        .all([pulumi.all(machines.map((m) => m.stateMachineArn)), args.kmsKeyArn])
        .apply(([arns, keyArn]) => JSON.stringify(invokerPolicy(arns.map((arn, i) => ({ arn, type: machines[i].type })), keyArn)));
      new aws.iam.RolePolicy(`${consumerName}-invoker-policy`, transformed(args.transform?.invokerPolicy, { name: "invoke-shared-workflows", role: role.id, policy }), child);
      this.invokerRoleArns[consumerName] = role.arn;
      for (const machine of machines) {
        this.sharedWorkflows[machine.workflow] = { stateMachineArn: machine.stateMachineArn, aliasArn: machine.aliasArn, invokerRoleArn: role.arn, type: machine.type };
      }

      for (const handler of consumer.functions) {
        const functionArn = need(`function ${handler}`, args.functionArns[handler]);
        const permission = invokePermission(consumerName, consumer);
        new aws.lambda.Permission(
          `${handler}-${consumerName}`,
          transformed(args.transform?.permission, {
            statementId: permission.statementId,
            action: "lambda:InvokeFunction",
            function: functionArn,
            principal: permission.principal,
            ...(permission.principalOrgId ? { principalOrgId: permission.principalOrgId } : {}),
          }),
          child,
        );
      }
    }

    // One policy per topic and per table, holding every consumer that listed it.
    const listing = <T extends string>(field: "topics" | "tables", item: T) => consumers.filter(([, consumer]) => (consumer[field] as string[]).includes(item));
    const listed = <T extends string>(field: "topics" | "tables") => [...new Set(consumers.flatMap(([, consumer]) => consumer[field] as T[]))];
    for (const topic of listed<TopicName>("topics")) {
      const topicArn = need(`topic ${topic}`, args.topicArns[topic]);
      new aws.sns.TopicPolicy(
        `${topic}-policy`,
        transformed(args.transform?.topicPolicy, { arn: topicArn, policy: topicArn.apply((arn) => JSON.stringify(topicSubscribePolicy(arn, listing("topics", topic), partition))) }),
        child,
      );
    }
    for (const table of listed<TableName>("tables")) {
      const tableArn = need(`table ${table}`, args.tableArns[table]);
      new aws.dynamodb.ResourcePolicy(
        `${table}-policy`,
        transformed(args.transform?.tablePolicy, { resourceArn: tableArn, policy: tableArn.apply((arn) => JSON.stringify(tableReadPolicy(arn, listing("tables", table), partition))) }),
        child,
      );
    }

    this.registerOutputs({ sharedWorkflows: this.sharedWorkflows, invokerRoleArns: this.invokerRoleArns });
  }
}
