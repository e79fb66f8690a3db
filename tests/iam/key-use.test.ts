import { expect } from "chai";
import { handlerGrantStatements, handlerPolicyStatements, HandlerGrantTargets } from "../../infra/iam/handler-grants";
import { PolicyStatement } from "../../infra/iam/policy";
import { EncryptedResource, executionServiceNeeds, keyUseNeeds, logDeliveryKeyStatement, viaService } from "../../infra/iam/service";

const ACCOUNT = "222222222222";
const KEY = `arn:aws:kms:eu-west-1:${ACCOUNT}:key/0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0`;
const OTHER_KEY = `arn:aws:kms:eu-west-1:${ACCOUNT}:key/11111111-2222-3333-4444-555555555555`;
const table = (name: string) => `arn:aws:dynamodb:eu-west-1:${ACCOUNT}:table/${name}`;
const TOPIC = `arn:aws:sns:eu-west-1:${ACCOUNT}:approvals`;
const SECRET = `arn:aws:secretsmanager:eu-west-1:${ACCOUNT}:secret:signing-key-AbC123`;
const allow = (Action: string[], Resource: string[]): PolicyStatement => ({ Effect: "Allow", Action, Resource });
const ENCRYPTED: EncryptedResource[] = [
  { kind: "table", arn: table("orders"), name: "orders", keyArn: KEY },
  { kind: "table", arn: table("bureaus"), name: "bureaus", keyArn: KEY },
  { kind: "topic", arn: TOPIC, name: "approvals", keyArn: KEY },
  { kind: "secret", arn: SECRET, name: "signing-key", keyArn: KEY },
];
const VIA_DYNAMODB = { StringEquals: { "kms:ViaService": "dynamodb.eu-west-1.amazonaws.com" } };

describe("keyUseNeeds (the key grants of a caller of encrypted resources)", () => {
  it("grants kms:Decrypt through DynamoDB to a role that only reads a table", () => {
    for (const action of ["dynamodb:GetItem", "dynamodb:Query", "dynamodb:Scan", "dynamodb:BatchGetItem"]) {
      expect(keyUseNeeds([allow([action], [table("bureaus")])], ENCRYPTED, "eu-west-1"), action).to.deep.equal([
        { statement: { Effect: "Allow", Action: ["kms:Decrypt"], Resource: [KEY], Condition: VIA_DYNAMODB }, neededBy: "the key of table bureaus" },
      ]);
    }
  });

  it("grants kms:GenerateDataKey and kms:Decrypt through SQS to a role that sends to an SSE-KMS queue, and nothing for another queue", () => {
    const queue = `arn:aws:sqs:eu-west-1:${ACCOUNT}:payment-requests`;
    const encrypted: EncryptedResource[] = [...ENCRYPTED, { kind: "queue", arn: queue, name: "payment-requests", keyArn: KEY }];
    expect(keyUseNeeds([allow(["sqs:SendMessage"], [queue])], encrypted, "eu-west-1")).to.deep.equal([
      {
        statement: { Effect: "Allow", Action: ["kms:Decrypt", "kms:GenerateDataKey"], Resource: [KEY], Condition: { StringEquals: { "kms:ViaService": "sqs.eu-west-1.amazonaws.com" } } },
        neededBy: "the key of queue payment-requests",
      },
    ]);
    expect(keyUseNeeds([allow(["sqs:SendMessage"], [`${queue}-other`])], encrypted, "eu-west-1")).to.deep.equal([]);
  });

  it("grants kms:Decrypt in a nested machine's encryption context to a role that starts it, and nothing for its executions alone", () => {
    const machine = `arn:aws:states:eu-west-1:${ACCOUNT}:stateMachine:identity-check`;
    const encrypted: EncryptedResource[] = [...ENCRYPTED, { kind: "stateMachine", arn: machine, name: "identity-check", keyArn: KEY }];
    expect(keyUseNeeds([allow(["states:StartExecution"], [machine])], encrypted, "eu-west-1")).to.deep.equal([
      {
        statement: { Effect: "Allow", Action: ["kms:Decrypt"], Resource: [KEY], Condition: { StringEquals: { "kms:EncryptionContext:aws:states:stateMachineArn": machine } } },
        neededBy: "the key of stateMachine identity-check",
      },
    ]);
    expect(keyUseNeeds([allow(["states:StartExecution"], [`${machine}-other`])], encrypted, "eu-west-1")).to.deep.equal([]);
  });

  it("grants no key use for DescribeTable, which reads no item", () => {
    expect(keyUseNeeds([allow(["dynamodb:DescribeTable"], [table("bureaus")])], ENCRYPTED, "eu-west-1")).to.deep.equal([]);
  });

  it("grants kms:Decrypt, kms:Encrypt and kms:GenerateDataKey through DynamoDB to a role that writes one, once per key", () => {
    const needs = keyUseNeeds([allow(["dynamodb:Scan"], [table("bureaus")]), allow(["dynamodb:PutItem", "dynamodb:UpdateItem"], [table("orders")])], ENCRYPTED, "eu-west-1");
    expect(needs).to.deep.equal([
      { statement: { Effect: "Allow", Action: ["kms:Decrypt", "kms:Encrypt", "kms:GenerateDataKey"], Resource: [KEY], Condition: VIA_DYNAMODB }, neededBy: "the key of table bureaus, table orders" },
    ]);
    for (const action of ["dynamodb:DeleteItem", "dynamodb:BatchWriteItem"]) {
      expect(keyUseNeeds([allow([action], [table("orders")])], ENCRYPTED, "eu-west-1")[0].statement.Action, action).to.deep.equal(["kms:Decrypt", "kms:Encrypt", "kms:GenerateDataKey"]);
    }
  });

  it("reaches a table through its index ARN, a wildcard action or a scoped wildcard resource", () => {
    expect(keyUseNeeds([allow(["dynamodb:Query"], [`${table("orders")}/index/by-customer`])], ENCRYPTED, "eu-west-1")).to.have.lengthOf(1);
    expect(keyUseNeeds([allow(["dynamodb:Put*"], [table("orders")])], ENCRYPTED, "eu-west-1")[0].statement.Action).to.include("kms:Encrypt");
    expect(keyUseNeeds([allow(["dynamodb:GetItem"], [`arn:aws:dynamodb:eu-west-1:${ACCOUNT}:table/*`])], ENCRYPTED, "eu-west-1")[0].neededBy).to.equal("the key of table bureaus, table orders");
  });

  it("grants nothing for a table action that reads and writes no items, a table of no stack key, or a Deny", () => {
    expect(keyUseNeeds([allow(["dynamodb:CreateBackup"], [table("orders")])], ENCRYPTED, "eu-west-1")).to.deep.equal([]);
    expect(keyUseNeeds([allow(["dynamodb:PutItem"], [table("unencrypted")])], ENCRYPTED, "eu-west-1")).to.deep.equal([]);
    expect(keyUseNeeds([{ Effect: "Deny", Action: ["dynamodb:PutItem"], Resource: [table("orders")] }], ENCRYPTED, "eu-west-1")).to.deep.equal([]);
  });

  it("grants Decrypt and GenerateDataKey through SNS to a publisher of an encrypted topic", () => {
    expect(keyUseNeeds([allow(["sns:Publish"], [TOPIC])], ENCRYPTED, "eu-west-1")).to.deep.equal([
      {
        statement: { Effect: "Allow", Action: ["kms:Decrypt", "kms:GenerateDataKey"], Resource: [KEY], Condition: { StringEquals: { "kms:ViaService": "sns.eu-west-1.amazonaws.com" } } },
        neededBy: "the key of topic approvals",
      },
    ]);
  });

  it("grants Decrypt through Secrets Manager, in the secret's encryption context, to a reader of an encrypted secret", () => {
    expect(keyUseNeeds([allow(["secretsmanager:GetSecretValue"], [SECRET])], ENCRYPTED, "eu-west-1")).to.deep.equal([
      {
        statement: {
          Effect: "Allow",
          Action: ["kms:Decrypt"],
          Resource: [KEY],
          Condition: { StringEquals: { "kms:ViaService": "secretsmanager.eu-west-1.amazonaws.com", "kms:EncryptionContext:SecretARN": SECRET } },
        },
        neededBy: "the key of secret signing-key",
      },
    ]);
  });

  it("keeps one statement per key and service, sorted by key", () => {
    const resources: EncryptedResource[] = [...ENCRYPTED, { kind: "table", arn: table("archive"), name: "archive", keyArn: OTHER_KEY }];
    const needs = keyUseNeeds([allow(["dynamodb:GetItem"], [table("archive"), table("orders")]), allow(["sns:Publish"], [TOPIC])], resources, "eu-west-1");
    expect(needs.map((n) => [n.statement.Resource[0], n.neededBy])).to.deep.equal([
      [KEY, "the key of table orders"],
      [KEY, "the key of topic approvals"],
      [OTHER_KEY, "the key of table archive"],
    ]);
  });

  it("names the China partition's service endpoints in kms:ViaService", () => {
    expect(viaService("dynamodb", "cn-north-1")).to.equal("dynamodb.cn-north-1.amazonaws.com.cn");
    expect(viaService("sns", "eu-west-1")).to.equal("sns.eu-west-1.amazonaws.com");
  });
});

describe("executionServiceNeeds and the key of log delivery", () => {
  const machine = `arn:aws:states:eu-west-1:${ACCOUNT}:stateMachine:orders`;
  const logKey = { Effect: "Allow", Action: ["kms:GenerateDataKey"], Resource: [KEY], Condition: { StringEquals: { "kms:EncryptionContext:SourceArn": `arn:aws:logs:eu-west-1:${ACCOUNT}:*` } } };

  it("adds kms:GenerateDataKey in the account's logs context when a machine both logs and uses a key", () => {
    expect(logDeliveryKeyStatement(KEY, { partition: "aws", region: "eu-west-1", account: ACCOUNT })).to.deep.equal(logKey);
    const needs = executionServiceNeeds({ logging: true, tracing: false, keyArn: KEY, stateMachineArn: machine });
    expect(needs.map((n) => n.neededBy)).to.deep.equal(["loggingConfiguration", "encryptionConfiguration", "loggingConfiguration with encryptionConfiguration"]);
    expect(needs[2].statement).to.deep.equal(logKey);
  });

  it("adds it neither without logging nor without a key", () => {
    const statements = (logging: boolean, keyArn?: string) => executionServiceNeeds({ logging, tracing: false, keyArn, stateMachineArn: machine }).map((n) => n.statement);
    expect(statements(false, KEY)).not.to.deep.include(logKey);
    expect(statements(true)).not.to.deep.include(logKey);
  });
});

describe("handler grants", () => {
  const targets: HandlerGrantTargets = {
    region: "eu-west-1",
    tableArn: (name) => table(`statecraft-prod-${name}`),
    topicArn: (name) => `arn:aws:sns:eu-west-1:${ACCOUNT}:statecraft-prod-${name}`,
    secretArn: (name) => `arn:aws:secretsmanager:eu-west-1:${ACCOUNT}:secret:statecraft-prod-${name}-AbC123`,
    bucketArn: (name) => `arn:aws:s3:::statecraft-prod-${name}-${ACCOUNT}-eu-west-1`,
    queueArn: (name) => `arn:aws:sqs:eu-west-1:222222222222:statecraft-prod-${name}`,
    backupTableArns: [table("statecraft-prod-orders")],
  };

  it("grants object actions under the prefix, and ListBucket only for keys under it", () => {
    const bucket = targets.bucketArn("datasets");
    expect(handlerGrantStatements({ kind: "bucketObjects", bucket: "datasets", prefix: "input/", actions: ["PutObject", "GetObject"], list: true }, targets)).to.deep.equal([
      { Effect: "Allow", Action: ["s3:GetObject", "s3:PutObject"], Resource: [`${bucket}/input/*`] },
      { Effect: "Allow", Action: ["s3:ListBucket"], Resource: [bucket], Condition: { StringLike: { "s3:prefix": "input/*" } } },
    ]);
  });

  it("gives a bucket's reader kms:Decrypt and its writer kms:GenerateDataKey too, through S3 and in the bucket's encryption context", () => {
    const bucket = targets.bucketArn("datasets");
    const encrypted: EncryptedResource[] = [
      { kind: "bucket", arn: bucket, name: "datasets", keyArn: KEY },
      { kind: "bucket", arn: targets.bucketArn("images"), name: "images", keyArn: KEY },
    ];
    const kms = (actions: ("GetObject" | "PutObject")[]) =>
      handlerPolicyStatements([{ kind: "bucketObjects", bucket: "datasets", prefix: "out/", actions }], { ...targets, encrypted }).filter((s) => s.Action.some((a) => a.startsWith("kms:")));
    expect(kms(["GetObject"])).to.deep.equal([
      { Effect: "Allow", Action: ["kms:Decrypt"], Resource: [KEY], Condition: { StringEquals: { "kms:ViaService": "s3.eu-west-1.amazonaws.com", "kms:EncryptionContext:aws:s3:arn": bucket } } },
    ]);
    expect(kms(["PutObject"])[0].Action).to.deep.equal(["kms:Decrypt", "kms:GenerateDataKey"]);
  });

  it("answers task tokens on *: SendTaskSuccess and SendTaskFailure have no resource type", () => {
    expect(handlerGrantStatements({ kind: "answerTaskTokens", workflow: "credit-approval" }, targets)).to.deep.equal([
      { Effect: "Allow", Action: ["states:SendTaskFailure", "states:SendTaskSuccess"], Resource: ["*"] },
    ]);
  });

  it("grants the listed item actions on the table, Publish on the topic, GetSecretValue on the secret's ARN and CreateBackup on the backup tables", () => {
    expect(handlerGrantStatements({ kind: "tableItems", table: "approval-requests", actions: ["UpdateItem", "GetItem"] }, targets)).to.deep.equal([
      { Effect: "Allow", Action: ["dynamodb:GetItem", "dynamodb:UpdateItem"], Resource: [table("statecraft-prod-approval-requests")] },
    ]);
    expect(handlerGrantStatements({ kind: "publish", topic: "credit-approval-requests" }, targets)).to.deep.equal([
      { Effect: "Allow", Action: ["sns:Publish"], Resource: [`arn:aws:sns:eu-west-1:${ACCOUNT}:statecraft-prod-credit-approval-requests`] },
    ]);
    expect(handlerGrantStatements({ kind: "readSecret", secret: "approval-signing-key" }, targets)).to.deep.equal([
      { Effect: "Allow", Action: ["secretsmanager:GetSecretValue"], Resource: [`arn:aws:secretsmanager:eu-west-1:${ACCOUNT}:secret:statecraft-prod-approval-signing-key-AbC123`] },
    ]);
    expect(handlerGrantStatements({ kind: "createBackups" }, targets)).to.deep.equal([{ Effect: "Allow", Action: ["dynamodb:CreateBackup"], Resource: [table("statecraft-prod-orders")] }]);
  });

  it("adds the key's use through each service for the encrypted resources the grants reach, and only those", () => {
    const grants = [
      { kind: "tableItems", table: "approval-requests", actions: ["GetItem", "PutItem"] },
      { kind: "publish", topic: "credit-approval-requests" },
      { kind: "readSecret", secret: "approval-signing-key" },
      { kind: "createBackups" },
    ] as const;
    const without = handlerPolicyStatements(grants, targets);
    expect(without.flatMap((s) => s.Action).filter((a) => a.startsWith("kms:"))).to.deep.equal([]);
    const encrypted: EncryptedResource[] = [
      { kind: "table", arn: targets.tableArn("approval-requests"), name: "approval-requests", keyArn: KEY },
      { kind: "table", arn: targets.tableArn("orders"), name: "orders", keyArn: KEY },
      { kind: "topic", arn: targets.topicArn("credit-approval-requests"), name: "credit-approval-requests", keyArn: KEY },
      { kind: "secret", arn: targets.secretArn("approval-signing-key"), name: "approval-signing-key", keyArn: KEY },
    ];
    const kms = handlerPolicyStatements(grants, { ...targets, encrypted }).filter((s) => s.Action.some((a) => a.startsWith("kms:")));
    expect(kms.map((s) => [s.Action, Object.values(s.Condition!.StringEquals)[0]])).to.deep.equal([
      [["kms:Decrypt"], "secretsmanager.eu-west-1.amazonaws.com"],
      [["kms:Decrypt", "kms:Encrypt", "kms:GenerateDataKey"], "dynamodb.eu-west-1.amazonaws.com"],
      [["kms:Decrypt", "kms:GenerateDataKey"], "sns.eu-west-1.amazonaws.com"],
    ]);
    // Backups use no key: a CreateBackup on an encrypted table is not a read of its items.
    expect(handlerPolicyStatements([{ kind: "createBackups" }], { ...targets, encrypted })).to.have.lengthOf(1);
  });

  it("lets a queue's consumer receive, delete and read its attributes, and decrypt (only) through SQS when the queue has a key", () => {
    const grant = { kind: "consumeQueue", queue: "payment-requests", batchSize: 10, maximumConcurrency: 5 } as const;
    const queueArn = targets.queueArn("payment-requests");
    expect(handlerPolicyStatements([grant], targets)).to.deep.equal([{ Effect: "Allow", Action: ["sqs:DeleteMessage", "sqs:GetQueueAttributes", "sqs:ReceiveMessage"], Resource: [queueArn] }]);
    const encrypted: EncryptedResource[] = [{ kind: "queue", arn: queueArn, name: "payment-requests", keyArn: KEY }];
    expect(handlerPolicyStatements([grant], { ...targets, encrypted })[1]).to.deep.equal({
      Effect: "Allow",
      Action: ["kms:Decrypt"],
      Resource: [KEY],
      Condition: { StringEquals: { "kms:ViaService": "sqs.eu-west-1.amazonaws.com" } },
    });
  });
});
