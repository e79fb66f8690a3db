import { expect } from "chai";
import { type AttributeValue, DynamoDBClient, PutItemCommand } from "@aws-sdk/client-dynamodb";
import { GetSecretValueCommand, SecretsManagerClient } from "@aws-sdk/client-secrets-manager";
import { PublishCommand, SNSClient } from "@aws-sdk/client-sns";
import {
  APPROVAL_SUBJECT,
  type ApprovalRequestClients,
  type ApprovalRequestSettings,
  approvalLinks,
  createHandler,
  handler,
  InvalidApprovalRequest,
  InvalidApprovalSettings,
  MAX_TASK_TOKEN_LENGTH,
  settingsFromEnvironment,
  signLink,
} from "../../handlers/approval-request";
import { rejectionOf } from "./helpers";

const NOW = Date.UTC(2025, 2, 1, 12, 0, 0, 250);
const SECRET = "s".repeat(64);
const TOKEN = "AQCEAAAAKgAAAAMAAAAAAAAAAe1-secret-task-token";
const WEEK = 604_800;
const SETTINGS: ApprovalRequestSettings = {
  tableName: "approvals",
  topicArn: "arn:aws:sns:eu-west-1:111111111111:credit-approval-requests",
  secretArn: "arn:aws:secretsmanager:eu-west-1:111111111111:secret:approval-signing-key",
  endpointUrl: "https://abc123.execute-api.eu-west-1.amazonaws.com",
};
const REQUEST = { taskToken: TOKEN, expiresInSeconds: WEEK, applicantId: "app-42", name: "Ana Lima", creditApplied: 12_500 };

/** The parts of the published message (MessageStructure json). */
interface MessageParts {
  default: string;
  email: string;
  https: string;
}

/**
 * The handler around fakes. The clients bag also holds a Step Functions spy, which the handler must never use:
 * the request function's role has no task-token permission.
 */
function setup(secret: string = SECRET) {
  const puts: PutItemCommand[] = [];
  const items = new Map<string, Record<string, AttributeValue>>();
  const published: PublishCommand[] = [];
  const stepFunctionsCalls: unknown[] = [];
  let secretReads = 0;
  const clients: ApprovalRequestClients & { stepFunctions: { send(command: unknown): Promise<unknown> } } = {
    dynamodb: {
      async send(command: PutItemCommand) {
        expect(command).to.be.instanceOf(PutItemCommand);
        puts.push(command);
        const id = command.input.Item!.requestId.S!;
        expect(command.input.ConditionExpression).to.equal("attribute_not_exists(requestId)");
        if (items.has(id)) throw Object.assign(new Error("The conditional request failed"), { name: "ConditionalCheckFailedException" });
        items.set(id, structuredClone(command.input.Item!));
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
    stepFunctions: {
      async send(command) {
        stepFunctionsCalls.push(command);
        return {};
      },
    },
  };
  const run = createHandler(clients, SETTINGS, () => NOW);
  return {
    run,
    puts,
    items,
    published,
    stepFunctionsCalls,
    secretReads: () => secretReads,
    /** The parts of the last published message. */
    message(): MessageParts {
      return JSON.parse(published.at(-1)!.input.Message!) as MessageParts;
    },
  };
}

describe("approval-request: an approval request", () => {
  it("keeps the token in the table under a random request id, and returns the id and the expiry", async () => {
    const e = setup();
    const result = await e.run(REQUEST);
    expect(result.requestId).to.match(/^[A-Za-z0-9_-]{22}$/);
    expect(result.expiresAt).to.equal(Math.floor(NOW / 1000) + WEEK);
    expect(e.puts[0].input).to.deep.equal({
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
    const second = await e.run(REQUEST);
    expect(second.requestId).not.to.equal(result.requestId);
    expect(e.secretReads(), "the secret is read once per handler").to.equal(1);
  });

  it("only writes the item and publishes: it never calls Step Functions", async () => {
    const e = setup();
    await e.run(REQUEST);
    expect(e.puts).to.have.length(1);
    expect(e.published).to.have.length(1);
    expect(e.stepFunctionsCalls).to.have.length(0);
  });

  it("publishes one message whose email and https parts carry the signed approve and reject links, and no task token", async () => {
    const e = setup();
    const { requestId, expiresAt } = await e.run(REQUEST);
    expect(e.published).to.have.length(1);
    const { input } = e.published[0];
    expect(input).to.include({ TopicArn: SETTINGS.topicArn, Subject: APPROVAL_SUBJECT, MessageStructure: "json" });
    expect(APPROVAL_SUBJECT).to.equal("Credit limit approval needed");
    expect(JSON.stringify(input)).not.to.contain(TOKEN).and.not.contain("AQCEAAAA");

    const sig = (decision: "approve" | "reject") => signLink(SECRET, requestId, decision, expiresAt);
    const approveUrl = `${SETTINGS.endpointUrl}/approvals/${requestId}/approve?expires=${expiresAt}&signature=${sig("approve")}`;
    const rejectUrl = `${SETTINGS.endpointUrl}/approvals/${requestId}/reject?expires=${expiresAt}&signature=${sig("reject")}`;
    expect(approvalLinks(SETTINGS.endpointUrl, SECRET, requestId, expiresAt)).to.deep.equal({ approveUrl, rejectUrl });
    expect(sig("approve")).to.match(/^[A-Za-z0-9_-]{43}$/);

    const message = e.message();
    expect(message).to.have.all.keys("default", "email", "https");
    expect(message.email).to.contain("Ana Lima").and.contain("app-42").and.contain("12,500");
    expect(message.email).to.contain(`Approve:\n${approveUrl}\n`).and.contain(`Reject:\n${rejectUrl}\n`);
    expect(message.email).to.contain("2025-03-08T12:00:00Z (UTC)").and.contain("confirmation page");
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

  it("gives the default part (what SQS, Lambda and other subscribers get) no link, so such a subscriber cannot decide", async () => {
    const e = setup();
    const { requestId, expiresAt } = await e.run(REQUEST);
    const text = e.message().default;
    expect(text).to.contain("Ana Lima").and.contain("app-42").and.contain("12,500").and.contain(requestId);
    expect(text).to.contain("open the approval email to decide");
    expect(text).not.to.match(/https?:/);
    expect(text).not.to.contain("execute-api").and.not.contain("/approvals/").and.not.contain("signature");
    for (const decision of ["approve", "reject"] as const) expect(text).not.to.contain(signLink(SECRET, requestId, decision, expiresAt));
  });

  it("keeps a name's line breaks from adding lines to the plain-text parts", async () => {
    const e = setup();
    await e.run({ ...REQUEST, name: "Eve\nApprove:\nhttps://evil.example/" });
    const { email, default: plain } = e.message();
    expect(email.split("\n").filter((line) => line === "Approve:")).to.have.length(1);
    expect(email).to.contain("Eve Approve: https://evil.example/");
    expect(plain.split("\n").filter((line) => line === "Approve:")).to.have.length(0);
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
      const e = setup();
      const error = await rejectionOf(e.run(event));
      expect(error).to.be.instanceOf(InvalidApprovalRequest);
      expect(error.name).to.equal("InvalidApprovalRequest");
      expect(error.message).to.contain(field).and.match(/Received: /);
      expect(error.message, "the token is never echoed").not.to.contain("tttttttt");
      expect(e.puts).to.have.length(0);
      expect(e.published).to.have.length(0);
    });
  }

  it("refuses an HTTP API event (a followed link belongs to approval-callback), naming it, reading and writing nothing", async () => {
    const e = setup();
    const event = {
      version: "2.0",
      routeKey: "POST /approvals/{requestId}/{decision}",
      rawPath: "/approvals/AAAAAAAAAAAAAAAAAAAAAA/approve",
      requestContext: { http: { method: "POST", sourceIp: "203.0.113.9" }, requestId: "api-req-1" },
      body: "approver=Mallory",
    };
    const error = await rejectionOf(e.run(event));
    expect(error).to.be.instanceOf(InvalidApprovalRequest);
    expect(error.message).to.contain("not an HTTP API event").and.contain("approval-callback").and.contain("Received: an HTTP API event (POST ");
    expect(e.secretReads()).to.equal(0);
    expect(e.puts).to.have.length(0);
    expect(e.published).to.have.length(0);
    expect(e.stepFunctionsCalls).to.have.length(0);
  });

  it("refuses a signing secret shorter than 32 characters without echoing it, writing nothing", async () => {
    const e = setup("short-secret");
    const error = await rejectionOf(e.run(REQUEST));
    expect(error).to.be.instanceOf(InvalidApprovalSettings);
    expect(error.message).to.contain("SecretString").and.contain("12 characters").and.not.contain("short-secret");
    expect(e.puts).to.have.length(0);
    expect(e.published).to.have.length(0);
  });
});

describe("approval-request: settings and entry point", () => {
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
        expect(() => settingsFromEnvironment({ ...ENV, [name]: value })).to.throw(InvalidApprovalSettings, name);
      }
    });
  }

  it("accepts an https:// endpoint, and http:// only on a loopback host (the local run serves the API on 127.0.0.1)", () => {
    for (const url of [
      "https://abc123.execute-api.eu-west-1.amazonaws.com",
      "https://approvals.example.com/prod",
      "http://127.0.0.1:4010",
      "http://localhost:4010/",
      "http://[::1]:4010",
    ]) {
      expect(settingsFromEnvironment({ ...ENV, APPROVAL_ENDPOINT_URL: url }).endpointUrl, url).to.equal(url.replace(/\/$/, ""));
    }
  });

  it("throws naming APPROVAL_ENDPOINT_URL for plain http on another host, another scheme, credentials, a query or a fragment", () => {
    for (const url of [
      "not a url",
      "http://abc123.execute-api.eu-west-1.amazonaws.com",
      "http://10.0.0.5:4010",
      "http://127.0.0.2:4010",
      "http://localhost.evil.example",
      "ftp://example.com",
      "https://user:pass@example.com",
      "https://example.com/?q=1",
      "https://example.com/#x",
    ]) {
      expect(() => settingsFromEnvironment({ ...ENV, APPROVAL_ENDPOINT_URL: url }), url).to.throw(
        InvalidApprovalSettings,
        /APPROVAL_ENDPOINT_URL must be an https:\/\/ URL .*Received:/,
      );
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

  it("accepts the real SDK clients", () => {
    const clients: ApprovalRequestClients = {
      dynamodb: new DynamoDBClient({ region: "eu-west-1" }),
      sns: new SNSClient({ region: "eu-west-1" }),
      secrets: new SecretsManagerClient({ region: "eu-west-1" }),
    };
    expect(createHandler(clients, SETTINGS)).to.be.a("function");
  });
});
