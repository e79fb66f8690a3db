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
import { PublishCommand, SNSClient } from "@aws-sdk/client-sns";
import {
  type ApprovalClients,
  type ApprovalRequested,
  type ApprovalSettings,
  approvalLinks,
  createHandler,
  DEFAULT_REJECTION_CAUSE,
  handler,
  InvalidApprovalRequest,
  InvalidApprovalSettings,
  isHttpEvent,
  MAX_TASK_TOKEN_LENGTH,
  REJECTION_ERROR,
  settingsFromEnvironment,
  signLink,
} from "../../handlers/approval-callback";
import type { HttpApiEvent, HttpApiResult } from "../../handlers/lib/http";
import { rejectionOf } from "./helpers";

type Item = Record<string, AttributeValue>;
type TableCommand = PutItemCommand | GetItemCommand | UpdateItemCommand;

/** An SDK-shaped service error: what the clients throw, told apart by `name`. */
function serviceError(name: string, message = name): Error {
  return Object.assign(new Error(message), { name });
}

/**
 * A DynamoDB table in a Map, keyed by `requestId`. It honours the condition and update expressions the handler
 * writes (`attribute_exists`, `attribute_not_exists`, `a = :v` joined by AND; SET and REMOVE), `#name`
 * placeholders, `ProjectionExpression` and `ReturnValues: "ALL_OLD"`, and refuses unused placeholders as
 * DynamoDB does. Anything else it does not understand fails the test.
 */
class FakeTable {
  readonly items = new Map<string, Item>();
  readonly commands: TableCommand[] = [];

  async send(command: TableCommand): Promise<unknown> {
    this.commands.push(command);
    if (command instanceof PutItemCommand) {
      const { Item: item, ConditionExpression } = command.input;
      const id = item!.requestId.S!;
      if (!this.holds(ConditionExpression, this.items.get(id), {}, {})) {
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
    if (!this.holds(ConditionExpression, old, ExpressionAttributeNames, ExpressionAttributeValues)) {
      throw serviceError("ConditionalCheckFailedException", "The conditional request failed");
    }
    const updated: Item = structuredClone(old ?? { requestId: { S: id } });
    for (const clause of UpdateExpression!.trim().split(/\s+(?=SET\s|REMOVE\s)/)) {
      const [, verb, rest] = /^(SET|REMOVE)\s+(.*)$/.exec(clause) ?? expect.fail(`fake DynamoDB cannot read "${clause}"`);
      for (const part of rest.split(",").map((p) => p.trim())) {
        if (verb === "REMOVE") {
          delete updated[resolve(part, ExpressionAttributeNames)];
        } else {
          const [, path, value] = /^(#?\w+)\s*=\s*(:\w+)$/.exec(part) ?? expect.fail(`fake DynamoDB cannot SET "${part}"`);
          updated[resolve(path, ExpressionAttributeNames)] = structuredClone(ExpressionAttributeValues[value]);
        }
      }
    }
    this.items.set(id, updated);
    return ReturnValues === "ALL_OLD" && old ? { Attributes: structuredClone(old) } : {};
  }

  /** The commands of one kind, by class name. */
  sent(kind: "PutItemCommand" | "GetItemCommand" | "UpdateItemCommand"): TableCommand[] {
    return this.commands.filter((c) => c.constructor.name === kind);
  }

  private holds(expression: string | undefined, item: Item | undefined, names: Record<string, string>, values: Record<string, AttributeValue>): boolean {
    if (!expression) return true;
    return expression.split(/\s+AND\s+/).every((term) => {
      const exists = /^attribute_(not_)?exists\((#?\w+)\)$/.exec(term);
      if (exists) return (item !== undefined && resolve(exists[2], names) in item) !== Boolean(exists[1]);
      const equals = /^(#?\w+)\s*=\s*(:\w+)$/.exec(term);
      if (equals) return item !== undefined && JSON.stringify(item[resolve(equals[1], names)]) === JSON.stringify(values[equals[2]]);
      return expect.fail(`fake DynamoDB cannot evaluate "${term}"`);
    });
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

function resolve(path: string, names: Record<string, string>): string {
  return path.startsWith("#") ? (names[path] ?? expect.fail(`undefined placeholder ${path}`)) : path;
}

const NOW = Date.UTC(2025, 2, 1, 12, 0, 0, 250);
const SECRET = "s".repeat(64);
const TOKEN = "AQCEAAAAKgAAAAMAAAAAAAAAAe1-secret-task-token";
const WEEK = 604_800;
const SETTINGS: ApprovalSettings = {
  tableName: "approvals",
  topicArn: "arn:aws:sns:eu-west-1:111111111111:credit-approval-requests",
  secretArn: "arn:aws:secretsmanager:eu-west-1:111111111111:secret:approval-signing-key",
  endpointUrl: "https://abc123.execute-api.eu-west-1.amazonaws.com",
};
const REQUEST = { taskToken: TOKEN, expiresInSeconds: WEEK, applicantId: "app-42", name: "Ana Lima", creditApplied: 12_500 };
const HTML_HEADERS = {
  "content-type": "text/html; charset=utf-8",
  "cache-control": "no-store",
  "referrer-policy": "no-referrer",
  "x-frame-options": "DENY",
  "content-security-policy": "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'",
};

/** The handler around fake services, with a clock the test can move (epoch milliseconds). */
function setup(secret: string = SECRET) {
  const table = new FakeTable();
  const stepFunctions = { commands: [] as (SendTaskSuccessCommand | SendTaskFailureCommand)[], failures: [] as Error[] };
  const published: PublishCommand[] = [];
  let secretReads = 0;
  const clock = { now: NOW };
  const clients: ApprovalClients = {
    dynamodb: table,
    stepFunctions: {
      async send(command) {
        stepFunctions.commands.push(command);
        const failure = stepFunctions.failures.shift();
        if (failure) throw failure;
        return {};
      },
    },
    sns: {
      async send(command) {
        published.push(command);
        return { MessageId: "m-1" };
      },
    },
    secrets: {
      async send(command: GetSecretValueCommand) {
        expect(command.input).to.deep.equal({ SecretId: SETTINGS.secretArn });
        secretReads += 1;
        return { SecretString: secret };
      },
    },
  };
  const run = createHandler(clients, SETTINGS, () => clock.now);
  return {
    table,
    stepFunctions,
    published,
    clock,
    secretReads: () => secretReads,
    /** Runs an approval request; returns its result and the links of the message it published. */
    async request(event: object = REQUEST): Promise<ApprovalRequested & { approveUrl: string; rejectUrl: string }> {
      const result = (await run(event)) as ApprovalRequested;
      const message = JSON.parse(published.at(-1)!.input.Message!) as { https: string };
      const { approveUrl, rejectUrl } = JSON.parse(message.https) as { approveUrl: string; rejectUrl: string };
      return { ...result, approveUrl, rejectUrl };
    },
    /** Follows a URL as API Gateway would deliver it. */
    async follow(url: string, method = "GET", form?: Record<string, string>, base64 = false): Promise<HttpApiResult> {
      return (await run(httpEvent(url, method, form, base64))) as HttpApiResult;
    },
  };
}

/** The HTTP API payload format 2.0 event for a request to `url`. */
function httpEvent(url: string, method: string, form?: Record<string, string>, base64 = false): HttpApiEvent {
  const parsed = new URL(url);
  const route = /^\/approvals\/([^/]+)\/([^/]+)$/.exec(parsed.pathname);
  const body = form ? new URLSearchParams(form).toString() : undefined;
  const query = Object.fromEntries(parsed.searchParams);
  return {
    version: "2.0",
    routeKey: `${method} /approvals/{requestId}/{decision}`,
    rawPath: parsed.pathname,
    rawQueryString: parsed.search.slice(1),
    ...(Object.keys(query).length ? { queryStringParameters: query } : {}),
    ...(route ? { pathParameters: { requestId: decodeURIComponent(route[1]), decision: decodeURIComponent(route[2]) } } : {}),
    requestContext: { http: { method, sourceIp: "203.0.113.9", path: parsed.pathname }, requestId: "api-req-1" },
    headers: { host: parsed.host, ...(form ? { "content-type": "application/x-www-form-urlencoded" } : {}) },
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

describe("approval-callback: approval request", () => {
  it("keeps the token in the table under a random request id, and returns the id and the expiry", async () => {
    const env = setup();
    const result = await env.request();
    expect(result.requestId).to.match(/^[A-Za-z0-9_-]{22}$/);
    expect(result.expiresAt).to.equal(Math.floor(NOW / 1000) + WEEK);
    const [put] = env.table.sent("PutItemCommand") as PutItemCommand[];
    expect(put.input).to.deep.equal({
      TableName: "approvals",
      ConditionExpression: "attribute_not_exists(requestId)",
      Item: {
        requestId: { S: result.requestId },
        taskToken: { S: TOKEN },
        status: { S: "PENDING" },
        expiresAt: { N: String(result.expiresAt) },
        requestedAt: { S: new Date(NOW).toISOString() },
        applicantId: { S: "app-42" },
        name: { S: "Ana Lima" },
        creditApplied: { N: "12500" },
      },
    });
    const second = await env.request();
    expect(second.requestId).not.to.equal(result.requestId);
    expect(env.secretReads(), "the secret is read once per handler").to.equal(1);
  });

  it("publishes one message with signed approve and reject links and no task token", async () => {
    const env = setup();
    const { requestId, expiresAt, approveUrl, rejectUrl } = await env.request();
    expect(env.published).to.have.length(1);
    const { input } = env.published[0];
    expect(input).to.include({ TopicArn: SETTINGS.topicArn, Subject: "Credit limit approval needed", MessageStructure: "json" });
    expect(JSON.stringify(input)).not.to.contain(TOKEN);
    expect(JSON.stringify(input)).not.to.contain("AQCEAAAA");

    const sig = (decision: "approve" | "reject") => signLink(SECRET, requestId, decision, expiresAt);
    expect(approveUrl).to.equal(`${SETTINGS.endpointUrl}/approvals/${requestId}/approve?expires=${expiresAt}&signature=${sig("approve")}`);
    expect(rejectUrl).to.equal(`${SETTINGS.endpointUrl}/approvals/${requestId}/reject?expires=${expiresAt}&signature=${sig("reject")}`);
    expect(approvalLinks(SETTINGS.endpointUrl, SECRET, requestId, expiresAt)).to.deep.equal({ approveUrl, rejectUrl });
    expect(sig("approve")).to.match(/^[A-Za-z0-9_-]{43}$/);

    const message = JSON.parse(input.Message!) as Record<string, string>;
    expect(message).to.have.all.keys("default", "email", "https");
    expect(message.email).to.equal(message.default);
    const text = message.email;
    expect(text).to.contain("Ana Lima").and.contain("app-42").and.contain("12,500");
    expect(text).to.contain(`Approve:\n${approveUrl}\n`).and.contain(`Reject:\n${rejectUrl}\n`);
    expect(text).to.contain(`${new Date(expiresAt * 1000).toISOString().replace(".000Z", "Z")} (UTC)`);
    expect(text).to.contain("confirmation page");
    expect(JSON.parse(message.https)).to.deep.equal({
      requestId,
      applicantId: "app-42",
      name: "Ana Lima",
      creditApplied: 12_500,
      expiresAt: "2025-03-08T12:00:00Z",
      approveUrl,
      rejectUrl,
    });
  });

  it("keeps a name's line breaks from adding lines to the plain-text message", async () => {
    const env = setup();
    await env.request({ ...REQUEST, name: "Eve\nApprove:\nhttps://evil.example/" });
    const text = (JSON.parse(env.published[0].input.Message!) as { email: string }).email;
    expect(text.split("\n").filter((line) => line === "Approve:")).to.have.length(1);
    expect(text).to.contain("Eve Approve: https://evil.example/");
  });

  for (const [what, event, field] of [
    ["a non-object event", "approve", "JSON object"],
    ["a missing token", { ...REQUEST, taskToken: undefined }, "taskToken"],
    ["a blank token", { ...REQUEST, taskToken: "  " }, "taskToken"],
    ["a token longer than 2048 characters", { ...REQUEST, taskToken: "t".repeat(MAX_TASK_TOKEN_LENGTH + 1) }, "taskToken"],
    ["a zero expiry", { ...REQUEST, expiresInSeconds: 0 }, "expiresInSeconds"],
    ["a fractional expiry", { ...REQUEST, expiresInSeconds: 1.5 }, "expiresInSeconds"],
    ["an expiry over a year", { ...REQUEST, expiresInSeconds: 31_536_001 }, "expiresInSeconds"],
    ["a string expiry", { ...REQUEST, expiresInSeconds: "600" }, "expiresInSeconds"],
    ["a missing applicantId", { ...REQUEST, applicantId: undefined }, "applicantId"],
    ["a blank name", { ...REQUEST, name: " " }, "name"],
    ["a string amount", { ...REQUEST, creditApplied: "5000" }, "creditApplied"],
    ["a negative amount", { ...REQUEST, creditApplied: -1 }, "creditApplied"],
    ["a NaN amount", { ...REQUEST, creditApplied: Number.NaN }, "creditApplied"],
  ] as const) {
    it(`throws InvalidApprovalRequest naming the field for ${what}, writing and publishing nothing`, async () => {
      const env = setup();
      const error = await rejectionOf(env.request(event as object));
      expect(error).to.be.instanceOf(InvalidApprovalRequest);
      expect(error.name).to.equal("InvalidApprovalRequest");
      expect(error.message).to.contain(field).and.match(/Received: /);
      expect(error.message, "the token is never echoed").not.to.contain("tttttttt");
      expect(env.table.commands).to.have.length(0);
      expect(env.published).to.have.length(0);
    });
  }

  it("refuses a signing secret shorter than 32 characters without echoing it, writing nothing", async () => {
    const env = setup("short-secret");
    const error = await rejectionOf(env.request());
    expect(error).to.be.instanceOf(InvalidApprovalSettings);
    expect(error.message).to.contain("SecretString").and.contain("12 characters").and.not.contain("short-secret");
    expect(env.table.commands).to.have.length(0);
  });
});

describe("approval-callback: a followed link", () => {
  it("shows a confirmation form on GET and changes nothing", async () => {
    const env = setup();
    const { approveUrl } = await env.request();
    const before = env.table.commands.length;
    const page = await env.follow(approveUrl);
    expect(page.statusCode).to.equal(200);
    expect(page.headers).to.deep.equal(HTML_HEADERS);
    expect(page.body).to.match(/^<!doctype html>/);
    expect(page.body).to.contain('<form method="post">');
    expect(page.body).to.match(/<input [^>]*name="approver"/).and.match(/<input [^>]*name="reason"/);
    expect(page.body).to.contain('<button type="submit">Approve</button>');
    expect(bodyText(page)).to.contain("Ana Lima").and.contain("app-42").and.contain("12,500");
    expect(page.body).not.to.contain(TOKEN);
    await env.follow(approveUrl);
    const since = env.table.commands.slice(before);
    expect(since.map((c) => c.constructor.name)).to.deep.equal(["GetItemCommand", "GetItemCommand"]);
    expect(env.stepFunctions.commands).to.have.length(0);
    expect([...env.table.items.values()][0].status).to.deep.equal({ S: "PENDING" });
  });

  it("approves on POST: SendTaskSuccess with the approver and reason, and the token is no longer kept", async () => {
    const env = setup();
    const { requestId, approveUrl } = await env.request();
    expect((await env.follow(approveUrl)).statusCode).to.equal(200);
    const page = await env.follow(approveUrl, "POST", { approver: "  Ana  ", reason: "Good history" });
    expect(page.statusCode).to.equal(200);
    expect(page.headers).to.deep.equal(HTML_HEADERS);
    expect(bodyText(page)).to.contain("Recorded: approved");
    expect(env.stepFunctions.commands).to.have.length(1);
    const [command] = env.stepFunctions.commands;
    expect(command).to.be.instanceOf(SendTaskSuccessCommand);
    expect(command.input).to.deep.equal({ taskToken: TOKEN, output: JSON.stringify({ approved: true, approver: "Ana", reason: "Good history" }) });
    const item = env.table.items.get(requestId)!;
    expect(item).to.include.keys("decidedAt");
    expect(item).not.to.have.property("taskToken");
    expect([item.status.S, item.approver.S, item.reason.S, item.decidedAt.S]).to.deep.equal(["APPROVED", "Ana", "Good history", new Date(NOW).toISOString()]);
  });

  it("sends approver \"approval link\" and no reason when the form is left blank", async () => {
    const env = setup();
    const { approveUrl } = await env.request();
    await env.follow(approveUrl, "POST", { approver: " ", reason: "" });
    expect(JSON.parse((env.stepFunctions.commands[0] as SendTaskSuccessCommand).input.output!)).to.deep.equal({ approved: true, approver: "approval link" });
  });

  it("reads a base64-encoded form body", async () => {
    const env = setup();
    const { approveUrl } = await env.request();
    await env.follow(approveUrl, "POST", { approver: "Zoë" }, true);
    expect(JSON.parse((env.stepFunctions.commands[0] as SendTaskSuccessCommand).input.output!)).to.deep.equal({ approved: true, approver: "Zoë" });
  });

  it("rejects on POST: SendTaskFailure CreditRejected with the reason as cause", async () => {
    const env = setup();
    const { requestId, rejectUrl } = await env.request();
    const form = await env.follow(rejectUrl);
    expect(form.body).to.contain('<button type="submit">Reject</button>');
    const page = await env.follow(rejectUrl, "POST", { approver: "Bo", reason: "Income not verified" });
    expect(page.statusCode).to.equal(200);
    expect(bodyText(page)).to.contain("Recorded: rejected");
    expect(env.stepFunctions.commands).to.have.length(1);
    expect(env.stepFunctions.commands[0]).to.be.instanceOf(SendTaskFailureCommand);
    expect(env.stepFunctions.commands[0].input).to.deep.equal({ taskToken: TOKEN, error: REJECTION_ERROR, cause: "Income not verified" });
    expect(REJECTION_ERROR).to.equal("CreditRejected");
    expect(env.table.items.get(requestId)!.status).to.deep.equal({ S: "REJECTED" });
  });

  it("rejects with the default cause when no reason is given", async () => {
    const env = setup();
    const { rejectUrl } = await env.request();
    await env.follow(rejectUrl, "POST", {});
    expect(env.stepFunctions.commands[0].input).to.deep.equal({ taskToken: TOKEN, error: "CreditRejected", cause: DEFAULT_REJECTION_CAUSE });
  });

  it("answers a second POST, on either link, with 409 Already decided and sends nothing more", async () => {
    const env = setup();
    const { approveUrl, rejectUrl } = await env.request();
    await env.follow(approveUrl, "POST", { approver: "Ana" });
    for (const url of [approveUrl, rejectUrl]) {
      const again = await env.follow(url, "POST", { approver: "Mallory" });
      expect(again.statusCode).to.equal(409);
      expect(bodyText(again)).to.match(/Already decided: approved by Ana at 2025-03-01T12:00:00\.250Z/);
    }
    const shown = await env.follow(rejectUrl);
    expect(shown.statusCode).to.equal(409);
    expect(bodyText(shown)).to.contain("Already decided: approved by Ana");
    expect(env.stepFunctions.commands).to.have.length(1);
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
      const env = setup();
      const { approveUrl } = await env.request();
      const before = env.table.commands.length;
      for (const method of ["GET", "POST"]) {
        const page = await env.follow(tamper(approveUrl), method, method === "POST" ? { approver: "x" } : undefined);
        expect(page.statusCode).to.equal(403);
        expect(page.headers).to.deep.equal(HTML_HEADERS);
        expect(bodyText(page)).to.contain("This link is not valid.");
      }
      expect(env.table.commands.length).to.equal(before);
      expect(env.stepFunctions.commands).to.have.length(0);
    });
  }

  it("answers 410 for an expired link, touching neither DynamoDB nor Step Functions", async () => {
    const env = setup();
    const { approveUrl, expiresAt } = await env.request();
    const before = env.table.commands.length;
    env.clock.now = expiresAt * 1000 + 999;
    expect((await env.follow(approveUrl)).statusCode, "still valid during its last second").to.equal(200);
    env.clock.now = (expiresAt + 1) * 1000;
    for (const method of ["GET", "POST"]) {
      const page = await env.follow(approveUrl, method, method === "POST" ? {} : undefined);
      expect(page.statusCode).to.equal(410);
      expect(bodyText(page)).to.contain("This link expired at 2025-03-08T12:00:00Z");
    }
    expect(env.table.commands.length).to.equal(before + 1);
    expect(env.stepFunctions.commands).to.have.length(0);
  });

  it("answers 404 for an unknown decision or missing path parameters, and 405 for other methods", async () => {
    const env = setup();
    const { approveUrl, requestId, expiresAt } = await env.request();
    const before = env.table.commands.length;
    const maybe = withPath(approveUrl, `/approvals/${requestId}/maybe`);
    expect((await env.follow(maybe)).statusCode).to.equal(404);
    expect((await env.follow(withPath(approveUrl, "/approvals"))).statusCode).to.equal(404);
    const put = await env.follow(approveUrl, "PUT");
    expect(put.statusCode).to.equal(405);
    expect(put.headers).to.include({ allow: "GET, POST" });
    expect(env.table.commands.length).to.equal(before);
    // A correctly signed link for a request the table never had.
    const unknownId = "B".repeat(22);
    const [unknownLink] = Object.values(approvalLinks(SETTINGS.endpointUrl, SECRET, unknownId, expiresAt));
    expect((await env.follow(unknownLink)).statusCode).to.equal(404);
    expect((await env.follow(unknownLink, "POST", {})).statusCode).to.equal(404);
    expect(env.stepFunctions.commands).to.have.length(0);
  });

  it("answers 400 for an approver over 256 or a reason over 1024 characters, deciding nothing", async () => {
    const env = setup();
    const { requestId, approveUrl } = await env.request();
    const long = await env.follow(approveUrl, "POST", { approver: "a".repeat(257) });
    expect(long.statusCode).to.equal(400);
    expect(bodyText(long)).to.contain("approver must be at most 256 characters");
    expect((await env.follow(approveUrl, "POST", { reason: "r".repeat(1025) })).statusCode).to.equal(400);
    expect((await env.follow(approveUrl, "POST", { reason: ` ${"r".repeat(1024)} ` })).statusCode).to.equal(200);
    expect(env.table.items.get(requestId)!.status.S).to.equal("APPROVED");
  });

  it("escapes HTML in every value it shows", async () => {
    const env = setup();
    const { approveUrl, rejectUrl } = await env.request({ ...REQUEST, name: "<script>alert(1)</script>", applicantId: `"'&` });
    const form = await env.follow(approveUrl);
    expect(form.body).not.to.contain("<script>");
    expect(form.body).to.contain("&#60;script&#62;alert(1)&#60;/script&#62;").and.contain("&#34;&#39;&#38;");
    await env.follow(approveUrl, "POST", { approver: "<img src=x onerror=alert(1)>" });
    const decided = await env.follow(rejectUrl);
    expect(decided.statusCode).to.equal(409);
    expect(decided.body).not.to.contain("<img");
    expect(decided.body).to.contain("&#60;img src=x onerror=alert(1)&#62;");
  });

  for (const name of ["TaskTimedOut", "TaskDoesNotExist", "InvalidToken"]) {
    it(`marks the request EXPIRED and answers 410 when Step Functions answers ${name}`, async () => {
      const env = setup();
      const { requestId, approveUrl } = await env.request();
      env.stepFunctions.failures.push(serviceError(name));
      const page = await env.follow(approveUrl, "POST", { approver: "Ana" });
      expect(page.statusCode).to.equal(410);
      expect(bodyText(page)).to.contain("The approval request is no longer waiting");
      expect(env.table.items.get(requestId)!.status).to.deep.equal({ S: "EXPIRED" });
      expect((await env.follow(approveUrl)).statusCode).to.equal(410);
      expect(env.stepFunctions.commands).to.have.length(1);
    });
  }

  it("puts the request back to PENDING and answers 503 when Step Functions fails otherwise, so the link works again", async () => {
    const env = setup();
    const { requestId, approveUrl } = await env.request();
    env.stepFunctions.failures.push(serviceError("ThrottlingException"));
    const logged: unknown[][] = [];
    const original = console.error;
    console.error = (...args: unknown[]) => void logged.push(args);
    let page: HttpApiResult;
    try {
      page = await env.follow(approveUrl, "POST", { approver: "Ana", reason: "ok" });
    } finally {
      console.error = original;
    }
    expect(page.statusCode).to.equal(503);
    expect(JSON.stringify(logged)).not.to.contain(TOKEN);
    const item = env.table.items.get(requestId)!;
    expect(item.status.S).to.equal("PENDING");
    expect(item.taskToken.S).to.equal(TOKEN);
    expect(item).not.to.have.any.keys("decidedAt", "approver", "reason");
    const retry = await env.follow(approveUrl, "POST", { approver: "Ana" });
    expect(retry.statusCode).to.equal(200);
    expect(env.stepFunctions.commands.map((c) => c.input.taskToken)).to.deep.equal([TOKEN, TOKEN]);
  });
});

describe("approval-callback: settings and entry point", () => {
  const ENV = {
    APPROVALS_TABLE_NAME: "approvals",
    APPROVAL_TOPIC_ARN: SETTINGS.topicArn,
    APPROVAL_SECRET_ARN: SETTINGS.secretArn,
    APPROVAL_ENDPOINT_URL: `${SETTINGS.endpointUrl}/`,
  };

  it("reads the settings from the environment, dropping the URL's trailing slash", () => {
    expect(settingsFromEnvironment(ENV)).to.deep.equal(SETTINGS);
  });

  for (const name of Object.keys(ENV)) {
    it(`throws InvalidApprovalSettings naming ${name} when it is missing or blank`, () => {
      for (const value of [undefined, " "]) {
        const error = (() => {
          try {
            settingsFromEnvironment({ ...ENV, [name]: value });
          } catch (e) {
            return e as Error;
          }
          return expect.fail("expected a throw");
        })();
        expect(error).to.be.instanceOf(InvalidApprovalSettings);
        expect(error.message).to.contain(name);
      }
    });
  }

  it("throws naming APPROVAL_ENDPOINT_URL when it is not an http(s) URL", () => {
    for (const url of ["not a url", "ftp://example.com", "https://example.com/?q=1"]) {
      expect(() => settingsFromEnvironment({ ...ENV, APPROVAL_ENDPOINT_URL: url })).to.throw(InvalidApprovalSettings, /APPROVAL_ENDPOINT_URL.*Received:/);
    }
  });

  it("reads the environment only when invoked: the Lambda handler fails naming the missing variable", async () => {
    const saved = Object.fromEntries(Object.keys(ENV).map((k) => [k, process.env[k]]));
    for (const k of Object.keys(ENV)) delete process.env[k];
    try {
      const error = await rejectionOf(handler(REQUEST));
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
    const clients: ApprovalClients = {
      stepFunctions: new SFNClient({ region: "eu-west-1" }),
      dynamodb: new DynamoDBClient({ region: "eu-west-1" }),
      sns: new SNSClient({ region: "eu-west-1" }),
      secrets: new SecretsManagerClient({ region: "eu-west-1" }),
    };
    expect(createHandler(clients, SETTINGS)).to.be.a("function");
  });
});
