/**
 * Lambda handler for the credit-approval workflow's "Verify identity" branch. The state passes
 * `{name, email, ssn}` and uses the whole payload as the branch result (`"OutputPath": "$.Payload"`).
 *
 * The checks are structural only (no call to an identity provider): a non-empty name, a plausible email address
 * and a well-formed US Social Security number. Error messages never echo the SSN.
 *
 * @see https://docs.aws.amazon.com/step-functions/latest/dg/connect-lambda.html
 */
import { NamedError, renderValue } from "./lib/errors";
import { EMAIL_PATTERN, isNonEmptyString, isRecord } from "./lib/guards";

/** What the "Verify identity" state sends. */
export interface IdentityRequest {
  name: string;
  email: string;
  /** US Social Security number, `NNN-NN-NNNN`. */
  ssn: string;
}

/** What the handler returns when the identity passes. */
export interface IdentityVerified {
  check: "identity";
  verified: true;
  /** The applicant's name, trimmed. */
  applicant: string;
}

/** Thrown, with ASL error name `IdentityNotVerified`, when the identity fails a check. */
export class IdentityNotVerified extends NamedError {
  /** @param message - Which check failed. */
  constructor(message: string) {
    super("IdentityNotVerified", message);
  }
}

/** Shape of a US Social Security number: three, two and four digits separated by hyphens. */
export const SSN_PATTERN = /^\d{3}-\d{2}-\d{4}$/;

/** Longest email address accepted, in characters (RFC 5321's forward-path limit less the angle brackets). */
export const MAX_EMAIL_LENGTH = 254;

/**
 * Lambda entry point.
 *
 * @param event - An {@link IdentityRequest}.
 * @returns `{check: "identity", verified: true, applicant: <trimmed name>}`.
 * @throws {IdentityNotVerified} When the event is not an object, `name` is missing or blank, `email` is not a
 *   plausible address (or longer than 254 characters), or `ssn` does not match `NNN-NN-NNNN` or is `000-00-0000`.
 * @see https://docs.aws.amazon.com/lambda/latest/dg/nodejs-handler.html
 */
export async function handler(event: unknown): Promise<IdentityVerified> {
  if (!isRecord(event)) {
    throw new IdentityNotVerified(`The identity request must be a JSON object. Received: ${renderValue(event)}`);
  }
  const { name, email, ssn } = event;
  if (!isNonEmptyString(name)) {
    throw new IdentityNotVerified(`name must be a non-empty string. Received: ${renderValue(name)}`);
  }
  if (typeof email !== "string" || email.length > MAX_EMAIL_LENGTH || !EMAIL_PATTERN.test(email)) {
    throw new IdentityNotVerified(`email must be a plausible email address. Received: ${renderValue(email)}`);
  }
  if (typeof ssn !== "string" || !SSN_PATTERN.test(ssn)) {
    // The SSN itself is not echoed: the Cause lands in the execution history and in logs.
    const received =
      typeof ssn === "string" ? `a string of ${ssn.length} characters` : ssn === null ? "null" : `a ${typeof ssn}`;
    throw new IdentityNotVerified(`ssn must have the form NNN-NN-NNNN. Received: ${received}`);
  }
  if (ssn === "000-00-0000") {
    throw new IdentityNotVerified("ssn must not be the placeholder 000-00-0000. Received: 000-00-0000");
  }
  return { check: "identity", verified: true, applicant: name.trim() };
}
