import { GetObjectCommand, PutObjectCommand, S3Client } from "@aws-sdk/client-s3";
import type { Json } from "../../infra/definition/asl";

/**
 * The `dataset-aggregate` Glue job, as the local run executes it: the TypeScript twin of `script.py`, the Python
 * shell script the stack deploys to Glue (the two take the same arguments and give the same result:
 * `tests/local/glue-script.test.ts` runs both). It aggregates records `{<group_by>: key, value: number}` per key.
 *
 * Arguments (Glue's resolved options, without dashes):
 * - `dataset_bucket`, `dataset_key`, `output_key`: read the records (a JSON array) from
 *   `s3://<dataset_bucket>/<dataset_key>` and write the aggregate as JSON to `s3://<dataset_bucket>/<output_key>`;
 * - or `dataset`: the records as JSON text, with nothing written;
 * - `group_by`: the field to group on (default `key`).
 * @see https://docs.aws.amazon.com/glue/latest/dg/aws-glue-api-crawler-pyspark-extensions-get-resolved-options.html
 */

/** The AWS clients the job uses: in Glue, its own (the job role's credentials); locally, the runner's. */
export interface AggregateClients {
  s3: { send(command: never): Promise<unknown> };
}

/** One group of the aggregate. */
export interface Group {
  count: number;
  sum: number;
}

/**
 * Aggregates records per key.
 * @param records the dataset: an array of objects.
 * @param field the field to group on.
 * @returns `{records, groups: {<key>: {count, sum}}}`, keys in first-seen order.
 * @throws Error naming the record when the dataset is not an array, or a record's `value` is not a finite number.
 */
export function aggregate(records: unknown, field: string): { records: number; groups: Record<string, Group> } {
  if (!Array.isArray(records)) throw new Error(`the dataset must be a JSON array of records. Received: ${JSON.stringify(records).slice(0, 200)}`);
  const groups: Record<string, Group> = {};
  records.forEach((record: Record<string, unknown>, index) => {
    const value = record?.value;
    if (typeof value !== "number" || !Number.isFinite(value)) throw new Error(`record ${index} has no numeric value: ${JSON.stringify(record).slice(0, 200)}`);
    const group = (groups[String(record[field])] ??= { count: 0, sum: 0 });
    group.count += 1;
    group.sum += value;
  });
  return { records: records.length, groups };
}

/**
 * The job's entry point: reads the dataset (S3 or `dataset`), aggregates it and writes the result.
 * @param clients the S3 client to use; by default one with the job role's credentials.
 * @returns `{job, records, groups}`, plus `outputKey` when written to S3.
 * @throws Error when neither `dataset_bucket`/`dataset_key`/`output_key` nor `dataset` is given, or as {@link aggregate}.
 */
export async function main(_args: string[], env: Record<string, string>, clients?: AggregateClients): Promise<Json> {
  const job = env.JOB_NAME ?? "dataset-aggregate";
  const field = env.group_by ?? "key";
  if (env.dataset !== undefined) return { job, ...aggregate(JSON.parse(env.dataset), field) } as unknown as Json;
  const { dataset_bucket: bucket, dataset_key: key, output_key: outputKey } = env;
  if (!bucket || !key || !outputKey) throw new Error("the --dataset_bucket, --dataset_key and --output_key arguments (or --dataset) are required.");
  const s3 = clients?.s3 ?? new S3Client({});
  const object = (await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }) as never)) as { Body?: { transformToString(): Promise<string> } };
  const result = { job, ...aggregate(JSON.parse((await object.Body?.transformToString()) ?? "null"), field) };
  await s3.send(new PutObjectCommand({ Bucket: bucket, Key: outputKey, Body: JSON.stringify(result), ContentType: "application/json" }) as never);
  return { ...result, outputKey } as unknown as Json;
}
