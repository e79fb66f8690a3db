import { expect } from "chai";
import { Authorizer, isServicePrincipal } from "../../local/authz/authorizer";
import { bridgeContext, bridgeContextKey, bridgePolicy } from "../../local/authz/encryption-context";
import { lambdaPermissionStatement, PlanIndex, type PlannedResource } from "../../local/authz/plan-index";
import { executionStartCalls, stateMachineOfExecution, withServiceKeyCalls } from "../../local/authz/service-calls";
import { authorizedClient, dynamodbAuthorization, s3Authorization } from "../../local/authz/clients";
import { LocalRunError } from "../../local/errors";

const A = "111111111111";
const B = "222222222222";
const ROLE = `arn:aws:iam::${A}:role/worker`;
const TABLE = `arn:aws:dynamodb:eu-west-1:${A}:table/orders`;
const KEY = `arn:aws:kms:eu-west-1:${A}:key/1234abcd-12ab-34cd-56ef-1234567890ab`;
const MACHINE = `arn:aws:states:eu-west-1:${A}:stateMachine:m`;

const doc = (...Statement: Record<string, unknown>[]) => JSON.stringify({ Version: "2012-10-17", Statement });
const role = (arn: string, policy: string, trust = doc({ Effect: "Allow", Principal: { Service: "states.amazonaws.com" }, Action: "sts:AssumeRole" })): PlannedResource[] => {
  const name = arn.split("/").pop()!;
  return [
    { type: "aws:iam/role:Role", name, inputs: { name, assumeRolePolicy: trust }, outputs: { arn, name } },
    { type: "aws:iam/rolePolicy:RolePolicy", name: `${name}-policy`, inputs: { role: name, name: "inline", policy } },
  ];
};
const keyResource = (policy: string): PlannedResource => ({ type: "aws:kms/key:Key", name: "key", inputs: { policy }, outputs: { arn: KEY } });
const ROOT_KEY_POLICY = doc({ Effect: "Allow", Principal: { AWS: `arn:aws:iam::${A}:root` }, Action: "kms:*", Resource: "*" });
const table = (): PlannedResource => ({ type: "aws:dynamodb/table:Table", name: "orders", inputs: { serverSideEncryption: { enabled: true, kmsKeyArn: KEY } }, outputs: { arn: TABLE } });

describe("the kms:EncryptionContext bridge", () => {
  it("renames kms:EncryptionContext keys, in any case, and nothing else", () => {
    expect(bridgeContextKey("kms:EncryptionContext:aws:states:stateMachineArn")).to.equal("aws:RequestTag/kms:EncryptionContext:aws:states:stateMachineArn");
    expect(bridgeContextKey("KMS:encryptioncontext:SourceArn")).to.equal("aws:RequestTag/kms:EncryptionContext:SourceArn");
    expect(bridgeContextKey("kms:ViaService")).to.equal("kms:ViaService");
    expect(bridgeContext({ "kms:EncryptionContext:a": "1", "aws:SourceArn": "x" })).to.deep.equal({ "aws:RequestTag/kms:EncryptionContext:a": "1", "aws:SourceArn": "x" });
    const policy = { Version: "2012-10-17", Statement: { Effect: "Allow", Action: "kms:Decrypt", Resource: "*", Condition: { StringEquals: { "kms:EncryptionContext:a": "1", "kms:ViaService": "s" } } } };
    expect(bridgePolicy(policy).Statement).to.deep.equal([{ ...policy.Statement, Condition: { StringEquals: { "aws:RequestTag/kms:EncryptionContext:a": "1", "kms:ViaService": "s" } } }]);
    expect(policy.Statement.Condition.StringEquals).to.have.property("kms:EncryptionContext:a");
  });

  it("lets the evaluator match an encryption-context condition it would otherwise never match, and still refuse another context", async () => {
    const grant = doc({ Effect: "Allow", Action: ["kms:Decrypt", "kms:GenerateDataKey"], Resource: KEY, Condition: { StringEquals: { "kms:EncryptionContext:aws:states:stateMachineArn": MACHINE } } });
    const authorizer = new Authorizer([{ stack: "s", resources: [...role(ROLE, grant), keyResource(ROOT_KEY_POLICY)] }]);
    const call = { principal: ROLE, action: "kms:GenerateDataKey", resource: KEY };
    expect((await authorizer.authorize({ ...call, context: { "kms:EncryptionContext:aws:states:stateMachineArn": MACHINE } })).allowed).to.equal(true);
    expect((await authorizer.authorize({ ...call, context: { "kms:EncryptionContext:aws:states:stateMachineArn": `${MACHINE}-other` } })).allowed).to.equal(false);
    expect((await authorizer.authorize(call)).allowed).to.equal(false);
  });
});

describe("Authorizer", () => {
  it("allows within the account on the identity policy alone, and names the policy that lacks a grant", async () => {
    const authorizer = new Authorizer([{ stack: "s", resources: role(ROLE, doc({ Effect: "Allow", Action: "dynamodb:PutItem", Resource: TABLE })) }]);
    const allowed = await authorizer.authorize({ principal: ROLE, action: "dynamodb:PutItem", resource: TABLE });
    expect(allowed).to.deep.include({ allowed: true, grants: ["identity worker/inline #1"] });
    const denied = await authorizer.authorize({ principal: ROLE, action: "dynamodb:DeleteItem", resource: TABLE });
    expect(denied.message).to.equal(
      `User: ${ROLE} is not authorized to perform: dynamodb:DeleteItem on resource: ${TABLE} because no identity-based policy allows the dynamodb:DeleteItem action (policies read: worker/inline)`,
    );
    expect(authorizer.decisions).to.have.length(2);
  });

  it("names an explicit deny and its statement", async () => {
    const policy = doc({ Effect: "Allow", Action: "dynamodb:*", Resource: TABLE }, { Sid: "NoDeletes", Effect: "Deny", Action: "dynamodb:DeleteItem", Resource: "*" });
    const authorizer = new Authorizer([{ stack: "s", resources: role(ROLE, policy) }]);
    const denied = await authorizer.authorize({ principal: ROLE, action: "dynamodb:DeleteItem", resource: TABLE });
    expect(denied.message).to.match(/with an explicit deny in the identity-based policy worker\/inline \(statement NoDeletes\)$/);
  });

  it("needs the key policy as well as the identity policy for a KMS key", async () => {
    const grant = doc({ Effect: "Allow", Action: "kms:Decrypt", Resource: KEY });
    const withoutRoot = new Authorizer([{ stack: "s", resources: [...role(ROLE, grant), keyResource(doc({ Effect: "Allow", Principal: { Service: "logs.amazonaws.com" }, Action: "kms:*", Resource: "*" }))] }]);
    const denied = await withoutRoot.authorize({ principal: ROLE, action: "kms:Decrypt", resource: KEY });
    expect(denied.allowed).to.equal(false);
    expect(denied.message).to.include(`no resource-based policy allows the kms:Decrypt action (read: the key policy of ${KEY})`);
    const withRoot = new Authorizer([{ stack: "s", resources: [...role(ROLE, grant), keyResource(ROOT_KEY_POLICY)] }]);
    expect((await withRoot.authorize({ principal: ROLE, action: "kms:Decrypt", resource: KEY })).allowed).to.equal(true);
  });

  it("needs both sides across accounts: the caller's identity policy and the role's trust", async () => {
    const caller = `arn:aws:iam::${B}:role/caller`;
    const target = `arn:aws:iam::${A}:role/invoker`;
    const trust = doc({ Effect: "Allow", Principal: { AWS: `arn:aws:iam::${B}:root` }, Action: "sts:AssumeRole", Condition: { ArnEquals: { "aws:PrincipalArn": caller } } });
    const plans = (callerPolicy: string) => [
      { stack: "producer", resources: role(target, doc({ Effect: "Allow", Action: "states:StartExecution", Resource: MACHINE }), trust) },
      { stack: "consumer", resources: role(caller, callerPolicy) },
    ];
    const both = new Authorizer(plans(doc({ Effect: "Allow", Action: "sts:AssumeRole", Resource: target })));
    expect((await both.authorize({ principal: caller, action: "sts:AssumeRole", resource: target })).allowed).to.equal(true);
    const trustOnly = new Authorizer(plans(doc({ Effect: "Allow", Action: "sqs:SendMessage", Resource: "*" })));
    const denied = await trustOnly.authorize({ principal: caller, action: "sts:AssumeRole", resource: target });
    expect(denied.message).to.include("no identity-based policy allows the sts:AssumeRole action").and.not.include("no resource-based policy");
    const stranger = `arn:aws:iam::${B}:role/stranger`;
    const other = new Authorizer([...plans(doc({ Effect: "Allow", Action: "sts:AssumeRole", Resource: target })), { stack: "x", resources: role(stranger, doc({ Effect: "Allow", Action: "sts:AssumeRole", Resource: target })) }]);
    expect((await other.authorize({ principal: stranger, action: "sts:AssumeRole", resource: target })).message).to.include(`no resource-based policy allows the sts:AssumeRole action (read: the trust policy of ${target})`);
  });

  it("evaluates a service principal against the resource's policy only, with its aws:SourceArn", async () => {
    const functionArn = `arn:aws:lambda:eu-west-1:${A}:function:f`;
    const resources: PlannedResource[] = [
      { type: "aws:lambda/function:Function", name: "f", inputs: { name: "f", role: ROLE }, outputs: { arn: functionArn } },
      { type: "aws:lambda/permission:Permission", name: "p", inputs: { function: "f", action: "lambda:InvokeFunction", principal: "apigateway.amazonaws.com", sourceArn: `arn:aws:execute-api:eu-west-1:${A}:api1/*/*/approvals/*` } },
    ];
    const authorizer = new Authorizer([{ stack: "s", resources }]);
    const call = { principal: "apigateway.amazonaws.com", action: "lambda:InvokeFunction", resource: functionArn };
    expect((await authorizer.authorize({ ...call, context: { "aws:SourceArn": `arn:aws:execute-api:eu-west-1:${A}:api1/$default/GET/approvals/r/approve` } })).allowed).to.equal(true);
    const denied = await authorizer.authorize({ ...call, context: { "aws:SourceArn": `arn:aws:execute-api:eu-west-1:${A}:api2/$default/GET/approvals/r/approve` } });
    expect(denied.message).to.equal(
      `User: apigateway.amazonaws.com is not authorized to perform: lambda:InvokeFunction on resource: ${functionArn} because no resource-based policy allows the lambda:InvokeFunction action (read: the resource-based policy (Lambda permissions) of ${functionArn})`,
    );
  });

  it("refuses, as a bug of the run, an action that does not exist", async () => {
    const authorizer = new Authorizer([{ stack: "s", resources: role(ROLE, doc({ Effect: "Allow", Action: "*", Resource: "*" })) }]);
    const error = await authorizer.authorize({ principal: ROLE, action: "dynamodb:PutItemz", resource: TABLE }).then(() => undefined, (e: Error) => e);
    expect(error?.message).to.match(/^the IAM evaluator refused dynamodb:PutItemz/);
  });

  it("recognises service principals", () => {
    expect(isServicePrincipal("states.amazonaws.com")).to.equal(true);
    expect(isServicePrincipal(ROLE)).to.equal(false);
  });
});

describe("PlanIndex", () => {
  it("reads roles with inline and attached policies, keys by resource, functions and state machines", () => {
    const policyArn = `arn:aws:iam::${A}:policy/extra`;
    const index = new PlanIndex([
      {
        stack: "s",
        resources: [
          ...role(ROLE, doc({ Effect: "Allow", Action: "sns:Publish", Resource: "*" })),
          { type: "aws:iam/policy:Policy", name: "extra", inputs: { policy: doc({ Effect: "Allow", Action: "sqs:SendMessage", Resource: "*" }) }, outputs: { arn: policyArn } },
          { type: "aws:iam/rolePolicyAttachment:RolePolicyAttachment", name: "att", inputs: { role: "worker", policyArn } },
          table(),
          keyResource(ROOT_KEY_POLICY),
          {
            type: "aws:sfn/stateMachine:StateMachine",
            name: "m",
            inputs: { name: "m", roleArn: ROLE, type: "EXPRESS", encryptionConfiguration: { type: "CUSTOMER_MANAGED_KMS_KEY", kmsKeyId: KEY }, loggingConfiguration: { level: "ALL" } },
            outputs: { arn: MACHINE },
          },
        ],
      },
    ]);
    expect(index.role(ROLE)!.policies.map((p) => p.name)).to.deep.equal(["worker/inline", policyArn]);
    expect(index.keys.get(TABLE)).to.equal(KEY);
    expect(index.stateMachines.get(MACHINE)).to.deep.equal({ arn: MACHINE, name: "m", roleArn: ROLE, type: "EXPRESS", keyArn: KEY, logs: true });
    expect(index.resourcePolicies.get(KEY)!.label).to.equal(`the key policy of ${KEY}`);
  });

  it("leaves out of a trust the conditions on a secret the offline plan only knows as a stand-in, and says which", () => {
    const trust = doc({ Effect: "Allow", Principal: { AWS: `arn:aws:iam::${B}:root` }, Action: "sts:AssumeRole", Condition: { StringEquals: { "sts:ExternalId": "offline-secret:statecraft:sharing.x.externalId" }, ArnEquals: { "aws:PrincipalArn": "r" } } });
    const index = new PlanIndex([{ stack: "s", resources: role(ROLE, doc(), trust) }]);
    expect(index.role(ROLE)!.uncheckedSecrets).to.deep.equal(["sts:ExternalId"]);
    expect((index.role(ROLE)!.trust.Statement as Record<string, unknown>[])[0].Condition).to.deep.equal({ ArnEquals: { "aws:PrincipalArn": "r" } });
  });

  it("writes a Lambda permission as AddPermission writes its statement", () => {
    const fn = `arn:aws:lambda:eu-west-1:${A}:function:f`;
    expect(lambdaPermissionStatement({ statementId: "share-lending", action: "lambda:InvokeFunction", principal: B, principalOrgId: "o-abcdefghij" }, fn)).to.deep.equal({
      Sid: "share-lending",
      Effect: "Allow",
      Principal: { AWS: `arn:aws:iam::${B}:root` },
      Action: "lambda:InvokeFunction",
      Resource: fn,
      Condition: { StringEquals: { "aws:PrincipalOrgID": "o-abcdefghij" } },
    });
    expect(lambdaPermissionStatement({ action: "lambda:InvokeFunction", principal: "events.amazonaws.com", sourceArn: "arn:x", sourceAccount: A, qualifier: "live" }, fn)).to.deep.include({
      Principal: { Service: "events.amazonaws.com" },
      Resource: `${fn}:live`,
      Condition: { ArnLike: { "AWS:SourceArn": "arn:x" }, StringEquals: { "AWS:SourceAccount": A } },
    });
  });
});

describe("service key calls", () => {
  const index = new PlanIndex([{ stack: "s", resources: [table(), keyResource(ROOT_KEY_POLICY)] }]);

  it("adds kms:Decrypt through DynamoDB for an item call on an encrypted table, nothing for an unencrypted one", () => {
    const calls = withServiceKeyCalls(index, { principal: ROLE, action: "dynamodb:PutItem", resource: TABLE });
    expect(calls.map((c) => c.action)).to.deep.equal(["dynamodb:PutItem", "kms:Decrypt"]);
    expect(calls[1]).to.deep.include({ principal: ROLE, resource: KEY });
    expect(calls[1].context).to.deep.include({ "kms:ViaService": "dynamodb.eu-west-1.amazonaws.com", "kms:EncryptionContext:aws:dynamodb:tableName": "orders" });
    expect(withServiceKeyCalls(index, { principal: ROLE, action: "dynamodb:PutItem", resource: `${TABLE}-plain` })).to.have.length(1);
    expect(withServiceKeyCalls(index, { principal: ROLE, action: "dynamodb:CreateBackup", resource: TABLE })).to.have.length(1);
  });

  it("checks at execution start the trust of the execution role, the machine's key and, when it logs, log delivery's", () => {
    const calls = executionStartCalls({ arn: MACHINE, name: "m", roleArn: ROLE, type: "STANDARD", keyArn: KEY, logs: true });
    expect(calls.map((c) => `${c.principal} ${c.action}`)).to.deep.equal([
      "states.amazonaws.com sts:AssumeRole",
      `${ROLE} kms:GenerateDataKey`,
      `${ROLE} kms:Decrypt`,
      `${ROLE} kms:GenerateDataKey`,
      "delivery.logs.amazonaws.com kms:Decrypt",
    ]);
    expect(calls[3].context).to.deep.include({ "kms:EncryptionContext:SourceArn": `arn:aws:logs:eu-west-1:${A}:*` });
    const logGroupArn = `arn:aws:logs:eu-west-1:${A}:log-group:/aws/vendedlogs/states/dev-m`;
    expect(executionStartCalls({ arn: MACHINE, name: "m", roleArn: ROLE, type: "STANDARD", keyArn: KEY, logs: true, logGroupArn })[4].context).to.deep.include({ "aws:SourceArn": logGroupArn });
    expect(executionStartCalls({ arn: MACHINE, name: "m", roleArn: ROLE, type: "STANDARD", logs: true })).to.have.length(1);
    expect(stateMachineOfExecution(`arn:aws:states:eu-west-1:${A}:execution:m:run-1`)).to.equal(MACHINE);
  });
});

describe("S3 objects of an SSE-KMS bucket", () => {
  const BUCKET = "arn:aws:s3:::statecraft-prod-datasets-111111111111-eu-west-1";
  const encryption: PlannedResource = {
    type: "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration",
    name: "datasets-encryption",
    inputs: { bucket: BUCKET.split(":::")[1], rules: [{ applyServerSideEncryptionByDefault: { sseAlgorithm: "aws:kms", kmsMasterKeyId: KEY }, bucketKeyEnabled: true }] },
  };
  const keyGrant = { Effect: "Allow", Action: ["kms:Decrypt", "kms:GenerateDataKey"], Resource: KEY, Condition: { StringEquals: { "kms:ViaService": "s3.eu-west-1.amazonaws.com", "kms:EncryptionContext:aws:s3:arn": BUCKET } } };
  const objects = { Effect: "Allow", Action: ["s3:GetObject", "s3:PutObject"], Resource: `${BUCKET}/out/*` };
  const authorizerWith = (...statements: Record<string, unknown>[]) => new Authorizer([{ stack: "s", resources: [...role(ROLE, doc(...statements)), encryption, keyResource(ROOT_KEY_POLICY)] }]);

  it("adds kms:GenerateDataKey for a write and kms:Decrypt for a read, through S3 in the bucket's encryption context", () => {
    const index = new PlanIndex([{ stack: "s", resources: [encryption] }]);
    const write = withServiceKeyCalls(index, { principal: ROLE, action: "s3:PutObject", resource: `${BUCKET}/out/a.json` });
    expect(write.map((c) => [c.action, c.resource])).to.deep.equal([["s3:PutObject", `${BUCKET}/out/a.json`], ["kms:GenerateDataKey", KEY]]);
    expect(write[1].context).to.deep.include({ "kms:ViaService": "s3.eu-west-1.amazonaws.com", "kms:EncryptionContext:aws:s3:arn": BUCKET });
    expect(withServiceKeyCalls(index, { principal: ROLE, action: "s3:GetObject", resource: `${BUCKET}/out/a.json` }).map((c) => c.action)).to.deep.equal(["s3:GetObject", "kms:Decrypt"]);
    expect(withServiceKeyCalls(index, { principal: ROLE, action: "s3:ListBucket", resource: BUCKET })).to.have.length(1);
  });

  it("serves a write under the granted prefix with the key grant, and denies it without the grant, or in another bucket's context", async () => {
    const put = (authorizer: Authorizer, key = "out/a.json") =>
      authorizedClient({ send: async (_command: never) => "stored" }, authorizer, ROLE, s3Authorization("aws"), { call: "AccessDenied", kms: "KMS.AccessDeniedException" })
        .send(Object.assign(Object.create({ constructor: { name: "PutObjectCommand" } }), { input: { Bucket: BUCKET.split(":::")[1], Key: key, Body: "{}" } }) as never)
        .then((r) => r, (e: Error) => e);
    expect(await put(authorizerWith(objects, keyGrant))).to.equal("stored");
    expect(await put(authorizerWith(objects, keyGrant), "in/a.json")).to.include({ name: "AccessDenied" });
    const noKey = (await put(authorizerWith(objects))) as Error;
    expect(noKey).to.include({ name: "KMS.AccessDeniedException" });
    expect(noKey.message).to.include(`kms:GenerateDataKey on resource: ${KEY}`);
    const otherContext = { ...keyGrant, Condition: { StringEquals: { ...keyGrant.Condition.StringEquals, "kms:EncryptionContext:aws:s3:arn": "arn:aws:s3:::other" } } };
    expect(await put(authorizerWith(objects, otherContext))).to.include({ name: "KMS.AccessDeniedException" });
  });

  it("maps ListObjectsV2 to s3:ListBucket on the bucket with s3:prefix, and refuses a command without a bucket", () => {
    const map = s3Authorization("aws");
    const list = Object.assign(Object.create({ constructor: { name: "ListObjectsV2Command" } }), { input: { Bucket: "b", Prefix: "uploads/" } });
    expect(map(list)).to.deep.equal({ action: "s3:ListBucket", resource: "arn:aws:s3:::b", context: { "s3:prefix": "uploads/" } });
    expect(map(Object.assign(Object.create({ constructor: { name: "ListBucketsCommand" } }), { input: {} }))).to.equal(undefined);
  });
});

describe("authorizedClient", () => {
  const authorizer = new Authorizer([{ stack: "s", resources: [...role(ROLE, doc({ Effect: "Allow", Action: "dynamodb:GetItem", Resource: TABLE })), table(), keyResource(ROOT_KEY_POLICY)] }]);
  class GetItemCommand {
    constructor(readonly input: Record<string, unknown>) {}
  }
  class BatchWriteItemCommand {
    constructor(readonly input: Record<string, unknown>) {}
  }
  const served: string[] = [];
  const target = { send: async (command: { constructor: { name: string } }) => served.push(command.constructor.name) };
  const client = authorizedClient(target, authorizer, ROLE, dynamodbAuthorization(ROLE, "eu-west-1"), { call: "AccessDeniedException", kms: "AccessDeniedException" });

  it("serves an allowed command, and rejects one whose key the role may not use as the SDK would, serving nothing", async () => {
    const error = await client.send(new GetItemCommand({ TableName: "orders" }) as never).then(() => undefined, (e: Error) => e);
    expect(error).to.include({ name: "AccessDeniedException" });
    expect(error?.message).to.include(`is not authorized to perform: kms:Decrypt on resource: ${KEY}`);
    expect(served).to.deep.equal([]);
  });

  it("refuses, as a problem of the local run, a command it cannot map to an IAM action and resource", async () => {
    const error = await client.send(new BatchWriteItemCommand({ RequestItems: {} }) as never).then(() => undefined, (e: Error) => e);
    expect(error).to.be.instanceOf(LocalRunError);
    expect(error?.message).to.include("sent BatchWriteItemCommand, which the local run cannot map");
    expect(served).to.deep.equal([]);
  });
});
