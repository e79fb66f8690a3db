import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { glueJobRunStatements, glueTrustPolicy } from "../glue";
import { PolicyStatement, policyDocument } from "../iam/policy";
import { Naming } from "../naming";

/** Arguments of a {@link GlueJob}. */
export interface GlueJobArgs {
  /** The stack's naming: the job and its role are `naming.physical(<name>)` and `<physical>-glue`. */
  naming: Naming;
  description: string;
  /** The script file on this machine (Python), uploaded to `s3://<scriptBucket>/scripts/<name>.py`. */
  scriptFile: string;
  /** The bucket holding the script (the resource, so the upload waits for it). */
  scriptBucket: aws.s3.Bucket;
  /** What the upload must wait for besides the bucket (its default encryption). @default none */
  scriptDependsOn?: pulumi.Resource[];
  /** What the script may do (S3 objects, the bucket key's use): the role's statements besides the run's own. */
  statements: pulumi.Input<PolicyStatement[]>;
  /** The job's timeout, in minutes. @default 60 */
  timeoutMinutes?: number;
}

/**
 * A Glue Python shell job for a workflow's `glue:startJobRun.sync` step: the script uploaded to S3
 * (`aws.s3.BucketObjectv2`), a role trusting `glue.amazonaws.com` with exactly the run's needs
 * (`glueJobRunStatements`: the script, its logs) and `statements`, and the job (`aws.glue.Job`: `pythonshell`,
 * Python 3.9, 1/16 DPU, no retries: the workflow decides).
 *
 * Children: `<name>-script`, `<name>-role`, `<name>-role-policy`, `<name>`. Outputs: `jobName`, `roleArn`.
 * @see https://docs.aws.amazon.com/glue/latest/dg/add-job-python.html
 * @see https://www.pulumi.com/registry/packages/aws/api-docs/glue/job/
 * @see https://docs.aws.amazon.com/step-functions/latest/dg/connect-glue.html
 */
export class GlueJob extends pulumi.ComponentResource {
  /** The job's name (what a Task's `JobName` is). */
  readonly jobName: pulumi.Output<string>;
  /** The job role's ARN. */
  readonly roleArn: pulumi.Output<string>;

  /**
   * @param name the job's logical name.
   * @param args see {@link GlueJobArgs}.
   */
  constructor(name: string, args: GlueJobArgs, opts?: pulumi.ComponentResourceOptions) {
    super("statecraft:index:GlueJob", name, {}, opts);
    const parent = { parent: this };
    const physical = args.naming.physical(name);
    const key = `scripts/${name}.py`;
    const script = new aws.s3.BucketObjectv2(`${name}-script`, { bucket: args.scriptBucket.id, key, source: new pulumi.asset.FileAsset(args.scriptFile), contentType: "text/x-python" }, { parent: this, dependsOn: args.scriptDependsOn ?? [] });
    const role = new aws.iam.Role(`${name}-role`, { name: `${physical}-glue`, description: `Glue job role of ${physical}: reads its script, writes its logs, and what its script does.`, assumeRolePolicy: JSON.stringify(glueTrustPolicy()) }, parent);
    const scriptArn = pulumi.interpolate`${args.scriptBucket.arn}/${key}`;
    const policy = new aws.iam.RolePolicy(
      `${name}-role-policy`,
      { name: "job", role: role.id, policy: pulumi.all([scriptArn, args.statements]).apply(([arn, statements]) => JSON.stringify(policyDocument([...glueJobRunStatements(arn, args.naming.context), ...(statements as PolicyStatement[])]))) },
      parent,
    );
    const job = new aws.glue.Job(
      name,
      {
        name: physical,
        description: args.description,
        roleArn: role.arn,
        command: { name: "pythonshell", pythonVersion: "3.9", scriptLocation: pulumi.interpolate`s3://${args.scriptBucket.bucket}/${key}` },
        glueVersion: "3.0",
        maxCapacity: 0.0625,
        maxRetries: 0,
        timeout: args.timeoutMinutes ?? 60,
        defaultArguments: { "--job-language": "python" },
      },
      { parent: this, dependsOn: [script, policy] },
    );
    this.jobName = job.name;
    this.roleArn = role.arn;
    this.registerOutputs({ jobName: this.jobName, roleArn: this.roleArn });
  }
}
