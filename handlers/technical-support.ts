/**
 * Lambda handler for the support-routing workflow's "Handle technical request" state: files the ticket in the
 * technical-support queue, high priority when the message reports an outage.
 *
 * @see https://docs.aws.amazon.com/step-functions/latest/dg/connect-lambda.html
 */
import { type SupportAnswer, supportRequest } from "./lib/support";

export { InvalidSupportRequest } from "./lib/support";

/** Words that make a technical request urgent. */
export const OUTAGE_WORDS = /\b(down|outage|unavailable|cannot log ?in|500)\b/i;

/**
 * Lambda entry point.
 * @param event - A support request (`ticketId`, `customerId`, `subject`, `message`).
 * @returns the ticket in the `technical-support` queue, `high` priority for an outage, else `normal`.
 * @throws {InvalidSupportRequest} For a request without ticket id, customer or message.
 */
export async function handler(event: unknown): Promise<SupportAnswer> {
  const request = supportRequest(event);
  const outage = OUTAGE_WORDS.test(`${request.subject} ${request.message}`);
  return {
    ticketId: request.ticketId,
    queue: "technical-support",
    priority: outage ? "high" : "normal",
    reply: outage ? "An engineer is looking into the outage you reported now." : "Our technical team will answer within one business day.",
  };
}
