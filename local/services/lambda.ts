import * as path from "node:path";
import type { Json } from "../../infra/definition/asl";
import { RESOURCE_KINDS } from "../../infra/iam/catalog";
import { HANDLERS, type HandlerName, PROJECT_ROOT } from "../../infra/manifest";
import type { Naming } from "../../infra/naming";
import { type ApprovalCallbackClients, createHandler as createApprovalCallback, settingsFromEnvironment as callbackSettings } from "../../handlers/approval-callback";
import { type ApprovalRequestClients, createHandler as createApprovalRequest, settingsFromEnvironment as requestSettings } from "../../handlers/approval-request";
import { type BackupClient, createHandler as createBackupTables } from "../../handlers/backup-tables";
import { createHandler as createPrepareDatasets } from "../../handlers/prepare-datasets";
import { createHandler as createScoreFeedback } from "../../handlers/score-feedback";
import { createHandler as createAggregateResults } from "../../handlers/aggregate-results";
import { createHandler as createPaymentWorker, type PaymentWorkerClients, settingsFromEnvironment as paymentSettings } from "../../handlers/payment-worker";
import { createHandler as createProcessImages, settingsFromEnvironment as processImagesSettings } from "../../handlers/process-images";
import type { Authorizer } from "../authz/authorizer";
import type { SendsCommands } from "../authz/clients";
import { LocalRunError, TaskFailure } from "../errors";

/**
 * Lambda, run in-process: each function ARN of the stack (`naming.functionArn(h)` for every `h` in `HANDLERS`)
 * maps to its real handler module, called with a JSON copy of the event, as the Lambda runtime would deserialise
 * it. A handler that needs an AWS client is built with its `createHandler(client)` and a local stand-in client;
 * every other handler is its module's exported `handler`.
 *
 * A thrown error reaches the workflow as Lambda reports it through Step Functions: the Error is the thrown
 * error's `name` (the Node.js runtime's `errorType`), the Cause the JSON `{"errorType", "errorMessage"}` (the
 * runtime's `trace` array is left out). Not emulated: timeouts and memory limits (`timeoutSeconds`, `memoryMb`),
 * the handler's `context` argument, cold starts, concurrency limits.
 * @see https://docs.aws.amazon.com/lambda/latest/dg/nodejs-exceptions.html
 * @see https://docs.aws.amazon.com/step-functions/latest/dg/connect-lambda.html
 */

/** A Lambda handler as the project writes them: one event in, a JSON-able result out. */
export type LambdaHandler = (event: unknown) => Promise<unknown>;

/**
 * What a handler that calls AWS is built with locally: its clients (local services behind an authorization
 * check for the function's role) and its environment variables as the plan deploys them.
 */
export interface LocalClients {
  /** For backup-tables: answers CreateBackup. */
  backups: BackupClient;
  /** For approval-request and approval-callback: DynamoDB, SNS, Secrets Manager and the task-token API. */
  approvals: ApprovalRequestClients & ApprovalCallbackClients;
  /**
   * For handlers that read or write the stack's buckets: an S3 client of the stack's local S3 (s3rver), each
   * command authorized as the function's role (`s3Authorization`), with the bucket key's use through S3.
   */
  s3: SendsCommands;
  /** For payment-worker: the ledger (DynamoDB) and the task-token API. */
  payments: PaymentWorkerClients;
  /** The function's environment variables (`Function.environment.variables` of the plan), local values swapped in. */
  environment: Record<string, string>;
}

/** Handlers that take an AWS client, built around a local one. Any other handler module's `handler` is used. */
export const LOCAL_HANDLER_FACTORIES: Partial<Record<HandlerName, (clients: LocalClients) => LambdaHandler>> = {
  "backup-tables": (clients) => createBackupTables(clients.backups),
  // Their settings come from the environment the plan gives the function, read by the handler's own reader.
  "approval-request": (clients) => createApprovalRequest(clients.approvals, requestSettings(clients.environment)),
  "approval-callback": (clients) => createApprovalCallback(clients.approvals, callbackSettings(clients.environment)),
  "prepare-datasets": (clients) => createPrepareDatasets({ s3: clients.s3 }, { bucket: clients.environment.DATASETS_BUCKET_NAME ?? "" }),
  "score-feedback": (clients) => createScoreFeedback({ s3: clients.s3 }),
  "aggregate-results": (clients) => createAggregateResults({ s3: clients.s3 }),
  "payment-worker": (clients) => createPaymentWorker(clients.payments, paymentSettings(clients.environment)) as LambdaHandler,
  "process-images": (clients) => createProcessImages({ s3: clients.s3 }, processImagesSettings(clients.environment)),
};

/** One invocation, for the execution report. */
export interface Invocation {
  function: HandlerName;
  event: Json;
  /** The result, when the handler returned. */
  result?: Json;
  /** The Error name, when it threw. */
  error?: string;
}

const modules = new Map<HandlerName, { handler?: unknown; createHandler?: unknown }>();

function loadModule(name: HandlerName): { handler?: unknown; createHandler?: unknown } {
  let loaded = modules.get(name);
  if (!loaded) {
    loaded = require(path.join(PROJECT_ROOT, HANDLERS[name].entry)) as { handler?: unknown; createHandler?: unknown };
    modules.set(name, loaded);
  }
  return loaded;
}

/** Turns anything a handler throws into the failure Step Functions reports for it. */
function lambdaFailure(thrown: unknown): TaskFailure {
  const errorType = thrown instanceof Error ? thrown.name || "Error" : "Error";
  const errorMessage = thrown instanceof Error ? thrown.message : String(thrown);
  return new TaskFailure(errorType, JSON.stringify({ errorType, errorMessage }));
}

/** The stack's functions, invoked in-process. One instance per execution (its clients are per execution). */
export class LocalLambda {
  /** Every invocation so far, in order. */
  readonly invocations: Invocation[] = [];
  private readonly arns: Map<string, HandlerName>;
  private readonly handlers = new Map<HandlerName, LambdaHandler>();

  /**
   * @param naming the stack's naming, for function ARNs.
   * @param clientsFor the local clients of one handler that needs AWS, authorized as its role.
   * @param authorizer when given, every invocation first checks that `lambda.amazonaws.com` may assume the
   *   function's role (its trust policy), as Lambda does.
   */
  constructor(
    private readonly naming: Naming,
    private readonly clientsFor: (name: HandlerName) => LocalClients,
    private readonly authorizer?: Authorizer,
  ) {
    this.arns = new Map((Object.keys(HANDLERS) as HandlerName[]).map((name) => [naming.functionArn(name), name]));
  }

  /**
   * Finds the stack's function a FunctionName or Resource names.
   * @param nameOrArn a function name, `name:qualifier`, a partial ARN or a full ARN (qualifiers are ignored: there
   *   is one local version).
   * @returns the handler's name, or `undefined` when the stack has no such function.
   */
  functionFor(nameOrArn: string): HandlerName | undefined {
    const arn = RESOURCE_KINDS.lambdaFunction.toArn(nameOrArn, this.naming.context);
    return arn === undefined ? undefined : this.arns.get(arn);
  }

  /** The ARN of one of the stack's functions. */
  arnOf(name: HandlerName): string {
    return this.naming.functionArn(name);
  }

  /**
   * Invokes a function synchronously (RequestResponse).
   * @param name the handler.
   * @param event the payload; the handler receives a JSON copy.
   * @returns the handler's result, JSON round-tripped (`null` for `undefined`).
   * @throws TaskFailure named by the thrown error's `name`, Cause `{"errorType","errorMessage"}` JSON.
   * @throws LocalRunError when the handler module exports no usable handler.
   */
  async invoke(name: HandlerName, event: Json): Promise<Json> {
    const planned = this.authorizer?.index.functionFor(this.arnOf(name));
    if (this.authorizer && planned) {
      const decision = await this.authorizer.authorize({ principal: "lambda.amazonaws.com", action: "sts:AssumeRole", resource: planned.roleArn, context: { "aws:SourceAccount": this.naming.context.account, "aws:SourceArn": planned.arn } });
      if (!decision.allowed) throw new TaskFailure("Lambda.AWSLambdaException", `The role defined for the function cannot be assumed by Lambda: ${decision.message} (Service: AWSLambda; Status Code: 400; Error Code: InvalidParameterValueException)`);
    }
    const handler = this.handlerFor(name);
    const invocation: Invocation = { function: name, event };
    this.invocations.push(invocation);
    try {
      const result = await handler(JSON.parse(JSON.stringify(event ?? null)));
      invocation.result = result === undefined ? null : (JSON.parse(JSON.stringify(result)) as Json);
      return invocation.result;
    } catch (thrown) {
      const failure = lambdaFailure(thrown);
      invocation.error = failure.name;
      throw failure;
    }
  }

  private handlerFor(name: HandlerName): LambdaHandler {
    let handler = this.handlers.get(name);
    if (handler) return handler;
    const factory = LOCAL_HANDLER_FACTORIES[name];
    if (factory) {
      handler = factory(this.clientsFor(name));
    } else {
      const loaded = loadModule(name);
      if (typeof loaded.createHandler === "function") {
        throw new LocalRunError(`${HANDLERS[name].entry} exports createHandler(client), so it calls AWS; add a local client for it to LOCAL_HANDLER_FACTORIES in local/lambda.ts rather than let it reach AWS.`);
      }
      if (typeof loaded.handler !== "function") {
        throw new LocalRunError(`${HANDLERS[name].entry} exports no handler function.`);
      }
      handler = loaded.handler as LambdaHandler;
    }
    this.handlers.set(name, handler);
    return handler;
  }
}
