import { gzipSync } from "node:zlib";
import { GetObjectCommand, ListObjectsV2Command, PutObjectCommand } from "@aws-sdk/client-s3";
import { expect } from "chai";
import { startExecution } from "../../engine";
import type { ItemReaderRequest, Json, JsonObject, ResultWriterRequest, StateMachineDefinition, TaskHandler } from "../../engine";
import { parseDelimited, S3ItemsError, s3ItemReader, s3ResultWriter } from "../../local/services/s3-items";
import { type LocalS3, startLocalS3 } from "../../local/services/s3-server";

const GET = "arn:aws:states:::s3:getObject";
const LIST = "arn:aws:states:::s3:listObjectsV2";
const MAP_RUN = "arn:aws:states:us-east-1:123456789012:mapRun:orders/Process:0f1e2d3c-4b5a-6978-8695-a4b3c2d1e0f9";
const childArn = (name: string) => `arn:aws:states:us-east-1:123456789012:execution:orders/Process:${name}`;

describe("the S3 item reader and result writer against a local S3 server", () => {
  let local: LocalS3;
  const put = (Bucket: string, Key: string, Body: string | Buffer) => local.s3.send(new PutObjectCommand({ Bucket, Key, Body }));
  const text = async (Bucket: string, Key: string) => (await local.s3.send(new GetObjectCommand({ Bucket, Key }))).Body!.transformToString();
  const read = (resource: string, args: JsonObject, readerConfig: JsonObject = {}, pageSize?: number) =>
    s3ItemReader(local.s3, { listPageSize: pageSize })({ stateName: "Process", resource, arguments: args, readerConfig } satisfies ItemReaderRequest);
  const rejection = async (promise: Promise<unknown>): Promise<S3ItemsError> => {
    try {
      await promise;
    } catch (error) {
      return error as S3ItemsError;
    }
    throw new Error("expected a rejection");
  };

  before(async () => {
    local = await startLocalS3({ buckets: ["data", "results"] });
  });
  after(async () => {
    await local?.stop();
  });

  describe("s3ItemReader, getObject", () => {
    it("reads a JSON array, the default InputType", async () => {
      await put("data", "facts.json", JSON.stringify([{ verdict: "true" }, { verdict: "false" }]));
      expect(await read(GET, { Bucket: "data", Key: "facts.json" })).to.deep.equal([{ verdict: "true" }, { verdict: "false" }]);
      expect(await read(GET, { Bucket: "data", Key: "facts.json" }, { InputType: "JSON" })).to.have.length(2);
    });

    it("reads the array an ItemsPointer selects, and fails on a JSON object with the Cause AWS gives", async () => {
      await put("data", "nested.json", JSON.stringify({ inventory: { products: { featured: [1, 2, 3], "a/b": ["slash"] } } }));
      expect(await read(GET, { Bucket: "data", Key: "nested.json" }, { InputType: "JSON", ItemsPointer: "/inventory/products/featured" })).to.deep.equal([1, 2, 3]);
      expect(await read(GET, { Bucket: "data", Key: "nested.json" }, { InputType: "JSON", ItemsPointer: "/inventory/products/a~1b" })).to.deep.equal(["slash"]);
      const error = await rejection(read(GET, { Bucket: "data", Key: "nested.json" }, { InputType: "JSON" }));
      expect(error).to.include({ name: "States.ItemReaderFailed", message: "Attempting to map over non-iterable node." });
    });

    it("reads JSON Lines, one value per line, skipping blank lines", async () => {
      await put("data", "facts.jsonl", '{"verdict": "true"}\n\n{"verdict": "false"}\r\n42\n');
      expect(await read(GET, { Bucket: "data", Key: "facts.jsonl" }, { InputType: "JSONL" })).to.deep.equal([{ verdict: "true" }, { verdict: "false" }, 42]);
    });

    it("reads a gzipped JSON Lines object by its .gz extension", async () => {
      await put("data", "facts.jsonl.gz", gzipSync('{"n":1}\n{"n":2}\n'));
      expect(await read(GET, { Bucket: "data", Key: "facts.jsonl.gz" }, { InputType: "JSONL" })).to.deep.equal([{ n: 1 }, { n: 2 }]);
    });

    it("reads CSV under a FIRST_ROW header, every value a string, short rows padded and long rows cut", async () => {
      await put("data", "ratings.csv", 'userId,movieId,rating\n1,307,3.5\n1,"481, the sequel",4\n2\n3,1091,1.5,extra\n');
      expect(await read(GET, { Bucket: "data", Key: "ratings.csv" }, { InputType: "CSV", CSVHeaderLocation: "FIRST_ROW" })).to.deep.equal([
        { userId: "1", movieId: "307", rating: "3.5" },
        { userId: "1", movieId: "481, the sequel", rating: "4" },
        { userId: "2", movieId: "", rating: "" },
        { userId: "3", movieId: "1091", rating: "1.5" },
      ]);
    });

    it("reads CSV under GIVEN headers with a PIPE delimiter, and refuses duplicate headers with the Cause AWS gives", async () => {
      await put("data", "ratings.psv", "1|307|3.5\n1|481|4\n");
      expect(await read(GET, { Bucket: "data", Key: "ratings.psv" }, { InputType: "CSV", CSVHeaderLocation: "GIVEN", CSVHeaders: ["userId", "movieId", "rating"], CSVDelimiter: "PIPE" })).to.deep.equal([
        { userId: "1", movieId: "307", rating: "3.5" },
        { userId: "1", movieId: "481", rating: "4" },
      ]);
      const error = await rejection(read(GET, { Bucket: "data", Key: "ratings.psv" }, { InputType: "CSV", CSVHeaderLocation: "GIVEN", CSVHeaders: ["a", "a"], CSVDelimiter: "PIPE" }));
      expect(error).to.include({ name: "States.ItemReaderFailed", message: "CSV headers cannot contain duplicates." });
    });

    it("parses quotes and backslashes by the guide's rules", () => {
      expect(parseDelimited('path,size\nC:\\\\Program Files\\\\MyApp.exe,6534512\n"say ""hi""",a\\,b\n\\x\ty', ",")).to.deep.equal([
        ["path", "size"],
        ["C:\\Program Files\\MyApp.exe", "6534512"],
        ['say "hi"', "a,b"],
        ["x\ty"],
      ]);
      expect(parseDelimited("a\tb\n\n\nc\td", "\t")).to.deep.equal([
        ["a", "b"],
        ["c", "d"],
      ]);
    });

    it("reads the rows of an S3 inventory's data files through its manifest.json", async () => {
      const rows = '"data","csvDataset/",\"0\","2022-11-16T00:27:19.000Z"\n"data","csvDataset/titles.csv","3399671","2022-11-16T00:29:32.000Z"\n';
      await put("results", "inventory/data/part-1.csv.gz", gzipSync(rows));
      await put("results", "inventory/data/part-2.csv", '"data","imageDataset/a.jpg","27034","2022-11-15T20:02:16.000Z"\n');
      const manifest = {
        sourceBucket: "data",
        destinationBucket: "arn:aws:s3:::results",
        version: "2016-11-30",
        creationTimestamp: "1668560400000",
        fileFormat: "CSV",
        fileSchema: "Bucket, Key, Size, LastModifiedDate",
        files: [{ key: "inventory/data/part-1.csv.gz", size: 1, MD5checksum: "x" }, { key: "inventory/data/part-2.csv" }],
      };
      await put("results", "inventory/manifest.json", JSON.stringify(manifest));
      const items = await read(GET, { Bucket: "results", Key: "inventory/manifest.json" }, { InputType: "MANIFEST" });
      expect(items).to.deep.equal([
        { Bucket: "data", Key: "csvDataset/", Size: "0", LastModifiedDate: "2022-11-16T00:27:19.000Z" },
        { Bucket: "data", Key: "csvDataset/titles.csv", Size: "3399671", LastModifiedDate: "2022-11-16T00:29:32.000Z" },
        { Bucket: "data", Key: "imageDataset/a.jpg", Size: "27034", LastModifiedDate: "2022-11-15T20:02:16.000Z" },
      ]);
      expect(await read(GET, { Bucket: "results", Key: "inventory/manifest.json" }, { ManifestType: "S3_INVENTORY" })).to.deep.equal(items);
    });

    it("fails with States.ItemReaderFailed naming S3's error, the bucket and the key", async () => {
      const missingKey = await rejection(read(GET, { Bucket: "data", Key: "absent.json" }));
      expect(missingKey).to.be.instanceOf(S3ItemsError).and.include({ name: "States.ItemReaderFailed", s3Code: "NoSuchKey" });
      expect(missingKey.message).to.match(/^GetObject s3:\/\/data\/absent\.json failed: NoSuchKey: .*\(Service: S3, Status Code: 404\)$/);
      const missingBucket = await rejection(read(LIST, { Bucket: "no-such-bucket" }));
      expect(missingBucket).to.include({ s3Code: "NoSuchBucket" });
      expect(missingBucket.message).to.contain("ListObjectsV2 s3://no-such-bucket/");
    });
  });

  describe("s3ItemReader, listObjectsV2", () => {
    before(async () => {
      for (const i of [0, 1, 2, 3, 4]) await put("data", `logs/file_${i}.txt`, `${i}HelloWorld!`);
      await put("data", "logsX/other.txt", "not under logs/");
    });

    it("lists every object under the prefix across continuation tokens, as {Etag, Key, LastModified, Size, StorageClass}", async () => {
      const page = await local.s3.send(new ListObjectsV2Command({ Bucket: "data", Prefix: "logs/", MaxKeys: 2 }));
      expect(page.IsTruncated, "s3rver pages at MaxKeys").to.equal(true);
      const items = (await read(LIST, { Bucket: "data", Prefix: "logs/" }, {}, 2)) as JsonObject[];
      expect(items.map((item) => item.Key)).to.deep.equal([0, 1, 2, 3, 4].map((i) => `logs/file_${i}.txt`));
      const [first] = items;
      expect(Object.keys(first)).to.deep.equal(["Etag", "Key", "LastModified", "Size", "StorageClass"]);
      expect(first.Etag).to.match(/^"[0-9a-f]{32}"$/);
      expect(first.LastModified).to.be.a("number").and.satisfy((seconds: number) => Number.isInteger(seconds) && Math.abs(seconds - Date.now() / 1000) < 600);
      expect(first).to.include({ Size: 12, StorageClass: "STANDARD" });
    });

    it("loads and flattens the listed objects' contents with Transformation LOAD_AND_FLATTEN", async () => {
      await put("data", "batches/a.json", "[1,2]");
      await put("data", "batches/b.json", "[3]");
      expect(await read(LIST, { Bucket: "data", Prefix: "batches/" }, { InputType: "JSON", Transformation: "LOAD_AND_FLATTEN" }, 1)).to.deep.equal([1, 2, 3]);
    });
  });

  describe("s3ResultWriter", () => {
    const request = (overrides: Partial<ResultWriterRequest> = {}): ResultWriterRequest => ({
      stateName: "Process",
      resource: "arn:aws:states:::s3:putObject",
      arguments: { Bucket: "results", Prefix: "runs" },
      writerConfig: {},
      mapRunArn: MAP_RUN,
      results: [
        { status: "SUCCEEDED", input: { id: 1 }, output: [{ order: "a" }, { order: "b" }], executionArn: childArn("c1") },
        { status: "FAILED", input: { id: 2 }, error: "Item.Bad", cause: "no", executionArn: childArn("c2") },
        { status: "SUCCEEDED", input: { id: 3 }, output: [{ order: "c" }], executionArn: childArn("c3") },
      ],
      ...overrides,
    });
    const written = Date.parse("2025-02-04T01:49:50.099Z");

    it("writes manifest.json, SUCCEEDED_0.json and FAILED_0.json under <Prefix>/<Map Run id>/ and returns the manifest's location", async () => {
      const output = await s3ResultWriter(local.s3, { now: () => written })(request());
      const base = "runs/0f1e2d3c-4b5a-6978-8695-a4b3c2d1e0f9/";
      expect(output).to.deep.equal({ MapRunArn: MAP_RUN, ResultWriterDetails: { Bucket: "results", Key: `${base}manifest.json` } });
      const succeeded = JSON.parse(await text("results", `${base}SUCCEEDED_0.json`));
      const failed = JSON.parse(await text("results", `${base}FAILED_0.json`));
      expect(succeeded[0]).to.deep.equal({
        ExecutionArn: childArn("c1"),
        Input: '{"id":1}',
        InputDetails: { Included: true },
        Name: "c1",
        Output: '[{"order":"a"},{"order":"b"}]',
        OutputDetails: { Included: true },
        RedriveCount: 0,
        RedriveStatus: "NOT_REDRIVABLE",
        RedriveStatusReason: "Execution is SUCCEEDED and cannot be redriven",
        StartDate: "2025-02-04T01:49:50.099Z",
        StateMachineArn: "arn:aws:states:us-east-1:123456789012:stateMachine:orders/Process",
        Status: "SUCCEEDED",
        StopDate: "2025-02-04T01:49:50.099Z",
      });
      expect(succeeded.map((entry: JsonObject) => entry.Name)).to.deep.equal(["c1", "c3"]);
      expect(failed).to.have.length(1);
      expect(failed[0]).to.include({ Cause: "no", Error: "Item.Bad", Name: "c2", Status: "FAILED", RedriveStatus: "REDRIVABLE_BY_MAP_RUN", Input: '{"id":2}' });
      expect(failed[0]).to.not.have.property("Output");
      const manifest = JSON.parse(await text("results", `${base}manifest.json`));
      const size = async (key: string) => Buffer.byteLength(await text("results", key));
      expect(manifest).to.deep.equal({
        DestinationBucket: "results",
        MapRunArn: MAP_RUN,
        ResultFiles: {
          FAILED: [{ Key: `${base}FAILED_0.json`, Size: await size(`${base}FAILED_0.json`) }],
          PENDING: [],
          SUCCEEDED: [{ Key: `${base}SUCCEEDED_0.json`, Size: await size(`${base}SUCCEEDED_0.json`) }],
        },
      });
    });

    it("applies WriterConfig: FLATTEN spreads array outputs, JSONL writes one entry per line, failures stay NONE", async () => {
      const output = (await s3ResultWriter(local.s3)(request({ arguments: { Bucket: "results", Prefix: "flat/" }, writerConfig: { Transformation: "FLATTEN", OutputType: "JSONL" } }))) as JsonObject;
      const base = "flat/0f1e2d3c-4b5a-6978-8695-a4b3c2d1e0f9/";
      expect(output.ResultWriterDetails).to.deep.equal({ Bucket: "results", Key: `${base}manifest.json` });
      expect((await text("results", `${base}SUCCEEDED_0.jsonl`)).split("\n").map((line) => JSON.parse(line))).to.deep.equal([{ order: "a" }, { order: "b" }, { order: "c" }]);
      expect(JSON.parse(await text("results", `${base}FAILED_0.jsonl`))).to.include({ Error: "Item.Bad", Status: "FAILED" });
      const compact = await s3ResultWriter(local.s3)(request({ arguments: { Bucket: "results", Prefix: "compact" }, writerConfig: { Transformation: "COMPACT" } }));
      const key = ((compact as JsonObject).ResultWriterDetails as JsonObject).Key as string;
      expect(JSON.parse(await text("results", key.replace("manifest.json", "SUCCEEDED_0.json")))).to.deep.equal([[{ order: "a" }, { order: "b" }], [{ order: "c" }]]);
    });

    it("returns the transformed results without writing when only WriterConfig is given", async () => {
      const output = await s3ResultWriter(local.s3)(request({ resource: undefined, arguments: {}, writerConfig: { Transformation: "FLATTEN", OutputType: "JSON" } }));
      expect(output).to.have.length(4);
      expect((output as Json[]).slice(0, 2)).to.deep.equal([{ order: "a" }, { order: "b" }]);
      expect((output as JsonObject[])[2]).to.include({ Status: "FAILED", Error: "Item.Bad" });
    });

    it("fails with States.ResultWriterFailed when the bucket does not exist", async () => {
      const error = await rejection(s3ResultWriter(local.s3)(request({ arguments: { Bucket: "no-such-bucket", Prefix: "runs" } })));
      expect(error).to.include({ name: "States.ResultWriterFailed", s3Code: "NoSuchBucket" });
    });
  });

  describe("a Distributed Map run end to end through the engine", () => {
    const handler: TaskHandler = async ({ input }) => {
      const { Items } = input as { Items: JsonObject[] };
      if (Items.some((item) => item.status === "bad")) throw Object.assign(new Error("a bad order in the batch"), { name: "Order.Bad" });
      return { count: Items.length, ids: Items.map((item) => item.id ?? item.Key) };
    };
    const machine = (reader: JsonObject, tolerated: number): StateMachineDefinition =>
      ({
        StartAt: "Process",
        States: {
          Process: {
            Type: "Map",
            Label: "Orders",
            ItemReader: reader,
            ItemBatcher: { MaxItemsPerBatch: 2, BatchInput: { "bucket.$": "$.bucket" } },
            ToleratedFailurePercentage: tolerated,
            ItemProcessor: {
              ProcessorConfig: { Mode: "DISTRIBUTED", ExecutionType: "STANDARD" },
              StartAt: "Handle",
              States: { Handle: { Type: "Task", Resource: "arn:aws:states:::lambda:invoke", Parameters: { "Items.$": "$.Items" }, End: true } },
            },
            ResultWriter: { Resource: "arn:aws:states:::s3:putObject", Parameters: { Bucket: "results", "Prefix.$": "$.prefix" } },
            End: true,
          },
        },
      }) as unknown as StateMachineDefinition;
    const options = () => ({ taskHandler: handler, itemReader: s3ItemReader(local.s3, { listPageSize: 2 }), resultWriter: s3ResultWriter(local.s3) });

    it("reads CSV items, batches them, tolerates a failed batch and writes the results it reports", async () => {
      await put("data", "orders.csv", "id,status\no1,ok\no2,ok\no3,bad\no4,ok\no5,ok\n");
      const reader = { Resource: GET, ReaderConfig: { InputType: "CSV", CSVHeaderLocation: "FIRST_ROW" }, Parameters: { "Bucket.$": "$.bucket", Key: "orders.csv" } };
      const execution = startExecution(machine(reader, 34), { bucket: "data", prefix: "e2e-csv" }, options());
      const result = await execution.result;
      expect(result.status, JSON.stringify(result)).to.equal("SUCCEEDED");
      const output = result.output as { MapRunArn: string; ResultWriterDetails: { Bucket: string; Key: string } };
      expect(output.MapRunArn).to.match(/^arn:aws:states:us-east-1:123456789012:mapRun:local\/Orders:[0-9a-f-]{36}$/);
      const runId = output.MapRunArn.split(":").pop();
      expect(output.ResultWriterDetails).to.deep.equal({ Bucket: "results", Key: `e2e-csv/${runId}/manifest.json` });
      const manifest = JSON.parse(await text("results", output.ResultWriterDetails.Key));
      expect(manifest.MapRunArn).to.equal(output.MapRunArn);
      expect(manifest.ResultFiles.SUCCEEDED).to.have.length(1);
      expect(manifest.ResultFiles.FAILED).to.have.length(1);
      const succeeded = JSON.parse(await text("results", manifest.ResultFiles.SUCCEEDED[0].Key)) as JsonObject[];
      expect(succeeded.map((entry) => JSON.parse(entry.Output as string))).to.deep.equal([
        { count: 2, ids: ["o1", "o2"] },
        { count: 1, ids: ["o5"] },
      ]);
      expect(JSON.parse(succeeded[0].Input as string)).to.deep.equal({ Items: [{ id: "o1", status: "ok" }, { id: "o2", status: "ok" }], BatchInput: { bucket: "data" } });
      const [failure] = JSON.parse(await text("results", manifest.ResultFiles.FAILED[0].Key)) as JsonObject[];
      expect(failure).to.include({ Status: "FAILED", Error: "Order.Bad" });
      expect(JSON.parse(failure.Input as string).Items.map((item: JsonObject) => item.id)).to.deep.equal(["o3", "o4"]);
    });

    it("fails past ToleratedFailurePercentage, and lists objects for items (listObjectsV2, paged)", async () => {
      const csv = await startExecution(
        machine({ Resource: GET, ReaderConfig: { InputType: "CSV", CSVHeaderLocation: "FIRST_ROW" }, Parameters: { Bucket: "data", Key: "orders.csv" } }, 30),
        { bucket: "data", prefix: "e2e-over" },
        options(),
      ).result;
      expect(csv).to.include({ status: "FAILED", error: "States.ExceedToleratedFailureThreshold" });
      const listed = await startExecution(machine({ Resource: LIST, Parameters: { "Bucket.$": "$.bucket", Prefix: "logs/" } }, 0), { bucket: "data", prefix: "e2e-list" }, options()).result;
      expect(listed.status, JSON.stringify(listed)).to.equal("SUCCEEDED");
      const manifest = JSON.parse(await text("results", (listed.output as { ResultWriterDetails: { Key: string } }).ResultWriterDetails.Key));
      const succeeded = JSON.parse(await text("results", manifest.ResultFiles.SUCCEEDED[0].Key)) as JsonObject[];
      expect(succeeded.flatMap((entry) => JSON.parse(entry.Output as string).ids)).to.deep.equal([0, 1, 2, 3, 4].map((i) => `logs/file_${i}.txt`));
      expect(manifest.ResultFiles.FAILED).to.deep.equal([]);
    });

    it("fails the execution with States.ItemReaderFailed when the CSV object is missing", async () => {
      const result = await startExecution(
        machine({ Resource: GET, ReaderConfig: { InputType: "CSV", CSVHeaderLocation: "FIRST_ROW" }, Parameters: { Bucket: "data", Key: "absent.csv" } }, 0),
        { bucket: "data", prefix: "e2e-missing" },
        options(),
      ).result;
      expect(result).to.include({ status: "FAILED", error: "States.ItemReaderFailed" });
      expect(result.cause).to.contain("NoSuchKey");
    });
  });
});
