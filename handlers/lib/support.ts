/**
 * What the three handling functions of the support-routing workflow share: the request they receive and the
 * answer they give. The workflow routes on `requestType` before any of them runs; each checks the rest.
 *
 * @see https://docs.aws.amazon.com/step-functions/latest/dg/connect-lambda.html
 */
import { NamedError, renderValue } from "./errors";
import { isNonEmptyString, isRecord } from "./guards";

/** What each handling state passes (`Arguments.Payload`). */
export interface SupportRequest {
  ticketId: string;
  customerId: string;
  subject: string;
  message: string;
}

/** What each handler answers: the queue the ticket lands in, its priority and the first reply to the customer. */
export interface SupportAnswer {
  ticketId: string;
  queue: "technical-support" | "billing" | "customer-care";
  priority: "high" | "normal" | "low";
  reply: string;
}

/** Thrown, with ASL error name `InvalidSupportRequest`, when the ticket lacks an id, a customer or a message. */
export class InvalidSupportRequest extends NamedError {
  /** @param message - Which field is wrong, with its value. */
  constructor(message: string) {
    super("InvalidSupportRequest", message);
  }
}

/**
 * Checks a support request's fields.
 * @param event - Any value; expected to be a {@link SupportRequest}.
 * @returns the request, its strings trimmed (`subject` may be empty).
 * @throws {InvalidSupportRequest} When the event is not an object or `ticketId`, `customerId` or `message` is
 *   missing or blank.
 */
export function supportRequest(event: unknown): SupportRequest {
  if (!isRecord(event)) throw new InvalidSupportRequest(`The support request must be a JSON object. Received: ${renderValue(event)}`);
  for (const field of ["ticketId", "customerId", "message"] as const) {
    if (!isNonEmptyString(event[field])) throw new InvalidSupportRequest(`${field} must be a non-empty string. Received: ${renderValue(event[field])}`);
  }
  const subject = typeof event.subject === "string" ? event.subject.trim() : "";
  return { ticketId: (event.ticketId as string).trim(), customerId: (event.customerId as string).trim(), subject, message: (event.message as string).trim() };
}
