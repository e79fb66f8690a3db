import * as fs from "node:fs";
import * as path from "node:path";
import YAML from "yaml";
import { z } from "zod";
import { parseArn, partitionOf } from "./iam/arn";
import { alarmsSchema, alertSubscriberSchema, DEFAULT_ALARMS } from "./monitoring/schema";
import { rolloutSchema } from "./rollout/schema";
import { eventBusesSchema, triggerSchema } from "./triggers/schema";
import { APPROVAL_TOPIC, BUCKETS, HANDLERS, type HandlerName, type HandlerSpec, PROJECT_ROOT, type Reference, TABLES, type TableName, type TableSpec, TOPICS, type TopicName, WORKFLOWS, type WorkflowName, stackContents } from "./manifest";

/**
 * A stack's configuration: the schema, and reading it from Pulumi config or from a `Pulumi.<stack>.yaml` file.
 * Keys live in the `statecraft:` namespace, except the Region, which is AWS's own `aws:region`.
 * @see https://www.pulumi.com/docs/iac/concepts/config/
 */

/** Retention periods CloudWatch Logs accepts, in days. */
export const LOG_RETENTION_DAYS = [1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653] as const;

const tableName = z.string().regex(/^[A-Za-z0-9_.-]{3,255}$/, "must be a DynamoDB table name: 3-255 letters, digits, '_', '-' or '.'");
const accountId = z.string().regex(/^\d{12}$/, "must be a 12-digit AWS account id (quote it in YAML)");
const roleArn = z.string().regex(/^arn:aws[a-z-]*:iam::\d{12}:role\/[\w+=,.@/-]{1,512}$/, "must be an IAM role ARN such as arn:aws:iam::123456789012:role/name");
/** `sts:AssumeRole`'s external id: 2-1224 characters of `[\w+=,.@:/-]`. */
const externalId = z.string().regex(/^[\w+=,.@:/-]{2,1224}$/, "must be 2-1224 characters of letters, digits and +=,.@:/-_ (sts:AssumeRole's ExternalId)");
const names = <T extends string>(record: Record<T, unknown>) => Object.keys(record) as [T, ...T[]];

/** The seed workflows a stack deploys unless `statecraft:workflows` says otherwise. */
export const DEFAULT_WORKFLOWS: WorkflowName[] = ["credit-approval", "backup-orchestration", "order-events"];

/**
 * One consumer of `statecraft:sharing`: another account whose principals may run some of this stack's workflows
 * through an invoker role, and use the functions, topics and tables listed.
 */
export const sharingConsumerSchema = z
  .object({
    /** The consumer's 12-digit account; must be on `statecraft:trustedAccounts`. */
    accountId,
    /**
     * The consumer's IAM roles that may assume the invoker role (its trust's `aws:PrincipalArn`). Required unless
     * `organizationId` is set.
     */
    invokers: z.array(roleArn).min(1, "must list at least one role").optional(),
    /**
     * The consumer's IAM roles that may subscribe (`sns:Subscribe`) to the listed `topics`. Required when `topics`
     * is set, unless `organizationId` is.
     */
    subscribers: z.array(roleArn).min(1, "must list at least one role").optional(),
    /**
     * The consumer's IAM roles that may read the listed `tables` (and decrypt them through DynamoDB with the stack's
     * key). Required when `tables` is set, unless `organizationId` is.
     */
    readers: z.array(roleArn).min(1, "must list at least one role").optional(),
    /**
     * The consumer's AWS Organizations id: principals of the account are admitted only from that organization (with
     * it, `invokers`, `subscribers` and `readers` may be left out to admit any of the account's principals).
     */
    organizationId: z.string().regex(/^o-[a-z0-9]{10,32}$/, "must be an AWS Organizations id such as o-a1b2c3d4e5").optional(),
    /**
     * The `sts:ExternalId` the invoker role requires: a Pulumi secret. Required unless `organizationId` is set. A
     * Step Functions Task with `Credentials.RoleArn` passes its own state machine's ARN as external id.
     */
    externalId: externalId.optional(),
    /** The workflows the consumer may run (start, describe, stop), by name. */
    workflows: z.array(z.enum(names(WORKFLOWS))).min(1, "must list at least one workflow"),
    /** Functions the consumer may invoke (`aws.lambda.Permission`), by handler name. @default [] */
    functions: z.array(z.enum(names(HANDLERS))).default([]),
    /** Topics the consumer may subscribe to (an SNS topic policy), by logical name. @default [] */
    topics: z.array(z.enum(names(TOPICS))).default([]),
    /** Tables the consumer may read (a DynamoDB resource policy), by logical name. @default [] */
    tables: z.array(z.enum(names(TABLES))).default([]),
  })
  .strict();

/** A consumer of this stack's workflows, validated. */
export type SharingConsumer = z.infer<typeof sharingConsumerSchema>;

/**
 * Which of a consumer's role lists a grant is pinned to: `invokers` (the invoker role's trust), `subscribers` (the
 * topic policies), `readers` (the table resource policies and the key policy).
 */
export type ConsumerPrincipals = "invokers" | "subscribers" | "readers";

/**
 * One approver of `statecraft:approvers`: where the approval topic sends each request with its signed approve and
 * reject links, an e-mail address (`email`, confirmed by the recipient) or an HTTPS endpoint (`https`, a webhook
 * that confirms the subscription).
 * @see https://docs.aws.amazon.com/sns/latest/dg/sns-create-subscribe-endpoint-to-topic.html
 */
export const approverSchema = z.discriminatedUnion("protocol", [
  z.object({ protocol: z.literal("email"), endpoint: z.string().regex(/^[^\s@]+@[^\s@]+\.[^\s@]+$/, "must be an e-mail address") }).strict(),
  z
    .object({
      protocol: z.literal("https"),
      endpoint: z.string().refine((url) => {
        try {
          return new URL(url).protocol === "https:";
        } catch {
          return false;
        }
      }, "must be an https:// URL"),
    })
    .strict(),
]);

/** An approver, validated. */
export type Approver = z.infer<typeof approverSchema>;

/** The schema of a stack's configuration, with its Pulumi config key per field. */
export const stackConfigSchema = z.object({
  /** `aws:region`: where the stack deploys: a Region of its partition, as the AWS SDK lists them ({@link regionProblem}). */
  region: z.string().superRefine((region, ctx) => {
    const problem = regionProblem(region);
    if (problem) ctx.addIssue({ code: "custom", message: problem });
  }),
  /** `statecraft:accountId`: the 12-digit account the stack deploys to; the provider refuses any other. */
  accountId: z.string().regex(/^\d{12}$/, "must be a 12-digit AWS account id (quote it in YAML)"),
  /** `statecraft:logLevel`: the Standard workflows' log level; Express workflows always log ALL. */
  logLevel: z.enum(["ALL", "ERROR", "FATAL", "OFF"]),
  /** `statecraft:includeExecutionData`: whether logs carry execution input and output. @default true */
  includeExecutionData: z.boolean().default(true),
  /** `statecraft:logRetentionDays`: retention of every log group, in days. */
  logRetentionDays: z.number().refine((days) => (LOG_RETENTION_DAYS as readonly number[]).includes(days), {
    message: `must be one of CloudWatch Logs' retention periods: ${LOG_RETENTION_DAYS.join(", ")}`,
  }),
  /** `statecraft:tracing`: X-Ray tracing of state machines and functions. */
  tracing: z.boolean(),
  /**
   * `statecraft:kmsKey`: encryption at rest of state machines, logs, topics and tables: `none` (AWS-owned keys),
   * `create` (a customer-managed key this stack creates), or the ARN of an existing customer-managed key.
   */
  kmsKey: z.union([z.literal("none"), z.literal("create"), z.string().regex(/^arn:aws[a-z-]*:kms:[a-z0-9-]+:\d{12}:key\/[0-9a-f-]{36}$/, "must be none, create, or a KMS key ARN")]),
  /** `statecraft:tableProtection`: how the stack's DynamoDB tables are protected. */
  tableProtection: z
    .object({
      pointInTimeRecovery: z.boolean(),
      deletionProtection: z.boolean(),
      /** Keep the table in AWS when it leaves the stack. */
      retainOnDelete: z.boolean(),
    })
    .strict(),
  /** `statecraft:tags`: tags on every resource (the provider's default tags), within AWS's tag rules ({@link tagProblems}). */
  tags: z
    .record(z.string(), z.string())
    .superRefine((tags, ctx) => {
      for (const { key, message, got } of tagProblems(tags)) ctx.addIssue({ code: "custom", message, path: key === undefined ? [] : [key], params: { got } });
    })
    .default({}),
  /**
   * `statecraft:backupTables`: the tables the backup workflow backs up: a logical name of this stack's tables
   * (`orders`, `credit-bureaus`) or the physical name of any table in the account and Region.
   */
  backupTables: z.array(tableName).min(1, "must list at least one table").optional(),
  /**
   * `statecraft:workflows`: the workflows this stack deploys (with the handlers, topics and tables they use).
   * @default ["credit-approval", "backup-orchestration", "order-events"]
   */
  workflows: z.array(z.enum(names(WORKFLOWS))).min(1, "must list at least one workflow").default(DEFAULT_WORKFLOWS),
  /**
   * `statecraft:trustedAccounts`: the other accounts this stack may name in a principal (sharing) or call into
   * (a producer's invoker role): the account allow-list. @default []
   */
  trustedAccounts: z.array(accountId).default([]),
  /**
   * `statecraft:assumeRole`: the role the AWS provider assumes to deploy, when the stack's account is not the
   * default credentials' account. `externalId`, if the role requires one, is a Pulumi secret.
   * @see https://www.pulumi.com/registry/packages/aws/api-docs/provider/#assumeroles
   */
  assumeRole: z
    .object({
      roleArn,
      /** @default `statecraft-<stack>` */
      sessionName: z.string().regex(/^[\w+=,.@-]{2,64}$/, "must be 2-64 characters of letters, digits and +=,.@-_").optional(),
      externalId: externalId.optional(),
    })
    .strict()
    .optional(),
  /** `statecraft:sharing`: the other accounts that may run this stack's workflows, by consumer name. */
  sharing: z
    .object({
      consumers: z.record(z.string().regex(/^[a-z0-9][a-z0-9-]{0,29}$/, "consumer names are 1-30 lower-case letters, digits and '-'"), sharingConsumerSchema),
    })
    .strict()
    .optional(),
  /**
   * `statecraft:approvers`: who receives the credit approval requests (one SNS subscription each on the approval
   * topic). Required, at least one, when the stack deploys credit-approval. @default []
   */
  approvers: z.array(approverSchema).default([]),
  /**
   * `statecraft:triggers`: what starts each workflow (schedules, EventBridge rules, S3 object-created events, HTTP
   * routes), workflow → its triggers; see `infra/triggers/schema.ts`. @default {}
   */
  triggers: z.partialRecord(z.enum(names(WORKFLOWS)), z.array(triggerSchema)).default({}),
  /** `statecraft:eventBuses`: custom EventBridge buses the stack creates for event-rule triggers. @default [] */
  eventBuses: eventBusesSchema.default([]),
  /** `statecraft:alarms`: the CloudWatch alarms every state machine gets (`infra/monitoring/schema.ts`). */
  alarms: alarmsSchema.default(DEFAULT_ALARMS),
  /** `statecraft:alerts`: who the stack's alerts topic notifies (alarms and failed executions). @default [] */
  alerts: z.array(alertSubscriberSchema).default([]),
  /** `statecraft:rollouts`: how a new version of each workflow reaches its alias (`infra/rollout/schema.ts`). @default {} */
  rollouts: z.partialRecord(z.enum(names(WORKFLOWS)), rolloutSchema).default({}),
  /**
   * `statecraft:producerStack`: the fully-qualified stack (`<organization>/<project>/<stack>`) whose shared
   * workflows this stack's workflows call, read through a StackReference.
   */
  producerStack: z
    .string()
    .regex(/^[A-Za-z0-9_.-]+\/[A-Za-z0-9_.-]+\/[A-Za-z0-9_.-]+$/, "must be a fully-qualified stack name <organization>/<project>/<stack>")
    .optional(),
});

/**
 * The stack `statecraft:producerStack` names, split into its parts.
 * @returns `{organization, project, stack}`, or undefined when the key is not set.
 * @see https://www.pulumi.com/docs/iac/concepts/stacks/#stackreferences
 */
export function producerStackOf(config: Pick<StackConfig, "producerStack">): { organization: string; project: string; stack: string } | undefined {
  if (!config.producerStack) return undefined;
  const [organization, project, stack] = config.producerStack.split("/");
  return { organization, project, stack };
}

/** A validated stack configuration. */
export type StackConfig = Omit<z.infer<typeof stackConfigSchema>, "backupTables"> & {
  partition: string;
  /** `statecraft:backupTables`, empty when the key is not set (the stack deploys no backup-orchestration). */
  backupTables: string[];
};

/** Each field's Pulumi config key and how its string value is read. */
const KEYS: Record<keyof z.infer<typeof stackConfigSchema>, { key: string; kind: "string" | "number" | "boolean" | "json" }> = {
  region: { key: "aws:region", kind: "string" },
  accountId: { key: "statecraft:accountId", kind: "string" },
  logLevel: { key: "statecraft:logLevel", kind: "string" },
  includeExecutionData: { key: "statecraft:includeExecutionData", kind: "boolean" },
  logRetentionDays: { key: "statecraft:logRetentionDays", kind: "number" },
  tracing: { key: "statecraft:tracing", kind: "boolean" },
  kmsKey: { key: "statecraft:kmsKey", kind: "string" },
  tableProtection: { key: "statecraft:tableProtection", kind: "json" },
  tags: { key: "statecraft:tags", kind: "json" },
  backupTables: { key: "statecraft:backupTables", kind: "json" },
  workflows: { key: "statecraft:workflows", kind: "json" },
  trustedAccounts: { key: "statecraft:trustedAccounts", kind: "json" },
  assumeRole: { key: "statecraft:assumeRole", kind: "json" },
  sharing: { key: "statecraft:sharing", kind: "json" },
  producerStack: { key: "statecraft:producerStack", kind: "string" },
  approvers: { key: "statecraft:approvers", kind: "json" },
  triggers: { key: "statecraft:triggers", kind: "json" },
  eventBuses: { key: "statecraft:eventBuses", kind: "json" },
  alarms: { key: "statecraft:alarms", kind: "json" },
  alerts: { key: "statecraft:alerts", kind: "json" },
  rollouts: { key: "statecraft:rollouts", kind: "json" },
};

/** Config values that must be Pulumi secrets, as key paths (`*` for any map key). */
export const SECRET_PATHS = ["statecraft:sharing.consumers.*.externalId", "statecraft:assumeRole.externalId"];

/** A stack configuration that does not satisfy the schema; the message names each bad key and the stack file. */
export class StackConfigError extends Error {
  constructor(
    readonly stackFile: string,
    readonly problems: string[],
  ) {
    super(`${stackFile}: invalid stack configuration:\n  ${problems.join("\n  ")}`);
    this.name = "StackConfigError";
  }
}

/* ------------------------------------------------------------------------------------------------------------------
 * Strict configuration: no unknown key, a Region AWS has, tags AWS accepts.
 * ---------------------------------------------------------------------------------------------------------------- */

/** The namespace of statecraft's own config keys (the Pulumi project's name). */
export const CONFIG_NAMESPACE = "statecraft:";

/**
 * Every key statecraft reads in its own namespace (`statecraft:accountId`, …, `statecraft:approvers`). Any other key
 * of the namespace is an error; keys of other namespaces (`aws:…`, other providers') are left to their owners,
 * except `aws:region`, which statecraft reads and checks.
 */
export const STATECRAFT_KEYS: readonly string[] = Object.values(KEYS)
  .map(({ key }) => key)
  .filter((key) => key.startsWith(CONFIG_NAMESPACE));

/**
 * The edit distance between two strings: the fewest single-character insertions, deletions, substitutions and
 * swaps of two neighbours that turn one into the other (the optimal string alignment distance). Case counts: fold
 * both strings first to ignore it, as {@link nearest} does.
 *
 * @example editDistance("includeExecutionDta", "includeExecutionData") === 1
 * @example editDistance("tarcing", "tracing") === 1 // a swap
 */
export function editDistance(a: string, b: string): number {
  const x = [...a];
  const y = [...b];
  // d[i][j]: the distance between the first i characters of x and the first j of y.
  const d = Array.from({ length: x.length + 1 }, (_, i) => Array.from({ length: y.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)));
  for (let i = 1; i <= x.length; i++) {
    for (let j = 1; j <= y.length; j++) {
      d[i][j] = Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + (x[i - 1] === y[j - 1] ? 0 : 1));
      if (i > 1 && j > 1 && x[i - 1] === y[j - 2] && x[i - 2] === y[j - 1]) d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
    }
  }
  return d[x.length][y.length];
}

/**
 * The candidates closest to a word, ignoring case: every candidate at the smallest {@link editDistance}, if that
 * distance is at most `maxDistance`; none otherwise.
 *
 * @param word what was written, e.g. `includeExecutionDta`.
 * @param candidates what could have been meant, e.g. the known keys.
 * @param maxDistance how far a suggestion may be; by default a third of the word's length, and at least 2.
 * @returns the nearest candidates in their given order (several on a tie, e.g. `eu-west-9` gives `eu-west-1`,
 *   `eu-west-2`, `eu-west-3`); `[]` when none is near enough.
 */
export function nearest(word: string, candidates: readonly string[], maxDistance = Math.max(2, Math.floor([...word].length / 3))): string[] {
  const folded = word.toLowerCase();
  const distances = candidates.map((candidate) => editDistance(folded, candidate.toLowerCase()));
  const best = Math.min(...distances);
  return best > maxDistance ? [] : candidates.filter((_, i) => distances[i] === best);
}

/** `a`, `a or b`, `a, b or c`. */
function orList(items: readonly string[]): string {
  return items.length <= 1 ? items.join("") : `${items.slice(0, -1).join(", ")} or ${items[items.length - 1]}`;
}

/**
 * The end of a message about an unknown name: `; did you mean <nearest>?` when one is near, else the list of what
 * is known.
 */
function suggestion(word: string, known: readonly string[], prefix = ""): string {
  const near = nearest(word, known);
  if (near.length > 0) return `; did you mean ${orList(near.map((name) => prefix + name))}?`;
  return known.length > 0 ? ` (known: ${known.map((name) => prefix + name).join(", ")})` : "";
}

/** A config key path as `pulumi config set --path` writes it: `.field` for a plain name, `["a.b"]` otherwise. */
function configPath(key: string, segments: readonly string[]): string {
  return key + segments.map((segment) => (/^[A-Za-z0-9_-]+$/.test(segment) ? `.${segment}` : `[${JSON.stringify(segment)}]`)).join("");
}

/** What {@link unknownKeyProblems} echoes for a secret value instead of the value. */
const SECRET_ECHO = "(got a secret value)";

/**
 * The keys of the `statecraft:` namespace that statecraft does not read: a typo (`statecraft:includeExecutionDta`)
 * would otherwise be ignored and its default used. Each problem names the key and, by {@link nearest}, the known key
 * meant (`did you mean statecraft:includeExecutionData?`); a key holding a path (`statecraft:tags.owner`, written
 * without `--path`) is pointed to its setting. The value is echoed unless the key is a secret.
 */
function unknownKeyProblems(raw: Record<string, string | undefined>, secretKeys: readonly string[]): string[] {
  const names = STATECRAFT_KEYS.map((key) => key.slice(CONFIG_NAMESPACE.length));
  const problems: string[] = [];
  for (const [key, text] of Object.entries(raw)) {
    if (!key.startsWith(CONFIG_NAMESPACE) || text === undefined || STATECRAFT_KEYS.includes(key)) continue;
    const name = key.slice(CONFIG_NAMESPACE.length);
    const got = secretKeys.includes(key) ? SECRET_ECHO : `(got ${JSON.stringify(fromString(text, "json"))})`;
    const head = /^([^.:[]+)([.:[].*)$/.exec(name);
    const setting = nearest(name, names).length === 0 && head ? nearest(head[1], names)[0] : undefined;
    const hint =
      setting && head
        ? `; did you mean a field of ${CONFIG_NAMESPACE}${setting}? Set one with pulumi config set --path '${CONFIG_NAMESPACE}${setting}${head[2].replace(/^:/, ".")}' <value>`
        : suggestion(name, names, CONFIG_NAMESPACE);
    problems.push(`${key}: is not a statecraft setting${hint} ${got}`);
  }
  return problems;
}

/** The fields an object schema at a path of the stack schema knows (every option's, for a union). */
function fieldsAt(at: readonly PropertyKey[]): string[] {
  const unwrap = (schema: z.core.$ZodType): z.core.$ZodType[] => {
    if (schema instanceof z.ZodOptional || schema instanceof z.ZodDefault || schema instanceof z.ZodNullable) return unwrap(schema.unwrap() as z.core.$ZodType);
    if (schema instanceof z.ZodUnion) return (schema.options as readonly z.core.$ZodType[]).flatMap(unwrap);
    return [schema];
  };
  const child = (schema: z.core.$ZodType, segment: PropertyKey): z.core.$ZodType[] => {
    if (schema instanceof z.ZodObject) return typeof segment === "string" && segment in schema.shape ? [schema.shape[segment] as z.core.$ZodType] : [];
    if (schema instanceof z.ZodRecord) return [schema.valueType as z.core.$ZodType];
    if (schema instanceof z.ZodArray) return [schema.element as z.core.$ZodType];
    return [];
  };
  let schemas: z.core.$ZodType[] = [stackConfigSchema];
  for (const segment of at) schemas = schemas.flatMap(unwrap).flatMap((schema) => child(schema, segment));
  return [...new Set(schemas.flatMap(unwrap).flatMap((schema) => (schema instanceof z.ZodObject ? Object.keys(schema.shape) : [])))];
}

/** The Regions of each AWS partition, and where they were read. */
export interface AwsRegions {
  /** The package, version and file the list comes from, e.g. `@aws-sdk/core@3.981.0 dist-es/…/partitions.js`. */
  source: string;
  /** Partition id (`aws`, `aws-cn`, `aws-us-gov`, …) → its Regions, sorted (e.g. `aws-cn` → `cn-north-1`, `cn-northwest-1`). */
  byPartition: Readonly<Record<string, readonly string[]>>;
}

/** Where `@aws-sdk/core` keeps the SDK's `partitions.json` (as a module), relative to the package. */
const SDK_PARTITIONS_FILE = "dist-es/submodules/client/util-endpoints/lib/aws/partitions.js";

let regionsCache: AwsRegions | undefined;

/**
 * The Regions AWS has, per partition, from the data an AWS library ships (never a pattern):
 *
 * 1. the AWS SDK for JavaScript's `partitions.json`, which `@aws-sdk/core` carries (`partitionsInfo`: each
 *    partition's id, `regionRegex` and `regions`), as its endpoint resolution uses it. A partition's pseudo-Regions
 *    (`aws-global`, `aws-cn-global`, …) do not match its `regionRegex` and are left out;
 * 2. failing that (the file moved in another SDK version), the `Region` enum of `@pulumi/aws`, each Region in the
 *    partition {@link partitionOf} gives it.
 *
 * Read once, then cached.
 * @returns the Regions and their source.
 * @see https://docs.aws.amazon.com/whitepapers/latest/aws-fault-isolation-boundaries/partitions.html
 * @see https://docs.aws.amazon.com/global-infrastructure/latest/regions/aws-regions.html
 */
export function awsRegions(): AwsRegions {
  return (regionsCache ??= regionsOfAwsSdk() ?? regionsOfPulumiAws());
}

/**
 * The Regions of the AWS SDK's partition data: `@aws-sdk/core`'s `partitions.json` (shipped as the module
 * `dist-es/submodules/client/util-endpoints/lib/aws/partitions.js`, which the endpoint resolver's `partition()` reads),
 * each partition's `regions` that match its `regionRegex`.
 * @returns the Regions per partition and their source, or `undefined` when the package or its file cannot be read.
 * @see https://github.com/aws/aws-sdk-js-v3/tree/main/packages-internal/core
 */
export function regionsOfAwsSdk(): AwsRegions | undefined {
  try {
    const manifest = require.resolve("@aws-sdk/core/package.json");
    const { version } = JSON.parse(fs.readFileSync(manifest, "utf8")) as { version: string };
    const text = fs.readFileSync(path.join(path.dirname(manifest), SDK_PARTITIONS_FILE), "utf8");
    const info = JSON.parse(text.slice(text.indexOf("{"), text.lastIndexOf("}") + 1)) as {
      partitions: { id: string; regionRegex: string; regions: Record<string, unknown> }[];
    };
    const byPartition: Record<string, string[]> = {};
    for (const { id, regionRegex, regions } of info.partitions) {
      const pattern = new RegExp(regionRegex);
      byPartition[id] = Object.keys(regions)
        .filter((region) => pattern.test(region))
        .sort();
    }
    return byPartition.aws?.length ? { source: `@aws-sdk/core@${version} ${SDK_PARTITIONS_FILE}`, byPartition } : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The Regions of `@pulumi/aws`'s `Region` enum (`types/enums`), each in the partition {@link partitionOf} gives it:
 * the fallback of {@link awsRegions}, loaded only when the SDK's data cannot be read.
 * @returns the Regions per partition and their source.
 * @see https://www.pulumi.com/registry/packages/aws/api-docs/provider/#region_nodejs
 */
export function regionsOfPulumiAws(): AwsRegions {
  const { Region } = require("@pulumi/aws/types/enums") as { Region: Record<string, string> };
  const { version } = require("@pulumi/aws/package.json") as { version: string };
  const byPartition: Record<string, string[]> = {};
  for (const region of Object.values(Region).sort()) (byPartition[partitionOf(region)] ??= []).push(region);
  return { source: `@pulumi/aws@${version} types/enums Region`, byPartition };
}

/**
 * What is wrong with an `aws:region`, if anything. statecraft derives the stack's partition from the Region
 * ({@link partitionOf}); the Region must be one of that partition's Regions in {@link awsRegions}.
 *
 * @param region the configured Region, e.g. `eu-west-1`.
 * @returns `undefined` for a Region of its partition; otherwise a sentence for the message: the nearest Regions of
 *   the partition (`must be a Region of the aws partition; did you mean eu-west-1, eu-west-2 or eu-west-3?`), the
 *   partition's whole list when none is near, or, for a Region of a partition statecraft cannot derive (e.g.
 *   `eusc-de-east-1` of `aws-eusc`), that partition.
 */
export function regionProblem(region: string): string | undefined {
  const { byPartition } = awsRegions();
  const partition = partitionOf(region);
  const regions = byPartition[partition] ?? [];
  if (regions.includes(region)) return undefined;
  const actual = Object.keys(byPartition).find((id) => byPartition[id].includes(region));
  if (actual) return `is a Region of the ${actual} partition, which statecraft does not support: it would build the stack's ARNs in ${partition}`;
  const near = nearest(region, regions);
  return near.length > 0 ? `must be a Region of the ${partition} partition; did you mean ${orList(near)}?` : `must be a Region of the ${partition} partition: ${regions.join(", ")}`;
}

/**
 * AWS's limits on tags, for resources of every service statecraft deploys.
 * @see https://docs.aws.amazon.com/tag-editor/latest/userguide/tagging.html
 * @see https://docs.aws.amazon.com/general/latest/gr/aws_tagging.html
 */
export const TAG_LIMITS = {
  /** User tags a resource may have (tags of AWS's `aws:` prefix aside). */
  maxTags: 50,
  /** A key's length, in Unicode characters. */
  maxKeyLength: 128,
  /** A value's length, in Unicode characters (it may be empty). */
  maxValueLength: 256,
  /** The prefix AWS reserves for its own tags, in any case. */
  reservedPrefix: "aws:",
} as const;

/** The tags statecraft itself puts on every resource (the provider's default tags), besides `statecraft:tags`. */
export const STATECRAFT_TAGS: readonly string[] = ["statecraft:stack"];

/** One character AWS allows in a tag key or value: a Unicode letter, digit or space, or `_ . : / = + - @`. */
const TAG_CHARACTER = /^[\p{L}\p{Z}\p{N}_.:/=+\-@]$/u;

/** A problem of {@link tagProblems}: the tag's key (none for the whole map), a sentence, and the value to echo. */
export interface TagProblem {
  /** The tag's key; undefined when the problem is the whole map's (too many tags). */
  key?: string;
  /** What is wrong, e.g. `key must not start with aws: (any case), which AWS reserves for its own tags`. */
  message: string;
  /** What to echo: the key, the value, or the number of tags. */
  got: unknown;
}

/**
 * Checks `statecraft:tags` against AWS's tag rules, before any resource is registered (AWS would refuse the first
 * resource at deploy time):
 *
 * - a key is 1-128 Unicode characters, a value 0-256;
 * - both hold only Unicode letters, digits and spaces and `_ . : / = + - @` (AWS's `[\p{L}\p{Z}\p{N}_.:/=+\-@]*`);
 * - a key does not start with `aws:`, in any case: AWS reserves it;
 * - a key is none of {@link STATECRAFT_TAGS}, which statecraft sets itself, and no two keys differ only in case
 *   (IAM refuses such keys on a role, and every stack has roles);
 * - at most 50 tags per resource, {@link STATECRAFT_TAGS} included: 49 from config.
 *
 * @param tags key → value, as `statecraft:tags` holds them.
 * @returns every problem, with the key (or none, for the count) and what to echo; `[]` when the tags are valid.
 * @see https://docs.aws.amazon.com/tag-editor/latest/userguide/tagging.html
 * @see https://docs.aws.amazon.com/general/latest/gr/aws_tagging.html
 * @see https://docs.aws.amazon.com/IAM/latest/UserGuide/id_tags.html#id_tags_rules
 */
export function tagProblems(tags: Readonly<Record<string, string>>): TagProblem[] {
  const problems: TagProblem[] = [];
  const allowed = "only Unicode letters, digits, spaces and _ . : / = + - @";
  const badCharacters = (text: string) => [...new Set([...text].filter((character) => !TAG_CHARACTER.test(character)))];
  const seen = new Map<string, string>(STATECRAFT_TAGS.map((key) => [key.toLowerCase(), key]));
  for (const [key, value] of Object.entries(tags)) {
    const keyLength = [...key].length;
    if (keyLength < 1 || keyLength > TAG_LIMITS.maxKeyLength) problems.push({ key, message: `key must be 1-${TAG_LIMITS.maxKeyLength} characters, not ${keyLength}`, got: key });
    const inKey = badCharacters(key);
    if (inKey.length > 0) problems.push({ key, message: `key may hold ${allowed}, not ${inKey.map((c) => JSON.stringify(c)).join(", ")}`, got: key });
    if (key.toLowerCase().startsWith(TAG_LIMITS.reservedPrefix)) problems.push({ key, message: `key must not start with ${TAG_LIMITS.reservedPrefix} (any case), which AWS reserves for its own tags`, got: key });
    const same = seen.get(key.toLowerCase());
    const own = same !== undefined && STATECRAFT_TAGS.includes(same) ? `, the tag statecraft sets itself on every resource,` : "";
    if (same === key) {
      problems.push({ key, message: `key is the tag statecraft sets itself on every resource; choose another key`, got: key });
    } else if (same !== undefined) {
      problems.push({ key, message: `key differs from ${same}${own} only in case, which IAM refuses on the stack's roles`, got: key });
    }
    seen.set(key.toLowerCase(), key);
    const valueLength = [...value].length;
    if (valueLength > TAG_LIMITS.maxValueLength) problems.push({ key, message: `value must be 0-${TAG_LIMITS.maxValueLength} characters, not ${valueLength}`, got: value });
    const inValue = badCharacters(value);
    if (inValue.length > 0) problems.push({ key, message: `value may hold ${allowed}, not ${inValue.map((c) => JSON.stringify(c)).join(", ")}`, got: value });
  }
  const count = Object.keys(tags).length;
  const most = TAG_LIMITS.maxTags - STATECRAFT_TAGS.length;
  if (count > most) {
    problems.push({ message: `must hold at most ${most} tags: AWS allows ${TAG_LIMITS.maxTags} per resource and statecraft adds ${STATECRAFT_TAGS.join(", ")}`, got: count });
  }
  return problems;
}

/**
 * Validates a stack's configuration given as Pulumi config strings (`"<namespace>:<key>" → string`, objects as
 * JSON), the form `pulumi.runtime.allConfig()` and `PULUMI_CONFIG` use.
 *
 * Strict: a key of the `statecraft:` namespace that statecraft does not read ({@link STATECRAFT_KEYS}) is an error
 * with the nearest known key, as is an unknown field of an object setting; `aws:region` must be a Region of its
 * partition ({@link regionProblem}) and `statecraft:tags` must keep AWS's tag rules ({@link tagProblems}). Keys of
 * other namespaces are left alone.
 *
 * @param stack the stack name, to name `Pulumi.<stack>.yaml` in errors.
 * @param raw config key → string value.
 * @param secretKeys the keys whose value is a secret, whose value an unknown-key error does not echo; by default
 *   those the Pulumi CLI lists to the program in `PULUMI_CONFIG_SECRET_KEYS`.
 * @returns the validated configuration, with its partition derived from the Region.
 * @throws StackConfigError naming every missing, unknown or bad key (and the nearest known one, the value echoed)
 *   and the stack file, e.g. `Pulumi.prod.yaml: invalid stack configuration:\n  statecraft:includeExecutionDta: is
 *   not a statecraft setting; did you mean statecraft:includeExecutionData? (got false)`.
 * @see https://www.pulumi.com/docs/iac/concepts/config/
 */
export function parseStackConfig(stack: string, raw: Record<string, string | undefined>, secretKeys: readonly string[] = secretKeysOfEnvironment()): StackConfig {
  const typed: Record<string, unknown> = {};
  for (const [field, { key, kind }] of Object.entries(KEYS)) {
    const text = raw[key];
    if (text !== undefined) typed[field] = fromString(text, kind);
  }
  return validate(stack, typed, unknownKeyProblems(raw, secretKeys));
}

/** The secret config keys the Pulumi CLI hands a program (`PULUMI_CONFIG_SECRET_KEYS`, a JSON array); `[]` offline. */
function secretKeysOfEnvironment(): string[] {
  try {
    const keys: unknown = JSON.parse(process.env.PULUMI_CONFIG_SECRET_KEYS ?? "[]");
    return Array.isArray(keys) ? keys.filter((key): key is string => typeof key === "string") : [];
  } catch {
    return [];
  }
}

/** What {@link readStackFile} returns. */
export interface StackFile {
  /** The validated configuration. */
  config: StackConfig;
  /** The config strings to hand to Pulumi (`pulumi.runtime.setAllConfig`), secrets as offline stand-ins. */
  raw: Record<string, string>;
  /** The keys whose value is or holds a secret, as the Pulumi CLI lists them (`PULUMI_CONFIG_SECRET_KEYS`). */
  secretKeys: string[];
}

/** The prefix of the stand-in an offline read gives each secret: `offline-secret:<key path>`. */
export const OFFLINE_SECRET_PREFIX = "offline-secret:";

/**
 * Reads and validates `Pulumi.<stack>.yaml` from the project root, for offline use (plan, tests, local runs).
 *
 * A secret in the file is `secure: v1:…` ciphertext that only the Pulumi CLI can decrypt: each one is replaced by
 * a deterministic, clearly labelled stand-in `offline-secret:<key path>` (e.g.
 * `offline-secret:statecraft:sharing.consumers.lending.externalId`), and its top-level key is listed in
 * `secretKeys`, so that the program treats it as a secret exactly as under the CLI. A value that must be a secret
 * ({@link SECRET_PATHS}) but is written in plain text is an error naming its key.
 *
 * @param stack the stack name.
 * @param root the directory holding the stack file.
 * @returns the validated configuration, the raw config strings and the secret keys ({@link StackFile}).
 * @throws StackConfigError for a missing file, bad YAML, a malformed or plain-text secret, or a bad value, naming
 *   the file and key.
 * @see https://www.pulumi.com/docs/iac/concepts/secrets/#using-configuration-and-secrets-in-code
 */
export function readStackFile(stack: string, root = PROJECT_ROOT): StackFile {
  const file = stackFileName(stack);
  let document: unknown;
  try {
    document = YAML.parse(fs.readFileSync(path.join(root, file), "utf8"));
  } catch (error) {
    throw new StackConfigError(file, [(error as Error).message]);
  }
  const entries = (document as { config?: Record<string, unknown> } | null)?.config;
  if (!entries || typeof entries !== "object") throw new StackConfigError(file, ["the file has no `config:` map"]);
  const raw: Record<string, string> = {};
  const secretKeys: string[] = [];
  const problems: string[] = [];
  for (const [key, value] of Object.entries(entries)) {
    const { value: resolved, secret } = standInSecrets(value, key, problems);
    raw[key] = typeof resolved === "string" ? resolved : JSON.stringify(resolved);
    if (secret) secretKeys.push(key);
  }
  for (const pattern of SECRET_PATHS) {
    for (const [where, value] of valuesAt(entries, pattern)) {
      if (value !== undefined && !isSecure(value)) problems.push(`${where}: must be a secret, not plain text: pulumi config set --secret --path '${where}' <value>`);
    }
  }
  if (problems.length > 0) throw new StackConfigError(file, problems);
  return { config: parseStackConfig(stack, raw, secretKeys), raw, secretKeys };
}

/** Whether a YAML value is a Pulumi secret: `{secure: "<ciphertext>"}`. */
function isSecure(value: unknown): value is { secure: string } {
  return typeof value === "object" && value !== null && !Array.isArray(value) && Object.keys(value).length === 1 && "secure" in value;
}

/** Replaces every `{secure: …}` in a value by its stand-in; `secret` tells whether there was any. */
function standInSecrets(value: unknown, where: string, problems: string[]): { value: unknown; secret: boolean } {
  if (isSecure(value)) {
    if (typeof value.secure !== "string" || !/^v1:\S+$/.test(value.secure)) problems.push(`${where}: a secure value must be the Pulumi CLI's v1:… ciphertext (got ${JSON.stringify(value.secure)})`);
    return { value: `${OFFLINE_SECRET_PREFIX}${where}`, secret: true };
  }
  if (Array.isArray(value)) {
    const items = value.map((item, i) => standInSecrets(item, `${where}[${i}]`, problems));
    return { value: items.map((item) => item.value), secret: items.some((item) => item.secret) };
  }
  if (typeof value === "object" && value !== null) {
    const fields = Object.entries(value).map(([k, v]) => [k, standInSecrets(v, `${where}.${k}`, problems)] as const);
    return { value: Object.fromEntries(fields.map(([k, v]) => [k, v.value])), secret: fields.some(([, v]) => v.secret) };
  }
  return { value, secret: false };
}

/** The values at a key path with `*` for any map key, e.g. `statecraft:sharing.consumers.*.externalId`. */
function valuesAt(entries: Record<string, unknown>, pattern: string): [string, unknown][] {
  const [key, ...parts] = pattern.split(".");
  let found: [string, unknown][] = [[key, entries[key]]];
  for (const part of parts) {
    found = found.flatMap(([where, value]): [string, unknown][] => {
      if (typeof value !== "object" || value === null || Array.isArray(value) || isSecure(value)) return [];
      const record = value as Record<string, unknown>;
      return part === "*" ? Object.entries(record).map(([k, v]) => [`${where}.${k}`, v]) : [[`${where}.${part}`, record[part]]];
    });
  }
  return found;
}

/** `Pulumi.<stack>.yaml`. */
export function stackFileName(stack: string): string {
  return `Pulumi.${stack}.yaml`;
}

/**
 * Checks the typed configuration against {@link stackConfigSchema}, then across keys ({@link crossChecks}).
 * @param problems what is already known to be wrong (unknown keys), reported with the schema's problems.
 * @throws StackConfigError with every problem, naming the stack file.
 */
function validate(stack: string, typed: Record<string, unknown>, problems: string[] = []): StackConfig {
  const file = stackFileName(stack);
  const result = stackConfigSchema.safeParse(typed);
  if (!result.success) problems.push(...result.error.issues.flatMap((issue) => describeIssue(issue, typed)));
  if (!result.success || problems.length > 0) throw new StackConfigError(file, problems);
  const config: StackConfig = { ...result.data, backupTables: result.data.backupTables ?? [], partition: partitionOf(result.data.region) };
  const crossProblems = crossChecks(config, stack);
  if (crossProblems.length > 0) throw new StackConfigError(file, crossProblems);
  return config;
}

/**
 * One schema issue as sentences starting with the config key path: `<key path>: <message> (got <value>)`, or
 * `<key path>: is required (missing)`. An unknown field of an object setting (zod's `.strict()`) gives one
 * sentence per field, with the nearest known field (`statecraft:tableProtection: Unrecognized key:
 * "retainOnDelet"; did you mean retainOnDelete? (got true)`) or else the known ones. A custom issue may say what to
 * echo in `params.got`.
 */
function describeIssue(issue: z.core.$ZodIssue, typed: Record<string, unknown>): string[] {
  const [field = "", ...rest] = issue.path.map(String);
  const key = KEYS[field as keyof typeof KEYS]?.key ?? field;
  const valueAt = (segments: string[]) => segments.reduce<unknown>((v, k) => (v as Record<string, unknown> | undefined)?.[k], typed[field]);
  const where = configPath(key, rest);
  if (issue.code === "unrecognized_keys") {
    const known = fieldsAt(issue.path).filter((name) => !issue.keys.includes(name));
    return issue.keys.map((unknown) => `${where}: Unrecognized key: ${JSON.stringify(unknown)}${suggestion(unknown, known)} (got ${JSON.stringify(valueAt([...rest, unknown]))})`);
  }
  const value = valueAt(rest);
  const got = issue.code === "custom" && issue.params && "got" in issue.params ? issue.params.got : value;
  return [got === undefined ? `${where}: is required (missing)` : `${where}: ${issue.message} (got ${JSON.stringify(got)})`];
}

/**
 * The checks that span several keys: what a stack deploys against what it backs up and shares, every account in
 * a principal against the allow-list (`statecraft:trustedAccounts`), the consumers' principals and external ids,
 * and the deployment role's account.
 * @returns one sentence per problem, each starting with the key path.
 */
function crossChecks(config: StackConfig, stack: string): string[] {
  const problems: string[] = [];
  const problem = (where: string, message: string, value?: unknown) => problems.push(`${where}: ${message}${value === undefined ? "" : ` (got ${JSON.stringify(value)})`}`);
  const deployed = stackContents(config.workflows, config.backupTables);

  if (config.workflows.includes("backup-orchestration") && config.backupTables.length === 0) {
    problem("statecraft:backupTables", "is required when the stack deploys backup-orchestration (missing)");
  }
  config.trustedAccounts.forEach((account, i) => {
    if (account === config.accountId) problem(`statecraft:trustedAccounts.${i}`, "is the stack's own account (statecraft:accountId); list only other accounts", account);
  });
  if (config.assumeRole) {
    const arn = parseArn(config.assumeRole.roleArn);
    if (arn?.account !== config.accountId) {
      problem("statecraft:assumeRole.roleArn", `must be a role of the stack's account ${config.accountId}, which the provider deploys to`, config.assumeRole.roleArn);
    } else if (arn.partition !== config.partition) {
      problem("statecraft:assumeRole.roleArn", `must be in the ${config.partition} partition of ${config.region}`, config.assumeRole.roleArn);
    }
  }

  const sharedBy = new Map<WorkflowName, string>();
  for (const [name, consumer] of Object.entries(config.sharing?.consumers ?? {})) {
    const at = `statecraft:sharing.consumers.${name}`;
    if (consumer.accountId === config.accountId) {
      problem(`${at}.accountId`, "is the stack's own account: share with other accounts only", consumer.accountId);
    } else if (!config.trustedAccounts.includes(consumer.accountId)) {
      problem(`${at}.accountId`, `${consumer.accountId} is not on the allow-list statecraft:trustedAccounts (${JSON.stringify(config.trustedAccounts)}); add it there once the access is approved`, consumer.accountId);
    }
    const uses: Record<ConsumerPrincipals, string | undefined> = {
      invokers: "to assume the invoker role",
      subscribers: consumer.topics.length > 0 ? "to subscribe to its topics" : undefined,
      readers: consumer.tables.length > 0 ? "to read its tables" : undefined,
    };
    for (const [field, use] of Object.entries(uses) as [ConsumerPrincipals, string | undefined][]) {
      const roles = consumer[field];
      if (use && !roles && !consumer.organizationId) {
        problem(`${at}.${field}`, `is required: name the consumer's roles allowed ${use}, or set organizationId to admit the account's principals from its organization (missing)`);
      }
      if (!use && roles) problem(`${at}.${field}`, `grants nothing: the consumer lists no ${field === "subscribers" ? "topics" : "tables"}`, roles);
      (roles ?? []).forEach((principal, i) => {
        const arn = parseArn(principal);
        if (arn?.account !== consumer.accountId) problem(`${at}.${field}.${i}`, `must be a role of the consumer's account ${consumer.accountId}`, principal);
        else if (arn.partition !== config.partition) problem(`${at}.${field}.${i}`, `must be in the ${config.partition} partition: IAM roles do not cross partitions`, principal);
      });
    }
    if (consumer.externalId === undefined && !consumer.organizationId) {
      problem(
        `${at}.externalId`,
        `is required for a consumer named by invokers, as a secret: pulumi config set --secret --path '${at}.externalId' <id> (a Step Functions caller passes its state machine's ARN) (missing)`,
      );
    }
    const callerArn = consumer.externalId !== undefined ? parseArn(consumer.externalId) : undefined;
    if (callerArn?.service === "states" && callerArn.account !== consumer.accountId) {
      problem(`${at}.externalId`, `names a state machine of account ${callerArn.account}, not of the consumer's account ${consumer.accountId}`);
    }
    consumer.workflows.forEach((workflow, i) => {
      if (!config.workflows.includes(workflow)) {
        problem(`${at}.workflows.${i}`, `this stack does not deploy ${workflow} (statecraft:workflows: ${JSON.stringify(config.workflows)})`, workflow);
      } else if (sharedBy.has(workflow)) {
        problem(`${at}.workflows.${i}`, `${workflow} is already shared with consumer ${sharedBy.get(workflow)}: a workflow has one invoker role in sharedWorkflows, so share it with one consumer (an organization consumer covers many accounts)`, workflow);
      } else {
        sharedBy.set(workflow, name);
      }
    });
    const notDeployed = (field: "functions" | "topics" | "tables", have: readonly string[]) =>
      consumer[field].forEach((item, i) => {
        if (!have.includes(item)) problem(`${at}.${field}.${i}`, `this stack deploys no ${field.slice(0, -1)} ${item} (its workflows use: ${JSON.stringify(have)})`, item);
      });
    notDeployed("functions", deployed.handlers);
    notDeployed("topics", deployed.topics);
    notDeployed("tables", deployed.tables);
    const unshareable = (field: "functions" | "topics" | "tables", reasonOf: (item: string) => string | undefined) =>
      consumer[field].forEach((item, i) => {
        const reason = reasonOf(item);
        if (reason) problem(`${at}.${field}.${i}`, `${item} is never shared: ${reason}`, item);
      });
    unshareable("functions", (item) => (HANDLERS[item as HandlerName] as HandlerSpec).unshareable);
    unshareable("topics", (item) => (TOPICS[item as TopicName] as { unshareable?: string }).unshareable);
    unshareable("tables", (item) => (TABLES[item as TableName] as TableSpec).unshareable);
  }

  const approvalTopic = deployed.topics.find((topic) => topic === APPROVAL_TOPIC);
  if (approvalTopic && config.approvers.length === 0) {
    const deciders = config.workflows.filter((workflow) => stackContents([workflow], config.backupTables).topics.includes(approvalTopic));
    problem(
      "statecraft:approvers",
      `is required: ${deciders.join(", ")} wait${deciders.length === 1 ? "s" : ""} for a human decision sent through topic ${approvalTopic}; list at least one {protocol: email | https, endpoint} (missing)`,
    );
  }

  for (const workflow of config.workflows) {
    for (const reference of Object.values<Reference>(WORKFLOWS[workflow].substitutions)) {
      if ("nestedWorkflow" in reference && !config.workflows.includes(reference.nestedWorkflow)) {
        problem("statecraft:workflows", `must list ${reference.nestedWorkflow} too: ${workflow} runs it nested`, config.workflows);
      }
    }
  }
  const callsShared = config.workflows.filter((workflow) => Object.values(WORKFLOWS[workflow].substitutions).some((reference) => "sharedWorkflow" in reference));
  if (config.producerStack && producerStackOf(config)?.stack === stack) problem("statecraft:producerStack", "names this stack itself", config.producerStack);
  if (callsShared.length > 0 && !config.producerStack) {
    problem("statecraft:producerStack", `is required: ${callsShared.join(", ")} call${callsShared.length === 1 ? "s" : ""} a workflow shared by another stack (missing)`);
  }
  problems.push(...operationProblems(config));
  return problems;
}

/**
 * Checks of `statecraft:triggers`, `statecraft:rollouts` and `statecraft:eventBuses` against the rest of the
 * stack: every workflow they name is deployed; trigger names are unique per workflow; a synchronous HTTP route
 * (StartSyncExecution) starts an Express workflow; an event rule listens on `default` or a bus of
 * `statecraft:eventBuses`; an S3 trigger naming a manifest bucket names one the stack deploys, with EventBridge
 * notifications on; two HTTP triggers of the stack do not take the same route.
 * @returns one line per problem, naming the key path.
 */
function operationProblems(config: StackConfig): string[] {
  const problems: string[] = [];
  const problem = (where: string, message: string, value?: unknown) => problems.push(`${where}: ${message}${value === undefined ? "" : ` (got ${JSON.stringify(value)})`}`);
  const routes = new Map<string, string>();
  for (const [workflow, triggers] of Object.entries(config.triggers) as [WorkflowName, NonNullable<StackConfig["triggers"][WorkflowName]>][]) {
    const at = `statecraft:triggers.${workflow}`;
    if (!config.workflows.includes(workflow)) {
      problem(at, `names a workflow this stack does not deploy (statecraft:workflows: ${config.workflows.join(", ")})`, workflow);
      continue;
    }
    const seen = new Set<string>();
    triggers.forEach((trigger, i) => {
      if (seen.has(trigger.name)) problem(`${at}[${i}].name`, "is the name of another trigger of this workflow: names must be unique", trigger.name);
      seen.add(trigger.name);
      if (trigger.type === "http") {
        if (trigger.sync && WORKFLOWS[workflow].type !== "EXPRESS") {
          problem(`${at}[${i}].sync`, `${workflow} is a STANDARD workflow: StartSyncExecution runs Express workflows only; drop sync to start it asynchronously`, trigger.sync);
        }
        const other = routes.get(trigger.route);
        if (other) problem(`${at}[${i}].route`, `is also ${other}'s route: each route starts one workflow`, trigger.route);
        routes.set(trigger.route, `${workflow}/${trigger.name}`);
      }
      if (trigger.type === "s3" && typeof trigger.bucket === "string") {
        const buckets = stackContents(config.workflows, config.backupTables).buckets;
        if (!buckets.includes(trigger.bucket)) {
          problem(`${at}[${i}].bucket`, `is not a bucket this stack deploys (its workflows and handlers use: ${buckets.join(", ") || "none"}); use {create: true} for a bucket of the trigger's own`, trigger.bucket);
        } else if (!BUCKETS[trigger.bucket].eventBridge) {
          problem(`${at}[${i}].bucket`, "does not send its events to EventBridge, so no object-created event would start the workflow: set eventBridge: true on it in BUCKETS (infra/manifest.ts)", trigger.bucket);
        }
      }
      if (trigger.type === "eventRule" && trigger.bus !== "default" && !config.eventBuses.includes(trigger.bus)) {
        problem(`${at}[${i}].bus`, `is not an event bus of this stack: use default, or create it with statecraft:eventBuses${suggestion(trigger.bus, config.eventBuses)}`, trigger.bus);
      }
    });
  }
  for (const workflow of Object.keys(config.rollouts) as WorkflowName[]) {
    if (!config.workflows.includes(workflow)) problem(`statecraft:rollouts.${workflow}`, `names a workflow this stack does not deploy (statecraft:workflows: ${config.workflows.join(", ")})`, workflow);
  }
  return problems;
}

function fromString(text: string, kind: "string" | "number" | "boolean" | "json"): unknown {
  switch (kind) {
    case "string":
      return text;
    case "number":
      return /^-?\d+(\.\d+)?$/.test(text.trim()) ? Number(text) : text;
    case "boolean":
      return text === "true" ? true : text === "false" ? false : text;
    case "json":
      try {
        return JSON.parse(text);
      } catch {
        return text;
      }
  }
}
