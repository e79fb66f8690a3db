import { ResourceValidationPolicy } from "@pulumi/policy";
import { ConfigSchema, defaultsOf, forTypes } from "../lib";

/** Configuration of {@link apigwRouteAuthorized}. */
export interface ApigwRouteAuthorizedConfig {
  /**
   * Route keys (`<METHOD> <path>` or `$default`) that are public by design: their handler authenticates each request
   * itself (the approval links' signatures). A listed key may be `NONE` on any API of the stack. @default []
   */
  publicRouteKeys: string[];
}

const SCHEMA: ConfigSchema<ApigwRouteAuthorizedConfig> = {
  properties: {
    publicRouteKeys: {
      type: "array",
      items: { type: "string", pattern: "^(\\$default|(GET|POST|PUT|PATCH|DELETE|HEAD|OPTIONS|ANY) /\\S*)$" },
      uniqueItems: true,
      default: [] as string[],
    },
  },
};

/** The authorization types that need an authorizer. */
const WITH_AUTHORIZER = ["JWT", "CUSTOM"];

/**
 * Whether a route key is one a caller reaches with a request: an HTTP API's `<METHOD> <path>` or `$default`, or a
 * WebSocket API's `$connect`. A WebSocket API authorizes its connection only, so its `$disconnect` and message
 * routes take no authorization.
 */
function takesAuthorization(routeKey: string): boolean {
  return routeKey === "$default" || routeKey === "$connect" || /^[A-Z]+ \//.test(routeKey);
}

/**
 * Checks whether every API Gateway v2 route authorizes its callers: `authorizationType` `AWS_IAM` (SigV4), `JWT`
 * or `CUSTOM` (with an `authorizerId`), never `NONE` (API Gateway's default), unless the route key is listed in
 * `publicRouteKeys` as public by design, its handler authenticating each request itself.
 * @see https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-access-control.html
 * @see https://docs.aws.amazon.com/securityhub/latest/userguide/apigateway-controls.html#apigateway-8
 */
export const apigwRouteAuthorized: ResourceValidationPolicy = {
  name: "apigw-route-authorized",
  description: "Checks whether every API Gateway route authorizes its callers with IAM, a JWT or a Lambda authorizer, unless its route key is configured as public by design.",
  severity: "high",
  remediationSteps:
    "Set authorizationType to AWS_IAM, or to JWT or CUSTOM with the authorizerId of the API's authorizer; list a route that authenticates each request itself (e.g. a signed link) in publicRouteKeys of the stack's policy-pack config.",
  url: "https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-access-control.html",
  configSchema: SCHEMA,
  validateResource: forTypes<ApigwRouteAuthorizedConfig>(["aws:apigatewayv2/route:Route"], defaultsOf(SCHEMA), (props, config, report) => {
    const routeKey = String(props.routeKey ?? "");
    if (!takesAuthorization(routeKey)) return;
    const type = String(props.authorizationType ?? "NONE");
    if (type === "NONE") {
      if (config.publicRouteKeys.includes(routeKey)) return;
      report(`Set authorizationType to AWS_IAM, JWT or CUSTOM on route "${routeKey}": it is NONE, so anyone who finds the API can call it. If the route is public by design, list it in publicRouteKeys.`);
    } else if (WITH_AUTHORIZER.includes(type) && !props.authorizerId) {
      report(`Set authorizerId on route "${routeKey}": its authorizationType ${type} needs the API's authorizer.`);
    }
  }),
};
