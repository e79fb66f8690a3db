import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { Naming } from "../naming";
import { TriggerOf, Trigger } from "../triggers/schema";
import { deadLetterQueuePolicy } from "../monitoring/alerts";
import { boundedName, ruleArn, s3ObjectCreatedPattern, scheduleGroupArn, startAction, triggerPolicy, triggerTrustPolicy } from "../triggers/roles";
import { HttpApi } from "./http-api";

/** Inputs of {@link WorkflowTriggers}. */
export interface WorkflowTriggersArgs {
  /** The workflow's logical name (`order-events`), for resource names. */
  workflow: string;
  /** Its triggers, from `statecraft:triggers`. */
  triggers: readonly Trigger[];
  naming: Naming;
  /** Standard or Express: an HTTP route's integration depends on it. */
  type: "STANDARD" | "EXPRESS";
  /** The unqualified state machine ARN, which IAM authorizes alias calls against. */
  stateMachineArn: pulumi.Input<string>;
  /** The alias the triggers start (`<stateMachineArn>:live`). */
  aliasArn: pulumi.Input<string>;
  /** The alias's name, for the roles' `states:StateMachineQualifier` condition. */
  alias: string;
  /** Retention of the HTTP APIs' access logs, in days. */
  logRetentionDays: number;
  /** The stack's key, for the HTTP APIs' access logs. */
  kmsKeyArn?: pulumi.Input<string>;
}

/** What one trigger deployed, for the stack's outputs and `npm run plan`. */
export interface DeployedTrigger {
  type: Trigger["type"];
  /** The role the trigger's service assumes to start the workflow. */
  roleArn: pulumi.Output<string>;
  /**
   * What the trigger's service presents as `aws:SourceArn` when it assumes the role: the schedule group (Scheduler),
   * the rule (EventBridge), the route's `execute-api` ARN (API Gateway).
   */
  sourceArn: pulumi.Output<string>;
  /** The schedule's own ARN, for a schedule. */
  scheduleArn?: pulumi.Output<string>;
  /** The HTTP route's URL, for an HTTP trigger. */
  url?: pulumi.Output<string>;
  /** The bucket whose object-created events start the workflow, for an S3 trigger. */
  bucket?: pulumi.Output<string>;
}

/**
 * What starts one workflow: per trigger of `statecraft:triggers`, its role (trusted by the trigger's service only,
 * with `aws:SourceAccount` and `aws:SourceArn`; allowed only to start the workflow's alias) and:
 *
 * - `schedule`: an EventBridge Scheduler schedule with its time zone, flexible window, input, retry policy and an
 *   SQS dead-letter queue (which the schedule's role may write to);
 * - `eventRule`: an EventBridge rule on the default or a custom bus, its target with the input transformer, retry
 *   policy and a dead-letter queue whose policy admits only that rule;
 * - `s3`: for `bucket: {create: true}`, the bucket (private, encrypted, EventBridge notifications on); for a bucket
 *   of the manifest, nothing (the Platform creates it); then a rule on the default bus for its `Object Created`
 *   events filtered by prefix and suffix, as for `eventRule`;
 * - `http`: an HTTP API (access logs, throttling) with one route and the first-class Step Functions integration
 *   (`StepFunctions-StartExecution`, or `StepFunctions-StartSyncExecution` for a synchronous Express route),
 *   authorized by IAM, a JWT authorizer, or explicitly by nobody.
 *
 * The triggers' plain parts (trust, permissions, patterns) are in `infra/triggers/roles.ts`.
 * @see https://docs.aws.amazon.com/step-functions/latest/dg/concepts-invoke-sfn.html
 * @see https://www.pulumi.com/registry/packages/aws/api-docs/scheduler/schedule/
 * @see https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-develop-integrations-aws-services-reference.html#StepFunctions-StartExecution
 */
export class WorkflowTriggers extends pulumi.ComponentResource {
  /** Trigger name → what it deployed. */
  readonly triggers: Record<string, DeployedTrigger>;

  constructor(name: string, args: WorkflowTriggersArgs, opts?: pulumi.ComponentResourceOptions) {
    super("statecraft:index:WorkflowTriggers", name, {}, opts);
    const child = { parent: this };
    const { naming } = args;
    const context = naming.context;
    this.triggers = {};

    for (const trigger of args.triggers) {
      const id = `${args.workflow}-${trigger.name}`;
      const physical = naming.physical(id);
      /** The role, its trust naming `sourceArn`, and its permission to start the alias. */
      const role = (sourceArn: pulumi.Input<string>, deadLetterQueueArn?: pulumi.Input<string>) => {
        const resource = new aws.iam.Role(
          `${id}-trigger`,
          {
            name: boundedName(`${physical}-trigger`),
            description: `Lets ${trigger.type === "schedule" ? "EventBridge Scheduler" : trigger.type === "http" ? "API Gateway" : "EventBridge"} start the ${args.alias} alias of ${naming.physical(args.workflow)} (trigger ${trigger.name}).`,
            assumeRolePolicy: pulumi.output(sourceArn).apply((arn) => JSON.stringify(triggerTrustPolicy(trigger, context, arn))),
          },
          child,
        );
        const policy = new aws.iam.RolePolicy(
          `${id}-trigger`,
          {
            name: "start-execution",
            role: resource.id,
            policy: pulumi.all([args.stateMachineArn, deadLetterQueueArn]).apply(([machine, queue]) => JSON.stringify(triggerPolicy(trigger, machine, args.alias, queue))),
          },
          child,
        );
        return { role: resource, policy };
      };
      /** An SQS queue for events that could not be delivered, encrypted with SQS-managed keys. */
      const deadLetterQueue = () =>
        new aws.sqs.Queue(`${id}-dlq`, { name: boundedName(`${physical}-dlq`, 80), sqsManagedSseEnabled: true, messageRetentionSeconds: 1_209_600 }, child);

      if (trigger.type === "schedule") {
        const queue = deadLetterQueue();
        const groupArn = scheduleGroupArn(context);
        const { role: scheduleRole, policy } = role(groupArn, queue.arn);
        const schedule = new aws.scheduler.Schedule(
          id,
          {
            name: boundedName(physical),
            groupName: "default",
            description: `Starts ${naming.physical(args.workflow)} (${trigger.expression}, ${trigger.timezone}).`,
            scheduleExpression: trigger.expression,
            scheduleExpressionTimezone: trigger.timezone,
            flexibleTimeWindow: trigger.flexibleWindowMinutes ? { mode: "FLEXIBLE", maximumWindowInMinutes: trigger.flexibleWindowMinutes } : { mode: "OFF" },
            target: {
              arn: args.aliasArn,
              roleArn: scheduleRole.arn,
              input: JSON.stringify(trigger.input),
              retryPolicy: { maximumRetryAttempts: trigger.retry.maximumAttempts, maximumEventAgeInSeconds: trigger.retry.maximumEventAgeSeconds },
              deadLetterConfig: { arn: queue.arn },
            },
          },
          // Scheduler checks the role when the schedule is created: its permissions must exist first.
          { ...child, dependsOn: [policy] },
        );
        this.triggers[trigger.name] = { type: trigger.type, roleArn: scheduleRole.arn, sourceArn: pulumi.output(groupArn), scheduleArn: schedule.arn };
        continue;
      }

      if (trigger.type === "eventRule" || trigger.type === "s3") {
        let bucketName: pulumi.Output<string> | undefined;
        let pattern: pulumi.Input<string>;
        if (trigger.type === "s3") {
          // A bucket of the manifest is the stack's own (the Platform creates it, notifications on): named, not created.
          bucketName =
            typeof trigger.bucket === "string" ? pulumi.output(naming.bucketName(trigger.bucket)) : "create" in trigger.bucket ? this.bucket(id, physical) : pulumi.output(trigger.bucket.name);
          pattern = bucketName.apply((bucket) => JSON.stringify(s3ObjectCreatedPattern(bucket, trigger)));
        } else {
          pattern = JSON.stringify(trigger.pattern);
        }
        const bus = trigger.type === "eventRule" ? trigger.bus : "default";
        const ruleName = boundedName(physical);
        const sourceArn = ruleArn(context, bus, ruleName);
        const { role: targetRole, policy } = role(sourceArn);
        const rule = new aws.cloudwatch.EventRule(
          id,
          { name: ruleName, eventBusName: bus, description: `Starts ${naming.physical(args.workflow)} (trigger ${trigger.name}).`, eventPattern: pattern },
          child,
        );
        const queue = deadLetterQueue();
        const queuePolicy = new aws.sqs.QueuePolicy(`${id}-dlq`, { queueUrl: queue.url, policy: queue.arn.apply((arn) => JSON.stringify(deadLetterQueuePolicy(arn, sourceArn))) }, child);
        const transformer = (trigger as TriggerOf<"eventRule"> | TriggerOf<"s3">).inputTransformer;
        new aws.cloudwatch.EventTarget(
          id,
          {
            rule: rule.name,
            eventBusName: bus,
            targetId: "start-execution",
            arn: args.aliasArn,
            roleArn: targetRole.arn,
            ...(transformer ? { inputTransformer: { inputPaths: transformer.inputPaths, inputTemplate: transformer.inputTemplate } } : {}),
            retryPolicy: { maximumRetryAttempts: trigger.retry.maximumAttempts, maximumEventAgeInSeconds: trigger.retry.maximumEventAgeSeconds },
            deadLetterConfig: { arn: queue.arn },
          },
          // Undeliverable events reach the queue only once its policy admits the rule.
          { ...child, dependsOn: [policy, queuePolicy] },
        );
        this.triggers[trigger.name] = { type: trigger.type, roleArn: targetRole.arn, sourceArn: rule.arn, ...(bucketName ? { bucket: bucketName } : {}) };
        continue;
      }

      // An HTTP route: its own API, so that its throttling and access logs are its own.
      const api = new HttpApi(
        id,
        {
          apiName: physical,
          description: `Starts ${naming.physical(args.workflow)} (${trigger.route}).`,
          logGroupName: `/aws/vendedlogs/apigateway/${naming.stack}-${id}`,
          logRetentionDays: args.logRetentionDays,
          kmsKeyArn: args.kmsKeyArn,
          throttling: trigger.throttling,
        },
        child,
      );
      const sourceArn = pulumi.interpolate`${api.executionArn}/*`;
      const { role: integrationRole, policy } = role(sourceArn);
      const integration = new aws.apigatewayv2.Integration(
        `${id}-integration`,
        {
          apiId: api.apiId,
          integrationType: "AWS_PROXY",
          integrationSubtype: startAction(trigger) === "states:StartSyncExecution" ? "StepFunctions-StartSyncExecution" : "StepFunctions-StartExecution",
          credentialsArn: integrationRole.arn,
          payloadFormatVersion: "1.0",
          requestParameters: { StateMachineArn: args.aliasArn, Input: "$request.body" },
        },
        { ...child, dependsOn: [policy] },
      );
      const authorization = trigger.authorization;
      const authorizer =
        authorization.type === "jwt"
          ? new aws.apigatewayv2.Authorizer(
              `${id}-jwt`,
              {
                apiId: api.apiId,
                name: boundedName(`${physical}-jwt`, 128),
                authorizerType: "JWT",
                identitySources: ["$request.header.Authorization"],
                jwtConfiguration: { issuer: authorization.issuer, audiences: authorization.audience },
              },
              child,
            )
          : undefined;
      new aws.apigatewayv2.Route(
        `${id}-route`,
        {
          apiId: api.apiId,
          routeKey: trigger.route,
          target: pulumi.interpolate`integrations/${integration.id}`,
          authorizationType: authorization.type === "iam" ? "AWS_IAM" : authorization.type === "jwt" ? "JWT" : "NONE",
          ...(authorizer ? { authorizerId: authorizer.id } : {}),
          ...(authorization.type === "jwt" && authorization.scopes.length > 0 ? { authorizationScopes: authorization.scopes } : {}),
        },
        child,
      );
      const [method, path] = trigger.route.split(" ");
      this.triggers[trigger.name] = {
        type: trigger.type,
        roleArn: integrationRole.arn,
        sourceArn: pulumi.interpolate`${api.executionArn}/$default/${method}${path}`,
        url: pulumi.interpolate`${api.apiEndpoint}${path}`,
      };
    }
    this.registerOutputs({ triggers: this.triggers });
  }

  /**
   * A bucket for an S3 trigger: private (all public access blocked), encrypted (SSE-S3), versioned, with
   * EventBridge notifications on so that its object-created events reach the default bus.
   * @returns the bucket's name.
   * @see https://docs.aws.amazon.com/AmazonS3/latest/userguide/enable-event-notifications-eventbridge.html
   */
  private bucket(id: string, physical: string): pulumi.Output<string> {
    const child = { parent: this };
    const bucket = new aws.s3.Bucket(`${id}-bucket`, { bucketPrefix: `${physical.slice(0, 36)}-` }, child);
    new aws.s3.BucketPublicAccessBlock(`${id}-bucket`, { bucket: bucket.id, blockPublicAcls: true, blockPublicPolicy: true, ignorePublicAcls: true, restrictPublicBuckets: true }, child);
    new aws.s3.BucketServerSideEncryptionConfiguration(`${id}-bucket`, { bucket: bucket.id, rules: [{ applyServerSideEncryptionByDefault: { sseAlgorithm: "AES256" } }] }, child);
    new aws.s3.BucketVersioning(`${id}-bucket`, { bucket: bucket.id, versioningConfiguration: { status: "Enabled" } }, child);
    new aws.s3.BucketNotification(`${id}-bucket`, { bucket: bucket.id, eventbridge: true }, child);
    return bucket.bucket;
  }
}
