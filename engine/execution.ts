import { randomBytes, randomUUID } from "node:crypto";
import { RealClock, sleepOn, VirtualClock } from "./clock";
import { checkSize, StateData } from "./dataflow";
import { STATES_ERRORS, StatesError, TaskTokenError } from "./errors";
import { History } from "./history";
import { Stop } from "./signal";
import { Variables } from "./query/variables";
import { runChoice } from "./states/choice";
import { asStatesError } from "./states/errors";
import { runFail } from "./states/fail";
import { type Frame, newFrame, type Run, type StateOutcome } from "./states/frame";
import { runMap } from "./states/map";
import { runParallel } from "./states/parallel";
import { runPass } from "./states/pass";
import { runSucceed } from "./states/succeed";
import { runTask } from "./states/task";
import { runWait } from "./states/wait";
import type { Clock, Execution, ExecutionContext, ExecutionOptions, ExecutionResult, ExecutionStatus, HistoryEvent, Json, JsonObject, State, StateMachineDefinition } from "./types";

/**
 * One execution of a state machine on the engine: the State loop, the history, the execution's timeout, stop, and
 * task tokens. Created by {@link startExecution}.
 * @see https://states-language.net/spec.html
 */

/** The default cap on State transitions per execution (a loop guard). */
export const DEFAULT_MAX_TRANSITIONS = 100_000;

/**
 * The longest an Express execution runs, in seconds (five minutes).
 * @see https://docs.aws.amazon.com/step-functions/latest/dg/service-quotas.html
 */
export const MAX_EXPRESS_SECONDS = 300;

/** Step Functions' history limit for a Standard execution. */
export const MAX_HISTORY_EVENTS = 25_000;

/** Why a signal was aborted: the execution stopped, or timed out. */
class Ended extends Error {
  constructor(readonly status: "ABORTED" | "TIMED_OUT", readonly error?: string, readonly cause?: string) {
    super(`execution ${status}`);
  }
}

interface Waiting {
  resolve: (output: Json) => void;
  reject: (error: Error) => void;
  heartbeat?: () => void;
}

/** Each State type's runner: synchronous where it can be (a JSONPath Pass, Choice, Succeed or Fail), else a promise. */
const STATE_RUNNERS: Record<State["Type"], (data: StateData) => StateOutcome | Promise<StateOutcome>> = {
  Pass: runPass,
  Succeed: runSucceed,
  Fail: runFail,
  Wait: runWait,
  Choice: runChoice,
  Task: runTask,
  Parallel: runParallel,
  Map: runMap,
};

/** The history event types of each State type, made once. */
const EVENT_TYPES = Object.fromEntries(
  Object.keys(STATE_RUNNERS).map((type) => [type, { entered: `${type}StateEntered`, exited: `${type}StateExited`, aborted: `${type}StateAborted` }]),
) as Record<State["Type"], { entered: string; exited: string; aborted: string }>;

function isPromise<T>(value: T | Promise<T>): value is Promise<T> {
  return typeof (value as { then?: unknown } | undefined)?.then === "function";
}

class ExecutionRun implements Run {
  readonly startDate: Date;
  readonly history: History;
  readonly clock: Clock;
  readonly region: string;
  readonly partition: string;
  readonly account: string;
  readonly type: "STANDARD" | "EXPRESS";
  readonly result: Promise<ExecutionResult>;
  status: ExecutionStatus = "RUNNING";
  private transitions = 0;
  /** Aborted when the execution ends by stop or timeout, or has ended. */
  private readonly stopped = new Stop();
  private readonly tokens = new Map<string, Waiting>();
  private readonly answered = new Set<string>();
  private readonly timedOut = new Set<string>();
  private readonly lane = { last: 0 };
  private readonly input: Json;
  /** The execution's name, ARN and context object base, made when first read (a random name costs a UUID). */
  private identity?: { executionArn: string; contextBase: { Execution: JsonObject; StateMachine: JsonObject } };

  constructor(
    private readonly definition: StateMachineDefinition,
    input: Json,
    readonly options: ExecutionOptions,
  ) {
    const context: ExecutionContext = options.context ?? {};
    this.clock = options.clock === "real" ? new RealClock() : options.clock === undefined || options.clock === "virtual" ? new VirtualClock() : options.clock;
    this.type = context.type ?? "STANDARD";
    const arnParts = context.stateMachineArn || context.executionArn ? (context.stateMachineArn ?? context.executionArn ?? "").split(":") : [];
    this.partition = context.partition ?? (arnParts[1] || "aws");
    this.region = context.region ?? (arnParts[3] || "us-east-1");
    this.account = context.account ?? (arnParts[4] || "123456789012");
    this.startDate = new Date(this.clock.now());
    this.input = input;
    this.history = new History(this.clock, this.type === "EXPRESS" ? Infinity : (options.maxEvents ?? MAX_HISTORY_EVENTS), options.onEvent);
    this.result = this.execute(input);
  }


  get executionArn(): string {
    return (this.identity ??= this.identify()).executionArn;
  }

  /** `Execution` and `StateMachine` of the context object. */
  get contextBase(): { Execution: JsonObject; StateMachine: JsonObject } {
    return (this.identity ??= this.identify()).contextBase;
  }

  private identify(): NonNullable<ExecutionRun["identity"]> {
    const context: ExecutionContext = this.options.context ?? {};
    const smName = context.stateMachineName ?? (context.stateMachineArn ? context.stateMachineArn.split(":")[6] : "local");
    const name = context.name ?? (context.executionArn ? context.executionArn.split(":").pop()! : randomUUID());
    const prefix = `arn:${this.partition}:states:${this.region}:${this.account}`;
    const executionArn = context.executionArn ?? `${prefix}:${this.type === "EXPRESS" ? "express" : "execution"}:${smName}:${name}${this.type === "EXPRESS" ? `:${randomUUID()}` : ""}`;
    const contextBase = {
      Execution: {
        Id: executionArn,
        Input: this.input,
        Name: name,
        ...(context.roleArn ? { RoleArn: context.roleArn } : {}),
        StartTime: this.startDate.toISOString(),
        RedriveCount: context.redriveCount ?? 0,
      },
      StateMachine: { Id: context.stateMachineArn ?? `${prefix}:stateMachine:${smName}`, Name: smName },
    };
    return { executionArn, contextBase };
  }

  private async execute(input: Json): Promise<ExecutionResult> {
    const context = this.options.context ?? {};
    this.history.add(this.lane, (text) => ({
      type: "ExecutionStarted",
      executionStartedEventDetails: {
        input: text(input),
        inputDetails: { truncated: false },
        ...(context.roleArn ? { roleArn: context.roleArn } : {}),
        ...(context.stateMachineAliasArn ? { stateMachineAliasArn: context.stateMachineAliasArn } : {}),
        ...(context.stateMachineVersionArn ? { stateMachineVersionArn: context.stateMachineVersionArn } : {}),
      },
    }));
    const frame = newFrame(this, this.lane, new Variables(), this.definition.QueryLanguage ?? "JSONPath", this.stopped);
    const own = typeof this.definition.TimeoutSeconds === "number" && this.definition.TimeoutSeconds > 0 ? this.definition.TimeoutSeconds : undefined;
    // An Express execution lasts at most five minutes, whatever its TimeoutSeconds says.
    const timeout = this.type === "EXPRESS" ? Math.min(own ?? MAX_EXPRESS_SECONDS, MAX_EXPRESS_SECONDS) : own;
    let timer: Stop | undefined;
    if (timeout !== undefined) {
      timer = new Stop();
      sleepOn(this.clock, timeout * 1000, timer).then(
        () => this.stopped.abort(new Ended("TIMED_OUT", STATES_ERRORS.Timeout)),
        () => undefined,
      );
    }
    let result: ExecutionResult;
    try {
      const output = await this.untilStopped(this.runMachine(this.definition, input, frame));
      result = { status: "SUCCEEDED", output, stopDate: new Date(this.clock.now()) };
      this.history.add(this.lane, (text) => ({ type: "ExecutionSucceeded", executionSucceededEventDetails: { output: text(output), outputDetails: { truncated: false } } }), true);
    } catch (thrown) {
      const reason = this.stopped.aborted ? this.stopped.reason : thrown;
      if (reason instanceof Ended) {
        const details = { ...(reason.error ? { error: reason.error } : {}), ...(reason.cause ? { cause: reason.cause } : {}) };
        if (reason.status === "TIMED_OUT") this.history.add(this.lane, { type: "ExecutionTimedOut", executionTimedOutEventDetails: details }, true);
        else this.history.add(this.lane, { type: "ExecutionAborted", executionAbortedEventDetails: details }, true);
        result = { status: reason.status, ...details, stopDate: new Date(this.clock.now()) };
      } else {
        const failure = asStatesError(reason);
        const details = { ...(failure.error ? { error: failure.error } : {}), ...(failure.causeText !== undefined && failure.causeText !== "" ? { cause: failure.causeText } : {}) };
        this.history.add(this.lane, { type: "ExecutionFailed", executionFailedEventDetails: details }, true);
        result = { status: "FAILED", ...details, stopDate: new Date(this.clock.now()) };
      }
      // Whatever still runs (a branch's Task) stops.
      this.stopped.abort(() => new Ended("ABORTED"), true);
    } finally {
      timer?.abort(undefined);
    }
    for (const waiting of this.tokens.values()) waiting.reject(new StatesError("States.Aborted", "the execution ended"));
    this.tokens.clear();
    this.status = result.status;
    return result;
  }

  /** `running`, unless the execution is stopped or times out first: then rejects with the {@link Ended} reason. */
  private untilStopped<T>(running: Promise<T>): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      const unlisten = this.stopped.listen(() => reject(this.stopped.reason));
      running.then(
        (value) => {
          unlisten();
          resolve(value);
        },
        (error) => {
          unlisten();
          reject(error);
        },
      );
    });
  }

  transition(): void {
    this.transitions++;
    const max = this.options.maxTransitions ?? DEFAULT_MAX_TRANSITIONS;
    if (this.transitions > max) {
      throw new StatesError(STATES_ERRORS.Runtime, `The execution exceeded the local cap of ${max} State transitions (maxTransitions): a loop that never ends?`);
    }
  }

  async runMachine(machine: StateMachineDefinition, input: Json, frame: Frame): Promise<Json> {
    let next = machine.StartAt;
    let data = input;
    const history = this.history;
    const lane = frame.lane;
    for (let first = true; ; first = false) {
      if (frame.signal.aborted) throw frame.signal.reason;
      this.transition();
      // Each State's own constants: the history builds its events later, from these.
      const name = next;
      const state = machine.States?.[name];
      if (!state) throw new StatesError(STATES_ERRORS.Runtime, `The state '${name}' does not exist in the state machine.`);
      const types = EVENT_TYPES[state.Type] ?? { entered: `${state.Type}StateEntered`, exited: `${state.Type}StateExited`, aborted: `${state.Type}StateAborted` };
      const enteredTime = this.clock.now();
      const enteredEventId = history.entered(lane, types.entered, name, data);
      const stateData = new StateData(frame, name, state, data, enteredEventId, enteredTime);
      // Any later State's input is the output before it, checked as it was produced.
      if (first) checkSize(stateData, data, "input");
      let outcome: StateOutcome;
      try {
        const running = STATE_RUNNERS[state.Type](stateData);
        // Synchronous States run back to back; the first one yields once, so an execution never runs ahead of the
        // code that started it.
        outcome = isPromise(running) ? await running : first ? await running : running;
      } catch (thrown) {
        // Stopped because a sibling branch or iteration failed (not because the execution ended): `…StateAborted`.
        if (frame.signal.aborted && !this.stopped.aborted) {
          history.add(lane, { type: types.aborted });
          frame.unwound?.();
        }
        throw thrown;
      }
      const output = outcome.output;
      history.exited(lane, types.exited, name, output, stateData.assigned);
      // A catcher's Next is followed even from a State with `End: true`.
      if (outcome.next === undefined || (state.End === true && !outcome.caught)) return output;
      next = outcome.next;
      data = output;
    }
  }

  newTaskToken(): string {
    return this.options.newTaskToken?.() ?? randomBytes(96).toString("base64url");
  }

  waitForToken(token: string, heartbeatSeconds: number | undefined, signal: Stop): Promise<Json> {
    return new Promise<Json>((resolve, reject) => {
      let beat: Stop | undefined;
      const arm = () => {
        beat?.abort(undefined);
        if (heartbeatSeconds === undefined) return;
        beat = new Stop();
        sleepOn(this.clock, heartbeatSeconds * 1000, beat).then(
          () => {
            this.tokens.delete(token);
            this.timedOut.add(token);
            reject(new StatesError(STATES_ERRORS.HeartbeatTimeout, ""));
          },
          () => undefined,
        );
      };
      const settle = (fn: () => void) => {
        beat?.abort(undefined);
        this.tokens.delete(token);
        this.answered.add(token);
        fn();
      };
      this.tokens.set(token, {
        resolve: (output) => settle(() => resolve(output)),
        reject: (error) => settle(() => reject(error)),
        heartbeat: arm,
      });
      const onAbort = () => {
        beat?.abort(undefined);
        if (this.tokens.delete(token)) this.timedOut.add(token);
        reject(signal.reason);
      };
      if (signal.aborted) onAbort();
      else signal.listen(onAbort);
      arm();
    });
  }

  private waiting(token: string): Waiting {
    const waiting = this.tokens.get(token);
    if (waiting) return waiting;
    if (this.timedOut.has(token)) throw new TaskTokenError("TaskTimedOut", "Task Timed Out: 'Provided task does not exist anymore'");
    if (this.answered.has(token)) throw new TaskTokenError("TaskDoesNotExist", "Task does not exist anymore");
    throw new TaskTokenError("InvalidToken", "Invalid token");
  }

  sendTaskSuccess(token: string, output: Json): void {
    this.waiting(token).resolve(output);
  }

  sendTaskFailure(token: string, error?: string, cause?: string): void {
    this.waiting(token).reject(new StatesError(error ?? "", cause));
  }

  sendTaskHeartbeat(token: string): void {
    this.waiting(token).heartbeat?.();
  }

  pendingTaskTokens(): string[] {
    return [...this.tokens.keys()];
  }

  /** Whether this execution issued a token (answered or not). */
  issued(token: string): boolean {
    return this.tokens.has(token) || this.answered.has(token) || this.timedOut.has(token);
  }

  stop(error?: string, cause?: string): void {
    if (this.status !== "RUNNING" || this.stopped.aborted) return;
    this.stopped.abort(new Ended("ABORTED", error, cause));
  }

  startChildExecution(definition: StateMachineDefinition, input: Json, context: ExecutionContext): Execution {
    return startExecution(definition, input, { ...this.options, clock: this.clock, context, onEvent: undefined });
  }
}

/**
 * Starts an execution of a state machine on the engine.
 *
 * @param definition the ASL definition, parsed or as JSON text (already substituted: the engine never resolves
 *   `${…}` placeholders).
 * @param input the execution input. The engine keeps it (and every payload) as given, never copying or changing it,
 *   and builds the history's JSON text from it when the history is read: do not change it while the execution runs.
 * @param options the Task handler, item reader and result writer; the execution's identity; the clock
 *   (virtual by default); the history and transition caps.
 * @returns the running execution; `result` settles when it ends (FAILED, TIMED_OUT and ABORTED are results, not
 *   rejections).
 * @throws StatesError `States.Runtime` when `definition` is text that is not JSON, or has no `StartAt`/`States`.
 * @see https://docs.aws.amazon.com/step-functions/latest/apireference/API_StartExecution.html
 */
export function startExecution(definition: StateMachineDefinition | string, input: Json, options: ExecutionOptions = {}): Execution {
  let parsed: StateMachineDefinition;
  try {
    parsed = typeof definition === "string" ? (JSON.parse(definition) as StateMachineDefinition) : definition;
  } catch (error) {
    throw new StatesError(STATES_ERRORS.Runtime, `The definition is not JSON: ${(error as Error).message}`);
  }
  if (!parsed || typeof parsed.StartAt !== "string" || typeof parsed.States !== "object") {
    throw new StatesError(STATES_ERRORS.Runtime, "The definition needs StartAt and States.");
  }
  return new ExecutionHandle(new ExecutionRun(parsed, input, options));
}

/** The handle `startExecution` returns (methods on a class: nothing is made per execution but the handle). */
class ExecutionHandle implements Execution {
  readonly startDate: Date;
  readonly result: Promise<ExecutionResult>;

  constructor(private readonly run: ExecutionRun) {
    this.startDate = run.startDate;
    this.result = run.result;
  }

  get executionArn(): string {
    return this.run.executionArn;
  }

  get status(): ExecutionStatus {
    return this.run.status;
  }

  history(): HistoryEvent[] {
    return this.run.history.events;
  }

  stop(error?: string, cause?: string): void {
    this.run.stop(error, cause);
  }

  sendTaskSuccess(token: string, output: Json): void {
    this.run.sendTaskSuccess(token, output);
  }

  sendTaskFailure(token: string, error?: string, cause?: string): void {
    this.run.sendTaskFailure(token, error, cause);
  }

  sendTaskHeartbeat(token: string): void {
    this.run.sendTaskHeartbeat(token);
  }

  pendingTaskTokens(): string[] {
    return this.run.pendingTaskTokens();
  }
}
