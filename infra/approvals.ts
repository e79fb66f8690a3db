import { createHash } from "node:crypto";
import type { Approver } from "./config";

/**
 * Human approvals, as plain functions: the SNS subscriptions of the stack's approvers (`statecraft:approvers`) on
 * the approval topic (`APPROVAL_TOPIC` of `infra/manifest.ts`), to which approval-request publishes each request.
 */

/** One approver's subscription, as {@link approverSubscriptions} names it. */
export interface ApproverSubscription {
  /** The logical name of the `aws.sns.TopicSubscription`: `approver-<8 hex of protocol and endpoint>`. */
  name: string;
  /** `email` or `https`. */
  protocol: Approver["protocol"];
  /** The e-mail address or HTTPS URL. */
  endpoint: string;
}

/**
 * The subscriptions of the approvers, one per distinct (protocol, endpoint), each named from its endpoint so that
 * reordering or adding approvers replaces no existing subscription (an e-mail subscription replaced must be
 * confirmed again by its recipient). An e-mail recipient confirms through the link SNS sends; an HTTPS endpoint
 * must answer SNS's SubscriptionConfirmation. SNS refuses to delete a subscription still pending confirmation: when
 * such an approver leaves the configuration, Pulumi forgets the subscription and SNS keeps it until it lapses.
 * @param approvers `statecraft:approvers`.
 * @returns the subscriptions, in the configuration's order, duplicates dropped.
 * @see https://docs.aws.amazon.com/sns/latest/dg/sns-email-notifications.html
 * @see https://docs.aws.amazon.com/sns/latest/dg/sns-http-https-endpoint-as-subscriber.html
 * @see https://www.pulumi.com/registry/packages/aws/api-docs/sns/topicsubscription/
 */
export function approverSubscriptions(approvers: readonly Approver[]): ApproverSubscription[] {
  const seen = new Set<string>();
  return approvers.flatMap((approver) => {
    const name = `approver-${createHash("sha256").update(`${approver.protocol}:${approver.endpoint}`).digest("hex").slice(0, 8)}`;
    if (seen.has(name)) return [];
    seen.add(name);
    return [{ name, protocol: approver.protocol, endpoint: approver.endpoint }];
  });
}
