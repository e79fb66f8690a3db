import { expect } from "chai";
import { Authorizer } from "../../local/authz/authorizer";
import { PlannedTrigger, triggerStartCalls } from "../../local/authz/service-calls";
import { BUCKETS, WORKFLOWS, WorkflowName } from "../../infra/manifest";
import { LIVE_ALIAS } from "../../infra/rollout/schema";
import { boundedName, s3ObjectCreatedPattern, triggerPolicy, triggerTrustPolicy } from "../../infra/triggers/roles";
import { eventPatternProblem, scheduleExpressionProblem, triggerSchema } from "../../infra/triggers/schema";
import { parseStackConfig } from "../../infra/config";
import { plans } from "../local/plans";
import { formatPlan } from "../../cli/plan";

const CONTEXT = { partition: "aws", region: "eu-west-1", account: "222222222222" };

describe("trigger settings (infra/triggers/schema.ts)", () => {
  it("takes the schedule expressions EventBridge Scheduler takes, and says what is wrong with the others", () => {
    for (const good of ["cron(0 2 * * ? *)", "cron(0/15 8-17 ? * MON-FRI *)", "rate(1 hour)", "rate(5 minutes)", "at(2027-01-01T09:00:00)", "cron(0 12 L * ? *)"]) {
      expect(scheduleExpressionProblem(good), good).to.equal(undefined);
    }
    expect(scheduleExpressionProblem("cron(0 2 * * *)")).to.contain("6 fields");
    expect(scheduleExpressionProblem("cron(0 2 * * MON *)")).to.contain("exactly one of day-of-month and day-of-week must be ?");
    expect(scheduleExpressionProblem("cron(61 2 * * ? *)")).to.contain("minutes");
    expect(scheduleExpressionProblem("rate(1 hours)")).to.contain("rate(1 hour)");
    expect(scheduleExpressionProblem("every day")).to.contain("must be rate(");
  });

  it("checks event patterns as EventBridge reads them: an object whose leaves are lists", () => {
    expect(eventPatternProblem({ source: ["acme.orders"], detail: { kind: [{ prefix: "Order" }] } })).to.equal(undefined);
    expect(eventPatternProblem({ source: "acme.orders" })).to.contain("source must be a list of values");
    expect(eventPatternProblem({ detail: { kind: [] } })).to.contain("detail.kind is an empty list");
    const notJson = triggerSchema.safeParse({ type: "eventRule", name: "x", pattern: "{source: oops" });
    expect(notJson.success).to.equal(false);
    expect(JSON.stringify(notJson.error?.issues)).to.contain("is not JSON");
  });

  it("fails the stack config before any resource, naming the key: a bad cron, an unknown bus, a sync route on a Standard workflow, a workflow not deployed", () => {
    const base: Record<string, string> = {
      "aws:region": "eu-west-1",
      "statecraft:accountId": CONTEXT.account,
      "statecraft:logLevel": "ERROR",
      "statecraft:logRetentionDays": "30",
      "statecraft:tracing": "true",
      "statecraft:kmsKey": "none",
      "statecraft:tableProtection": JSON.stringify({ pointInTimeRecovery: true, deletionProtection: true, retainOnDelete: false }),
      "statecraft:workflows": JSON.stringify(["credit-approval", "order-events"]),
      "statecraft:approvers": JSON.stringify([{ protocol: "email", endpoint: "a@b.example" }]),
    };
    const triggers = {
      "credit-approval": [{ type: "http", name: "apply", route: "POST /apply", sync: true, authorization: { type: "iam" } }],
      "order-events": [
        { type: "schedule", name: "tick", expression: "cron(0 2 * * *)" },
        { type: "eventRule", name: "events", bus: "acme-ordrs", pattern: { source: ["acme"] } },
      ],
      "backup-orchestration": [{ type: "schedule", name: "nightly", expression: "rate(1 day)" }],
    };
    let message = "";
    try {
      parseStackConfig("prod", { ...base, "statecraft:triggers": JSON.stringify(triggers), "statecraft:eventBuses": JSON.stringify(["acme-orders"]) }, []);
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).to.contain('statecraft:triggers.order-events.0.expression: is not a schedule expression: a cron expression has 6 fields');
    // Cross-checks run once every field is valid: fix the cron and look again.
    triggers["order-events"][0] = { type: "schedule", name: "tick", expression: "cron(0 2 * * ? *)" };
    try {
      parseStackConfig("prod", { ...base, "statecraft:triggers": JSON.stringify(triggers), "statecraft:eventBuses": JSON.stringify(["acme-orders"]) }, []);
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).to.contain("statecraft:triggers.credit-approval[0].sync: credit-approval is a STANDARD workflow: StartSyncExecution runs Express workflows only");
    expect(message).to.contain('statecraft:triggers.order-events[1].bus: is not an event bus of this stack: use default, or create it with statecraft:eventBuses; did you mean acme-orders? (got "acme-ordrs")');
    expect(message).to.contain("statecraft:triggers.backup-orchestration: names a workflow this stack does not deploy");
  });

  it("takes a bucket of the manifest by logical name for an S3 trigger, and refuses one the stack does not deploy", () => {
    const s3 = { type: "s3", name: "uploads", prefix: "uploads/" };
    expect(triggerSchema.parse({ ...s3, bucket: "images" })).to.include({ bucket: "images" });
    const unknown = triggerSchema.safeParse({ ...s3, bucket: "photos" });
    expect(unknown.success).to.equal(false);
    expect(unknown.error?.issues.map((issue) => `${issue.path.join(".")}: ${issue.message}`)).to.have.members([`bucket: must be a bucket of the manifest (${Object.keys(BUCKETS).join(", ")}), {create: true} or {name: <an S3 bucket name>}; got "photos"`]);
    const config = {
      "aws:region": "eu-west-1",
      "statecraft:accountId": CONTEXT.account,
      "statecraft:logLevel": "ERROR",
      "statecraft:logRetentionDays": "30",
      "statecraft:tracing": "true",
      "statecraft:kmsKey": "none",
      "statecraft:tableProtection": JSON.stringify({ pointInTimeRecovery: true, deletionProtection: true, retainOnDelete: false }),
      "statecraft:approvers": JSON.stringify([{ protocol: "email", endpoint: "a@b.example" }]),
    };
    // order-events uses no bucket: the stack deploys none, so its trigger cannot name the images bucket.
    expect(() =>
      parseStackConfig("prod", { ...config, "statecraft:workflows": JSON.stringify(["order-events"]), "statecraft:triggers": JSON.stringify({ "order-events": [{ ...s3, bucket: "images" }] }) }, []),
    ).to.throw('statecraft:triggers.order-events[0].bucket: is not a bucket this stack deploys (its workflows and handlers use: none); use {create: true} for a bucket of the trigger\'s own (got "images")');
    const parsed: { triggers: Record<string, { type: string }[] | undefined> } = parseStackConfig("prod", { ...config, "statecraft:workflows": JSON.stringify(["image-batch"]), "statecraft:triggers": JSON.stringify({ "image-batch": [{ ...s3, bucket: "images" }] }) }, []);
    expect(parsed.triggers["image-batch"]?.[0]).to.include({ type: "s3", bucket: "images" });
  });
});

describe("trigger roles (infra/triggers/roles.ts)", () => {
  it("trusts only the trigger's service, from the stack's account and the trigger's own ARN (API Gateway: the service alone)", () => {
    const trust = triggerTrustPolicy({ type: "schedule" } as never, CONTEXT, "arn:aws:scheduler:eu-west-1:222222222222:schedule-group/default");
    expect(trust.Statement).to.deep.equal([
      {
        Effect: "Allow",
        Principal: { Service: "scheduler.amazonaws.com" },
        Action: ["sts:AssumeRole"],
        Condition: { StringEquals: { "aws:SourceAccount": "222222222222" }, ArnLike: { "aws:SourceArn": "arn:aws:scheduler:eu-west-1:222222222222:schedule-group/default" } },
      },
    ]);
    expect(triggerTrustPolicy({ type: "http" } as never, CONTEXT, "arn:aws:execute-api:eu-west-1:222222222222:abc/*").Statement).to.deep.equal([
      { Effect: "Allow", Principal: { Service: "apigateway.amazonaws.com" }, Action: ["sts:AssumeRole"] },
    ]);
  });

  it("allows starting the alias only (StartSyncExecution for a synchronous route), and a schedule's dead-letter queue", () => {
    const machine = "arn:aws:states:eu-west-1:222222222222:stateMachine:m";
    const sync = triggerPolicy({ type: "http", sync: true } as never, machine, "live");
    expect(sync.Statement).to.deep.equal([{ Effect: "Allow", Action: ["states:StartSyncExecution"], Resource: [machine], Condition: { "ForAnyValue:StringEquals": { "states:StateMachineQualifier": ["live"] } } }]);
    const schedule = triggerPolicy({ type: "schedule" } as never, machine, "live", "arn:aws:sqs:eu-west-1:222222222222:dlq");
    expect(schedule.Statement.map((s) => s.Action)).to.deep.equal([["sqs:SendMessage"], ["states:StartExecution"]]);
  });

  it("filters S3 events by bucket, prefix and suffix (one wildcard when both are given)", () => {
    expect(s3ObjectCreatedPattern("orders-bucket", { prefix: "incoming/", suffix: ".json" })).to.deep.equal({
      source: ["aws.s3"],
      "detail-type": ["Object Created"],
      detail: { bucket: { name: ["orders-bucket"] }, object: { key: [{ wildcard: "incoming/*.json" }] } },
    });
    expect(s3ObjectCreatedPattern("b", { prefix: "in/" }).detail).to.deep.equal({ bucket: { name: ["b"] }, object: { key: [{ prefix: "in/" }] } });
  });

  it("keeps role names within IAM's 64 characters, distinct", () => {
    const long = `statecraft-prod-backup-orchestration-${"x".repeat(30)}-trigger`;
    expect(boundedName(long)).to.have.length(64);
    expect(boundedName(long)).to.not.equal(boundedName(`${long}2`));
    expect(boundedName("short")).to.equal("short");
  });
});

describe("the prod plan's triggers, authorized by the IAM evaluator", () => {
  it("starts image-batch from the Platform's images bucket, EventBridge notifications on, without a bucket of the trigger's own", async function () {
    this.timeout(20_000);
    const plan = await plans("prod");
    const images = "statecraft-prod-images-222222222222-eu-west-1";
    expect(plan.resources.filter((r) => r.type === "aws:s3/bucket:Bucket").map((r) => r.name)).to.include("images").and.not.to.include("image-batch-batch-ready-bucket");
    expect(plan.resources.find((r) => r.type === "aws:s3/bucketNotification:BucketNotification" && r.name === "images-notifications")?.inputs).to.include({ eventbridge: true });
    const rule = plan.resources.find((r) => r.type === "aws:cloudwatch/eventRule:EventRule" && r.name === "image-batch-batch-ready");
    expect(JSON.parse(String(rule?.inputs.eventPattern))).to.deep.equal({
      source: ["aws.s3"],
      "detail-type": ["Object Created"],
      detail: { bucket: { name: [images] }, object: { key: [{ wildcard: "uploads/*.ready" }] } },
    });
    expect((plan.outputs.triggers as Record<string, Record<string, { bucket?: string }>>)["image-batch"]["batch-ready"].bucket).to.equal(images);
  });

  it("has the configured triggers, each with its own role, and every trigger may start its workflow's alias and nothing else", async function () {
    this.timeout(20_000);
    const plan = await plans("prod");
    const outputs = plan.outputs.triggers as Record<WorkflowName, Record<string, { type: PlannedTrigger["type"]; roleArn: string; sourceArn: string }>>;
    expect(Object.keys(outputs).sort()).to.deep.equal(["backup-orchestration", "credit-approval", "data-pipeline", "image-batch", "iot-ingest", "order-events", "support-routing"]);
    expect(Object.keys(outputs["order-events"]).sort()).to.deep.equal(["order-events", "order-files", "orders-api"]);
    const authorizer = new Authorizer([plan]);
    const roles = new Set<string>();
    // The HTTP triggers prod configures with sync: true (StartSyncExecution).
    const SYNC_ROUTES = ["orders-api", "support-api"];
    for (const [workflow, triggers] of Object.entries(outputs) as [WorkflowName, (typeof outputs)[WorkflowName]][]) {
      const stateMachineArn = `arn:aws:states:eu-west-1:222222222222:stateMachine:statecraft-prod-${workflow}`;
      for (const [name, deployed] of Object.entries(triggers)) {
        roles.add(deployed.roleArn);
        const trigger: PlannedTrigger = { ...deployed, stateMachineArn, alias: LIVE_ALIAS, sync: SYNC_ROUTES.includes(name) && WORKFLOWS[workflow].type === "EXPRESS" };
        for (const call of triggerStartCalls(trigger, "222222222222")) {
          const decision = await authorizer.authorize(call);
          expect(decision.allowed, `${workflow}/${name}: ${decision.message}`).to.equal(true);
        }
        const [assume, start] = triggerStartCalls(trigger, "222222222222");
        // Another account's schedule, rule or API may not use the role; the role may not start another alias,
        // the unqualified machine, or another workflow.
        if (deployed.type !== "http") {
          expect((await authorizer.authorize({ ...assume, context: { ...assume.context, "aws:SourceAccount": "999999999999" } })).allowed).to.equal(false);
          expect((await authorizer.authorize({ ...assume, context: { ...assume.context, "aws:SourceArn": assume.context!["aws:SourceArn"].toString().replace("222222222222", "999999999999") } })).allowed).to.equal(false);
        } else {
          // API Gateway presents no source keys for an integration's role: the trust names the service alone.
          expect((await authorizer.authorize({ ...assume, context: {} })).allowed).to.equal(true);
        }
        expect((await authorizer.authorize({ ...assume, principal: "lambda.amazonaws.com" })).allowed, "another service").to.equal(false);
        expect((await authorizer.authorize({ ...start, context: { "states:StateMachineQualifier": ["2"] } })).allowed).to.equal(false);
        expect((await authorizer.authorize({ ...start, context: {} })).allowed).to.equal(false);
        expect((await authorizer.authorize({ ...start, resource: `${stateMachineArn}-other` })).allowed).to.equal(false);
      }
    }
    expect(roles.size, "one role per trigger").to.equal(9);
  });
});

describe("npm run plan's account of what operates each workflow", () => {
  it("lists each workflow's triggers with their schedule, route or pattern and their role, its alarms, its alias and its rollout", async function () {
    this.timeout(20_000);
    const text = formatPlan(await plans("prod"));
    expect(text).to.contain("  Trigger nightly: schedule cron(0 2 * * ? *) (Europe/Dublin); role arn:aws:iam::222222222222:role/statecraft-prod-backup-orchestration-nightly-trigger");
    expect(text).to.match(/ {2}Trigger orders-api: HTTP POST \/orders, authorization AWS_IAM, https:\/\/\w+\.execute-api\.eu-west-1\.amazonaws\.com\/orders; role /);
    expect(text).to.contain('  Trigger order-events: EventBridge rule {"source":["acme.orders"],"detail-type":["OrderPlaced","OrderCancelled"]}');
    expect(text).to.match(/ {2}Trigger order-files: S3 object created in statecraft-prod-order-events-order-f-\w+; role /);
    expect(text).to.contain("  Alarm statecraft-prod-credit-approval-ExecutionsFailed: ExecutionsFailed >= 1 over 300 s");
    expect(text).to.contain("  Alias live: 100% arn:aws:states:eu-west-1:222222222222:stateMachine:statecraft-prod-credit-approval:1; rolled out by npm run promote");
    expect(text).to.contain("  Alarm statecraft-prod-credit-approval-live-ExecutionsFailed: ExecutionsFailed >= 1 over 300 s (executions through live)");
    expect(text).to.contain("  Rollout: CANARY 10% for 30 min, then 100%, rolled back if any of 8 alarms fires");
    expect(text).to.contain("  Alias live: 100% arn:aws:states:eu-west-1:222222222222:stateMachine:statecraft-prod-order-events:1; moved by pulumi up");
  });
});
