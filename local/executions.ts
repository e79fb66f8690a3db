import type { Clock } from "../engine";
import type { Json } from "../infra/definition/asl";
import { parseArn, unqualifiedStateMachineArn } from "../infra/iam/arn";
import type { ApprovalDecision } from "./approvals";
import { LocalRunError, TaskFailure } from "./errors";
import type { ExecutionReport, LocalIntegration, LocalServices, LocalStartRequest, TaskCall } from "./execution-types";

/**
 * Nested executions, run locally: the `states:startExecution.sync` and `.sync:2` integrations start another state
 * machine's definition on the same engine and clock (one of this stack's workflows, or one a producer stack shares
 * with it, run against that stack's own local resources) and answer with what Step Functions answers.
 * @see https://docs.aws.amazon.com/step-functions/latest/dg/connect-stepfunctions.html
 * @see https://docs.aws.amazon.com/step-functions/latest/dg/concepts-cross-acct-sync-pattern.html
 */

/**
 * The fields of DescribeExecution that `.sync` returns for a finished child, Input and Output as text. A child
 * started through an alias or version has the unqualified `StateMachineArn`, and `StateMachineAliasArn` or
 * `StateMachineVersionArn` beside it, as Step Functions describes it.
 * @see https://docs.aws.amazon.com/step-functions/latest/apireference/API_DescribeExecution.html
 */
function describeExecution(request: LocalStartRequest, report: ExecutionReport, started: number, stopped: number): Record<string, Json> {
  const name = report.executionArn.split(":").pop() as string;
  const { stateMachineArn, qualifier } = unqualifiedStateMachineArn(request.stateMachineArn);
  const base: Record<string, Json> = {
    ExecutionArn: report.executionArn,
    Input: JSON.stringify(request.input),
    InputDetails: { Included: true },
    Name: name,
    RedriveCount: 0,
    StartDate: started,
    StateMachineArn: stateMachineArn,
    ...(qualifier === undefined ? {} : /^\d+$/.test(qualifier) ? { StateMachineVersionArn: request.stateMachineArn } : { StateMachineAliasArn: request.stateMachineArn }),
    Status: report.status,
    StopDate: stopped,
  };
  if (report.status === "SUCCEEDED") {
    return {
      ...base,
      Output: JSON.stringify(report.output ?? null),
      OutputDetails: { Included: true },
      RedriveStatus: "NOT_REDRIVABLE",
      RedriveStatusReason: "Execution is SUCCEEDED and cannot be redriven",
    };
  }
  return {
    ...base,
    RedriveStatus: "REDRIVABLE",
    ...(report.error !== undefined ? { Error: report.error } : {}),
    ...(report.cause !== undefined ? { Cause: report.cause } : {}),
  };
}

function parameters(call: TaskCall): Record<string, Json> {
  if (typeof call.parameters !== "object" || call.parameters === null || Array.isArray(call.parameters)) {
    throw new LocalRunError(`states:startExecution needs Parameters that are a JSON object. Received: ${JSON.stringify(call.parameters)}`, call.state);
  }
  return call.parameters;
}

/**
 * `states:startExecution.sync` and `.sync:2`: runs the child to completion and answers with its DescribeExecution
 * result, `Input` and `Output` as JSON text for `.sync` and parsed JSON for `.sync:2`; a child that does not
 * succeed fails the Task with `States.TaskFailed`, the Cause being the DescribeExecution result as JSON text (its
 * `Error` and `Cause` the child's), as in AWS. `Input` may be JSON or JSON text, as Step Functions accepts.
 */
export const startExecutionSync: LocalIntegration = {
  patterns: [".sync", ".sync:2"],
  local:
    "runs the child state machine locally to completion (one of the stack's workflows, or one a producer stack shares with it, on that stack's local resources; another account only through Credentials.RoleArn, checked against the producer's invoker role trust and policy); returns DescribeExecution with Input and Output as text (.sync) or JSON (.sync:2); a failed child fails the Task with States.TaskFailed",
  async run(call, services: LocalServices) {
    const { stateMachines, caller } = services;
    if (!stateMachines || !caller) throw new LocalRunError("this run has no local state machines to start (run it through LocalStack.runWorkflow or runDefinition).", call.state);
    const { StateMachineArn, Input, Name } = parameters(call);
    if (typeof StateMachineArn !== "string" || parseArn(StateMachineArn)?.service !== "states") {
      throw new TaskFailure("StepFunctions.InvalidArnException", `Invalid Arn: '${String(StateMachineArn)}' (Service: Sfn, Status Code: 400)`);
    }
    let input: Json = Input === undefined ? {} : Input;
    if (typeof input === "string") {
      try {
        input = JSON.parse(input) as Json;
      } catch {
        throw new TaskFailure("StepFunctions.InvalidExecutionInputException", `Invalid State Machine Execution Input: '${input}' (Service: Sfn, Status Code: 400)`);
      }
    }
    if (Name !== undefined && (typeof Name !== "string" || !/^[A-Za-z0-9_-]{1,80}$/.test(Name))) {
      throw new TaskFailure("StepFunctions.InvalidNameException", `Invalid Name: '${String(Name)}' (Service: Sfn, Status Code: 400)`);
    }
    const request: LocalStartRequest = {
      state: call.state,
      stateMachineArn: StateMachineArn,
      input,
      name: Name as string | undefined,
      roleArn: call.roleArn,
      caller,
      approver: services.approver,
    };
    // The child runs on the parent's clock; the Task is idle while it waits for the child's result (not before: its
    // start is authorized in real time), so the clock jumps for the child's Waits.
    // TaskSubmitted carries StartExecution's response, as Step Functions records it for a `.sync` Task.
    const onStarted = ({ executionArn, startDate }: { executionArn: string; startDate: Date }) => call.submitted?.({ ExecutionArn: executionArn, StartDate: startDate.getTime() });
    const report = await stateMachines.startExecution({ ...request, clock: call.clock, onStarted, idle: call.idle });
    services.children?.push(report);
    const described = describeExecution(request, report, report.startDate.getTime(), report.stopDate.getTime());
    if (report.status !== "SUCCEEDED") throw new TaskFailure("States.TaskFailed", JSON.stringify(described));
    if (call.pattern === ".sync:2") return { ...described, Input: input, Output: report.output ?? null };
    return described;
  },
};
