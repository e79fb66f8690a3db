import * as fs from "node:fs";
import * as path from "node:path";
import { ArnContext, buildArn } from "../infra/iam/arn";

/**
 * A generated platform for the benchmark: `count` workflow definitions with a seeded mix of what real ones do
 * (Lambda invokes, DynamoDB reads and writes, SNS and SQS messages, nested executions, EventBridge events, Choice,
 * Parallel and Map), each referring to its targets through `${Placeholder}` tokens as the shipped definitions do.
 */

/** One generated workflow: its definition file, substitutions and type. */
export interface GeneratedWorkflow {
  name: string;
  file: string;
  substitutions: Record<string, string>;
  type: "STANDARD" | "EXPRESS";
}

/** A small seeded generator (mulberry32), so that every run benchmarks the same platform. */
function random(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

type TaskMaker = (id: string, placeholder: (kind: string, value: string) => string) => Record<string, unknown>;

/** The Task shapes the generator picks from, with the ARN each placeholder stands for. */
const TASKS: TaskMaker[] = [
  (id, p) => ({ Type: "Task", Resource: "arn:aws:states:::lambda:invoke", Parameters: { FunctionName: p("function", `fn-${id}`), "Payload.$": "$" }, ResultPath: `$.${id}` }),
  (id, p) => ({ Type: "Task", Resource: "arn:aws:states:::dynamodb:putItem", Parameters: { TableName: p("table", `table-${id}`), Item: { id: { "S.$": "$.id" } } }, ResultPath: null }),
  (id, p) => ({ Type: "Task", Resource: "arn:aws:states:::dynamodb:getItem", Parameters: { TableName: p("table", `table-${id}`), Key: { id: { "S.$": "$.id" } } }, ResultPath: `$.${id}` }),
  (id, p) => ({ Type: "Task", Resource: "arn:aws:states:::sns:publish", Parameters: { TopicArn: p("topic", `topic-${id}`), "Message.$": "$" }, ResultPath: null }),
  (id, p) => ({ Type: "Task", Resource: "arn:aws:states:::sqs:sendMessage", Parameters: { QueueUrl: p("queue", `queue-${id}`), "MessageBody.$": "$" }, ResultPath: null }),
  (id, p) => ({ Type: "Task", Resource: "arn:aws:states:::states:startExecution.sync:2", Parameters: { StateMachineArn: p("stateMachine", `child-${id}`), "Input.$": "$" }, ResultPath: `$.${id}` }),
  (id, p) => ({ Type: "Task", Resource: "arn:aws:states:::events:putEvents", Parameters: { Entries: [{ EventBusName: p("bus", `bus-${id}`), Source: "bench", DetailType: "step", "Detail.$": "$" }] }, ResultPath: null }),
];

/**
 * Writes `count` definitions to `directory` and returns them.
 * @param count how many workflows (the issue's benchmark uses 200).
 * @param directory where the `.asl.json` files go (created if missing).
 * @param context the account and Region the placeholders' ARNs are built in.
 * @param seed the generator's seed.
 */
export function generatePlatform(count: number, directory: string, context: ArnContext, seed = 42): GeneratedWorkflow[] {
  fs.mkdirSync(directory, { recursive: true });
  const next = random(seed);
  const pick = <T>(items: T[]) => items[Math.floor(next() * items.length)];
  const workflows: GeneratedWorkflow[] = [];
  for (let w = 0; w < count; w++) {
    const name = `bench-${String(w).padStart(3, "0")}`;
    const substitutions: Record<string, string> = {};
    const placeholder = (kind: string, value: string) => {
      const key = `${kind[0].toUpperCase()}${kind.slice(1)}${Object.keys(substitutions).length}`;
      substitutions[key] = targetOf(kind, `${name}-${value}`, context);
      return `\${${key}}`;
    };
    const task = (id: string) => pick(TASKS)(id, placeholder);
    const steps = 3 + Math.floor(next() * 6);
    const states: Record<string, Record<string, unknown>> = {};
    const order = Array.from({ length: steps }, (_, i) => `Step${i}`);
    order.forEach((id, i) => {
      const nextState = i + 1 < order.length ? { Next: order[i + 1] } : { End: true };
      const shape = next();
      if (shape < 0.15) {
        states[id] = { Type: "Parallel", Branches: [0, 1].map((b) => ({ StartAt: `${id}B${b}`, States: { [`${id}B${b}`]: { ...task(`${id}b${b}`), End: true } } })), ResultPath: null, ...nextState };
      } else if (shape < 0.25) {
        states[id] = { Type: "Map", ItemsPath: "$.items", ItemProcessor: { StartAt: `${id}Item`, States: { [`${id}Item`]: { ...task(`${id}item`), End: true } } }, ResultPath: null, ...nextState };
      } else if (shape < 0.35 && i + 1 < order.length) {
        states[id] = { Type: "Choice", Choices: [{ Variable: "$.skip", BooleanEquals: true, Next: order[i + 1] }], Default: `${id}Task` };
        states[`${id}Task`] = { ...task(id), Next: order[i + 1], Retry: [{ ErrorEquals: ["States.TaskFailed"], IntervalSeconds: 2, MaxAttempts: 3, BackoffRate: 2 }] };
      } else {
        states[id] = { ...task(id), ...nextState, Catch: [{ ErrorEquals: ["States.ALL"], ResultPath: "$.error", Next: "Failed" }] };
      }
    });
    if (JSON.stringify(states).includes('"Next":"Failed"')) states.Failed = { Type: "Fail", Error: "BenchFailed", Cause: "a step failed" };
    const file = path.join(directory, `${name}.asl.json`);
    const text = JSON.stringify({ Comment: `Generated workflow ${name}`, StartAt: order[0], States: states }, null, 2);
    fs.writeFileSync(file, text);
    // Express workflows cannot wait for a nested execution (.sync): those stay Standard.
    const express = next() < 0.2 && !text.includes(".sync");
    workflows.push({ name, file, substitutions, type: express ? "EXPRESS" : "STANDARD" });
  }
  return workflows;
}

function targetOf(kind: string, name: string, context: ArnContext): string {
  switch (kind) {
    case "function":
      return buildArn(context, "lambda", `function:${name}`);
    case "table":
      return name;
    case "topic":
      return buildArn(context, "sns", name);
    case "queue":
      return `https://sqs.${context.region}.amazonaws.com/${context.account}/${name}`;
    case "stateMachine":
      return buildArn(context, "states", `stateMachine:${name}`);
    case "bus":
      return buildArn(context, "events", `event-bus/${name}`);
    default:
      throw new Error(`unknown target kind ${kind}`);
  }
}
