import { effectiveInput, requestOf, type StateData } from "../dataflow";
import type { Json, StateMachineDefinition } from "../types";
import { asStatesError } from "./errors";
import { type Frame, newFrame, type StateOutcome } from "./frame";
import { withRetryAndCatch } from "./retry-catch";

/**
 * Parallel: runs every branch on the State's input (after InputPath and Parameters, or Arguments), each in its own
 * lane of history and its own variable scope; the result is the branches' outputs, in order. When a branch fails,
 * the others are stopped and the State fails with that branch's error (then Retry and Catch apply).
 * Events: ParallelStateStarted, the branches' events, then ParallelStateSucceeded or ParallelStateFailed.
 * @see https://docs.aws.amazon.com/step-functions/latest/dg/state-parallel.html
 */
export async function runParallel(base: StateData): Promise<StateOutcome> {
  return withRetryAndCatch(base, async (data) => {
    const { frame, state } = data;
    const run = frame.run;
    const input = await requestOf(data, effectiveInput(data));
    run.history.add(frame.lane, { type: "ParallelStateStarted" });
    const branches = (state.Branches ?? []) as StateMachineDefinition[];
    const results = await runAll(frame, branches.length, (inner, index) => run.runMachine(branches[index], input, inner), () => undefined);
    if (results.failed) {
      run.history.add(frame.lane, { type: "ParallelStateFailed" });
      throw results.error;
    }
    run.history.add(frame.lane, { type: "ParallelStateSucceeded" });
    return results.outputs;
  });
}

/** The outcome of {@link runAll}. */
export type AllOutcome = { failed: false; outputs: Json[] } | { failed: true; error: ReturnType<typeof asStatesError>; index: number };

/**
 * Runs `count` child machines concurrently (at most `concurrency` at once; 0 means all), each in a frame of its own
 * (a lane starting at the parent's last event, an inner variable scope, a signal aborted when a sibling fails or
 * the parent stops). The first failure stops the rest.
 * @param onAborted told of each child stopped by a sibling's failure, once it has unwound (for MapIterationAborted).
 */
export async function runAll(
  frame: Frame,
  count: number,
  child: (inner: Frame, index: number) => Promise<Json>,
  onAborted: (index: number, inner: Frame) => void,
  options: {
    concurrency?: number;
    /** `$$.Map.Item` of child `index`, for a Map's iteration. */
    mapItemOf?: (index: number) => Frame["mapItem"];
    beforeStart?: (index: number, inner: Frame) => void;
    /** Told of the first child to fail, before the others are stopped (for MapIterationFailed). */
    onFailed?: (index: number, inner: Frame) => void;
  } = {},
): Promise<AllOutcome> {
  const { stop: controller, unlink } = frame.signal.child();
  const outputs: Json[] = new Array(count);
  let failure: AllOutcome | undefined;
  const running = new Map<number, Frame>();
  let next = 0;
  const limit = options.concurrency && options.concurrency > 0 ? options.concurrency : count;
  const lanes: Frame[] = [];
  const workers: Promise<void>[] = [];
  for (let w = Math.min(limit, count); w > 0; w--) {
    workers.push(
      (async () => {
        while (next < count && !failure && !frame.signal.aborted) {
          const index = next++;
          const inner = newFrame(frame.run, { last: frame.lane.last }, frame.variables.inner(), frame.queryLanguage, controller, options.mapItemOf ? options.mapItemOf(index) : frame.mapItem);
          let reported = false;
          inner.unwound = () => {
            if (reported || !failure || frame.signal.aborted) return;
            reported = true;
            onAborted(index, inner);
          };
          lanes.push(inner);
          options.beforeStart?.(index, inner);
          running.set(index, inner);
          try {
            outputs[index] = await child(inner, index);
          } catch (thrown) {
            if (!failure && !frame.signal.aborted) {
              failure = { failed: true, error: asStatesError(thrown), index };
              options.onFailed?.(index, inner);
              controller.abort(failure.error);
            } else {
              // Stopped by the sibling's failure: told right after its running State recorded its abort.
              inner.unwound();
            }
          } finally {
            running.delete(index);
          }
        }
      })(),
    );
  }
  try {
    await Promise.all(workers);
    // The State's next event follows the last event of its branches or iterations.
    frame.lane.last = Math.max(frame.lane.last, ...lanes.map((inner) => inner.lane.last));
  } finally {
    unlink();
  }
  if (frame.signal.aborted) throw frame.signal.reason;
  return failure ?? { failed: false, outputs };
}
