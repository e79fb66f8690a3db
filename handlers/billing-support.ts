/**
 * Lambda handler for the support-routing workflow's "Handle billing request" state: files the ticket in the
 * billing queue, and asks for the invoice number when the message names none.
 *
 * @see https://docs.aws.amazon.com/step-functions/latest/dg/connect-lambda.html
 */
import { type SupportAnswer, supportRequest } from "./lib/support";

export { InvalidSupportRequest } from "./lib/support";

/** An invoice number as our invoices print it: `INV-` and digits. */
export const INVOICE_NUMBER = /\bINV-\d+\b/i;

/**
 * Lambda entry point.
 * @param event - A support request (`ticketId`, `customerId`, `subject`, `message`).
 * @returns the ticket in the `billing` queue, `normal` priority; the reply names the invoice or asks for it.
 * @throws {InvalidSupportRequest} For a request without ticket id, customer or message.
 */
export async function handler(event: unknown): Promise<SupportAnswer> {
  const request = supportRequest(event);
  const invoice = INVOICE_NUMBER.exec(`${request.subject} ${request.message}`)?.[0].toUpperCase();
  return {
    ticketId: request.ticketId,
    queue: "billing",
    priority: "normal",
    reply: invoice ? `Our billing team is reviewing invoice ${invoice}.` : "Please reply with the invoice number (INV-…) so that billing can review it.",
  };
}
