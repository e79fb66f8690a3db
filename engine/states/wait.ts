import { sleepOn } from "../clock";
import { STATES_ERRORS, StatesError } from "../errors";
import { effectiveInput, finish, jsonataField, readField, type StateData, statePrefix } from "../dataflow";
import { languageOf, type StateOutcome } from "./frame";

/**
 * Wait: for `Seconds`, or until `Timestamp`, or by `SecondsPath`/`TimestampPath` (JSONPath), or by a `{% %}`
 * `Seconds`/`Timestamp` (JSONata), on the execution's clock. A timestamp in the past does not wait.
 * @see https://docs.aws.amazon.com/step-functions/latest/dg/state-wait.html
 * @throws StatesError `States.Runtime` for a negative or non-integer number of seconds, or a timestamp that is not
 *   an RFC 3339 string (JSONPath paths); `States.QueryEvaluationError` for the same in JSONata.
 */
export async function runWait(data: StateData): Promise<StateOutcome> {
  const { state, frame } = data;
  const jsonata = languageOf(frame, state) === "JSONata";
  const effective = jsonata ? data.input : effectiveInput(data);
  const error = jsonata ? STATES_ERRORS.QueryEvaluationError : STATES_ERRORS.Runtime;
  const clock = frame.run.clock;
  let until: number;
  if (state.Seconds !== undefined || state.SecondsPath !== undefined) {
    const field = state.Seconds !== undefined ? "Seconds" : "SecondsPath";
    const seconds = jsonata && typeof state.Seconds === "string"
      ? await jsonataField(data, "Seconds", state.Seconds)
      : state.Seconds !== undefined ? state.Seconds : readField(data, "SecondsPath", state.SecondsPath, effective);
    if (typeof seconds !== "number" || !Number.isInteger(seconds) || seconds < 0) {
      // Step Functions' wording for SecondsPath; the same shape for a JSONata Seconds.
      const source = field === "SecondsPath" ? `${state.SecondsPath} == ${display(seconds)}` : display(seconds);
      const why = typeof seconds === "number" && Number.isInteger(seconds) ? "references a negative value" : "cannot be parsed as a long value";
      throw new StatesError(error, `${statePrefix(data)} The ${field} parameter ${why}: ${source}`);
    }
    until = clock.now() + seconds * 1000;
  } else {
    const field = state.Timestamp !== undefined ? "Timestamp" : "TimestampPath";
    const timestamp = jsonata && typeof state.Timestamp === "string" && state.Timestamp.startsWith("{%")
      ? await jsonataField(data, "Timestamp", state.Timestamp)
      : state.Timestamp !== undefined ? state.Timestamp : readField(data, "TimestampPath", state.TimestampPath, effective);
    const parsed = typeof timestamp === "string" && RFC3339.test(timestamp) ? Date.parse(timestamp) : NaN;
    if (Number.isNaN(parsed)) {
      const source = field === "TimestampPath" ? `${state.TimestampPath} == ${display(timestamp)}` : display(timestamp);
      throw new StatesError(error, `${statePrefix(data)} The ${field} parameter does not reference a valid ISO-8601 extended offset date-time format string: ${source}`);
    }
    until = parsed;
  }
  const ms = until - clock.now();
  if (ms > 0) await sleepOn(clock, ms, frame.signal);
  const { output } = await finish(data, effective, { hasResult: false });
  return { output, next: state.Next };
}

/** An RFC 3339 date-time, as Step Functions requires of Wait timestamps (an uppercase T and a zone). */
const RFC3339 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/;

/** A value as Step Functions prints it in a Wait cause: a string bare, anything else as JSON. */
function display(value: unknown): string {
  return typeof value === "string" ? value : JSON.stringify(value);
}
