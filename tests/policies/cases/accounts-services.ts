import { apigwStageLogsThrottling } from "../../../policies/rules/apigw-stage-logs-throttling";
import { lambdaPermInvokeOnly } from "../../../policies/rules/lambda-perm-invoke-only";
import { lambdaPermSourceScoped } from "../../../policies/rules/lambda-perm-source-scoped";
import { lambdaTracing } from "../../../policies/rules/lambda-tracing";
import { logsRetention } from "../../../policies/rules/logs-retention";
import { snsPolicyRestricted } from "../../../policies/rules/sns-policy-restricted";
import { snsTopicKms } from "../../../policies/rules/sns-topic-kms";
import { xacctAllowlist } from "../../../policies/rules/xacct-allowlist";
import { xacctTrustConditions } from "../../../policies/rules/xacct-trust-conditions";
import { FakeResource } from "../harness";
import { Case, TRUST, with_ } from "./core";

/** The platform's account (prod), a consumer account that starts loan intakes, an unknown account, the organization. */
const HOME = "222222222222";
const CONSUMER = "333333333333";
const STRANGER = "444444444444";
const ORG = "o-a1b2c3d4e5";
const CONSUMER_ROLE = `arn:aws:iam::${CONSUMER}:role/loan-intake-role`;
const EXTERNAL_ID = { StringEquals: { "sts:ExternalId": "loan-intake-7f3a" } };
const IN_ORG = { StringEquals: { "aws:PrincipalOrgID": ORG } };
const CONSUMER_ROOT = `arn:aws:iam::${CONSUMER}:root`;
/** The consumer's root, pinned to its intake role with aws:PrincipalArn (the role need not exist yet). */
const PINNED = { ...EXTERNAL_ID, ArnEquals: { "aws:PrincipalArn": [CONSUMER_ROLE] } };

/** A role whose trust has the given statements, as a JSON string (or an object). */
const ROLE = (statements: Record<string, unknown>[], asString = true): FakeResource => {
  const document = { Version: "2012-10-17", Statement: statements.map((s) => ({ Effect: "Allow", Action: "sts:AssumeRole", ...s })) };
  return { type: "aws:iam/role:Role", props: { name: "statecraft-prod-loan-intake-starter", assumeRolePolicy: asString ? JSON.stringify(document) : document } };
};

const TOPIC_ARN = `arn:aws:sns:eu-west-1:${HOME}:statecraft-prod-credit-approval-requests`;
/** A topic policy with the given statements, as a JSON string (or an object). */
const TOPIC_POLICY = (statements: Record<string, unknown>[], asString = true): FakeResource => {
  const document = { Version: "2012-10-17", Statement: statements.map((s) => ({ Effect: "Allow", Action: ["sns:Publish"], Resource: TOPIC_ARN, ...s })) };
  return { type: "aws:sns/topicPolicy:TopicPolicy", props: { arn: TOPIC_ARN, policy: asString ? JSON.stringify(document) : document } };
};

const TABLE_ARN = `arn:aws:dynamodb:eu-west-1:${HOME}:table/statecraft-prod-orders`;
const TABLE_POLICY = (statements: Record<string, unknown>[]): FakeResource => ({
  type: "aws:dynamodb/resourcePolicy:ResourcePolicy",
  props: { resourceArn: TABLE_ARN, policy: JSON.stringify({ Version: "2012-10-17", Statement: statements.map((s) => ({ Effect: "Allow", Action: ["dynamodb:GetItem"], Resource: TABLE_ARN, ...s })) }) },
});

/** A Lambda permission as the platform would register one for an SNS subscription. */
const PERMISSION: FakeResource = {
  type: "aws:lambda/permission:Permission",
  props: {
    function: "statecraft-prod-approval-callback",
    action: "lambda:InvokeFunction",
    principal: "sns.amazonaws.com",
    sourceArn: TOPIC_ARN,
    sourceAccount: HOME,
    statementId: "AllowApprovalTopic",
  },
};

const FUNCTION: FakeResource = {
  type: "aws:lambda/function:Function",
  props: { name: "statecraft-prod-credit-limit", runtime: "nodejs22.x", handler: "index.handler", tracingConfig: { mode: "Active" } },
};

const KEY = `arn:aws:kms:eu-west-1:${HOME}:key/e7539098-1221-4acc-afa9-75cd11ebea28`;
const TOPIC: FakeResource = { type: "aws:sns/topic:Topic", props: { name: "statecraft-prod-credit-approval-requests", kmsMasterKeyId: KEY } };
const LOG_GROUP: FakeResource = { type: "aws:cloudwatch/logGroup:LogGroup", props: { name: "/aws/lambda/statecraft-prod-credit-limit", retentionInDays: 365, kmsKeyId: KEY } };

/** An HTTP API's `$default` stage as the platform registers it: access logs to its log group, throttled. */
const STAGE_LOGS = `arn:aws:logs:eu-west-1:${HOME}:log-group:/aws/vendedlogs/apigateway/prod-approvals`;
const STAGE: FakeResource = {
  type: "aws:apigatewayv2/stage:Stage",
  props: {
    apiId: "a1b2c3d4e5",
    name: "$default",
    autoDeploy: true,
    accessLogSettings: { destinationArn: STAGE_LOGS, format: '{"requestId":"$context.requestId","status":"$context.status"}' },
    defaultRouteSettings: { throttlingRateLimit: 5, throttlingBurstLimit: 10 },
  },
};

/** Passing and violating cases of the resource rules in this group, keyed by rule name. */
export const ACCOUNT_SERVICE_CASES: Record<string, Case[]> = {
  "xacct-trust-conditions": [
    // The consumer account's intake role, with an external id.
    { policy: xacctTrustConditions, resource: ROLE([{ Principal: { AWS: CONSUMER_ROLE }, Condition: EXTERNAL_ID }]), violations: [] },
    { policy: xacctTrustConditions, resource: ROLE([{ Principal: { AWS: [CONSUMER_ROLE] }, Condition: EXTERNAL_ID }], false), violations: [] },
    // Condition keys are case-insensitive, under any operator.
    { policy: xacctTrustConditions, resource: ROLE([{ Principal: { AWS: CONSUMER_ROLE }, Condition: { StringLike: { "STS:externalid": "loan-*" } } }]), violations: [] },
    // A whole account of the organization, pinned with aws:PrincipalOrgID.
    { policy: xacctTrustConditions, resource: ROLE([{ Principal: { AWS: `arn:aws:iam::${CONSUMER}:root` }, Condition: IN_ORG }]), violations: [] },
    { policy: xacctTrustConditions, resource: ROLE([{ Principal: { AWS: CONSUMER }, Condition: { "ForAnyValue:StringEquals": { "aws:principalorgid": [ORG] } } }]), violations: [] },
    // A whole account, its roles pinned with aws:PrincipalArn under any Arn or String operator (keys case-insensitive).
    { policy: xacctTrustConditions, resource: ROLE([{ Principal: { AWS: [CONSUMER_ROOT] }, Condition: PINNED }]), violations: [] },
    { policy: xacctTrustConditions, resource: ROLE([{ Principal: { AWS: CONSUMER }, Condition: { ...EXTERNAL_ID, ArnLike: { "AWS:principalarn": `arn:aws:iam::${CONSUMER}:role/loan-*` } } }], false), violations: [] },
    { policy: xacctTrustConditions, resource: ROLE([{ Principal: { AWS: CONSUMER_ROOT }, Condition: { StringEquals: { "sts:ExternalId": "loan-intake-7f3a", "aws:PrincipalArn": CONSUMER_ROLE } } }]), violations: [] },
    {
      policy: xacctTrustConditions,
      resource: ROLE([{ Principal: { AWS: [CONSUMER_ROOT, `arn:aws:iam::${STRANGER}:root`] }, Condition: { ...EXTERNAL_ID, ArnEquals: { "aws:PrincipalArn": [CONSUMER_ROLE, `arn:aws:iam::${STRANGER}:user/auditor`] } } }]),
      violations: [],
    },
    // Services and the stack's own accounts are not cross-account; a Deny grants nothing; `*` is the public-trust rule's.
    { policy: xacctTrustConditions, resource: TRUST({ StringEquals: { "aws:SourceAccount": HOME } }), violations: [] },
    { policy: xacctTrustConditions, resource: ROLE([{ Principal: { AWS: `arn:aws:iam::${HOME}:root` } }]), config: { homeAccountIds: [HOME] }, violations: [] },
    { policy: xacctTrustConditions, resource: ROLE([{ Effect: "Deny", Principal: { AWS: `arn:aws:iam::${STRANGER}:root` } }]), violations: [] },
    { policy: xacctTrustConditions, resource: ROLE([{ Principal: "*" }]), violations: [] },
    // The same trust without homeAccountIds: the account is someone else's.
    {
      policy: xacctTrustConditions,
      resource: ROLE([{ Principal: { AWS: `arn:aws:iam::${HOME}:root` } }]),
      violations: [`instead of arn:aws:iam::${HOME}:root in assumeRolePolicy Statement[0]`, "Add an sts:ExternalId or aws:PrincipalOrgID condition to assumeRolePolicy Statement[0]"],
    },
    // (a) a whole account, even with an external id.
    {
      policy: xacctTrustConditions,
      resource: ROLE([{ Principal: { AWS: `arn:aws:iam::${CONSUMER}:root` }, Condition: EXTERNAL_ID }]),
      config: { homeAccountIds: [HOME] },
      violations: [
        `Name the roles or users of account ${CONSUMER} that assume the role instead of arn:aws:iam::${CONSUMER}:root in assumeRolePolicy Statement[0], or pin them with an aws:PrincipalArn condition (or the organization with aws:PrincipalOrgID).`,
      ],
    },
    { policy: xacctTrustConditions, resource: ROLE([{ Principal: { AWS: [CONSUMER] }, Condition: EXTERNAL_ID }], false), config: { homeAccountIds: [HOME] }, violations: [`instead of ${CONSUMER} in assumeRolePolicy Statement[0]`] },
    { policy: xacctTrustConditions, resource: ROLE([{ Principal: { AWS: `arn:aws-cn:iam::${CONSUMER}:root` }, Condition: EXTERNAL_ID }]), violations: [`instead of arn:aws-cn:iam::${CONSUMER}:root`] },
    // (a') a whole account whose aws:PrincipalArn names no role or user of it: another account's, the account
    // itself, all of its roles; or pins nothing (a Not operator).
    {
      policy: xacctTrustConditions,
      resource: ROLE([{ Principal: { AWS: CONSUMER_ROOT }, Condition: { ...EXTERNAL_ID, ArnEquals: { "aws:PrincipalArn": [`arn:aws:iam::${STRANGER}:role/loan-intake-role`] } } }]),
      config: { homeAccountIds: [HOME] },
      violations: [
        `Name roles or users of account ${CONSUMER} in the aws:PrincipalArn condition of assumeRolePolicy Statement[0], which lets ${CONSUMER_ROOT} assume the role; it names arn:aws:iam::${STRANGER}:role/loan-intake-role.`,
      ],
    },
    {
      policy: xacctTrustConditions,
      resource: ROLE([{ Principal: { AWS: [CONSUMER_ROOT, `arn:aws:iam::${STRANGER}:root`] }, Condition: PINNED }]),
      violations: [`Name roles or users of account ${STRANGER} in the aws:PrincipalArn condition of assumeRolePolicy Statement[0], which lets arn:aws:iam::${STRANGER}:root assume the role; it names ${CONSUMER_ROLE}.`],
    },
    { policy: xacctTrustConditions, resource: ROLE([{ Principal: { AWS: CONSUMER }, Condition: { ...EXTERNAL_ID, ArnLike: { "aws:PrincipalArn": CONSUMER_ROOT } } }]), violations: [`in the aws:PrincipalArn condition of assumeRolePolicy Statement[0], which lets ${CONSUMER} assume the role; it names ${CONSUMER_ROOT}.`] },
    { policy: xacctTrustConditions, resource: ROLE([{ Principal: { AWS: CONSUMER_ROOT }, Condition: { ...EXTERNAL_ID, ArnLike: { "aws:PrincipalArn": `arn:aws:iam::${CONSUMER}:role/*` } } }]), violations: [`it names arn:aws:iam::${CONSUMER}:role/*.`] },
    {
      policy: xacctTrustConditions,
      resource: ROLE([{ Principal: { AWS: CONSUMER_ROOT }, Condition: { ...EXTERNAL_ID, ArnNotEquals: { "aws:PrincipalArn": CONSUMER_ROLE } } }]),
      violations: [`instead of ${CONSUMER_ROOT} in assumeRolePolicy Statement[0], or pin them with an aws:PrincipalArn condition`],
    },
    // Pinned, but without an external id: only the condition is missing.
    {
      policy: xacctTrustConditions,
      resource: ROLE([{ Principal: { AWS: CONSUMER_ROOT }, Condition: { ArnEquals: { "aws:PrincipalArn": CONSUMER_ROLE } } }]),
      violations: [`Add an sts:ExternalId or aws:PrincipalOrgID condition to assumeRolePolicy Statement[0], which lets ${CONSUMER_ROOT} assume the role unconditionally.`],
    },
    // (b) a named role, without a condition.
    {
      policy: xacctTrustConditions,
      resource: ROLE([{ Principal: { AWS: CONSUMER_ROLE } }]),
      config: { homeAccountIds: [HOME] },
      violations: [`Add an sts:ExternalId or aws:PrincipalOrgID condition to assumeRolePolicy Statement[0], which lets ${CONSUMER_ROLE} assume the role unconditionally.`],
    },
    // A condition on another key does not count.
    { policy: xacctTrustConditions, resource: ROLE([{ Principal: { AWS: CONSUMER_ROLE }, Condition: { StringEquals: { "aws:SourceAccount": CONSUMER } } }]), violations: ["Add an sts:ExternalId or aws:PrincipalOrgID condition"] },
    // Both parts missing, each reported; the statement index is the offending one's; the home principal is not named.
    {
      policy: xacctTrustConditions,
      resource: ROLE([{ Principal: { Service: "lambda.amazonaws.com" } }, { Principal: { AWS: [`arn:aws:iam::${HOME}:role/ops`, `arn:aws:iam::${STRANGER}:root`] } }]),
      config: { homeAccountIds: [HOME] },
      violations: [`instead of arn:aws:iam::${STRANGER}:root in assumeRolePolicy Statement[1]`, `condition to assumeRolePolicy Statement[1], which lets arn:aws:iam::${STRANGER}:root assume`],
    },
  ],
  "xacct-allowlist": [
    { policy: xacctAllowlist, resource: ROLE([{ Principal: { AWS: CONSUMER_ROLE }, Condition: EXTERNAL_ID }]), config: { allowedAccountIds: [HOME, CONSUMER] }, violations: [] },
    { policy: xacctAllowlist, resource: ROLE([{ Principal: { AWS: [`arn:aws:iam::${CONSUMER}:root`] }, Condition: IN_ORG }], false), config: { allowedAccountIds: [CONSUMER] }, violations: [] },
    // Service principals and `*` name no account (the public-access rules own `*`); a Deny grants nothing.
    { policy: xacctAllowlist, resource: TRUST({ StringEquals: { "aws:SourceAccount": HOME } }), violations: [] },
    { policy: xacctAllowlist, resource: TOPIC_POLICY([{ Principal: { AWS: "*" }, Condition: { StringEquals: { "aws:PrincipalOrgID": ORG } } }]), violations: [] },
    { policy: xacctAllowlist, resource: ROLE([{ Effect: "Deny", Principal: { AWS: STRANGER } }]), violations: [] },
    // The default allow-list is empty: every account principal violates, the home account's too.
    { policy: xacctAllowlist, resource: ROLE([{ Principal: { AWS: CONSUMER_ROLE }, Condition: EXTERNAL_ID }]), violations: [`Remove account ${CONSUMER} from assumeRolePolicy Statement[0] (${CONSUMER_ROLE}), or add it to allowedAccountIds.`] },
    {
      policy: xacctAllowlist,
      resource: ROLE([{ Principal: { AWS: CONSUMER_ROLE }, Condition: EXTERNAL_ID }, { Principal: { AWS: [STRANGER, `arn:aws:sts::${STRANGER}:assumed-role/x/y`, CONSUMER_ROLE] } }], false),
      config: { allowedAccountIds: [CONSUMER] },
      violations: [`Remove account ${STRANGER} from assumeRolePolicy Statement[1] (${STRANGER}, arn:aws:sts::${STRANGER}:assumed-role/x/y)`],
    },
    { policy: xacctAllowlist, resource: ROLE([{ Principal: { Federated: `arn:aws:iam::${STRANGER}:saml-provider/corp` }, Action: "sts:AssumeRoleWithSAML" }]), config: { allowedAccountIds: [HOME] }, violations: [`Remove account ${STRANGER} from assumeRolePolicy Statement[0]`] },
    // Topic policies, as a string or an object.
    { policy: xacctAllowlist, resource: TOPIC_POLICY([{ Principal: { AWS: CONSUMER_ROLE } }]), config: { allowedAccountIds: [CONSUMER] }, violations: [] },
    { policy: xacctAllowlist, resource: TOPIC_POLICY([{ Principal: { AWS: `arn:aws:iam::${STRANGER}:root` } }]), config: { allowedAccountIds: [CONSUMER] }, violations: [`Remove account ${STRANGER} from policy Statement[0] (arn:aws:iam::${STRANGER}:root)`] },
    { policy: xacctAllowlist, resource: TOPIC_POLICY([{ Principal: { Service: "events.amazonaws.com" } }, { Principal: { AWS: STRANGER } }], false), config: { allowedAccountIds: [CONSUMER] }, violations: [`Remove account ${STRANGER} from policy Statement[1]`] },
    // A topic's own policy, when set.
    { policy: xacctAllowlist, resource: with_(TOPIC, { policy: JSON.stringify({ Statement: { Effect: "Allow", Principal: { AWS: STRANGER }, Action: "sns:Subscribe", Resource: TOPIC_ARN } }) }), violations: [`Remove account ${STRANGER} from policy Statement[0]`] },
    { policy: xacctAllowlist, resource: TOPIC, violations: [] },
    // DynamoDB resource policies.
    { policy: xacctAllowlist, resource: TABLE_POLICY([{ Principal: { AWS: CONSUMER_ROLE } }]), config: { allowedAccountIds: [CONSUMER] }, violations: [] },
    { policy: xacctAllowlist, resource: TABLE_POLICY([{ Principal: { AWS: `arn:aws:iam::${STRANGER}:role/reader` } }]), config: { allowedAccountIds: [CONSUMER] }, violations: [`Remove account ${STRANGER} from policy Statement[0] (arn:aws:iam::${STRANGER}:role/reader)`] },
    // Lambda permissions: an account id or an ARN, never `*` or a service.
    { policy: xacctAllowlist, resource: with_(PERMISSION, { principal: CONSUMER, sourceArn: undefined, sourceAccount: undefined }), config: { allowedAccountIds: [CONSUMER] }, violations: [] },
    { policy: xacctAllowlist, resource: PERMISSION, violations: [] },
    { policy: xacctAllowlist, resource: with_(PERMISSION, { principal: "*" }), violations: [] },
    { policy: xacctAllowlist, resource: with_(PERMISSION, { principal: STRANGER }), config: { allowedAccountIds: [CONSUMER] }, violations: [`Remove account ${STRANGER} from principal of statement AllowApprovalTopic (${STRANGER}), or add it to allowedAccountIds.`] },
    { policy: xacctAllowlist, resource: with_(PERMISSION, { principal: `arn:aws:iam::${STRANGER}:role/invoker`, statementId: undefined }), violations: [`Remove account ${STRANGER} from principal (arn:aws:iam::${STRANGER}:role/invoker)`] },
  ],
  "lambda-perm-source-scoped": [
    { policy: lambdaPermSourceScoped, resource: PERMISSION, violations: [] },
    { policy: lambdaPermSourceScoped, resource: PERMISSION, config: { requireSourceArn: true }, violations: [] },
    { policy: lambdaPermSourceScoped, resource: with_(PERMISSION, { sourceArn: undefined }), violations: [] },
    { policy: lambdaPermSourceScoped, resource: with_(PERMISSION, { sourceAccount: undefined }), violations: [] },
    // Not a service principal: an account (the allow-list's) or `*` (lambda-perm-no-public's).
    { policy: lambdaPermSourceScoped, resource: with_(PERMISSION, { principal: CONSUMER, sourceArn: undefined, sourceAccount: undefined }), violations: [] },
    { policy: lambdaPermSourceScoped, resource: with_(PERMISSION, { principal: "*", sourceArn: undefined, sourceAccount: undefined }), violations: [] },
    { policy: lambdaPermSourceScoped, resource: with_(PERMISSION, { sourceArn: undefined, sourceAccount: undefined }), violations: ["Set sourceArn or sourceAccount on this permission for sns.amazonaws.com; neither is set."] },
    { policy: lambdaPermSourceScoped, resource: with_(PERMISSION, { principal: "events.amazonaws.com.cn", sourceArn: undefined, sourceAccount: undefined }), violations: ["for events.amazonaws.com.cn; neither is set"] },
    {
      policy: lambdaPermSourceScoped,
      resource: with_(PERMISSION, { sourceArn: undefined }),
      config: { requireSourceArn: true },
      violations: [`Set sourceArn to the resource that invokes the function through sns.amazonaws.com; it is not set (only sourceAccount ${HOME} is).`],
    },
    { policy: lambdaPermSourceScoped, resource: with_(PERMISSION, { sourceArn: undefined, sourceAccount: undefined }), config: { requireSourceArn: true }, violations: ["Set sourceArn to the resource that invokes the function through sns.amazonaws.com; it is not set."] },
  ],
  "lambda-perm-invoke-only": [
    { policy: lambdaPermInvokeOnly, resource: PERMISSION, violations: [] },
    { policy: lambdaPermInvokeOnly, resource: with_(PERMISSION, { action: "Lambda:invokefunction" }), violations: [] },
    { policy: lambdaPermInvokeOnly, resource: with_(PERMISSION, { action: "lambda:*" }), violations: ['Set action to lambda:InvokeFunction; it is "lambda:*".'] },
    { policy: lambdaPermInvokeOnly, resource: with_(PERMISSION, { action: "lambda:InvokeFunctionUrl" }), violations: ['it is "lambda:InvokeFunctionUrl"'] },
    { policy: lambdaPermInvokeOnly, resource: with_(PERMISSION, { action: "lambda:InvokeFunctionUrl" }), config: { allowedActions: ["lambda:InvokeFunction", "lambda:InvokeFunctionUrl"] }, violations: [] },
    {
      policy: lambdaPermInvokeOnly,
      resource: with_(PERMISSION, { action: "lambda:GetFunction" }),
      config: { allowedActions: ["lambda:InvokeFunction", "lambda:InvokeFunctionUrl"] },
      violations: ['Set action to one of lambda:InvokeFunction, lambda:InvokeFunctionUrl; it is "lambda:GetFunction".'],
    },
  ],
  "lambda-tracing": [
    { policy: lambdaTracing, resource: FUNCTION, violations: [] },
    { policy: lambdaTracing, resource: with_(FUNCTION, { tracingConfig: { mode: "PassThrough" } }), violations: ["Set tracingConfig.mode to Active; it is PassThrough."] },
    { policy: lambdaTracing, resource: with_(FUNCTION, { tracingConfig: undefined }), violations: ["Set tracingConfig.mode to Active; it is not set (PassThrough)."] },
  ],
  "sns-topic-kms": [
    { policy: snsTopicKms, resource: TOPIC, violations: [] },
    { policy: snsTopicKms, resource: TOPIC, config: { forbidAwsManagedKey: true }, violations: [] },
    { policy: snsTopicKms, resource: with_(TOPIC, { kmsMasterKeyId: "alias/aws/sns" }), violations: [] },
    { policy: snsTopicKms, resource: with_(TOPIC, { kmsMasterKeyId: "alias/statecraft-prod" }), config: { forbidAwsManagedKey: true }, violations: [] },
    { policy: snsTopicKms, resource: with_(TOPIC, { kmsMasterKeyId: undefined }), violations: ["Set kmsMasterKeyId to a KMS key; it is not set."] },
    { policy: snsTopicKms, resource: with_(TOPIC, { kmsMasterKeyId: "" }), config: { forbidAwsManagedKey: true }, violations: ["it is not set"] },
    { policy: snsTopicKms, resource: with_(TOPIC, { kmsMasterKeyId: "alias/aws/sns" }), config: { forbidAwsManagedKey: true }, violations: ["Set kmsMasterKeyId to a customer-managed key; it is the AWS managed key alias/aws/sns."] },
    {
      policy: snsTopicKms,
      resource: with_(TOPIC, { kmsMasterKeyId: `arn:aws:kms:eu-west-1:${HOME}:alias/aws/sns` }),
      config: { forbidAwsManagedKey: true },
      violations: [`it is the AWS managed key arn:aws:kms:eu-west-1:${HOME}:alias/aws/sns.`],
    },
  ],
  "sns-policy-restricted": [
    // Named principals: the allow-list rule's concern, not this one's.
    { policy: snsPolicyRestricted, resource: TOPIC_POLICY([{ Principal: { AWS: CONSUMER_ROLE } }, { Principal: { AWS: `arn:aws:iam::${STRANGER}:root` } }]), violations: [] },
    { policy: snsPolicyRestricted, resource: TOPIC_POLICY([{ Principal: { Service: "events.amazonaws.com" } }], false), violations: [] },
    // `*`, limited by a condition, as a string or an object; keys case-insensitive.
    { policy: snsPolicyRestricted, resource: TOPIC_POLICY([{ Principal: "*", Condition: { StringEquals: { "aws:SourceAccount": HOME } } }]), violations: [] },
    { policy: snsPolicyRestricted, resource: TOPIC_POLICY([{ Principal: { AWS: "*" }, Condition: IN_ORG }], false), violations: [] },
    { policy: snsPolicyRestricted, resource: TOPIC_POLICY([{ Principal: { AWS: ["*"] }, Condition: { ArnLike: { "AWS:SourceArn": `arn:aws:cloudwatch:eu-west-1:${HOME}:alarm:*` } } }]), violations: [] },
    { policy: snsPolicyRestricted, resource: TOPIC_POLICY([{ Principal: { AWS: "*" }, Action: "sns:Subscribe", Condition: { StringEquals: { "aws:PrincipalAccount": [HOME, CONSUMER] } } }]), violations: [] },
    { policy: snsPolicyRestricted, resource: TOPIC_POLICY([{ Principal: "*", Condition: { StringEquals: { "AWS:SourceOwner": HOME } } }]), violations: [] },
    { policy: snsPolicyRestricted, resource: TOPIC_POLICY([{ Effect: "Deny", Principal: "*", Action: "sns:*" }]), violations: [] },
    {
      policy: snsPolicyRestricted,
      resource: TOPIC_POLICY([{ Principal: "*" }]),
      violations: ['Add an aws:SourceAccount, aws:SourceArn, aws:SourceOwner, aws:PrincipalOrgID or aws:PrincipalAccount condition to policy Statement[0], which allows Principal "*" sns:Publish.'],
    },
    {
      policy: snsPolicyRestricted,
      resource: TOPIC_POLICY([{ Principal: { AWS: CONSUMER_ROLE } }, { Principal: { AWS: "*" }, Action: ["sns:Subscribe", "sns:Receive"], Condition: { StringEquals: { "sns:Protocol": "https" } } }], false),
      violations: ['condition to policy Statement[1], which allows Principal "*" sns:Subscribe, sns:Receive.'],
    },
    // A topic's own policy, when set.
    { policy: snsPolicyRestricted, resource: TOPIC, violations: [] },
    { policy: snsPolicyRestricted, resource: with_(TOPIC, { policy: JSON.stringify({ Statement: [{ Effect: "Allow", Principal: { AWS: "*" }, Action: "sns:Publish", Resource: TOPIC_ARN }] }) }), violations: ["condition to policy Statement[0]"] },
  ],
  "logs-retention": [
    { policy: logsRetention, resource: LOG_GROUP, violations: [] },
    { policy: logsRetention, resource: LOG_GROUP, config: { minimumRetentionDays: 365, requireKmsKey: true }, violations: [] },
    // Absent or 0: never expire.
    { policy: logsRetention, resource: with_(LOG_GROUP, { retentionInDays: undefined }), violations: [] },
    { policy: logsRetention, resource: with_(LOG_GROUP, { retentionInDays: 0 }), config: { minimumRetentionDays: 3653 }, violations: [] },
    { policy: logsRetention, resource: with_(LOG_GROUP, { retentionInDays: 14, kmsKeyId: undefined }), violations: ["Set retentionInDays to at least 365; it is 14."] },
    { policy: logsRetention, resource: with_(LOG_GROUP, { retentionInDays: 14, kmsKeyId: undefined }), config: { minimumRetentionDays: 14 }, violations: [] },
    { policy: logsRetention, resource: with_(LOG_GROUP, { retentionInDays: 7 }), config: { minimumRetentionDays: 14 }, violations: ["Set retentionInDays to at least 14; it is 7."] },
    { policy: logsRetention, resource: with_(LOG_GROUP, { kmsKeyId: undefined }), config: { requireKmsKey: true }, violations: ["Set kmsKeyId to a KMS key ARN; it is not set."] },
    { policy: logsRetention, resource: with_(LOG_GROUP, { retentionInDays: 90, kmsKeyId: undefined }), config: { requireKmsKey: true }, violations: ["at least 365; it is 90", "Set kmsKeyId"] },
  ],
  "apigw-stage-logs-throttling": [
    { policy: apigwStageLogsThrottling, resource: STAGE, violations: [] },
    { policy: apigwStageLogsThrottling, resource: STAGE, config: { maximumRateLimit: 5, maximumBurstLimit: 10 }, violations: [] },
    { policy: apigwStageLogsThrottling, resource: with_(STAGE, { accessLogSettings: undefined }), violations: ["Set accessLogSettings.destinationArn to a CloudWatch Logs log group ARN; the stage writes no access logs."] },
    { policy: apigwStageLogsThrottling, resource: with_(STAGE, { accessLogSettings: { destinationArn: STAGE_LOGS } }), violations: ["Set accessLogSettings.format"] },
    {
      policy: apigwStageLogsThrottling,
      resource: with_(STAGE, { defaultRouteSettings: undefined }),
      violations: ["Set defaultRouteSettings.throttlingRateLimit; it is not set", "Set defaultRouteSettings.throttlingBurstLimit; it is not set"],
    },
    { policy: apigwStageLogsThrottling, resource: with_(STAGE, { defaultRouteSettings: { throttlingRateLimit: 5 } }), violations: ["Set defaultRouteSettings.throttlingBurstLimit; it is not set"] },
    { policy: apigwStageLogsThrottling, resource: STAGE, config: { maximumRateLimit: 2 }, violations: ["Set defaultRouteSettings.throttlingRateLimit to at most 2; it is 5."] },
  ],
};

