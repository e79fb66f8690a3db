/**
 * HTTP APIs (API Gateway v2) that invoke a Lambda handler, as plain functions: the access log format, the route
 * keys' invoke permission scope, the stage's throttling. The `HttpApi` and `HttpApiLambdaRoutes` components of
 * `infra/components/http-api.ts` wire them to resources.
 * @see https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api.html
 */

/**
 * The fields of each access log line (one JSON object per request), as `$context` variables of HTTP APIs. The
 * request path and query string are left out: an approval link carries its signature there.
 * @see https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-logging-variables.html
 */
export const ACCESS_LOG_FIELDS: Readonly<Record<string, string>> = {
  requestId: "$context.requestId",
  extendedRequestId: "$context.extendedRequestId",
  ip: "$context.identity.sourceIp",
  userAgent: "$context.identity.userAgent",
  requestTime: "$context.requestTime",
  requestTimeEpoch: "$context.requestTimeEpoch",
  httpMethod: "$context.httpMethod",
  routeKey: "$context.routeKey",
  protocol: "$context.protocol",
  status: "$context.status",
  responseLength: "$context.responseLength",
  responseLatency: "$context.responseLatency",
  integrationStatus: "$context.integrationStatus",
  integrationLatency: "$context.integrationLatency",
  integrationErrorMessage: "$context.integrationErrorMessage",
  errorMessage: "$context.error.message",
};

/**
 * The stage's access log format: {@link ACCESS_LOG_FIELDS} as a one-line JSON object.
 * @returns e.g. `{"requestId":"$context.requestId","ip":"$context.identity.sourceIp",…}`.
 */
export function accessLogFormat(): string {
  return JSON.stringify(ACCESS_LOG_FIELDS);
}

/** A route key split into its method and path: `GET /approvals/{requestId}/{decision}`. */
export interface RouteKey {
  method: string;
  path: string;
}

/**
 * Parses an HTTP API route key.
 * @param routeKey `<METHOD> <path>` (`ANY` for any method) or `$default`.
 * @throws Error naming the route key when it is neither.
 * @see https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-develop-routes.html
 */
export function parseRouteKey(routeKey: string): RouteKey {
  if (routeKey === "$default") return { method: "*", path: "/*" };
  const match = /^(GET|POST|PUT|PATCH|DELETE|HEAD|OPTIONS|ANY) (\/\S*)$/.exec(routeKey);
  if (!match) throw new Error(`route key ${JSON.stringify(routeKey)} is not "<METHOD> /<path>" nor "$default"`);
  return { method: match[1] === "ANY" ? "*" : match[1], path: match[2] };
}

/**
 * The `sourceArn` of the Lambda permission that lets API Gateway invoke the function for these routes only, in
 * any stage: `<execution ARN>/*\/<method>/<path>`, the method `*` unless every route has the same one, the path
 * the routes' common literal prefix up to its last `/` (path parameters become `*`). For
 * `GET|POST /approvals/{requestId}/{decision}`: `<execution ARN>/*\/*\/approvals/*`.
 * @param executionArn the API's execution ARN, `arn:<partition>:execute-api:<region>:<account>:<api id>`.
 * @param routeKeys the route keys the function serves.
 * @throws Error for an empty list or a malformed route key.
 * @see https://docs.aws.amazon.com/lambda/latest/dg/services-apigateway.html
 * @see https://docs.aws.amazon.com/apigateway/latest/developerguide/arn-format-reference.html
 */
export function invokeSourceArn(executionArn: string, routeKeys: readonly string[]): string {
  if (routeKeys.length === 0) throw new Error("invokeSourceArn: no route keys");
  const routes = routeKeys.map(parseRouteKey);
  const methods = new Set(routes.map((route) => route.method));
  const method = methods.size === 1 ? [...methods][0] : "*";
  const literals = routes.map(({ path }) => {
    const parameter = path.search(/[{*]/);
    return parameter < 0 ? path : path.slice(0, parameter);
  });
  const exact = literals.every((literal, i) => literal === routes[i].path) && new Set(literals).size === 1;
  if (exact) return `${executionArn}/*/${method}${literals[0]}`;
  let common = literals[0];
  for (const literal of literals.slice(1)) {
    let i = 0;
    while (i < common.length && i < literal.length && common[i] === literal[i]) i++;
    common = common.slice(0, i);
  }
  return `${executionArn}/*/${method}${common.slice(0, common.lastIndexOf("/") + 1)}*`;
}

/**
 * A route key as part of a Pulumi resource name: `GET /approvals/{requestId}/{decision}` →
 * `get-approvals-requestid-decision`.
 */
export function routeResourceName(routeKey: string): string {
  return routeKey
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-|-$/g, "");
}
