import { PolicyResource, StackValidationPolicy } from "@pulumi/policy";
import { parseArn } from "../../infra/iam/arn";
import { CannotCheck, allowsService, isAwsManagedKey, statementsOf } from "../lib";
import { EVENT_TARGET, METRIC_ALARM, StackIndex } from "../stack";

/** A service that publishes to a topic of the stack, and who makes it publish. */
interface Publishing {
  topicArn: string;
  /** `cloudwatch.amazonaws.com` or `events.amazonaws.com`. */
  service: string;
  /** e.g. `alarm statecraft-prod-x-failed`, for messages. */
  publishers: string[];
}

/** The alarm fields whose entries CloudWatch acts on, an SNS topic ARN among them. */
const ALARM_ACTION_FIELDS = ["alarmActions", "okActions", "insufficientDataActions"];

/** What the key policy must allow the service: encrypt a message for the topic, and read it back to deliver it. */
const KEY_ACTIONS = [
  { action: "kms:GenerateDataKey", shown: "kms:GenerateDataKey*" },
  { action: "kms:Decrypt", shown: "kms:Decrypt" },
];

/**
 * Checks whether AWS services can deliver to the topics the stack points them at: CloudWatch
 * (`cloudwatch.amazonaws.com`, for each topic ARN in a MetricAlarm's `alarmActions`, `okActions` or
 * `insufficientDataActions`) and EventBridge (`events.amazonaws.com`, for each EventTarget whose `arn` is a topic).
 * For each such topic of the stack:
 * - the topic's access policy (its `policy`, or a TopicPolicy naming its `arn`) allows the service `sns:Publish`;
 * - when the topic is encrypted (`kmsMasterKeyId`), its key is customer-managed (the AWS managed `alias/aws/sns`
 *   key's policy cannot be changed) and the key policy (the Key's `policy`, or a KeyPolicy naming it) allows the
 *   service `kms:GenerateDataKey*` and `kms:Decrypt`.
 *
 * Either gap lets the stack deploy, and AWS then drops every notification silently: the alarm or rule shows a
 * failed action in its history, and nobody is told. A topic or key the stack does not hold (another stack's, an
 * existing key ARN) cannot be checked: the rule says so through {@link CannotCheck}, an advisory note, after
 * reporting everything else.
 *
 * @see https://docs.aws.amazon.com/sns/latest/dg/sns-key-management.html#compatibility-with-aws-services
 * @see https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/Notify_Users_Alarm_Changes.html
 * @see https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-use-resource-based.html#eb-sns-permissions
 */
export const snsServicePublishKey: StackValidationPolicy = {
  name: "sns-service-publish-key",
  description:
    "Checks whether each SNS topic that CloudWatch alarms or EventBridge rules publish to allows that service sns:Publish and, when encrypted, uses a customer-managed key whose policy allows it kms:GenerateDataKey* and kms:Decrypt.",
  severity: "high",
  remediationSteps:
    "Add a topic policy statement allowing the service principal (cloudwatch.amazonaws.com, events.amazonaws.com) sns:Publish on the topic, scoped with aws:SourceAccount or aws:SourceArn; encrypt the topic with a customer-managed key whose policy allows that principal kms:GenerateDataKey* and kms:Decrypt.",
  url: "https://docs.aws.amazon.com/sns/latest/dg/sns-key-management.html#compatibility-with-aws-services",
  validateStack: (args, report) => {
    const index = new StackIndex(args.resources);
    const uncheckable: string[] = [];
    for (const { topicArn, service, publishers } of publishingOf(index)) {
      const verb = publishers.length > 1 ? "publish" : "publishes";
      const who = `${publishers.join(", ")} (${service}) ${verb}`;
      const topic = index.topicByArn(topicArn);
      if (!topic) {
        uncheckable.push(`topic ${topicArn}, which ${who} to, is not in this stack`);
        continue;
      }
      const name = (topic.props.name as string | undefined) ?? topic.name;
      const gaps: string[] = [];
      if (!allowsService(index.topicPolicyStatements(topic), service, "sns:Publish", topicArn)) gaps.push(`its access policy does not allow ${service} sns:Publish`);
      const keyId = topic.props.kmsMasterKeyId as string | undefined;
      if (keyId) {
        const keyGap = keyGapOf(index, keyId, service);
        if (keyGap === undefined) uncheckable.push(`the key ${keyId} of topic ${name}, which ${who} to, is not in this stack`);
        else if (keyGap) gaps.push(keyGap);
      }
      if (gaps.length) report(`Let ${service} publish to topic ${name}, which ${publishers.join(", ")} ${verb} to: ${gaps.join("; ")}. AWS drops such notifications silently.`, topic.urn);
    }
    if (uncheckable.length) throw new CannotCheck(`cannot check ${uncheckable.join("; ")}: make sure its policies let the service publish, or AWS drops the notifications silently.`);
  },
};

/**
 * What the key policy of a topic's key lacks for a service: a sentence, `""` when it lacks nothing, `undefined`
 * when the stack does not hold the key.
 */
function keyGapOf(index: StackIndex, keyId: string, service: string): string | undefined {
  if (isAwsManagedKey(keyId)) return `it is encrypted with the AWS managed key ${keyId}, whose key policy cannot allow ${service}: use a customer-managed key`;
  const keyArn = index.keyArn(keyId);
  const found = keyArn ? index.keyWithPolicy(keyArn) : undefined;
  if (!keyArn || !found) return undefined;
  const statements = statementsOf(found.policy);
  const missing = KEY_ACTIONS.filter(({ action }) => !allowsService(statements, service, action, keyArn)).map(({ shown }) => shown);
  if (!missing.length) return "";
  const actions = missing.join(" and ");
  if (found.policy === undefined) return `its key ${keyArn} has the default key policy, which allows no service principal ${actions}`;
  return `the policy of its key ${keyArn} does not allow ${service} ${actions}`;
}

/** The topics CloudWatch alarms and EventBridge targets of the stack publish to, per topic and service. */
function publishingOf(index: StackIndex): Publishing[] {
  const byKey = new Map<string, Publishing>();
  const add = (topicArn: string, service: string, publisher: string) => {
    const key = `${topicArn} ${service}`;
    const entry = byKey.get(key) ?? { topicArn, service, publishers: [] };
    if (!entry.publishers.includes(publisher)) entry.publishers.push(publisher);
    byKey.set(key, entry);
  };
  const isTopic = (arn: unknown): arn is string => typeof arn === "string" && parseArn(arn)?.service === "sns";
  for (const alarm of index.ofType(METRIC_ALARM)) {
    const actions = ALARM_ACTION_FIELDS.flatMap((field) => (alarm.props[field] as unknown[] | undefined) ?? []);
    for (const action of actions.filter(isTopic)) add(action, "cloudwatch.amazonaws.com", `alarm ${nameOf(alarm)}`);
  }
  for (const target of index.ofType(EVENT_TARGET)) {
    if (isTopic(target.props.arn)) add(target.props.arn, "events.amazonaws.com", `the target ${target.props.targetId ?? target.name} of rule ${target.props.rule ?? "(unnamed)"}`);
  }
  return [...byKey.values()];
}

/** A resource's physical name, else its logical name. */
function nameOf(resource: PolicyResource): string {
  return (resource.props.name as string | undefined) ?? resource.name;
}
