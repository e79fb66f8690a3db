import { expect } from "chai";
import fc from "fast-check";
import { platformKeyPolicy } from "../../infra/components/key-policy";
import { ALARM_NAME_LIMIT, alarmName, periodInWords, workflowAlarms } from "../../infra/monitoring/alarms";
import { alertsTopicPolicy, deadLetterQueuePolicy, monitoringKeyStatements, monitoringNames } from "../../infra/monitoring/alerts";
import { workflowsDashboardBody } from "../../infra/monitoring/dashboard";
import { ALARM_METRICS, alarmsSchema, DEFAULT_ALARMS } from "../../infra/monitoring/schema";
import {
  EVENT_PATTERN_LIMIT,
  StatusChangePattern,
  StringFilter,
  executionConsoleUrl,
  readInputPath,
  renderInputTemplate,
  stackStateMachineArnPrefix,
  statusChangeInputTransformer,
  statusChangePattern,
} from "../../infra/monitoring/status-change";
import { Naming } from "../../infra/naming";
import { runResourcePolicy } from "../policies/harness";
import { snsPolicyRestricted } from "../../policies/rules/sns-policy-restricted";

const context = { partition: "aws", region: "eu-west-1", account: "222222222222" };
const naming = new Naming("statecraft", "prod", context);
const machineArn = (workflow: string) => naming.stateMachineArn(workflow);
const TOPIC = "arn:aws:sns:eu-west-1:222222222222:statecraft-prod-alerts";

/** A Step Functions Execution Status Change event, as the Step Functions guide shows one. */
function statusChangeEvent(detail: Record<string, unknown>) {
  return {
    version: "0",
    id: "315c1398-40ff-a850-213b-158f73e60175",
    "detail-type": "Step Functions Execution Status Change",
    source: "aws.states",
    account: "222222222222",
    time: "2026-03-01T10:15:30Z",
    region: "eu-west-1",
    resources: [detail.executionArn],
    detail: { startDate: 1772359800000, stopDate: 1772360130000, input: "{}", output: null, ...detail },
  };
}
const EXECUTION = "arn:aws:states:eu-west-1:222222222222:execution:statecraft-prod-credit-approval:application-42";
const FAILED = statusChangeEvent({
  executionArn: EXECUTION,
  stateMachineArn: machineArn("credit-approval"),
  name: "application-42",
  status: "FAILED",
  error: "States.TaskFailed",
  cause: '{"errorMessage":"bureau \\"north\\" timed out","errorType":"TimeoutError"}',
});

/** EventBridge's matching, for the operators the rule uses: a list of exact strings and `{prefix}` filters. */
function matches(pattern: unknown, event: unknown): boolean {
  if (Array.isArray(pattern)) {
    return (pattern as StringFilter[]).some((filter) => (typeof filter === "string" ? event === filter : typeof event === "string" && event.startsWith(filter.prefix)));
  }
  return Object.entries(pattern as Record<string, unknown>).every(([key, value]) => matches(value, (event as Record<string, unknown> | undefined)?.[key]));
}

describe("workflowAlarms", () => {
  const target = { stateMachineName: "statecraft-prod-credit-approval", stateMachineArn: machineArn("credit-approval"), alertsTopicArn: TOPIC };

  it("makes four AWS/States alarms, Sum >= 1 over five minutes by default, on the unqualified ARN, notifying the topic on ALARM and OK", () => {
    const alarms = workflowAlarms(target);
    expect(alarms.map((a) => a.alarmName)).to.deep.equal([
      "statecraft-prod-credit-approval-ExecutionsFailed",
      "statecraft-prod-credit-approval-ExecutionsTimedOut",
      "statecraft-prod-credit-approval-ExecutionsAborted",
      "statecraft-prod-credit-approval-ExecutionThrottled",
    ]);
    for (const alarm of alarms) {
      expect(alarm).to.deep.include({
        namespace: "AWS/States",
        metricName: alarm.metric,
        statistic: "Sum",
        dimensions: { StateMachineArn: "arn:aws:states:eu-west-1:222222222222:stateMachine:statecraft-prod-credit-approval" },
        comparisonOperator: "GreaterThanOrEqualToThreshold",
        threshold: 1,
        period: 300,
        evaluationPeriods: 1,
        datapointsToAlarm: 1,
        treatMissingData: "notBreaching",
        alarmActions: [TOPIC],
        okActions: [TOPIC],
      });
      expect(alarm.alarmDescription.length).to.be.at.most(1024);
    }
  });

  it("describes what each alarm means and what to do", () => {
    const [failed, timedOut, aborted, throttled] = workflowAlarms(target).map((a) => a.alarmDescription);
    expect(failed).to.equal(
      "statecraft-prod-credit-approval: at least 1 execution failed in one period of 5 minutes. Open the state machine's failed executions in the Step Functions console, read the error and cause of the State that failed, fix the input or the service it called, then redrive or restart them.",
    );
    expect(timedOut).to.match(/^statecraft-prod-credit-approval: at least 1 execution timed out \(ran longer than the state machine's TimeoutSeconds\) in one period of 5 minutes\. Find/);
    expect(aborted).to.match(/at least 1 execution was aborted \(stopped by StopExecution\).*CloudTrail/);
    expect(throttled).to.match(/at least 1 state transition of its executions was throttled .*StateTransition quota/);
  });

  it("takes period, evaluation periods, datapoints, thresholds per metric and missing data from the configuration", () => {
    const config = alarmsSchema.parse({ periodSeconds: 60, evaluationPeriods: 5, datapointsToAlarm: 3, thresholds: { ExecutionsFailed: 2, ExecutionThrottled: 50 }, treatMissingData: "ignore" });
    const alarms = workflowAlarms(target, config);
    expect(alarms.map((a) => [a.metric, a.threshold, a.period, a.evaluationPeriods, a.datapointsToAlarm, a.treatMissingData])).to.deep.equal([
      ["ExecutionsFailed", 2, 60, 5, 3, "ignore"],
      ["ExecutionsTimedOut", 1, 60, 5, 3, "ignore"],
      ["ExecutionsAborted", 1, 60, 5, 3, "ignore"],
      ["ExecutionThrottled", 50, 60, 5, 3, "ignore"],
    ]);
    expect(alarms[0].alarmDescription).to.contain("at least 2 executions failed in 3 of 5 consecutive periods of 1 minute.");
    expect(alarms[3].alarmDescription).to.contain("at least 50 state transitions of its executions were throttled");
  });

  it("alarms on every breaching period when datapointsToAlarm is not set", () => {
    const alarms = workflowAlarms(target, alarmsSchema.parse({ evaluationPeriods: 3, periodSeconds: 3600 }));
    expect(alarms.every((a) => a.datapointsToAlarm === 3)).to.equal(true);
    expect(alarms[0].alarmDescription).to.contain("in 3 of 3 consecutive periods of 1 hour");
  });

  it("passes ARNs through untouched, so Pulumi inputs work as well as strings", () => {
    const arn = { output: "machine" };
    const topic = { output: "topic" };
    const [alarm] = workflowAlarms({ stateMachineName: "statecraft-prod-x", stateMachineArn: arn, alertsTopicArn: topic });
    expect(alarm.dimensions.StateMachineArn).to.equal(arn);
    expect(alarm.alarmActions[0]).to.equal(topic);
  });

  it("rejects an alarm name past 255 characters, and datapoints beyond the evaluation periods", () => {
    expect(() => alarmName("x".repeat(ALARM_NAME_LIMIT), "ExecutionsFailed")).to.throw(/longer than CloudWatch's 255/);
    expect(() => workflowAlarms(target, { ...DEFAULT_ALARMS, evaluationPeriods: 2, datapointsToAlarm: 3 })).to.throw(/datapointsToAlarm \(3\) must be at most evaluationPeriods \(2\)/);
  });

  it("follows the configuration for any valid alarms setting (property)", () => {
    const periods = fc.oneof(fc.constantFrom(10, 30), fc.integer({ min: 1, max: 1440 }).map((m) => m * 60));
    fc.assert(
      fc.property(periods, fc.integer({ min: 1, max: 100 }), fc.integer({ min: 1, max: 1000 }), (periodSeconds, evaluationPeriods, threshold) => {
        const config = alarmsSchema.parse({ periodSeconds, evaluationPeriods, thresholds: { ExecutionsAborted: threshold } });
        const alarms = workflowAlarms(target, config);
        expect(alarms.map((a) => a.metric)).to.deep.equal([...ALARM_METRICS]);
        for (const alarm of alarms) {
          expect(alarm.period).to.equal(periodSeconds);
          expect(alarm.datapointsToAlarm).to.equal(evaluationPeriods);
          expect(alarm.threshold).to.equal(alarm.metric === "ExecutionsAborted" ? threshold : 1);
          expect(alarm.alarmDescription).to.contain(periodInWords(periodSeconds)).and.have.length.at.most(1024);
        }
      }),
    );
  });
});

describe("periodInWords", () => {
  it("reads seconds, minutes and hours", () => {
    expect([10, 30, 60, 300, 3600, 7200, 86_400].map(periodInWords)).to.deep.equal(["10 seconds", "30 seconds", "1 minute", "5 minutes", "1 hour", "2 hours", "24 hours"]);
  });
});

describe("statusChangePattern", () => {
  const arns = [machineArn("credit-approval"), machineArn("backup-orchestration")];
  const prefix = stackStateMachineArnPrefix(context, naming.physical(""));

  it("matches FAILED, TIMED_OUT and ABORTED status changes of the stack's machines, by ARN and by qualified ARN", () => {
    expect(statusChangePattern(arns, prefix)).to.deep.equal({
      source: ["aws.states"],
      "detail-type": ["Step Functions Execution Status Change"],
      detail: {
        status: ["FAILED", "TIMED_OUT", "ABORTED"],
        stateMachineArn: [
          "arn:aws:states:eu-west-1:222222222222:stateMachine:statecraft-prod-backup-orchestration",
          { prefix: "arn:aws:states:eu-west-1:222222222222:stateMachine:statecraft-prod-backup-orchestration:" },
          "arn:aws:states:eu-west-1:222222222222:stateMachine:statecraft-prod-credit-approval",
          { prefix: "arn:aws:states:eu-west-1:222222222222:stateMachine:statecraft-prod-credit-approval:" },
        ],
      },
    });
  });

  it("matches an execution started directly or through an alias or a version, and nothing else", () => {
    const pattern = statusChangePattern(arns, prefix);
    const event = (detail: Record<string, unknown>) => statusChangeEvent({ executionArn: EXECUTION, name: "application-42", ...detail });
    expect(matches(pattern, FAILED)).to.equal(true);
    // As DescribeExecution reports it: the unqualified ARN, the alias beside it.
    expect(matches(pattern, event({ status: "TIMED_OUT", stateMachineArn: arns[0], stateMachineAliasArn: `${arns[0]}:live` }))).to.equal(true);
    // Should the event carry the qualified ARN, it still matches.
    expect(matches(pattern, event({ status: "ABORTED", stateMachineArn: `${arns[0]}:live` }))).to.equal(true);
    expect(matches(pattern, event({ status: "FAILED", stateMachineArn: `${arns[1]}:7` }))).to.equal(true);
    expect(matches(pattern, event({ status: "SUCCEEDED", stateMachineArn: arns[0] }))).to.equal(false);
    expect(matches(pattern, event({ status: "RUNNING", stateMachineArn: arns[0] }))).to.equal(false);
    expect(matches(pattern, event({ status: "FAILED", stateMachineArn: `${arns[0]}-v2` }))).to.equal(false);
    expect(matches(pattern, event({ status: "FAILED", stateMachineArn: machineArn("order-events") }))).to.equal(false);
    expect(matches(pattern, event({ status: "FAILED", stateMachineArn: arns[0].replace("statecraft-prod-", "statecraft-dev-") }))).to.equal(false);
    expect(matches(pattern, { ...FAILED, source: "aws.other" })).to.equal(false);
  });

  it("falls back to the stack's ARN prefix past EventBridge's 2,048 characters, or with no Standard machine", () => {
    const many = Array.from({ length: 20 }, (_, i) => machineArn(`workflow-with-a-long-name-${i}`));
    const pattern = statusChangePattern(many, prefix);
    expect(pattern.detail.stateMachineArn).to.deep.equal([{ prefix: "arn:aws:states:eu-west-1:222222222222:stateMachine:statecraft-prod-" }]);
    expect(matches(pattern, statusChangeEvent({ status: "FAILED", stateMachineArn: `${many[3]}:live` }))).to.equal(true);
    expect(statusChangePattern([], prefix).detail.stateMachineArn).to.deep.equal([{ prefix }]);
    expect(() => statusChangePattern(many)).to.throw(/past EventBridge's 2048/);
    expect(() => statusChangePattern([])).to.throw(/no state machine/);
  });

  it("stays within EventBridge's default pattern size for the stack's own workflows", () => {
    const pattern: StatusChangePattern = statusChangePattern(["credit-approval", "backup-orchestration", "order-events", "loan-intake"].map(machineArn), prefix);
    expect(JSON.stringify(pattern).length).to.be.at.most(EVENT_PATTERN_LIMIT);
    expect(pattern.detail.stateMachineArn).to.have.length(8);
  });
});

describe("statusChangeInputTransformer", () => {
  const transformer = statusChangeInputTransformer(context);

  it("writes each line as its own JSON string, as EventBridge wants a text template", () => {
    const lines = transformer.inputTemplate.split("\n");
    expect(lines).to.have.length(7);
    for (const line of lines) expect(JSON.parse(line)).to.be.a("string");
    expect(transformer.inputTemplate).not.to.contain("\\n");
    expect(transformer.inputTemplate.length).to.be.at.most(8192);
  });

  it("uses only defined variables, in dot notation, none named AWS…", () => {
    const placeholders = [...transformer.inputTemplate.matchAll(/<([^<>]+)>/g)].map((m) => m[1]);
    expect(new Set(placeholders)).to.deep.equal(new Set(Object.keys(transformer.inputPaths)));
    for (const [key, path] of Object.entries(transformer.inputPaths)) {
      expect(key).not.to.match(/^aws/i);
      expect(path).to.match(/^\$(\.[A-Za-z-]+)+$/);
    }
    expect(Object.keys(transformer.inputPaths).length).to.be.at.most(100);
  });

  it("turns a failed execution into a readable message with the console link", () => {
    expect(renderInputTemplate(transformer, FAILED)).to.equal(
      [
        '"Step Functions execution FAILED"',
        '"State machine: arn:aws:states:eu-west-1:222222222222:stateMachine:statecraft-prod-credit-approval"',
        '"Execution: application-42"',
        '"Status: FAILED at 2026-03-01T10:15:30Z"',
        '"Error: States.TaskFailed"',
        '"Cause: {"errorMessage":"bureau \\"north\\" timed out","errorType":"TimeoutError"}"',
        '"Console: https://eu-west-1.console.aws.amazon.com/states/home?region=eu-west-1#/v2/executions/details/arn:aws:states:eu-west-1:222222222222:execution:statecraft-prod-credit-approval:application-42"',
      ].join("\n"),
    );
  });

  it("reads an aborted execution, whose error and cause are null, without a gap", () => {
    const aborted = statusChangeEvent({ executionArn: EXECUTION, stateMachineArn: machineArn("credit-approval"), name: "application-42", status: "ABORTED", error: null, cause: null });
    const message = renderInputTemplate(transformer, aborted).split("\n");
    expect(message[0]).to.equal('"Step Functions execution ABORTED"');
    expect(message[4]).to.equal('"Error: null"');
    expect(message[5]).to.equal('"Cause: null"');
  });

  it("links to the console of the partition", () => {
    expect(executionConsoleUrl({ partition: "aws-cn", region: "cn-north-1" }, "x")).to.equal("https://console.amazonaws.cn/states/home?region=cn-north-1#/v2/executions/details/x");
    expect(executionConsoleUrl({ partition: "aws-us-gov", region: "us-gov-west-1" }, "x")).to.equal("https://console.amazonaws-us-gov.com/states/home?region=us-gov-west-1#/v2/executions/details/x");
  });

  it("carries any cause intact, quotes, newlines and angle brackets included (property)", () => {
    fc.assert(
      fc.property(fc.string(), (cause) => {
        const event = { ...FAILED, detail: { ...FAILED.detail, cause } };
        const message = renderInputTemplate(transformer, event);
        expect(message).to.contain(`\n"Cause: ${cause}"\n"Console: https://`);
        expect(message.split("\n").slice(0, 5)).to.deep.equal(renderInputTemplate(transformer, FAILED).split("\n").slice(0, 5));
      }),
    );
  });
});

describe("readInputPath and renderInputTemplate", () => {
  it("read dot paths, leave out absent variables, drop quotes of objects inside strings, and refuse brackets or unknown placeholders", () => {
    const event = { a: { "b-c": 1, list: ["x", "y"] } };
    expect(readInputPath(event, "$.a.b-c")).to.equal(1);
    expect(readInputPath(event, "$.a.missing.deeper")).to.equal(undefined);
    expect(() => readInputPath(event, "$.a.list[0]")).to.throw(/dot notation/);
    expect(renderInputTemplate({ inputPaths: { n: "$.a.b-c", l: "$.a.list", m: "$.nope" }, inputTemplate: '"<n> <l> [<m>]"' }, event)).to.equal('"1 [x,y] []"');
    expect(() => renderInputTemplate({ inputPaths: {}, inputTemplate: '"<x>"' }, event)).to.throw(/<x> has no input path/);
  });
});

describe("monitoringNames", () => {
  it("derives every name and ARN from the stack's naming", () => {
    expect(monitoringNames(naming)).to.deep.equal({
      alertsTopicName: "statecraft-prod-alerts",
      alertsTopicArn: TOPIC,
      statusChangeRuleName: "statecraft-prod-execution-alerts",
      statusChangeRuleArn: "arn:aws:events:eu-west-1:222222222222:rule/statecraft-prod-execution-alerts",
      deadLetterQueueName: "statecraft-prod-execution-alerts-dlq",
      deadLetterQueueArn: "arn:aws:sqs:eu-west-1:222222222222:statecraft-prod-execution-alerts-dlq",
      alarmNamePrefix: "statecraft-prod-",
      alarmArnPattern: "arn:aws:cloudwatch:eu-west-1:222222222222:alarm:statecraft-prod-*",
      dashboardName: "statecraft-prod-workflows",
    });
  });

  it("rejects a stack name that makes the rule name longer than 64 characters", () => {
    expect(() => monitoringNames(new Naming("statecraft", "a-stack-name-that-is-far-too-long-for-rules", context))).to.throw(/longer than EventBridge's 64/);
  });
});

describe("alertsTopicPolicy", () => {
  const names = monitoringNames(naming);
  const policy = alertsTopicPolicy(context, names);

  it("lets exactly this stack's alarms and its status-change rule publish", () => {
    expect(policy).to.deep.equal({
      Version: "2012-10-17",
      Statement: [
        {
          Sid: "StackAlarmsPublish",
          Effect: "Allow",
          Principal: { Service: "cloudwatch.amazonaws.com" },
          Action: ["sns:Publish"],
          Resource: TOPIC,
          Condition: { StringEquals: { "aws:SourceAccount": "222222222222" }, ArnLike: { "aws:SourceArn": "arn:aws:cloudwatch:eu-west-1:222222222222:alarm:statecraft-prod-*" } },
        },
        {
          Sid: "StatusChangeRulePublishes",
          Effect: "Allow",
          Principal: { Service: "events.amazonaws.com" },
          Action: ["sns:Publish"],
          Resource: TOPIC,
          Condition: { ArnEquals: { "aws:SourceArn": "arn:aws:events:eu-west-1:222222222222:rule/statecraft-prod-execution-alerts" } },
        },
      ],
    });
  });

  it("passes sns-policy-restricted", () => {
    const outcome = runResourcePolicy(snsPolicyRestricted, { type: "aws:sns/topicPolicy:TopicPolicy", props: { arn: TOPIC, policy: JSON.stringify(policy) } });
    expect(outcome).to.deep.equal({ applicable: true, violations: [] });
  });
});

describe("monitoringKeyStatements", () => {
  const statements = monitoringKeyStatements(context, monitoringNames(naming));

  it("lets CloudWatch use the key for the alerts topic, only for this stack's alarms", () => {
    expect(statements[0]).to.deep.equal({
      Sid: "StackAlarmsUseKeyForAlertsTopic",
      Effect: "Allow",
      Principal: { Service: "cloudwatch.amazonaws.com" },
      Action: ["kms:Decrypt", "kms:GenerateDataKey*"],
      Resource: "*",
      Condition: {
        StringEquals: { "aws:SourceAccount": "222222222222", "kms:EncryptionContext:aws:sns:topicArn": TOPIC },
        ArnLike: { "aws:SourceArn": "arn:aws:cloudwatch:eu-west-1:222222222222:alarm:statecraft-prod-*" },
      },
    });
  });

  it("lets EventBridge use the key for the alerts topic, without the source keys SNS says EventBridge's requests lack", () => {
    expect(statements[1]).to.deep.equal({
      Sid: "StatusChangeRuleUsesKeyForAlertsTopic",
      Effect: "Allow",
      Principal: { Service: "events.amazonaws.com" },
      Action: ["kms:Decrypt", "kms:GenerateDataKey*"],
      Resource: "*",
      Condition: { StringEquals: { "kms:EncryptionContext:aws:sns:topicArn": TOPIC } },
    });
    expect(JSON.stringify(statements[1])).not.to.match(/aws:Source/);
  });

  it("ends the platform key policy, after the statements it had", () => {
    const before = platformKeyPolicy(context).Statement;
    const after = platformKeyPolicy(context, [], statements).Statement;
    expect(after.slice(0, before.length)).to.deep.equal(before);
    expect(after.slice(before.length)).to.deep.equal(statements);
  });
});

describe("deadLetterQueuePolicy", () => {
  it("lets only the status-change rule send to the queue", () => {
    const names = monitoringNames(naming);
    expect(deadLetterQueuePolicy(names.deadLetterQueueArn, names.statusChangeRuleArn).Statement).to.deep.equal([
      {
        Sid: "RuleSendsUndeliveredEvents",
        Effect: "Allow",
        Principal: { Service: "events.amazonaws.com" },
        Action: ["sqs:SendMessage"],
        Resource: "arn:aws:sqs:eu-west-1:222222222222:statecraft-prod-execution-alerts-dlq",
        Condition: { ArnEquals: { "aws:SourceArn": "arn:aws:events:eu-west-1:222222222222:rule/statecraft-prod-execution-alerts" } },
      },
    ]);
  });
});

describe("workflowsDashboardBody", () => {
  const body = workflowsDashboardBody("eu-west-1", [
    { workflow: "credit-approval", stateMachineArn: machineArn("credit-approval") },
    { workflow: "order-events", stateMachineArn: machineArn("order-events") },
  ]);

  it("puts a row of four widgets per workflow across the 24-column grid", () => {
    expect(body.widgets.map((w) => [w.properties.title, w.x, w.y, w.width, w.height])).to.deep.equal([
      ["credit-approval: ExecutionsStarted", 0, 0, 6, 6],
      ["credit-approval: ExecutionsSucceeded", 6, 0, 6, 6],
      ["credit-approval: ExecutionsFailed", 12, 0, 6, 6],
      ["credit-approval: ExecutionTime p50 and p99", 18, 0, 6, 6],
      ["order-events: ExecutionsStarted", 0, 6, 6, 6],
      ["order-events: ExecutionsSucceeded", 6, 6, 6, 6],
      ["order-events: ExecutionsFailed", 12, 6, 6, 6],
      ["order-events: ExecutionTime p50 and p99", 18, 6, 6, 6],
    ]);
  });

  it("sums the execution counts and shows ExecutionTime at p50 and p99, for the state machine's ARN in the Region", () => {
    const arn = machineArn("credit-approval");
    expect(body.widgets.slice(0, 4).map((w) => w.properties.metrics)).to.deep.equal([
      [["AWS/States", "ExecutionsStarted", "StateMachineArn", arn, { stat: "Sum", label: "ExecutionsStarted" }]],
      [["AWS/States", "ExecutionsSucceeded", "StateMachineArn", arn, { stat: "Sum", label: "ExecutionsSucceeded" }]],
      [["AWS/States", "ExecutionsFailed", "StateMachineArn", arn, { stat: "Sum", label: "ExecutionsFailed" }]],
      [
        ["AWS/States", "ExecutionTime", "StateMachineArn", arn, { stat: "p50", label: "ExecutionTime p50" }],
        ["AWS/States", "ExecutionTime", "StateMachineArn", arn, { stat: "p99", label: "ExecutionTime p99" }],
      ],
    ]);
    for (const widget of body.widgets) expect(widget.properties).to.deep.include({ region: "eu-west-1", view: "timeSeries", period: 300 });
    expect(body.widgets[3].properties.yAxis.left.label).to.equal("milliseconds");
  });

  it("refuses more widgets than a dashboard holds", () => {
    const many = Array.from({ length: 126 }, (_, i) => ({ workflow: `w${i}`, stateMachineArn: machineArn(`w${i}`) }));
    expect(() => workflowsDashboardBody("eu-west-1", many)).to.throw(/504 widgets, more than CloudWatch's 500/);
  });
});

describe("workflowAlarms for a state machine's alias", () => {
  it("gives the alias its own four alarms on its ARN, named <machine>-<alias>-<metric>, which say they count executions through it", () => {
    const machine = "arn:aws:states:eu-west-1:222222222222:stateMachine:statecraft-prod-credit-approval";
    const specs = workflowAlarms({ stateMachineName: "statecraft-prod-credit-approval", stateMachineArn: `${machine}:live`, alertsTopicArn: "arn:aws:sns:eu-west-1:222222222222:statecraft-prod-alerts", alias: "live" });
    expect(specs.map((s) => s.alarmName)).to.deep.equal([
      "statecraft-prod-credit-approval-live-ExecutionsFailed",
      "statecraft-prod-credit-approval-live-ExecutionsTimedOut",
      "statecraft-prod-credit-approval-live-ExecutionsAborted",
      "statecraft-prod-credit-approval-live-ExecutionThrottled",
    ]);
    expect(specs.every((s) => s.dimensions.StateMachineArn === `${machine}:live`)).to.equal(true);
    expect(specs[0].alarmDescription).to.match(/^statecraft-prod-credit-approval \(executions started through its live alias\): at least 1 execution failed/);
  });
});
