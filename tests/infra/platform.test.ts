import { expect } from "chai";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import YAML from "yaml";
import { Plan, runPlan } from "../../offline/plan";
import { plans as shippedPlans } from "../local/plans";
import { RegisteredResource } from "../../offline/mocks";

const STATE_MACHINE = "aws:sfn/stateMachine:StateMachine";
const ROLE = "aws:iam/role:Role";
const ROLE_POLICY = "aws:iam/rolePolicy:RolePolicy";
const LOG_GROUP = "aws:cloudwatch/logGroup:LogGroup";
const TABLE = "aws:dynamodb/table:Table";

interface Statement {
  Effect: string;
  Action: string[];
  Resource: string[];
  Condition?: Record<string, Record<string, string>>;
}

function find(plan: Plan, type: string, name: string): RegisteredResource {
  const found = plan.resources.find((r) => r.type === type && r.name === name);
  if (!found) throw new Error(`${type} ${name} was not registered`);
  return found;
}
function statements(plan: Plan, policyName: string): Statement[] {
  return JSON.parse(find(plan, ROLE_POLICY, policyName).inputs.policy as string).Statement;
}

const LOG_DELIVERY = [
  "logs:CreateLogDelivery",
  "logs:CreateLogStream",
  "logs:DeleteLogDelivery",
  "logs:DescribeLogGroups",
  "logs:DescribeResourcePolicies",
  "logs:GetLogDelivery",
  "logs:ListLogDeliveries",
  "logs:PutLogEvents",
  "logs:PutResourcePolicy",
  "logs:UpdateLogDelivery",
];
const XRAY = ["xray:GetSamplingRules", "xray:GetSamplingTargets", "xray:PutTelemetryRecords", "xray:PutTraceSegments"];
const TASK_TOKEN_ANSWERS = ["states:SendTaskFailure", "states:SendTaskSuccess"];
/** Other actions with no resource type: following a Batch job, an ECR login, metrics (the latter in one namespace). */
const NO_RESOURCE_TYPE = ["batch:DescribeJobs", "ecr:GetAuthorizationToken", "cloudwatch:PutMetricData"];
/** The workflows dev and prod deploy (`statecraft:workflows`), with their types: the seed three and the gallery's. */
const DEPLOYED = [
  ["credit-approval", "STANDARD"],
  ["backup-orchestration", "STANDARD"],
  ["order-events", "EXPRESS"],
  ["order-confirmation", "STANDARD"],
  ["support-routing", "EXPRESS"],
  ["identity-check", "STANDARD"],
  ["user-verification", "STANDARD"],
  ["iot-ingest", "EXPRESS"],
  ["order-processing", "STANDARD"],
  ["data-pipeline", "STANDARD"],
  ["image-batch", "STANDARD"],
  ["churn-scoring", "STANDARD"],
] as const;
const DEPLOYED_NAMES = DEPLOYED.map(([workflow]) => workflow);
/** The handlers those workflows call, with the approval callback and the payment worker. */
const DEPLOYED_HANDLERS = 21;

describe("the platform under mocks", function () {
  this.timeout(60_000);
  const plans: Record<string, Plan> = {};
  before(async () => {
    plans.dev = await shippedPlans("dev");
    plans.prod = await shippedPlans("prod");
  });

  for (const [stack, account, level, tracing] of [
    ["dev", "111111111111", "ALL", false],
    ["prod", "222222222222", "ERROR", true],
  ] as const) {
    describe(`the ${stack} stack`, () => {
      it("deploys each of its workflows as a state machine of its type, named after stack and workflow", () => {
        const machines = plans[stack].resources.filter((r) => r.type === STATE_MACHINE);
        expect(machines.map((m) => [m.inputs.name, m.inputs.type])).to.have.deep.members(
          DEPLOYED.map(([workflow, type]) => [`statecraft-${stack}-${workflow}`, type]),
        );
      });

      it("logs each state machine to its vended log group, at the stack's level and ALL for Express", () => {
        for (const [workflow, type] of DEPLOYED) {
          const machine = find(plans[stack], STATE_MACHINE, workflow);
          const logging = machine.inputs.loggingConfiguration as Record<string, unknown>;
          expect(logging.logDestination).to.equal(`arn:aws:logs:eu-west-1:${account}:log-group:/aws/vendedlogs/states/${stack}-${workflow}:*`);
          expect(logging.level).to.equal(type === "EXPRESS" ? "ALL" : level);
          expect(find(plans[stack], LOG_GROUP, `${workflow}-logs`).inputs.name).to.equal(`/aws/vendedlogs/states/${stack}-${workflow}`);
        }
      });

      it(`${tracing ? "enables" : "disables"} X-Ray tracing`, () => {
        for (const machine of plans[stack].resources.filter((r) => r.type === STATE_MACHINE)) {
          expect(machine.inputs.tracingConfiguration).to.deep.equal({ enabled: tracing });
        }
      });

      it("trusts states.amazonaws.com only for this account's state machines", () => {
        const trust = JSON.parse(find(plans[stack], ROLE, "credit-approval-role").inputs.assumeRolePolicy as string);
        expect(trust.Statement).to.deep.equal([
          {
            Effect: "Allow",
            Principal: { Service: "states.amazonaws.com" },
            Action: ["sts:AssumeRole"],
            Condition: {
              StringEquals: { "aws:SourceAccount": account },
              ArnLike: { "aws:SourceArn": `arn:aws:states:eu-west-1:${account}:stateMachine:*` },
            },
          },
        ]);
      });

      it("creates each state machine after its role policy, so AWS can verify log delivery", () => {
        for (const workflow of DEPLOYED_NAMES) {
          expect(find(plans[stack], STATE_MACHINE, workflow).options?.dependsOn).to.deep.equal([`${ROLE_POLICY}::${workflow}-role-policy`]);
        }
      });

      it("grants no action on * except log delivery, X-Ray, the task-token answers, DescribeJobs, the ECR login and metrics, which have no resource type", () => {
        for (const policy of plans[stack].resources.filter((r) => r.type === ROLE_POLICY)) {
          for (const statement of JSON.parse(policy.inputs.policy as string).Statement as Statement[]) {
            if (statement.Resource.includes("*")) {
              expect([...LOG_DELIVERY, ...XRAY, ...TASK_TOKEN_ANSWERS, ...NO_RESOURCE_TYPE], `${policy.name}: ${statement.Action}`).to.include.members(statement.Action);
            }
          }
        }
      });

      it("lets the backup handler back up exactly the configured tables", () => {
        const backup = statements(plans[stack], "backup-tables-role-policy").find((s) => s.Action.includes("dynamodb:CreateBackup"));
        expect(backup).to.deep.equal({
          Effect: "Allow",
          Action: ["dynamodb:CreateBackup"],
          Resource: [`arn:aws:dynamodb:eu-west-1:${account}:table/statecraft-${stack}-credit-bureaus`, `arn:aws:dynamodb:eu-west-1:${account}:table/statecraft-${stack}-orders`],
        });
      });

      it("has the payment worker poll the payment queue once its role policy exists, reporting partial batch failures", () => {
        const mapping = find(plans[stack], "aws:lambda/eventSourceMapping:EventSourceMapping", "payment-worker-payment-requests");
        expect(mapping.inputs).to.deep.include({
          eventSourceArn: `arn:aws:sqs:eu-west-1:${account}:statecraft-${stack}-payment-requests`,
          functionName: `arn:aws:lambda:eu-west-1:${account}:function:statecraft-${stack}-payment-worker`,
          batchSize: 10,
          functionResponseTypes: ["ReportBatchItemFailures"],
          scalingConfig: { maximumConcurrency: 5 },
        });
        // The HandlerFunction component: its function, which itself waits for the role policy.
        expect(mapping.options?.dependsOn).to.include("statecraft:index:HandlerFunction::payment-worker");
        expect(find(plans[stack], "aws:lambda/function:Function", "payment-worker").options?.dependsOn).to.include(`${ROLE_POLICY}::payment-worker-role-policy`);
      });

      it("gives the payment worker's role the queue's receive calls, the ledger's update and the task-token answers", () => {
        const granted = statements(plans[stack], "payment-worker-role-policy");
        expect(granted).to.deep.include({ Effect: "Allow", Action: ["sqs:DeleteMessage", "sqs:GetQueueAttributes", "sqs:ReceiveMessage"], Resource: [`arn:aws:sqs:eu-west-1:${account}:statecraft-${stack}-payment-requests`] });
        expect(granted).to.deep.include({ Effect: "Allow", Action: ["dynamodb:GetItem", "dynamodb:UpdateItem"], Resource: [`arn:aws:dynamodb:eu-west-1:${account}:table/statecraft-${stack}-payment-accounts`] });
        // On * with X-Ray's actions when the stack traces (the policy merges statements of the same resources).
        const answers = granted.find((g) => g.Action.includes("states:SendTaskSuccess"));
        expect(answers?.Resource).to.deep.equal(["*"]);
        expect(answers?.Action).to.include.members(TASK_TOKEN_ANSWERS);
        const sqsKey = granted.filter((g) => g.Condition?.StringEquals?.["kms:ViaService"] === "sqs.eu-west-1.amazonaws.com");
        if (stack === "prod") {
          expect(sqsKey).to.have.lengthOf(1);
          expect(sqsKey[0].Action).to.deep.equal(["kms:Decrypt"]);
        } else {
          expect(sqsKey).to.deep.equal([]);
        }
      });

      it("hides a received payment request for six times the worker's timeout, and dead-letters it after five receives", () => {
        const queue = find(plans[stack], "aws:sqs/queue:Queue", "payment-requests");
        const worker = find(plans[stack], "aws:lambda/function:Function", "payment-worker");
        expect(queue.inputs.visibilityTimeoutSeconds).to.be.at.least(6 * (worker.inputs.timeout as number));
        const dlq = find(plans[stack], "aws:sqs/queue:Queue", "payment-requests-dlq");
        expect(JSON.parse(queue.inputs.redrivePolicy as string)).to.deep.equal({ deadLetterTargetArn: dlq.outputs?.arn, maxReceiveCount: 5 });
        expect(JSON.parse(dlq.inputs.redriveAllowPolicy as string)).to.deep.equal({ redrivePermission: "byQueue", sourceQueueArns: [queue.outputs?.arn] });
        expect(dlq.inputs.kmsMasterKeyId).to.equal(queue.inputs.kmsMasterKeyId);
      });

      it("lets the approval callback answer task tokens on *: SendTaskSuccess and SendTaskFailure have no resource type", () => {
        const answer = statements(plans[stack], "approval-callback-role-policy").filter((s) => s.Action.some((a) => a.startsWith("states:")));
        expect(answer).to.have.lengthOf(1);
        expect(answer[0].Resource).to.deep.equal(["*"]);
        expect(answer[0].Action).to.include.members(TASK_TOKEN_ANSWERS);
      });

      it("parents every resource under the platform or one of its components", () => {
        const roots = plans[stack].resources.filter((r) => !r.parent).map((r) => r.type);
        expect(roots).to.have.members(["pulumi:pulumi:Stack", "pulumi:providers:aws", "statecraft:index:Platform"]);
      });

      it("exports each workflow's state machine, live alias, role and log group, the topics and the tables", () => {
        const outputs = plans[stack].outputs as { workflows: Record<string, Record<string, string>>; topicArns: Record<string, string>; tableNames: Record<string, string> };
        expect(outputs.workflows["order-events"]).to.deep.equal({
          stateMachineArn: `arn:aws:states:eu-west-1:${account}:stateMachine:statecraft-${stack}-order-events`,
          aliasArn: `arn:aws:states:eu-west-1:${account}:stateMachine:statecraft-${stack}-order-events:live`,
          roleArn: `arn:aws:iam::${account}:role/statecraft-${stack}-order-events-role`,
          logGroupName: `/aws/vendedlogs/states/${stack}-order-events`,
          type: "EXPRESS",
        });
        expect(outputs.topicArns["credit-approval-requests"]).to.equal(`arn:aws:sns:eu-west-1:${account}:statecraft-${stack}-credit-approval-requests`);
        expect(outputs.tableNames).to.deep.equal({
          orders: `statecraft-${stack}-orders`,
          "credit-bureaus": `statecraft-${stack}-credit-bureaus`,
          users: `statecraft-${stack}-users`,
          "sensor-readings": `statecraft-${stack}-sensor-readings`,
          "approval-requests": `statecraft-${stack}-approval-requests`,
          "payment-accounts": `statecraft-${stack}-payment-accounts`,
          "churn-scoring-runs": `statecraft-${stack}-churn-scoring-runs`,
        });
        expect(plans[stack].outputs.approvalEndpoint).to.match(new RegExp(`^https://[a-z0-9]{10}\\.execute-api\\.eu-west-1\\.amazonaws\\.com$`));
      });
    });
  }

  it("gives the dev credit-approval role exactly the derived statements plus log delivery", () => {
    expect(statements(plans.dev, "credit-approval-role-policy")).to.deep.equal([
      { Effect: "Allow", Action: ["dynamodb:Scan"], Resource: ["arn:aws:dynamodb:eu-west-1:111111111111:table/statecraft-dev-credit-bureaus"] },
      {
        Effect: "Allow",
        Action: ["lambda:InvokeFunction"],
        Resource: [
          "arn:aws:lambda:eu-west-1:111111111111:function:statecraft-dev-approval-request",
          "arn:aws:lambda:eu-west-1:111111111111:function:statecraft-dev-approval-request:*",
          "arn:aws:lambda:eu-west-1:111111111111:function:statecraft-dev-bureau-score",
          "arn:aws:lambda:eu-west-1:111111111111:function:statecraft-dev-bureau-score:*",
          "arn:aws:lambda:eu-west-1:111111111111:function:statecraft-dev-credit-limit",
          "arn:aws:lambda:eu-west-1:111111111111:function:statecraft-dev-credit-limit:*",
          "arn:aws:lambda:eu-west-1:111111111111:function:statecraft-dev-verify-address",
          "arn:aws:lambda:eu-west-1:111111111111:function:statecraft-dev-verify-address:*",
          "arn:aws:lambda:eu-west-1:111111111111:function:statecraft-dev-verify-identity",
          "arn:aws:lambda:eu-west-1:111111111111:function:statecraft-dev-verify-identity:*",
        ],
      },
      { Effect: "Allow", Action: LOG_DELIVERY, Resource: ["*"] },
    ]);
  });

  it("adds X-Ray and the key, scoped to the machine, to log delivery and to DynamoDB, to the prod credit-approval role", () => {
    expect(find(plans.prod, "aws:kms/key:Key", "platform-key").inputs.enableKeyRotation).to.equal(true);
    const prod = statements(plans.prod, "credit-approval-role-policy");
    const kms = prod.filter((s) => s.Action.some((a) => a.startsWith("kms:")));
    expect(kms.map((s) => [s.Action, s.Condition])).to.have.deep.members([
      [["kms:Decrypt", "kms:GenerateDataKey"], { StringEquals: { "kms:EncryptionContext:aws:states:stateMachineArn": "arn:aws:states:eu-west-1:222222222222:stateMachine:statecraft-prod-credit-approval" } }],
      // Its logs are encrypted with the key too.
      [["kms:GenerateDataKey"], { StringEquals: { "kms:EncryptionContext:SourceArn": "arn:aws:logs:eu-west-1:222222222222:*" } }],
      // It scans the encrypted bureaus table: Decrypt only, through DynamoDB.
      [["kms:Decrypt"], { StringEquals: { "kms:ViaService": "dynamodb.eu-west-1.amazonaws.com" } }],
    ]);
    for (const statement of kms) expect(statement.Resource).to.have.lengthOf(1).and.to.match(/^arn:aws:kms:eu-west-1:222222222222:key\//);
    // Log delivery and X-Ray both take no resource, so they merge into the one statement on *.
    expect(prod.find((s) => s.Resource.includes("*"))?.Action).to.deep.equal([...LOG_DELIVERY, ...XRAY]);
  });

  it("encrypts prod with the customer-managed key and leaves dev on AWS-owned keys", () => {
    const prodMachine = find(plans.prod, STATE_MACHINE, "credit-approval").inputs.encryptionConfiguration as Record<string, unknown>;
    expect(prodMachine.type).to.equal("CUSTOMER_MANAGED_KMS_KEY");
    expect(find(plans.dev, STATE_MACHINE, "credit-approval").inputs.encryptionConfiguration).to.deep.equal({ type: "AWS_OWNED_KEY" });
    expect(find(plans.prod, "aws:sns/topic:Topic", "backup-failure").inputs.kmsMasterKeyId).to.match(/^arn:aws:kms:/);
    expect(find(plans.prod, LOG_GROUP, "order-events-logs").inputs.kmsKeyId).to.match(/^arn:aws:kms:/);
    expect(plans.dev.resources.some((r) => r.type === "aws:kms/key:Key")).to.equal(false);
  });

  it("protects prod tables and keeps dev tables easy to remove", () => {
    const prod = find(plans.prod, TABLE, "orders");
    expect(prod.inputs.pointInTimeRecovery).to.deep.equal({ enabled: true });
    expect(prod.inputs.deletionProtectionEnabled).to.equal(true);
    expect(prod.options?.retainOnDelete).to.equal(true);
    const dev = find(plans.dev, TABLE, "orders");
    expect(dev.inputs.deletionProtectionEnabled).to.equal(false);
    expect(dev.options?.retainOnDelete).to.equal(false);
  });

  it("keeps logs longer in prod than in dev", () => {
    expect(find(plans.prod, LOG_GROUP, "credit-approval-logs").inputs.retentionInDays).to.equal(365);
    expect(find(plans.dev, LOG_GROUP, "credit-approval-logs").inputs.retentionInDays).to.equal(14);
  });

  it("pins the provider to the stack's account and tags every resource", () => {
    const provider = find(plans.prod, "pulumi:providers:aws", "aws");
    expect(provider.inputs.region).to.equal("eu-west-1");
    expect(JSON.parse(provider.inputs.allowedAccountIds as string)).to.deep.equal(["222222222222"]);
    expect(JSON.parse(provider.inputs.defaultTags as string).tags).to.include({ environment: "prod", "statecraft:stack": "prod" });
  });

  it("bundles every handler into its own archive on a Node.js runtime", () => {
    const functions = plans.dev.resources.filter((r) => r.type === "aws:lambda/function:Function");
    expect(functions).to.have.lengthOf(DEPLOYED_HANDLERS);
    for (const fn of functions) {
      expect(fn.inputs.runtime).to.equal("nodejs22.x");
      expect(fn.inputs.handler).to.equal("index.handler");
      expect(fn.inputs.role).to.equal(`arn:aws:iam::111111111111:role/statecraft-dev-${fn.name}-role`);
    }
  });

  it("rejects a bad stack file naming the key and the file, before any resource", async () => {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), "statecraft-"));
    const dev = YAML.parse(fs.readFileSync(path.join(__dirname, "..", "..", "Pulumi.dev.yaml"), "utf8"));
    dev.config["statecraft:logRetentionDays"] = 13;
    delete dev.config["statecraft:accountId"];
    fs.writeFileSync(path.join(root, "Pulumi.broken.yaml"), YAML.stringify(dev));
    let error: Error | undefined;
    await runPlan("broken", { root }).catch((e: Error) => (error = e));
    expect(error?.message).to.contain("Pulumi.broken.yaml");
    expect(error?.message).to.contain("statecraft:logRetentionDays");
    expect(error?.message).to.contain("statecraft:accountId: is required");
  });
});
