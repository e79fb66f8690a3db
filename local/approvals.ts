import { randomBytes } from "node:crypto";
import { SendTaskFailureCommand, SendTaskHeartbeatCommand, SendTaskSuccessCommand } from "@aws-sdk/client-sfn";
import { type Execution, type Json, TaskTokenError } from "../engine";
import { LocalRunError } from "./errors";
import type { TokenAnswer } from "./history-report";
import type { CapturedNotification } from "./services/notifications";
import { INTEGRATION_ERROR_HEADER } from "./services/http-api";

/**
 * Task tokens for `.waitForTaskToken` Tasks, run locally.
 *
 * In Step Functions a `.waitForTaskToken` Task sends its request carrying `$$.Task.Token`, then pauses until
 * someone calls SendTaskSuccess (its `output` becomes the Task's result) or SendTaskFailure (its `error` and
 * `cause` become the Task's failure). Here:
 *
 * - the engine issues each Task's token (`$$.Task.Token`) through {@link TaskTokens.issue} and waits for its answer
 *   itself, with the Task's `TimeoutSeconds` and `HeartbeatSeconds` on the execution's clock;
 * - {@link LocalStepFunctionsClient} answers SendTaskSuccess / SendTaskFailure / SendTaskHeartbeat by settling the
 *   waiting Task; it stands in for `SFNClient`, so the real approval-callback handler runs unchanged against it.
 * @see https://docs.aws.amazon.com/step-functions/latest/dg/connect-to-resource.html#connect-wait-token
 */

/** A Task waiting for its token to be answered. */
export interface PendingTask {
  state: string;
  resource: string;
  taskToken: string;
  /** The Task's effective Parameters. */
  parameters: Json;
  /** The notifications the Task published before waiting (its SNS message, for `sns:publish`). */
  notifications: CapturedNotification[];
  /** A Step Functions client that answers this execution's tokens, for responders that answer directly. */
  stepFunctions: LocalStepFunctionsClient;
}


/** Answers a waiting Task, as the human or system at the other end of the message would. */
export type TaskTokenResponder = (task: PendingTask) => Promise<void>;

/** An approver's decision for the credit-approval request, as the approval-callback handler takes it. */
export interface ApprovalDecision {
  approved: boolean;
  /** Why; a rejection's Cause. */
  reason?: string;
  /** Who decided. */
  approver?: string;
}

/** An SDK-style service error, as `SFNClient.send` rejects with. */
function serviceError(name: string, message: string): Error {
  return Object.assign(new Error(message), { name, $fault: "client" as const, $metadata: { httpStatusCode: 400 } });
}

/**
 * Which execution issued each task token, for a whole local stack: SendTaskSuccess carries only the token, and
 * Step Functions finds the execution from it. Each execution's {@link TaskTokens} registers the tokens it issues.
 */
export class TaskTokenRegistry {
  private readonly owners = new Map<string, TaskTokens>();

  /** Records that `tokens` issued `token`. */
  register(token: string, tokens: TaskTokens): void {
    this.owners.set(token, tokens);
  }

  /** The execution's tokens that issued `token`, or `undefined` for a token never issued. */
  ownerOf(token: string): TaskTokens | undefined {
    return this.owners.get(token);
  }

  /** The engine execution that issued `token` (for the local endpoint's SendTask* calls), or `undefined`. */
  executionOf(token: string): Execution | undefined {
    return this.owners.get(token)?.boundExecution;
  }
}

/**
 * The task tokens of one local execution: issued for the engine (`newTaskToken`), registered with the stack's
 * {@link TaskTokenRegistry}, and answered through the engine's SendTaskSuccess / SendTaskFailure /
 * SendTaskHeartbeat, which check them as Step Functions does (`InvalidToken`, `TaskDoesNotExist`, `TaskTimedOut`).
 */
export class TaskTokens {
  /** A local-run problem that stopped the execution (a responder that could not answer). */
  problem?: LocalRunError;
  private execution?: Execution;
  private readonly issued = new Set<string>();
  /** The tokens each State waited on, in order. */
  private readonly byState = new Map<string, string[]>();

  /** @param registry the stack's registry, told of every token issued. */
  constructor(private readonly registry?: TaskTokenRegistry) {}

  /** The engine execution the tokens are answered to, once bound. */
  get boundExecution(): Execution | undefined {
    return this.execution;
  }

  /** Binds the engine execution the tokens are answered to; call it right after `startExecution`. */
  bind(execution: Execution): void {
    this.execution = execution;
  }

  /** Issues a fresh token (the engine's `newTaskToken`). */
  issue(): string {
    const token = randomBytes(96).toString("base64");
    this.issued.add(token);
    this.registry?.register(token, this);
    return token;
  }

  /** Records that a State waits on a token (the engine's `onTaskToken`). */
  waiting(token: string, state: string): void {
    this.byState.set(state, [...(this.byState.get(state) ?? []), token]);
  }

  /** The history's token answers, each with the token its State waited on. */
  annotate(answers: TokenAnswer[]): (TokenAnswer & { taskToken: string })[] {
    const used = new Map<string, number>();
    return answers.map((answer) => {
      const index = used.get(answer.state) ?? 0;
      used.set(answer.state, index + 1);
      return { ...answer, taskToken: this.byState.get(answer.state)?.[index] ?? "" };
    });
  }

  /**
   * Completes a waiting Task (SendTaskSuccess).
   * @param token the task token.
   * @param output the Task's result as a JSON string.
   * @throws Error named `InvalidToken` for a token never issued, `TaskDoesNotExist` for one already answered,
   *   `TaskTimedOut` for one whose Task timed out, `InvalidOutput` when `output` is not JSON.
   */
  succeed(token: string, output: string): void {
    let parsed: Json;
    try {
      parsed = JSON.parse(output) as Json;
    } catch {
      throw serviceError("InvalidOutput", `Invalid Output: the output is not valid JSON. Received: ${output}`);
    }
    this.answer(token, (execution) => execution.sendTaskSuccess(token, parsed));
  }

  /**
   * Fails a waiting Task (SendTaskFailure).
   * @param error the Error name Retry and Catch match. @default "" (no name)
   * @param cause the Cause. @default ""
   * @throws Error named as {@link succeed} throws.
   */
  fail(token: string, error = "", cause = ""): void {
    this.answer(token, (execution) => execution.sendTaskFailure(token, error, cause));
  }

  /**
   * Restarts a waiting Task's heartbeat clock (SendTaskHeartbeat).
   * @throws Error named as {@link succeed} throws.
   */
  heartbeat(token: string): void {
    this.answer(token, (execution) => execution.sendTaskHeartbeat(token));
  }

  /**
   * Stops the execution with a local-run problem (the responder failed), so the run ends instead of waiting for an
   * answer that cannot come; the runner reports the problem.
   */
  abandon(token: string, error: Error, state: string): void {
    if (!this.execution?.pendingTaskTokens().includes(token)) return;
    this.problem = error instanceof LocalRunError ? error : new LocalRunError(`the task token was never answered: ${error.message}`, state);
    this.execution.stop("Local.ResponderFailed", this.problem.message);
  }

  private answer(token: string, send: (execution: Execution) => void): void {
    if (!this.issued.has(token) || !this.execution) throw serviceError("InvalidToken", `Invalid Token: '${token.slice(0, 16)}…' was not issued by this execution.`);
    try {
      send(this.execution);
    } catch (error) {
      if (error instanceof TaskTokenError) throw serviceError(error.name, error.message);
      throw error;
    }
  }
}

/** What {@link LocalStepFunctionsClient.send} accepts. */
export type TaskTokenCommand = SendTaskSuccessCommand | SendTaskFailureCommand | SendTaskHeartbeatCommand;

/**
 * A stand-in for `SFNClient` that answers the task-token API against the executions of a local stack: each token
 * is routed to the execution that issued it ({@link TaskTokenRegistry}), or to one execution's {@link TaskTokens}.
 * It satisfies the approval-callback handler's Step Functions client.
 */
export class LocalStepFunctionsClient {
  /** @param tokens one execution's tokens, or the stack's registry. */
  constructor(private readonly source: TaskTokens | TaskTokenRegistry) {}

  private tokensFor(token: string): TaskTokens {
    if (this.source instanceof TaskTokens) return this.source;
    const owner = this.source.ownerOf(token);
    if (!owner) throw serviceError("InvalidToken", `Invalid Token: '${token.slice(0, 16)}…' was not issued by any local execution.`);
    return owner;
  }

  /**
   * Answers one command, as `SFNClient.send` does.
   * @param command SendTaskSuccess (`{taskToken, output}`), SendTaskFailure (`{taskToken, error?, cause?}`) or
   *   SendTaskHeartbeat (`{taskToken}`).
   * @returns `{$metadata}` as the SDK's (empty) outputs carry.
   * @throws the errors of {@link TaskTokens.succeed}; `UnknownOperationException` for any other command.
   * @see https://docs.aws.amazon.com/step-functions/latest/apireference/API_SendTaskSuccess.html
   */
  async send(command: TaskTokenCommand): Promise<{ $metadata: { httpStatusCode: number } }> {
    if (command instanceof SendTaskSuccessCommand) {
      this.tokensFor(command.input.taskToken ?? "").succeed(command.input.taskToken ?? "", command.input.output ?? "");
    } else if (command instanceof SendTaskFailureCommand) {
      this.tokensFor(command.input.taskToken ?? "").fail(command.input.taskToken ?? "", command.input.error, command.input.cause);
    } else if (command instanceof SendTaskHeartbeatCommand) {
      this.tokensFor(command.input.taskToken ?? "").heartbeat(command.input.taskToken ?? "");
    } else {
      throw serviceError("UnknownOperationException", `LocalStepFunctionsClient answers the task-token API only. Received: ${(command as object)?.constructor?.name}`);
    }
    return { $metadata: { httpStatusCode: 200 } };
  }
}

/**
 * A responder playing the approver at the other end of the approval email: it reads the message the Task had
 * published (the approval topic's email text), takes the approve or reject link the decision calls for, follows it
 * (GET, the confirmation page), then submits the page's form (POST, with the approver's name and reason) through
 * the stack's local HTTP API, where the approval-callback handler answers the task token, exactly as a person's
 * browser would.
 *
 * @param decision approve, or reject with a reason.
 * @returns the responder.
 * @throws LocalRunError (from the responder) when no message with the link was published, or a page answers with
 *   anything but 200 (its status and text in the message).
 */
export function approverResponder(decision: ApprovalDecision): TaskTokenResponder {
  return async (task) => {
    const texts = task.notifications.map((n) => emailText(n.message));
    const label = decision.approved ? "Approve" : "Reject";
    const link = texts.map((text) => new RegExp(`^${label}:\\s*(https?://\\S+)`, "m").exec(text)?.[1]).find((url) => url !== undefined);
    if (!link) {
      throw new LocalRunError(`the approver found no "${label}: <link>" line in the messages published (${task.notifications.length}), so it cannot answer. Received: ${JSON.stringify(texts)}`, task.state);
    }
    const page = await fetch(link);
    if (page.status !== 200) throw new LocalRunError(`following ${label.toLowerCase()} link ${link} answered ${page.status}: ${await explain(page)}`, task.state);
    const form = new URLSearchParams();
    if (decision.approver !== undefined) form.set("approver", decision.approver);
    if (decision.reason !== undefined) form.set("reason", decision.reason);
    const answer = await fetch(link, { method: "POST", body: form, headers: { "content-type": "application/x-www-form-urlencoded" } });
    if (answer.status !== 200) throw new LocalRunError(`submitting the ${label.toLowerCase()} form at ${link} answered ${answer.status}: ${await explain(answer)}`, task.state);
  };
}

/** The email text of an SNS message: its `email` (or `default`) part when published with MessageStructure json. */
export function emailText(message: string): string {
  try {
    const parsed = JSON.parse(message) as Record<string, unknown>;
    const text = parsed.email ?? parsed.default;
    return typeof text === "string" ? text : message;
  } catch {
    return message;
  }
}

/** A failed response's page text, and the local API's integration error when it gives one. */
async function explain(response: Response): Promise<string> {
  const integration = response.headers.get(INTEGRATION_ERROR_HEADER);
  return `${textOf(await response.text())}${integration ? ` (${integration})` : ""}`;
}

/** An HTML page's text, tags stripped and whitespace folded, for messages. */
function textOf(html: string): string {
  return html.replace(/<[^>]*>/g, " ").replace(/\s+/g, " ").trim().slice(0, 500);
}
