import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { accessLogFormat, invokeSourceArn, parseRouteKey, routeResourceName } from "../triggers/http-api";
import { Transform, transformed } from "./transform";

/** Arguments of an {@link HttpApi}. */
export interface HttpApiArgs {
  /** The API's name (`<project>-<stack>-<api>`). */
  apiName: string;
  /** What the API serves, one sentence (the API's description in API Gateway). */
  description: string;
  /** The access log group's name, e.g. `/aws/vendedlogs/apigateway/<stack>-<api>`. */
  logGroupName: string;
  /** Access log retention, in days (one of CloudWatch Logs' periods). */
  logRetentionDays: number;
  /** A customer-managed KMS key for the access log group; AWS-owned keys when absent. */
  kmsKeyArn?: pulumi.Input<string>;
  /**
   * The stage's default route throttling: steady-state requests per second and burst (requests), for the whole
   * stage, below the account's Region-wide quota.
   * @see https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-throttling.html
   */
  throttling: { rateLimit: number; burstLimit: number };
  /** Escape hatches: adjust any child's arguments. */
  transform?: {
    api?: Transform<aws.apigatewayv2.ApiArgs>;
    logGroup?: Transform<aws.cloudwatch.LogGroupArgs>;
    stage?: Transform<aws.apigatewayv2.StageArgs>;
  };
}

/**
 * An HTTP API (API Gateway v2, protocol HTTP) and its `$default` stage, deployed automatically on every change,
 * with JSON access logs (request id, source IP, route key, status, integration errors, …: `ACCESS_LOG_FIELDS` of
 * `infra/triggers/http-api.ts`) to a log group of its own, and throttling on every route. Routes come from
 * {@link HttpApiLambdaRoutes}, so the API (and its endpoint URL) exists before the function it invokes, which may
 * then take that URL as an environment variable.
 *
 * Children: `<name>` (aws.apigatewayv2.Api), `<name>-access-logs` (aws.cloudwatch.LogGroup), `<name>-stage`
 * (aws.apigatewayv2.Stage).
 *
 * @see https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-logging.html
 * @see https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-stages.html
 * @see https://www.pulumi.com/registry/packages/aws/api-docs/apigatewayv2/api/
 * @see https://www.pulumi.com/registry/packages/aws/api-docs/apigatewayv2/stage/
 */
export class HttpApi extends pulumi.ComponentResource {
  /** The API's id. */
  readonly apiId: pulumi.Output<string>;
  /** `https://<api id>.execute-api.<region>.amazonaws.com`: the `$default` stage is served at its root. */
  readonly apiEndpoint: pulumi.Output<string>;
  /** `arn:<partition>:execute-api:<region>:<account>:<api id>`, the prefix of Lambda permissions' `sourceArn`. */
  readonly executionArn: pulumi.Output<string>;

  /**
   * @param name the API's logical name; children's names derive from it.
   * @param args see {@link HttpApiArgs}.
   * @param opts component resource options.
   */
  constructor(name: string, args: HttpApiArgs, opts?: pulumi.ComponentResourceOptions) {
    super("statecraft:index:HttpApi", name, {}, opts);
    const api = new aws.apigatewayv2.Api(name, transformed(args.transform?.api, { name: args.apiName, description: args.description, protocolType: "HTTP" }), { parent: this });
    const logGroup = new aws.cloudwatch.LogGroup(
      `${name}-access-logs`,
      transformed(args.transform?.logGroup, { name: args.logGroupName, retentionInDays: args.logRetentionDays, kmsKeyId: args.kmsKeyArn }),
      { parent: this },
    );
    new aws.apigatewayv2.Stage(
      `${name}-stage`,
      transformed(args.transform?.stage, {
        apiId: api.id,
        name: "$default",
        autoDeploy: true,
        accessLogSettings: { destinationArn: logGroup.arn, format: accessLogFormat() },
        defaultRouteSettings: { throttlingRateLimit: args.throttling.rateLimit, throttlingBurstLimit: args.throttling.burstLimit },
      }),
      { parent: this },
    );
    this.apiId = api.id;
    this.apiEndpoint = api.apiEndpoint;
    this.executionArn = api.executionArn;
    this.registerOutputs({ apiId: this.apiId, apiEndpoint: this.apiEndpoint, executionArn: this.executionArn });
  }
}

/** Arguments of an {@link HttpApiLambdaRoutes}. */
export interface HttpApiLambdaRoutesArgs {
  /** The API's id ({@link HttpApi.apiId}). */
  apiId: pulumi.Input<string>;
  /** The API's execution ARN ({@link HttpApi.executionArn}), the prefix of the permission's `sourceArn`. */
  executionArn: pulumi.Input<string>;
  /** The function's ARN. */
  functionArn: pulumi.Input<string>;
  /** The route keys, e.g. `GET /approvals/{requestId}/{decision}`. */
  routes: readonly string[];
  /**
   * The routes' authorization: `NONE` for public routes, whose handler checks every request itself (a signed
   * link), or `AWS_IAM`.
   * @default "NONE"
   */
  authorizationType?: "NONE" | "AWS_IAM";
  /** Escape hatches: adjust any child's arguments. */
  transform?: {
    integration?: Transform<aws.apigatewayv2.IntegrationArgs>;
    route?: Transform<aws.apigatewayv2.RouteArgs>;
    permission?: Transform<aws.lambda.PermissionArgs>;
  };
}

/**
 * Routes of an HTTP API to a Lambda function: one Lambda proxy integration (`AWS_PROXY`, payload format 2.0), one
 * route per route key targeting it, and the function's resource-based permission for `apigateway.amazonaws.com`
 * to invoke it from these routes only (`sourceArn` `<execution ARN>/*\/*\/<path prefix>*`, any stage).
 *
 * Children: `<name>-integration` (aws.apigatewayv2.Integration), `<name>-<method>-<path>` per route
 * (aws.apigatewayv2.Route), `<name>-invoke` (aws.lambda.Permission).
 *
 * @throws Error naming a malformed route key.
 * @see https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-develop-integrations-lambda.html
 * @see https://docs.aws.amazon.com/lambda/latest/dg/services-apigateway.html
 * @see https://www.pulumi.com/registry/packages/aws/api-docs/apigatewayv2/integration/
 * @see https://www.pulumi.com/registry/packages/aws/api-docs/apigatewayv2/route/
 */
export class HttpApiLambdaRoutes extends pulumi.ComponentResource {
  /** The integration's id. */
  readonly integrationId: pulumi.Output<string>;

  /**
   * @param name the logical name (the API's); children's names derive from it.
   * @param args see {@link HttpApiLambdaRoutesArgs}.
   * @param opts component resource options.
   */
  constructor(name: string, args: HttpApiLambdaRoutesArgs, opts?: pulumi.ComponentResourceOptions) {
    // A malformed route key fails here, before any child is registered.
    args.routes.forEach(parseRouteKey);
    const sourceArn = pulumi.output(args.executionArn).apply((arn) => invokeSourceArn(arn, args.routes));
    super("statecraft:index:HttpApiLambdaRoutes", name, {}, opts);
    const integration = new aws.apigatewayv2.Integration(
      `${name}-integration`,
      transformed(args.transform?.integration, {
        apiId: args.apiId,
        integrationType: "AWS_PROXY",
        integrationMethod: "POST",
        integrationUri: args.functionArn,
        payloadFormatVersion: "2.0",
      }),
      { parent: this },
    );
    for (const routeKey of args.routes) {
      new aws.apigatewayv2.Route(
        `${name}-${routeResourceName(routeKey)}`,
        transformed(args.transform?.route, {
          apiId: args.apiId,
          routeKey,
          target: pulumi.interpolate`integrations/${integration.id}`,
          authorizationType: args.authorizationType ?? "NONE",
        }),
        { parent: this },
      );
    }
    new aws.lambda.Permission(
      `${name}-invoke`,
      transformed(args.transform?.permission, {
        action: "lambda:InvokeFunction",
        function: args.functionArn,
        principal: "apigateway.amazonaws.com",
        sourceArn,
      }),
      { parent: this },
    );
    this.integrationId = integration.id;
    this.registerOutputs({ integrationId: this.integrationId });
  }
}
