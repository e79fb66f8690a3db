import type { Json } from "../../infra/definition/asl";

/**
 * The `dataset-aggregate` Glue job's script: reads the `--dataset` argument (JSON text, an array of `{key, value}`
 * records) and the optional `--group_by` field, and aggregates the values per key. Locally it runs in-process
 * through `local/services/jobs.ts`, with the run's Arguments as resolved options.
 * @see https://docs.aws.amazon.com/glue/latest/dg/aws-glue-api-crawler-pyspark-extensions-get-resolved-options.html
 */

/**
 * Aggregates the dataset in `env.dataset`.
 * @returns `{job, records, groups: {<key>: {count, sum}}}`.
 * @throws Error when `--dataset` is missing or is not a JSON array of records (echoing what it received).
 */
export function main(_args: string[], env: Record<string, string>): Json {
  const text = env.dataset;
  if (text === undefined) throw new Error("the --dataset argument is required.");
  const records = JSON.parse(text) as Record<string, Json>[];
  if (!Array.isArray(records)) throw new Error(`--dataset must be a JSON array of records. Received: ${text.slice(0, 200)}`);
  const field = env.group_by ?? "key";
  const groups: Record<string, { count: number; sum: number }> = {};
  for (const record of records) {
    const key = String(record[field]);
    const group = (groups[key] ??= { count: 0, sum: 0 });
    group.count += 1;
    group.sum += typeof record.value === "number" ? record.value : 0;
  }
  return { job: env.JOB_NAME ?? "dataset-aggregate", records: records.length, groups };
}
