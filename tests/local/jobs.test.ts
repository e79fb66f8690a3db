import { runSimulation } from "@cloud-copilot/iam-simulate";
import { expect } from "chai";
import { deriveExecutionPolicy } from "../../infra/iam/derive";
import { LOCAL_INTEGRATIONS } from "../../local/integrations";
import type { IamCall } from "../../local/authz/authorizer";
import type { LocalServices, TaskCall } from "../../local/execution-types";
import type { AslStateMachine, Json } from "../../infra/definition/asl";
import { type DefinitionRunOptions, LocalStack } from "../../local/runner";
import { codeName, localJobRuns, settleJobRuns } from "../../local/services/jobs";
import type { ExecutionReport } from "../../local/execution-types";
import { plans } from "./plans";

type Obj = Record<string, Json>;

const DATASET = { month: "2026-11", rows: [{ category: "rent", amount: 1200 }, { category: "food", amount: 300 }, { category: "food", amount: 45.5 }] };
const RECORDS = [{ key: "a", value: 1 }, { key: "b", value: 2 }, { key: "a", value: 4 }];

/** One service under test: its Resource, Parameters that run the example code, and what its results look like. */
interface ServiceCase {
  service: string;
  resource: string;
  /** Parameters running the example successfully (`ok`) or with its input missing (`fails`). */
  parameters(ok: boolean): Obj;
  /** Checks the `.sync` result (and a failure's Cause, parsed). */
  synced(result: Obj, ok: boolean): void;
  /** Checks the request-response result. */
  started(result: Obj): void;
  /** The output the example's code returned. */
  output: Json;
}

const containerEnv = (ok: boolean) => (ok ? [{ Name: "DATASET", "Value.$": "States.JsonToString($.dataset)" }] : []);
const REPORT = { month: "2026-11", rows: 3, total: 1545.5, byCategory: { rent: 1200, food: 345.5 } };

const CASES: ServiceCase[] = [
  {
    service: "ECS (ecs:runTask)",
    resource: "arn:aws:states:::ecs:runTask",
    parameters: (ok) => ({ Cluster: "reports", TaskDefinition: "statecraft-dev-monthly-report", LaunchType: "FARGATE", Overrides: { ContainerOverrides: [{ Name: "report", Environment: containerEnv(ok) }] } }),
    synced(task, ok) {
      expect(task).to.include({ LastStatus: "STOPPED", DesiredStatus: "STOPPED", StopCode: "EssentialContainerExited", Group: "family:statecraft-dev-monthly-report", StartedBy: "AWS Step Functions" });
      expect(task.TaskArn).to.match(/^arn:aws:ecs:[a-z0-9-]+:\d{12}:task\/reports\/[0-9a-f]{32}$/);
      expect(task.TaskDefinitionArn).to.match(/:task-definition\/statecraft-dev-monthly-report:1$/);
      const [container] = task.Containers as Obj[];
      expect(container).to.include({ Name: "report", LastStatus: "STOPPED", ExitCode: ok ? 0 : 2 });
    },
    started(response) {
      expect(response.Failures).to.deep.equal([]);
      expect((response.Tasks as Obj[])[0]).to.include({ LastStatus: "PROVISIONING", DesiredStatus: "RUNNING" });
      expect(response).to.have.property("SdkResponseMetadata");
    },
    output: REPORT,
  },
  {
    service: "Glue (glue:startJobRun)",
    resource: "arn:aws:states:::glue:startJobRun",
    parameters: (ok) => ({ JobName: "statecraft-dev-dataset-aggregate", Arguments: (ok ? { "--dataset.$": "States.JsonToString($.records)", "--group_by": "key" } : { "--group_by": "key" }) as Obj }),
    synced(jobRun, ok) {
      expect(jobRun).to.include({ JobName: "statecraft-dev-dataset-aggregate", JobRunState: ok ? "SUCCEEDED" : "FAILED", Attempt: 0 });
      expect(jobRun.Id).to.match(/^jr_[0-9a-f]{64}$/);
      if (!ok) expect(jobRun.ErrorMessage).to.include("--dataset");
    },
    started(response) {
      expect(response.JobRunId).to.match(/^jr_[0-9a-f]{64}$/);
    },
    output: { job: "statecraft-dev-dataset-aggregate", records: 3, groups: { a: { count: 2, sum: 5 }, b: { count: 1, sum: 2 } } },
  },
  {
    service: "Batch (batch:submitJob)",
    resource: "arn:aws:states:::batch:submitJob",
    parameters: (ok) => ({ JobName: "report-2026-11", JobDefinition: "statecraft-dev-monthly-report", JobQueue: "reports", ContainerOverrides: { Command: ["report", "Ref::month"], Environment: containerEnv(ok) }, Parameters: { month: "2026-11" } }),
    synced(job, ok) {
      expect(job).to.include({ JobName: "report-2026-11", Status: ok ? "SUCCEEDED" : "FAILED" });
      expect(job.JobQueue).to.match(/:job-queue\/reports$/);
      expect(job.JobDefinition).to.match(/:job-definition\/statecraft-dev-monthly-report:1$/);
      expect(job.Container).to.deep.include({ ExitCode: ok ? 0 : 2, Command: ["report", "2026-11"] });
    },
    started(response) {
      expect(response).to.include({ JobName: "report-2026-11" });
      expect(response.JobArn).to.equal(`${String(response.JobArn).split("/")[0]}/${String(response.JobId)}`);
    },
    output: REPORT,
  },
  {
    service: "SageMaker (sagemaker:createTransformJob)",
    resource: "arn:aws:states:::sagemaker:createTransformJob",
    parameters: (ok) => ({
      TransformJobName: "Report-2026-11",
      ModelName: "monthly-report",
      ...(ok ? { Environment: { "DATASET.$": "States.JsonToString($.dataset)" } } : {}),
      TransformInput: { DataSource: { S3DataSource: { S3DataType: "S3Prefix", S3Uri: "s3://reports/in/" } } },
      TransformOutput: { S3OutputPath: "s3://reports/out/" },
      TransformResources: { InstanceCount: 1, InstanceType: "ml.m5.large" },
    }),
    synced(described, ok) {
      expect(described).to.include({ TransformJobName: "Report-2026-11", ModelName: "monthly-report", TransformJobStatus: ok ? "Completed" : "Failed" });
      expect(described.TransformJobArn).to.match(/:transform-job\/report-2026-11$/);
      if (!ok) expect(described.FailureReason).to.include("DATASET is not set");
    },
    started(response) {
      expect(response.TransformJobArn).to.match(/:transform-job\/report-2026-11$/);
    },
    output: REPORT,
  },
];

describe("local .sync services (ECS, Glue, Batch, SageMaker)", () => {
  let stack: LocalStack;
  before(async () => {
    stack = await LocalStack.start({ stack: "dev", plans });
  });
  after(async () => {
    await settleJobRuns();
    await stack?.stop();
  });

  /** Runs an ad-hoc definition without authorization: these tests are about semantics. */
  const run = (definition: AslStateMachine, options: DefinitionRunOptions) => stack.runDefinition(definition, { executionRoleArn: null, ...options });
  const input = { dataset: DATASET, records: RECORDS } as unknown as Json;

  /** `Work` (the Task under test, its error caught into `$.error`) → `Done`, or `Caught`. */
  const task = (resource: string, parameters: Obj): AslStateMachine => ({
    StartAt: "Work",
    States: {
      Work: { Type: "Task", Resource: resource, Parameters: parameters, Catch: [{ ErrorEquals: ["States.TaskFailed"], ResultPath: "$.error", Next: "Caught" }], Next: "Done" } as never,
      Done: { Type: "Succeed" },
      Caught: { Type: "Pass", End: true },
    },
  });
  const submitted = (report: ExecutionReport) => report.history.filter((event) => event.type === "TaskSubmitted");

  for (const c of CASES) {
    describe(c.service, () => {
      it("runs the code to completion for .sync and returns the described job, after a TaskSubmitted with the start response", async () => {
        const before = localJobRuns().length;
        const report = await run(task(`${c.resource}.sync`, c.parameters(true)), { input });
        expect(report.status, report.cause).to.equal("SUCCEEDED");
        expect(report.path.map((step) => step.state)).to.deep.equal(["Work", "Done"]);
        c.synced(report.output as Obj, true);
        const [event] = submitted(report);
        expect(event, "a TaskSubmitted event").to.not.equal(undefined);
        c.started(JSON.parse(event!.taskSubmittedEventDetails!.output) as Obj);
        const runs = localJobRuns().slice(before);
        expect(runs).to.have.length(1);
        expect(runs[0]).to.deep.include({ exitCode: 0, output: c.output });
      });

      it("fails a .sync Task whose code exits non-zero with States.TaskFailed, the described job as Cause", async () => {
        const report = await run(task(`${c.resource}.sync`, c.parameters(false)), { input });
        expect(report.status).to.equal("SUCCEEDED");
        expect(report.path.map((step) => step.state)).to.deep.equal(["Work", "Caught"]);
        const { Error, Cause } = (report.output as Obj).error as Obj;
        expect(Error).to.equal("States.TaskFailed");
        c.synced(JSON.parse(String(Cause)) as Obj, false);
      });

      it("returns the start call's response for request-response, with no TaskSubmitted, and runs the code on after it", async () => {
        const before = localJobRuns().length;
        const report = await run(task(c.resource, c.parameters(true)), { input });
        expect(report.status, report.cause).to.equal("SUCCEEDED");
        c.started(report.output as Obj);
        expect(submitted(report)).to.deep.equal([]);
        await settleJobRuns();
        expect(localJobRuns().slice(before).map((r) => r.exitCode)).to.deep.equal([0]);
      });
    });
  }

  it("fails with ECS.ClientException for a task definition with no containers/<family> code", async () => {
    const report = await run({ StartAt: "Work", States: { Work: { Type: "Task", Resource: "arn:aws:states:::ecs:runTask.sync", Parameters: { TaskDefinition: "nothing-here:3" }, End: true } as never } }, { input });
    expect(report.status).to.equal("FAILED");
    expect(report.error).to.equal("ECS.ClientException");
    expect(report.cause).to.include("containers/nothing-here/index.ts");
  });

  it("maps a task definition, job or model name to its code by its last path segment, without revision or stack prefix", () => {
    expect(codeName("arn:aws:ecs:eu-west-1:111111111111:task-definition/statecraft-dev-monthly-report:2", stack.naming)).to.equal("monthly-report");
    expect(codeName("monthly-report:7", stack.naming)).to.equal("monthly-report");
    expect(codeName("arn:aws:batch:eu-west-1:111111111111:job-definition/other", stack.naming)).to.equal("other");
  });

  describe("authorized runs", () => {
    const denied = [
      { resource: "arn:aws:states:::ecs:runTask.sync", parameters: CASES[0]!.parameters(true), error: "ECS.AccessDeniedException", action: "ecs:RunTask" },
      { resource: "arn:aws:states:::glue:startJobRun.sync", parameters: CASES[1]!.parameters(true), error: "Glue.AccessDeniedException", action: "glue:StartJobRun" },
      { resource: "arn:aws:states:::batch:submitJob.sync", parameters: CASES[2]!.parameters(true), error: "Batch.AWSBatchException", action: "batch:SubmitJob" },
      { resource: "arn:aws:states:::sagemaker:createTransformJob.sync", parameters: CASES[3]!.parameters(true), error: "SageMaker.AmazonSageMakerException", action: "sagemaker:CreateTransformJob" },
    ];
    for (const d of denied) {
      it(`fails with ${d.error} naming ${d.action} when the execution role may not call it, running no code`, async () => {
        const workflow = stack.config.workflows[0]!;
        const before = localJobRuns().length;
        const report = await stack.runDefinition({ StartAt: "Work", States: { Work: { Type: "Task", Resource: d.resource, Parameters: d.parameters, End: true } as never } }, { input, stateMachine: stack.naming.physical(workflow) });
        expect(report.status).to.equal("FAILED");
        expect(report.error).to.equal(d.error);
        expect(report.cause).to.include(d.action).and.include("Error Code: AccessDeniedException");
        expect(report.authorizations.some((decision) => decision.call.action === d.action && !decision.allowed)).to.equal(true);
        expect(localJobRuns().length).to.equal(before);
      });
    }
  });

  describe("consistency with the derived execution role", () => {
    const ROLES = { TaskRoleArn: "arn:aws:iam::111111111111:role/report-task", ExecutionRoleArn: "arn:aws:iam::111111111111:role/report-execution" };
    const STATIC: Record<string, Obj> = {
      "ecs:runTask": { Cluster: "reports", TaskDefinition: "statecraft-dev-monthly-report", Overrides: { ...ROLES, ContainerOverrides: [{ Name: "report", Environment: [{ Name: "DATASET", Value: JSON.stringify(DATASET) }] }] }, Tags: [{ Key: "team", Value: "finance" }] },
      "glue:startJobRun": { JobName: "statecraft-dev-dataset-aggregate", Arguments: { "--dataset": JSON.stringify(RECORDS) } },
      "batch:submitJob": { JobName: "report", JobDefinition: "statecraft-dev-monthly-report", JobQueue: "reports", ContainerOverrides: { Environment: [{ Name: "DATASET", Value: JSON.stringify(DATASET) }] } },
      "sagemaker:createTransformJob": { TransformJobName: "report-2026-11", ModelName: "monthly-report", Environment: { DATASET: JSON.stringify(DATASET) }, Tags: [{ Key: "team", Value: "finance" }] },
    };
    /** Catalog actions the local service does not call: Step Functions does not make them on a run that succeeds. */
    const NOT_CALLED = ["sagemaker:ListTags"];

    for (const [key, parameters] of Object.entries(STATIC)) {
      for (const pattern of ["", ".sync"] as const) {
        it(`${key}${pattern}: authorizes only calls the derived policy allows, and every action it grants but ${NOT_CALLED.join(", ")}`, async () => {
          const resource = `arn:aws:states:::${key}${pattern}`;
          const definition: AslStateMachine = { StartAt: "Work", States: { Work: { Type: "Task", Resource: resource, Parameters: parameters, End: true } as never } };
          const { partition, region, account } = stack.naming.context;
          const derived = deriveExecutionPolicy("jobs.test", definition, { partition, region, account });
          const principal = `arn:${partition}:iam::${account}:role/jobs-test`;
          const calls: IamCall[] = [];
          const authorizer = { index: { keys: new Map(), stateMachines: new Map(), ofType: () => [] }, authorize: async (call: IamCall) => (calls.push(call), { call, allowed: true }) };
          const services = { naming: stack.naming, authorizer } as unknown as LocalServices;
          const call: TaskCall = { state: "Work", resource, parameters, pattern, principal };
          await LOCAL_INTEGRATIONS[key]!.run(call, services);
          // The execution role's calls; a service assuming the task's own roles (ecs-tasks.amazonaws.com) is checked against their trust.
          const ownCalls = calls.filter((c) => c.principal === principal);
          for (const needed of ownCalls) {
            const response = await runSimulation(
              {
                request: { principal, action: needed.action, resource: { resource: needed.resource, accountId: account }, contextVariables: { "aws:PrincipalArn": principal, "aws:PrincipalAccount": account, ...needed.context } },
                identityPolicies: [{ name: "derived", policy: derived.document }],
                serviceControlPolicies: [],
                resourceControlPolicies: [],
              },
              {},
            );
            expect(response.resultType === "error" ? response.errors : response.overallResult, `${needed.action} on ${needed.resource}`).to.equal("Allowed");
          }
          const granted = new Set(derived.document.Statement.flatMap((statement) => [statement.Action].flat() as string[]));
          expect([...new Set(ownCalls.map((c) => c.action))].sort()).to.deep.equal([...granted].filter((action) => !NOT_CALLED.includes(action)).sort());
        });
      }
    }
  });
});
