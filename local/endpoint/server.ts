/**
 * A Step Functions endpoint on 127.0.0.1 that `@aws-sdk/client-sfn` talks to unmodified (`endpoint:
 * "http://127.0.0.1:<port>"`), serving the operations of {@link StepFunctionsRegistry} over the AWS JSON 1.0
 * protocol: `POST /` with `X-Amz-Target: AWSStepFunctions.<Operation>` and a JSON body; errors are HTTP 400
 * `{"__type": "<Name>", "message": "..."}`; dates are epoch seconds.
 *
 * StartSyncExecution and TestState are served on the `sync-` host of the Region's endpoint in AWS, so the SDK
 * prefixes the endpoint's host with `sync-`: give the client `disableHostPrefix: true` ({@link clientConfig} does).
 * @see https://docs.aws.amazon.com/step-functions/latest/apireference/API_Operations.html
 * @see https://smithy.io/2.0/aws/protocols/aws-json-1_0-protocol.html
 */
import { randomUUID } from "node:crypto";
import * as http from "node:http";
import type { AddressInfo } from "node:net";
import { ServiceError } from "./arns";
import { type RegistryOptions, StepFunctionsRegistry } from "./operations";

/** Options of {@link StepFunctionsEndpoint.start}: the registry's, and where to listen. */
export interface EndpointOptions extends RegistryOptions {
  /** The port on 127.0.0.1. @default 0 (any free port) */
  port?: number;
  /** The host to listen on. @default "127.0.0.1" */
  host?: string;
}

/** The target prefix of every Step Functions operation. */
const TARGET_PREFIX = "AWSStepFunctions.";
const CONTENT_TYPE = "application/x-amz-json-1.0";

/** The local Step Functions endpoint: an HTTP server over a {@link StepFunctionsRegistry}. */
export class StepFunctionsEndpoint {
  private constructor(
    private readonly server: http.Server,
    /** The state machines and executions it serves. */
    readonly registry: StepFunctionsRegistry,
    /** The port it listens on. */
    readonly port: number,
    private readonly host: string,
    /** Every request served, in order: its operation and HTTP status. */
    readonly requests: { operation: string; status: number }[],
  ) {}

  /** `http://127.0.0.1:<port>`, the client's `endpoint`. */
  get url(): string {
    return `http://${this.host}:${this.port}`;
  }

  /**
   * Starts the endpoint.
   * @param options Region, account, partition, seed machines, per-machine engine options, port.
   * @returns the listening endpoint; call {@link stop} when done.
   * @throws ServiceError for a bad seed machine (as CreateStateMachine); the server's error when the port is taken.
   */
  static async start(options: EndpointOptions): Promise<StepFunctionsEndpoint> {
    const registry = new StepFunctionsRegistry(options);
    const host = options.host ?? "127.0.0.1";
    const requests: { operation: string; status: number }[] = [];
    const server = http.createServer((request, response) => void serve(registry, request, response, requests));
    await new Promise<void>((resolve, reject) => {
      server.once("error", reject);
      server.listen(options.port ?? 0, host, () => {
        server.off("error", reject);
        resolve();
      });
    });
    return new StepFunctionsEndpoint(server, registry, (server.address() as AddressInfo).port, host, requests);
  }

  /**
   * The `SFNClient` configuration for this endpoint: its URL, a Region, dummy credentials and `disableHostPrefix`
   * (StartSyncExecution and TestState would otherwise go to `sync-127.0.0.1`).
   * @param region @default the registry's Region
   */
  clientConfig(region = this.registry.scope.region): { endpoint: string; region: string; credentials: { accessKeyId: string; secretAccessKey: string }; disableHostPrefix: boolean } {
    return { endpoint: this.url, region, credentials: { accessKeyId: "local", secretAccessKey: "local" }, disableHostPrefix: true };
  }

  /** Stops every running execution, then the server (closing idle connections). */
  async stop(): Promise<void> {
    this.registry.stopAll();
    await new Promise<void>((resolve) => {
      this.server.close(() => resolve());
      this.server.closeAllConnections();
    });
  }
}

/** Serves one request: reads the body, calls the operation, writes the JSON response or error. */
async function serve(registry: StepFunctionsRegistry, request: http.IncomingMessage, response: http.ServerResponse, log: { operation: string; status: number }[]): Promise<void> {
  const requestId = randomUUID();
  const operation = String(request.headers["x-amz-target"] ?? "").slice(TARGET_PREFIX.length);
  response.on("finish", () => log.push({ operation, status: response.statusCode }));
  try {
    const body = await readBody(request);
    if (request.method !== "POST") throw new ServiceError("UnknownOperationException", `The Step Functions API takes POST requests, not ${request.method}.`);
    const target = String(request.headers["x-amz-target"] ?? "");
    if (!target.startsWith(TARGET_PREFIX)) throw new ServiceError("UnknownOperationException", `X-Amz-Target must be ${TARGET_PREFIX}<Operation>. Received: ${JSON.stringify(target)}`);
    let parsed: unknown;
    try {
      parsed = body.length === 0 ? {} : JSON.parse(body);
    } catch (error) {
      throw new ServiceError("SerializationException", `The request body is not JSON: ${(error as Error).message}`);
    }
    if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) throw new ServiceError("SerializationException", "The request body must be a JSON object.");
    const result = await registry.call(target.slice(TARGET_PREFIX.length), parsed as Record<string, unknown>);
    write(response, 200, requestId, result);
  } catch (error) {
    if (error instanceof ServiceError) {
      write(response, 400, requestId, { __type: error.name, message: error.message }, error.name);
    } else {
      write(response, 500, requestId, { __type: "InternalFailure", message: `The local endpoint failed: ${(error as Error)?.message ?? String(error)}` }, "InternalFailure");
    }
  }
}

function readBody(request: http.IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    request.on("data", (chunk: Buffer) => chunks.push(chunk));
    request.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
    request.on("error", reject);
  });
}

/** Writes a JSON body, every `Date` in it as epoch seconds and `undefined` fields left out. */
function write(response: http.ServerResponse, status: number, requestId: string, body: unknown, errorType?: string): void {
  const text = JSON.stringify(body, function (this: Record<string, unknown>, key: string, value: unknown) {
    const raw = this[key];
    return raw instanceof Date ? raw.getTime() / 1000 : value;
  });
  response.writeHead(status, {
    "Content-Type": CONTENT_TYPE,
    "Content-Length": Buffer.byteLength(text),
    "x-amzn-RequestId": requestId,
    ...(errorType ? { "x-amzn-ErrorType": errorType } : {}),
  });
  response.end(text);
}
