import { STATES_ERRORS, StatesError } from "../errors";
import type { Json, JsonObject } from "../types";

/**
 * Matching an error against `Retry` and `Catch`, and the retry interval.
 * @see https://docs.aws.amazon.com/step-functions/latest/dg/concepts-error-handling.html
 */

/** A Retrier, as ASL writes it. */
export interface Retrier {
  ErrorEquals: string[];
  IntervalSeconds?: number;
  MaxAttempts?: number;
  BackoffRate?: number;
  MaxDelaySeconds?: number;
  JitterStrategy?: "FULL" | "NONE";
}

/** A Catcher, as ASL writes it. */
export interface Catcher {
  ErrorEquals: string[];
  Next: string;
  ResultPath?: string | null;
  Assign?: Json;
  Output?: Json;
}

/**
 * Errors no `States.ALL` catches or retries: the execution fails. (`States.DataLimitExceeded` from a Task's result
 * is caught by `States.ALL`, as Step Functions' recorded histories show.)
 */
const TERMINAL = new Set<string>([STATES_ERRORS.Runtime]);

/**
 * Whether an ErrorEquals list matches an error: by name; `States.ALL` matches any error but `States.Runtime`;
 * `States.TaskFailed` matches any error but `States.Timeout` and `States.Runtime`.
 */
export function errorMatches(errorEquals: string[], error: string): boolean {
  return errorEquals.some((name) => {
    if (name === error) return true;
    if (TERMINAL.has(error)) return false;
    if (name === STATES_ERRORS.ALL) return true;
    return name === STATES_ERRORS.TaskFailed && error !== STATES_ERRORS.Timeout;
  });
}

/**
 * The wait before retry number `attempt` (1-based) of a Retrier: `IntervalSeconds × BackoffRate^(attempt−1)`,
 * capped by `MaxDelaySeconds`, and under `JitterStrategy: FULL` a random share of it.
 * @returns milliseconds.
 */
export function retryDelayMs(retrier: Retrier, attempt: number, random: () => number = Math.random): number {
  const interval = retrier.IntervalSeconds ?? 1;
  const rate = retrier.BackoffRate ?? 2;
  let seconds = interval * rate ** (attempt - 1);
  if (retrier.MaxDelaySeconds !== undefined) seconds = Math.min(seconds, retrier.MaxDelaySeconds);
  if (retrier.JitterStrategy === "FULL") seconds = random() * seconds;
  return Math.round(seconds * 1000);
}

/** The error output a Catch passes on: `{ Error, Cause }`. */
export function errorOutput(error: StatesError): JsonObject {
  return { Error: error.error, Cause: error.causeText ?? "" };
}

/** Any thrown value as a StatesError: a handler's error keeps its `name` (the Error) and `message` (the Cause). */
export function asStatesError(thrown: unknown): StatesError {
  if (thrown instanceof StatesError) return thrown;
  if (thrown instanceof Error) return withoutStack(thrown.name || "Error", thrown.message);
  return withoutStack(STATES_ERRORS.TaskFailed, String(thrown));
}

/**
 * A StatesError standing for another failure (a handler's error, which has its own stack): made without capturing
 * a stack of its own, which costs microseconds under deep async chains (a retried Task pays it on every failure).
 */
function withoutStack(error: string, cause: string): StatesError {
  const limit = Error.stackTraceLimit;
  Error.stackTraceLimit = 0;
  try {
    return new StatesError(error, cause);
  } finally {
    Error.stackTraceLimit = limit;
  }
}
