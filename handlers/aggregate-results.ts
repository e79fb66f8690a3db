/**
 * Lambda handler for data-pipeline's "Aggregate results" state: reads the monthly report the ECS task wrote and
 * the inventory aggregate the Glue job wrote (both under `output/<month>/`), joins them with the feedback score,
 * and writes the month's summary to `summaries/<month>.json`.
 * @see https://docs.aws.amazon.com/step-functions/latest/dg/connect-lambda.html
 */
import { S3Client } from "@aws-sdk/client-s3";
import { NamedError } from "./lib/errors";
import { readJson, type S3Sender, writeJson } from "./lib/datasets";
import { isRecord } from "./lib/guards";

/** The month's summary, as written to S3 and returned. */
export interface MonthlySummary {
  month: string;
  summaryKey: string;
  sales: { total: number; byCategory: Record<string, number> };
  inventory: { records: number; byWarehouse: Record<string, number> };
  feedback: unknown;
}

/**
 * Builds the handler: event `{month, bucket, reportKey, inventoryKey, feedback}` → {@link MonthlySummary}.
 * @throws NamedError `InvalidDataset` when the event lacks a field or an output is not what its job writes;
 *   S3's errors as thrown.
 */
export function createHandler(clients: { s3: S3Sender }) {
  return async (event: unknown): Promise<MonthlySummary> => {
    if (!isRecord(event) || ["month", "bucket", "reportKey", "inventoryKey"].some((field) => typeof event[field] !== "string")) {
      throw new NamedError("InvalidDataset", `the event must be {month, bucket, reportKey, inventoryKey, feedback}. Received: ${JSON.stringify(event).slice(0, 300)}`);
    }
    const { month, bucket, reportKey, inventoryKey } = event as Record<string, string>;
    const report = await readJson(clients.s3, bucket, reportKey);
    const inventory = await readJson(clients.s3, bucket, inventoryKey);
    if (!isRecord(report) || typeof report.total !== "number" || !isRecord(report.byCategory)) throw new NamedError("InvalidDataset", `${reportKey} is not a monthly report. Received: ${JSON.stringify(report).slice(0, 200)}`);
    if (!isRecord(inventory) || typeof inventory.records !== "number" || !isRecord(inventory.groups)) throw new NamedError("InvalidDataset", `${inventoryKey} is not an inventory aggregate. Received: ${JSON.stringify(inventory).slice(0, 200)}`);
    const summaryKey = `summaries/${month}.json`;
    const summary: MonthlySummary = {
      month,
      summaryKey,
      sales: { total: Math.round(report.total * 100) / 100, byCategory: report.byCategory as Record<string, number> },
      inventory: { records: inventory.records, byWarehouse: Object.fromEntries(Object.entries(inventory.groups as Record<string, { sum: number }>).map(([warehouse, group]) => [warehouse, group.sum])) },
      feedback: event.feedback ?? null,
    };
    await writeJson(clients.s3, bucket, summaryKey, summary);
    return summary;
  };
}

/** The deployed handler, S3 with the function role's credentials. */
export const handler = (event: unknown) => createHandler({ s3: new S3Client({}) })(event);
