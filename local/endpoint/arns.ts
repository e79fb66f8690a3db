/**
 * The ARNs and names the local Step Functions endpoint hands out and accepts: state machines (optionally qualified
 * by a version or alias), Standard executions and Express executions.
 * @see https://docs.aws.amazon.com/step-functions/latest/dg/concepts-state-machine-arns.html
 */

/** A request error the endpoint answers with HTTP 400 `{"__type": name, "message": message}`. */
export class ServiceError extends Error {
  /**
   * @param name the API error, as `@aws-sdk/client-sfn` names its exception class (`InvalidArn`, `ExecutionDoesNotExist`, ...).
   * @param message the error's message, echoing the bad value.
   */
  constructor(name: string, message: string) {
    super(message);
    this.name = name;
  }
}

/** Where the endpoint's resources live: the partition, Region and account of every ARN it builds. */
export interface ArnScope {
  /** @default "aws" */
  partition: string;
  /** e.g. `eu-west-1`. */
  region: string;
  /** The 12-digit account id. */
  account: string;
}

/** A state machine ARN, parsed: the machine's name and the version number or alias name after it, when any. */
export interface StateMachineArnParts {
  name: string;
  /** The version (digits) or alias name of a qualified ARN `...:stateMachine:<name>:<qualifier>`. */
  qualifier?: string;
  /** Whether partition, Region and account are this endpoint's. */
  local: boolean;
}

/** An execution ARN, parsed. */
export interface ExecutionArnParts {
  /** `execution` (Standard) or `express`. */
  kind: "execution" | "express";
  machine: string;
  name: string;
  local: boolean;
}

/** `arn:<partition>:states:<region>:<account>:`, this endpoint's ARN prefix. */
export function arnPrefix(scope: ArnScope): string {
  return `arn:${scope.partition}:states:${scope.region}:${scope.account}:`;
}

/** `arn:<partition>:states:<region>:<account>:stateMachine:<name>`. */
export function stateMachineArn(scope: ArnScope, name: string): string {
  return `${arnPrefix(scope)}stateMachine:${name}`;
}

/**
 * An execution's ARN: `...:execution:<machine>:<name>` for Standard, `...:express:<machine>:<name>:<uuid>` for
 * Express (whose names need not be unique).
 */
export function executionArn(scope: ArnScope, type: "STANDARD" | "EXPRESS", machine: string, name: string, uuid: string): string {
  return type === "EXPRESS" ? `${arnPrefix(scope)}express:${machine}:${name}:${uuid}` : `${arnPrefix(scope)}execution:${machine}:${name}`;
}

const ARN = /^arn:([a-z-]+):states:([a-z0-9-]+):(\d{12}):(.+)$/;

/**
 * Parses a state machine ARN, unqualified or qualified by a version or alias.
 * @throws ServiceError `InvalidArn` when the text is not a state machine ARN.
 */
export function parseStateMachineArn(scope: ArnScope, text: unknown): StateMachineArnParts {
  const match = typeof text === "string" ? ARN.exec(text) : null;
  const parts = match?.[4].split(":");
  if (!match || !parts || parts[0] !== "stateMachine" || parts.length < 2 || parts.length > 3 || parts.slice(1).some((part) => part === "")) {
    throw new ServiceError("InvalidArn", `Invalid Arn: 'Resource type not valid in this context: ${JSON.stringify(text)}'`);
  }
  return { name: parts[1], qualifier: parts[2], local: isLocal(scope, match) };
}

/**
 * Parses an execution ARN (Standard or Express).
 * @throws ServiceError `InvalidArn` when the text is not an execution ARN.
 */
export function parseExecutionArn(scope: ArnScope, text: unknown): ExecutionArnParts {
  const match = typeof text === "string" ? ARN.exec(text) : null;
  const parts = match?.[4].split(":");
  const ok = parts && ((parts[0] === "execution" && parts.length === 3) || (parts[0] === "express" && parts.length === 4)) && parts.slice(1).every((part) => part !== "");
  if (!match || !parts || !ok) throw new ServiceError("InvalidArn", `Invalid Arn: 'Resource type not valid in this context: ${JSON.stringify(text)}'`);
  return { kind: parts[0] as "execution" | "express", machine: parts[1], name: parts[2], local: isLocal(scope, match) };
}

function isLocal(scope: ArnScope, match: RegExpExecArray): boolean {
  return match[1] === scope.partition && match[2] === scope.region && match[3] === scope.account;
}

/** Characters Step Functions refuses in state machine and execution names. */
const FORBIDDEN = /[\s<>{}[\]?*"#%\\^|~`$&,;:/\u0000-\u001f\u007f-\u009f]/u;

/**
 * Checks a state machine or execution name: 1 to 80 characters, none of whitespace, brackets `< > { } [ ]`,
 * wildcards `? *`, special characters `" # % \ ^ | ~ \` $ & , ; : /` or control characters.
 * @param what `state machine` or `execution`, for the message.
 * @throws ServiceError `InvalidName` echoing the name.
 * @see https://docs.aws.amazon.com/step-functions/latest/apireference/API_CreateStateMachine.html#StepFunctions-CreateStateMachine-request-name
 */
export function checkName(what: string, name: unknown): asserts name is string {
  if (typeof name !== "string" || name.length < 1 || [...name].length > 80 || FORBIDDEN.test(name)) {
    throw new ServiceError("InvalidName", `Invalid Name: '${String(name)}' is not a valid ${what} name (1 to 80 characters, no whitespace, brackets, wildcards, special or control characters).`);
  }
}
