import { expect } from "chai";
import { runSimulation } from "@cloud-copilot/iam-simulate";
import * as pulumi from "@pulumi/pulumi";
import { platformKeyPolicy } from "../../infra/components/key-policy";
import { Monitoring, MonitoringArgs } from "../../infra/components/monitoring";
import { ArnContext, buildArn, dnsSuffixOf } from "../../infra/iam/arn";
import { workflowAlarms } from "../../infra/monitoring/alarms";
import { alertsTopicPolicy, deadLetterQueuePolicy, monitoringKeyStatements, monitoringNames } from "../../infra/monitoring/alerts";
import { workflowsDashboardBody } from "../../infra/monitoring/dashboard";
import { DEFAULT_ALARMS, alarmsSchema } from "../../infra/monitoring/schema";
import { statusChangeInputTransformer, statusChangePattern } from "../../infra/monitoring/status-change";
import { Naming } from "../../infra/naming";
import { Authorizer } from "../../local/authz/authorizer";
import { PlannedResource } from "../../local/authz/plan-index";
import { AwsMocks, RegisteredResource } from "../../offline/mocks";
import { runProgram } from "../../offline/program";

const context: ArnContext = { partition: "aws", region: "eu-west-1", account: "222222222222" };
const OTHER_ACCOUNT = "999999999999";
const naming = new Naming("statecraft", "prod", context);
const names = monitoringNames(naming);
const KEY = buildArn(context, "kms", "key/0b6f3c2e-8d1a-4f5e-9c7b-2a1d3e4f5a6b");
const machine = (workflow: string) => naming.stateMachineArn(workflow);

const TOPIC = "aws:sns/topic:Topic";
const TOPIC_POLICY = "aws:sns/topicPolicy:TopicPolicy";
const SUBSCRIPTION = "aws:sns/topicSubscription:TopicSubscription";
const ALARM = "aws:cloudwatch/metricAlarm:MetricAlarm";
const RULE = "aws:cloudwatch/eventRule:EventRule";
const TARGET = "aws:cloudwatch/eventTarget:EventTarget";
const QUEUE = "aws:sqs/queue:Queue";
const QUEUE_POLICY = "aws:sqs/queuePolicy:QueuePolicy";
const DASHBOARD = "aws:cloudwatch/dashboard:Dashboard";

/**
 * The stack's mocks, answering also the resource types Monitoring registers (alarms, rules, targets, queues,
 * dashboards) with the ARNs AWS gives them, whether or not `offline/mocks.ts` knows them yet.
 */
class MonitoringMocks extends AwsMocks {
  constructor(private readonly where: ArnContext) {
    super(where);
  }

  newResource(args: pulumi.runtime.MockResourceArgs): { id: string | undefined; state: Record<string, unknown> } {
    const answer = this.monitoringAnswer(args.type, args.name, args.inputs);
    if (!answer) return super.newResource(args);
    this.resources.push({ type: args.type, name: args.name, inputs: args.inputs, outputs: { ...args.inputs, ...answer.state, id: answer.id } });
    return { id: answer.id, state: { ...args.inputs, ...answer.state } };
  }

  private monitoringAnswer(type: string, name: string, inputs: Record<string, any>): { id: string; state: Record<string, unknown> } | undefined {
    const c = this.where;
    const physical = String(inputs.name ?? name);
    switch (type) {
      case ALARM:
        return { id: physical, state: { arn: buildArn(c, "cloudwatch", `alarm:${physical}`) } };
      case RULE:
        return { id: physical, state: { arn: buildArn(c, "events", `rule/${physical}`) } };
      case TARGET:
        return { id: `${inputs.rule}-${inputs.targetId}`, state: {} };
      case QUEUE: {
        const url = `https://sqs.${c.region}.${dnsSuffixOf(c.partition)}/${c.account}/${physical}`;
        return { id: url, state: { arn: buildArn(c, "sqs", physical), url } };
      }
      case QUEUE_POLICY:
        return { id: String(inputs.queueUrl), state: {} };
      case DASHBOARD:
        return { id: String(inputs.dashboardName), state: { dashboardArn: `arn:${c.partition}:cloudwatch::${c.account}:dashboard/${inputs.dashboardName}` } };
      default:
        return undefined;
    }
  }
}

const WORKFLOWS: MonitoringArgs["workflows"] = {
  "credit-approval": { stateMachineArn: machine("credit-approval"), stateMachineName: naming.physical("credit-approval") },
  "backup-orchestration": { stateMachineArn: machine("backup-orchestration"), stateMachineName: naming.physical("backup-orchestration"), type: "STANDARD" },
  "order-events": { stateMachineArn: machine("order-events"), stateMachineName: naming.physical("order-events"), type: "EXPRESS" },
};
const ALERTS: MonitoringArgs["alerts"] = [
  { protocol: "email", endpoint: "oncall@example.com" },
  { protocol: "https", endpoint: "https://hooks.example.com/statecraft" },
  { protocol: "email", endpoint: "oncall@example.com" },
];

async function plan(overrides: Partial<MonitoringArgs> = {}) {
  const mocks = new MonitoringMocks(context);
  const run = await runProgram(
    () => {
      const monitoring = new Monitoring("monitoring", { naming, workflows: WORKFLOWS, alarms: DEFAULT_ALARMS, alerts: ALERTS, kmsKeyArn: KEY, ...overrides });
      return { alertsTopicArn: monitoring.alertsTopicArn, alarmNames: monitoring.alarmNames, ruleArn: monitoring.ruleArn, deadLetterQueueArn: monitoring.deadLetterQueueArn, dashboardName: monitoring.dashboardName };
    },
    { project: "statecraft", stack: "prod", mocks },
  );
  const ofType = (type: string) => run.resources.filter((r) => r.type === type);
  const one = (type: string): RegisteredResource => {
    const found = ofType(type);
    expect(found, type).to.have.length(1);
    return found[0];
  };
  return { ...run, ofType, one };
}

describe("Monitoring under mocks", function () {
  this.timeout(30_000);
  let run: Awaited<ReturnType<typeof plan>>;
  before(async () => {
    run = await plan();
  });

  it("registers the topic, its policy, a subscription per distinct subscriber, four alarms per workflow, the rule, its target, the queue, its policy and the dashboard, all under the component", () => {
    const counts = Object.fromEntries([TOPIC, TOPIC_POLICY, SUBSCRIPTION, ALARM, RULE, TARGET, QUEUE, QUEUE_POLICY, DASHBOARD].map((type) => [type, run.ofType(type).length]));
    expect(counts).to.deep.equal({ [TOPIC]: 1, [TOPIC_POLICY]: 1, [SUBSCRIPTION]: 2, [ALARM]: 12, [RULE]: 1, [TARGET]: 1, [QUEUE]: 1, [QUEUE_POLICY]: 1, [DASHBOARD]: 1 });
    const children = run.resources.filter((r) => r.type.startsWith("aws:"));
    expect(children).to.have.length(21);
    expect(children.every((r) => r.parent === "statecraft:index:Monitoring::monitoring")).to.equal(true);
    expect(run.resources.map((r) => r.name)).to.include.members(["monitoring-alerts", "monitoring-alerts-policy", "monitoring-execution-alerts", "monitoring-execution-alerts-dlq", "monitoring-dashboard", "monitoring-credit-approval-ExecutionsFailed"]);
  });

  it("encrypts the alerts topic with the key given, under the stack's name", () => {
    expect(run.one(TOPIC).inputs).to.deep.include({ name: "statecraft-prod-alerts", kmsMasterKeyId: KEY });
  });

  it("gives the topic the policy admitting the stack's alarms and its rule", () => {
    const policy = run.one(TOPIC_POLICY).inputs;
    expect(policy.arn).to.equal(names.alertsTopicArn);
    expect(JSON.parse(policy.policy as string)).to.deep.equal(alertsTopicPolicy(context, names));
  });

  it("subscribes each distinct subscriber once", () => {
    expect(run.ofType(SUBSCRIPTION).map((s) => [s.inputs.topic, s.inputs.protocol, s.inputs.endpoint])).to.deep.equal([
      [names.alertsTopicArn, "email", "oncall@example.com"],
      [names.alertsTopicArn, "https", "https://hooks.example.com/statecraft"],
    ]);
  });

  it("alarms on each workflow's own unqualified ARN and notifies the topic", () => {
    for (const [workflow, { stateMachineName }] of Object.entries(WORKFLOWS)) {
      const specs = workflowAlarms({ stateMachineName, stateMachineArn: machine(workflow), alertsTopicArn: names.alertsTopicArn });
      for (const spec of specs) {
        const alarm = run.ofType(ALARM).find((a) => a.inputs.name === spec.alarmName);
        expect(alarm, spec.alarmName).not.to.equal(undefined);
        const { metric: _metric, alarmName, ...args } = spec;
        expect(alarm!.inputs).to.deep.include({ ...args, name: alarmName, actionsEnabled: true });
        expect(alarm!.inputs.dimensions).to.deep.equal({ StateMachineArn: machine(workflow) });
      }
    }
    expect(run.outputs.alarmNames).to.deep.equal({
      "credit-approval": ["ExecutionsFailed", "ExecutionsTimedOut", "ExecutionsAborted", "ExecutionThrottled"].map((m) => `statecraft-prod-credit-approval-${m}`),
      "backup-orchestration": ["ExecutionsFailed", "ExecutionsTimedOut", "ExecutionsAborted", "ExecutionThrottled"].map((m) => `statecraft-prod-backup-orchestration-${m}`),
      "order-events": ["ExecutionsFailed", "ExecutionsTimedOut", "ExecutionsAborted", "ExecutionThrottled"].map((m) => `statecraft-prod-order-events-${m}`),
    });
  });

  it("watches the Standard workflows' status changes, Express ones emitting none", () => {
    const rule = run.one(RULE).inputs;
    expect(rule.name).to.equal(names.statusChangeRuleName);
    expect(JSON.parse(rule.eventPattern as string)).to.deep.equal(statusChangePattern([machine("credit-approval"), machine("backup-orchestration")]));
    expect(run.outputs.ruleArn).to.equal(names.statusChangeRuleArn);
  });

  it("targets the topic with the message transformer, retries and the dead-letter queue, once the queue admits the rule", () => {
    const target = run.one(TARGET);
    const transformer = statusChangeInputTransformer(context);
    expect(target.inputs).to.deep.equal({
      rule: names.statusChangeRuleName,
      targetId: "alerts-topic",
      arn: names.alertsTopicArn,
      inputTransformer: { inputPaths: transformer.inputPaths, inputTemplate: transformer.inputTemplate },
      retryPolicy: { maximumEventAgeInSeconds: 86_400, maximumRetryAttempts: 185 },
      deadLetterConfig: { arn: names.deadLetterQueueArn },
    });
    expect(target.options?.dependsOn).to.deep.equal([`${QUEUE_POLICY}::monitoring-execution-alerts-dlq-policy`]);
  });

  it("keeps undelivered alerts in an SSE-SQS queue only the rule may send to", () => {
    expect(run.one(QUEUE).inputs).to.deep.equal({ name: names.deadLetterQueueName, sqsManagedSseEnabled: true, messageRetentionSeconds: 1_209_600 });
    const policy = run.one(QUEUE_POLICY).inputs;
    expect(policy.queueUrl).to.equal(`https://sqs.eu-west-1.amazonaws.com/222222222222/${names.deadLetterQueueName}`);
    expect(JSON.parse(policy.policy as string)).to.deep.equal(deadLetterQueuePolicy(names.deadLetterQueueArn, names.statusChangeRuleArn));
  });

  it("draws a row per workflow on the dashboard", () => {
    const dashboard = run.one(DASHBOARD).inputs;
    expect(dashboard.dashboardName).to.equal("statecraft-prod-workflows");
    expect(JSON.parse(dashboard.dashboardBody as string)).to.deep.equal(workflowsDashboardBody("eu-west-1", Object.keys(WORKFLOWS).map((workflow) => ({ workflow, stateMachineArn: machine(workflow) }))));
  });
});

describe("Monitoring's arguments", function () {
  this.timeout(30_000);

  it("leaves the topic without KMS when no key is given", async () => {
    const run = await plan({ kmsKeyArn: undefined, alerts: [] });
    expect(run.one(TOPIC).inputs).not.to.have.property("kmsMasterKeyId");
    expect(run.ofType(SUBSCRIPTION)).to.have.length(0);
  });

  it("follows the alarms setting", async () => {
    const run = await plan({ alarms: alarmsSchema.parse({ periodSeconds: 60, evaluationPeriods: 3, datapointsToAlarm: 2, thresholds: { ExecutionsFailed: 5 } }) });
    const failed = run.ofType(ALARM).find((a) => a.inputs.name === "statecraft-prod-credit-approval-ExecutionsFailed")!;
    expect(failed.inputs).to.deep.include({ period: 60, evaluationPeriods: 3, datapointsToAlarm: 2, threshold: 5 });
  });

  it("lets a transform adjust a child's arguments", async () => {
    const run = await plan({ transform: { deadLetterQueue: (args) => ({ ...args, messageRetentionSeconds: 86_400 }), alarm: (args) => ({ ...args, actionsEnabled: false }) } });
    expect(run.one(QUEUE).inputs.messageRetentionSeconds).to.equal(86_400);
    expect(run.ofType(ALARM).every((a) => a.inputs.actionsEnabled === false)).to.equal(true);
  });

  it("rejects a state machine named outside the stack's prefix, whose alarms the policies would refuse", () => {
    const args: MonitoringArgs = { naming, workflows: { odd: { stateMachineArn: machine("odd"), stateMachineName: "another-app-odd" } }, alarms: DEFAULT_ALARMS, alerts: [] };
    expect(() => new Monitoring("odd", args)).to.throw(/another-app-odd of odd does not start with statecraft-prod-/);
    expect(() => new Monitoring("none", { ...args, workflows: {} })).to.throw(/no workflow to watch/);
  });
});

/**
 * The authorization AWS performs when CloudWatch or EventBridge delivers an alert, with the real IAM evaluator over
 * the policies Monitoring registers and the platform's key policy: a service principal is allowed by the resource's
 * policy alone (the topic policy, the key policy, the queue policy).
 */
describe("alert delivery, authorized by the IAM evaluator", function () {
  this.timeout(30_000);
  const alarmArn = buildArn(context, "cloudwatch", "alarm:statecraft-prod-credit-approval-ExecutionsFailed");
  const topicContext = { "kms:EncryptionContext:aws:sns:topicArn": names.alertsTopicArn };
  let withStatements: Authorizer;
  let withoutStatements: Authorizer;

  before(async () => {
    const run = await plan();
    const key = (policy: object): PlannedResource => ({ type: "aws:kms/key:Key", name: "platform-key", inputs: { policy: JSON.stringify(policy) }, outputs: { arn: KEY } });
    withStatements = new Authorizer([{ stack: "prod", resources: [...run.resources, key(platformKeyPolicy(context, [], monitoringKeyStatements(context, names)))] }]);
    withoutStatements = new Authorizer([{ stack: "prod", resources: [...run.resources, key(platformKeyPolicy(context))] }]);
  });

  const allowed = async (authorizer: Authorizer, principal: string, action: string, resource: string, context: Record<string, string>) =>
    (await authorizer.authorize({ principal, action, resource, context })).allowed;

  it("lets the stack's alarms publish to the topic and use the key for it", async () => {
    const source = { "aws:SourceArn": alarmArn, "aws:SourceAccount": context.account };
    expect(await allowed(withStatements, "cloudwatch.amazonaws.com", "sns:Publish", names.alertsTopicArn, source)).to.equal(true);
    expect(await allowed(withStatements, "cloudwatch.amazonaws.com", "kms:GenerateDataKey", KEY, { ...source, ...topicContext })).to.equal(true);
    expect(await allowed(withStatements, "cloudwatch.amazonaws.com", "kms:Decrypt", KEY, { ...source, ...topicContext })).to.equal(true);
  });

  it("lets the status-change rule publish to the topic and use the key for it, its KMS request carrying no source keys", async () => {
    expect(await allowed(withStatements, "events.amazonaws.com", "sns:Publish", names.alertsTopicArn, { "aws:SourceArn": names.statusChangeRuleArn, "aws:SourceAccount": context.account })).to.equal(true);
    expect(await allowed(withStatements, "events.amazonaws.com", "kms:GenerateDataKey", KEY, topicContext)).to.equal(true);
    expect(await allowed(withStatements, "events.amazonaws.com", "kms:Decrypt", KEY, topicContext)).to.equal(true);
  });

  it("drops the alarms' and the rule's alerts when the key policy lacks the monitoring statements", async () => {
    const source = { "aws:SourceArn": alarmArn, "aws:SourceAccount": context.account };
    expect(await allowed(withoutStatements, "cloudwatch.amazonaws.com", "sns:Publish", names.alertsTopicArn, source)).to.equal(true);
    const denied = await withoutStatements.authorize({ principal: "cloudwatch.amazonaws.com", action: "kms:GenerateDataKey", resource: KEY, context: { ...source, ...topicContext } });
    expect(denied.allowed).to.equal(false);
    expect(denied.message).to.contain(`no resource-based policy allows the kms:GenerateDataKey action (read: the key policy of ${KEY})`);
    expect(await allowed(withoutStatements, "events.amazonaws.com", "kms:GenerateDataKey", KEY, topicContext)).to.equal(false);
  });

  it("refuses another service principal", async () => {
    for (const principal of ["s3.amazonaws.com", "lambda.amazonaws.com"]) {
      expect(await allowed(withStatements, principal, "sns:Publish", names.alertsTopicArn, { "aws:SourceArn": alarmArn, "aws:SourceAccount": context.account })).to.equal(false);
      expect(await allowed(withStatements, principal, "kms:GenerateDataKey", KEY, topicContext)).to.equal(false);
    }
  });

  it("refuses another account's alarm, and an alarm of this account outside the stack", async () => {
    const foreign = { "aws:SourceArn": `arn:aws:cloudwatch:eu-west-1:${OTHER_ACCOUNT}:alarm:statecraft-prod-credit-approval-ExecutionsFailed`, "aws:SourceAccount": OTHER_ACCOUNT };
    expect(await allowed(withStatements, "cloudwatch.amazonaws.com", "sns:Publish", names.alertsTopicArn, foreign)).to.equal(false);
    expect(await allowed(withStatements, "cloudwatch.amazonaws.com", "kms:GenerateDataKey", KEY, { ...foreign, ...topicContext })).to.equal(false);
    const outside = { "aws:SourceArn": buildArn(context, "cloudwatch", "alarm:billing-spike"), "aws:SourceAccount": context.account };
    expect(await allowed(withStatements, "cloudwatch.amazonaws.com", "sns:Publish", names.alertsTopicArn, outside)).to.equal(false);
    expect(await allowed(withStatements, "cloudwatch.amazonaws.com", "kms:GenerateDataKey", KEY, { ...outside, ...topicContext })).to.equal(false);
  });

  it("refuses another rule on the topic, and the key for another topic", async () => {
    const otherRule = buildArn(context, "events", "rule/statecraft-prod-something-else");
    expect(await allowed(withStatements, "events.amazonaws.com", "sns:Publish", names.alertsTopicArn, { "aws:SourceArn": otherRule, "aws:SourceAccount": context.account })).to.equal(false);
    const otherTopic = { "kms:EncryptionContext:aws:sns:topicArn": naming.topicArn("backup-failure") };
    expect(await allowed(withStatements, "events.amazonaws.com", "kms:GenerateDataKey", KEY, otherTopic)).to.equal(false);
    expect(await allowed(withStatements, "cloudwatch.amazonaws.com", "kms:GenerateDataKey", KEY, { "aws:SourceArn": alarmArn, "aws:SourceAccount": context.account, ...otherTopic })).to.equal(false);
  });

  it("lets only the rule send undelivered alerts to the dead-letter queue", async () => {
    const policy = deadLetterQueuePolicy(names.deadLetterQueueArn, names.statusChangeRuleArn);
    const send = async (principal: string, sourceArn: string) => {
      const response = await runSimulation(
        {
          request: {
            principal,
            action: "sqs:SendMessage",
            resource: { resource: names.deadLetterQueueArn, accountId: context.account },
            contextVariables: { "aws:PrincipalServiceName": principal, "aws:SourceArn": sourceArn, "aws:SourceAccount": context.account },
          },
          identityPolicies: [],
          serviceControlPolicies: [],
          resourceControlPolicies: [],
          resourcePolicy: policy,
        },
        {},
      );
      if (response.resultType === "error") throw new Error(JSON.stringify(response.errors));
      return response.overallResult === "Allowed";
    };
    expect(await send("events.amazonaws.com", names.statusChangeRuleArn)).to.equal(true);
    expect(await send("events.amazonaws.com", buildArn(context, "events", "rule/another-rule"))).to.equal(false);
    expect(await send("sns.amazonaws.com", names.statusChangeRuleArn)).to.equal(false);
  });
});
