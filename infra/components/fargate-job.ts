import * as aws from "@pulumi/aws";
import * as awsx from "@pulumi/awsx";
import * as pulumi from "@pulumi/pulumi";
import { checkFargateSize, ecrRepositoryArnOf, ecsExecutionTrustPolicy, ecsTasksTrustPolicy, executionRoleStatements } from "../fargate";
import { PolicyStatement, policyDocument } from "../iam/policy";
import { Naming } from "../naming";
import { publicJobNetwork } from "./job-network";
import { Transform, transformed } from "./transform";

/**
 * The container image of a {@link FargateJob}: an ECR repository of the stack's and a tag, or any image URI. A URI
 * of a private ECR repository (`<account>.dkr.ecr.<region>.amazonaws.com/<name>:<tag>`) is recognised, and its
 * repository gets the pull grants; any other registry (`public.ecr.aws`, Docker Hub) needs none.
 */
export type FargateJobImage =
  | {
      /** The repository's ARN (`aws.ecr.Repository.arn`): the execution role may pull from it, nothing else. */
      repositoryArn: pulumi.Input<string>;
      /** The repository's URL (`aws.ecr.Repository.repositoryUrl`), `<account>.dkr.ecr.<region>.amazonaws.com/<name>`. */
      repositoryUrl: pulumi.Input<string>;
      /** The image tag (or `@sha256:<digest>`, with the `@`). */
      tag: string;
    }
  | {
      /** The full image URI, e.g. `public.ecr.aws/docker/library/python:3.13-slim`. */
      uri: string;
    };

/** Arguments of a {@link FargateJob}. */
export interface FargateJobArgs {
  /**
   * The stack's naming: the job's physical names are `naming.physical(<component name>)` (cluster, task definition
   * family, roles `<physical>-task` and `<physical>-execution`), its log group `/ecs/<physical>`; `naming.context` is
   * the partition, Region and account of the roles' trust conditions and the log configuration.
   */
  naming: Naming;
  /** The container image. */
  image: FargateJobImage;
  /** The container's name: what `Overrides.ContainerOverrides[].Name` refers to. @default "job" */
  containerName?: string;
  /** The container's command (Docker `CMD`). @default the image's */
  command?: string[];
  /** Environment variables of the container. @default none */
  environment?: Record<string, pulumi.Input<string>>;
  /**
   * The task's CPU, in CPU units (1024 = one vCPU); with `memoryMib`, one of Fargate's combinations.
   * @default 256
   * @see https://docs.aws.amazon.com/AmazonECS/latest/developerguide/fargate-tasks-services.html#fargate-tasks-size
   */
  cpu?: number;
  /** The task's memory, in MiB. @default 512 */
  memoryMib?: number;
  /** How long the container's log group keeps its logs, in days (one of CloudWatch Logs' values: the stack's `statecraft:logRetentionDays`). */
  logRetentionDays: number;
  /** A customer-managed KMS key for the log group (its key policy must admit `logs.<region>.amazonaws.com`). @default not encrypted with KMS */
  kmsKeyArn?: pulumi.Input<string>;
  /**
   * What the container's code may do: the task role's only statements. Empty, the role has no policy at all.
   * @default []
   * @see https://docs.aws.amazon.com/AmazonECS/latest/developerguide/task-iam-roles.html
   */
  taskRoleStatements?: pulumi.Input<pulumi.Input<PolicyStatement>[]>;
  /** The VPC's IPv4 range. @default "10.0.0.0/16" */
  cidrBlock?: string;
  /** How many Availability Zones get a public subnet (a `/24` each). @default 2 */
  availabilityZones?: number;
  /** Escape hatches: adjust any child's arguments before it is registered. */
  transform?: {
    vpc?: Transform<awsx.ec2.VpcArgs>;
    securityGroup?: Transform<aws.ec2.SecurityGroupArgs>;
    cluster?: Transform<aws.ecs.ClusterArgs>;
    logGroup?: Transform<aws.cloudwatch.LogGroupArgs>;
    executionRole?: Transform<aws.iam.RoleArgs>;
    executionRolePolicy?: Transform<aws.iam.RolePolicyArgs>;
    taskRole?: Transform<aws.iam.RoleArgs>;
    taskRolePolicy?: Transform<aws.iam.RolePolicyArgs>;
    taskDefinition?: Transform<awsx.ecs.FargateTaskDefinitionArgs>;
  };
}

/**
 * A container job for a workflow's `ecs:runTask.sync` step, on Fargate:
 *
 * - an `awsx.ec2.Vpc` with public subnets only (a `/24` per Availability Zone, `subnetStrategy: "Auto"`) and no NAT
 *   gateway (`natGateways: { strategy: "None" }`); the task runs in the public subnets with a public IP
 *   (`AssignPublicIp: ENABLED`) and reaches ECR, S3 (image layers) and CloudWatch Logs through the internet gateway.
 *   Why not private subnets: they need a NAT gateway (about 0.045 USD an hour per AZ, ~33 USD a month each, plus
 *   0.045 USD per GB processed) or interface endpoints for `ecr.api`, `ecr.dkr` and `logs` (about 0.01 USD an hour
 *   per endpoint per AZ, ~44 USD a month for three in two AZs, plus 0.01 USD per GB; the S3 gateway endpoint is
 *   free), paid around the clock for a job that runs minutes a day. A public IPv4 address costs 0.005 USD an hour
 *   only while the task runs. Nothing can reach the task: its security group admits no inbound traffic. A job
 *   that must not have a public address swaps the subnets through `transform.vpc` (private subnets plus
 *   `vpcEndpointSpecs`), and its Task's Parameters are built with `assignPublicIp: false` (`ecsRunTaskParameters`);
 * - a security group in the VPC, egress only (HTTPS, TCP 443, to anywhere: ECR, S3, CloudWatch Logs and the AWS
 *   APIs the task role allows; the VPC's DNS resolver is not subject to security groups);
 * - an ECS cluster (`aws.ecs.Cluster`) with Container Insights off;
 * - a log group `/ecs/<physical>` with the given retention;
 * - an execution role `<physical>-execution` with inline statements only (`executionRoleStatements`: the log group's
 *   streams, the ECR repository's pulls) and a task role `<physical>-task` with exactly `taskRoleStatements`, both
 *   trusting `ecs-tasks.amazonaws.com` (the task role for this account and Region only, `ecsTasksTrustPolicy`; the
 *   execution role as the ECS guide writes it, `ecsExecutionTrustPolicy`); created here, not
 *   by awsx, so their ARNs are known outputs and their policies least-privilege;
 * - an `awsx.ecs.FargateTaskDefinition` (family `<physical>`) with one essential container (the image, the command,
 *   the environment, the `awslogs` driver writing to the log group with stream prefix `<container name>`), the
 *   task's CPU and memory, and both roles given by ARN (so awsx creates neither role nor log group).
 *
 * Children, named from the component's name: `<name>-vpc` (awsx.ec2.Vpc), `<name>-tasks` (aws.ec2.SecurityGroup),
 * `<name>` (aws.ecs.Cluster), `<name>-logs` (aws.cloudwatch.LogGroup), `<name>-execution-role` and `<name>-task-role`
 * (aws.iam.Role), `<name>-execution-role-policy` and `<name>-task-role-policy` (aws.iam.RolePolicy, the latter only with
 * statements), `<name>-task` (awsx.ecs.FargateTaskDefinition).
 *
 * Outputs: `clusterArn`, `taskDefinitionArn` (with its revision), `taskRoleArn`, `executionRoleArn`, `subnetIds`,
 * `securityGroupId`: what `ecsRunTaskParameters` (`infra/fargate.ts`) turns into a Task's Parameters.
 *
 * @throws Error for a CPU/memory pair Fargate refuses (`checkFargateSize`), before any resource exists.
 * @see https://www.pulumi.com/registry/packages/awsx/api-docs/ec2/vpc/
 * @see https://www.pulumi.com/registry/packages/awsx/api-docs/ecs/fargatetaskdefinition/
 * @see https://docs.aws.amazon.com/AmazonECS/latest/developerguide/fargate-task-networking.html
 * @see https://aws.amazon.com/vpc/pricing/
 * @see https://docs.aws.amazon.com/step-functions/latest/dg/connect-ecs.html
 */
export class FargateJob extends pulumi.ComponentResource {
  /** The ECS cluster's ARN. */
  readonly clusterArn: pulumi.Output<string>;
  /** The task definition's ARN, with its revision (`…:task-definition/<family>:<revision>`). */
  readonly taskDefinitionArn: pulumi.Output<string>;
  /** The task role's ARN. */
  readonly taskRoleArn: pulumi.Output<string>;
  /** The execution role's ARN. */
  readonly executionRoleArn: pulumi.Output<string>;
  /** The public subnets the task runs in, one per Availability Zone. */
  readonly subnetIds: pulumi.Output<string[]>;
  /** The task's security group id. */
  readonly securityGroupId: pulumi.Output<string>;
  /** The VPC's id. */
  readonly vpcId: pulumi.Output<string>;
  /** The log group the container writes to. */
  readonly logGroupName: pulumi.Output<string>;
  /** The execution role's inline policy, as deployed (JSON text). */
  readonly executionRolePolicy: pulumi.Output<string>;

  /**
   * @param name the job's logical name; children's names and the physical names derive from it.
   * @param args see {@link FargateJobArgs}.
   * @param opts component resource options.
   */
  constructor(name: string, args: FargateJobArgs, opts?: pulumi.ComponentResourceOptions) {
    const cpu = args.cpu ?? 256;
    const memoryMib = args.memoryMib ?? 512;
    checkFargateSize(cpu, memoryMib);
    super("statecraft:index:FargateJob", name, {}, opts);
    const { naming } = args;
    const context = naming.context;
    const physical = naming.physical(name);
    const containerName = args.containerName ?? "job";
    const parent = { parent: this };

    const { vpc, securityGroup } = publicJobNetwork(
      name,
      { physical, securityGroupSuffix: "tasks", describedAs: "Tasks of", cidrBlock: args.cidrBlock ?? "10.0.0.0/16", availabilityZones: args.availabilityZones ?? 2, transform: args.transform },
      this,
    );
    const cluster = new aws.ecs.Cluster(
      name,
      transformed(args.transform?.cluster, { name: physical, settings: [{ name: "containerInsights", value: "disabled" }] }),
      parent,
    );
    const logGroupName = `/ecs/${physical}`;
    const logGroup = new aws.cloudwatch.LogGroup(
      `${name}-logs`,
      transformed(args.transform?.logGroup, { name: logGroupName, retentionInDays: args.logRetentionDays, kmsKeyId: args.kmsKeyArn }),
      parent,
    );

    const executionRole = new aws.iam.Role(
      `${name}-execution-role`,
      transformed(args.transform?.executionRole, {
        name: `${physical}-execution`,
        description: `ECS execution role of ${physical}: pulls its image, writes its logs.`,
        assumeRolePolicy: JSON.stringify(ecsExecutionTrustPolicy()),
      }),
      parent,
    );
    const image = "uri" in args.image ? pulumi.output(args.image.uri) : pulumi.interpolate`${args.image.repositoryUrl}${args.image.tag.startsWith("@") ? "" : ":"}${args.image.tag}`;
    const repositoryArn: pulumi.Input<string | undefined> = "uri" in args.image ? ecrRepositoryArnOf(args.image.uri, context.partition) : args.image.repositoryArn;
    this.executionRolePolicy = pulumi
      .all([logGroup.arn, repositoryArn])
      .apply(([logGroupArn, repository]) => JSON.stringify(policyDocument(executionRoleStatements(logGroupArn, repository))));
    const executionRolePolicy = new aws.iam.RolePolicy(
      `${name}-execution-role-policy`,
      transformed(args.transform?.executionRolePolicy, { name: "execution", role: executionRole.id, policy: this.executionRolePolicy }),
      parent,
    );
    const taskRole = new aws.iam.Role(
      `${name}-task-role`,
      transformed(args.transform?.taskRole, {
        name: `${physical}-task`,
        description: `ECS task role of ${physical}: what its container may call.`,
        assumeRolePolicy: JSON.stringify(ecsTasksTrustPolicy(context)),
      }),
      parent,
    );
    const taskPolicies: pulumi.Resource[] = [];
    if (args.taskRoleStatements) {
      const statements = pulumi.output(args.taskRoleStatements) as pulumi.Output<PolicyStatement[]>;
      taskPolicies.push(
        new aws.iam.RolePolicy(
          `${name}-task-role-policy`,
          transformed(args.transform?.taskRolePolicy, { name: "task", role: taskRole.id, policy: statements.apply((s) => JSON.stringify(policyDocument(s))) }),
          parent,
        ),
      );
    }

    const taskDefinition = new awsx.ecs.FargateTaskDefinition(
      `${name}-task`,
      transformed(args.transform?.taskDefinition, {
        family: physical,
        cpu: String(cpu),
        memory: String(memoryMib),
        executionRole: { roleArn: executionRole.arn },
        taskRole: { roleArn: taskRole.arn },
        // The log group is ours, with its retention: awsx must not create one.
        logGroup: { skip: true },
        runtimePlatform: { operatingSystemFamily: "LINUX", cpuArchitecture: "X86_64" },
        container: {
          name: containerName,
          image,
          essential: true,
          ...(args.command ? { command: args.command } : {}),
          ...(args.environment ? { environment: Object.entries(args.environment).map(([key, value]) => ({ name: key, value })) } : {}),
          logConfiguration: {
            logDriver: "awslogs",
            options: { "awslogs-group": logGroupName, "awslogs-region": context.region, "awslogs-stream-prefix": containerName },
          },
        },
      }),
      // The first task must be able to pull and log: the execution role's policy exists before the definition.
      { parent: this, dependsOn: [executionRolePolicy, logGroup, ...taskPolicies] },
    );

    this.clusterArn = cluster.arn;
    this.taskDefinitionArn = taskDefinition.taskDefinition.apply((definition) => definition.arn);
    this.taskRoleArn = taskRole.arn;
    this.executionRoleArn = executionRole.arn;
    this.subnetIds = vpc.publicSubnetIds;
    this.securityGroupId = securityGroup.id;
    this.vpcId = vpc.vpcId;
    this.logGroupName = logGroup.name;
    this.registerOutputs({
      clusterArn: this.clusterArn,
      taskDefinitionArn: this.taskDefinitionArn,
      taskRoleArn: this.taskRoleArn,
      executionRoleArn: this.executionRoleArn,
      subnetIds: this.subnetIds,
      securityGroupId: this.securityGroupId,
    });
  }
}
