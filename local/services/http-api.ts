import { randomUUID } from "node:crypto";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import type { Json } from "../../infra/definition/asl";
import type { Authorizer } from "../authz/authorizer";
import type { PlannedResource } from "../authz/plan-index";

/**
 * The stack's API Gateway HTTP APIs, served on 127.0.0.1: every route the plan registers
 * (`aws.apigatewayv2.Route` → `Integration` → Lambda function) answers real HTTP requests. Each request becomes the
 * payload format 2.0 event API Gateway sends, the invocation is authorized as API Gateway's
 * (`apigateway.amazonaws.com` calling `lambda:InvokeFunction`, `aws:SourceArn` the route's execute-api ARN,
 * against the function's Lambda permissions from the plan), and the handler's result is turned back into the
 * HTTP response as API Gateway does. A function error or a denied invocation answers 500
 * `{"message":"Internal Server Error"}`, as API Gateway does.
 * @see https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-develop-integrations-lambda.html
 */

/** One route: method, path template and the function it invokes. */
export interface LocalRoute {
  routeKey: string;
  method: string;
  /** The path template's segments, `{name}` for a parameter. */
  segments: string[];
  functionArn: string;
  /** `arn:<p>:execute-api:<region>:<account>:<api id>`. */
  executionArn: string;
  apiId: string;
}

/** A request served, for reports and tests: what API Gateway's access log would show. */
export interface HttpRequestRecord {
  method: string;
  path: string;
  routeKey?: string;
  status: number;
  /** Why the integration failed (API Gateway's `$context.integrationErrorMessage`), e.g. a denied invocation. */
  integrationError?: string;
}

/**
 * The response header that carries a failed integration's reason locally ({@link HttpRequestRecord.integrationError}),
 * so a local client can say why it got a 500; API Gateway itself writes it only to the access log.
 */
export const INTEGRATION_ERROR_HEADER = "x-statecraft-integration-error";

/** Invokes a function in-process (the stack's local Lambda). */
export type FunctionInvoker = (functionArn: string, event: Json) => Promise<Json>;

/**
 * The Lambda proxy routes of every HTTP API in the plan's resources (a trigger's Step Functions routes are left out).
 * @throws Error naming the route when its integration or API is missing from the plan.
 */
export function routesOf(resources: PlannedResource[]): LocalRoute[] {
  const apis = new Map(resources.filter((r) => r.type === "aws:apigatewayv2/api:Api").map((r) => [String(r.outputs?.id), r]));
  const integrations = new Map(resources.filter((r) => r.type === "aws:apigatewayv2/integration:Integration").map((r) => [String(r.outputs?.id), r]));
  const integrationOf = (route: PlannedResource) => integrations.get(String(route.inputs.target ?? "").replace(/^integrations\//, ""));
  return resources
    .filter((r) => r.type === "aws:apigatewayv2/route:Route")
    // Lambda proxy routes only: a trigger's route integrates Step Functions (integrationSubtype), which this local
    // server does not start.
    .filter((route) => !integrationOf(route)?.inputs.integrationSubtype)
    .map((route) => {
      const routeKey = String(route.inputs.routeKey);
      const integrationId = String(route.inputs.target ?? "").replace(/^integrations\//, "");
      const integration = integrationOf(route);
      const api = apis.get(String(route.inputs.apiId));
      if (!integration || !api) throw new Error(`route ${routeKey} (${route.name}): its integration ${integrationId} or API ${String(route.inputs.apiId)} is not in the plan`);
      const [method, path] = routeKey.split(" ");
      return {
        routeKey,
        method,
        segments: path.split("/").filter(Boolean),
        functionArn: String(integration.inputs.integrationUri),
        executionArn: String(api.outputs?.executionArn),
        apiId: String(api.outputs?.id),
      };
    });
}

/** The HTTP APIs of a stack, on one local server. */
export class LocalHttpApi {
  /** Every request served, in order. */
  readonly requests: HttpRequestRecord[] = [];

  private constructor(
    private readonly server: Server,
    /** `http://127.0.0.1:<port>`: the local stand-in for every API's `apiEndpoint`. */
    readonly url: string,
  ) {}

  /**
   * Starts the server on an ephemeral port of 127.0.0.1.
   * @param routes the routes to serve ({@link routesOf}).
   * @param invoke runs the function in-process.
   * @param authorizer authorizes API Gateway's invocation of each function.
   * @param account the API's account (`aws:SourceAccount`).
   * @returns the running API; call {@link stop} when done.
   */
  static async start(routes: LocalRoute[], invoke: FunctionInvoker, authorizer: Authorizer, account: string): Promise<LocalHttpApi> {
    let api: LocalHttpApi | undefined;
    const server = createServer((request, response) => {
      void api!.serve(routes, invoke, authorizer, account, request, response);
    });
    await new Promise<void>((resolve, reject) => {
      server.once("error", reject);
      server.listen(0, "127.0.0.1", () => resolve());
    });
    api = new LocalHttpApi(server, `http://127.0.0.1:${(server.address() as AddressInfo).port}`);
    return api;
  }

  /** Stops the server; safe to call twice. */
  async stop(): Promise<void> {
    if (!this.server.listening) return;
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private async serve(routes: LocalRoute[], invoke: FunctionInvoker, authorizer: Authorizer, account: string, request: IncomingMessage, response: ServerResponse): Promise<void> {
    const url = new URL(request.url ?? "/", this.url);
    const method = request.method ?? "GET";
    const segments = url.pathname.split("/").filter(Boolean);
    const body = await new Promise<Buffer>((resolve) => {
      const chunks: Buffer[] = [];
      request.on("data", (chunk: Buffer) => chunks.push(chunk));
      request.on("end", () => resolve(Buffer.concat(chunks)));
    });
    const record: HttpRequestRecord = { method, path: url.pathname, status: 404 };
    this.requests.push(record);
    const match = routes
      .filter((route) => route.method === method && route.segments.length === segments.length)
      .map((route) => ({ route, parameters: matchSegments(route.segments, segments) }))
      .find((candidate) => candidate.parameters !== undefined);
    if (!match) return send(response, record, 404, { "content-type": "application/json" }, JSON.stringify({ message: "Not Found" }));
    const { route, parameters } = match;
    record.routeKey = route.routeKey;
    const decision = await authorizer.authorize({
      principal: "apigateway.amazonaws.com",
      action: "lambda:InvokeFunction",
      resource: route.functionArn,
      context: { "aws:SourceArn": `${route.executionArn}/$default/${method}${url.pathname}`, "aws:SourceAccount": account },
    });
    if (!decision.allowed) {
      record.integrationError = `API Gateway may not invoke the function: ${decision.message}`;
      return send(response, record, 500, { "content-type": "application/json", [INTEGRATION_ERROR_HEADER]: record.integrationError.replace(/[^\x20-\x7e]/g, "?") }, JSON.stringify({ message: "Internal Server Error" }));
    }
    const now = new Date();
    const event = {
      version: "2.0",
      routeKey: route.routeKey,
      rawPath: url.pathname,
      rawQueryString: url.search.replace(/^\?/, ""),
      headers: Object.fromEntries(Object.entries(request.headers).map(([k, v]) => [k, Array.isArray(v) ? v.join(",") : String(v)])),
      ...(url.search ? { queryStringParameters: Object.fromEntries(url.searchParams) } : {}),
      requestContext: {
        accountId: account,
        apiId: route.apiId,
        domainName: url.host,
        domainPrefix: route.apiId,
        http: { method, path: url.pathname, protocol: "HTTP/1.1", sourceIp: request.socket.remoteAddress ?? "127.0.0.1", userAgent: String(request.headers["user-agent"] ?? "") },
        requestId: randomUUID(),
        routeKey: route.routeKey,
        stage: "$default",
        time: now.toISOString(),
        timeEpoch: now.getTime(),
      },
      ...(Object.keys(parameters!).length ? { pathParameters: parameters } : {}),
      ...(body.length ? { body: body.toString("base64"), isBase64Encoded: true } : { isBase64Encoded: false }),
    };
    let result: Json;
    try {
      result = await invoke(route.functionArn, event as unknown as Json);
    } catch (error) {
      record.integrationError = `the function failed: ${(error as Error).name}: ${(error as Error).message}`;
      return send(response, record, 500, { "content-type": "application/json", [INTEGRATION_ERROR_HEADER]: record.integrationError.replace(/[^\x20-\x7e]/g, "?").slice(0, 2000) }, JSON.stringify({ message: "Internal Server Error" }));
    }
    // Payload format 2.0: an object with statusCode is the response; anything else is a 200 JSON body.
    if (result !== null && typeof result === "object" && !Array.isArray(result) && "statusCode" in result) {
      const { statusCode, headers, body: text, isBase64Encoded } = result as { statusCode: number; headers?: Record<string, string>; body?: string; isBase64Encoded?: boolean };
      return send(response, record, statusCode, headers ?? {}, isBase64Encoded ? Buffer.from(text ?? "", "base64") : (text ?? ""));
    }
    return send(response, record, 200, { "content-type": "application/json" }, JSON.stringify(result));
  }
}

function matchSegments(template: string[], actual: string[]): Record<string, string> | undefined {
  const parameters: Record<string, string> = {};
  for (const [i, part] of template.entries()) {
    const parameter = /^\{(.+)\}$/.exec(part)?.[1];
    if (parameter) parameters[parameter] = decodeURIComponent(actual[i]);
    else if (part !== actual[i]) return undefined;
  }
  return parameters;
}

function send(response: ServerResponse, record: HttpRequestRecord, status: number, headers: Record<string, string>, body: string | Buffer): void {
  record.status = status;
  response.writeHead(status, headers);
  response.end(body);
}
