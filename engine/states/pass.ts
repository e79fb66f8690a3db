import { effectiveInput, finish, finishPath, type StateData, template } from "../dataflow";
import { languageOf, type StateOutcome } from "./frame";

/**
 * Pass: its result is `Result`, else `Parameters` over the effective input, else the effective input (JSONPath);
 * in JSONata it outputs `Output`, else its input. `Result: 0`, `false` or `null` is a result like any other.
 * A JSONPath Pass runs synchronously.
 * @see https://docs.aws.amazon.com/step-functions/latest/dg/state-pass.html
 */
export function runPass(data: StateData): StateOutcome | Promise<StateOutcome> {
  const { state } = data;
  if (languageOf(data.frame, state) === "JSONata") {
    return (async () => {
      const { output } = await finish(data, data.input, { hasResult: false });
      return { output, next: state.Next };
    })();
  }
  const effective = effectiveInput(data);
  const result = "Result" in state ? state.Result : state.Parameters !== undefined ? template(data, "Parameters", state.Parameters, effective) : effective;
  const { output } = finishPath(data, result, { hasResult: true });
  return { output, next: state.Next };
}
