/**
 * Lambda handler for the identity-check workflow's "Check identity document" state: decides whether a user's
 * identity document verifies them. The checks stand in for an identity provider's: the holder must be an adult
 * on the check's date, and the document must not be on the list of documents reported lost or stolen.
 *
 * @see https://docs.aws.amazon.com/step-functions/latest/dg/connect-lambda.html
 */
import { renderValue } from "./lib/errors";
import { isNonEmptyString, isRecord } from "./lib/guards";

/** What the state passes: the user's date of birth and document, and the date of the check (`YYYY-MM-DD…`). */
export interface IdentityCheckRequest {
  dateOfBirth: string;
  document: { type: string; number: string };
  /** When the check runs: the execution's start time. */
  checkedAt: string;
}

/** The decision: verified, or the reason it is not. */
export type IdentityDecision = { verified: true; level: "document" } | { verified: false; reason: string };

/** Documents reported lost or stolen (an identity provider's list, in miniature). */
export const REPORTED_DOCUMENTS: ReadonlySet<string> = new Set(["P0000000", "X1234567"]);

/** The age a user must have reached. */
export const MINIMUM_AGE = 18;

/** Whole years between a `YYYY-MM-DD` date of birth and a date. */
export function ageOn(dateOfBirth: string, on: string): number {
  const [by, bm, bd] = dateOfBirth.slice(0, 10).split("-").map(Number);
  const [y, m, d] = on.slice(0, 10).split("-").map(Number);
  return y - by - (m < bm || (m === bm && d < bd) ? 1 : 0);
}

/**
 * Lambda entry point.
 * @param event - An {@link IdentityCheckRequest}.
 * @returns `{verified: true, level: "document"}`, or `{verified: false, reason}` for a document reported lost or
 *   stolen, a holder under 18, or a request the check cannot read.
 */
export async function handler(event: unknown): Promise<IdentityDecision> {
  if (!isRecord(event) || !isRecord(event.document) || !isNonEmptyString(event.document.number) || typeof event.dateOfBirth !== "string" || typeof event.checkedAt !== "string") {
    return { verified: false, reason: `The identity check cannot read the request. Received: ${renderValue(event)}` };
  }
  const number = event.document.number.trim().toUpperCase();
  if (REPORTED_DOCUMENTS.has(number)) return { verified: false, reason: `The ${String(event.document.type)} ${number} is reported lost or stolen.` };
  const age = ageOn(event.dateOfBirth, event.checkedAt);
  if (!(age >= MINIMUM_AGE)) return { verified: false, reason: `The holder must be at least ${MINIMUM_AGE}; born ${event.dateOfBirth}, they are ${age}.` };
  return { verified: true, level: "document" };
}
