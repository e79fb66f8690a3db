import { randomUUID } from "node:crypto";
import type { Json } from "../../infra/definition/asl";
import { RESOURCE_KINDS } from "../../infra/iam/kinds";
import { TaskFailure } from "../errors";
import type { LocalIntegration, LocalServices, TaskCall } from "../execution-types";
import { codeName, environmentMap, hasCode, jobParameters, managedRuleCalls, nowOf, runForTask, startMetadata, stringList } from "./jobs";
import { authorizeTask } from "../authz/task-calls";

/**
 * `ecs:runTask` for local runs: the task definition's container code, `containers/<family>/index.ts`, runs
 * in-process (the family is the last path segment of `TaskDefinition`, without revision or the stack's prefix).
 * @see https://docs.aws.amazon.com/step-functions/latest/dg/connect-ecs.html
 */

/**
 * The roles a task runs with: `Overrides`' first, then the plan's `aws:ecs/taskDefinition:TaskDefinition` of that
 * family; both (task role first), or only the one named by `only`.
 */
function taskRoles(overrides: Record<string, Json>, family: string, services: LocalServices, only?: "taskRoleArn" | "executionRoleArn"): string[] {
  const planned = services.authorizer?.index.ofType("aws:ecs/taskDefinition:TaskDefinition").find((definition) => {
    const named = definition.outputs?.family ?? definition.inputs.family;
    return named === family || codeName(String(named ?? ""), services.naming) === codeName(family, services.naming);
  });
  const roleOf = (field: "taskRoleArn" | "executionRoleArn") => planned?.outputs?.[field] ?? planned?.inputs[field];
  const roles = [only !== "executionRoleArn" ? (overrides.TaskRoleArn ?? roleOf("taskRoleArn")) : undefined, only !== "taskRoleArn" ? (overrides.ExecutionRoleArn ?? roleOf("executionRoleArn")) : undefined];
  return roles.filter((role): role is string => typeof role === "string" && role.length > 0);
}

/**
 * `ecs:runTask` (request-response and `.sync`). Authorizes, as the Task's principal, `ecs:RunTask` on the task
 * definition (its revision, `:1` when none is given), `iam:PassRole` (to `ecs-tasks.amazonaws.com`) on the task and
 * execution roles named in `Overrides` or by the plan's task definition of that family (none named: only RunTask
 * is checked), `ecs:TagResource` on the task when `Tags` is set, and for `.sync` `ecs:DescribeTasks`,
 * `ecs:StopTask` on the task and the managed rule `StepFunctionsGetEventsForECSTaskRule`; a denial fails with
 * `ECS.AccessDeniedException`.
 *
 * Results: request-response returns RunTask's response `{Failures: [], Tasks: [task PROVISIONING], SdkHttpMetadata,
 * SdkResponseMetadata}` (the code runs on after it); `.sync` records that response as TaskSubmitted, runs the code
 * and returns DescribeTasks' task, `{..., Containers: [{ExitCode, LastStatus: "STOPPED", ...}], LastStatus:
 * "STOPPED", StopCode: "EssentialContainerExited", TaskArn, ...}`. A non-zero exit fails the Task with
 * `States.TaskFailed`, the Cause being that task as JSON. No `containers/<family>` fails with `ECS.ClientException`.
 * Fields this run cannot know (network attachments, image digests) are left out.
 */
export const ecsRunTask: LocalIntegration = {
  patterns: ["", ".sync"],
  local:
    "runs containers/<task definition family>/index.ts in-process after authorizing ecs:RunTask, iam:PassRole on the task's roles (from Overrides or the plan's task definition) and, for .sync, ecs:DescribeTasks/StopTask and the managed events rule; request-response returns RunTask's {Failures, Tasks}, .sync the STOPPED task of DescribeTasks; a non-zero exit fails with States.TaskFailed",
  async run(call: TaskCall, services: LocalServices) {
    const { naming } = services;
    const parameters = jobParameters(call);
    const { TaskDefinition, Cluster, LaunchType, Overrides, Tags, PlatformVersion } = parameters;
    const definitionArn = typeof TaskDefinition === "string" ? RESOURCE_KINDS.ecsTaskDefinition.toArn(TaskDefinition, naming.context) : undefined;
    if (typeof TaskDefinition !== "string" || !definitionArn) {
      throw new TaskFailure("ECS.InvalidParameterException", `TaskDefinition must be a family, family:revision or task definition ARN. Received: ${JSON.stringify(TaskDefinition)} (Service: AmazonECS; Status Code: 400; Error Code: InvalidParameterException; Request ID: ${randomUUID()}; Proxy: null)`);
    }
    const revisionArn = /:\d+$/.test(definitionArn) ? definitionArn : `${definitionArn}:1`;
    const family = (definitionArn.split("/").pop() as string).replace(/:\d+$/, "");
    const clusterArn = RESOURCE_KINDS.ecsCluster.toArn(typeof Cluster === "string" ? Cluster : "default", naming.context) ?? String(Cluster);
    const taskArn = `${clusterArn.replace(":cluster/", ":task/")}/${randomUUID().replace(/-/g, "")}`;
    const overrides = Overrides && typeof Overrides === "object" && !Array.isArray(Overrides) ? Overrides : {};
    const calls: { action: string; resource: string; context?: Record<string, string> }[] = [
      { action: "ecs:RunTask", resource: revisionArn },
      ...taskRoles(overrides, family, services).map((role) => ({ action: "iam:PassRole", resource: role, context: { "iam:PassedToService": "ecs-tasks.amazonaws.com" } })),
      ...(Tags !== undefined ? [{ action: "ecs:TagResource", resource: taskArn, context: { "ecs:CreateAction": "RunTask" } }] : []),
      ...(call.pattern === ".sync" ? [...managedRuleCalls(naming, "StepFunctionsGetEventsForECSTaskRule"), { action: "ecs:DescribeTasks", resource: taskArn }, { action: "ecs:StopTask", resource: taskArn }] : []),
    ];
    await authorizeTask(call, services, calls, { call: "ECS.AccessDeniedException", kms: "ECS.AccessDeniedException", service: "AmazonECS" });
    const name = codeName(family, naming);
    if (!hasCode("containers", name)) {
      throw new TaskFailure("ECS.ClientException", `Unable to describe task definition: no containers/${name}/index.ts for ${TaskDefinition} (Service: AmazonECS; Status Code: 400; Error Code: ClientException; Request ID: ${randomUUID()}; Proxy: null)`);
    }
    const containerOverrides = Array.isArray(overrides.ContainerOverrides) ? overrides.ContainerOverrides : [];
    const first = (containerOverrides[0] ?? {}) as Record<string, Json>;
    const containerName = typeof first.Name === "string" ? first.Name : name;
    const containerArn = `${taskArn.replace(":task/", ":container/")}/${randomUUID()}`;
    const createdAt = nowOf(call);
    const base: Record<string, Json> = {
      Attachments: [],
      Attributes: [{ Name: "ecs.cpu-architecture", Value: "x86_64" }],
      AvailabilityZone: `${naming.context.region}a`,
      ClusterArn: clusterArn,
      CreatedAt: createdAt,
      EnableExecuteCommand: false,
      Group: `family:${family}`,
      LaunchType: typeof LaunchType === "string" ? LaunchType : "FARGATE",
      Overrides: { ContainerOverrides: containerOverrides, InferenceAcceleratorOverrides: [] },
      ...(typeof PlatformVersion === "string" ? { PlatformVersion } : {}),
      StartedBy: "AWS Step Functions",
      Tags: Array.isArray(Tags) ? Tags : [],
      TaskArn: taskArn,
      TaskDefinitionArn: revisionArn,
    };
    const container = { ContainerArn: containerArn, Image: `containers/${name}`, Name: containerName, NetworkBindings: [], NetworkInterfaces: [], TaskArn: taskArn };
    const started = { ...base, Containers: [{ ...container, LastStatus: "PENDING" }], DesiredStatus: "RUNNING", LastStatus: "PROVISIONING", Version: 1 };
    const runTask: Record<string, Json> = { Failures: [], Tasks: [started], ...startMetadata() };
    if (call.pattern === ".sync") call.submitted?.(runTask);
    // ECS assumes the roles for the task: each role's trust must admit ecs-tasks.amazonaws.com for this task.
    const [taskRole] = taskRoles(overrides, family, services, "taskRoleArn");
    for (const role of taskRoles(overrides, family, services)) {
      const decision = await services.authorizer?.authorize({ principal: "ecs-tasks.amazonaws.com", action: "sts:AssumeRole", resource: role, context: { "aws:SourceAccount": naming.context.account, "aws:SourceArn": taskArn } });
      if (decision && !decision.allowed) {
        const now = nowOf(call);
        const stopped = { ...base, Containers: [{ ...container, LastStatus: "STOPPED" }], DesiredStatus: "STOPPED", LastStatus: "STOPPED", StopCode: "TaskFailedToStart", StoppedAt: now, StoppedReason: `ECS was unable to assume the role '${role}' that was provided for this task: ${decision.message}` };
        throw new TaskFailure("States.TaskFailed", JSON.stringify(stopped));
      }
    }
    const s3 = taskRole ? services.s3For?.(taskRole) : undefined;
    const run = await runForTask(call, "containers", name, stringList(first.Command), environmentMap(first.Environment), s3 ? { clients: { s3 } } : {});
    if (!run) return runTask;
    const stoppedAt = createdAt + (run.stoppedAt.getTime() - run.startedAt.getTime());
    const task: Record<string, Json> = {
      ...base,
      Connectivity: "CONNECTED",
      ConnectivityAt: createdAt,
      Containers: [{ ...container, ExitCode: run.exitCode, LastStatus: "STOPPED", ...(run.error !== undefined ? { Reason: run.error } : {}) }],
      DesiredStatus: "STOPPED",
      ExecutionStoppedAt: stoppedAt,
      LastStatus: "STOPPED",
      StartedAt: createdAt,
      StopCode: "EssentialContainerExited",
      StoppedAt: stoppedAt,
      StoppedReason: "Essential container in task exited",
      StoppingAt: stoppedAt,
      Version: 5,
    };
    if (run.exitCode !== 0) throw new TaskFailure("States.TaskFailed", JSON.stringify(task));
    return task;
  },
};
