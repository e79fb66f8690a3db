import { STATES_ERRORS, StatesError } from "../errors";
import { jsonataField, type StateData, template } from "../dataflow";
import { languageOf } from "./frame";

/**
 * Fail: ends the machine with `Error` and `Cause` (or `ErrorPath`/`CausePath`, a path or an intrinsic function,
 * in JSONPath; `{% %}` expressions in JSONata). Not caught inside its own machine: a Parallel or Map around it may.
 * @see https://docs.aws.amazon.com/step-functions/latest/dg/state-fail.html
 * @throws StatesError always: the State's Error and Cause; `States.Runtime` when a path does not give a string.
 */
export function runFail(data: StateData): never | Promise<never> {
  const { state } = data;
  if (languageOf(data.frame, state) === "JSONata") {
    return (async () => {
      const error = state.Error !== undefined ? await jsonataField(data, "Error", state.Error) : undefined;
      const cause = state.Cause !== undefined ? await jsonataField(data, "Cause", state.Cause) : undefined;
      return fail(data, error, cause);
    })();
  }
  const error = state.ErrorPath !== undefined ? (template(data, "ErrorPath", { "ErrorPath.$": state.ErrorPath }, data.input) as { ErrorPath: unknown }).ErrorPath : state.Error;
  const cause = state.CausePath !== undefined ? (template(data, "CausePath", { "CausePath.$": state.CausePath }, data.input) as { CausePath: unknown }).CausePath : state.Cause;
  return fail(data, error, cause);
}

function fail(data: StateData, error: unknown, cause: unknown): never {
  for (const [field, value] of [["Error", error], ["Cause", cause]] as const) {
    if (value !== undefined && typeof value !== "string") {
      throw new StatesError(STATES_ERRORS.Runtime, `An error occurred while executing the state '${data.name}' (entered at the event id #${data.enteredEventId}). The value of the field '${field}' must be a string, but was '${JSON.stringify(value)}'.`);
    }
  }
  // A Fail State without Error fails with no Error name: "" here, left out of the history.
  throw new StatesError((error as string | undefined) ?? "", cause as string | undefined);
}
