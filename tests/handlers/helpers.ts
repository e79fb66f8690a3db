import { expect } from "chai";

/**
 * Awaits a promise that must reject and returns what it rejected with.
 *
 * @param promise - The operation under test.
 * @returns The rejection reason, asserted to be an `Error`.
 * @throws {AssertionError} When the promise resolves, or rejects with a non-Error.
 */
export async function rejectionOf(promise: Promise<unknown>): Promise<Error> {
  let outcome: unknown;
  try {
    outcome = await promise;
  } catch (error) {
    expect(error).to.be.instanceOf(Error);
    return error as Error;
  }
  expect.fail(`expected a rejection, but it resolved with ${JSON.stringify(outcome)}`);
}
