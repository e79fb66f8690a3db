import { sleepOn } from "../clock";
import { StatesError } from "../errors";
import { finish, type StateData } from "../dataflow";
import type { Json } from "../types";
import { asStatesError, type Catcher, errorMatches, errorOutput, type Retrier, retryDelayMs } from "./errors";
import type { StateOutcome } from "./frame";

/** The finish of a successful attempt (one object for all). */
const HAS_RESULT = { hasResult: true } as const;

/**
 * Runs the work of a Task, Parallel or Map State under its `Retry` and `Catch`:
 * - a failure is matched against the Retriers in order; the first match retries after its interval (on the
 *   execution's clock) until its own `MaxAttempts` are spent (0: never);
 * - then against the Catchers in order; the first match passes `{ Error, Cause }` through its ResultPath (or
 *   Output), Assign, and on to its `Next`;
 * - otherwise the State fails with the error.
 * `$$.State.RetryCount` counts the retries so far.
 * @param attempt does one attempt with the State data for that attempt; resolves with the State's result.
 * @see https://docs.aws.amazon.com/step-functions/latest/dg/concepts-error-handling.html
 */
export async function withRetryAndCatch(base: StateData, attempt: (data: StateData) => Promise<Json>): Promise<StateOutcome> {
  const { state, frame } = base;
  const retriers = (state.Retry ?? []) as Retrier[];
  const catchers = (state.Catch ?? []) as Catcher[];
  const attempts = retriers.map(() => 0);
  let retryCount = 0;
  for (;;) {
    const data = retryCount === 0 ? base : base.with({ retryCount });
    let failure: StatesError;
    try {
      const result = await attempt(data);
      const finished = finish(data, result, HAS_RESULT);
      const { output } = finished instanceof Promise ? await finished : finished;
      return { output, next: state.Next };
    } catch (thrown) {
      if (frame.signal.aborted) throw thrown;
      failure = asStatesError(thrown);
    }
    const index = retriers.findIndex((retrier) => errorMatches(retrier.ErrorEquals ?? [], failure.error));
    if (index >= 0 && attempts[index] < (retriers[index].MaxAttempts ?? 3)) {
      attempts[index]++;
      retryCount++;
      await sleepOn(frame.run.clock, retryDelayMs(retriers[index], attempts[index]), frame.signal);
      continue;
    }
    const catcher = catchers.find((c) => errorMatches(c.ErrorEquals ?? [], failure.error));
    if (!catcher) throw failure;
    const caught = retryCount === 0 ? base : base.with({ retryCount });
    const { output } = await finish(caught, null, { hasResult: false, catcher, errorOutput: errorOutput(failure) });
    return { output, next: catcher.Next, caught: true };
  }
}
