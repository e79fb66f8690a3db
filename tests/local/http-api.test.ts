import { expect } from "chai";
import type { Json } from "../../infra/definition/asl";
import { emailText, type PendingTask } from "../../local/approvals";
import { LocalStack } from "../../local/runner";
import { INTEGRATION_ERROR_HEADER, routesOf } from "../../local/services/http-api";
import { plans } from "./plans";

/** The approval links of the message a pending approval Task had published. */
function linksOf(task: PendingTask): { approve: string; reject: string } {
  const text = emailText(task.notifications[0].message);
  const link = (label: string) => new RegExp(`^${label}:\\s*(\\S+)`, "m").exec(text)![1];
  return { approve: link("Approve"), reject: link("Reject") };
}

const form = (fields: Record<string, string>) => ({ method: "POST", body: new URLSearchParams(fields), headers: { "content-type": "application/x-www-form-urlencoded" } });

describe("the approval links through the local HTTP API (dev stack)", () => {
  let stack: LocalStack;
  before(async () => {
    stack = await LocalStack.start({ stack: "dev", plans });
  });
  after(async () => {
    await stack?.stop();
  });
  beforeEach(async () => {
    await stack.reset();
  });

  const input = { applicantId: "app-9000", name: "Kathleen Booth", email: "kb@example.com", ssn: "345-67-8901", address: { street: "1 Birkbeck", city: "London", postalCode: "WC1E 7HX", country: "GB" }, creditRequested: 9000 };

  it("serves the routes the plan registers, each to the approval-callback function", () => {
    const routes = routesOf(stack.authorizer.index.plans.get("dev")!);
    expect(routes.map((r) => r.routeKey)).to.have.members(["GET /approvals/{requestId}/{decision}", "POST /approvals/{requestId}/{decision}"]);
    for (const route of routes) expect(route.functionArn).to.equal(stack.naming.functionArn("approval-callback"));
  });

  it("answers a second click 'already decided' without answering the task token twice, and refuses a tampered link", async () => {
    const pages: { step: string; status: number; text: string }[] = [];
    let clicked: () => void = () => undefined;
    const allClicked = new Promise<void>((resolve) => (clicked = resolve));
    const report = await stack.runWorkflow("credit-approval", {
      input: input as Json,
      responder: async (task) => {
        const { approve, reject } = linksOf(task);
        const forged = approve.replace("/approve?", "/reject?");
        for (const [step, url, init] of [
          ["forged", forged, form({})],
          ["confirm", approve, undefined],
          ["decide", approve, form({ approver: "ops@example.com", reason: "ok" })],
          ["again", approve, form({ approver: "ops@example.com" })],
          ["reject after", reject, form({})],
        ] as const) {
          const response = await fetch(url, init);
          pages.push({ step, status: response.status, text: await response.text() });
        }
        clicked();
      },
    });
    // The execution resumes at the first decision; the later clicks come after it, as a person's would.
    await allClicked;
    expect(pages.map((p) => [p.step, p.status])).to.deep.equal([
      ["forged", 403],
      ["confirm", 200],
      ["decide", 200],
      ["again", 409],
      ["reject after", 409],
    ]);
    expect(pages[1].text).to.include("Kathleen Booth").and.include("<form");
    expect(pages[3].text).to.match(/[Aa]lready decided/);
    expect(report.taskTokens).to.have.length(1);
    expect(report.taskTokens[0]).to.deep.include({ outcome: "success", output: { approved: true, approver: "ops@example.com", reason: "ok" } });
    expect(report.status).to.equal("SUCCEEDED");
  });

  it("answers 500 when API Gateway may not invoke the function, as API Gateway does, and says why locally", async () => {
    const original = [...stack.authorizer.index.plans.entries()].map(([name, resources]) => ({ stack: name, resources }));
    const withoutPermission = original.map((plan) => ({ ...plan, resources: plan.resources.filter((r) => r.type !== "aws:lambda/permission:Permission") }));
    let answered: { status: number; body: string; reason: string | null } | undefined;
    stack.authorizer.usePlans(withoutPermission);
    try {
      const url = `${stack.httpApi!.url}/approvals/r1/approve?expires=1&signature=x`;
      const response = await fetch(url);
      answered = { status: response.status, body: await response.text(), reason: response.headers.get(INTEGRATION_ERROR_HEADER) };
    } finally {
      stack.authorizer.usePlans(original);
    }
    expect(answered).to.deep.include({ status: 500, body: '{"message":"Internal Server Error"}' });
    expect(answered!.reason).to.include("User: apigateway.amazonaws.com is not authorized to perform: lambda:InvokeFunction");
    expect(stack.httpApi!.requests.at(-1)).to.deep.include({ method: "GET", status: 500 });
  });

  it("answers 404 for a path no route serves", async () => {
    const response = await fetch(`${stack.httpApi!.url}/nothing/here`);
    expect(response.status).to.equal(404);
  });
});
