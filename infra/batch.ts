import { FARGATE_SIZES } from "./fargate";
import { ArnContext, dnsSuffixOf } from "./iam/arn";
import type { EcrImage } from "./manifest";

/**
 * Plain functions of data behind the `BatchJob` component (`infra/components/batch-job.ts`): the job definition's
 * container properties, the Fargate size check and the image URI of a repository of the stack's account. The roles'
 * trust and the execution role's statements are the ECS ones (`ecsTasksTrustPolicy`, `executionRoleStatements` of
 * `infra/fargate.ts`): a Batch job on Fargate is an ECS task, run by ECS with those two roles. Tested without Pulumi.
 */

/** What {@link batchContainerProperties} builds the container properties of. */
export interface BatchContainerOptions {
  /** The image URI. */
  image: string;
  /** vCPUs of one job (0.25, 0.5, 1, 2, 4, 8 or 16). */
  vcpu: number;
  /** Memory of one job, in MiB. */
  memoryMib: number;
  /** The job role: what the container's code runs as. */
  jobRoleArn: string;
  /** The execution role: what ECS pulls the image and writes the logs with. */
  executionRoleArn: string;
  /** The log group the `awslogs` driver writes to (the component's, with its retention). */
  logGroupName: string;
  /** The Region of the log group. */
  region: string;
  /** The `awslogs` stream prefix: streams are `<prefix>/default/<task id>`. */
  logStreamPrefix: string;
  /** Environment variables every job of the definition gets (a job's `ContainerOverrides.Environment` adds to them). @default none */
  environment?: Record<string, string>;
}

/**
 * The `containerProperties` of a Fargate job definition (the JSON text `aws.batch.JobDefinition` takes, in the Batch
 * API's camelCase): the image, the job and execution roles, `resourceRequirements` (`VCPU` and `MEMORY` as strings),
 * `networkConfiguration.assignPublicIp: ENABLED` (public subnets without a NAT gateway: the task reaches ECR, S3 and
 * CloudWatch Logs through the internet gateway, as `FargateJob`'s tasks do), the latest Fargate platform version, a
 * Linux x86-64 runtime, the `awslogs` driver and the environment (sorted by name; left out when empty).
 * @throws Error for a vCPU/memory pair Fargate refuses ({@link checkBatchFargateSize}).
 * @see https://docs.aws.amazon.com/batch/latest/APIReference/API_ContainerProperties.html
 * @see https://docs.aws.amazon.com/batch/latest/userguide/fargate.html
 */
export function batchContainerProperties(options: BatchContainerOptions): Record<string, unknown> {
  checkBatchFargateSize(options.vcpu, options.memoryMib);
  return {
    image: options.image,
    jobRoleArn: options.jobRoleArn,
    executionRoleArn: options.executionRoleArn,
    resourceRequirements: [
      { type: "VCPU", value: String(options.vcpu) },
      { type: "MEMORY", value: String(options.memoryMib) },
    ],
    networkConfiguration: { assignPublicIp: "ENABLED" },
    fargatePlatformConfiguration: { platformVersion: "LATEST" },
    runtimePlatform: { operatingSystemFamily: "LINUX", cpuArchitecture: "X86_64" },
    logConfiguration: {
      logDriver: "awslogs",
      options: { "awslogs-group": options.logGroupName, "awslogs-region": options.region, "awslogs-stream-prefix": options.logStreamPrefix },
    },
    // Left out when empty: the provider normalizes an empty list away, which would show as a diff on every preview.
    ...(Object.keys(options.environment ?? {}).length
      ? {
          environment: Object.entries(options.environment ?? {})
            .sort(([a], [b]) => a.localeCompare(b))
            .map(([name, value]) => ({ name, value })),
        }
      : {}),
  };
}

/**
 * Checks a Batch job's size against Fargate's: the vCPU values and, for each, the memory in MiB
 * ({@link FARGATE_SIZES}, in CPU units of 1024 per vCPU).
 * @throws Error naming the accepted values and echoing the pair, for a combination Fargate refuses.
 * @see https://docs.aws.amazon.com/batch/latest/APIReference/API_ResourceRequirement.html
 */
export function checkBatchFargateSize(vcpu: number, memoryMib: number): void {
  const memories = FARGATE_SIZES[vcpu * 1024];
  if (!memories) {
    throw new Error(`BatchJob: vcpu must be one of ${Object.keys(FARGATE_SIZES).map((units) => Number(units) / 1024).join(", ")} on Fargate. Received: ${vcpu}`);
  }
  if (!memories.includes(memoryMib)) {
    throw new Error(`BatchJob: with ${vcpu} vCPU, memoryMib must be one of ${memories.join(", ")} on Fargate. Received: ${memoryMib}`);
  }
}

/**
 * The URI of an image in a private ECR repository of the stack's account and Region:
 * `<account>.dkr.ecr.<region>.<dns suffix>/<repository>:<tag>`.
 * @see https://docs.aws.amazon.com/AmazonECR/latest/userguide/docker-pull-ecr-image.html
 */
export function ecrImageUri(context: ArnContext, image: EcrImage): string {
  return `${context.account}.dkr.ecr.${context.region}.${dnsSuffixOf(context.partition)}/${image.repository}:${image.tag}`;
}
