import { expect } from "chai";
import { CreateBackupCommand, ListTablesCommand } from "@aws-sdk/client-dynamodb";
import { LocalBackupService } from "../../local/services/backups";
import { LocalDynamoDb } from "../../local/services/dynamodb";
import { Naming } from "../../infra/naming";
import { createHandler } from "../../handlers/backup-tables";

const naming = new Naming("statecraft", "dev", { partition: "aws", region: "eu-west-1", account: "111111111111" });
const AT = new Date("2025-03-04T05:06:07.890Z");

describe("LocalDynamoDb", () => {
  let dynamodb: LocalDynamoDb;
  before(async () => {
    dynamodb = await LocalDynamoDb.start(naming);
  });
  after(async () => {
    await dynamodb?.stop();
  });

  it("creates the manifest's tables under the stack's physical names, seeded", async () => {
    const { TableNames } = await dynamodb.client.send(new ListTablesCommand({}));
    expect(TableNames).to.have.members(["statecraft-dev-orders", "statecraft-dev-credit-bureaus", "statecraft-dev-loan-applications", "statecraft-dev-users", "statecraft-dev-sensor-readings", "statecraft-dev-approval-requests", "statecraft-dev-payment-accounts", "statecraft-dev-churn-scoring-runs"]);
    const bureaus = await dynamodb.scan("statecraft-dev-credit-bureaus");
    expect(bureaus.map((item) => item.bureau_name.S)).to.have.members(["Equifax", "Experian", "TransUnion"]);
    expect(dynamodb.endpoint).to.match(/^http:\/\/127\.0\.0\.1:\d+$/);
  });

  it("puts the seed items back and nothing else on reset", async () => {
    await dynamodb.putItems("statecraft-dev-orders", [{ orderId: { S: "o-1" } }]);
    await dynamodb.reset();
    expect(await dynamodb.scan("statecraft-dev-orders")).to.be.empty;
    expect(await dynamodb.scan("statecraft-dev-credit-bureaus")).to.have.length(3);
  });

  it("is backed by a server that does not implement CreateBackup, hence LocalBackupService", async () => {
    const error = await dynamodb.client.send(new CreateBackupCommand({ TableName: "statecraft-dev-orders", BackupName: "b-1" })).then(
      () => undefined,
      (e: Error) => e,
    );
    expect(error?.name).to.equal("UnknownOperationException");
  });
});

describe("LocalBackupService", () => {
  let dynamodb: LocalDynamoDb;
  before(async () => {
    dynamodb = await LocalDynamoDb.start(naming);
  });
  after(async () => {
    await dynamodb?.stop();
  });

  it("answers CreateBackup for a local table with a BackupArn shaped like DynamoDB's", async () => {
    const service = new LocalBackupService(dynamodb, naming, () => AT);
    const output = await service.send(new CreateBackupCommand({ TableName: "statecraft-dev-orders", BackupName: "orders-1" }));
    expect(output.BackupDetails).to.deep.include({ BackupName: "orders-1", BackupStatus: "CREATING", BackupType: "USER", BackupCreationDateTime: AT });
    expect(output.BackupDetails?.BackupArn).to.match(/^arn:aws:dynamodb:eu-west-1:111111111111:table\/statecraft-dev-orders\/backup\/01741064767890-[0-9a-f]{8}$/);
    expect(service.backups).to.have.length(1);
  });

  it("accepts a table ARN as TableName, as the API does", async () => {
    const service = new LocalBackupService(dynamodb, naming);
    await service.send(new CreateBackupCommand({ TableName: naming.tableArn("statecraft-dev-orders"), BackupName: "orders-2" }));
    expect(service.backups[0].table).to.equal("statecraft-dev-orders");
  });

  it("fails a table that does not exist with TableNotFoundException", async () => {
    const service = new LocalBackupService(dynamodb, naming);
    const error = await service.send(new CreateBackupCommand({ TableName: "statecraft-dev-nope", BackupName: "nope-1" })).then(
      () => undefined,
      (e: Error) => e,
    );
    expect(error?.name).to.equal("TableNotFoundException");
    expect(error?.message).to.include("statecraft-dev-nope");
    expect(service.backups).to.be.empty;
  });

  it("lets the real backup-tables handler report every failed table as BackupFailed", async () => {
    const handler = createHandler(new LocalBackupService(dynamodb, naming), { now: () => AT });
    const error = await handler({ tables: ["statecraft-dev-orders", "statecraft-dev-nope"] }).then(
      () => undefined,
      (e: Error) => e,
    );
    expect(error?.name).to.equal("BackupFailed");
    expect(error?.message).to.include("statecraft-dev-nope (TableNotFoundException");
  });
});
