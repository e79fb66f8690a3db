import type { Json } from "../infra/definition/asl";
import type { Naming } from "../infra/naming";
import { LIVE_ALIAS } from "../infra/rollout/schema";
import { scheduleGroupArn } from "../infra/triggers/roles";
import type { PlannedResource } from "./authz/plan-index";
import type { PlannedTrigger } from "./authz/service-calls";
import { LocalRunError } from "./errors";
import { applyInputTransformer } from "./services/eventbridge";

/**
 * A workflow's trigger as a local run uses it, read from the stack's plan (never from the config again): its role
 * and the ARN its service presents, for the authorization check, and how it makes the execution input.
 */
export interface LocalTrigger extends PlannedTrigger {
  workflow: string;
  name: string;
  /** One line for the report: what the trigger is. */
  description: string;
  /** How the trigger turns what arrives (an event, a request body, a schedule's tick) into the execution input. */
  input(arrival: Json): Json;
}

/**
 * The trigger `name` of `workflow` in a stack's plan: its role (`<workflow>-<name>-trigger`), and its schedule,
 * rule and target, or HTTP API and route, as the `WorkflowTriggers` component registered them.
 * @param resources the stack's plan resources.
 * @param naming the stack's naming, for the state machine's ARN.
 * @returns the trigger.
 * @throws LocalRunError naming the workflow and trigger when the plan has no such trigger.
 */
export function triggerOf(resources: readonly PlannedResource[], naming: Naming, workflow: string, name: string): LocalTrigger {
  const id = `${workflow}-${name}`;
  const of = (type: string, resourceName = id) => resources.find((r) => r.type === type && r.name === resourceName);
  const role = of("aws:iam/role:Role", `${id}-trigger`);
  if (!role) {
    const known = resources.filter((r) => r.type === "aws:iam/role:Role" && r.name.startsWith(`${workflow}-`) && r.name.endsWith("-trigger")).map((r) => r.name.slice(workflow.length + 1, -"-trigger".length));
    throw new LocalRunError(`the ${naming.stack} stack's plan has no trigger ${name} for ${workflow} (its triggers: ${known.join(", ") || "none"}): see statecraft:triggers in Pulumi.${naming.stack}.yaml.`);
  }
  const base = { workflow, name, roleArn: String(role.outputs?.arn), stateMachineArn: naming.stateMachineArn(workflow), alias: LIVE_ALIAS };
  const schedule = of("aws:scheduler/schedule:Schedule");
  if (schedule) {
    const target = schedule.inputs.target as { input?: string };
    return {
      ...base,
      type: "schedule",
      // What Scheduler presents: the schedule's group, taken from the schedule (never from the trust it is checked against).
      sourceArn: scheduleGroupArn(naming.context, String(schedule.inputs.groupName ?? "default")),
      description: `schedule ${String(schedule.inputs.scheduleExpression)} (${String(schedule.inputs.scheduleExpressionTimezone)}), its input`,
      input: () => JSON.parse(target.input ?? "{}") as Json,
    };
  }
  const rule = of("aws:cloudwatch/eventRule:EventRule");
  const eventTarget = of("aws:cloudwatch/eventTarget:EventTarget");
  if (rule && eventTarget) {
    const transformer = eventTarget.inputs.inputTransformer as { inputPaths?: Record<string, string>; inputTemplate: string } | undefined;
    const ruleArn = String(rule.outputs?.arn);
    const s3 = String(rule.inputs.eventPattern).includes('"aws.s3"');
    return {
      ...base,
      type: s3 ? "s3" : "eventRule",
      sourceArn: ruleArn,
      description: `${s3 ? "S3 object created, through " : ""}EventBridge rule ${String(rule.inputs.name)} on ${String(rule.inputs.eventBusName ?? "default")}, ${transformer ? "the event through its input transformer" : "the event as input"}`,
      input: (event) => (transformer ? applyInputTransformer(event, transformer, { arn: ruleArn, name: String(rule.inputs.name) }) : event),
    };
  }
  const route = of("aws:apigatewayv2/route:Route", `${id}-route`);
  const api = of("aws:apigatewayv2/api:Api");
  const integration = of("aws:apigatewayv2/integration:Integration", `${id}-integration`);
  if (route && api && integration) {
    const [method, path] = String(route.inputs.routeKey).split(" ");
    return {
      ...base,
      type: "http",
      sync: integration.inputs.integrationSubtype === "StepFunctions-StartSyncExecution",
      sourceArn: `${String(api.outputs?.executionArn)}/$default/${method}${path}`,
      description: `HTTP ${String(route.inputs.routeKey)} (${String(route.inputs.authorizationType)}, ${String(integration.inputs.integrationSubtype)}), the request body`,
      input: (body) => body,
    };
  }
  throw new LocalRunError(`the ${naming.stack} stack's plan has trigger role ${String(role.inputs.name)} for ${workflow} but no schedule, rule or route named ${id}.`);
}
