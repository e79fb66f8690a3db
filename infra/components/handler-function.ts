import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { handlerArchive } from "../bundle";
import { PolicyStatement, policyDocument } from "../iam/policy";
import { lambdaTrustPolicy, xrayStatement } from "../iam/service";
import { Transform, transformed } from "./transform";

/** Arguments of a {@link HandlerFunction}. */
export interface HandlerFunctionArgs {
  /** Absolute path of the handler's TypeScript entry; bundled with esbuild into its own archive. */
  entry: string;
  /** The function's physical name; its role is named `<name>-role`. */
  functionName: string;
  description: string;
  /** Timeout, in seconds. @default 10 */
  timeoutSeconds?: number;
  /** Memory, in MB. @default 256 */
  memoryMb?: number;
  /** The log group's name, normally `/aws/lambda/<function name>`, and its ARN (without `:*`). */
  logGroupName: string;
  logGroupArn: string;
  /** Log retention, in days. */
  logRetentionDays: number;
  /**
   * Application log level of the function's JSON logs.
   * @default "INFO"
   * @see https://docs.aws.amazon.com/lambda/latest/dg/monitoring-cloudwatchlogs-advanced.html
   */
  applicationLogLevel?: "TRACE" | "DEBUG" | "INFO" | "WARN" | "ERROR" | "FATAL";
  /** Active X-Ray tracing. @default false */
  tracing?: boolean;
  /** A customer-managed KMS key for the log group. */
  kmsKeyArn?: pulumi.Input<string>;
  /** What the function may do beyond writing its own logs: exactly what the handler calls. */
  statements?: pulumi.Input<pulumi.Input<PolicyStatement>[]>;
  /** Environment variables: names and ARNs of what the handler calls (`HANDLERS[…].environment`). */
  environment?: Record<string, pulumi.Input<string>>;
  /** Escape hatches: adjust any child's arguments. */
  transform?: {
    role?: Transform<aws.iam.RoleArgs>;
    rolePolicy?: Transform<aws.iam.RolePolicyArgs>;
    logGroup?: Transform<aws.cloudwatch.LogGroupArgs>;
    function?: Transform<aws.lambda.FunctionArgs>;
  };
}

/**
 * A Lambda function for a workflow's handler, with a role of its own: its log stream writes, X-Ray when traced,
 * and exactly the statements the handler needs. The code is bundled with esbuild into one `index.js`
 * (AWS SDK v3 left to the Node.js runtime); the log group is created up front with its retention.
 *
 * Children: `<name>-logs` (aws.cloudwatch.LogGroup), `<name>-role` (aws.iam.Role), `<name>-role-policy`
 * (aws.iam.RolePolicy), `<name>` (aws.lambda.Function).
 *
 * @throws Error naming the entry file when the handler cannot be bundled.
 * @see https://docs.aws.amazon.com/lambda/latest/dg/lambda-nodejs.html
 * @see https://www.pulumi.com/registry/packages/aws/api-docs/lambda/function/
 */
export class HandlerFunction extends pulumi.ComponentResource {
  /** The function's ARN. */
  readonly functionArn: pulumi.Output<string>;
  /** The function's role ARN. */
  readonly roleArn: pulumi.Output<string>;
  /** The role's policy, as deployed (JSON text). */
  readonly policy: pulumi.Output<string>;

  /**
   * @param name the handler's logical name; children's names derive from it.
   * @param args see {@link HandlerFunctionArgs}.
   * @param opts component resource options.
   */
  constructor(name: string, args: HandlerFunctionArgs, opts?: pulumi.ComponentResourceOptions) {
    const code = handlerArchive(args.entry);
    super("statecraft:index:HandlerFunction", name, {}, opts);

    const logGroup = new aws.cloudwatch.LogGroup(
      `${name}-logs`,
      transformed(args.transform?.logGroup, { name: args.logGroupName, retentionInDays: args.logRetentionDays, kmsKeyId: args.kmsKeyArn }),
      { parent: this },
    );
    const role = new aws.iam.Role(
      `${name}-role`,
      transformed(args.transform?.role, {
        name: `${args.functionName}-role`,
        description: `Role of the ${args.functionName} function.`,
        assumeRolePolicy: JSON.stringify(lambdaTrustPolicy()),
      }),
      { parent: this },
    );
    this.policy = pulumi.output(args.statements ?? []).apply((statements) =>
      JSON.stringify(
        policyDocument([
          { Effect: "Allow", Action: ["logs:CreateLogStream", "logs:PutLogEvents"], Resource: [`${args.logGroupArn}:*`] },
          ...(args.tracing ? [xrayStatement()] : []),
          ...(statements as PolicyStatement[]),
        ]),
      ),
    );
    const rolePolicy = new aws.iam.RolePolicy(
      `${name}-role-policy`,
      transformed(args.transform?.rolePolicy, { name: "handler", role: role.id, policy: this.policy }),
      { parent: this },
    );
    const fn = new aws.lambda.Function(
      name,
      transformed(args.transform?.function, {
        name: args.functionName,
        description: args.description,
        runtime: aws.lambda.Runtime.NodeJS22dX,
        architectures: ["arm64"],
        handler: "index.handler",
        code,
        role: role.arn,
        timeout: args.timeoutSeconds ?? 10,
        memorySize: args.memoryMb ?? 256,
        loggingConfig: { logFormat: "JSON", logGroup: logGroup.name, applicationLogLevel: args.applicationLogLevel ?? "INFO", systemLogLevel: "WARN" },
        tracingConfig: { mode: args.tracing ? "Active" : "PassThrough" },
        ...(args.environment ? { environment: { variables: args.environment } } : {}),
      }),
      // The role must be able to write logs before the first invocation.
      { parent: this, dependsOn: [rolePolicy, logGroup] },
    );
    this.functionArn = fn.arn;
    this.roleArn = role.arn;
    this.registerOutputs({ functionArn: this.functionArn, roleArn: this.roleArn, policy: this.policy });
  }
}
