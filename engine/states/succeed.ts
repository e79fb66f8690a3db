import { effectiveInput, finish, type StateData } from "../dataflow";
import { languageOf, type StateOutcome } from "./frame";

/**
 * Succeed: ends the machine (or the branch, or the iteration) with its input, through InputPath and OutputPath
 * (JSONPath, synchronously) or `Output` (JSONata).
 * @see https://docs.aws.amazon.com/step-functions/latest/dg/state-succeed.html
 */
export function runSucceed(data: StateData): StateOutcome | Promise<StateOutcome> {
  const effective = languageOf(data.frame, data.state) === "JSONata" ? data.input : effectiveInput(data);
  const finished = finish(data, effective, { hasResult: false });
  return finished instanceof Promise ? finished.then(({ output }) => ({ output })) : { output: finished.output };
}
