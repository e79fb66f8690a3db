/**
 * Lambda handler for the support-routing workflow's "Handle general request" state: files the ticket in the
 * customer-care queue at low priority.
 *
 * @see https://docs.aws.amazon.com/step-functions/latest/dg/connect-lambda.html
 */
import { type SupportAnswer, supportRequest } from "./lib/support";

export { InvalidSupportRequest } from "./lib/support";

/**
 * Lambda entry point.
 * @param event - A support request (`ticketId`, `customerId`, `subject`, `message`).
 * @returns the ticket in the `customer-care` queue, `low` priority.
 * @throws {InvalidSupportRequest} For a request without ticket id, customer or message.
 */
export async function handler(event: unknown): Promise<SupportAnswer> {
  const request = supportRequest(event);
  return { ticketId: request.ticketId, queue: "customer-care", priority: "low", reply: "Thanks for writing to us: customer care will answer within two business days." };
}
