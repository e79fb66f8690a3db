import { randomBytes } from "node:crypto";
import { SendTaskFailureCommand, SendTaskHeartbeatCommand, SendTaskSuccessCommand } from "@aws-sdk/client-sfn";
import type { Json } from "../infra/definition/asl";
import { LocalRunError, TaskFailure } from "./errors";
import type { CapturedNotification } from "./notifications";
import { INTEGRATION_ERROR_HEADER } from "./services/http-api";

/**
 * Task tokens for `.waitForTaskToken` Tasks, run locally.
 *
 * In Step Functions a `.waitForTaskToken` Task sends its request carrying `$$.Task.Token`, then pauses until
 * someone calls SendTaskSuccess (its `output` becomes the Task's result) or SendTaskFailure (its `error` and
 * `cause` become the Task's failure). Here:
 *
 * - aws-local-stepfunctions 3 puts no `Task` in the context object, so {@link TaskTokens.contextTask} supplies one
 *   (through the `context` run option) whose `Token` getter issues a fresh token for the Task being entered; every
 *   read before that Task's handler starts returns the same token, as in AWS.
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

/** How a token was answered. */
export type TokenAnswer =
  | { state: string; taskToken: string; outcome: "success"; output: Json }
  | { state: string; taskToken: string; outcome: "failure"; error: string; cause: string };

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

interface Waiter {
  state: string;
  resolve: (output: Json) => void;
  reject: (error: Error) => void;
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
}

/** Issues task tokens and settles the Tasks waiting on them. One instance per execution. */
export class TaskTokens {
  /** Every answer given so far, in order. */
  readonly answers: TokenAnswer[] = [];
  /**
   * The context object's `Task` field: `{Token}`, read by `$$.Task.Token`. Pass it as `context.Task`. The getter
   * issues a token on first read and returns it until {@link take} hands it to the Task being entered.
   */
  readonly contextTask: { readonly Token: string };
  private current: string | undefined;
  private readonly issued = new Set<string>();
  private readonly waiters = new Map<string, Waiter>();

  /** @param registry the stack's registry, told of every token issued. */
  constructor(registry?: TaskTokenRegistry) {
    const tokens = this;
    this.contextTask = {
      get Token(): string {
        if (tokens.current === undefined) {
          tokens.current = randomBytes(96).toString("base64");
          tokens.issued.add(tokens.current);
          registry?.register(tokens.current, tokens);
        }
        return tokens.current;
      },
    };
  }

  /**
   * Hands over the token issued while the current Task's Parameters were evaluated, and forgets it, so the next
   * Task gets its own. Call it synchronously at the start of every Task handler: the interpreter evaluates a
   * Task's Parameters and calls its handler with no `await` in between, so no other Task can interleave.
   * @returns the token, or `undefined` when the Task did not read `$$.Task.Token`.
   */
  take(): string | undefined {
    const token = this.current;
    this.current = undefined;
    return token;
  }

  /**
   * Starts waiting for a token's answer.
   * @param token a token from {@link take}.
   * @param state the waiting State, for the record.
   * @returns resolves with SendTaskSuccess's parsed `output`; rejects with a {@link TaskFailure} named by
   *   SendTaskFailure's `error`, whose message is its `cause`.
   */
  wait(token: string, state: string): Promise<Json> {
    return new Promise<Json>((resolve, reject) => this.waiters.set(token, { state, resolve, reject }));
  }

  /**
   * Completes a waiting Task (SendTaskSuccess).
   * @param token the task token.
   * @param output the Task's result as a JSON string.
   * @throws Error named `InvalidToken` for a token never issued, `TaskDoesNotExist` for one not waiting (already
   *   answered), `InvalidOutput` when `output` is not JSON.
   */
  succeed(token: string, output: string): void {
    const waiter = this.waiterFor(token);
    let parsed: Json;
    try {
      parsed = JSON.parse(output) as Json;
    } catch {
      throw serviceError("InvalidOutput", `Invalid Output: the output is not valid JSON. Received: ${output}`);
    }
    this.waiters.delete(token);
    this.answers.push({ state: waiter.state, taskToken: token, outcome: "success", output: parsed });
    waiter.resolve(parsed);
  }

  /**
   * Fails a waiting Task (SendTaskFailure).
   * @param token the task token.
   * @param error the Error name Retry and Catch match. @default "" (no name)
   * @param cause the Cause. @default ""
   * @throws Error named `InvalidToken` or `TaskDoesNotExist` as {@link succeed} does.
   */
  fail(token: string, error = "", cause = ""): void {
    const waiter = this.waiterFor(token);
    this.waiters.delete(token);
    this.answers.push({ state: waiter.state, taskToken: token, outcome: "failure", error, cause });
    waiter.reject(new TaskFailure(error, cause));
  }

  /**
   * Checks a token is waiting (SendTaskHeartbeat); the local run has no heartbeat timeouts.
   * @throws Error named `InvalidToken` or `TaskDoesNotExist` as {@link succeed} does.
   */
  heartbeat(token: string): void {
    this.waiterFor(token);
  }

  /**
   * Ends a wait with a local-run problem (the responder failed), so the run stops instead of hanging.
   * @param token the task token; ignored when it is not waiting.
   */
  abandon(token: string, error: Error): void {
    const waiter = this.waiters.get(token);
    if (!waiter) return;
    this.waiters.delete(token);
    waiter.reject(error instanceof LocalRunError ? error : new LocalRunError(`the task token was never answered: ${error.message}`, waiter.state));
  }

  private waiterFor(token: string): Waiter {
    if (!this.issued.has(token)) throw serviceError("InvalidToken", `Invalid Token: '${token.slice(0, 16)}…' was not issued by this execution.`);
    const waiter = this.waiters.get(token);
    if (!waiter) throw serviceError("TaskDoesNotExist", "Task Does Not Exist: the task was already answered or is not waiting.");
    return waiter;
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
