import { STATES_ERRORS, StatesError } from "./errors";
import type { Clock, HistoryEvent } from "./types";

/**
 * An execution's `GetExecutionHistory` events: ids from 1, each event's `previousEventId` the last event of the
 * same lane (the execution, a Parallel branch or a Map iteration), timestamps on the execution's clock.
 * @see https://docs.aws.amazon.com/step-functions/latest/apireference/API_GetExecutionHistory.html
 */

/** Where events are appended: the execution itself, or one Parallel branch or Map iteration. */
export interface Lane {
  /** The id of the lane's last event (0 before the first). */
  last: number;
}

/** The event's type and its one `*EventDetails` field. */
export type EventBody = Omit<HistoryEvent, "id" | "previousEventId" | "timestamp">;

/** Records an execution's history, enforcing the event limit of a Standard execution. */
export class History {
  readonly events: HistoryEvent[] = [];
  private limitReached = false;

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
   * @returns the event's id.
   * @throws StatesError `States.Runtime` once the history is full (the final event is still recorded).
   */
  add(lane: Lane, body: EventBody, final = false): number {
    if (!final && this.events.length >= this.maxEvents - 1) {
      this.limitReached = true;
      throw new StatesError(STATES_ERRORS.Runtime, `The execution reached the maximum number of history events (${this.maxEvents}).`);
    }
    const event = { id: this.events.length + 1, previousEventId: lane.last, timestamp: new Date(this.clock.now()), ...body } as HistoryEvent;
    this.events.push(event);
    lane.last = event.id;
    this.onEvent?.(event);
    return event.id;
  }

  /** Whether the execution failed for a full history. */
  get full(): boolean {
    return this.limitReached;
  }
}

/** A JSON payload as the history holds it: the JSON text. */
export function payload(value: unknown): { text: string; details: { truncated: boolean } } {
  return { text: JSON.stringify(value ?? null), details: { truncated: false } };
}
