import { expect } from "chai";
import { applyInputTransformer } from "../../local/services/eventbridge";
import { triggerOf } from "../../local/triggers";
import { LocalRunError } from "../../local/errors";
import { Naming } from "../../infra/naming";
import { plans } from "./plans";

const RULE = { arn: "arn:aws:events:eu-west-1:111111111111:rule/acme-orders/r", name: "r" };
const EVENT = { "detail-type": "OrderPlaced", source: "acme.orders", time: "2025-06-01T10:15:00Z", detail: { order: { orderId: "ord-1", items: [1, 2] }, note: 'say "hi"' } };

describe("applyInputTransformer (EventBridge's input transformer, locally)", () => {
  it("inserts a value outside a JSON string as JSON, and inside one as text", () => {
    const input = applyInputTransformer(EVENT, { inputPaths: { kind: "$.detail-type", order: "$.detail.order", note: "$.detail.note" }, inputTemplate: '{"kind": <kind>, "order": <order>, "text": "<kind> says <note>"}' }, RULE);
    expect(input).to.deep.equal({ kind: "OrderPlaced", order: { orderId: "ord-1", items: [1, 2] }, text: 'OrderPlaced says say "hi"' });
  });

  it("gives null for a path the event lacks, and knows EventBridge's own variables", () => {
    const input = applyInputTransformer(EVENT, { inputPaths: { missing: "$.detail.nothing" }, inputTemplate: '{"m": <missing>, "rule": "<aws.events.rule-name>", "event": <aws.events.event.json>}' }, RULE);
    expect(input).to.deep.equal({ m: null, rule: "r", event: EVENT });
  });

  it("refuses a template that is not JSON once filled in, as EventBridge does", () => {
    expect(() => applyInputTransformer(EVENT, { inputPaths: {}, inputTemplate: '{"a": }' }, RULE)).to.throw(/the input template, filled in, is not JSON/);
  });
});

describe("triggerOf (a trigger as the dev plan registers it)", () => {
  it("reads each kind of trigger from the plan: role, source ARN, and how it makes the input", async function () {
    this.timeout(20_000);
    const plan = await plans("dev");
    const naming = new Naming("statecraft", "dev", { partition: "aws", region: "eu-west-1", account: "111111111111" });
    const rule = triggerOf(plan.resources, naming, "order-events", "order-events");
    expect(rule).to.include({ type: "eventRule", roleArn: "arn:aws:iam::111111111111:role/statecraft-dev-order-events-order-events-trigger", sourceArn: "arn:aws:events:eu-west-1:111111111111:rule/acme-orders/statecraft-dev-order-events-order-events", alias: "live" });
    expect(rule.input(EVENT)).to.deep.equal({ kind: "OrderPlaced", occurredAt: "2025-06-01T10:15:00Z", order: { orderId: "ord-1", items: [1, 2] } });
    const schedule = triggerOf(plan.resources, naming, "backup-orchestration", "nightly");
    expect(schedule).to.include({ type: "schedule", sourceArn: "arn:aws:scheduler:eu-west-1:111111111111:schedule-group/default" });
    expect(schedule.input({ ignored: true })).to.deep.equal({});
    const http = triggerOf(plan.resources, naming, "order-events", "orders-api");
    expect(http).to.include({ type: "http", sync: true });
    expect(http.sourceArn).to.match(/^arn:aws:execute-api:eu-west-1:111111111111:\w+\/\$default\/POST\/orders$/);
    const files = triggerOf(plan.resources, naming, "order-events", "order-files");
    expect(files.type).to.equal("s3");
    expect(files.input({ time: "t", detail: { bucket: { name: "b" }, object: { key: "incoming/1.json" } } })).to.deep.equal({ kind: "OrderFileReceived", occurredAt: "t", file: { bucket: "b", key: "incoming/1.json" } });
    expect(() => triggerOf(plan.resources, naming, "order-events", "nope")).to.throw(LocalRunError, /has no trigger nope for order-events \(its triggers: .*orders-api/);
  });
});
