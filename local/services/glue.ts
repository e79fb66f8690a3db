import { randomBytes, randomUUID } from "node:crypto";
import type { Json } from "../../infra/definition/asl";
import { RESOURCE_KINDS } from "../../infra/iam/kinds";
import { TaskFailure } from "../errors";
import type { LocalIntegration, LocalServices, TaskCall } from "../execution-types";
import { codeName, hasCode, jobParameters, nowOf, runForTask, startMetadata } from "./jobs";
import { authorizeTask } from "../authz/task-calls";

/**
 * `glue:startJobRun` (request-response and `.sync`) for local runs: the job's script, `jobs/<JobName>/index.ts`
 * (without the stack's prefix), runs in-process with the run's `Arguments`: `args` are `["--JOB_NAME", name,
 * "--key", "value", ...]` and `env` the resolved options (`JOB_NAME` and each key without its dashes), as
 * `getResolvedOptions` reads them.
 *
 * Authorizes, as the Task's principal, `glue:StartJobRun` on the job, and for `.sync` `glue:GetJobRun`,
 * `glue:GetJobRuns` and `glue:BatchStopJobRun` on it (Glue's `.sync` polls: no events rule, as the IAM catalog
 * says); a denial fails with `Glue.AccessDeniedException`.
 *
 * Results: request-response returns StartJobRun's `{JobRunId, SdkHttpMetadata, SdkResponseMetadata}`; `.sync`
 * records it as TaskSubmitted and returns GetJobRun's JobRun, `{Arguments, Attempt, CompletedOn, ExecutionTime,
 * Id, JobName, JobRunState: "SUCCEEDED", StartedOn, ...}`; a script that throws fails the Task with
 * `States.TaskFailed`, the Cause being the JobRun (`JobRunState: "FAILED"`, `ErrorMessage`) as JSON. No
 * `jobs/<name>` fails with `Glue.EntityNotFoundException`.
 * @see https://docs.aws.amazon.com/step-functions/latest/dg/connect-glue.html
 * @see https://docs.aws.amazon.com/glue/latest/webapi/API_GetJobRun.html
 */
export const glueStartJobRun: LocalIntegration = {
  patterns: ["", ".sync"],
  local:
    "runs jobs/<JobName>/index.ts in-process with the run's Arguments after authorizing glue:StartJobRun (and, for .sync, glue:GetJobRun/GetJobRuns/BatchStopJobRun) on the job; request-response returns {JobRunId}, .sync GetJobRun's JobRun (JobRunState SUCCEEDED); a script that throws fails with States.TaskFailed",
  async run(call: TaskCall, services: LocalServices) {
    const { naming } = services;
    const { JobName, Arguments, Timeout, WorkerType, NumberOfWorkers } = jobParameters(call);
    const jobArn = typeof JobName === "string" ? RESOURCE_KINDS.glueJob.toArn(JobName, naming.context) : undefined;
    if (typeof JobName !== "string" || !jobArn) {
      throw new TaskFailure("Glue.InvalidInputException", `JobName must be a job name. Received: ${JSON.stringify(JobName)} (Service: Glue, Status Code: 400, Request ID: ${randomUUID()})`);
    }
    const sync = call.pattern === ".sync" ? ["glue:GetJobRun", "glue:GetJobRuns", "glue:BatchStopJobRun"] : [];
    await authorizeTask(call, services, ["glue:StartJobRun", ...sync].map((action) => ({ action, resource: jobArn })), { call: "Glue.AccessDeniedException", kms: "Glue.AccessDeniedException", service: "Glue" });
    const name = codeName(JobName, naming);
    if (!hasCode("jobs", name)) {
      throw new TaskFailure("Glue.EntityNotFoundException", `Failed to start job run due to missing metadata: no jobs/${name}/index.ts for job ${JobName} (Service: Glue, Status Code: 400, Request ID: ${randomUUID()})`);
    }
    const argumentsMap: Record<string, string> = {};
    if (Arguments && typeof Arguments === "object" && !Array.isArray(Arguments)) {
      for (const [key, value] of Object.entries(Arguments)) argumentsMap[key] = typeof value === "string" ? value : JSON.stringify(value);
    }
    const args = ["--JOB_NAME", JobName, ...Object.entries(argumentsMap).flatMap(([key, value]) => [key, value])];
    const env = { JOB_NAME: JobName, ...Object.fromEntries(Object.entries(argumentsMap).map(([key, value]) => [key.replace(/^--/, ""), value])) };
    const id = `jr_${randomBytes(32).toString("hex")}`;
    const startJobRun: Record<string, Json> = { JobRunId: id, ...startMetadata() };
    if (call.pattern === ".sync") call.submitted?.(startJobRun);
    const startedOn = nowOf(call);
    // The job runs as its role (the plan's aws:glue/job:Job of that name), which Glue assumes for the run.
    const planned = services.authorizer?.index.ofType("aws:glue/job:Job").find((job) => (job.inputs.name ?? job.outputs?.name) === JobName);
    const role = typeof planned?.inputs.roleArn === "string" ? planned.inputs.roleArn : undefined;
    if (role) {
      const decision = await services.authorizer!.authorize({ principal: "glue.amazonaws.com", action: "sts:AssumeRole", resource: role, context: { "aws:SourceAccount": naming.context.account, "aws:SourceArn": jobArn } });
      if (!decision.allowed) throw new TaskFailure("States.TaskFailed", JSON.stringify({ Id: id, JobName, JobRunState: "FAILED", ErrorMessage: `Glue could not assume the job's role ${role}: ${decision.message}`, StartedOn: nowOf(call) }));
    }
    const s3 = role ? services.s3For?.(role) : undefined;
    const run = await runForTask(call, "jobs", name, args, env, s3 ? { clients: { s3 } } : {});
    if (!run) return startJobRun;
    const elapsed = run.stoppedAt.getTime() - run.startedAt.getTime();
    const jobRun: Record<string, Json> = {
      Arguments: argumentsMap,
      Attempt: 0,
      CompletedOn: startedOn + elapsed,
      ...(run.error !== undefined ? { ErrorMessage: run.error } : {}),
      ExecutionTime: Math.round(elapsed / 1000),
      GlueVersion: "4.0",
      Id: id,
      JobName,
      JobRunState: run.exitCode === 0 ? "SUCCEEDED" : "FAILED",
      LastModifiedOn: startedOn + elapsed,
      LogGroupName: "/aws-glue/jobs",
      ...(typeof NumberOfWorkers === "number" ? { NumberOfWorkers } : {}),
      PredecessorRuns: [],
      StartedOn: startedOn,
      Timeout: typeof Timeout === "number" ? Timeout : 2880,
      ...(typeof WorkerType === "string" ? { WorkerType } : {}),
    };
    if (run.exitCode !== 0) throw new TaskFailure("States.TaskFailed", JSON.stringify(jobRun));
    return jobRun;
  },
};
