/**
 * `npm run plan -- --stack dev|prod|consumer [--json]`: the offline plan of a stack. Runs the real Pulumi program
 * in-process under mocks, with the stack's `Pulumi.<stack>.yaml`, and prints every resource (type, name, parent)
 * and, per workflow, the rendered definition and the execution role's policy; for a producer, each invoker role's
 * trust and policy; for a consumer, which stack answered its StackReference (the producer's own offline plan).
 * `--json` prints one document `{stack, resources: [{type, name, parent, inputs}], outputs, stackReferences?}`.
 * Exits 1 with the message on any error.
 */
import { Plan, runPlan } from "../offline/plan";
import { parseStackArgs } from "./stack-args";
import { startCommandLine } from "./runtime";
import { unqualifiedStateMachineArn } from "../infra/iam/arn";

const USAGE = "usage: npm run plan -- --stack <name> [--json]";

async function main(): Promise<number> {
  const args = parseStackArgs(USAGE);
  if (typeof args === "number") return args;
  const plan = await runPlan(args.stack);
  console.log(args.json ? JSON.stringify(plan, null, 2) : formatPlan(plan));
  return 0;
}

/** A readable plan: the resource tree, then each workflow's definition and role policy. */
export function formatPlan(plan: Plan): string {
  const lines = [`Stack ${plan.stack}: ${plan.resources.length} resources`, ""];
  const width = Math.max(...plan.resources.map((r) => r.type.length));
  for (const resource of plan.resources) {
    lines.push(`  ${resource.type.padEnd(width)}  ${resource.name}${resource.parent ? `  (parent ${resource.parent})` : ""}`);
  }
  for (const machine of plan.resources.filter((r) => r.type === "aws:sfn/stateMachine:StateMachine")) {
    const policy = plan.resources.find((r) => r.type === "aws:iam/rolePolicy:RolePolicy" && r.name === `${machine.name}-role-policy`);
    const logging = machine.inputs.loggingConfiguration as { level: string; logDestination: string };
    lines.push(
      "",
      `Workflow ${machine.name} (${machine.inputs.type}), logging ${logging.level} to ${logging.logDestination}`,
      "  Definition:",
      indent(JSON.stringify(JSON.parse(machine.inputs.definition as string), null, 2), 4),
      "  Role policy:",
      indent(JSON.stringify(JSON.parse((policy?.inputs.policy as string) ?? "null"), null, 2), 4),
      ...operationLines(plan, machine.name),
    );
  }
  for (const role of plan.resources.filter((r) => r.type === "aws:iam/role:Role" && r.parent === "statecraft:index:WorkflowSharing::sharing")) {
    const policy = plan.resources.find((r) => r.type === "aws:iam/rolePolicy:RolePolicy" && r.name === `${role.name}-policy`);
    lines.push(
      "",
      `Invoker role ${role.inputs.name}: ${role.inputs.description}`,
      `  Trust (a secret: ${role.secretInputs?.includes("assumeRolePolicy") ? "the external id is shown as its offline stand-in" : "no secret"}):`,
      indent(JSON.stringify(JSON.parse(role.inputs.assumeRolePolicy as string), null, 2), 4),
      "  Policy:",
      indent(JSON.stringify(JSON.parse((policy?.inputs.policy as string) ?? "null"), null, 2), 4),
    );
  }
  if (plan.outputs.sharedWorkflows && Object.keys(plan.outputs.sharedWorkflows).length > 0) {
    lines.push("", "Output sharedWorkflows:", indent(JSON.stringify(plan.outputs.sharedWorkflows, null, 2), 2));
  }
  for (const [name, outputs] of Object.entries(plan.stackReferences ?? {})) {
    lines.push("", `StackReference ${name}, answered with its sharedWorkflows:`, indent(JSON.stringify(outputs.sharedWorkflows ?? null, null, 2), 2));
  }
  return lines.join("\n");
}

/**
 * What operates one workflow, from the plan: its triggers (what starts it, through which role), its alarms and its
 * alias (with the rollout that moves it).
 */
function operationLines(plan: Plan, workflow: string): string[] {
  const lines: string[] = [];
  const triggers = (plan.outputs.triggers as Record<string, Record<string, { type: string; roleArn: string; sourceArn: string; url?: string; bucket?: string }>> | undefined)?.[workflow] ?? {};
  const component = `statecraft:index:WorkflowTriggers::${workflow}-triggers`;
  const byParent = plan.resources.filter((r) => r.parent === component);
  for (const [name, trigger] of Object.entries(triggers)) {
    const resource = byParent.find((r) =>
      trigger.type === "http" ? r.type === "aws:apigatewayv2/route:Route" && r.name === `${workflow}-${name}-route` : r.type === "aws:scheduler/schedule:Schedule" && r.name === `${workflow}-${name}`,
    );
    const what =
      trigger.type === "schedule"
        ? `schedule ${String(resource?.inputs.scheduleExpression)} (${String(resource?.inputs.scheduleExpressionTimezone)})`
        : trigger.type === "http"
          ? `HTTP ${String(resource?.inputs.routeKey)}, authorization ${String(resource?.inputs.authorizationType)}, ${trigger.url}`
          : trigger.type === "s3"
            ? `S3 object created in ${trigger.bucket}`
            : `EventBridge rule ${String(byParent.find((r) => r.type === "aws:cloudwatch/eventRule:EventRule" && r.name === `${workflow}-${name}`)?.inputs.eventPattern)}`;
    lines.push(`  Trigger ${name}: ${what}; role ${trigger.roleArn}`);
  }
  const machine = plan.resources.find((r) => r.type === "aws:sfn/stateMachine:StateMachine" && r.name === workflow)?.outputs?.arn;
  const dimension = (r: (typeof plan.resources)[number]) => unqualifiedStateMachineArn(String((r.inputs.dimensions as { StateMachineArn?: string } | undefined)?.StateMachineArn ?? ""));
  for (const alarm of plan.resources.filter((r) => r.type === "aws:cloudwatch/metricAlarm:MetricAlarm" && machine && dimension(r).stateMachineArn === machine)) {
    const on = dimension(alarm).qualifier;
    lines.push(`  Alarm ${String(alarm.inputs.name)}: ${String(alarm.inputs.metricName)} >= ${String(alarm.inputs.threshold)} over ${String(alarm.inputs.period)} s${on ? ` (executions through ${on})` : ""}`);
  }
  for (const alias of plan.resources.filter((r) => r.type === "aws:sfn/alias:Alias" && r.parent === `statecraft:index:Workflow::${workflow}`)) {
    const routes = (alias.inputs.routingConfigurations as { stateMachineVersionArn: string; weight: number }[] | undefined) ?? [];
    const guarded = alias.options?.ignoreChanges?.includes("routingConfigurations");
    lines.push(`  Alias ${String(alias.inputs.name)}: ${routes.map((r) => `${r.weight}% ${r.stateMachineVersionArn}`).join(", ")}${guarded ? "; rolled out by npm run promote" : "; moved by pulumi up"}`);
  }
  const rollout = (plan.outputs.rollouts as Record<string, { rollout: { type: string; percentage?: number; intervalMinutes?: number }; alarmNames: string[] }> | undefined)?.[workflow];
  if (rollout) {
    const { type, percentage, intervalMinutes } = rollout.rollout;
    const how = type === "CANARY" ? `CANARY ${percentage}% for ${intervalMinutes} min, then 100%` : type === "LINEAR" ? `LINEAR ${percentage}% more every ${intervalMinutes} min` : "ALL_AT_ONCE";
    lines.push(`  Rollout: ${how}${type === "ALL_AT_ONCE" ? "" : `, rolled back if any of ${rollout.alarmNames.length} alarms fires`}`);
  }
  return lines;
}

function indent(text: string, spaces: number): string {
  return text.replace(/^/gm, " ".repeat(spaces));
}

if (require.main === module) {
  startCommandLine();
  main().then(
    // exitCode, not exit(): exit() would cut off standard output to a pipe after its first 64 KiB.
    (code) => {
      process.exitCode = code;
    },
    (error: Error) => {
      console.error(`plan failed: ${error.message}`);
      process.exitCode = 1;
    },
  );
}
