import { expect } from "chai";
import { execFileSync, spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { runIamCommand } from "../../cli/iam";

const CORPUS = path.join(__dirname, "..", "iam", "corpus");
const corpus = (name: string) => path.join(CORPUS, `${name}.asl.json`);
const account = ["--region", "eu-west-1", "--account", "111111111111"];

function writeTemp(name: string, content: unknown): string {
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "statecraft-iam-")), name);
  fs.writeFileSync(file, typeof content === "string" ? content : JSON.stringify(content));
  return file;
}

describe("npm run iam", () => {
  it("answers for every definition of the corpus with a policy document alone on standard output", () => {
    for (const file of fs.readdirSync(CORPUS).filter((f) => f.endsWith(".asl.json"))) {
      const expected = JSON.parse(fs.readFileSync(path.join(CORPUS, file.replace(".asl.json", ".expected.json")), "utf8"));
      const subs = expected.substitutions ? ["--substitutions", writeTemp("subs.json", expected.substitutions)] : [];
      const result = runIamCommand([path.join(CORPUS, file), ...account, "--name", expected.stateMachineName, ...subs]);
      expect(result.code, `${file}: ${result.stderr}`).to.equal(0);
      const document = JSON.parse(result.stdout);
      expect(document.Version).to.equal("2012-10-17");
      expect(document.Statement.length, file).to.be.greaterThan(0);
    }
  });

  it("prints warnings on standard error only", () => {
    const result = runIamCommand([corpus("jsonata-dynamic-everything"), ...account]);
    expect(result.code).to.equal(0);
    expect(() => JSON.parse(result.stdout)).to.not.throw();
    expect(result.stderr).to.match(/^warning: State "[^"]+", Arguments\.FunctionName: the Lambda function is computed by a JSONata expression/m);
  });

  it("turns placeholders without a value into scoped wildcards, with a warning", () => {
    const definition = {
      StartAt: "Notify",
      States: { Notify: { Type: "Task", Resource: "arn:aws:states:::sns:publish", Parameters: { TopicArn: "${AlertsTopicArn}", "Message.$": "$" }, End: true } },
    };
    const result = runIamCommand([writeTemp("alerts.asl.json", definition), ...account]);
    expect(result.code).to.equal(0);
    expect(JSON.parse(result.stdout).Statement).to.deep.equal([{ Effect: "Allow", Action: ["sns:Publish"], Resource: ["arn:aws:sns:eu-west-1:111111111111:*"] }]);
    expect(result.stderr).to.contain("unresolved placeholder ${AlertsTopicArn}");
  });

  it("uses the values of --substitutions, and rejects one no placeholder uses", () => {
    const definition = {
      StartAt: "Notify",
      States: { Notify: { Type: "Task", Resource: "arn:aws:states:::sns:publish", Parameters: { TopicArn: "${AlertsTopicArn}", Message: "hi" }, End: true } },
    };
    const file = writeTemp("alerts.asl.json", definition);
    const topic = "arn:aws:sns:eu-west-1:111111111111:alerts";
    const ok = runIamCommand([file, ...account, "--substitutions", writeTemp("subs.json", { AlertsTopicArn: topic })]);
    expect(JSON.parse(ok.stdout).Statement[0].Resource).to.deep.equal([topic]);
    const typo = runIamCommand([file, ...account, "--substitutions", writeTemp("subs.json", { AlertTopicArn: topic })]);
    expect(typo.code).to.equal(1);
    expect(typo.stderr).to.contain('"AlertTopicArn" matches no placeholder');
  });

  it("uses * for the Region and account when they are not given, and says so", () => {
    const result = runIamCommand([corpus("human-approval-sns")]);
    expect(result.code).to.equal(0);
    expect(result.stdout).to.contain("arn:aws:lambda:*:*:function:");
    expect(result.stderr).to.contain("no --account");
  });

  it("explains that an Activity Task needs nothing of the execution role, and derives nothing for it", () => {
    const file = writeTemp("activity.asl.json", {
      StartAt: "Wait for a worker",
      States: { "Wait for a worker": { Type: "Task", Resource: "arn:aws:states:eu-west-1:111111111111:activity:review", TimeoutSeconds: 3600, End: true } },
    });
    const explained = runIamCommand([file, ...account, "--explain"]);
    expect(explained.code).to.equal(0);
    expect(explained.stdout).to.contain('State "Wait for a worker" (arn:aws:states:eu-west-1:111111111111:activity:review)');
    expect(explained.stdout).to.contain("an Activity: its workers, not the execution role, call states:GetActivityTask");
    const policy = runIamCommand([file, ...account]);
    expect(policy.code).to.equal(0);
    expect(JSON.parse(policy.stdout)).to.deep.equal({ Version: "2012-10-17", Statement: [] });
  });

  it("explains, per State, the statements it produced and why", () => {
    const result = runIamCommand([corpus("ecs-batch-sync"), ...account, "--name", "ecs-batch-sync", "--explain"]);
    expect(result.code).to.equal(0);
    expect(result.stdout).to.match(/State "[^"]+" \(arn:aws:states:::ecs:runTask\.sync\)\n  ecs:RunTask\n    on arn:aws:ecs:eu-west-1:111111111111:task-definition\/invoice-export:14\n    because the Task runs the task definition/);
    expect(result.stdout).to.contain("because .sync waits for completion through the managed EventBridge rule StepFunctionsGetEventsForECSTaskRule");
    const document = result.stdout.slice(result.stdout.indexOf("Policy document:\n") + "Policy document:\n".length);
    expect(JSON.parse(document).Version).to.equal("2012-10-17");
  });

  it("exits 1 naming the State and Resource for an unknown integration", () => {
    const file = writeTemp("databrew.asl.json", { StartAt: "Run", States: { Run: { Type: "Task", Resource: "arn:aws:states:::databrew:startJobRun.sync", Parameters: {}, End: true } } });
    const result = runIamCommand([file, ...account]);
    expect(result.code).to.equal(1);
    expect(result.stdout).to.equal("");
    expect(result.stderr).to.contain('State "Run"').and.contain("databrew:startJobRun");
  });

  it("exits 1 for an invalid definition, naming the State and field", () => {
    const file = writeTemp("bad.asl.json", { StartAt: "Wait", States: { Wait: { Type: "Wait", End: true } } });
    const result = runIamCommand([file, ...account]);
    expect(result.code).to.equal(1);
    expect(result.stderr).to.contain("bad.asl.json").and.contain('State "Wait"');
  });

  it("exits 2 on bad usage", () => {
    expect(runIamCommand([]).code).to.equal(2);
    expect(runIamCommand([corpus("human-approval-sns"), "--account", "12345"]).code).to.equal(2);
    expect(runIamCommand([corpus("human-approval-sns"), "--bogus"]).code).to.equal(2);
  });

  it("runs as the npm script, with nothing but JSON on standard output", function () {
    this.timeout(60_000);
    const root = path.join(__dirname, "..", "..");
    const stdout = execFileSync("npm", ["run", "-s", "iam", "--", corpus("sdk-prefix-mapping"), ...account], { cwd: root, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
    expect(JSON.parse(stdout).Version).to.equal("2012-10-17");
    const failed = spawnSync("npm", ["run", "-s", "iam", "--", path.join(root, "package.json")], { cwd: root, encoding: "utf8" });
    expect(failed.status).to.equal(1);
  });
});
