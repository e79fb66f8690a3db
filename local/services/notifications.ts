import { randomUUID } from "node:crypto";
import { TOPICS, type TopicName } from "../../infra/manifest";
import type { Naming } from "../../infra/naming";

/**
 * SNS, emulated: publishes are captured in memory instead of delivered. The topics are the stack's own (the
 * manifest's `TOPICS` under their physical ARNs); publishing to any other ARN fails as SNS would.
 * @see https://docs.aws.amazon.com/sns/latest/api/API_Publish.html
 */

/** One captured SNS publish. */
export interface CapturedNotification {
  /** The State that published. */
  state: string;
  topicArn: string;
  /** The manifest's logical topic name, e.g. `backup-failure`. */
  topic: TopicName;
  subject?: string;
  /** The message as SNS carries it: a string (a JSON object in Parameters is serialised). */
  message: string;
  messageId: string;
  /** The task token, when the publishing Task waits for one. */
  taskToken?: string;
}

/** The captured notifications of one execution, in publish order. */
export class NotificationLog {
  /** Every notification captured so far. */
  readonly notifications: CapturedNotification[] = [];
  private readonly topics: Map<string, TopicName>;

  /** @param naming the stack's naming, for the topics' ARNs. */
  constructor(naming: Naming) {
    this.topics = new Map((Object.keys(TOPICS) as TopicName[]).map((topic) => [naming.topicArn(topic), topic]));
  }

  /**
   * The logical name of one of the stack's topics.
   * @param topicArn a topic ARN.
   * @returns the logical name, or `undefined` when the stack has no such topic.
   */
  topicFor(topicArn: string): TopicName | undefined {
    return this.topics.get(topicArn);
  }

  /**
   * Captures a publish.
   * @param notification everything but the message id.
   * @returns the captured notification, with a fresh `messageId` (a UUID, as SNS's are).
   */
  capture(notification: Omit<CapturedNotification, "messageId">): CapturedNotification {
    const captured = { ...notification, messageId: randomUUID() };
    this.notifications.push(captured);
    return captured;
  }
}
