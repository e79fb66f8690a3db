import { STATES_ERRORS, StatesError } from "../errors";
import { checkSize, effectiveInput, jsonataField, readField, requestOf, type StateData, template } from "../dataflow";
import { isTracking, sleepOn } from "../clock";
import { payload } from "../history";
import type { Stop } from "../signal";
import type { Json, JsonObject, TaskRequest } from "../types";
import { asStatesError } from "./errors";
import { type Frame, languageOf, type StateOutcome } from "./frame";
import { withRetryAndCatch } from "./retry-catch";

/**
 * Task: evaluates its request, hands it to the execution's `taskHandler`, and records the events Step Functions
 * records for its kind of Resource:
 * - a service integration (`arn:<partition>:states:::<service>:<api>[.sync|.sync:2|.waitForTaskToken]`):
 *   TaskScheduled (with the parameters), TaskStarted, TaskSubmitted (`.sync`, `.waitForTaskToken`), then
 *   TaskSucceeded, TaskFailed or TaskTimedOut;
 * - a Lambda function ARN: LambdaFunctionScheduled, LambdaFunctionStarted, LambdaFunctionSucceeded/Failed/TimedOut;
 * - an activity ARN: ActivityScheduled, ActivityStarted, ActivitySucceeded/Failed/TimedOut.
 * `TimeoutSeconds[Path]` bounds the whole Task (`States.Timeout`); `HeartbeatSeconds[Path]` bounds the time between
 * heartbeats of a `.waitForTaskToken` Task (`States.HeartbeatTimeout`).
 * @see https://docs.aws.amazon.com/step-functions/latest/dg/state-task.html
 */
export async function runTask(base: StateData): Promise<StateOutcome> {
  return withRetryAndCatch(base, attempt);
}

/** How a Resource shows in the history. */
export interface ResourceKind {
  kind: "Task" | "LambdaFunction" | "Activity";
  resourceType: string;
  resource: string;
  pattern: "" | ".sync" | ".sync:2" | ".waitForTaskToken";
}

/** Classifies a Task's Resource as the history names it. */
export function resourceKind(resource: string): ResourceKind {
  let kind = KINDS.get(resource);
  if (!kind) {
    kind = classify(resource);
    if (KINDS.size >= 10_000) KINDS.clear();
    KINDS.set(resource, kind);
  }
  return kind;
}

/** Resources classified so far (they come from definitions). */
const KINDS = new Map<string, ResourceKind>();

function classify(resource: string): ResourceKind {
  const pattern = (/\.(sync:2|sync|waitForTaskToken)$/.exec(resource)?.[0] ?? "") as ResourceKind["pattern"];
  const parts = resource.split(":");
  if (parts[2] === "lambda" && parts[5] === "function") return { kind: "LambdaFunction", resourceType: "lambda", resource, pattern };
  if (parts[2] === "states" && parts[5] === "activity") return { kind: "Activity", resourceType: "activity", resource, pattern };
  if (parts[2] === "states" && parts[3] === "" && parts[4] === "") {
    const rest = parts.slice(5);
    if (rest[0] === "aws-sdk") return { kind: "Task", resourceType: `aws-sdk:${rest[1]}`, resource: rest.slice(2).join(":"), pattern };
    return { kind: "Task", resourceType: rest[0], resource: rest.slice(1).join(":"), pattern };
  }
  return { kind: "Task", resourceType: parts[2] ?? "unknown", resource, pattern };
}

/** A Task's `TimeoutSeconds`/`HeartbeatSeconds` (or its `…Path`); a promise only for a JSONata expression. */
function seconds(data: StateData, field: "TimeoutSeconds" | "HeartbeatSeconds", effective: Json): number | undefined | Promise<number | undefined> {
  const { state } = data;
  const value: Json | undefined = state[field];
  if (typeof value === "string" && languageOf(data.frame, state) === "JSONata") return jsonataField(data, field, value).then((evaluated) => positive(data, field, evaluated));
  const path = state[`${field}Path`];
  return positive(data, field, path !== undefined ? readField(data, `${field}Path`, path, effective) : value);
}

function positive(data: StateData, field: string, value: Json | undefined): number | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== "number" || !Number.isInteger(value) || value <= 0) {
    throw new StatesError(STATES_ERRORS.Runtime, `An error occurred while executing the state '${data.name}' (entered at the event id #${data.enteredEventId}). The ${field} value '${JSON.stringify(value)}' must be a positive integer.`);
  }
  return value;
}

async function attempt(data: StateData): Promise<Json> {
  const { frame, state, name } = data;
  const run = frame.run;
  const resource = String(state.Resource);
  const kind = resourceKind(resource);
  const token = kind.pattern === ".waitForTaskToken" ? run.newTaskToken() : undefined;
  if (token) data = data.with({ token });
  const effective = effectiveInput(data);
  // JSONPath fields evaluate synchronously: no await for them.
  const requested = requestOf(data, effective);
  const request = requested instanceof Promise ? await requested : requested;
  const timeout = seconds(data, "TimeoutSeconds", effective);
  const timeoutSeconds = timeout instanceof Promise ? await timeout : timeout;
  const heartbeat = seconds(data, "HeartbeatSeconds", effective);
  const heartbeatSeconds = heartbeat instanceof Promise ? await heartbeat : heartbeat;
  let credentials: JsonObject | undefined;
  if (state.Credentials !== undefined) {
    credentials = (languageOf(frame, state) === "JSONata" ? await jsonataField(data, "Credentials", state.Credentials) : template(data, "Credentials", state.Credentials, effective)) as JsonObject;
  }
  scheduled(frame, kind, request, timeoutSeconds, heartbeatSeconds, credentials);
  const details = { resourceType: kind.resourceType, resource: kind.resource };
  if (kind.kind === "Task") run.history.add(frame.lane, { type: "TaskStarted", taskStartedEventDetails: details });
  else run.history.add(frame.lane, { type: `${kind.kind}Started` });

  // Aborted when the execution stops or a sibling fails (through the frame), on a timeout, and once the Task ends.
  const { stop: controller, unlink } = frame.signal.child();
  try {
    const answer = token ? run.waitForToken(token, heartbeatSeconds, controller) : undefined;
    answer?.catch(() => undefined);
    const handler = run.options.taskHandler;
    if (!handler) throw new StatesError(STATES_ERRORS.TaskFailed, `No task handler serves the resource ${resource}.`);
    const taskRequest = new Request(data, controller, request, token, credentials, timeoutSeconds, heartbeatSeconds, (output) => {
      // A handler that reports its submission after the Task ended (aborted by a sibling's failure, timed out,
      // stopped) records nothing: the Task's events end with its end, and the execution's with the execution.
      if (kind.kind === "Task" && !controller.aborted) run.history.add(frame.lane, { type: "TaskSubmitted", taskSubmittedEventDetails: { ...details, output: payload(output).text, outputDetails: payload(output).details } });
    }, (work) => (isTracking(run.clock) ? run.clock.release(work) : work));
    if (token) run.options.onTaskToken?.(token, taskRequest);
    const called = handler(taskRequest);
    // The clock holds still while the handler works, and no longer than the Task lasts (a handler that never
    // settles must not freeze virtual time after a timeout or a stop).
    const tracked = isTracking(run.clock) ? run.clock.track(Promise.race([called, controller.rejection()])) : called;
    // A callback Task's result is the answer to its token, after a TaskSubmitted with what the handler gave.
    const work = token
      ? Promise.resolve(tracked).then((submitted) => {
          if (kind.kind === "Task") taskRequest.submitted(submitted);
          return answer!;
        })
      : tracked;
    const result = await (timeoutSeconds === undefined ? work : race(Promise.resolve(work), sleepOn(run.clock, timeoutSeconds * 1000, controller).then(() => {
      throw new StatesError(STATES_ERRORS.Timeout, "");
    })));
    // The result's text serves both the size check and the history.
    const text = JSON.stringify(result ?? null);
    checkSize(data, result, "result", text);
    const output = { text, details: { truncated: false } };
    if (kind.kind === "Task") run.history.add(frame.lane, { type: "TaskSucceeded", taskSucceededEventDetails: { ...details, output: output.text, outputDetails: output.details } });
    else run.history.add(frame.lane, { type: `${kind.kind}Succeeded`, [`${lower(kind.kind)}SucceededEventDetails`]: { output: output.text, outputDetails: output.details } });
    return result;
  } catch (thrown) {
    if (frame.signal.aborted) throw thrown;
    const failure = asStatesError(thrown);
    const timedOut = failure.error === STATES_ERRORS.Timeout || failure.error === STATES_ERRORS.HeartbeatTimeout;
    const body = { error: failure.error, ...(failure.causeText ? { cause: failure.causeText } : {}) };
    if (kind.kind === "Task") {
      run.history.add(frame.lane, timedOut ? { type: "TaskTimedOut", taskTimedOutEventDetails: { ...details, ...body } } : { type: "TaskFailed", taskFailedEventDetails: { ...details, ...body } });
    } else {
      const suffix = timedOut ? "TimedOut" : "Failed";
      run.history.add(frame.lane, { type: `${kind.kind}${suffix}`, [`${lower(kind.kind)}${suffix}EventDetails`]: body });
    }
    throw failure;
  } finally {
    unlink();
    controller.abort(TASK_ENDED);
  }
}

/**
 * A Task's request. Its context object is built, and its real `AbortSignal` made, only when the handler reads them:
 * getters on the class, not on each request (an object literal's getters would give every request a hidden class
 * of its own, which holds the whole execution until a full garbage collection).
 */
class Request implements TaskRequest {
  readonly stateName: string;
  readonly resource: string;
  declare readonly taskToken?: string;
  declare readonly credentials?: JsonObject;
  declare readonly timeoutSeconds?: number;
  declare readonly heartbeatSeconds?: number;
  readonly #data: StateData;
  readonly #stop: Stop;

  constructor(
    data: StateData,
    stop: Stop,
    readonly input: Json,
    token: string | undefined,
    credentials: JsonObject | undefined,
    timeoutSeconds: number | undefined,
    heartbeatSeconds: number | undefined,
    readonly submitted: (output: Json) => void,
    /** Lets a virtual clock jump while the handler only waits for `work` (a function: handlers pass it on alone). */
    readonly idle: TaskRequest["idle"],
  ) {
    this.stateName = data.name;
    this.resource = String(data.state.Resource);
    const optional = this as { -readonly [K in keyof Request]: Request[K] };
    if (token) optional.taskToken = token;
    if (credentials) optional.credentials = credentials;
    if (timeoutSeconds !== undefined) optional.timeoutSeconds = timeoutSeconds;
    if (heartbeatSeconds !== undefined) optional.heartbeatSeconds = heartbeatSeconds;
    this.#data = data;
    this.#stop = stop;
  }

  get context(): JsonObject {
    return this.#data.context;
  }

  get signal(): AbortSignal {
    return this.#stop.signal;
  }
}

/** Why a Task's signal aborts once the Task has ended (one error for all: its stack would cost each Task). */
const TASK_ENDED = new StatesError("States.Aborted", "the Task ended");

function lower(kind: string): string {
  return kind === "LambdaFunction" ? "lambdaFunction" : kind === "Activity" ? "activity" : "task";
}

function scheduled(frame: Frame, kind: ResourceKind, request: Json, timeoutSeconds?: number, heartbeatSeconds?: number, credentials?: JsonObject): void {
  const run = frame.run;
  const input = payload(request);
  const taskCredentials = typeof credentials?.RoleArn === "string" ? { taskCredentials: { roleArn: credentials.RoleArn } } : {};
  if (kind.kind === "Task") {
    run.history.add(frame.lane, {
      type: "TaskScheduled",
      taskScheduledEventDetails: {
        resourceType: kind.resourceType,
        resource: kind.resource,
        region: run.region,
        parameters: input.text,
        ...(timeoutSeconds !== undefined ? { timeoutInSeconds: timeoutSeconds } : {}),
        ...(heartbeatSeconds !== undefined ? { heartbeatInSeconds: heartbeatSeconds } : {}),
        ...taskCredentials,
      },
    });
  } else if (kind.kind === "LambdaFunction") {
    run.history.add(frame.lane, { type: "LambdaFunctionScheduled", lambdaFunctionScheduledEventDetails: { resource: kind.resource, input: input.text, inputDetails: input.details, ...(timeoutSeconds !== undefined ? { timeoutInSeconds: timeoutSeconds } : {}), ...taskCredentials } });
  } else {
    run.history.add(frame.lane, { type: "ActivityScheduled", activityScheduledEventDetails: { resource: kind.resource, input: input.text, inputDetails: input.details, ...(timeoutSeconds !== undefined ? { timeoutInSeconds: timeoutSeconds } : {}), ...(heartbeatSeconds !== undefined ? { heartbeatInSeconds: heartbeatSeconds } : {}) } });
  }
}

/** The first of two promises to settle; the loser's rejection is swallowed. */
function race<T>(work: Promise<T>, timeout: Promise<never>): Promise<T> {
  timeout.catch(() => undefined);
  work.catch(() => undefined);
  return Promise.race([work, timeout]);
}
