/**
 * Lambda handler for data-pipeline's "Score feedback" branch: reads the month's feedback dataset
 * (`[{rating: 1-5, comment}]`) from S3 and scores it the way a net promoter score is read: count, mean rating,
 * and the share of detractors (rating 1 or 2) and promoters (rating 5).
 * @see https://docs.aws.amazon.com/step-functions/latest/dg/connect-lambda.html
 */
import { S3Client } from "@aws-sdk/client-s3";
import { NamedError } from "./lib/errors";
import { readJson, type S3Sender } from "./lib/datasets";
import { isRecord } from "./lib/guards";

/** The month's feedback score; shares in [0, 1], rounded to three decimals. */
export interface FeedbackScore {
  responses: number;
  meanRating: number;
  detractorShare: number;
  promoterShare: number;
}

/**
 * Scores feedback records.
 * @throws NamedError `InvalidDataset` when there is no response, or a rating is not an integer from 1 to 5 (naming the record).
 */
export function score(records: unknown): FeedbackScore {
  if (!Array.isArray(records) || records.length === 0) throw new NamedError("InvalidDataset", `feedback must be a non-empty array of {rating, comment}. Received: ${JSON.stringify(records).slice(0, 200)}`);
  const ratings = records.map((record, index) => {
    const rating = isRecord(record) ? record.rating : undefined;
    if (typeof rating !== "number" || !Number.isInteger(rating) || rating < 1 || rating > 5) throw new NamedError("InvalidDataset", `feedback record ${index} has no rating from 1 to 5. Received: ${JSON.stringify(record).slice(0, 200)}`);
    return rating;
  });
  const round = (value: number) => Math.round(value * 1000) / 1000;
  return {
    responses: ratings.length,
    meanRating: round(ratings.reduce((sum, r) => sum + r, 0) / ratings.length),
    detractorShare: round(ratings.filter((r) => r <= 2).length / ratings.length),
    promoterShare: round(ratings.filter((r) => r === 5).length / ratings.length),
  };
}

/**
 * Builds the handler: event `{bucket, key}` → {@link FeedbackScore} of `s3://<bucket>/<key>`.
 * @throws NamedError `InvalidDataset` (see {@link score}); S3's errors (AccessDenied, NoSuchKey) as thrown.
 */
export function createHandler(clients: { s3: S3Sender }) {
  return async (event: unknown): Promise<FeedbackScore> => {
    if (!isRecord(event) || typeof event.bucket !== "string" || typeof event.key !== "string") throw new NamedError("InvalidDataset", `the event must be {bucket, key}. Received: ${JSON.stringify(event)}`);
    return score(await readJson(clients.s3, event.bucket, event.key));
  };
}

/** The deployed handler, S3 with the function role's credentials. */
export const handler = (event: unknown) => createHandler({ s3: new S3Client({}) })(event);
