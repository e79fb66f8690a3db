/**
 * The engine's own abort signal: what an execution, a branch, an iteration or a Task attempt listens to for a stop.
 * Node's `AbortSignal` costs microseconds per listener and per abort (an `EventTarget` dispatch, an `Error` for the
 * reason); a State runs in about one. So the engine passes these between its parts and hands out a real
 * `AbortSignal` only where one leaves the engine (`TaskRequest.signal`, a caller's own {@link Clock}).
 */

/** Something that ends a {@link Stop}'s listening: call it once the listener is no longer wanted. */
export type Unlisten = () => void;

const NOTHING: Unlisten = () => undefined;

/** An abort signal, cheap to create, listen to and abort. */
export class Stop {
  private isAborted = false;
  private reasonValue: unknown;
  private reasonOf?: () => unknown;
  /** Listeners by registration, `undefined` once removed (few per Stop, and most are removed). */
  private listeners?: ((() => void) | undefined)[];
  private controller?: AbortController;

  /** Whether it was aborted. */
  get aborted(): boolean {
    return this.isAborted;
  }

  /** Why it was aborted (`undefined` before). */
  get reason(): unknown {
    if (this.reasonOf) {
      this.reasonValue = this.reasonOf();
      this.reasonOf = undefined;
    }
    return this.reasonValue;
  }

  /**
   * Aborts it (once: later calls do nothing) and tells every listener, synchronously.
   * @param reason why; a function gives the reason only when something reads it (an Error costs its stack).
   */
  abort(reason: unknown, lazily = false): void {
    if (this.isAborted) return;
    this.isAborted = true;
    if (lazily) this.reasonOf = reason as () => unknown;
    else this.reasonValue = reason;
    if (this.controller) this.controller.abort(this.reason);
    const listeners = this.listeners;
    if (!listeners) return;
    this.listeners = undefined;
    for (const listener of listeners) listener?.();
  }

  /**
   * Calls `listener` once, when it aborts (never when it already has: check {@link aborted} first).
   * @returns a function that removes the listener.
   */
  listen(listener: () => void): Unlisten {
    if (this.isAborted) return NOTHING;
    const listeners = (this.listeners ??= []);
    const index = listeners.length;
    listeners.push(listener);
    return () => {
      if (listeners[index] !== listener) return;
      listeners[index] = undefined;
      // Trailing removals shrink the list, so a long-lived Stop does not grow with every child that came and went.
      while (listeners.length > 0 && listeners[listeners.length - 1] === undefined) listeners.pop();
    };
  }

  /** A Stop aborted with this one's reason when this one aborts. @returns it, and the link to drop once done. */
  child(): { stop: Stop; unlink: Unlisten } {
    const stop = new Stop();
    if (this.isAborted) {
      stop.abort(this.reason);
      return { stop, unlink: NOTHING };
    }
    return { stop, unlink: this.listen(() => stop.abort(this.reason)) };
  }

  /** A promise rejected with the reason when it aborts (its rejection handled), for racing work against the stop. */
  rejection(): Promise<never> {
    const promise = new Promise<never>((_, reject) => {
      if (this.isAborted) reject(this.reason);
      else this.listen(() => reject(this.reason));
    });
    promise.catch(() => undefined);
    return promise;
  }

  /** A real `AbortSignal` that aborts with it (made on first use). */
  get signal(): AbortSignal {
    if (!this.controller) {
      this.controller = new AbortController();
      if (this.isAborted) this.controller.abort(this.reason);
    }
    return this.controller.signal;
  }
}
