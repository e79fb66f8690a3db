import { expect } from "chai";
import { batchContainerProperties, checkBatchFargateSize, ecrImageUri } from "../../infra/batch";
import { BatchJob, BatchJobArgs } from "../../infra/components/batch-job";
import { InferenceModel, InferenceModelArgs } from "../../infra/components/inference-model";
import { ArnContext, buildArn } from "../../infra/iam/arn";
import { Naming } from "../../infra/naming";
import { isModelName, modelDataGrants, modelExecutionStatements, sagemakerTrustPolicy } from "../../infra/sagemaker";
import { AwsMocks, RegisteredResource } from "../../offline/mocks";
import { runProgram } from "../../offline/program";

const context: ArnContext = { partition: "aws", region: "eu-west-1", account: "222222222222" };
const naming = new Naming("statecraft", "prod", context);
const IMAGE = "222222222222.dkr.ecr.eu-west-1.amazonaws.com/statecraft/churn-features:1.0.0";
const REPOSITORY_ARN = buildArn(context, "ecr", "repository/statecraft/churn-features");
const WRITE_FEATURES = { Effect: "Allow" as const, Action: ["s3:PutObject"], Resource: ["arn:aws:s3:::statecraft-prod-datasets/churn-scoring/features/*"] };

function one(resources: RegisteredResource[], type: string, name: string): RegisteredResource {
  const found = resources.filter((r) => r.type === type && r.name === name);
  expect(found, `${type}::${name}`).to.have.lengthOf(1);
  return found[0];
}

describe("Batch job plain functions (infra/batch.ts)", () => {
  const options = {
    image: IMAGE,
    vcpu: 1,
    memoryMib: 2048,
    jobRoleArn: "arn:aws:iam::222222222222:role/statecraft-prod-churn-features-job",
    executionRoleArn: "arn:aws:iam::222222222222:role/statecraft-prod-churn-features-execution",
    logGroupName: "/aws/batch/statecraft-prod-churn-features",
    region: "eu-west-1",
    logStreamPrefix: "churn-features",
  };

  it("builds Fargate container properties naming both roles, the size as strings, a public IP and awslogs", () => {
    expect(batchContainerProperties({ ...options, environment: { B: "2", A: "1" } })).to.deep.equal({
      image: IMAGE,
      jobRoleArn: options.jobRoleArn,
      executionRoleArn: options.executionRoleArn,
      resourceRequirements: [
        { type: "VCPU", value: "1" },
        { type: "MEMORY", value: "2048" },
      ],
      networkConfiguration: { assignPublicIp: "ENABLED" },
      fargatePlatformConfiguration: { platformVersion: "LATEST" },
      runtimePlatform: { operatingSystemFamily: "LINUX", cpuArchitecture: "X86_64" },
      logConfiguration: { logDriver: "awslogs", options: { "awslogs-group": options.logGroupName, "awslogs-region": "eu-west-1", "awslogs-stream-prefix": "churn-features" } },
      environment: [
        { name: "A", value: "1" },
        { name: "B", value: "2" },
      ],
    });
  });

  it("accepts Fargate's sizes, fractional vCPUs included, and rejects others echoing the value", () => {
    expect(() => checkBatchFargateSize(0.25, 512)).not.to.throw();
    expect(() => checkBatchFargateSize(16, 122880)).not.to.throw();
    expect(() => checkBatchFargateSize(3, 4096)).to.throw(/^BatchJob: vcpu must be one of 0\.25, 0\.5, 1, 2, 4, 8, 16 on Fargate\. Received: 3$/);
    expect(() => checkBatchFargateSize(1, 1024)).to.throw(/^BatchJob: with 1 vCPU, memoryMib must be one of 2048, .*8192 on Fargate\. Received: 1024$/);
  });

  it("names an image of the stack's private ECR, in the partition's DNS suffix", () => {
    expect(ecrImageUri(context, { repository: "statecraft/churn-features", tag: "1.0.0" })).to.equal(IMAGE);
    expect(ecrImageUri({ partition: "aws-cn", region: "cn-north-1", account: "1" }, { repository: "r", tag: "t" })).to.equal("1.dkr.ecr.cn-north-1.amazonaws.com.cn/r:t");
  });
});

describe("SageMaker model plain functions (infra/sagemaker.ts)", () => {
  it("trusts sagemaker.amazonaws.com for this account only", () => {
    expect(sagemakerTrustPolicy(context).Statement).to.deep.equal([
      { Effect: "Allow", Principal: { Service: "sagemaker.amazonaws.com" }, Action: ["sts:AssumeRole"], Condition: { StringEquals: { "aws:SourceAccount": "222222222222" } } },
    ]);
  });

  it("grants a transform job the image's pulls, its log group and its metrics namespace, nothing else on *", () => {
    const repository = buildArn(context, "ecr", "repository/statecraft/churn-model");
    const statements = modelExecutionStatements(context, repository);
    const onStar = statements.filter((s) => s.Resource.includes("*"));
    expect(onStar.map((s) => [s.Action, s.Condition])).to.deep.equal([
      [["ecr:GetAuthorizationToken"], undefined],
      [["cloudwatch:PutMetricData"], { StringEquals: { "cloudwatch:namespace": "/aws/sagemaker/TransformJobs" } }],
    ]);
    expect(statements.find((s) => s.Action.includes("ecr:BatchGetImage"))?.Resource).to.deep.equal([repository]);
    expect(statements.flatMap((s) => s.Resource).filter((r) => r.startsWith("arn:aws:logs:"))).to.deep.equal([
      "arn:aws:logs:eu-west-1:222222222222:log-group:/aws/sagemaker/TransformJobs",
      "arn:aws:logs:eu-west-1:222222222222:log-group:/aws/sagemaker/TransformJobs:log-stream:*",
    ]);
  });

  it("reads and lists the input prefix and writes the output prefix, as bucketObjects grants", () => {
    expect(modelDataGrants({ input: { bucket: "datasets", prefix: "in/" }, output: { bucket: "datasets", prefix: "out/" } })).to.deep.equal([
      { kind: "bucketObjects", bucket: "datasets", prefix: "in/", actions: ["GetObject"], list: true },
      { kind: "bucketObjects", bucket: "datasets", prefix: "out/", actions: ["PutObject"] },
    ]);
  });

  it("accepts SageMaker's model names only", () => {
    expect(isModelName("statecraft-prod-churn-model")).to.equal(true);
    expect(isModelName("churn_model")).to.equal(false);
    expect(isModelName("-churn")).to.equal(false);
    expect(isModelName("a".repeat(64))).to.equal(false);
  });
});

describe("BatchJob", () => {
  const runJob = (args: Partial<BatchJobArgs> = {}) =>
    runProgram(
      () => {
        const job = new BatchJob("churn-features", { naming, image: IMAGE, repositoryArn: REPOSITORY_ARN, vcpu: 1, memoryMib: 2048, timeoutSeconds: 1800, logRetentionDays: 365, jobRoleStatements: [WRITE_FEATURES], ...args });
        return { jobQueueArn: job.jobQueueArn, jobDefinitionArn: job.jobDefinitionArn, jobRoleArn: job.jobRoleArn, computeEnvironmentArn: job.computeEnvironmentArn };
      },
      { project: "statecraft", stack: "prod", mocks: new AwsMocks(context) },
    );
  let run: Awaited<ReturnType<typeof runJob>>;
  before(async () => {
    run = await runJob();
  });

  it("runs on a managed Fargate compute environment in the public subnets of a VPC without NAT, with the service-linked role", () => {
    const vpc = one(run.resources, "awsx:ec2:Vpc", "churn-features-vpc");
    expect(vpc.inputs).to.deep.include({ natGateways: { strategy: "None" }, subnetSpecs: [{ type: "Public", name: "public", cidrMask: 24 }] });
    const environment = one(run.resources, "aws:batch/computeEnvironment:ComputeEnvironment", "churn-features");
    expect(environment.inputs).to.deep.include({ name: "statecraft-prod-churn-features", type: "MANAGED", state: "ENABLED" });
    expect(environment.inputs.serviceRole, "AWSServiceRoleForBatch is used without a serviceRole").to.equal(undefined);
    const resources = environment.inputs.computeResources as { type: string; maxVcpus: number; subnets: string[]; securityGroupIds: string[] };
    expect(resources.type).to.equal("FARGATE");
    expect(resources.maxVcpus).to.equal(4);
    expect(resources.subnets).to.have.lengthOf(2);
    const group = one(run.resources, "aws:ec2/securityGroup:SecurityGroup", "churn-features-jobs");
    expect(group.inputs.ingress).to.deep.equal([]);
    expect((group.inputs.egress as { fromPort: number; toPort: number }[]).map((e) => [e.fromPort, e.toPort])).to.deep.equal([[443, 443]]);
    expect(resources.securityGroupIds).to.deep.equal([group.outputs!.id]);
  });

  it("queues to that environment alone and registers a Fargate container job definition naming both roles", () => {
    const queue = one(run.resources, "aws:batch/jobQueue:JobQueue", "churn-features-queue");
    expect(queue.inputs.computeEnvironmentOrders).to.deep.equal([{ order: 1, computeEnvironment: "arn:aws:batch:eu-west-1:222222222222:compute-environment/statecraft-prod-churn-features" }]);
    const definition = one(run.resources, "aws:batch/jobDefinition:JobDefinition", "churn-features-definition");
    expect(definition.inputs).to.deep.include({ name: "statecraft-prod-churn-features", type: "container", platformCapabilities: ["FARGATE"], timeout: { attemptDurationSeconds: 1800 }, retryStrategy: { attempts: 1 } });
    const properties = JSON.parse(definition.inputs.containerProperties as string);
    expect(properties.jobRoleArn).to.equal("arn:aws:iam::222222222222:role/statecraft-prod-churn-features-job");
    expect(properties.executionRoleArn).to.equal("arn:aws:iam::222222222222:role/statecraft-prod-churn-features-execution");
    expect(properties.networkConfiguration).to.deep.equal({ assignPublicIp: "ENABLED" });
    expect(definition.options?.dependsOn).to.include.members(["aws:iam/rolePolicy:RolePolicy::churn-features-execution-role-policy", "aws:iam/rolePolicy:RolePolicy::churn-features-job-role-policy"]);
    expect(run.outputs.jobDefinitionArn).to.equal("arn:aws:batch:eu-west-1:222222222222:job-definition/statecraft-prod-churn-features:1");
    expect(run.outputs.jobQueueArn).to.equal("arn:aws:batch:eu-west-1:222222222222:job-queue/statecraft-prod-churn-features");
  });

  it("trusts ecs-tasks.amazonaws.com from this account and Region for the job role, without a condition for the execution role (as its AWS page writes it), and grants the job role exactly its statements", () => {
    const trust = (role: string) => JSON.parse(one(run.resources, "aws:iam/role:Role", role).inputs.assumeRolePolicy as string).Statement[0];
    expect(trust("churn-features-job-role").Principal).to.deep.equal({ Service: "ecs-tasks.amazonaws.com" });
    expect(trust("churn-features-job-role").Condition).to.deep.equal({ StringEquals: { "aws:SourceAccount": "222222222222" }, ArnLike: { "aws:SourceArn": "arn:aws:ecs:eu-west-1:222222222222:*" } });
    expect(trust("churn-features-execution-role")).to.deep.equal({ Effect: "Allow", Principal: { Service: "ecs-tasks.amazonaws.com" }, Action: ["sts:AssumeRole"] });
    expect(JSON.parse(one(run.resources, "aws:iam/rolePolicy:RolePolicy", "churn-features-job-role-policy").inputs.policy as string).Statement).to.deep.equal([WRITE_FEATURES]);
    const execution = JSON.parse(one(run.resources, "aws:iam/rolePolicy:RolePolicy", "churn-features-execution-role-policy").inputs.policy as string).Statement;
    expect(execution.flatMap((s: { Resource: string[] }) => s.Resource)).to.have.members(["*", REPOSITORY_ARN, "arn:aws:logs:eu-west-1:222222222222:log-group:/aws/batch/statecraft-prod-churn-features:log-stream:*"]);
  });

  it("parents every child under the component and applies a transform", async () => {
    for (const resource of run.resources.filter((r) => r.type !== "statecraft:index:BatchJob" && r.type !== "pulumi:pulumi:Stack" && !r.type.startsWith("pulumi:providers:"))) {
      expect(resource.parent, `${resource.type}::${resource.name}`).to.equal("statecraft:index:BatchJob::churn-features");
    }
    const transformed = await runJob({ transform: { computeEnvironment: (args) => ({ ...args, state: "DISABLED" }) } });
    expect(one(transformed.resources, "aws:batch/computeEnvironment:ComputeEnvironment", "churn-features").inputs.state).to.equal("DISABLED");
  });

  it("refuses a size Fargate does not run, or a timeout under a minute, before any resource exists", async () => {
    const failure = await runJob({ vcpu: 1, memoryMib: 512 }).then(
      () => undefined,
      (error: Error) => error,
    );
    expect(failure?.message).to.match(/^BatchJob: with 1 vCPU, memoryMib must be one of/);
    const short = await runJob({ timeoutSeconds: 30 }).then(
      () => undefined,
      (error: Error) => error,
    );
    expect(short?.message).to.equal("BatchJob: timeoutSeconds must be at least 60 (Batch's minimum). Received: 30");
  });
});

describe("InferenceModel", () => {
  const runModel = (args: Partial<InferenceModelArgs> = {}) =>
    runProgram(
      () => {
        const model = new InferenceModel("churn-model", {
          naming,
          image: "222222222222.dkr.ecr.eu-west-1.amazonaws.com/statecraft/churn-model:1.0.0",
          repositoryArn: buildArn(context, "ecr", "repository/statecraft/churn-model"),
          dataStatements: [WRITE_FEATURES],
          ...args,
        });
        return { modelName: model.modelName, modelArn: model.modelArn, roleArn: model.roleArn };
      },
      { project: "statecraft", stack: "prod", mocks: new AwsMocks(context) },
    );

  it("creates the model with its execution role, network isolation and the image, after the role's policy", async () => {
    const run = await runModel();
    const model = one(run.resources, "aws:sagemaker/model:Model", "churn-model");
    expect(model.inputs).to.deep.include({
      name: "statecraft-prod-churn-model",
      executionRoleArn: "arn:aws:iam::222222222222:role/statecraft-prod-churn-model-execution",
      enableNetworkIsolation: true,
      primaryContainer: { image: "222222222222.dkr.ecr.eu-west-1.amazonaws.com/statecraft/churn-model:1.0.0", mode: "SingleModel" },
    });
    expect(model.options?.dependsOn).to.deep.equal(["aws:iam/rolePolicy:RolePolicy::churn-model-role-policy"]);
    const policy = JSON.parse(one(run.resources, "aws:iam/rolePolicy:RolePolicy", "churn-model-role-policy").inputs.policy as string).Statement;
    expect(policy).to.deep.include(WRITE_FEATURES);
    expect(run.outputs).to.deep.equal({ modelName: "statecraft-prod-churn-model", modelArn: "arn:aws:sagemaker:eu-west-1:222222222222:model/statecraft-prod-churn-model", roleArn: "arn:aws:iam::222222222222:role/statecraft-prod-churn-model-execution" });
  });

  it("refuses a name SageMaker does not accept, echoing it", async () => {
    const failure = await runProgram(() => new InferenceModel("churn_model", { naming, image: "x", repositoryArn: "y", dataStatements: [] }), { project: "statecraft", stack: "prod", mocks: new AwsMocks(context) }).then(
      () => undefined,
      (error: Error) => error,
    );
    expect(failure?.message).to.equal('InferenceModel: a SageMaker model name is 1-63 letters, digits and hyphens. Received: "statecraft-prod-churn_model"');
  });
});
