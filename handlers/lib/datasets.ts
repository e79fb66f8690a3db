/**
 * Reading and writing JSON objects in S3, for the data-pipeline handlers. The client is injected: in Lambda an
 * `S3Client` with the function role's credentials, locally one whose every command the runner authorizes.
 * @see https://docs.aws.amazon.com/AmazonS3/latest/API/API_GetObject.html
 */
import { GetObjectCommand, PutObjectCommand } from "@aws-sdk/client-s3";
import { NamedError } from "./errors";

/** Anything with the SDK's `send`: an `S3Client`, or a local stand-in. */
export interface S3Sender {
  send(command: never): Promise<unknown>;
}

/**
 * Reads `s3://<bucket>/<key>` as JSON.
 * @throws NamedError `InvalidDataset` when the object is not JSON (naming the key); S3's own errors as thrown.
 */
export async function readJson(s3: S3Sender, bucket: string, key: string): Promise<unknown> {
  const object = (await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }) as never)) as { Body?: { transformToString(): Promise<string> } };
  const text = (await object.Body?.transformToString()) ?? "";
  try {
    return JSON.parse(text);
  } catch {
    throw new NamedError("InvalidDataset", `s3://${bucket}/${key} is not JSON. Received: ${text.slice(0, 200)}`);
  }
}

/** Writes `value` as JSON (`application/json`) to `s3://<bucket>/<key>`; S3's errors as thrown. */
export async function writeJson(s3: S3Sender, bucket: string, key: string, value: unknown): Promise<void> {
  await s3.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: JSON.stringify(value), ContentType: "application/json" }) as never);
}
