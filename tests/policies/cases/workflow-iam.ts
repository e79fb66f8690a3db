import { iamNoElevatedManaged } from "../../../policies/rules/iam-no-elevated-managed";
import { iamNoNotElements } from "../../../policies/rules/iam-no-not-elements";
import { iamNoServiceWildcard } from "../../../policies/rules/iam-no-service-wildcard";
import { iamNoStarResource } from "../../../policies/rules/iam-no-star-resource";
import { iamTrustNoPublic } from "../../../policies/rules/iam-trust-no-public";
import { sfnCmkEncryption } from "../../../policies/rules/sfn-cmk-encryption";
import { sfnExecutionData } from "../../../policies/rules/sfn-execution-data";
import { sfnXrayTracing } from "../../../policies/rules/sfn-xray-tracing";
import { logDeliveryStatement, xrayStatement } from "../../../infra/iam/service";
import { FakeResource } from "../harness";
import { Case, MACHINE, ROLE_POLICY, TRUST, with_ } from "./core";

/** A state machine as the prod stack registers it (definition left out). */
const PROD_MACHINE: FakeResource = {
  type: "aws:sfn/stateMachine:StateMachine",
  props: {
    name: "statecraft-prod-credit-approval",
    type: "STANDARD",
    roleArn: "arn:aws:iam::222222222222:role/statecraft-prod-credit-approval-role",
    loggingConfiguration: { includeExecutionData: false, level: "ERROR", logDestination: "arn:aws:logs:eu-west-1:222222222222:log-group:/aws/vendedlogs/states/prod-credit-approval:*" },
    tracingConfiguration: { enabled: true },
    encryptionConfiguration: { type: "CUSTOMER_MANAGED_KMS_KEY", kmsKeyId: "arn:aws:kms:eu-west-1:222222222222:key/e7539098-1221-4acc-afa9-75cd11ebea28", kmsDataKeyReusePeriodSeconds: 300 },
  },
};
/** The same machine as dev registers it. */
const DEV_MACHINE = with_(PROD_MACHINE, {
  loggingConfiguration: { includeExecutionData: true, level: "ALL", logDestination: "arn:aws:logs:eu-west-1:111111111111:log-group:/aws/vendedlogs/states/dev-credit-approval:*" },
  tracingConfiguration: { enabled: false },
  encryptionConfiguration: { type: "AWS_OWNED_KEY" },
});

/** A policy document of the given statements, as a JSON string (as the platform renders it) or an object. */
const policyOf = (type: string, statements: Record<string, unknown>[], asString = true): FakeResource => {
  const document = { Version: "2012-10-17", Statement: statements };
  return { type, props: { role: "r", policy: asString ? JSON.stringify(document) : document } };
};
const RP = "aws:iam/rolePolicy:RolePolicy";
const MANAGED = "aws:iam/policy:Policy";
/** A prod execution role's policy: scoped Task grants, then log delivery and X-Ray merged on `*`. */
const EXECUTION_POLICY = policyOf(RP, [
  { Effect: "Allow", Action: ["dynamodb:Scan"], Resource: ["arn:aws:dynamodb:eu-west-1:222222222222:table/statecraft-prod-credit-bureaus"] },
  { Effect: "Allow", Action: [...logDeliveryStatement().Action, ...xrayStatement().Action], Resource: ["*"] },
]);
/** A Task grant of an action IAM cannot scope (Comprehend), on `*`. */
const UNSCOPED_TASK = policyOf(RP, [{ Effect: "Allow", Action: ["comprehend:DetectSentiment", "cloudwatch:PutMetricData"], Resource: "*" }]);

/** A role with the given trust statement(s) (object or JSON string). */
const ROLE = (statements: Record<string, unknown>[], asString = true, props: Record<string, unknown> = {}): FakeResource => {
  const document = { Version: "2012-10-17", Statement: statements };
  return { type: "aws:iam/role:Role", props: { assumeRolePolicy: asString ? JSON.stringify(document) : document, ...props } };
};
const LAMBDA_TRUST = { Effect: "Allow", Principal: { Service: "lambda.amazonaws.com" }, Action: ["sts:AssumeRole"] };
const ATTACHMENT = (policyArn: string): FakeResource => ({ type: "aws:iam/rolePolicyAttachment:RolePolicyAttachment", props: { role: "r", policyArn } });

/** Passing and violating cases of the resource rules in this group, keyed by rule name. */
export const WORKFLOW_IAM_CASES: Record<string, Case[]> = {
  "sfn-execution-data": [
    { policy: sfnExecutionData, resource: PROD_MACHINE, violations: [] },
    { policy: sfnExecutionData, resource: with_(MACHINE, { loggingConfiguration: undefined }), violations: [] },
    { policy: sfnExecutionData, resource: DEV_MACHINE, violations: ["Set loggingConfiguration.includeExecutionData to false; it is true."] },
    { policy: sfnExecutionData, resource: DEV_MACHINE, config: { includeExecutionData: "on" }, violations: [] },
    { policy: sfnExecutionData, resource: PROD_MACHINE, config: { includeExecutionData: "on" }, violations: ["Set loggingConfiguration.includeExecutionData to true; it is false."] },
    { policy: sfnExecutionData, resource: with_(MACHINE, { loggingConfiguration: { level: "ALL" } }), config: { includeExecutionData: "on" }, violations: ["to true; it is null."] },
    { policy: sfnExecutionData, resource: DEV_MACHINE, config: { includeExecutionData: "any" }, violations: [] },
    { policy: sfnExecutionData, resource: PROD_MACHINE, config: { includeExecutionData: "any", enforcementLevel: "mandatory" }, violations: [] },
  ],
  "sfn-xray-tracing": [
    { policy: sfnXrayTracing, resource: PROD_MACHINE, violations: [] },
    { policy: sfnXrayTracing, resource: DEV_MACHINE, violations: ["Set tracingConfiguration.enabled to true; it is false."] },
    { policy: sfnXrayTracing, resource: MACHINE, violations: ["Set tracingConfiguration.enabled to true; it is null."] },
  ],
  "sfn-cmk-encryption": [
    { policy: sfnCmkEncryption, resource: PROD_MACHINE, violations: [] },
    { policy: sfnCmkEncryption, resource: DEV_MACHINE, violations: ["Set encryptionConfiguration.type to CUSTOMER_MANAGED_KMS_KEY, with a kmsKeyId; it is AWS_OWNED_KEY."] },
    { policy: sfnCmkEncryption, resource: MACHINE, violations: ["it is unset (AWS_OWNED_KEY)."] },
    {
      policy: sfnCmkEncryption,
      resource: with_(PROD_MACHINE, { encryptionConfiguration: { type: "CUSTOMER_MANAGED_KMS_KEY" } }),
      violations: ["Set encryptionConfiguration.kmsKeyId to the customer-managed key; it is null."],
    },
  ],
  "iam-no-service-wildcard": [
    { policy: iamNoServiceWildcard, resource: EXECUTION_POLICY, violations: [] },
    { policy: iamNoServiceWildcard, resource: ROLE_POLICY({ Action: ["dynamodb:Get*", "dynamodb:PutItem"] }), violations: [] },
    { policy: iamNoServiceWildcard, resource: ROLE_POLICY({ Action: ["s3:*", "S3:GetObject"] }), violations: ['Replace Action "s3:*" in Statement[0] with the s3 actions the role needs.'] },
    { policy: iamNoServiceWildcard, resource: ROLE_POLICY({ Action: "DynamoDB:*" }, false), violations: ['Replace Action "DynamoDB:*" in Statement[0]'] },
    { policy: iamNoServiceWildcard, resource: policyOf(MANAGED, [{ Effect: "Allow", Action: ["lambda:*", "sns:*"], Resource: "*" }], false), violations: ['"lambda:*"', '"sns:*"'] },
    // iam-no-star-action's case, and a Deny: not reported here.
    { policy: iamNoServiceWildcard, resource: ROLE_POLICY({ Action: "*" }), violations: [] },
    { policy: iamNoServiceWildcard, resource: ROLE_POLICY({ Effect: "Deny", Action: ["iam:*"] }), violations: [] },
  ],
  "iam-no-star-resource": [
    { policy: iamNoStarResource, resource: EXECUTION_POLICY, violations: [] },
    { policy: iamNoStarResource, resource: UNSCOPED_TASK, violations: [] },
    { policy: iamNoStarResource, resource: ROLE_POLICY({}), violations: [] },
    { policy: iamNoStarResource, resource: ROLE_POLICY({ Action: ["iam:PassRole"], Resource: ["*"] }), violations: [] },
    // A task-token answer has no resource type: "*" is the only Resource that matches it (the approval callback's role).
    { policy: iamNoStarResource, resource: ROLE_POLICY({ Action: ["states:SendTaskFailure", "states:SendTaskSuccess"], Resource: ["*"] }), violations: [] },
    {
      policy: iamNoStarResource,
      resource: ROLE_POLICY({ Action: ["dynamodb:Scan", "xray:PutTraceSegments", "sns:Publish"], Resource: ["*"] }),
      violations: ['Name the resources of dynamodb:Scan, sns:Publish in Statement[0] instead of Resource "*"'],
    },
    {
      policy: iamNoStarResource,
      resource: policyOf(MANAGED, [{ Effect: "Allow", Action: "s3:GetObject", Resource: "arn:aws:s3:::b/*" }, { Effect: "Allow", Action: "s3:GetObject", Resource: "*" }], false),
      violations: ["Name the resources of s3:GetObject in Statement[1]"],
    },
    // A wildcard action only if it is listed literally: xray:Put* covers listed actions, and more.
    { policy: iamNoStarResource, resource: ROLE_POLICY({ Action: ["xray:Put*", "logs:*"], Resource: "*" }), violations: ["Name the resources of xray:Put*, logs:* in Statement[0]"] },
    { policy: iamNoStarResource, resource: ROLE_POLICY({ Action: ["xray:*"], Resource: "*" }), config: { allowedActionsOnStar: ["xray:*"] }, violations: [] },
    { policy: iamNoStarResource, resource: ROLE_POLICY({ Action: ["xray:PutTraceSegments"], Resource: "*" }), config: { allowedActionsOnStar: ["xray:*"] }, violations: [] },
    { policy: iamNoStarResource, resource: UNSCOPED_TASK, config: { allowedActionsOnStar: ["comprehend:DetectSentiment"] }, violations: ["Name the resources of cloudwatch:PutMetricData in Statement[0]"] },
    // iam-no-admin's case, and a Deny: not reported here.
    { policy: iamNoStarResource, resource: ROLE_POLICY({ Action: "*", Resource: "*" }), violations: [] },
    { policy: iamNoStarResource, resource: ROLE_POLICY({ Effect: "Deny", Action: "s3:DeleteBucket", Resource: "*" }), violations: [] },
  ],
  "iam-no-not-elements": [
    { policy: iamNoNotElements, resource: EXECUTION_POLICY, violations: [] },
    { policy: iamNoNotElements, resource: TRUST({ StringEquals: { "aws:SourceAccount": "222222222222" } }), violations: [] },
    { policy: iamNoNotElements, resource: ROLE_POLICY({ Effect: "Deny", Action: undefined, NotAction: ["s3:GetObject"], Resource: "*" }), violations: [] },
    { policy: iamNoNotElements, resource: ROLE_POLICY({ Action: undefined, NotAction: "iam:*", Resource: "*" }), violations: ['Replace NotAction ["iam:*"] in policy Statement[0] with Action'] },
    {
      policy: iamNoNotElements,
      resource: policyOf(MANAGED, [{ Effect: "Allow", Action: "s3:GetObject", NotResource: ["arn:aws:s3:::secrets/*"] }], false),
      violations: ['Replace NotResource ["arn:aws:s3:::secrets/*"] in policy Statement[0] with Resource'],
    },
    {
      policy: iamNoNotElements,
      resource: ROLE([{ Effect: "Allow", NotPrincipal: { AWS: "arn:aws:iam::333333333333:root" }, Action: "sts:AssumeRole" }]),
      violations: ['Replace NotPrincipal {"AWS":"arn:aws:iam::333333333333:root"} in assumeRolePolicy Statement[0] with Principal'],
    },
    { policy: iamNoNotElements, resource: ROLE([LAMBDA_TRUST, { Effect: "Deny", NotPrincipal: { Service: "lambda.amazonaws.com" }, Action: "sts:AssumeRole" }], false), violations: [] },
  ],
  "iam-no-elevated-managed": [
    { policy: iamNoElevatedManaged, resource: ROLE([LAMBDA_TRUST]), violations: [] },
    { policy: iamNoElevatedManaged, resource: ATTACHMENT("arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole"), violations: [] },
    { policy: iamNoElevatedManaged, resource: ATTACHMENT("arn:aws:iam::111111111111:policy/AdministratorAccess"), violations: [] },
    { policy: iamNoElevatedManaged, resource: ATTACHMENT("arn:aws:iam::aws:policy/AdministratorAccess"), violations: ["Remove the AWS-managed policy AdministratorAccess from policyArn (arn:aws:iam::aws:policy/AdministratorAccess)"] },
    { policy: iamNoElevatedManaged, resource: ATTACHMENT("arn:aws-us-gov:iam::aws:policy/PowerUserAccess"), violations: ["policy PowerUserAccess from policyArn"] },
    { policy: iamNoElevatedManaged, resource: ATTACHMENT("arn:aws:iam::aws:policy/IAMFullAccess"), violations: ["policy IAMFullAccess from policyArn"] },
    { policy: iamNoElevatedManaged, resource: ATTACHMENT("arn:aws-cn:iam::aws:policy/job-function/AWSStepFunctionsFullAccess"), violations: ["policy AWSStepFunctionsFullAccess from policyArn"] },
    {
      policy: iamNoElevatedManaged,
      resource: { type: "aws:iam/policyAttachment:PolicyAttachment", props: { roles: ["r"], policyArn: "arn:aws:iam::aws:policy/AmazonDynamoDBFullAccess_v2" } },
      violations: ["policy AmazonDynamoDBFullAccess_v2 from policyArn"],
    },
    {
      policy: iamNoElevatedManaged,
      resource: ROLE([LAMBDA_TRUST], true, {
        managedPolicyArns: ["arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess", "arn:aws:iam::aws:policy/AmazonS3FullAccess", "arn:aws:iam::aws:policy/AdministratorAccess-Amplify"],
      }),
      violations: ["policy AmazonS3FullAccess from managedPolicyArns", "policy AdministratorAccess-Amplify from managedPolicyArns"],
    },
  ],
  "iam-trust-no-public": [
    { policy: iamTrustNoPublic, resource: TRUST({ StringEquals: { "aws:SourceAccount": "222222222222" } }), violations: [] },
    { policy: iamTrustNoPublic, resource: ROLE([LAMBDA_TRUST], false), violations: [] },
    { policy: iamTrustNoPublic, resource: ROLE([{ ...LAMBDA_TRUST, Principal: "*" }]), violations: ['Replace Principal "*" in assumeRolePolicy Statement[0]'] },
    {
      policy: iamTrustNoPublic,
      resource: ROLE([LAMBDA_TRUST, { Effect: "Allow", Principal: { AWS: ["arn:aws:iam::333333333333:root", "*"] }, Action: "sts:AssumeRole" }], false),
      violations: ['Replace Principal {"AWS": "*"} in assumeRolePolicy Statement[1]'],
    },
    { policy: iamTrustNoPublic, resource: ROLE([{ ...LAMBDA_TRUST, Action: "sts:*" }]), violations: ['Replace Action "sts:*" in assumeRolePolicy Statement[0] with the STS action'] },
    { policy: iamTrustNoPublic, resource: ROLE([{ ...LAMBDA_TRUST, Principal: { AWS: "*" }, Action: ["*"] }], false), violations: ['Principal {"AWS": "*"}', 'Replace Action "*"'] },
    { policy: iamTrustNoPublic, resource: ROLE([{ Effect: "Deny", Principal: "*", Action: "sts:*" }]), violations: [] },
  ],
};
