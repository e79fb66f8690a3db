import { randomUUID } from "node:crypto";
import type { Json } from "../../infra/definition/asl";
import { RESOURCE_KINDS } from "../../infra/iam/kinds";
import { TaskFailure } from "../errors";
import type { LocalIntegration, LocalServices, TaskCall } from "../execution-types";
import { codeName, hasCode, jobParameters, managedRuleCalls, nowOf, runForTask, startMetadata } from "./jobs";
import { authorizeTask } from "../authz/task-calls";

/** A SageMaker error as the Task fails with it: `SageMaker.AmazonSageMakerException` with the error code in the Cause. */
function sagemakerFailure(code: string, message: string): TaskFailure {
  return new TaskFailure("SageMaker.AmazonSageMakerException", `${message} (Service: AmazonSageMaker; Status Code: 400; Error Code: ${code}; Request ID: ${randomUUID()}; Proxy: null)`);
}

/**
 * `sagemaker:createTransformJob` (request-response and `.sync`), the catalog's inference-style SageMaker
 * integration, for local runs: the model's inference code, `containers/<ModelName>/index.ts` (without the stack's
 * prefix), runs in-process once over the job, with no arguments and the job's `Environment` as its environment.
 *
 * Authorizes, as the Task's principal, `sagemaker:CreateTransformJob` on the job
 * (`transform-job/<name in lower case>`), `sagemaker:AddTags` on it (`sagemaker:TaggingAction` CreateTransformJob)
 * when `Tags` is set, and for `.sync` `sagemaker:DescribeTransformJob`, `sagemaker:StopTransformJob` on it and the
 * managed rule `StepFunctionsGetEventsForSageMakerTransformJobsRule`; a denial fails with
 * `SageMaker.AmazonSageMakerException` (Error Code AccessDeniedException).
 *
 * Results: request-response returns CreateTransformJob's `{TransformJobArn, SdkHttpMetadata, SdkResponseMetadata}`;
 * `.sync` records it as TaskSubmitted and returns DescribeTransformJob's response, `{CreationTime, ModelName,
 * TransformEndTime, TransformInput, TransformJobArn, TransformJobName, TransformJobStatus: "Completed",
 * TransformOutput, TransformResources, TransformStartTime, ...}`; model code that throws fails the Task with
 * `States.TaskFailed`, the Cause being that response (`TransformJobStatus: "Failed"`, `FailureReason`) as JSON.
 * No `containers/<ModelName>` fails with `SageMaker.AmazonSageMakerException` (ValidationException).
 * @see https://docs.aws.amazon.com/step-functions/latest/dg/connect-sagemaker.html
 * @see https://docs.aws.amazon.com/sagemaker/latest/APIReference/API_DescribeTransformJob.html
 */
export const sagemakerCreateTransformJob: LocalIntegration = {
  patterns: ["", ".sync"],
  local:
    "runs the model's code, containers/<ModelName>/index.ts, in-process with the job's Environment after authorizing sagemaker:CreateTransformJob (and, for .sync, Describe/StopTransformJob and the managed events rule); request-response returns {TransformJobArn}, .sync DescribeTransformJob (TransformJobStatus Completed); model code that throws fails with States.TaskFailed",
  async run(call: TaskCall, services: LocalServices) {
    const { naming } = services;
    const { TransformJobName, ModelName, Environment, TransformInput, TransformOutput, TransformResources, Tags, BatchStrategy, DataProcessing } = jobParameters(call);
    const jobArn = typeof TransformJobName === "string" ? RESOURCE_KINDS.sagemakerTransformJob.toArn(TransformJobName, naming.context) : undefined;
    if (typeof TransformJobName !== "string" || !jobArn) throw sagemakerFailure("ValidationException", `TransformJobName must be 1-63 letters, digits or hyphens. Received: ${JSON.stringify(TransformJobName)}`);
    if (typeof ModelName !== "string") throw sagemakerFailure("ValidationException", `ModelName is required. Received: ${JSON.stringify(ModelName)}`);
    const calls = [
      { action: "sagemaker:CreateTransformJob", resource: jobArn },
      ...(Tags !== undefined ? [{ action: "sagemaker:AddTags", resource: jobArn, context: { "sagemaker:TaggingAction": "CreateTransformJob" } }] : []),
      ...(call.pattern === ".sync" ? [...managedRuleCalls(naming, "StepFunctionsGetEventsForSageMakerTransformJobsRule"), { action: "sagemaker:DescribeTransformJob", resource: jobArn }, { action: "sagemaker:StopTransformJob", resource: jobArn }] : []),
    ];
    await authorizeTask(call, services, calls, { call: "SageMaker.AmazonSageMakerException", kms: "SageMaker.AmazonSageMakerException", service: "AmazonSageMaker" });
    const name = codeName(ModelName, naming);
    if (!hasCode("containers", name)) throw sagemakerFailure("ValidationException", `Could not find model "${ModelName}": no containers/${name}/index.ts`);
    const env: Record<string, string> = {};
    if (Environment && typeof Environment === "object" && !Array.isArray(Environment)) {
      for (const [key, value] of Object.entries(Environment)) env[key] = typeof value === "string" ? value : JSON.stringify(value);
    }
    const created: Record<string, Json> = { TransformJobArn: jobArn, ...startMetadata() };
    if (call.pattern === ".sync") call.submitted?.(created);
    const creationTime = nowOf(call);
    const run = await runForTask(call, "containers", name, [], env);
    if (!run) return created;
    const endTime = creationTime + (run.stoppedAt.getTime() - run.startedAt.getTime());
    const described: Record<string, Json> = {
      ...(typeof BatchStrategy === "string" ? { BatchStrategy } : {}),
      CreationTime: creationTime,
      ...(DataProcessing !== undefined ? { DataProcessing } : {}),
      Environment: env,
      ...(run.error !== undefined ? { FailureReason: `AlgorithmError: ${run.error}` } : {}),
      ModelName,
      TransformEndTime: endTime,
      ...(TransformInput !== undefined ? { TransformInput } : {}),
      TransformJobArn: jobArn,
      TransformJobName,
      TransformJobStatus: run.exitCode === 0 ? "Completed" : "Failed",
      ...(TransformOutput !== undefined ? { TransformOutput } : {}),
      ...(TransformResources !== undefined ? { TransformResources } : {}),
      TransformStartTime: creationTime,
    };
    if (run.exitCode !== 0) throw new TaskFailure("States.TaskFailed", JSON.stringify(described));
    return described;
  },
};
