import { expect } from "chai";
import {
  type AttributeValue,
  DynamoDBClient,
  GetItemCommand,
  PutItemCommand,
  UpdateItemCommand,
} from "@aws-sdk/client-dynamodb";
import { GetSecretValueCommand, SecretsManagerClient } from "@aws-sdk/client-secrets-manager";
import { SendTaskFailureCommand, SendTaskSuccessCommand, SFNClient } from "@aws-sdk/client-sfn";
import type { PublishCommand } from "@aws-sdk/client-sns";
import {
  type ApprovalCallbackClients,
  type ApprovalCallbackSettings,
  approvalLinks,
  createHandler,
  DECISION_LEASE_SECONDS,
  DEFAULT_REJECTION_CAUSE,
  handler,
  InvalidApprovalRequest,
  InvalidApprovalSettings,
  isHttpEvent,
  REJECTION_ERROR,
  settingsFromEnvironment,
} from "../../handlers/approval-callback";
import { type ApprovalRequestSettings, createHandler as createRequestHandler } from "../../handlers/approval-request";
import type { HttpApiEvent, HttpApiResult } from "../../handlers/lib/http";
import { rejectionOf } from "./helpers";

type Item = Record<string, AttributeValue>;
type TableCommand = PutItemCommand | GetItemCommand | UpdateItemCommand;
type StepFunctionsCommand = SendTaskSuccessCommand | SendTaskFailureCommand;

/** An SDK-shaped service error: what the clients throw, told apart by `name`. */
function serviceError(name: string, message = name): Error {
  return Object.assign(new Error(message), { name });
}

/** What the fakes could not understand; checked after every test, since the handler may catch and log it. */
const fakeProblems: string[] = [];

function fakeFail(problem: string): never {
  fakeProblems.push(problem);
  return expect.fail(problem);
}

/** A promise that never settles: a call whose Lambda invocation timed out while it was in flight. */
function never(): Promise<never> {
  return new Promise<never>(() => undefined);
}

// ---- A small evaluator for DynamoDB condition expressions -------------------------------------------------------

type Condition =
  | { kind: "or" | "and"; left: Condition; right: Condition }
  | { kind: "exists" | "notExists"; path: string }
  | { kind: "=" | "<"; left: string; right: string };

/**
 * Parses the condition grammar the handlers use, and nothing more: `a = b`, `a < b`, `attribute_exists(a)`,
 * `attribute_not_exists(a)`, AND, OR (AND binds tighter) and parentheses; operands are `#name`, `:value` or a plain
 * attribute name. Anything else fails the test loudly.
 */
function parseCondition(expression: string): Condition {
  const tokens = expression.match(/\(|\)|[#:]?\w+|[=<]|\S/g) ?? [];
  let at = 0;
  const peek = () => tokens[at];
  const take = (expected?: string): string => {
    const token = tokens[at++];
    if (token === undefined || (expected !== undefined && token !== expected)) {
      fakeFail(`fake DynamoDB cannot read condition "${expression}" (expected ${expected ?? "more"} at token ${at})`);
    }
    return token;
  };
  const operand = (): string => {
    const token = take();
    if (!/^[#:]?\w+$/.test(token) || token === "AND" || token === "OR") fakeFail(`fake DynamoDB cannot read operand "${token}" in "${expression}"`);
    return token;
  };
  const factor = (): Condition => {
    if (peek() === "(") {
      take("(");
      const inner = or();
      take(")");
      return inner;
    }
    if (peek() === "attribute_exists" || peek() === "attribute_not_exists") {
      const kind = take() === "attribute_exists" ? "exists" : "notExists";
      take("(");
      const path = operand();
      take(")");
      return { kind, path };
    }
    const left = operand();
    const op = take();
    if (op !== "=" && op !== "<") fakeFail(`fake DynamoDB cannot evaluate operator "${op}" in "${expression}"`);
    return { kind: op as "=" | "<", left, right: operand() };
  };
  const and = (): Condition => {
    let left = factor();
    while (peek() === "AND") {
      take();
      left = { kind: "and", left, right: factor() };
    }
    return left;
  };
  const or = (): Condition => {
    let left = and();
    while (peek() === "OR") {
      take();
      left = { kind: "or", left, right: and() };
    }
    return left;
  };
  const parsed = or();
  if (at !== tokens.length) fakeFail(`fake DynamoDB cannot read condition "${expression}" after token ${at}`);
  return parsed;
}

/** Evaluates a parsed condition against an item (missing attributes compare false, as in DynamoDB). */
function evaluate(condition: Condition, item: Item | undefined, names: Record<string, string>, values: Record<string, AttributeValue>): boolean {
  const value = (operand: string): AttributeValue | undefined =>
    operand.startsWith(":") ? (values[operand] ?? fakeFail(`undefined value ${operand}`)) : item?.[resolve(operand, names)];
  switch (condition.kind) {
    case "or":
      return evaluate(condition.left, item, names, values) || evaluate(condition.right, item, names, values);
    case "and":
      return evaluate(condition.left, item, names, values) && evaluate(condition.right, item, names, values);
    case "exists":
      return item !== undefined && resolve(condition.path, names) in item;
    case "notExists":
      return item === undefined || !(resolve(condition.path, names) in item);
    case "=": {
      const [a, b] = [value(condition.left), value(condition.right)];
      return a !== undefined && b !== undefined && JSON.stringify(a) === JSON.stringify(b);
    }
    case "<": {
      const [a, b] = [value(condition.left), value(condition.right)];
      if (a?.N !== undefined && b?.N !== undefined) return Number(a.N) < Number(b.N);
      if (a?.S !== undefined && b?.S !== undefined) return a.S < b.S;
      return false;
    }
  }
}

function resolve(path: string, names: Record<string, string>): string {
  return path.startsWith("#") ? (names[path] ?? fakeFail(`undefined placeholder ${path}`)) : path;
}

/** What a test makes the next matching table call do instead of its work: fail with an error, or never answer. */
type Interception = { match: (command: TableCommand) => boolean; outcome: Error | "never" };

/**
 * A DynamoDB table in a Map, keyed by `requestId`. It honours the condition expressions of {@link parseCondition},
 * `SET a = :v` and `REMOVE a` update clauses, `#name` placeholders, `ProjectionExpression` and `ReturnValues`
 * `ALL_OLD`/`ALL_NEW`, and refuses unused or undefined placeholders as DynamoDB does. Each handler gets its own
 * view ({@link FakeTable.client}), so a test can tell who sent what.
 */
class FakeTable {
  readonly items = new Map<string, Item>();
  readonly commands: { by: string; command: TableCommand }[] = [];
  readonly interceptions: Interception[] = [];

  /** A client for one handler, recording its commands under `by`. */
  client(by: string): { send(command: TableCommand): Promise<unknown> } {
    return { send: (command) => this.send(by, command) };
  }

  /** The commands one handler sent, by class name. */
  sentBy(by: string): string[] {
    return this.commands.filter((c) => c.by === by).map((c) => c.command.constructor.name);
  }

  /** The UpdateItem inputs sent so far. */
  updates(): UpdateItemCommand["input"][] {
    return this.commands.map((c) => c.command).filter((c): c is UpdateItemCommand => c instanceof UpdateItemCommand).map((c) => c.input);
  }

  /** Makes the next UpdateItem whose update expression starts with `prefix` fail with `outcome`. */
  interceptUpdate(prefix: string, outcome: Error | "never"): void {
    this.interceptions.push({ match: (c) => c instanceof UpdateItemCommand && (c.input.UpdateExpression ?? "").startsWith(prefix), outcome });
  }

  private async send(by: string, command: TableCommand): Promise<unknown> {
    this.commands.push({ by, command });
    const index = this.interceptions.findIndex((i) => i.match(command));
    if (index >= 0) {
      const [{ outcome }] = this.interceptions.splice(index, 1);
      if (outcome === "never") return never();
      throw outcome;
    }
    if (command instanceof PutItemCommand) {
      const { Item: item, ConditionExpression, ExpressionAttributeNames = {}, ExpressionAttributeValues = {} } = command.input;
      const id = item!.requestId.S!;
      if (ConditionExpression && !evaluate(parseCondition(ConditionExpression), this.items.get(id), ExpressionAttributeNames, ExpressionAttributeValues)) {
        throw serviceError("ConditionalCheckFailedException", "The conditional request failed");
      }
      this.items.set(id, structuredClone(item!));
      return {};
    }
    if (command instanceof GetItemCommand) {
      const { Key, ProjectionExpression, ExpressionAttributeNames = {} } = command.input;
      this.checkPlaceholders([ProjectionExpression], ExpressionAttributeNames, {});
      const item = this.items.get(Key!.requestId.S!);
      if (!item) return {};
      if (!ProjectionExpression) return { Item: structuredClone(item) };
      const picked: Item = {};
      for (const path of ProjectionExpression.split(",")) {
        const name = resolve(path.trim(), ExpressionAttributeNames);
        if (name in item) picked[name] = structuredClone(item[name]);
      }
      return { Item: picked };
    }
    const { Key, UpdateExpression, ConditionExpression, ExpressionAttributeNames = {}, ExpressionAttributeValues = {}, ReturnValues } =
      command.input;
    this.checkPlaceholders([UpdateExpression, ConditionExpression], ExpressionAttributeNames, ExpressionAttributeValues);
    const id = Key!.requestId.S!;
    const old = this.items.get(id);
    if (ConditionExpression && !evaluate(parseCondition(ConditionExpression), old, ExpressionAttributeNames, ExpressionAttributeValues)) {
      throw serviceError("ConditionalCheckFailedException", "The conditional request failed");
    }
    const updated: Item = structuredClone(old ?? { requestId: { S: id } });
    const touched = new Set<string>();
    for (const clause of UpdateExpression!.trim().split(/\s+(?=SET\s|REMOVE\s)/)) {
      const [, verb, rest] = /^(SET|REMOVE)\s+(.*)$/.exec(clause) ?? fakeFail(`fake DynamoDB cannot read "${clause}"`);
      for (const part of rest.split(",").map((p) => p.trim())) {
        const [, path, value] = (verb === "REMOVE" ? /^(#?\w+)()$/ : /^(#?\w+)\s*=\s*(:\w+)$/).exec(part) ?? fakeFail(`fake DynamoDB cannot ${verb} "${part}"`);
        const name = resolve(path, ExpressionAttributeNames);
        if (touched.has(name)) throw serviceError("ValidationException", `Two document paths overlap: ${name}`);
        touched.add(name);
        if (verb === "REMOVE") delete updated[name];
        else updated[name] = structuredClone(ExpressionAttributeValues[value]);
      }
    }
    this.items.set(id, updated);
    if (ReturnValues === undefined || ReturnValues === "NONE") return {};
    if (ReturnValues === "ALL_OLD") return old ? { Attributes: structuredClone(old) } : {};
    if (ReturnValues === "ALL_NEW") return { Attributes: structuredClone(updated) };
    return fakeFail(`fake DynamoDB does not do ReturnValues ${ReturnValues}`);
  }

  private checkPlaceholders(expressions: (string | undefined)[], names: Record<string, string>, values: Record<string, AttributeValue>): void {
    const tokens = new Set(expressions.join(" ").match(/[#:]\w+/g) ?? []);
    for (const placeholder of [...Object.keys(names), ...Object.keys(values)]) {
      if (!tokens.has(placeholder)) throw serviceError("ValidationException", `Value provided in ExpressionAttribute* unused in expressions: ${placeholder}`);
    }
    for (const token of tokens) {
      if (!(token in names) && !(token in values)) throw serviceError("ValidationException", `${token} is not defined`);
    }
  }
}

/**
 * Step Functions' task-token API: a token is answered once; answering it again fails with TaskTimedOut "Provided
 * task does not exist anymore", as the service does. `outcomes` decides the next calls first: an error (nothing
 * delivered), or "never" (the call never returns and nothing is delivered).
 */
class FakeStepFunctions {
  readonly commands: StepFunctionsCommand[] = [];
  readonly outcomes: (Error | "never")[] = [];
  readonly answered = new Map<string, StepFunctionsCommand>();

  async send(command: StepFunctionsCommand): Promise<unknown> {
    this.commands.push(command);
    const outcome = this.outcomes.shift();
    if (outcome === "never") return never();
    if (outcome) throw outcome;
    const token = command.input.taskToken!;
    if (this.answered.has(token)) throw serviceError("TaskTimedOut", "Task Timed Out: 'Provided task does not exist anymore'");
    this.answered.set(token, command);
    return {};
  }
}

/** Runs `fn` with `console.error` and `console.warn` captured; returns its result and the lines written. */
async function capturingLogs<T>(fn: () => Promise<T>): Promise<{ result: T; lines: string[] }> {
  const lines: string[] = [];
  const { error, warn } = console;
  console.error = (...args: unknown[]) => void lines.push(args.map(String).join(" "));
  console.warn = (...args: unknown[]) => void lines.push(args.map(String).join(" "));
  try {
    return { result: await fn(), lines };
  } finally {
    console.error = error;
    console.warn = warn;
  }
}

const NOW = Date.UTC(2025, 2, 1, 12, 0, 0, 250);
const NOW_SECONDS = Math.floor(NOW / 1000);
const SECRET = "s".repeat(64);
const TOKEN = "AQCEAAAAKgAAAAMAAAAAAAAAAe1-secret-task-token";
const WEEK = 604_800;
const USER_AGENT = "Mozilla/5.0 (X11; Linux x86_64) Firefox/128.0";
const REQUEST_SETTINGS: ApprovalRequestSettings = {
  tableName: "approvals",
  topicArn: "arn:aws:sns:eu-west-1:111111111111:credit-approval-requests",
  secretArn: "arn:aws:secretsmanager:eu-west-1:111111111111:secret:approval-signing-key",
  endpointUrl: "https://abc123.execute-api.eu-west-1.amazonaws.com",
};
const SETTINGS: ApprovalCallbackSettings = { tableName: "approvals", secretArn: REQUEST_SETTINGS.secretArn };
const REQUEST = { taskToken: TOKEN, expiresInSeconds: WEEK, applicantId: "app-42", name: "Ana Lima", creditApplied: 12_500 };
const HTML_HEADERS = {
  "content-type": "text/html; charset=utf-8",
  "cache-control": "no-store",
  "referrer-policy": "no-referrer",
  "x-frame-options": "DENY",
  "content-security-policy": "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'",
};
const DECIDING_CONDITION = "#status = :pending OR (#status = :deciding AND #decision = :decision AND #leaseUntil < :now)";

/**
 * Both functions around shared fake services, with a clock the test can move (epoch milliseconds): the
 * approval-request function makes requests (and "mails" their links), the approval-callback function follows them.
 */
function setup() {
  const table = new FakeTable();
  const stepFunctions = new FakeStepFunctions();
  const published: PublishCommand[] = [];
  const secretReads = { request: 0, callback: 0 };
  const clock = { now: NOW };
  const secretsFor = (who: "request" | "callback") => ({
    async send(command: GetSecretValueCommand) {
      expect(command.input).to.deep.equal({ SecretId: SETTINGS.secretArn });
      secretReads[who] += 1;
      return { SecretString: SECRET };
    },
  });
  const requestHandler = createRequestHandler(
    {
      dynamodb: table.client("request"),
      sns: {
        async send(command) {
          published.push(command);
          return { MessageId: "m-1" };
        },
      },
      secrets: secretsFor("request"),
    },
    REQUEST_SETTINGS,
    () => clock.now,
  );
  const clients: ApprovalCallbackClients = { dynamodb: table.client("callback"), secrets: secretsFor("callback"), stepFunctions };
  const callback = createHandler(clients, SETTINGS, () => clock.now);
  return {
    table,
    stepFunctions,
    published,
    clock,
    secretReads,
    callback,
    /** Runs an approval request; returns its id, expiry and the links of the email it published. */
    async request(event: object = REQUEST) {
      const result = await requestHandler(event);
      const message = JSON.parse(published.at(-1)!.input.Message!) as { https: string };
      const { approveUrl, rejectUrl } = JSON.parse(message.https) as { approveUrl: string; rejectUrl: string };
      return { ...result, approveUrl, rejectUrl };
    },
    /** Follows a URL as API Gateway would deliver it. */
    follow(url: string, method = "GET", form?: Record<string, string>, options: { base64?: boolean; http?: Partial<HttpApiEvent["requestContext"]["http"]> } = {}): Promise<HttpApiResult> {
      return callback(httpEvent(url, method, form, options));
    },
    /** The stored item of a request. */
    item(requestId: string): Item {
      return table.items.get(requestId) ?? expect.fail(`no item ${requestId}`);
    },
  };
}

/** The HTTP API payload format 2.0 event for a request to `url`. */
function httpEvent(
  url: string,
  method: string,
  form?: Record<string, string>,
  options: { base64?: boolean; http?: Partial<HttpApiEvent["requestContext"]["http"]> } = {},
): HttpApiEvent {
  const parsed = new URL(url);
  const route = /^\/approvals\/([^/]+)\/([^/]+)$/.exec(parsed.pathname);
  const body = form ? new URLSearchParams(form).toString() : undefined;
  const query = Object.fromEntries(parsed.searchParams);
  const base64 = options.base64 ?? false;
  return {
    version: "2.0",
    routeKey: `${method} /approvals/{requestId}/{decision}`,
    rawPath: parsed.pathname,
    rawQueryString: parsed.search.slice(1),
    ...(Object.keys(query).length ? { queryStringParameters: query } : {}),
    ...(route ? { pathParameters: { requestId: decodeURIComponent(route[1]), decision: decodeURIComponent(route[2]) } } : {}),
    requestContext: {
      http: { method, sourceIp: "203.0.113.9", userAgent: USER_AGENT, path: parsed.pathname, ...options.http },
      requestId: "api-req-1",
    },
    headers: { host: parsed.host, "user-agent": USER_AGENT, ...(form ? { "content-type": "application/x-www-form-urlencoded" } : {}) },
    ...(body !== undefined ? { body: base64 ? Buffer.from(body).toString("base64") : body } : {}),
    isBase64Encoded: base64,
  };
}

/** `url` with its query parameter `name` set to `value` (or removed when `undefined`). */
function withParam(url: string, name: string, value: string | undefined): string {
  const parsed = new URL(url);
  if (value === undefined) parsed.searchParams.delete(name);
  else parsed.searchParams.set(name, value);
  return parsed.toString();
}

/** `url` with its path replaced. */
function withPath(url: string, path: string): string {
  const parsed = new URL(url);
  parsed.pathname = path;
  return parsed.toString();
}

function bodyText(page: HttpApiResult): string {
  return page.body.replace(/<[^>]+>/g, " ").replace(/\s+/g, " ");
}

/** The item's attributes as plain values (S, N as numbers, M as objects), for readable assertions. */
function plain(item: Item): Record<string, unknown> {
  const read = (value: AttributeValue): unknown =>
    value.S ?? (value.N !== undefined ? Number(value.N) : value.M ? Object.fromEntries(Object.entries(value.M).map(([k, v]) => [k, read(v)])) : value);
  return Object.fromEntries(Object.entries(item).map(([k, v]) => [k, read(v)]));
}

/** After each test: fails it when the fakes met something they do not understand, even if the handler caught it. */
function checkFakes(): void {
  const problems = fakeProblems.splice(0);
  expect(problems, "the fakes met expressions they do not understand").to.deep.equal([]);
}

describe("approval-callback: the split from approval-request", () => {
  afterEach(checkFakes);

  it("refuses an event that is not from the HTTP API, naming it without echoing it, and calls nothing", async () => {
    const e = setup();
    for (const event of [REQUEST, "approve", null]) {
      const error = await rejectionOf(e.callback(event));
      expect(error).to.be.instanceOf(InvalidApprovalRequest);
      expect(error.name).to.equal("InvalidApprovalRequest");
      expect(error.message).to.contain("serves only the HTTP API").and.contain("approval-request function").and.match(/Received: /);
      expect(error.message, "the token is never echoed").not.to.contain(TOKEN);
    }
    expect(e.table.commands).to.have.length(0);
    expect(e.secretReads.callback).to.equal(0);
    expect(e.stepFunctions.commands).to.have.length(0);
  });

  it("only reads and updates the table: no PutItem and no Publish from the link endpoint", async () => {
    const e = setup();
    const { approveUrl, rejectUrl } = await e.request();
    await e.follow(approveUrl);
    await e.follow(approveUrl, "POST", { approver: "Ana" });
    await e.follow(rejectUrl, "POST", { approver: "Mallory" });
    expect(e.table.sentBy("request")).to.deep.equal(["PutItemCommand"]);
    expect(new Set(e.table.sentBy("callback"))).to.deep.equal(new Set(["GetItemCommand", "UpdateItemCommand"]));
    expect(e.published).to.have.length(1);
    expect(e.stepFunctions.commands).to.have.length(1);
  });
});

describe("approval-callback: a followed link", () => {
  afterEach(checkFakes);

  it("shows a confirmation form on GET and changes nothing", async () => {
    const e = setup();
    const { requestId, approveUrl } = await e.request();
    const page = await e.follow(approveUrl);
    expect(page.statusCode).to.equal(200);
    expect(page.headers).to.deep.equal(HTML_HEADERS);
    expect(page.body).to.match(/^<!doctype html>/);
    expect(page.body).to.contain('<form method="post">');
    expect(page.body).to.match(/<input [^>]*name="approver"/).and.match(/<input [^>]*name="reason"/);
    expect(page.body).to.contain('<button type="submit">Approve</button>');
    expect(bodyText(page)).to.contain("Ana Lima").and.contain("app-42").and.contain("12,500");
    expect(page.body).not.to.contain(TOKEN);
    await e.follow(approveUrl);
    expect(e.table.sentBy("callback")).to.deep.equal(["GetItemCommand", "GetItemCommand"]);
    expect(e.stepFunctions.commands).to.have.length(0);
    expect(e.item(requestId).status).to.deep.equal({ S: "PENDING" });
    expect(e.secretReads.callback, "the secret is read once per handler").to.equal(1);
  });

  it("approves on POST: takes the request to DECIDING under a 30 s lease keeping the token, then answers SendTaskSuccess", async () => {
    const e = setup();
    const { requestId, approveUrl } = await e.request();
    const page = await e.follow(approveUrl, "POST", { approver: "  Ana  ", reason: "Good history" });
    expect(page.statusCode).to.equal(200);
    expect(page.headers).to.deep.equal(HTML_HEADERS);
    expect(bodyText(page)).to.contain("Recorded: approved");

    const [deciding, decided] = e.table.updates();
    expect(DECISION_LEASE_SECONDS).to.equal(30);
    expect(deciding).to.deep.equal({
      TableName: "approvals",
      Key: { requestId: { S: requestId } },
      UpdateExpression:
        "SET #status = :deciding, #decision = :decision, #leaseUntil = :leaseUntil, #approver = :approver, #reason = :reason, #decidedFrom = :decidedFrom",
      ConditionExpression: DECIDING_CONDITION,
      ExpressionAttributeNames: {
        "#status": "status",
        "#decision": "decision",
        "#leaseUntil": "leaseUntil",
        "#approver": "approver",
        "#reason": "reason",
        "#decidedFrom": "decidedFrom",
      },
      ExpressionAttributeValues: {
        ":pending": { S: "PENDING" },
        ":deciding": { S: "DECIDING" },
        ":decision": { S: "approve" },
        ":now": { N: String(NOW_SECONDS) },
        ":leaseUntil": { N: String(NOW_SECONDS + 30) },
        ":approver": { S: "Ana" },
        ":reason": { S: "Good history" },
        ":decidedFrom": { M: { sourceIp: { S: "203.0.113.9" }, userAgent: { S: USER_AGENT } } },
      },
      ReturnValues: "ALL_OLD",
    });
    expect(decided).to.include({
      UpdateExpression: "SET #status = :decided, #decidedAt = :decidedAt REMOVE #taskToken, #leaseUntil",
      ConditionExpression: "#status = :deciding",
    });

    expect(e.stepFunctions.commands).to.have.length(1);
    const [command] = e.stepFunctions.commands;
    expect(command).to.be.instanceOf(SendTaskSuccessCommand);
    expect(command.input).to.deep.equal({ taskToken: TOKEN, output: JSON.stringify({ approved: true, approver: "Ana", reason: "Good history" }) });
    const item = plain(e.item(requestId));
    expect(item).not.to.have.any.keys("taskToken", "leaseUntil");
    expect(item).to.include({ status: "APPROVED", decision: "approve", approver: "Ana", reason: "Good history", decidedAt: new Date(NOW).toISOString() });
  });

  it("records who clicked as decidedFrom {sourceIp, userAgent}, cutting the user agent to 512 characters", async () => {
    const e = setup();
    const { requestId, approveUrl } = await e.request();
    await e.follow(approveUrl, "POST", { approver: "Ana" });
    expect(plain(e.item(requestId)).decidedFrom).to.deep.equal({ sourceIp: "203.0.113.9", userAgent: USER_AGENT });

    const long = await e.request();
    await e.follow(long.rejectUrl, "POST", {}, { http: { sourceIp: "198.51.100.7", userAgent: "u".repeat(600) } });
    expect(plain(e.item(long.requestId)).decidedFrom).to.deep.equal({ sourceIp: "198.51.100.7", userAgent: "u".repeat(512) });

    const none = await e.request();
    await e.follow(none.approveUrl, "POST", {}, { http: { sourceIp: undefined, userAgent: undefined } });
    expect(e.item(none.requestId)).not.to.have.property("decidedFrom");
    expect(e.table.updates().at(-2)!.UpdateExpression).to.match(/REMOVE #reason, #decidedFrom$/);
  });

  it('sends approver "approval link" and no reason when the form is left blank', async () => {
    const e = setup();
    const { approveUrl } = await e.request();
    await e.follow(approveUrl, "POST", { approver: " ", reason: "" });
    expect(JSON.parse((e.stepFunctions.commands[0] as SendTaskSuccessCommand).input.output!)).to.deep.equal({ approved: true, approver: "approval link" });
  });

  it("reads a base64-encoded form body", async () => {
    const e = setup();
    const { approveUrl } = await e.request();
    await e.follow(approveUrl, "POST", { approver: "Zoë" }, { base64: true });
    expect(JSON.parse((e.stepFunctions.commands[0] as SendTaskSuccessCommand).input.output!)).to.deep.equal({ approved: true, approver: "Zoë" });
  });

  it("rejects on POST: SendTaskFailure CreditRejected with the reason as cause", async () => {
    const e = setup();
    const { requestId, rejectUrl } = await e.request();
    const form = await e.follow(rejectUrl);
    expect(form.body).to.contain('<button type="submit">Reject</button>');
    const page = await e.follow(rejectUrl, "POST", { approver: "Bo", reason: "Income not verified" });
    expect(page.statusCode).to.equal(200);
    expect(bodyText(page)).to.contain("Recorded: rejected");
    expect(e.stepFunctions.commands).to.have.length(1);
    expect(e.stepFunctions.commands[0]).to.be.instanceOf(SendTaskFailureCommand);
    expect(e.stepFunctions.commands[0].input).to.deep.equal({ taskToken: TOKEN, error: REJECTION_ERROR, cause: "Income not verified" });
    expect(REJECTION_ERROR).to.equal("CreditRejected");
    expect(plain(e.item(requestId))).to.include({ status: "REJECTED", decision: "reject" });
  });

  it("rejects with the default cause when no reason is given", async () => {
    const e = setup();
    const { rejectUrl } = await e.request();
    await e.follow(rejectUrl, "POST", {});
    expect(e.stepFunctions.commands[0].input).to.deep.equal({ taskToken: TOKEN, error: "CreditRejected", cause: DEFAULT_REJECTION_CAUSE });
  });

  it("answers a second POST, on either link, with 409 Already decided and sends nothing more", async () => {
    const e = setup();
    const { approveUrl, rejectUrl } = await e.request();
    await e.follow(approveUrl, "POST", { approver: "Ana" });
    for (const url of [approveUrl, rejectUrl]) {
      const again = await e.follow(url, "POST", { approver: "Mallory" });
      expect(again.statusCode).to.equal(409);
      expect(bodyText(again)).to.match(/Already decided: approved by Ana at 2025-03-01T12:00:00\.250Z/);
    }
    const shown = await e.follow(rejectUrl);
    expect(shown.statusCode).to.equal(409);
    expect(bodyText(shown)).to.contain("Already decided: approved by Ana");
    expect(e.stepFunctions.commands).to.have.length(1);
  });

  for (const [what, tamper] of [
    ["a changed decision", (url: string) => url.replace("/approve?", "/reject?")],
    ["a changed request id", (url: string) => url.replace(/approvals\/[^/]+\//, `approvals/${"A".repeat(22)}/`)],
    ["a changed expiry", (url: string) => withParam(url, "expires", String(Number(new URL(url).searchParams.get("expires")) + 86_400))],
    ["a wrong signature", (url: string) => withParam(url, "signature", "x".repeat(43))],
    ["a short signature", (url: string) => withParam(url, "signature", "abc")],
    ["no signature", (url: string) => withParam(url, "signature", undefined)],
    ["no expiry", (url: string) => withParam(url, "expires", undefined)],
    ["a non-integer expiry", (url: string) => withParam(url, "expires", "1e12")],
    ["a repeated expiry", (url: string) => `${url}&expires=1`],
  ] as const) {
    it(`answers 403 for a link with ${what}, on GET and POST, touching neither DynamoDB nor Step Functions`, async () => {
      const e = setup();
      const { approveUrl } = await e.request();
      for (const method of ["GET", "POST"]) {
        const page = await e.follow(tamper(approveUrl), method, method === "POST" ? { approver: "x" } : undefined);
        expect(page.statusCode).to.equal(403);
        expect(page.headers).to.deep.equal(HTML_HEADERS);
        expect(bodyText(page)).to.contain("This link is not valid.");
      }
      expect(e.table.sentBy("callback")).to.deep.equal([]);
      expect(e.stepFunctions.commands).to.have.length(0);
    });
  }

  it("answers 410 for an expired link, touching neither DynamoDB nor Step Functions", async () => {
    const e = setup();
    const { approveUrl, expiresAt } = await e.request();
    e.clock.now = expiresAt * 1000 + 999;
    expect((await e.follow(approveUrl)).statusCode, "still valid during its last second").to.equal(200);
    e.clock.now = (expiresAt + 1) * 1000;
    for (const method of ["GET", "POST"]) {
      const page = await e.follow(approveUrl, method, method === "POST" ? {} : undefined);
      expect(page.statusCode).to.equal(410);
      expect(bodyText(page)).to.contain("This link expired at 2025-03-08T12:00:00Z");
    }
    expect(e.table.sentBy("callback")).to.deep.equal(["GetItemCommand"]);
    expect(e.stepFunctions.commands).to.have.length(0);
  });

  it("answers 404 for an unknown decision, missing path parameters or an unknown request, and 405 for other methods", async () => {
    const e = setup();
    const { approveUrl, requestId, expiresAt } = await e.request();
    expect((await e.follow(withPath(approveUrl, `/approvals/${requestId}/maybe`))).statusCode).to.equal(404);
    expect((await e.follow(withPath(approveUrl, "/approvals"))).statusCode).to.equal(404);
    const put = await e.follow(approveUrl, "PUT");
    expect(put.statusCode).to.equal(405);
    expect(put.headers).to.include({ allow: "GET, POST" });
    expect(e.table.sentBy("callback")).to.deep.equal([]);
    // A correctly signed link for a request the table never had.
    const [unknownLink] = Object.values(approvalLinks(REQUEST_SETTINGS.endpointUrl, SECRET, "B".repeat(22), expiresAt));
    expect((await e.follow(unknownLink)).statusCode).to.equal(404);
    expect((await e.follow(unknownLink, "POST", {})).statusCode).to.equal(404);
    expect(e.table.items.has("B".repeat(22)), "a failed condition creates nothing").to.equal(false);
    expect(e.stepFunctions.commands).to.have.length(0);
  });

  it("answers 400 for an approver over 256 or a reason over 1024 characters, and 415 for another form type, deciding nothing", async () => {
    const e = setup();
    const { requestId, approveUrl } = await e.request();
    const long = await e.follow(approveUrl, "POST", { approver: "a".repeat(257) });
    expect(long.statusCode).to.equal(400);
    expect(bodyText(long)).to.contain("approver must be at most 256 characters");
    expect((await e.follow(approveUrl, "POST", { reason: "r".repeat(1025) })).statusCode).to.equal(400);
    const json = httpEvent(approveUrl, "POST");
    json.headers = { ...json.headers, "content-type": "application/json" };
    json.body = "{}";
    expect((await e.callback(json)).statusCode).to.equal(415);
    expect(e.item(requestId).status.S).to.equal("PENDING");
    expect((await e.follow(approveUrl, "POST", { reason: ` ${"r".repeat(1024)} ` })).statusCode).to.equal(200);
    expect(e.item(requestId).status.S).to.equal("APPROVED");
  });

  it("escapes HTML in every value it shows", async () => {
    const e = setup();
    const { approveUrl, rejectUrl } = await e.request({ ...REQUEST, name: "<script>alert(1)</script>", applicantId: `"'&` });
    const form = await e.follow(approveUrl);
    expect(form.body).not.to.contain("<script>");
    expect(form.body).to.contain("&#60;script&#62;alert(1)&#60;/script&#62;").and.contain("&#34;&#39;&#38;");
    await e.follow(approveUrl, "POST", { approver: "<img src=x onerror=alert(1)>" });
    const decided = await e.follow(rejectUrl);
    expect(decided.statusCode).to.equal(409);
    expect(decided.body).not.to.contain("<img");
    expect(decided.body).to.contain("&#60;img src=x onerror=alert(1)&#62;");
  });
});

describe("approval-callback: when Step Functions refuses", () => {
  afterEach(checkFakes);

  for (const name of ["TaskTimedOut", "TaskDoesNotExist", "InvalidToken"]) {
    it(`marks the request EXPIRED, drops its token and answers 410 when Step Functions answers ${name}`, async () => {
      const e = setup();
      const { requestId, approveUrl } = await e.request();
      e.stepFunctions.outcomes.push(serviceError(name));
      const page = await e.follow(approveUrl, "POST", { approver: "Ana" });
      expect(page.statusCode).to.equal(410);
      expect(bodyText(page)).to.contain("The approval request is no longer waiting");
      expect(plain(e.item(requestId))).to.include({ status: "EXPIRED" }).and.not.have.any.keys("taskToken", "leaseUntil");
      expect((await e.follow(approveUrl)).statusCode).to.equal(410);
      expect((await e.follow(approveUrl, "POST", {})).statusCode).to.equal(410);
      expect(e.stepFunctions.commands).to.have.length(1);
    });
  }

  for (const name of ["ThrottlingException", "ServiceUnavailable", "InternalServerError"]) {
    it(`puts the request back to PENDING and answers 503 on ${name}, so either link works again`, async () => {
      const e = setup();
      const { requestId, approveUrl, rejectUrl } = await e.request();
      e.stepFunctions.outcomes.push(serviceError(name));
      const { result: page, lines } = await capturingLogs(() => e.follow(approveUrl, "POST", { approver: "Ana", reason: "ok" }));
      expect(page.statusCode).to.equal(503);
      expect(page.headers).to.include({ "retry-after": "60" });
      expect(bodyText(page)).to.contain("nothing was recorded");
      expect(lines.join("\n")).not.to.contain(TOKEN);
      expect(lines.map((l) => JSON.parse(l) as Record<string, unknown>)).to.deep.equal([
        { level: "WARN", message: "Step Functions could not take the decision; the request is still pending", error: name, requestId },
      ]);
      const item = plain(e.item(requestId));
      expect(item).to.include({ status: "PENDING", taskToken: TOKEN });
      expect(item).not.to.have.any.keys("leaseUntil", "decision", "approver", "reason", "decidedFrom", "decidedAt");
      const retry = await e.follow(rejectUrl, "POST", { approver: "Bo" });
      expect(retry.statusCode).to.equal(200);
      expect(e.stepFunctions.commands.map((c) => c.input.taskToken)).to.deep.equal([TOKEN, TOKEN]);
      expect(e.item(requestId).status.S).to.equal("REJECTED");
    });
  }

  for (const name of ["AccessDeniedException", "KMSAccessDeniedException", "KMSInvalidStateException", "ValidationException", "InvalidOutput"]) {
    it(`answers 500 "misconfigured" on ${name}, puts the request back to PENDING and logs one JSON error line without the token`, async () => {
      const e = setup();
      const { requestId, approveUrl } = await e.request();
      e.stepFunctions.outcomes.push(serviceError(name, `${name}: not authorized to perform states:SendTaskSuccess`));
      const { result: page, lines } = await capturingLogs(() => e.follow(approveUrl, "POST", { approver: "Ana" }));
      expect(page.statusCode).to.equal(500);
      expect(bodyText(page)).to.contain("The approval service is misconfigured; the request is still pending");
      expect(page.headers).not.to.have.property("retry-after");
      expect(lines).to.have.length(1);
      expect(JSON.parse(lines[0])).to.deep.equal({
        level: "ERROR",
        message: "Step Functions refused the decision: the approval service is misconfigured",
        error: name,
        requestId,
      });
      expect(lines[0]).not.to.contain(TOKEN);
      const item = plain(e.item(requestId));
      expect(item).to.include({ status: "PENDING", taskToken: TOKEN }).and.not.have.any.keys("leaseUntil", "decision");
      expect((await e.follow(approveUrl, "POST", { approver: "Ana" })).statusCode, "works once fixed").to.equal(200);
    });
  }

  it("still answers 200 when the final write fails after Step Functions took the decision, and logs it", async () => {
    const e = setup();
    const { requestId, approveUrl } = await e.request();
    e.table.interceptUpdate("SET #status = :decided", serviceError("ProvisionedThroughputExceededException"));
    const { result: page, lines } = await capturingLogs(() => e.follow(approveUrl, "POST", { approver: "Ana" }));
    expect(page.statusCode).to.equal(200);
    expect(bodyText(page)).to.contain("Recorded: approved");
    expect(lines.map((l) => JSON.parse(l) as Record<string, unknown>)).to.deep.equal([
      { level: "ERROR", message: "Could not record the decision Step Functions took of the approval request", error: "ProvisionedThroughputExceededException", requestId },
    ]);
    expect(plain(e.item(requestId))).to.include({ status: "DECIDING", decision: "approve", taskToken: TOKEN });
    expect(e.stepFunctions.answered.has(TOKEN)).to.equal(true);
  });
});

describe("approval-callback: a click interrupted after DECIDING (the Lambda timed out)", () => {
  afterEach(checkFakes);

  it("keeps the decision: within the lease both links answer 409, after it the same decision resends the token and finishes", async () => {
    const e = setup();
    const { requestId, approveUrl, rejectUrl } = await e.request();
    e.stepFunctions.outcomes.push("never");
    void e.follow(approveUrl, "POST", { approver: "Ana", reason: "first" });
    await new Promise((r) => setImmediate(r));
    expect(plain(e.item(requestId))).to.include({ status: "DECIDING", decision: "approve", taskToken: TOKEN, leaseUntil: NOW_SECONDS + 30, approver: "Ana" });
    expect(e.stepFunctions.answered.size, "the first answer never reached Step Functions").to.equal(0);

    e.clock.now = NOW + 10_000;
    const sameEarly = await e.follow(approveUrl, "POST", { approver: "Ana" });
    expect(sameEarly.statusCode).to.equal(409);
    expect(bodyText(sameEarly)).to.contain("being decided");
    expect((await e.follow(approveUrl)).statusCode, "GET within the lease").to.equal(409);
    e.clock.now = (NOW_SECONDS + 30) * 1000 + 999;
    expect((await e.follow(approveUrl, "POST", {})).statusCode, "the lease holds through its last second").to.equal(409);
    expect(e.stepFunctions.commands).to.have.length(1);

    e.clock.now = (NOW_SECONDS + 31) * 1000;
    for (const method of ["GET", "POST"]) {
      const other = await e.follow(rejectUrl, method, method === "POST" ? { approver: "Mallory" } : undefined);
      expect(other.statusCode, `${method} of the other decision`).to.equal(409);
      expect(bodyText(other)).to.contain("Already decided: approved by Ana (being recorded)");
    }
    const form = await e.follow(approveUrl);
    expect(form.statusCode).to.equal(200);
    expect(bodyText(form)).to.contain("An earlier attempt to approve this request was interrupted");

    const page = await e.follow(approveUrl, "POST", { approver: "Ana", reason: "second" });
    expect(page.statusCode).to.equal(200);
    expect(bodyText(page)).to.contain("Recorded: approved");
    expect(e.stepFunctions.commands.map((c) => c.input.taskToken)).to.deep.equal([TOKEN, TOKEN]);
    expect(e.stepFunctions.answered.get(TOKEN)!.input).to.deep.equal({ taskToken: TOKEN, output: JSON.stringify({ approved: true, approver: "Ana", reason: "second" }) });
    const item = plain(e.item(requestId));
    expect(item).to.include({ status: "APPROVED", decision: "approve", reason: "second", decidedAt: new Date((NOW_SECONDS + 31) * 1000).toISOString() });
    expect(item).not.to.have.any.keys("taskToken", "leaseUntil");
  });

  it("finishes as decided (200) when the resumed click finds the token already answered: TaskTimedOut, as Step Functions says for a used token", async () => {
    const e = setup();
    const { requestId, rejectUrl } = await e.request();
    e.table.interceptUpdate("SET #status = :decided", "never");
    void e.follow(rejectUrl, "POST", { approver: "Bo", reason: "Income not verified" });
    await new Promise((r) => setImmediate(r));
    expect(e.stepFunctions.answered.get(TOKEN)).to.be.instanceOf(SendTaskFailureCommand);
    expect(plain(e.item(requestId))).to.include({ status: "DECIDING", decision: "reject", taskToken: TOKEN });

    e.clock.now = NOW + 60_000;
    const { result: page, lines } = await capturingLogs(() => e.follow(rejectUrl, "POST", { approver: "Bo" }));
    expect(page.statusCode).to.equal(200);
    expect(bodyText(page)).to.contain("Recorded: rejected");
    expect(JSON.parse(lines[0])).to.deep.equal({
      level: "WARN",
      message: "Resumed an interrupted decision that Step Functions had already taken",
      error: "TaskTimedOut",
      requestId,
    });
    expect(plain(e.item(requestId))).to.include({ status: "REJECTED" }).and.not.have.any.keys("taskToken", "leaseUntil");
  });

  for (const name of ["TaskDoesNotExist", "InvalidToken"]) {
    it(`finishes as decided (200) when the resumed click of a stale lease gets ${name}`, async () => {
      const e = setup();
      const { requestId, approveUrl } = await e.request();
      e.table.interceptUpdate("SET #status = :decided", "never");
      void e.follow(approveUrl, "POST", { approver: "Ana" });
      await new Promise((r) => setImmediate(r));
      e.clock.now = NOW + 31_000;
      e.stepFunctions.outcomes.push(serviceError(name));
      const { result: page } = await capturingLogs(() => e.follow(approveUrl, "POST", { approver: "Ana" }));
      expect(page.statusCode).to.equal(200);
      expect(plain(e.item(requestId))).to.include({ status: "APPROVED" }).and.not.have.any.keys("taskToken", "leaseUntil");
    });
  }

  it("stays DECIDING with its decision when the resumed click is throttled (503), so the other link still cannot decide", async () => {
    const e = setup();
    const { requestId, approveUrl, rejectUrl } = await e.request();
    e.stepFunctions.outcomes.push("never");
    void e.follow(approveUrl, "POST", { approver: "Ana" });
    await new Promise((r) => setImmediate(r));
    e.clock.now = NOW + 31_000;
    e.stepFunctions.outcomes.push(serviceError("ThrottlingException"));
    const { result: page } = await capturingLogs(() => e.follow(approveUrl, "POST", { approver: "Ana" }));
    expect(page.statusCode).to.equal(503);
    expect(plain(e.item(requestId))).to.include({ status: "DECIDING", decision: "approve", taskToken: TOKEN });
    expect((await e.follow(rejectUrl, "POST", {})).statusCode).to.equal(409);
    e.clock.now = NOW + 62_000;
    expect((await e.follow(approveUrl, "POST", { approver: "Ana" })).statusCode).to.equal(200);
    expect(e.item(requestId).status.S).to.equal("APPROVED");
  });
});

describe("approval-callback: settings and entry point", () => {
  afterEach(checkFakes);

  const ENV = { APPROVALS_TABLE_NAME: " approvals ", APPROVAL_SECRET_ARN: SETTINGS.secretArn };

  it("reads only the table and the secret from the environment", () => {
    expect(settingsFromEnvironment(ENV)).to.deep.equal(SETTINGS);
    expect(settingsFromEnvironment({ ...ENV, APPROVAL_TOPIC_ARN: "x", APPROVAL_ENDPOINT_URL: "ftp://ignored" })).to.deep.equal(SETTINGS);
  });

  for (const name of Object.keys(ENV)) {
    it(`throws InvalidApprovalSettings naming ${name} when it is missing or blank`, () => {
      for (const value of [undefined, " "]) {
        expect(() => settingsFromEnvironment({ ...ENV, [name]: value })).to.throw(InvalidApprovalSettings, name);
      }
    });
  }

  it("reads the environment only when invoked: the Lambda handler fails naming the missing variable", async () => {
    const saved = Object.fromEntries(Object.keys(ENV).map((k) => [k, process.env[k]]));
    for (const k of Object.keys(ENV)) delete process.env[k];
    try {
      const error = await rejectionOf(handler(httpEvent("https://x.example/approvals/a/approve", "GET")));
      expect(error.name).to.equal("InvalidApprovalSettings");
      expect(error.message).to.contain("APPROVALS_TABLE_NAME");
    } finally {
      for (const [k, v] of Object.entries(saved)) if (v !== undefined) process.env[k] = v;
    }
  });

  it("tells HTTP API events from approval requests", () => {
    expect(isHttpEvent(httpEvent("https://x.example/approvals/a/approve", "GET"))).to.equal(true);
    expect(isHttpEvent(REQUEST)).to.equal(false);
    expect(isHttpEvent({ version: "2.0", requestContext: {} })).to.equal(false);
    expect(isHttpEvent(null)).to.equal(false);
  });

  it("accepts the real SDK clients", () => {
    const clients: ApprovalCallbackClients = {
      stepFunctions: new SFNClient({ region: "eu-west-1" }),
      dynamodb: new DynamoDBClient({ region: "eu-west-1" }),
      secrets: new SecretsManagerClient({ region: "eu-west-1" }),
    };
    expect(createHandler(clients, SETTINGS)).to.be.a("function");
  });
});

describe("approval-callback: the fake table's condition evaluator", () => {
  afterEach(checkFakes);

  it("reads AND before OR and parentheses, compares numbers as numbers, and refuses what it does not know", () => {
    const item: Item = { status: { S: "DECIDING" }, decision: { S: "approve" }, leaseUntil: { N: "100" } };
    const names = { "#status": "status", "#decision": "decision", "#leaseUntil": "leaseUntil" };
    const values = (now: number, decision = "approve"): Record<string, AttributeValue> => ({
      ":pending": { S: "PENDING" },
      ":deciding": { S: "DECIDING" },
      ":decision": { S: decision },
      ":now": { N: String(now) },
    });
    const holds = (now: number, decision?: string) => evaluate(parseCondition(DECIDING_CONDITION), item, names, values(now, decision));
    expect(holds(99)).to.equal(false);
    expect(holds(100)).to.equal(false);
    expect(holds(101)).to.equal(true);
    expect(holds(1000), "9 < 10 numerically, not as text").to.equal(true);
    expect(holds(101, "reject")).to.equal(false);
    expect(evaluate(parseCondition(DECIDING_CONDITION), undefined, names, values(101))).to.equal(false);
    expect(evaluate(parseCondition("attribute_not_exists(requestId)"), undefined, {}, {})).to.equal(true);
    for (const unknown of ["#status <> :pending", "begins_with(#status, :p)", "#status = :pending AND", "(#status = :pending"]) {
      expect(() => parseCondition(unknown), unknown).to.throw();
    }
    fakeProblems.splice(0);
  });
});
