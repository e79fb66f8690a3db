import { expect } from "chai";
import { AslState, AslStateMachine } from "../../infra/definition/asl";
import { ArnContext } from "../../infra/iam/arn";
import { INTEGRATIONS, RESOURCE_KINDS, integrationFor } from "../../infra/iam/catalog";
import { deriveExecutionPolicy } from "../../infra/iam/derive";
import { PolicyCondition, PolicyStatement, policyDocument } from "../../infra/iam/policy";
import { definitionError } from "../definition-error";
import { allows } from "./evaluate";

/**
 * One row per integration and pattern of the catalog beyond the seed workflows' (those are in derive.test.ts):
 * a minimal Task and the exact statements its execution role gets.
 */

const CONTEXT: ArnContext = { partition: "aws", region: "eu-west-1", account: "111111111111" };
const A = "arn:aws";
const R = "eu-west-1:111111111111";
const allow = (Action: string[], Resource: string[], Condition?: PolicyCondition): PolicyStatement => (Condition ? { Effect: "Allow", Action, Resource, Condition } : { Effect: "Allow", Action, Resource });
const events = (rule: string) => allow(["events:DescribeRule", "events:PutRule", "events:PutTargets"], [`${A}:events:${R}:rule/${rule}`]);
const passRole = (service: string, ...roles: string[]) => allow(["iam:PassRole"], roles, { StringEquals: { "iam:PassedToService": service } });

function task(fields: Partial<AslState>, top: Partial<AslStateMachine> = {}): AslStateMachine {
  return { ...top, StartAt: "Call", States: { Call: { Type: "Task", End: true, ...fields } as AslState } };
}

interface Row {
  name: string;
  definition: AslStateMachine;
  expected: PolicyStatement[];
  /** Fields of the expected warnings, in order; none when absent. */
  warnings?: string[];
}

const ECS_RUN = { Cluster: "batch", TaskDefinition: "export:4", Overrides: { TaskRoleArn: `${A}:iam::111111111111:role/export-task`, ExecutionRoleArn: `${A}:iam::111111111111:role/ecs-exec` } };
const ECS_STATEMENTS = [allow(["ecs:RunTask"], [`${A}:ecs:${R}:task-definition/export:4`]), passRole("ecs-tasks.amazonaws.com", `${A}:iam::111111111111:role/ecs-exec`, `${A}:iam::111111111111:role/export-task`)];
const BATCH = { JobName: "align", JobDefinition: "aligner", JobQueue: "genomics" };
const BATCH_SUBMIT = allow(["batch:SubmitJob"], [`${A}:batch:${R}:job-definition/aligner`, `${A}:batch:${R}:job-definition/aligner:*`, `${A}:batch:${R}:job-queue/genomics`]);
const GLUE_JOB = `${A}:glue:${R}:job/nightly-etl`;
const ATHENA = {
  QueryString: "SELECT 1",
  WorkGroup: "analytics",
  QueryExecutionContext: { Database: "sales" },
  ResultConfiguration: { OutputLocation: "s3://athena-results-111111111111/reports/" },
};
const ATHENA_STATEMENTS = [
  allow(["athena:StartQueryExecution"], [`${A}:athena:${R}:workgroup/analytics`]),
  allow(["athena:GetDataCatalog"], [`${A}:athena:${R}:datacatalog/AwsDataCatalog`]),
  allow(["lakeformation:GetDataAccess"], ["*"]),
  allow(["s3:GetBucketLocation", "s3:ListBucket", "s3:ListBucketMultipartUploads"], [`${A}:s3:::athena-results-111111111111`]),
  allow(["s3:AbortMultipartUpload", "s3:GetObject", "s3:ListMultipartUploadParts", "s3:PutObject"], [`${A}:s3:::athena-results-111111111111/reports/*`]),
  allow(["glue:BatchGetPartition", "glue:GetDatabase", "glue:GetPartition", "glue:GetPartitions", "glue:GetTable"], [`${A}:glue:${R}:catalog`, `${A}:glue:${R}:database/sales`, `${A}:glue:${R}:table/sales/*`]),
];
const PROJECT = `${A}:codebuild:${R}:project/release`;
const TRAINING = { TrainingJobName: "Churn-2026", RoleArn: `${A}:iam::111111111111:role/sagemaker-training`, AlgorithmSpecification: {} };
const TRAINING_JOB = `${A}:sagemaker:${R}:training-job/churn-2026*`;
const CONNECTION = `${A}:events:${R}:connection/stripe/2f7b0f4e-1a2b-4c3d-9e8f-0a1b2c3d4e5f`;

const ROWS: Row[] = [
  { name: "ecs:runTask", definition: task({ Resource: `${A}:states:::ecs:runTask`, Parameters: ECS_RUN }), expected: ECS_STATEMENTS },
  { name: "ecs:runTask.waitForTaskToken", definition: task({ Resource: `${A}:states:::ecs:runTask.waitForTaskToken`, Parameters: ECS_RUN }), expected: ECS_STATEMENTS },
  {
    name: "ecs:runTask.sync",
    definition: task({ Resource: `${A}:states:::ecs:runTask.sync`, Parameters: ECS_RUN }),
    expected: [...ECS_STATEMENTS, allow(["ecs:DescribeTasks", "ecs:StopTask"], [`${A}:ecs:${R}:task/batch/*`]), events("StepFunctionsGetEventsForECSTaskRule")],
  },
  {
    name: "ecs:runTask with a family, the default cluster and no role named",
    definition: task({ Resource: `${A}:states:::ecs:runTask.sync`, Parameters: { TaskDefinition: "export" } }),
    expected: [
      allow(["ecs:RunTask"], [`${A}:ecs:${R}:task-definition/export`, `${A}:ecs:${R}:task-definition/export:*`]),
      passRole("ecs-tasks.amazonaws.com", `${A}:iam::111111111111:role/*`),
      allow(["ecs:DescribeTasks", "ecs:StopTask"], [`${A}:ecs:${R}:task/default/*`]),
      events("StepFunctionsGetEventsForECSTaskRule"),
    ],
    warnings: ["Parameters"],
  },
  {
    name: "ecs:runTask naming only the task role (the task definition's execution role must be passed too)",
    definition: task({ Resource: `${A}:states:::ecs:runTask`, Parameters: { Cluster: "batch", TaskDefinition: "export:4", Overrides: { TaskRoleArn: ECS_RUN.Overrides.TaskRoleArn } } }),
    expected: [ECS_STATEMENTS[0], passRole("ecs-tasks.amazonaws.com", `${A}:iam::111111111111:role/*`)],
    warnings: ["Parameters"],
  },
  {
    name: "ecs:runTask with Tags",
    definition: task({ Resource: `${A}:states:::ecs:runTask`, Parameters: { ...ECS_RUN, Tags: [{ Key: "team", Value: "billing" }] } }),
    expected: [...ECS_STATEMENTS, allow(["ecs:TagResource"], [`${A}:ecs:${R}:task/batch/*`], { StringEquals: { "ecs:CreateAction": "RunTask" } })],
  },
  { name: "batch:submitJob", definition: task({ Resource: `${A}:states:::batch:submitJob`, Parameters: BATCH }), expected: [BATCH_SUBMIT] },
  {
    name: "batch:submitJob.sync",
    definition: task({ Resource: `${A}:states:::batch:submitJob.sync`, Parameters: BATCH }),
    expected: [BATCH_SUBMIT, allow(["batch:TerminateJob"], [`${A}:batch:${R}:job/*`]), allow(["batch:DescribeJobs"], ["*"]), events("StepFunctionsGetEventsForBatchJobsRule")],
  },
  { name: "glue:startJobRun", definition: task({ Resource: `${A}:states:::glue:startJobRun`, Parameters: { JobName: "nightly-etl" } }), expected: [allow(["glue:StartJobRun"], [GLUE_JOB])] },
  {
    name: "glue:startJobRun.sync (no events rule)",
    definition: task({ Resource: `${A}:states:::glue:startJobRun.sync`, Parameters: { JobName: "nightly-etl" } }),
    expected: [allow(["glue:StartJobRun"], [GLUE_JOB]), allow(["glue:BatchStopJobRun", "glue:GetJobRun", "glue:GetJobRuns"], [GLUE_JOB])],
  },
  { name: "athena:startQueryExecution", definition: task({ Resource: `${A}:states:::athena:startQueryExecution`, Parameters: ATHENA }), expected: ATHENA_STATEMENTS, warnings: ["Parameters.QueryString"] },
  {
    name: "athena:startQueryExecution.sync",
    definition: task({ Resource: `${A}:states:::athena:startQueryExecution.sync`, Parameters: ATHENA }),
    expected: [...ATHENA_STATEMENTS, allow(["athena:GetQueryExecution", "athena:StopQueryExecution"], [`${A}:athena:${R}:workgroup/analytics`])],
    warnings: ["Parameters.QueryString"],
  },
  {
    name: "athena:getQueryResults",
    definition: task({ Resource: `${A}:states:::athena:getQueryResults`, Parameters: { "QueryExecutionId.$": "$.id" } }),
    expected: [allow(["athena:GetQueryResults"], [`${A}:athena:${R}:workgroup/*`])],
    warnings: ["Parameters.QueryExecutionId"],
  },
  {
    name: "events:putEvents on a named bus, a bus ARN and the default bus",
    definition: task({
      Resource: `${A}:states:::events:putEvents`,
      Parameters: { Entries: [{ EventBusName: "orders", Detail: {} }, { EventBusName: `${A}:events:${R}:event-bus/audit` }, { Source: "shop" }] },
    }),
    expected: [allow(["events:PutEvents"], [`${A}:events:${R}:event-bus/audit`, `${A}:events:${R}:event-bus/default`, `${A}:events:${R}:event-bus/orders`])],
  },
  {
    name: "events:putEvents.waitForTaskToken without EventBusName",
    definition: task({ Resource: `${A}:states:::events:putEvents.waitForTaskToken`, Parameters: { Entries: [{ Source: "shop", "Detail.$": "$" }] } }),
    expected: [allow(["events:PutEvents"], [`${A}:events:${R}:event-bus/default`])],
  },
  { name: "codebuild:startBuild", definition: task({ Resource: `${A}:states:::codebuild:startBuild`, Parameters: { ProjectName: "release" } }), expected: [allow(["codebuild:StartBuild"], [PROJECT])] },
  {
    name: "codebuild:startBuild.sync",
    definition: task({ Resource: `${A}:states:::codebuild:startBuild.sync`, Parameters: { ProjectName: "release" } }),
    expected: [allow(["codebuild:StartBuild"], [PROJECT]), allow(["codebuild:BatchGetBuilds", "codebuild:StopBuild"], [PROJECT]), events("StepFunctionsGetEventForCodeBuildStartBuildRule")],
  },
  {
    name: "sagemaker:createTrainingJob",
    definition: task({ Resource: `${A}:states:::sagemaker:createTrainingJob`, Parameters: TRAINING }),
    expected: [allow(["sagemaker:CreateTrainingJob", "sagemaker:ListTags"], [TRAINING_JOB]), passRole("sagemaker.amazonaws.com", TRAINING.RoleArn)],
  },
  {
    name: "sagemaker:createTrainingJob.sync",
    definition: task({ Resource: `${A}:states:::sagemaker:createTrainingJob.sync`, Parameters: TRAINING }),
    expected: [
      allow(["sagemaker:CreateTrainingJob", "sagemaker:ListTags"], [TRAINING_JOB]),
      allow(["sagemaker:DescribeTrainingJob", "sagemaker:StopTrainingJob"], [TRAINING_JOB]),
      passRole("sagemaker.amazonaws.com", TRAINING.RoleArn),
      events("StepFunctionsGetEventsForSageMakerTrainingJobsRule"),
    ],
  },
  {
    name: "http:invoke",
    definition: task({
      Resource: `${A}:states:::http:invoke`,
      Parameters: { ApiEndpoint: "https://api.stripe.com/v1/refunds", Method: "POST", Authentication: { ConnectionArn: CONNECTION } },
    }),
    expected: [
      allow(["states:InvokeHTTPEndpoint"], [`${A}:states:${R}:stateMachine:payments`], {
        StringEquals: { "states:HTTPMethod": "POST" },
        StringLike: { "states:HTTPEndpoint": ["https://api.stripe.com/v1/refunds", "https://api.stripe.com/v1/refunds${?}*"] },
      }),
      allow(["events:RetrieveConnectionCredentials"], [CONNECTION]),
      allow(["secretsmanager:DescribeSecret", "secretsmanager:GetSecretValue"], [`${A}:secretsmanager:${R}:secret:events!connection/stripe/*`]),
    ],
  },
  {
    name: "sagemaker:createTrainingJob with Tags",
    definition: task({ Resource: `${A}:states:::sagemaker:createTrainingJob`, Parameters: { ...TRAINING, "Tags.$": "$.tags" } }),
    expected: [
      allow(["sagemaker:CreateTrainingJob", "sagemaker:ListTags"], [TRAINING_JOB]),
      allow(["sagemaker:AddTags"], [TRAINING_JOB], { StringEquals: { "sagemaker:TaggingAction": "CreateTrainingJob" } }),
      passRole("sagemaker.amazonaws.com", TRAINING.RoleArn),
    ],
  },
  {
    name: "http:invoke with InvocationConfig and a connection in another Region",
    definition: task({
      Resource: `${A}:states:::http:invoke`,
      Parameters: { ApiEndpoint: "https://api.example.com/orders", Method: "GET", InvocationConfig: { ConnectionArn: `${A}:events:us-east-1:111111111111:connection/example/0b1c` } },
    }),
    expected: [
      allow(["states:InvokeHTTPEndpoint"], [`${A}:states:${R}:stateMachine:payments`], {
        StringEquals: { "states:HTTPMethod": "GET" },
        StringLike: { "states:HTTPEndpoint": ["https://api.example.com/orders", "https://api.example.com/orders${?}*"] },
      }),
      allow(["events:RetrieveConnectionCredentials"], [`${A}:events:us-east-1:111111111111:connection/example/0b1c`]),
      allow(["secretsmanager:DescribeSecret", "secretsmanager:GetSecretValue"], [`${A}:secretsmanager:us-east-1:111111111111:secret:events!connection/example/*`]),
    ],
  },
  {
    name: "bedrock:invokeModel",
    definition: task({ Resource: `${A}:states:::bedrock:invokeModel`, Parameters: { ModelId: "amazon.titan-text-express-v1", Body: {} } }),
    expected: [allow(["bedrock:InvokeModel"], [`${A}:bedrock:eu-west-1::foundation-model/amazon.titan-text-express-v1`])],
  },
  {
    name: "aws-sdk:dynamodb:batchWriteItem on every table of RequestItems",
    definition: task({ Resource: `${A}:states:::aws-sdk:dynamodb:batchWriteItem`, Parameters: { RequestItems: { orders: [], "audit.$": "$.audit" } } }),
    expected: [allow(["dynamodb:BatchWriteItem"], [`${A}:dynamodb:${R}:table/audit`, `${A}:dynamodb:${R}:table/orders`])],
  },
  {
    name: "aws-sdk:secretsmanager:getSecretValue by name",
    definition: task({ Resource: `${A}:states:::aws-sdk:secretsmanager:getSecretValue`, Parameters: { SecretId: "prod/crm/api-key" } }),
    expected: [allow(["secretsmanager:GetSecretValue"], [`${A}:secretsmanager:${R}:secret:prod/crm/api-key-??????`])],
  },
  {
    name: "aws-sdk:ssm:getParameter",
    definition: task({ Resource: `${A}:states:::aws-sdk:ssm:getParameter`, Parameters: { Name: "/app/prod/db-host" } }),
    expected: [allow(["ssm:GetParameter"], [`${A}:ssm:${R}:parameter/app/prod/db-host`])],
  },
  {
    name: "aws-sdk:s3:getObject",
    definition: task({ Resource: `${A}:states:::aws-sdk:s3:getObject`, Parameters: { Bucket: "invoices", Key: "2026/11/21.csv" } }),
    expected: [allow(["s3:GetObject"], [`${A}:s3:::invoices/2026/11/21.csv`])],
  },
  {
    name: "aws-sdk:s3:getObject of a given version",
    definition: task({ Resource: `${A}:states:::aws-sdk:s3:getObject`, Parameters: { Bucket: "invoices", Key: "a.csv", VersionId: "3HL4kqtJlcpXroDTDmJ" } }),
    expected: [allow(["s3:GetObject", "s3:GetObjectVersion"], [`${A}:s3:::invoices/a.csv`])],
  },
  {
    name: "aws-sdk:s3:listObjectsV2 (s3:ListBucket on the bucket)",
    definition: task({ Resource: `${A}:states:::aws-sdk:s3:listObjectsV2`, Parameters: { Bucket: "invoices", Prefix: "2026/" } }),
    expected: [allow(["s3:ListBucket"], [`${A}:s3:::invoices`])],
  },
  {
    name: "aws-sdk:s3:putObject to a bucket read from a path",
    definition: task({ Resource: `${A}:states:::aws-sdk:s3:putObject`, Parameters: { "Bucket.$": "$.bucket", Key: "out.json", Body: {} } }),
    expected: [allow(["s3:PutObject"], [`${A}:s3:::*/out.json`], { StringEquals: { "s3:ResourceAccount": "111111111111" } })],
    warnings: ["Parameters.Bucket.$"],
  },
  {
    name: "aws-sdk:comprehend:detectSentiment, an action with no resource type",
    definition: task({ Resource: `${A}:states:::aws-sdk:comprehend:detectSentiment`, Parameters: { LanguageCode: "en", "Text.$": "$.text" } }),
    expected: [allow(["comprehend:DetectSentiment"], ["*"])],
  },
  {
    name: "aws-sdk:sfn:describeExecution (sfn is states in IAM)",
    definition: task({ Resource: `${A}:states:::aws-sdk:sfn:describeExecution`, Parameters: { ExecutionArn: `${A}:states:${R}:execution:orders:run-1` } }),
    expected: [allow(["states:DescribeExecution"], [`${A}:states:${R}:execution:orders:run-1`])],
  },
  {
    name: "aws-sdk:efs:describeMountTargets, a service statecraft has no target field for",
    definition: task({ Resource: `${A}:states:::aws-sdk:efs:describeMountTargets`, Parameters: { FileSystemId: "fs-0123" } }),
    // The Service Authorization Reference gives DescribeMountTargets two resource types: both their wildcards.
    expected: [allow(["elasticfilesystem:DescribeMountTargets"], [`${A}:elasticfilesystem:${R}:access-point/*`, `${A}:elasticfilesystem:${R}:file-system/*`])],
    warnings: ["Parameters"],
  },
  {
    name: "aws-sdk:bedrockagent:createKnowledgeBase, an action without a resource type (on *, not on an ARN)",
    definition: task({ Resource: `${A}:states:::aws-sdk:bedrockagent:createKnowledgeBase`, Parameters: { Name: "kb", RoleArn: `${A}:iam::111111111111:role/kb` } }),
    expected: [allow(["bedrock:CreateKnowledgeBase"], ["*"])],
  },
  {
    name: "aws-sdk:redshiftdata:describeStatement and aws-sdk:polly:getSpeechSynthesisTask (no resource type)",
    definition: {
      StartAt: "Describe",
      States: {
        Describe: { Type: "Task", Resource: `${A}:states:::aws-sdk:redshiftdata:describeStatement`, Parameters: { "Id.$": "$.id" }, Next: "Speech" },
        Speech: { Type: "Task", Resource: `${A}:states:::aws-sdk:polly:getSpeechSynthesisTask`, Parameters: { "TaskId.$": "$.task" }, End: true },
      },
    },
    expected: [allow(["polly:GetSpeechSynthesisTask", "redshift-data:DescribeStatement"], ["*"])],
  },
  {
    name: "aws-sdk:cloudwatch:putMetricData (only an optional resource type, dataset, which the call does not use)",
    definition: task({ Resource: `${A}:states:::aws-sdk:cloudwatch:putMetricData`, Parameters: { Namespace: "Orders", MetricData: [] } }),
    expected: [allow(["cloudwatch:PutMetricData"], ["*"])],
  },
  {
    name: "aws-sdk:cloudwatchlogs:putLogEvents (the log-stream type's wildcard, with a warning)",
    definition: task({ Resource: `${A}:states:::aws-sdk:cloudwatchlogs:putLogEvents`, Parameters: { LogGroupName: "/acme/audit", LogStreamName: "run", LogEvents: [] } }),
    expected: [allow(["logs:PutLogEvents"], [`${A}:logs:${R}:log-group:*:log-stream:*`])],
    warnings: ["Parameters"],
  },
  {
    name: "aws-sdk:dynamodb:listExports (only an optional resource type: its wildcard, with a warning that says so)",
    definition: task({ Resource: `${A}:states:::aws-sdk:dynamodb:listExports`, Parameters: {} }),
    expected: [allow(["dynamodb:ListExports"], [`${A}:dynamodb:${R}:table/*`])],
    warnings: ["Parameters.TableName"],
  },
  {
    name: "aws-sdk:iam:getRole (a global service: no Region in the wildcard)",
    definition: task({ Resource: `${A}:states:::aws-sdk:iam:getRole`, Parameters: { RoleName: "x" } }),
    expected: [allow(["iam:GetRole"], [`${A}:iam::111111111111:role/*`])],
    warnings: ["Parameters"],
  },
  {
    name: "aws-sdk:s3control:getAccessPointPolicy (an S3 action on an access point, not on a bucket)",
    definition: task({ Resource: `${A}:states:::aws-sdk:s3control:getAccessPointPolicy`, Parameters: { AccountId: "111111111111", Name: "ap" } }),
    expected: [allow(["s3:GetAccessPointPolicy"], [`${A}:s3:${R}:accesspoint/*`])],
    warnings: ["Parameters"],
  },
  {
    name: "aws-sdk:rekognition:detectLabels on an S3 image (s3:GetObject on the object it reads)",
    definition: task({ Resource: `${A}:states:::aws-sdk:rekognition:detectLabels`, Parameters: { Image: { S3Object: { Bucket: "photos", Name: "in/cat.jpg" } }, MaxLabels: 5 } }),
    expected: [allow(["rekognition:DetectLabels"], ["*"]), allow(["s3:GetObject"], [`${A}:s3:::photos/in/cat.jpg`])],
  },
  {
    name: "aws-sdk:rekognition:compareFaces of two images, one given by version",
    definition: task({
      Resource: `${A}:states:::aws-sdk:rekognition:compareFaces`,
      Parameters: { SourceImage: { S3Object: { Bucket: "ids", Name: "a.jpg", Version: "v1" } }, TargetImage: { S3Object: { Bucket: "selfies", "Name.$": "$.key" } } },
    }),
    expected: [
      allow(["rekognition:CompareFaces"], ["*"]),
      allow(["s3:GetObject"], [`${A}:s3:::ids/a.jpg`, `${A}:s3:::selfies/*`]),
      allow(["s3:GetObjectVersion"], [`${A}:s3:::ids/a.jpg`]),
    ],
    warnings: ["Parameters.TargetImage.S3Object.Name.$"],
  },
  {
    name: "aws-sdk:rekognition:indexFaces (the collection it names, and the image)",
    definition: task({ Resource: `${A}:states:::aws-sdk:rekognition:indexFaces`, Parameters: { CollectionId: "staff", Image: { S3Object: { Bucket: "photos", Name: "staff/1.jpg" } } } }),
    expected: [allow(["rekognition:IndexFaces"], [`${A}:rekognition:${R}:collection/staff`]), allow(["s3:GetObject"], [`${A}:s3:::photos/staff/1.jpg`])],
  },
  {
    name: "aws-sdk:rekognition:startLabelDetection on a video in a bucket read from the input, notifying through SNS",
    definition: task({
      Resource: `${A}:states:::aws-sdk:rekognition:startLabelDetection`,
      Parameters: { Video: { S3Object: { "Bucket.$": "$.bucket", Name: "clip.mp4" } }, NotificationChannel: { SNSTopicArn: `${A}:sns:${R}:video-done`, RoleArn: `${A}:iam::111111111111:role/rekognition-sns` } },
    }),
    expected: [
      allow(["rekognition:StartLabelDetection"], ["*"]),
      passRole("rekognition.amazonaws.com", `${A}:iam::111111111111:role/rekognition-sns`),
      allow(["s3:GetObject"], [`${A}:s3:::*/clip.mp4`], { StringEquals: { "s3:ResourceAccount": "111111111111" } }),
    ],
    warnings: ["Parameters.Video.S3Object.Bucket.$"],
  },
  {
    name: "aws-sdk:textract:analyzeDocument on an S3 document",
    definition: task({ Resource: `${A}:states:::aws-sdk:textract:analyzeDocument`, Parameters: { Document: { S3Object: { Bucket: "invoices", Name: "2026/11.pdf" } }, FeatureTypes: ["TABLES"] } }),
    expected: [allow(["textract:AnalyzeDocument"], ["*"]), allow(["s3:GetObject"], [`${A}:s3:::invoices/2026/11.pdf`])],
  },
  {
    name: "aws-sdk:textract:startDocumentTextDetection (DocumentLocation) in JSONata",
    definition: task(
      { Resource: `${A}:states:::aws-sdk:textract:startDocumentTextDetection`, Arguments: { DocumentLocation: { S3Object: { Bucket: "scans", Name: "{% $states.input.key %}" } } } },
      { QueryLanguage: "JSONata" },
    ),
    expected: [allow(["textract:StartDocumentTextDetection"], ["*"]), allow(["s3:GetObject"], [`${A}:s3:::scans/*`])],
    warnings: ["Arguments.DocumentLocation.S3Object.Name"],
  },
  {
    name: "aws-sdk:textract:analyzeID of two pages",
    definition: task({
      Resource: `${A}:states:::aws-sdk:textract:analyzeID`,
      Parameters: { DocumentPages: [{ S3Object: { Bucket: "ids", Name: "front.png" } }, { S3Object: { Bucket: "ids", Name: "back.png" } }] },
    }),
    expected: [allow(["textract:AnalyzeID"], ["*"]), allow(["s3:GetObject"], [`${A}:s3:::ids/back.png`, `${A}:s3:::ids/front.png`])],
  },
  {
    name: "aws-sdk:transcribe:startTranscriptionJob on a media file",
    definition: task({ Resource: `${A}:states:::aws-sdk:transcribe:startTranscriptionJob`, Parameters: { TranscriptionJobName: "call-1", LanguageCode: "en-US", Media: { MediaFileUri: "s3://calls/2026/call-1.wav" } } }),
    expected: [allow(["s3:GetObject"], [`${A}:s3:::calls/2026/call-1.wav`]), allow(["transcribe:StartTranscriptionJob"], ["*"])],
  },
  {
    name: "aws-sdk:transcribe:startTranscriptionJob on a media file given by an HTTPS URL read from the input",
    definition: task({ Resource: `${A}:states:::aws-sdk:transcribe:startTranscriptionJob`, Parameters: { "TranscriptionJobName.$": "$.id", LanguageCode: "en-US", Media: { "MediaFileUri.$": "$.uri" } } }),
    expected: [allow(["s3:GetObject"], [`${A}:s3:::*/*`], { StringEquals: { "s3:ResourceAccount": "111111111111" } }), allow(["transcribe:StartTranscriptionJob"], ["*"])],
    warnings: ["Parameters.Media.MediaFileUri.$"],
  },
  {
    name: "aws-sdk:transcribe:startTranscriptionJob with a data access role (Transcribe reads the media with it)",
    definition: task({
      Resource: `${A}:states:::aws-sdk:transcribe:startTranscriptionJob`,
      Parameters: {
        TranscriptionJobName: "call-2",
        LanguageCode: "en-US",
        Media: { MediaFileUri: "https://calls.s3.eu-west-1.amazonaws.com/2026/call-2.wav" },
        JobExecutionSettings: { AllowDeferredExecution: true, DataAccessRoleArn: `${A}:iam::111111111111:role/transcribe-data` },
      },
    }),
    expected: [passRole("transcribe.amazonaws.com", `${A}:iam::111111111111:role/transcribe-data`), allow(["transcribe:StartTranscriptionJob"], ["*"])],
  },
  {
    name: "aws-sdk:comprehend:startSentimentDetectionJob (Comprehend reads the input with the role it is passed)",
    definition: task({
      Resource: `${A}:states:::aws-sdk:comprehend:startSentimentDetectionJob`,
      Parameters: {
        InputDataConfig: { S3Uri: "s3://reviews/in/", InputFormat: "ONE_DOC_PER_LINE" },
        OutputDataConfig: { S3Uri: "s3://reviews/out/" },
        DataAccessRoleArn: `${A}:iam::111111111111:role/comprehend-data`,
        LanguageCode: "en",
      },
    }),
    expected: [
      allow(["comprehend:StartSentimentDetectionJob"], [`${A}:comprehend:${R}:sentiment-detection-job/*`]),
      passRole("comprehend.amazonaws.com", `${A}:iam::111111111111:role/comprehend-data`),
    ],
    warnings: ["Parameters"],
  },
  {
    name: "a Distributed Map with an S3 CSV reader and a result writer",
    definition: {
      StartAt: "Each row",
      States: {
        "Each row": {
          Type: "Map",
          ItemReader: { Resource: `${A}:states:::s3:getObject`, ReaderConfig: { InputType: "CSV", CSVHeaderLocation: "FIRST_ROW" }, Parameters: { Bucket: "imports", Key: "in/rows.csv" } },
          ItemProcessor: {
            ProcessorConfig: { Mode: "DISTRIBUTED", ExecutionType: "STANDARD" },
            StartAt: "Noop",
            States: { Noop: { Type: "Pass", End: true } },
          },
          ResultWriter: { Resource: `${A}:states:::s3:putObject`, Parameters: { Bucket: "imports", Prefix: "out/" } },
          End: true,
        },
      },
    },
    expected: [
      allow(["states:StartExecution"], [`${A}:states:${R}:stateMachine:payments`]),
      allow(["states:DescribeExecution", "states:StopExecution"], [`${A}:states:${R}:execution:payments:*`]),
      allow(["states:RedriveExecution"], [`${A}:states:${R}:execution:payments/*:*`]),
      allow(["s3:GetObject"], [`${A}:s3:::imports/in/rows.csv`]),
      allow(["s3:AbortMultipartUpload", "s3:GetObject", "s3:ListMultipartUploadParts", "s3:PutObject"], [`${A}:s3:::imports/out/*`]),
    ],
  },
  {
    name: "a Distributed Map listing a prefix",
    definition: {
      StartAt: "Each object",
      States: {
        "Each object": {
          Type: "Map",
          ItemReader: { Resource: `${A}:states:::s3:listObjectsV2`, Parameters: { Bucket: "imports", Prefix: "in/" } },
          ItemProcessor: { ProcessorConfig: { Mode: "DISTRIBUTED", ExecutionType: "EXPRESS" }, StartAt: "Noop", States: { Noop: { Type: "Pass", End: true } } },
          End: true,
        },
      },
    },
    expected: [
      allow(["states:StartExecution"], [`${A}:states:${R}:stateMachine:payments`]),
      allow(["states:DescribeExecution", "states:StopExecution"], [`${A}:states:${R}:execution:payments:*`]),
      allow(["states:RedriveExecution"], [`${A}:states:${R}:execution:payments/*:*`]),
      allow(["s3:ListBucket"], [`${A}:s3:::imports`], { StringLike: { "s3:prefix": "in/*" } }),
      allow(["s3:GetObject"], [`${A}:s3:::imports/in/*`]),
    ],
  },
  {
    name: "a Task with Credentials.RoleArn (only sts:AssumeRole: the assumed role makes the call)",
    definition: task({ Resource: `${A}:states:::lambda:invoke`, Parameters: { FunctionName: `${A}:lambda:eu-west-1:222222222222:function:fx` }, Credentials: { RoleArn: `${A}:iam::222222222222:role/fx-invoker` } }),
    expected: [allow(["sts:AssumeRole"], [`${A}:iam::222222222222:role/fx-invoker`])],
  },
];

describe("the integration catalog", () => {
  for (const row of ROWS) {
    it(`grants exactly what ${row.name} needs`, () => {
      const derivation = deriveExecutionPolicy("flow.asl.json", row.definition, CONTEXT, { stateMachineName: "payments" });
      expect(derivation.document.Statement).to.deep.equal(policyDocument(row.expected).Statement);
      expect(derivation.warnings.map((w) => w.field)).to.deep.equal(row.warnings ?? []);
    });
  }

  it("reports what the assumed role of a Credentials Task needs", () => {
    const [state] = deriveExecutionPolicy("flow.asl.json", ROWS[ROWS.length - 1].definition, CONTEXT).states;
    expect(state.delegated).to.deep.equal([allow(["lambda:InvokeFunction"], [`${A}:lambda:eu-west-1:222222222222:function:fx`, `${A}:lambda:eu-west-1:222222222222:function:fx:*`])]);
  });

  it("grants on stateMachine:* with a warning when the machine's own name is not given", () => {
    const definition = ROWS.find((r) => r.name.startsWith("http:invoke"))!.definition;
    const { document, warnings } = deriveExecutionPolicy("flow.asl.json", definition, CONTEXT);
    expect(document.Statement.find((s) => s.Action.includes("states:InvokeHTTPEndpoint"))?.Resource).to.deep.equal([`${A}:states:${R}:stateMachine:*`]);
    expect(warnings.map((w) => w.message).join()).to.contain("own name is not known");
  });

  it("lets an HTTP Task call its endpoint with a query string, and no other URL", () => {
    const definition = ROWS.find((r) => r.name === "http:invoke")!.definition;
    const { document } = deriveExecutionPolicy("flow.asl.json", definition, CONTEXT, { stateMachineName: "payments" });
    const call = (endpoint: string, method = "POST") => ({
      action: "states:InvokeHTTPEndpoint",
      resource: `${A}:states:${R}:stateMachine:payments`,
      context: { "states:HTTPMethod": method, "states:HTTPEndpoint": endpoint },
    });
    expect(allows(document, call("https://api.stripe.com/v1/refunds"))).to.equal(true);
    expect(allows(document, call("https://api.stripe.com/v1/refunds?limit=5"))).to.equal(true);
    expect(allows(document, call("https://api.stripe.com/v1/refunds-evil"))).to.equal(false);
    expect(allows(document, call("https://api.stripe.com/v1/refunds", "DELETE"))).to.equal(false);
  });

  it("drops the HTTP method condition, with a warning, when the method is dynamic", () => {
    const definition = task({ Resource: `${A}:states:::http:invoke`, Parameters: { ApiEndpoint: "https://api.example.com/x", "Method.$": "$.method", Authentication: { ConnectionArn: CONNECTION } } });
    const { document, warnings } = deriveExecutionPolicy("flow.asl.json", definition, CONTEXT, { stateMachineName: "payments" });
    expect(document.Statement.find((s) => s.Action.includes("states:InvokeHTTPEndpoint"))?.Condition).to.deep.equal({ StringLike: { "states:HTTPEndpoint": ["https://api.example.com/x", "https://api.example.com/x${?}*"] } });
    expect(warnings.map((w) => w.field)).to.deep.equal(["Parameters.Method.$"]);
  });

  it("rejects an integration it does not know, naming the State and Resource", () => {
    const error = definitionError(() => deriveExecutionPolicy("flow.asl.json", task({ Resource: `${A}:states:::emr-serverless:startJobRun.sync`, Parameters: {} }), CONTEXT));
    expect(error.message).to.contain('State "Call"').and.contain("Resource").and.contain("emr-serverless:startJobRun");
  });

  it("rejects a pattern the service does not support", () => {
    const error = definitionError(() => deriveExecutionPolicy("flow.asl.json", task({ Resource: `${A}:states:::glue:startJobRun.waitForTaskToken`, Parameters: { JobName: "x" } }), CONTEXT));
    expect(error.message).to.contain(".waitForTaskToken").and.contain("request-response, .sync");
  });

  it("rejects an ItemReader it does not know, naming the field", () => {
    const definition: AslStateMachine = {
      StartAt: "Each",
      States: {
        Each: {
          Type: "Map",
          ItemReader: { Resource: `${A}:states:::dynamodb:scan`, Parameters: {} },
          ItemProcessor: { ProcessorConfig: { Mode: "DISTRIBUTED" }, StartAt: "Noop", States: { Noop: { Type: "Pass", End: true } } },
          End: true,
        },
      },
    };
    const error = definitionError(() => deriveExecutionPolicy("flow.asl.json", definition, CONTEXT));
    expect(error.message).to.contain("ItemReader.Resource");
  });

  it("rejects a Task missing its target field, naming it", () => {
    const error = definitionError(() => deriveExecutionPolicy("flow.asl.json", task({ Resource: `${A}:states:::batch:submitJob`, Parameters: { JobDefinition: "x" } }), CONTEXT));
    expect(error.message).to.contain("Parameters.JobQueue");
  });

  it("answers every aws-sdk integration, and only well-formed ones", () => {
    expect(integrationFor("aws-sdk:textract:analyzeDocument")).to.not.equal(undefined);
    expect(integrationFor("aws-sdk:Bad:call")).to.equal(undefined);
    expect(integrationFor("emr:addStep")).to.equal(undefined);
    expect(integrationFor("toString")).to.equal(undefined);
  });

  it("reads an S3 object URL given as s3:// or as an HTTPS URL, virtual-hosted or path-style", () => {
    const url = (value: string) => RESOURCE_KINDS.s3ObjectUrl.toArn(value);
    expect(url("s3://calls/2026/a.wav")).to.equal("s3://calls/2026/a.wav");
    expect(url("https://calls.s3.eu-west-1.amazonaws.com/2026/a.wav")).to.equal("s3://calls/2026/a.wav");
    expect(url("https://my.dotted.bucket.s3.amazonaws.com/a.wav")).to.equal("s3://my.dotted.bucket/a.wav");
    expect(url("https://s3.eu-west-1.amazonaws.com/calls/2026/a.wav")).to.equal("s3://calls/2026/a.wav");
    expect(url("https://s3-eu-west-1.amazonaws.com/calls/a.wav")).to.equal("s3://calls/a.wav");
    expect(url("https://example.com/calls/a.wav")).to.equal(undefined);
    expect(url("s3://calls")).to.equal(undefined);
  });

  it("documents every row with an AWS page", () => {
    for (const [key, row] of Object.entries(INTEGRATIONS)) expect(row.docs, key).to.match(/^https:\/\/docs\.aws\.amazon\.com\//);
  });
});
