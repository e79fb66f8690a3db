import { apigwRouteAuthorized } from "../../../policies/rules/apigw-route-authorized";
import { triggerDeadLetterQueue } from "../../../policies/rules/trigger-dead-letter-queue";
import { FakeResource } from "../harness";
import { Case, with_ } from "./core";

/** The platform's account (prod), its Region, the live alias a trigger starts and a trigger's dead-letter queue. */
const HOME = "222222222222";
const ALIAS = `arn:aws:states:eu-west-1:${HOME}:stateMachine:statecraft-prod-backup-orchestration:live`;
const QUEUE = `arn:aws:sqs:eu-west-1:${HOME}:statecraft-prod-backup-orchestration-nightly-dlq`;

/** An EventBridge Scheduler schedule as the platform registers one: its target the alias, with a dead-letter queue. */
const SCHEDULE: FakeResource = {
  type: "aws:scheduler/schedule:Schedule",
  props: {
    name: "statecraft-prod-backup-orchestration-nightly",
    scheduleExpression: "cron(0 2 * * ? *)",
    flexibleTimeWindow: { mode: "OFF" },
    target: {
      arn: ALIAS,
      roleArn: `arn:aws:iam::${HOME}:role/statecraft-prod-backup-orchestration-nightly-trigger`,
      retryPolicy: { maximumRetryAttempts: 3, maximumEventAgeInSeconds: 3600 },
      deadLetterConfig: { arn: QUEUE },
    },
  },
};
const withTarget = (target: Record<string, unknown>) => with_(SCHEDULE, { target: { ...(SCHEDULE.props.target as Record<string, unknown>), ...target } });

/** An EventBridge rule's target as the platform registers one. */
const TARGET: FakeResource = {
  type: "aws:cloudwatch/eventTarget:EventTarget",
  props: {
    rule: "statecraft-prod-order-events-order-events",
    targetId: "start-execution",
    arn: ALIAS,
    roleArn: `arn:aws:iam::${HOME}:role/statecraft-prod-order-events-order-events-trigger`,
    deadLetterConfig: { arn: QUEUE },
  },
};

/** An HTTP API route as the platform registers a trigger's: authorized by IAM. */
const ROUTE: FakeResource = { type: "aws:apigatewayv2/route:Route", props: { apiId: "a1b2c3d4e5", routeKey: "POST /applications", authorizationType: "AWS_IAM", target: "integrations/abc123" } };
const APPROVAL_ROUTES = ["GET /approvals/{requestId}/{decision}", "POST /approvals/{requestId}/{decision}"];

/** Passing and violating cases of the trigger rules, keyed by rule name. */
export const TRIGGER_CASES: Record<string, Case[]> = {
  "trigger-dead-letter-queue": [
    { policy: triggerDeadLetterQueue, resource: SCHEDULE, violations: [] },
    { policy: triggerDeadLetterQueue, resource: TARGET, violations: [] },
    { policy: triggerDeadLetterQueue, resource: withTarget({ deadLetterConfig: undefined }), violations: ["Set target.deadLetterConfig.arn to an SQS queue: events this trigger fails to deliver are dropped"] },
    { policy: triggerDeadLetterQueue, resource: with_(TARGET, { deadLetterConfig: undefined }), violations: ["Set deadLetterConfig.arn to an SQS queue"] },
    { policy: triggerDeadLetterQueue, resource: with_(TARGET, { deadLetterConfig: {} }), violations: ["Set deadLetterConfig.arn to an SQS queue"] },
    { policy: triggerDeadLetterQueue, resource: with_(TARGET, { deadLetterConfig: { arn: "" } }), violations: ['Set deadLetterConfig.arn to an SQS queue ARN; it is ""'] },
    {
      policy: triggerDeadLetterQueue,
      resource: withTarget({ deadLetterConfig: { arn: `arn:aws:sns:eu-west-1:${HOME}:statecraft-prod-alerts` } }),
      violations: [`Set target.deadLetterConfig.arn to an SQS queue ARN (arn:<partition>:sqs:<region>:<account>:<queue>); it is arn:aws:sns:eu-west-1:${HOME}:statecraft-prod-alerts.`],
    },
  ],
  "apigw-route-authorized": [
    { policy: apigwRouteAuthorized, resource: ROUTE, violations: [] },
    { policy: apigwRouteAuthorized, resource: with_(ROUTE, { authorizationType: "JWT", authorizerId: "jwt123" }), violations: [] },
    { policy: apigwRouteAuthorized, resource: with_(ROUTE, { authorizationType: "CUSTOM", authorizerId: "lambda123" }), violations: [] },
    {
      policy: apigwRouteAuthorized,
      resource: with_(ROUTE, { authorizationType: "NONE" }),
      violations: ['Set authorizationType to AWS_IAM, JWT or CUSTOM on route "POST /applications": it is NONE, so anyone who finds the API can call it.'],
    },
    // API Gateway's default is NONE.
    { policy: apigwRouteAuthorized, resource: with_(ROUTE, { authorizationType: undefined, routeKey: "$default" }), violations: ['on route "$default": it is NONE'] },
    { policy: apigwRouteAuthorized, resource: with_(ROUTE, { authorizationType: "JWT" }), violations: ['Set authorizerId on route "POST /applications": its authorizationType JWT needs the API\'s authorizer.'] },
    // The approval links are public by design (the handler checks each link's signature): prod.json lists them.
    {
      policy: apigwRouteAuthorized,
      resource: with_(ROUTE, { authorizationType: "NONE", routeKey: APPROVAL_ROUTES[0] }),
      config: { publicRouteKeys: APPROVAL_ROUTES },
      violations: [],
    },
    { policy: apigwRouteAuthorized, resource: with_(ROUTE, { authorizationType: "NONE" }), config: { publicRouteKeys: APPROVAL_ROUTES }, violations: ['on route "POST /applications": it is NONE'] },
    // A WebSocket API authorizes its connection ($connect), not its messages.
    { policy: apigwRouteAuthorized, resource: with_(ROUTE, { authorizationType: "NONE", routeKey: "sendmessage" }), violations: [] },
    { policy: apigwRouteAuthorized, resource: with_(ROUTE, { authorizationType: "NONE", routeKey: "$connect" }), violations: ['on route "$connect": it is NONE'] },
  ],
};
