import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import * as path from "node:path";
import { approverSubscriptions } from "../approvals";
import { StackConfig } from "../config";
import {
  EnvironmentReference,
  HandlerGrant,
  HANDLERS,
  HTTP_APIS,
  APPROVAL_TOPIC,
  HandlerName,
  HandlerSpec,
  HttpApiName,
  PROJECT_ROOT,
  Reference,
  SECRETS,
  SecretName,
  TABLES,
  TOPICS,
  QUEUES,
  QueueSpec,
  BUCKETS,
  BucketName,
  FARGATE_JOBS,
  GLUE_JOBS,
  BATCH_JOBS,
  BatchJobSpec,
  MODELS,
  TableName,
  TableSpec,
  TopicName,
  WORKFLOWS,
  WorkflowName,
  definitionPath,
  stackContents,
} from "../manifest";
import { Naming } from "../naming";
import { handlerPolicyStatements } from "../iam/handler-grants";
import { keyUseNeeds } from "../iam/service";
import { backupTableNames, deployTimeReference, encryptedResources, workflowSubstitutions } from "../render";
import { FargateJob } from "./fargate-job";
import { GlueJob } from "./glue-job";
import { SharedWorkflows, consumerKeyStatements } from "../sharing";
import { DefinitionSource, definitionFromFile } from "./definition-source";
import { GeneratedSecret } from "./generated-secret";
import { HandlerFunction } from "./handler-function";
import { HttpApi, HttpApiLambdaRoutes } from "./http-api";
import { Workflow } from "./workflow";
import { platformKeyPolicy } from "./key-policy";
import { SharedWorkflowOutputs, WorkflowSharing } from "./workflow-sharing";
import { DeployedTrigger, WorkflowTriggers } from "./workflow-triggers";
import { LIVE_ALIAS } from "../rollout/schema";
import { RolloutTarget } from "../rollout/plan";
import { monitoringKeyStatements, monitoringNames } from "../monitoring/alerts";
import { Monitoring, MonitoredWorkflow } from "./monitoring";
import { BatchJob } from "./batch-job";
import { InferenceModel } from "./inference-model";
import { ecrImageUri } from "../batch";
import { ecrRepositoryArnOf } from "../fargate";
import { modelDataGrants } from "../sagemaker";

/** Arguments of a {@link Platform}. */
export interface PlatformArgs {
  /** The stack's validated configuration. */
  config: StackConfig;
  /** Physical names and ARNs for this project and stack. */
  naming: Naming;
  /** The definition of every workflow the stack deploys, loaded and checked: from {@link workflowSources}. */
  sources: Partial<Record<WorkflowName, DefinitionSource>>;
}

/**
 * Loads, substitutes, validates and derives the IAM of every workflow a stack deploys (`statecraft:workflows`).
 * Call it before registering any resource, so a bad definition leaves nothing half-made.
 *
 * @param naming the stack's names and ARNs.
 * @param config the stack's configuration.
 * @param shared the workflows the producer stack shares (its `sharedWorkflows` output), for workflows calling one.
 * @returns workflow name → its checked definition.
 * @throws DefinitionError naming the file, State and field of the first problem.
 */
export function workflowSources(naming: Naming, config: StackConfig, shared: SharedWorkflows = {}): Partial<Record<WorkflowName, DefinitionSource>> {
  return Object.fromEntries(
    config.workflows.map((workflow) => [
      workflow,
      definitionFromFile(definitionPath(workflow), workflowSubstitutions(workflow, naming, config.backupTables, shared), naming.context, {
        stateMachineName: naming.physical(workflow),
      }),
    ]),
  );
}

/** What one workflow exports. */
export interface WorkflowOutputs {
  stateMachineArn: pulumi.Output<string>;
  /** The `live` alias, which triggers and consumers start. */
  aliasArn: pulumi.Output<string>;
  roleArn: pulumi.Output<string>;
  logGroupName: pulumi.Output<string>;
  type: "STANDARD" | "EXPRESS";
}

/**
 * Everything a stack deploys from the manifest (`infra/manifest.ts`) for its workflows (`statecraft:workflows`):
 * a customer-managed KMS key when the stack asks for one (kept, and protected, when the stack keeps its tables:
 * `tableProtection.retainOnDelete`), the SNS topics (with a subscription per approver of `statecraft:approvers`
 * on the approval topic), the DynamoDB tables (seeded, with time to live where the manifest names an attribute),
 * the secrets ({@link GeneratedSecret}) and HTTP APIs ({@link HttpApi}, {@link HttpApiLambdaRoutes}) the handlers
 * use, the {@link HandlerFunction}s with their grants and environment, one {@link Workflow} per workflow, and, when
 * the stack shares workflows with other accounts (`statecraft:sharing`), a {@link WorkflowSharing}.
 *
 * Every role that reads or writes a table, publishes to a topic or reads a secret encrypted with the stack's
 * customer-managed key also gets that key's use through the service ({@link keyUseNeeds}).
 *
 * The definitions arrive already checked ({@link workflowSources}), so a bad definition fails before the first
 * resource is registered and leaves nothing half-made.
 *
 * @see https://www.pulumi.com/docs/iac/concepts/resources/components/
 */
export class Platform extends pulumi.ComponentResource {
  /** Per workflow: state machine ARN, role ARN, log group name, type. */
  readonly workflows: Partial<Record<WorkflowName, WorkflowOutputs>>;
  /** Topic ARNs by logical name. */
  readonly topicArns: Partial<Record<TopicName, pulumi.Output<string>>>;
  /** Table names by logical name. */
  readonly tableNames: Partial<Record<TableName, pulumi.Output<string>>>;
  /** Function ARNs by handler name. */
  readonly functionArns: Partial<Record<HandlerName, pulumi.Output<string>>>;
  /** Secret ARNs by logical name. */
  readonly secretArns: Partial<Record<SecretName, pulumi.Output<string>>>;
  /** HTTP API endpoint URLs (`https://<id>.execute-api.<region>.amazonaws.com`) by logical name. */
  readonly httpApiEndpoints: Partial<Record<HttpApiName, pulumi.Output<string>>>;
  /** Per shared workflow: state machine ARN, invoker role ARN, type; empty when the stack shares nothing. */
  readonly sharedWorkflows: Partial<Record<WorkflowName, SharedWorkflowOutputs>>;
  /** The alerts topic: alarms and failed executions. */
  readonly alertsTopicArn: pulumi.Output<string>;
  /** Per workflow, what `npm run promote` needs to roll out its newest version (`RolloutTarget`). */
  readonly rollouts: Partial<Record<WorkflowName, pulumi.Output<RolloutTarget>>>;
  /** Per workflow, its triggers by name (`statecraft:triggers`). */
  readonly triggers: Partial<Record<WorkflowName, Record<string, DeployedTrigger>>>;
  /** The customer-managed key's ARN, when the stack creates or names one. */
  readonly kmsKeyArn?: pulumi.Output<string>;

  /**
   * @param name the platform's logical name (the project name).
   * @param args see {@link PlatformArgs}.
   * @param opts component resource options; pass the AWS provider through `providers`.
   * @throws Error when `sources` lacks a workflow of the stack (build them with {@link workflowSources}).
   */
  constructor(name: string, args: PlatformArgs, opts?: pulumi.ComponentResourceOptions) {
    super("statecraft:index:Platform", name, {}, opts);
    const { config, naming, sources } = args;
    const child = { parent: this };
    const contents = stackContents(config.workflows, config.backupTables);
    const consumers = Object.entries(config.sharing?.consumers ?? {});
    // What the stack keeps when it leaves: its tables, and the key they (and their backups) are encrypted with.
    const keep = config.tableProtection.retainOnDelete;

    let keyArn: pulumi.Output<string> | undefined;
    if (config.kmsKey === "create") {
      const key = new aws.kms.Key(
        "platform-key",
        {
          description: `Encrypts the ${naming.physical("platform")} state machines, logs, topics, tables and secrets.`,
          enableKeyRotation: true,
          deletionWindowInDays: 30,
          policy: JSON.stringify(
            platformKeyPolicy(naming.context, consumerKeyStatements(consumers.filter(([, c]) => c.tables.length > 0), naming.context), monitoringKeyStatements(naming.context, monitoringNames(naming))),
          ),
        },
        // A retained table stays encrypted with this key: the key must outlive it, and not be deleted by mistake.
        { ...child, ...(keep ? { retainOnDelete: true, protect: true } : {}) },
      );
      new aws.kms.Alias("platform-key-alias", { name: `alias/${naming.physical("platform")}`, targetKeyId: key.keyId }, child);
      keyArn = key.arn;
    } else if (config.kmsKey !== "none") {
      keyArn = pulumi.output(config.kmsKey);
      if (consumers.some(([, c]) => c.tables.length > 0)) {
        pulumi.log.warn(`statecraft:kmsKey names an existing key: its key policy must let the consumers reading shared tables use it (kms:Decrypt through dynamodb.${config.region}.amazonaws.com).`, this);
      }
      // The alerts topic is encrypted with it: without these statements CloudWatch and EventBridge cannot publish,
      // and AWS drops the alerts silently.
      pulumi.log.warn(
        `statecraft:kmsKey names an existing key: its key policy must let CloudWatch alarms and EventBridge use it for the alerts topic ${monitoringNames(naming).alertsTopicArn}: ${JSON.stringify(monitoringKeyStatements(naming.context, monitoringNames(naming)))}`,
        this,
      );
    }
    this.kmsKeyArn = keyArn;

    const topics = pick(TOPICS, contents.topics, (spec, topic) =>
      new aws.sns.Topic(topic, { name: naming.physical(topic), displayName: spec.displayName, kmsMasterKeyId: keyArn }, child),
    );
    const approvalTopic = topics[APPROVAL_TOPIC];
    if (approvalTopic) {
      for (const subscription of approverSubscriptions(config.approvers)) {
        new aws.sns.TopicSubscription(subscription.name, { topic: approvalTopic.arn, protocol: subscription.protocol, endpoint: subscription.endpoint }, child);
      }
    }
    const tables = pick(TABLES, contents.tables, (spec: TableSpec, table) => {
      const resource = new aws.dynamodb.Table(
        table,
        {
          name: naming.tableName(table),
          billingMode: "PAY_PER_REQUEST",
          hashKey: spec.hashKey,
          attributes: [{ name: spec.hashKey, type: "S" }],
          pointInTimeRecovery: { enabled: config.tableProtection.pointInTimeRecovery },
          deletionProtectionEnabled: config.tableProtection.deletionProtection,
          serverSideEncryption: keyArn ? { enabled: true, kmsKeyArn: keyArn } : { enabled: false },
          ...(spec.ttlAttribute ? { ttl: { attributeName: spec.ttlAttribute, enabled: true } } : {}),
        },
        { ...child, retainOnDelete: keep },
      );
      spec.seedItems.forEach((item: TableSpec["seedItems"][number], index: number) => {
        new aws.dynamodb.TableItem(`${table}-seed-${index}`, { tableName: resource.name, hashKey: spec.hashKey, item: JSON.stringify(item) }, child);
      });
      return resource;
    });
    // Queues: the stack's key when it has one, else SSE-SQS (never unencrypted); a dead-letter queue where asked.
    const queueEncryption = keyArn ? { kmsMasterKeyId: keyArn, kmsDataKeyReusePeriodSeconds: 300 } : { sqsManagedSseEnabled: true };
    const queues = pick(QUEUES, contents.queues, (spec: QueueSpec, queue) => {
      // Only its own source queue may move messages to it (the source's ARN comes from its name: no cycle).
      const deadLetter = spec.deadLetter
        ? new aws.sqs.Queue(
            `${queue}-dlq`,
            {
              name: naming.physical(`${queue}-dlq`),
              messageRetentionSeconds: 1_209_600,
              redriveAllowPolicy: JSON.stringify({ redrivePermission: "byQueue", sourceQueueArns: [naming.queueArn(queue)] }),
              ...queueEncryption,
            },
            child,
          )
        : undefined;
      const resource = new aws.sqs.Queue(
        queue,
        {
          name: naming.physical(queue),
          visibilityTimeoutSeconds: spec.visibilityTimeoutSeconds,
          ...queueEncryption,
          ...(deadLetter && spec.deadLetter ? { redrivePolicy: pulumi.jsonStringify({ deadLetterTargetArn: deadLetter.arn, maxReceiveCount: spec.deadLetter.maxReceiveCount }) } : {}),
        },
        child,
      );
      return resource;
    });
    const bucketEncryption: Partial<Record<BucketName, aws.s3.BucketServerSideEncryptionConfiguration>> = {};
    // Buckets: private, owner-enforced, encrypted with the stack's key (with a Bucket Key) or SSE-S3.
    const buckets = pick(BUCKETS, contents.buckets, (spec, bucket) => {
      // No description tag: S3 refuses tag values with commas, apostrophes or parentheses (InvalidTag).
      const resource = new aws.s3.Bucket(bucket, { bucket: naming.bucketName(bucket), forceDestroy: !keep }, { ...child, retainOnDelete: keep });
      new aws.s3.BucketPublicAccessBlock(`${bucket}-public-access`, { bucket: resource.id, blockPublicAcls: true, blockPublicPolicy: true, ignorePublicAcls: true, restrictPublicBuckets: true }, child);
      new aws.s3.BucketOwnershipControls(`${bucket}-ownership`, { bucket: resource.id, rule: { objectOwnership: "BucketOwnerEnforced" } }, child);
      bucketEncryption[bucket] = new aws.s3.BucketServerSideEncryptionConfiguration(
        `${bucket}-encryption`,
        {
          bucket: resource.id,
          rules: [keyArn ? { applyServerSideEncryptionByDefault: { sseAlgorithm: "aws:kms", kmsMasterKeyId: keyArn }, bucketKeyEnabled: true } : { applyServerSideEncryptionByDefault: { sseAlgorithm: "AES256" } }],
        },
        child,
      );
      // Object-created events reach EventBridge's default bus, where an s3 trigger's rule matches them.
      if (spec.eventBridge) new aws.s3.BucketNotification(`${bucket}-notifications`, { bucket: resource.id, eventbridge: true }, child);
      return resource;
    });
    const secrets = pick(SECRETS, contents.secrets, (spec, secret) =>
      new GeneratedSecret(
        secret,
        { secretName: naming.physical(secret), description: spec.description, length: spec.length, kmsKeyArn: keyArn },
        child,
      ),
    );
    // The APIs exist before the functions they invoke, which take their endpoint URL as an environment variable.
    const httpApis = pick(HTTP_APIS, contents.httpApis, (spec, api) =>
      new HttpApi(
        api,
        {
          apiName: naming.physical(api),
          description: spec.description,
          logGroupName: naming.httpApiLogGroupName(api),
          logRetentionDays: config.logRetentionDays,
          kmsKeyArn: keyArn,
          throttling: spec.throttling,
        },
        child,
      ),
    );

    const secretArns = mapValues(secrets, (secret) => secret.secretArn);
    const allSecretArns = pulumi.all(secretArns as Record<string, pulumi.Output<string>>);
    // Every table, topic and secret of the stack, encrypted with its key when it has one (none without).
    const encrypted = pulumi.all([keyArn, allSecretArns]).apply(([key, arns]) => (key ? encryptedResources(contents, naming, key, arns) : []));
    const backupTableArns = backupTableNames(naming, config.backupTables).map((table) => naming.tableArn(table));
    /** The value of a handler's environment variable: what the stack deployed for its grants and HTTP API. */
    const environmentValue = (handler: HandlerName, variable: string, reference: EnvironmentReference): pulumi.Input<string> => {
      const value =
        "tableName" in reference
          ? tables[reference.tableName]?.name
          : "topicArn" in reference
            ? topics[reference.topicArn]?.arn
            : "secretArn" in reference
              ? secretArns[reference.secretArn]
              : "bucketName" in reference
                ? buckets[reference.bucketName]?.bucket
                : httpApis[reference.httpApiUrl]?.apiEndpoint;
      if (!value) throw new Error(`Platform: ${handler}'s ${variable} names ${JSON.stringify(reference)}, which the stack does not deploy: add it to the handler's grants, or name the handler in an HTTP API of infra/manifest.ts`);
      return value;
    };
    /** What a function's, job's or model's role may do for its grants: the statements, with the stack key's use through each service. */
    const grantStatements = (grants: readonly HandlerGrant[]) =>
      pulumi.all([encrypted, allSecretArns]).apply(([resources, arns]) =>
        handlerPolicyStatements(grants, {
          region: config.region,
          tableArn: (table) => naming.tableArn(naming.tableName(table)),
          topicArn: (topic) => naming.topicArn(topic),
          queueArn: (queue) => naming.queueArn(queue),
          secretArn: (secret) => arns[secret],
          bucketArn: (bucket) => naming.bucketArn(bucket),
          backupTableArns,
          encrypted: resources,
        }),
      );
    const handlers = pick(HANDLERS, contents.handlers, (spec: HandlerSpec, handler) => {
      const statements = grantStatements(spec.grants);
      return new HandlerFunction(
        handler,
        {
          entry: path.join(PROJECT_ROOT, spec.entry),
          functionName: naming.physical(handler),
          description: spec.description,
          timeoutSeconds: spec.timeoutSeconds,
          memoryMb: spec.memoryMb,
          logGroupName: naming.functionLogGroupName(handler),
          logGroupArn: naming.logGroupArn(naming.functionLogGroupName(handler)),
          logRetentionDays: config.logRetentionDays,
          tracing: config.tracing,
          kmsKeyArn: keyArn,
          statements,
          ...(spec.environment ? { environment: mapValues<string, EnvironmentReference, pulumi.Input<string>>(spec.environment, (reference, variable) => environmentValue(handler, variable, reference)) as Record<string, pulumi.Input<string>> } : {}),
        },
        child,
      );
    });
    // Batch jobs (Fargate) and SageMaker models the workflows run; their images are in the stack's ECR.
    const batchJobs = pick(BATCH_JOBS, contents.batchJobs, (spec: BatchJobSpec, job) => {
      const image = ecrImageUri(naming.context, spec.image);
      return new BatchJob(
        job,
        {
          naming,
          image,
          repositoryArn: ecrRepositoryArnOf(image, naming.context.partition),
          vcpu: spec.vcpu,
          memoryMib: spec.memoryMib,
          timeoutSeconds: spec.timeoutSeconds,
          logRetentionDays: config.logRetentionDays,
          kmsKeyArn: keyArn,
          jobRoleStatements: grantStatements(spec.grants),
        },
        { ...child, dependsOn: spec.grants.flatMap((grant) => (grant.kind === "bucketObjects" && buckets[grant.bucket] ? [buckets[grant.bucket]!] : [])) },
      );
    });
    const models = pick(MODELS, contents.models, (spec, model) => {
      const image = ecrImageUri(naming.context, spec.image);
      return new InferenceModel(
        model,
        { naming, image, repositoryArn: ecrRepositoryArnOf(image, naming.context.partition)!, dataStatements: grantStatements(modelDataGrants(spec)) },
        { ...child, dependsOn: [spec.input.bucket, spec.output.bucket].flatMap((bucket) => (buckets[bucket] ? [buckets[bucket]!] : [])) },
      );
    });

    // Each secret is readable only by the roles of the functions granted readSecret on it (and the deployer).
    for (const [secret, resource] of Object.entries(secrets) as [SecretName, GeneratedSecret][]) {
      const readers = (Object.keys(handlers) as HandlerName[]).filter((handler) => (HANDLERS[handler] as HandlerSpec).grants.some((grant) => grant.kind === "readSecret" && grant.secret === secret));
      resource.restrictReadsTo(readers.map((handler) => handlers[handler]!.roleArn));
    }
    for (const api of contents.httpApis) {
      const spec = HTTP_APIS[api];
      new HttpApiLambdaRoutes(
        api,
        {
          apiId: httpApis[api]!.apiId,
          executionArn: httpApis[api]!.executionArn,
          functionArn: handlers[spec.handler as HandlerName]!.functionArn,
          routes: spec.routes,
          // Public routes: the handler verifies each request itself (a signed link).
          authorizationType: spec.public ? "NONE" : "AWS_IAM",
        },
        child,
      );
    }

    // Fargate container and Glue jobs, each role with exactly its grants (grantStatements, above).
    const fargateJobs = pick(FARGATE_JOBS, contents.fargateJobs, (spec, job) => {
      // The image CI builds with containers/Dockerfile and pushes with the manifest's tag (immutable).
      const repository = new aws.ecr.Repository(`${job}-image`, { name: naming.physical(job), imageTagMutability: "IMMUTABLE", imageScanningConfiguration: { scanOnPush: true }, forceDelete: !keep }, child);
      return new FargateJob(
        job,
        {
          naming,
          image: { repositoryArn: repository.arn, repositoryUrl: repository.repositoryUrl, tag: spec.imageTag },
          containerName: "job",
          cpu: spec.cpu,
          memoryMib: spec.memoryMib,
          logRetentionDays: config.logRetentionDays,
          kmsKeyArn: keyArn,
          taskRoleStatements: grantStatements(spec.taskGrants),
        },
        child,
      );
    });
    const glueJobs = pick(GLUE_JOBS, contents.glueJobs, (spec, job) =>
      new GlueJob(
        job,
        {
          naming,
          description: spec.description,
          scriptFile: path.join(PROJECT_ROOT, "jobs", job, "script.py"),
          scriptBucket: buckets[spec.scriptBucket]!,
          // The script is written once the bucket's default encryption (the stack's key) applies.
          scriptDependsOn: [bucketEncryption[spec.scriptBucket]!],
          // The script's own read is an s3:GetObject on the bucket too: the key's use covers it with the grants'.
          statements: grantStatements([...spec.grants, { kind: "bucketObjects", bucket: spec.scriptBucket, prefix: `scripts/${job}.py`, actions: ["GetObject"] }]),
        },
        child,
      ),
    );

    // Queue consumers: Lambda polls each queue a handler consumes, as the handler's role. The mapping waits for the
    // function and its role policy, so the first poll is authorized (Lambda also checks the role when it is created).
    for (const [handler, resource] of Object.entries(handlers) as [HandlerName, HandlerFunction][]) {
      for (const grant of (HANDLERS[handler] as HandlerSpec).grants) {
        if (grant.kind !== "consumeQueue") continue;
        const queue = queues[grant.queue];
        if (!queue) throw new Error(`Platform: ${handler} consumes queue ${grant.queue}, which the stack does not deploy: stackContents() deploys a consumer only with its queue`);
        new aws.lambda.EventSourceMapping(
          `${handler}-${grant.queue}`,
          {
            eventSourceArn: queue.arn,
            functionName: resource.functionArn,
            batchSize: grant.batchSize,
            functionResponseTypes: ["ReportBatchItemFailures"],
            scalingConfig: { maximumConcurrency: grant.maximumConcurrency },
          },
          { ...child, dependsOn: [resource, queue] },
        );
      }
    }

    /** The resources a workflow's placeholders name: deploy them first, delete them last. */
    const referenced = (workflow: WorkflowName): pulumi.Resource[] =>
      Object.values<Reference>(WORKFLOWS[workflow].substitutions).flatMap((reference): pulumi.Resource[] => {
        if ("functionArn" in reference) return [handlers[reference.functionArn]!];
        if ("topicArn" in reference) return [topics[reference.topicArn]!];
        if ("tableName" in reference) return [tables[reference.tableName]!];
        if ("queueUrl" in reference) return [queues[reference.queueUrl]!];
        if ("bucketName" in reference) return [buckets[reference.bucketName]!];
        if ("fargateJob" in reference) return [fargateJobs[reference.fargateJob]!];
        if ("glueJob" in reference) return [glueJobs[reference.glueJob]!];
        // A shared workflow is another stack's: nothing of this stack to wait for.
        if ("sharedWorkflow" in reference) return [];
        // A nested workflow of this stack: its machine and alias first (WORKFLOWS lists it before its callers).
        if ("nestedWorkflow" in reference) return workflowResources[reference.nestedWorkflow] ? [workflowResources[reference.nestedWorkflow]!] : [];
        if ("batchJobQueue" in reference) return [batchJobs[reference.batchJobQueue]!];
        if ("batchJobDefinition" in reference) return [batchJobs[reference.batchJobDefinition]!];
        if ("sagemakerModel" in reference) return [models[reference.sagemakerModel]!];
        return config.backupTables.filter((table): table is TableName => table in tables).map((table) => tables[table]!);
      });
    const workflowResources: Partial<Record<WorkflowName, Workflow>> = {};
    this.workflows = pick(WORKFLOWS, contents.workflows, (spec, workflow) => {
      const source = sources[workflow];
      if (!source) throw new Error(`Platform: no definition source for ${workflow}: build them with workflowSources()`);
      const derived = source.rendered?.derivation.document.Statement ?? [];
      // Placeholders whose values exist only once their resources do (a job's subnet ids): rendered at deployment.
      const deployTime = Object.entries<Reference>(spec.substitutions).filter(([, reference]) => deployTimeReference(reference));
      const definition = deployTime.length
        ? {
            ...source,
            rendered: undefined,
            substitutions: {
              ...source.substitutions,
              ...Object.fromEntries(
                deployTime.map(([placeholder, reference]) => {
                  const job = fargateJobs[(reference as { fargateJob: keyof typeof FARGATE_JOBS }).fargateJob]!;
                  const output = reference as { output: string; index?: number };
                  return [placeholder, output.output === "subnetId" ? job.subnetIds.apply((ids) => ids[output.index ?? 0]) : job.securityGroupId];
                }),
              ),
            },
          }
        : source;
      const resource = new Workflow(
        workflow,
        {
          definition,
          type: spec.type,
          stateMachineName: naming.physical(workflow),
          logging: {
            level: config.logLevel,
            includeExecutionData: config.includeExecutionData,
            logGroupName: naming.workflowLogGroupName(workflow),
            retentionInDays: config.logRetentionDays,
          },
          tracing: config.tracing,
          kmsKeyArn: keyArn,
          rollout: config.rollouts[workflow],
          // The key of the stack's tables, topics and secrets the definition reaches, through each service.
          additionalStatements: keyArn ? encrypted.apply((resources) => keyUseNeeds(derived, resources, config.region).map((need) => need.statement)) : [],
        },
        { ...child, dependsOn: referenced(workflow) },
      );
      workflowResources[workflow] = resource;
      return { stateMachineArn: resource.stateMachineArn, aliasArn: resource.aliasArn, roleArn: resource.roleArn, logGroupName: resource.logGroupName, type: spec.type };
    });

    // What starts each workflow: its triggers start the live alias, once the workflow (and its alias) exist.
    const buses = config.eventBuses.map((bus) => new aws.cloudwatch.EventBus(`bus-${bus}`, { name: bus, description: `Events that start ${naming.physical("")} workflows.` }, child));
    this.triggers = {};
    for (const [workflow, triggers] of Object.entries(config.triggers) as [WorkflowName, NonNullable<StackConfig["triggers"][WorkflowName]>][]) {
      const deployed = workflowResources[workflow];
      if (!deployed || triggers.length === 0) continue;
      const stateMachineArn = naming.stateMachineArn(workflow);
      const component = new WorkflowTriggers(
        `${workflow}-triggers`,
        {
          workflow,
          triggers,
          naming,
          type: WORKFLOWS[workflow].type,
          stateMachineArn,
          aliasArn: `${stateMachineArn}:${LIVE_ALIAS}`,
          alias: LIVE_ALIAS,
          logRetentionDays: config.logRetentionDays,
          kmsKeyArn: keyArn,
        },
        { ...child, dependsOn: [deployed, ...buses] },
      );
      this.triggers[workflow] = component.triggers;
    }

    // Alarms on every state machine, failed executions as readable alerts, the dashboard: all to the alerts topic.
    const monitoring = new Monitoring(
      "monitoring",
      {
        naming,
        workflows: mapValues(workflowResources, (resource, workflow) => ({
          stateMachineArn: resource.stateMachineArn,
          stateMachineName: naming.physical(workflow),
          type: WORKFLOWS[workflow].type,
          alias: { name: LIVE_ALIAS, arn: resource.aliasArn },
        })) as Record<string, MonitoredWorkflow>,
        alarms: config.alarms,
        alerts: config.alerts,
        kmsKeyArn: keyArn,
      },
      { ...child, dependsOn: Object.values(workflowResources) as Workflow[] },
    );
    this.alertsTopicArn = monitoring.alertsTopicArn;

    // What the promote command reads: the alias, the version to roll out, the alarms that guard it.
    this.rollouts = mapValues(workflowResources, (resource, workflow) =>
      pulumi.all([resource.aliasArn, resource.versionArn]).apply(
        ([aliasArn, versionArn]): RolloutTarget => ({ aliasArn, versionArn, alarmNames: monitoring.alarmNames[workflow] ?? [], rollout: config.rollouts[workflow] ?? { type: "ALL_AT_ONCE" }, region: config.region }),
      ),
    );

    this.topicArns = mapValues(topics, (topic) => topic.arn);
    this.tableNames = mapValues(tables, (table) => table.name);
    this.functionArns = mapValues(handlers, (handler) => handler.functionArn);
    this.secretArns = secretArns;
    this.httpApiEndpoints = mapValues(httpApis, (api) => api.apiEndpoint);

    this.sharedWorkflows = {};
    if (consumers.length > 0) {
      const sharing = new WorkflowSharing(
        "sharing",
        {
          consumers: Object.fromEntries(consumers),
          naming,
          workflows: this.workflows,
          functionArns: this.functionArns,
          topicArns: this.topicArns,
          tableArns: mapValues(tables, (table) => table.arn),
          kmsKeyArn: keyArn,
        },
        child,
      );
      this.sharedWorkflows = sharing.sharedWorkflows;
    }
    this.registerOutputs({
      workflows: this.workflows,
      topicArns: this.topicArns,
      tableNames: this.tableNames,
      functionArns: this.functionArns,
      secretArns: this.secretArns,
      httpApiEndpoints: this.httpApiEndpoints,
      sharedWorkflows: this.sharedWorkflows,
      triggers: this.triggers,
      rollouts: this.rollouts,
      alertsTopicArn: this.alertsTopicArn,
    });
  }
}

function mapValues<K extends string, V, R>(record: Partial<Record<K, V>>, map: (value: V, key: K) => R): Partial<Record<K, R>> {
  return Object.fromEntries(Object.entries(record).map(([key, value]) => [key, map(value as V, key as K)])) as Partial<Record<K, R>>;
}

/** Maps the entries of `record` named in `keys` (in that order). */
function pick<K extends string, V, R>(record: Record<K, V>, keys: readonly K[], map: (value: V, key: K) => R): Partial<Record<K, R>> {
  return Object.fromEntries(keys.map((key) => [key, map(record[key], key)])) as Partial<Record<K, R>>;
}
