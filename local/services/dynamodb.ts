import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import {
  type AttributeValue,
  CreateTableCommand,
  DeleteItemCommand,
  DescribeTableCommand,
  DynamoDBClient,
  GetItemCommand,
  PutItemCommand,
  ScanCommand,
  type TableDescription,
} from "@aws-sdk/client-dynamodb";
import dynalite from "dynalite";
import { TABLES, type TableName, type TableSpec } from "../../infra/manifest";
import type { Naming } from "../../infra/naming";

/**
 * The stack's DynamoDB tables, for real, on a dynalite server started in this process: an in-memory,
 * DynamoDB-compatible HTTP endpoint on 127.0.0.1 with an ephemeral port. Every table of the manifest's `TABLES`
 * is created under the stack's physical name (`<project>-<stack>-<logical>`) and seeded with its `seedItems`.
 *
 * Calls go through `@aws-sdk/client-dynamodb` exactly as in AWS, so request validation, condition expressions and
 * error names (`ConditionalCheckFailedException`, `ResourceNotFoundException`, ...) are dynalite's faithful
 * re-implementation of DynamoDB's. Dynalite implements the item and table APIs, not backups, streams or PITR.
 * @see https://github.com/architect/dynalite#readme
 */

/** An item in DynamoDB JSON, e.g. `{orderId: {S: "o-1"}, total: {N: "12.50"}}`. */
export type Item = Record<string, AttributeValue>;

/** Options for {@link LocalDynamoDb.start}. */
export interface LocalDynamoDbOptions {
  /** The tables to create. @default TABLES from the manifest */
  tables?: Record<string, TableSpec>;
}

/** A running dynalite server, its SDK client, and the stack's tables in it. */
export class LocalDynamoDb {
  private constructor(
    private readonly server: Server,
    /** `http://127.0.0.1:<port>`. */
    readonly endpoint: string,
    /** A client bound to the local endpoint (dummy credentials, the stack's Region). */
    readonly client: DynamoDBClient,
    /** Logical table name → physical name. */
    readonly tableNames: Readonly<Record<string, string>>,
    private readonly specs: Readonly<Record<string, TableSpec>>,
  ) {}

  /**
   * Starts dynalite on 127.0.0.1 (ephemeral port, in memory), creates the tables with their physical names and
   * seeds them.
   *
   * @param naming the stack's naming, for physical table names and the Region.
   * @param options which tables to create.
   * @returns the running database; call {@link stop} when done, or the process will not exit.
   * @throws the SDK's error when a table cannot be created or seeded.
   */
  static async start(naming: Naming, options: LocalDynamoDbOptions = {}): Promise<LocalDynamoDb> {
    const specs: Record<string, TableSpec> = options.tables ?? TABLES;
    const server = dynalite({ createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });
    await new Promise<void>((resolve, reject) => {
      server.once("error", reject);
      server.listen(0, "127.0.0.1", () => {
        server.off("error", reject);
        resolve();
      });
    });
    const endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const client = new DynamoDBClient({
      endpoint,
      region: naming.context.region,
      credentials: { accessKeyId: "local", secretAccessKey: "local" },
      maxAttempts: 1,
    });
    const tableNames = Object.fromEntries(Object.keys(specs).map((logical) => [logical, naming.tableName(logical)]));
    const database = new LocalDynamoDb(server, endpoint, client, tableNames, specs);
    try {
      for (const [logical, spec] of Object.entries(specs)) {
        await database.createTable(tableNames[logical], spec.hashKey);
      }
      await database.reset();
    } catch (error) {
      await database.stop();
      throw error;
    }
    return database;
  }

  /**
   * Empties every table and puts its seed items back, so each run starts from the same data.
   * @throws the SDK's error on a failed scan, delete or put.
   */
  async reset(): Promise<void> {
    for (const [logical, spec] of Object.entries(this.specs)) {
      const table = this.tableNames[logical];
      for (const item of await this.scan(table)) {
        await this.client.send(new DeleteItemCommand({ TableName: table, Key: { [spec.hashKey]: item[spec.hashKey] } }));
      }
      await this.putItems(table, spec.seedItems as Item[]);
    }
  }

  /**
   * The physical name of one of the stack's tables.
   * @param logical a key of `TABLES`, e.g. `orders`.
   * @throws Error when the table is not one the database created.
   */
  tableName(logical: TableName | string): string {
    const name = this.tableNames[logical];
    if (name === undefined) throw new Error(`No local table "${logical}"; the tables are ${Object.keys(this.tableNames).join(", ")}.`);
    return name;
  }

  /**
   * Puts items into a table.
   * @param table physical table name.
   * @param items items in DynamoDB JSON.
   */
  async putItems(table: string, items: readonly Item[]): Promise<void> {
    for (const item of items) await this.client.send(new PutItemCommand({ TableName: table, Item: item }));
  }

  /**
   * Reads one item back (strongly consistent).
   * @param table physical table name.
   * @param key the item's key in DynamoDB JSON.
   * @returns the item, or `undefined` when there is none.
   */
  async getItem(table: string, key: Item): Promise<Item | undefined> {
    const { Item } = await this.client.send(new GetItemCommand({ TableName: table, Key: key, ConsistentRead: true }));
    return Item;
  }

  /**
   * Reads a whole table (following pagination).
   * @param table physical table name.
   * @returns every item, in DynamoDB JSON.
   */
  async scan(table: string): Promise<Item[]> {
    const items: Item[] = [];
    let start: Item | undefined;
    do {
      const page = await this.client.send(new ScanCommand({ TableName: table, ExclusiveStartKey: start }));
      items.push(...(page.Items ?? []));
      start = page.LastEvaluatedKey;
    } while (start);
    return items;
  }

  /**
   * Describes a table.
   * @param table physical table name (or table ARN).
   * @returns its description, or `undefined` when no such table exists.
   * @throws the SDK's error for anything but `ResourceNotFoundException`.
   */
  async describeTable(table: string): Promise<TableDescription | undefined> {
    try {
      return (await this.client.send(new DescribeTableCommand({ TableName: table }))).Table;
    } catch (error) {
      if ((error as Error).name === "ResourceNotFoundException") return undefined;
      throw error;
    }
  }

  /** Closes the client's connections and stops the server and its store; safe to call twice. */
  async stop(): Promise<void> {
    this.client.destroy();
    if (!this.server.listening) return;
    await new Promise<void>((resolve, reject) => this.server.close((error?: Error) => (error ? reject(error) : resolve())));
  }

  private async createTable(table: string, hashKey: string): Promise<void> {
    await this.client.send(
      new CreateTableCommand({
        TableName: table,
        AttributeDefinitions: [{ AttributeName: hashKey, AttributeType: "S" }],
        KeySchema: [{ AttributeName: hashKey, KeyType: "HASH" }],
        BillingMode: "PAY_PER_REQUEST",
      }),
    );
    // createTableMs: 0 flips the table to ACTIVE on the next timer tick; wait for it.
    for (let attempt = 0; (await this.describeTable(table))?.TableStatus !== "ACTIVE"; attempt++) {
      if (attempt > 100) throw new Error(`Local table ${table} did not become ACTIVE.`);
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
  }
}
