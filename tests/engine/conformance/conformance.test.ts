/**
 * Conformance suite for our ASL engine (`engine/`): each case in `cases/*.json` is a fact about real AWS Step
 * Functions behaviour (from the execution histories LocalStack recorded against AWS, Apache-2.0, or from the
 * AWS developer guide), written as our own JSON. Every case names its source.
 *
 * Case format (one JSON array per file):
 *   name        unique within its file
 *   source      where the fact comes from
 *   definition  the ASL
 *   input       the execution input (default {})
 *   context     optional overrides of the execution context (merged over CONTEXT below)
 *   tasks       keyed by Task `Resource`, as written. Our Tasks use Lambda function ARNs
 *               (`arn:aws:lambda:us-east-1:111111111111:function:<name>`), whose result is the handler's value as is
 *               (no `Payload` wrapper). Each entry is one of
 *                 { "result": <json> }                 resolve with this value
 *                 { "error": "X", "cause": "Y" }       throw Object.assign(new Error(Y), { name: X })
 *                 { "echo": true }                     resolve with the Task's effective input
 *                 { "largeString": n }                 resolve with a string of n "x" characters
 *                 { "hang": true }                     never settle on its own (idle: virtual time runs on); reject when the engine aborts the call
 *                 { "callback": entry }                for `.waitForTaskToken` Resources: the handler resolves (the value is
 *                                                      ignored) and the runner answers the token with SendTaskSuccess
 *                                                      (entry "result"/"echo") or SendTaskFailure (entry "error"/"cause")
 *                 { "sequence": [entry, ...] }         successive calls take successive entries (the last repeats)
 *               A Resource with no entry fails the test's Task with a runner error (a case bug).
 *   skip        a reason, when the engine legitimately cannot model the case
 *   expect
 *     status          SUCCEEDED | FAILED | TIMED_OUT | ABORTED
 *     output          deep-equal to the execution output
 *     outputMatches   { "dot.path.in.output": "regex" }: String(value at path) must match (path "" = the output)
 *     error, cause    equal to the result's error/cause
 *     causeContains   substring of the result's cause
 *     eventTypes      the exact sequence history().map(e => e.type)
 *     durationSeconds stopDate - startDate on the engine's virtual clock, in seconds (±1 s)
 *     taskCalls       { "<Resource>": n }: how many times the handler served that Resource
 *     taskInputs      { "<Resource>": [input, ...] }: the effective inputs of those calls, in order
 */
import { expect } from "chai";
import * as fs from "node:fs";
import * as path from "node:path";
import type { Execution, ExecutionOptions, Json, JsonObject, StateMachineDefinition, TaskRequest } from "../../../engine/types";

type TaskEntry =
  | { result: Json }
  | { error: string; cause?: string }
  | { echo: true }
  | { largeString: number }
  | { hang: true }
  | { callback: TaskEntry }
  | { sequence: TaskEntry[] };

interface Case {
  name: string;
  source: string;
  definition: StateMachineDefinition;
  input?: Json;
  context?: JsonObject;
  tasks?: Record<string, TaskEntry>;
  skip?: string;
  expect: {
    status: "SUCCEEDED" | "FAILED" | "TIMED_OUT" | "ABORTED";
    output?: Json;
    outputMatches?: Record<string, string>;
    error?: string;
    cause?: string;
    causeContains?: string;
    eventTypes?: string[];
    durationSeconds?: number;
    taskCalls?: Record<string, number>;
    taskInputs?: Record<string, Json[]>;
  };
}

const CONTEXT = {
  stateMachineName: "conformance",
  executionArn: "arn:aws:states:us-east-1:111111111111:execution:conformance:exec",
  name: "exec",
  stateMachineArn: "arn:aws:states:us-east-1:111111111111:stateMachine:conformance",
  roleArn: "arn:aws:iam::111111111111:role/r",
  region: "us-east-1",
  account: "111111111111",
  partition: "aws",
};

const CASES_DIR = path.join(__dirname, "cases");
const STATUSES = ["SUCCEEDED", "FAILED", "TIMED_OUT", "ABORTED"];
const EXPECT_KEYS = ["status", "output", "outputMatches", "error", "cause", "causeContains", "eventTypes", "durationSeconds", "taskCalls", "taskInputs"];
const CASE_KEYS = ["name", "source", "definition", "input", "context", "tasks", "skip", "expect"];

// Loaded at run time (not a static import), so the suite loads and validates its cases before engine/index.ts exists.
// `require` rather than `import()`: under tsx/cjs a computed `import()` would go to Node's ESM loader, which does not
// resolve directory imports.
const ENGINE = path.join(__dirname, "../../../engine");
async function loadEngine(): Promise<{ startExecution: (definition: StateMachineDefinition, input: Json, options: ExecutionOptions) => Execution }> {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return require(ENGINE);
}

function validEntry(entry: unknown): boolean {
  if (!entry || typeof entry !== "object" || Array.isArray(entry)) return false;
  const e = entry as Record<string, unknown>;
  if ("sequence" in e) return Array.isArray(e.sequence) && e.sequence.length > 0 && e.sequence.every(validEntry);
  if ("error" in e) return typeof e.error === "string" && (e.cause === undefined || typeof e.cause === "string");
  if ("largeString" in e) return typeof e.largeString === "number";
  if ("hang" in e) return e.hang === true;
  if ("callback" in e) return validEntry(e.callback);
  return "result" in e || e.echo === true;
}

/** Resources a definition's Tasks name, at any depth (Parallel branches, Map processors, JSONPath or JSONata). */
function taskResources(node: unknown, out = new Set<string>()): Set<string> {
  if (Array.isArray(node)) node.forEach((n) => taskResources(n, out));
  else if (node && typeof node === "object") {
    const o = node as Record<string, unknown>;
    if (o.Type === "Task" && typeof o.Resource === "string") out.add(o.Resource);
    Object.values(o).forEach((v) => taskResources(v, out));
  }
  return out;
}

function atPath(value: Json | undefined, dotted: string): Json | undefined {
  if (dotted === "") return value;
  let v: any = value;
  for (const key of dotted.split(".")) {
    if (v === null || typeof v !== "object") return undefined;
    v = Array.isArray(v) ? v[Number(key)] : v[key];
  }
  return v;
}

function makeTaskHandler(tasks: Record<string, TaskEntry>, calls: Record<string, Json[]>) {
  return async (request: TaskRequest): Promise<Json> => {
    const seen = (calls[request.resource] ??= []);
    seen.push(request.input);
    let entry = tasks[request.resource];
    if (!entry) throw Object.assign(new Error(`conformance runner: no task entry for ${request.resource}`), { name: "Runner.NoTask" });
    if ("sequence" in entry) entry = entry.sequence[Math.min(seen.length - 1, entry.sequence.length - 1)];
    if ("callback" in entry) return null;
    if ("error" in entry) throw Object.assign(new Error(entry.cause ?? ""), { name: entry.error });
    if ("echo" in entry) return request.input;
    if ("largeString" in entry) return "x".repeat(entry.largeString);
    if ("hang" in entry) {
      const signal = request.signal;
      // A service that never answers: the handler only waits, so virtual time runs on to the Task's timeout.
      return request.idle(
        new Promise<Json>((_, reject) => {
          const abort = () => reject(Object.assign(new Error("aborted"), { name: "Runner.Aborted" }));
          if (signal.aborted) abort();
          else signal.addEventListener("abort", abort, { once: true });
        }),
      );
    }
    if ("result" in entry) return entry.result;
    throw new Error("conformance runner: nested sequence");
  };
}

for (const file of fs.readdirSync(CASES_DIR).filter((f) => f.endsWith(".json")).sort()) {
  const cases: Case[] = JSON.parse(fs.readFileSync(path.join(CASES_DIR, file), "utf8"));

  describe(`conformance: ${file}`, function () {
    this.timeout(20000);

    it("(cases are well formed)", () => {
      expect(cases, "a file holds a JSON array").to.be.an("array").that.is.not.empty;
      const names = new Set<string>();
      for (const c of cases) {
        const label = `${file}: ${c.name}`;
        expect(c.name, label).to.be.a("string").that.is.not.empty;
        expect(names.has(c.name), `${label}: duplicate name`).to.equal(false);
        names.add(c.name);
        for (const k of Object.keys(c)) expect(CASE_KEYS, `${label}: unknown field ${k}`).to.include(k);
        expect(c.source, `${label}: source`).to.be.a("string").that.is.not.empty;
        expect(c.definition?.StartAt, `${label}: StartAt`).to.be.a("string");
        expect(c.definition.States, `${label}: States`).to.be.an("object");
        expect(c.definition.States[c.definition.StartAt], `${label}: StartAt names a state`).to.be.an("object");
        expect(STATUSES, `${label}: status`).to.include(c.expect?.status);
        for (const k of Object.keys(c.expect)) expect(EXPECT_KEYS, `${label}: unknown expect field ${k}`).to.include(k);
        if (c.expect.status === "SUCCEEDED") expect(c.expect.error ?? c.expect.cause ?? c.expect.causeContains, `${label}: error on success`).to.equal(undefined);
        for (const [resource, entry] of Object.entries(c.tasks ?? {})) expect(validEntry(entry), `${label}: task ${resource}`).to.equal(true);
        for (const resource of taskResources(c.definition)) {
          if (!resource.includes("{%")) expect(c.tasks ?? {}, `${label}: no task entry for ${resource}`).to.have.property(resource);
        }
        for (const [p, re] of Object.entries(c.expect.outputMatches ?? {})) expect(() => new RegExp(re), `${label}: regex at ${p}`).not.to.throw();
      }
    });

    for (const c of cases) {
      const test = c.skip ? it.skip : it;
      test(c.name, async () => {
        const { startExecution } = await loadEngine();
        const calls: Record<string, Json[]> = {};
        let handle: Execution | undefined;
        const execution: Execution = startExecution(c.definition, c.input === undefined ? {} : c.input, {
          taskHandler: makeTaskHandler(c.tasks ?? {}, calls),
          context: { ...CONTEXT, ...(c.context ?? {}) },
          onTaskToken: (token, request) => {
            const entry = c.tasks?.[request.resource];
            if (!entry || !("callback" in entry)) return;
            const answer = entry.callback;
            // Answer after startExecution has returned the handle, as a separate caller would.
            setTimeout(() => {
              if ("error" in answer) handle!.sendTaskFailure(token, answer.error, answer.cause);
              else handle!.sendTaskSuccess(token, "echo" in answer ? request.input : "result" in answer ? answer.result : null);
            }, 0);
          },
        });
        handle = execution;
        const result = await execution.result;
        const e = c.expect;
        const summary = () => JSON.stringify({ status: result.status, error: result.error, cause: result.cause, output: result.output }).slice(0, 2000);

        expect(result.status, `status; got ${summary()}`).to.equal(e.status);
        if ("output" in e) expect(result.output, "output").to.deep.equal(e.output);
        for (const [p, re] of Object.entries(e.outputMatches ?? {})) {
          const v = atPath(result.output, p);
          expect(v, `output at '${p}' (${summary()})`).not.to.equal(undefined);
          expect(typeof v === "string" ? v : JSON.stringify(v), `output at '${p}'`).to.match(new RegExp(re));
        }
        if ("error" in e) expect(result.error, `error; got ${summary()}`).to.equal(e.error);
        if ("cause" in e) expect(result.cause, "cause").to.equal(e.cause);
        if (e.causeContains !== undefined) expect(result.cause ?? "", "cause").to.include(e.causeContains);
        if (e.eventTypes) expect(execution.history().map((ev) => ev.type), "history event types").to.deep.equal(e.eventTypes);
        if (e.durationSeconds !== undefined) {
          const seconds = (result.stopDate.getTime() - execution.startDate.getTime()) / 1000;
          expect(seconds, "virtual duration (s)").to.be.closeTo(e.durationSeconds, 1);
        }
        for (const [resource, n] of Object.entries(e.taskCalls ?? {})) expect(calls[resource]?.length ?? 0, `calls of ${resource}`).to.equal(n);
        for (const [resource, inputs] of Object.entries(e.taskInputs ?? {})) expect(calls[resource] ?? [], `inputs of ${resource}`).to.deep.equal(inputs);
      });
    }
  });
}
