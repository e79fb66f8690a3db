import { expect } from "chai";
import * as awsx from "@pulumi/awsx";
import { FargateJob, FargateJobArgs } from "../../infra/components/fargate-job";
import { FargateJobOutputs, checkFargateSize, ecrRepositoryArnOf, ecsExecutionTrustPolicy, ecsRunTaskParameters, ecsTasksTrustPolicy, executionRoleStatements } from "../../infra/fargate";
import { ArnContext, buildArn } from "../../infra/iam/arn";
import { AslStateMachine } from "../../infra/definition/asl";
import { deriveExecutionPolicy } from "../../infra/iam/derive";
import { Naming } from "../../infra/naming";
import { AwsMocks, RegisteredResource } from "../../offline/mocks";
import { runProgram } from "../../offline/program";

const context: ArnContext = { partition: "aws", region: "eu-west-1", account: "222222222222" };
const naming = new Naming("statecraft", "prod", context);
const REPOSITORY_ARN = buildArn(context, "ecr", "repository/statecraft/etl");
const REPOSITORY_URL = "222222222222.dkr.ecr.eu-west-1.amazonaws.com/statecraft/etl";
const BUCKET_READ = { Effect: "Allow" as const, Action: ["s3:GetObject"], Resource: ["arn:aws:s3:::statecraft-prod-exports/*"] };

const VPC = "awsx:ec2:Vpc";
const TASK_DEFINITION = "awsx:ecs:FargateTaskDefinition";
const ROLE = "aws:iam/role:Role";
const ROLE_POLICY = "aws:iam/rolePolicy:RolePolicy";

/** Runs a program holding one FargateJob `etl` and returns what was registered and the job's outputs. */
async function runJob(args: Partial<FargateJobArgs> = {}): Promise<{ resources: RegisteredResource[]; outputs: FargateJobOutputs & { logGroupName: string } }> {
  const run = await runProgram(
    () => {
      const job = new FargateJob("etl", {
        naming,
        image: { repositoryArn: REPOSITORY_ARN, repositoryUrl: REPOSITORY_URL, tag: "1.4.2" },
        cpu: 512,
        memoryMib: 1024,
        logRetentionDays: 365,
        taskRoleStatements: [BUCKET_READ],
        command: ["python", "-m", "etl"],
        ...args,
      });
      return {
        clusterArn: job.clusterArn,
        taskDefinitionArn: job.taskDefinitionArn,
        taskRoleArn: job.taskRoleArn,
        executionRoleArn: job.executionRoleArn,
        subnetIds: job.subnetIds,
        securityGroupId: job.securityGroupId,
        logGroupName: job.logGroupName,
      };
    },
    { project: "statecraft", stack: "prod", mocks: new AwsMocks(context) },
  );
  return { resources: run.resources, outputs: run.outputs as unknown as FargateJobOutputs & { logGroupName: string } };
}

function one(resources: RegisteredResource[], type: string, name: string): RegisteredResource {
  const found = resources.filter((r) => r.type === type && r.name === name);
  expect(found, `${type}::${name}`).to.have.lengthOf(1);
  return found[0];
}

describe("FargateJob", () => {
  let run: Awaited<ReturnType<typeof runJob>>;
  before(async () => {
    run = await runJob();
  });

  it("gives the awsx Vpc public subnets only, no NAT gateway, and answers their ids", () => {
    const vpc = one(run.resources, VPC, "etl-vpc");
    expect(vpc.parent).to.equal("statecraft:index:FargateJob::etl");
    expect(vpc.inputs).to.deep.include({
      cidrBlock: "10.0.0.0/16",
      numberOfAvailabilityZones: 2,
      subnetStrategy: "Auto",
      subnetSpecs: [{ type: "Public", name: "public", cidrMask: 24 }],
      natGateways: { strategy: "None" },
      enableDnsHostnames: true,
    });
    expect(vpc.outputs?.natGateways).to.deep.equal([]);
    expect(vpc.outputs?.privateSubnetIds).to.deep.equal([]);
    const publicSubnets = vpc.outputs?.publicSubnets as { id: string; availabilityZone: string; cidrBlock: string; mapPublicIpOnLaunch: boolean }[];
    expect(publicSubnets.map((s) => [s.availabilityZone, s.cidrBlock, s.mapPublicIpOnLaunch])).to.deep.equal([
      ["eu-west-1a", "10.0.0.0/24", true],
      ["eu-west-1b", "10.0.1.0/24", true],
    ]);
    expect(run.outputs.subnetIds).to.deep.equal(publicSubnets.map((s) => s.id));
    for (const id of run.outputs.subnetIds) expect(id).to.match(/^subnet-[0-9a-f]{17}$/);
  });

  it("gives the awsx FargateTaskDefinition one container with the image, awslogs to its log group, CPU, memory and both roles by ARN", () => {
    const definition = one(run.resources, TASK_DEFINITION, "etl-task");
    const executionRole = one(run.resources, ROLE, "etl-execution-role");
    const taskRole = one(run.resources, ROLE, "etl-task-role");
    expect(definition.inputs).to.deep.include({
      family: "statecraft-prod-etl",
      cpu: "512",
      memory: "1024",
      executionRole: { roleArn: executionRole.outputs?.arn },
      taskRole: { roleArn: taskRole.outputs?.arn },
      logGroup: { skip: true },
    });
    expect(definition.inputs.container).to.deep.equal({
      name: "job",
      image: `${REPOSITORY_URL}:1.4.2`,
      essential: true,
      command: ["python", "-m", "etl"],
      logConfiguration: {
        logDriver: "awslogs",
        options: { "awslogs-group": "/ecs/statecraft-prod-etl", "awslogs-region": "eu-west-1", "awslogs-stream-prefix": "job" },
      },
    });
    // The roles are given, so awsx creates none: its role outputs stay empty, the definition names ours.
    expect(definition.outputs?.executionRole).to.equal(undefined);
    expect(definition.outputs?.taskRole).to.equal(undefined);
    expect(run.outputs.taskDefinitionArn).to.equal("arn:aws:ecs:eu-west-1:222222222222:task-definition/statecraft-prod-etl:1");
    expect(run.outputs.executionRoleArn).to.equal("arn:aws:iam::222222222222:role/statecraft-prod-etl-execution");
    expect(run.outputs.taskRoleArn).to.equal("arn:aws:iam::222222222222:role/statecraft-prod-etl-task");
    expect(run.outputs.clusterArn).to.equal("arn:aws:ecs:eu-west-1:222222222222:cluster/statecraft-prod-etl");
  });

  it("creates the log group with the stack's retention and a security group with no inbound rule", () => {
    expect(one(run.resources, "aws:cloudwatch/logGroup:LogGroup", "etl-logs").inputs).to.deep.include({ name: "/ecs/statecraft-prod-etl", retentionInDays: 365 });
    const group = one(run.resources, "aws:ec2/securityGroup:SecurityGroup", "etl-tasks");
    expect(group.inputs.vpcId).to.equal(one(run.resources, VPC, "etl-vpc").outputs?.vpcId);
    expect(group.inputs.ingress).to.deep.equal([]);
    expect(group.inputs.egress).to.deep.equal([{ description: "HTTPS to ECR, S3, CloudWatch Logs and AWS APIs", protocol: "tcp", fromPort: 443, toPort: 443, cidrBlocks: ["0.0.0.0/0"] }]);
    expect(run.outputs.securityGroupId).to.equal(group.outputs?.id);
  });

  it("lets ecs-tasks.amazonaws.com assume the task role only for ECS of this account and Region, and the execution role as the ECS guide writes it", () => {
    const expected = {
      Version: "2012-10-17",
      Statement: [
        {
          Effect: "Allow",
          Principal: { Service: "ecs-tasks.amazonaws.com" },
          Action: ["sts:AssumeRole"],
          Condition: { StringEquals: { "aws:SourceAccount": "222222222222" }, ArnLike: { "aws:SourceArn": "arn:aws:ecs:eu-west-1:222222222222:*" } },
        },
      ],
    };
    expect(ecsTasksTrustPolicy(context)).to.deep.equal(expected);
    expect(JSON.parse(String(one(run.resources, ROLE, "etl-task-role").inputs.assumeRolePolicy))).to.deep.equal(expected);
    expect(JSON.parse(String(one(run.resources, ROLE, "etl-execution-role").inputs.assumeRolePolicy))).to.deep.equal(ecsExecutionTrustPolicy());
    expect(ecsExecutionTrustPolicy().Statement).to.deep.equal([{ Effect: "Allow", Principal: { Service: "ecs-tasks.amazonaws.com" }, Action: ["sts:AssumeRole"] }]);
  });

  it("scopes the execution role to the log group's streams and the repository, and gives the task role exactly the caller's statements", () => {
    const execution = JSON.parse(String(one(run.resources, ROLE_POLICY, "etl-execution-role-policy").inputs.policy));
    expect(execution.Statement).to.deep.equal([
      { Effect: "Allow", Action: ["ecr:BatchCheckLayerAvailability", "ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer"], Resource: [REPOSITORY_ARN] },
      { Effect: "Allow", Action: ["ecr:GetAuthorizationToken"], Resource: ["*"] },
      { Effect: "Allow", Action: ["logs:CreateLogStream", "logs:PutLogEvents"], Resource: ["arn:aws:logs:eu-west-1:222222222222:log-group:/ecs/statecraft-prod-etl:log-stream:*"] },
    ]);
    const task = JSON.parse(String(one(run.resources, ROLE_POLICY, "etl-task-role-policy").inputs.policy));
    expect(task.Statement).to.deep.equal([BUCKET_READ]);
  });

  it("grants no ECR pull for a public image and no task policy without statements", async () => {
    const publicRun = await runJob({ image: { uri: "public.ecr.aws/docker/library/python:3.13-slim" }, taskRoleStatements: undefined });
    const execution = JSON.parse(String(one(publicRun.resources, ROLE_POLICY, "etl-execution-role-policy").inputs.policy));
    expect(execution.Statement.flatMap((s: { Action: string[] }) => s.Action)).to.deep.equal(["logs:CreateLogStream", "logs:PutLogEvents"]);
    expect(publicRun.resources.filter((r) => r.name === "etl-task-role-policy")).to.deep.equal([]);
    expect((one(publicRun.resources, TASK_DEFINITION, "etl-task").inputs.container as { image: string }).image).to.equal("public.ecr.aws/docker/library/python:3.13-slim");
  });

  it("rejects a CPU and memory pair Fargate refuses before any resource exists", async () => {
    expect(() => checkFargateSize(256, 4096)).to.throw(/with cpu 256, memory must be one of 512, 1024, 2048 \(MiB\)\. Received: 4096/);
    expect(() => checkFargateSize(300, 512)).to.throw(/cpu must be one of .*Received: 300/);
    expect(() => checkFargateSize(16384, 122880)).not.to.throw();
    const failure = await runJob({ cpu: 256, memoryMib: 4096 }).then(() => undefined, (error: Error) => error);
    expect(failure?.message).to.match(/^FargateJob: with cpu 256, memory must be one of/);
  });
});

describe("AwsMocks for awsx's remote components", () => {
  it("answers a default Vpc with a public and a private subnet per AZ and a NAT gateway in each public one", async () => {
    const { resources, outputs } = await runProgram(
      () => {
        const vpc = new awsx.ec2.Vpc("default", {});
        return { vpcId: vpc.vpcId, privateSubnetIds: vpc.privateSubnetIds, publicSubnetIds: vpc.publicSubnetIds, natGateways: vpc.natGateways, vpc: vpc.vpc };
      },
      { project: "statecraft", stack: "prod", mocks: new AwsMocks(context) },
    );
    expect(resources.map((r) => r.type)).to.deep.equal(["pulumi:pulumi:Stack", VPC]);
    const vpcId = String(outputs.vpcId);
    expect(vpcId).to.match(/^vpc-[0-9a-f]{17}$/);
    expect(outputs.vpc).to.deep.include({ id: vpcId, arn: `arn:aws:ec2:eu-west-1:222222222222:vpc/${vpcId}`, cidrBlock: "10.0.0.0/16" });
    expect(outputs.privateSubnetIds).to.have.lengthOf(3);
    expect(outputs.publicSubnetIds).to.have.lengthOf(3);
    const nats = outputs.natGateways as { subnetId: string }[];
    expect(nats.map((n) => n.subnetId)).to.deep.equal(outputs.publicSubnetIds);
  });

  it("answers a FargateTaskDefinition that creates its roles and log group with their ARNs, and revision 1", async () => {
    const { outputs } = await runProgram(
      () => {
        const task = new awsx.ecs.FargateTaskDefinition("bare", { container: { name: "app", image: "nginx:1.27", essential: true } });
        return { taskDefinition: task.taskDefinition, executionRole: task.executionRole, taskRole: task.taskRole, logGroup: task.logGroup, loadBalancers: task.loadBalancers };
      },
      { project: "statecraft", stack: "prod", mocks: new AwsMocks(context) },
    );
    const definition = outputs.taskDefinition as { arn: string; family: string; revision: number; executionRoleArn: string; containerDefinitions: string };
    expect(definition).to.deep.include({ arn: "arn:aws:ecs:eu-west-1:222222222222:task-definition/bare:1", family: "bare", revision: 1 });
    expect((outputs.executionRole as { arn: string }).arn).to.match(/^arn:aws:iam::222222222222:role\/bare-execution-[0-9a-f]{7}$/);
    expect(definition.executionRoleArn).to.equal((outputs.executionRole as { arn: string }).arn);
    expect((outputs.taskRole as { arn: string }).arn).to.match(/^arn:aws:iam::222222222222:role\/bare-task-[0-9a-f]{7}$/);
    expect((outputs.logGroup as { arn: string }).arn).to.match(/^arn:aws:logs:eu-west-1:222222222222:log-group:bare-[0-9a-f]{7}$/);
    expect(JSON.parse(definition.containerDefinitions)).to.deep.equal([{ name: "app", image: "nginx:1.27", essential: true }]);
    expect(outputs.loadBalancers).to.deep.equal([]);
  });
});

describe("ecrRepositoryArnOf", () => {
  it("names the private repository of an ECR image URI, with a tag or a digest", () => {
    expect(ecrRepositoryArnOf(`${REPOSITORY_URL}:1.4.2`, "aws")).to.equal(REPOSITORY_ARN);
    expect(ecrRepositoryArnOf(`${REPOSITORY_URL}@sha256:${"a".repeat(64)}`, "aws")).to.equal(REPOSITORY_ARN);
  });

  it("names no repository for another registry", () => {
    expect(ecrRepositoryArnOf("public.ecr.aws/docker/library/python:3.13-slim", "aws")).to.equal(undefined);
    expect(ecrRepositoryArnOf("python:3.13", "aws")).to.equal(undefined);
  });
});

describe("executionRoleStatements", () => {
  it("writes only to the log group's streams without a repository", () => {
    expect(executionRoleStatements("arn:aws:logs:eu-west-1:222222222222:log-group:/ecs/x")).to.deep.equal([
      { Effect: "Allow", Action: ["logs:CreateLogStream", "logs:PutLogEvents"], Resource: ["arn:aws:logs:eu-west-1:222222222222:log-group:/ecs/x:log-stream:*"] },
    ]);
  });
});

describe("ecsRunTaskParameters", () => {
  let job: FargateJobOutputs;
  before(async () => {
    job = (await runJob()).outputs;
  });

  it("builds ecs:runTask.sync Parameters for Fargate from the job's outputs", () => {
    expect(ecsRunTaskParameters(job, { containerOverrides: [{ Name: "job", "Command.$": "$.command" }] })).to.deep.equal({
      LaunchType: "FARGATE",
      Cluster: job.clusterArn,
      TaskDefinition: job.taskDefinitionArn,
      NetworkConfiguration: { AwsvpcConfiguration: { Subnets: job.subnetIds, SecurityGroups: [job.securityGroupId], AssignPublicIp: "ENABLED" } },
      Overrides: { TaskRoleArn: job.taskRoleArn, ExecutionRoleArn: job.executionRoleArn, ContainerOverrides: [{ Name: "job", "Command.$": "$.command" }] },
    });
  });

  it("rejects outputs that are not what RunTask takes, echoing them", () => {
    expect(() => ecsRunTaskParameters({ ...job, subnetIds: [] })).to.throw(/at least one subnet/);
    expect(() => ecsRunTaskParameters({ ...job, taskDefinitionArn: job.taskDefinitionArn.replace(/:1$/, "") })).to.throw(/with its revision\. Received: "arn:aws:ecs/);
    expect(() => ecsRunTaskParameters({ ...job, taskRoleArn: "statecraft-prod-etl-task" })).to.throw(/taskRoleArn must be an IAM role ARN\. Received: "statecraft-prod-etl-task"/);
  });

  it("derives iam:PassRole on exactly the task role and the execution role, to ECS tasks only", () => {
    const definition: AslStateMachine = {
      StartAt: "Run ETL",
      States: { "Run ETL": { Type: "Task", Resource: "arn:aws:states:::ecs:runTask.sync", Parameters: ecsRunTaskParameters(job), End: true } },
    };
    const derivation = deriveExecutionPolicy("etl.asl.json", definition, context);
    const passRole = derivation.document.Statement.filter((s) => s.Action.includes("iam:PassRole"));
    expect(passRole).to.deep.equal([
      { Effect: "Allow", Action: ["iam:PassRole"], Resource: [job.executionRoleArn, job.taskRoleArn].sort(), Condition: { StringEquals: { "iam:PassedToService": "ecs-tasks.amazonaws.com" } } },
    ]);
    const runTask = derivation.document.Statement.find((s) => s.Action.includes("ecs:RunTask"));
    expect(runTask?.Resource).to.deep.equal([job.taskDefinitionArn]);
    expect(derivation.warnings).to.deep.equal([]);
  });

  it("falls back to every role, with a warning, when the Parameters do not name the roles", () => {
    const parameters = ecsRunTaskParameters(job);
    delete parameters.Overrides;
    const definition: AslStateMachine = { StartAt: "Run", States: { Run: { Type: "Task", Resource: "arn:aws:states:::ecs:runTask.sync", Parameters: parameters, End: true } } };
    const derivation = deriveExecutionPolicy("etl.asl.json", definition, context);
    const passRole = derivation.document.Statement.find((s) => s.Action.includes("iam:PassRole"));
    expect(passRole?.Resource).to.deep.equal(["arn:aws:iam::222222222222:role/*"]);
    expect(derivation.warnings.map((w) => w.message).join("\n")).to.match(/taskRole, executionRole missing/);
  });
});
