import { z } from "zod";
import { Rollout, rolloutSchema } from "./schema";

/**
 * The rollout as data: the weights a new version takes, step by step, and the alias routing each step sets. Pure:
 * no AWS call, no clock. `run.ts` walks these steps against a real alias; `cli/promote.ts` reads its
 * {@link RolloutTarget}s from the stack's outputs.
 */

/** One step of a rollout: the new version's share of executions, then how long to hold it while watching alarms. */
export interface RolloutStep {
  /** The percentage of StartExecution requests on the alias that go to the new version, 1-100. */
  weight: number;
  /** Minutes to hold this weight, watching the alarms, before the next step; 0 for the last step (100 %). */
  waitMinutes: number;
}

/**
 * The steps of a rollout, as CloudFormation's `DeploymentPreference` shifts traffic: `ALL_AT_ONCE` → `[100]`;
 * `CANARY` p %/i min → p % for i minutes, then 100 %; `LINEAR` p %/i min → p, 2p, … (every multiple of p below
 * 100) each for i minutes, then 100 %. The last step always routes 100 % and waits 0.
 * @param rollout a validated {@link Rollout} (percentage 1-99, interval 1-2100 minutes).
 * @returns at least one step; weights strictly increase and end at 100.
 * @throws RangeError for a percentage or interval outside what {@link rolloutSchema} admits.
 * @see https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-properties-stepfunctions-statemachinealias-deploymentpreference.html
 */
export function rolloutSteps(rollout: Rollout): RolloutStep[] {
  if (rollout.type === "ALL_AT_ONCE") return [{ weight: 100, waitMinutes: 0 }];
  const { percentage, intervalMinutes } = rollout;
  if (!Number.isInteger(percentage) || percentage < 1 || percentage > 99) throw new RangeError(`percentage must be an integer from 1 to 99. Received: ${percentage}`);
  if (!Number.isInteger(intervalMinutes) || intervalMinutes < 1 || intervalMinutes > 2_100) {
    throw new RangeError(`intervalMinutes must be an integer from 1 to 2100. Received: ${intervalMinutes}`);
  }
  const weights = rollout.type === "CANARY" ? [percentage] : Array.from({ length: Math.ceil(100 / percentage) - 1 }, (_, i) => (i + 1) * percentage);
  return [...weights.map((weight) => ({ weight, waitMinutes: intervalMinutes })), { weight: 100, waitMinutes: 0 }];
}

/**
 * One entry of an alias's `routingConfiguration`, as UpdateStateMachineAlias and DescribeStateMachineAlias carry it.
 * @see https://docs.aws.amazon.com/step-functions/latest/apireference/API_RoutingConfigurationListItem.html
 */
export interface RoutingConfigurationListItem {
  /** A version ARN, `arn:<partition>:states:<region>:<account>:stateMachine:<name>:<version number>`. */
  stateMachineVersionArn: string;
  /** Percentage of executions, 0-100; the entries' weights sum to 100. */
  weight: number;
}

/**
 * The `routingConfiguration` that gives the new version `weight` % and the previous version the rest. AWS takes
 * at most two entries, both versions of one state machine, weights summing to 100: so 100 % is the new version
 * alone and 0 % the previous version alone.
 * @param targetVersionArn the version being rolled out.
 * @param previousVersionArn the version in service before; needed for any weight below 100.
 * @param weight the new version's share, an integer 0-100.
 * @returns one or two entries, the new version first.
 * @throws RangeError for a weight outside 0-100, a missing previous version, or the same version twice.
 * @see https://docs.aws.amazon.com/step-functions/latest/apireference/API_UpdateStateMachineAlias.html
 */
export function routingConfiguration(targetVersionArn: string, previousVersionArn: string | undefined, weight: number): RoutingConfigurationListItem[] {
  if (!Number.isInteger(weight) || weight < 0 || weight > 100) throw new RangeError(`weight must be an integer from 0 to 100. Received: ${weight}`);
  if (weight === 100) return [{ stateMachineVersionArn: targetVersionArn, weight: 100 }];
  if (!previousVersionArn) throw new RangeError(`routing ${weight}% to ${targetVersionArn} needs the previous version for the other ${100 - weight}%`);
  if (previousVersionArn === targetVersionArn) throw new RangeError(`the previous and the new version are the same: ${targetVersionArn}`);
  if (weight === 0) return [{ stateMachineVersionArn: previousVersionArn, weight: 100 }];
  return [
    { stateMachineVersionArn: targetVersionArn, weight },
    { stateMachineVersionArn: previousVersionArn, weight: 100 - weight },
  ];
}

/** A state machine version ARN: the unqualified ARN, a colon, the version number. */
const VERSION_ARN = /^(arn:[a-z-]+:states:[a-z0-9-]+:\d{12}:stateMachine:[A-Za-z0-9_-]{1,80}):(\d+)$/;
/** A state machine alias ARN: the unqualified ARN, a colon, the alias name (which is never all digits). */
const ALIAS_ARN = /^(arn:[a-z-]+:states:([a-z0-9-]+):\d{12}:stateMachine:[A-Za-z0-9_-]{1,80}):([A-Za-z0-9_.-]{1,80})$/;

/**
 * The version number of a version ARN (`…:stateMachine:orders:7` → 7).
 * @returns the number, or undefined when the ARN is not a version ARN.
 * @see https://docs.aws.amazon.com/step-functions/latest/dg/concepts-state-machine-version.html
 */
export function versionNumber(versionArn: string): number | undefined {
  const match = VERSION_ARN.exec(versionArn);
  return match ? Number(match[2]) : undefined;
}

/**
 * What `npm run promote` needs to roll one workflow out, as the stack exports it under the output `rollouts`
 * (`{ [workflow]: RolloutTarget }`).
 */
export interface RolloutTarget {
  /** The `live` alias's ARN: `<state machine ARN>:live` (the Workflow's `aliasArn`). */
  aliasArn: string;
  /** The version `pulumi up` published last, to be rolled out (the Workflow's `versionArn`, `<state machine ARN>:<n>`). */
  versionArn: string;
  /**
   * CloudWatch alarm names (not ARNs) watched during the rollout: any in ALARM rolls the alias back. May be empty,
   * and then nothing guards the rollout but its pace.
   */
  alarmNames: string[];
  /** The workflow's `statecraft:rollouts` entry; `{ type: "ALL_AT_ONCE" }` when it has none. */
  rollout: Rollout;
  /** The Region of the state machine and the alarms, e.g. `eu-west-1`. */
  region: string;
}

/**
 * Checks one {@link RolloutTarget}: ARN shapes, the version and the alias on one state machine, the Region the ARNs
 * name, and alarm names that are names, not ARNs (CloudWatch knows an alarm by its name: an ARN would match
 * nothing and never fire).
 * @see https://docs.aws.amazon.com/step-functions/latest/dg/concepts-state-machine-alias.html
 */
export const rolloutTargetSchema = z
  .object({
    aliasArn: z.string().regex(ALIAS_ARN, "must be a state machine alias ARN, arn:<partition>:states:<region>:<account>:stateMachine:<name>:<alias>"),
    versionArn: z.string().regex(VERSION_ARN, "must be a state machine version ARN, arn:<partition>:states:<region>:<account>:stateMachine:<name>:<number> (is `publish` on?)"),
    alarmNames: z.array(
      z
        .string()
        .min(1)
        .max(255)
        .refine((name) => !name.startsWith("arn:"), "must be an alarm name, not an ARN"),
    ),
    rollout: rolloutSchema,
    region: z.string().regex(/^[a-z]{2}(-[a-z]+)+-\d+$/, "must be a Region such as eu-west-1"),
  })
  .superRefine((target, ctx) => {
    const alias = ALIAS_ARN.exec(target.aliasArn);
    const version = VERSION_ARN.exec(target.versionArn);
    if (!alias || !version) return;
    if (alias[1] !== version[1]) {
      ctx.addIssue({ code: "custom", path: ["versionArn"], message: `must be a version of the alias's state machine ${alias[1]}` });
    }
    if (alias[2] !== target.region) ctx.addIssue({ code: "custom", path: ["region"], message: `must be the Region of the alias ARN, ${alias[2]}` });
  });

/** The stack outputs `npm run promote` reads: the `rollouts` output, the others ignored. */
const stackOutputsSchema = z.object({ rollouts: z.record(z.string(), rolloutTargetSchema) });

/**
 * The stack's outputs do not hold a usable `rollouts` output; the message names each field and the value received.
 * @see https://www.pulumi.com/docs/iac/cli/commands/pulumi_stack_output/
 */
export class RolloutTargetError extends Error {
  override name = "RolloutTargetError";
}

/**
 * Reads the `rollouts` output from a stack's outputs, as `pulumi stack output --json --show-secrets` prints them.
 * @param outputs the parsed JSON (an object of output name → value).
 * @returns workflow → its checked {@link RolloutTarget}.
 * @throws RolloutTargetError naming each bad field (`rollouts.<workflow>.<field>`) and what it received.
 * @see https://www.pulumi.com/docs/iac/cli/commands/pulumi_stack_output/
 */
export function parseRolloutTargets(outputs: unknown): Record<string, RolloutTarget> {
  const parsed = stackOutputsSchema.safeParse(outputs);
  if (parsed.success) return parsed.data.rollouts;
  const problems = parsed.error.issues.map((issue) => {
    const where = issue.path.length ? issue.path.join(".") : "(the outputs)";
    const received = issue.path.reduce<unknown>((value, key) => (value !== null && typeof value === "object" ? (value as Record<PropertyKey, unknown>)[key as PropertyKey] : undefined), outputs);
    return `${where}: ${issue.message}. Received: ${received === undefined ? "nothing" : JSON.stringify(received)}`;
  });
  throw new RolloutTargetError(problems.join("\n"));
}
