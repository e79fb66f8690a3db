import { CloudWatchClient, DescribeAlarmsCommand } from "@aws-sdk/client-cloudwatch";
import { DescribeStateMachineAliasCommand, SFNClient, UpdateStateMachineAliasCommand } from "@aws-sdk/client-sfn";
import { RoutingConfigurationListItem, rolloutSteps, routingConfiguration, versionNumber } from "./plan";
import { Rollout } from "./schema";

/** What {@link runRollout} needs. */
export interface RunRolloutOptions {
  /** A Step Functions client in the alias's Region. */
  sfn: SFNClient;
  /** A CloudWatch client in the alarms' Region. */
  cloudwatch: CloudWatchClient;
  /** The alias to move, `arn:…:stateMachine:<name>:<alias>`. */
  aliasArn: string;
  /** The version to roll out, `arn:…:stateMachine:<name>:<number>`: a version of the alias's state machine. */
  targetVersionArn: string;
  /** CloudWatch alarm names watched during every wait; any in ALARM rolls back. Duplicates are ignored. */
  alarmNames: string[];
  /** How traffic shifts ({@link rolloutSteps}). */
  rollout: Rollout;
  /** Waits `ms` milliseconds; tests pass a virtual clock's. @default a timer, cut short when `signal` aborts */
  sleep?: (ms: number) => Promise<void>;
  /** The time, for the minutes each step reports. @default () => new Date() */
  now?: () => Date;
  /** Receives one line per event (each UpdateStateMachineAlias, each hold, the outcome). @default nothing */
  log?: (line: string) => void;
  /** Aborting it (Ctrl-C) ends the current wait and rolls back. */
  signal?: AbortSignal;
}

/** One UpdateStateMachineAlias call the rollout made. */
export interface RolloutStepTaken {
  /** The new version's share this call set, 0-100; 0 is the rollback. */
  weight: number;
  /** The `routingConfiguration` sent. */
  routingConfiguration: RoutingConfigurationListItem[];
  /** Minutes since the rollout started. */
  atMinute: number;
}

/** How a rollout ended, when it ended as designed (see {@link RolloutError} for the rest). */
export interface RolloutResult {
  /**
   * `promoted`: the alias routes 100 % to the target. `unchanged`: it did already, nothing was called.
   * `rolled-back`: an alarm fired (or could no longer be watched, or the run was interrupted); the alias routes
   * 100 % to the previous version.
   */
  outcome: "promoted" | "rolled-back" | "unchanged";
  aliasArn: string;
  targetVersionArn: string;
  /** The version in service before the rollout (absent when unchanged). */
  previousVersionArn?: string;
  /** Every UpdateStateMachineAlias, in order, the rollback included. */
  steps: RolloutStepTaken[];
  /** The alarm that was in ALARM, when one caused the rollback. */
  alarm?: string;
  /** Why the rollout rolled back, in one sentence. */
  reason?: string;
  /** Minutes the rollout took. */
  minutes: number;
}

/**
 * A rollout that could not run as designed. `input`: the arguments or the alarms are wrong (an alarm CloudWatch
 * does not have), nothing was changed. `aws`: reading the alias or the alarms failed before any change.
 * `rollback-failed`: rolling back failed and the alias may still route to the new version; the message gives the
 * AWS CLI command that finishes the rollback.
 * @see https://docs.aws.amazon.com/step-functions/latest/apireference/API_UpdateStateMachineAlias.html
 */
export class RolloutError extends Error {
  override name = "RolloutError";
  constructor(
    message: string,
    readonly kind: "input" | "aws" | "rollback-failed",
  ) {
    super(message);
  }
}

const MINUTE = 60_000;

/**
 * Rolls a new version out on an alias, guarded by CloudWatch alarms, as CloudFormation's `DeploymentPreference`
 * does for `AWS::StepFunctions::StateMachineAlias`:
 *
 * 1. DescribeStateMachineAlias: if the alias routes 100 % to the target already, returns `unchanged`. Otherwise the
 *    version in service is the other version of its routingConfiguration (of two others, the one with more
 *    traffic). An alias halfway through an interrupted rollout of this target resumes at its current weight.
 * 2. DescribeAlarms on every alarm name: one CloudWatch does not have is a {@link RolloutError} (CloudWatch calls an
 *    unknown alarm OK, so it would never fire); one in ALARM rolls back before any traffic moves.
 * 3. For each of {@link rolloutSteps}: UpdateStateMachineAlias with the step's routingConfiguration, then, once a
 *    minute for `waitMinutes`, DescribeAlarms. An alarm in ALARM, an alarm gone, a failed call or an abort routes
 *    100 % back to the previous version and returns `rolled-back` with the reason (and the alarm).
 * 4. The last step routes 100 % to the target: `promoted`.
 *
 * @param options see {@link RunRolloutOptions}; times are milliseconds for `sleep`, minutes everywhere else.
 * @returns the outcome and every UpdateStateMachineAlias made.
 * @throws RolloutError when it cannot start (nothing changed) or cannot roll back (the message says how to).
 * @see https://docs.aws.amazon.com/step-functions/latest/dg/concepts-cfn-deploy.html
 * @see https://docs.aws.amazon.com/step-functions/latest/apireference/API_UpdateStateMachineAlias.html
 * @see https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/API_DescribeAlarms.html
 */
export async function runRollout(options: RunRolloutOptions): Promise<RolloutResult> {
  const { sfn, cloudwatch, aliasArn, targetVersionArn: target, rollout, signal } = options;
  const now = options.now ?? (() => new Date());
  const sleep = options.sleep ?? ((ms: number) => abortableSleep(ms, signal));
  const started = now().getTime();
  const elapsed = () => Math.round((now().getTime() - started) / MINUTE);
  const say = (line: string) => options.log?.(`t+${elapsed()}m ${line}`);
  const names = [...new Set(options.alarmNames)];

  const stateMachineArn = aliasArn.replace(/:[^:]+$/, "");
  if (versionNumber(target) === undefined || target.replace(/:\d+$/, "") !== stateMachineArn) {
    throw new RolloutError(`${target} is not a version of the state machine of ${aliasArn}: expected ${stateMachineArn}:<version number>`, "input");
  }

  let routing: RoutingConfigurationListItem[];
  try {
    const alias = await sfn.send(new DescribeStateMachineAliasCommand({ stateMachineAliasArn: aliasArn }));
    routing = (alias.routingConfiguration ?? []).map((item) => ({ stateMachineVersionArn: item.stateMachineVersionArn ?? "", weight: item.weight ?? 0 }));
  } catch (error) {
    throw new RolloutError(`DescribeStateMachineAlias ${aliasArn} failed: ${describe(error)}. Nothing was changed.`, "aws");
  }
  const steps: RolloutStepTaken[] = [];
  const result = (outcome: RolloutResult["outcome"], extra: Partial<RolloutResult> = {}): RolloutResult => ({ outcome, aliasArn, targetVersionArn: target, steps, minutes: elapsed(), ...extra });

  const current = routing.find((item) => item.stateMachineVersionArn === target)?.weight ?? 0;
  if (current === 100) {
    say(`${aliasArn} routes 100% to ${label(target)} already: nothing to do`);
    return result("unchanged");
  }
  const others = routing
    .filter((item) => item.stateMachineVersionArn !== target && item.stateMachineVersionArn)
    .sort((a, b) => b.weight - a.weight || (versionNumber(a.stateMachineVersionArn) ?? 0) - (versionNumber(b.stateMachineVersionArn) ?? 0));
  if (others.length === 0) throw new RolloutError(`${aliasArn} routes to no version: DescribeStateMachineAlias returned ${JSON.stringify(routing)}. Nothing was changed.`, "aws");
  const previous = others[0].stateMachineVersionArn;
  if (others.length > 1) say(`${aliasArn} routes to ${formatRouting(routing)}: ${label(previous)}, with the most traffic, is taken as the version in service`);
  say(`rolling ${label(target)} out on ${aliasArn} in place of ${label(previous)}${current > 0 ? `, resuming from ${current}%` : ""}`);

  const update = async (weight: number) => {
    const routingConfig = routingConfiguration(target, previous, weight);
    await sfn.send(new UpdateStateMachineAliasCommand({ stateMachineAliasArn: aliasArn, routingConfiguration: routingConfig }));
    steps.push({ weight, routingConfiguration: routingConfig, atMinute: elapsed() });
    say(`UpdateStateMachineAlias: ${formatRouting(routingConfig)}`);
  };
  const rollBack = async (reason: string, alarm?: string): Promise<RolloutResult> => {
    say(`${reason}: rolling back`);
    // Nothing to undo when the alias already routes everything to the previous version.
    if (current > 0 || steps.length > 0 || others.length > 1) {
      try {
        await update(0);
      } catch (error) {
        throw new RolloutError(
          `${reason}, and rolling back failed: UpdateStateMachineAlias: ${describe(error)}. ${aliasArn} may still route executions to ${target}; ` +
            `route them all back with: aws stepfunctions update-state-machine-alias --state-machine-alias-arn ${aliasArn} --routing-configuration stateMachineVersionArn=${previous},weight=100`,
          "rollback-failed",
        );
      }
    }
    return result("rolled-back", { previousVersionArn: previous, reason, ...(alarm ? { alarm } : {}) });
  };
  /** The first alarm in ALARM, or one that is gone, or undefined when all are quiet. */
  const check = async (): Promise<{ alarm?: string; reason: string } | undefined> => {
    if (names.length === 0) return undefined;
    const states = await alarmStates(cloudwatch, names);
    const firing = names.find((name) => states.get(name) === "ALARM");
    if (firing) return { alarm: firing, reason: `alarm ${firing} is in ALARM` };
    const gone = names.find((name) => !states.has(name));
    if (gone) return { reason: `alarm ${gone} no longer exists, so the rollout is no longer guarded` };
    return undefined;
  };

  let before: Map<string, string>;
  try {
    before = names.length ? await alarmStates(cloudwatch, names) : new Map();
  } catch (error) {
    throw new RolloutError(`DescribeAlarms failed: ${describe(error)}. Nothing was changed.`, "aws");
  }
  const missing = names.filter((name) => !before.has(name));
  if (missing.length) {
    throw new RolloutError(
      `CloudWatch has no alarm named ${missing.map((name) => JSON.stringify(name)).join(", ")} (alarm names, not ARNs, in the alias's Region): an alarm it does not know reads as OK and would never roll back. Nothing was changed.`,
      "input",
    );
  }
  if (names.length === 0) say("no alarms to watch: only the pace guards this rollout");
  const firingBefore = names.find((name) => before.get(name) === "ALARM");
  if (firingBefore) return rollBack(`alarm ${firingBefore} is in ALARM before the rollout`, firingBefore);

  for (const step of rolloutSteps(rollout).filter((s) => s.weight >= current)) {
    if (signal?.aborted) return rollBack("interrupted");
    try {
      await update(step.weight);
    } catch (error) {
      return rollBack(`UpdateStateMachineAlias to ${step.weight}% failed: ${describe(error)}`);
    }
    if (step.weight === 100) {
      say(`promoted: ${label(target)} takes every execution of ${aliasArn}`);
      return result("promoted", { previousVersionArn: previous });
    }
    say(`holding ${step.weight}% for ${step.waitMinutes} min, watching ${names.length} alarm${names.length === 1 ? "" : "s"}`);
    for (let minute = 1; minute <= step.waitMinutes; minute++) {
      await sleep(MINUTE);
      if (signal?.aborted) return rollBack("interrupted");
      let fired;
      try {
        fired = await check();
      } catch (error) {
        return rollBack(`DescribeAlarms failed: ${describe(error)}, so the alarms cannot be watched`);
      }
      if (fired) return rollBack(fired.reason, fired.alarm);
    }
  }
  throw new Error("unreachable: the last step of a rollout routes 100%");
}

/**
 * The state of each named alarm, metric and composite alike (DescribeAlarms returns only metric alarms unless
 * `AlarmTypes` names both), 100 names a call, every page read.
 * @returns alarm name → `OK` | `ALARM` | `INSUFFICIENT_DATA`; a name CloudWatch does not have is absent.
 * @see https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/API_DescribeAlarms.html
 */
export async function alarmStates(cloudwatch: CloudWatchClient, names: string[]): Promise<Map<string, string>> {
  const states = new Map<string, string>();
  for (let i = 0; i < names.length; i += 100) {
    let nextToken: string | undefined;
    do {
      const page = await cloudwatch.send(new DescribeAlarmsCommand({ AlarmNames: names.slice(i, i + 100), AlarmTypes: ["MetricAlarm", "CompositeAlarm"], NextToken: nextToken }));
      for (const alarm of [...(page.MetricAlarms ?? []), ...(page.CompositeAlarms ?? [])]) {
        if (alarm.AlarmName) states.set(alarm.AlarmName, alarm.StateValue ?? "INSUFFICIENT_DATA");
      }
      nextToken = page.NextToken;
    } while (nextToken);
  }
  return states;
}

/** `version 7` for a version ARN, else the ARN. */
function label(versionArn: string): string {
  const n = versionNumber(versionArn);
  return n === undefined ? versionArn : `version ${n}`;
}

/** `10% to version 7, 90% to version 6`. */
function formatRouting(routing: RoutingConfigurationListItem[]): string {
  return routing.map((item) => `${item.weight}% to ${label(item.stateMachineVersionArn)}`).join(", ");
}

/** An AWS SDK error as one line: its name (the AWS error code) and message. */
function describe(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}

/** A timer that ends early when the signal aborts. */
function abortableSleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve();
    const done = () => {
      clearTimeout(timer);
      signal?.removeEventListener("abort", done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal?.addEventListener("abort", done, { once: true });
  });
}
