import { z } from "zod";

/**
 * How a new version of a workflow reaches its alias: the `statecraft:rollouts` setting, workflow → its deployment
 * preference, as CloudFormation's `AWS::StepFunctions::StateMachineAlias` `DeploymentPreference` has it: all at once,
 * a canary (a percentage for an interval, then all), or linear (a percentage more every interval). A workflow with
 * none is shifted all at once by `pulumi up` itself.
 * @see https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-properties-stepfunctions-statemachinealias-deploymentpreference.html
 */
export const rolloutSchema = z.discriminatedUnion("type", [
  z.object({ type: z.literal("ALL_AT_ONCE") }).strict(),
  z
    .object({
      type: z.literal("CANARY"),
      /** The share of executions the new version takes first, 1-99 %. */
      percentage: z.number().int().min(1).max(99),
      /** How long, in minutes, before it takes them all, 1-2100. */
      intervalMinutes: z.number().int().min(1).max(2_100),
    })
    .strict(),
  z
    .object({
      type: z.literal("LINEAR"),
      /** The share added at each step, 1-99 %. */
      percentage: z.number().int().min(1).max(99),
      /** Minutes between steps, 1-2100. */
      intervalMinutes: z.number().int().min(1).max(2_100),
    })
    .strict(),
]);

/** A rollout, validated. */
export type Rollout = z.infer<typeof rolloutSchema>;

/** The alias every workflow's triggers, invoker roles and tooling start: the version in service. */
export const LIVE_ALIAS = "live";
