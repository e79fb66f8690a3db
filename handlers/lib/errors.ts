/**
 * Error helpers shared by the Lambda handlers.
 *
 * Step Functions branches on a Lambda failure by its error name: the Node.js runtime reports a thrown error's
 * `name` as `errorType`, and that becomes the `Error` a `Retry` or `Catch` matches (the message becomes part of
 * the `Cause`). So every error a workflow should branch on is a {@link NamedError} whose `name` is the ASL error
 * name, and whose message ends `Received: <value>` so the execution history shows what was wrong.
 *
 * @see https://docs.aws.amazon.com/lambda/latest/dg/nodejs-exceptions.html
 * @see https://docs.aws.amazon.com/step-functions/latest/dg/concepts-error-handling.html
 */

/**
 * An error whose `name` is the ASL error name a workflow matches in `ErrorEquals`.
 *
 * Subclass it once per error name, e.g. `class InvalidApplication extends NamedError { constructor(m: string)
 * { super("InvalidApplication", m); } }`, so callers can both `instanceof`-check and match on the name.
 */
export class NamedError extends Error {
  /**
   * @param name - The ASL error name, e.g. `"InvalidApplication"`; Step Functions shows it as the failure's `Error`.
   * @param message - What was wrong, ending with the offending value; Step Functions shows it inside the `Cause`.
   * @param options - Standard `ErrorOptions`; `cause` keeps the underlying error for logs.
   */
  constructor(name: string, message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = name;
  }
}

/**
 * Creates a {@link NamedError} without declaring a subclass, for one-off errors.
 *
 * @param name - The ASL error name.
 * @param message - The human-readable explanation.
 * @returns A `NamedError` whose `name` is `name`. Never throws.
 * @see https://docs.aws.amazon.com/step-functions/latest/dg/concepts-error-handling.html
 */
export function namedError(name: string, message: string): NamedError {
  return new NamedError(name, message);
}

/** Longest rendering {@link renderValue} produces before truncating, in characters. */
export const MAX_RENDERED_LENGTH = 120;

/**
 * Renders a value for an error message or a validation problem: strings quoted, objects as JSON, `undefined` as
 * `undefined`, non-finite numbers as `NaN`/`Infinity`, anything longer than `maxLength` cut with an ellipsis.
 *
 * @param value - Any value, including `undefined`, functions and cyclic objects.
 * @param maxLength - Longest result in characters. @default 120 ({@link MAX_RENDERED_LENGTH})
 * @returns A single-line string of at most `maxLength` characters. Never throws.
 * @see https://docs.aws.amazon.com/step-functions/latest/dg/concepts-error-handling.html
 */
export function renderValue(value: unknown, maxLength: number = MAX_RENDERED_LENGTH): string {
  let text: string;
  if (value === undefined) {
    text = "undefined";
  } else if (typeof value === "number" || typeof value === "bigint" || typeof value === "boolean") {
    text = String(value);
  } else if (typeof value === "function" || typeof value === "symbol") {
    text = `a ${typeof value}`;
  } else {
    try {
      text = JSON.stringify(value) ?? String(value);
    } catch {
      text = Object.prototype.toString.call(value);
    }
  }
  return text.length <= maxLength ? text : `${text.slice(0, Math.max(0, maxLength - 1))}…`;
}
