/**
 * Lambda handler for the credit-approval workflow's "Get credit limit" state: works out the limit to apply from
 * the limit requested. The state passes the whole application (`"Payload.$": "$"`) and keeps
 * `$.Payload.requested` and `$.Payload.applied`.
 *
 * @see https://docs.aws.amazon.com/step-functions/latest/dg/connect-lambda.html
 */
import { NamedError, renderValue } from "./lib/errors";
import { isNonEmptyString, isRecord } from "./lib/guards";

/** Postal address as submitted with a credit application. */
export interface Address {
  street: string;
  city: string;
  postalCode: string;
  country: string;
}

/** A credit application, the credit-approval workflow's execution input. */
export interface CreditApplication {
  applicantId: string;
  name: string;
  email: string;
  ssn: string;
  address: Address;
  /** Credit limit asked for, in whole currency units (the workflow uses no minor units). */
  creditRequested: number;
}

/** What the handler returns. */
export interface CreditLimit {
  applicantId: string;
  /** `creditRequested` as received. */
  requested: number;
  /** The limit granted: `requested` rounded down to a multiple of {@link CREDIT_LIMIT_STEP}, at most {@link MAX_CREDIT_LIMIT}. */
  applied: number;
}

/** Largest limit applied, in currency units. */
export const MAX_CREDIT_LIMIT = 25_000;

/** Limits are granted in multiples of this many currency units. */
export const CREDIT_LIMIT_STEP = 100;

/** Thrown, with ASL error name `InvalidApplication`, when the application cannot be priced. */
export class InvalidApplication extends NamedError {
  /** @param message - What is wrong, ending with the offending value. */
  constructor(message: string) {
    super("InvalidApplication", message);
  }
}

/**
 * Computes the limit to apply for a requested limit.
 *
 * @param requested - Requested limit in currency units; must be a positive finite number.
 * @returns `requested` rounded down to a multiple of 100 and capped at 25000; `0` for requests below 100.
 * @throws {InvalidApplication} When `requested` is not a positive finite number.
 * @see https://docs.aws.amazon.com/step-functions/latest/dg/state-choice.html (the next state compares `applied` with 5000)
 */
export function applyCreditLimit(requested: number): number {
  if (typeof requested !== "number" || !Number.isFinite(requested) || requested <= 0) {
    throw new InvalidApplication(`creditRequested must be a positive finite number. Received: ${renderValue(requested)}`);
  }
  return Math.min(MAX_CREDIT_LIMIT, Math.floor(requested / CREDIT_LIMIT_STEP) * CREDIT_LIMIT_STEP);
}

/**
 * Lambda entry point.
 *
 * @param event - A {@link CreditApplication}; only `applicantId` and `creditRequested` are read here (identity and
 *   address are checked by their own handlers).
 * @returns `{applicantId, requested, applied}` ({@link CreditLimit}).
 * @throws {InvalidApplication} When the event is not an object, `applicantId` is missing or blank, or
 *   `creditRequested` is not a positive finite number.
 * @see https://docs.aws.amazon.com/lambda/latest/dg/nodejs-handler.html
 */
export async function handler(event: unknown): Promise<CreditLimit> {
  if (!isRecord(event)) {
    throw new InvalidApplication(`The credit application must be a JSON object. Received: ${renderValue(event)}`);
  }
  const { applicantId, creditRequested } = event;
  if (!isNonEmptyString(applicantId)) {
    throw new InvalidApplication(`applicantId must be a non-empty string. Received: ${renderValue(applicantId)}`);
  }
  const applied = applyCreditLimit(creditRequested as number);
  return { applicantId, requested: creditRequested as number, applied };
}
