import { createHash } from "node:crypto";
import { ArnContext, buildArn } from "../iam/arn";
import { PolicyDocument, TrustPolicyDocument, policyDocument } from "../iam/policy";
import { Trigger, TriggerOf } from "./schema";

/**
 * What each trigger needs from IAM and EventBridge, as plain values: its service principal, the ARN that service
 * presents as `aws:SourceArn`, the role's trust and permissions, and the S3 event pattern. The
 * `WorkflowTriggers` component (`infra/components/workflow-triggers.ts`) turns them into resources.
 */

/** The service that starts the execution for each kind of trigger, and assumes the trigger's role. */
export const TRIGGER_SERVICE: Readonly<Record<Trigger["type"], string>> = {
  schedule: "scheduler.amazonaws.com",
  eventRule: "events.amazonaws.com",
  s3: "events.amazonaws.com",
  http: "apigateway.amazonaws.com",
};

/** IAM caps role names at 64 characters. */
const ROLE_NAME_LIMIT = 64;

/**
 * A name within `limit` characters: as given when it fits, else cut and ended with 8 hex characters of its SHA-256,
 * so that two long names stay distinct.
 * @see https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_iam-quotas.html#reference_iam-quotas-names
 */
export function boundedName(name: string, limit = ROLE_NAME_LIMIT): string {
  if (name.length <= limit) return name;
  const hash = createHash("sha256").update(name).digest("hex").slice(0, 8);
  return `${name.slice(0, limit - 9)}-${hash}`;
}

/**
 * The ARN of an EventBridge rule: `rule/<name>` on the default bus, `rule/<bus>/<name>` on a custom one.
 * @see https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazoneventbridge.html#amazoneventbridge-resources-for-iam-policies
 */
export function ruleArn(context: ArnContext, bus: string, ruleName: string): string {
  return buildArn(context, "events", bus === "default" ? `rule/${ruleName}` : `rule/${bus}/${ruleName}`);
}

/**
 * The ARN of an EventBridge Scheduler schedule group, which Scheduler presents as `aws:SourceArn` when it assumes
 * a schedule's role.
 * @see https://docs.aws.amazon.com/scheduler/latest/UserGuide/setting-up.html#setting-up-execution-role
 */
export function scheduleGroupArn(context: ArnContext, group = "default"): string {
  return buildArn(context, "scheduler", `schedule-group/${group}`);
}

/**
 * The trust policy of a trigger's role: only the trigger's service and, for Scheduler and EventBridge, only from the
 * stack's account (`aws:SourceAccount`) and only for this trigger (`aws:SourceArn`: the schedule group, the rule), so
 * that no other schedule or rule of any account can start the workflow through it (the confused deputy problem).
 * API Gateway presents neither key for an integration's credentials role, so an HTTP trigger's trust names the
 * service alone.
 * @param trigger the trigger.
 * @param context the stack's partition, Region and account.
 * @param sourceArn what the service presents as `aws:SourceArn` (wildcards allowed, matched with `ArnLike`).
 * @see https://docs.aws.amazon.com/IAM/latest/UserGuide/confused-deputy.html
 */
export function triggerTrustPolicy(trigger: Trigger, context: ArnContext, sourceArn: string): TrustPolicyDocument {
  return {
    Version: "2012-10-17",
    Statement: [
      {
        Effect: "Allow",
        Principal: { Service: TRIGGER_SERVICE[trigger.type] },
        Action: ["sts:AssumeRole"],
        // API Gateway presents neither key when it assumes an integration's credentials role: a condition on them
        // would refuse every request (AWS documents none for it; aws-solutions-library-samples/
        // accelerated-intelligent-document-processing-on-aws#479 removed one after every call failed). The role's
        // permissions, this workflow's live alias only, are what bound it.
        ...(trigger.type === "http" ? {} : { Condition: { StringEquals: { "aws:SourceAccount": context.account }, ArnLike: { "aws:SourceArn": sourceArn } } }),
      },
    ],
  };
}

/** The Step Functions action a trigger calls: StartSyncExecution for a synchronous HTTP route, else StartExecution. */
export function startAction(trigger: Trigger): "states:StartExecution" | "states:StartSyncExecution" {
  return trigger.type === "http" && trigger.sync ? "states:StartSyncExecution" : "states:StartExecution";
}

/**
 * The permissions of a trigger's role: start executions of exactly the workflow's alias, nothing else. Step
 * Functions authorizes a call on an alias against the unqualified state machine ARN; the condition key
 * `states:StateMachineQualifier` scopes it down to the alias. A schedule's role also sends failed deliveries to its
 * dead-letter queue (Scheduler uses the schedule's role for that; EventBridge rules use the queue's policy instead).
 * @param trigger the trigger.
 * @param stateMachineArn the unqualified state machine ARN.
 * @param alias the alias it starts (`live`).
 * @param deadLetterQueueArn the schedule's dead-letter queue, for a schedule.
 * @see https://docs.aws.amazon.com/step-functions/latest/dg/auth-version-alias.html
 * @see https://docs.aws.amazon.com/scheduler/latest/UserGuide/configuring-schedule-dlq.html
 */
export function triggerPolicy(trigger: Trigger, stateMachineArn: string, alias: string, deadLetterQueueArn?: string): PolicyDocument {
  return policyDocument([
    { Effect: "Allow", Action: [startAction(trigger)], Resource: [stateMachineArn], Condition: { "ForAnyValue:StringEquals": { "states:StateMachineQualifier": [alias] } } },
    ...(trigger.type === "schedule" && deadLetterQueueArn ? [{ Effect: "Allow" as const, Action: ["sqs:SendMessage"], Resource: [deadLetterQueueArn] }] : []),
  ]);
}

/**
 * The event pattern of an S3 trigger: `Object Created` events of the bucket (delivered to the default bus once the
 * bucket's EventBridge notifications are on), for keys with the given prefix and suffix (both together as one
 * `wildcard`, since a field takes one filter of each kind).
 * @param bucket the bucket's name.
 * @see https://docs.aws.amazon.com/AmazonS3/latest/userguide/EventBridge.html
 * @see https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-create-pattern-operators.html
 */
export function s3ObjectCreatedPattern(bucket: string, trigger: Pick<TriggerOf<"s3">, "prefix" | "suffix">): Record<string, unknown> {
  const escape = (text: string) => text.replace(/[\\*]/g, (c) => `\\${c}`);
  const key =
    trigger.prefix && trigger.suffix
      ? [{ wildcard: `${escape(trigger.prefix)}*${escape(trigger.suffix)}` }]
      : trigger.prefix
        ? [{ prefix: trigger.prefix }]
        : trigger.suffix
          ? [{ suffix: trigger.suffix }]
          : undefined;
  return {
    source: ["aws.s3"],
    "detail-type": ["Object Created"],
    detail: { bucket: { name: [bucket] }, ...(key ? { object: { key } } : {}) },
  };
}
