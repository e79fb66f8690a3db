import * as fs from "node:fs";
import * as path from "node:path";
import YAML from "yaml";
import { z } from "zod";
import { partitionOf } from "./iam/arn";
import { PROJECT_ROOT } from "./manifest";

/**
 * A stack's configuration: the schema, and reading it from Pulumi config or from a `Pulumi.<stack>.yaml` file.
 * Keys live in the `statecraft:` namespace, except the Region, which is AWS's own `aws:region`.
 * @see https://www.pulumi.com/docs/iac/concepts/config/
 */

/** Retention periods CloudWatch Logs accepts, in days. */
export const LOG_RETENTION_DAYS = [1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653] as const;

const tableName = z.string().regex(/^[A-Za-z0-9_.-]{3,255}$/, "must be a DynamoDB table name: 3-255 letters, digits, '_', '-' or '.'");

/** The schema of a stack's configuration, with its Pulumi config key per field. */
export const stackConfigSchema = z.object({
  /** `aws:region`: where the stack deploys. */
  region: z.string().regex(/^[a-z]{2}(-gov|-iso|-isob)?-[a-z]+-\d$/, "must be an AWS Region such as eu-west-1"),
  /** `statecraft:accountId`: the 12-digit account the stack deploys to; the provider refuses any other. */
  accountId: z.string().regex(/^\d{12}$/, "must be a 12-digit AWS account id (quote it in YAML)"),
  /** `statecraft:logLevel`: the Standard workflows' log level; Express workflows always log ALL. */
  logLevel: z.enum(["ALL", "ERROR", "FATAL", "OFF"]),
  /** `statecraft:includeExecutionData`: whether logs carry execution input and output. @default true */
  includeExecutionData: z.boolean().default(true),
  /** `statecraft:logRetentionDays`: retention of every log group, in days. */
  logRetentionDays: z.number().refine((days) => (LOG_RETENTION_DAYS as readonly number[]).includes(days), {
    message: `must be one of CloudWatch Logs' retention periods: ${LOG_RETENTION_DAYS.join(", ")}`,
  }),
  /** `statecraft:tracing`: X-Ray tracing of state machines and functions. */
  tracing: z.boolean(),
  /**
   * `statecraft:kmsKey`: encryption at rest of state machines, logs, topics and tables: `none` (AWS-owned keys),
   * `create` (a customer-managed key this stack creates), or the ARN of an existing customer-managed key.
   */
  kmsKey: z.union([z.literal("none"), z.literal("create"), z.string().regex(/^arn:aws[a-z-]*:kms:[a-z0-9-]+:\d{12}:key\/[0-9a-f-]{36}$/, "must be none, create, or a KMS key ARN")]),
  /** `statecraft:tableProtection`: how the stack's DynamoDB tables are protected. */
  tableProtection: z
    .object({
      pointInTimeRecovery: z.boolean(),
      deletionProtection: z.boolean(),
      /** Keep the table in AWS when it leaves the stack. */
      retainOnDelete: z.boolean(),
    })
    .strict(),
  /** `statecraft:tags`: tags on every resource (the provider's default tags). */
  tags: z.record(z.string().min(1).max(128), z.string().max(256)).default({}),
  /**
   * `statecraft:backupTables`: the tables the backup workflow backs up: a logical name of this stack's tables
   * (`orders`, `credit-bureaus`) or the physical name of any table in the account and Region.
   */
  backupTables: z.array(tableName).min(1, "must list at least one table"),
});

/** A validated stack configuration. */
export type StackConfig = z.infer<typeof stackConfigSchema> & { partition: string };

/** Each field's Pulumi config key and how its string value is read. */
const KEYS: Record<keyof z.infer<typeof stackConfigSchema>, { key: string; kind: "string" | "number" | "boolean" | "json" }> = {
  region: { key: "aws:region", kind: "string" },
  accountId: { key: "statecraft:accountId", kind: "string" },
  logLevel: { key: "statecraft:logLevel", kind: "string" },
  includeExecutionData: { key: "statecraft:includeExecutionData", kind: "boolean" },
  logRetentionDays: { key: "statecraft:logRetentionDays", kind: "number" },
  tracing: { key: "statecraft:tracing", kind: "boolean" },
  kmsKey: { key: "statecraft:kmsKey", kind: "string" },
  tableProtection: { key: "statecraft:tableProtection", kind: "json" },
  tags: { key: "statecraft:tags", kind: "json" },
  backupTables: { key: "statecraft:backupTables", kind: "json" },
};

/** A stack configuration that does not satisfy the schema; the message names each bad key and the stack file. */
export class StackConfigError extends Error {
  constructor(
    readonly stackFile: string,
    readonly problems: string[],
  ) {
    super(`${stackFile}: invalid stack configuration:\n  ${problems.join("\n  ")}`);
    this.name = "StackConfigError";
  }
}

/**
 * Validates a stack's configuration given as Pulumi config strings (`"<namespace>:<key>" → string`, objects as
 * JSON), the form `pulumi.runtime.allConfig()` and `PULUMI_CONFIG` use.
 *
 * @param stack the stack name, to name `Pulumi.<stack>.yaml` in errors.
 * @param raw config key → string value.
 * @returns the validated configuration, with its partition derived from the Region.
 * @throws StackConfigError naming every missing or bad key and the stack file.
 */
export function parseStackConfig(stack: string, raw: Record<string, string | undefined>): StackConfig {
  const typed: Record<string, unknown> = {};
  for (const [field, { key, kind }] of Object.entries(KEYS)) {
    const text = raw[key];
    if (text !== undefined) typed[field] = fromString(text, kind);
  }
  return validate(stackFileName(stack), typed);
}

/**
 * Reads and validates `Pulumi.<stack>.yaml` from the project root.
 *
 * @param stack the stack name.
 * @param root the directory holding the stack file.
 * @returns the validated configuration and the raw config strings to hand to Pulumi (for mocks).
 * @throws StackConfigError for a missing file, bad YAML or a bad value, naming the file and key.
 */
export function readStackFile(stack: string, root = PROJECT_ROOT): { config: StackConfig; raw: Record<string, string> } {
  const file = stackFileName(stack);
  let document: unknown;
  try {
    document = YAML.parse(fs.readFileSync(path.join(root, file), "utf8"));
  } catch (error) {
    throw new StackConfigError(file, [(error as Error).message]);
  }
  const entries = (document as { config?: Record<string, unknown> } | null)?.config;
  if (!entries || typeof entries !== "object") throw new StackConfigError(file, ["the file has no `config:` map"]);
  const raw: Record<string, string> = {};
  for (const [key, value] of Object.entries(entries)) {
    raw[key] = typeof value === "string" ? value : JSON.stringify(value);
  }
  return { config: parseStackConfig(stack, raw), raw };
}

/** `Pulumi.<stack>.yaml`. */
export function stackFileName(stack: string): string {
  return `Pulumi.${stack}.yaml`;
}

function validate(file: string, typed: Record<string, unknown>): StackConfig {
  const result = stackConfigSchema.safeParse(typed);
  if (!result.success) {
    const problems = result.error.issues.map((issue) => {
      const [field, ...rest] = issue.path.map(String);
      const key = KEYS[field as keyof typeof KEYS]?.key ?? field;
      const where = [key, ...rest].join(".");
      const received = typed[field] === undefined ? "missing" : `got ${JSON.stringify(rest.reduce<unknown>((v, k) => (v as Record<string, unknown>)?.[k], typed[field]))}`;
      return `${where}: ${typed[field] === undefined ? "is required" : issue.message} (${received})`;
    });
    throw new StackConfigError(file, problems);
  }
  return { ...result.data, partition: partitionOf(result.data.region) };
}

function fromString(text: string, kind: "string" | "number" | "boolean" | "json"): unknown {
  switch (kind) {
    case "string":
      return text;
    case "number":
      return /^-?\d+(\.\d+)?$/.test(text.trim()) ? Number(text) : text;
    case "boolean":
      return text === "true" ? true : text === "false" ? false : text;
    case "json":
      try {
        return JSON.parse(text);
      } catch {
        return text;
      }
  }
}
