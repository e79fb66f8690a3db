import { ResourceValidationPolicy } from "@pulumi/policy";
import { forTypes } from "../lib";

/** An AWS-managed policy ARN in any partition, with an optional path; group 1 is the policy's name. */
const AWS_MANAGED = /^arn:aws[a-z-]*:iam::aws:policy\/(?:.*\/)?([^/]+)$/;

/**
 * The policy's name if `arn` is an elevated AWS-managed policy: AdministratorAccess (and its AdministratorAccess-*
 * variants), PowerUserAccess, IAMFullAccess, or any service's *FullAccess (with versioned names such as
 * CloudWatchFullAccessV2 and AmazonDynamoDBFullAccess_v2).
 */
function elevatedManagedPolicy(arn: string): string | undefined {
  const name = AWS_MANAGED.exec(arn)?.[1];
  if (!name) return undefined;
  return /^AdministratorAccess($|-)|^PowerUserAccess$|FullAccess/i.test(name) ? name : undefined;
}

/**
 * Checks whether a role is given an elevated AWS-managed policy, by attachment or in its managedPolicyArns.
 * @see https://docs.aws.amazon.com/IAM/latest/UserGuide/access_policies_managed-vs-inline.html#aws-managed-policies
 * @see https://docs.aws.amazon.com/IAM/latest/UserGuide/best-practices.html#bp-use-aws-defined-policies
 */
export const iamNoElevatedManaged: ResourceValidationPolicy = {
  name: "iam-no-elevated-managed",
  description: "Checks whether a role or policy attachment uses the AWS-managed AdministratorAccess, PowerUserAccess, IAMFullAccess or another *FullAccess policy.",
  severity: "critical",
  remediationSteps: "Detach the AWS-managed policy and grant the actions the role needs, on the resources it uses, in its own policy.",
  url: "https://docs.aws.amazon.com/IAM/latest/UserGuide/best-practices.html#grant-least-privilege",
  validateResource: forTypes(["aws:iam/rolePolicyAttachment:RolePolicyAttachment", "aws:iam/policyAttachment:PolicyAttachment", "aws:iam/role:Role"], {}, (props, _config, report, args) => {
    const field = args.type === "aws:iam/role:Role" ? "managedPolicyArns" : "policyArn";
    const arns: unknown[] = field === "policyArn" ? [props.policyArn] : Array.isArray(props.managedPolicyArns) ? props.managedPolicyArns : [];
    for (const arn of arns) {
      const name = typeof arn === "string" ? elevatedManagedPolicy(arn) : undefined;
      if (name) report(`Remove the AWS-managed policy ${name} from ${field} (${arn}); grant the actions needed in the role's own policy.`);
    }
  }),
};
