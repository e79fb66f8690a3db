import { ArnContext, buildArn } from "../iam/arn";

/**
 * The EventBridge rule that turns a failed, timed-out or aborted execution into a readable alert, as plain values:
 * its event pattern on Step Functions' "Execution Status Change" events and the input transformer that writes the
 * SNS message.
 *
 * Only Standard workflows emit these events: "Express Workflows do not emit events to EventBridge" (the Step
 * Functions guide); an Express workflow's failures reach the alerts topic through its alarms only.
 * @see https://docs.aws.amazon.com/step-functions/latest/dg/cw-events.html
 * @see https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-transform-target-input.html
 */

/** The `source` of Step Functions' events. */
export const STATUS_CHANGE_SOURCE = "aws.states";

/** The `detail-type` of an execution's status change. */
export const STATUS_CHANGE_DETAIL_TYPE = "Step Functions Execution Status Change";

/** The statuses the rule alerts on: every end of an execution other than SUCCEEDED. */
export const FAILURE_STATUSES = ["FAILED", "TIMED_OUT", "ABORTED"] as const;

/**
 * EventBridge's default quota on an event pattern, in characters (adjustable to 4,096): past it the rule falls back
 * to the stack-wide prefix.
 * @see https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-quota.html
 */
export const EVENT_PATTERN_LIMIT = 2048;

/** An EventBridge content filter on a string: the value itself, or a `prefix` match. */
export type StringFilter = string | { prefix: string };

/** The rule's event pattern. */
export interface StatusChangePattern {
  source: [typeof STATUS_CHANGE_SOURCE];
  "detail-type": [typeof STATUS_CHANGE_DETAIL_TYPE];
  detail: {
    status: string[];
    stateMachineArn: StringFilter[];
  };
}

/**
 * The prefix every state machine ARN of a stack starts with: `arn:<partition>:states:<region>:<account>:stateMachine:`
 * followed by the stack's name prefix (`statecraft-<stack>-`).
 * @param context the stack's partition, Region and account.
 * @param namePrefix the stack's physical-name prefix, `Naming.physical("")`.
 * @returns the ARN prefix.
 * @see https://docs.aws.amazon.com/service-authorization/latest/reference/list_awsstepfunctions.html#awsstepfunctions-resources-for-iam-policies
 */
export function stackStateMachineArnPrefix(context: ArnContext, namePrefix: string): string {
  return buildArn(context, "states", `stateMachine:${namePrefix}`);
}

/**
 * The event pattern of the status-change rule: `source` `aws.states`, `detail-type` "Step Functions Execution Status
 * Change", `detail.status` FAILED, TIMED_OUT or ABORTED, and `detail.stateMachineArn` one of the stack's state
 * machines.
 *
 * Each machine is matched by its ARN and by the prefix `<ARN>:`. The event's `detail` is what DescribeExecution
 * returns, whose `stateMachineArn` is the unqualified ARN even for an execution started through an alias or a version
 * (those come as `stateMachineAliasArn` / `stateMachineVersionArn` beside it); the prefix also matches a qualified
 * ARN (`…:stateMachine:<name>:<alias or version>`), so the rule holds whichever form the event carries, and never
 * matches another machine whose name merely starts with this one's (the colon ends the name).
 *
 * When that explicit list would make the pattern longer than EventBridge's default 2,048 characters, or is empty (a
 * stack of Express workflows only), the pattern matches `stackPrefix` instead (every ARN starting
 * `…:stateMachine:statecraft-<stack>-`), which also covers every version and alias, at the price of matching a stack
 * whose name extends this one's after a dash.
 *
 * @param stateMachineArns the unqualified ARNs of the stack's Standard state machines.
 * @param stackPrefix the stack's ARN prefix ({@link stackStateMachineArnPrefix}), for the fallback.
 * @returns the pattern, to serialize with `JSON.stringify`.
 * @throws Error when the explicit list is empty or too long and no `stackPrefix` is given.
 * @see https://docs.aws.amazon.com/step-functions/latest/dg/cw-events.html
 * @see https://docs.aws.amazon.com/step-functions/latest/dg/execution-alias-version-associate.html
 * @see https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-create-pattern-operators.html#eb-filtering-prefix-matching
 */
export function statusChangePattern(stateMachineArns: readonly string[], stackPrefix?: string): StatusChangePattern {
  if (stateMachineArns.length === 0 && stackPrefix === undefined) throw new Error("statusChangePattern: no state machine to watch, and no stack prefix");
  const explicit = [...new Set(stateMachineArns)].sort().flatMap((arn): StringFilter[] => [arn, { prefix: `${arn}:` }]);
  const pattern = (stateMachineArn: StringFilter[]): StatusChangePattern => ({
    source: [STATUS_CHANGE_SOURCE],
    "detail-type": [STATUS_CHANGE_DETAIL_TYPE],
    detail: { status: [...FAILURE_STATUSES], stateMachineArn },
  });
  const full = pattern(explicit);
  if (explicit.length > 0 && JSON.stringify(full).length <= EVENT_PATTERN_LIMIT) return full;
  if (stackPrefix === undefined) {
    throw new Error(`the status-change pattern for ${stateMachineArns.length} state machines is ${JSON.stringify(full).length} characters, past EventBridge's ${EVENT_PATTERN_LIMIT}: pass the stack's ARN prefix`);
  }
  return pattern([{ prefix: stackPrefix }]);
}

/** The input transformer of the rule's target, in `aws.cloudwatch.EventTarget`'s terms. */
export interface InputTransformer {
  /** Variable name → JSON path into the event (dot notation only, at most 100). */
  inputPaths: Record<string, string>;
  /** The text SNS receives, with `<variable>` placeholders. */
  inputTemplate: string;
}

/** EventBridge's limit on an input template, in characters. */
export const INPUT_TEMPLATE_LIMIT = 8192;

/** The variables of the message and where in the event each comes from. */
export const STATUS_CHANGE_INPUT_PATHS = {
  stateMachineArn: "$.detail.stateMachineArn",
  execution: "$.detail.name",
  status: "$.detail.status",
  error: "$.detail.error",
  cause: "$.detail.cause",
  executionArn: "$.detail.executionArn",
  time: "$.time",
} as const;

/**
 * The host of the AWS Management Console for a Region: `<region>.console.aws.amazon.com` in the `aws` partition (the
 * Regional endpoint the page below lists), and the partitions' own consoles elsewhere: `console.amazonaws.cn` in
 * `aws-cn`, `console.amazonaws-us-gov.com` in `aws-us-gov`.
 * @param context the partition and Region.
 * @returns the host name.
 * @see https://docs.aws.amazon.com/general/latest/gr/mgmt-console.html
 */
export function consoleHost(context: Pick<ArnContext, "partition" | "region">): string {
  if (context.partition === "aws-cn") return "console.amazonaws.cn";
  if (context.partition === "aws-us-gov") return "console.amazonaws-us-gov.com";
  return `${context.region}.console.aws.amazon.com`;
}

/**
 * The console page of an execution: `https://<region>.console.aws.amazon.com/states/home?region=<region>#/v2/executions/details/<executionArn>`.
 * @param context the partition and Region.
 * @param executionArn the execution's ARN, or a `<placeholder>` of an input template.
 * @returns the URL.
 * @see https://docs.aws.amazon.com/step-functions/latest/dg/concepts-view-execution-details.html
 */
export function executionConsoleUrl(context: Pick<ArnContext, "partition" | "region">, executionArn: string): string {
  return `https://${consoleHost(context)}/states/home?region=${context.region}#/v2/executions/details/${executionArn}`;
}

/**
 * The input transformer that turns a status-change event into a plain-text SNS message: what ended how, the state
 * machine (the workflow: its ARN ends with `statecraft-<stack>-<workflow>`; an input transformer can only copy
 * values, never cut the name out of the ARN), the execution's name, status, error and cause, when, and the link to
 * the execution in the console.
 *
 * EventBridge's rules for a template that is not JSON: a string must be in double quotes, and a literal quote or
 * backslash inside it is escaped; escapes and the quotes themselves reach the target as written, so a `\n` inside
 * one string would be delivered as a backslash and an `n`. Each line is therefore its own double-quoted string, the
 * lines separated by real newlines (the form the AWS CDK writes for `RuleTargetInput.fromMultilineText`), which a
 * mail reader shows as lines. Values are inserted as they are, not escaped (EventBridge's documented behaviour): a
 * `cause` holding quotes or JSON arrives intact. A variable whose path is absent from the event is left out, and a
 * `null` one (`error` and `cause` of an aborted execution) reads `null`.
 *
 * @param context the stack's partition and Region, for the console link.
 * @returns `inputPaths` ({@link STATUS_CHANGE_INPUT_PATHS}) and `inputTemplate` (at most 8,192 characters).
 * @see https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-transform-target-input.html
 * @see https://docs.aws.amazon.com/eventbridge/latest/APIReference/API_InputTransformer.html
 * @see https://www.pulumi.com/registry/packages/aws/api-docs/cloudwatch/eventtarget/#eventtargetinputtransformer
 */
export function statusChangeInputTransformer(context: Pick<ArnContext, "partition" | "region">): InputTransformer {
  const lines = [
    "Step Functions execution <status>",
    "State machine: <stateMachineArn>",
    "Execution: <execution>",
    "Status: <status> at <time>",
    "Error: <error>",
    "Cause: <cause>",
    `Console: ${executionConsoleUrl(context, "<executionArn>")}`,
  ];
  const inputTemplate = lines.map((line) => JSON.stringify(line)).join("\n");
  if (inputTemplate.length > INPUT_TEMPLATE_LIMIT) throw new Error(`the status-change input template is ${inputTemplate.length} characters, past EventBridge's ${INPUT_TEMPLATE_LIMIT}`);
  return { inputPaths: { ...STATUS_CHANGE_INPUT_PATHS }, inputTemplate };
}

/**
 * Reads a dot-notation JSON path (`$.detail.name`, `$.detail-type`) from an event; `undefined` when absent.
 * @param event the event.
 * @param path `$` followed by `.key` segments (EventBridge's input paths take dot notation only).
 * @returns the value, or `undefined`.
 * @throws Error for a path not in dot notation.
 * @see https://docs.aws.amazon.com/eventbridge/latest/APIReference/API_InputTransformer.html
 */
export function readInputPath(event: unknown, path: string): unknown {
  if (!/^\$(\.[^.[\]]+)*$/.test(path)) throw new Error(`input path ${path} is not in dot notation ($.a.b)`);
  return path
    .split(".")
    .slice(1)
    .reduce<unknown>((value, key) => (value !== null && typeof value === "object" ? (value as Record<string, unknown>)[key] : undefined), event);
}

/**
 * Evaluates an input transformer on an event as EventBridge documents it, to see the message a target receives:
 * each `<variable>` of the template becomes its path's value; a string as it is (unescaped), a number, boolean or
 * `null` as its JSON text, an object or array as its JSON with the quotes removed (EventBridge's rule for a variable
 * inside a string), and a variable whose path the event lacks disappears. Lines keep their double quotes, as
 * EventBridge delivers a string template.
 * @param transformer the input paths and template.
 * @param event a sample event.
 * @returns the text the target receives.
 * @throws Error when the template uses a placeholder that no input path defines.
 * @see https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-transform-target-input.html
 */
export function renderInputTemplate(transformer: InputTransformer, event: unknown): string {
  return transformer.inputTemplate.replace(/<([^<>\s]+)>/g, (_, variable: string) => {
    if (!(variable in transformer.inputPaths)) throw new Error(`input template placeholder <${variable}> has no input path`);
    const value = readInputPath(event, transformer.inputPaths[variable]);
    if (value === undefined) return "";
    if (typeof value === "string") return value;
    if (value !== null && typeof value === "object") return JSON.stringify(value).replace(/"/g, "");
    return JSON.stringify(value);
  });
}
