import { randomUUID } from "node:crypto";
import type { Json } from "../../infra/definition/asl";
import { RESOURCE_KINDS } from "../../infra/iam/kinds";
import { TaskFailure } from "../errors";
import type { LocalIntegration, LocalServices, TaskCall } from "../execution-types";
import { codeName, environmentMap, hasCode, jobParameters, managedRuleCalls, nowOf, runForTask, startMetadata, stringList } from "./jobs";
import { authorizeTask } from "../authz/task-calls";

/** A Batch error as the Task fails with it: `Batch.<Exception>`, the SDK's message suffix in the Cause. */
function batchFailure(exception: string, message: string): TaskFailure {
  return new TaskFailure(`Batch.${exception}`, `${message} (Service: AWSBatch; Status Code: 400; Error Code: ${exception}; Request ID: ${randomUUID()}; Proxy: null)`);
}

/**
 * `batch:submitJob` (request-response and `.sync`) for local runs: the job definition's container code,
 * `containers/<job definition name>/index.ts` (the last path segment, without revision or the stack's prefix), runs
 * in-process with `ContainerOverrides.Command` (each `Ref::<key>` replaced by the job's `Parameters`) and
 * `ContainerOverrides.Environment`.
 *
 * Authorizes, as the Task's principal, `batch:SubmitJob` on the job definition (its revision, `:1` when none is
 * given) and the job queue, and for `.sync` the managed rule `StepFunctionsGetEventsForBatchJobsRule`,
 * `batch:DescribeJobs` on `*` and `batch:TerminateJob` on the job; a denial fails with `Batch.AWSBatchException`.
 *
 * The container's code gets an S3 client as the job definition's job role (the plan's `containerProperties.jobRoleArn`),
 * after `ecs-tasks.amazonaws.com` is authorized to assume that role from the job's task (its trust policy); a denied
 * assumption fails the job before it runs (`ResourceInitializationError`).
 *
 * Results: request-response returns SubmitJob's `{JobArn, JobId, JobName, SdkHttpMetadata, SdkResponseMetadata}`;
 * `.sync` records it as TaskSubmitted and returns DescribeJobs' job, `{Attempts, Container: {Command, ExitCode,
 * ...}, JobArn, JobDefinition, JobId, JobName, JobQueue, Status: "SUCCEEDED", StatusReason, ...}`; a non-zero exit
 * fails the Task with `States.TaskFailed`, the Cause being that job (`Status: "FAILED"`) as JSON. No
 * `containers/<name>` fails with `Batch.ClientException`.
 * @see https://docs.aws.amazon.com/step-functions/latest/dg/connect-batch.html
 * @see https://docs.aws.amazon.com/batch/latest/APIReference/API_DescribeJobs.html
 */
export const batchSubmitJob: LocalIntegration = {
  patterns: ["", ".sync"],
  local:
    "runs containers/<job definition name>/index.ts in-process after authorizing batch:SubmitJob on the job definition and queue (and, for .sync, batch:DescribeJobs/TerminateJob and the managed events rule); request-response returns {JobArn, JobId, JobName}, .sync DescribeJobs' job (Status SUCCEEDED); a non-zero exit fails with States.TaskFailed",
  async run(call: TaskCall, services: LocalServices) {
    const { naming } = services;
    const { JobName, JobDefinition, JobQueue, ContainerOverrides, Parameters, Tags } = jobParameters(call);
    if (typeof JobName !== "string" || !/^[A-Za-z0-9][A-Za-z0-9_-]{0,127}$/.test(JobName)) throw batchFailure("ClientException", `JobName must be 1-128 letters, digits, hyphens or underscores. Received: ${JSON.stringify(JobName)}`);
    const definitionArn = typeof JobDefinition === "string" ? RESOURCE_KINDS.batchJobDefinition.toArn(JobDefinition, naming.context) : undefined;
    const queueArn = typeof JobQueue === "string" ? RESOURCE_KINDS.batchJobQueue.toArn(JobQueue, naming.context) : undefined;
    if (!definitionArn) throw batchFailure("ClientException", `JobDefinition must be a name, name:revision or job definition ARN. Received: ${JSON.stringify(JobDefinition)}`);
    if (!queueArn) throw batchFailure("ClientException", `JobQueue must be a job queue name or ARN. Received: ${JSON.stringify(JobQueue)}`);
    const revisionArn = /:\d+$/.test(definitionArn) ? definitionArn : `${definitionArn}:1`;
    const jobId = randomUUID();
    const jobArn = `arn:${naming.context.partition}:batch:${naming.context.region}:${naming.context.account}:job/${jobId}`;
    const calls = [
      { action: "batch:SubmitJob", resource: revisionArn },
      { action: "batch:SubmitJob", resource: queueArn },
      ...(call.pattern === ".sync" ? [...managedRuleCalls(naming, "StepFunctionsGetEventsForBatchJobsRule"), { action: "batch:DescribeJobs", resource: "*" }, { action: "batch:TerminateJob", resource: jobArn }] : []),
    ];
    await authorizeTask(call, services, calls, { call: "Batch.AWSBatchException", kms: "Batch.AWSBatchException", service: "AWSBatch" });
    const name = codeName(definitionArn, naming);
    if (!hasCode("containers", name)) throw batchFailure("ClientException", `Job definition not found: no containers/${name}/index.ts for ${JobDefinition}`);
    const overrides = ContainerOverrides && typeof ContainerOverrides === "object" && !Array.isArray(ContainerOverrides) ? ContainerOverrides : {};
    const parameters = Parameters && typeof Parameters === "object" && !Array.isArray(Parameters) ? Parameters : {};
    const command = stringList(overrides.Command).map((arg) => arg.replace(/Ref::([A-Za-z0-9_]+)/g, (whole, key: string) => (typeof parameters[key] === "string" ? (parameters[key] as string) : whole)));
    const env = environmentMap(overrides.Environment);
    const submitJob: Record<string, Json> = { JobArn: jobArn, JobId: jobId, JobName, ...startMetadata() };
    if (call.pattern === ".sync") call.submitted?.(submitJob);
    const createdAt = nowOf(call);
    // The container's code calls AWS as the job definition's job role, which ECS assumes for the task.
    const jobRoleArn = services.authorizer?.index.jobDefinitions?.get((definitionArn.split("/").pop() as string).replace(/:\d+$/, ""))?.jobRoleArn;
    const denial = jobRoleArn ? await assumeJobRole(services, call, jobRoleArn, queueArn, jobId) : undefined;
    // Request-response: SubmitJob has answered; the job fails (or runs) on its own.
    if (denial && call.pattern !== ".sync") return submitJob;
    const run = denial ? undefined : await runForTask(call, "containers", name, command, env, jobRoleArn && services.s3For ? { clients: { s3: services.s3For(jobRoleArn) } } : {});
    if (!run && !denial) return submitJob;
    const stoppedAt = createdAt + (run ? run.stoppedAt.getTime() - run.startedAt.getTime() : 0);
    const logStreamName = `${name}/default/${randomUUID().replace(/-/g, "")}`;
    const exitCode = run?.exitCode;
    const statusReason = denial ? `ResourceInitializationError: unable to assume the job role: ${denial}` : exitCode === 0 ? "Essential container in task exited" : `Essential container in task exited${run?.error ? `: ${run.error}` : ""}`;
    const container: Record<string, Json> = {
      Command: command,
      Environment: Object.entries(env).map(([Name, Value]) => ({ Name, Value })),
      ...(exitCode !== undefined ? { ExitCode: exitCode } : {}),
      Image: `containers/${name}`,
      ...(run ? { LogStreamName: logStreamName } : {}),
      ...(run?.error !== undefined ? { Reason: run.error } : denial ? { Reason: statusReason } : {}),
      ...(jobRoleArn ? { JobRoleArn: jobRoleArn } : {}),
    };
    const job: Record<string, Json> = {
      Attempts: [{ Container: { ...(exitCode !== undefined ? { ExitCode: exitCode } : {}), ...(run ? { LogStreamName: logStreamName } : {}) }, StartedAt: createdAt, StatusReason: statusReason, StoppedAt: stoppedAt }],
      Container: container,
      CreatedAt: createdAt,
      DependsOn: [],
      JobArn: jobArn,
      JobDefinition: revisionArn,
      JobId: jobId,
      JobName,
      JobQueue: queueArn,
      Parameters: parameters,
      PlatformCapabilities: [],
      PropagateTags: false,
      StartedAt: createdAt,
      Status: exitCode === 0 ? "SUCCEEDED" : "FAILED",
      StatusReason: statusReason,
      StoppedAt: stoppedAt,
      Tags: Tags && typeof Tags === "object" && !Array.isArray(Tags) ? Tags : {},
    };
    if (exitCode !== 0) throw new TaskFailure("States.TaskFailed", JSON.stringify(job));
    return job;
  },
};

/**
 * ECS assuming a job's role for its task, as the role's trust policy must allow: `ecs-tasks.amazonaws.com` calls
 * `sts:AssumeRole` from the job's task in this account and Region (`aws:SourceAccount`, `aws:SourceArn` the task's ARN
 * in the cluster Batch manages for the compute environment).
 * @returns the denial's message, or `undefined` when allowed (or when the run is not authorized).
 * @see https://docs.aws.amazon.com/AmazonECS/latest/developerguide/task-iam-roles.html
 */
async function assumeJobRole(services: LocalServices, call: TaskCall, jobRoleArn: string, queueArn: string, jobId: string): Promise<string | undefined> {
  const { authorizer, naming } = services;
  if (!authorizer || !call.principal) return undefined;
  const { partition, region, account } = naming.context;
  const taskArn = `arn:${partition}:ecs:${region}:${account}:task/AWSBatch-${queueArn.split("/").pop()}/${jobId.replace(/-/g, "")}`;
  const decision = await authorizer.authorize({ principal: "ecs-tasks.amazonaws.com", action: "sts:AssumeRole", resource: jobRoleArn, context: { "aws:SourceAccount": account, "aws:SourceArn": taskArn } });
  return decision.allowed ? undefined : decision.message;
}
