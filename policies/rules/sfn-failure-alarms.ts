import { PolicyResource, StackValidationPolicy } from "@pulumi/policy";
import { ConfigSchema, configOf, defaultsOf } from "../lib";
import { METRIC_ALARM, STATE_MACHINE, StackIndex, stateMachineArnOf } from "../stack";

/**
 * The `AWS/States` execution metrics a state machine may have an alarm on: the list of `ALARM_METRICS` in
 * `infra/monitoring/schema.ts`, written again here because the pack loads no package beyond its own (zod).
 * @see https://docs.aws.amazon.com/step-functions/latest/dg/procedure-cw-metrics.html#cloudwatch-step-functions-execution-metrics
 */
export const EXECUTION_ALARM_METRICS = ["ExecutionsFailed", "ExecutionsTimedOut", "ExecutionsAborted", "ExecutionThrottled"] as const;

/** Configuration of {@link sfnFailureAlarms}. */
export interface SfnFailureAlarmsConfig {
  /** The metrics every state machine needs an alarm on; always includes ExecutionsFailed. @default ["ExecutionsFailed"] */
  requiredMetrics: (typeof EXECUTION_ALARM_METRICS)[number][];
}

const SCHEMA: ConfigSchema<SfnFailureAlarmsConfig> = {
  properties: {
    requiredMetrics: {
      type: "array",
      items: { type: "string", enum: [...EXECUTION_ALARM_METRICS] },
      contains: { const: "ExecutionsFailed" },
      uniqueItems: true,
      default: ["ExecutionsFailed"],
    },
  },
};

/** One metric an alarm watches: its own, or one of its metric queries'. */
interface WatchedMetric {
  namespace?: string;
  metricName?: string;
  dimensions?: Record<string, unknown>;
}

/**
 * Checks whether every state machine has a CloudWatch alarm on each required `AWS/States` metric (always
 * `ExecutionsFailed`; `ExecutionsTimedOut`, `ExecutionsAborted` and `ExecutionThrottled` where configured) with
 * the dimension `StateMachineArn` set to the machine's ARN, and whether each such alarm notifies someone: at least
 * one `alarmActions` entry, with `actionsEnabled` not false. A failed execution otherwise goes unnoticed until
 * somebody reads the console.
 *
 * The machine's ARN is its `arn` output, or is built from its `name` and the Region and account of its log
 * destination. An alarm's metric is its `namespace`, `metricName` and `dimensions`, or those of a
 * `metricQueries[].metric`.
 *
 * @see https://docs.aws.amazon.com/step-functions/latest/dg/procedure-cw-metrics.html#cloudwatch-step-functions-execution-metrics
 * @see https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/AlarmThatSendsEmail.html
 */
export const sfnFailureAlarms: StackValidationPolicy = {
  name: "sfn-failure-alarms",
  description: "Checks whether every state machine has a CloudWatch alarm with an alarm action on ExecutionsFailed, and on each other required AWS/States execution metric, for its ARN.",
  severity: "medium",
  remediationSteps:
    "Add an aws.cloudwatch.MetricAlarm per required metric: namespace AWS/States, metricName ExecutionsFailed (and the others configured), dimensions { StateMachineArn: <the machine's ARN> }, alarmActions [<the alerts topic ARN>].",
  url: "https://docs.aws.amazon.com/step-functions/latest/dg/procedure-cw-metrics.html",
  configSchema: SCHEMA,
  validateStack: (args, report) => {
    const config = configOf(args.getConfig<Partial<SfnFailureAlarmsConfig>>(), defaultsOf(SCHEMA));
    const required = EXECUTION_ALARM_METRICS.filter((metric) => metric === "ExecutionsFailed" || config.requiredMetrics.includes(metric));
    const index = new StackIndex(args.resources);
    const alarms = index.ofType(METRIC_ALARM).map((alarm) => ({ alarm, metrics: watchedMetrics(alarm) }));
    for (const machine of index.ofType(STATE_MACHINE)) {
      const name = (machine.props.name as string | undefined) ?? machine.name;
      const arn = stateMachineArnOf(machine);
      if (!arn) {
        report(`Set the arn or loggingConfiguration.logDestination of state machine ${name}: its ARN is needed to find its alarms.`, machine.urn);
        continue;
      }
      const missing: (typeof EXECUTION_ALARM_METRICS)[number][] = [];
      for (const metric of required) {
        const watching = alarms.filter(({ metrics }) => metrics.some((m) => m.namespace === "AWS/States" && m.metricName === metric && m.dimensions?.StateMachineArn === arn)).map(({ alarm }) => alarm);
        if (!watching.length) missing.push(metric);
        else if (!watching.some(notifies)) {
          const names = watching.map((alarm) => (alarm.props.name as string | undefined) ?? alarm.name).join(", ");
          report(`Add the alerts topic to alarmActions of alarm ${names} (${metric} of state machine ${name}), and leave actionsEnabled on: the alarm notifies nobody.`, watching[0].urn);
        }
      }
      if (missing.length) {
        report(`Add a CloudWatch alarm on AWS/States ${missing.join(", ")} with dimensions { StateMachineArn: ${arn} } and an alarm action for state machine ${name}: its ${missing.map(describe).join(", ")} go unnoticed.`, machine.urn);
      }
    }
  },
};

/** Whether an alarm notifies someone: an alarm action, and actions not disabled. */
function notifies(alarm: PolicyResource): boolean {
  const actions = alarm.props.alarmActions as unknown[] | undefined;
  return alarm.props.actionsEnabled !== false && Array.isArray(actions) && actions.length > 0;
}

/** The metrics an alarm watches: its own namespace, metric name and dimensions, and each metric query's metric. */
function watchedMetrics(alarm: PolicyResource): WatchedMetric[] {
  const queries = (alarm.props.metricQueries as { metric?: WatchedMetric }[] | undefined) ?? [];
  return [alarm.props as WatchedMetric, ...queries.flatMap((query) => (query.metric ? [query.metric] : []))];
}

/** What a metric counts, for messages. */
function describe(metric: (typeof EXECUTION_ALARM_METRICS)[number]): string {
  return { ExecutionsFailed: "failed executions", ExecutionsTimedOut: "timed-out executions", ExecutionsAborted: "aborted executions", ExecutionThrottled: "throttled executions" }[metric];
}
