import { expect } from "chai";
import fc from "fast-check";
import { approverSubscriptions } from "../../infra/approvals";
import { ACCESS_LOG_FIELDS, accessLogFormat, invokeSourceArn, parseRouteKey, routeResourceName } from "../../infra/triggers/http-api";

const EXECUTION_ARN = "arn:aws:execute-api:eu-west-1:222222222222:a1b2c3d4e5";

describe("HTTP API builders", () => {
  it("scopes the invoke permission to the approval routes, any stage and method", () => {
    expect(invokeSourceArn(EXECUTION_ARN, ["GET /approvals/{requestId}/{decision}", "POST /approvals/{requestId}/{decision}"])).to.equal(`${EXECUTION_ARN}/*/*/approvals/*`);
  });

  it("keeps one method and an exact path when every route has them", () => {
    expect(invokeSourceArn(EXECUTION_ARN, ["GET /health"])).to.equal(`${EXECUTION_ARN}/*/GET/health`);
    expect(invokeSourceArn(EXECUTION_ARN, ["POST /orders/{id}", "POST /orders/{id}/items"])).to.equal(`${EXECUTION_ARN}/*/POST/orders/*`);
    expect(invokeSourceArn(EXECUTION_ARN, ["GET /a/{x}", "GET /b/{y}"])).to.equal(`${EXECUTION_ARN}/*/GET/*`);
    expect(invokeSourceArn(EXECUTION_ARN, ["ANY /items/{proxy+}"])).to.equal(`${EXECUTION_ARN}/*/*/items/*`);
  });

  it("covers every concrete request of the routes, and no other path (property)", () => {
    const segment = fc.stringMatching(/^[A-Za-z0-9_-]{1,12}$/);
    fc.assert(
      fc.property(segment, segment, fc.constantFrom("GET", "POST"), (requestId, decision, method) => {
        const pattern = invokeSourceArn(EXECUTION_ARN, ["GET /approvals/{requestId}/{decision}", "POST /approvals/{requestId}/{decision}"]);
        const matches = (arn: string) => new RegExp(`^${pattern.replace(/[.+?^${}()|[\]\\]/g, "\\$&").replace(/\*/g, ".*")}$`).test(arn);
        expect(matches(`${EXECUTION_ARN}/$default/${method}/approvals/${requestId}/${decision}`)).to.equal(true);
        expect(matches(`${EXECUTION_ARN}/$default/${method}/admin/${requestId}`)).to.equal(false);
      }),
    );
  });

  it("rejects a malformed route key, naming it", () => {
    expect(() => parseRouteKey("FETCH /x")).to.throw('route key "FETCH /x" is not');
    expect(() => invokeSourceArn(EXECUTION_ARN, [])).to.throw("no route keys");
    expect(parseRouteKey("$default")).to.deep.equal({ method: "*", path: "/*" });
  });

  it("names a route's resource after its method and path", () => {
    expect(routeResourceName("GET /approvals/{requestId}/{decision}")).to.equal("get-approvals-requestid-decision");
  });

  it("logs each request as one JSON object with the request id, source IP, route, status and integration error, not the path", () => {
    const format = JSON.parse(accessLogFormat()) as Record<string, string>;
    expect(format).to.deep.equal(ACCESS_LOG_FIELDS);
    expect(format).to.include({
      requestId: "$context.requestId",
      ip: "$context.identity.sourceIp",
      routeKey: "$context.routeKey",
      status: "$context.status",
      integrationErrorMessage: "$context.integrationErrorMessage",
    });
    expect(Object.values(format)).not.to.include.members(["$context.path"]);
  });
});

describe("approver subscriptions", () => {
  it("names each subscription after its endpoint, so reordering approvers replaces none, and drops duplicates", () => {
    const email = { protocol: "email", endpoint: "risk-officers@acme.example" } as const;
    const hook = { protocol: "https", endpoint: "https://hooks.acme.example/approvals" } as const;
    const first = approverSubscriptions([email, hook]);
    expect(first.map((s) => s.name)).to.satisfy((names: string[]) => names.every((n) => /^approver-[0-9a-f]{8}$/.test(n)));
    expect(approverSubscriptions([hook, email, hook]).map((s) => s.name)).to.deep.equal([first[1].name, first[0].name]);
    expect(first[0]).to.include({ protocol: "email", endpoint: "risk-officers@acme.example" });
  });
});
