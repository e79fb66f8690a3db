import type { AslState, AslStateMachine } from "../infra/definition/asl";
import { walkStates } from "../infra/definition/asl";

/**
 * What happened in an execution, read from aws-local-stepfunctions' event log: the States entered (with the
 * Parallel branch or Map iteration each ran in), retries with the interval the definition asks for, caught errors
 * and Wait states.
 */

/** One State entered. */
export interface PathStep {
  state: string;
  type: AslState["Type"];
  /** The innermost Parallel branch or Map iteration the State ran in (0-based), absent at the top level. */
  within?: { state: string; kind: "branch" | "iteration"; index: number };
}

/** One retry. */
export interface RetryRecord {
  state: string;
  /** 1 for the first retry. */
  attempt: number;
  /** The retrier's MaxAttempts. */
  maxAttempts: number;
  /** The error that was retried. */
  error: string;
  /** The retrier's ErrorEquals. */
  errorEquals: string[];
  /** The interval the definition asks for before this retry, in ms (the upper bound under FULL jitter). */
  definedIntervalMs: number;
  /** The interval actually waited locally, in ms. */
  localIntervalMs: number;
}

/** One error caught by a Catch. */
export interface CatchRecord {
  state: string;
  error: string;
  errorEquals: string[];
  next: string;
}

/** One Wait state. */
export interface WaitRecord {
  state: string;
  /** What the definition asks for, e.g. `Seconds: 5`. */
  defined: string;
  /** The time actually waited locally, in ms. */
  localMs: number;
}

/** The event fields the trace reads (a structural subset of aws-local-stepfunctions' `EventLog`). */
export interface TraceEvent {
  type: string;
  state?: { name: string; type: string };
  index?: number;
  Error?: string;
  retry?: { retrier: { ErrorEquals: string[]; IntervalSeconds?: number; MaxAttempts?: number; BackoffRate?: number; MaxDelaySeconds?: number; JitterStrategy?: string }; attempt: number };
  catch?: { catcher: { ErrorEquals: string[]; Next: string } };
}

/** Defaults of a retrier's fields, in the States Language. */
const RETRY_DEFAULTS = { IntervalSeconds: 1, MaxAttempts: 3, BackoffRate: 2 };

/** Collects an execution's events into a path, retries, catches and waits. */
export class ExecutionTrace {
  readonly path: PathStep[] = [];
  readonly retries: RetryRecord[] = [];
  readonly caught: CatchRecord[] = [];
  readonly waits: WaitRecord[] = [];
  private readonly states = new Map<string, AslState>();
  /** State name → its innermost enclosing Parallel branch or Map (the iteration index comes with each event). */
  private readonly enclosing = new Map<string, { state: string; kind: "branch" | "iteration"; index: number }>();
  private readonly lastError = new Map<string, string>();

  /**
   * @param definition the definition being run, to place each State in its branch and read Wait and Retry fields.
   * @param local the local overrides: `waitMs` per Wait state and `retryMs` per retryable state.
   */
  constructor(
    definition: AslStateMachine,
    private readonly local: { waitMs: Record<string, number>; retryMs: Record<string, number> },
  ) {
    // walkStates visits outer States before inner ones, so the innermost enclosing branch or Map wins.
    for (const { name, state } of walkStates(definition)) {
      this.states.set(name, state);
      (state.Branches ?? []).forEach((branch, index) => {
        for (const inner of walkStates(branch)) this.enclosing.set(inner.name, { state: name, kind: "branch", index });
      });
      const processor = state.ItemProcessor ?? state.Iterator;
      if (processor) {
        for (const inner of walkStates(processor)) this.enclosing.set(inner.name, { state: name, kind: "iteration", index: 0 });
      }
    }
  }

  /** Records one event from the interpreter's event log. */
  record(event: TraceEvent): void {
    const name = event.state?.name;
    if (name === undefined) return;
    switch (event.type) {
      case "StateEntered":
        this.entered(name, event);
        break;
      case "StateFailed":
        this.lastError.set(name, event.Error ?? "");
        break;
      case "StateRetried":
        if (event.retry) this.retried(name, event.retry);
        break;
      case "StateCaught":
        if (event.catch) this.caught.push({ state: name, error: this.lastError.get(name) ?? "", errorEquals: event.catch.catcher.ErrorEquals, next: event.catch.catcher.Next });
        break;
    }
  }

  /** The names of the States entered, in order (branches and iterations interleaved as they ran). */
  stateNames(): string[] {
    return this.path.map((step) => step.state);
  }

  private entered(name: string, event: TraceEvent): void {
    const state = this.states.get(name);
    const step: PathStep = { state: name, type: (state?.Type ?? event.state?.type) as AslState["Type"] };
    const within = this.enclosing.get(name);
    if (within) step.within = within.kind === "iteration" ? { ...within, index: event.index ?? 0 } : within;
    this.path.push(step);
    if (state?.Type === "Wait") {
      const field = (["Seconds", "Timestamp", "SecondsPath", "TimestampPath"] as const).find((f) => state[f] !== undefined);
      this.waits.push({ state: name, defined: field ? `${field}: ${String(state[field])}` : "no duration", localMs: this.local.waitMs[name] ?? 0 });
    }
  }

  private retried(name: string, { retrier, attempt }: NonNullable<TraceEvent["retry"]>): void {
    const interval = (retrier.IntervalSeconds ?? RETRY_DEFAULTS.IntervalSeconds) * Math.pow(retrier.BackoffRate ?? RETRY_DEFAULTS.BackoffRate, attempt - 1);
    const capped = retrier.MaxDelaySeconds === undefined ? interval : Math.min(interval, retrier.MaxDelaySeconds);
    this.retries.push({
      state: name,
      attempt,
      maxAttempts: retrier.MaxAttempts ?? RETRY_DEFAULTS.MaxAttempts,
      error: this.lastError.get(name) ?? "",
      errorEquals: retrier.ErrorEquals,
      definedIntervalMs: Math.round(capped * 1000),
      localIntervalMs: this.local.retryMs[name] ?? 0,
    });
  }
}
