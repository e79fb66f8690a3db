import { expect } from "chai";
import { CreateBackupCommand, type CreateBackupCommandOutput } from "@aws-sdk/client-dynamodb";
import {
  BackupFailed,
  backupNameFor,
  createHandler,
  InvalidBackupRequest,
  utcStamp,
  type BackupClient,
} from "../../handlers/backup-tables";
import { rejectionOf } from "./helpers";

const AT = new Date("2025-03-04T05:06:07.890Z");
const STAMP = "20250304T050607Z";

/** An SDK-style service error: the SDK sets `name` to the API's exception name. */
function serviceError(name: string, message: string): Error {
  return Object.assign(new Error(message), { name });
}

/**
 * A fake DynamoDB client that records every command and answers CreateBackup with a backup ARN, except for
 * tables listed in `failing`, which reject with the given error.
 */
function fakeClient(failing: Record<string, Error> = {}) {
  const commands: CreateBackupCommand[] = [];
  const client: BackupClient = {
    async send(command) {
      commands.push(command);
      expect(command).to.be.instanceOf(CreateBackupCommand);
      const table = command.input.TableName!;
      if (failing[table]) throw failing[table];
      const output: CreateBackupCommandOutput = {
        $metadata: {},
        BackupDetails: {
          BackupArn: `arn:aws:dynamodb:us-east-1:123456789012:table/${table}/backup/01`,
          BackupName: command.input.BackupName!,
          BackupStatus: "CREATING",
          BackupType: "USER",
          BackupCreationDateTime: AT,
        },
      };
      return output;
    },
  };
  return { client, commands };
}

describe("backup-tables handler", () => {
  it("backs up every table and returns status 200 with the backups in the body", async () => {
    const { client, commands } = fakeClient();
    const result = await createHandler(client, { now: () => AT })({ tables: ["orders", "customers"] });
    expect(result.statusCode).to.equal(200);
    expect(JSON.parse(result.body)).to.deep.equal({
      backups: [
        { table: "orders", backupName: `orders-${STAMP}`, backupArn: "arn:aws:dynamodb:us-east-1:123456789012:table/orders/backup/01" },
        { table: "customers", backupName: `customers-${STAMP}`, backupArn: "arn:aws:dynamodb:us-east-1:123456789012:table/customers/backup/01" },
      ],
    });
    expect(commands.map((c) => c.input)).to.deep.equal([
      { TableName: "orders", BackupName: `orders-${STAMP}` },
      { TableName: "customers", BackupName: `customers-${STAMP}` },
    ]);
  });

  it("trims whitespace left around table names by splitting a comma-separated setting", async () => {
    const { client, commands } = fakeClient();
    await createHandler(client, { now: () => AT })({ tables: ["orders", " customers"] });
    expect(commands.map((c) => c.input.TableName)).to.deep.equal(["orders", "customers"]);
  });

  it("attempts every table when one fails, then throws BackupFailed naming the failed table and its error", async () => {
    const { client, commands } = fakeClient({ customers: serviceError("TableNotFoundException", "Table not found: customers") });
    const error = await rejectionOf(createHandler(client, { now: () => AT })({ tables: ["orders", "customers", "invoices"] }));
    expect(commands.map((c) => c.input.TableName)).to.have.members(["orders", "customers", "invoices"]);
    expect(error).to.be.instanceOf(BackupFailed);
    expect(error.name).to.equal("BackupFailed");
    expect(error.message).to.contain("1 of 3 table backups failed");
    expect(error.message).to.contain("customers (TableNotFoundException: Table not found: customers)");
    expect(error.message).to.contain("Backups started: orders (");
    const failed = error as BackupFailed;
    expect(failed.failures).to.deep.equal([{ table: "customers", error: "TableNotFoundException", message: "Table not found: customers" }]);
    expect(failed.backups.map((b) => b.table)).to.deep.equal(["orders", "invoices"]);
  });

  it("lists every failed table when several fail", async () => {
    const { client } = fakeClient({
      orders: serviceError("ContinuousBackupsUnavailableException", "Backups are being enabled"),
      invoices: serviceError("LimitExceededException", "Too many operations"),
    });
    const error = await rejectionOf(createHandler(client, { now: () => AT })({ tables: ["orders", "invoices"] }));
    expect(error.message).to.match(/^2 of 2 table backups failed: orders \(ContinuousBackupsUnavailableException: .*\); invoices \(LimitExceededException: .*\)\.$/);
  });

  it("counts a response without a backup ARN as a failure", async () => {
    const client: BackupClient = { send: async () => ({ $metadata: {} }) };
    const error = await rejectionOf(createHandler(client, { now: () => AT })({ tables: ["orders"] }));
    expect(error.name).to.equal("BackupFailed");
    expect(error.message).to.contain("orders (MissingBackupArn");
  });

  it("keeps at most the configured number of CreateBackup calls in flight", async () => {
    let inFlight = 0;
    let peak = 0;
    const client: BackupClient = {
      async send(command) {
        inFlight++;
        peak = Math.max(peak, inFlight);
        await new Promise((resolve) => setTimeout(resolve, 2));
        inFlight--;
        return { $metadata: {}, BackupDetails: { BackupArn: `arn:${command.input.TableName}`, BackupName: "x", BackupStatus: "CREATING", BackupType: "USER", BackupCreationDateTime: AT } };
      },
    };
    const tables = Array.from({ length: 12 }, (_, i) => `table-${i}`);
    const result = await createHandler(client, { now: () => AT, concurrency: 3 })({ tables });
    expect(peak).to.equal(3);
    expect(JSON.parse(result.body).backups.map((b: { table: string }) => b.table)).to.deep.equal(tables);
  });

  for (const [what, event] of [
    ["an empty list", { tables: [] }],
    ["a missing list", {}],
    ["a string instead of a list", { tables: "orders" }],
    ["a list holding a number", { tables: ["orders", 7] }],
    ["a list holding a blank name", { tables: ["orders", " "] }],
    ["a null event", null],
  ] as const) {
    it(`throws InvalidBackupRequest for ${what} without calling DynamoDB`, async () => {
      const { client, commands } = fakeClient();
      const error = await rejectionOf(createHandler(client)(event));
      expect(error).to.be.instanceOf(InvalidBackupRequest);
      expect(error.name).to.equal("InvalidBackupRequest");
      expect(commands).to.have.length(0);
    });
  }
});

describe("backupNameFor", () => {
  it("formats the UTC timestamp as YYYYMMDDTHHMMSSZ", () => {
    expect(utcStamp(AT)).to.equal(STAMP);
    expect(backupNameFor("orders", AT)).to.equal(`orders-${STAMP}`);
  });

  it("truncates the table part so the name is at most 255 characters", () => {
    const name = backupNameFor("t".repeat(255), AT);
    expect(name).to.have.length(255);
    expect(name.endsWith(`-${STAMP}`)).to.equal(true);
    expect(name).to.match(/^[a-zA-Z0-9_.-]{3,255}$/);
  });

  it("uses only the table name of a table ARN", () => {
    expect(backupNameFor("arn:aws:dynamodb:eu-west-1:123456789012:table/orders", AT)).to.equal(`orders-${STAMP}`);
  });

  it("replaces characters CreateBackup rejects", () => {
    expect(backupNameFor("bad name/x", AT)).to.equal(`bad_name_x-${STAMP}`);
  });
});
