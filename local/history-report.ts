import { type Catcher, errorMatches, type HistoryEvent, type Json, type Retrier, retryDelayMs } from "../engine";
import { type AslState, type AslStateMachine, walkStates } from "../infra/definition/asl";

/**
 * What the local report shows, read from an execution's `GetExecutionHistory` events (the engine's history, the
 * same events Step Functions records): the States entered (with the Parallel branch or Map iteration each ran
 * in), retries, caught errors, Wait states and answered task tokens, with durations on the execution's clock.
 * @see https://docs.aws.amazon.com/step-functions/latest/apireference/API_HistoryEvent.html
 */

/** One State entered. */
export interface PathStep {
  state: string;
  type: AslState["Type"];
  /** The innermost Parallel branch or Map iteration the State ran in (0-based), absent at the top level. */
  within?: { state: string; kind: "branch" | "iteration"; index: number };
  /** Seconds from entering the State to leaving it (or failing), on the execution's clock. */
  seconds?: number;
}

/** One retry. */
export interface RetryRecord {
  state: string;
  /** 1 for the first retry of this Retrier. */
  attempt: number;
  /** The Retrier's MaxAttempts. */
  maxAttempts: number;
  /** The error that was retried. */
  error: string;
  /** The Retrier's ErrorEquals. */
  errorEquals: string[];
  /** The interval the definition asks for before this retry, in ms (the upper bound under FULL jitter). */
  definedIntervalMs: number;
  /** The interval the history shows, in ms (the execution's clock). */
  waitedMs: number;
}

/** One error caught by a Catch. */
export interface CatchRecord {
  state: string;
  error: string;
  errorEquals: string[];
  next: string;
}

/** One Wait state. */
export interface WaitRecord {
  state: string;
  /** What the definition asks for, e.g. `Seconds: 900`. */
  defined: string;
  /** How long it waited, in seconds of the execution's clock. */
  waitedSeconds: number;
}

/** A `.waitForTaskToken` Task's answer, as the history shows it. */
export type TokenAnswer =
  | { state: string; outcome: "success"; output: Json }
  | { state: string; outcome: "failure"; error: string; cause: string };

/** Everything the report reads from a history. */
export interface HistoryReport {
  path: PathStep[];
  retries: RetryRecord[];
  caught: CatchRecord[];
  waits: WaitRecord[];
  taskTokens: TokenAnswer[];
}

const FAILURES = new Set(["TaskFailed", "TaskTimedOut", "LambdaFunctionFailed", "LambdaFunctionTimedOut", "ActivityFailed", "ActivityTimedOut", "ParallelStateFailed", "MapStateFailed", "MapRunFailed"]);
const SCHEDULED = new Set(["TaskScheduled", "LambdaFunctionScheduled", "ActivityScheduled", "ParallelStateStarted", "MapStateStarted", "MapRunStarted"]);

function failureOf(event: HistoryEvent): { error?: string; cause?: string } | undefined {
  const details = event.taskFailedEventDetails ?? event.taskTimedOutEventDetails ?? event.lambdaFunctionFailedEventDetails ?? event.lambdaFunctionTimedOutEventDetails ?? event.activityFailedEventDetails ?? event.activityTimedOutEventDetails ?? event.mapRunFailedEventDetails;
  return details ? { error: details.error, cause: details.cause } : undefined;
}

function readAt(value: Json, path: string | null | undefined): Json | undefined {
  if (path === null) return undefined;
  if (path === undefined || path === "$") return value;
  let current: Json | undefined = value;
  for (const part of path.replace(/^\$\.?/, "").split(".")) {
    if (current === null || typeof current !== "object" || Array.isArray(current)) return undefined;
    current = (current as Record<string, Json>)[part];
  }
  return current;
}

/**
 * Reads the report's records from a history.
 * @param definition the definition the execution ran (for State types, Retriers, Catchers and enclosing States).
 * @param events the execution's history, oldest first.
 */
export function readHistory(definition: AslStateMachine, events: readonly HistoryEvent[]): HistoryReport {
  const states = new Map(walkStates(definition).map((visited) => [visited.name, visited]));
  const byId = new Map(events.map((event) => [event.id, event]));
  const report: HistoryReport = { path: [], retries: [], caught: [], waits: [], taskTokens: [] };
  // One visit per `…StateEntered` event (keyed by its id): concurrent Map iterations enter the same State at once,
  // so what happens in a State is kept per visit, never per name.
  /** The visit each event belongs to, until its State exits. */
  const visitOf = new Map<number, number | undefined>();
  const visits = new Map<number, { name: string; time: number; step: PathStep; attempts: number[]; failure?: { error?: string; cause?: string; time: number }; submitted?: boolean }>();

  const iterationIndex = (event: HistoryEvent, map: string): number => {
    for (let id = event.previousEventId; id > 0; ) {
      const previous = byId.get(id);
      if (!previous) break;
      if (previous.type === "MapIterationStarted" && previous.mapIterationStartedEventDetails?.name === map) return previous.mapIterationStartedEventDetails.index;
      id = previous.previousEventId;
    }
    return 0;
  };

  /** The visit of the Parallel or Map a closing event (`…StateSucceeded`, `…StateFailed`) ends: the matching `…StateStarted`. */
  const openedBy = (event: HistoryEvent, kind: "Parallel" | "Map"): number | undefined => {
    let depth = 0;
    for (let id = event.previousEventId; id > 0; ) {
      const previous = byId.get(id);
      if (!previous) break;
      if (previous.type === `${kind}StateSucceeded` || previous.type === `${kind}StateFailed`) depth++;
      else if (previous.type === `${kind}StateStarted`) {
        if (depth === 0) return visitOf.get(previous.id);
        depth--;
      }
      id = previous.previousEventId;
    }
    return undefined;
  };

  for (const event of events) {
    const entered = event.stateEnteredEventDetails;
    const exited = event.stateExitedEventDetails;
    if (entered) {
      const visited = states.get(entered.name);
      const type = (visited?.state.Type ?? event.type.replace(/StateEntered$/, "")) as AslState["Type"];
      const step: PathStep = { state: entered.name, type };
      const enclosing = visited?.enclosing[visited.enclosing.length - 1];
      if (enclosing) {
        const outer = states.get(enclosing)!.state;
        if (outer.Type === "Parallel") {
          const index = (outer.Branches ?? []).findIndex((branch) => walkStates({ ...branch, QueryLanguage: undefined }).some((s) => s.name === entered.name));
          step.within = { state: enclosing, kind: "branch", index };
        } else {
          step.within = { state: enclosing, kind: "iteration", index: iterationIndex(event, enclosing) };
        }
      }
      report.path.push(step);
      visits.set(event.id, { name: entered.name, time: event.timestamp.getTime(), step, attempts: [] });
      visitOf.set(event.id, event.id);
      continue;
    }
    const closing = /^(Parallel|Map)State(Succeeded|Failed)$/.exec(event.type);
    let visitId = closing ? openedBy(event, closing[1] as "Parallel" | "Map") : visitOf.get(event.previousEventId);
    if (exited && (visitId === undefined || visits.get(visitId)?.name !== exited.name)) {
      // An exit that follows another lane's event (the last iteration of a Map, say): the nearest visit of that State.
      visitId = undefined;
      for (let id = event.previousEventId; id > 0 && visitId === undefined; id = byId.get(id)?.previousEventId ?? 0) {
        const candidate = visitOf.get(id) ?? (byId.get(id)?.stateEnteredEventDetails ? id : undefined);
        if (candidate !== undefined && visits.get(candidate)?.name === exited.name) visitId = candidate;
      }
    }
    visitOf.set(event.id, exited ? undefined : visitId);
    const visit = visitId === undefined ? undefined : visits.get(visitId);
    if (!visit) continue;
    const state = visit.name;
    const definition = states.get(state)?.state;
    const failure = failureOf(event);
    if (FAILURES.has(event.type)) {
      visit.failure = { ...(failure ?? visit.failure ?? {}), time: event.timestamp.getTime() };
      if (visit.submitted && failure) {
        report.taskTokens.push({ state, outcome: "failure", error: failure.error ?? "", cause: failure.cause ?? "" });
        visit.submitted = false;
      }
    } else if (SCHEDULED.has(event.type) && visit.failure && definition) {
      const failed = visit.failure;
      const retriers = (definition.Retry ?? []) as Retrier[];
      const index = retriers.findIndex((r) => errorMatches(r.ErrorEquals ?? [], failed.error ?? ""));
      if (index >= 0) {
        visit.attempts[index] = (visit.attempts[index] ?? 0) + 1;
        const retrier = retriers[index];
        report.retries.push({
          state,
          attempt: visit.attempts[index],
          maxAttempts: retrier.MaxAttempts ?? 3,
          error: failed.error ?? "",
          errorEquals: retrier.ErrorEquals,
          definedIntervalMs: retryDelayMs({ ...retrier, JitterStrategy: "NONE" }, visit.attempts[index]),
          waitedMs: event.timestamp.getTime() - failed.time,
        });
      }
      visit.failure = undefined;
    } else if (event.type === "TaskSubmitted" && definition?.Resource && String(definition.Resource).endsWith(".waitForTaskToken")) {
      visit.submitted = true;
    } else if (event.type === "TaskSucceeded" && visit.submitted) {
      const output = event.taskSucceededEventDetails?.output;
      report.taskTokens.push({ state, outcome: "success", output: output === undefined ? null : (JSON.parse(output) as Json) });
      visit.submitted = false;
    }
    if (exited) {
      visit.step.seconds = (event.timestamp.getTime() - visit.time) / 1000;
      if (definition?.Type === "Wait") {
        const field = ["Seconds", "Timestamp", "SecondsPath", "TimestampPath"].find((f) => definition[f] !== undefined)!;
        report.waits.push({ state, defined: `${field}: ${typeof definition[field] === "string" ? definition[field] : JSON.stringify(definition[field])}`, waitedSeconds: visit.step.seconds });
      }
      const failed = visit.failure;
      if (failed && definition) {
        // The State failed and still exited: a Catcher took the error. The Catcher is the first whose ErrorEquals
        // matches the error and whose Next is the State entered next (or whose ResultPath holds the error output).
        const output = JSON.parse(exited.output) as Json;
        const catchers = (definition.Catch ?? []) as Catcher[];
        const next = events.find((e) => e.id > event.id && e.previousEventId === event.id && e.stateEnteredEventDetails)?.stateEnteredEventDetails?.name;
        let error = failed.error;
        let catcher = error === undefined ? undefined : catchers.find((c) => errorMatches(c.ErrorEquals ?? [], error!) && (next === undefined || c.Next === next));
        if (!catcher) {
          for (const candidate of catchers) {
            const held = readAt(output, candidate.ResultPath);
            if (held && typeof held === "object" && !Array.isArray(held) && typeof (held as Record<string, Json>).Error === "string" && (next === undefined || candidate.Next === next)) {
              error = (held as Record<string, string>).Error;
              catcher = candidate;
              break;
            }
          }
        }
        catcher ??= catchers.find((c) => next === undefined || c.Next === next);
        if (catcher) report.caught.push({ state, error: error ?? "(unknown)", errorEquals: catcher.ErrorEquals, next: catcher.Next });
        visit.failure = undefined;
      }
    }
  }
  return report;
}
