import { expect } from "chai";
import { SharingConsumer, readStackFile } from "../../infra/config";
import { Naming } from "../../infra/naming";
import {
  consumerConditions,
  consumerKeyStatements,
  consumerRoles,
  invokePermission,
  invokerPolicy,
  invokerTrustPolicy,
  resolveSharedWorkflows,
  sharedWorkflowsOf,
  tableReadPolicy,
  topicSubscribePolicy,
} from "../../infra/sharing";
import { RegisteredResource } from "../../offline/mocks";
import { Plan, runPlan } from "../../offline/plan";
import { plans } from "../local/plans";

const PROD = "222222222222";
const CONSUMER = "333333333333";
const CALLER_ROLE = `arn:aws:iam::${CONSUMER}:role/statecraft-consumer-loan-intake-role`;
const MACHINE = `arn:aws:states:eu-west-1:${PROD}:stateMachine:statecraft-prod-credit-approval`;
const INVOKER = `arn:aws:iam::${PROD}:role/statecraft-prod-invoker-lending`;
const EXTERNAL_ID = "offline-secret:statecraft:sharing.consumers.lending.externalId";
const CONSUMER_ROOT = `arn:aws:iam::${CONSUMER}:root`;
const SUBSCRIBER = `arn:aws:iam::${CONSUMER}:role/lending-ops-alerts`;
const READER = `arn:aws:iam::${CONSUMER}:role/lending-bureau-reader`;
const pinned = (role: string) => ({ ArnEquals: { "aws:PrincipalArn": [role] } });

function find(plan: Plan, type: string, name: string): RegisteredResource {
  const found = plan.resources.find((r) => r.type === type && r.name === name);
  if (!found) throw new Error(`${type} ${name} was not registered`);
  return found;
}
const json = (resource: RegisteredResource, field: string) => JSON.parse(resource.inputs[field] as string);

describe("workflow sharing, producer side (prod stack)", function () {
  this.timeout(60_000);
  let plan: Plan;
  let keyArn: string;
  before(async () => {
    plan = await plans("prod");
    keyArn = find(plan, "aws:kms/key:Key", "platform-key").outputs?.arn as string;
  });

  it("creates the invoker role with a predictable name, trusted by the consumer's account only for the named role, with the external id", () => {
    const role = find(plan, "aws:iam/role:Role", "lending-invoker");
    expect(role.parent).to.equal("statecraft:index:WorkflowSharing::sharing");
    expect(role.inputs.name).to.equal("statecraft-prod-invoker-lending");
    expect(role.inputs.maxSessionDuration).to.equal(3600);
    expect(json(role, "assumeRolePolicy")).to.deep.equal({
      Version: "2012-10-17",
      Statement: [
        {
          Effect: "Allow",
          Principal: { AWS: [CONSUMER_ROOT] },
          Action: ["sts:AssumeRole"],
          Condition: { StringEquals: { "sts:ExternalId": EXTERNAL_ID }, ArnEquals: { "aws:PrincipalArn": [CALLER_ROLE] } },
        },
      ],
    });
  });

  it("keeps the external id a secret: the trust policy is a secret input and no output holds it", () => {
    expect(find(plan, "aws:iam/role:Role", "lending-invoker").secretInputs).to.deep.equal(["assumeRolePolicy"]);
    expect(JSON.stringify(plan.outputs)).not.to.contain("offline-secret");
  });

  it("lets the invoker start exactly the shared machine, follow and stop its executions, and decrypt them with its key in its context", () => {
    const policy = find(plan, "aws:iam/rolePolicy:RolePolicy", "lending-invoker-policy");
    expect(policy.inputs.role).to.equal("statecraft-prod-invoker-lending");
    expect(json(policy, "policy")).to.deep.equal({
      Version: "2012-10-17",
      Statement: [
        // DescribeExecution decrypts; StartExecution needs no KMS permission (the AWS page's table).
        {
          Effect: "Allow",
          Action: ["kms:Decrypt"],
          Resource: [keyArn],
          Condition: { StringEquals: { "kms:EncryptionContext:aws:states:stateMachineArn": MACHINE } },
        },
        { Effect: "Allow", Action: ["states:DescribeExecution", "states:StopExecution"], Resource: [`arn:aws:states:eu-west-1:${PROD}:execution:statecraft-prod-credit-approval:*`] },
        // Only through the live alias: Step Functions authorizes an alias call on the unqualified ARN, with the qualifier.
        { Effect: "Allow", Action: ["states:StartExecution"], Resource: [MACHINE], Condition: { "ForAnyValue:StringEquals": { "states:StateMachineQualifier": ["live"] } } },
      ],
    });
  });

  it("names the consumer's role in no principal, which AWS would refuse before the consumer deploys it", () => {
    const principalsOf = (resource: RegisteredResource): unknown[] =>
      Object.values(resource.inputs).flatMap((value) => {
        if (typeof value !== "string" || !value.startsWith("{")) return [];
        const statements = (JSON.parse(value) as { Statement?: { Principal?: unknown }[] }).Statement;
        return Array.isArray(statements) ? statements.map((s) => s.Principal) : [];
      });
    const naming = plan.resources.filter((r) => r.inputs.principal === CALLER_ROLE || JSON.stringify(principalsOf(r)).includes(CALLER_ROLE));
    expect(naming.map((r) => `${r.type} ${r.name}`)).to.deep.equal([]);
    const pinning = (role: string) => plan.resources.filter((r) => JSON.stringify(r.inputs).includes(role)).map((r) => r.name);
    expect(pinning(CALLER_ROLE)).to.have.members(["lending-invoker"]);
    expect(pinning(SUBSCRIBER)).to.have.members(["backup-failure-policy"]);
    expect(pinning(READER)).to.have.members(["credit-bureaus-policy", "platform-key"]);
  });

  it("lets the consumer's account invoke the function, and its account root subscribe to the topic only as its subscribers and read the table only as its readers", () => {
    expect(plan.resources.filter((r) => r.type === "aws:lambda/permission:Permission" && r.parent === "statecraft:index:WorkflowSharing::sharing").map((r) => r.name)).to.deep.equal(["credit-limit-lending"]);
    expect(find(plan, "aws:lambda/permission:Permission", "credit-limit-lending").inputs).to.deep.equal({
      statementId: "share-lending",
      action: "lambda:InvokeFunction",
      function: `arn:aws:lambda:eu-west-1:${PROD}:function:statecraft-prod-credit-limit`,
      principal: CONSUMER,
    });
    const topicArn = `arn:aws:sns:eu-west-1:${PROD}:statecraft-prod-backup-failure`;
    const topicPolicy = find(plan, "aws:sns/topicPolicy:TopicPolicy", "backup-failure-policy");
    expect(topicPolicy.inputs.arn).to.equal(topicArn);
    expect(json(topicPolicy, "policy").Statement).to.deep.equal([
      { Sid: "LendingSubscribes", Effect: "Allow", Principal: { AWS: [CONSUMER_ROOT] }, Action: ["sns:Subscribe"], Resource: topicArn, Condition: pinned(SUBSCRIBER) },
    ]);
    const tableArn = `arn:aws:dynamodb:eu-west-1:${PROD}:table/statecraft-prod-credit-bureaus`;
    const tablePolicy = find(plan, "aws:dynamodb/resourcePolicy:ResourcePolicy", "credit-bureaus-policy");
    expect(tablePolicy.inputs.resourceArn).to.equal(tableArn);
    expect(json(tablePolicy, "policy").Statement).to.deep.equal([
      {
        Sid: "LendingReads",
        Effect: "Allow",
        Principal: { AWS: [CONSUMER_ROOT] },
        Action: ["dynamodb:BatchGetItem", "dynamodb:DescribeTable", "dynamodb:GetItem", "dynamodb:Query", "dynamodb:Scan"],
        Resource: tableArn,
        Condition: pinned(READER),
      },
    ]);
  });

  it("lets the consumer's readers decrypt the shared table's key through DynamoDB only", () => {
    const statements = json(find(plan, "aws:kms/key:Key", "platform-key"), "policy").Statement;
    expect(statements.find((s: { Sid: string }) => s.Sid === "LendingDecryptsSharedTables")).to.deep.equal({
      Sid: "LendingDecryptsSharedTables",
      Effect: "Allow",
      Principal: { AWS: [CONSUMER_ROOT] },
      Action: ["kms:Decrypt", "kms:DescribeKey"],
      Resource: "*",
      Condition: { StringEquals: { "kms:ViaService": "dynamodb.eu-west-1.amazonaws.com" }, ArnEquals: { "aws:PrincipalArn": [READER] } },
    });
  });

  it("exports sharedWorkflows exactly, and as the configuration alone predicts", () => {
    expect(plan.outputs.sharedWorkflows).to.deep.equal({ "credit-approval": { stateMachineArn: MACHINE, aliasArn: `${MACHINE}:live`, invokerRoleArn: INVOKER, type: "STANDARD" } });
    const { config } = readStackFile("prod");
    const naming = new Naming("statecraft", "prod", { partition: "aws", region: "eu-west-1", account: PROD });
    expect(sharedWorkflowsOf(config, naming)).to.deep.equal(plan.outputs.sharedWorkflows);
  });

  it("shares nothing from dev: no sharing resources, an empty sharedWorkflows", async () => {
    const dev = await plans("dev");
    expect(dev.resources.filter((r) => r.type === "statecraft:index:WorkflowSharing")).to.be.empty;
    expect(dev.outputs.sharedWorkflows).to.deep.equal({});
  });
});

describe("sharing policies", () => {
  const roles: SharingConsumer = {
    accountId: CONSUMER,
    invokers: [CALLER_ROLE],
    externalId: "ext-1",
    workflows: ["credit-approval"],
    functions: ["credit-limit"],
    topics: [],
    tables: [],
  };
  const organization: SharingConsumer = { accountId: CONSUMER, organizationId: "o-a1b2c3d4e5", workflows: ["order-events"], functions: ["validate-order"], topics: ["backup-success"], tables: ["orders"] };

  it("trusts an organization consumer's account root only from its organization", () => {
    expect(invokerTrustPolicy(organization, undefined, "aws").Statement).to.deep.equal([
      {
        Effect: "Allow",
        Principal: { AWS: [`arn:aws:iam::${CONSUMER}:root`] },
        Action: ["sts:AssumeRole"],
        Condition: { StringEquals: { "aws:PrincipalOrgID": "o-a1b2c3d4e5" } },
      },
    ]);
    expect(invokerTrustPolicy({ ...organization, externalId: "ext-2" }, "ext-2", "aws").Statement[0].Condition).to.deep.equal({
      StringEquals: { "sts:ExternalId": "ext-2", "aws:PrincipalOrgID": "o-a1b2c3d4e5" },
    });
  });

  it("pins several roles, sorted, and an organization besides them, under the account root", () => {
    const other = `arn:aws:iam::${CONSUMER}:role/a-reviewer`;
    const both: SharingConsumer = { ...roles, invokers: [CALLER_ROLE, other], readers: [CALLER_ROLE, other], tables: ["orders"], organizationId: "o-a1b2c3d4e5" };
    expect(invokerTrustPolicy(both, "ext-1", "aws-cn").Statement).to.deep.equal([
      {
        Effect: "Allow",
        Principal: { AWS: [`arn:aws-cn:iam::${CONSUMER}:root`] },
        Action: ["sts:AssumeRole"],
        Condition: { StringEquals: { "sts:ExternalId": "ext-1", "aws:PrincipalOrgID": "o-a1b2c3d4e5" }, ArnEquals: { "aws:PrincipalArn": [other, CALLER_ROLE] } },
      },
    ]);
    expect(tableReadPolicy("arn:aws:dynamodb:eu-west-1:222222222222:table/t", [["both", both]], "aws").Statement[0]).to.deep.include({
      Principal: { AWS: [`arn:aws:iam::${CONSUMER}:root`] },
      Condition: { StringEquals: { "aws:PrincipalOrgID": "o-a1b2c3d4e5" }, ArnEquals: { "aws:PrincipalArn": [other, CALLER_ROLE] } },
    });
    expect(invokePermission("both", both)).to.deep.equal({ statementId: "share-both", principal: CONSUMER, principalOrgId: "o-a1b2c3d4e5" });
  });

  it("pins each grant to its own roles: invokers in the trust, subscribers in topic policies, readers in table and key policies", () => {
    const [invoker, subscriber, reader] = ["intake", "queue", "reader"].map((name) => `arn:aws:iam::${CONSUMER}:role/${name}`);
    const consumer: SharingConsumer = { ...roles, invokers: [invoker], subscribers: [subscriber], readers: [reader], topics: ["credit-approval-requests"], tables: ["credit-bureaus"] };
    const pinned = (role: string) => ({ ArnEquals: { "aws:PrincipalArn": [role] } });
    expect(invokerTrustPolicy(consumer, "ext-1", "aws").Statement[0].Condition).to.deep.equal({ StringEquals: { "sts:ExternalId": "ext-1" }, ...pinned(invoker) });
    expect(topicSubscribePolicy("arn:aws:sns:eu-west-1:222222222222:t", [["lending", consumer]], "aws").Statement[0].Condition).to.deep.equal(pinned(subscriber));
    expect(tableReadPolicy("arn:aws:dynamodb:eu-west-1:222222222222:table/t", [["lending", consumer]], "aws").Statement[0].Condition).to.deep.equal(pinned(reader));
    expect(consumerKeyStatements([["lending", consumer]], { partition: "aws", region: "eu-west-1", account: PROD })[0].Condition).to.deep.equal({
      StringEquals: { "kms:ViaService": "dynamodb.eu-west-1.amazonaws.com" },
      ...pinned(reader),
    });
    expect(consumerConditions(consumer, "invokers")).to.deep.equal(pinned(invoker));
    expect(consumerRoles(consumer, "subscribers")).to.deep.equal([subscriber]);
    expect(consumerRoles(organization, "invokers")).to.equal(undefined);
  });

  it("refuses a trust with neither an external id nor an organization", () => {
    expect(() => invokerTrustPolicy({ ...roles, externalId: undefined }, undefined, "aws")).to.throw(/external id or an organization id/);
  });

  it("grants StartSyncExecution for Express machines, and no Describe/Stop, which Express executions do not support", () => {
    const express = "arn:aws:states:eu-west-1:222222222222:stateMachine:statecraft-prod-order-events";
    expect(invokerPolicy([{ arn: express, type: "EXPRESS" }]).Statement).to.deep.equal([
      { Effect: "Allow", Action: ["states:StartExecution", "states:StartSyncExecution"], Resource: [express], Condition: { "ForAnyValue:StringEquals": { "states:StateMachineQualifier": ["live"] } } },
    ]);
  });

  it("admits a consumer to a function by account, with principalOrgId for an organization consumer", () => {
    expect(invokePermission("lending", roles)).to.deep.equal({ statementId: "share-lending", principal: CONSUMER });
    expect(invokePermission("group", organization)).to.deep.equal({ statementId: "share-group", principal: CONSUMER, principalOrgId: "o-a1b2c3d4e5" });
  });

  it("conditions an organization consumer's topic, table and key statements on its organization", () => {
    const condition = { StringEquals: { "aws:PrincipalOrgID": "o-a1b2c3d4e5" } };
    expect(topicSubscribePolicy("arn:aws:sns:eu-west-1:222222222222:t", [["group", organization]], "aws").Statement[0]).to.deep.include({
      Sid: "GroupSubscribes",
      Principal: { AWS: [`arn:aws:iam::${CONSUMER}:root`] },
      Condition: condition,
    });
    expect(tableReadPolicy("arn:aws:dynamodb:eu-west-1:222222222222:table/t", [["group", organization]], "aws").Statement[0].Condition).to.deep.equal(condition);
    expect(consumerKeyStatements([["group", organization]], { partition: "aws", region: "eu-west-1", account: PROD })[0].Condition).to.deep.equal({
      StringEquals: { "kms:ViaService": "dynamodb.eu-west-1.amazonaws.com", "aws:PrincipalOrgID": "o-a1b2c3d4e5" },
    });
  });
});

describe("resolveSharedWorkflows (the consumer's check of the producer's output)", () => {
  const { config } = readStackFile("consumer");
  const good = { "credit-approval": { stateMachineArn: MACHINE, aliasArn: `${MACHINE}:live`, invokerRoleArn: INVOKER, type: "STANDARD" } };

  it("accepts what prod shares", () => {
    expect(resolveSharedWorkflows("consumer", config, good, ["credit-approval"])).to.deep.equal(good);
  });

  it("names statecraft:producerStack when the workflow is not shared", () => {
    expect(() => resolveSharedWorkflows("consumer", config, {}, ["credit-approval"])).to.throw(/Pulumi\.consumer\.yaml: .*statecraft:producerStack \(acme\/statecraft\/prod\): does not share credit-approval/s);
    expect(() => resolveSharedWorkflows("consumer", config, undefined, ["credit-approval"])).to.throw(/exports no sharedWorkflows/);
  });

  it("refuses a workflow shared from an account not on statecraft:trustedAccounts, or from another Region", () => {
    const elsewhere = { "credit-approval": { stateMachineArn: MACHINE.replace(PROD, "444444444444"), aliasArn: `${MACHINE.replace(PROD, "444444444444")}:live`, invokerRoleArn: INVOKER.replace(PROD, "444444444444"), type: "STANDARD" } };
    expect(() => resolveSharedWorkflows("consumer", config, elsewhere, ["credit-approval"])).to.throw(/account 444444444444, which is not on the allow-list statecraft:trustedAccounts/);
    const otherRegion = { "credit-approval": { ...good["credit-approval"], stateMachineArn: MACHINE.replace("eu-west-1", "us-east-1"), aliasArn: `${MACHINE.replace("eu-west-1", "us-east-1")}:live` } };
    expect(() => resolveSharedWorkflows("consumer", config, otherRegion, ["credit-approval"])).to.throw(/only in the same Region/);
  });

  it("refuses an invoker role of another account than the machine's", () => {
    const mixed = { "credit-approval": { ...good["credit-approval"], invokerRoleArn: INVOKER.replace(PROD, CONSUMER) } };
    expect(() => resolveSharedWorkflows("consumer", config, mixed, ["credit-approval"])).to.throw(/invokerRoleArn is not a role of the state machine's account 222222222222/);
  });
});
