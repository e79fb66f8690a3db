import { STATES_NAMESPACE } from "./alarms";

/**
 * The stack's CloudWatch dashboard, as a plain value: one row per workflow with its execution counts and times.
 * @see https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/CloudWatch-Dashboard-Body-Structure.html
 * @see https://docs.aws.amazon.com/step-functions/latest/dg/procedure-cw-metrics.html
 */

/** One workflow on the dashboard. */
export interface DashboardWorkflow {
  /** The workflow's logical name, e.g. `credit-approval`: the row's titles. */
  workflow: string;
  /** The unqualified state machine ARN: the metrics' `StateMachineArn` dimension. */
  stateMachineArn: string;
}

/** A metric of a widget: namespace, metric name, dimension name and value, then rendering options. */
export type DashboardMetric = [string, string, string, string, { stat: string; label: string }];

/** A `metric` widget of a dashboard body. */
export interface MetricWidget {
  type: "metric";
  x: number;
  y: number;
  width: number;
  height: number;
  properties: {
    title: string;
    region: string;
    view: "timeSeries";
    stacked: false;
    /** Seconds per data point. */
    period: number;
    metrics: DashboardMetric[];
    yAxis: { left: { min: 0; label: string } };
  };
}

/** A dashboard body (`aws.cloudwatch.Dashboard`'s `dashboardBody`, once serialized). */
export interface DashboardBody {
  widgets: MetricWidget[];
}

/** The dashboard grid's width, in columns. */
export const GRID_WIDTH = 24;
/** CloudWatch's limit on widgets per dashboard. */
export const WIDGET_LIMIT = 500;

/** The widgets of a row: title suffix, y-axis label, and the metrics with their statistics. */
const ROW: { title: string; label: string; metrics: [string, string][] }[] = [
  { title: "ExecutionsStarted", label: "executions", metrics: [["ExecutionsStarted", "Sum"]] },
  { title: "ExecutionsSucceeded", label: "executions", metrics: [["ExecutionsSucceeded", "Sum"]] },
  { title: "ExecutionsFailed", label: "executions", metrics: [["ExecutionsFailed", "Sum"]] },
  { title: "ExecutionTime p50 and p99", label: "milliseconds", metrics: [["ExecutionTime", "p50"], ["ExecutionTime", "p99"]] },
];

/**
 * The dashboard body: per workflow (in the order given), a row of four `metric` widgets, six units high and six
 * wide, on the `AWS/States` metrics of its state machine in the stack's Region: `ExecutionsStarted`,
 * `ExecutionsSucceeded` and `ExecutionsFailed` (`Sum` per period), and `ExecutionTime` (milliseconds) at `p50` and
 * `p99`.
 * @param region the stack's Region (a widget shows metrics of one Region).
 * @param workflows the workflows, one row each.
 * @param periodSeconds seconds per data point. @default 300
 * @returns the body, to serialize with `JSON.stringify`.
 * @throws Error when the widgets would exceed CloudWatch's 500 per dashboard (more than 125 workflows).
 * @see https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/CloudWatch-Dashboard-Body-Structure.html#CloudWatch-Dashboard-Properties-Metric-Widget-Object
 * @see https://www.pulumi.com/registry/packages/aws/api-docs/cloudwatch/dashboard/
 */
export function workflowsDashboardBody(region: string, workflows: readonly DashboardWorkflow[], periodSeconds = 300): DashboardBody {
  const width = GRID_WIDTH / ROW.length;
  const height = 6;
  const widgets = workflows.flatMap(({ workflow, stateMachineArn }, row) =>
    ROW.map(
      (widget, column): MetricWidget => ({
        type: "metric",
        x: column * width,
        y: row * height,
        width,
        height,
        properties: {
          title: `${workflow}: ${widget.title}`,
          region,
          view: "timeSeries",
          stacked: false,
          period: periodSeconds,
          metrics: widget.metrics.map(([metric, stat]): DashboardMetric => [STATES_NAMESPACE, metric, "StateMachineArn", stateMachineArn, { stat, label: stat === "Sum" ? metric : `${metric} ${stat}` }]),
          yAxis: { left: { min: 0, label: widget.label } },
        },
      }),
    ),
  );
  if (widgets.length > WIDGET_LIMIT) throw new Error(`the dashboard would have ${widgets.length} widgets, more than CloudWatch's ${WIDGET_LIMIT}`);
  return { widgets };
}
