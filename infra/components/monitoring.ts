import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { createHash } from "node:crypto";
import { workflowAlarms } from "../monitoring/alarms";
import { alertsTopicPolicy, deadLetterQueuePolicy, monitoringNames } from "../monitoring/alerts";
import { workflowsDashboardBody } from "../monitoring/dashboard";
import { AlarmsConfig, AlertSubscriber } from "../monitoring/schema";
import { stackStateMachineArnPrefix, statusChangeInputTransformer, statusChangePattern } from "../monitoring/status-change";
import { Naming } from "../naming";
import { Transform, transformed } from "./transform";

/** A state machine the {@link Monitoring} watches. */
export interface MonitoredWorkflow {
  /** The unqualified state machine ARN: the alarms' dimension, the rule's filter, the dashboard's metrics. */
  stateMachineArn: pulumi.Input<string>;
  /** Its alias (`live`) that triggers and consumers start: it gets the same four alarms on its own ARN. */
  alias?: { name: string; arn: pulumi.Input<string> };
  /**
   * The state machine's physical name, `statecraft-<stack>-<workflow>` (`naming.physical(workflow)`): the alarms are
   * named `<name>-<metric>`, and the topic and key policies admit only alarms named `statecraft-<stack>-*`.
   */
  stateMachineName: string;
  /**
   * The workflow type. Express workflows emit no status-change events, so they are left out of the rule: their
   * failures are alerted by their alarms only.
   * @default "STANDARD"
   * @see https://docs.aws.amazon.com/step-functions/latest/dg/cw-events.html
   */
  type?: "STANDARD" | "EXPRESS";
}

/** Arguments of a {@link Monitoring}. */
export interface MonitoringArgs {
  /**
   * The stack's naming: physical names (`naming.physical(...)`), the partition, Region and account
   * (`naming.context`) the ARNs, policies and console links are built in.
   */
  naming: Naming;
  /** The workflows to watch, by logical name (the key names the alarms' and dashboard rows' logical names). */
  workflows: Record<string, MonitoredWorkflow>;
  /**
   * `statecraft:alarms`, validated: period (seconds), evaluation periods, datapoints to alarm, threshold per metric
   * and how missing data counts, the same for every workflow.
   * @see https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/AlarmThatSendsEmail.html
   */
  alarms: AlarmsConfig;
  /**
   * `statecraft:alerts`, validated: one SNS subscription each (an e-mail address confirms through the link SNS mails
   * it; an HTTPS endpoint must answer SNS's SubscriptionConfirmation). Empty: the topic exists with no subscriber.
   * @see https://docs.aws.amazon.com/sns/latest/dg/sns-create-subscribe-endpoint-to-topic.html
   */
  alerts: readonly AlertSubscriber[];
  /**
   * The customer-managed KMS key encrypting the alerts topic (`kmsMasterKeyId`). Its key policy must hold
   * `monitoringKeyStatements(naming.context, monitoringNames(naming))` (`platformKeyPolicy`'s `monitoringStatements`),
   * or CloudWatch and EventBridge cannot publish and every alert is lost. Not `alias/aws/sns`, whose key policy
   * cannot name them.
   * @default the topic is not encrypted with KMS
   * @see https://docs.aws.amazon.com/sns/latest/dg/sns-key-management.html#compatibility-with-aws-services
   */
  kmsKeyArn?: pulumi.Input<string>;
  /** Escape hatches: adjust any child's arguments before it is registered. */
  transform?: {
    topic?: Transform<aws.sns.TopicArgs>;
    topicPolicy?: Transform<aws.sns.TopicPolicyArgs>;
    subscription?: Transform<aws.sns.TopicSubscriptionArgs>;
    alarm?: Transform<aws.cloudwatch.MetricAlarmArgs>;
    rule?: Transform<aws.cloudwatch.EventRuleArgs>;
    target?: Transform<aws.cloudwatch.EventTargetArgs>;
    deadLetterQueue?: Transform<aws.sqs.QueueArgs>;
    deadLetterQueuePolicy?: Transform<aws.sqs.QueuePolicyArgs>;
    dashboard?: Transform<aws.cloudwatch.DashboardArgs>;
  };
}

/**
 * How long EventBridge keeps retrying an alert SNS refused, in seconds, and how many times: its maximums (also its
 * defaults), so an alert outlives a passing outage; what still fails goes to the dead-letter queue.
 * @see https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-rule-dlq.html
 */
export const ALERT_RETRY_POLICY = { maximumEventAgeInSeconds: 86_400, maximumRetryAttempts: 185 } as const;

/** How long the dead-letter queue keeps an undelivered alert, in seconds: SQS's maximum, 14 days. */
export const DEAD_LETTER_RETENTION_SECONDS = 1_209_600;

/**
 * The stack's failure alarms and notifications:
 *
 * - the alerts SNS topic `statecraft-<stack>-alerts` (encrypted with `kmsKeyArn` when given), its topic policy
 *   (`alertsTopicPolicy`: this stack's alarms and its status-change rule may publish, nothing else), and one
 *   subscription per `statecraft:alerts` subscriber;
 * - per workflow, four CloudWatch alarms `<state machine name>-<metric>` on `AWS/States` `ExecutionsFailed`,
 *   `ExecutionsTimedOut`, `ExecutionsAborted` and `ExecutionThrottled` (`workflowAlarms`), notifying the topic on
 *   ALARM and on OK;
 * - the EventBridge rule `statecraft-<stack>-execution-alerts` on the default bus, matching a FAILED, TIMED_OUT or
 *   ABORTED execution of the stack's Standard state machines (`statusChangePattern`), and its target, the topic, with
 *   an input transformer writing a plain-text message (`statusChangeInputTransformer`), a retry policy and a
 *   dead-letter queue `statecraft-<stack>-execution-alerts-dlq` (SSE-SQS, kept 14 days) that only the rule may send
 *   to;
 * - the CloudWatch dashboard `statecraft-<stack>-workflows`, a row per workflow (`workflowsDashboardBody`).
 *
 * Children, named from the component's name: `<name>-alerts` (aws.sns.Topic), `<name>-alerts-policy`
 * (aws.sns.TopicPolicy), `<name>-alert-<hash of protocol and endpoint>` (aws.sns.TopicSubscription, so reordering
 * subscribers replaces none), `<name>-<workflow>-<metric>` (aws.cloudwatch.MetricAlarm), `<name>-execution-alerts`
 * (aws.cloudwatch.EventRule and aws.cloudwatch.EventTarget), `<name>-execution-alerts-dlq` (aws.sqs.Queue),
 * `<name>-execution-alerts-dlq-policy` (aws.sqs.QueuePolicy), `<name>-dashboard` (aws.cloudwatch.Dashboard).
 *
 * @see https://docs.aws.amazon.com/step-functions/latest/dg/procedure-cw-metrics.html
 * @see https://docs.aws.amazon.com/step-functions/latest/dg/cw-events.html
 * @see https://docs.aws.amazon.com/sns/latest/dg/sns-key-management.html#compatibility-with-aws-services
 * @see https://www.pulumi.com/registry/packages/aws/api-docs/cloudwatch/metricalarm/
 * @see https://www.pulumi.com/registry/packages/aws/api-docs/cloudwatch/eventrule/
 * @see https://www.pulumi.com/registry/packages/aws/api-docs/cloudwatch/eventtarget/
 * @see https://www.pulumi.com/registry/packages/aws/api-docs/cloudwatch/dashboard/
 * @see https://www.pulumi.com/registry/packages/aws/api-docs/sns/topicpolicy/
 */
export class Monitoring extends pulumi.ComponentResource {
  /** The alerts topic's ARN. */
  readonly alertsTopicArn: pulumi.Output<string>;
  /** The alarm names of each workflow, by the workflow's logical name, in the order of `ALARM_METRICS`. */
  readonly alarmNames: Record<string, string[]>;
  /** The status-change rule's ARN. */
  readonly ruleArn: pulumi.Output<string>;
  /** The dead-letter queue's ARN: alerts EventBridge could not deliver. */
  readonly deadLetterQueueArn: pulumi.Output<string>;
  /** The dashboard's name. */
  readonly dashboardName: pulumi.Output<string>;

  /**
   * @param name the component's logical name; children's names derive from it.
   * @param args see {@link MonitoringArgs}.
   * @param opts component resource options.
   * @throws Error when no workflow is given, when a state machine name does not start with `statecraft-<stack>-`
   *   (its alarms could not publish), or when the stack name makes the rule name too long.
   */
  constructor(name: string, args: MonitoringArgs, opts?: pulumi.ComponentResourceOptions) {
    super("statecraft:index:Monitoring", name, {}, opts);
    const { naming, transform = {} } = args;
    const { context } = naming;
    const child = { parent: this };
    const names = monitoringNames(naming);
    const workflows = Object.entries(args.workflows);
    if (workflows.length === 0) throw new Error("Monitoring: no workflow to watch");
    for (const [workflow, { stateMachineName }] of workflows) {
      if (!stateMachineName.startsWith(names.alarmNamePrefix)) {
        throw new Error(
          `Monitoring: the state machine ${stateMachineName} of ${workflow} does not start with ${names.alarmNamePrefix}: its alarms would be named outside ${names.alarmArnPattern}, which the alerts topic and key admit, and their notifications would be refused`,
        );
      }
    }

    const topic = new aws.sns.Topic(
      `${name}-alerts`,
      transformed(transform.topic, { name: names.alertsTopicName, displayName: `${naming.project} ${naming.stack} alerts`, kmsMasterKeyId: args.kmsKeyArn }),
      child,
    );

    const rule = new aws.cloudwatch.EventRule(
      `${name}-execution-alerts`,
      transformed(transform.rule, {
        name: names.statusChangeRuleName,
        description: `Failed, timed-out and aborted executions of the ${naming.stack} stack's Standard state machines, to the alerts topic.`,
        eventPattern: pulumi
          .all(workflows.filter(([, w]) => (w.type ?? "STANDARD") === "STANDARD").map(([, w]) => w.stateMachineArn))
          .apply((arns) => JSON.stringify(statusChangePattern(arns, stackStateMachineArnPrefix(context, names.alarmNamePrefix)))),
      }),
      child,
    );

    new aws.sns.TopicPolicy(
      `${name}-alerts-policy`,
      transformed(transform.topicPolicy, {
        arn: topic.arn,
        policy: pulumi.all([topic.arn, rule.arn]).apply(([alertsTopicArn, statusChangeRuleArn]) =>
          JSON.stringify(alertsTopicPolicy(context, { alertsTopicArn, statusChangeRuleArn, alarmArnPattern: names.alarmArnPattern })),
        ),
      }),
      child,
    );

    const seen = new Set<string>();
    for (const subscriber of args.alerts) {
      const id = createHash("sha256").update(`${subscriber.protocol}:${subscriber.endpoint}`).digest("hex").slice(0, 8);
      if (seen.has(id)) continue;
      seen.add(id);
      new aws.sns.TopicSubscription(
        `${name}-alert-${id}`,
        transformed(transform.subscription, { topic: topic.arn, protocol: subscriber.protocol, endpoint: subscriber.endpoint }),
        child,
      );
    }

    this.alarmNames = {};
    for (const [workflow, machine] of workflows) {
      const specs = [
        ...workflowAlarms({ stateMachineName: machine.stateMachineName, stateMachineArn: machine.stateMachineArn, alertsTopicArn: topic.arn }, args.alarms),
        ...(machine.alias ? workflowAlarms({ stateMachineName: machine.stateMachineName, stateMachineArn: machine.alias.arn, alertsTopicArn: topic.arn, alias: machine.alias.name }, args.alarms) : []),
      ];
      this.alarmNames[workflow] = specs.map((spec) => spec.alarmName);
      for (const spec of specs) {
        new aws.cloudwatch.MetricAlarm(
          `${name}-${workflow}-${spec.alarmName.slice(machine.stateMachineName.length + 1)}`,
          transformed(transform.alarm, {
            name: spec.alarmName,
            alarmDescription: spec.alarmDescription,
            namespace: spec.namespace,
            metricName: spec.metricName,
            statistic: spec.statistic,
            dimensions: spec.dimensions,
            comparisonOperator: spec.comparisonOperator,
            threshold: spec.threshold,
            period: spec.period,
            evaluationPeriods: spec.evaluationPeriods,
            datapointsToAlarm: spec.datapointsToAlarm,
            treatMissingData: spec.treatMissingData,
            actionsEnabled: true,
            alarmActions: spec.alarmActions,
            okActions: spec.okActions,
          }),
          child,
        );
      }
    }

    const deadLetterQueue = new aws.sqs.Queue(
      `${name}-execution-alerts-dlq`,
      transformed(transform.deadLetterQueue, { name: names.deadLetterQueueName, sqsManagedSseEnabled: true, messageRetentionSeconds: DEAD_LETTER_RETENTION_SECONDS }),
      child,
    );
    const deadLetterQueuePolicyResource = new aws.sqs.QueuePolicy(
      `${name}-execution-alerts-dlq-policy`,
      transformed(transform.deadLetterQueuePolicy, {
        queueUrl: deadLetterQueue.url,
        policy: pulumi.all([deadLetterQueue.arn, rule.arn]).apply(([queueArn, ruleArn]) => JSON.stringify(deadLetterQueuePolicy(queueArn, ruleArn))),
      }),
      child,
    );
    const transformer = statusChangeInputTransformer(context);
    new aws.cloudwatch.EventTarget(
      `${name}-execution-alerts`,
      transformed(transform.target, {
        rule: rule.name,
        targetId: "alerts-topic",
        arn: topic.arn,
        inputTransformer: { inputPaths: transformer.inputPaths, inputTemplate: transformer.inputTemplate },
        retryPolicy: { ...ALERT_RETRY_POLICY },
        deadLetterConfig: { arn: deadLetterQueue.arn },
      }),
      // The queue must admit the rule before the first undeliverable alert.
      { ...child, dependsOn: [deadLetterQueuePolicyResource] },
    );

    const dashboard = new aws.cloudwatch.Dashboard(
      `${name}-dashboard`,
      transformed(transform.dashboard, {
        dashboardName: names.dashboardName,
        dashboardBody: pulumi
          .all(workflows.map(([, w]) => w.stateMachineArn))
          .apply((arns) => JSON.stringify(workflowsDashboardBody(context.region, workflows.map(([workflow], i) => ({ workflow, stateMachineArn: arns[i] }))))),
      }),
      child,
    );

    this.alertsTopicArn = topic.arn;
    this.ruleArn = rule.arn;
    this.deadLetterQueueArn = deadLetterQueue.arn;
    this.dashboardName = dashboard.dashboardName;
    this.registerOutputs({
      alertsTopicArn: this.alertsTopicArn,
      alarmNames: this.alarmNames,
      ruleArn: this.ruleArn,
      deadLetterQueueArn: this.deadLetterQueueArn,
      dashboardName: this.dashboardName,
    });
  }
}
