import { EnforcementLevel, ResourceValidationPolicy, StackValidationPolicy } from "@pulumi/policy";
import { apigwRouteAuthorized } from "./rules/apigw-route-authorized";
import { apigwStageLogsThrottling } from "./rules/apigw-stage-logs-throttling";
import { ddbPitr } from "./rules/ddb-pitr";
import { iamNoAdmin } from "./rules/iam-no-admin";
import { iamNoElevatedManaged } from "./rules/iam-no-elevated-managed";
import { iamNoNotElements } from "./rules/iam-no-not-elements";
import { iamNoPassroleStar } from "./rules/iam-no-passrole-star";
import { iamNoServiceWildcard } from "./rules/iam-no-service-wildcard";
import { iamNoStarAction } from "./rules/iam-no-star-action";
import { iamNoStarResource } from "./rules/iam-no-star-resource";
import { iamTrustNoPublic } from "./rules/iam-trust-no-public";
import { lambdaPermInvokeOnly } from "./rules/lambda-perm-invoke-only";
import { lambdaPermNoPublic } from "./rules/lambda-perm-no-public";
import { lambdaPermSourceScoped } from "./rules/lambda-perm-source-scoped";
import { lambdaTracing } from "./rules/lambda-tracing";
import { logsRetention } from "./rules/logs-retention";
import { sfnCmkEncryption } from "./rules/sfn-cmk-encryption";
import { sfnExecutionData } from "./rules/sfn-execution-data";
import { sfnExpressLogAll } from "./rules/sfn-express-log-all";
import { sfnFailureAlarms } from "./rules/sfn-failure-alarms";
import { sfnLoggingEnabled } from "./rules/sfn-logging-enabled";
import { sfnRoleConfusedDeputy } from "./rules/sfn-role-confused-deputy";
import { sfnRoleMatchesDefinition } from "./rules/sfn-role-matches-definition";
import { sfnRoleNotShared } from "./rules/sfn-role-not-shared";
import { sfnXrayTracing } from "./rules/sfn-xray-tracing";
import { snsPolicyRestricted } from "./rules/sns-policy-restricted";
import { snsServicePublishKey } from "./rules/sns-service-publish-key";
import { snsTopicKms } from "./rules/sns-topic-kms";
import { triggerDeadLetterQueue } from "./rules/trigger-dead-letter-queue";
import { triggerRoleStartOnly } from "./rules/trigger-role-start-only";
import { xacctAllowlist } from "./rules/xacct-allowlist";
import { xacctTrustConditions } from "./rules/xacct-trust-conditions";

/**
 * Every rule of the pack, registered explicitly. `index.ts` builds the PolicyPack from these lists; tests and the
 * offline gate import them from here, never from `index.ts` (whose PolicyPack starts a server).
 */

/** The pack's name, description and default enforcement level (each stack's config file overrides it per rule). */
export const POLICY_PACK: { name: string; description: string; enforcementLevel: EnforcementLevel } = {
  name: "statecraft",
  description: "Least privilege, logging and cross-account trust for Step Functions platforms built with statecraft.",
  enforcementLevel: "advisory",
};

/** Rules applied to each resource. */
export const resourcePolicies: ResourceValidationPolicy[] = [
  // State machines
  sfnLoggingEnabled,
  sfnExpressLogAll,
  sfnExecutionData,
  sfnXrayTracing,
  sfnCmkEncryption,
  sfnRoleConfusedDeputy,
  // IAM policies, attachments and trusts
  iamNoAdmin,
  iamNoStarAction,
  iamNoServiceWildcard,
  iamNoStarResource,
  iamNoPassroleStar,
  iamNoNotElements,
  iamNoElevatedManaged,
  iamTrustNoPublic,
  // Cross-account access
  xacctTrustConditions,
  xacctAllowlist,
  // Lambda, SNS, DynamoDB, CloudWatch Logs, API Gateway
  lambdaPermNoPublic,
  lambdaPermSourceScoped,
  lambdaPermInvokeOnly,
  lambdaTracing,
  snsTopicKms,
  snsPolicyRestricted,
  ddbPitr,
  logsRetention,
  apigwStageLogsThrottling,
  apigwRouteAuthorized,
  // Triggers
  triggerDeadLetterQueue,
];

/** Rules applied to the whole stack at once. */
export const stackPolicies: StackValidationPolicy[] = [
  sfnRoleNotShared,
  sfnRoleMatchesDefinition,
  // Triggers, alarms and the services that publish to the stack's topics
  triggerRoleStartOnly,
  sfnFailureAlarms,
  snsServicePublishKey,
];
