import { ResourceValidationPolicy } from "@pulumi/policy";
import { ddbPitr } from "../../../policies/rules/ddb-pitr";
import { iamNoAdmin } from "../../../policies/rules/iam-no-admin";
import { iamNoPassroleStar } from "../../../policies/rules/iam-no-passrole-star";
import { iamNoStarAction } from "../../../policies/rules/iam-no-star-action";
import { lambdaPermNoPublic } from "../../../policies/rules/lambda-perm-no-public";
import { sfnExpressLogAll } from "../../../policies/rules/sfn-express-log-all";
import { sfnLoggingEnabled } from "../../../policies/rules/sfn-logging-enabled";
import { sfnRoleConfusedDeputy } from "../../../policies/rules/sfn-role-confused-deputy";
import { FakeResource } from "../harness";

/**
 * Passing and violating cases of the resource rules, keyed by rule name. `rules.test.ts` runs every case of
 * every module under `cases/`, and checks that every registered resource rule has cases.
 */

/** Happy-path resources, as the platform registers them; each case mutates one field. */
export const MACHINE: FakeResource = {
  type: "aws:sfn/stateMachine:StateMachine",
  props: {
    type: "STANDARD",
    loggingConfiguration: { level: "ERROR", includeExecutionData: false, logDestination: "arn:aws:logs:eu-west-1:111111111111:log-group:/aws/vendedlogs/states/prod-x:*" },
  },
};
export const statement = (fields: Record<string, unknown>) => ({ Effect: "Allow", Action: ["lambda:InvokeFunction"], Resource: ["arn:aws:lambda:eu-west-1:111111111111:function:f"], ...fields });
export const ROLE_POLICY = (fields: Record<string, unknown>, asString = true): FakeResource => {
  const document = { Version: "2012-10-17", Statement: [statement(fields)] };
  return { type: "aws:iam/rolePolicy:RolePolicy", props: { role: "r", policy: asString ? JSON.stringify(document) : document } };
};
export const TRUST = (condition?: Record<string, unknown>): FakeResource => ({
  type: "aws:iam/role:Role",
  props: {
    assumeRolePolicy: JSON.stringify({
      Version: "2012-10-17",
      Statement: [{ Effect: "Allow", Principal: { Service: "states.amazonaws.com" }, Action: "sts:AssumeRole", ...(condition ? { Condition: condition } : {}) }],
    }),
  },
});
export const with_ = (resource: FakeResource, props: Record<string, unknown>): FakeResource => ({ ...resource, props: { ...resource.props, ...props } });

/** One resource (or configuration) a rule must pass or report. */
export interface Case {
  policy: ResourceValidationPolicy;
  resource: FakeResource;
  config?: Record<string, unknown>;
  /** Substrings of the expected violation messages; none when the resource passes. */
  violations: string[];
}

export const CORE_CASES: Record<string, Case[]> = {
  "sfn-logging-enabled": [
    { policy: sfnLoggingEnabled, resource: MACHINE, violations: [] },
    { policy: sfnLoggingEnabled, resource: with_(MACHINE, { loggingConfiguration: { level: "OFF" } }), violations: ["Set loggingConfiguration.level to ERROR or above; it is OFF."] },
    { policy: sfnLoggingEnabled, resource: with_(MACHINE, { loggingConfiguration: undefined }), violations: ["it is OFF"] },
    {
      policy: sfnLoggingEnabled,
      resource: with_(MACHINE, { loggingConfiguration: { level: "ALL", logDestination: "arn:aws:logs:eu-west-1:111111111111:log-group:/x" } }),
      violations: ["End loggingConfiguration.logDestination with ':*'"],
    },
    { policy: sfnLoggingEnabled, resource: MACHINE, config: { minimumLevel: "ALL" }, violations: ["to ALL or above; it is ERROR"] },
  ],
  "sfn-express-log-all": [
    { policy: sfnExpressLogAll, resource: with_(MACHINE, { type: "EXPRESS", loggingConfiguration: { level: "ALL", logDestination: "x:*" } }), violations: [] },
    { policy: sfnExpressLogAll, resource: MACHINE, violations: [] },
    { policy: sfnExpressLogAll, resource: with_(MACHINE, { type: "EXPRESS" }), violations: ["Set loggingConfiguration.level to ALL on this EXPRESS state machine; it is ERROR."] },
  ],
  "iam-no-admin": [
    { policy: iamNoAdmin, resource: ROLE_POLICY({}), violations: [] },
    { policy: iamNoAdmin, resource: ROLE_POLICY({ Action: "*", Resource: "*" }), violations: ['Statement[0] allows Action "*" on Resource "*"'] },
    { policy: iamNoAdmin, resource: ROLE_POLICY({ Action: "*", Resource: "*" }, false), violations: ['allows Action "*" on Resource "*"'] },
  ],
  "iam-no-star-action": [
    { policy: iamNoStarAction, resource: ROLE_POLICY({}), violations: [] },
    { policy: iamNoStarAction, resource: ROLE_POLICY({ Action: ["*"] }), violations: ['Replace Action "*" in Statement[0]'] },
    { policy: iamNoStarAction, resource: ROLE_POLICY({ Effect: "Deny", Action: ["*"] }), violations: [] },
    { policy: iamNoStarAction, resource: ROLE_POLICY({ Action: ["*"], Resource: ["*"] }), violations: [] },
  ],
  "iam-no-passrole-star": [
    {
      policy: iamNoPassroleStar,
      resource: ROLE_POLICY({ Action: ["iam:PassRole"], Resource: ["arn:aws:iam::111111111111:role/task"], Condition: { StringEquals: { "iam:PassedToService": "ecs-tasks.amazonaws.com" } } }),
      violations: [],
    },
    { policy: iamNoPassroleStar, resource: ROLE_POLICY({ Action: ["iam:PassRole"], Resource: ["*"] }), violations: ['its Resource is "*"', "Add the condition iam:PassedToService"] },
    { policy: iamNoPassroleStar, resource: ROLE_POLICY({ Action: ["iam:Pass*"], Resource: ["arn:aws:iam::111111111111:role/task"] }), violations: ["Add the condition iam:PassedToService to Statement[0]"] },
    { policy: iamNoPassroleStar, resource: ROLE_POLICY({ Action: ["*"], Resource: ["*"] }), violations: [] },
    { policy: iamNoPassroleStar, resource: ROLE_POLICY({ Action: ["iam:*"], Resource: ["*"] }), violations: [] },
  ],
  "sfn-role-confused-deputy": [
    { policy: sfnRoleConfusedDeputy, resource: TRUST({ StringEquals: { "aws:SourceAccount": "111111111111" } }), violations: [] },
    { policy: sfnRoleConfusedDeputy, resource: TRUST({ ArnLike: { "aws:SourceArn": "arn:aws:states:eu-west-1:111111111111:stateMachine:*" } }), violations: [] },
    { policy: sfnRoleConfusedDeputy, resource: TRUST(), violations: ["Add an aws:SourceAccount or aws:SourceArn condition to assumeRolePolicy Statement[0]"] },
  ],
  "lambda-perm-no-public": [
    { policy: lambdaPermNoPublic, resource: { type: "aws:lambda/permission:Permission", props: { function: "f", principal: "sns.amazonaws.com", action: "lambda:InvokeFunction" } }, violations: [] },
    { policy: lambdaPermNoPublic, resource: { type: "aws:lambda/permission:Permission", props: { function: "f", principal: "*", principalOrgId: "o-abc123" } }, violations: [] },
    { policy: lambdaPermNoPublic, resource: { type: "aws:lambda/permission:Permission", props: { function: "f", principal: "*" } }, violations: ['Replace principal "*" with the principal that invokes f'] },
  ],
  "ddb-pitr": [
    { policy: ddbPitr, resource: { type: "aws:dynamodb/table:Table", props: { pointInTimeRecovery: { enabled: true } } }, violations: [] },
    { policy: ddbPitr, resource: { type: "aws:dynamodb/table:Table", props: {} }, violations: ["Set pointInTimeRecovery.enabled to true; it is null."] },
    {
      policy: ddbPitr,
      resource: { type: "aws:dynamodb/table:Table", props: { pointInTimeRecovery: { enabled: true } } },
      config: { requireDeletionProtection: true, requireCustomerManagedKey: true },
      violations: ["Set deletionProtectionEnabled to true.", "Set serverSideEncryption to enabled with a customer-managed kmsKeyArn."],
    },
  ],
};

