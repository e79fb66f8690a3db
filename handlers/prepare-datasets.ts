/**
 * Lambda handler for data-pipeline's "Prepare data" state: writes the month's three datasets to the datasets
 * bucket, `input/<month>/sales.json` (`{month, rows: [{category, amount}]}`, for the ECS monthly report),
 * `input/<month>/inventory.json` (`[{warehouse, value}]`, for the Glue aggregate) and `input/<month>/feedback.json`
 * (`[{rating, comment}]`, for the Lambda score).
 *
 * The event is `{input, startedAt}`: the execution's input and `$$.Execution.StartTime`. The month is
 * `input.month` (`YYYY-MM`), or, for a scheduled run with no input, the month before `startedAt`. Each dataset is
 * `input.sales` / `input.inventory` / `input.feedback` when given, else extracted for the month (a deterministic
 * extract standing in for the source systems).
 * @see https://docs.aws.amazon.com/step-functions/latest/dg/connect-lambda.html
 */
import { S3Client } from "@aws-sdk/client-s3";
import { NamedError } from "./lib/errors";
import { type S3Sender, writeJson } from "./lib/datasets";
import { isRecord } from "./lib/guards";

/** The clients the handler uses. */
export interface PrepareClients {
  s3: S3Sender;
}

/** What the handler returns: where the datasets are. */
export interface PreparedDatasets {
  month: string;
  bucket: string;
  datasets: { sales: string; inventory: string; feedback: string };
}

/** The month a run prepares: `input.month`, else the month before `startedAt` (UTC). @throws NamedError `InvalidMonth`. */
export function monthOf(input: Record<string, unknown>, startedAt: string): string {
  if (input.month !== undefined) {
    if (typeof input.month !== "string" || !/^\d{4}-(0[1-9]|1[0-2])$/.test(input.month)) throw new NamedError("InvalidMonth", `month must be YYYY-MM. Received: ${JSON.stringify(input.month)}`);
    return input.month;
  }
  const started = new Date(startedAt);
  if (Number.isNaN(started.getTime())) throw new NamedError("InvalidMonth", `no month, and the start time is not a date. Received: ${JSON.stringify(startedAt)}`);
  const previous = new Date(Date.UTC(started.getUTCFullYear(), started.getUTCMonth() - 1, 1));
  return previous.toISOString().slice(0, 7);
}

/** A deterministic number in [0, 1) from a text (FNV-1a), so a month's extract is always the same. */
function unit(text: string): number {
  let hash = 2166136261;
  for (const char of text) hash = Math.imul(hash ^ char.charCodeAt(0), 16777619) >>> 0;
  return hash / 2 ** 32;
}

/** The month's datasets as the source systems would give them (used when the input carries none). */
export function extract(month: string): { sales: unknown; inventory: unknown; feedback: unknown } {
  const categories = ["books", "games", "garden", "kitchen"];
  return {
    sales: { month, rows: categories.flatMap((category) => [1, 2, 3].map((n) => ({ category, amount: Math.round(unit(`${month}|${category}|${n}`) * 50_000) / 100 }))) },
    inventory: ["dublin", "lyon", "porto"].flatMap((warehouse) => [1, 2].map((n) => ({ warehouse, value: Math.round(unit(`${month}|${warehouse}|${n}`) * 1_000) }))),
    feedback: [1, 2, 3, 4, 5, 6].map((n) => ({ rating: 1 + Math.floor(unit(`${month}|feedback|${n}`) * 5), comment: `response ${n}` })),
  };
}

/**
 * Builds the handler.
 * @param clients the S3 client.
 * @param settings the datasets bucket's name (`DATASETS_BUCKET_NAME`).
 * @returns the handler: event `{input, startedAt}` → {@link PreparedDatasets}.
 * @throws NamedError `InvalidMonth` (see {@link monthOf}); `InvalidDataset` when a given dataset is not an array
 *   (sales: an object with `rows`); S3's errors (AccessDenied) as thrown.
 */
export function createHandler(clients: PrepareClients, settings: { bucket: string }) {
  return async (event: unknown): Promise<PreparedDatasets> => {
    const input = isRecord(event) && isRecord(event.input) ? event.input : {};
    const startedAt = isRecord(event) && typeof event.startedAt === "string" ? event.startedAt : "";
    const month = monthOf(input, startedAt);
    const extracted = extract(month);
    const datasets = {
      sales: input.sales ?? extracted.sales,
      inventory: input.inventory ?? extracted.inventory,
      feedback: input.feedback ?? extracted.feedback,
    };
    if (!isRecord(datasets.sales) || !Array.isArray(datasets.sales.rows)) throw new NamedError("InvalidDataset", `sales must be {month, rows: [...]}. Received: ${JSON.stringify(datasets.sales).slice(0, 200)}`);
    for (const name of ["inventory", "feedback"] as const) {
      if (!Array.isArray(datasets[name])) throw new NamedError("InvalidDataset", `${name} must be an array of records. Received: ${JSON.stringify(datasets[name]).slice(0, 200)}`);
    }
    const keys = { sales: `input/${month}/sales.json`, inventory: `input/${month}/inventory.json`, feedback: `input/${month}/feedback.json` };
    for (const name of ["sales", "inventory", "feedback"] as const) await writeJson(clients.s3, settings.bucket, keys[name], datasets[name]);
    return { month, bucket: settings.bucket, datasets: keys };
  };
}

/** The deployed handler: the bucket from `DATASETS_BUCKET_NAME`, S3 with the function role's credentials. */
export const handler = (event: unknown) => createHandler({ s3: new S3Client({}) }, { bucket: process.env.DATASETS_BUCKET_NAME ?? "" })(event);
