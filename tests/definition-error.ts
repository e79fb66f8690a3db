import { expect } from "chai";
import { DefinitionError } from "../infra/definition/errors";

/** Calls `fn`, expecting a DefinitionError, and returns it (fails the test otherwise). */
export function definitionError(fn: () => unknown): DefinitionError {
  try {
    fn();
  } catch (error) {
    expect(error).to.be.instanceOf(DefinitionError);
    return error as DefinitionError;
  }
  expect.fail("expected a DefinitionError");
}
