import { expect } from "chai";
import { parseStackConfig, StackConfigError } from "../../infra/config";

/**
 * The StackConfigError a stack configuration must be refused with; fails the test when it is accepted, or refused
 * with another error.
 * @param stack the stack name the configuration is read for.
 * @param raw `<namespace>:<key>` → value, as Pulumi passes configuration (objects as JSON).
 * @param secretKeys the keys that are secrets.
 */
export function stackConfigError(stack: string, raw: Record<string, string | undefined>, secretKeys: string[] = []): StackConfigError {
  try {
    parseStackConfig(stack, raw as Record<string, string>, secretKeys);
  } catch (error) {
    expect(error).to.be.instanceOf(StackConfigError);
    return error as StackConfigError;
  }
  expect.fail("expected a StackConfigError");
}
