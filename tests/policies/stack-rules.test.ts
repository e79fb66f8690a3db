import { expect } from "chai";
import { sfnRoleMatchesDefinition } from "../../policies/rules/sfn-role-matches-definition";
import { sfnRoleNotShared } from "../../policies/rules/sfn-role-not-shared";
import { FakeResource, UNKNOWN, runStackPolicy } from "./harness";

// A small stack, written out as AWS would hold it: a state machine calling a Lambda function and DynamoDB, its
// execution role, and a role policy granting exactly what the definition and the logging need.
const ACCOUNT = "111111111111";
const FUNCTION = `arn:aws:lambda:eu-west-1:${ACCOUNT}:function:validate`;
const TABLE = `arn:aws:dynamodb:eu-west-1:${ACCOUNT}:table/orders`;
const ROLE_ARN = `arn:aws:iam::${ACCOUNT}:role/orders-role`;
const MACHINE_ARN = `arn:aws:states:eu-west-1:${ACCOUNT}:stateMachine:orders`;
const KEY_ARN = `arn:aws:kms:eu-west-1:${ACCOUNT}:key/0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0`;

const DEFINITION = {
  StartAt: "Validate",
  States: {
    Validate: { Type: "Task", Resource: "arn:aws:states:::lambda:invoke", Parameters: { FunctionName: FUNCTION, "Payload.$": "$" }, Next: "Save" },
    Save: { Type: "Task", Resource: "arn:aws:states:::dynamodb:putItem", Parameters: { TableName: "orders", Item: { id: { "S.$": "$.id" } } }, End: true },
  },
};
const LOG_ACTIONS = [
  "logs:CreateLogDelivery",
  "logs:CreateLogStream",
  "logs:DeleteLogDelivery",
  "logs:DescribeLogGroups",
  "logs:DescribeResourcePolicies",
  "logs:GetLogDelivery",
  "logs:ListLogDeliveries",
  "logs:PutLogEvents",
  "logs:PutResourcePolicy",
  "logs:UpdateLogDelivery",
];
const GRANTS = [
  { Effect: "Allow", Action: ["lambda:InvokeFunction"], Resource: [FUNCTION, `${FUNCTION}:*`] },
  { Effect: "Allow", Action: "dynamodb:PutItem", Resource: TABLE },
  { Effect: "Allow", Action: LOG_ACTIONS, Resource: "*" },
];

const machine = (props: Record<string, unknown> = {}): FakeResource => ({
  type: "aws:sfn/stateMachine:StateMachine",
  name: "orders",
  props: {
    arn: MACHINE_ARN,
    name: "orders",
    roleArn: ROLE_ARN,
    definition: JSON.stringify(DEFINITION),
    loggingConfiguration: { level: "ERROR", logDestination: `arn:aws:logs:eu-west-1:${ACCOUNT}:log-group:/aws/vendedlogs/states/orders:*` },
    tracingConfiguration: { enabled: false },
    encryptionConfiguration: { type: "AWS_OWNED_KEY" },
    ...props,
  },
});
const TRUST = { Version: "2012-10-17", Statement: [{ Effect: "Allow", Principal: { Service: "states.amazonaws.com" }, Action: "sts:AssumeRole", Condition: { StringEquals: { "aws:SourceAccount": ACCOUNT } } }] };
const role = (props: Record<string, unknown> = {}): FakeResource => ({
  type: "aws:iam/role:Role",
  name: "orders-role",
  props: { arn: ROLE_ARN, name: "orders-role", assumeRolePolicy: JSON.stringify(TRUST), ...props },
});
const rolePolicy = (statements: unknown[], asString = true): FakeResource => {
  const document = { Version: "2012-10-17", Statement: statements };
  return { type: "aws:iam/rolePolicy:RolePolicy", name: "orders-role-policy", props: { name: "execution", role: "orders-role", policy: asString ? JSON.stringify(document) : document } };
};
const STACK = [machine(), role(), rolePolicy(GRANTS)];

describe("stack rule sfn-role-matches-definition", () => {
  const check = (resources: FakeResource[], config?: Record<string, unknown>) => runStackPolicy(sfnRoleMatchesDefinition, resources, config);

  it("passes a role that grants exactly what the definition and the logging need, as a string or an object", () => {
    expect(check(STACK).violations).to.deep.equal([]);
    expect(check([machine(), role(), rolePolicy(GRANTS, false)]).violations).to.deep.equal([]);
  });

  it("reports an action the definition does not need, naming the action, resource and policy", () => {
    const outcome = check([machine(), role(), rolePolicy([...GRANTS, { Effect: "Allow", Action: ["dynamodb:DeleteItem"], Resource: [TABLE] }])]);
    expect(outcome.violations).to.deep.equal([
      `Remove dynamodb:DeleteItem on ${TABLE} from role policy execution of role orders-role: nothing in the definition or configuration of state machine orders needs it.`,
    ]);
  });

  it("reports a wildcard that covers more than the definition needs", () => {
    const outcome = check([machine(), role(), rolePolicy([GRANTS[0], { Effect: "Allow", Action: "dynamodb:*", Resource: TABLE }, GRANTS[2]])]);
    expect(outcome.violations).to.deep.equal([`Remove dynamodb:* on ${TABLE} from role policy execution of role orders-role: nothing in the definition or configuration of state machine orders needs it.`]);
  });

  it("reports a grant the definition needs but the role lacks, naming the State", () => {
    const outcome = check([machine(), role(), rolePolicy([GRANTS[0], GRANTS[2]])]);
    expect(outcome.violations).to.deep.equal([`Grant dynamodb:PutItem on ${TABLE} to role orders-role: State "Save" of state machine orders needs it.`]);
  });

  it("reports log delivery on a machine that does not log, and its absence on one that does", () => {
    expect(check([machine({ loggingConfiguration: { level: "OFF" } }), role(), rolePolicy(GRANTS)]).violations).to.deep.equal([
      `Remove ${LOG_ACTIONS.join(", ")} on * from role policy execution of role orders-role: nothing in the definition or configuration of state machine orders needs it.`,
    ]);
    const missing = check([machine(), role(), rolePolicy(GRANTS.slice(0, 2))]).violations;
    expect(missing).to.have.lengthOf(1);
    expect(missing[0]).to.match(/^Grant logs:CreateLogDelivery, .* on \* to role orders-role: loggingConfiguration of state machine orders needs it\.$/);
  });

  it("expects X-Ray when tracing and the customer-managed key under its encryption context", () => {
    const configured = machine({ tracingConfiguration: { enabled: true }, encryptionConfiguration: { type: "CUSTOMER_MANAGED_KMS_KEY", kmsKeyId: KEY_ARN } });
    const violations = check([configured, role(), rolePolicy(GRANTS)]).violations;
    expect(violations).to.have.lengthOf(3);
    expect(violations[0]).to.contain("Grant xray:GetSamplingRules, xray:GetSamplingTargets, xray:PutTelemetryRecords, xray:PutTraceSegments on * to role orders-role: tracingConfiguration");
    expect(violations[1]).to.contain(`Grant kms:Decrypt, kms:GenerateDataKey on ${KEY_ARN} with Condition {"StringEquals":{"kms:EncryptionContext:aws:states:stateMachineArn":"${MACHINE_ARN}"}}`);
    // A machine that logs with a customer-managed key: log delivery encrypts with it, in the account's logs context.
    expect(violations[2]).to.equal(
      `Grant kms:GenerateDataKey on ${KEY_ARN} with Condition {"StringEquals":{"kms:EncryptionContext:SourceArn":"arn:aws:logs:eu-west-1:${ACCOUNT}:*"}} to role orders-role: loggingConfiguration with encryptionConfiguration of state machine orders needs it.`,
    );

    // The key granted without its encryption context covers the need, but is broader than needed.
    const unconditioned = check([
      configured,
      role(),
      rolePolicy([...GRANTS, { Effect: "Allow", Action: ["xray:PutTraceSegments", "xray:PutTelemetryRecords", "xray:GetSamplingRules", "xray:GetSamplingTargets"], Resource: "*" }, { Effect: "Allow", Action: ["kms:Decrypt", "kms:GenerateDataKey"], Resource: KEY_ARN }]),
    ]).violations;
    expect(unconditioned).to.deep.equal([
      `Add Condition {"StringEquals":{"kms:EncryptionContext:aws:states:stateMachineArn":"${MACHINE_ARN}"}} to kms:Decrypt, kms:GenerateDataKey on ${KEY_ARN} in role policy execution of role orders-role: state machine orders needs it only under that condition.`,
    ]);
  });

  it("expects the key of an encrypted topic the definition publishes to, resolved through the stack's key", () => {
    const topicArn = `arn:aws:sns:eu-west-1:${ACCOUNT}:alerts`;
    const definition = { StartAt: "Notify", States: { Notify: { Type: "Task", Resource: "arn:aws:states:::sns:publish", Parameters: { TopicArn: topicArn, "Message.$": "$" }, End: true } } };
    const resources = [
      machine({ definition: JSON.stringify(definition) }),
      role(),
      { type: "aws:kms/key:Key", name: "key", props: { arn: KEY_ARN, keyId: "0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0" } },
      { type: "aws:sns/topic:Topic", name: "alerts", props: { arn: topicArn, name: "alerts", kmsMasterKeyId: "0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0" } },
    ];
    const publish = { Effect: "Allow", Action: "sns:Publish", Resource: topicArn };
    expect(check([...resources, rolePolicy([publish, GRANTS[2]])]).violations).to.deep.equal([
      `Grant kms:Decrypt, kms:GenerateDataKey on ${KEY_ARN} with Condition {"StringEquals":{"kms:ViaService":"sns.eu-west-1.amazonaws.com"}} to role orders-role: the key of topic alerts of state machine orders needs it.`,
    ]);
    const keyGrant = { Effect: "Allow", Action: ["kms:Decrypt", "kms:GenerateDataKey"], Resource: KEY_ARN, Condition: { StringEquals: { "kms:ViaService": "sns.eu-west-1.amazonaws.com" } } };
    expect(check([...resources, rolePolicy([publish, GRANTS[2], keyGrant])]).violations).to.deep.equal([]);
  });

  it("expects the key of each encrypted table of the stack, Decrypt to read and Encrypt/GenerateDataKey too to write, through DynamoDB", () => {
    const bureaus = `arn:aws:dynamodb:eu-west-1:${ACCOUNT}:table/bureaus`;
    const definition = {
      StartAt: "Read",
      States: {
        Read: { Type: "Task", Resource: "arn:aws:states:::aws-sdk:dynamodb:scan", Parameters: { TableName: "bureaus" }, Next: "Save" },
        Save: DEFINITION.States.Save,
      },
    };
    const encryptedTable = (name: string, arn: string, kmsKeyArn?: string): FakeResource => ({
      type: "aws:dynamodb/table:Table",
      name,
      props: { arn, name, serverSideEncryption: kmsKeyArn ? { enabled: true, kmsKeyArn } : { enabled: false } },
    });
    const scan = { Effect: "Allow", Action: "dynamodb:Scan", Resource: bureaus };
    const via = { StringEquals: { "kms:ViaService": "dynamodb.eu-west-1.amazonaws.com" } };
    const base = [machine({ definition: JSON.stringify(definition) }), role(), encryptedTable("orders", TABLE, KEY_ARN), encryptedTable("bureaus", bureaus, KEY_ARN)];
    expect(check([...base, rolePolicy([scan, GRANTS[1], GRANTS[2]])]).violations).to.deep.equal([
      `Grant kms:Decrypt, kms:Encrypt, kms:GenerateDataKey on ${KEY_ARN} with Condition ${JSON.stringify(via)} to role orders-role: the key of table bureaus, table orders of state machine orders needs it.`,
    ]);
    const keyGrant = { Effect: "Allow", Action: ["kms:Decrypt", "kms:Encrypt", "kms:GenerateDataKey"], Resource: KEY_ARN, Condition: via };
    expect(check([...base, rolePolicy([scan, GRANTS[1], GRANTS[2], keyGrant])]).violations).to.deep.equal([]);

    // Reading only: Decrypt alone; an unencrypted table (or one with the AWS managed key) asks for nothing.
    const readOnly = [machine({ definition: JSON.stringify({ StartAt: "Read", States: { Read: { ...definition.States.Read, Next: undefined, End: true } } }) }), role()];
    expect(check([...readOnly, encryptedTable("bureaus", bureaus, KEY_ARN), rolePolicy([scan, GRANTS[2], { ...keyGrant, Action: ["kms:Decrypt"] }])]).violations).to.deep.equal([]);
    expect(check([...readOnly, encryptedTable("bureaus", bureaus), rolePolicy([scan, GRANTS[2]])]).violations).to.deep.equal([]);
    expect(check([...readOnly, encryptedTable("bureaus", bureaus), rolePolicy([scan, GRANTS[2], { ...keyGrant, Action: ["kms:Decrypt"] }])]).violations).to.deep.equal([
      `Remove kms:Decrypt on ${KEY_ARN} from role policy execution of role orders-role: nothing in the definition or configuration of state machine orders needs it.`,
    ]);
  });

  it("expects the key of an encrypted secret the definition reads, in the secret's encryption context", () => {
    const secretArn = `arn:aws:secretsmanager:eu-west-1:${ACCOUNT}:secret:token-AbC123`;
    const definition = { StartAt: "Get", States: { Get: { Type: "Task", Resource: "arn:aws:states:::aws-sdk:secretsmanager:getSecretValue", Parameters: { SecretId: secretArn }, End: true } } };
    const resources = [machine({ definition: JSON.stringify(definition) }), role(), { type: "aws:secretsmanager/secret:Secret", name: "token", props: { arn: secretArn, name: "token", kmsKeyId: KEY_ARN } }];
    const violations = check([...resources, rolePolicy([{ Effect: "Allow", Action: "secretsmanager:GetSecretValue", Resource: secretArn }, GRANTS[2]])]).violations;
    expect(violations).to.deep.equal([
      `Grant kms:Decrypt on ${KEY_ARN} with Condition {"StringEquals":{"kms:ViaService":"secretsmanager.eu-west-1.amazonaws.com","kms:EncryptionContext:SecretARN":"${secretArn}"}} to role orders-role: the key of secret token of state machine orders needs it.`,
    ]);
  });

  it("reads attached managed policies, and reports those not in the stack", () => {
    const managed = { type: "aws:iam/policy:Policy", name: "orders-policy-1", props: { arn: `arn:aws:iam::${ACCOUNT}:policy/orders-execution-1`, policy: JSON.stringify({ Version: "2012-10-17", Statement: GRANTS.slice(0, 2) }) } };
    const attach = (policyArn: string): FakeResource => ({ type: "aws:iam/rolePolicyAttachment:RolePolicyAttachment", name: policyArn, props: { role: "orders-role", policyArn } });
    expect(check([machine(), role(), rolePolicy([GRANTS[2]]), managed, attach(managed.props.arn)]).violations).to.deep.equal([]);
    expect(check([...STACK, attach("arn:aws:iam::aws:policy/AWSStepFunctionsFullAccess")]).violations).to.deep.equal([
      "Detach arn:aws:iam::aws:policy/AWSStepFunctionsFullAccess from role orders-role: its grants are not derived from the definition of state machine orders.",
    ]);
  });

  it("allows configured additional actions", () => {
    const extra = rolePolicy([...GRANTS, { Effect: "Allow", Action: ["cloudwatch:PutMetricData"], Resource: "*" }]);
    expect(check([machine(), role(), extra]).violations).to.have.lengthOf(1);
    expect(check([machine(), role(), extra], { allowedAdditionalActions: ["cloudwatch:PutMetricData"] }).violations).to.deep.equal([]);
  });

  it("reports NotAction, a role outside the stack and a definition it cannot derive", () => {
    expect(check([machine(), role(), rolePolicy([...GRANTS, { Effect: "Allow", NotAction: "iam:*", Resource: "*" }])]).violations).to.deep.equal([
      "Replace NotAction/NotResource in Statement[3] of role policy execution on role orders-role with the actions and resources state machine orders needs.",
    ]);
    expect(check([machine()]).violations).to.deep.equal([
      `Manage the execution role ${ROLE_ARN} of state machine orders in this stack: its grants cannot be compared with the definition.`,
    ]);
    const unknownIntegration = { StartAt: "X", States: { X: { Type: "Task", Resource: "arn:aws:states:::nosuch:thing", End: true } } };
    const violations = check([machine({ definition: JSON.stringify(unknownIntegration) }), role(), rolePolicy(GRANTS)]).violations;
    expect(violations).to.have.lengthOf(1);
    expect(violations[0]).to.match(/^Fix the definition of state machine orders: .*State "X".*nosuch:thing/);
  });

  it("compares machines sharing a role with the union of their needs", () => {
    const other = machine({ name: "orders-2", arn: `${MACHINE_ARN}-2`, definition: JSON.stringify({ StartAt: "Save", States: { Save: DEFINITION.States.Save } }) });
    expect(check([...STACK, { ...other, name: "orders-2" }]).violations).to.deep.equal([]);
  });

  it("reports a value unknown at preview instead of failing", () => {
    expect(check([machine({ roleArn: UNKNOWN }), role(), rolePolicy(GRANTS)]).unknown).to.contain("can't be known during preview");
  });
});

describe("stack rule sfn-role-not-shared", () => {
  const check = (resources: FakeResource[]) => runStackPolicy(sfnRoleNotShared, resources);

  it("passes a role of its own", () => {
    expect(check(STACK).violations).to.deep.equal([]);
  });

  it("reports a role trusted by another principal too", () => {
    const trust = { ...TRUST, Statement: [{ ...TRUST.Statement[0], Principal: { Service: ["states.amazonaws.com", "lambda.amazonaws.com"] } }] };
    expect(check([machine(), role({ assumeRolePolicy: JSON.stringify(trust) })]).violations).to.deep.equal([
      "Remove Service lambda.amazonaws.com from assumeRolePolicy Statement[0] of role orders-role: it is the execution role of state machine orders.",
    ]);
  });

  it("reports a Lambda function and another state machine running with the machine's role", () => {
    const fn: FakeResource = { type: "aws:lambda/function:Function", name: "validate", props: { name: "validate", role: ROLE_ARN } };
    expect(check([...STACK, fn]).violations).to.deep.equal([`Give Lambda function validate its own role: its role ${ROLE_ARN} is the execution role of state machine orders.`]);
    const twin = machine({ name: "orders-2" });
    expect(check([machine(), twin, role()]).violations).to.deep.equal([
      `Give state machine orders its own role: roleArn ${ROLE_ARN} also runs orders-2.`,
      `Give state machine orders-2 its own role: roleArn ${ROLE_ARN} also runs orders.`,
    ]);
  });
});
