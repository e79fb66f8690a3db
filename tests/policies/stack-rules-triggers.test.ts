import { expect } from "chai";
import { sfnFailureAlarms } from "../../policies/rules/sfn-failure-alarms";
import { snsServicePublishKey } from "../../policies/rules/sns-service-publish-key";
import { triggerRoleStartOnly } from "../../policies/rules/trigger-role-start-only";
import { FakeResource, UNKNOWN, runStackPolicy } from "./harness";

// The stack rules of triggers and alarms, over small stacks written out as AWS would hold them (outputs: the ARNs
// and ids AWS answers): a workflow, the roles that start it, its alarms and the alerts topic they notify.
const ACCOUNT = "222222222222";
const OTHER = "444444444444";
const REGION = "eu-west-1";
const MACHINE_NAME = "statecraft-prod-credit-approval";
const MACHINE_ARN = `arn:aws:states:${REGION}:${ACCOUNT}:stateMachine:${MACHINE_NAME}`;
const ALIAS_ARN = `${MACHINE_ARN}:live`;
const QUEUE_ARN = `arn:aws:sqs:${REGION}:${ACCOUNT}:statecraft-prod-credit-approval-nightly-dlq`;
const TOPIC_NAME = "statecraft-prod-alerts";
const TOPIC_ARN = `arn:aws:sns:${REGION}:${ACCOUNT}:${TOPIC_NAME}`;
const KEY_ID = "e7539098-1221-4acc-afa9-75cd11ebea28";
const KEY_ARN = `arn:aws:kms:${REGION}:${ACCOUNT}:key/${KEY_ID}`;

const document = (...statements: Record<string, unknown>[]) => JSON.stringify({ Version: "2012-10-17", Statement: statements });
const allow = (action: string | string[], resource: string | string[], extra: Record<string, unknown> = {}) => ({ Effect: "Allow", Action: action, Resource: resource, ...extra });

const machine = (props: Record<string, unknown> = {}): FakeResource => ({
  type: "aws:sfn/stateMachine:StateMachine",
  name: "credit-approval",
  props: {
    arn: MACHINE_ARN,
    name: MACHINE_NAME,
    type: "STANDARD",
    loggingConfiguration: { level: "ERROR", logDestination: `arn:aws:logs:${REGION}:${ACCOUNT}:log-group:/aws/vendedlogs/states/prod-credit-approval:*` },
    ...props,
  },
});

describe("stack rule trigger-role-start-only", () => {
  const check = (resources: FakeResource[], config?: Record<string, unknown>) => runStackPolicy(triggerRoleStartOnly, resources, config);
  /** A trigger's role, trusted by its service from the stack's account, as the platform registers it. */
  const role = (service: string, name = "statecraft-prod-credit-approval-nightly-trigger", props: Record<string, unknown> = {}): FakeResource => ({
    type: "aws:iam/role:Role",
    name,
    props: {
      name,
      arn: `arn:aws:iam::${ACCOUNT}:role/${name}`,
      id: name,
      assumeRolePolicy: document({ Effect: "Allow", Principal: { Service: service }, Action: "sts:AssumeRole", Condition: { StringEquals: { "aws:SourceAccount": ACCOUNT } } }),
      ...props,
    },
  });
  const rolePolicy = (statements: Record<string, unknown>[], roleName = "statecraft-prod-credit-approval-nightly-trigger"): FakeResource => ({
    type: "aws:iam/rolePolicy:RolePolicy",
    name: `${roleName}-policy`,
    props: { name: "start-execution", role: roleName, policy: document(...statements) },
  });
  const START_ALIAS = allow("states:StartExecution", ALIAS_ARN);
  const SEND_DLQ = allow("sqs:SendMessage", QUEUE_ARN);
  const QUALIFIED = allow("states:StartExecution", MACHINE_ARN, { Condition: { "ForAnyValue:StringEquals": { "states:StateMachineQualifier": ["live"] } } });

  it("passes a schedule's role that starts the alias and writes its dead-letter queue, and an API's that starts executions synchronously", () => {
    expect(check([machine(), role("scheduler.amazonaws.com"), rolePolicy([START_ALIAS, SEND_DLQ])]).violations).to.deep.equal([]);
    const api = "statecraft-prod-order-events-orders-api-trigger";
    expect(check([role("apigateway.amazonaws.com", api), rolePolicy([allow("states:StartSyncExecution", `arn:aws:states:${REGION}:${ACCOUNT}:stateMachine:x:3`)], api)]).violations).to.deep.equal([]);
  });

  it("passes the unqualified ARN under states:StateMachineQualifier, as the platform grants it, and a policy given as an object", () => {
    expect(check([role("events.amazonaws.com"), rolePolicy([QUALIFIED])]).violations).to.deep.equal([]);
    const asObject = { ...rolePolicy([QUALIFIED]), props: { ...rolePolicy([QUALIFIED]).props, policy: { Version: "2012-10-17", Statement: [QUALIFIED] } } };
    expect(check([role("events.amazonaws.com"), asObject]).violations).to.deep.equal([]);
  });

  it("reports another action and an execution ARN, naming the role, its service, the action, the resource and the policy", () => {
    const execution = `arn:aws:states:${REGION}:${ACCOUNT}:execution:${MACHINE_NAME}:*`;
    const violations = check([role("scheduler.amazonaws.com"), rolePolicy([START_ALIAS, allow("states:StopExecution", execution), allow("states:StartExecution", execution)])]).violations;
    expect(violations).to.have.lengthOf(2);
    expect(violations[0]).to.equal(
      `Remove states:StopExecution on ${execution} from role policy start-execution of role statecraft-prod-credit-approval-nightly-trigger (trusted by scheduler.amazonaws.com): states:StopExecution is not an action a trigger needs; a trigger role may grant only states:StartExecution or states:StartSyncExecution on state machines, versions or aliases of account ${ACCOUNT}, and sqs:SendMessage on its queues.`,
    );
    expect(violations[1]).to.contain(`Remove states:StartExecution on ${execution} from role policy start-execution`).and.contain(`${execution} is not a state machine, version or alias ARN`);
  });

  it("reports Resource *, a wildcard, states:*, and another account's state machine or queue", () => {
    const violations = check([
      role("events.amazonaws.com"),
      rolePolicy([
        allow("states:StartExecution", "*"),
        allow("states:StartExecution", `arn:aws:states:${REGION}:${ACCOUNT}:stateMachine:statecraft-prod-*`),
        allow("states:*", ALIAS_ARN),
        allow("states:StartExecution", `arn:aws:states:${REGION}:${OTHER}:stateMachine:payments:live`),
        allow("sqs:SendMessage", `arn:aws:sqs:${REGION}:${OTHER}:dlq`),
      ]),
    ]).violations;
    expect(violations.map((v) => v.split(": ")[1].split(";")[0])).to.deep.equal([
      "Resource * covers every resource of every account",
      `arn:aws:states:${REGION}:${ACCOUNT}:stateMachine:statecraft-prod-* is not a state machine, version or alias ARN (arn:<partition>:states:<region>:<account>:stateMachine:<name>[:<qualifier>]) without wildcards`,
      "states:* is not an action a trigger needs",
      `arn:aws:states:${REGION}:${OTHER}:stateMachine:payments:live is in account ${OTHER}, not this stack's`,
      `arn:aws:sqs:${REGION}:${OTHER}:dlq is in account ${OTHER}, not this stack's`,
    ]);
  });

  it("reads inline policies and attached policies, and reports an attached policy outside the stack", () => {
    const inline = role("apigateway.amazonaws.com", undefined, { inlinePolicies: [{ name: "start", policy: document(START_ALIAS, allow("lambda:InvokeFunction", `arn:aws:lambda:${REGION}:${ACCOUNT}:function:f`)) }] });
    expect(check([inline]).violations).to.have.lengthOf(1);
    expect(check([inline]).violations[0]).to.match(/^Remove lambda:InvokeFunction on .* from inline policy start of role .*: lambda:InvokeFunction is not an action a trigger needs;/);
    const attach: FakeResource = {
      type: "aws:iam/rolePolicyAttachment:RolePolicyAttachment",
      name: "attach",
      props: { role: "statecraft-prod-credit-approval-nightly-trigger", policyArn: "arn:aws:iam::aws:policy/AWSStepFunctionsConsoleFullAccess" },
    };
    expect(check([role("scheduler.amazonaws.com"), rolePolicy([START_ALIAS]), attach]).violations).to.deep.equal([
      `Detach arn:aws:iam::aws:policy/AWSStepFunctionsConsoleFullAccess from role statecraft-prod-credit-approval-nightly-trigger (trusted by scheduler.amazonaws.com): its grants cannot be checked, and a trigger role may grant only states:StartExecution or states:StartSyncExecution on state machines, versions or aliases of account ${ACCOUNT}, and sqs:SendMessage on its queues.`,
    ]);
  });

  it("leaves alone roles of other services, and trigger roles that start no workflow (a rule's role writing to a stream)", () => {
    expect(check([role("lambda.amazonaws.com"), rolePolicy([allow("states:StopExecution", "*")])]).violations).to.deep.equal([]);
    expect(check([role("events.amazonaws.com"), rolePolicy([allow("kinesis:PutRecord", `arn:aws:kinesis:${REGION}:${ACCOUNT}:stream/orders`)])]).violations).to.deep.equal([]);
  });

  it("takes the stack's account from the role's ARN, else its state machines, else accountIds", () => {
    const noArn = role("scheduler.amazonaws.com", undefined, { arn: undefined });
    expect(check([machine(), noArn, rolePolicy([START_ALIAS])]).violations).to.deep.equal([]);
    expect(check([noArn, rolePolicy([START_ALIAS])]).violations[0]).to.match(/^Set accountIds in the configuration of trigger-role-start-only/);
    expect(check([noArn, rolePolicy([START_ALIAS])], { accountIds: [ACCOUNT] }).violations).to.deep.equal([]);
    expect(check([role("scheduler.amazonaws.com"), rolePolicy([START_ALIAS])], { accountIds: [OTHER] }).violations[0]).to.contain(`is in account ${ACCOUNT}, not this stack's`);
  });

  it("reports a value unknown at preview instead of failing", () => {
    expect(check([role("scheduler.amazonaws.com", undefined, { assumeRolePolicy: UNKNOWN })]).unknown).to.contain("can't be known during preview");
  });
});

describe("stack rule sfn-failure-alarms", () => {
  const check = (resources: FakeResource[], config?: Record<string, unknown>) => runStackPolicy(sfnFailureAlarms, resources, config);
  const alarm = (metric: string, props: Record<string, unknown> = {}): FakeResource => ({
    type: "aws:cloudwatch/metricAlarm:MetricAlarm",
    name: `credit-approval-${metric}`,
    props: {
      name: `${MACHINE_NAME}-${metric}`,
      namespace: "AWS/States",
      metricName: metric,
      statistic: "Sum",
      comparisonOperator: "GreaterThanOrEqualToThreshold",
      threshold: 1,
      period: 300,
      evaluationPeriods: 1,
      dimensions: { StateMachineArn: MACHINE_ARN },
      alarmActions: [TOPIC_ARN],
      okActions: [TOPIC_ARN],
      ...props,
    },
  });
  const ALL = ["ExecutionsFailed", "ExecutionsTimedOut", "ExecutionsAborted", "ExecutionThrottled"];

  it("passes a machine with an ExecutionsFailed alarm that notifies the alerts topic, and with the four when all are required", () => {
    expect(check([machine(), alarm("ExecutionsFailed")]).violations).to.deep.equal([]);
    expect(check([machine(), ...ALL.map((m) => alarm(m))], { requiredMetrics: ALL }).violations).to.deep.equal([]);
  });

  it("reports a machine without alarms, naming it, its ARN and the metrics", () => {
    const outcome = check([machine()]);
    expect(outcome.violations).to.deep.equal([
      `Add a CloudWatch alarm on AWS/States ExecutionsFailed with dimensions { StateMachineArn: ${MACHINE_ARN} } and an alarm action for state machine ${MACHINE_NAME}: its failed executions go unnoticed.`,
    ]);
    expect(check([machine(), alarm("ExecutionsFailed")], { requiredMetrics: ALL }).violations).to.deep.equal([
      `Add a CloudWatch alarm on AWS/States ExecutionsTimedOut, ExecutionsAborted, ExecutionThrottled with dimensions { StateMachineArn: ${MACHINE_ARN} } and an alarm action for state machine ${MACHINE_NAME}: its timed-out executions, aborted executions, throttled executions go unnoticed.`,
    ]);
  });

  it("always requires ExecutionsFailed, whatever the configuration lists", () => {
    expect(check([machine(), alarm("ExecutionsTimedOut")], { requiredMetrics: ["ExecutionsTimedOut"] }).violations[0]).to.contain("on AWS/States ExecutionsFailed with");
  });

  it("does not count an alarm on another machine, another namespace or the alias", () => {
    for (const props of [{ dimensions: { StateMachineArn: `${MACHINE_ARN}-2` } }, { namespace: "AWS/Lambda" }, { dimensions: { StateMachineArn: ALIAS_ARN } }]) {
      expect(check([machine(), alarm("ExecutionsFailed", props)]).violations, JSON.stringify(props)).to.have.lengthOf(1);
    }
  });

  it("reports an alarm that notifies nobody: no alarm action, or actions disabled", () => {
    expect(check([machine(), alarm("ExecutionsFailed", { alarmActions: [] })]).violations).to.deep.equal([
      `Add the alerts topic to alarmActions of alarm ${MACHINE_NAME}-ExecutionsFailed (ExecutionsFailed of state machine ${MACHINE_NAME}), and leave actionsEnabled on: the alarm notifies nobody.`,
    ]);
    expect(check([machine(), alarm("ExecutionsFailed", { actionsEnabled: false })]).violations).to.have.lengthOf(1);
    // One silent alarm beside one that notifies is enough.
    expect(check([machine(), alarm("ExecutionsFailed", { alarmActions: [] }), { ...alarm("ExecutionsFailed"), name: "second" }]).violations).to.deep.equal([]);
  });

  it("reads a metric query's metric, and builds the ARN of a machine created in the same deployment from its name", () => {
    const query = alarm("ExecutionsFailed", { namespace: undefined, metricName: undefined, dimensions: undefined, metricQueries: [{ id: "m1", returnData: true, metric: { namespace: "AWS/States", metricName: "ExecutionsFailed", dimensions: { StateMachineArn: MACHINE_ARN }, period: 300, stat: "Sum" } }] });
    expect(check([machine(), query]).violations).to.deep.equal([]);
    expect(check([machine({ arn: undefined }), alarm("ExecutionsFailed")]).violations).to.deep.equal([]);
  });

  it("reports a value unknown at preview instead of failing", () => {
    expect(check([machine(), alarm("ExecutionsFailed", { dimensions: { StateMachineArn: UNKNOWN } })]).unknown).to.contain("can't be known during preview");
  });
});

describe("stack rule sns-service-publish-key", () => {
  const check = (resources: FakeResource[]) => runStackPolicy(snsServicePublishKey, resources);
  const topic = (props: Record<string, unknown> = {}): FakeResource => ({ type: "aws:sns/topic:Topic", name: "alerts", props: { name: TOPIC_NAME, arn: TOPIC_ARN, kmsMasterKeyId: KEY_ARN, ...props } });
  const publish = (service: string) => ({ Sid: `${service}Publishes`, Effect: "Allow", Principal: { Service: service }, Action: "sns:Publish", Resource: TOPIC_ARN, Condition: { StringEquals: { "aws:SourceAccount": ACCOUNT } } });
  const topicPolicy = (...services: string[]): FakeResource => ({ type: "aws:sns/topicPolicy:TopicPolicy", name: "alerts-policy", props: { arn: TOPIC_ARN, policy: document(...services.map(publish)) } });
  const ADMIN = { Sid: "Admin", Effect: "Allow", Principal: { AWS: `arn:aws:iam::${ACCOUNT}:root` }, Action: "kms:*", Resource: "*" };
  const useKey = (service: string, actions: string[] = ["kms:GenerateDataKey*", "kms:Decrypt"]) => ({ Effect: "Allow", Principal: { Service: service }, Action: actions, Resource: "*" });
  const key = (...statements: Record<string, unknown>[]): FakeResource => ({
    type: "aws:kms/key:Key",
    name: "platform-key",
    props: { arn: KEY_ARN, keyId: KEY_ID, id: KEY_ID, ...(statements.length ? { policy: document(ADMIN, ...statements) } : {}) },
  });
  const alarm: FakeResource = {
    type: "aws:cloudwatch/metricAlarm:MetricAlarm",
    name: "credit-approval-ExecutionsFailed",
    props: { name: `${MACHINE_NAME}-ExecutionsFailed`, namespace: "AWS/States", metricName: "ExecutionsFailed", dimensions: { StateMachineArn: MACHINE_ARN }, alarmActions: [TOPIC_ARN], okActions: [TOPIC_ARN] },
  };
  const target: FakeResource = {
    type: "aws:cloudwatch/eventTarget:EventTarget",
    name: "execution-alerts",
    props: { rule: "statecraft-prod-execution-alerts", targetId: "alerts", arn: TOPIC_ARN, deadLetterConfig: { arn: `arn:aws:sqs:${REGION}:${ACCOUNT}:statecraft-prod-execution-alerts-dlq` } },
  };
  const CW = "cloudwatch.amazonaws.com";
  const EB = "events.amazonaws.com";

  it("passes alarms and a rule publishing to a topic whose policy and key policy allow both services", () => {
    expect(check([machine(), alarm, target, topic(), topicPolicy(CW, EB), key(useKey(CW), useKey(EB))]).violations).to.deep.equal([]);
    // One statement for both services, kms:GenerateDataKey written out, and the key named by its alias.
    const alias: FakeResource = { type: "aws:kms/alias:Alias", name: "alias", props: { name: "alias/statecraft-prod-platform", targetKeyId: KEY_ID } };
    const both = { ...useKey(CW, ["kms:GenerateDataKey", "kms:Decrypt"]), Principal: { Service: [CW, EB] } };
    expect(check([alarm, target, topic({ kmsMasterKeyId: "alias/statecraft-prod-platform" }), alias, topicPolicy(CW, EB), key(both)]).violations).to.deep.equal([]);
    // An unencrypted topic asks nothing of a key.
    expect(check([alarm, topic({ kmsMasterKeyId: undefined }), topicPolicy(CW)]).violations).to.deep.equal([]);
  });

  it("reports a key policy that does not allow the service, naming the topic, the service, what is missing and the silent drop", () => {
    expect(check([alarm, topic(), topicPolicy(CW), key(useKey(CW, ["kms:Decrypt"]))]).violations).to.deep.equal([
      `Let ${CW} publish to topic ${TOPIC_NAME}, which alarm ${MACHINE_NAME}-ExecutionsFailed publishes to: the policy of its key ${KEY_ARN} does not allow ${CW} kms:GenerateDataKey*. AWS drops such notifications silently.`,
    ]);
    expect(check([target, topic(), topicPolicy(EB), key()]).violations).to.deep.equal([
      `Let ${EB} publish to topic ${TOPIC_NAME}, which the target alerts of rule statecraft-prod-execution-alerts publishes to: its key ${KEY_ARN} has the default key policy, which allows no service principal kms:GenerateDataKey* and kms:Decrypt. AWS drops such notifications silently.`,
    ]);
  });

  it("reports a topic policy that does not allow the service, and a topic without a policy", () => {
    const violations = check([alarm, target, topic(), topicPolicy(CW), key(useKey(CW), useKey(EB))]).violations;
    expect(violations).to.deep.equal([`Let ${EB} publish to topic ${TOPIC_NAME}, which the target alerts of rule statecraft-prod-execution-alerts publishes to: its access policy does not allow ${EB} sns:Publish. AWS drops such notifications silently.`]);
    const none = check([alarm, topic(), key()]).violations;
    expect(none).to.have.lengthOf(1);
    expect(none[0]).to.contain(`its access policy does not allow ${CW} sns:Publish; its key ${KEY_ARN} has the default key policy`);
  });

  it("reads a KeyPolicy resource over the key's own policy, and the topic's own policy", () => {
    const keyPolicy: FakeResource = { type: "aws:kms/keyPolicy:KeyPolicy", name: "key-policy", props: { keyId: KEY_ID, policy: document(ADMIN, useKey(CW)) } };
    expect(check([alarm, topic({ policy: document(publish(CW)) }), key(), keyPolicy]).violations).to.deep.equal([]);
  });

  it("reports the AWS managed key, whose policy cannot name the service", () => {
    expect(check([alarm, topic({ kmsMasterKeyId: "alias/aws/sns" }), topicPolicy(CW)]).violations).to.deep.equal([
      `Let ${CW} publish to topic ${TOPIC_NAME}, which alarm ${MACHINE_NAME}-ExecutionsFailed publishes to: it is encrypted with the AWS managed key alias/aws/sns, whose key policy cannot allow ${CW}: use a customer-managed key. AWS drops such notifications silently.`,
    ]);
  });

  it("says it cannot check a key or topic outside the stack, as an advisory note after reporting what it can", () => {
    const foreignKey = `arn:aws:kms:${REGION}:${ACCOUNT}:key/00000000-1111-2222-3333-444444444444`;
    const outcome = check([alarm, target, topic({ kmsMasterKeyId: foreignKey }), topicPolicy(CW)]);
    expect(outcome.violations).to.have.lengthOf(1);
    expect(outcome.violations[0]).to.contain(`${EB} sns:Publish`);
    expect(outcome.unknown).to.equal(
      `cannot check the key ${foreignKey} of topic ${TOPIC_NAME}, which alarm ${MACHINE_NAME}-ExecutionsFailed (${CW}) publishes to, is not in this stack; the key ${foreignKey} of topic ${TOPIC_NAME}, which the target alerts of rule statecraft-prod-execution-alerts (${EB}) publishes to, is not in this stack: make sure its policies let the service publish, or AWS drops the notifications silently.`,
    );
    const elsewhere = `arn:aws:sns:${REGION}:${OTHER}:ops-alerts`;
    expect(check([{ ...alarm, props: { ...alarm.props, alarmActions: [elsewhere], okActions: [] } }]).unknown).to.contain(`topic ${elsewhere}, which alarm ${MACHINE_NAME}-ExecutionsFailed (${CW}) publishes to, is not in this stack`);
  });

  it("leaves alone alarm actions and targets that are not topics", () => {
    const lambdaTarget = { ...target, props: { ...target.props, arn: ALIAS_ARN } };
    const autoscaling = { ...alarm, props: { ...alarm.props, alarmActions: ["arn:aws:automate:eu-west-1:ec2:stop"], okActions: [] } };
    expect(check([lambdaTarget, autoscaling, topic()]).violations).to.deep.equal([]);
    expect(check([lambdaTarget, autoscaling, topic()]).unknown).to.equal(undefined);
  });
});
