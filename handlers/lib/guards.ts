/**
 * Type guards for untrusted Lambda input. Every handler receives JSON from a workflow, so nothing about its shape
 * is guaranteed; these narrow `unknown` without throwing.
 *
 * @see https://docs.aws.amazon.com/lambda/latest/dg/nodejs-handler.html
 */

/**
 * Tells whether a value is a plain JSON object (not `null`, not an array).
 *
 * @param value - Any value.
 * @returns `true` when `value` can be read as a `Record<string, unknown>`. Never throws.
 * @see https://docs.aws.amazon.com/lambda/latest/dg/nodejs-handler.html
 */
export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/**
 * Tells whether a value is a string with at least one non-whitespace character.
 *
 * @param value - Any value.
 * @returns `true` for `"a"` and `" a "`, `false` for `""`, `"   "` and non-strings. Never throws.
 * @see https://docs.aws.amazon.com/lambda/latest/dg/nodejs-handler.html
 */
export function isNonEmptyString(value: unknown): value is string {
  return typeof value === "string" && value.trim().length > 0;
}
