/**
 * Amazon Resource Names: building, parsing and the scoped wildcards the IAM derivation falls back to.
 * @see https://docs.aws.amazon.com/IAM/latest/UserGuide/reference-arns.html
 */

/** Where a state machine runs: the partition, Region and account its own ARNs and its targets' ARNs use. */
export interface ArnContext {
  /** `aws`, `aws-cn` or `aws-us-gov`. */
  partition: string;
  /** e.g. `eu-west-1`. */
  region: string;
  /** The 12-digit account id. */
  account: string;
}

/** The parts of an ARN. */
export interface ParsedArn {
  partition: string;
  service: string;
  region: string;
  account: string;
  /** Everything after the account, e.g. `function:my-fn:prod` or `table/orders`. */
  resource: string;
}

/** The AWS partitions, as a regular-expression alternation. */
export const PARTITION_PATTERN = "aws|aws-cn|aws-us-gov|aws-iso|aws-iso-b|aws-iso-e|aws-iso-f";

const ARN_PATTERN = new RegExp(`^arn:(${PARTITION_PATTERN}):([a-z0-9-]+):([a-z0-9-]*):(\\d{12}|aws)?:(.+)$`);

/**
 * Parses an ARN.
 * @param text the candidate ARN.
 * @returns its parts, or `undefined` when the text is not an ARN.
 */
export function parseArn(text: string): ParsedArn | undefined {
  const match = ARN_PATTERN.exec(text);
  if (!match) return undefined;
  const [, partition, service, region, account = "", resource] = match;
  return { partition, service, region, account, resource };
}

/**
 * The parts of an ARN this project built, wildcards included (`arn:aws:glue:*:*:database/x`, which
 * {@link parseArn} refuses): split on the first five colons, without checking them.
 * @param text an ARN-shaped string.
 * @returns the parts, or undefined when the text has fewer than six colon-separated parts.
 */
export function splitArn(text: string): ParsedArn | undefined {
  const parts = text.split(":");
  if (parts.length < 6 || parts[0] !== "arn") return undefined;
  const [, partition, service, region, account] = parts;
  return { partition, service, region, account, resource: parts.slice(5).join(":") };
}

/**
 * Builds an ARN in a context's partition, Region and account.
 * @param context partition, Region and account.
 * @param service the ARN's service namespace (`lambda`, `states`, `dynamodb`, …).
 * @param resource the resource part, e.g. `function:my-fn`.
 * @param scope `global` leaves the Region out (IAM), `regional` (default) keeps it.
 */
export function buildArn(context: ArnContext, service: string, resource: string, scope: "regional" | "global" = "regional"): string {
  return `arn:${context.partition}:${service}:${scope === "global" ? "" : context.region}:${context.account}:${resource}`;
}

/**
 * The ARN of executions of a Standard state machine: `arn:…:stateMachine:<name>` becomes
 * `arn:…:execution:<name>:<execution>`. A machine name that is itself a wildcard stays one.
 * @param stateMachineArn the state machine's ARN.
 * @param execution the execution's name; `*` (the default) for every execution.
 * @returns the execution ARN; the input unchanged when it is not a state machine ARN.
 * @see https://docs.aws.amazon.com/service-authorization/latest/reference/list_awsstepfunctions.html#awsstepfunctions-resources-for-iam-policies
 */
export function executionArn(stateMachineArn: string, execution = "*"): string {
  return stateMachineArn.replace(/:stateMachine:([^:]+)$/, (_, name: string) => `:execution:${name}:${execution}`);
}

/**
 * The partition a Region belongs to.
 * @param region e.g. `eu-west-1`, `cn-north-1`, `us-gov-west-1`.
 * @see https://docs.aws.amazon.com/whitepapers/latest/aws-fault-isolation-boundaries/partitions.html
 */
export function partitionOf(region: string): string {
  if (region.startsWith("cn-")) return "aws-cn";
  if (region.startsWith("us-gov-")) return "aws-us-gov";
  if (region.startsWith("us-iso-")) return "aws-iso";
  if (region.startsWith("us-isob-")) return "aws-iso-b";
  if (region.startsWith("eu-isoe-")) return "aws-iso-e";
  if (region.startsWith("us-isof-")) return "aws-iso-f";
  return "aws";
}

/** The DNS suffix of a partition's service endpoints, for service principals that name it. */
export function dnsSuffixOf(partition: string): string {
  return partition === "aws-cn" ? "amazonaws.com.cn" : "amazonaws.com";
}

/**
 * A state machine ARN without its qualifier: `…:stateMachine:<name>:<alias or version>` gives the machine's ARN and
 * the qualifier (Step Functions authorizes a call on an alias or version against the machine's ARN, with the
 * qualifier as `states:StateMachineQualifier`); an unqualified ARN gives itself and no qualifier.
 * @param arn a state machine, alias or version ARN.
 * @see https://docs.aws.amazon.com/step-functions/latest/dg/auth-version-alias.html
 */
export function unqualifiedStateMachineArn(arn: string): { stateMachineArn: string; qualifier?: string } {
  const match = /^(arn:[^:]+:states:[^:]*:[^:]*:stateMachine:[^:]+):([A-Za-z0-9_-]+)$/.exec(arn);
  return match ? { stateMachineArn: match[1], qualifier: match[2] } : { stateMachineArn: arn };
}
