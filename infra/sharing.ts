import { ConsumerPrincipals, SharingConsumer, StackConfig, StackConfigError, stackFileName } from "./config";
import { ArnContext, buildArn, executionArn, parseArn } from "./iam/arn";
import { PolicyCondition, PolicyDocument, PolicyStatement, TrustPolicyDocument, policyDocument } from "./iam/policy";
import { viaService } from "./iam/service";
import { WORKFLOWS, WorkflowName } from "./manifest";
import { Naming } from "./naming";
import { LIVE_ALIAS } from "./rollout/schema";

/**
 * Cross-account sharing of workflows, as plain functions of the stack configuration: the names, trust and
 * permission policies of the producer's invoker roles, the resource-based policies of what the workflows use, and
 * the consumer's check of what a producer stack shares with it.
 *
 * Step Functions has no resource-based policy on state machines, so another account runs a workflow by assuming
 * a role of the owner account (the invoker role) that may start it: a Task with `Credentials.RoleArn` does exactly
 * that, and for `.sync` Step Functions passes the calling state machine's ARN as `sts:ExternalId`.
 * @see https://docs.aws.amazon.com/step-functions/latest/dg/concepts-access-cross-acct-resources.html
 * @see https://docs.aws.amazon.com/step-functions/latest/dg/concepts-cross-acct-sync-pattern.html
 */

/** One shared workflow, as the producer's `sharedWorkflows` stack output holds it. */
export interface SharedWorkflow {
  /** The state machine's ARN. */
  stateMachineArn: string;
  /** The alias consumers start, `<stateMachineArn>:live`: the version in service, which rollouts move. */
  aliasArn: string;
  /** The role a consumer assumes to run it (`Credentials.RoleArn`). */
  invokerRoleArn: string;
  /** `STANDARD` (start with `states:startExecution[.sync[:2]]`) or `EXPRESS` (`aws-sdk:sfn:startSyncExecution`). */
  type: "STANDARD" | "EXPRESS";
}

/** The `sharedWorkflows` stack output: workflow name → {@link SharedWorkflow}. */
export type SharedWorkflows = Partial<Record<WorkflowName, SharedWorkflow>>;

/** A state machine an invoker role may run. */
export interface SharedMachine {
  arn: string;
  type: "STANDARD" | "EXPRESS";
}

/** A statement of a resource-based policy (SNS topic policy, DynamoDB resource policy, KMS key policy). */
export interface ResourcePolicyStatement {
  Sid: string;
  Effect: "Allow";
  Principal: { AWS: string[] };
  Action: string[];
  Resource: string | string[];
  Condition?: PolicyCondition;
}

/** A resource-based policy document. */
export interface ResourcePolicyDocument {
  Version: "2012-10-17";
  Statement: ResourcePolicyStatement[];
}

/** `statecraft-<stack>-invoker-<consumer>`: the physical name of a consumer's invoker role (at most 64 characters). */
export function invokerRoleName(naming: Naming, consumer: string): string {
  return naming.physical(`invoker-${consumer}`);
}

/**
 * Checks that every consumer's invoker role name fits IAM's 64 characters.
 * @throws StackConfigError naming the consumer's key.
 */
export function checkInvokerRoleNames(config: StackConfig, naming: Naming): void {
  const problems = Object.keys(config.sharing?.consumers ?? {})
    .filter((name) => invokerRoleName(naming, name).length > 64)
    .map((name) => `statecraft:sharing.consumers.${name}: the invoker role name ${invokerRoleName(naming, name)} is longer than IAM's 64 characters; use a shorter consumer name`);
  if (problems.length > 0) throw new StackConfigError(stackFileName(naming.stack), problems);
}

/** The ARN of a consumer's invoker role in the producer's account. */
export function invokerRoleArn(naming: Naming, consumer: string): string {
  return buildArn(naming.context, "iam", `role/${invokerRoleName(naming, consumer)}`, "global");
}

/** `lending` → `Lending`, `acme-lending` → `AcmeLending`: a consumer's name as part of a statement id. */
export function sidOf(consumer: string): string {
  return consumer
    .split("-")
    .map((part) => part.charAt(0).toUpperCase() + part.slice(1))
    .join("");
}

/**
 * The principal a consumer is named by in every policy: its account's root (`arn:<partition>:iam::<account>:root`),
 * always narrowed by {@link consumerConditions}. AWS refuses a policy whose principal is a role that does not exist
 * yet ("Invalid principal in policy"), and a consumer's roles may only be created after the producer deployed (its
 * definitions need the producer's outputs); a trust naming a role also silently stops matching when that role is
 * deleted and recreated (IAM stores the role's unique id). Naming the account and pinning the roles with
 * `aws:PrincipalArn`, which does not require them to exist, avoids both.
 * @param partition the producer's partition (principals do not cross partitions).
 * @see https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_principal.html#principal-roles
 * @see https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html#condition-keys-principalarn
 */
export function consumerPrincipal(consumer: SharingConsumer, partition: string): string {
  return buildArn({ partition, region: "", account: consumer.accountId }, "iam", "root", "global");
}

/**
 * The consumer's roles pinned for one kind of grant: `invokers` (may assume the invoker role), `subscribers` (may
 * subscribe to the shared topics), `readers` (may read the shared tables); `undefined` when the consumer lists
 * none (it is then admitted by organization, `organizationId`).
 * @param consumer the consumer's configuration.
 * @param principals which list.
 * @returns the role ARNs, sorted.
 * @see https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html#condition-keys-principalarn
 */
export function consumerRoles(consumer: SharingConsumer, principals: ConsumerPrincipals): string[] | undefined {
  const roles = consumer[principals];
  return roles ? [...roles].sort() : undefined;
}

/**
 * What narrows {@link consumerPrincipal} to the consumer's principals for one kind of grant: `{ArnEquals:
 * {"aws:PrincipalArn": [roles, sorted]}}` for a consumer naming those roles ({@link consumerRoles}),
 * `{StringEquals: {"aws:PrincipalOrgID": …}}` for one with an organization, both when it has both.
 * @param consumer the consumer's configuration.
 * @param principals which of its role lists the grant is for: `invokers` (the invoker role's trust),
 *   `subscribers` (topic policies), `readers` (table resource policies, the key policy).
 * @param stringEquals further `StringEquals` keys the statement needs (`sts:ExternalId`, `kms:ViaService`).
 * @see https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html#condition-keys-principalarn
 * @see https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html#condition-keys-principalorgid
 */
export function consumerConditions(consumer: SharingConsumer, principals: ConsumerPrincipals, stringEquals: Record<string, string> = {}): PolicyCondition {
  const equals = { ...stringEquals, ...(consumer.organizationId ? { "aws:PrincipalOrgID": consumer.organizationId } : {}) };
  const roles = consumerRoles(consumer, principals);
  return {
    ...(Object.keys(equals).length ? { StringEquals: equals } : {}),
    ...(roles ? { ArnEquals: { "aws:PrincipalArn": roles } } : {}),
  };
}

/**
 * The trust policy of a consumer's invoker role: the consumer's account root as principal, only for its
 * `invokers` (`aws:PrincipalArn`) and/or from its organization (`aws:PrincipalOrgID`), and only with the external id
 * (`sts:ExternalId`) when it has one:
 *
 * ```json
 * {"Effect": "Allow", "Principal": {"AWS": ["arn:aws:iam::333333333333:root"]}, "Action": ["sts:AssumeRole"],
 *  "Condition": {"StringEquals": {"sts:ExternalId": "…"},
 *                "ArnEquals": {"aws:PrincipalArn": ["arn:aws:iam::333333333333:role/…"]}}}
 * ```
 *
 * A consumer admitted by organization alone keeps the root with `aws:PrincipalOrgID`, no `aws:PrincipalArn`. The
 * consumer's roles need `sts:AssumeRole` on the invoker role in their own identity policies too.
 *
 * @param consumer the consumer's configuration.
 * @param externalId the external id (a secret: pass the resolved value inside an Output marked secret).
 * @param partition the producer's partition.
 * @returns the trust policy, one statement.
 * @throws Error when the consumer has neither an external id nor an organization (the configuration rejects that).
 * @see https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_common-scenarios_third-party.html
 * @see https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html#condition-keys-principalarn
 * @see https://docs.aws.amazon.com/step-functions/latest/dg/concepts-cross-acct-sync-pattern.html
 */
export function invokerTrustPolicy(consumer: SharingConsumer, externalId: string | undefined, partition: string): TrustPolicyDocument {
  if (externalId === undefined && !consumer.organizationId) throw new Error(`consumer of account ${consumer.accountId} needs an external id or an organization id`);
  const condition = consumerConditions(consumer, "invokers", externalId !== undefined ? { "sts:ExternalId": externalId } : {});
  return {
    Version: "2012-10-17",
    Statement: [
      {
        Effect: "Allow",
        Principal: { AWS: [consumerPrincipal(consumer, partition)] },
        Action: ["sts:AssumeRole"],
        Condition: condition,
      },
    ],
  };
}

/**
 * The permissions of a consumer's invoker role: start exactly the shared state machines' `live` alias
 * (`states:StartExecution`, and `states:StartSyncExecution` for Express ones, on the unqualified ARN, which Step
 * Functions authorizes alias calls against, with `states:StateMachineQualifier` = `live`), follow and stop their executions (`states:DescribeExecution`,
 * `states:StopExecution` on `…:execution:<machine>:*`), and, when the machines are encrypted with a
 * customer-managed key, `kms:Decrypt` on that key in their encryption context (DescribeExecution and
 * StartSyncExecution return the decrypted input and output; StartExecution itself needs no KMS permission, as the
 * AWS page's table of API permissions says).
 *
 * Express executions (`…:express:<machine>:<name>:<id>`) support neither DescribeExecution nor StopExecution, so
 * they get neither; a consumer runs them with StartSyncExecution, whose answer carries the result.
 *
 * @param machines the shared state machines.
 * @param keyArn the customer-managed key encrypting them, if any.
 * @returns the policy document (statements merged as every derived policy is).
 * @see https://docs.aws.amazon.com/step-functions/latest/dg/concepts-cross-acct-sync-pattern.html
 * @see https://docs.aws.amazon.com/step-functions/latest/dg/encryption-at-rest.html
 * @see https://docs.aws.amazon.com/service-authorization/latest/reference/list_awsstepfunctions.html
 * @see https://docs.aws.amazon.com/step-functions/latest/dg/auth-version-alias.html
 */
export function invokerPolicy(machines: readonly SharedMachine[], keyArn?: string): PolicyDocument {
  const arns = machines.map((m) => m.arn);
  const standard = machines.filter((m) => m.type === "STANDARD").map((m) => m.arn);
  const express = machines.filter((m) => m.type === "EXPRESS").map((m) => m.arn);
  // Consumers start the alias, so a rollout's canary and its rollback reach their executions too.
  const viaAlias = { "ForAnyValue:StringEquals": { "states:StateMachineQualifier": [LIVE_ALIAS] } };
  const statements: PolicyStatement[] = [{ Effect: "Allow", Action: ["states:StartExecution"], Resource: arns, Condition: viaAlias }];
  if (express.length > 0) statements.push({ Effect: "Allow", Action: ["states:StartSyncExecution"], Resource: express, Condition: viaAlias });
  if (standard.length > 0) {
    statements.push({ Effect: "Allow", Action: ["states:DescribeExecution", "states:StopExecution"], Resource: standard.map((arn) => executionArn(arn)) });
  }
  if (keyArn) {
    statements.push({
      Effect: "Allow",
      Action: ["kms:Decrypt"],
      Resource: [keyArn],
      Condition: { StringEquals: { "kms:EncryptionContext:aws:states:stateMachineArn": arns.length === 1 ? arns[0] : [...arns].sort() } },
    });
  }
  return policyDocument(statements);
}


/**
 * The statements of a topic policy letting consumers subscribe to a topic (`sns:Subscribe`, e.g. an SQS queue or
 * a function of their own account): one statement per consumer, its account root as principal, narrowed to its
 * `subscribers` (`ArnEquals` `aws:PrincipalArn`) and/or organization (`aws:PrincipalOrgID`) as {@link consumerConditions}.
 * @param topicArn the topic.
 * @param consumers the consumers that listed the topic, by name.
 * @param partition the producer's partition.
 * @see https://docs.aws.amazon.com/sns/latest/dg/sns-access-policy-use-cases.html
 */
export function topicSubscribePolicy(topicArn: string, consumers: [string, SharingConsumer][], partition: string): ResourcePolicyDocument {
  return consumerResourcePolicy(topicArn, consumers, partition, "Subscribes", ["sns:Subscribe"], "subscribers");
}

/** What a consumer may do on a shared table: read items and describe the table. */
export const TABLE_READ_ACTIONS = ["dynamodb:BatchGetItem", "dynamodb:DescribeTable", "dynamodb:GetItem", "dynamodb:Query", "dynamodb:Scan"];

/**
 * The resource-based policy of a table consumers may read ({@link TABLE_READ_ACTIONS}): one statement per
 * consumer, its account root as principal, narrowed to its `readers` (`ArnEquals` `aws:PrincipalArn`) and/or
 * organization (`aws:PrincipalOrgID`) as {@link consumerConditions}. The consumer's own identity policy must allow
 * the same.
 * @param tableArn the table.
 * @param consumers the consumers that listed the table, by name.
 * @param partition the producer's partition.
 * @see https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/rbac-cross-account-access.html
 */
export function tableReadPolicy(tableArn: string, consumers: [string, SharingConsumer][], partition: string): ResourcePolicyDocument {
  return consumerResourcePolicy(tableArn, consumers, partition, "Reads", TABLE_READ_ACTIONS, "readers");
}

/**
 * The key policy statements a customer-managed key needs for consumers that read tables encrypted with it:
 * `kms:Decrypt` and `kms:DescribeKey`, only through DynamoDB in the stack's Region, for the consumer's account root
 * narrowed to its `readers` as {@link consumerConditions} (a key policy naming a role that does not exist yet is refused too). A
 * cross-account caller can use a key only if its key policy admits it.
 * @param consumers the consumers reading at least one table, by name.
 * @param context the producer's partition, Region and account.
 * @see https://docs.aws.amazon.com/kms/latest/developerguide/key-policy-modifying-external-accounts.html
 * @see https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/encryption.usagenotes.html
 */
export function consumerKeyStatements(consumers: [string, SharingConsumer][], context: ArnContext): ResourcePolicyStatement[] {
  return consumers.map(([name, consumer]) => {
    const statement: ResourcePolicyStatement = {
      Sid: `${sidOf(name)}DecryptsSharedTables`,
      Effect: "Allow",
      Principal: { AWS: [consumerPrincipal(consumer, context.partition)] },
      Action: ["kms:Decrypt", "kms:DescribeKey"],
      Resource: "*",
    };
    return { ...statement, Condition: consumerConditions(consumer, "readers", { "kms:ViaService": viaService("dynamodb", context.region) }) };
  });
}

/** The Lambda permission of a consumer on one function. */
export interface SharedInvokePermission {
  /** `share-<consumer>`. */
  statementId: string;
  /** The consumer's account id. */
  principal: string;
  /** The consumer's organization, when it has one. */
  principalOrgId?: string;
}

/**
 * The Lambda permission that lets a consumer invoke a function: its account id as principal (AWS's cross-account
 * pattern for AddPermission), with `principalOrgId` when it has an organization. A permission naming a role is
 * refused while that role does not exist, and a Lambda permission takes no `aws:PrincipalArn` condition: the
 * consumer account decides which of its roles may invoke, through their identity policies (which a cross-account
 * call needs anyway). `sourceAccount` is not set: it is a condition on `aws:SourceAccount`, which only service
 * principals' requests carry, so it would deny the consumer's roles.
 * @see https://docs.aws.amazon.com/lambda/latest/dg/permissions-function-cross-account.html
 * @see https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html#condition-keys-sourceaccount
 */
export function invokePermission(name: string, consumer: SharingConsumer): SharedInvokePermission {
  return {
    statementId: `share-${name}`,
    principal: consumer.accountId,
    ...(consumer.organizationId ? { principalOrgId: consumer.organizationId } : {}),
  };
}

/**
 * What a stack shares, from its configuration alone: per shared workflow its state machine ARN, the invoker role
 * of the consumer it is shared with, and its type. The program exports the same values from the deployed
 * resources as `sharedWorkflows`; the local runner uses these.
 * @param config the producer's configuration.
 * @param naming the producer's naming.
 */
export function sharedWorkflowsOf(config: StackConfig, naming: Naming): SharedWorkflows {
  const shared: SharedWorkflows = {};
  for (const [name, consumer] of Object.entries(config.sharing?.consumers ?? {})) {
    for (const workflow of consumer.workflows) {
      const stateMachineArn = naming.stateMachineArn(workflow);
      shared[workflow] = { stateMachineArn, aliasArn: `${stateMachineArn}:${LIVE_ALIAS}`, invokerRoleArn: invokerRoleArn(naming, name), type: WORKFLOWS[workflow].type };
    }
  }
  return shared;
}

/**
 * Checks a producer stack's `sharedWorkflows` output (read through a StackReference) for the shared workflows a
 * consumer stack calls: each is shared, its state machine and invoker role are in one account of the consumer's
 * allow-list (`statecraft:trustedAccounts`), in the consumer's partition and Region (Step Functions does not reach
 * across Regions), with well-formed ARNs.
 *
 * @param config the consumer's configuration (with `producerStack`).
 * @param output the producer's `sharedWorkflows` output value.
 * @param needed the shared workflows the consumer's workflows call.
 * @returns the shared workflows, validated.
 * @throws StackConfigError naming `Pulumi.<stack>.yaml` and `statecraft:producerStack`, with every problem.
 */
export function resolveSharedWorkflows(stack: string, config: StackConfig, output: unknown, needed: readonly WorkflowName[]): SharedWorkflows {
  const where = `statecraft:producerStack (${config.producerStack})`;
  if (output === undefined || output === null || typeof output !== "object" || Array.isArray(output)) {
    throw new StackConfigError(stackFileName(stack), [`${where}: the stack exports no sharedWorkflows object: is it a statecraft stack, deployed? (got ${JSON.stringify(output)})`]);
  }
  const offered = output as Record<string, Partial<SharedWorkflow> | undefined>;
  const problems: string[] = [];
  const shared: SharedWorkflows = {};
  for (const workflow of needed) {
    const entry = offered[workflow];
    if (!entry) {
      problems.push(
        `${where}: does not share ${workflow} (it shares: ${JSON.stringify(Object.keys(offered))}). List account ${config.accountId} as a consumer of ${workflow} in that stack's statecraft:sharing and run pulumi up there first.`,
      );
      continue;
    }
    const machine = typeof entry.stateMachineArn === "string" ? parseArn(entry.stateMachineArn) : undefined;
    const role = typeof entry.invokerRoleArn === "string" ? parseArn(entry.invokerRoleArn) : undefined;
    if (!machine || machine.service !== "states" || !/^stateMachine:[A-Za-z0-9_-]+$/.test(machine.resource)) {
      problems.push(`${where}: sharedWorkflows.${workflow}.stateMachineArn is not a state machine ARN (got ${JSON.stringify(entry.stateMachineArn)})`);
      continue;
    }
    if (!role || role.service !== "iam" || !role.resource.startsWith("role/") || role.account !== machine.account) {
      problems.push(`${where}: sharedWorkflows.${workflow}.invokerRoleArn is not a role of the state machine's account ${machine.account} (got ${JSON.stringify(entry.invokerRoleArn)})`);
      continue;
    }
    if (!config.trustedAccounts.includes(machine.account)) {
      problems.push(`${where}: ${workflow} runs in account ${machine.account}, which is not on the allow-list statecraft:trustedAccounts (${JSON.stringify(config.trustedAccounts)})`);
    }
    if (machine.partition !== config.partition || machine.region !== config.region) {
      problems.push(`${where}: ${workflow} runs in ${machine.partition}/${machine.region}, this stack in ${config.partition}/${config.region}: Step Functions calls another account only in the same Region`);
    }
    if (entry.type !== "STANDARD" && entry.type !== "EXPRESS") {
      problems.push(`${where}: sharedWorkflows.${workflow}.type must be STANDARD or EXPRESS (got ${JSON.stringify(entry.type)})`);
    }
    if (typeof entry.aliasArn !== "string" || !new RegExp(`^${entry.stateMachineArn}:[A-Za-z0-9_-]+$`).test(entry.aliasArn)) {
      problems.push(`${where}: sharedWorkflows.${workflow}.aliasArn must be an alias of ${entry.stateMachineArn} (got ${JSON.stringify(entry.aliasArn)}): deploy the producer again to export it`);
    }
    shared[workflow] = { stateMachineArn: entry.stateMachineArn as string, aliasArn: entry.aliasArn as string, invokerRoleArn: entry.invokerRoleArn as string, type: entry.type as SharedWorkflow["type"] };
  }
  if (problems.length > 0) throw new StackConfigError(stackFileName(stack), problems);
  return shared;
}

/** A resource policy with one statement per consumer (`<Consumer><sid>`), its principal narrowed by {@link consumerConditions}. */
function consumerResourcePolicy(resourceArn: string, consumers: [string, SharingConsumer][], partition: string, sid: string, actions: string[], principals: ConsumerPrincipals): ResourcePolicyDocument {
  return {
    Version: "2012-10-17",
    Statement: consumers.map(([name, consumer]) => ({
      Sid: `${sidOf(name)}${sid}`,
      Effect: "Allow",
      Principal: { AWS: [consumerPrincipal(consumer, partition)] },
      Action: actions,
      Resource: resourceArn,
      Condition: consumerConditions(consumer, principals),
    })),
  };
}
