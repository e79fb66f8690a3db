import { expect } from "chai";
import { stackContents } from "../../infra/manifest";
import { parseStackConfig, readStackFile } from "../../infra/config";
import { DYNAMODB_READ_ACTIONS, DYNAMODB_WRITE_ACTIONS } from "../../infra/iam/service";
import { RegisteredResource } from "../../offline/mocks";
import { Plan, runPlan } from "../../offline/plan";
import { plans as shippedPlans } from "../local/plans";
import { stackConfigError } from "./config-error";

const ROLE_POLICY = "aws:iam/rolePolicy:RolePolicy";
const PROD = "222222222222";

interface Statement {
  Effect: string;
  Action: string[];
  Resource: string[];
  Condition?: Record<string, Record<string, string | string[]>>;
}

function find(plan: Plan, type: string, name: string): RegisteredResource {
  const found = plan.resources.find((r) => r.type === type && r.name === name);
  if (!found) throw new Error(`${type} ${name} was not registered`);
  return found;
}
const ofType = (plan: Plan, type: string) => plan.resources.filter((r) => r.type === type);
const statementsOf = (policy: RegisteredResource): Statement[] => JSON.parse(policy.inputs.policy as string).Statement;

/** The key statements a role policy holds, by the service they go through (or the context they are pinned to). */
function keyGrants(policy: RegisteredResource): Record<string, string[]> {
  const grants: Record<string, string[]> = {};
  for (const statement of statementsOf(policy).filter((s) => s.Action.some((a) => a.startsWith("kms:")))) {
    const equals = statement.Condition?.StringEquals ?? {};
    const via = equals["kms:ViaService"] as string | undefined;
    const by = via ? via.split(".")[0] : Object.keys(equals).find((key) => key.startsWith("kms:EncryptionContext:")) ?? "unconditioned";
    grants[by] = statement.Action;
  }
  return grants;
}

const configError = (raw: Record<string, string>, stack: string) => stackConfigError(stack, raw);

describe("approvals infrastructure and customer-managed key grants under mocks", function () {
  this.timeout(60_000);
  const plans: Record<string, Plan> = {};
  before(async () => {
    plans.dev = await shippedPlans("dev");
    plans.consumer = await shippedPlans("consumer");
    plans.prod = await shippedPlans("prod");
  });

  describe("the key's use by every role that touches a CMK-encrypted table, topic or secret", () => {
    it("grants each role of prod and consumer the key through each service it calls, and only those", () => {
      for (const stack of ["prod", "consumer"]) {
        const plan = plans[stack];
        const tables = ofType(plan, "aws:dynamodb/table:Table").map((t) => t.outputs?.arn as string);
        const topics = ofType(plan, "aws:sns/topic:Topic").map((t) => t.outputs?.arn as string);
        const secrets = ofType(plan, "aws:secretsmanager/secret:Secret").map((t) => t.outputs?.arn as string);
        for (const policy of ofType(plan, ROLE_POLICY)) {
          const allowed = statementsOf(policy);
          const on = (actions: readonly string[], arns: string[]) => allowed.some((s) => s.Action.some((a) => actions.includes(a)) && s.Resource.some((r) => arns.includes(r)));
          const expected: Record<string, string[]> = {};
          if (on(DYNAMODB_WRITE_ACTIONS, tables)) expected.dynamodb = ["kms:Decrypt", "kms:Encrypt", "kms:GenerateDataKey"];
          else if (on(DYNAMODB_READ_ACTIONS, tables)) expected.dynamodb = ["kms:Decrypt"];
          if (on(["sns:Publish"], topics)) expected.sns = ["kms:Decrypt", "kms:GenerateDataKey"];
          if (on(["secretsmanager:GetSecretValue"], secrets)) expected.secretsmanager = ["kms:Decrypt"];
          const grants = keyGrants(policy);
          const services = Object.fromEntries(Object.entries(grants).filter(([by]) => ["dynamodb", "sns", "secretsmanager"].includes(by)));
          expect(services, `${stack} ${policy.name}`).to.deep.equal(expected);
          expect(grants, `${stack} ${policy.name}`).not.to.have.property("unconditioned");
        }
      }
    });

    it("covers the execution roles of order-events (writes), credit-approval (reads), backup-orchestration (publishes), the consumer's loan-intake (writes), the approval request's role (all three) and the callback's (table and secret)", () => {
      expect(keyGrants(find(plans.prod, ROLE_POLICY, "order-events-role-policy")).dynamodb).to.deep.equal(["kms:Decrypt", "kms:Encrypt", "kms:GenerateDataKey"]);
      expect(keyGrants(find(plans.prod, ROLE_POLICY, "credit-approval-role-policy")).dynamodb).to.deep.equal(["kms:Decrypt"]);
      expect(keyGrants(find(plans.prod, ROLE_POLICY, "backup-orchestration-role-policy")).sns).to.deep.equal(["kms:Decrypt", "kms:GenerateDataKey"]);
      expect(keyGrants(find(plans.consumer, ROLE_POLICY, "loan-intake-role-policy")).dynamodb).to.deep.equal(["kms:Decrypt", "kms:Encrypt", "kms:GenerateDataKey"]);
      expect(Object.keys(keyGrants(find(plans.prod, ROLE_POLICY, "approval-request-role-policy")))).to.have.members(["dynamodb", "sns", "secretsmanager"]);
      expect(Object.keys(keyGrants(find(plans.prod, ROLE_POLICY, "approval-callback-role-policy")))).to.have.members(["dynamodb", "secretsmanager"]);
    });

    it("gives the approval request and the internet-facing callback each exactly its own grants, each key use pinned", () => {
      const keyArn = find(plans.prod, "aws:kms/key:Key", "platform-key").outputs?.arn as string;
      const secretArn = find(plans.prod, "aws:secretsmanager/secret:Secret", "approval-signing-key").outputs?.arn as string;
      expect(secretArn).to.match(new RegExp(`^arn:aws:secretsmanager:eu-west-1:${PROD}:secret:statecraft-prod-approval-signing-key-[A-Za-z0-9]{6}$`));
      const table = `arn:aws:dynamodb:eu-west-1:${PROD}:table/statecraft-prod-approval-requests`;
      const secretKey = {
        Effect: "Allow",
        Condition: { StringEquals: { "kms:EncryptionContext:SecretARN": secretArn, "kms:ViaService": "secretsmanager.eu-west-1.amazonaws.com" } },
        Action: ["kms:Decrypt"],
        Resource: [keyArn],
      };
      const xray = ["xray:GetSamplingRules", "xray:GetSamplingTargets", "xray:PutTelemetryRecords", "xray:PutTraceSegments"];
      const logs = (fn: string) => ({ Effect: "Allow", Action: ["logs:CreateLogStream", "logs:PutLogEvents"], Resource: [`arn:aws:logs:eu-west-1:${PROD}:log-group:/aws/lambda/statecraft-prod-${fn}:*`] });
      expect(statementsOf(find(plans.prod, ROLE_POLICY, "approval-request-role-policy"))).to.deep.equal([
        { Effect: "Allow", Action: ["dynamodb:PutItem"], Resource: [table] },
        secretKey,
        { Effect: "Allow", Condition: { StringEquals: { "kms:ViaService": "dynamodb.eu-west-1.amazonaws.com" } }, Action: ["kms:Decrypt", "kms:Encrypt", "kms:GenerateDataKey"], Resource: [keyArn] },
        { Effect: "Allow", Condition: { StringEquals: { "kms:ViaService": "sns.eu-west-1.amazonaws.com" } }, Action: ["kms:Decrypt", "kms:GenerateDataKey"], Resource: [keyArn] },
        logs("approval-request"),
        { Effect: "Allow", Action: ["secretsmanager:GetSecretValue"], Resource: [secretArn] },
        { Effect: "Allow", Action: ["sns:Publish"], Resource: [`arn:aws:sns:eu-west-1:${PROD}:statecraft-prod-credit-approval-requests`] },
        { Effect: "Allow", Action: xray, Resource: ["*"] },
      ]);
      expect(statementsOf(find(plans.prod, ROLE_POLICY, "approval-callback-role-policy"))).to.deep.equal([
        { Effect: "Allow", Action: ["dynamodb:GetItem", "dynamodb:UpdateItem"], Resource: [table] },
        secretKey,
        { Effect: "Allow", Condition: { StringEquals: { "kms:ViaService": "dynamodb.eu-west-1.amazonaws.com" } }, Action: ["kms:Decrypt", "kms:Encrypt", "kms:GenerateDataKey"], Resource: [keyArn] },
        logs("approval-callback"),
        { Effect: "Allow", Action: ["secretsmanager:GetSecretValue"], Resource: [secretArn] },
        { Effect: "Allow", Action: ["states:SendTaskFailure", "states:SendTaskSuccess", ...xray], Resource: ["*"] },
      ]);
    });

    it("denies reading the signing key to every principal but the two approval functions and the deployer", () => {
      const secretArn = find(plans.prod, "aws:secretsmanager/secret:Secret", "approval-signing-key").outputs?.arn as string;
      const policy = find(plans.prod, "aws:secretsmanager/secretPolicy:SecretPolicy", "approval-signing-key-policy");
      expect(policy.parent).to.equal("statecraft:index:GeneratedSecret::approval-signing-key");
      expect(policy.inputs.secretArn).to.equal(secretArn);
      expect(policy.inputs.blockPublicPolicy).to.equal(true);
      expect(JSON.parse(policy.inputs.policy as string)).to.deep.equal({
        Version: "2012-10-17",
        Statement: [
          {
            Sid: "OnlyItsReadersGetTheValue",
            Effect: "Deny",
            Principal: "*",
            Action: ["secretsmanager:GetSecretValue"],
            Resource: ["*"],
            Condition: {
              ArnNotLike: {
                "aws:PrincipalArn": [
                  `arn:aws:iam::${PROD}:role/statecraft-prod-approval-callback-role`,
                  `arn:aws:iam::${PROD}:role/statecraft-prod-approval-request-role`,
                  `arn:aws:iam::${PROD}:role/statecraft-deployer`,
                  `arn:aws:iam::${PROD}:role/*/statecraft-deployer`,
                ],
              },
            },
          },
        ],
      });
    });

    it("grants log delivery the key on every machine of prod and consumer, and no key at all in dev", () => {
      for (const stack of ["prod", "consumer"]) {
        const account = stack === "prod" ? PROD : "333333333333";
        for (const machine of ofType(plans[stack], "aws:sfn/stateMachine:StateMachine")) {
          const statements = statementsOf(find(plans[stack], ROLE_POLICY, `${machine.name}-role-policy`));
          expect(statements, `${stack} ${machine.name}`).to.deep.include({
            Effect: "Allow",
            Condition: { StringEquals: { "kms:EncryptionContext:SourceArn": `arn:aws:logs:eu-west-1:${account}:*` } },
            Action: ["kms:GenerateDataKey"],
            Resource: [find(plans[stack], "aws:kms/key:Key", "platform-key").outputs?.arn],
          });
        }
      }
      for (const policy of ofType(plans.dev, ROLE_POLICY)) {
        expect(statementsOf(policy).flatMap((s) => s.Action).filter((a) => a.startsWith("kms:")), policy.name).to.deep.equal([]);
      }
    });
  });

  describe("the key outlives what it encrypts", () => {
    it("retains and protects the key of prod and consumer, whose tables are retained", () => {
      for (const stack of ["prod", "consumer"]) {
        expect(find(plans[stack], "aws:kms/key:Key", "platform-key").options, stack).to.deep.equal({ retainOnDelete: true, protect: true });
      }
      expect(ofType(plans.dev, "aws:kms/key:Key")).to.deep.equal([]);
    });

    it("lets log delivery use the key only for this account's log resources", () => {
      const statements = JSON.parse(find(plans.prod, "aws:kms/key:Key", "platform-key").inputs.policy as string).Statement;
      expect(statements.find((s: { Sid: string }) => s.Sid === "LogDeliveryUsesKeyForVendedLogs").Condition).to.deep.equal({
        StringEquals: { "aws:SourceAccount": PROD },
        ArnLike: { "aws:SourceArn": `arn:aws:logs:eu-west-1:${PROD}:*` },
      });
    });
  });

  describe("the approval request's path: topic subscriptions, signing secret, HTTP API", () => {
    it("subscribes each approver of statecraft:approvers to the approval topic", () => {
      // The approval topic's subscriptions (the alerts topic has its own subscribers).
      const subscriptions = ofType(plans.prod, "aws:sns/topicSubscription:TopicSubscription").filter((s) => String(s.inputs.topic).endsWith("-credit-approval-requests"));
      expect(subscriptions.map((s) => s.inputs)).to.have.deep.members([
        { topic: `arn:aws:sns:eu-west-1:${PROD}:statecraft-prod-credit-approval-requests`, protocol: "email", endpoint: "risk-officers@acme.example" },
        { topic: `arn:aws:sns:eu-west-1:${PROD}:statecraft-prod-credit-approval-requests`, protocol: "https", endpoint: "https://hooks.acme.example/approvals" },
      ]);
      for (const subscription of subscriptions) expect(subscription.parent).to.equal("statecraft:index:Platform::statecraft");
      expect(ofType(plans.dev, "aws:sns/topicSubscription:TopicSubscription").map((s) => s.inputs.endpoint)).to.deep.equal(["credit-approvals-dev@acme.example"]);
      expect(ofType(plans.consumer, "aws:sns/topicSubscription:TopicSubscription")).to.deep.equal([]);
    });

    it("creates the signing secret with a random value of the manifest's length, encrypted with the stack key in prod", () => {
      const keyArn = find(plans.prod, "aws:kms/key:Key", "platform-key").outputs?.arn;
      const secret = find(plans.prod, "aws:secretsmanager/secret:Secret", "approval-signing-key");
      expect(secret.parent).to.equal("statecraft:index:GeneratedSecret::approval-signing-key");
      // Deleted at once when it leaves the stack, so a destroyed stack can be deployed again under the same name.
      expect(secret.inputs).to.include({ name: "statecraft-prod-approval-signing-key", kmsKeyId: keyArn, recoveryWindowInDays: 0 });
      expect(secret.inputs.policy).to.equal(undefined);
      expect(find(plans.prod, "random:index/randomPassword:RandomPassword", "approval-signing-key-value").inputs).to.deep.equal({ length: 64, special: false });
      const version = find(plans.prod, "aws:secretsmanager/secretVersion:SecretVersion", "approval-signing-key-version");
      expect(version.inputs.secretId).to.equal(secret.outputs?.arn);
      expect(version.inputs.secretString).to.match(/^[A-Za-z0-9]{64}$/);
      expect(version.secretInputs).to.deep.equal(["secretString"]);
      expect(JSON.stringify(plans.prod.outputs)).not.to.contain(version.inputs.secretString as string);
      const dev = find(plans.dev, "aws:secretsmanager/secret:Secret", "approval-signing-key");
      expect(dev.inputs.kmsKeyId).to.equal(undefined);
      expect(dev.inputs.recoveryWindowInDays).to.equal(0);
    });

    it("creates the HTTP API before the functions, with a logged and throttled $default stage", () => {
      const names = plans.prod.resources.map((r) => `${r.type}::${r.name}`);
      expect(names.indexOf("aws:apigatewayv2/api:Api::approvals")).to.be.lessThan(names.indexOf("aws:lambda/function:Function::approval-callback"));
      const api = find(plans.prod, "aws:apigatewayv2/api:Api", "approvals");
      expect(api.inputs).to.include({ name: "statecraft-prod-approvals", protocolType: "HTTP" });
      const stage = find(plans.prod, "aws:apigatewayv2/stage:Stage", "approvals-stage");
      const logGroup = find(plans.prod, "aws:cloudwatch/logGroup:LogGroup", "approvals-access-logs");
      expect(logGroup.inputs).to.include({ name: "/aws/vendedlogs/apigateway/prod-approvals", retentionInDays: 365 });
      expect(logGroup.inputs.kmsKeyId).to.match(/^arn:aws:kms:/);
      expect(stage.inputs).to.deep.include({ apiId: api.outputs?.id, name: "$default", autoDeploy: true, defaultRouteSettings: { throttlingRateLimit: 5, throttlingBurstLimit: 10 } });
      const logs = stage.inputs.accessLogSettings as { destinationArn: string; format: string };
      expect(logs.destinationArn).to.equal(logGroup.outputs?.arn);
      expect(JSON.parse(logs.format)).to.include({ requestId: "$context.requestId", ip: "$context.identity.sourceIp", status: "$context.status" });
    });

    it("routes both approval routes to the callback through one Lambda proxy integration, publicly, with an invoke permission scoped to them", () => {
      const api = find(plans.prod, "aws:apigatewayv2/api:Api", "approvals");
      const functionArn = `arn:aws:lambda:eu-west-1:${PROD}:function:statecraft-prod-approval-callback`;
      const integration = find(plans.prod, "aws:apigatewayv2/integration:Integration", "approvals-integration");
      expect(integration.inputs).to.deep.equal({ apiId: api.outputs?.id, integrationType: "AWS_PROXY", integrationMethod: "POST", integrationUri: functionArn, payloadFormatVersion: "2.0" });
      // The approvals API's routes (the stack's trigger routes are other APIs').
      const routes = ofType(plans.prod, "aws:apigatewayv2/route:Route").filter((r) => r.inputs.apiId === api.outputs?.id);
      expect(routes.map((r) => r.inputs)).to.have.deep.members(
        ["GET", "POST"].map((method) => ({ apiId: api.outputs?.id, routeKey: `${method} /approvals/{requestId}/{decision}`, target: `integrations/${integration.outputs?.id}`, authorizationType: "NONE" })),
      );
      expect(find(plans.prod, "aws:lambda/permission:Permission", "approvals-invoke").inputs).to.deep.equal({
        action: "lambda:InvokeFunction",
        function: functionArn,
        principal: "apigateway.amazonaws.com",
        sourceArn: `${api.outputs?.executionArn}/*/*/approvals/*`,
      });
    });

    it("hands the request its table, topic, secret and endpoint, the callback only its table and secret, and exports the endpoint", () => {
      const secretArn = find(plans.prod, "aws:secretsmanager/secret:Secret", "approval-signing-key").outputs?.arn;
      const endpoint = find(plans.prod, "aws:apigatewayv2/api:Api", "approvals").outputs?.apiEndpoint as string;
      expect(endpoint).to.match(/^https:\/\/[a-z0-9]{10}\.execute-api\.eu-west-1\.amazonaws\.com$/);
      expect(find(plans.prod, "aws:lambda/function:Function", "approval-request").inputs.environment).to.deep.equal({
        variables: {
          APPROVALS_TABLE_NAME: "statecraft-prod-approval-requests",
          APPROVAL_TOPIC_ARN: `arn:aws:sns:eu-west-1:${PROD}:statecraft-prod-credit-approval-requests`,
          APPROVAL_SECRET_ARN: secretArn,
          APPROVAL_ENDPOINT_URL: endpoint,
        },
      });
      expect(find(plans.prod, "aws:lambda/function:Function", "approval-callback").inputs.environment).to.deep.equal({
        variables: { APPROVALS_TABLE_NAME: "statecraft-prod-approval-requests", APPROVAL_SECRET_ARN: secretArn },
      });
      expect(plans.prod.outputs.approvalEndpoint).to.equal(endpoint);
      expect(plans.consumer.outputs).not.to.have.property("approvalEndpoint");
    });

    it("expires approval requests with DynamoDB's time to live on expiresAt", () => {
      expect(find(plans.prod, "aws:dynamodb/table:Table", "approval-requests").inputs.ttl).to.deep.equal({ attributeName: "expiresAt", enabled: true });
      expect(find(plans.prod, "aws:dynamodb/table:Table", "orders").inputs.ttl).to.equal(undefined);
    });
  });

  describe("statecraft:approvers", () => {
    it("is required when the stack deploys credit-approval, and not for the consumer", () => {
      const { raw } = readStackFile("prod");
      delete raw["statecraft:approvers"];
      expect(configError(raw, "prod").problems).to.deep.equal([
        "statecraft:approvers: is required: credit-approval waits for a human decision sent through topic credit-approval-requests; list at least one {protocol: email | https, endpoint} (missing)",
      ]);
      expect(configError({ ...raw, "statecraft:approvers": "[]" }, "prod").problems[0]).to.match(/^statecraft:approvers: is required/);
      expect(readStackFile("consumer").config.approvers).to.deep.equal([]);
    });

    it("accepts an e-mail address or an https URL, and names the bad entry's key", () => {
      const { raw } = readStackFile("dev");
      const with_ = (approvers: unknown) => ({ ...raw, "statecraft:approvers": JSON.stringify(approvers) });
      expect(parseStackConfig("dev", with_([{ protocol: "https", endpoint: "https://hooks.example/a" }])).approvers).to.have.lengthOf(1);
      expect(configError(with_([{ protocol: "email", endpoint: "not-an-address" }]), "dev").problems).to.deep.equal([
        'statecraft:approvers.0.endpoint: must be an e-mail address (got "not-an-address")',
      ]);
      expect(configError(with_([{ protocol: "https", endpoint: "http://hooks.example/a" }]), "dev").problems).to.deep.equal([
        'statecraft:approvers.0.endpoint: must be an https:// URL (got "http://hooks.example/a")',
      ]);
      expect(configError(with_([{ protocol: "sms", endpoint: "+4915112345678" }]), "dev").problems[0]).to.match(/^statecraft:approvers\.0\.protocol: /);
    });
  });
});

describe("stackContents and the HTTP APIs", () => {
  it("deploys an HTTP API exactly where its handler is deployed", () => {
    expect(stackContents(["credit-approval"], []).httpApis).to.deep.equal(["approvals"]);
    expect(stackContents(["credit-approval"], []).handlers).to.include.members(["approval-request", "approval-callback"]);
    expect(stackContents(["order-events"], []).httpApis).to.deep.equal([]);
  });
});
