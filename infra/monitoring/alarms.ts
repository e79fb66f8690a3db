import { ALARM_METRICS, AlarmMetric, AlarmsConfig, DEFAULT_ALARMS } from "./schema";

/**
 * The CloudWatch alarms every state machine gets, as plain values: four alarms on the `AWS/States` execution metrics
 * of one state machine, shaped by `statecraft:alarms` ({@link AlarmsConfig}), each notifying the stack's alerts topic
 * when it goes into ALARM and again when it returns to OK.
 * @see https://docs.aws.amazon.com/step-functions/latest/dg/procedure-cw-metrics.html
 * @see https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/API_PutMetricAlarm.html
 */

/** The CloudWatch namespace of Step Functions' metrics. */
export const STATES_NAMESPACE = "AWS/States";

/** CloudWatch's limit on an alarm name, in characters. */
export const ALARM_NAME_LIMIT = 255;

/** CloudWatch's limit on an alarm description, in characters. */
export const ALARM_DESCRIPTION_LIMIT = 1024;

/** One alarm, in the terms of `PutMetricAlarm` (and of `aws.cloudwatch.MetricAlarm`'s arguments). */
export interface AlarmSpec<A = string> {
  /** The metric the alarm watches, also the last part of its name. */
  metric: AlarmMetric;
  /** `<state machine name>-<metric>`, e.g. `statecraft-prod-credit-approval-ExecutionsFailed`. */
  alarmName: string;
  /** What the alarm means and what to do about it, at most 1,024 characters. */
  alarmDescription: string;
  namespace: typeof STATES_NAMESPACE;
  metricName: AlarmMetric;
  statistic: "Sum";
  /** The unqualified state machine ARN, or its alias's ARN for the alias's alarms. */
  dimensions: { StateMachineArn: A };
  comparisonOperator: "GreaterThanOrEqualToThreshold";
  /** The sum per period that breaches, from `thresholds.<metric>` (default 1). */
  threshold: number;
  /** The period, in seconds. */
  period: number;
  evaluationPeriods: number;
  /** Of the evaluation periods, how many must breach (`datapointsToAlarm`, default `evaluationPeriods`). */
  datapointsToAlarm: number;
  treatMissingData: AlarmsConfig["treatMissingData"];
  /** The alerts topic: notified on entering ALARM. */
  alarmActions: A[];
  /** The alerts topic: notified on returning to OK. */
  okActions: A[];
}

/** "at least 1 execution … was" / "at least 3 executions … were": the subject of a description. */
function atLeast(threshold: number, noun: string): { subject: string; was: string } {
  return threshold === 1 ? { subject: `at least 1 ${noun}`, was: "was" } : { subject: `at least ${threshold} ${noun}s`, was: "were" };
}

/** What an alarm of each metric means (for its threshold) and what the reader should do. */
const MEANING: Record<AlarmMetric, { what: (threshold: number) => string; todo: string }> = {
  ExecutionsFailed: {
    what: (threshold) => `${atLeast(threshold, "execution").subject} failed`,
    todo:
      "Open the state machine's failed executions in the Step Functions console, read the error and cause of the State that failed, " +
      "fix the input or the service it called, then redrive or restart them.",
  },
  ExecutionsTimedOut: {
    what: (threshold) => `${atLeast(threshold, "execution").subject} timed out (ran longer than the state machine's TimeoutSeconds)`,
    todo:
      "Find in each execution's history the State still running when it timed out (a Task waiting for a task token or a heartbeat, a Wait, a slow service); " +
      "unblock it or raise TimeoutSeconds, then restart the executions.",
  },
  ExecutionsAborted: {
    what: (threshold) => {
      const { subject, was } = atLeast(threshold, "execution");
      return `${subject} ${was} aborted (stopped by StopExecution)`;
    },
    todo: "Look up in CloudTrail who called StopExecution and why (an operator, a deployment, a parent execution); restart those that should have finished.",
  },
  ExecutionThrottled: {
    what: (threshold) => {
      const { subject, was } = atLeast(threshold, "state transition");
      return `${subject} of its executions ${was} throttled (StateEntered events and retries held back by the StateTransition quota)`;
    },
    todo:
      "Executions slow down rather than fail: lower the concurrency (fewer executions at once, a smaller Map MaxConcurrency, fewer tight Retry loops) " +
      "or ask for a higher StateTransition quota in Service Quotas.",
  },
};

/**
 * The name of one alarm of a state machine: `<state machine name>-<metric>`.
 * @param stateMachineName the state machine's physical name (`statecraft-<stack>-<workflow>`).
 * @param metric one of {@link ALARM_METRICS}.
 * @returns the alarm name.
 * @throws Error when the name exceeds CloudWatch's 255 characters (a state machine name has at most 80, so only a
 *   name that is not a state machine's can).
 * @see https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/API_PutMetricAlarm.html
 */
export function alarmName(stateMachineName: string, metric: AlarmMetric): string {
  const name = `${stateMachineName}-${metric}`;
  if (name.length > ALARM_NAME_LIMIT) {
    throw new Error(`alarm name ${name} is ${name.length} characters, longer than CloudWatch's ${ALARM_NAME_LIMIT}: use a shorter state machine name`);
  }
  return name;
}

/**
 * A period in words, for alarm descriptions: `10 seconds`, `1 minute`, `5 minutes`, `1 hour`.
 * @param seconds an alarm period: 10, 30 or a multiple of 60.
 * @returns the period in the largest whole unit.
 * @see https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/API_PutMetricAlarm.html
 */
export function periodInWords(seconds: number): string {
  const [amount, unit] = seconds % 3600 === 0 ? [seconds / 3600, "hour"] : seconds % 60 === 0 ? [seconds / 60, "minute"] : [seconds, "second"];
  return `${amount} ${unit}${amount === 1 ? "" : "s"}`;
}

/**
 * The four alarms of one state machine, one per metric of {@link ALARM_METRICS} (`ExecutionsFailed`,
 * `ExecutionsTimedOut`, `ExecutionsAborted`, `ExecutionThrottled`), each the `Sum` of the metric over the configured
 * period compared `GreaterThanOrEqualToThreshold` with its threshold, on the dimension `StateMachineArn` = the
 * unqualified state machine ARN, notifying the alerts topic on ALARM and on OK.
 *
 * ARNs pass through untouched, so they may be plain strings or Pulumi inputs (`A`).
 *
 * @param target the state machine's physical name (alarm names) and ARN (the dimension), and the alerts topic's ARN;
 *   with `alias`, the ARN is that alias's and the alarms are named `<state machine name>-<alias>-<metric>`: Step
 *   Functions keeps metrics of executions started through an alias or version under that qualified ARN, so the
 *   alias gets alarms of its own beside the unqualified machine's (an alarm with no data stays OK).
 * @param config `statecraft:alarms`, validated ({@link AlarmsConfig}): `periodSeconds` (seconds), `evaluationPeriods`,
 *   `datapointsToAlarm` (default `evaluationPeriods`), `thresholds` (per metric, default 1), `treatMissingData`.
 * @returns the four alarm specs, in the order of {@link ALARM_METRICS}.
 * @throws Error when an alarm name would exceed 255 characters, or `datapointsToAlarm` exceeds `evaluationPeriods`.
 * @see https://docs.aws.amazon.com/step-functions/latest/dg/procedure-cw-metrics.html
 * @see https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/AlarmThatSendsEmail.html
 * @see https://www.pulumi.com/registry/packages/aws/api-docs/cloudwatch/metricalarm/
 */
export function workflowAlarms<A = string>(
  target: { stateMachineName: string; stateMachineArn: A; alertsTopicArn: A; alias?: string },
  config: AlarmsConfig = DEFAULT_ALARMS,
): AlarmSpec<A>[] {
  const datapointsToAlarm = config.datapointsToAlarm ?? config.evaluationPeriods;
  if (datapointsToAlarm > config.evaluationPeriods) {
    throw new Error(`datapointsToAlarm (${datapointsToAlarm}) must be at most evaluationPeriods (${config.evaluationPeriods})`);
  }
  const window =
    config.evaluationPeriods === 1
      ? `in one period of ${periodInWords(config.periodSeconds)}`
      : `in ${datapointsToAlarm} of ${config.evaluationPeriods} consecutive periods of ${periodInWords(config.periodSeconds)}`;
  return ALARM_METRICS.map((metric) => {
    const threshold = config.thresholds[metric] ?? 1;
    const subject = target.alias ? `${target.stateMachineName} (executions started through its ${target.alias} alias)` : target.stateMachineName;
    const alarmDescription = `${subject}: ${MEANING[metric].what(threshold)} ${window}. ${MEANING[metric].todo}`.slice(0, ALARM_DESCRIPTION_LIMIT);
    return {
      metric,
      alarmName: alarmName(target.alias ? `${target.stateMachineName}-${target.alias}` : target.stateMachineName, metric),
      alarmDescription,
      namespace: STATES_NAMESPACE,
      metricName: metric,
      statistic: "Sum",
      dimensions: { StateMachineArn: target.stateMachineArn },
      comparisonOperator: "GreaterThanOrEqualToThreshold",
      threshold,
      period: config.periodSeconds,
      evaluationPeriods: config.evaluationPeriods,
      datapointsToAlarm,
      treatMissingData: config.treatMissingData,
      alarmActions: [target.alertsTopicArn],
      okActions: [target.alertsTopicArn],
    };
  });
}
