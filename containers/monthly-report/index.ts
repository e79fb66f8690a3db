import type { Json } from "../../infra/definition/asl";

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
 * Summarises the dataset in `env.DATASET`.
 * @returns `{month, rows, total, byCategory}`, amounts summed per category.
 * @throws JobExit with exit code 2 when `DATASET` is missing, not JSON, or not a dataset (echoing what it received).
 */
export function main(_args: string[], env: Record<string, string>): Json {
  const text = env.DATASET;
  if (text === undefined) throw new JobExit(2, "DATASET is not set: pass the dataset as JSON text in the container's environment.");
  let dataset: ReportDataset;
  try {
    dataset = JSON.parse(text) as ReportDataset;
  } catch {
    throw new JobExit(2, `DATASET is not JSON. Received: ${text.slice(0, 200)}`);
  }
  if (typeof dataset?.month !== "string" || !Array.isArray(dataset.rows) || dataset.rows.some((row) => typeof row?.category !== "string" || typeof row.amount !== "number")) {
    throw new JobExit(2, `DATASET must be {month, rows: [{category, amount}]}. Received: ${text.slice(0, 200)}`);
  }
  const byCategory: Record<string, number> = {};
  for (const row of dataset.rows) byCategory[row.category] = (byCategory[row.category] ?? 0) + row.amount;
  return { month: dataset.month, rows: dataset.rows.length, total: dataset.rows.reduce((sum, row) => sum + row.amount, 0), byCategory };
}
