/**
 * Lambda handler for the user-verification workflow's "Validate user" state. The state passes the whole input
 * and keeps the payload as `$.user`, which the nested identity-check workflow checks and "Store verified user"
 * writes to the users table.
 *
 * @see https://docs.aws.amazon.com/step-functions/latest/dg/connect-lambda.html
 */
import { NamedError, renderValue } from "./lib/errors";
import { EMAIL_PATTERN, isNonEmptyString, isRecord } from "./lib/guards";

/** An identity document: its type and number. */
export interface IdentityDocument {
  type: "passport" | "id-card" | "driving-licence";
  number: string;
}

/** The user to verify, as the workflow receives it and as the handler returns it (trimmed, email lower-cased). */
export interface UserToVerify {
  userId: string;
  name: string;
  email: string;
  /** `YYYY-MM-DD`. */
  dateOfBirth: string;
  document: IdentityDocument;
}

/** The document types accepted. */
export const DOCUMENT_TYPES = ["passport", "id-card", "driving-licence"] as const;

/** Thrown, with ASL error name `InvalidUser`, for a user the workflow cannot verify as given. */
export class InvalidUser extends NamedError {
  /** @param message - Which field is wrong, with its value. */
  constructor(message: string) {
    super("InvalidUser", message);
  }
}

/** Whether a string is a real calendar date written `YYYY-MM-DD`. */
function isCalendarDate(value: string): boolean {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(value)) return false;
  const date = new Date(`${value}T00:00:00Z`);
  return !Number.isNaN(date.getTime()) && date.toISOString().startsWith(value);
}

/**
 * Lambda entry point.
 * @param event - A {@link UserToVerify}.
 * @returns the user, its strings trimmed and its email lower-cased.
 * @throws {InvalidUser} When the event is not an object, `userId` or `name` is blank, `email` is not a plausible
 *   address, `dateOfBirth` is not a `YYYY-MM-DD` date, or `document` lacks a known type or a number.
 */
export async function handler(event: unknown): Promise<UserToVerify> {
  if (!isRecord(event)) throw new InvalidUser(`The user must be a JSON object. Received: ${renderValue(event)}`);
  const { userId, name, email, dateOfBirth, document } = event;
  if (!isNonEmptyString(userId)) throw new InvalidUser(`userId must be a non-empty string. Received: ${renderValue(userId)}`);
  if (!isNonEmptyString(name)) throw new InvalidUser(`name must be a non-empty string. Received: ${renderValue(name)}`);
  if (typeof email !== "string" || !EMAIL_PATTERN.test(email)) throw new InvalidUser(`email must be a plausible email address. Received: ${renderValue(email)}`);
  if (typeof dateOfBirth !== "string" || !isCalendarDate(dateOfBirth)) throw new InvalidUser(`dateOfBirth must be a date written YYYY-MM-DD. Received: ${renderValue(dateOfBirth)}`);
  if (!isRecord(document) || !(DOCUMENT_TYPES as readonly unknown[]).includes(document.type) || !isNonEmptyString(document.number)) {
    throw new InvalidUser(`document must be {type: ${DOCUMENT_TYPES.join(" | ")}, number}. Received: ${renderValue(document)}`);
  }
  return {
    userId: userId.trim(),
    name: name.trim(),
    email: email.trim().toLowerCase(),
    dateOfBirth,
    document: { type: document.type as IdentityDocument["type"], number: document.number.trim().toUpperCase() },
  };
}
