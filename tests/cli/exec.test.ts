import { expect } from "chai";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { DescribeStateMachineCommand, ListStateMachinesCommand, SFNClient } from "@aws-sdk/client-sfn";
import { consoleUrl, main as exec } from "../../cli/exec";
import { main as diagram } from "../../cli/diagram";
import { readStackFile } from "../../infra/config";
import { main as localEndpoint } from "../../cli/local-endpoint";
import { StepFunctionsEndpoint } from "../../local/endpoint/server";

/** The dev stack's Region and account (Pulumi.dev.yaml), which the state machine ARNs of `npm run exec` use. */
const REGION = "eu-west-1";
const ACCOUNT = "111111111111";
const ROLE = `arn:aws:iam::${ACCOUNT}:role/statecraft-dev-test`;
const MACHINE_PREFIX = `arn:aws:states:${REGION}:${ACCOUNT}`;

/** Runs a command in-process, capturing its output lines. */
async function run(command: (argv: string[], io: { out(t: string): void; err(t: string): void }) => Promise<number>, ...argv: string[]): Promise<{ status: number; out: string[]; err: string[] }> {
  const out: string[] = [];
  const err: string[] = [];
  const status = await command(argv, { out: (text) => out.push(...text.split("\n")), err: (text) => err.push(...text.split("\n")) });
  return { status, out, err };
}

function inputFile(content: string): string {
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "statecraft-exec-")), "input.json");
  fs.writeFileSync(file, content);
  return file;
}

describe("npm run exec (cli/exec.ts)", () => {
  let endpoint: StepFunctionsEndpoint;
  const execute = (...argv: string[]) => run((a, io) => exec(a, io, { pollMs: 10 }), ...argv);

  before(async () => {
    // Ad-hoc machines under the dev stack's names: a Task that takes a while (so following polls more than once),
    // a failure, and an Express workflow.
    endpoint = await StepFunctionsEndpoint.start({
      region: REGION,
      account: ACCOUNT,
      executionOptions: () => ({
        taskHandler: async (request) => {
          await new Promise((resolve) => setTimeout(resolve, 60));
          if ((request.input as { fail?: boolean }).fail) throw Object.assign(new Error("no tables"), { name: "Backup.Failed" });
          return { limit: (request.input as { amount: number }).amount * 2 };
        },
      }),
      stateMachines: [
        {
          name: "statecraft-dev-credit-approval",
          roleArn: ROLE,
          definition: { StartAt: "Score", States: { Score: { Type: "Task", Resource: "arn:aws:states:::lambda:invoke", Parameters: { "amount.$": "$.amount" }, ResultPath: "$.score", Next: "Approved" }, Approved: { Type: "Succeed" } } },
        },
        {
          name: "statecraft-dev-backup-orchestration",
          roleArn: ROLE,
          definition: {
            StartAt: "Back up",
            States: {
              "Back up": {
                Type: "Parallel",
                Branches: [
                  { StartAt: "Quick", States: { Quick: { Type: "Pass", Next: "Quicker" }, Quicker: { Type: "Pass", End: true } } },
                  { StartAt: "Slow table", States: { "Slow table": { Type: "Task", Resource: "arn:aws:states:::lambda:invoke", Parameters: { fail: true }, End: true } } },
                ],
                End: true,
              },
            },
          },
        },
        { name: "statecraft-dev-order-events", roleArn: ROLE, type: "EXPRESS", definition: { StartAt: "Store", States: { Store: { Type: "Pass", Result: { stored: true }, End: true } } } },
      ],
    });
  });
  after(() => endpoint.stop());

  it("starts the stack's workflow, follows its history state by state and prints the output (exit 0)", async () => {
    const result = await execute("--stack", "dev", "credit-approval", "--input", inputFile('{"amount":21}'), "--endpoint", endpoint.url, "--name", "followed", "--follow");
    expect(result.err).to.deep.equal([]);
    expect(result.status).to.equal(0);
    expect(result.out[0]).to.equal(`execution ${MACHINE_PREFIX}:execution:statecraft-dev-credit-approval:followed`);
    const steps = result.out.slice(1, -2).map((line) => line.replace(/^\S+Z {2}/, ""));
    expect(steps).to.deep.equal(["entered    Score", "exited     Score", "entered    Approved", "exited     Approved"]);
    expect(result.out[1]).to.match(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z {2}entered/);
    expect(result.out.slice(-2)).to.deep.equal(["status SUCCEEDED", 'output {"amount":21,"score":{"limit":42}}']);
  });

  it("prints the failure and exits 1 when the execution fails", async () => {
    const result = await execute("--stack", "dev", "backup-orchestration", "--input", inputFile("{}"), "--endpoint", endpoint.url, "--follow");
    expect(result.status).to.equal(1);
    expect(result.out.some((line) => /failed {5}\(execution\) {2}ExecutionFailed {2}Backup\.Failed: no tables$/.test(line))).to.equal(true);
    // The Task's failure names its own State, though the other branch entered a State after it.
    expect(result.out.some((line) => /failed {5}Slow table {2}TaskFailed {2}Backup\.Failed: no tables$/.test(line)), result.out.join("\n")).to.equal(true);
    expect(result.out.slice(-3)).to.deep.equal(["status FAILED", "error Backup.Failed", "cause no tables"]);
  });

  it("only starts the execution without --follow", async () => {
    const result = await execute("--stack", "dev", "credit-approval", "--input", inputFile('{"amount":1}'), "--endpoint", endpoint.url, "--name", "started");
    expect(result.status).to.equal(0);
    expect(result.out).to.deep.equal([`execution ${MACHINE_PREFIX}:execution:statecraft-dev-credit-approval:started`]);
  });

  it("runs an Express workflow with StartSyncExecution when following", async () => {
    const result = await execute("--stack", "dev", "order-events", "--input", inputFile("{}"), "--endpoint", endpoint.url, "--follow");
    expect(result.status).to.equal(0);
    expect(result.out[0]).to.match(/Express workflow/);
    expect(result.out[1]).to.match(new RegExp(`^execution ${MACHINE_PREFIX}:express:statecraft-dev-order-events:`));
    expect(result.out.slice(-2)).to.deep.equal(["status SUCCEEDED", 'output {"stored":true}']);
  });

  it("refuses --history without --follow, or for an Express workflow", async () => {
    const withoutFollow = await execute("--stack", "dev", "credit-approval", "--input", inputFile("{}"), "--endpoint", endpoint.url, "--history", "h.json");
    expect(withoutFollow.status).to.equal(2);
    expect(withoutFollow.err[0]).to.equal("--history <file> needs --follow: the history is written once the execution ends");
    const express = await execute("--stack", "dev", "order-events", "--input", inputFile("{}"), "--endpoint", endpoint.url, "--follow", "--history", "h.json");
    expect(express.status).to.equal(2);
    expect(express.err[0]).to.match(/^--history: order-events is an Express workflow/);
  });

  it("exits 2 with a clear message, never a stack trace, on bad usage", async () => {
    const json = inputFile("{}");
    const cases: [string[], RegExp][] = [
      [["credit-approval", "--input", json], /--stack is required/],
      [["--stack", "dev", "--input", json], /the workflow is required/],
      [["--stack", "dev", "no-such-flow", "--input", json], /unknown workflow "no-such-flow": one of credit-approval/],
      [["--stack", "dev", "loan-intake", "--input", json], /the dev stack does not deploy loan-intake/],
      [["--stack", "nostack", "credit-approval", "--input", json], /stack nostack: .*Pulumi\.nostack\.yaml/],
      [["--stack", "dev", "credit-approval"], /--input <file> is required/],
      [["--stack", "dev", "credit-approval", "--input", "/no/such/file.json"], /cannot read --input/],
      [["--stack", "dev", "credit-approval", "--input", inputFile("{oops")], /is not JSON/],
      [["--stack", "dev", "credit-approval", "--input", json, "--endpoint", "ftp://x"], /--endpoint must be an http\(s\) URL/],
      [["--stack", "dev", "credit-approval", "--input", json, "--endpoint", "somewhere"], /--endpoint must be local, aws or a URL/],
      [["--stack", "dev", "credit-approval", "--input", json, "--bogus"], /Unknown option '--bogus'/],
    ];
    for (const [argv, message] of cases) {
      const result = await execute(...argv);
      expect(result.status, argv.join(" ")).to.equal(2);
      expect(result.err.join("\n"), argv.join(" ")).to.match(message).and.to.match(/usage: npm run exec/);
      expect(result.err.join("\n")).not.to.match(/\n\s+at /);
    }
  });

  it("exits 1 with a hint when no endpoint answers", async () => {
    const closed = await StepFunctionsEndpoint.start({ region: REGION, account: ACCOUNT });
    await closed.stop();
    const result = await execute("--stack", "dev", "credit-approval", "--input", inputFile("{}"), "--endpoint", closed.url);
    expect(result.status).to.equal(1);
    expect(result.err.join("\n")).to.match(/^exec failed: .*is `npm run local:endpoint -- --stack <name>` running/);
  });

  it("exits 1 when the stack's machine does not exist on the endpoint", async () => {
    const empty = await StepFunctionsEndpoint.start({ region: REGION, account: ACCOUNT });
    try {
      const result = await execute("--stack", "dev", "credit-approval", "--input", inputFile("{}"), "--endpoint", empty.url);
      expect(result.status).to.equal(1);
      expect(result.err.join("\n")).to.match(/^exec failed: StateMachineDoesNotExist: /);
    } finally {
      await empty.stop();
    }
  });

  it("builds the console URL of an execution", () => {
    const arn = `${MACHINE_PREFIX}:execution:statecraft-dev-credit-approval:x`;
    expect(consoleUrl(REGION, arn)).to.equal(`https://eu-west-1.console.aws.amazon.com/states/home?region=eu-west-1#/v2/executions/details/${arn}`);
  });
});

describe("npm run local:endpoint (cli/local-endpoint.ts)", () => {
  it("serves them until stopped, and npm run exec starts them there", async function () {
    // It plans the dev stack offline and starts it locally: as slow as the platform tests on a busy machine.
    this.timeout(60_000);
    const controller = new AbortController();
    let served: StepFunctionsEndpoint | undefined;
    const out: string[] = [];
    const running = localEndpoint(["--stack", "dev", "--port", "0"], { out: (t) => out.push(t), err: (t) => out.push(t) }, { signal: controller.signal, onListening: (e) => (served = e), clock: "virtual" });
    for (let i = 0; i < 200 && !served; i++) await new Promise((resolve) => setTimeout(resolve, 10));
    expect(served, out.join("\n")).not.to.equal(undefined);
    const client = new SFNClient({ endpoint: served!.url, region: REGION, credentials: { accessKeyId: "x", secretAccessKey: "x" } });
    try {
      const { stateMachines } = await client.send(new ListStateMachinesCommand({}));
      // Every workflow the dev stack deploys (statecraft:workflows), under its deployed name.
      expect(stateMachines!.map((m) => m.stateMachineArn)).to.have.members(readStackFile("dev").config.workflows.map((w) => `${MACHINE_PREFIX}:stateMachine:statecraft-dev-${w}`));
      expect(stateMachines!.map((m) => m.stateMachineArn)).to.include(`${MACHINE_PREFIX}:stateMachine:statecraft-dev-credit-approval`);
      const described = await client.send(new DescribeStateMachineCommand({ stateMachineArn: `${MACHINE_PREFIX}:stateMachine:statecraft-dev-credit-approval` }));
      expect(described.definition).to.include(`arn:aws:lambda:${REGION}:${ACCOUNT}:function:statecraft-dev-`);
      expect(described.definition).not.to.include("${");
      // The stack's real handlers serve the Tasks: a 3000 application is approved automatically.
      const application = JSON.parse(fs.readFileSync(path.join(__dirname, "../../samples/credit-3000-auto-approved.json"), "utf8")).input;
      const historyFile = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "statecraft-exec-")), "history.json");
      const result = await run((a, io) => exec(a, io, { pollMs: 10 }), "--stack", "dev", "credit-approval", "--input", inputFile(JSON.stringify(application)), "--endpoint", served!.url, "--follow", "--history", historyFile);
      expect(result.status, result.out.join("\n")).to.equal(0);
      // The saved history draws the execution's path over the workflow's diagram.
      const { events } = JSON.parse(fs.readFileSync(historyFile, "utf8")) as { events: { type: string }[] };
      expect(events[0].type).to.equal("ExecutionStarted");
      expect(events.at(-1)!.type).to.equal("ExecutionSucceeded");
      const out = fs.mkdtempSync(path.join(os.tmpdir(), "statecraft-diagram-"));
      const drawn = await run(diagram, "--stack", "dev", "credit-approval", "--execution", historyFile, "--out", out);
      expect(drawn.status, drawn.err.join("\n")).to.equal(0);
      const overlay = fs.readFileSync(path.join(out, "credit-approval.execution.svg"), "utf8");
      expect(overlay).to.include("Cooling&#45;off period");
      // Succeeded States are filled as the console's graph inspector fills them; the plain diagram has none.
      expect(overlay).to.include("#86efac");
      expect(fs.readFileSync(path.join(__dirname, "../../docs/diagrams/credit-approval.svg"), "utf8")).not.to.include("#86efac");
      const printed = result.out.join("\n");
      expect(printed).to.include("SUCCEEDED").and.include("Get credit limit").and.include("Cooling-off period");
    } finally {
      client.destroy();
      controller.abort();
    }
    expect(await running).to.equal(0);
    expect(out[0]).to.match(/^Step Functions endpoint for the dev stack on http:\/\/127\.0\.0\.1:\d+/);
  });

  it("exits 2 on bad usage and 1 for a stack it cannot read", async () => {
    expect((await run(localEndpoint)).status).to.equal(2);
    expect((await run(localEndpoint, "--stack", "dev", "--port", "http")).status).to.equal(2);
    const missing = await run(localEndpoint, "--stack", "nostack", "--port", "0");
    expect(missing.status).to.equal(1);
    expect(missing.err.join("\n")).to.match(/^local:endpoint failed: .*Pulumi\.nostack\.yaml/);
  });
});
