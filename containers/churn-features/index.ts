import { PutObjectCommand, S3Client } from "@aws-sdk/client-s3";
import type { Json } from "../../infra/definition/asl";

/**
 * The `churn-features` container (the Batch job definition of that name): churn-scoring's feature extraction. Reads
 * the run from its environment, turns each customer record into the churn model's features and writes them as JSON
 * Lines (one `{customerId, contract, features}` per customer) to `FEATURES_URI` in S3, where the model's batch
 * transform reads them. In AWS it writes with the job role's credentials (the SDK finds them); locally the runner
 * passes an S3 client of the local S3 authorized as that role.
 *
 * Environment: `RUN_ID` (lower-case letters, digits and hyphens, at most 40: the transform job's name is
 * `churn-<RUN_ID>`), `CUSTOMERS` (JSON text: a non-empty array of customer records, at most 150, which keeps the
 * SubmitJob request, whose container overrides carry them, under Batch's 30 KiB; a larger population is scored in
 * several runs), `FEATURES_URI` (`s3://<bucket>/<key>`).
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

/** One customer record of `CUSTOMERS`. */
export interface CustomerRecord {
  customerId: string;
  /** Months since the customer signed up. */
  tenureMonths: number;
  /** The monthly bill, in the account's currency. */
  monthlyCharges: number;
  /** Support tickets in the last 90 days. */
  supportTickets: number;
  /** Days since the customer last logged in. */
  daysSinceLastLogin: number;
  /** The contract type, as the CRM names it (the model knows some; extraction passes it through). */
  contract: string;
}

/** One line of the features file. */
export interface FeatureRow {
  customerId: string;
  contract: string;
  /** `[tenure, charges, tickets, inactivity]`, each scaled to 0…1 (capped at 72 months, 150, 10 tickets, 90 days). */
  features: number[];
}

/** The clients the container calls AWS with. */
export interface ChurnFeaturesClients {
  s3: { send(command: never): Promise<unknown> };
}

/** The most customers one job takes. */
export const MAX_CUSTOMERS = 150;

/**
 * Validates a run's customers and scales each into the model's features.
 * @throws JobExit with exit code 2 for a bad `RUN_ID` or `CUSTOMERS`, echoing what it received.
 */
export function extractFeatures(runId: string | undefined, customersText: string | undefined): FeatureRow[] {
  if (runId === undefined || !/^[a-z0-9][a-z0-9-]{0,39}$/.test(runId)) throw new JobExit(2, `RUN_ID must be 1-40 lower-case letters, digits or hyphens. Received: ${JSON.stringify(runId)}`);
  let customers: unknown;
  try {
    customers = JSON.parse(customersText ?? "");
  } catch {
    throw new JobExit(2, `CUSTOMERS is not JSON. Received: ${String(customersText).slice(0, 200)}`);
  }
  if (!Array.isArray(customers) || customers.length === 0 || customers.length > MAX_CUSTOMERS) {
    throw new JobExit(2, `CUSTOMERS must be an array of 1 to ${MAX_CUSTOMERS} customer records. Received: ${JSON.stringify(customers).slice(0, 200)}`);
  }
  const scale = (value: number, cap: number) => Math.round((Math.min(value, cap) / cap) * 10000) / 10000;
  return customers.map((customer: Partial<CustomerRecord>, index) => {
    const numbers = ["tenureMonths", "monthlyCharges", "supportTickets", "daysSinceLastLogin"] as const;
    const bad = [
      ...(typeof customer?.customerId === "string" && customer.customerId !== "" ? [] : ["customerId"]),
      ...numbers.filter((field) => typeof customer?.[field] !== "number" || !Number.isFinite(customer[field]) || (customer[field] as number) < 0),
      ...(typeof customer?.contract === "string" ? [] : ["contract"]),
    ];
    if (bad.length) throw new JobExit(2, `customer #${index + 1} has no valid ${bad.join(", ")}. Received: ${JSON.stringify(customer)}`);
    const c = customer as CustomerRecord;
    return { customerId: c.customerId, contract: c.contract, features: [scale(c.tenureMonths, 72), scale(c.monthlyCharges, 150), scale(c.supportTickets, 10), scale(c.daysSinceLastLogin, 90)] };
  });
}

/**
 * Extracts the features of `env.CUSTOMERS` and writes them to `env.FEATURES_URI`.
 * @param clients the S3 client to write with; @default a new `S3Client` (the job role's credentials, in AWS)
 * @returns `{runId, customers, featuresUri}`.
 * @throws JobExit with exit code 2 for bad input (nothing written); the S3 client's error when the write fails (exit 1).
 */
export async function main(_args: string[], env: Record<string, string>, clients?: ChurnFeaturesClients): Promise<Json> {
  const rows = extractFeatures(env.RUN_ID, env.CUSTOMERS);
  const target = /^s3:\/\/([^/]+)\/(.+)$/.exec(env.FEATURES_URI ?? "");
  if (!target) throw new JobExit(2, `FEATURES_URI must be s3://<bucket>/<key>. Received: ${JSON.stringify(env.FEATURES_URI)}`);
  const s3 = clients?.s3 ?? new S3Client({});
  const body = rows.map((row) => JSON.stringify(row)).join("\n") + "\n";
  await s3.send(new PutObjectCommand({ Bucket: target[1], Key: target[2], Body: body, ContentType: "application/jsonlines" }) as never);
  return { runId: env.RUN_ID, customers: rows.length, featuresUri: env.FEATURES_URI };
}
