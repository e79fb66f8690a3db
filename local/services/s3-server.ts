import crypto from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { S3Client } from "@aws-sdk/client-s3";

/** The part of s3rver's (untyped) API we use. @see https://github.com/jamhall/s3rver#readme */
interface S3rverInstance {
  run(): Promise<AddressInfo>;
  close(): Promise<void>;
}
type S3rverConstructor = new (options: { address: string; port: number; directory: string; silent: boolean; configureBuckets: { name: string }[] }) => S3rverInstance;

/** The access key pair s3rver's built-in account accepts (it checks SigV4 signatures against it). */
const S3RVER_CREDENTIALS = { accessKeyId: "S3RVER", secretAccessKey: "S3RVER" } as const;

/**
 * s3rver encrypts ListObjectsV2 continuation tokens with single DES (`"des"`, i.e. DES-CBC), which OpenSSL 3 (Node ≥ 17)
 * no longer offers: every truncated listing then fails with `InternalError`. Triple DES with the 8-byte key repeated
 * three times is the same cipher (EDE with K1 = K2 = K3 is DES), so we route `"des"` there. Installed once, only when
 * `"des"` is really unavailable; every other algorithm is untouched.
 */
function allowS3rverContinuationTokens(): void {
  try {
    crypto.createCipheriv("des", Buffer.alloc(8), Buffer.alloc(8));
    return; // "des" works here (e.g. --openssl-legacy-provider): nothing to do.
  } catch {
    // ERR_OSSL_EVP_UNSUPPORTED: install the shim below.
  }
  const patched = crypto as unknown as Record<"createCipheriv" | "createDecipheriv", (algorithm: string, key: Buffer, iv: Buffer | null) => unknown> & { s3rverDesShim?: true };
  if (patched.s3rverDesShim) return;
  const { createCipheriv, createDecipheriv } = patched;
  const tripled = (key: Buffer) => Buffer.concat([key, key, key]);
  patched.createCipheriv = (algorithm, key, iv) => (algorithm === "des" && key.length === 8 ? createCipheriv("des-ede3-cbc", tripled(key), iv) : createCipheriv(algorithm, key, iv));
  patched.createDecipheriv = (algorithm, key, iv) => (algorithm === "des" && key.length === 8 ? createDecipheriv("des-ede3-cbc", tripled(key), iv) : createDecipheriv(algorithm, key, iv));
  patched.s3rverDesShim = true;
}

/** Options of {@link startLocalS3}. */
export interface LocalS3Options {
  /** Buckets to create before the server answers. @default [] */
  buckets?: string[];
  /** The port to listen on, on 127.0.0.1. @default 0 (a free port) */
  port?: number;
  /** Log every request to stdout. @default false */
  verbose?: boolean;
}

/** A running local S3 server, as {@link startLocalS3} returns it. */
export interface LocalS3 {
  /** `http://127.0.0.1:<port>`. */
  endpoint: string;
  /** A client for this server: path-style addressing, s3rver's dummy credentials, Region `us-east-1`. */
  s3: S3Client;
  /** Stops the server, destroys the client and deletes the server's temporary directory. Safe to call twice. */
  stop(): Promise<void>;
}

/**
 * Starts a real S3 API server in-process ([s3rver](https://github.com/jamhall/s3rver), objects kept on disk in a fresh
 * temporary directory) on 127.0.0.1, for the local runner and tests that want S3 through the AWS SDK rather than a
 * mock.
 *
 * The client sends checksums only when an operation requires them (s3rver predates the SDK's default CRC32
 * trailers) and uses path-style URLs (`<endpoint>/<bucket>/<key>`), as s3rver does not resolve virtual hosts on an IP.
 * ListObjectsV2 paging (`MaxKeys`, `ContinuationToken`) works on Node ≥ 17 through a DES shim (see
 * `allowS3rverContinuationTokens`).
 *
 * @example
 * const local = await startLocalS3({ buckets: ["data"] });
 * await local.s3.send(new PutObjectCommand({ Bucket: "data", Key: "a.json", Body: "[1,2]" }));
 * await local.stop();
 * @throws whatever `listen` throws (e.g. `EADDRINUSE` for a taken `port`).
 * @see https://docs.aws.amazon.com/AmazonS3/latest/API/Welcome.html
 */
export async function startLocalS3(options: LocalS3Options = {}): Promise<LocalS3> {
  // s3rver ships no type declarations; we type the constructor ourselves.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const S3rver = require("s3rver") as S3rverConstructor;
  allowS3rverContinuationTokens();
  const directory = await mkdtemp(join(tmpdir(), "statecraft-s3-"));
  const server = new S3rver({
    address: "127.0.0.1",
    port: options.port ?? 0,
    directory,
    silent: !options.verbose,
    configureBuckets: (options.buckets ?? []).map((name) => ({ name })),
  });
  let address: AddressInfo;
  try {
    address = await server.run();
  } catch (error) {
    await rm(directory, { recursive: true, force: true });
    throw error;
  }
  const endpoint = `http://127.0.0.1:${address.port}`;
  const s3 = new S3Client({
    endpoint,
    region: "us-east-1",
    forcePathStyle: true,
    credentials: S3RVER_CREDENTIALS,
    requestChecksumCalculation: "WHEN_REQUIRED",
    responseChecksumValidation: "WHEN_REQUIRED",
  });
  let stopped = false;
  return {
    endpoint,
    s3,
    async stop() {
      if (stopped) return;
      stopped = true;
      s3.destroy();
      await server.close();
      await rm(directory, { recursive: true, force: true });
    },
  };
}
