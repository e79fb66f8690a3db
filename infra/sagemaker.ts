import { ArnContext, buildArn } from "./iam/arn";
import { PolicyStatement, TrustPolicyDocument } from "./iam/policy";
import type { HandlerGrant, ModelSpec } from "./manifest";

/**
 * Plain functions of data behind the `InferenceModel` component (`infra/components/inference-model.ts`): the
 * execution role's trust and the statements a batch transform of the model needs beyond its S3 data (which are the
 * manifest's `bucketObjects` grants, with the bucket key's use). Tested without Pulumi.
 */

/**
 * The trust policy of a model's execution role: `sagemaker.amazonaws.com` may assume it only for this account
 * (`aws:SourceAccount`), against the cross-service confused deputy, as SageMaker's security guide recommends.
 * `aws:SourceArn` is left out on purpose: SageMaker assumes the role both when `CreateModel` validates it and when a
 * transform job runs, and the guide does not say which source ARN each presents; `transform.role` can add it
 * (e.g. `arn:<partition>:sagemaker:<region>:<account>:*`) once a first real transform job has shown it.
 * @param context the partition, Region and account the model lives in.
 * @see https://docs.aws.amazon.com/sagemaker/latest/dg/security-confused-deputy-prevention.html
 * @see https://docs.aws.amazon.com/sagemaker/latest/dg/sagemaker-roles.html#sagemaker-roles-pass-role
 */
export function sagemakerTrustPolicy(context: ArnContext): TrustPolicyDocument {
  return {
    Version: "2012-10-17",
    Statement: [
      {
        Effect: "Allow",
        Principal: { Service: "sagemaker.amazonaws.com" },
        Action: ["sts:AssumeRole"],
        Condition: { StringEquals: { "aws:SourceAccount": context.account } },
      },
    ],
  };
}

/**
 * The statements of a model's execution role that a batch transform needs besides reading its input and writing its
 * output (see `CreateTransformJob API: Execution Role Permissions`): pulling the inference image from its private
 * ECR repository (`ecr:GetAuthorizationToken`, which takes no resource, on `*`; the three pull actions on the
 * repository), writing the transform job's logs to `/aws/sagemaker/TransformJobs` (`logs:CreateLogGroup` on the
 * group, `logs:CreateLogStream`, `logs:PutLogEvents`, `logs:DescribeLogStreams` on its streams) and its metrics
 * (`cloudwatch:PutMetricData`, which takes no resource, only in the `/aws/sagemaker/TransformJobs` namespace).
 * @param context the partition, Region and account of the model.
 * @param repositoryArn the inference image's ECR repository.
 * @returns the statements, in a stable order.
 * @see https://docs.aws.amazon.com/sagemaker/latest/dg/sagemaker-roles.html#sagemaker-roles-createtransformjob-perms
 * @see https://docs.aws.amazon.com/sagemaker/latest/dg/batch-transform-logs-metrics.html
 */
export function modelExecutionStatements(context: ArnContext, repositoryArn: string): PolicyStatement[] {
  const logGroup = buildArn(context, "logs", `log-group:${TRANSFORM_JOB_LOG_GROUP}`);
  return [
    { Effect: "Allow", Action: ["ecr:GetAuthorizationToken"], Resource: ["*"] },
    { Effect: "Allow", Action: ["ecr:BatchCheckLayerAvailability", "ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer"], Resource: [repositoryArn] },
    { Effect: "Allow", Action: ["logs:CreateLogGroup"], Resource: [logGroup] },
    { Effect: "Allow", Action: ["logs:CreateLogStream", "logs:DescribeLogStreams", "logs:PutLogEvents"], Resource: [`${logGroup}:log-stream:*`] },
    { Effect: "Allow", Action: ["cloudwatch:PutMetricData"], Resource: ["*"], Condition: { StringEquals: { "cloudwatch:namespace": TRANSFORM_JOB_LOG_GROUP } } },
  ];
}

/** The log group (and CloudWatch namespace) of SageMaker batch transform jobs. */
export const TRANSFORM_JOB_LOG_GROUP = "/aws/sagemaker/TransformJobs";

/**
 * Whether a SageMaker model name is valid: 1 to 63 letters, digits and hyphens, starting and ending with a letter or
 * digit (`CreateModel`'s `ModelName` pattern).
 * @see https://docs.aws.amazon.com/sagemaker/latest/APIReference/API_CreateModel.html#sagemaker-CreateModel-request-ModelName
 */
export function isModelName(name: string): boolean {
  return /^[a-zA-Z0-9](-*[a-zA-Z0-9]){0,62}$/.test(name);
}

/**
 * The grants of a model's execution role on its transform jobs' data, as the manifest's `bucketObjects` grants (so
 * they get the bucket key's use through S3 like a handler's): the input prefix listed (`s3:ListBucket` limited by
 * `s3:prefix`, which an `S3Prefix` data source needs) and read, the output prefix written.
 * @see https://docs.aws.amazon.com/sagemaker/latest/dg/sagemaker-roles.html#sagemaker-roles-createtransformjob-perms
 */
export function modelDataGrants(spec: Pick<ModelSpec, "input" | "output">): HandlerGrant[] {
  return [
    { kind: "bucketObjects", bucket: spec.input.bucket, prefix: spec.input.prefix, actions: ["GetObject"], list: true },
    { kind: "bucketObjects", bucket: spec.output.bucket, prefix: spec.output.prefix, actions: ["PutObject"] },
  ];
}
