import { randomBytes } from "node:crypto";
import { CreateBackupCommand, type CreateBackupCommandOutput } from "@aws-sdk/client-dynamodb";
import type { Naming } from "../../infra/naming";
import type { LocalDynamoDb } from "./dynamodb";

/**
 * A local stand-in for DynamoDB's CreateBackup, which dynalite does not implement (its server answers
 * `UnknownOperationException` for every operation outside the item and table APIs). The backup-tables handler is
 * given this object as its client, so the handler's own logic runs unchanged; only the CreateBackup call is
 * emulated here:
 *
 * - a table that exists in the local dynalite (by name or table ARN) gets a backup record with a realistic
 *   `BackupArn`, `arn:<partition>:dynamodb:<region>:<account>:table/<name>/backup/<14-digit ms>-<8 hex>`, and
 *   status `CREATING`, as the real API answers;
 * - any other table fails with `TableNotFoundException`, the error the real API throws.
 *
 * No data is copied: the record only proves the handler asked for the right backups.
 * @see https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_CreateBackup.html
 */

/** A backup the service "took". */
export interface LocalBackup {
  /** Physical table name. */
  table: string;
  backupName: string;
  backupArn: string;
  /** When the request was answered. */
  createdAt: Date;
}

/** Characters and length CreateBackup accepts in a BackupName. */
const BACKUP_NAME = /^[a-zA-Z0-9_.-]{3,255}$/;

/** An error shaped like an SDK service exception: `name` is the API's exception name. */
function serviceError(name: string, message: string): Error {
  return Object.assign(new Error(message), { name, $fault: "client" as const, $metadata: { httpStatusCode: 400 } });
}

/** Answers CreateBackupCommand against the local dynalite tables; see the module comment. */
export class LocalBackupService {
  /** Every backup answered so far, in order. */
  readonly backups: LocalBackup[] = [];

  /**
   * @param dynamodb the local database whose tables can be backed up.
   * @param naming the stack's naming, for the ARN's partition, Region and account.
   * @param now clock for the ARN's timestamp. @default `() => new Date()`
   */
  constructor(
    private readonly dynamodb: LocalDynamoDb,
    private readonly naming: Naming,
    private readonly now: () => Date = () => new Date(),
  ) {}

  /**
   * Answers one command, as `DynamoDBClient.send` does.
   *
   * @param command a `CreateBackupCommand` (`{TableName, BackupName}`).
   * @returns `{BackupDetails: {BackupArn, BackupName, BackupStatus: "CREATING", BackupType: "USER",
   *   BackupCreationDateTime, BackupSizeBytes}}`.
   * @throws Error named `TableNotFoundException` for a table that does not exist locally, `ValidationException` for
   *   a missing or malformed BackupName, `UnknownOperationException` for any other command.
   */
  async send(command: CreateBackupCommand): Promise<CreateBackupCommandOutput> {
    if (!(command instanceof CreateBackupCommand)) {
      throw serviceError("UnknownOperationException", `LocalBackupService answers CreateBackup only. Received: ${(command as object)?.constructor?.name}`);
    }
    const { TableName: given, BackupName: backupName } = command.input;
    if (!backupName || !BACKUP_NAME.test(backupName)) {
      throw serviceError("ValidationException", `1 validation error detected: Value '${backupName}' at 'backupName' failed to satisfy constraint: Member must satisfy regular expression pattern: [a-zA-Z0-9_.-]+`);
    }
    const table = given?.startsWith("arn:") ? given.slice(given.indexOf(":table/") + ":table/".length) : given;
    const description = table ? await this.dynamodb.describeTable(table) : undefined;
    if (!table || !description) {
      throw serviceError("TableNotFoundException", `Table not found: ${given}`);
    }
    const createdAt = this.now();
    const backupArn = `${this.naming.tableArn(table)}/backup/${String(createdAt.getTime()).padStart(14, "0")}-${randomBytes(4).toString("hex")}`;
    this.backups.push({ table, backupName, backupArn, createdAt });
    return {
      $metadata: { httpStatusCode: 200 },
      BackupDetails: {
        BackupArn: backupArn,
        BackupName: backupName,
        BackupSizeBytes: description.TableSizeBytes ?? 0,
        BackupStatus: "CREATING",
        BackupType: "USER",
        BackupCreationDateTime: createdAt,
      },
    };
  }
}
