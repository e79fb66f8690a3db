import { expect } from "chai";
import { GetObjectCommand } from "@aws-sdk/client-s3";
import * as path from "node:path";
import type { Json } from "../../infra/definition/asl";
import { plans } from "./plans";
import { LocalStack } from "../../local/runner";
import { loadScenario, loadScenarios, runScenario, SAMPLES_DIR, type Scenario, scenarioStack } from "../../local/scenarios";

/** The sample scenario of that name. */
function sample(name: string): Scenario {
  return loadScenario(path.join(SAMPLES_DIR, `${name}.json`));
}

/** Runs a sample as `npm start` does (through its trigger, when it names one) and returns the execution's report. */
async function runSample(stack: LocalStack, name: string) {
  const result = await runScenario(stack, { ...sample(name), stack: stack.stack });
  if (!result.report) throw result.error ?? new Error(result.mismatches.join("; "));
  return result.report;
}

describe("local runs of the sample scenarios (dev stack)", () => {
  let stack: LocalStack;
  before(async () => {
    stack = await LocalStack.start({ stack: "dev", plans });
  });
  after(async () => {
    await stack?.stop();
  });

  describe("credit-approval", () => {
    it("approves 3000 automatically and scores the applicant at each of the 3 seeded bureaus", async () => {
      const report = await runSample(stack, "credit-3000-auto-approved");
      expect(report.status).to.equal("SUCCEEDED");
      const states = report.path.map((step) => step.state);
      expect(states).to.include.members(["Auto-approve limit", "Cooling-off period", "Verify identity", "Verify address"]);
      expect(states).not.to.include("Wait for human approval");
      expect(report.waits.map((w) => [w.state, w.defined])).to.deep.equal([["Cooling-off period", "Seconds: 5"]]);
      expect(report.waits[0].waitedSeconds).to.be.within(5, 5.2);
      expect(report.path.filter((s) => s.state === "Verify identity" || s.state === "Verify address").map((s) => s.within)).to.deep.include.members([
        { state: "Verify applicant's identity and address", kind: "branch", index: 0 },
        { state: "Verify applicant's identity and address", kind: "branch", index: 1 },
      ]);
      const iterations = report.path.filter((step) => step.state === "Get all scores").map((step) => step.within?.index);
      expect(iterations).to.have.members([0, 1, 2]);
      const output = report.output as { approval: Json; scores: { bureau: string; score: number }[] };
      expect(output.approval).to.deep.include({ approved: true, approver: "auto" });
      expect(output.scores.map((s) => s.bureau)).to.have.members(["Equifax", "Experian", "TransUnion"]);
      for (const { score } of output.scores) expect(score).to.be.within(300, 850);
      expect(report.notifications).to.be.empty;
    });

    it("mails a 6000 request with signed links, no task token, and continues once the approver follows the approve link", async () => {
      const served = stack.endpoint!.requests.length;
      const report = await runSample(stack, "credit-6000-approved");
      expect(report.status).to.equal("SUCCEEDED");
      // The approval-callback handler's real SFNClient answered the token through the local Step Functions endpoint.
      expect(stack.endpoint!.requests.slice(served)).to.deep.equal([{ operation: "SendTaskSuccess", status: 200 }]);
      const states = report.path.map((step) => step.state);
      expect(states.slice(0, 4)).to.deep.equal(["Get credit limit", "Credit applied >= 5000?", "Wait for human approval", "Cooling-off period"]);
      expect(states).not.to.include("Auto-approve limit");
      expect(report.notifications).to.have.length(1);
      const [request] = report.notifications;
      expect(request.topicArn).to.equal(stack.naming.topicArn("credit-approval-requests"));
      expect(request.subject).to.equal("Credit limit approval needed");
      const [answer] = report.taskTokens;
      expect(answer).to.deep.include({ state: "Wait for human approval", outcome: "success" });
      // The message carries the links, never the raw task token.
      expect(request.message).not.to.include(answer.taskToken);
      expect(request.message).not.to.include(encodeURIComponent(answer.taskToken));
      const email = (JSON.parse(request.message) as { email: string }).email;
      expect(email).to.include("Grace Hopper").and.match(new RegExp(`Approve:\\s*${stack.httpApi!.url}/approvals/[\\w-]+/approve\\?expires=\\d+&signature=[\\w-]+`));
      // The approver's browser: GET shows the confirmation page, POST decides, both through the local HTTP API.
      expect(stack.httpApi!.requests.slice(-2).map((r) => [r.method, r.routeKey, r.status])).to.deep.equal([
        ["GET", "GET /approvals/{requestId}/{decision}", 200],
        ["POST", "POST /approvals/{requestId}/{decision}", 200],
      ]);
      expect(report.invocations.map((i) => i.function)).to.include("approval-request");
      expect(answer.outcome === "success" && answer.output).to.deep.equal({ approved: true, approver: "risk-officer@example.com", reason: "Long-standing customer with a clean record." });
      expect((report.output as { approval: Json }).approval).to.deep.equal({ approved: true, approver: "risk-officer@example.com", reason: "Long-standing customer with a clean record." });
      // Every call on the way was authorized: the execution role's, both handlers', API Gateway's.
      expect(report.authorizations.every((d) => d.allowed)).to.equal(true);
      expect(report.authorizations.map((d) => `${d.call.principal.split("/").pop()} ${d.call.action}`)).to.include.members([
        "statecraft-dev-credit-approval-role lambda:InvokeFunction",
        "statecraft-dev-approval-request-role dynamodb:PutItem",
        "statecraft-dev-approval-request-role sns:Publish",
        "statecraft-dev-approval-request-role secretsmanager:GetSecretValue",
        "apigateway.amazonaws.com lambda:InvokeFunction",
        "statecraft-dev-approval-callback-role secretsmanager:GetSecretValue",
        "statecraft-dev-approval-callback-role dynamodb:UpdateItem",
        "statecraft-dev-approval-callback-role states:SendTaskSuccess",
      ]);
    });

    it("fails a rejected 6000 request with CreditRejected and the approver's reason as cause", async () => {
      const report = await runSample(stack, "credit-6000-rejected");
      expect(report).to.deep.include({ status: "FAILED", error: "CreditRejected", cause: "Income does not support a limit of 6000." });
      expect(report.path.map((step) => step.state)).to.deep.equal(["Get credit limit", "Credit applied >= 5000?", "Wait for human approval", "Credit rejected"]);
      expect(report.caught).to.deep.equal([{ state: "Wait for human approval", error: "CreditRejected", errorEquals: ["CreditRejected"], next: "Credit rejected" }]);
      expect(report.notifications.map((n) => n.topic)).to.deep.equal(["credit-approval-requests"]);
    });
  });

  describe("backup-orchestration", () => {
    it("backs up the stack's backup tables and notifies the success topic", async () => {
      const report = await runSample(stack, "backup-success");
      expect(report.status).to.equal("SUCCEEDED");
      expect(report.path.map((step) => step.state)).to.deep.equal(["BackupTables", "CheckBackupSuccess", "SendSuccessNotification"]);
      expect(report.retries).to.be.empty;
      expect(report.backups.map((b) => b.table)).to.deep.equal(["statecraft-dev-orders", "statecraft-dev-credit-bureaus"]);
      for (const { backupArn, table } of report.backups) {
        expect(backupArn).to.match(new RegExp(`^arn:aws:dynamodb:eu-west-1:111111111111:table/${table}/backup/\\d{14}-[0-9a-f]{8}$`));
      }
      expect(report.notifications).to.have.length(1);
      const [notification] = report.notifications;
      expect(notification).to.deep.include({ topic: "backup-success", subject: "DynamoDB backups succeeded" });
      const body = JSON.parse(notification.message) as { backups: { backupArn: string }[] };
      expect(body.backups.map((b) => b.backupArn)).to.deep.equal(report.backups.map((b) => b.backupArn));
    });

    it("retries a failing table 3 times, then notifies the failure topic and fails with BackupFailed", async () => {
      const report = await runSample(stack, "backup-failing-table");
      expect(report).to.deep.include({
        status: "FAILED",
        error: "BackupFailed",
        cause: "At least one table could not be backed up; the failure notification carries the details.",
      });
      expect(report.path.map((step) => step.state)).to.deep.equal(["BackupTables", "BackupFailureHandler", "BackupFailed"]);
      expect(report.retries.map((r) => [r.attempt, r.error, r.definedIntervalMs])).to.deep.equal([
        [1, "BackupFailed", 2000],
        [2, "BackupFailed", 4000],
        [3, "BackupFailed", 8000],
      ]);
      expect(report.caught).to.deep.equal([{ state: "BackupTables", error: "BackupFailed", errorEquals: ["States.ALL"], next: "BackupFailureHandler" }]);
      expect(report.notifications.map((n) => [n.topic, n.subject])).to.deep.equal([["backup-failure", "DynamoDB backups failed"]]);
      // The backup role may back up only the stack's configured tables: IAM refuses the other one first.
      expect(report.notifications[0].message).to.include("statecraft-dev-legacy-invoices (AccessDeniedException");
      expect(report.authorizations.filter((d) => !d.allowed).map((d) => d.message)).to.have.length(4).and.satisfy((messages: string[]) =>
        messages.every((m) => m.includes("not authorized to perform: dynamodb:CreateBackup on resource: arn:aws:dynamodb:eu-west-1:111111111111:table/statecraft-dev-legacy-invoices because no identity-based policy allows")),
      );
      // Every attempt backs up the tables that exist again: 4 attempts × 2 tables.
      expect(report.backups).to.have.length(8);
    });
  });

  describe("order-events", () => {
    it("stores a valid placed order, read back from DynamoDB", async () => {
      const report = await runSample(stack, "order-placed");
      expect(report.status).to.equal("SUCCEEDED");
      expect(report.path.map((step) => step.state)).to.deep.equal(["Validate order event", "Route by event kind", "Store placed order", "Order event stored"]);
      const item = await stack.dynamodb.getItem(stack.dynamodb.tableName("orders"), { orderId: { S: "ord-1001" } });
      expect(item).to.deep.equal({
        orderId: { S: "ord-1001" },
        customerId: { S: "cust-42" },
        total: { N: "30.48" },
        currency: { S: "EUR" },
        status: { S: "PLACED" },
      });
    });

    it("rejects an invalid event with InvalidOrderEvent and stores nothing", async () => {
      const report = await runSample(stack, "order-invalid");
      expect(report).to.deep.include({ status: "FAILED", error: "InvalidOrderEvent" });
      expect(report.path.map((step) => step.state)).to.deep.equal(["Validate order event", "Route by event kind", "Order event rejected"]);
      expect(await stack.dynamodb.scan(stack.dynamodb.tableName("orders"))).to.be.empty;
    });

    it("marks a stored order CANCELLED", async () => {
      const report = await runSample(stack, "order-cancelled");
      expect(report.status).to.equal("SUCCEEDED");
      expect(report.path.map((step) => step.state)).to.include("Record cancellation");
      const item = await stack.dynamodb.getItem(stack.dynamodb.tableName("orders"), { orderId: { S: "ord-2001" } });
      expect(item).to.deep.include({ status: { S: "CANCELLED" }, customerId: { S: "cust-7" } });
    });

    it("catches DynamoDB.ConditionalCheckFailedException when cancelling an order never placed", async () => {
      const report = await runSample(stack, "order-cancel-unknown");
      expect(report).to.deep.include({ status: "FAILED", error: "InvalidOrderEvent" });
      expect(report.caught).to.have.length(1);
      expect(report.caught[0]).to.deep.include({ state: "Record cancellation", error: "DynamoDB.ConditionalCheckFailedException", next: "Order event rejected" });
      expect(await stack.dynamodb.getItem(stack.dynamodb.tableName("orders"), { orderId: { S: "ord-9999" } })).to.equal(undefined);
    });
  });

  describe("image-batch", () => {
    it("processes the uploads through the batch-ready trigger and writes each batch's image facts to the results under results/", async () => {
      const report = await runSample(stack, "image-batch-processed");
      expect(report.status).to.equal("SUCCEEDED");
      const { Bucket, Key } = (report.output as { results: { Bucket: string; Key: string } }).results;
      expect(Bucket).to.equal(stack.naming.bucketName("images"));
      expect(Key).to.match(/^results\/[0-9a-f-]{36}\/manifest\.json$/);
      const { s3 } = await stack.localS3();
      const read = async (key: string) => JSON.parse(await (await s3.send(new GetObjectCommand({ Bucket, Key: key }))).Body!.transformToString()) as Json;
      const manifest = (await read(Key)) as { ResultFiles: { SUCCEEDED: { Key: string }[]; FAILED: unknown[] } };
      expect(manifest.ResultFiles.FAILED).to.deep.equal([]);
      const succeeded = (await read(manifest.ResultFiles.SUCCEEDED[0].Key)) as { Input: string; Output: string }[];
      // Two child executions: the listing's three objects in key order, two per batch.
      expect(succeeded.map((entry) => JSON.parse(entry.Input).Items.map((item: { key: string }) => item.key.split("/").pop()))).to.deep.equal([["fields.jpg", "harbour.png"], ["tile.png"]]);
      const images = succeeded.flatMap((entry) => (JSON.parse(entry.Output) as { images: { key: string; width: number; height: number; originalWidth: number }[] }).images);
      expect(images.map(({ key, width, height, originalWidth }) => [key.split("/").pop(), originalWidth, width, height])).to.deep.equal([
        ["fields.jpg", 128, 96, 72],
        ["harbour.png", 160, 96, 72],
        ["tile.png", 48, 48, 48],
      ]);
    });

    it("fails with InvalidBatchMarker, listing nothing, for a key that is not a batch's ready marker", async () => {
      const report = await stack.runWorkflow("image-batch", { input: { marker: "uploads/harbour-2025-06/harbour.png" } });
      expect(report).to.deep.include({
        status: "FAILED",
        error: "InvalidBatchMarker",
        cause: "A batch starts with its ready marker uploads/<batch>.ready (letters, digits, _ and -). Received: uploads/harbour-2025-06/harbour.png",
      });
      expect(report.path.map((step) => step.state)).to.deep.equal(["Check batch marker", "Invalid batch marker"]);
      expect(report.authorizations.map((d) => d.call.action)).not.to.include("s3:ListBucket");
    });

    it("reports an object that should not exist, one missing, and an image of the wrong size", async () => {
      const scenario = sample("image-batch-processed");
      const prefix = "processed/uploads/harbour-2025-06/";
      const wrong: Scenario = {
        ...scenario,
        expect: {
          status: "SUCCEEDED",
          objects: [
            { bucket: "images", key: `${prefix}harbour.png`, exists: false },
            { bucket: "images", key: `${prefix}missing.png`, exists: true },
            { bucket: "images", key: `${prefix}tile.png`, exists: true, contentType: "image/jpeg", image: { width: 96, height: 96 } },
          ],
        },
      };
      const result = await runScenario(stack, wrong);
      expect(result.mismatches).to.deep.equal([
        `objects: s3://images/${prefix}harbour.png: expected no object, found one`,
        `objects: s3://images/${prefix}missing.png: expected the object, found none`,
        `objects: s3://images/${prefix}tile.png: expected content type image/jpeg, got image/png`,
        `objects: s3://images/${prefix}tile.png: expected a 96×96 image, got 48×48`,
      ]);
    });
  });

  describe("runScenario", () => {
    it("loads the sample scenarios: each dev one's outcome is asserted by the authorization proof's baseline run", async () => {
      const scenarios = loadScenarios();
      expect(scenarios.map((s) => s.name)).to.include.members([
        "credit-3000-auto-approved",
        "credit-6000-approved",
        "credit-6000-rejected",
        "backup-success",
        "backup-failing-table",
        "order-placed",
        "order-invalid",
      ]);
      // Every scenario runs, and must come out as expected, in tests/local/authorization*.test.ts (dev, consumer and
      // prod, each baseline run before any statement is removed): running them here again would only repeat it.
      // The consumer stack's scenarios (loan-intake calling prod's shared credit-approval) run in tests/local/cross-account.test.ts.
      expect(scenarios.filter((s) => scenarioStack(s) !== "dev").map(scenarioStack)).to.satisfy((stacks: string[]) => stacks.every((s) => s === "consumer"));
    });

    it("reports each way an outcome differs from the expectation", async () => {
      const scenario = sample("order-placed");
      const wrong: Scenario = {
        ...scenario,
        expect: { status: "FAILED", error: "Nope", path: ["Record cancellation"], items: [{ table: "orders", key: { orderId: { S: "ord-1001" } }, item: null }] },
      };
      const result = await runScenario(stack, wrong);
      expect(result.passed).to.equal(false);
      expect(result.mismatches).to.have.length(4);
      expect(result.mismatches[0]).to.equal("status: expected FAILED, got SUCCEEDED");
    });
  });
});
