/**
 * Lambda handler for the order-processing workflow's "Validate order" state (JSONata: the input as `Payload`, the
 * payload as the state's output): checks the order to charge before its payment request is queued.
 *
 * @see https://docs.aws.amazon.com/step-functions/latest/dg/connect-lambda.html
 */
import { NamedError, renderValue } from "./lib/errors";
import { isNonEmptyString, isRecord } from "./lib/guards";

/** An order to charge, as the workflow carries it on. */
export interface PaymentOrder {
  orderId: string;
  customerId: string;
  /** The amount to charge, positive, in `currency`. */
  amount: number;
  /** ISO 4217, upper case. */
  currency: string;
}

/** Thrown, with ASL error name `InvalidOrder`, for an order without id or customer, a non-positive amount or a bad currency. */
export class InvalidOrder extends NamedError {
  /** @param message - Which field is wrong, with its value. */
  constructor(message: string) {
    super("InvalidOrder", message);
  }
}

/**
 * Lambda entry point.
 * @param event - `{orderId, customerId, amount, currency}`.
 * @returns the order, trimmed, its currency upper case.
 * @throws {InvalidOrder} For a missing id or customer, an amount that is not a positive number, or a currency that is not three letters.
 */
export async function handler(event: unknown): Promise<PaymentOrder> {
  const order = isRecord(event) ? event : {};
  if (!isNonEmptyString(order.orderId)) throw new InvalidOrder(`orderId must be a non-empty string; got ${renderValue(order.orderId)}`);
  if (!isNonEmptyString(order.customerId)) throw new InvalidOrder(`customerId must be a non-empty string; got ${renderValue(order.customerId)}`);
  if (typeof order.amount !== "number" || !Number.isFinite(order.amount) || order.amount <= 0) throw new InvalidOrder(`amount must be a positive number; got ${renderValue(order.amount)}`);
  if (typeof order.currency !== "string" || !/^[A-Za-z]{3}$/.test(order.currency)) throw new InvalidOrder(`currency must be a three-letter code; got ${renderValue(order.currency)}`);
  return { orderId: order.orderId.trim(), customerId: order.customerId.trim(), amount: order.amount, currency: order.currency.toUpperCase() };
}
