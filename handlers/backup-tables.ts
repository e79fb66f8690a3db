/**
 * Lambda handler for the backup-orchestration workflow's "BackupTables" state: takes an on-demand backup of every
 * configured DynamoDB table. The state invokes the function directly (its `Resource` is the function ARN), so the
 * return value is the state's output: `$.statusCode` is checked for 200 and `$.body` becomes the success message.
 *
 * Every table is attempted even when an earlier one fails; if any failed, the handler throws `BackupFailed`
 * listing each failed table with its error, so the workflow's Catch routes to the failure topic.
 *
 * @see https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_CreateBackup.html
 */
import {
  CreateBackupCommand,
  DynamoDBClient,
  type CreateBackupCommandOutput,
} from "@aws-sdk/client-dynamodb";
import { NamedError, renderValue } from "./lib/errors";

/** What the "BackupTables" state sends: the table names split from the `BackupTableNames` setting. */
export interface BackupRequest {
  /** Table names or table ARNs; surrounding whitespace is ignored. */
  tables: string[];
}

/** One backup that was started. */
export interface BackupRecord {
  /** The table as given in the request (trimmed). */
  table: string;
  /** The `BackupName` sent, `<table>-<YYYYMMDDTHHMMSSZ>`. */
  backupName: string;
  /** `BackupDetails.BackupArn` from the CreateBackup response. */
  backupArn: string;
}

/** One table whose backup could not be started. */
export interface BackupFailure {
  table: string;
  /** The SDK error's name, e.g. `TableNotFoundException`, or `Error` for non-SDK failures. */
  error: string;
  message: string;
}

/** What the handler returns when every backup was started. */
export interface BackupResult {
  statusCode: 200;
  /** `JSON.stringify({backups: BackupRecord[]})`, in request order. */
  body: string;
}

/** The part of the DynamoDB client the handler uses; tests pass a fake. */
export interface BackupClient {
  send(command: CreateBackupCommand): Promise<CreateBackupCommandOutput>;
}

/** Options for {@link createHandler}. */
export interface BackupHandlerOptions {
  /** Clock for the backup-name timestamp. @default `() => new Date()` */
  now?: () => Date;
  /** Most CreateBackup calls in flight at once; CreateBackup allows 50 calls per second per account. @default 10 */
  concurrency?: number;
}

/** Thrown, with ASL error name `InvalidBackupRequest`, when `tables` is not a non-empty array of table names. */
export class InvalidBackupRequest extends NamedError {
  /** @param message - What is wrong with `tables`, ending with its value. */
  constructor(message: string) {
    super("InvalidBackupRequest", message);
  }
}

/**
 * Thrown, with ASL error name `BackupFailed`, when at least one table could not be backed up. The message names
 * every failed table and its error, and the backups that did start; `failures` and `backups` carry the same data.
 */
export class BackupFailed extends NamedError {
  /**
   * @param failures - Every table that failed, in request order; must not be empty.
   * @param backups - The backups that did start, in request order.
   */
  constructor(
    readonly failures: readonly BackupFailure[],
    readonly backups: readonly BackupRecord[],
  ) {
    const total = failures.length + backups.length;
    const failed = failures.map((f) => `${f.table} (${f.error}: ${f.message})`).join("; ");
    const started = backups.length > 0 ? ` Backups started: ${backups.map((b) => `${b.table} (${b.backupArn})`).join("; ")}.` : "";
    super("BackupFailed", `${failures.length} of ${total} table backups failed: ${failed}.${started}`);
  }
}

/** Longest `BackupName` CreateBackup accepts, in characters. */
export const MAX_BACKUP_NAME_LENGTH = 255;

/** Characters CreateBackup accepts in a `BackupName`. */
export const BACKUP_NAME_PATTERN = /^[a-zA-Z0-9_.-]{3,255}$/;

/** Default for {@link BackupHandlerOptions.concurrency}. */
export const DEFAULT_CONCURRENCY = 10;

/**
 * Formats an instant as a compact UTC timestamp.
 *
 * @param at - The instant.
 * @returns `YYYYMMDDTHHMMSSZ`, 16 characters, e.g. `20250102T030405Z` (seconds precision, truncated).
 * @throws {RangeError} When `at` is an invalid date.
 * @see https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_CreateBackup.html#DDB-CreateBackup-request-BackupName
 */
export function utcStamp(at: Date): string {
  return at.toISOString().replace(/\.\d{3}Z$/, "Z").replace(/[-:]/g, "");
}

/**
 * Builds the `BackupName` for a table: `<table>-<YYYYMMDDTHHMMSSZ>`. A table ARN contributes only its table name;
 * characters CreateBackup rejects become `_`, and the table part is cut so the whole name fits in 255 characters.
 *
 * @param table - Table name or table ARN (`arn:aws:dynamodb:<region>:<account>:table/<name>`).
 * @param at - The instant to stamp.
 * @returns A name matching `[a-zA-Z0-9_.-]{3,255}`.
 * @throws {RangeError} When `at` is an invalid date.
 * @see https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_CreateBackup.html#DDB-CreateBackup-request-BackupName
 */
export function backupNameFor(table: string, at: Date): string {
  const stamp = utcStamp(at);
  const tableName = table.startsWith("arn:") ? table.slice(table.lastIndexOf("/") + 1) : table;
  const safe = tableName.replace(/[^a-zA-Z0-9_.-]/g, "_") || "table";
  return `${safe.slice(0, MAX_BACKUP_NAME_LENGTH - stamp.length - 1)}-${stamp}`;
}

/**
 * Reads and checks the `tables` of a backup request.
 *
 * @param event - Any value; expected to be a {@link BackupRequest}.
 * @returns The table names, trimmed, in request order.
 * @throws {InvalidBackupRequest} When the event is not an object, or `tables` is not an array, is empty, or holds a
 *   non-string or blank entry.
 * @see https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_CreateBackup.html#DDB-CreateBackup-request-TableName
 */
export function parseBackupRequest(event: unknown): string[] {
  const tables = typeof event === "object" && event !== null ? (event as { tables?: unknown }).tables : undefined;
  if (!Array.isArray(tables) || tables.length === 0) {
    throw new InvalidBackupRequest(`tables must be a non-empty array of table names. Received: ${renderValue(tables)}`);
  }
  return tables.map((table: unknown, index) => {
    if (typeof table !== "string" || table.trim() === "") {
      throw new InvalidBackupRequest(`tables[${index}] must be a non-empty table name. Received: ${renderValue(table)}`);
    }
    return table.trim();
  });
}

/**
 * Runs `task` over `items` with at most `limit` tasks in flight, keeping result order.
 *
 * @param items - Inputs.
 * @param limit - Most concurrent tasks; fractions are floored, and values below 1 and `NaN` count as 1.
 * @param task - Must not throw (wrap failures in the result).
 * @returns The results, index-aligned with `items`.
 */
async function mapWithConcurrency<T, R>(items: readonly T[], limit: number, task: (item: T) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const index = next++;
      results[index] = await task(items[index]);
    }
  };
  const workers = Math.max(1, Math.min(Math.floor(limit) || 1, items.length));
  await Promise.all(Array.from({ length: workers }, worker));
  return results;
}

/**
 * Builds the handler around a DynamoDB client.
 *
 * @param client - A `DynamoDBClient` or a fake with the same `send`.
 * @param options - Clock and concurrency, see {@link BackupHandlerOptions}.
 * @returns An async handler: `({tables}) => {statusCode: 200, body}`. One timestamp is taken per invocation, so all
 *   backups of one run share it.
 * @throws {InvalidBackupRequest} (from the returned handler) When the request fails {@link parseBackupRequest};
 *   no table is attempted then.
 * @throws {BackupFailed} (from the returned handler) When any CreateBackup call fails or returns no `BackupArn`;
 *   every table is attempted first.
 * @see https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_CreateBackup.html
 */
export function createHandler(client: BackupClient, options: BackupHandlerOptions = {}) {
  const now = options.now ?? (() => new Date());
  const concurrency = options.concurrency ?? DEFAULT_CONCURRENCY;
  return async function backupTables(event: unknown): Promise<BackupResult> {
    const tables = parseBackupRequest(event);
    const at = now();
    const outcomes = await mapWithConcurrency(tables, concurrency, async (table): Promise<BackupRecord | BackupFailure> => {
      const backupName = backupNameFor(table, at);
      try {
        const response = await client.send(new CreateBackupCommand({ TableName: table, BackupName: backupName }));
        const backupArn = response.BackupDetails?.BackupArn;
        if (!backupArn) {
          return { table, error: "MissingBackupArn", message: "CreateBackup returned no BackupDetails.BackupArn" };
        }
        return { table, backupName, backupArn };
      } catch (error) {
        const { name, message } = error instanceof Error ? error : { name: "Error", message: renderValue(error) };
        return { table, error: name, message };
      }
    });
    const failures = outcomes.filter((o): o is BackupFailure => "error" in o);
    const backups = outcomes.filter((o): o is BackupRecord => "backupArn" in o);
    if (failures.length > 0) {
      throw new BackupFailed(failures, backups);
    }
    return { statusCode: 200, body: JSON.stringify({ backups }) };
  };
}

/**
 * Lambda entry point, using a `DynamoDBClient` configured from the Lambda environment (region, credentials).
 *
 * @see createHandler for the event, result and errors.
 * @see https://docs.aws.amazon.com/lambda/latest/dg/nodejs-handler.html
 */
export const handler = createHandler(new DynamoDBClient({}));
