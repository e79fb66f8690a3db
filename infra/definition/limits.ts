import { type AslStateMachine, walkStates } from "./asl";

/**
 * The numeric limits Step Functions enforces on a definition that asl-validator's schemas leave open (they set
 * minimums only), as plain data and one check. Each is checked only where the field is a number: a JSONata
 * `{% %}` string or a `…Path` is resolved at run time.
 * @see https://docs.aws.amazon.com/step-functions/latest/dg/amazon-states-language-wait-state.html
 * @see https://docs.aws.amazon.com/step-functions/latest/dg/state-task.html
 * @see https://docs.aws.amazon.com/step-functions/latest/dg/concepts-error-handling.html
 * @see https://docs.aws.amazon.com/step-functions/latest/dg/state-map-distributed.html
 * @see https://docs.aws.amazon.com/step-functions/latest/dg/service-quotas.html
 */

/** The limits, in their units. */
export const ASL_LIMITS = {
  /** Wait `Seconds`, a Task's `TimeoutSeconds` and `HeartbeatSeconds`, a Retrier's `IntervalSeconds` and `MaxAttempts`. */
  maxSeconds: 99_999_999,
  /** A Retrier's `MaxDelaySeconds`, in seconds (less than 31,622,401). */
  maxRetryDelaySeconds: 31_622_400,
  /** A Distributed Map's `MaxConcurrency`: child executions at once. */
  maxDistributedConcurrency: 10_000,
  /** A definition's size, in bytes of its JSON text as sent to CreateStateMachine. */
  maxDefinitionBytes: 1_048_576,
} as const;

/** A value outside its limit: where, and the message. */
export interface LimitProblem {
  state?: string;
  field: string;
  message: string;
  received: unknown;
}

/**
 * Every numeric field of a definition outside the range Step Functions accepts: Wait `Seconds` (an integer from 0),
 * a Task's `TimeoutSeconds` and `HeartbeatSeconds` (integers from 1, the heartbeat below the timeout), the state
 * machine's `TimeoutSeconds`, each Retrier's `IntervalSeconds` (from 1), `MaxAttempts` (from 0), `BackoffRate`
 * (at least 1.0) and `MaxDelaySeconds` (1 to 31,622,400), and a Map's `MaxConcurrency` (an integer from 0; at most
 * 10,000 for a Distributed Map) and `ToleratedFailurePercentage` (0 to 100).
 * @param definition a definition that passed the schema.
 * @returns one problem per value, in document order; empty when all are within their limits.
 */
export function limitProblems(definition: AslStateMachine): LimitProblem[] {
  const problems: LimitProblem[] = [];
  const integer = (state: string | undefined, field: string, value: unknown, min: number, max: number) => {
    if (typeof value !== "number") return;
    if (!Number.isInteger(value) || value < min || value > max) {
      problems.push({ state, field, received: value, message: `must be an integer from ${min} to ${max.toLocaleString("en-US")}` });
    }
  };
  integer(undefined, "TimeoutSeconds", definition.TimeoutSeconds, 1, ASL_LIMITS.maxSeconds);
  for (const { name, state } of walkStates(definition)) {
    if (state.Type === "Wait") integer(name, "Seconds", state.Seconds, 0, ASL_LIMITS.maxSeconds);
    if (state.Type === "Task") {
      integer(name, "TimeoutSeconds", state.TimeoutSeconds, 1, ASL_LIMITS.maxSeconds);
      integer(name, "HeartbeatSeconds", state.HeartbeatSeconds, 1, ASL_LIMITS.maxSeconds);
      if (typeof state.HeartbeatSeconds === "number" && typeof state.TimeoutSeconds === "number" && state.HeartbeatSeconds >= state.TimeoutSeconds) {
        problems.push({ state: name, field: "HeartbeatSeconds", received: state.HeartbeatSeconds, message: `must be less than TimeoutSeconds (${state.TimeoutSeconds})` });
      }
    }
    if (state.Type === "Map") {
      const distributed = state.ItemProcessor?.ProcessorConfig?.Mode === "DISTRIBUTED";
      integer(name, "MaxConcurrency", state.MaxConcurrency, 0, distributed ? ASL_LIMITS.maxDistributedConcurrency : Number.MAX_SAFE_INTEGER);
      const percentage = state.ToleratedFailurePercentage;
      if (typeof percentage === "number" && (percentage < 0 || percentage > 100)) {
        problems.push({ state: name, field: "ToleratedFailurePercentage", received: percentage, message: "must be from 0 to 100" });
      }
    }
    (Array.isArray(state.Retry) ? (state.Retry as Record<string, unknown>[]) : []).forEach((retrier, i) => {
      const at = `Retry[${i}]`;
      integer(name, `${at}.IntervalSeconds`, retrier.IntervalSeconds, 1, ASL_LIMITS.maxSeconds);
      integer(name, `${at}.MaxAttempts`, retrier.MaxAttempts, 0, ASL_LIMITS.maxSeconds);
      integer(name, `${at}.MaxDelaySeconds`, retrier.MaxDelaySeconds, 1, ASL_LIMITS.maxRetryDelaySeconds);
      if (typeof retrier.BackoffRate === "number" && retrier.BackoffRate < 1) {
        problems.push({ state: name, field: `${at}.BackoffRate`, received: retrier.BackoffRate, message: "must be at least 1.0" });
      }
    });
  }
  return problems;
}
