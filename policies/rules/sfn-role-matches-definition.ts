import { PolicyResource, ReportViolation, StackValidationPolicy } from "@pulumi/policy";
import { AslStateMachine } from "../../infra/definition/asl";
import { DefinitionError } from "../../infra/definition/errors";
import { ArnContext, buildArn, parseArn } from "../../infra/iam/arn";
import { NeededStatement, compareGrants } from "../../infra/iam/compare";
import { deriveExecutionPolicy } from "../../infra/iam/derive";
import { EncryptedResource, executionServiceNeeds, keyUseNeeds } from "../../infra/iam/service";
import { ConfigSchema, configOf, defaultsOf, isAwsManagedKey } from "../lib";
import { StackIndex } from "../stack";

/** Configuration of {@link sfnRoleMatchesDefinition}. */
export interface SfnRoleMatchesConfig {
  /** Action patterns an execution role may grant beyond what its definition needs (e.g. through additional statements). @default [] */
  allowedAdditionalActions: string[];
}

const SCHEMA: ConfigSchema<SfnRoleMatchesConfig> = { properties: { allowedAdditionalActions: { type: "array", items: { type: "string" }, default: [] as string[] } } };

/**
 * Checks whether the execution role of each state machine grants exactly what the machine needs: what
 * {@link deriveExecutionPolicy} derives from its definition (the same derivation that built the role), log
 * delivery when it logs, X-Ray when it traces, its customer-managed key (and that key for log delivery when it
 * logs), and the customer-managed key of every table of the stack it reads or writes, topic it publishes to and
 * secret it reads, through that service ({@link keyUseNeeds}, the function that built the role's grants). It reads the role's inline policies, role policies and attached managed policies, and reports
 * each missing grant (naming the States that need it) and each excess one (naming the policy that grants it).
 * Machines sharing a role are compared with the union of their needs (sfn-role-not-shared reports the sharing).
 *
 * @see https://docs.aws.amazon.com/step-functions/latest/dg/service-integration-iam-templates.html
 * @see https://docs.aws.amazon.com/IAM/latest/UserGuide/best-practices.html#grant-least-privilege
 */
export const sfnRoleMatchesDefinition: StackValidationPolicy = {
  name: "sfn-role-matches-definition",
  description: "Checks whether each state machine's execution role grants what its definition needs and nothing beyond.",
  severity: "high",
  remediationSteps:
    "Derive the role from the definition (statecraft's Workflow does; `npm run -s iam -- <file>` prints the policy): add each missing grant, remove each excess one, or list a deliberate extra action in allowedAdditionalActions.",
  url: "https://docs.aws.amazon.com/step-functions/latest/dg/service-integration-iam-templates.html",
  configSchema: SCHEMA,
  validateStack: (args, report) => {
    const config = configOf(args.getConfig<Partial<SfnRoleMatchesConfig>>(), defaultsOf(SCHEMA));
    const index = new StackIndex(args.resources);
    for (const [roleArn, machines] of index.machinesByRole()) {
      const names = machines.map((m) => `state machine ${m.props.name ?? m.name}`).join(" and ");
      const need = machines.length > 1 ? "need" : "needs";
      const role = index.roleByArn(roleArn);
      if (!role) {
        report(`Manage the execution role ${roleArn} of ${names} in this stack: its grants cannot be compared with the definition.`);
        continue;
      }
      // A machine whose needs cannot be derived was reported; comparing without it would call its grants excess.
      const perMachine = machines.map((machine) => neededStatements(machine, index, report));
      if (perMachine.some((needs) => needs === undefined)) continue;
      // With one machine, "State X of state machine M needs it"; with several, each need names its own machine.
      const needs = perMachine.flatMap((machineNeeds, i) =>
        (machineNeeds ?? []).map((need) => (machines.length > 1 ? { ...need, neededBy: `${need.neededBy} of state machine ${machines[i].props.name ?? machines[i].name}` } : need)),
      );
      const roleName = role.props.name as string;
      const grants = index.grantsOf(role);
      for (const arn of grants.foreignPolicies) report(`Detach ${arn} from role ${roleName}: its grants are not derived from the definition of ${names}.`);
      for (const { source, index: i } of grants.negated) report(`Replace NotAction/NotResource in Statement[${i}] of ${source} on role ${roleName} with the actions and resources ${names} ${need}.`);
      const { missing, excess } = compareGrants(needs, grants.statements, { ignoreActions: config.allowedAdditionalActions });
      for (const gap of missing) {
        const condition = gap.condition ? ` with Condition ${JSON.stringify(gap.condition)}` : "";
        const who = machines.length > 1 ? gap.neededBy.join(", ") : `${gap.neededBy.join(", ")} of ${names}`;
        report(`Grant ${gap.actions.join(", ")} on ${gap.resource}${condition} to role ${roleName}: ${who} need${gap.neededBy.length > 1 ? "" : "s"} it.`);
      }
      for (const extra of excess) {
        if (extra.kind === "unconditioned") {
          report(`Add Condition ${JSON.stringify(extra.condition)} to ${extra.actions.join(", ")} on ${extra.resource} in ${extra.source} of role ${roleName}: ${names} ${need} it only under that condition.`);
        } else {
          report(`Remove ${extra.actions.join(", ")} on ${extra.resource} from ${extra.source} of role ${roleName}: nothing in the definition or configuration of ${names} needs it.`);
        }
      }
    }
  },
};

/**
 * What one state machine needs of its role, each statement labelled with who needs it; `undefined` (after
 * reporting why) when the definition cannot be derived.
 */
function neededStatements(machine: PolicyResource, index: StackIndex, report: ReportViolation): NeededStatement[] | undefined {
  const props = machine.props;
  const name = (props.name as string | undefined) ?? machine.name;
  const context = contextOf(props);
  if (!context) {
    report(`Set the arn or loggingConfiguration.logDestination of state machine ${name}: its partition, Region and account are needed to derive its role.`);
    return undefined;
  }
  let definition: AslStateMachine;
  try {
    definition = (typeof props.definition === "string" ? JSON.parse(props.definition) : props.definition) as AslStateMachine;
  } catch (error) {
    report(`Fix the definition of state machine ${name}: it is not JSON (${(error as Error).message}).`);
    return undefined;
  }
  let needs: NeededStatement[];
  try {
    const derivation = deriveExecutionPolicy(`state machine ${name}`, definition, context, { stateMachineName: name });
    needs = derivation.states.flatMap((state) => state.statements.map((statement) => ({ statement, neededBy: `State "${state.state}"` })));
  } catch (error) {
    if (!(error instanceof DefinitionError)) throw error;
    report(`Fix the definition of state machine ${name}: ${error.message}`);
    return undefined;
  }

  const logging = (props.loggingConfiguration?.level ?? "OFF") !== "OFF";
  const tracing = props.tracingConfiguration?.enabled === true;
  const encryption = props.encryptionConfiguration;
  const keyArn = encryption?.type === "CUSTOMER_MANAGED_KMS_KEY" && encryption.kmsKeyId ? (index.keyArn(encryption.kmsKeyId) ?? encryption.kmsKeyId) : undefined;
  const stateMachineArn = (props.arn as string | undefined) ?? buildArn(context, "states", `stateMachine:${name}`);
  needs.push(...executionServiceNeeds({ logging, tracing, keyArn, stateMachineArn }));
  needs.push(...keyUseNeeds(needs.map((need) => need.statement), encryptedResources(index), context.region));
  return needs;
}

/**
 * The stack's tables, topics, queues, secrets, buckets and state machines encrypted with a customer-managed key (an AWS-owned or AWS managed key
 * asks nothing of the callers' roles), each with its key resolved to an ARN through the stack's keys and aliases.
 */
function encryptedResources(index: StackIndex): EncryptedResource[] {
  const resources: EncryptedResource[] = [];
  const add = (kind: EncryptedResource["kind"], props: Record<string, any>, fallbackName: string, key: unknown) => {
    const arn = props.arn as string | undefined;
    if (!arn || typeof key !== "string" || !key || isAwsManagedKey(key)) return;
    resources.push({ kind, arn, name: (props.name as string | undefined) ?? fallbackName, keyArn: index.keyArn(key) ?? key });
  };
  for (const table of index.ofType("aws:dynamodb/table:Table")) {
    const encryption = table.props.serverSideEncryption as { enabled?: boolean; kmsKeyArn?: string } | undefined;
    if (encryption?.enabled) add("table", table.props, table.name, encryption.kmsKeyArn);
  }
  for (const topic of index.ofType("aws:sns/topic:Topic")) add("topic", topic.props, topic.name, topic.props.kmsMasterKeyId);
  for (const queue of index.ofType("aws:sqs/queue:Queue")) add("queue", queue.props, queue.name, queue.props.kmsMasterKeyId);
  for (const secret of index.ofType("aws:secretsmanager/secret:Secret")) add("secret", secret.props, secret.name, secret.props.kmsKeyId);
  // A bucket's default encryption is its own resource, naming the bucket by name (S3 ARNs carry no account).
  for (const encryption of index.ofType("aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration")) {
    const rule = (encryption.props.rules as { applyServerSideEncryptionByDefault?: { sseAlgorithm?: string; kmsMasterKeyId?: string } }[] | undefined)?.[0]?.applyServerSideEncryptionByDefault;
    const bucket = index.ofType("aws:s3/bucket:Bucket").find((b) => b.props.bucket === encryption.props.bucket || b.props.id === encryption.props.bucket);
    if (rule?.sseAlgorithm === "aws:kms" && bucket) add("bucket", { arn: bucket.props.arn, name: bucket.props.bucket }, bucket.name, rule.kmsMasterKeyId);
  }
  for (const machine of index.ofType("aws:sfn/stateMachine:StateMachine")) {
    const encryption = machine.props.encryptionConfiguration as { type?: string; kmsKeyId?: string } | undefined;
    if (encryption?.type === "CUSTOMER_MANAGED_KMS_KEY") add("stateMachine", machine.props, machine.name, encryption.kmsKeyId);
  }
  return resources;
}

/** The partition, Region and account of a state machine, from its ARN or else its log destination. */
function contextOf(props: Record<string, any>): ArnContext | undefined {
  for (const candidate of [props.arn, props.loggingConfiguration?.logDestination]) {
    const arn = typeof candidate === "string" ? parseArn(candidate) : undefined;
    if (arn?.region && arn.account) return { partition: arn.partition, region: arn.region, account: arn.account };
  }
  return undefined;
}
