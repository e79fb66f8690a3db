import * as fs from "node:fs";
import * as path from "node:path";
import YAML from "yaml";
import { z } from "zod";
import { parseArn, partitionOf } from "./iam/arn";
import { APPROVAL_TOPIC, HANDLERS, type HandlerName, type HandlerSpec, PROJECT_ROOT, TABLES, type TableName, type TableSpec, TOPICS, type TopicName, WORKFLOWS, type WorkflowName, stackContents } from "./manifest";

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
  /** `aws:region`: where the stack deploys. */
  region: z.string().regex(/^[a-z]{2}(-gov|-iso|-isob)?-[a-z]+-\d$/, "must be an AWS Region such as eu-west-1"),
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
  /** `statecraft:tags`: tags on every resource (the provider's default tags). */
  tags: z.record(z.string().min(1).max(128), z.string().max(256)).default({}),
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

/**
 * Validates a stack's configuration given as Pulumi config strings (`"<namespace>:<key>" → string`, objects as
 * JSON), the form `pulumi.runtime.allConfig()` and `PULUMI_CONFIG` use.
 *
 * @param stack the stack name, to name `Pulumi.<stack>.yaml` in errors.
 * @param raw config key → string value.
 * @returns the validated configuration, with its partition derived from the Region.
 * @throws StackConfigError naming every missing or bad key and the stack file.
 */
export function parseStackConfig(stack: string, raw: Record<string, string | undefined>): StackConfig {
  const typed: Record<string, unknown> = {};
  for (const [field, { key, kind }] of Object.entries(KEYS)) {
    const text = raw[key];
    if (text !== undefined) typed[field] = fromString(text, kind);
  }
  return validate(stack, typed);
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
  return { config: parseStackConfig(stack, raw), raw, secretKeys };
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

function validate(stack: string, typed: Record<string, unknown>): StackConfig {
  const file = stackFileName(stack);
  const result = stackConfigSchema.safeParse(typed);
  if (!result.success) {
    const problems = result.error.issues.map((issue) => {
      const [field, ...rest] = issue.path.map(String);
      const key = KEYS[field as keyof typeof KEYS]?.key ?? field;
      const where = [key, ...rest].join(".");
      const value = rest.reduce<unknown>((v, k) => (v as Record<string, unknown>)?.[k], typed[field]);
      return value === undefined ? `${where}: is required (missing)` : `${where}: ${issue.message} (got ${JSON.stringify(value)})`;
    });
    throw new StackConfigError(file, problems);
  }
  const config: StackConfig = { ...result.data, backupTables: result.data.backupTables ?? [], partition: partitionOf(result.data.region) };
  const problems = crossChecks(config, stack);
  if (problems.length > 0) throw new StackConfigError(file, problems);
  return config;
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

  const callsShared = config.workflows.filter((workflow) => Object.values(WORKFLOWS[workflow].substitutions).some((reference) => "sharedWorkflow" in reference));
  if (config.producerStack && producerStackOf(config)?.stack === stack) problem("statecraft:producerStack", "names this stack itself", config.producerStack);
  if (callsShared.length > 0 && !config.producerStack) {
    problem("statecraft:producerStack", `is required: ${callsShared.join(", ")} call${callsShared.length === 1 ? "s" : ""} a workflow shared by another stack (missing)`);
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
