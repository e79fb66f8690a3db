import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { expect } from "chai";
import { main } from "../cli/diagram";
import { renderGraphs } from "../cli/diagram";
import { startExecution, type StateMachineDefinition } from "../engine/index";
import { readStackFile } from "../infra/config";
import { toDot } from "../infra/diagram/dot";
import { buildGraph, ruleText } from "../infra/diagram/graph";
import { toMermaid } from "../infra/diagram/mermaid";
import { readOverlay } from "../infra/diagram/overlay";
import { renderSvg } from "../infra/diagram/svg";
import type { AslStateMachine } from "../infra/definition/asl";

/** The text an SVG shows (its `<text>` elements), entities decoded. */
function svgText(svg: string): string {
  return [...svg.matchAll(/<text[^>]*>([^<]*)<\/text>/g)].map((match) => decode(match[1])).join("\n");
}

function decode(text: string): string {
  return text
    .replace(/&#(\d+);/g, (_, code) => String.fromCodePoint(Number(code)))
    .replace(/&#x([0-9a-f]+);/gi, (_, code) => String.fromCodePoint(parseInt(code, 16)))
    .replace(/&lt;/g, "<")
    .replace(/&gt;/g, ">")
    .replace(/&quot;/g, '"')
    .replace(/&apos;/g, "'")
    .replace(/&amp;/g, "&");
}

/** A small definition whose Task fails (caught once, then uncaught), with a Parallel, a Map and a Choice. */
const FAILING: StateMachineDefinition = {
  StartAt: "Check",
  States: {
    Check: { Type: "Choice", Choices: [{ Variable: "$.amount", NumericGreaterThanEquals: 5000, Next: "Fan out" }], Default: "Fail fast" },
    "Fan out": { Type: "Map", ItemsPath: "$.items", ItemProcessor: { StartAt: "Echo", States: { Echo: { Type: "Pass", End: true } } }, ResultPath: "$.echoed", Next: "Call" },
    Call: {
      Type: "Task",
      Resource: "arn:aws:states:::lambda:invoke",
      Parameters: { FunctionName: "arn:aws:lambda:eu-west-1:111111111111:function:boom", "Payload.$": "$" },
      Retry: [{ ErrorEquals: ["Boom"], MaxAttempts: 2, IntervalSeconds: 1, BackoffRate: 2 }],
      Catch: [{ ErrorEquals: ["Boom"], ResultPath: "$.error", Next: "Call again" }],
      Next: "Done",
    },
    "Call again": { Type: "Task", Resource: "arn:aws:states:::lambda:invoke", Parameters: { FunctionName: "arn:aws:lambda:eu-west-1:111111111111:function:boom" }, Next: "Done" },
    "Fail fast": { Type: "Fail", Error: "TooSmall" },
    Done: { Type: "Succeed" },
  },
};

async function failedExecution() {
  const execution = startExecution(FAILING, { amount: 6000, items: [1, 2, 3] }, {
    taskHandler: async () => {
      throw Object.assign(new Error("it broke"), { name: "Boom" });
    },
  });
  const result = await execution.result;
  return { result, history: execution.history() };
}

describe("diagrams (infra/diagram, cli/diagram.ts)", function () {
  this.timeout(20_000);

  for (const stack of ["dev", "prod", "consumer"]) {
    it(`draws every State of every ${stack} workflow in its SVG, with Start and End markers`, async () => {
      const { config } = readStackFile(stack);
      const graphs = renderGraphs(stack, config.workflows);
      expect(graphs.map((g) => g.workflow)).to.deep.equal(config.workflows);
      for (const { workflow, graph } of graphs) {
        const text = svgText(await renderSvg(toDot(graph)));
        for (const state of graph.states) expect(text, `${workflow}: ${state.name}`).to.include(state.name);
        expect(text, workflow).to.include("Start").and.to.include("End");
        expect(graph.states.length, workflow).to.be.greaterThan(3);
      }
    });
  }

  it("labels a Choice's rules and its Default, and draws Parallel branches and Map processors as clusters", async () => {
    const [{ graph }] = renderGraphs("dev", ["credit-approval"]);
    const dot = toDot(graph);
    const svg = await renderSvg(dot);
    const text = svgText(svg);
    expect(text).to.include("$.credit.applied >= 5000");
    expect(text).to.include("Default");
    expect(dot).to.match(/subgraph cluster_\w+_b0 \{/).and.to.match(/subgraph cluster_\w+_b1 \{/).and.to.match(/subgraph cluster_\w+_p \{/);
    expect(svg).to.match(/class="cluster"/);
    expect(text).to.include("Verify applicant's identity and address · branch 1").and.to.include("Get scores from all credit bureaus · ItemProcessor");
  });

  it("styles Catch edges apart (red, dashed, labelled with ErrorEquals) and Retry as dashed self-loops", async () => {
    const [{ graph }] = renderGraphs("dev", ["credit-approval"]);
    const svg = await renderSvg(toDot(graph));
    const catches = svg.split(/(?=<g id="edge\d+")/).filter((part) => part.includes('class="edge catch"'));
    expect(catches.length).to.equal(graph.edges.filter((edge) => edge.kind === "catch").length);
    for (const edge of catches) expect(edge).to.include('stroke="#dc2626"').and.to.include("stroke-dasharray");
    expect(svgText(svg)).to.include("Catch: CreditRejected");
    expect(svg).to.match(/class="edge retry"/);
    const retry = graph.edges.find((edge) => edge.kind === "retry")!;
    expect(retry.from).to.equal(retry.to);
  });

  it("shows each Task's bound resource, with its placeholder, as the node's tooltip", async () => {
    const [{ graph }] = renderGraphs("dev", ["credit-approval"]);
    const svg = await renderSvg(toDot(graph));
    expect(decode(svg)).to.match(/xlink:title="[^"]*FunctionName: arn:aws:lambda:eu-west-1:\d+:function:statecraft-dev-credit-limit \(\$\{CreditLimitFunctionArn\}\)/);
  });

  it("writes rules as short texts, JSONata Conditions as they are", () => {
    expect(ruleText({ Variable: "$.kind", StringEquals: "OrderPlaced" })).to.equal('$.kind == "OrderPlaced"');
    expect(ruleText({ And: [{ Variable: "$.a", NumericLessThanPath: "$.b" }, { Not: { Variable: "$.c", IsPresent: true } }] })).to.equal("$.a < $.b and not ($.c is present)");
    const jsonata: AslStateMachine = {
      QueryLanguage: "JSONata",
      StartAt: "C",
      States: { C: { Type: "Choice", Choices: [{ Condition: "{% $states.input.n > 1 %}", Next: "D" }], Default: "D" }, D: { Type: "Succeed" } },
    };
    expect(buildGraph(jsonata, "j").edges.find((edge) => edge.kind === "choice")?.label).to.equal("{% $states.input.n > 1 %}");
  });

  it("overlays an execution: the failed State red, the caught error's edge bold, retries, iterations and durations", async () => {
    const { result, history } = await failedExecution();
    expect(result.status).to.equal("FAILED");
    const overlay = readOverlay(history);
    expect(overlay.status).to.equal("FAILED");
    expect(overlay.states.Check.status).to.equal("succeeded");
    expect(overlay.states["Fan out"]).to.include({ status: "succeeded" });
    expect(overlay.states["Fan out"].iterations).to.include({ items: 3, succeeded: 3 });
    expect(overlay.states.Echo.entries).to.equal(3);
    expect(overlay.states.Call).to.include({ status: "caught", retries: 2 });
    expect(overlay.states.Call.durationMs).to.be.greaterThan(0);
    expect(overlay.states["Call again"].status).to.equal("failed");
    expect(overlay.states.Done).to.equal(undefined);
    expect(overlay.caught).to.deep.equal([{ from: "Call", to: "Call again", error: "Boom" }]);

    const graph = buildGraph(FAILING as AslStateMachine, "failing");
    const svg = await renderSvg(toDot(graph, { overlay }));
    const text = svgText(svg);
    expect(svg).to.match(/class="node state task failed">[\s\S]*?fill="#fca5a5"/);
    expect(svg).to.match(/class="node state choice succeeded">[\s\S]*?fill="#86efac"/);
    expect(svg).to.match(/class="edge catch caught">[\s\S]*?stroke-width="3"/);
    expect(text).to.include("2 retries").and.to.include("3/3 iterations").and.to.include("✗ failed").and.to.match(/✓ [\d.]+ s/);
    const mermaid = toMermaid(graph, overlay);
    expect(mermaid).to.match(/class [\w,]*s\d+[\w,]* failed/);
  });

  it("names a failed Parallel's error after the branch that failed it, not the event type", async () => {
    const definition: StateMachineDefinition = {
      StartAt: "Both",
      States: {
        Both: {
          Type: "Parallel",
          Branches: [{ StartAt: "Work", States: { Work: { Type: "Task", Resource: "arn:aws:states:::lambda:invoke", End: true } } }],
          Catch: [{ ErrorEquals: ["States.ALL"], Next: "Failed" }],
          End: true,
        },
        Failed: { Type: "Fail", Error: "Failed" },
      },
    };
    const execution = startExecution(definition, {}, { taskHandler: async () => Promise.reject(Object.assign(new Error("it broke"), { name: "Boom" })) });
    await execution.result;
    const overlay = readOverlay(execution.history());
    expect(overlay.states.Both).to.include({ status: "caught" });
    expect(overlay.states.Both.errors).to.deep.equal(["Boom"]);
    expect(overlay.caught).to.deep.equal([{ from: "Both", to: "Failed", error: "Boom" }]);
  });

  describe("the command", () => {
    const run = async (argv: string[]) => {
      const io = { out: [] as string[], err: [] as string[] };
      const code = await main(argv, { out: (t) => io.out.push(t), err: (t) => io.err.push(t) });
      return { code, out: io.out.join("\n"), err: io.err.join("\n") };
    };
    const tmp = () => fs.mkdtempSync(path.join(os.tmpdir(), "statecraft-diagram-"));

    it("writes every workflow's SVG and Mermaid Markdown to --out", async () => {
      const out = tmp();
      const { code } = await run(["--stack", "dev", "--out", out]);
      expect(code).to.equal(0);
      const devWorkflows = ["credit-approval", "backup-orchestration", "order-events", "order-confirmation", "support-routing", "identity-check", "user-verification", "iot-ingest", "order-processing", "data-pipeline", "image-batch", "churn-scoring"];
      expect(fs.readdirSync(out).sort()).to.deep.equal(devWorkflows.flatMap((w) => [`${w}.md`, `${w}.svg`]).sort());
      expect(fs.readFileSync(path.join(out, "order-events.md"), "utf8")).to.match(/```mermaid\nflowchart TD\n[\s\S]*```\n$/);
      expect(fs.readFileSync(path.join(out, "order-events.svg"), "utf8")).to.match(/^<\?xml[\s\S]*<\/svg>\s*$/);
    });

    it("draws one workflow with an --execution overlay beside the plain diagram", async () => {
      const out = tmp();
      const file = path.join(out, "history.json");
      const history = [
        { id: 1, previousEventId: 0, timestamp: "2026-01-01T00:00:00.000Z", type: "ExecutionStarted", executionStartedEventDetails: { input: "{}", inputDetails: { truncated: false } } },
        { id: 2, previousEventId: 1, timestamp: "2026-01-01T00:00:00.000Z", type: "TaskStateEntered", stateEnteredEventDetails: { name: "Validate order event", input: "{}", inputDetails: { truncated: false } } },
        { id: 3, previousEventId: 2, timestamp: "2026-01-01T00:00:01.500Z", type: "LambdaFunctionScheduled", lambdaFunctionScheduledEventDetails: { resource: "x", input: "{}", inputDetails: { truncated: false } } },
        { id: 4, previousEventId: 3, timestamp: "2026-01-01T00:00:02.000Z", type: "LambdaFunctionFailed", lambdaFunctionFailedEventDetails: { error: "Oops" } },
        { id: 5, previousEventId: 4, timestamp: "2026-01-01T00:00:02.000Z", type: "ExecutionFailed", executionFailedEventDetails: { error: "Oops" } },
      ];
      fs.writeFileSync(file, JSON.stringify({ events: history }));
      const { code, err } = await run(["--stack", "dev", "order-events", "--out", out, "--execution", file]);
      expect(err).to.equal("");
      expect(code).to.equal(0);
      const svg = fs.readFileSync(path.join(out, "order-events.execution.svg"), "utf8");
      expect(svgText(svg)).to.include("✗ failed 2 s");
    });

    for (const [argv, message] of [
      [["order-events"], /--stack is required/],
      [["--stack", "nowhere"], /stack nowhere/],
      [["--stack", "dev", "loan-intake"], /the dev stack does not deploy loan-intake/],
      [["--stack", "dev", "no-such-flow"], /unknown workflow "no-such-flow"/],
      [["--stack", "dev", "--execution", "history.json"], /--execution needs the workflow/],
      [["--stack", "dev", "order-events", "--execution", "/nonexistent/history.json"], /cannot read --execution/],
      [["--stack", "dev", "--bogus"], /Unknown option '--bogus'/],
    ] as [string[], RegExp][]) {
      it(`exits 2 with a clear message for ${argv.join(" ")}`, async () => {
        const { code, err } = await run(argv);
        expect(code).to.equal(2);
        expect(err).to.match(message).and.to.include("usage: npm run diagram");
      });
    }

    it("exits 2 for a history of another workflow", async () => {
      const out = tmp();
      const { history } = await failedExecution();
      const file = path.join(out, "other.json");
      fs.writeFileSync(file, JSON.stringify(history));
      const { code, err } = await run(["--stack", "dev", "order-events", "--out", out, "--execution", file]);
      expect(code).to.equal(2);
      expect(err).to.match(/another workflow's history/);
    });
  });
});
