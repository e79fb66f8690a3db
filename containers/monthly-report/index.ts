import { GetObjectCommand, PutObjectCommand, S3Client } from "@aws-sdk/client-s3";
import type { Json } from "../../infra/definition/asl";

/** The AWS clients the container uses: in AWS, its own (the task role's credentials); locally, the runner's. */
export interface ReportClients {
  s3: { send(command: never): Promise<unknown> };
}

/**
 * The `monthly-report` container (an ECS task definition family, a Batch job definition, or a SageMaker model of
 * that name): reads a dataset object from the `DATASET` environment variable (JSON text, `{month, rows: [{category,
 * amount}]}`) and summarises it. Locally it runs in-process through `local/services/jobs.ts`.
 */

/** Ends the container with an exit code (the local runner and the container's entry point read `exitCode`). */
export class JobExit extends Error {
  /** @param exitCode the container's exit code. */
  constructor(
    readonly exitCode: number,
    message: string,
  ) {
    super(message);
  }
}

/** One row of the dataset. */
export interface ReportRow {
  category: string;
  amount: number;
}

/** The dataset the container reads. */
export interface ReportDataset {
  /** `YYYY-MM`. */
  month: string;
  rows: ReportRow[];
}

/**
 * The container's entry point. With `DATASETS_BUCKET`, `SALES_KEY` and `REPORT_KEY` set (data-pipeline's task),
 * reads the sales dataset from `s3://<DATASETS_BUCKET>/<SALES_KEY>`, summarises it ({@link summarise}) and writes
 * the report as JSON to `s3://<DATASETS_BUCKET>/<REPORT_KEY>`; otherwise summarises `DATASET` (JSON text).
 * @param clients the S3 client to use; by default one with the task role's credentials.
 * @returns the summary, plus `reportKey` when written to S3.
 * @throws JobExit with exit code 2 for a missing or malformed dataset; an S3 error (AccessDenied, NoSuchKey) as thrown.
 */
export async function main(args: string[], env: Record<string, string>, clients?: ReportClients): Promise<Json> {
  const { DATASETS_BUCKET: bucket, SALES_KEY: salesKey, REPORT_KEY: reportKey } = env;
  if (!bucket) return summarise(args, env);
  if (!salesKey || !reportKey) throw new JobExit(2, `SALES_KEY and REPORT_KEY must be set with DATASETS_BUCKET. Received: ${JSON.stringify({ SALES_KEY: salesKey, REPORT_KEY: reportKey })}`);
  const s3 = clients?.s3 ?? new S3Client({});
  const object = (await s3.send(new GetObjectCommand({ Bucket: bucket, Key: salesKey }) as never)) as { Body?: { transformToString(): Promise<string> } };
  const text = (await object.Body?.transformToString()) ?? "";
  const report = summarise(args, { DATASET: text }) as Record<string, Json>;
  await s3.send(new PutObjectCommand({ Bucket: bucket, Key: reportKey, Body: JSON.stringify(report), ContentType: "application/json" }) as never);
  return { ...report, reportKey };
}

/**
 * Summarises the dataset in `env.DATASET`.
 * @returns `{month, rows, total, byCategory}`, amounts summed per category.
 * @throws JobExit with exit code 2 when `DATASET` is missing, not JSON, or not a dataset (echoing what it received).
 */
export function summarise(_args: string[], env: Record<string, string>): Json {
  const text = env.DATASET;
  if (text === undefined) throw new JobExit(2, "DATASET is not set: pass the dataset as JSON text in the container's environment.");
  let dataset: ReportDataset;
  try {
    dataset = JSON.parse(text) as ReportDataset;
  } catch {
    throw new JobExit(2, `DATASET is not JSON. Received: ${text.slice(0, 200)}`);
  }
  if (typeof dataset?.month !== "string" || !Array.isArray(dataset.rows) || dataset.rows.length === 0 || dataset.rows.some((row) => typeof row?.category !== "string" || typeof row.amount !== "number")) {
    throw new JobExit(2, `DATASET must be {month, rows: [{category, amount}, ...]} with at least one row. Received: ${text.slice(0, 200)}`);
  }
  const byCategory: Record<string, number> = {};
  for (const row of dataset.rows) byCategory[row.category] = (byCategory[row.category] ?? 0) + row.amount;
  return { month: dataset.month, rows: dataset.rows.length, total: dataset.rows.reduce((sum, row) => sum + row.amount, 0), byCategory };
}
