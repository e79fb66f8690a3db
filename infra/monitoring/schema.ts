import { z } from "zod";

/**
 * How the stack watches its workflows: the `statecraft:alarms` setting (the CloudWatch alarms every state machine
 * gets) and `statecraft:alerts` (who hears of them). Defaults suit a stack that wants to know of the first failure.
 * @see https://docs.aws.amazon.com/step-functions/latest/dg/procedure-cw-metrics.html
 */

/** The `AWS/States` metrics each state machine gets an alarm on. */
export const ALARM_METRICS = ["ExecutionsFailed", "ExecutionsTimedOut", "ExecutionsAborted", "ExecutionThrottled"] as const;
/** One of {@link ALARM_METRICS}. */
export type AlarmMetric = (typeof ALARM_METRICS)[number];

/** `statecraft:alarms`: the alarms' shape, the same for every workflow of the stack. */
export const alarmsSchema = z
  .object({
    /** The metric period, in seconds: 10, 30, or a multiple of 60. @default 300 */
    periodSeconds: z
      .number()
      .int()
      .refine((s) => s === 10 || s === 30 || (s >= 60 && s % 60 === 0 && s <= 86_400), "must be 10, 30 or a multiple of 60 up to 86400 seconds")
      .default(300),
    /** Periods compared with the threshold. @default 1 */
    evaluationPeriods: z.number().int().min(1).max(100).default(1),
    /** Of those, how many must breach. @default evaluationPeriods */
    datapointsToAlarm: z.number().int().min(1).max(100).optional(),
    /** Sum per period that raises the alarm, per metric. @default 1 for each */
    thresholds: z
      .object(Object.fromEntries(ALARM_METRICS.map((metric) => [metric, z.number().min(1).optional()])) as Record<AlarmMetric, z.ZodOptional<z.ZodNumber>>)
      .strict()
      .default({}),
    /** How a period without data counts: executions that did not fail report no data. @default notBreaching */
    treatMissingData: z.enum(["notBreaching", "breaching", "ignore", "missing"]).default("notBreaching"),
  })
  .strict()
  .superRefine((alarms, ctx) => {
    if (alarms.datapointsToAlarm !== undefined && alarms.datapointsToAlarm > alarms.evaluationPeriods) {
      ctx.addIssue({ code: "custom", message: `must be at most evaluationPeriods (${alarms.evaluationPeriods})`, path: ["datapointsToAlarm"], params: { got: alarms.datapointsToAlarm } });
    }
  });

/** The alarms' shape, validated. */
export type AlarmsConfig = z.infer<typeof alarmsSchema>;

/** The default of `statecraft:alarms`. */
export const DEFAULT_ALARMS: AlarmsConfig = alarmsSchema.parse({});

/**
 * One subscriber of `statecraft:alerts`: an e-mail address (confirmed by its recipient) or an HTTPS endpoint that
 * confirms its subscription.
 * @see https://docs.aws.amazon.com/sns/latest/dg/sns-create-subscribe-endpoint-to-topic.html
 */
export const alertSubscriberSchema = z.discriminatedUnion("protocol", [
  z.object({ protocol: z.literal("email"), endpoint: z.string().regex(/^[^\s@]+@[^\s@]+\.[^\s@]+$/, "must be an e-mail address") }).strict(),
  z.object({ protocol: z.literal("https"), endpoint: z.string().regex(/^https:\/\/[^\s/]+\S*$/, "must be an https:// URL") }).strict(),
]);

/** An alerts subscriber, validated. */
export type AlertSubscriber = z.infer<typeof alertSubscriberSchema>;
