import { buildArn, ArnContext } from "./iam/arn";
import { PolicyStatement, TrustPolicyDocument } from "./iam/policy";

/**
 * Plain functions of data behind the `GlueJob` component (`infra/components/glue-job.ts`): the job role's trust
 * policy and the statements a Python shell job needs besides what its script does. Tested without Pulumi.
 */

/**
 * The trust policy of a Glue job's role: `glue.amazonaws.com` may assume it.
 * @see https://docs.aws.amazon.com/glue/latest/dg/create-an-iam-role.html
 */
export function glueTrustPolicy(): TrustPolicyDocument {
  return { Version: "2012-10-17", Statement: [{ Effect: "Allow", Principal: { Service: "glue.amazonaws.com" }, Action: ["sts:AssumeRole"] }] };
}

/**
 * What a Glue Python shell job's role needs to run at all, scoped to this job: `s3:GetObject` on its script, and
 * writing its logs, which Glue sends to the `/aws-glue/python-jobs/*` log groups (`logs:CreateLogGroup`,
 * `logs:CreateLogStream`, `logs:PutLogEvents`) — what `AWSGlueServiceRole` grants on `*`, narrowed.
 * @param scriptArn the script object's ARN, `arn:<partition>:s3:::<bucket>/<key>`.
 * @param context the partition, Region and account of the logs.
 * @returns the statements, in a stable order.
 * @see https://docs.aws.amazon.com/glue/latest/dg/monitor-continuous-logging-enable.html
 * @see https://docs.aws.amazon.com/aws-managed-policy/latest/reference/AWSGlueServiceRole.html
 */
export function glueJobRunStatements(scriptArn: string, context: ArnContext): PolicyStatement[] {
  return [
    { Effect: "Allow", Action: ["s3:GetObject"], Resource: [scriptArn] },
    {
      Effect: "Allow",
      Action: ["logs:CreateLogGroup", "logs:CreateLogStream", "logs:PutLogEvents"],
      Resource: [buildArn(context, "logs", "log-group:/aws-glue/python-jobs/*"), buildArn(context, "logs", "log-group:/aws-glue/python-jobs/*:log-stream:*")],
    },
  ];
}
