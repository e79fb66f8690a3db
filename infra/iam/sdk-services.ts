/**
 * How a Step Functions AWS SDK integration (`arn:aws:states:::aws-sdk:<service>:<action>`) maps to IAM: the IAM
 * prefix of each SDK service, the SDK operations whose IAM action is not `<prefix>:<Action>`, and the IAM actions
 * that have no resource type at all. Pure data, plus {@link iamActionsOf} which puts the three together.
 *
 * Sources:
 * - Service Authorization Reference (actions, their resource types, and the "API operations" table that maps each
 *   operation to the IAM actions it authorizes), read in its programmatic form
 *   `https://servicereference.us-east-1.amazonaws.com/v1/<prefix>/<prefix>.json` as mirrored in the public repository
 *   `dgwhited/servicereference`.
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
 * confirms: `cloudcontrol` (AWS Cloud Control API, prefix `cloudformation`), `iot1clickprojects` (`iot1click`),
 * `ioteventsdata` (`iotevents`), `iotjobsdataplane` (`iotjobsdata`), `iotsecuretunneling` (`iot`, e.g.
 * `iot:OpenTunnel`), `mturk` (`mechanicalturk`), `opsworkscm` (`opsworks-cm`), `resourcegroupstaggingapi` (`tag`),
 * `sagemakeredge` (`sagemaker`).
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
  iot1clickprojects: "iot1click",
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
 * IAM actions a workflow's call is authorised for against `"Resource": "*"`, among those a workflow plausibly calls:
 * - actions for which the Service Authorization Reference lists no resource type, checked against the service's
 *   entry (an action without `Resources` in the programmatic reference);
 * - actions whose only resource type is optional and is not what the call acts on, so a call that names none is
 *   authorised against `*`: `cloudwatch:PutMetricData` and `GetMetricData` (`dataset`),
 *   `comprehend:DetectEntities` (only with a custom `entity-recognizer-endpoint`), `translate:TranslateText`
 *   (only with `terminology`/`parallel-data`), `rekognition:DetectModerationLabels` (only with a custom
 *   `projectversion`).
 *
 * Left out on purpose, because their resource type is what they act on: `rekognition:DetectCustomLabels`
 * (`projectversion`), `elasticfilesystem:DescribeFileSystems` (`file-system`),
 * `logs:CreateLogStream`/`PutLogEvents`/`DescribeLogStreams` (`log-stream`/`log-group`),
 * `ec2:DescribeInstanceAttribute`/`DescribeSnapshotAttribute`/`DescribeVolumeAttribute`.
 * @see https://docs.aws.amazon.com/service-authorization/latest/reference/reference_policies_actions-resources-contextkeys.html
 * @see https://docs.aws.amazon.com/step-functions/latest/dg/cw-logs.html (the log-delivery actions)
 */
export const UNSCOPED_ACTIONS: ReadonlySet<string> = new Set([
  // An optional resource type only (see above)
  "cloudwatch:GetMetricData",
  "cloudwatch:PutMetricData",
  "comprehend:DetectEntities",
  "rekognition:DetectModerationLabels",
  "translate:TranslateText",
  // Lake Formation vends data-access credentials for governed tables (Athena queries); no resource type.
  "lakeformation:GetDataAccess",
  // AWS Batch
  "batch:DescribeComputeEnvironments",
  "batch:DescribeJobDefinitions",
  "batch:DescribeJobQueues",
  "batch:DescribeJobs",
  "batch:ListJobs",
  // Amazon CloudWatch
  "cloudwatch:GetMetricStatistics",
  "cloudwatch:GetMetricWidgetImage",
  // Amazon Comprehend
  "comprehend:BatchDetectDominantLanguage",
  "comprehend:BatchDetectEntities",
  "comprehend:BatchDetectKeyPhrases",
  "comprehend:BatchDetectSentiment",
  "comprehend:BatchDetectSyntax",
  "comprehend:BatchDetectTargetedSentiment",
  "comprehend:ContainsPiiEntities",
  "comprehend:DetectDominantLanguage",
  "comprehend:DetectKeyPhrases",
  "comprehend:DetectPiiEntities",
  "comprehend:DetectSentiment",
  "comprehend:DetectSyntax",
  "comprehend:DetectTargetedSentiment",
  "comprehend:DetectToxicContent",
  // Amazon DynamoDB
  "dynamodb:ListContributorInsights",
  "dynamodb:ListExports",
  "dynamodb:ListGlobalTables",
  "dynamodb:ListImports",
  "dynamodb:ListStreams",
  "dynamodb:ListTables",
  // Amazon EC2
  "ec2:DescribeImages",
  "ec2:DescribeInstanceStatus",
  "ec2:DescribeInstanceTypes",
  "ec2:DescribeInstances",
  "ec2:DescribeInternetGateways",
  "ec2:DescribeKeyPairs",
  "ec2:DescribeLaunchTemplateVersions",
  "ec2:DescribeLaunchTemplates",
  "ec2:DescribeRouteTables",
  "ec2:DescribeSecurityGroupRules",
  "ec2:DescribeSecurityGroups",
  "ec2:DescribeSnapshots",
  "ec2:DescribeSubnets",
  "ec2:DescribeTags",
  "ec2:DescribeVolumeStatus",
  "ec2:DescribeVolumes",
  "ec2:DescribeVolumesModifications",
  // Amazon ECS
  "ecs:DescribeTaskDefinition",
  "ecs:ListAccountSettings",
  "ecs:ListClusters",
  "ecs:ListServices",
  "ecs:ListTaskDefinitionFamilies",
  "ecs:ListTaskDefinitions",
  // AWS Lambda
  "lambda:ListEventSourceMappings",
  "lambda:ListFunctions",
  "lambda:ListLayerVersions",
  "lambda:ListLayers",
  // Amazon CloudWatch Logs: the vended-log delivery actions a state machine's logging configuration needs
  "logs:CreateLogDelivery",
  "logs:DeleteLogDelivery",
  "logs:DeleteResourcePolicy",
  "logs:DescribeLogGroups",
  "logs:DescribeResourcePolicies",
  "logs:GetLogDelivery",
  "logs:ListLogDeliveries",
  "logs:ListLogGroups",
  "logs:PutResourcePolicy",
  "logs:StopQuery",
  "logs:UpdateLogDelivery",
  // Amazon Rekognition
  "rekognition:DetectFaces",
  "rekognition:DetectLabels",
  "rekognition:DetectProtectiveEquipment",
  "rekognition:DetectText",
  "rekognition:GetCelebrityInfo",
  "rekognition:GetCelebrityRecognition",
  "rekognition:GetContentModeration",
  "rekognition:GetFaceDetection",
  "rekognition:GetLabelDetection",
  "rekognition:GetPersonTracking",
  "rekognition:GetSegmentDetection",
  "rekognition:GetTextDetection",
  "rekognition:ListCollections",
  "rekognition:RecognizeCelebrities",
  "rekognition:StartCelebrityRecognition",
  "rekognition:StartContentModeration",
  "rekognition:StartFaceDetection",
  // Amazon S3
  "s3:ListAllMyBuckets",
  // AWS Secrets Manager
  "secretsmanager:GetRandomPassword",
  "secretsmanager:ListSecrets",
  // Amazon SNS
  "sns:ListSubscriptions",
  "sns:ListTopics",
  // Amazon SQS
  "sqs:ListQueues",
  // AWS Systems Manager
  "ssm:DescribeMaintenanceWindows",
  "ssm:DescribeOpsItems",
  "ssm:DescribeParameters",
  "ssm:DescribePatchBaselines",
  "ssm:DescribeSessions",
  "ssm:GetCommandInvocation",
  "ssm:GetInventory",
  "ssm:GetInventorySchema",
  // AWS Step Functions (task-token callbacks authorize on the token, not on a resource)
  "states:ListActivities",
  "states:ListStateMachines",
  "states:SendTaskFailure",
  "states:SendTaskHeartbeat",
  "states:SendTaskSuccess",
  "states:ValidateStateMachineDefinition",
  // AWS STS
  "sts:DecodeAuthorizationMessage",
  "sts:GetAccessKeyInfo",
  "sts:GetCallerIdentity",
  "sts:GetSessionToken",
  // Amazon Textract
  "textract:AnalyzeDocument",
  "textract:AnalyzeExpense",
  "textract:AnalyzeID",
  "textract:DetectDocumentText",
  "textract:GetDocumentAnalysis",
  "textract:GetDocumentTextDetection",
  "textract:GetExpenseAnalysis",
  "textract:GetLendingAnalysis",
  "textract:GetLendingAnalysisSummary",
  "textract:ListAdapterVersions",
  "textract:ListAdapters",
  "textract:StartDocumentAnalysis",
  "textract:StartDocumentTextDetection",
  "textract:StartExpenseAnalysis",
  "textract:StartLendingAnalysis",
  // AWS X-Ray
  "xray:GetSamplingRules",
  "xray:GetSamplingStatisticSummaries",
  "xray:GetSamplingTargets",
  "xray:GetServiceGraph",
  "xray:GetTimeSeriesServiceStatistics",
  "xray:GetTraceGraph",
  "xray:GetTraceSummaries",
  "xray:PutTelemetryRecords",
  "xray:PutTraceSegments",
]);

/** Every action named above, by its lowercase form, so a call spelled `analyzeID` or `getBucketCors` finds its case. */
const CANONICAL: ReadonlyMap<string, string> = new Map(
  [...UNSCOPED_ACTIONS, ...Object.values(SDK_ACTION_EXCEPTIONS).flat()].map((a) => [a.toLowerCase(), a]),
);

/**
 * The IAM action(s) an `aws-sdk:<service>:<action>` Task needs: the entry of {@link SDK_ACTION_EXCEPTIONS} if there
 * is one, else `<prefix>:<Action>` with the prefix from {@link SDK_SERVICES} (the service name itself by default)
 * and the action's first letter upper-cased. IAM matches action names case-insensitively; an action this module
 * names is returned in its documented spelling.
 *
 * @param service the SDK service name of the Resource ARN, e.g. `sfn`, `bedrockruntime`.
 * @param action the API action of the Resource ARN, camelCase, without the integration pattern suffix.
 * @returns e.g. `iamActionsOf("sfn", "startExecution")` → `["states:StartExecution"]`,
 *   `iamActionsOf("s3", "copyObject")` → `["s3:GetObject", "s3:PutObject"]`.
 * @see https://docs.aws.amazon.com/step-functions/latest/dg/supported-services-awssdk.html
 */
export function iamActionsOf(service: string, action: string): string[] {
  const sdkService = service.toLowerCase();
  const key = `${sdkService}:${action}`;
  if (Object.hasOwn(SDK_ACTION_EXCEPTIONS, key)) return [...SDK_ACTION_EXCEPTIONS[key]];
  const prefix = Object.hasOwn(SDK_SERVICES, sdkService) ? SDK_SERVICES[sdkService] : sdkService;
  const iamAction = `${prefix}:${action.charAt(0).toUpperCase()}${action.slice(1)}`;
  return [CANONICAL.get(iamAction.toLowerCase()) ?? iamAction];
}
