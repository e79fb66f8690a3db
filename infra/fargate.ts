import { Json } from "./definition/asl";
import { ArnContext, buildArn } from "./iam/arn";
import { PolicyStatement, TrustPolicyDocument } from "./iam/policy";

/**
 * Plain functions of data behind the `FargateJob` component (`infra/components/fargate-job.ts`): the roles' trust
 * policy and the execution role's statements, the task's CPU/memory check, the private ECR repository an image URI
 * names, and the `ecs:runTask` Parameters a state machine's Task needs. Tested without Pulumi.
 */

/** The ARNs and ids a state machine's `ecs:runTask` Task needs, as a `FargateJob` outputs them, resolved. */
export interface FargateJobOutputs {
  /** The ECS cluster's ARN, `arn:<partition>:ecs:<region>:<account>:cluster/<name>`. */
  clusterArn: string;
  /** The task definition's ARN with its revision, `arn:…:task-definition/<family>:<revision>`. */
  taskDefinitionArn: string;
  /** The task role's ARN: what the container's code runs as. */
  taskRoleArn: string;
  /** The execution role's ARN: what ECS/Fargate pulls the image and writes the logs with. */
  executionRoleArn: string;
  /** The subnets the task runs in (public subnets of the job's VPC, one per Availability Zone). */
  subnetIds: string[];
  /** The task's security group (egress only). */
  securityGroupId: string;
  /**
   * Whether the task gets a public IPv4 address: `true` for the public subnets without a NAT gateway the component
   * builds, since the task reaches ECR and CloudWatch Logs through the internet gateway.
   * @default true
   */
  assignPublicIp?: boolean;
}

/** Options of {@link ecsRunTaskParameters}. */
export interface RunTaskOptions {
  /**
   * Per-container overrides (`Overrides.ContainerOverrides`), e.g. `[{ Name: "job", "Command.$": "$.command" }]`:
   * copied as given, JSONPath `.$` keys included.
   * @see https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_ContainerOverride.html
   */
  containerOverrides?: { [key: string]: Json }[];
  /**
   * Tags on the task (`Tags`, `[{Key, Value}]`); the derived role then also gets `ecs:TagResource` on the cluster's tasks.
   * @default no tags
   */
  tags?: { Key: string; Value: string }[];
  /**
   * `PropagateTags`: `TASK_DEFINITION` copies the task definition's tags to the task.
   * @default not set (no propagation)
   */
  propagateTags?: "TASK_DEFINITION";
}

/**
 * The `Parameters` of an ASL Task `arn:<partition>:states:::ecs:runTask.sync` (or `ecs:runTask`,
 * `ecs:runTask.waitForTaskToken`) that runs a `FargateJob`'s task: `LaunchType: FARGATE`, the cluster and the task
 * definition (with its revision), `NetworkConfiguration.AwsvpcConfiguration` (the subnets, the security group,
 * `AssignPublicIp`), and `Overrides` naming the task role and the execution role.
 *
 * The two role overrides repeat the task definition's own roles, which changes nothing at run time; they are there
 * so that the definition names every role RunTask passes: the IAM derivation (`deriveExecutionPolicy`) then grants
 * `iam:PassRole` on exactly those two roles. Without them it cannot see the task definition's roles and falls back
 * to `role/*` (still only to `ecs-tasks.amazonaws.com`) with a warning.
 *
 * @param job the component's outputs, resolved.
 * @param options container overrides, tags.
 * @returns the Parameters object, ready to place in a Task state (JSONPath query language).
 * @throws Error when `subnetIds` is empty or an ARN is not of its kind, echoing the value.
 * @see https://docs.aws.amazon.com/step-functions/latest/dg/connect-ecs.html
 * @see https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_RunTask.html
 */
export function ecsRunTaskParameters(job: FargateJobOutputs, options: RunTaskOptions = {}): { [key: string]: Json } {
  if (!/^arn:[a-z-]+:ecs:[a-z0-9-]+:\d{12}:cluster\/[A-Za-z0-9_-]+$/.test(job.clusterArn)) {
    throw new Error(`ecsRunTaskParameters: clusterArn must be an ECS cluster ARN. Received: ${JSON.stringify(job.clusterArn)}`);
  }
  if (!/^arn:[a-z-]+:ecs:[a-z0-9-]+:\d{12}:task-definition\/[A-Za-z0-9_-]+:\d+$/.test(job.taskDefinitionArn)) {
    throw new Error(`ecsRunTaskParameters: taskDefinitionArn must be a task definition ARN with its revision. Received: ${JSON.stringify(job.taskDefinitionArn)}`);
  }
  for (const [field, arn] of [["taskRoleArn", job.taskRoleArn], ["executionRoleArn", job.executionRoleArn]] as const) {
    if (!/^arn:[a-z-]+:iam::\d{12}:role\/.+$/.test(arn)) throw new Error(`ecsRunTaskParameters: ${field} must be an IAM role ARN. Received: ${JSON.stringify(arn)}`);
  }
  if (job.subnetIds.length === 0) throw new Error(`ecsRunTaskParameters: the task needs at least one subnet. Received: []`);
  return {
    LaunchType: "FARGATE",
    Cluster: job.clusterArn,
    TaskDefinition: job.taskDefinitionArn,
    NetworkConfiguration: {
      AwsvpcConfiguration: {
        Subnets: [...job.subnetIds],
        SecurityGroups: [job.securityGroupId],
        AssignPublicIp: job.assignPublicIp === false ? "DISABLED" : "ENABLED",
      },
    },
    Overrides: {
      TaskRoleArn: job.taskRoleArn,
      ExecutionRoleArn: job.executionRoleArn,
      ...(options.containerOverrides ? { ContainerOverrides: options.containerOverrides } : {}),
    },
    ...(options.tags ? { Tags: options.tags } : {}),
    ...(options.propagateTags ? { PropagateTags: options.propagateTags } : {}),
  };
}

/**
 * The trust policy of a Fargate task's task role: `ecs-tasks.amazonaws.com` may assume it only on behalf of ECS
 * resources of this account and Region (`aws:SourceAccount`, and `aws:SourceArn` like
 * `arn:<partition>:ecs:<region>:<account>:*`), against the cross-service confused deputy, as the ECS developer guide
 * writes it for task roles. The execution role trusts the service without a condition
 * ({@link ecsExecutionTrustPolicy}).
 * @param context the partition, Region and account the tasks run in.
 * @see https://docs.aws.amazon.com/AmazonECS/latest/developerguide/task-iam-roles.html#create_task_iam_policy_and_role
 */
export function ecsTasksTrustPolicy(context: ArnContext): TrustPolicyDocument {
  return {
    Version: "2012-10-17",
    Statement: [
      {
        Effect: "Allow",
        Principal: { Service: "ecs-tasks.amazonaws.com" },
        Action: ["sts:AssumeRole"],
        Condition: {
          StringEquals: { "aws:SourceAccount": context.account },
          ArnLike: { "aws:SourceArn": buildArn(context, "ecs", "*") },
        },
      },
    ],
  };
}

/**
 * The trust policy of a Fargate task's execution role: `ecs-tasks.amazonaws.com`, with no condition, as the ECS
 * developer guide writes it. The guide documents the confused-deputy condition keys for task roles only; nothing says
 * ECS sends them when it assumes the execution role to pull the image and write the logs, and a condition it does not
 * meet would stop every task before its image is pulled.
 * @see https://docs.aws.amazon.com/AmazonECS/latest/developerguide/task_execution_IAM_role.html
 */
export function ecsExecutionTrustPolicy(): TrustPolicyDocument {
  return { Version: "2012-10-17", Statement: [{ Effect: "Allow", Principal: { Service: "ecs-tasks.amazonaws.com" }, Action: ["sts:AssumeRole"] }] };
}

/**
 * The execution role's statements: what `AmazonECSTaskExecutionRolePolicy` grants on `*`, scoped to this task's
 * log group and ECR repository. `logs:CreateLogStream`/`logs:PutLogEvents` on the log group's streams
 * (`<log group ARN>:log-stream:*`); with a private ECR repository, `ecr:BatchCheckLayerAvailability`,
 * `ecr:GetDownloadUrlForLayer`, `ecr:BatchGetImage` on the repository, and `ecr:GetAuthorizationToken`, which takes
 * no resource, on `*`. An image from a public registry needs no ECR statement.
 * @param logGroupArn the task's log group ARN, without `:*`.
 * @param repositoryArn the private ECR repository the image is pulled from, if any.
 * @returns the statements, in a stable order.
 * @see https://docs.aws.amazon.com/AmazonECS/latest/developerguide/task_execution_IAM_role.html
 * @see https://docs.aws.amazon.com/aws-managed-policy/latest/reference/AmazonECSTaskExecutionRolePolicy.html
 */
export function executionRoleStatements(logGroupArn: string, repositoryArn?: string): PolicyStatement[] {
  return [
    ...(repositoryArn
      ? [
          { Effect: "Allow" as const, Action: ["ecr:GetAuthorizationToken"], Resource: ["*"] },
          { Effect: "Allow" as const, Action: ["ecr:BatchCheckLayerAvailability", "ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer"], Resource: [repositoryArn] },
        ]
      : []),
    { Effect: "Allow", Action: ["logs:CreateLogStream", "logs:PutLogEvents"], Resource: [`${logGroupArn}:log-stream:*`] },
  ];
}

/**
 * The private ECR repository an image URI names: `<account>.dkr.ecr.<region>.<dns suffix>/<repository>[:tag|@digest]`
 * gives `arn:<partition>:ecr:<region>:<account>:repository/<repository>`.
 * @param imageUri an image URI, e.g. `111111111111.dkr.ecr.eu-west-1.amazonaws.com/etl:1.4.2`.
 * @param partition the partition of the stack (`aws`, `aws-cn`, `aws-us-gov`).
 * @returns the repository ARN, or undefined for an image of any other registry (Docker Hub, `public.ecr.aws`).
 * @see https://docs.aws.amazon.com/AmazonECR/latest/userguide/Registries.html
 */
export function ecrRepositoryArnOf(imageUri: string, partition: string): string | undefined {
  const match = /^(\d{12})\.dkr\.ecr(?:-fips)?\.([a-z0-9-]+)\.amazonaws\.com(?:\.cn)?\/([a-z0-9][a-z0-9._\/-]*?)(?::[\w][\w.-]{0,127}|@sha256:[0-9a-f]{64})?$/.exec(imageUri);
  if (!match) return undefined;
  const [, account, region, repository] = match;
  return buildArn({ partition, region, account }, "ecr", `repository/${repository}`);
}

/**
 * The CPU (units) and memory (MiB) combinations Fargate accepts for a Linux task.
 * @see https://docs.aws.amazon.com/AmazonECS/latest/developerguide/fargate-tasks-services.html#fargate-tasks-size
 */
export const FARGATE_SIZES: Readonly<Record<number, readonly number[]>> = {
  256: [512, 1024, 2048],
  512: range(1024, 4096, 1024),
  1024: range(2048, 8192, 1024),
  2048: range(4096, 16384, 1024),
  4096: range(8192, 30720, 1024),
  8192: range(16384, 61440, 4096),
  16384: range(32768, 122880, 8192),
};

/**
 * Checks a task size against {@link FARGATE_SIZES}.
 * @param cpu CPU units (1024 = one vCPU).
 * @param memoryMib memory in MiB.
 * @throws Error naming the accepted values and echoing the pair, for a combination Fargate refuses.
 */
export function checkFargateSize(cpu: number, memoryMib: number): void {
  const memories = FARGATE_SIZES[cpu];
  if (!memories) {
    throw new Error(`FargateJob: cpu must be one of ${Object.keys(FARGATE_SIZES).join(", ")} (CPU units). Received: ${cpu}`);
  }
  if (!memories.includes(memoryMib)) {
    throw new Error(`FargateJob: with cpu ${cpu}, memory must be one of ${memories.join(", ")} (MiB). Received: ${memoryMib}`);
  }
}

function range(from: number, to: number, step: number): number[] {
  const out: number[] = [];
  for (let value = from; value <= to; value += step) out.push(value);
  return out;
}
