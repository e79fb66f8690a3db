import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { PolicyStatement, policyDocument } from "../iam/policy";
import { Naming } from "../naming";
import { isModelName, modelExecutionStatements, sagemakerTrustPolicy } from "../sagemaker";
import { Transform, transformed } from "./transform";

/** Arguments of an {@link InferenceModel}. */
export interface InferenceModelArgs {
  /** The stack's naming: the model is `naming.physical(<component name>)`, its role `<physical>-execution`. */
  naming: Naming;
  /** The inference image's URI, in a private ECR repository of the account (SageMaker pulls only from ECR). */
  image: string;
  /** That repository's ARN: the role may pull from it, nothing else. */
  repositoryArn: string;
  /**
   * The model artifacts (`s3://…/model.tar.gz`) SageMaker unpacks into `/opt/ml/model`; the role then needs to read
   * them (add the statement to `dataStatements`).
   * @default none: the image holds its model
   */
  modelDataUrl?: string;
  /**
   * The role's statements on the data its transform jobs read and write: the input's `s3:ListBucket` and
   * `s3:GetObject`, the output's `s3:PutObject`, and the bucket key's use through S3.
   */
  dataStatements: pulumi.Input<pulumi.Input<PolicyStatement>[]>;
  /** Escape hatches: adjust any child's arguments before it is registered. */
  transform?: {
    role?: Transform<aws.iam.RoleArgs>;
    rolePolicy?: Transform<aws.iam.RolePolicyArgs>;
    model?: Transform<aws.sagemaker.ModelArgs>;
  };
}

/**
 * A SageMaker model for a workflow's `sagemaker:createTransformJob.sync` step (batch inference):
 *
 * - an execution role `<physical>-execution` trusting `sagemaker.amazonaws.com` for this account only
 *   (`sagemakerTrustPolicy`), with one inline policy: the data statements it is given (the input prefix read, the
 *   output prefix written, the bucket key through S3) and what a transform job needs besides
 *   (`modelExecutionStatements`: the image's pulls, the `/aws/sagemaker/TransformJobs` logs and metrics);
 * - the model (`aws.sagemaker.Model`, name `<physical>`) with that `executionRoleArn`, one `primaryContainer`
 *   (`image`, `mode: "SingleModel"`, `modelDataUrl` when given) and network isolation on (the container makes no
 *   network call; SageMaker itself feeds it the input and collects the output).
 *
 * `CreateTransformJob` passes no role: the job runs with the model's. So the state machine needs no `iam:PassRole`;
 * whoever creates the model (the deployer) passes this role once, at `CreateModel`.
 *
 * Children: `<name>-role` (aws.iam.Role), `<name>-role-policy` (aws.iam.RolePolicy), `<name>` (aws.sagemaker.Model).
 *
 * @throws Error for a physical name SageMaker refuses, before any resource exists.
 * @see https://docs.aws.amazon.com/sagemaker/latest/dg/batch-transform.html
 * @see https://docs.aws.amazon.com/sagemaker/latest/APIReference/API_CreateModel.html
 * @see https://www.pulumi.com/registry/packages/aws/api-docs/sagemaker/model/
 */
export class InferenceModel extends pulumi.ComponentResource {
  /** The model's name, what a transform job's `ModelName` names. */
  readonly modelName: pulumi.Output<string>;
  /** The model's ARN. */
  readonly modelArn: pulumi.Output<string>;
  /** The execution role's ARN. */
  readonly roleArn: pulumi.Output<string>;

  /**
   * @param name the model's logical name; children's names and the physical names derive from it.
   * @param args see {@link InferenceModelArgs}.
   * @param opts component resource options.
   */
  constructor(name: string, args: InferenceModelArgs, opts?: pulumi.ComponentResourceOptions) {
    const physical = args.naming.physical(name);
    if (!isModelName(physical)) throw new Error(`InferenceModel: a SageMaker model name is 1-63 letters, digits and hyphens. Received: ${JSON.stringify(physical)}`);
    super("statecraft:index:InferenceModel", name, {}, opts);
    const context = args.naming.context;
    const parent = { parent: this };
    const role = new aws.iam.Role(
      `${name}-role`,
      transformed(args.transform?.role, {
        name: `${physical}-execution`,
        description: `SageMaker execution role of the model ${physical}: its image, its transform jobs' data, logs and metrics.`,
        assumeRolePolicy: JSON.stringify(sagemakerTrustPolicy(context)),
      }),
      parent,
    );
    const statements = pulumi.output(args.dataStatements) as pulumi.Output<PolicyStatement[]>;
    const rolePolicy = new aws.iam.RolePolicy(
      `${name}-role-policy`,
      transformed(args.transform?.rolePolicy, {
        name: "execution",
        role: role.id,
        policy: statements.apply((data) => JSON.stringify(policyDocument([...data, ...modelExecutionStatements(context, args.repositoryArn)]))),
      }),
      parent,
    );
    const model = new aws.sagemaker.Model(
      name,
      transformed(args.transform?.model, {
        name: physical,
        executionRoleArn: role.arn,
        enableNetworkIsolation: true,
        primaryContainer: { image: args.image, mode: "SingleModel", ...(args.modelDataUrl ? { modelDataUrl: args.modelDataUrl } : {}) },
      }),
      // CreateModel checks that SageMaker can assume the role and pull the image: the policy exists first.
      { parent: this, dependsOn: [rolePolicy] },
    );
    this.modelName = model.name;
    this.modelArn = model.arn;
    this.roleArn = role.arn;
    this.registerOutputs({ modelName: this.modelName, modelArn: this.modelArn, roleArn: this.roleArn });
  }
}
