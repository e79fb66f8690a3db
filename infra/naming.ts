import { ArnContext, buildArn, dnsSuffixOf } from "./iam/arn";

/**
 * The name of a state machine's execution role, as the Workflow component creates it: `<state machine>-role`.
 * @param stateMachineName the state machine's physical name.
 */
export function executionRoleName(stateMachineName: string): string {
  return `${stateMachineName}-role`;
}

/**
 * Physical names and ARNs of everything a stack deploys, derived in one place from the project, the stack and
 * the logical name, so dev and prod stay predictable and a definition's ARNs are known before deployment.
 *
 * Names are `<project>-<stack>-<logical>`; state machine log groups are `/aws/vendedlogs/states/<stack>-<workflow>`
 * (the `/aws/vendedlogs/` prefix keeps CloudWatch Logs' resource policy small).
 * @see https://docs.aws.amazon.com/step-functions/latest/dg/cw-logs.html
 */
export class Naming {
  /**
   * @param project the Pulumi project name, e.g. `statecraft`.
   * @param stack the stack name, e.g. `dev`.
   * @param context the partition, Region and account the stack deploys to.
   */
  constructor(
    readonly project: string,
    readonly stack: string,
    readonly context: ArnContext,
  ) {}

  /** `<project>-<stack>-<logical>`: the physical name of a function, topic, table, role, state machine, secret or HTTP API. */
  physical(logical: string): string {
    return `${this.project}-${this.stack}-${logical}`;
  }

  /** The ARN of a Lambda function this stack deploys. */
  functionArn(handler: string): string {
    return buildArn(this.context, "lambda", `function:${this.physical(handler)}`);
  }

  /** The ARN of an SNS topic this stack deploys. */
  topicArn(topic: string): string {
    return buildArn(this.context, "sns", this.physical(topic));
  }

  /** The ARN of an SQS queue this stack deploys. */
  queueArn(queue: string): string {
    return buildArn(this.context, "sqs", this.physical(queue));
  }

  /** The URL of an SQS queue this stack deploys (`https://sqs.<region>.<dns suffix>/<account>/<name>`). */
  queueUrl(queue: string): string {
    return `https://sqs.${this.context.region}.${dnsSuffixOf(this.context.partition)}/${this.context.account}/${this.physical(queue)}`;
  }

  /**
   * The physical name of an S3 bucket this stack deploys: `<project>-<stack>-<logical>-<account>-<region>`, since
   * bucket names are global across accounts (at most 63 characters: lowercase letters, digits and hyphens).
   * @see https://docs.aws.amazon.com/AmazonS3/latest/userguide/bucketnamingrules.html
   */
  bucketName(bucket: string): string {
    return `${this.physical(bucket)}-${this.context.account}-${this.context.region}`;
  }

  /** The ARN of an S3 bucket this stack deploys (`arn:<partition>:s3:::<name>`: S3 ARNs name no Region or account). */
  bucketArn(bucket: string): string {
    return `arn:${this.context.partition}:s3:::${this.bucketName(bucket)}`;
  }

  /** The ARN of the job queue of a Batch job this stack deploys (`job-queue/<physical>`). */
  batchJobQueueArn(job: string): string {
    return buildArn(this.context, "batch", `job-queue/${this.physical(job)}`);
  }

  /**
   * The ARN of the job definition of a Batch job this stack deploys, without a revision
   * (`job-definition/<physical>`): SubmitJob runs its latest active revision.
   * @see https://docs.aws.amazon.com/batch/latest/APIReference/API_SubmitJob.html
   */
  batchJobDefinitionArn(job: string): string {
    return buildArn(this.context, "batch", `job-definition/${this.physical(job)}`);
  }

  /** The physical name of a DynamoDB table this stack deploys. */
  tableName(table: string): string {
    return this.physical(table);
  }

  /** The ARN of a DynamoDB table (this stack's or any other in the account and Region), by physical name. */
  tableArn(physicalName: string): string {
    return buildArn(this.context, "dynamodb", `table/${physicalName}`);
  }

  /** The ARN of a state machine this stack deploys. */
  stateMachineArn(workflow: string): string {
    return buildArn(this.context, "states", `stateMachine:${this.physical(workflow)}`);
  }

  /** The log group of a workflow: `/aws/vendedlogs/states/<stack>-<workflow>`. */
  workflowLogGroupName(workflow: string): string {
    return `/aws/vendedlogs/states/${this.stack}-${workflow}`;
  }

  /** The log group Lambda writes a function's logs to: `/aws/lambda/<function name>`. */
  functionLogGroupName(handler: string): string {
    return `/aws/lambda/${this.physical(handler)}`;
  }

  /**
   * The access log group of an HTTP API: `/aws/vendedlogs/apigateway/<stack>-<api>` (the `/aws/vendedlogs/` prefix
   * keeps CloudWatch Logs' resource policy small, as for state machines).
   */
  httpApiLogGroupName(api: string): string {
    return `/aws/vendedlogs/apigateway/${this.stack}-${api}`;
  }

  /** The ARN of a log group, without the `:*` suffix. */
  logGroupArn(logGroupName: string): string {
    return buildArn(this.context, "logs", `log-group:${logGroupName}`);
  }
}
