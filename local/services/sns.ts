import { PublishCommand } from "@aws-sdk/client-sns";
import type { NotificationLog } from "./notifications";
import { sdkError } from "../authz/clients";

/**
 * SNS Publish for handlers run locally: the message is captured in the execution's {@link NotificationLog}, not
 * delivered, exactly as a Task's `sns:publish` is. Authorization is the caller's (wrap it with `authorizedClient`).
 * @see https://docs.aws.amazon.com/sns/latest/api/API_Publish.html
 */
export class LocalSns {
  /**
   * @param notifications the execution's log, which the published message joins.
   * @param publisher who publishes (the function's name), recorded as the notification's `state`.
   */
  constructor(
    private readonly notifications: NotificationLog,
    private readonly publisher: string,
  ) {}

  /**
   * Answers a PublishCommand (`{TopicArn, Message, Subject?, MessageStructure?}`).
   * @returns `{MessageId, $metadata}`.
   * @throws an SDK-shaped `NotFoundException` for a topic the stack does not have, `InvalidParameterException`
   *   for an empty message or a `MessageStructure: "json"` message without a `default` string;
   *   `UnknownOperationException` for any other command.
   */
  async send(command: PublishCommand): Promise<{ MessageId: string; $metadata: { httpStatusCode: number } }> {
    if (!(command instanceof PublishCommand)) throw sdkError("UnknownOperationException", `LocalSns answers Publish only. Received: ${(command as object)?.constructor?.name}`);
    const { TopicArn, Message, Subject, MessageStructure } = command.input;
    const topic = TopicArn ? this.notifications.topicFor(TopicArn) : undefined;
    if (!TopicArn || !topic) throw sdkError("NotFoundException", `Topic does not exist: ${TopicArn}`, 404);
    if (!Message) throw sdkError("InvalidParameterException", "Invalid parameter: Message Reason: Empty message");
    if (MessageStructure === "json") {
      let parsed: unknown;
      try {
        parsed = JSON.parse(Message);
      } catch {
        parsed = undefined;
      }
      if (typeof (parsed as { default?: unknown } | undefined)?.default !== "string") {
        throw sdkError("InvalidParameterException", "Invalid parameter: Message Structure - No default entry in JSON message body");
      }
    }
    const captured = this.notifications.capture({ state: this.publisher, topicArn: TopicArn, topic, subject: Subject, message: Message });
    return { MessageId: captured.messageId, $metadata: { httpStatusCode: 200 } };
  }
}
