/**
 * Lambda handler for the loan-intake workflow's "Collect application" state (consumer account). The state passes
 * the whole loan application (`"Payload.$": "$"`) and continues with the payload (`"OutputPath": "$.Payload"`):
 * the application id, which names the credit-approval execution, and the credit request, which is that shared
 * workflow's execution input.
 *
 * Every problem is reported at once, in one `InvalidLoanApplication` error, so an applicant fixes everything in
 * one go; identity, address and bureau checks are the shared credit-approval workflow's.
 *
 * @see https://docs.aws.amazon.com/step-functions/latest/dg/connect-lambda.html
 * @see https://docs.aws.amazon.com/step-functions/latest/apireference/API_StartExecution.html (execution names)
 */
import { NamedError, renderValue } from "./lib/errors";
import { EMAIL_PATTERN, isIsoDateTime, isNonEmptyString, isRecord } from "./lib/guards";
import type { Address, CreditApplication } from "./credit-limit";

export type { Address };

/** A loan application, the loan-intake workflow's execution input. */
export interface LoanApplication {
  /** 1-80 letters, digits, `-` or `_`: it names the credit-approval execution, so a resubmission is not run twice. */
  applicationId: string;
  /** ISO 8601 date-time with offset. */
  submittedAt: string;
  applicant: {
    id: string;
    name: string;
    email: string;
    ssn: string;
    address: Address;
  };
  /** Credit limit asked for, in whole currency units. */
  creditRequested: number;
}

/** The credit request: the shared credit-approval workflow's execution input, as its credit-limit handler reads it. */
export type CreditRequest = CreditApplication;

/** What the handler returns. */
export interface CollectedApplication {
  applicationId: string;
  submittedAt: string;
  creditRequest: CreditRequest;
}

/** Thrown, with ASL error name `InvalidLoanApplication`, listing every problem of an application. */
export class InvalidLoanApplication extends NamedError {
  /** @param problems - One sentence per problem, each ending with the offending value. */
  constructor(readonly problems: string[]) {
    super("InvalidLoanApplication", problems.join(" "));
  }
}

/**
 * Characters Step Functions allows in an execution name that CloudWatch Logs can also record, and its length.
 * @see https://docs.aws.amazon.com/step-functions/latest/apireference/API_StartExecution.html#StepFunctions-StartExecution-request-name
 */
export const APPLICATION_ID = /^[A-Za-z0-9_-]{1,80}$/;

const ADDRESS_FIELDS = ["street", "city", "postalCode", "country"] as const;

/**
 * Checks a loan application and shapes the credit request.
 *
 * @param event - Any value; expected to be a {@link LoanApplication}.
 * @returns the application id, submission time, and the credit request with trimmed text and a lower-case email.
 * @throws {InvalidLoanApplication} listing every missing or malformed field.
 */
export function collectApplication(event: unknown): CollectedApplication {
  if (!isRecord(event)) throw new InvalidLoanApplication([`The loan application must be a JSON object. Received: ${renderValue(event)}`]);
  const problems: string[] = [];
  const { applicationId, submittedAt, applicant, creditRequested } = event;
  if (typeof applicationId !== "string" || !APPLICATION_ID.test(applicationId)) {
    problems.push(`applicationId must be 1-80 letters, digits, '-' or '_'. Received: ${renderValue(applicationId)}`);
  }
  if (typeof submittedAt !== "string" || !isIsoDateTime(submittedAt)) {
    problems.push(`submittedAt must be an ISO 8601 date-time with offset. Received: ${renderValue(submittedAt)}`);
  }
  if (typeof creditRequested !== "number" || !Number.isFinite(creditRequested) || creditRequested <= 0) {
    problems.push(`creditRequested must be a positive number. Received: ${renderValue(creditRequested)}`);
  }
  const person = isRecord(applicant) ? applicant : {};
  if (!isRecord(applicant)) problems.push(`applicant must be a JSON object. Received: ${renderValue(applicant)}`);
  const text = (field: string, value: unknown): string => {
    if (isNonEmptyString(value)) return value.trim();
    if (isRecord(applicant)) problems.push(`${field} must be a non-empty string. Received: ${renderValue(value)}`);
    return "";
  };
  const id = text("applicant.id", person.id);
  const name = text("applicant.name", person.name);
  const email = text("applicant.email", person.email).toLowerCase();
  if (email && !EMAIL_PATTERN.test(email)) problems.push(`applicant.email must be an email address. Received: ${renderValue(person.email)}`);
  const ssn = text("applicant.ssn", person.ssn);
  const address: Record<string, string> = {};
  if (isRecord(person.address)) {
    for (const field of ADDRESS_FIELDS) address[field] = text(`applicant.address.${field}`, person.address[field]);
  } else if (isRecord(applicant)) {
    problems.push(`applicant.address must be a JSON object. Received: ${renderValue(person.address)}`);
  }
  if (problems.length > 0) throw new InvalidLoanApplication(problems);
  return {
    applicationId: applicationId as string,
    submittedAt: submittedAt as string,
    creditRequest: { applicantId: id, name, email, ssn, address: address as unknown as Address, creditRequested: creditRequested as number },
  };
}

/**
 * Lambda entry point.
 *
 * @param event - A {@link LoanApplication}.
 * @returns a {@link CollectedApplication}.
 * @throws {InvalidLoanApplication} as {@link collectApplication}.
 * @see https://docs.aws.amazon.com/lambda/latest/dg/nodejs-handler.html
 */
export async function handler(event: unknown): Promise<CollectedApplication> {
  return collectApplication(event);
}
