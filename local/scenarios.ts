import * as fs from "node:fs";
import * as path from "node:path";
import { z } from "zod";
import type { Json } from "../infra/definition/asl";
import { GetObjectCommand, PutObjectCommand } from "@aws-sdk/client-s3";
import { BUCKETS, type BucketName, PROJECT_ROOT, TABLES, type TableName, TOPICS, WORKFLOWS, type WorkflowName } from "../infra/manifest";
import type { Item } from "./services/dynamodb";
import type { ExecutionReport, LocalStack } from "./runner";
import { triggerStartCalls } from "./authz/service-calls";
import { LocalRunError } from "./errors";
import { triggerOf } from "./triggers";

/**
 * Scenarios: one JSON file per execution in `samples/`, naming the workflow, its input, who answers an approval,
 * and what must come out. {@link runScenario} runs one against a {@link LocalStack} from freshly seeded tables and
 * lists every way the outcome differs from the expectation.
 */

/** The directory scenarios are read from. */
export const SAMPLES_DIR = path.join(PROJECT_ROOT, "samples");

const names = <T extends string>(record: Record<T, unknown>) => Object.keys(record) as [T, ...T[]];
const dynamodbItem = z.record(z.string(), z.record(z.string(), z.unknown()));

/** The schema of a scenario file. */
export const scenarioSchema = z
  .object({
    /** The workflow's name in the manifest. */
    workflow: z.enum(names(WORKFLOWS)),
    /** The stack the workflow runs in (it must deploy the workflow). @default "dev" */
    stack: z.string().regex(/^[A-Za-z0-9_.-]+$/).optional(),
    /** What the scenario shows, one sentence. */
    description: z.string().min(1),
    /** The execution input (with `trigger`: what arrives at the trigger, when it has no `event`). */
    input: z.unknown().optional(),
    /**
     * The trigger of `statecraft:triggers` that starts the execution: its role is authorized (its service assumes it
     * from the trigger's ARN; it starts the live alias), and the input is what the trigger makes of `event` (an
     * EventBridge or S3 event through the rule's input transformer, an HTTP request body) or a schedule's input.
     */
    trigger: z.object({ name: z.string().min(1), event: z.unknown().optional() }).strict().optional(),
    /** Who answers a `.waitForTaskToken` approval request, and how. */
    approver: z.object({ approved: z.boolean(), reason: z.string().optional(), approver: z.string().optional() }).strict().optional(),
    /**
     * A fault for the payment worker (the real `handlers/payment-worker.ts`, which consumes order-processing's
     * payment queue): `throttleFirstCharge` makes its first ledger write fail with DynamoDB's `ThrottlingException`.
     */
    paymentWorker: z.object({ throttleFirstCharge: z.boolean() }).strict().optional(),
    /** The stack's `statecraft:backupTables` for this run (logical names of the stack's tables, or physical names). */
    backupTables: z.array(z.string().min(1)).min(1).optional(),
    /** Items put before the run, per logical table, in DynamoDB JSON (on top of the tables' seed items). */
    seed: z.partialRecord(z.enum(names(TABLES)), z.array(dynamodbItem)).optional(),
    /**
     * Objects put in the stack's local S3 before the run (after the items): a bucket of the manifest, a key, and the
     * body, either a file relative to `samples/` (`fixtures/harbour.png`) or text.
     */
    objects: z
      .array(
        z
          .object({ bucket: z.enum(names(BUCKETS)), key: z.string().min(1), file: z.string().min(1).optional(), text: z.string().optional(), contentType: z.string().optional() })
          .strict()
          .refine((object) => (object.file === undefined) !== (object.text === undefined), "takes exactly one of file and text"),
      )
      .optional(),
    expect: z
      .object({
        status: z.enum(["SUCCEEDED", "FAILED", "TIMED_OUT"]),
        /** The execution's Error, exactly. */
        error: z.string().optional(),
        /** The execution's Cause, exactly. */
        cause: z.string().optional(),
        /** States that must be entered in this order (others may come in between). */
        path: z.array(z.string()).optional(),
        /** States that must not be entered. */
        notEntered: z.array(z.string()).optional(),
        /** How many retries each State must have had; a State not listed may have any. */
        retries: z.record(z.string(), z.number().int().nonnegative()).optional(),
        /** The error each listed State must have caught (its last catch), e.g. `{"Record cancellation": "DynamoDB.ConditionalCheckFailedException"}`. */
        caught: z.record(z.string(), z.string()).optional(),
        /** The notifications published, in order: logical topic and, optionally, subject. */
        notifications: z.array(z.object({ topic: z.enum(names(TOPICS)), subject: z.string().optional() }).strict()).optional(),
        /** A subset of the output: objects may have more keys, arrays must have this length. */
        output: z.unknown().optional(),
        /** Items read back after the run: a subset of the attributes, or `null` for "no such item". */
        items: z.array(z.object({ table: z.enum(names(TABLES)), key: dynamodbItem, item: dynamodbItem.nullable() }).strict()).optional(),
        /**
         * Objects read back from the local S3 after the run: whether each exists and, for an image, its width and
         * height (decoded with jimp).
         */
        objects: z
          .array(
            z
              .object({
                bucket: z.enum(names(BUCKETS)),
                key: z.string().min(1),
                exists: z.boolean(),
                contentType: z.string().optional(),
                image: z.object({ width: z.number().int().positive(), height: z.number().int().positive() }).strict().optional(),
              })
              .strict(),
          )
          .optional(),
        /** Logical or physical names of the tables that must have been backed up at least once. */
        backups: z.array(z.string()).optional(),
        /**
         * The executions the workflow started (`states:startExecution.sync[:2]`), in order: the state machine's
         * physical name (or a workflow's logical name, for the machine the running stack deploys for it), its status and, optionally, its Error, States it entered in order, and the role assumed to
         * start it (`Credentials.RoleArn`).
         */
        children: z
          .array(
            z
              .object({
                stateMachine: z.string(),
                status: z.enum(["SUCCEEDED", "FAILED", "TIMED_OUT"]),
                error: z.string().optional(),
                path: z.array(z.string()).optional(),
                assumedRole: z.string().optional(),
              })
              .strict(),
          )
          .optional(),
      })
      .strict(),
  })
  .strict()
  .superRefine((scenario, ctx) => {
    if (scenario.input === undefined && scenario.trigger?.event === undefined && scenario.trigger === undefined) {
      ctx.addIssue({ code: "custom", message: "is required without a trigger (the execution input)", path: ["input"] });
    }
  });

/** A scenario, with its name (the file's base name). */
export type Scenario = z.infer<typeof scenarioSchema> & { name: string; file: string };

/** A scenario's outcome. */
export interface ScenarioResult {
  scenario: Scenario;
  /** The execution report; absent when the run itself could not complete. */
  report?: ExecutionReport;
  /** Every difference from the expectation, one sentence each; empty when it passed. */
  mismatches: string[];
  /** The error that stopped the run (a LocalRunError, a DefinitionError, ...), if any. */
  error?: Error;
  /** The trigger that started the execution and how it made the input, for a scenario with `trigger`. */
  startedBy?: string;
  passed: boolean;
}

/** A scenario file that does not satisfy the schema; the message names the file and each bad field. */
export class ScenarioError extends Error {
  /**
   * @param file the scenario file.
   * @param problems one line per problem.
   */
  constructor(
    readonly file: string,
    readonly problems: string[],
  ) {
    super(`${file}: invalid scenario:\n  ${problems.join("\n  ")}`);
    this.name = "ScenarioError";
  }
}

/**
 * Reads and validates one scenario file.
 * @param file path to a `.json` scenario.
 * @returns the scenario, named after the file.
 * @throws ScenarioError naming the file for bad JSON or a field that fails the schema.
 */
export function loadScenario(file: string): Scenario {
  const shown = path.relative(PROJECT_ROOT, file);
  let document: unknown;
  try {
    document = JSON.parse(fs.readFileSync(file, "utf8"));
  } catch (error) {
    throw new ScenarioError(shown, [(error as Error).message]);
  }
  const parsed = scenarioSchema.safeParse(document);
  if (!parsed.success) {
    throw new ScenarioError(shown, parsed.error.issues.map((issue) => `${issue.path.join(".") || "(root)"}: ${issue.message}`));
  }
  return { ...parsed.data, name: path.basename(file, ".json"), file: shown };
}

/**
 * Reads every scenario of a directory, in file-name order.
 * @param dir the directory. @default samples/
 * @throws ScenarioError for the first invalid file.
 */
export function loadScenarios(dir: string = SAMPLES_DIR): Scenario[] {
  return fs
    .readdirSync(dir)
    .filter((file) => file.endsWith(".json"))
    .sort()
    .map((file) => loadScenario(path.join(dir, file)));
}

/** The stack a scenario runs in: its `stack`, or `dev`. */
export function scenarioStack(scenario: Scenario): string {
  return scenario.stack ?? "dev";
}

/**
 * Runs one scenario: resets the stack's tables (and its producer's) to their seed items, puts the scenario's own
 * items, runs the workflow with the scenario's input, approver and backup tables, and checks the expectation
 * (DynamoDB items are read back from the local tables).
 *
 * @param stack a started local stack: the scenario's ({@link scenarioStack}).
 * @param scenario the scenario.
 * @returns the outcome; a run that throws (e.g. a Task with no local integration) is a failed result carrying the
 *   error and every call denied on the way (a handler's denied call stops a run without failing its Task), not a
 *   throw.
 */
export async function runScenario(stack: LocalStack, scenario: Scenario): Promise<ScenarioResult> {
  const before = stack.authorizer.decisions.length;
  let startedBy: string | undefined;
  try {
    if (scenarioStack(scenario) !== stack.stack) throw new Error(`the scenario runs in the ${scenarioStack(scenario)} stack, not ${stack.stack}`);
    await stack.reset();
    for (const [table, items] of Object.entries(scenario.seed ?? {})) {
      await stack.dynamodb.putItems(stack.dynamodb.tableName(table), items as unknown as Item[]);
    }
    await putObjects(stack, scenario);
    let input = (scenario.input ?? {}) as Json;
    if (scenario.trigger) {
      const trigger = triggerOf(stack.authorizer.index.plans.get(stack.stack) ?? [], stack.naming, scenario.workflow, scenario.trigger.name);
      // What AWS checks when the trigger fires: its service assumes the role, the role starts the live alias.
      for (const call of triggerStartCalls(trigger, stack.config.accountId)) {
        const decision = await stack.authorizer.authorize(call);
        if (!decision.allowed) throw new LocalRunError(`trigger ${trigger.name} cannot start ${scenario.workflow}: ${decision.message}`);
      }
      input = trigger.input((scenario.trigger.event ?? scenario.input ?? {}) as Json);
      startedBy = `trigger ${trigger.name}: ${trigger.description}`;
    }
    const report = await stack.runWorkflow(scenario.workflow as WorkflowName, {
      input,
      approver: scenario.approver,
      ...(scenario.paymentWorker?.throttleFirstCharge ? { faults: { throttledWrites: { "payment-worker": 1 } } } : {}),
      backupTables: scenario.backupTables,
    });
    const mismatches = await checkExpectations(scenario, report, stack);
    return { scenario, report, mismatches, passed: mismatches.length === 0, ...(startedBy ? { startedBy } : {}) };
  } catch (error) {
    const thrown = error instanceof Error ? error : new Error(String(error));
    // A denial inside a handler (logged by the function, not seen by the workflow) is why many runs stop: name it.
    const denials = stack.authorizer.decisions.slice(before).filter((d) => !d.allowed).map((d) => `denied: ${d.message}`);
    return { scenario, mismatches: [`the run stopped: ${thrown.message}`, ...denials], error: thrown, passed: false, ...(startedBy ? { startedBy } : {}) };
  }
}

/**
 * Compares a report with a scenario's expectation.
 * @returns one sentence per difference; empty when everything matches.
 */
export async function checkExpectations(scenario: Scenario, report: ExecutionReport, stack: LocalStack): Promise<string[]> {
  const expected = scenario.expect;
  const problems: string[] = [];
  const show = (value: unknown) => JSON.stringify(value);
  if (report.status !== expected.status) problems.push(`status: expected ${expected.status}, got ${report.status}`);
  if (expected.error !== undefined && report.error !== expected.error) problems.push(`error: expected ${show(expected.error)}, got ${show(report.error)}`);
  if (expected.cause !== undefined && report.cause !== expected.cause) problems.push(`cause: expected ${show(expected.cause)}, got ${show(report.cause)}`);

  const entered = report.path.map((step) => step.state);
  problems.push(...pathMismatches(expected.path ?? [], entered, "path"));
  for (const state of expected.notEntered ?? []) {
    if (entered.includes(state)) problems.push(`path: expected "${state}" not to be entered`);
  }
  for (const [state, count] of Object.entries(expected.retries ?? {})) {
    const actual = report.retries.filter((retry) => retry.state === state).length;
    if (actual !== count) problems.push(`retries: expected ${count} of "${state}", got ${actual}`);
  }
  for (const [state, error] of Object.entries(expected.caught ?? {})) {
    const actual = report.caught.filter((c) => c.state === state).pop()?.error;
    if (actual !== error) problems.push(`caught: expected "${state}" to catch ${error}, got ${actual ?? "no catch"}`);
  }
  if (expected.notifications) {
    const actual = report.notifications.map((n) => ({ topic: n.topic, subject: n.subject }));
    const matches =
      actual.length === expected.notifications.length &&
      expected.notifications.every((n, i) => n.topic === actual[i].topic && (n.subject === undefined || n.subject === actual[i].subject));
    if (!matches) problems.push(`notifications: expected ${show(expected.notifications)}, got ${show(actual)}`);
  }
  if (expected.output !== undefined) {
    problems.push(...subsetMismatches(expected.output, report.output, "output"));
  }
  for (const { table, key, item } of expected.items ?? []) {
    const actual = await stack.dynamodb.getItem(stack.dynamodb.tableName(table), key as unknown as Item);
    const where = `items: ${table} ${show(key)}`;
    if (item === null) {
      if (actual !== undefined) problems.push(`${where}: expected no item, got ${show(actual)}`);
    } else if (actual === undefined) {
      problems.push(`${where}: expected an item, found none`);
    } else {
      problems.push(...subsetMismatches(item, actual, where));
    }
  }
  if (expected.children) {
    const actual = report.children;
    if (actual.length !== expected.children.length) {
      problems.push(`children: expected ${expected.children.length} started execution(s), got ${actual.length} (${show(actual.map((c) => c.stateMachine))})`);
    } else {
      expected.children.forEach((child, i) => {
        const got = actual[i];
        const at = `children[${i}]`;
        // A workflow of the manifest by its logical name stands for its physical name in the running stack.
        const stateMachine = child.stateMachine in WORKFLOWS ? stack.naming.physical(child.stateMachine) : child.stateMachine;
        if (got.stateMachine !== stateMachine) problems.push(`${at}: expected state machine ${stateMachine}, got ${got.stateMachine}`);
        if (got.status !== child.status) problems.push(`${at}: expected status ${child.status}, got ${got.status}`);
        if (child.error !== undefined && got.error !== child.error) problems.push(`${at}: expected error ${show(child.error)}, got ${show(got.error)}`);
        problems.push(...pathMismatches(child.path ?? [], got.path.map((step) => step.state), `${at}.path`));
        const assumed = got.assumedRoles[0]?.roleArn;
        if (child.assumedRole !== undefined && assumed !== child.assumedRole) problems.push(`${at}: expected to be started as ${child.assumedRole}, got ${assumed ?? "the execution role"}`);
      });
    }
  }
  problems.push(...(await objectMismatches(expected.objects ?? [], stack)));
  for (const table of expected.backups ?? []) {
    const physical = table in TABLES ? stack.naming.tableName(table as TableName) : table;
    if (!report.backups.some((backup) => backup.table === physical)) problems.push(`backups: expected a backup of ${physical}`);
  }
  return problems;
}

/**
 * Puts a scenario's `objects` in the stack's local S3 (started for the purpose), each in the stack's physical bucket.
 * @throws ScenarioError naming the scenario when a `file` cannot be read.
 */
async function putObjects(stack: LocalStack, scenario: Scenario): Promise<void> {
  if (!scenario.objects?.length) return;
  const { s3 } = await stack.localS3();
  for (const object of scenario.objects) {
    let body: Buffer;
    try {
      body = object.file !== undefined ? fs.readFileSync(path.join(SAMPLES_DIR, object.file)) : Buffer.from(object.text ?? "");
    } catch (error) {
      throw new ScenarioError(scenario.file, [`objects: ${object.key}: ${(error as Error).message}`]);
    }
    await s3.send(new PutObjectCommand({ Bucket: stack.naming.bucketName(object.bucket as BucketName), Key: object.key, Body: body, ...(object.contentType ? { ContentType: object.contentType } : {}) }));
  }
}

/** How the objects read back from the local S3 differ from the expected ones: one sentence each. */
async function objectMismatches(expected: NonNullable<Scenario["expect"]["objects"]>, stack: LocalStack): Promise<string[]> {
  if (expected.length === 0) return [];
  const { s3 } = await stack.localS3();
  const problems: string[] = [];
  for (const object of expected) {
    const where = `objects: s3://${object.bucket}/${object.key}`;
    let answer: { Body?: { transformToByteArray(): Promise<Uint8Array> }; ContentType?: string } | undefined;
    try {
      answer = await s3.send(new GetObjectCommand({ Bucket: stack.naming.bucketName(object.bucket as BucketName), Key: object.key }));
    } catch (error) {
      if ((error as Error).name !== "NoSuchKey") throw error;
    }
    if (!answer) {
      if (object.exists) problems.push(`${where}: expected the object, found none`);
      continue;
    }
    if (!object.exists) {
      problems.push(`${where}: expected no object, found one`);
      continue;
    }
    if (object.contentType !== undefined && answer.ContentType !== object.contentType) problems.push(`${where}: expected content type ${object.contentType}, got ${String(answer.ContentType)}`);
    if (object.image) {
      const bytes = Buffer.from((await answer.Body?.transformToByteArray()) ?? []);
      // jimp only where a scenario checks an image: it is large to load.
      const { Jimp } = await import("jimp");
      try {
        const { width, height } = (await Jimp.fromBuffer(bytes)).bitmap;
        if (width !== object.image.width || height !== object.image.height) problems.push(`${where}: expected a ${object.image.width}×${object.image.height} image, got ${width}×${height}`);
      } catch (error) {
        problems.push(`${where}: expected an image, got ${bytes.length} bytes jimp cannot decode (${(error as Error).message})`);
      }
    }
  }
  return problems;
}

/**
 * Where `actual` differs from the subset `expected`: objects may carry extra keys, arrays must have the same
 * length and match element by element, anything else must be equal.
 * @param where the location, for messages.
 * @returns one sentence per difference.
 */
export function subsetMismatches(expected: unknown, actual: unknown, where: string): string[] {
  if (Array.isArray(expected)) {
    if (!Array.isArray(actual)) return [`${where}: expected an array, got ${JSON.stringify(actual)}`];
    if (actual.length !== expected.length) return [`${where}: expected ${expected.length} elements, got ${actual.length}`];
    return expected.flatMap((item, i) => subsetMismatches(item, actual[i], `${where}[${i}]`));
  }
  if (expected !== null && typeof expected === "object") {
    if (actual === null || typeof actual !== "object" || Array.isArray(actual)) return [`${where}: expected an object, got ${JSON.stringify(actual)}`];
    return Object.entries(expected).flatMap(([key, value]) => subsetMismatches(value, (actual as Record<string, unknown>)[key], `${where}.${key}`));
  }
  return Object.is(expected, actual) ? [] : [`${where}: expected ${JSON.stringify(expected)}, got ${JSON.stringify(actual)}`];
}

/**
 * Whether the States were entered in the expected order (others may come between them).
 * @param expected the States, in order.
 * @param entered the States the execution entered, in order.
 * @param at the field the problem is reported on (`path`, `children[0].path`).
 * @returns the first problem, or nothing.
 */
function pathMismatches(expected: readonly string[], entered: readonly string[], at: string): string[] {
  let from = 0;
  for (const state of expected) {
    const found = entered.indexOf(state, from);
    if (found < 0) return [`${at}: expected "${state}" to be entered${from > 0 ? ` after "${entered[from - 1]}"` : ""}; entered: ${entered.join(" → ")}`];
    from = found + 1;
  }
  return [];
}
