import { randomUUID } from "node:crypto";
import type { Json } from "../../infra/definition/asl";
import { RESOURCE_KINDS } from "../../infra/iam/kinds";
import { TaskFailure } from "../errors";
import type { LocalIntegration, LocalServices, TaskCall } from "../execution-types";
import { GetObjectCommand, ListObjectsV2Command, PutObjectCommand } from "@aws-sdk/client-s3";
import type { SendsCommands } from "../authz/clients";
import { codeName, codePath, hasCode, jobParameters, managedRuleCalls, nowOf, runForTask, startMetadata, type JobEntry, type RunOptions } from "./jobs";
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
 * A model whose code exports `invocations(body, contentType, accept)` (the container's `POST /invocations`) and a job
 * whose input is an `S3Prefix` data source run as SageMaker's batch transform does: SageMaker assumes the model's
 * execution role (the plan's `executionRoleArn`; its trust authorized for `sagemaker.amazonaws.com` from this account
 * and the job), lists the objects under `TransformInput.DataSource.S3DataSource.S3Uri` and reads each
 * (`s3:ListBucket`, `s3:GetObject`) from the stack's local S3 as that role, sends each object's whole content as one
 * request (`BatchStrategy: MultiRecord` within the 6 MB payload; no `SplitType` splitting), and writes each answer
 * to `<S3OutputPath>/<key under the input prefix>.out` (`s3:PutObject`), with the bucket key's use through S3. An S3
 * denial, no input object or a refused role fails the job with `FailureReason` `ClientError: …`, the model's throw
 * with `AlgorithmError: …`.
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
    const run = await runForTask(call, "containers", name, [], env, await transformRun(call, services, name, jobArn, { ModelName, TransformInput, TransformOutput }));
    if (!run) return created;
    const endTime = creationTime + (run.stoppedAt.getTime() - run.startedAt.getTime());
    const described: Record<string, Json> = {
      ...(typeof BatchStrategy === "string" ? { BatchStrategy } : {}),
      CreationTime: creationTime,
      ...(DataProcessing !== undefined ? { DataProcessing } : {}),
      Environment: env,
      ...(run.error !== undefined ? { FailureReason: run.error.startsWith("ClientError: ") ? run.error : `AlgorithmError: ${run.error}` } : {}),
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

/** The S3 URI `s3://<bucket>/<key>` as bucket and key, or `undefined` for anything else. */
function parseS3Uri(uri: unknown): { bucket: string; key: string } | undefined {
  const match = typeof uri === "string" ? /^s3:\/\/([^/]+)\/?(.*)$/.exec(uri) : null;
  return match ? { bucket: match[1], key: match[2] } : undefined;
}

/** What a model's code exports for batch transform: its `POST /invocations` handler. */
type Invocations = (body: string, contentType: string, accept: string) => string | Promise<string>;

/**
 * How the local transform job runs the model's code: through `invocations` over the S3 input, as the model's role
 * (see {@link sagemakerCreateTransformJob}), when the model exports it and the job reads an S3 prefix; else `main`.
 */
async function transformRun(
  call: TaskCall,
  services: LocalServices,
  name: string,
  jobArn: string,
  job: { ModelName: Json; TransformInput: Json | undefined; TransformOutput: Json | undefined },
): Promise<RunOptions> {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const invocations = (require(codePath("containers", name)) as { invocations?: unknown }).invocations;
  const input = job.TransformInput as { DataSource?: { S3DataSource?: { S3DataType?: string; S3Uri?: string } }; ContentType?: string } | undefined;
  const output = job.TransformOutput as { S3OutputPath?: string; Accept?: string } | undefined;
  const source = input?.DataSource?.S3DataSource;
  if (typeof invocations !== "function" || source?.S3DataType !== "S3Prefix" || !services.s3For) return {};
  const model = services.authorizer?.index.models?.get(String(job.ModelName));
  const role = model?.executionRoleArn;
  const entry: JobEntry = async () => {
    if (!role) throw new Error(`ClientError: the plan registers no model ${String(job.ModelName)}, so its execution role is unknown.`);
    const denial = await assumeModelRole(services, call, role, jobArn);
    if (denial) throw new Error(`ClientError: SageMaker could not assume the model's execution role: ${denial}`);
    const from = parseS3Uri(source.S3Uri);
    const to = parseS3Uri(output?.S3OutputPath);
    if (!from || !to) throw new Error(`ClientError: S3Uri and S3OutputPath must be s3:// URIs. Received: ${JSON.stringify([source.S3Uri, output?.S3OutputPath])}`);
    const s3 = services.s3For!(role);
    const keys = await listKeys(s3, from.bucket, from.key);
    if (keys.length === 0) throw new Error(`ClientError: No S3 objects found under S3 URL "${source.S3Uri}" given in input data source.`);
    const written: string[] = [];
    for (const key of keys) {
      const body = await s3Call(() => s3.send(new GetObjectCommand({ Bucket: from.bucket, Key: key }) as never) as Promise<{ Body?: { transformToString(): Promise<string> } }>);
      const text = (await body.Body?.transformToString()) ?? "";
      if (Buffer.byteLength(text) > 6 * 1024 * 1024) throw new Error(`ClientError: s3://${from.bucket}/${key} is over the 6 MB payload of one request.`);
      const answer = await (invocations as Invocations)(text, input?.ContentType ?? "application/octet-stream", output?.Accept ?? "application/octet-stream");
      const outKey = `${to.key}${to.key === "" || to.key.endsWith("/") ? "" : "/"}${key.slice(from.key.length).replace(/^\//, "")}.out`;
      await s3Call(() => s3.send(new PutObjectCommand({ Bucket: to.bucket, Key: outKey, Body: answer, ContentType: output?.Accept }) as never));
      written.push(`s3://${to.bucket}/${outKey}`);
    }
    return { inputs: keys.map((key) => `s3://${from.bucket}/${key}`), outputs: written };
  };
  return { entry };
}

/** Every key under a prefix, through ListObjectsV2's pages. */
async function listKeys(s3: SendsCommands, bucket: string, prefix: string): Promise<string[]> {
  const keys: string[] = [];
  let token: string | undefined;
  do {
    const page = await s3Call(() => s3.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix, ContinuationToken: token }) as never) as Promise<{ Contents?: { Key?: string }[]; NextContinuationToken?: string }>);
    keys.push(...(page.Contents ?? []).flatMap((object) => (object.Key && !object.Key.endsWith("/") ? [object.Key] : [])));
    token = page.NextContinuationToken;
  } while (token);
  return keys;
}

/** An S3 call of the transform job: a failure is the job's `ClientError`. */
async function s3Call<T>(send: () => Promise<T>): Promise<T> {
  try {
    return await send();
  } catch (error) {
    throw new Error(`ClientError: ${(error as Error).message}`);
  }
}

/**
 * SageMaker assuming the model's execution role for the transform job, as the role's trust policy must allow:
 * `sagemaker.amazonaws.com` calls `sts:AssumeRole` for this account (`aws:SourceAccount`) and the job (`aws:SourceArn`).
 * @returns the denial's message, or `undefined` when allowed (or when the run is not authorized).
 * @see https://docs.aws.amazon.com/sagemaker/latest/dg/sagemaker-roles.html
 */
async function assumeModelRole(services: LocalServices, call: TaskCall, role: string, jobArn: string): Promise<string | undefined> {
  const { authorizer, naming } = services;
  if (!authorizer || !call.principal) return undefined;
  const decision = await authorizer.authorize({ principal: "sagemaker.amazonaws.com", action: "sts:AssumeRole", resource: role, context: { "aws:SourceAccount": naming.context.account, "aws:SourceArn": jobArn } });
  return decision.allowed ? undefined : decision.message;
}
