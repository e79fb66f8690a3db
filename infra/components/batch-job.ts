import * as aws from "@pulumi/aws";
import * as awsx from "@pulumi/awsx";
import * as pulumi from "@pulumi/pulumi";
import { batchContainerProperties, checkBatchFargateSize } from "../batch";
import { ecsExecutionTrustPolicy, ecsTasksTrustPolicy, executionRoleStatements } from "../fargate";
import { publicJobNetwork } from "./job-network";
import { PolicyStatement, policyDocument } from "../iam/policy";
import { Naming } from "../naming";
import { Transform, transformed } from "./transform";

/** Arguments of a {@link BatchJob}. */
export interface BatchJobArgs {
  /**
   * The stack's naming: the compute environment, the job queue and the job definition are all named
   * `naming.physical(<component name>)`, the roles `<physical>-job` and `<physical>-execution`, the log group
   * `/aws/batch/<physical>`; `naming.context` is the partition, Region and account of the trust conditions and logs.
   */
  naming: Naming;
  /** The container image's URI (`ecrImageUri` of `infra/batch.ts` for the stack's ECR). */
  image: string;
  /** The image's private ECR repository, which the execution role may pull from; absent for a public registry's image. */
  repositoryArn?: string;
  /**
   * vCPUs of one job: 0.25, 0.5, 1, 2, 4, 8 or 16.
   * @see https://docs.aws.amazon.com/batch/latest/APIReference/API_ResourceRequirement.html
   */
  vcpu: number;
  /** Memory of one job, in MiB: one of the values Fargate accepts with `vcpu`. */
  memoryMib: number;
  /**
   * How long one attempt may run before Batch terminates it, in seconds (at least 60).
   * @see https://docs.aws.amazon.com/batch/latest/userguide/job_timeouts.html
   */
  timeoutSeconds: number;
  /**
   * The compute environment's ceiling: at most this many vCPUs of jobs run at once; more wait in the queue.
   * @default 4
   */
  maxVcpus?: number;
  /** Environment variables every job gets. @default none */
  environment?: Record<string, string>;
  /** How long the job's log group keeps its logs, in days (the stack's `statecraft:logRetentionDays`). */
  logRetentionDays: number;
  /** A customer-managed KMS key for the log group (its key policy must admit `logs.<region>.amazonaws.com`). @default not encrypted with KMS */
  kmsKeyArn?: pulumi.Input<string>;
  /**
   * What the container's code may do: the job role's only statements. Empty, the role has no policy at all.
   * @default []
   * @see https://docs.aws.amazon.com/batch/latest/userguide/job-iam-roles.html
   */
  jobRoleStatements?: pulumi.Input<pulumi.Input<PolicyStatement>[]>;
  /** The VPC's IPv4 range. @default "10.1.0.0/16" */
  cidrBlock?: string;
  /** How many Availability Zones get a public subnet (a `/24` each). @default 2 */
  availabilityZones?: number;
  /** Escape hatches: adjust any child's arguments before it is registered. */
  transform?: {
    vpc?: Transform<awsx.ec2.VpcArgs>;
    securityGroup?: Transform<aws.ec2.SecurityGroupArgs>;
    logGroup?: Transform<aws.cloudwatch.LogGroupArgs>;
    executionRole?: Transform<aws.iam.RoleArgs>;
    executionRolePolicy?: Transform<aws.iam.RolePolicyArgs>;
    jobRole?: Transform<aws.iam.RoleArgs>;
    jobRolePolicy?: Transform<aws.iam.RolePolicyArgs>;
    computeEnvironment?: Transform<aws.batch.ComputeEnvironmentArgs>;
    jobQueue?: Transform<aws.batch.JobQueueArgs>;
    jobDefinition?: Transform<aws.batch.JobDefinitionArgs>;
  };
}

/**
 * A container job for a workflow's `batch:submitJob.sync` step, on AWS Batch with Fargate:
 *
 * - an `awsx.ec2.Vpc` with public subnets only and no NAT gateway, and a security group admitting nothing in and
 *   HTTPS (TCP 443) out: the same network as `FargateJob` and for the same reasons (a NAT gateway or three interface
 *   endpoints cost around the clock for a job that runs minutes a day; the job gets a public IP, and nothing can
 *   reach it). A job that must not have a public address swaps the subnets through `transform.vpc` and sets
 *   `networkConfiguration.assignPublicIp` to `DISABLED` through `transform.jobDefinition`;
 * - a managed Fargate compute environment (`aws.batch.ComputeEnvironment`, `type: "MANAGED"`, `computeResources:
 *   {type: "FARGATE", maxVcpus, subnets, securityGroupIds}`) with no `serviceRole`: Batch then uses its
 *   service-linked role `AWSServiceRoleForBatch` (created on the first compute environment of the account if the
 *   deployer may `iam:CreateServiceLinkedRole` for `batch.amazonaws.com`), which AWS recommends over a service role
 *   and which needs no policy of ours; Fargate has no instances, so no instance role or profile either;
 * - a job queue (`aws.batch.JobQueue`) on that compute environment alone;
 * - a log group `/aws/batch/<physical>` with the given retention (Batch's default, `/aws/batch/job`, is shared and
 *   kept forever);
 * - an execution role `<physical>-execution` (the image's pulls, the log group's streams: `executionRoleStatements`)
 *   and a job role `<physical>-job` with exactly `jobRoleStatements`, both trusting `ecs-tasks.amazonaws.com` for this
 *   account and Region only (`ecsTasksTrustPolicy`): Batch runs a Fargate job as an ECS task in a cluster it manages
 *   in the account, so ECS presents that task as the source;
 * - a job definition (`aws.batch.JobDefinition`, `type: "container"`, `platformCapabilities: ["FARGATE"]`) whose
 *   `containerProperties` (`batchContainerProperties`) name both roles, the job's vCPUs and memory, a public IP and
 *   the `awslogs` driver; a timeout per attempt and a single attempt (the workflow's Catch decides, not Batch).
 *
 * A workflow submits to it by ARN (`{batchJobQueue}`, `{batchJobDefinition}` placeholders): the definition's ARN
 * without revision runs its latest active revision, and a new revision deregisters the one before
 * (`deregisterOnNewRevision`), so that is always this stack's. `batch:SubmitJob` passes no role (the job definition
 * holds them, and Batch passes them to ECS under its own service-linked role), so the state machine needs no
 * `iam:PassRole`.
 *
 * Children, named from the component's name: `<name>-vpc` (awsx.ec2.Vpc), `<name>-jobs` (aws.ec2.SecurityGroup),
 * `<name>-logs` (aws.cloudwatch.LogGroup), `<name>-execution-role`, `<name>-job-role` (aws.iam.Role),
 * `<name>-execution-role-policy`, `<name>-job-role-policy` (aws.iam.RolePolicy, the latter only with statements),
 * `<name>` (aws.batch.ComputeEnvironment), `<name>-queue` (aws.batch.JobQueue), `<name>-definition`
 * (aws.batch.JobDefinition).
 *
 * @throws Error for a vCPU/memory pair Fargate refuses or a timeout under 60 s, before any resource exists.
 * @see https://docs.aws.amazon.com/batch/latest/userguide/fargate.html
 * @see https://docs.aws.amazon.com/batch/latest/userguide/using-service-linked-roles.html
 * @see https://docs.aws.amazon.com/batch/latest/userguide/execution-IAM-role.html
 * @see https://www.pulumi.com/registry/packages/aws/api-docs/batch/computeenvironment/
 * @see https://docs.aws.amazon.com/step-functions/latest/dg/connect-batch.html
 */
export class BatchJob extends pulumi.ComponentResource {
  /** The compute environment's ARN. */
  readonly computeEnvironmentArn: pulumi.Output<string>;
  /** The job queue's ARN. */
  readonly jobQueueArn: pulumi.Output<string>;
  /** The job definition's ARN, with its revision (`…:job-definition/<name>:<revision>`). */
  readonly jobDefinitionArn: pulumi.Output<string>;
  /** The job definition's ARN without revision. */
  readonly jobDefinitionArnPrefix: pulumi.Output<string>;
  /** The job role's ARN. */
  readonly jobRoleArn: pulumi.Output<string>;
  /** The execution role's ARN. */
  readonly executionRoleArn: pulumi.Output<string>;
  /** The log group the container writes to. */
  readonly logGroupName: pulumi.Output<string>;

  /**
   * @param name the job's logical name; children's names and the physical names derive from it.
   * @param args see {@link BatchJobArgs}.
   * @param opts component resource options.
   */
  constructor(name: string, args: BatchJobArgs, opts?: pulumi.ComponentResourceOptions) {
    checkBatchFargateSize(args.vcpu, args.memoryMib);
    if (!(args.timeoutSeconds >= 60)) throw new Error(`BatchJob: timeoutSeconds must be at least 60 (Batch's minimum). Received: ${args.timeoutSeconds}`);
    super("statecraft:index:BatchJob", name, {}, opts);
    const { naming } = args;
    const context = naming.context;
    const physical = naming.physical(name);
    const parent = { parent: this };

    const { vpc, securityGroup } = publicJobNetwork(
      name,
      { physical, securityGroupSuffix: "jobs", describedAs: "Batch jobs of", cidrBlock: args.cidrBlock ?? "10.1.0.0/16", availabilityZones: args.availabilityZones ?? 2, transform: args.transform },
      this,
    );
    const logGroupName = `/aws/batch/${physical}`;
    const logGroup = new aws.cloudwatch.LogGroup(
      `${name}-logs`,
      transformed(args.transform?.logGroup, { name: logGroupName, retentionInDays: args.logRetentionDays, kmsKeyId: args.kmsKeyArn }),
      parent,
    );

    // The execution role trusts the service as its AWS page writes it; the job role for this account and Region only.
    const executionRole = new aws.iam.Role(
      `${name}-execution-role`,
      transformed(args.transform?.executionRole, { name: `${physical}-execution`, description: `ECS execution role of the Batch job ${physical}: pulls its image, writes its logs.`, assumeRolePolicy: JSON.stringify(ecsExecutionTrustPolicy()) }),
      parent,
    );
    const executionRolePolicy = new aws.iam.RolePolicy(
      `${name}-execution-role-policy`,
      transformed(args.transform?.executionRolePolicy, {
        name: "execution",
        role: executionRole.id,
        policy: logGroup.arn.apply((arn) => JSON.stringify(policyDocument(executionRoleStatements(arn, args.repositoryArn)))),
      }),
      parent,
    );
    const jobRole = new aws.iam.Role(
      `${name}-job-role`,
      transformed(args.transform?.jobRole, { name: `${physical}-job`, description: `Job role of the Batch job ${physical}: what its container may call.`, assumeRolePolicy: JSON.stringify(ecsTasksTrustPolicy(context)) }),
      parent,
    );
    const jobPolicies: pulumi.Resource[] = [];
    if (args.jobRoleStatements) {
      const statements = pulumi.output(args.jobRoleStatements) as pulumi.Output<PolicyStatement[]>;
      jobPolicies.push(
        new aws.iam.RolePolicy(
          `${name}-job-role-policy`,
          transformed(args.transform?.jobRolePolicy, { name: "job", role: jobRole.id, policy: statements.apply((s) => JSON.stringify(policyDocument(s))) }),
          parent,
        ),
      );
    }

    const computeEnvironment = new aws.batch.ComputeEnvironment(
      name,
      transformed(args.transform?.computeEnvironment, {
        name: physical,
        type: "MANAGED",
        state: "ENABLED",
        computeResources: { type: "FARGATE", maxVcpus: args.maxVcpus ?? 4, subnets: vpc.publicSubnetIds, securityGroupIds: [securityGroup.id] },
      }),
      parent,
    );
    const jobQueue = new aws.batch.JobQueue(
      `${name}-queue`,
      transformed(args.transform?.jobQueue, {
        name: physical,
        state: "ENABLED",
        priority: 1,
        computeEnvironmentOrders: [{ order: 1, computeEnvironment: computeEnvironment.arn }],
      }),
      parent,
    );
    const jobDefinition = new aws.batch.JobDefinition(
      `${name}-definition`,
      transformed(args.transform?.jobDefinition, {
        name: physical,
        type: "container",
        platformCapabilities: ["FARGATE"],
        propagateTags: true,
        deregisterOnNewRevision: true,
        retryStrategy: { attempts: 1 },
        timeout: { attemptDurationSeconds: args.timeoutSeconds },
        containerProperties: pulumi
          .all([jobRole.arn, executionRole.arn])
          .apply(([jobRoleArn, executionRoleArn]) =>
            JSON.stringify(
              batchContainerProperties({
                image: args.image,
                vcpu: args.vcpu,
                memoryMib: args.memoryMib,
                jobRoleArn,
                executionRoleArn,
                logGroupName,
                region: context.region,
                logStreamPrefix: name,
                environment: args.environment,
              }),
            ),
          ),
      }),
      // The first job must be able to pull, log and do its work: the roles' policies exist before the definition.
      { parent: this, dependsOn: [executionRolePolicy, logGroup, ...jobPolicies] },
    );

    this.computeEnvironmentArn = computeEnvironment.arn;
    this.jobQueueArn = jobQueue.arn;
    this.jobDefinitionArn = jobDefinition.arn;
    this.jobDefinitionArnPrefix = jobDefinition.arnPrefix;
    this.jobRoleArn = jobRole.arn;
    this.executionRoleArn = executionRole.arn;
    this.logGroupName = logGroup.name;
    this.registerOutputs({
      computeEnvironmentArn: this.computeEnvironmentArn,
      jobQueueArn: this.jobQueueArn,
      jobDefinitionArn: this.jobDefinitionArn,
      jobRoleArn: this.jobRoleArn,
      executionRoleArn: this.executionRoleArn,
      logGroupName: this.logGroupName,
    });
  }
}
