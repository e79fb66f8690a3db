import { expect } from "chai";
import { Plan } from "../../offline/plan";
import { RegisteredResource } from "../../offline/mocks";
import { glueJobRunStatements, glueTrustPolicy } from "../../infra/glue";
import { deployTimeReference, fargateJobValue } from "../../infra/render";
import { Naming } from "../../infra/naming";
import { stackContents } from "../../infra/manifest";
import { plans as shippedPlans } from "../local/plans";

/**
 * data-pipeline in the prod plan: the awsx VPC and Fargate task definition of its monthly report (what each is
 * given, not awsx's hidden children), its Glue job, its datasets bucket, and a deployed definition that names the
 * VPC's real subnets and security group and passes exactly the job's two roles.
 */

const NAMING = new Naming("statecraft", "prod", { partition: "aws", region: "eu-west-1", account: "222222222222" });
const only = (plan: Plan, type: string, name?: string): RegisteredResource => {
  const found = plan.resources.filter((r) => r.type === type && (name === undefined || r.name === name));
  expect(found, `${type} ${name ?? ""}`).to.have.length(1);
  return found[0];
};
const policyOf = (plan: Plan, name: string) => JSON.parse(only(plan, "aws:iam/rolePolicy:RolePolicy", name).inputs.policy as string) as { Statement: { Action: string[]; Resource: string[]; Condition?: Record<string, Record<string, unknown>> }[] };

describe("data-pipeline in the prod plan", function () {
  this.timeout(60_000);
  let plan: Plan;
  before(async () => {
    plan = await shippedPlans("prod");
  });

  it("gives the report's awsx VPC public subnets in two Availability Zones and no NAT gateway", () => {
    const vpc = only(plan, "awsx:ec2:Vpc", "monthly-report-vpc");
    expect(vpc.inputs).to.deep.include({ numberOfAvailabilityZones: 2, natGateways: { strategy: "None" }, subnetSpecs: [{ type: "Public", name: "public", cidrMask: 24 }] });
  });

  it("gives the awsx Fargate task definition the ECR image, the task size, both roles by ARN and the job's own log group", () => {
    const task = only(plan, "awsx:ecs:FargateTaskDefinition", "monthly-report-task");
    const container = task.inputs.container as Record<string, unknown>;
    expect(task.inputs).to.deep.include({ family: "statecraft-prod-monthly-report", cpu: "256", memory: "512", logGroup: { skip: true } });
    expect(task.inputs.taskRole).to.deep.equal({ roleArn: "arn:aws:iam::222222222222:role/statecraft-prod-monthly-report-task" });
    expect(task.inputs.executionRole).to.deep.equal({ roleArn: "arn:aws:iam::222222222222:role/statecraft-prod-monthly-report-execution" });
    expect(container.image).to.equal("222222222222.dkr.ecr.eu-west-1.amazonaws.com/statecraft-prod-monthly-report:1");
    expect(only(plan, "aws:ecr/repository:Repository").inputs).to.deep.include({ imageTagMutability: "IMMUTABLE" });
  });

  it("lets the task role read the datasets and write the report, with the bucket key through S3, and nothing else", () => {
    const statements = policyOf(plan, "monthly-report-task-role-policy").Statement;
    const bucket = NAMING.bucketArn("datasets");
    expect(statements.flatMap((s) => s.Resource).sort()).to.deep.equal([`${bucket}/input/*`, `${bucket}/output/*`, plan.resources.find((r) => r.type === "aws:kms/key:Key")!.outputs!.arn].sort());
    const key = statements.find((s) => s.Action.some((a) => a.startsWith("kms:")))!;
    expect(key.Condition!.StringEquals).to.deep.equal({ "kms:ViaService": "s3.eu-west-1.amazonaws.com", "kms:EncryptionContext:aws:s3:arn": bucket });
  });

  it("deploys the Glue job as a Python shell job running the uploaded script, as a role that reads its script and writes its logs", () => {
    const job = only(plan, "aws:glue/job:Job", "dataset-aggregate");
    expect(job.inputs).to.deep.include({ name: "statecraft-prod-dataset-aggregate", roleArn: "arn:aws:iam::222222222222:role/statecraft-prod-dataset-aggregate-glue", glueVersion: "3.0", maxCapacity: 0.0625 });
    expect(job.inputs.command).to.deep.equal({ name: "pythonshell", pythonVersion: "3.9", scriptLocation: `s3://${NAMING.bucketName("datasets")}/scripts/dataset-aggregate.py` });
    expect(only(plan, "aws:s3/bucketObjectv2:BucketObjectv2").inputs).to.deep.include({ key: "scripts/dataset-aggregate.py", bucket: NAMING.bucketName("datasets") });
    const actions = policyOf(plan, "dataset-aggregate-role-policy").Statement.flatMap((s) => s.Action);
    expect(actions).to.include.members(["s3:GetObject", "s3:PutObject", "logs:PutLogEvents", "kms:Decrypt", "kms:GenerateDataKey"]);
  });

  it("keeps the datasets bucket private and encrypted with the stack's key and a Bucket Key", () => {
    expect(only(plan, "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock", "datasets-public-access").inputs).to.deep.include({ blockPublicAcls: true, blockPublicPolicy: true, ignorePublicAcls: true, restrictPublicBuckets: true });
    const rule = (only(plan, "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration", "datasets-encryption").inputs.rules as Record<string, unknown>[])[0];
    expect(rule).to.deep.include({ bucketKeyEnabled: true });
    expect(rule.applyServerSideEncryptionByDefault).to.deep.include({ sseAlgorithm: "aws:kms" });
  });

  it("deploys a definition naming the VPC's subnets and security group, and a role that passes exactly the task's two roles", () => {
    const machine = only(plan, "aws:sfn/stateMachine:StateMachine", "data-pipeline");
    const definition = JSON.parse(machine.inputs.definition as string);
    const network = definition.States["Process datasets"].Branches[0].States["Monthly report"].Parameters.NetworkConfiguration.AwsvpcConfiguration;
    const vpc = only(plan, "awsx:ec2:Vpc", "monthly-report-vpc");
    expect(network.Subnets).to.deep.equal(vpc.outputs!.publicSubnetIds);
    // The security group's id, as the mocks answer it (the ARN ends with it), not the stand-in the definition was checked with.
    const securityGroup = only(plan, "aws:ec2/securityGroup:SecurityGroup", "monthly-report-tasks");
    expect(network.SecurityGroups).to.deep.equal([String(securityGroup.outputs!.arn).split("/").pop()]);
    expect(network.SecurityGroups[0]).to.not.equal("sg-00000000000000000");
    const passRole = policyOf(plan, "data-pipeline-role-policy").Statement.find((s) => s.Action.includes("iam:PassRole"))!;
    expect(passRole.Resource).to.deep.equal(["arn:aws:iam::222222222222:role/statecraft-prod-monthly-report-execution", "arn:aws:iam::222222222222:role/statecraft-prod-monthly-report-task"]);
    expect(passRole.Condition).to.deep.equal({ StringEquals: { "iam:PassedToService": "ecs-tasks.amazonaws.com" } });
  });
});

describe("data-pipeline's references", () => {
  it("names the Fargate job's cluster, family and roles as FargateJob creates them, and stands in for ids known only at deployment", () => {
    const value = (output: "clusterArn" | "taskDefinitionFamily" | "taskRoleArn" | "executionRoleArn" | "securityGroupId") => fargateJobValue({ fargateJob: "monthly-report", output }, NAMING);
    expect(value("clusterArn")).to.equal("arn:aws:ecs:eu-west-1:222222222222:cluster/statecraft-prod-monthly-report");
    expect(value("taskDefinitionFamily")).to.equal("statecraft-prod-monthly-report");
    expect(value("taskRoleArn")).to.equal("arn:aws:iam::222222222222:role/statecraft-prod-monthly-report-task");
    expect(value("executionRoleArn")).to.equal("arn:aws:iam::222222222222:role/statecraft-prod-monthly-report-execution");
    expect(fargateJobValue({ fargateJob: "monthly-report", output: "subnetId", index: 1 }, NAMING)).to.match(/^subnet-0{16}1$/);
    expect(deployTimeReference({ fargateJob: "monthly-report", output: "subnetId", index: 0 })).to.equal(true);
    expect(deployTimeReference({ fargateJob: "monthly-report", output: "securityGroupId" })).to.equal(true);
    expect(deployTimeReference({ fargateJob: "monthly-report", output: "taskRoleArn" })).to.equal(false);
  });

  it("deploys the jobs and the buckets their grants and scripts use with the workflow", () => {
    const contents = stackContents(["data-pipeline"], []);
    expect(contents).to.deep.include({ fargateJobs: ["monthly-report"], glueJobs: ["dataset-aggregate"], buckets: ["datasets"] });
    expect(contents.handlers).to.deep.equal(["prepare-datasets", "score-feedback", "aggregate-results"]);
    expect(stackContents(["order-events"], [])).to.deep.include({ fargateJobs: [], glueJobs: [], buckets: [] });
  });

  it("lets only Glue assume a job role, reading only its script and writing only Glue's Python shell logs", () => {
    expect(glueTrustPolicy().Statement).to.deep.equal([{ Effect: "Allow", Principal: { Service: "glue.amazonaws.com" }, Action: ["sts:AssumeRole"] }]);
    const [script, logs] = glueJobRunStatements("arn:aws:s3:::b/scripts/j.py", NAMING.context);
    expect(script).to.deep.equal({ Effect: "Allow", Action: ["s3:GetObject"], Resource: ["arn:aws:s3:::b/scripts/j.py"] });
    expect(logs.Resource).to.deep.equal(["arn:aws:logs:eu-west-1:222222222222:log-group:/aws-glue/python-jobs/*", "arn:aws:logs:eu-west-1:222222222222:log-group:/aws-glue/python-jobs/*:log-stream:*"]);
  });
});
