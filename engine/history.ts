import { STATES_ERRORS, StatesError } from "./errors";
import type { Clock, HistoryEvent } from "./types";

/**
 * An execution's `GetExecutionHistory` events: ids from 1, each event's `previousEventId` the last event of the
 * same lane (the execution, a Parallel branch or a Map iteration), timestamps on the execution's clock.
 *
 * Events are recorded cheaply and built when read: a record keeps the time as a number and a payload as the
 * value itself (the engine never changes a payload in place: ResultPath copies what it changes), and its
 * `HistoryEvent` (JSON text, `Date`) is made when `history()` is read, or at once when `onEvent` listens.
 * @see https://docs.aws.amazon.com/step-functions/latest/apireference/API_GetExecutionHistory.html
 */

/** Where events are appended: the execution itself, or one Parallel branch or Map iteration. */
export interface Lane {
  /** The id of the lane's last event (0 before the first). */
  last: number;
}

/** The event's type and its one `*EventDetails` field. */
export type EventBody = Omit<HistoryEvent, "id" | "previousEventId" | "timestamp">;

/** Builds an event's body when the history is read; `text` gives a payload's JSON text (memoized). */
export type LazyBody = (text: (value: unknown) => string) => EventBody;

/** How a record's event is built: from its body, or (without any closure) a State's entry or exit. */
const enum Kind {
  Body,
  Entered,
  Exited,
}

/** One recorded event, before it is built. */
class EventRecord {
  constructor(
    /** The record before it (a list linked backwards: a record only points to older ones). */
    readonly before: EventRecord | undefined,
    readonly previousEventId: number,
    readonly time: number,
    readonly kind: Kind,
    readonly body: EventBody | LazyBody | undefined,
    /** For a State's entry or exit: the event type, the State's name, its input or output, what it assigned. */
    readonly type: string,
    readonly name: string,
    readonly value: unknown,
    readonly assigned: Record<string, unknown> | undefined,
  ) {}
}

/** Records an execution's history, enforcing the event limit of a Standard execution. */
export class History {
  /** The last record not yet built into {@link built}. */
  private last: EventRecord | undefined = undefined;
  /** How many events were recorded. */
  private count = 0;
  private readonly built: HistoryEvent[] = [];
  private limitReached = false;
  /** The last payload turned into text, and its text: a State's output is the next State's input. */
  private lastValue: unknown = undefined;
  private lastText = "";

  /**
   * @param clock timestamps.
   * @param maxEvents the limit (Infinity for Express executions).
   * @param onEvent called with each event recorded.
   */
  constructor(
    private readonly clock: Clock,
    private readonly maxEvents: number,
    private readonly onEvent?: (event: HistoryEvent) => void,
  ) {}

  /**
   * Appends an event to a lane.
   * @param body the event's type and details, or a function building them when the history is read (its payloads
   *   must not change afterwards).
   * @returns the event's id.
   * @throws StatesError `States.Runtime` once the history is full (the final event is still recorded).
   */
  add(lane: Lane, body: EventBody | LazyBody, final = false): number {
    return this.push(lane, final, Kind.Body, body, "", "", undefined, undefined);
  }

  /** Appends a `…StateEntered` event: `type`, the State's name and its input. @returns the event's id. */
  entered(lane: Lane, type: string, name: string, input: unknown): number {
    return this.push(lane, false, Kind.Entered, undefined, type, name, input, undefined);
  }

  /** Appends a `…StateExited` event: `type`, the State's name, its output and the variables it assigned. */
  exited(lane: Lane, type: string, name: string, output: unknown, assigned: Record<string, unknown> | undefined): number {
    return this.push(lane, false, Kind.Exited, undefined, type, name, output, assigned);
  }

  private push(lane: Lane, final: boolean, kind: Kind, body: EventBody | LazyBody | undefined, type: string, name: string, value: unknown, assigned: Record<string, unknown> | undefined): number {
    if (!final && this.count >= this.maxEvents - 1) {
      this.limitReached = true;
      throw new StatesError(STATES_ERRORS.Runtime, `The execution reached the maximum number of history events (${this.maxEvents}).`);
    }
    const id = ++this.count;
    this.last = new EventRecord(this.last, lane.last, this.clock.now(), kind, body, type, name, value, assigned);
    lane.last = id;
    if (this.onEvent) this.onEvent(this.events[id - 1]);
    return id;
  }

  /** The events so far, oldest first: the same array (and event objects) on every read, grown by each read. */
  get events(): HistoryEvent[] {
    const { built } = this;
    if (built.length === this.count) return built;
    const pending: EventRecord[] = [];
    for (let record = this.last; record; record = record.before) pending.push(record);
    // Built: the records (and their payloads) are free to go.
    this.last = undefined;
    for (let index = pending.length - 1; index >= 0; index--) {
      const record = pending[index];
      const body = this.bodyOf(record);
      built.push({ id: built.length + 1, previousEventId: record.previousEventId, timestamp: new Date(record.time), ...body } as HistoryEvent);
    }
    return built;
  }

  private bodyOf(record: EventRecord): EventBody {
    const { body, name, value, assigned } = record;
    switch (record.kind) {
      case Kind.Entered:
        return { type: record.type, stateEnteredEventDetails: { name, input: this.text(value), inputDetails: { truncated: false } } };
      case Kind.Exited:
        return {
          type: record.type,
          stateExitedEventDetails: {
            name,
            output: this.text(value),
            outputDetails: { truncated: false },
            ...(assigned ? { assignedVariables: Object.fromEntries(Object.entries(assigned).map(([key, item]) => [key, JSON.stringify(item)])), assignedVariablesDetails: { truncated: false } } : {}),
          },
        };
      default:
        return typeof body === "function" ? body((item) => this.text(item)) : body!;
    }
  }

  /** How many events were recorded. */
  get length(): number {
    return this.count;
  }

  /** Whether the execution failed for a full history. */
  get full(): boolean {
    return this.limitReached;
  }

  private text(value: unknown): string {
    if (value !== this.lastValue || this.lastText === "") {
      this.lastValue = value;
      this.lastText = JSON.stringify(value ?? null);
    }
    return this.lastText;
  }
}


/** A JSON payload as the history holds it: the JSON text. */
export function payload(value: unknown): { text: string; details: { truncated: boolean } } {
  return { text: JSON.stringify(value ?? null), details: { truncated: false } };
}
