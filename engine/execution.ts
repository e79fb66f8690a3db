import { randomBytes, randomUUID } from "node:crypto";
import { RealClock, VirtualClock } from "./clock";
import { checkSize, contextObject, type StateData } from "./dataflow";
import { STATES_ERRORS, StatesError, TaskTokenError } from "./errors";
import { History, payload } from "./history";
import { Variables } from "./query/variables";
import { runChoice } from "./states/choice";
import { asStatesError } from "./states/errors";
import { runFail } from "./states/fail";
import type { Frame, Run, StateOutcome } from "./states/frame";
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

const STATE_RUNNERS: Record<State["Type"], (data: StateData, enteredTime: number) => Promise<StateOutcome>> = {
  Pass: (data) => runPass(data),
  Succeed: (data) => runSucceed(data),
  Fail: (data) => runFail(data),
  Wait: (data) => runWait(data),
  Choice: (data) => runChoice(data),
  Task: runTask,
  Parallel: runParallel,
  Map: runMap,
};

class ExecutionRun implements Run {
  readonly executionArn: string;
  readonly startDate: Date;
  readonly history: History;
  readonly clock: Clock;
  readonly contextBase: { Execution: JsonObject; StateMachine: JsonObject };
  readonly region: string;
  readonly partition: string;
  readonly account: string;
  readonly type: "STANDARD" | "EXPRESS";
  readonly result: Promise<ExecutionResult>;
  status: ExecutionStatus = "RUNNING";
  private transitions = 0;
  private readonly controller = new AbortController();
  private readonly tokens = new Map<string, Waiting>();
  private readonly answered = new Set<string>();
  private readonly timedOut = new Set<string>();
  private readonly lane = { last: 0 };

  constructor(
    private readonly definition: StateMachineDefinition,
    input: Json,
    readonly options: ExecutionOptions,
  ) {
    const context: ExecutionContext = options.context ?? {};
    this.clock = options.clock === "real" ? new RealClock() : options.clock === undefined || options.clock === "virtual" ? new VirtualClock() : options.clock;
    this.type = context.type ?? "STANDARD";
    const smName = context.stateMachineName ?? (context.stateMachineArn ? context.stateMachineArn.split(":")[6] : "local");
    const arnParts = (context.stateMachineArn ?? context.executionArn ?? "").split(":");
    this.partition = context.partition ?? (arnParts[1] || "aws");
    this.region = context.region ?? (arnParts[3] || "us-east-1");
    this.account = context.account ?? (arnParts[4] || "123456789012");
    const name = context.name ?? (context.executionArn ? context.executionArn.split(":").pop()! : randomUUID());
    const prefix = `arn:${this.partition}:states:${this.region}:${this.account}`;
    this.executionArn = context.executionArn ?? `${prefix}:${this.type === "EXPRESS" ? "express" : "execution"}:${smName}:${name}${this.type === "EXPRESS" ? `:${randomUUID()}` : ""}`;
    this.startDate = new Date(this.clock.now());
    this.contextBase = {
      Execution: {
        Id: this.executionArn,
        Input: input,
        Name: name,
        ...(context.roleArn ? { RoleArn: context.roleArn } : {}),
        StartTime: this.startDate.toISOString(),
        RedriveCount: context.redriveCount ?? 0,
      },
      StateMachine: { Id: context.stateMachineArn ?? `${prefix}:stateMachine:${smName}`, Name: smName },
    };
    this.history = new History(this.clock, this.type === "EXPRESS" ? Infinity : (options.maxEvents ?? MAX_HISTORY_EVENTS), options.onEvent);
    this.result = this.execute(input);
  }


  private async execute(input: Json): Promise<ExecutionResult> {
    const context = this.options.context ?? {};
    const started = payload(input);
    this.history.add(this.lane, {
      type: "ExecutionStarted",
      executionStartedEventDetails: {
        input: started.text,
        inputDetails: started.details,
        ...(context.roleArn ? { roleArn: context.roleArn } : {}),
        ...(context.stateMachineAliasArn ? { stateMachineAliasArn: context.stateMachineAliasArn } : {}),
        ...(context.stateMachineVersionArn ? { stateMachineVersionArn: context.stateMachineVersionArn } : {}),
      },
    });
    const frame: Frame = {
      run: this,
      lane: this.lane,
      variables: new Variables(),
      queryLanguage: this.definition.QueryLanguage ?? "JSONPath",
      signal: this.controller.signal,
    };
    const timeout = this.definition.TimeoutSeconds;
    let timer: Promise<void> | undefined;
    const timerController = new AbortController();
    if (typeof timeout === "number" && timeout > 0) {
      timer = this.clock.sleep(timeout * 1000, timerController.signal).then(() => {
        this.controller.abort(new Ended("TIMED_OUT", STATES_ERRORS.Timeout));
      });
      timer.catch(() => undefined);
    }
    const ended = new Promise<never>((_, reject) => this.controller.signal.addEventListener("abort", () => reject(this.controller.signal.reason), { once: true }));
    ended.catch(() => undefined);
    let result: ExecutionResult;
    try {
      const output = await Promise.race([this.runMachine(this.definition, input, frame), ended]);
      result = { status: "SUCCEEDED", output, stopDate: new Date(this.clock.now()) };
      const text = payload(output);
      this.history.add(this.lane, { type: "ExecutionSucceeded", executionSucceededEventDetails: { output: text.text, outputDetails: text.details } }, true);
    } catch (thrown) {
      const reason = this.controller.signal.aborted ? this.controller.signal.reason : thrown;
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
      if (!this.controller.signal.aborted) this.controller.abort(new Ended("ABORTED"));
    } finally {
      timerController.abort();
    }
    for (const waiting of this.tokens.values()) waiting.reject(new StatesError("States.Aborted", "the execution ended"));
    this.tokens.clear();
    this.status = result.status;
    return result;
  }

  transition(): void {
    this.transitions++;
    const max = this.options.maxTransitions ?? DEFAULT_MAX_TRANSITIONS;
    if (this.transitions > max) {
      throw new StatesError(STATES_ERRORS.Runtime, `The execution exceeded the local cap of ${max} State transitions (maxTransitions): a loop that never ends?`);
    }
  }

  async runMachine(machine: StateMachineDefinition, input: Json, frame: Frame): Promise<Json> {
    let name = machine.StartAt;
    let data = input;
    for (;;) {
      if (frame.signal.aborted) throw frame.signal.reason;
      this.transition();
      const state = machine.States?.[name];
      if (!state) throw new StatesError(STATES_ERRORS.Runtime, `The state '${name}' does not exist in the state machine.`);
      const enteredTime = this.clock.now();
      const entered = payload(data);
      const enteredEventId = this.history.add(frame.lane, { type: `${state.Type}StateEntered`, stateEnteredEventDetails: { name, input: entered.text, inputDetails: entered.details } });
      const exit: NonNullable<StateData["exit"]> = {};
      const stateData: StateData = { frame, name, state, input: data, enteredEventId, context: contextObject(frame, name, enteredTime, 0), exit };
      checkSize(stateData, data, "input");
      let outcome: StateOutcome;
      try {
        outcome = await STATE_RUNNERS[state.Type](stateData, enteredTime);
      } catch (thrown) {
        // Stopped because a sibling branch or iteration failed (not because the execution ended): `…StateAborted`.
        if (frame.signal.aborted && !this.controller.signal.aborted) {
          this.history.add(frame.lane, { type: `${state.Type}StateAborted` });
          frame.unwound?.();
        }
        throw thrown;
      }
      const exited = payload(outcome.output);
      const assigned = exit.assigned
        ? { assignedVariables: Object.fromEntries(Object.entries(exit.assigned).map(([key, value]) => [key, JSON.stringify(value)])), assignedVariablesDetails: { truncated: false } }
        : {};
      this.history.add(frame.lane, { type: `${state.Type}StateExited`, stateExitedEventDetails: { name, output: exited.text, outputDetails: exited.details, ...assigned } });
      // A catcher's Next is followed even from a State with `End: true`.
      if (outcome.next === undefined || (state.End === true && !outcome.caught)) return outcome.output;
      name = outcome.next;
      data = outcome.output;
    }
  }

  newTaskToken(): string {
    return this.options.newTaskToken?.() ?? randomBytes(96).toString("base64url");
  }

  waitForToken(token: string, heartbeatSeconds: number | undefined, signal: AbortSignal): Promise<Json> {
    return new Promise<Json>((resolve, reject) => {
      let beat: AbortController | undefined;
      const arm = () => {
        beat?.abort();
        if (heartbeatSeconds === undefined) return;
        beat = new AbortController();
        this.clock.sleep(heartbeatSeconds * 1000, beat.signal).then(
          () => {
            this.tokens.delete(token);
            this.timedOut.add(token);
            reject(new StatesError(STATES_ERRORS.HeartbeatTimeout, ""));
          },
          () => undefined,
        );
      };
      const settle = (fn: () => void) => {
        beat?.abort();
        this.tokens.delete(token);
        this.answered.add(token);
        fn();
      };
      this.tokens.set(token, {
        resolve: (output) => settle(() => resolve(output)),
        reject: (error) => settle(() => reject(error)),
        heartbeat: arm,
      });
      signal.addEventListener(
        "abort",
        () => {
          beat?.abort();
          if (this.tokens.delete(token)) this.timedOut.add(token);
          reject(signal.reason);
        },
        { once: true },
      );
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
    if (this.status !== "RUNNING" || this.controller.signal.aborted) return;
    this.controller.abort(new Ended("ABORTED", error, cause));
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
 * @param input the execution input.
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
  const run = new ExecutionRun(parsed, input, options);
  return {
    executionArn: run.executionArn,
    startDate: run.startDate,
    get status() {
      return run.status;
    },
    result: run.result,
    history: () => run.history.events,
    stop: (error, cause) => run.stop(error, cause),
    sendTaskSuccess: (token, output) => run.sendTaskSuccess(token, output),
    sendTaskFailure: (token, error, cause) => run.sendTaskFailure(token, error, cause),
    sendTaskHeartbeat: (token) => run.sendTaskHeartbeat(token),
    pendingTaskTokens: () => run.pendingTaskTokens(),
  };
}
