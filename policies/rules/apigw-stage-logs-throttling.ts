import { ResourceValidationPolicy } from "@pulumi/policy";
import { ConfigSchema, defaultsOf, forTypes } from "../lib";

/** Configuration of {@link apigwStageLogsThrottling}. */
export interface ApigwStageLogsThrottlingConfig {
  /**
   * The highest acceptable `defaultRouteSettings.throttlingRateLimit`, in requests per second.
   * @default 10000 (API Gateway's default account quota per Region)
   */
  maximumRateLimit: number;
  /**
   * The highest acceptable `defaultRouteSettings.throttlingBurstLimit`, in requests.
   * @default 5000 (API Gateway's default account quota per Region)
   */
  maximumBurstLimit: number;
}

const SCHEMA: ConfigSchema<ApigwStageLogsThrottlingConfig> = {
  properties: {
    maximumRateLimit: { type: "number", minimum: 0, default: 10000 },
    maximumBurstLimit: { type: "integer", minimum: 0, default: 5000 },
  },
};

/**
 * Checks whether every API Gateway HTTP API stage writes access logs (`accessLogSettings` with a
 * `destinationArn` and a `format`) and throttles its routes (`defaultRouteSettings.throttlingRateLimit` and
 * `throttlingBurstLimit`, at most the configured maxima), so that a public endpoint leaves a trace of every request
 * and cannot be flooded up to the account's Region-wide quota, which the stack's other APIs share.
 * @see https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-logging.html
 * @see https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-throttling.html
 * @see https://docs.aws.amazon.com/securityhub/latest/userguide/apigateway-controls.html
 */
export const apigwStageLogsThrottling: ResourceValidationPolicy = {
  name: "apigw-stage-logs-throttling",
  description: "Checks whether every API Gateway HTTP API stage writes access logs and sets a rate and burst limit on its routes.",
  severity: "medium",
  remediationSteps:
    "Set accessLogSettings to a log group ARN (destinationArn) and a JSON format, and defaultRouteSettings.throttlingRateLimit and throttlingBurstLimit to what the API's callers need.",
  url: "https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-logging.html",
  configSchema: SCHEMA,
  validateResource: forTypes<ApigwStageLogsThrottlingConfig>(["aws:apigatewayv2/stage:Stage"], defaultsOf(SCHEMA), (props, config, report) => {
    const logs = props.accessLogSettings as { destinationArn?: string; format?: string } | undefined;
    if (!logs?.destinationArn) report("Set accessLogSettings.destinationArn to a CloudWatch Logs log group ARN; the stage writes no access logs.");
    else if (!logs.format) report("Set accessLogSettings.format (e.g. a JSON object of $context variables); it is empty.");
    const routes = props.defaultRouteSettings as { throttlingRateLimit?: number; throttlingBurstLimit?: number } | undefined;
    const limit = (field: "throttlingRateLimit" | "throttlingBurstLimit", maximum: number) => {
      const value = routes?.[field];
      if (value === undefined || value === null) report(`Set defaultRouteSettings.${field}; it is not set, so the stage takes the account's limit.`);
      else if (Number(value) > maximum) report(`Set defaultRouteSettings.${field} to at most ${maximum}; it is ${value}.`);
    };
    limit("throttlingRateLimit", config.maximumRateLimit);
    limit("throttlingBurstLimit", config.maximumBurstLimit);
  }),
};
