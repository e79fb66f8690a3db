/**
 * An execution's path, read from its GetExecutionHistory events, per State: succeeded, failed, caught or aborted,
 * how often it ran, its retries, its duration and, for a Map, its iterations. The diagram writers color and label
 * the States with it, as the console's graph inspector does.
 * @see https://docs.aws.amazon.com/step-functions/latest/apireference/API_GetExecutionHistory.html
 */
import type { HistoryEvent } from "../../engine/types";

/** What became of a State, over all its entries: the worst outcome wins (failed, caught, aborted, running, succeeded). */
export type StateStatus = "succeeded" | "failed" | "caught" | "aborted" | "running";

/** A Map State's iterations. */
export interface MapIterations {
  /** How many items the Map had (`MapStateStarted`'s length, summed over its entries). */
  items: number;
  started: number;
  succeeded: number;
  failed: number;
  aborted: number;
}

/** One State's part of the execution. */
export interface StateOverlay {
  status: StateStatus;
  /** How many times it was entered (a Map's processor States once per iteration). */
  entries: number;
  /** Its Task (or Parallel/Map) attempts after the first, over all its entries. */
  retries: number;
  /** Entered to exited (or to the end of the history), summed over its entries, in ms. */
  durationMs: number;
  /** The errors it met, caught, retried or not, in order. */
  errors: string[];
  iterations?: MapIterations;
}

/** A caught error: the State that caught it and the catcher's Next it went to. */
export interface CaughtError {
  from: string;
  to: string;
  error: string;
}

/** An execution as the diagram overlays it: {@link readOverlay} makes it. */
export interface ExecutionOverlay {
  /** The execution's final status, or RUNNING when the history has not ended. */
  status: "RUNNING" | "SUCCEEDED" | "FAILED" | "TIMED_OUT" | "ABORTED";
  /** By State name. */
  states: Record<string, StateOverlay>;
  caught: CaughtError[];
  /** First event to last, in ms. */
  durationMs: number;
}

/** A history event as read from a file: the engine's, or the SDK's JSON (timestamps as text or epoch seconds). */
export type HistoryEventLike = Omit<HistoryEvent, "timestamp"> & { timestamp: Date | string | number };

/** Event types by what they mean for the State they happen in. */
const ATTEMPTS = new Set(["TaskScheduled", "LambdaFunctionScheduled", "ActivityScheduled", "ParallelStateStarted", "MapStateStarted"]);
const FAILURE_DETAILS = [
  "taskFailedEventDetails",
  "taskTimedOutEventDetails",
  "lambdaFunctionFailedEventDetails",
  "lambdaFunctionTimedOutEventDetails",
  "lambdaFunctionStartFailedEventDetails",
  "lambdaFunctionScheduleFailedEventDetails",
  "activityFailedEventDetails",
  "activityTimedOutEventDetails",
  "activityScheduleFailedEventDetails",
  "taskStartFailedEventDetails",
  "taskSubmitFailedEventDetails",
  "evaluationFailedEventDetails",
  "mapRunFailedEventDetails",
] as const;
const FAILED_TYPES = new Set(["ParallelStateFailed", "MapStateFailed"]);
const SUCCEEDED_TYPES = new Set(["TaskSucceeded", "LambdaFunctionSucceeded", "ActivitySucceeded", "ParallelStateSucceeded", "MapStateSucceeded"]);
const STATUS_RANK: StateStatus[] = ["succeeded", "running", "aborted", "caught", "failed"];

/** One entry of a State, while the history is read. */
interface Entry {
  name: string;
  enteredId: number;
  enteredAt: number;
  exitedId?: number;
  exitedAt?: number;
  attempts: number;
  /** The last attempt's outcome: undefined while it runs. */
  lastFailed?: boolean;
  errors: string[];
  aborted: boolean;
}

/**
 * Reads an execution's history into a per-State {@link ExecutionOverlay}. Each event belongs to the State entry of
 * its lane (the execution, a Parallel branch or a Map iteration: `previousEventId` links a lane's events), so
 * concurrent branches and iterations are told apart.
 * @param events the GetExecutionHistory events, oldest first (the engine's `execution.history()`, or the SDK's
 *   `events`, timestamps as Date, ISO text or epoch seconds).
 * @returns the overlay. A State that was exited after its last attempt failed was caught; a State entered and never
 *   exited in an execution that failed is failed, as is a Fail State entered.
 * @throws Error for events that are not a history (no `id`/`type`/`timestamp`), naming the event's index.
 */
export function readOverlay(events: readonly HistoryEventLike[]): ExecutionOverlay {
  const byId = new Map<number, HistoryEventLike>();
  const owner = new Map<number, Entry | undefined>();
  const entries: Entry[] = [];
  const entryById = new Map<number, Entry>();
  /** The State entered after each exit in its lane: the exit's id → the next entry. */
  const nextEntered = new Map<number, Entry>();
  const iterations = new Map<string, MapIterations>();
  let status = "RUNNING" as ExecutionOverlay["status"];
  let first = Number.NaN;
  let last = Number.NaN;
  /** The error of the latest failure event that named one. */
  let lastError: string | undefined;
  /** The nearest entry up the event's lane chain that is still open and that `wanted` accepts. */
  const openOnChain = (event: HistoryEventLike, wanted: (entry: Entry) => boolean): Entry | undefined => {
    for (let at = byId.get(event.previousEventId); at !== undefined; at = byId.get(at.previousEventId)) {
      const entry = entryById.get(at.id);
      if (entry && entry.exitedId === undefined && wanted(entry)) return entry;
    }
    return undefined;
  };
  events.forEach((event, index) => {
    if (typeof event?.id !== "number" || typeof event.type !== "string" || event.timestamp === undefined) {
      throw new Error(`history event ${index} is not a GetExecutionHistory event (it needs id, type and timestamp): ${JSON.stringify(event)?.slice(0, 200)}`);
    }
    const time = timeOf(event.timestamp);
    if (Number.isNaN(first)) first = time;
    last = time;
    byId.set(event.id, event);
    const previous = byId.get(event.previousEventId);
    const inherited = previous === undefined ? undefined : previous.stateExitedEventDetails ? undefined : entryById.get(previous.id) ?? owner.get(previous.id);
    if (event.stateEnteredEventDetails) {
      const entry: Entry = { name: event.stateEnteredEventDetails.name, enteredId: event.id, enteredAt: time, attempts: 0, errors: [], aborted: false };
      entries.push(entry);
      entryById.set(event.id, entry);
      if (previous?.stateExitedEventDetails) nextEntered.set(previous.id, entry);
      return;
    }
    if (event.stateExitedEventDetails) {
      // A Parallel's or Map's exit follows its last branch's or iteration's event: find its entry up the chain.
      const entry = inherited?.name === event.stateExitedEventDetails.name && inherited.exitedId === undefined ? inherited : openOnChain(event, (open) => open.name === event.stateExitedEventDetails!.name);
      owner.set(event.id, entry);
      if (entry) {
        entry.exitedId = event.id;
        entry.exitedAt = time;
      }
      return;
    }
    // So do a Parallel's or Map's own events after its branches or iterations.
    const joined = /^(Parallel|Map)State(Succeeded|Failed|Aborted)$/.exec(event.type);
    const own = joined ? openOnChain(event, (open) => byId.get(open.enteredId)?.type === `${joined[1]}StateEntered`) ?? inherited : inherited;
    owner.set(event.id, own);
    if (event.type === "ExecutionSucceeded") status = "SUCCEEDED";
    else if (event.type === "ExecutionFailed") status = "FAILED";
    else if (event.type === "ExecutionTimedOut") status = "TIMED_OUT";
    else if (event.type === "ExecutionAborted") status = "ABORTED";
    const iteration =
      event.mapIterationStartedEventDetails ?? event.mapIterationSucceededEventDetails ?? event.mapIterationFailedEventDetails ?? event.mapIterationAbortedEventDetails;
    if (iteration) {
      const counts = iterations.get(iteration.name) ?? { items: 0, started: 0, succeeded: 0, failed: 0, aborted: 0 };
      iterations.set(iteration.name, counts);
      const field = ({ MapIterationStarted: "started", MapIterationSucceeded: "succeeded", MapIterationFailed: "failed", MapIterationAborted: "aborted" } as const)[event.type as "MapIterationStarted"];
      if (field) counts[field] += 1;
    }
    if (!own) return;
    if (event.mapStateStartedEventDetails) {
      const counts = iterations.get(own.name) ?? { items: 0, started: 0, succeeded: 0, failed: 0, aborted: 0 };
      counts.items += event.mapStateStartedEventDetails.length;
      iterations.set(own.name, counts);
    }
    if (ATTEMPTS.has(event.type)) {
      own.attempts += 1;
      own.lastFailed = undefined;
    }
    if (SUCCEEDED_TYPES.has(event.type)) own.lastFailed = false;
    if (event.type.endsWith("StateAborted")) own.aborted = true;
    const details = FAILURE_DETAILS.map((field) => (event as Record<string, unknown>)[field] as { error?: string } | undefined).find((found) => found !== undefined);
    if (details || FAILED_TYPES.has(event.type)) {
      own.lastFailed = true;
      // A Parallel's or Map's failure event carries no error: it is the one a branch or iteration failed with last.
      const container = event.type === "ParallelStateFailed" || event.type === "MapStateFailed";
      own.errors.push(details?.error ?? (container && lastError !== undefined ? lastError : event.type));
      if (details?.error) lastError = details.error;
    }
  });

  const states: Record<string, StateOverlay> = {};
  const caught: CaughtError[] = [];
  for (const entry of entries) {
    const state = (states[entry.name] ??= { status: "succeeded", entries: 0, retries: 0, durationMs: 0, errors: [] });
    const isFail = byId.get(entry.enteredId)?.type === "FailStateEntered";
    let outcome: StateStatus;
    if (entry.exitedAt !== undefined) {
      outcome = entry.lastFailed ? "caught" : "succeeded";
      const next = entry.exitedId === undefined ? undefined : nextEntered.get(entry.exitedId);
      if (entry.lastFailed && next) caught.push({ from: entry.name, to: next.name, error: entry.errors[entry.errors.length - 1] });
    } else if (entry.aborted) outcome = "aborted";
    else if (isFail || (status !== "RUNNING" && status !== "SUCCEEDED")) outcome = status === "ABORTED" && !isFail ? "aborted" : "failed";
    else outcome = "running";
    state.entries += 1;
    state.retries += Math.max(0, entry.attempts - 1);
    state.durationMs += (entry.exitedAt ?? last) - entry.enteredAt;
    state.errors.push(...entry.errors);
    if (STATUS_RANK.indexOf(outcome) > STATUS_RANK.indexOf(state.status)) state.status = outcome;
  }
  for (const [name, counts] of iterations) if (states[name]) states[name].iterations = counts;
  return { status, states, caught, durationMs: Number.isNaN(first) ? 0 : last - first };
}

/** An event's timestamp in ms: a Date, ISO text, or epoch seconds (as the AWS CLI prints them) or ms. */
function timeOf(timestamp: Date | string | number): number {
  if (timestamp instanceof Date) return timestamp.getTime();
  if (typeof timestamp === "number") return timestamp < 1e11 ? timestamp * 1000 : timestamp;
  return new Date(timestamp).getTime();
}

/**
 * A State's overlay as label lines: `✓ 1.25 s` (or `✗`, `caught`, `aborted`, `running`), `×2 entries`,
 * `2 retries`, `3/3 iterations`, `errors: CreditRejected`.
 * @param overlay the State's part of the execution.
 * @returns the lines, for the node's label.
 */
export function overlayLines(overlay: StateOverlay): string[] {
  const mark = { succeeded: "✓", failed: "✗ failed", caught: "⚠ caught", aborted: "aborted", running: "running" }[overlay.status];
  const lines = [`${mark} ${seconds(overlay.durationMs)}`];
  if (overlay.entries > 1) lines.push(`×${overlay.entries} entries`);
  if (overlay.retries > 0) lines.push(`${overlay.retries} ${overlay.retries === 1 ? "retry" : "retries"}`);
  if (overlay.iterations) {
    const { items, succeeded, failed, aborted, started } = overlay.iterations;
    const others = [failed > 0 ? `${failed} failed` : "", aborted > 0 ? `${aborted} aborted` : ""].filter(Boolean);
    lines.push(`${succeeded}/${Math.max(items, started)} iterations${others.length > 0 ? ` (${others.join(", ")})` : ""}`);
  }
  if (overlay.errors.length > 0) lines.push(`errors: ${[...new Set(overlay.errors)].join(", ")}`);
  return lines;
}

/** Milliseconds as seconds, e.g. `1.25 s`, `0 s`. */
export function seconds(ms: number): string {
  return `${Number((ms / 1000).toFixed(3))} s`;
}
