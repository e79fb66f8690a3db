import { z } from "zod";
import { BUCKETS, type BucketName } from "../manifest";

/**
 * What starts a workflow: the `statecraft:triggers` stack setting, workflow → its triggers. Each trigger is one of
 * an EventBridge Scheduler schedule, an EventBridge rule (on the default bus or a bus of `statecraft:eventBuses`),
 * S3 object-created events delivered through EventBridge, or an API Gateway HTTP API route with the Step Functions
 * integration. Checked here field by field; checks across settings (a bus the stack has, a synchronous route on an
 * Express workflow) are in `infra/config.ts`.
 * @see https://docs.aws.amazon.com/step-functions/latest/dg/concepts-invoke-sfn.html
 */

/** A trigger's name: part of its resources' names, so short and plain. */
const triggerName = z.string().regex(/^[a-z0-9][a-z0-9-]{0,29}$/, "must be 1-30 lower-case letters, digits and '-'");

/** Retry of a target that failed to start an execution: EventBridge's and Scheduler's `RetryPolicy`. */
const retrySchema = z
  .object({
    /** How many times to retry, 0-185. @default 3 */
    maximumAttempts: z.number().int().min(0).max(185).default(3),
    /** How long an event may wait to be delivered, in seconds, 60-86400. @default 3600 */
    maximumEventAgeSeconds: z.number().int().min(60).max(86_400).default(3_600),
  })
  .strict();

/** What the retry policy is when the setting leaves it out. */
const DEFAULT_RETRY = { maximumAttempts: 3, maximumEventAgeSeconds: 3_600 };

/**
 * Whether a schedule expression is one EventBridge Scheduler accepts: `rate(<n> <unit>)`, `cron(<6 fields>)` with
 * one of day-of-month and day-of-week `?`, or `at(yyyy-mm-ddThh:mm:ss)`.
 * @returns a sentence saying what is wrong, or undefined.
 * @see https://docs.aws.amazon.com/scheduler/latest/UserGuide/schedule-types.html
 */
export function scheduleExpressionProblem(expression: string): string | undefined {
  const rate = /^rate\((\d+) (minute|minutes|hour|hours|day|days)\)$/.exec(expression);
  if (rate) {
    const value = Number(rate[1]);
    if (value < 1) return "a rate must be at least 1";
    if ((value === 1) !== !rate[2].endsWith("s")) return `write rate(1 ${rate[2].replace(/s$/, "")}) for one, rate(${value} ${rate[2].replace(/s?$/, "s")}) for more`;
    return undefined;
  }
  if (/^at\(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\)$/.test(expression)) {
    return Number.isNaN(Date.parse(`${expression.slice(3, -1)}Z`)) ? "the at() date is not a date" : undefined;
  }
  const cron = /^cron\((.*)\)$/.exec(expression);
  if (!cron) return "must be rate(<value> <unit>), cron(<minutes> <hours> <day-of-month> <month> <day-of-week> <year>) or at(yyyy-mm-ddThh:mm:ss)";
  const fields = cron[1].trim().split(/\s+/);
  if (fields.length !== 6) return `a cron expression has 6 fields (minutes hours day-of-month month day-of-week year), not ${fields.length}`;
  const [minutes, hours, dayOfMonth, month, dayOfWeek, year] = fields;
  const simple = (field: string, pattern: string) => new RegExp(`^(\\*|(${pattern})(-(${pattern}))?(/\\d+)?)(,(${pattern})(-(${pattern}))?(/\\d+)?)*$|^\\*/\\d+$`).test(field);
  if (!simple(minutes, "[0-5]?\\d")) return `the minutes field "${minutes}" must be 0-59, with , - * /`;
  if (!simple(hours, "[01]?\\d|2[0-3]")) return `the hours field "${hours}" must be 0-23, with , - * /`;
  if (dayOfMonth !== "?" && !/^(L|LW|\d{1,2}W|(\*|[1-9]|[12]\d|3[01])([-,/][0-9]{1,2})*)$/.test(dayOfMonth)) return `the day-of-month field "${dayOfMonth}" must be 1-31, ?, L or W, with , - * /`;
  const monthName = "JAN|FEB|MAR|APR|MAY|JUN|JUL|AUG|SEP|OCT|NOV|DEC";
  if (!simple(month, `0?[1-9]|1[0-2]|${monthName}`)) return `the month field "${month}" must be 1-12 or JAN-DEC, with , - * /`;
  const dayName = "SUN|MON|TUE|WED|THU|FRI|SAT";
  if (dayOfWeek !== "?" && !/^(\d|[1-7]L|[1-7]#[1-5]|L)$/.test(dayOfWeek) && !simple(dayOfWeek, `[1-7]|${dayName}`)) return `the day-of-week field "${dayOfWeek}" must be 1-7 or SUN-SAT, ?, L or #, with , - * /`;
  if ((dayOfMonth === "?") === (dayOfWeek === "?")) return "exactly one of day-of-month and day-of-week must be ? (EventBridge Scheduler cannot take both)";
  if (!simple(year, "19[7-9]\\d|2[01]\\d\\d")) return `the year field "${year}" must be 1970-2199, with , - * /`;
  return undefined;
}

/** Whether a time zone is one of the IANA names this runtime knows, as Scheduler's `ScheduleExpressionTimezone` takes. */
function isTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat("en-US", { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

/**
 * Whether an EventBridge event pattern is well formed: a JSON object whose every leaf is an array (of values, or
 * of filters such as `{"prefix": …}`), as EventBridge requires.
 * @returns a sentence naming the first bad field, or undefined.
 * @see https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-event-patterns.html
 */
export function eventPatternProblem(pattern: unknown, at = ""): string | undefined {
  if (pattern === null || typeof pattern !== "object" || Array.isArray(pattern)) return `${at || "the pattern"} must be an object`;
  const entries = Object.entries(pattern as Record<string, unknown>);
  if (entries.length === 0) return `${at || "the pattern"} matches nothing: it is empty`;
  for (const [key, value] of entries) {
    const where = at ? `${at}.${key}` : key;
    if (Array.isArray(value)) {
      if (value.length === 0) return `${where} is an empty list, which matches no event`;
      continue;
    }
    if (value !== null && typeof value === "object") {
      const inner = eventPatternProblem(value, where);
      if (inner) return inner;
      continue;
    }
    return `${where} must be a list of values (EventBridge matches a field against a list: [${JSON.stringify(value)}])`;
  }
  return undefined;
}

/** An event pattern: a map, or JSON text of one. */
const eventPattern = z.preprocess(
  (value) => {
    if (typeof value !== "string") return value;
    try {
      return JSON.parse(value);
    } catch {
      return { __notJson: value };
    }
  },
  z.record(z.string(), z.unknown()).superRefine((pattern, ctx) => {
    if ("__notJson" in pattern) {
      ctx.addIssue({ code: "custom", message: "is not JSON: write the pattern as a YAML map, or as JSON text", params: { got: pattern.__notJson } });
      return;
    }
    const problem = eventPatternProblem(pattern);
    if (problem) ctx.addIssue({ code: "custom", message: `is not an EventBridge event pattern: ${problem}` });
  }),
);

/** EventBridge's input transformer: JSON paths into the event, and the template that builds the input from them. */
const inputTransformerSchema = z
  .object({
    /** Variable name → JSON path into the event (`$.detail.order`), at most 100. */
    inputPaths: z.record(z.string().regex(/^[A-Za-z0-9_-]{1,256}$/, "must be letters, digits, '_' or '-'"), z.string().regex(/^\$(\.|\[|$)/, "must be a JSON path starting with $")),
    /** The execution input, with `<variable>` where each value goes. */
    inputTemplate: z.string().min(1).max(8_192),
  })
  .strict()
  .superRefine(({ inputPaths, inputTemplate }, ctx) => {
    for (const [, name] of inputTemplate.matchAll(/<([A-Za-z0-9_-]+)>/g)) {
      if (!(name in inputPaths) && !name.startsWith("aws.")) ctx.addIssue({ code: "custom", message: `the template uses <${name}>, which inputPaths does not define`, path: ["inputTemplate"] });
    }
  });

/** The execution input: a JSON object, sent as the input of every execution the trigger starts. */
const inputObject = z.record(z.string(), z.unknown());

/** Who may call an HTTP route: IAM (SigV4), a JWT authorizer, or nobody checks (an explicit opt-in). */
const httpAuthorization = z.discriminatedUnion("type", [
  z.object({ type: z.literal("iam") }).strict(),
  z
    .object({
      type: z.literal("jwt"),
      /** The token issuer (`iss`), an https URL (an Amazon Cognito user pool's, or any OpenID Connect issuer's). */
      issuer: z.string().regex(/^https:\/\/\S+$/, "must be an https:// URL"),
      /** The accepted audiences (`aud`). */
      audience: z.array(z.string().min(1)).min(1, "must list at least one audience"),
      /** Scopes the token must carry. @default [] */
      scopes: z.array(z.string().min(1)).default([]),
    })
    .strict(),
  z.object({ type: z.literal("none") }).strict(),
]);

/** One trigger of `statecraft:triggers`. */
export const triggerSchema = z.discriminatedUnion("type", [
  z
    .object({
      type: z.literal("schedule"),
      name: triggerName,
      /** `cron(…)`, `rate(…)` or `at(…)` ({@link scheduleExpressionProblem}). */
      expression: z.string().superRefine((expression, ctx) => {
        const problem = scheduleExpressionProblem(expression);
        if (problem) ctx.addIssue({ code: "custom", message: `is not a schedule expression: ${problem}` });
      }),
      /** The time zone the expression is read in, an IANA name. @default "UTC" */
      timezone: z.string().refine(isTimeZone, "must be an IANA time zone such as Europe/Dublin").default("UTC"),
      /** Start up to this many minutes after the scheduled time, 1-1440 (spreads load); off when absent. */
      flexibleWindowMinutes: z.number().int().min(1).max(1_440).optional(),
      input: inputObject.default({}),
      retry: retrySchema.default(DEFAULT_RETRY),
    })
    .strict(),
  z
    .object({
      type: z.literal("eventRule"),
      name: triggerName,
      /** `default`, or the name of one of `statecraft:eventBuses`. @default "default" */
      bus: z.string().regex(/^[/.\-_A-Za-z0-9]{1,256}$/, "must be an event bus name").default("default"),
      pattern: eventPattern,
      /** Shapes the execution input from the event; without it the whole event is the input. */
      inputTransformer: inputTransformerSchema.optional(),
      retry: retrySchema.default(DEFAULT_RETRY),
    })
    .strict(),
  z
    .object({
      type: z.literal("s3"),
      name: triggerName,
      /**
       * The bucket whose object-created events start the workflow: a bucket of the manifest's `BUCKETS` by logical
       * name (`images`: the stack's own, which must have `eventBridge` on), a bucket of the trigger's own
       * (`{create: true}`), or an existing one by physical name (`{name}`).
       */
      bucket: z.union(
        [
          z.enum(Object.keys(BUCKETS) as [BucketName, ...BucketName[]]),
          z.object({ create: z.literal(true) }).strict(),
          z.object({ name: z.string().regex(/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/, "must be an S3 bucket name") }).strict(),
        ],
        { error: (issue) => `must be a bucket of the manifest (${Object.keys(BUCKETS).join(", ")}), {create: true} or {name: <an S3 bucket name>}; got ${JSON.stringify(issue.input)}` },
      ),
      /** Only keys starting with this. */
      prefix: z.string().min(1).max(1_024).optional(),
      /** Only keys ending with this (`.json`). */
      suffix: z.string().min(1).max(1_024).optional(),
      inputTransformer: inputTransformerSchema.optional(),
      retry: retrySchema.default(DEFAULT_RETRY),
    })
    .strict(),
  z
    .object({
      type: z.literal("http"),
      name: triggerName,
      /** `POST /orders`: the method and path of the route. */
      route: z.string().regex(/^(GET|POST|PUT|PATCH|DELETE) \/[A-Za-z0-9/_{}.-]*$/, "must be '<METHOD> /<path>', e.g. POST /orders"),
      /** Wait for the execution and answer with its result (StartSyncExecution): Express workflows only. @default false */
      sync: z.boolean().default(false),
      authorization: httpAuthorization,
      /** The stage's throttling. @default { burstLimit: 50, rateLimit: 25 } */
      throttling: z
        .object({ burstLimit: z.number().int().min(1).max(5_000), rateLimit: z.number().min(1).max(10_000) })
        .strict()
        .default({ burstLimit: 50, rateLimit: 25 }),
    })
    .strict(),
]);

/** A trigger, validated. */
export type Trigger = z.infer<typeof triggerSchema>;
/** A trigger of one type. */
export type TriggerOf<T extends Trigger["type"]> = Extract<Trigger, { type: T }>;

/** `statecraft:eventBuses`: custom event buses the stack creates, by name, for event-rule triggers to listen on. */
export const eventBusesSchema = z.array(z.string().regex(/^[/.\-_A-Za-z0-9]{1,256}$/, "must be an event bus name").refine((name) => name !== "default", "default is EventBridge's own bus: leave it out"));
