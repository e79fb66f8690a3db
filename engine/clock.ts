import { Stop } from "./signal";
import type { Clock } from "./types";

/**
 * The engine's clocks. Every time-dependent rule of an execution (Wait, TimeoutSeconds, HeartbeatSeconds, retry
 * intervals, `$$.State.EnteredTime`, history timestamps) reads one of these, never `Date.now()` directly.
 * @see https://docs.aws.amazon.com/step-functions/latest/dg/state-wait.html
 */

/** The longest delay `setTimeout` takes, in ms. */
const MAX_TIMEOUT_MS = 2 ** 31 - 1;

interface Timer {
  at: number;
  seq: number;
  resolve: () => void;
  reject: (reason: unknown) => void;
  /** The real timeout, armed only while some activity is busy (an idle clock jumps instead). */
  handle: ReturnType<typeof setTimeout> | undefined;
  /** Stops listening to the timer's signal. */
  unlisten?: () => void;
}

/**
 * Wall-clock time: `sleep(ms)` waits `ms` real milliseconds. For the local Step Functions endpoint, where a person
 * or a worker answers a task token in real time.
 */
export class RealClock implements Clock {
  now(): number {
    return Date.now();
  }

  sleep(ms: number, signal?: AbortSignal): Promise<void> {
    return new Promise((resolve, reject) => {
      if (signal?.aborted) return reject(signal.reason);
      const due = Date.now() + Math.max(0, ms);
      let handle: ReturnType<typeof setTimeout>;
      const arm = () => {
        handle = setTimeout(() => {
          if (Date.now() < due) return arm();
          signal?.removeEventListener("abort", onAbort);
          resolve();
        }, Math.min(MAX_TIMEOUT_MS, Math.max(0, due - Date.now())));
      };
      const onAbort = () => {
        clearTimeout(handle);
        reject(signal!.reason);
      };
      arm();
      signal?.addEventListener("abort", onAbort, { once: true });
    });
  }
}

/**
 * Virtual time. It runs at wall-clock speed while some activity is busy (a Task handler at work, or anything
 * passed to {@link track}); whenever nothing is busy and timers are pending, it jumps to the earliest timer. So a
 * Wait of one year ends in milliseconds and reads as one year in the history, while a Task handler that really
 * takes two seconds still trips a `TimeoutSeconds: 1`.
 *
 * One clock may serve many executions (a parent and the children it starts): they share its time.
 */
export class VirtualClock implements Clock {
  /** How far virtual time is ahead of wall-clock time, in ms. */
  private offset: number;
  private readonly timers: Timer[] = [];
  private busy = 0;
  private seq = 0;
  private checking = false;

  /** @param start the virtual time to start at, in ms since the epoch. @default now */
  constructor(start: number = Date.now()) {
    this.offset = start - Date.now();
  }

  now(): number {
    return Date.now() + this.offset;
  }

  sleep(ms: number, signal?: AbortSignal): Promise<void> {
    return new Promise((resolve, reject) => {
      if (signal?.aborted) return reject(signal.reason);
      const timer = this.add(ms, resolve, reject);
      if (signal) {
        const onAbort = () => {
          this.remove(timer);
          reject(signal.reason);
        };
        signal.addEventListener("abort", onAbort, { once: true });
        timer.unlisten = () => signal.removeEventListener("abort", onAbort);
      }
    });
  }

  /** {@link sleep} on the engine's own {@link Stop}, which costs no `AbortSignal`. */
  sleepOn(ms: number, stop?: Stop): Promise<void> {
    return new Promise((resolve, reject) => {
      if (stop?.aborted) return reject(stop.reason);
      const timer = this.add(ms, resolve, reject);
      if (stop) {
        timer.unlisten = stop.listen(() => {
          this.remove(timer);
          reject(stop.reason);
        });
      }
    });
  }

  private add(ms: number, resolve: () => void, reject: (reason: unknown) => void): Timer {
    const timer: Timer = { at: this.now() + Math.max(0, ms), seq: this.seq++, resolve, reject, handle: undefined };
    this.timers.push(timer);
    if (this.busy > 0) this.arm(timer);
    else this.check();
    return timer;
  }

  /** Arms a timer's real timeout: while an activity is busy, time runs at wall-clock speed. */
  private arm(timer: Timer): void {
    if (timer.handle !== undefined) return;
    const delay = Math.max(0, timer.at - this.now());
    // Beyond setTimeout's range (about 24.8 days) only a jump ends the wait.
    if (delay <= MAX_TIMEOUT_MS) timer.handle = setTimeout(() => this.fire(timer), delay);
  }

  /**
   * Holds the clock still (no jumps) until `work` settles: for work done in real time on the execution's behalf,
   * e.g. a responder answering a task token over HTTP.
   * @returns `work`, unchanged.
   */
  track<T>(work: Promise<T>): Promise<T> {
    this.busy++;
    for (const timer of this.timers) this.arm(timer);
    work.then(
      () => this.idle(),
      () => this.idle(),
    );
    return work;
  }

  /**
   * Lets the clock jump while `work` settles, though the caller is itself tracked as busy: for a Task handler that
   * waits on an execution running on this same clock (a `.sync` child), whose own activities are tracked.
   * @returns `work`, unchanged.
   */
  release<T>(work: Promise<T>): Promise<T> {
    this.busy--;
    this.check();
    const done = () => {
      this.busy++;
      for (const timer of this.timers) this.arm(timer);
    };
    work.then(done, done);
    return work;
  }

  /** A tracked activity ended. */
  private idle(): void {
    this.busy--;
    this.check();
  }

  /** Pending timers, for tests. */
  get pending(): number {
    return this.timers.length;
  }

  private fire(timer: Timer): void {
    if (!this.remove(timer)) return;
    // A real timeout may fire a little before the virtual due time (offset drift): never let time run backwards.
    if (this.now() < timer.at) this.offset += timer.at - this.now();
    timer.resolve();
    this.check();
  }

  private remove(timer: Timer): boolean {
    const index = this.timers.indexOf(timer);
    if (index < 0) return false;
    this.timers.splice(index, 1);
    if (timer.handle !== undefined) clearTimeout(timer.handle);
    timer.unlisten?.();
    return true;
  }

  /**
   * After the event loop has run everything ready (twice, so promise chains that hop a turn settle), jumps when
   * idle. Nothing is scheduled while a jump could not happen (no timer, or an activity busy): adding a timer and
   * an activity ending check again.
   */
  private check(): void {
    if (this.checking || this.busy > 0 || this.timers.length === 0) return;
    this.checking = true;
    setImmediate(() =>
      setImmediate(() => {
        this.checking = false;
        if (this.busy > 0 || this.timers.length === 0) return;
        const next = this.timers.reduce((a, b) => (b.at < a.at || (b.at === a.at && b.seq < a.seq) ? b : a));
        if (next.at > this.now()) this.offset += next.at - this.now();
        this.fire(next);
      }),
    );
  }
}

/**
 * Sleeps on a clock until `ms` pass or `stop` aborts: a {@link VirtualClock} listens to the Stop itself; any other
 * clock gets a real `AbortSignal`.
 */
export function sleepOn(clock: Clock, ms: number, stop?: Stop): Promise<void> {
  if (clock instanceof VirtualClock) return clock.sleepOn(ms, stop);
  return clock.sleep(ms, stop?.signal);
}

/** Whether a clock can hold still for real-time work (a {@link VirtualClock}). */
export function isTracking(clock: Clock): clock is VirtualClock {
  return clock instanceof VirtualClock;
}
