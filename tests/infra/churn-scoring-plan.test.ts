import { expect } from "chai";
import type { Plan } from "../../offline/plan";
import type { RegisteredResource } from "../../offline/mocks";
import { plans as shippedPlans } from "../local/plans";

interface Statement {
  Effect: string;
  Action: string[];
  Resource: string[];
  Condition?: Record<string, Record<string, string>>;
}

function find(plan: Plan, type: string, name: string): RegisteredResource {
  const found = plan.resources.find((r) => r.type === type && r.name === name);
  if (!found) throw new Error(`${type} ${name} was not registered`);
  return found;
}
const policy = (plan: Plan, name: string): Statement[] => JSON.parse(find(plan, "aws:iam/rolePolicy:RolePolicy", name).inputs.policy as string).Statement;

describe("churn-scoring's Batch and SageMaker resources in the shipped stacks", function () {
  this.timeout(60_000);
  const plans: Record<string, Plan> = {};
  before(async () => {
    plans.dev = await shippedPlans("dev");
    plans.prod = await shippedPlans("prod");
  });

  for (const [stack, account] of [
    ["dev", "111111111111"],
    ["prod", "222222222222"],
  ] as const) {
    const arn = (service: string, resource: string) => `arn:aws:${service}:eu-west-1:${account}:${resource}`;
    it(`${stack}: has the compute environment, the job queue, the job definition, the model and their roles`, () => {
      const plan = plans[stack];
      expect(find(plan, "aws:batch/computeEnvironment:ComputeEnvironment", "churn-features").inputs).to.deep.include({ name: `statecraft-${stack}-churn-features`, type: "MANAGED" });
      expect(find(plan, "aws:batch/jobQueue:JobQueue", "churn-features-queue").outputs?.arn).to.equal(arn("batch", `job-queue/statecraft-${stack}-churn-features`));
      const definition = find(plan, "aws:batch/jobDefinition:JobDefinition", "churn-features-definition");
      expect(definition.outputs?.arn).to.equal(arn("batch", `job-definition/statecraft-${stack}-churn-features:1`));
      const properties = JSON.parse(definition.inputs.containerProperties as string);
      expect(properties.image).to.equal(`${account}.dkr.ecr.eu-west-1.amazonaws.com/statecraft/churn-features:1.0.0`);
      expect(properties.resourceRequirements).to.deep.equal([
        { type: "VCPU", value: "1" },
        { type: "MEMORY", value: "2048" },
      ]);
      const model = find(plan, "aws:sagemaker/model:Model", "churn-model");
      expect(model.inputs).to.deep.include({ name: `statecraft-${stack}-churn-model`, executionRoleArn: `arn:aws:iam::${account}:role/statecraft-${stack}-churn-model-execution` });
      for (const role of ["churn-features-job-role", "churn-features-execution-role", "churn-model-role"]) find(plan, "aws:iam/role:Role", role);
      // The mocks answer as AWS would: a revision, Batch's own ECS cluster and service-linked role, a lower-case model ARN.
      expect(definition.outputs).to.include({ arnPrefix: arn("batch", `job-definition/statecraft-${stack}-churn-features`), revision: 1 });
      const environment = find(plan, "aws:batch/computeEnvironment:ComputeEnvironment", "churn-features").outputs!;
      expect(environment.ecsClusterArn).to.match(new RegExp(`^arn:aws:ecs:eu-west-1:${account}:cluster/AWSBatch-statecraft-${stack}-churn-features-[0-9a-f-]{36}$`));
      expect(environment.serviceRole).to.equal(`arn:aws:iam::${account}:role/aws-service-role/batch.amazonaws.com/AWSServiceRoleForBatch`);
      expect(model.outputs?.arn).to.equal(arn("sagemaker", `model/statecraft-${stack}-churn-model`));
      // The datasets bucket the job writes and the model reads and writes.
      expect(find(plan, "aws:s3/bucket:Bucket", "datasets").inputs.bucket).to.equal(`statecraft-${stack}-datasets-${account}-eu-west-1`);
    });

    it(`${stack}: lets the job write only the features prefix and the model read it and write only the scores prefix`, () => {
      const bucket = `arn:aws:s3:::statecraft-${stack}-datasets-${account}-eu-west-1`;
      const s3 = (statements: Statement[]) => statements.filter((s) => s.Action.some((a) => a.startsWith("s3:"))).map((s) => [s.Action, s.Resource, s.Condition]);
      expect(s3(policy(plans[stack], "churn-features-job-role-policy"))).to.deep.equal([[["s3:PutObject"], [`${bucket}/churn-scoring/features/*`], undefined]]);
      expect(s3(policy(plans[stack], "churn-model-role-policy"))).to.have.deep.members([
        [["s3:GetObject"], [`${bucket}/churn-scoring/features/*`], undefined],
        [["s3:ListBucket"], [bucket], { StringLike: { "s3:prefix": "churn-scoring/features/*" } }],
        [["s3:PutObject"], [`${bucket}/churn-scoring/scores/*`], undefined],
      ]);
      const keyUse = [...policy(plans[stack], "churn-features-job-role-policy"), ...policy(plans[stack], "churn-model-role-policy")].filter((s) => s.Action.some((a) => a.startsWith("kms:")));
      // Only prod has a customer-managed key: the bucket's, through S3, in the bucket's encryption context.
      expect(keyUse.map((s) => s.Condition)).to.deep.equal(stack === "prod" ? [0, 1].map(() => ({ StringEquals: { "kms:EncryptionContext:aws:s3:arn": bucket, "kms:ViaService": "s3.eu-west-1.amazonaws.com" } })) : []);
    });

    it(`${stack}: derives the state machine's role from the definition: submit to the queue, follow the job and the transform job, record the run, pass no role`, () => {
      const statements = policy(plans[stack], "churn-scoring-role-policy");
      const byAction = (action: string) => statements.filter((s) => s.Action.includes(action)).flatMap((s) => s.Resource);
      expect(byAction("batch:SubmitJob")).to.deep.equal([
        arn("batch", `job-definition/statecraft-${stack}-churn-features`),
        arn("batch", `job-definition/statecraft-${stack}-churn-features:*`),
        arn("batch", `job-queue/statecraft-${stack}-churn-features`),
      ]);
      expect(byAction("batch:TerminateJob")).to.deep.equal([arn("batch", "job/*")]);
      expect(byAction("batch:DescribeJobs")).to.deep.equal(["*"]);
      expect(byAction("sagemaker:CreateTransformJob")).to.deep.equal([arn("sagemaker", "transform-job/*")]);
      expect(byAction("sagemaker:DescribeTransformJob")).to.deep.equal([arn("sagemaker", "transform-job/*")]);
      expect(byAction("events:PutRule")).to.deep.equal([arn("events", "rule/StepFunctionsGetEventsForBatchJobsRule"), arn("events", "rule/StepFunctionsGetEventsForSageMakerTransformJobsRule")]);
      expect(byAction("dynamodb:PutItem")).to.deep.equal([arn("dynamodb", `table/statecraft-${stack}-churn-scoring-runs`)]);
      // SubmitJob passes no role (the job definition holds them), CreateTransformJob runs with the model's role.
      expect(statements.flatMap((s) => s.Action)).not.to.include("iam:PassRole");
      expect(statements.flatMap((s) => s.Action).some((a) => a.startsWith("s3:"))).to.equal(false);
    });

    it(`${stack}: deploys the state machine after the Batch job and the model its placeholders name`, () => {
      const machine = find(plans[stack], "statecraft:index:Workflow", "churn-scoring");
      expect(machine.options?.dependsOn).to.include.members(["statecraft:index:BatchJob::churn-features", "statecraft:index:InferenceModel::churn-model", "aws:s3/bucket:Bucket::datasets", "aws:dynamodb/table:Table::churn-scoring-runs"]);
    });
  }
});
