import * as zlib from "node:zlib";
import { GetObjectCommand, ListObjectsV2Command, PutObjectCommand, type S3Client } from "@aws-sdk/client-s3";
import { parse as parseCsv } from "csv-parse/sync";
import type { ItemReaderHandler, ItemReaderRequest, Json, JsonObject, ResultWriterHandler, ResultWriterRequest } from "../../engine";

/**
 * The S3 side of a Distributed Map, as the local runner serves it: the `ItemReader` (S3 GetObject of a JSON, JSON Lines,
 * CSV or S3 inventory file; S3 ListObjectsV2 of a prefix) and the `ResultWriter` (the manifest and the
 * SUCCEEDED/FAILED result files), both through a real `S3Client` (e.g. the local s3rver of `./s3-server`).
 *
 * Facts carried over from the developer guide and from recorded AWS outputs are cited where used.
 * @see https://docs.aws.amazon.com/step-functions/latest/dg/input-output-itemreader.html
 * @see https://docs.aws.amazon.com/step-functions/latest/dg/input-output-resultwriter.html
 */

/**
 * An item reader or result writer failure. `name` is the ASL Error the engine reports (`States.ItemReaderFailed` or
 * `States.ResultWriterFailed`), `message` the Cause; `s3Code` is S3's error code (`NoSuchKey`, `NoSuchBucket`, ...)
 * when S3 refused the request.
 */
export class S3ItemsError extends Error {
  constructor(
    error: "States.ItemReaderFailed" | "States.ResultWriterFailed",
    cause: string,
    readonly s3Code?: string,
  ) {
    super(cause);
    this.name = error;
  }
}

const READER_FAILED = "States.ItemReaderFailed";
const WRITER_FAILED = "States.ResultWriterFailed";

/** `CSVDelimiter` → the character. @see https://docs.aws.amazon.com/step-functions/latest/dg/input-output-itemreader.html#itemreader-field-contents */
const CSV_DELIMITERS: Record<string, string> = { COMMA: ",", PIPE: "|", SEMICOLON: ";", SPACE: " ", TAB: "\t" };

/** Options of {@link s3ItemReader}. */
export interface S3ItemReaderOptions {
  /**
   * `MaxKeys` of each ListObjectsV2 page; the reader follows `NextContinuationToken` until the listing ends.
   * @default undefined (S3's own page size, 1000 keys)
   */
  listPageSize?: number;
}

/**
 * Serves a Distributed Map's `ItemReader` from S3, for the engine's `itemReader` option.
 *
 * - `arn:aws:states:::s3:getObject` (`Bucket`, `Key`, optional `VersionId`, `ExpectedBucketOwner`), by
 *   `ReaderConfig.InputType`:
 *   - `JSON` (the default): the object holds a JSON array, or `ItemsPointer` (a JSON Pointer, RFC 6901) selects one;
 *     anything else fails with the Cause AWS gives, `Attempting to map over non-iterable node.`
 *   - `JSONL`: one JSON value per non-blank line.
 *   - `CSV`: rows by `CSVDelimiter` (COMMA, PIPE, SEMICOLON, SPACE, TAB; default COMMA) under `CSVHeaderLocation`
 *     `FIRST_ROW` or `GIVEN` (`CSVHeaders`), each row an object of strings: missing fields are `""`, extra fields
 *     are skipped, duplicate headers fail (`CSV headers cannot contain duplicates.`).
 *   - `MANIFEST` (or `ManifestType: S3_INVENTORY`): an S3 inventory `manifest.json`; the items are the rows of its
 *     CSV data files (gzip or not) as objects keyed by its `fileSchema` (`{Bucket, Key, Size, LastModifiedDate}`),
 *     every value a string.
 *   Objects whose key ends in `.gz`/`.gzip` are gunzipped first; `.zst`/`.zstd` need Node's zstd (Node ≥ 22.15).
 * - `arn:aws:states:::s3:listObjectsV2` (`Bucket`, optional `Prefix`): one item per object, every page followed, each
 *   `{Etag, Key, LastModified, Size, StorageClass}` with `Etag` quoted as S3 returns it and `LastModified` in
 *   seconds since the epoch, as the guide shows. With `ReaderConfig.Transformation: LOAD_AND_FLATTEN` the items are
 *   instead the contents of every listed object (keys ending in `/` skipped), parsed by `InputType`.
 *
 * Items are returned before `MaxItems` (the engine applies it).
 * @throws {S3ItemsError} `States.ItemReaderFailed` with the S3 error (code, bucket, key) or the parse failure as Cause.
 * @see https://docs.aws.amazon.com/step-functions/latest/dg/input-output-itemreader.html
 */
export function s3ItemReader(s3: S3Client, options: S3ItemReaderOptions = {}): ItemReaderHandler {
  return async (request: ItemReaderRequest): Promise<Json[]> => {
    const action = /^arn:[\w-]+:states:::s3:(getObject|listObjectsV2)$/.exec(request.resource)?.[1];
    const config = request.readerConfig;
    if (action === "getObject") return readObject(s3, request.arguments, config);
    if (action === "listObjectsV2") {
      const objects = await listObjects(s3, request.arguments, options.listPageSize);
      if ((config.Transformation ?? "NONE") === "NONE") return objects;
      if (config.Transformation !== "LOAD_AND_FLATTEN") throw readerError(`ReaderConfig.Transformation must be NONE or LOAD_AND_FLATTEN. Received: ${JSON.stringify(config.Transformation)}`);
      if (config.InputType === undefined) throw readerError("ReaderConfig.InputType is required with Transformation LOAD_AND_FLATTEN.");
      const bucket = stringField(request.arguments, "Bucket");
      const items: Json[] = [];
      for (const object of objects as { Key: string }[]) {
        if (object.Key.endsWith("/")) continue;
        items.push(...(await readObject(s3, { Bucket: bucket, Key: object.Key }, config)));
      }
      return items;
    }
    throw readerError(`The S3 item reader serves arn:aws:states:::s3:getObject and arn:aws:states:::s3:listObjectsV2. Received: ${request.resource}`);
  };
}

/** GetObject, then the items by InputType/ManifestType. */
async function readObject(s3: S3Client, args: JsonObject, config: JsonObject): Promise<Json[]> {
  const bucket = stringField(args, "Bucket");
  const key = stringField(args, "Key");
  if (config.ManifestType === "S3_INVENTORY" || config.InputType === "MANIFEST") {
    if (config.ManifestType === "S3_INVENTORY" && config.InputType !== undefined) throw readerError("ReaderConfig.InputType must not be set with ManifestType S3_INVENTORY.");
    return readInventory(s3, bucket, key, await getText(s3, args));
  }
  if (config.ManifestType !== undefined) throw readerError(`ReaderConfig.ManifestType ${JSON.stringify(config.ManifestType)} is not served locally (S3_INVENTORY is).`);
  const inputType = config.InputType ?? "JSON";
  const text = await getText(s3, args);
  const where = `s3://${bucket}/${key}`;
  switch (inputType) {
    case "JSON":
      return jsonItems(text, config.ItemsPointer, where);
    case "JSONL":
      return jsonLinesItems(text, where);
    case "CSV":
      return csvItems(text, config, where);
    case "PARQUET":
      throw readerError(`InputType PARQUET is not served locally (${where}).`);
    default:
      throw readerError(`ReaderConfig.InputType must be CSV, JSON, JSONL, MANIFEST or PARQUET. Received: ${JSON.stringify(inputType)}`);
  }
}

/** The object's body as UTF-8 text, decompressed by its key's extension. */
async function getText(s3: S3Client, args: JsonObject): Promise<string> {
  const bucket = stringField(args, "Bucket");
  const key = stringField(args, "Key");
  const bytes = await s3Call(`GetObject s3://${bucket}/${key}`, async () => {
    const response = await s3.send(
      new GetObjectCommand({
        Bucket: bucket,
        Key: key,
        ...(typeof args.VersionId === "string" ? { VersionId: args.VersionId } : {}),
        ...(typeof args.ExpectedBucketOwner === "string" ? { ExpectedBucketOwner: args.ExpectedBucketOwner } : {}),
      }),
    );
    return Buffer.from((await response.Body?.transformToByteArray()) ?? new Uint8Array());
  });
  return decompress(bytes, key).toString("utf8");
}

/** Gunzips `.gz`/`.gzip`, un-zstds `.zst`/`.zstd` (input files support GZIP and ZSTD, named by extension, per the guide). */
function decompress(bytes: Buffer, key: string): Buffer {
  try {
    if (/\.(gz|gzip)$/i.test(key)) return zlib.gunzipSync(bytes);
    if (/\.(zst|zstd)$/i.test(key)) {
      const zstd = (zlib as unknown as { zstdDecompressSync?: (input: Buffer) => Buffer }).zstdDecompressSync;
      if (!zstd) throw new Error(`ZSTD needs Node ≥ 22.15 (running ${process.version})`);
      return zstd(bytes);
    }
  } catch (error) {
    throw readerError(`Could not decompress ${key}: ${(error as Error).message}`);
  }
  return bytes;
}

/** A JSON array, or the array `ItemsPointer` selects. */
function jsonItems(text: string, pointer: Json | undefined, where: string): Json[] {
  let value: Json;
  try {
    value = JSON.parse(text) as Json;
  } catch (error) {
    throw readerError(`${where} is not valid JSON: ${(error as Error).message}`);
  }
  if (pointer !== undefined) {
    if (typeof pointer !== "string") throw readerError(`ReaderConfig.ItemsPointer must be a JSON Pointer string. Received: ${JSON.stringify(pointer)}`);
    value = resolvePointer(value, pointer, where);
  }
  // Recorded AWS Cause for a JSON file that is not a list (LocalStack snapshot test_map_item_reader_json_no_json_list_object).
  if (!Array.isArray(value)) throw readerError("Attempting to map over non-iterable node.");
  return value;
}

/** RFC 6901: `""` is the whole document, `/a/0/b` walks objects and arrays, `~1` is `/` and `~0` is `~`. */
function resolvePointer(document: Json, pointer: string, where: string): Json {
  if (pointer === "") return document;
  if (!pointer.startsWith("/")) throw readerError(`ReaderConfig.ItemsPointer must be empty or start with '/'. Received: ${JSON.stringify(pointer)}`);
  let node: Json = document;
  for (const token of pointer.slice(1).split("/").map((part) => part.replace(/~1/g, "/").replace(/~0/g, "~"))) {
    const next: Json | undefined = Array.isArray(node) ? (/^(0|[1-9]\d*)$/.test(token) ? node[Number(token)] : undefined) : node !== null && typeof node === "object" ? (node as JsonObject)[token] : undefined;
    if (next === undefined) throw readerError(`ReaderConfig.ItemsPointer ${JSON.stringify(pointer)} selects nothing in ${where}.`);
    node = next;
  }
  return node;
}

/** One JSON value per line; blank lines are skipped. */
function jsonLinesItems(text: string, where: string): Json[] {
  const items: Json[] = [];
  for (const [index, line] of text.split(/\r?\n/).entries()) {
    if (line.trim() === "") continue;
    try {
      items.push(JSON.parse(line) as Json);
    } catch (error) {
      throw readerError(`Line ${index + 1} of ${where} is not valid JSON: ${(error as Error).message}`);
    }
  }
  return items;
}

/** Rows as objects under FIRST_ROW or GIVEN headers. */
function csvItems(text: string, config: JsonObject, where: string): Json[] {
  const delimiterName = config.CSVDelimiter ?? "COMMA";
  const delimiter = typeof delimiterName === "string" ? CSV_DELIMITERS[delimiterName] : undefined;
  if (delimiter === undefined) throw readerError(`ReaderConfig.CSVDelimiter must be one of ${Object.keys(CSV_DELIMITERS).join(", ")}. Received: ${JSON.stringify(delimiterName)}`);
  const rows = parseDelimited(text, delimiter);
  let headers: string[];
  if (config.CSVHeaderLocation === "FIRST_ROW") {
    headers = rows.shift() ?? [];
  } else if (config.CSVHeaderLocation === "GIVEN") {
    const given = config.CSVHeaders;
    if (!Array.isArray(given) || !given.every((header) => typeof header === "string")) throw readerError(`ReaderConfig.CSVHeaders must be an array of strings with CSVHeaderLocation GIVEN. Received: ${JSON.stringify(given)}`);
    headers = given as string[];
  } else {
    throw readerError(`ReaderConfig.CSVHeaderLocation must be FIRST_ROW or GIVEN for ${where}. Received: ${JSON.stringify(config.CSVHeaderLocation)}`);
  }
  // Recorded AWS Cause (LocalStack snapshot test_map_item_reader_csv_headers_decl_duplicate_headers).
  if (new Set(headers).size < headers.length) throw readerError("CSV headers cannot contain duplicates.");
  return rows.map((row) => Object.fromEntries(headers.map((header, index) => [header, row[index] ?? ""])));
}

/**
 * Splits delimited text into records of string fields, by the rules the guide states for Step Functions: newlines end
 * records (outside quotes); double quotes may enclose fields holding delimiters and newlines, `""` inside them is a
 * quote; a backslash escapes a backslash, a double quote or the delimiter, and is silently dropped before any other
 * character. Blank lines are skipped.
 * @see https://docs.aws.amazon.com/step-functions/latest/dg/input-output-itemreader.html#itemsource-example-csv-data
 */
export function parseDelimited(text: string, delimiter: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = "";
  let quoted = false;
  let touched = false; // whether the current record has any content (a blank line has none)
  const endRecord = () => {
    row.push(field);
    if (touched) rows.push(row);
    row = [];
    field = "";
    touched = false;
  };
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === "\\") {
      const next = text[i + 1];
      if (next === "\\" || next === '"' || next === delimiter) {
        field += next;
        i++;
        touched = true;
      }
      continue;
    }
    if (quoted) {
      if (c === '"') {
        if (text[i + 1] === '"') {
          field += '"';
          i++;
        } else quoted = false;
      } else field += c;
      continue;
    }
    if (c === '"') {
      quoted = true;
      touched = true;
    } else if (c === delimiter) {
      row.push(field);
      field = "";
      touched = true;
    } else if (c === "\n" || c === "\r") {
      if (c === "\r" && text[i + 1] === "\n") i++;
      endRecord();
    } else {
      field += c;
      touched = true;
    }
  }
  if (touched || field !== "") endRecord();
  return rows;
}

/**
 * An S3 inventory: `manifest.json` lists CSV data files (in `destinationBucket`) whose columns `fileSchema` names; the
 * items are the rows as objects of strings, as the guide's `{LastModifiedDate, Bucket, Size, Key}` example shows.
 */
async function readInventory(s3: S3Client, bucket: string, key: string, text: string): Promise<Json[]> {
  let manifest: { destinationBucket?: unknown; fileFormat?: unknown; fileSchema?: unknown; files?: unknown };
  try {
    manifest = JSON.parse(text) as typeof manifest;
  } catch (error) {
    throw readerError(`The S3 inventory manifest s3://${bucket}/${key} is not valid JSON: ${(error as Error).message}`);
  }
  if (manifest.fileFormat !== "CSV") throw readerError(`The S3 inventory manifest s3://${bucket}/${key} must have fileFormat CSV (the only inventory format Step Functions reads). Received: ${JSON.stringify(manifest.fileFormat)}`);
  if (typeof manifest.fileSchema !== "string" || !Array.isArray(manifest.files)) throw readerError(`The S3 inventory manifest s3://${bucket}/${key} needs a fileSchema string and a files array.`);
  const columns = manifest.fileSchema.split(",").map((column) => column.trim());
  // destinationBucket is an ARN (`arn:aws:s3:::name`); the data files are in that bucket.
  const dataBucket = typeof manifest.destinationBucket === "string" ? manifest.destinationBucket.replace(/^arn:[\w-]+:s3:::/, "") : bucket;
  const items: Json[] = [];
  for (const file of manifest.files as { key?: unknown }[]) {
    if (typeof file?.key !== "string") throw readerError(`Every file of the S3 inventory manifest s3://${bucket}/${key} needs a key. Received: ${JSON.stringify(file)}`);
    const data = await getText(s3, { Bucket: dataBucket, Key: file.key });
    // Inventory CSV is plain RFC 4180 (every field quoted); csv-parse reads it without the ItemReader's backslash rules.
    const rows = parseCsv(data, { relax_column_count: true, skip_empty_lines: true }) as string[][];
    for (const row of rows) items.push(Object.fromEntries(columns.map((column, index) => [column, row[index] ?? ""])));
  }
  return items;
}

/** Every object under `Prefix`, page after page, as the guide shows a child's input. */
async function listObjects(s3: S3Client, args: JsonObject, pageSize: number | undefined): Promise<Json[]> {
  const bucket = stringField(args, "Bucket");
  const prefix = args.Prefix === undefined ? undefined : stringField(args, "Prefix");
  const items: Json[] = [];
  let token: string | undefined;
  do {
    const page = await s3Call(`ListObjectsV2 s3://${bucket}/${prefix ?? ""}`, () =>
      s3.send(
        new ListObjectsV2Command({
          Bucket: bucket,
          ...(prefix !== undefined ? { Prefix: prefix } : {}),
          ...(pageSize !== undefined ? { MaxKeys: pageSize } : {}),
          ...(token !== undefined ? { ContinuationToken: token } : {}),
          ...(typeof args.ExpectedBucketOwner === "string" ? { ExpectedBucketOwner: args.ExpectedBucketOwner } : {}),
        }),
      ),
    );
    for (const object of page.Contents ?? []) {
      items.push({
        Etag: object.ETag ?? "",
        Key: object.Key ?? "",
        LastModified: object.LastModified ? Math.floor(object.LastModified.getTime() / 1000) : 0,
        Size: object.Size ?? 0,
        StorageClass: object.StorageClass ?? "STANDARD",
      });
    }
    token = page.IsTruncated ? page.NextContinuationToken : undefined;
  } while (token !== undefined);
  return items;
}

/** Options of {@link s3ResultWriter}. */
export interface S3ResultWriterOptions {
  /**
   * The time written as a child's `StartDate`/`StopDate` when the engine does not pass the child's own dates, in ms
   * since the epoch.
   * @default Date.now
   */
  now?: () => number;
}

type WrittenResult = ResultWriterRequest["results"][number] & { startDate?: number | string | Date; stopDate?: number | string | Date };

/**
 * Writes a distributed Map's results to S3, for the engine's `resultWriter` option, as Step Functions exports them:
 * under `<Prefix>/<Map Run id>/` (the id is the Map Run ARN's last segment), `SUCCEEDED_0.json` (the succeeded
 * children), `FAILED_0.json` (failed, timed out and aborted children) and `manifest.json`
 * (`{DestinationBucket, MapRunArn, ResultFiles: {FAILED, PENDING, SUCCEEDED}}`, each a list of `{Key, Size}`; a file
 * with no entries is not written). Resolves with the Map's output `{MapRunArn, ResultWriterDetails: {Bucket, Key}}`,
 * `Key` the manifest's key.
 *
 * Each entry (Transformation `NONE`, the default when exporting) carries `ExecutionArn`, `Input` and `Output` as JSON
 * strings, `InputDetails`/`OutputDetails`, `Name`, `RedriveCount`, `RedriveStatus` (+ `RedriveStatusReason` when
 * succeeded), `StartDate`/`StopDate` (ISO 8601 strings), `StateMachineArn` and `Status`; failed ones `Error` and
 * `Cause` instead of `Output`. `WriterConfig.Transformation` `COMPACT` writes the succeeded outputs only, `FLATTEN`
 * also spreads array outputs (failed entries stay `NONE`, per the guide); `OutputType` `JSONL` writes one entry per line
 * (files named `.jsonl`). With `WriterConfig` alone (no `Resource`/`Bucket`) nothing is written and the Map's output is
 * the transformed results.
 * @throws {S3ItemsError} `States.ResultWriterFailed` for a bad `WriterConfig`/`Parameters` or a refused PutObject.
 * @see https://docs.aws.amazon.com/step-functions/latest/dg/input-output-resultwriter.html
 */
export function s3ResultWriter(s3: S3Client, options: S3ResultWriterOptions = {}): ResultWriterHandler {
  const now = options.now ?? Date.now;
  return async (request: ResultWriterRequest): Promise<Json> => {
    const exporting = request.resource !== undefined || request.arguments.Bucket !== undefined;
    const transformation = request.writerConfig.Transformation ?? (exporting ? "NONE" : "COMPACT");
    const outputType = request.writerConfig.OutputType ?? "JSON";
    if (transformation !== "NONE" && transformation !== "COMPACT" && transformation !== "FLATTEN") throw writerError(`WriterConfig.Transformation must be NONE, COMPACT or FLATTEN. Received: ${JSON.stringify(transformation)}`);
    if (outputType !== "JSON" && outputType !== "JSONL") throw writerError(`WriterConfig.OutputType must be JSON or JSONL. Received: ${JSON.stringify(outputType)}`);
    const written = now();
    const entries = (request.results as WrittenResult[]).map((result) => ({ result, entry: entryOf(result, written) }));
    const succeeded = entries.filter(({ result }) => result.status === "SUCCEEDED");
    const failed = entries.filter(({ result }) => result.status !== "SUCCEEDED").map(({ entry }) => entry);
    const transformed = (list: typeof entries): Json[] => {
      if (transformation === "NONE") return list.map(({ entry }) => entry);
      const outputs: Json[] = [];
      for (const { result, entry } of list) {
        if (result.status !== "SUCCEEDED") outputs.push(entry);
        else if (transformation === "FLATTEN" && Array.isArray(result.output)) outputs.push(...result.output);
        else outputs.push(result.output ?? null);
      }
      return outputs;
    };
    if (!exporting) return transformed(entries);
    if (request.resource !== undefined && !/^arn:[\w-]+:states:::s3:putObject$/.test(request.resource)) throw writerError(`The S3 result writer serves arn:aws:states:::s3:putObject. Received: ${request.resource}`);
    const bucket = request.arguments.Bucket;
    const prefix = request.arguments.Prefix ?? "";
    if (typeof bucket !== "string" || bucket === "") throw writerError(`ResultWriter Parameters.Bucket must be a bucket name. Received: ${JSON.stringify(bucket)}`);
    if (typeof prefix !== "string") throw writerError(`ResultWriter Parameters.Prefix must be a string. Received: ${JSON.stringify(prefix)}`);
    const runId = request.mapRunArn.split(":").pop() ?? request.mapRunArn;
    const base = `${prefix === "" || prefix.endsWith("/") ? prefix : `${prefix}/`}${runId}/`;
    const extension = outputType === "JSONL" ? "jsonl" : "json";
    const encode = (list: Json[]) => (outputType === "JSONL" ? list.map((entry) => JSON.stringify(entry)).join("\n") : JSON.stringify(list));
    const files: Record<"FAILED" | "PENDING" | "SUCCEEDED", { Key: string; Size: number }[]> = { FAILED: [], PENDING: [], SUCCEEDED: [] };
    const put = async (key: string, body: string) => {
      await s3Call(`PutObject s3://${bucket}/${key}`, () => s3.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: body, ContentType: "application/json" })), WRITER_FAILED);
      return Buffer.byteLength(body);
    };
    if (succeeded.length > 0) {
      const key = `${base}SUCCEEDED_0.${extension}`;
      files.SUCCEEDED.push({ Key: key, Size: await put(key, encode(transformed(succeeded))) });
    }
    if (failed.length > 0) {
      const key = `${base}FAILED_0.${extension}`;
      files.FAILED.push({ Key: key, Size: await put(key, encode(failed)) });
    }
    // PENDING_0: children never started because the Map Run failed or was aborted. The engine hands the writer only
    // finished children, so there are none to write.
    const manifestKey = `${base}manifest.json`;
    await put(manifestKey, JSON.stringify({ DestinationBucket: bucket, MapRunArn: request.mapRunArn, ResultFiles: files }));
    return { MapRunArn: request.mapRunArn, ResultWriterDetails: { Bucket: bucket, Key: manifestKey } };
  };
}

/**
 * A child's entry in a result file (Transformation NONE), keys in the order AWS writes them: a recorded FAILED entry
 * has `Cause`, `Error`, no `Output` and `RedriveStatus: REDRIVABLE_BY_MAP_RUN`; a SUCCEEDED one `Output` and
 * `RedriveStatusReason: "Execution is SUCCEEDED and cannot be redriven"` (guide example).
 */
function entryOf(result: WrittenResult, written: number): JsonObject {
  const name = result.executionArn.split(":").pop() ?? result.executionArn;
  const date = (value: number | string | Date | undefined) => new Date(value ?? written).toISOString();
  const succeeded = result.status === "SUCCEEDED";
  return {
    ...(!succeeded && result.cause !== undefined ? { Cause: result.cause } : {}),
    ...(!succeeded && result.error !== undefined ? { Error: result.error } : {}),
    ExecutionArn: result.executionArn,
    Input: JSON.stringify(result.input),
    InputDetails: { Included: true },
    Name: name,
    ...(succeeded ? { Output: JSON.stringify(result.output ?? null) } : {}),
    OutputDetails: { Included: true },
    RedriveCount: 0,
    RedriveStatus: succeeded ? "NOT_REDRIVABLE" : "REDRIVABLE_BY_MAP_RUN",
    ...(succeeded ? { RedriveStatusReason: "Execution is SUCCEEDED and cannot be redriven" } : {}),
    StartDate: date(result.startDate),
    StateMachineArn: stateMachineArnOf(result.executionArn),
    Status: result.status,
    StopDate: date(result.stopDate),
  };
}

/** `arn:…:execution:<machine>/<label>:<name>` → `arn:…:stateMachine:<machine>/<label>` (the child's state machine). */
function stateMachineArnOf(executionArn: string): string {
  const parts = executionArn.split(":");
  if (parts.length < 8 || parts[5] !== "execution") return executionArn;
  return [...parts.slice(0, 5), "stateMachine", ...parts.slice(6, -1)].join(":");
}

/** Runs an S3 call; an S3 refusal becomes an {@link S3ItemsError} naming the call, S3's code and message. */
async function s3Call<T>(what: string, call: () => Promise<T>, error: typeof READER_FAILED | typeof WRITER_FAILED = READER_FAILED): Promise<T> {
  try {
    return await call();
  } catch (thrown) {
    const failure = thrown as Error & { $metadata?: { httpStatusCode?: number } };
    const code = failure.name ?? "Error";
    const status = failure.$metadata?.httpStatusCode;
    throw new S3ItemsError(error, `${what} failed: ${code}: ${failure.message}${status !== undefined ? ` (Service: S3, Status Code: ${status})` : ""}`, code);
  }
}

function stringField(args: JsonObject, field: string): string {
  const value = args[field];
  if (typeof value !== "string" || value === "") throw readerError(`ItemReader Parameters.${field} must be a non-empty string. Received: ${JSON.stringify(value)}`);
  return value;
}

function readerError(cause: string): S3ItemsError {
  return new S3ItemsError(READER_FAILED, cause);
}

function writerError(cause: string): S3ItemsError {
  return new S3ItemsError(WRITER_FAILED, cause);
}
