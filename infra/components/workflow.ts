import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { buildArn } from "../iam/arn";
import { INLINE_POLICY_LIMIT, PolicyStatement, policyDocument, policySize, splitStatements } from "../iam/policy";
import { executionServiceStatements, stateMachineTrustPolicy } from "../iam/service";
import { DefinitionSource, renderedOutput } from "./definition-source";
import { executionRoleName } from "../naming";
import { LIVE_ALIAS, Rollout } from "../rollout/schema";
import { Transform, transformed } from "./transform";

/**
 * Room, in characters, left in the inline policy for the statements the definition does not show: log delivery
 * (about 330), X-Ray (about 130), the KMS key (about 300) and additional statements.
 */
const SERVICE_STATEMENTS_ALLOWANCE = 2_048;

/** Arguments of a {@link Workflow}. */
export interface WorkflowArgs {
  /**
   * The definition and its substitutions, from {@link definitionFromFile}: every placeholder has a value and
   * every value a placeholder. With plain-string values the definition was rendered, validated and its policy
   * derived already; values known only at deployment are checked when they resolve.
   */
  definition: DefinitionSource;
  /**
   * `STANDARD` (long-running, exactly-once, execution history kept) or `EXPRESS` (high-volume, at-least-once,
   * at most five minutes, no execution history: its logs are its only record).
   * @default "STANDARD"
   * @see https://docs.aws.amazon.com/step-functions/latest/dg/choosing-workflow-type.html
   */
  type?: "STANDARD" | "EXPRESS";
  /** The state machine's physical name; its role is named `<name>-role`. */
  stateMachineName: string;
  logging: {
    /**
     * Log level of a Standard workflow. Express workflows always log `ALL`, whatever is set here.
     * @see https://docs.aws.amazon.com/step-functions/latest/dg/cw-logs.html#cloudwatch-log-level
     */
    level: "ALL" | "ERROR" | "FATAL" | "OFF";
    /** Whether log events carry execution input, output and state data. */
    includeExecutionData: boolean;
    /** The log group's name, normally `/aws/vendedlogs/states/<stack>-<workflow>`. */
    logGroupName: string;
    /** Log retention, in days. */
    retentionInDays: number;
  };
  /** X-Ray tracing. @default false */
  tracing?: boolean;
  /** A customer-managed KMS key for the state machine's data and its log group; AWS-owned keys when absent. */
  kmsKeyArn?: pulumi.Input<string>;
  /**
   * How long Step Functions reuses a data key, in seconds (60 to 900).
   * @default 300
   */
  kmsDataKeyReusePeriodSeconds?: number;
  /** Statements the role needs that the definition cannot show (e.g. a key the Tasks' targets are encrypted with). */
  additionalStatements?: pulumi.Input<pulumi.Input<PolicyStatement>[]>;
  /**
   * How a new version reaches the `live` alias. `ALL_AT_ONCE`: `pulumi up` points the alias at it. `CANARY` or
   * `LINEAR`: `pulumi up` publishes the version and leaves the alias where it is; `npm run promote` shifts it
   * step by step, watching alarms (`infra/rollout/run.ts`).
   * @default { type: "ALL_AT_ONCE" }
   * @see https://docs.aws.amazon.com/step-functions/latest/dg/concepts-cfn-deploy.html
   */
  rollout?: Rollout;
  /** Escape hatches: adjust any child's arguments. */
  transform?: {
    role?: Transform<aws.iam.RoleArgs>;
    rolePolicy?: Transform<aws.iam.RolePolicyArgs>;
    logGroup?: Transform<aws.cloudwatch.LogGroupArgs>;
    stateMachine?: Transform<aws.sfn.StateMachineArgs>;
    alias?: Transform<aws.sfn.AliasArgs>;
  };
}

/**
 * A Step Functions state machine built from an ASL file: the definition with its placeholders substituted and
 * checked, an execution role whose policy is derived least-privilege from the definition (plus log delivery
 * unless logging is OFF, X-Ray and KMS as configured: {@link executionServiceStatements}), a log group, and the state machine itself, which depends on the role policy so
 * that AWS can verify log delivery at creation.
 *
 * Children: `<name>-role` (aws.iam.Role), `<name>-role-policy` (aws.iam.RolePolicy), `<name>-logs`
 * (aws.cloudwatch.LogGroup), `<name>` (aws.sfn.StateMachine), `<name>-live` (aws.sfn.Alias); and, when the derived
 * statements outgrow the inline policy limit (10,240 characters per role), `<name>-policy-<n>` (aws.iam.Policy and
 * aws.iam.RolePolicyAttachment) holding them in parts of at most 6,144 characters.
 *
 * Versions: the state machine has `publish: true`, so every UpdateStateMachine `pulumi up` makes (a change of the
 * definition, the role ARN, logging, tracing or encryption) publishes a version, `versionArn`. A version snapshots
 * the definition and the role's ARN, not the role's policy: IAM evaluates the policy at each call, so a policy
 * change reaches every version at once and publishes none. The `live` alias ({@link LIVE_ALIAS}), which triggers and
 * invokers start, routes 100 % to `versionArn` when the rollout is `ALL_AT_ONCE`. For `CANARY` and `LINEAR` it
 * ignores changes to its `routingConfigurations`: created at 100 % on the first version, it then stays where
 * `npm run promote` put it, so a new version waits for the guarded rollout and the weights the rollout sets are
 * not undone, nor shown as a diff, by the next `pulumi up`. The alias is deleted and replaced with its state machine
 * (`deletedWith`): Step Functions deletes a state machine's aliases with it.
 *
 * Definition errors are raised by {@link definitionFromFile}, before this component or any other resource exists.
 * @see https://docs.aws.amazon.com/step-functions/latest/dg/concepts-standard-vs-express.html
 * @see https://www.pulumi.com/registry/packages/aws/api-docs/sfn/statemachine/
 */
export class Workflow extends pulumi.ComponentResource {
  /** The state machine's ARN. */
  readonly stateMachineArn: pulumi.Output<string>;
  /** The execution role's ARN. */
  readonly roleArn: pulumi.Output<string>;
  /** The log group's name. */
  readonly logGroupName: pulumi.Output<string>;
  /** The substituted definition, as deployed (JSON text). */
  readonly definition: pulumi.Output<string>;
  /** The execution role's policy, as deployed (JSON text). */
  readonly policy: pulumi.Output<string>;
  /** The `live` alias's ARN, `<state machine ARN>:live`: what triggers and invokers start. */
  readonly aliasArn: pulumi.Output<string>;
  /** The ARN of the version `pulumi up` published last, `<state machine ARN>:<n>` (the state machine's `stateMachineVersionArn`). */
  readonly versionArn: pulumi.Output<string>;
  readonly stateMachine: aws.sfn.StateMachine;
  readonly alias: aws.sfn.Alias;
  readonly role: aws.iam.Role;
  /** How many customer managed policies hold the derived statements: 0 when they fit the inline policy. */
  readonly managedPolicyCount: number;

  /**
   * @param name the workflow's logical name; children's names derive from it.
   * @param args see {@link WorkflowArgs}.
   * @param opts component resource options (provider, parent, …).
   */
  constructor(name: string, args: WorkflowArgs, opts?: pulumi.ComponentResourceOptions) {
    super("statecraft:index:Workflow", name, {}, opts);
    const type = args.type ?? "STANDARD";
    const level = type === "EXPRESS" ? "ALL" : args.logging.level;
    const stateMachineArn = buildArn(args.definition.context, "states", `stateMachine:${args.stateMachineName}`);

    const logGroup = new aws.cloudwatch.LogGroup(
      `${name}-logs`,
      transformed(args.transform?.logGroup, {
        name: args.logging.logGroupName,
        retentionInDays: args.logging.retentionInDays,
        kmsKeyId: args.kmsKeyArn,
      }),
      { parent: this },
    );

    this.role = new aws.iam.Role(
      `${name}-role`,
      transformed(args.transform?.role, {
        name: executionRoleName(args.stateMachineName),
        description: `Execution role of the ${args.stateMachineName} state machine, derived from its definition.`,
        assumeRolePolicy: JSON.stringify(stateMachineTrustPolicy(args.definition.context)),
      }),
      { parent: this },
    );

    // IAM caps a role's inline policies at 10,240 characters. Derived statements that leave too little room for
    // the service statements move to customer managed policies of at most 6,144 characters each (render checked
    // that they fit the role's quota of ten); the inline policy keeps logging, X-Ray, KMS and the additions.
    // The derived document is merged already (deriveExecutionPolicy): its size is what IAM counts.
    const derivedDocument = args.definition.rendered?.derivation.document;
    const managedDocuments = derivedDocument && policySize(derivedDocument) > INLINE_POLICY_LIMIT - SERVICE_STATEMENTS_ALLOWANCE ? splitStatements(derivedDocument.Statement) : [];
    // A definition rendered already (plain substitutions, the common case) needs no Output of its own: the policy
    // waits only for the key and the additions, the definition is a plain string. Each Output a resource waits on
    // is promises and stack captures inside Pulumi, so this keeps the plan close to a hand-written program's cost.
    const servicePolicy = (definitionStatements: PolicyStatement[], keyArn: string | undefined, extra: PolicyStatement[]) =>
      JSON.stringify(
        policyDocument([
          ...(managedDocuments.length ? [] : definitionStatements),
          ...extra,
          ...executionServiceStatements({ logging: level !== "OFF", tracing: args.tracing ?? false, keyArn, stateMachineArn }),
        ]),
      );
    const ready = args.definition.rendered;
    if (ready) {
      this.policy =
        args.additionalStatements === undefined
          ? pulumi.output(args.kmsKeyArn).apply((keyArn) => servicePolicy(ready.derivation.document.Statement, keyArn, []))
          : pulumi
              .all([args.kmsKeyArn, pulumi.output(args.additionalStatements)])
              .apply(([keyArn, extra]) => servicePolicy(ready.derivation.document.Statement, keyArn, extra as PolicyStatement[]));
    } else {
      this.policy = pulumi
        .all([renderedOutput(args.definition), args.kmsKeyArn, pulumi.output(args.additionalStatements ?? [])])
        .apply(([definition, keyArn, extra]) => servicePolicy(definition.derivation.document.Statement, keyArn, extra as PolicyStatement[]));
    }

    const rolePolicy = new aws.iam.RolePolicy(
      `${name}-role-policy`,
      transformed(args.transform?.rolePolicy, { name: "execution", role: this.role.id, policy: this.policy }),
      { parent: this },
    );
    const attachments = managedDocuments.map((document, i) => {
      const policy = new aws.iam.Policy(
        `${name}-policy-${i + 1}`,
        {
          name: `${args.stateMachineName}-execution-${i + 1}`,
          description: `Part ${i + 1} of ${managedDocuments.length} of the permissions derived from the ${args.stateMachineName} definition.`,
          policy: JSON.stringify(document),
        },
        { parent: this },
      );
      return new aws.iam.RolePolicyAttachment(`${name}-policy-${i + 1}`, { role: this.role.name, policyArn: policy.arn }, { parent: this });
    });
    this.managedPolicyCount = managedDocuments.length;

    const definitionText: pulumi.Input<string> = ready ? JSON.stringify(ready.definition) : renderedOutput(args.definition).apply((r) => JSON.stringify(r.definition));
    this.definition = pulumi.output(definitionText);
    this.stateMachine = new aws.sfn.StateMachine(
      name,
      transformed(args.transform?.stateMachine, {
        name: args.stateMachineName,
        type,
        publish: true,
        roleArn: this.role.arn,
        definition: definitionText,
        loggingConfiguration: {
          level,
          includeExecutionData: args.logging.includeExecutionData,
          logDestination: pulumi.interpolate`${logGroup.arn}:*`,
        },
        tracingConfiguration: { enabled: args.tracing ?? false },
        encryptionConfiguration: args.kmsKeyArn
          ? { type: "CUSTOMER_MANAGED_KMS_KEY", kmsKeyId: args.kmsKeyArn, kmsDataKeyReusePeriodSeconds: args.kmsDataKeyReusePeriodSeconds ?? 300 }
          : { type: "AWS_OWNED_KEY" },
      }),
      // AWS checks at creation that the role may deliver logs: the policy must exist first.
      { parent: this, dependsOn: [rolePolicy, ...attachments] },
    );

    this.versionArn = this.stateMachine.stateMachineVersionArn;
    const guarded = (args.rollout?.type ?? "ALL_AT_ONCE") !== "ALL_AT_ONCE";
    this.alias = new aws.sfn.Alias(
      `${name}-${LIVE_ALIAS}`,
      transformed(args.transform?.alias, {
        name: LIVE_ALIAS,
        description: `The version of ${args.stateMachineName} in service.`,
        routingConfigurations: [{ stateMachineVersionArn: this.versionArn, weight: 100 }],
      }),
      // ignoreChanges applies to updates only: at creation the alias routes 100 % to the first version.
      { parent: this, deletedWith: this.stateMachine, ...(guarded ? { ignoreChanges: ["routingConfigurations"] } : {}) },
    );

    this.stateMachineArn = this.stateMachine.arn;
    this.aliasArn = this.alias.arn;
    this.roleArn = this.role.arn;
    this.logGroupName = logGroup.name;
    this.registerOutputs({
      stateMachineArn: this.stateMachineArn,
      aliasArn: this.aliasArn,
      versionArn: this.versionArn,
      roleArn: this.roleArn,
      logGroupName: this.logGroupName,
      definition: this.definition,
      policy: this.policy,
    });
  }
}
