/**
 * A problem with a workflow definition, located as precisely as it can be: the file, then the State and
 * the field inside it. Every loader, substitution, validation and IAM-derivation error is one of these, so a
 * caller can print `error.message` and a user knows where to look.
 *
 * The message reads `<file>: State "<state>", field "<field>": <problem>`, omitting what is unknown, and ends
 * with `Received: <value>` when a bad value is the problem.
 */
export class DefinitionError extends Error {
  /** The definition file (or a label such as `<inline>`) the problem is in. */
  readonly file: string;
  /** The State's name, when the problem sits inside one. */
  readonly state?: string;
  /** The field inside the State (or at the top level), such as `Parameters.FunctionName` or `Resource`. */
  readonly field?: string;

  /**
   * @param file the definition file or label.
   * @param problem what is wrong, as a sentence.
   * @param where the State and field the problem is in, and the offending value.
   */
  constructor(file: string, problem: string, where: { state?: string; field?: string; received?: unknown } = {}) {
    super(formatMessage(file, problem, where));
    this.name = "DefinitionError";
    this.file = file;
    this.state = where.state;
    this.field = where.field;
  }
}

function formatMessage(file: string, problem: string, where: { state?: string; field?: string; received?: unknown }): string {
  const location = [
    where.state !== undefined ? `State "${where.state}"` : undefined,
    where.field !== undefined ? `field "${where.field}"` : undefined,
  ].filter(Boolean);
  const prefix = location.length > 0 ? `${file}: ${location.join(", ")}: ` : `${file}: `;
  const received = "received" in where ? ` Received: ${JSON.stringify(where.received)}` : "";
  return `${prefix}${problem}${received}`;
}
