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

/**
 * A plausible email address: one `@`, no whitespace, a dot in the domain with text on both sides. Deliberately
 * looser than RFC 5322; it rejects typos, not exotic-but-valid addresses.
 */
export const EMAIL_PATTERN = /^[^\s@]+@[^\s@.]+(?:\.[^\s@.]+)+$/;


const ISO_DATE_TIME = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.\d{1,9})?)?(?:Z|[+-](\d{2}):(\d{2}))$/i;

/**
 * Tells whether a string is an ISO 8601 / RFC 3339 date-time with a UTC offset and a real calendar date.
 *
 * @param value - Candidate, e.g. `2025-02-28T23:59:59.123+01:00`.
 * @returns `false` for dates without time or offset, and for impossible dates such as February 30. Never throws.
 * @see https://www.rfc-editor.org/rfc/rfc3339#section-5.6
 */
export function isIsoDateTime(value: string): boolean {
  const m = ISO_DATE_TIME.exec(value);
  if (!m) return false;
  const [year, month, day, hour, minute, second = 0, offsetHours = 0, offsetMinutes = 0] = m
    .slice(1)
    .map((part) => (part === undefined ? undefined : Number(part))) as number[];
  const daysInMonth = new Date(Date.UTC(year, month, 0)).getUTCDate();
  return (
    month >= 1 && month <= 12 && day >= 1 && day <= daysInMonth &&
    hour <= 23 && minute <= 59 && second <= 59 && offsetHours <= 23 && offsetMinutes <= 59
  );
}
