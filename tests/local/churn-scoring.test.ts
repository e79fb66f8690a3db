import { GetObjectCommand, PutObjectCommand } from "@aws-sdk/client-s3";
import { expect } from "chai";
import { extractFeatures, main as extract } from "../../containers/churn-features";
import { invocations, score } from "../../containers/churn-model";
import { inferenceServer } from "../../containers/churn-model/serve";
import type { AslStateMachine } from "../../infra/definition/asl";
import { LocalStack } from "../../local/runner";
import { loadScenarios, runScenario } from "../../local/scenarios";
import { localJobRuns } from "../../local/services/jobs";
import { plans } from "./plans";

const CUSTOMER = { customerId: "c-1", tenureMonths: 3, monthlyCharges: 89.9, supportTickets: 4, daysSinceLastLogin: 40, contract: "monthly" };

describe("churn-scoring's containers", () => {
  it("churn-features scales each customer's numbers into 0..1 features, capped, and passes the contract through", () => {
    expect(extractFeatures("run-1", JSON.stringify([CUSTOMER, { ...CUSTOMER, customerId: "c-2", tenureMonths: 100, contract: "weekly" }]))).to.deep.equal([
      { customerId: "c-1", contract: "monthly", features: [0.0417, 0.5993, 0.4, 0.4444] },
      { customerId: "c-2", contract: "weekly", features: [1, 0.5993, 0.4, 0.4444] },
    ]);
  });

  it("churn-features exits with code 2, echoing the input, for a bad run id, no customers or a record without a field", async () => {
    const exit = (runId: string | undefined, customers: string | undefined) => {
      try {
        extractFeatures(runId, customers);
        return undefined;
      } catch (error) {
        return error as Error & { exitCode: number };
      }
    };
    expect(exit("Run_1", "[]")).to.include({ exitCode: 2, message: 'RUN_ID must be 1-40 lower-case letters, digits or hyphens. Received: "Run_1"' });
    expect(exit("run-1", "[]")).to.include({ exitCode: 2, message: "CUSTOMERS must be an array of 1 to 150 customer records. Received: []" });
    expect(exit("run-1", "{")).to.include({ exitCode: 2 });
    expect(exit("run-1", JSON.stringify([{ ...CUSTOMER, supportTickets: -1 }]))?.message).to.match(/^customer #1 has no valid supportTickets\. Received: /);
  });

  it("churn-features writes JSON Lines to FEATURES_URI with the client it is given", async () => {
    const sent: PutObjectCommand[] = [];
    const output = await extract([], { RUN_ID: "run-1", CUSTOMERS: JSON.stringify([CUSTOMER]), FEATURES_URI: "s3://datasets/churn-scoring/features/run-1/features.jsonl" }, { s3: { send: async (command: never) => (sent.push(command), {}) } });
    expect(output).to.deep.equal({ runId: "run-1", customers: 1, featuresUri: "s3://datasets/churn-scoring/features/run-1/features.jsonl" });
    expect(sent[0].input).to.deep.include({ Bucket: "datasets", Key: "churn-scoring/features/run-1/features.jsonl", ContentType: "application/jsonlines" });
    expect(String(sent[0].input.Body)).to.equal('{"customerId":"c-1","contract":"monthly","features":[0.0417,0.5993,0.4,0.4444]}\n');
  });

  it("churn-model scores a row into a probability and a risk band, and refuses a contract type it was not trained on", () => {
    expect(score({ customerId: "c-1", contract: "monthly", features: [0.0417, 0.5993, 0.4, 0.4444] })).to.deep.equal({ customerId: "c-1", churnProbability: 0.9468, riskBand: "high" });
    expect(score({ customerId: "c-2", contract: "two-year", features: [0.6667, 0.3, 0, 0.0222] }).riskBand).to.equal("low");
    expect(() => score({ customerId: "c-3", contract: "weekly", features: [0, 0, 0, 0] })).to.throw('unknown contract type "weekly" for customer c-3: the model was trained on monthly, annual, two-year');
    expect(() => score({ customerId: "c-4", contract: "annual", features: [2, 0, 0, 0] })).to.throw(/^a feature row must be/);
  });

  it("churn-model answers JSON Lines with JSON Lines, in order, and only those", () => {
    const body = ['{"customerId":"a","contract":"annual","features":[0.5,0.5,0,0]}', '{"customerId":"b","contract":"monthly","features":[0,1,1,1]}', ""].join("\n");
    expect(invocations(body, "application/jsonlines").split("\n").filter(Boolean).map((line) => JSON.parse(line).customerId)).to.deep.equal(["a", "b"]);
    expect(() => invocations(body, "text/csv")).to.throw("only application/jsonlines in and out. Received: text/csv -> application/jsonlines");
  });
});

describe("churn-scoring run locally (Batch and SageMaker over the local S3)", function () {
  this.timeout(60_000);
  let stack: LocalStack;
  before(async () => {
    stack = await LocalStack.start({ stack: "prod", plans });
  });
  after(async () => {
    await stack.stop();
  });

  it("writes the features as the job role and the scores as the model's role, each assumed by its service, with the bucket key through S3", async () => {
    const scenario = loadScenarios().find((s) => s.name === "churn-scoring-scored")!;
    const result = await runScenario(stack, { ...scenario, stack: "prod" });
    expect(result.mismatches).to.deep.equal([]);
    const bucket = stack.naming.bucketName("datasets");
    const read = async (key: string) => (await (await stack.localS3()).s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }))).Body!.transformToString();
    const features = (await read("churn-scoring/features/2026-12-weekly-01/features.jsonl")).trim().split("\n").map((line) => JSON.parse(line));
    expect(features.map((row) => row.customerId)).to.deep.equal(["c-1001", "c-1002", "c-1003"]);
    const scores = (await read("churn-scoring/scores/2026-12-weekly-01/features.jsonl.out")).trim().split("\n").map((line) => JSON.parse(line));
    expect(scores).to.deep.equal(features.map(score));
    expect(scores.map((s) => s.riskBand)).to.deep.equal(["high", "low", "medium"]);

    const allowed = result.report!.authorizations.filter((d) => d.allowed).map((d) => `${d.call.principal.split("/").pop()} ${d.call.action}`);
    expect(allowed).to.include.members([
      "ecs-tasks.amazonaws.com sts:AssumeRole",
      "statecraft-prod-churn-features-job s3:PutObject",
      "statecraft-prod-churn-features-job kms:GenerateDataKey",
      "sagemaker.amazonaws.com sts:AssumeRole",
      "statecraft-prod-churn-model-execution s3:ListBucket",
      "statecraft-prod-churn-model-execution s3:GetObject",
      "statecraft-prod-churn-model-execution kms:Decrypt",
      "statecraft-prod-churn-model-execution s3:PutObject",
    ]);
    const runs = localJobRuns().slice(-2);
    expect(runs.map((run) => [run.name, run.exitCode])).to.deep.equal([
      ["churn-features", 0],
      ["churn-model", 0],
    ]);
    expect(runs[1].output).to.deep.equal({ inputs: [`s3://${bucket}/churn-scoring/features/2026-12-weekly-01/features.jsonl`], outputs: [`s3://${bucket}/churn-scoring/scores/2026-12-weekly-01/features.jsonl.out`] });
  });

  const transform = (prefix: string, model = "statecraft-prod-churn-model"): AslStateMachine => ({
    StartAt: "Score",
    States: {
      Score: {
        Type: "Task",
        Resource: "arn:aws:states:::sagemaker:createTransformJob.sync",
        Parameters: {
          TransformJobName: "churn-test",
          ModelName: model,
          TransformInput: { DataSource: { S3DataSource: { S3DataType: "S3Prefix", S3Uri: `s3://${stack.naming.bucketName("datasets")}/${prefix}` } }, ContentType: "application/jsonlines" },
          TransformOutput: { S3OutputPath: `s3://${stack.naming.bucketName("datasets")}/churn-scoring/scores/test/`, Accept: "application/jsonlines" },
          TransformResources: { InstanceType: "ml.m5.large", InstanceCount: 1 },
        },
        End: true,
      } as never,
    },
  });

  it("fails a transform job with ClientError when its prefix holds no object", async () => {
    const report = await stack.runDefinition(transform("churn-scoring/features/empty/"), { input: {}, stateMachine: stack.naming.physical("churn-scoring") });
    expect(report.error).to.equal("States.TaskFailed");
    expect(JSON.parse(report.cause!)).to.include({ TransformJobStatus: "Failed", FailureReason: `ClientError: No S3 objects found under S3 URL "s3://${stack.naming.bucketName("datasets")}/churn-scoring/features/empty/" given in input data source.` });
  });

  it("fails a transform job with ClientError naming s3:ListBucket when the input is outside the model role's prefix", async () => {
    const local = await stack.localS3();
    await local.s3.send(new PutObjectCommand({ Bucket: stack.naming.bucketName("datasets"), Key: "other/x.jsonl", Body: "{}\n" }));
    const report = await stack.runDefinition(transform("other/"), { input: {}, stateMachine: stack.naming.physical("churn-scoring") });
    expect(report.error).to.equal("States.TaskFailed");
    const cause = JSON.parse(report.cause!);
    expect(cause.FailureReason).to.match(/^ClientError: User: arn:aws:iam::222222222222:role\/statecraft-prod-churn-model-execution is not authorized to perform: s3:ListBucket on resource: arn:aws:s3:::statecraft-prod-datasets-222222222222-eu-west-1/);
  });
});

describe("churn-model's inference server (containers/churn-model/serve.ts)", () => {
  it("answers /ping, scores /invocations, and refuses a bad request with 400 and the model's message", async () => {
    const server = inferenceServer().listen(0);
    await new Promise((resolve) => server.once("listening", resolve));
    const base = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
    try {
      expect((await fetch(`${base}/ping`)).status).to.equal(200);
      const post = (body: string) => fetch(`${base}/invocations`, { method: "POST", headers: { "Content-Type": "application/jsonlines", Accept: "application/jsonlines" }, body });
      const ok = await post('{"customerId":"c-1","contract":"monthly","features":[0.0417,0.5993,0.4,0.4444]}\n');
      expect(ok.status).to.equal(200);
      expect(JSON.parse(await ok.text())).to.deep.equal({ customerId: "c-1", churnProbability: 0.9468, riskBand: "high" });
      const refused = await post('{"customerId":"c-2","contract":"weekly","features":[0,0,0,0]}\n');
      expect(refused.status).to.equal(400);
      expect(await refused.text()).to.match(/^unknown contract type "weekly"/);
    } finally {
      server.close();
    }
  });
});
