import { STATES_ERRORS, StatesError } from "../errors";
import { jsonataField, type StateData, template } from "../dataflow";
import { languageOf } from "./frame";

/**
 * Fail: ends the machine with `Error` and `Cause` (or `ErrorPath`/`CausePath`, a path or an intrinsic function,
 * in JSONPath; `{% %}` expressions in JSONata). Not caught inside its own machine: a Parallel or Map around it may.
 * @see https://docs.aws.amazon.com/step-functions/latest/dg/state-fail.html
 * @throws StatesError always: the State's Error and Cause; `States.Runtime` when a path does not give a string.
 */
export async function runFail(data: StateData): Promise<never> {
  const { state } = data;
  let error: unknown;
  let cause: unknown;
  if (languageOf(data.frame, state) === "JSONata") {
    if (state.Error !== undefined) error = await jsonataField(data, "Error", state.Error);
    if (state.Cause !== undefined) cause = await jsonataField(data, "Cause", state.Cause);
  } else {
    error = state.ErrorPath !== undefined ? (template(data, "ErrorPath", { "ErrorPath.$": state.ErrorPath }, data.input) as { ErrorPath: unknown }).ErrorPath : state.Error;
    cause = state.CausePath !== undefined ? (template(data, "CausePath", { "CausePath.$": state.CausePath }, data.input) as { CausePath: unknown }).CausePath : state.Cause;
  }
  for (const [field, value] of [["Error", error], ["Cause", cause]] as const) {
    if (value !== undefined && typeof value !== "string") {
      throw new StatesError(STATES_ERRORS.Runtime, `An error occurred while executing the state '${data.name}' (entered at the event id #${data.enteredEventId}). The value of the field '${field}' must be a string, but was '${JSON.stringify(value)}'.`);
    }
  }
  // A Fail State without Error fails with no Error name: "" here, left out of the history.
  throw new StatesError((error as string | undefined) ?? "", cause as string | undefined);
}
