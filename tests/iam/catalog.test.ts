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

/*
 * Issue 11, item 2: API Gateway, EMR, EMR Serverless, EMR on EKS, MediaConvert, the SageMaker jobs and models, and
 * Bedrock model customization. Each expectation is the AWS page's template for the pattern (cited in the row's
 * `docs`), scoped: a target the Task names replaces the page's placeholder, one it does not name is the scoped
 * wildcard of its type in the machine's Region and account.
 */
const IAM = `${A}:iam::111111111111`;
const sync = (rule: string) => events(rule);
const slr = (path: string, service: string | string[], operator = "StringLike") =>
  allow(["iam:CreateServiceLinkedRole"], [`${IAM}:role/aws-service-role/${path}`], { [operator]: { "iam:AWSServiceName": service } });
const API = "a1b2c3d4e5.execute-api.eu-west-1.amazonaws.com";
const EMR_CLUSTER = `${A}:elasticmapreduce:${R}:cluster/j-2AXXXXXXGAPLF`;
const EMR_CREATE = {
  Name: "nightly-etl",
  ReleaseLabel: "emr-7.1.0",
  ServiceRole: "EMR_DefaultRole",
  JobFlowRole: "EMR_EC2_DefaultRole",
  AutoScalingRole: "EMR_AutoScaling_DefaultRole",
  Instances: { KeepJobFlowAliveWhenNoSteps: true, InstanceGroups: [] },
};
const EMR_SLR = slr("elasticmapreduce.amazonaws.com*/AWSServiceRoleForEMRCleanup*", ["elasticmapreduce.amazonaws.com", "elasticmapreduce.amazonaws.com.cn"], "StringEquals");
const APP = `${A}:emr-serverless:${R}:/applications/00fjh3k9sqkbtl09`;
const SERVERLESS_SLR = slr("ops.emr-serverless.amazonaws.com/AWSServiceRoleForAmazonEMRServerless*", "ops.emr-serverless.amazonaws.com");
const SERVERLESS_ROLE = `${IAM}:role/emr-serverless-job`;
const VC = `${A}:emr-containers:${R}:/virtualclusters/k0f1vpnnlclknspsbqpagrcjh`;
const EKS_ROLE = `${IAM}:role/emr-eks-job`;
const MEDIACONVERT_ROLE = `${IAM}:role/mediaconvert-transcode`;
const MEDIACONVERT_CREATE = allow(["mediaconvert:CreateJob"], [`${A}:mediaconvert:${R}:jobTemplates/*`, `${A}:mediaconvert:${R}:presets/*`, `${A}:mediaconvert:${R}:queues/*`]);
const SM_ROLE = `${IAM}:role/sagemaker-execution`;
const TRANSFORM_JOB = `${A}:sagemaker:${R}:transform-job/churn-batch-2026*`;
const CUSTOMIZATION = [`${A}:bedrock:${R}:custom-model/*`, `${A}:bedrock:${R}:model-customization-job/*`];
const BEDROCK_ROLE = `${IAM}:role/bedrock-customization`;

const GAP_ROWS: Row[] = [
  {
    name: "apigateway:invoke with AuthType IAM_ROLE: execute-api:Invoke on the API, stage, method and path",
    definition: task({ Resource: `${A}:states:::apigateway:invoke`, Parameters: { ApiEndpoint: API, Method: "POST", Stage: "prod", Path: "orders/refunds", AuthType: "IAM_ROLE", RequestBody: {} } }),
    expected: [allow(["execute-api:Invoke"], [`${A}:execute-api:${R}:a1b2c3d4e5/prod/POST/orders/refunds`])],
  },
  {
    name: "apigateway:invoke.waitForTaskToken on an HTTP API's $default stage in another Region, with a leading slash",
    definition: task({
      Resource: `${A}:states:::apigateway:invoke.waitForTaskToken`,
      Parameters: { ApiEndpoint: "8dr32vcmf1.execute-api.us-east-2.amazonaws.com", Method: "GET", Path: "/bills", AuthType: "IAM_ROLE", Headers: { "TaskToken.$": "States.Array($$.Task.Token)" } },
    }),
    expected: [allow(["execute-api:Invoke"], [`${A}:execute-api:us-east-2:111111111111:8dr32vcmf1/$default/GET/bills`])],
  },
  {
    name: "apigateway:invoke without AuthType (NO_AUTH) or with RESOURCE_POLICY: nothing for the execution role",
    definition: {
      StartAt: "Open",
      States: {
        Open: { Type: "Task", Resource: `${A}:states:::apigateway:invoke`, Parameters: { ApiEndpoint: API, Method: "GET", Stage: "prod", Path: "health" }, Next: "Policy" },
        Policy: { Type: "Task", Resource: `${A}:states:::apigateway:invoke`, Parameters: { ApiEndpoint: API, Method: "GET", Stage: "prod", AuthType: "RESOURCE_POLICY" }, End: true },
      },
    },
    expected: [],
  },
  {
    name: "apigateway:invoke in JSONata with the endpoint and path computed: * for each, in the machine's Region and account",
    definition: task(
      { Resource: `${A}:states:::apigateway:invoke`, Arguments: { ApiEndpoint: "{% $states.input.api %}", Method: "PUT", Stage: "v1", Path: "{% 'items/' & $states.input.id %}", AuthType: "IAM_ROLE" } },
      { QueryLanguage: "JSONata" },
    ),
    expected: [allow(["execute-api:Invoke"], [`${A}:execute-api:${R}:*/v1/PUT/*`])],
    warnings: ["Arguments.ApiEndpoint", "Arguments.Path"],
  },
  {
    name: "apigateway:invoke with an AuthType read from the input: granted as for IAM_ROLE, with a warning",
    definition: task({ Resource: `${A}:states:::apigateway:invoke`, Parameters: { ApiEndpoint: API, Method: "DELETE", Stage: "prod", Path: "carts/1", "AuthType.$": "$.auth" } }),
    expected: [allow(["execute-api:Invoke"], [`${A}:execute-api:${R}:a1b2c3d4e5/prod/DELETE/carts/1`])],
    warnings: ["Parameters.AuthType.$"],
  },
  {
    name: "elasticmapreduce:createCluster: RunJobFlow on *, each role passed to its own service, the cleanup service-linked role",
    definition: task({ Resource: `${A}:states:::elasticmapreduce:createCluster`, Parameters: EMR_CREATE }),
    expected: [
      allow(["elasticmapreduce:RunJobFlow"], ["*"]),
      passRole("elasticmapreduce.amazonaws.com", `${IAM}:role/EMR_DefaultRole`),
      passRole("ec2.amazonaws.com", `${IAM}:role/EMR_EC2_DefaultRole`),
      passRole("application-autoscaling.amazonaws.com", `${IAM}:role/EMR_AutoScaling_DefaultRole`),
      EMR_SLR,
    ],
  },
  {
    name: "elasticmapreduce:createCluster.sync with a role ARN and an instance-profile ARN",
    definition: task({
      Resource: `${A}:states:::elasticmapreduce:createCluster.sync`,
      Parameters: { Name: "adhoc", ReleaseLabel: "emr-7.1.0", ServiceRole: `${IAM}:role/emr-service`, JobFlowRole: `${IAM}:instance-profile/emr-nodes`, Instances: { InstanceFleets: [] } },
    }),
    expected: [
      allow(["elasticmapreduce:RunJobFlow"], ["*"]),
      allow(["elasticmapreduce:DescribeCluster", "elasticmapreduce:TerminateJobFlows"], [`${A}:elasticmapreduce:${R}:cluster/*`]),
      passRole("elasticmapreduce.amazonaws.com", `${IAM}:role/emr-service`),
      passRole("ec2.amazonaws.com", `${IAM}:role/emr-nodes`),
      EMR_SLR,
      sync("StepFunctionsGetEventForEMRRunJobFlowRule"),
    ],
  },
  {
    name: "elasticmapreduce:addStep",
    definition: task({ Resource: `${A}:states:::elasticmapreduce:addStep`, Parameters: { ClusterId: "j-2AXXXXXXGAPLF", Step: { Name: "s", HadoopJarStep: { Jar: "command-runner.jar" } } } }),
    expected: [allow(["elasticmapreduce:AddJobFlowSteps"], [EMR_CLUSTER])],
  },
  {
    name: "elasticmapreduce:addStep.sync on a cluster read from the input",
    definition: task({ Resource: `${A}:states:::elasticmapreduce:addStep.sync`, Parameters: { "ClusterId.$": "$.ClusterId", Step: {} } }),
    expected: [
      allow(["elasticmapreduce:AddJobFlowSteps", "elasticmapreduce:CancelSteps", "elasticmapreduce:DescribeStep"], [`${A}:elasticmapreduce:${R}:cluster/*`]),
      sync("StepFunctionsGetEventForEMRAddJobFlowStepsRule"),
    ],
    warnings: ["Parameters.ClusterId.$"],
  },
  {
    name: "elasticmapreduce:cancelStep",
    definition: task({ Resource: `${A}:states:::elasticmapreduce:cancelStep`, Parameters: { ClusterId: "j-2AXXXXXXGAPLF", "StepId.$": "$.StepId" } }),
    expected: [allow(["elasticmapreduce:CancelSteps"], [EMR_CLUSTER])],
  },
  {
    name: "elasticmapreduce:setClusterTerminationProtection",
    definition: task({ Resource: `${A}:states:::elasticmapreduce:setClusterTerminationProtection`, Parameters: { ClusterId: "j-2AXXXXXXGAPLF", TerminationProtected: true } }),
    expected: [allow(["elasticmapreduce:SetTerminationProtection"], [EMR_CLUSTER])],
  },
  {
    name: "elasticmapreduce:modifyInstanceFleetByName (the fleet found by listing the cluster's)",
    definition: task({ Resource: `${A}:states:::elasticmapreduce:modifyInstanceFleetByName`, Parameters: { ClusterId: "j-2AXXXXXXGAPLF", InstanceFleetName: "core", InstanceFleet: { TargetOnDemandCapacity: 8 } } }),
    expected: [allow(["elasticmapreduce:ListInstanceFleets", "elasticmapreduce:ModifyInstanceFleet"], [EMR_CLUSTER])],
  },
  {
    name: "elasticmapreduce:modifyInstanceGroupByName (the group found by listing the cluster's)",
    definition: task({ Resource: `${A}:states:::elasticmapreduce:modifyInstanceGroupByName`, Parameters: { ClusterId: "j-2AXXXXXXGAPLF", InstanceGroupName: "core", InstanceGroup: { InstanceCount: 8 } } }),
    expected: [allow(["elasticmapreduce:ListInstanceGroups", "elasticmapreduce:ModifyInstanceGroups"], [EMR_CLUSTER])],
  },
  {
    name: "elasticmapreduce:terminateCluster",
    definition: task({ Resource: `${A}:states:::elasticmapreduce:terminateCluster`, Parameters: { ClusterId: "j-2AXXXXXXGAPLF" } }),
    expected: [allow(["elasticmapreduce:TerminateJobFlows"], [EMR_CLUSTER])],
  },
  {
    name: "elasticmapreduce:terminateCluster.sync",
    definition: task({ Resource: `${A}:states:::elasticmapreduce:terminateCluster.sync`, Parameters: { ClusterId: EMR_CLUSTER } }),
    expected: [allow(["elasticmapreduce:DescribeCluster", "elasticmapreduce:TerminateJobFlows"], [EMR_CLUSTER]), sync("StepFunctionsGetEventForEMRTerminateJobFlowsRule")],
  },
  {
    name: "emr-serverless:createApplication: CreateApplication on * (no resource type) and the service-linked role",
    definition: task({ Resource: `${A}:states:::emr-serverless:createApplication`, Parameters: { Name: "spark", ReleaseLabel: "emr-7.1.0", Type: "SPARK" } }),
    expected: [allow(["emr-serverless:CreateApplication"], ["*"]), SERVERLESS_SLR],
  },
  {
    name: "emr-serverless:createApplication.sync",
    definition: task({ Resource: `${A}:states:::emr-serverless:createApplication.sync`, Parameters: { Name: "spark", ReleaseLabel: "emr-7.1.0", Type: "SPARK" } }),
    expected: [
      allow(["emr-serverless:CreateApplication"], ["*"]),
      allow(["emr-serverless:DeleteApplication", "emr-serverless:GetApplication"], [`${A}:emr-serverless:${R}:/applications/*`]),
      SERVERLESS_SLR,
      sync("StepFunctionsGetEventsForEMRServerlessApplicationRule"),
    ],
  },
  {
    name: "emr-serverless:startApplication",
    definition: task({ Resource: `${A}:states:::emr-serverless:startApplication`, Parameters: { ApplicationId: "00fjh3k9sqkbtl09" } }),
    expected: [allow(["emr-serverless:StartApplication"], [APP])],
  },
  {
    name: "emr-serverless:startApplication.sync",
    definition: task({ Resource: `${A}:states:::emr-serverless:startApplication.sync`, Parameters: { ApplicationId: "00fjh3k9sqkbtl09" } }),
    expected: [allow(["emr-serverless:GetApplication", "emr-serverless:StartApplication", "emr-serverless:StopApplication"], [APP]), sync("StepFunctionsGetEventsForEMRServerlessApplicationRule")],
  },
  {
    name: "emr-serverless:stopApplication",
    definition: task({ Resource: `${A}:states:::emr-serverless:stopApplication`, Parameters: { ApplicationId: APP } }),
    expected: [allow(["emr-serverless:StopApplication"], [APP])],
  },
  {
    name: "emr-serverless:stopApplication.sync",
    definition: task({ Resource: `${A}:states:::emr-serverless:stopApplication.sync`, Parameters: { ApplicationId: "00fjh3k9sqkbtl09" } }),
    expected: [allow(["emr-serverless:GetApplication", "emr-serverless:StopApplication"], [APP]), sync("StepFunctionsGetEventsForEMRServerlessApplicationRule")],
  },
  {
    name: "emr-serverless:deleteApplication",
    definition: task({ Resource: `${A}:states:::emr-serverless:deleteApplication`, Parameters: { ApplicationId: "00fjh3k9sqkbtl09" } }),
    expected: [allow(["emr-serverless:DeleteApplication"], [APP])],
  },
  {
    name: "emr-serverless:deleteApplication.sync",
    definition: task({ Resource: `${A}:states:::emr-serverless:deleteApplication.sync`, Parameters: { ApplicationId: "00fjh3k9sqkbtl09" } }),
    expected: [allow(["emr-serverless:DeleteApplication", "emr-serverless:GetApplication"], [APP]), sync("StepFunctionsGetEventsForEMRServerlessApplicationRule")],
  },
  {
    name: "emr-serverless:startJobRun: the application, and the job's execution role passed to EMR Serverless",
    definition: task({ Resource: `${A}:states:::emr-serverless:startJobRun`, Parameters: { ApplicationId: "00fjh3k9sqkbtl09", ExecutionRoleArn: SERVERLESS_ROLE, JobDriver: {} } }),
    expected: [allow(["emr-serverless:StartJobRun"], [APP]), passRole("emr-serverless.amazonaws.com", SERVERLESS_ROLE)],
  },
  {
    name: "emr-serverless:startJobRun.sync in JSONata on an application computed at run time",
    definition: task(
      { Resource: `${A}:states:::emr-serverless:startJobRun.sync`, Arguments: { ApplicationId: "{% $states.input.app %}", ExecutionRoleArn: SERVERLESS_ROLE, JobDriver: {} } },
      { QueryLanguage: "JSONata" },
    ),
    expected: [
      allow(["emr-serverless:StartJobRun"], [`${A}:emr-serverless:${R}:/applications/*`]),
      allow(["emr-serverless:CancelJobRun", "emr-serverless:GetJobRun"], [`${A}:emr-serverless:${R}:/applications/*/jobruns/*`]),
      passRole("emr-serverless.amazonaws.com", SERVERLESS_ROLE),
      sync("StepFunctionsGetEventsForEMRServerlessJobRule"),
    ],
    warnings: ["Arguments.ApplicationId"],
  },
  {
    name: "emr-serverless:cancelJobRun on the job run it names",
    definition: task({ Resource: `${A}:states:::emr-serverless:cancelJobRun`, Parameters: { ApplicationId: "00fjh3k9sqkbtl09", JobRunId: "00fjh8l2c6ugjd0a" } }),
    expected: [allow(["emr-serverless:CancelJobRun"], [`${APP}/jobruns/00fjh8l2c6ugjd0a`])],
  },
  {
    name: "emr-serverless:cancelJobRun.sync on a job run read from the input",
    definition: task({ Resource: `${A}:states:::emr-serverless:cancelJobRun.sync`, Parameters: { ApplicationId: "00fjh3k9sqkbtl09", "JobRunId.$": "$.JobRunId" } }),
    expected: [allow(["emr-serverless:CancelJobRun", "emr-serverless:GetJobRun"], [`${APP}/jobruns/*`]), sync("StepFunctionsGetEventsForEMRServerlessJobRule")],
    warnings: ["Parameters.JobRunId.$"],
  },
  {
    name: "emr-containers:createVirtualCluster: CreateVirtualCluster on * (no resource type) and the service-linked role",
    definition: task({ Resource: `${A}:states:::emr-containers:createVirtualCluster`, Parameters: { Name: "analytics", ContainerProvider: { Id: "eks-analytics", Type: "EKS", Info: { EksInfo: { Namespace: "spark" } } } } }),
    expected: [
      allow(["emr-containers:CreateVirtualCluster"], ["*"]),
      slr("emr-containers.amazonaws.com/AWSServiceRoleForAmazonEMRContainers", "emr-containers.amazonaws.com"),
    ],
  },
  {
    name: "emr-containers:deleteVirtualCluster",
    definition: task({ Resource: `${A}:states:::emr-containers:deleteVirtualCluster`, Parameters: { Id: "k0f1vpnnlclknspsbqpagrcjh" } }),
    expected: [allow(["emr-containers:DeleteVirtualCluster"], [VC])],
  },
  {
    name: "emr-containers:deleteVirtualCluster.sync",
    definition: task({ Resource: `${A}:states:::emr-containers:deleteVirtualCluster.sync`, Parameters: { Id: "k0f1vpnnlclknspsbqpagrcjh" } }),
    expected: [allow(["emr-containers:DeleteVirtualCluster", "emr-containers:DescribeVirtualCluster"], [VC])],
  },
  {
    name: "emr-containers:startJobRun, only with its execution role (emr-containers:ExecutionRoleArn, no iam:PassRole)",
    definition: task({ Resource: `${A}:states:::emr-containers:startJobRun`, Parameters: { VirtualClusterId: "k0f1vpnnlclknspsbqpagrcjh", ExecutionRoleArn: EKS_ROLE, ReleaseLabel: "emr-7.1.0-latest", JobDriver: {} } }),
    expected: [allow(["emr-containers:StartJobRun"], [VC], { StringEquals: { "emr-containers:ExecutionRoleArn": EKS_ROLE } })],
  },
  {
    name: "emr-containers:startJobRun.sync with the virtual cluster and the role read from the input",
    definition: task({ Resource: `${A}:states:::emr-containers:startJobRun.sync`, Parameters: { "VirtualClusterId.$": "$.vc", "ExecutionRoleArn.$": "$.role", JobDriver: {} } }),
    expected: [
      allow(["emr-containers:StartJobRun"], [`${A}:emr-containers:${R}:/virtualclusters/*`], { ArnLike: { "emr-containers:ExecutionRoleArn": `${IAM}:role/*` } }),
      allow(["emr-containers:CancelJobRun", "emr-containers:DescribeJobRun"], [`${A}:emr-containers:${R}:/virtualclusters/*/jobruns/*`]),
    ],
    warnings: ["Parameters.VirtualClusterId.$", "Parameters.ExecutionRoleArn.$"],
  },
  {
    name: "emr-containers:startJobRun.sync from a job template (no ExecutionRoleArn): any role of the account, with a warning",
    definition: task({ Resource: `${A}:states:::emr-containers:startJobRun.sync`, Parameters: { VirtualClusterId: "k0f1vpnnlclknspsbqpagrcjh", JobTemplateId: "tmpl-1" } }),
    expected: [
      allow(["emr-containers:StartJobRun"], [VC], { ArnLike: { "emr-containers:ExecutionRoleArn": `${IAM}:role/*` } }),
      allow(["emr-containers:CancelJobRun", "emr-containers:DescribeJobRun"], [`${VC}/jobruns/*`]),
    ],
    warnings: ["Parameters.ExecutionRoleArn"],
  },
  {
    name: "mediaconvert:createJob: CreateJob on the queues, job templates and presets, the job's role passed to MediaConvert",
    definition: task({ Resource: `${A}:states:::mediaconvert:createJob`, Parameters: { Role: MEDIACONVERT_ROLE, Settings: {} } }),
    expected: [MEDIACONVERT_CREATE, passRole("mediaconvert.amazonaws.com", MEDIACONVERT_ROLE)],
  },
  {
    name: "mediaconvert:createJob.sync",
    definition: task({ Resource: `${A}:states:::mediaconvert:createJob.sync`, Parameters: { Role: MEDIACONVERT_ROLE, JobTemplate: "hls-ladder", Settings: {} } }),
    expected: [
      MEDIACONVERT_CREATE,
      allow(["mediaconvert:CancelJob", "mediaconvert:GetJob"], [`${A}:mediaconvert:${R}:jobs/*`]),
      passRole("mediaconvert.amazonaws.com", MEDIACONVERT_ROLE),
      sync("StepFunctionsGetEventsForMediaConvertJobRule"),
    ],
  },
  {
    name: "mediaconvert:createJob with the role read from the input: any role of the account, only to MediaConvert",
    definition: task({ Resource: `${A}:states:::mediaconvert:createJob`, Parameters: { "Role.$": "$.role", Settings: {} } }),
    expected: [MEDIACONVERT_CREATE, passRole("mediaconvert.amazonaws.com", `${IAM}:role/*`)],
    warnings: ["Parameters.Role.$"],
  },
  {
    name: "sagemaker:createModel with its execution role and Tags",
    definition: task({
      Resource: `${A}:states:::sagemaker:createModel`,
      Parameters: { ModelName: "Churn-XGB", ExecutionRoleArn: SM_ROLE, PrimaryContainer: {}, Tags: [{ Key: "team", Value: "ml" }] },
    }),
    expected: [
      allow(["sagemaker:CreateModel"], [`${A}:sagemaker:${R}:model/churn-xgb`]),
      allow(["sagemaker:AddTags"], [`${A}:sagemaker:${R}:model/churn-xgb`], { StringEquals: { "sagemaker:TaggingAction": "CreateModel" } }),
      passRole("sagemaker.amazonaws.com", SM_ROLE),
    ],
  },
  {
    name: "sagemaker:createTransformJob: no role to pass (the model's applies)",
    definition: task({ Resource: `${A}:states:::sagemaker:createTransformJob`, Parameters: { TransformJobName: "Churn-Batch-2026", ModelName: "churn-xgb", TransformInput: {}, TransformOutput: {}, TransformResources: {} } }),
    expected: [allow(["sagemaker:AddTags", "sagemaker:CreateTransformJob", "sagemaker:ListTags"], [TRANSFORM_JOB])],
  },
  {
    name: "sagemaker:createTransformJob.sync",
    definition: task({ Resource: `${A}:states:::sagemaker:createTransformJob.sync`, Parameters: { TransformJobName: "Churn-Batch-2026", ModelName: "churn-xgb" } }),
    expected: [
      allow(["sagemaker:AddTags", "sagemaker:CreateTransformJob", "sagemaker:ListTags"], [TRANSFORM_JOB]),
      allow(["sagemaker:DescribeTransformJob", "sagemaker:StopTransformJob"], [TRANSFORM_JOB]),
      sync("StepFunctionsGetEventsForSageMakerTransformJobsRule"),
    ],
  },
  {
    name: "sagemaker:createEndpointConfig",
    definition: task({ Resource: `${A}:states:::sagemaker:createEndpointConfig`, Parameters: { EndpointConfigName: "churn-v3", ProductionVariants: [] } }),
    expected: [allow(["sagemaker:CreateEndpointConfig"], [`${A}:sagemaker:${R}:endpoint-config/churn-v3`])],
  },
  {
    name: "sagemaker:createEndpoint (authorised on the endpoint and its configuration)",
    definition: task({ Resource: `${A}:states:::sagemaker:createEndpoint`, Parameters: { EndpointName: "Churn", EndpointConfigName: "churn-v3" } }),
    expected: [allow(["sagemaker:CreateEndpoint"], [`${A}:sagemaker:${R}:endpoint-config/churn-v3`, `${A}:sagemaker:${R}:endpoint/churn`])],
  },
  {
    name: "sagemaker:updateEndpoint to a configuration read from the input",
    definition: task({ Resource: `${A}:states:::sagemaker:updateEndpoint`, Parameters: { EndpointName: "churn", "EndpointConfigName.$": "$.config" } }),
    expected: [allow(["sagemaker:UpdateEndpoint"], [`${A}:sagemaker:${R}:endpoint-config/*`, `${A}:sagemaker:${R}:endpoint/churn`])],
    warnings: ["Parameters.EndpointConfigName.$"],
  },
  {
    name: "sagemaker:createHyperParameterTuningJob.sync",
    definition: task({
      Resource: `${A}:states:::sagemaker:createHyperParameterTuningJob.sync`,
      Parameters: { HyperParameterTuningJobName: "churn-hpo", HyperParameterTuningJobConfig: {}, TrainingJobDefinition: { RoleArn: SM_ROLE } },
    }),
    expected: [
      allow(["sagemaker:CreateHyperParameterTuningJob"], [`${A}:sagemaker:${R}:hyper-parameter-tuning-job/churn-hpo*`]),
      allow(["sagemaker:DescribeHyperParameterTuningJob", "sagemaker:StopHyperParameterTuningJob"], [`${A}:sagemaker:${R}:hyper-parameter-tuning-job/churn-hpo*`]),
      passRole("sagemaker.amazonaws.com", SM_ROLE),
      sync("StepFunctionsGetEventsForSageMakerTuningJobsRule"),
    ],
  },
  {
    name: "sagemaker:createHyperParameterTuningJob with several training job definitions (each role passed)",
    definition: task({
      Resource: `${A}:states:::sagemaker:createHyperParameterTuningJob`,
      Parameters: { HyperParameterTuningJobName: "churn-hpo", TrainingJobDefinitions: [{ RoleArn: SM_ROLE }, { RoleArn: `${IAM}:role/sagemaker-gpu` }] },
    }),
    expected: [
      allow(["sagemaker:CreateHyperParameterTuningJob"], [`${A}:sagemaker:${R}:hyper-parameter-tuning-job/churn-hpo*`]),
      passRole("sagemaker.amazonaws.com", SM_ROLE, `${IAM}:role/sagemaker-gpu`),
    ],
  },
  {
    name: "sagemaker:createLabelingJob.sync",
    definition: task({ Resource: `${A}:states:::sagemaker:createLabelingJob.sync`, Parameters: { LabelingJobName: "tickets-1", RoleArn: SM_ROLE, HumanTaskConfig: {} } }),
    expected: [
      allow(["sagemaker:CreateLabelingJob"], [`${A}:sagemaker:${R}:labeling-job/tickets-1*`]),
      allow(["sagemaker:DescribeLabelingJob", "sagemaker:StopLabelingJob"], [`${A}:sagemaker:${R}:labeling-job/tickets-1*`]),
      passRole("sagemaker.amazonaws.com", SM_ROLE),
    ],
  },
  {
    name: "sagemaker:createProcessingJob.sync named from the input, as the AWS example does",
    definition: task({ Resource: `${A}:states:::sagemaker:createProcessingJob.sync`, Parameters: { "ProcessingJobName.$": "$.id", RoleArn: SM_ROLE, AppSpecification: {}, ProcessingResources: {} } }),
    expected: [
      allow(["sagemaker:CreateProcessingJob", "sagemaker:DescribeProcessingJob", "sagemaker:StopProcessingJob"], [`${A}:sagemaker:${R}:processing-job/*`]),
      passRole("sagemaker.amazonaws.com", SM_ROLE),
      sync("StepFunctionsGetEventsForSageMakerProcessingJobsRule"),
    ],
    warnings: ["Parameters.ProcessingJobName.$"],
  },
  {
    name: "bedrock:createModelCustomizationJob of a foundation model",
    definition: task({
      Resource: `${A}:states:::bedrock:createModelCustomizationJob`,
      Parameters: { JobName: "tune-1", CustomModelName: "support-titan", BaseModelIdentifier: "amazon.titan-text-express-v1", RoleArn: BEDROCK_ROLE, TrainingDataConfig: {}, OutputDataConfig: {} },
    }),
    expected: [
      allow(["bedrock:CreateModelCustomizationJob"], [`${A}:bedrock:eu-west-1::foundation-model/amazon.titan-text-express-v1`, ...CUSTOMIZATION]),
      passRole("bedrock.amazonaws.com", BEDROCK_ROLE),
    ],
  },
  {
    name: "bedrock:createModelCustomizationJob.sync of a custom model",
    definition: task({
      Resource: `${A}:states:::bedrock:createModelCustomizationJob.sync`,
      Parameters: { JobName: "tune-2", CustomModelName: "support-titan-2", BaseModelIdentifier: `${A}:bedrock:${R}:custom-model/amazon.titan-text-express-v1:0:8k/abc123`, RoleArn: BEDROCK_ROLE },
    }),
    expected: [
      allow(["bedrock:CreateModelCustomizationJob"], [`${A}:bedrock:${R}:custom-model/amazon.titan-text-express-v1:0:8k/abc123`, ...CUSTOMIZATION]),
      allow(["bedrock:GetModelCustomizationJob", "bedrock:StopModelCustomizationJob"], [`${A}:bedrock:${R}:model-customization-job/*`]),
      passRole("bedrock.amazonaws.com", BEDROCK_ROLE),
    ],
  },
  {
    name: "bedrock:createModelCustomizationJob.sync of a base model read from the input: any foundation model of the Region",
    definition: task({ Resource: `${A}:states:::bedrock:createModelCustomizationJob.sync`, Parameters: { "BaseModelIdentifier.$": "$.base", RoleArn: BEDROCK_ROLE } }),
    expected: [
      allow(["bedrock:CreateModelCustomizationJob"], [`${A}:bedrock:eu-west-1::foundation-model/*`, ...CUSTOMIZATION]),
      allow(["bedrock:GetModelCustomizationJob", "bedrock:StopModelCustomizationJob"], [`${A}:bedrock:${R}:model-customization-job/*`]),
      passRole("bedrock.amazonaws.com", BEDROCK_ROLE),
    ],
    warnings: ["Parameters.BaseModelIdentifier.$"],
  },
];

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
    name: "aws-sdk:fis:createExperimentTemplate passes its role to FIS",
    definition: task({
      Resource: `${A}:states:::aws-sdk:fis:createExperimentTemplate`,
      Parameters: { ClientToken: "t-1", Description: "stop tasks", RoleArn: `${A}:iam::111111111111:role/fis-experiments`, StopConditions: [{ Source: "none" }], Targets: {}, Actions: {} },
    }),
    expected: [allow(["fis:CreateExperimentTemplate"], [`${A}:fis:eu-west-1:111111111111:action/*`, `${A}:fis:eu-west-1:111111111111:experiment-template/*`]), passRole("fis.amazonaws.com", `${A}:iam::111111111111:role/fis-experiments`)],
    warnings: ["Parameters"],
  },
  {
    name: "aws-sdk:scheduler:createSchedule passes its target's role to EventBridge Scheduler",
    definition: task({
      Resource: `${A}:states:::aws-sdk:scheduler:createSchedule`,
      Parameters: { Name: "nightly", ScheduleExpression: "rate(1 day)", FlexibleTimeWindow: { Mode: "OFF" }, Target: { Arn: `${A}:sqs:eu-west-1:111111111111:jobs`, RoleArn: `${A}:iam::111111111111:role/scheduler-sends` } },
    }),
    expected: [passRole("scheduler.amazonaws.com", `${A}:iam::111111111111:role/scheduler-sends`), allow(["scheduler:CreateSchedule"], [`${A}:scheduler:eu-west-1:111111111111:schedule/*/*`])],
    warnings: ["Parameters"],
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
  ...GAP_ROWS,
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
    const error = definitionError(() => deriveExecutionPolicy("flow.asl.json", task({ Resource: `${A}:states:::databrew:startJobRun.sync`, Parameters: { Name: "x" } }), CONTEXT));
    expect(error.message).to.contain('State "Call"').and.contain("Resource").and.contain("databrew:startJobRun");
  });

  it("lets an IAM-signed API Gateway Task call its stage, method and path, and nothing else of the API", () => {
    const definition = GAP_ROWS[0].definition;
    const { document } = deriveExecutionPolicy("flow.asl.json", definition, CONTEXT, { stateMachineName: "payments" });
    const invoke = (resource: string) => allows(document, { action: "execute-api:Invoke", resource: `${A}:execute-api:${R}:a1b2c3d4e5/${resource}` });
    expect(invoke("prod/POST/orders/refunds")).to.equal(true);
    expect(invoke("prod/GET/orders/refunds")).to.equal(false);
    expect(invoke("prod/POST/orders/refunds/all")).to.equal(false);
    expect(invoke("test/POST/orders/refunds")).to.equal(false);
    expect(allows(document, { action: "execute-api:Invoke", resource: `${A}:execute-api:eu-west-1:999999999999:a1b2c3d4e5/prod/POST/orders/refunds` })).to.equal(false);
  });

  it("rejects an API Gateway endpoint that is not <api-id>.execute-api.<region>.amazonaws.com, and an unknown method or AuthType", () => {
    const invoke = (parameters: Record<string, string>) =>
      definitionError(() => deriveExecutionPolicy("flow.asl.json", task({ Resource: `${A}:states:::apigateway:invoke`, Parameters: { ApiEndpoint: API, Method: "GET", ...parameters } }), CONTEXT));
    expect(invoke({ ApiEndpoint: "api.example.com" })).to.include({ state: "Call", field: "Parameters.ApiEndpoint" });
    expect(invoke({ ApiEndpoint: `https://${API}/prod` }).message).to.contain("<api-id>.execute-api.<region>.amazonaws.com");
    expect(invoke({ Method: "FETCH" })).to.include({ field: "Parameters.Method" });
    expect(invoke({ Method: "FETCH" }).message).to.contain("GET, POST, PUT, DELETE, PATCH, HEAD or OPTIONS");
    expect(invoke({ AuthType: "IAM_AUTH" }).message).to.contain("NO_AUTH, IAM_ROLE or RESOURCE_POLICY").and.contain('Received: "IAM_AUTH"');
  });

  it("allows an EMR on EKS job run only with the execution role the Task names", () => {
    const definition = GAP_ROWS.find((r) => r.name.startsWith("emr-containers:startJobRun, only"))!.definition;
    const { document } = deriveExecutionPolicy("flow.asl.json", definition, CONTEXT);
    const start = (role: string) => allows(document, { action: "emr-containers:StartJobRun", resource: VC, context: { "emr-containers:ExecutionRoleArn": role } });
    expect(start(EKS_ROLE)).to.equal(true);
    expect(start(`${IAM}:role/admin`)).to.equal(false);
  });

  it("supports each new integration's patterns and no other", () => {
    const pattern = (resource: string) => definitionError(() => deriveExecutionPolicy("flow.asl.json", task({ Resource: `${A}:states:::${resource}`, Parameters: {} }), CONTEXT)).message;
    expect(pattern("apigateway:invoke.sync")).to.contain("request-response, .waitForTaskToken");
    expect(pattern("elasticmapreduce:cancelStep.sync")).to.contain("(supported: request-response)");
    expect(pattern("emr-serverless:startJobRun.waitForTaskToken")).to.contain("request-response, .sync");
    expect(pattern("emr-containers:createVirtualCluster.sync")).to.contain("(supported: request-response)");
    expect(pattern("mediaconvert:createJob.waitForTaskToken")).to.contain("request-response, .sync");
    expect(pattern("sagemaker:createModel.sync")).to.contain("(supported: request-response)");
    expect(pattern("bedrock:createModelCustomizationJob.waitForTaskToken")).to.contain("request-response, .sync");
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
