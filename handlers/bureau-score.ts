/**
 * Lambda handler for the credit-approval workflow's "Get all scores" state, run once per credit bureau by the Map
 * state with `{bureau, applicantId}`; the payload becomes that iteration's result (`"OutputPath": "$.Payload"`).
 *
 * It stands in for a bureau's scoring API: the score is a deterministic function of the bureau and the applicant,
 * so executions are repeatable and tests can pin results.
 *
 * @see https://docs.aws.amazon.com/step-functions/latest/dg/state-map-inline.html
 * @see https://nodejs.org/api/crypto.html#cryptocreatehashalgorithm-options
 */
import { createHash } from "node:crypto";
import { NamedError, renderValue } from "./lib/errors";
import { isNonEmptyString, isRecord } from "./lib/guards";

/** What each Map iteration sends. */
export interface ScoreRequest {
  /** The bureau's name, from the bureaus table's `bureau_name`. */
  bureau: string;
  applicantId: string;
}

/** What the handler returns. */
export interface BureauScore {
  bureau: string;
  applicantId: string;
  /** Integer from {@link MIN_SCORE} to {@link MAX_SCORE} inclusive. */
  score: number;
}

/** Lowest score a bureau reports (the FICO range's floor). */
export const MIN_SCORE = 300;

/** Highest score a bureau reports (the FICO range's ceiling). */
export const MAX_SCORE = 850;

/** Thrown, with ASL error name `InvalidScoreRequest`, when the request lacks the bureau or the applicant. */
export class InvalidScoreRequest extends NamedError {
  /** @param message - Which field is missing, ending with its value. */
  constructor(message: string) {
    super("InvalidScoreRequest", message);
  }
}

/**
 * Computes the score a bureau gives an applicant.
 *
 * Hashes `JSON.stringify([bureau, applicantId])` with SHA-256 (the JSON array keeps `("ab","c")` and `("a","bc")`
 * apart), reads the first 6 bytes as an unsigned integer and maps it onto 300..850 by remainder (bias below 1e-12).
 *
 * @param bureau - Bureau name, used verbatim (case and spaces matter).
 * @param applicantId - Applicant id, used verbatim.
 * @returns An integer from 300 to 850 inclusive, the same for the same arguments on every run. Never throws.
 * @see https://nodejs.org/api/crypto.html#cryptocreatehashalgorithm-options
 */
export function scoreFor(bureau: string, applicantId: string): number {
  const digest = createHash("sha256").update(JSON.stringify([bureau, applicantId]), "utf8").digest();
  return MIN_SCORE + (digest.readUIntBE(0, 6) % (MAX_SCORE - MIN_SCORE + 1));
}

/**
 * Lambda entry point.
 *
 * @param event - A {@link ScoreRequest}.
 * @returns `{bureau, applicantId, score}` ({@link BureauScore}).
 * @throws {InvalidScoreRequest} When the event is not an object or `bureau` or `applicantId` is missing or blank.
 * @see https://docs.aws.amazon.com/lambda/latest/dg/nodejs-handler.html
 */
export async function handler(event: unknown): Promise<BureauScore> {
  if (!isRecord(event)) {
    throw new InvalidScoreRequest(`The score request must be a JSON object. Received: ${renderValue(event)}`);
  }
  const { bureau, applicantId } = event;
  if (!isNonEmptyString(bureau)) {
    throw new InvalidScoreRequest(`bureau must be a non-empty string. Received: ${renderValue(bureau)}`);
  }
  if (!isNonEmptyString(applicantId)) {
    throw new InvalidScoreRequest(`applicantId must be a non-empty string. Received: ${renderValue(applicantId)}`);
  }
  return { bureau, applicantId, score: scoreFor(bureau, applicantId) };
}
