/**
 * The process-images function: what each child execution of image-batch's Distributed Map invokes with one batch
 * of uploaded images (`ItemBatcher`: `{Items: [{key, bytes}], BatchInput: {batchId, width, filter}}`). For each
 * object it reads the bytes from the images bucket, decodes them with jimp (pure JavaScript: PNG, JPEG, BMP, GIF,
 * TIFF), resizes to at most `width` pixels wide (aspect kept, never enlarged), applies the filter (`greyscale` or
 * `sepia`), draws the STATECRAFT watermark in the bottom-right corner, and writes the result in the source's format
 * to `processed/<key>`; it returns each image's facts (size before and after, bytes written).
 *
 * An object that does not decode as an image fails the batch with `UndecodableImage` naming it, after the batch's
 * other images are written: the Map counts the batch as failed, within its `ToleratedFailurePercentage` or beyond.
 *
 * Its role needs only `s3:GetObject` under `uploads/` and `s3:PutObject` under `processed/` of the images bucket
 * (and the bucket's key through S3, when encrypted): it never lists, deletes or reads what it wrote.
 *
 * @see https://docs.aws.amazon.com/step-functions/latest/dg/input-output-itembatcher.html
 * @see https://jimp-dev.github.io/jimp/
 */
import { GetObjectCommand, PutObjectCommand, S3Client } from "@aws-sdk/client-s3";
import type { Jimp as JimpClass } from "jimp";
import { NamedError, renderValue } from "./lib/errors";
import { isNonEmptyString, isRecord } from "./lib/guards";

/** The environment variable holding the images bucket's name. */
export const IMAGES_BUCKET_VARIABLE = "IMAGES_BUCKET_NAME";
/** Where uploads are read from: the only prefix the function's role may read. */
export const UPLOADS_PREFIX = "uploads/";
/** Where processed images are written, under their upload key: the only prefix the function's role may write. */
export const PROCESSED_PREFIX = "processed/";
/** The filters a batch may ask for. */
export const FILTERS = ["greyscale", "sepia"] as const;
/** The widest a processed image may be asked to be, in pixels. */
export const MAX_WIDTH = 4096;
/** The text of the watermark. */
export const WATERMARK = "STATECRAFT";

/** Where the function reads and writes; read by {@link settingsFromEnvironment} in Lambda. */
export interface ProcessImagesSettings {
  /** The images bucket: uploads under `uploads/`, processed images under `processed/`. */
  bucketName: string;
}

/** What one child execution passes: its batch of listed objects and the Map's `BatchInput`. */
export interface ImageBatch {
  Items: { key: string; bytes?: number }[];
  BatchInput: { batchId: string; width: number; filter: (typeof FILTERS)[number] };
}

/** One processed image's facts. */
export interface ProcessedImage {
  key: string;
  processedKey: string;
  contentType: string;
  originalWidth: number;
  originalHeight: number;
  width: number;
  height: number;
  /** The size of the processed object, in bytes. */
  bytes: number;
}

/** What the handler returns for a batch whose every object was an image. */
export interface ProcessedBatch {
  batchId: string;
  images: ProcessedImage[];
  /** Folder placeholders (keys ending `/`, as the S3 console creates them), listed but not images. */
  skipped: string[];
}

/** The S3 calls the function makes (GetObject, PutObject); an `S3Client` or a local one. */
export interface ImagesClient {
  send(command: GetObjectCommand | PutObjectCommand): Promise<unknown>;
}

/** Thrown, with ASL error name `InvalidImageBatch`, when the event is not a batch the function can process. */
export class InvalidImageBatch extends NamedError {
  constructor(message: string) {
    super("InvalidImageBatch", message);
  }
}

/** Thrown, with ASL error name `UndecodableImage`, when an object of the batch does not decode as an image. */
export class UndecodableImage extends NamedError {
  constructor(message: string) {
    super("UndecodableImage", message);
  }
}

/** Thrown, with ASL error name `InvalidImageSettings`, when the function's environment is incomplete. */
export class InvalidImageSettings extends NamedError {
  constructor(message: string) {
    super("InvalidImageSettings", message);
  }
}

/**
 * Reads the settings from the function's environment (`IMAGES_BUCKET_NAME`).
 * @throws {InvalidImageSettings} When the variable is missing or empty.
 */
export function settingsFromEnvironment(env: Record<string, string | undefined> = process.env): ProcessImagesSettings {
  const bucketName = env[IMAGES_BUCKET_VARIABLE];
  if (!isNonEmptyString(bucketName)) throw new InvalidImageSettings(`Environment variable ${IMAGES_BUCKET_VARIABLE} must be set. Received: ${renderValue(bucketName)}`);
  return { bucketName: bucketName.trim() };
}

/**
 * Checks a batch event.
 * @throws {InvalidImageBatch} naming the first bad field and its value.
 */
export function parseBatch(event: unknown): ImageBatch {
  if (!isRecord(event) || !Array.isArray(event.Items)) throw new InvalidImageBatch(`The event must be a batch {Items: [...], BatchInput: {...}}. Received: ${renderValue(event)}`);
  const input = event.BatchInput;
  if (!isRecord(input)) throw new InvalidImageBatch(`BatchInput must be an object {batchId, width, filter}. Received: ${renderValue(input)}`);
  if (!isNonEmptyString(input.batchId)) throw new InvalidImageBatch(`BatchInput.batchId must be a non-empty string. Received: ${renderValue(input.batchId)}`);
  if (typeof input.width !== "number" || !Number.isInteger(input.width) || input.width < 1 || input.width > MAX_WIDTH) {
    throw new InvalidImageBatch(`BatchInput.width must be a whole number of pixels from 1 to ${MAX_WIDTH}. Received: ${renderValue(input.width)}`);
  }
  if (!FILTERS.includes(input.filter as (typeof FILTERS)[number])) throw new InvalidImageBatch(`BatchInput.filter must be one of ${FILTERS.join(", ")}. Received: ${renderValue(input.filter)}`);
  const items = event.Items.map((item, index) => {
    if (!isRecord(item) || !isNonEmptyString(item.key)) throw new InvalidImageBatch(`Items[${index}].key must be an object key. Received: ${renderValue(item)}`);
    if (!item.key.startsWith(UPLOADS_PREFIX)) throw new InvalidImageBatch(`Items[${index}].key must be under ${UPLOADS_PREFIX}. Received: ${renderValue(item.key)}`);
    return { key: item.key, ...(typeof item.bytes === "number" ? { bytes: item.bytes } : {}) };
  });
  return { Items: items, BatchInput: { batchId: input.batchId, width: input.width, filter: input.filter as (typeof FILTERS)[number] } };
}

/** The 3×5 pixel glyphs of the watermark's letters, row by row (`#` drawn). */
const GLYPHS: Record<string, string[]> = {
  S: ["###", "#..", "###", "..#", "###"],
  T: ["###", ".#.", ".#.", ".#.", ".#."],
  A: [".#.", "#.#", "###", "#.#", "#.#"],
  E: ["###", "#..", "##.", "#..", "###"],
  C: [".##", "#..", "#..", "#..", ".##"],
  R: ["##.", "#.#", "##.", "#.#", "#.#"],
  F: ["###", "#..", "##.", "#..", "#.."],
};

/**
 * Draws {@link WATERMARK} into an RGBA bitmap, in place: white at 70% over a dark shadow, in the bottom-right corner,
 * scaled to about 40% of the image's width (at least 1 pixel per glyph pixel); clipped where the image is smaller.
 * @param bitmap jimp's bitmap (`data` is RGBA, row by row).
 */
export function drawWatermark(bitmap: { width: number; height: number; data: Buffer | Uint8Array }): void {
  const columns = WATERMARK.length * 4 - 1;
  const scale = Math.max(1, Math.floor((bitmap.width * 0.4) / columns));
  const left = bitmap.width - (columns + 2) * scale;
  const top = bitmap.height - 7 * scale;
  const blend = (x: number, y: number, value: number, alpha: number) => {
    if (x < 0 || y < 0 || x >= bitmap.width || y >= bitmap.height) return;
    const at = (y * bitmap.width + x) * 4;
    for (let channel = 0; channel < 3; channel++) bitmap.data[at + channel] = Math.round(bitmap.data[at + channel] * (1 - alpha) + value * alpha);
  };
  const paint = (offset: number, value: number, alpha: number) => {
    [...WATERMARK].forEach((letter, index) => {
      GLYPHS[letter].forEach((row, y) => {
        [...row].forEach((cell, x) => {
          if (cell !== "#") return;
          for (let dy = 0; dy < scale; dy++) {
            for (let dx = 0; dx < scale; dx++) blend(left + (index * 4 + x) * scale + dx + offset, top + y * scale + dy + offset, value, alpha);
          }
        });
      });
    });
  };
  paint(Math.max(1, Math.floor(scale / 2)), 0, 0.5);
  paint(0, 255, 0.7);
}

/** jimp, loaded at the first image: importing it takes a few hundred milliseconds that a module import should not cost. */
let jimp: Promise<typeof JimpClass> | undefined;
const loadJimp = () => (jimp ??= import("jimp").then((module) => module.Jimp));

/** The body of a GetObject answer as bytes. */
async function bytesOf(answer: unknown, key: string): Promise<Buffer> {
  const body = (answer as { Body?: { transformToByteArray?: () => Promise<Uint8Array> } }).Body;
  if (!body?.transformToByteArray) throw new UndecodableImage(`${key} has no body. Received: ${renderValue(answer)}`);
  return Buffer.from(await body.transformToByteArray());
}

/**
 * Builds the handler around an S3 client and the settings.
 * @returns the handler: a batch in, {@link ProcessedBatch} out.
 * @throws (the handler) {@link InvalidImageBatch} for a bad event; {@link UndecodableImage} naming every object of the
 *   batch that is not an image, once the others are written; S3's own errors (`NoSuchKey`, `AccessDenied`) as they are.
 */
export function createHandler(clients: { s3: ImagesClient }, settings: ProcessImagesSettings): (event: unknown) => Promise<ProcessedBatch> {
  return async (event) => {
    const { Items, BatchInput } = parseBatch(event);
    const images: ProcessedImage[] = [];
    const skipped: string[] = [];
    const undecodable: string[] = [];
    for (const { key } of Items) {
      if (key.endsWith("/")) {
        skipped.push(key);
        continue;
      }
      const source = await bytesOf(await clients.s3.send(new GetObjectCommand({ Bucket: settings.bucketName, Key: key })), key);
      let image: Awaited<ReturnType<typeof JimpClass.fromBuffer>>;
      try {
        image = await (await loadJimp()).fromBuffer(source);
      } catch (error) {
        undecodable.push(`${key} (${(error as Error).message})`);
        continue;
      }
      const { width: originalWidth, height: originalHeight } = image.bitmap;
      if (originalWidth > BatchInput.width) image.resize({ w: BatchInput.width });
      if (BatchInput.filter === "greyscale") image.greyscale();
      else image.sepia();
      drawWatermark(image.bitmap);
      const contentType = image.mime ?? "image/png";
      const output = await image.getBuffer(contentType as "image/png");
      const processedKey = `${PROCESSED_PREFIX}${key}`;
      await clients.s3.send(new PutObjectCommand({ Bucket: settings.bucketName, Key: processedKey, Body: output, ContentType: contentType }));
      images.push({ key, processedKey, contentType, originalWidth, originalHeight, width: image.bitmap.width, height: image.bitmap.height, bytes: output.length });
    }
    if (undecodable.length > 0) {
      throw new UndecodableImage(`${undecodable.length} of ${Items.length} objects of batch ${BatchInput.batchId} are not images (${images.length} processed). Received: ${renderValue(undecodable, 400)}`);
    }
    return { batchId: BatchInput.batchId, images, skipped };
  };
}

let lambdaHandler: ((event: unknown) => Promise<ProcessedBatch>) | undefined;

/**
 * Lambda entry point. On first invocation it reads {@link settingsFromEnvironment} and builds an S3 client from the
 * Lambda environment; importing the module reads nothing.
 * @throws {InvalidImageSettings} When `IMAGES_BUCKET_NAME` is missing.
 * @throws What {@link createHandler}'s handler throws.
 */
export const handler = async (event: unknown): Promise<ProcessedBatch> => {
  lambdaHandler ??= createHandler({ s3: new S3Client({}) }, settingsFromEnvironment());
  return lambdaHandler(event);
};
