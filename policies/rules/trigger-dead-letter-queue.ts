import { ResourceValidationPolicy } from "@pulumi/policy";
import { parseArn } from "../../infra/iam/arn";
import { forTypes } from "../lib";

/** The Pulumi types of the triggers that take a dead-letter queue, with where they hold it. */
const DEAD_LETTER_FIELDS: Record<string, { path: string; read: (props: Record<string, any>) => unknown }> = {
  "aws:scheduler/schedule:Schedule": { path: "target.deadLetterConfig.arn", read: (props) => props.target?.deadLetterConfig },
  "aws:cloudwatch/eventTarget:EventTarget": { path: "deadLetterConfig.arn", read: (props) => props.deadLetterConfig },
};

/**
 * Checks whether every EventBridge Scheduler schedule (`target.deadLetterConfig.arn`) and every EventBridge rule
 * target (`deadLetterConfig.arn`) sends the events it fails to deliver to an SQS dead-letter queue. Without one, an
 * event whose delivery fails after the retry policy's attempts (a throttled or refused StartExecution, a deleted
 * target) is dropped, and the execution it should have started never happens, without a trace.
 * @see https://docs.aws.amazon.com/scheduler/latest/UserGuide/configuring-schedule-dlq.html
 * @see https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-rule-dlq.html
 */
export const triggerDeadLetterQueue: ResourceValidationPolicy = {
  name: "trigger-dead-letter-queue",
  description: "Checks whether every EventBridge Scheduler schedule and EventBridge rule target has an SQS dead-letter queue for the events it fails to deliver.",
  severity: "medium",
  remediationSteps:
    "Create an SQS queue for the trigger's undelivered events and set its ARN in target.deadLetterConfig.arn (a schedule) or deadLetterConfig.arn (a rule target); grant the schedule's role sqs:SendMessage on it, or the queue's policy to events.amazonaws.com for a rule.",
  url: "https://docs.aws.amazon.com/scheduler/latest/UserGuide/configuring-schedule-dlq.html",
  validateResource: forTypes(Object.keys(DEAD_LETTER_FIELDS), {}, (props, _config, report, args) => {
    const { path, read } = DEAD_LETTER_FIELDS[args.type];
    const config = read(props) as { arn?: unknown } | undefined;
    // "arn" in config reads no value: an ARN unknown at preview is a queue all the same.
    if (!config || typeof config !== "object" || !("arn" in config)) {
      report(`Set ${path} to an SQS queue: events this trigger fails to deliver are dropped without a trace.`);
      return;
    }
    const arn = config.arn;
    if (typeof arn !== "string" || !arn) report(`Set ${path} to an SQS queue ARN; it is ${JSON.stringify(arn ?? null)}.`);
    else if (parseArn(arn)?.service !== "sqs") report(`Set ${path} to an SQS queue ARN (arn:<partition>:sqs:<region>:<account>:<queue>); it is ${arn}.`);
  }),
};
