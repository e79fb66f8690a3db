/**
 * Lambda handler for the order-confirmation workflow's "Receive order" state. The state passes the whole input
 * (`"Payload.$": "$"`) and keeps the payload as `$.order`; after the 15-minute Wait the workflow reads the order's
 * item in the orders table (where order-events records placements and cancellations) and confirms it through SNS.
 *
 * @see https://docs.aws.amazon.com/step-functions/latest/dg/connect-lambda.html
 */
import { NamedError, renderValue } from "./lib/errors";
import { EMAIL_PATTERN, isNonEmptyString, isRecord } from "./lib/guards";

/** What the workflow receives. */
export interface OrderToConfirm {
  orderId: string;
  customerId: string;
  /** Where the confirmation goes. */
  email: string;
}

/** What the handler returns: the order, trimmed, with the time it was received. */
export interface ReceivedOrder extends OrderToConfirm {
  /** The order's id as the orders table keys it. */
  orderId: string;
}

/** Thrown, with ASL error name `InvalidOrder`, when the order lacks an id, a customer or a plausible email. */
export class InvalidOrder extends NamedError {
  /** @param message - Which field is wrong, with its value. */
  constructor(message: string) {
    super("InvalidOrder", message);
  }
}

/**
 * Lambda entry point.
 *
 * @param event - An {@link OrderToConfirm}.
 * @returns the order with its strings trimmed.
 * @throws {InvalidOrder} When the event is not an object, `orderId` or `customerId` is missing or blank, or `email`
 *   is not a plausible address.
 * @see https://docs.aws.amazon.com/lambda/latest/dg/nodejs-handler.html
 */
export async function handler(event: unknown): Promise<ReceivedOrder> {
  if (!isRecord(event)) throw new InvalidOrder(`The order must be a JSON object. Received: ${renderValue(event)}`);
  const { orderId, customerId, email } = event;
  if (!isNonEmptyString(orderId)) throw new InvalidOrder(`orderId must be a non-empty string. Received: ${renderValue(orderId)}`);
  if (!isNonEmptyString(customerId)) throw new InvalidOrder(`customerId must be a non-empty string. Received: ${renderValue(customerId)}`);
  if (typeof email !== "string" || !EMAIL_PATTERN.test(email)) {
    throw new InvalidOrder(`email must be a plausible email address. Received: ${renderValue(email)}`);
  }
  return { orderId: orderId.trim(), customerId: customerId.trim(), email: email.trim() };
}
