import type { History, Lane } from "../history";
import type { Stop } from "../signal";
import type { Variables } from "../query/variables";
import type { Clock, Execution, ExecutionContext, ExecutionOptions, Json, JsonObject, QueryLanguage, State, StateMachineDefinition } from "../types";

/**
 * What every State's code sees: the execution's services ({@link Run}) and where it runs ({@link Frame}).
 */

/** The execution-wide services a State uses. */
export interface Run {
  readonly history: History;
  readonly clock: Clock;
  readonly options: ExecutionOptions;
  /** `Execution` and `StateMachine` of the context object. */
  readonly contextBase: { Execution: JsonObject; StateMachine: JsonObject };
  /** The AWS Region Tasks run in (TaskScheduled's `region`). */
  readonly region: string;
  readonly partition: string;
  readonly account: string;
  /** STANDARD or EXPRESS. */
  readonly type: "STANDARD" | "EXPRESS";
  /** Counts a State transition. @throws StatesError `States.Runtime` past `maxTransitions`. */
  transition(): void;
  /** Runs a machine (a branch, an iteration, the whole definition) in a frame: its output, or throws its StatesError. */
  runMachine(machine: StateMachineDefinition, input: Json, frame: Frame): Promise<Json>;
  /** Registers a task token the execution now waits on, and resolves with its answer. */
  waitForToken(token: string, heartbeatSeconds: number | undefined, signal: Stop): Promise<Json>;
  /** Issues a task token. */
  newTaskToken(): string;
  /** Starts a child execution on the same clock and handlers (a Distributed Map's item). */
  startChildExecution(definition: StateMachineDefinition, input: Json, context: ExecutionContext): Execution;
}

/** Where a State runs: its lane of history, its variables, the query language default, a Map item. */
export interface Frame {
  run: Run;
  lane: Lane;
  variables: Variables;
  /** The machine's default query language (the top-level `QueryLanguage`, inherited at any depth). */
  queryLanguage: QueryLanguage;
  /** `$$.Map.Item` inside a Map iteration. */
  mapItem?: { Index: number; Value: Json; Source?: string };
  /** Aborted when the execution stops, times out, or a sibling branch fails. */
  signal: Stop;
  /** Called once this frame's machine has recorded its running State's abort (a sibling failed). */
  unwound?: () => void;
}

/**
 * A frame, every one made here with the same fields in the same order (one hidden class: the engine reads frames
 * on every State).
 */
export function newFrame(run: Run, lane: Lane, variables: Variables, queryLanguage: QueryLanguage, signal: Stop, mapItem?: Frame["mapItem"]): Frame {
  return { run, lane, variables, queryLanguage, mapItem, signal, unwound: undefined };
}

/** What a State yields: its output, and the next State (none for a terminal State). */
export interface StateOutcome {
  output: Json;
  next?: string;
  /** Whether a Catcher gave `next` (followed even when the State has `End: true`). */
  caught?: boolean;
}

/** One State's run. */
export type StateHandler = (frame: Frame, name: string, state: State, input: Json, enteredEventId: number) => Promise<StateOutcome>;

/** The query language a State uses. */
export function languageOf(frame: Frame, state: State): QueryLanguage {
  return (state.QueryLanguage as QueryLanguage | undefined) ?? frame.queryLanguage;
}

/** The history event prefix of a State type: `Task` → `TaskStateEntered`. */
export function eventPrefix(state: State): string {
  return state.Type;
}
