/**
 * The Step Functions API over an in-memory registry of state machines and executions, run on our own ASL engine:
 * the operations the local endpoint serves, each a function of the request's JSON body to the response's.
 * Dates in responses are `Date`s (the server writes them as epoch seconds).
 * @see https://docs.aws.amazon.com/step-functions/latest/apireference/API_Operations.html
 */
import { randomBytes, randomUUID } from "node:crypto";
import { startExecution } from "../../engine";
import type { Execution, ExecutionOptions, ExecutionResult, HistoryEvent, Json, StateMachineDefinition } from "../../engine/types";
import { validateAsl } from "../../infra/definition/validate";
import type { AslStateMachine } from "../../infra/definition/asl";
import { type ArnScope, ServiceError, checkName, executionArn, parseExecutionArn, parseStateMachineArn, stateMachineArn } from "./arns";
import { runTestState, type StartExecution, type TestStateRequest } from "./test-state";

export type { StartExecution } from "./test-state";

/** The state machine a set of {@link ExecutionOptions} is asked for. */
export interface MachineIdentity {
  name: string;
  /** The unqualified state machine ARN. */
  arn: string;
  type: "STANDARD" | "EXPRESS";
  roleArn: string;
}

/** A state machine the registry holds from its start, as `CreateStateMachine` would create it. */
export interface StateMachineSeed {
  name: string;
  /** The ASL definition, as JSON text or as an object. */
  definition: string | object;
  roleArn: string;
  /** @default "STANDARD" */
  type?: "STANDARD" | "EXPRESS";
}

/** Options of a {@link StepFunctionsRegistry}. */
export interface RegistryOptions {
  /** The Region of every ARN, e.g. `eu-west-1`. */
  region: string;
  /** The 12-digit account of every ARN. */
  account: string;
  /** @default "aws" */
  partition?: string;
  /** State machines to create at once (a stack's rendered workflows). */
  stateMachines?: StateMachineSeed[];
  /**
   * The engine options of each machine's executions (its Task handler, item reader, ...). Without them a Task fails
   * as the engine fails it. The registry's own `context`, `onTaskToken` and `onEvent` stay in force (yours are
   * called too).
   */
  executionOptions?: (machine: MachineIdentity) => Partial<ExecutionOptions>;
  /** The executions' clock, unless `executionOptions` gives one. @default "real" */
  clock?: ExecutionOptions["clock"];
  /** The engine. @default `startExecution` of `engine/index.ts` */
  engine?: StartExecution;
  /**
   * Finds the execution of a task token this registry did not issue: one the local runner started itself
   * (`npm start`), whose handlers answer their tokens through this endpoint as they would through Step Functions.
   */
  tokenOwner?: (token: string) => Pick<Execution, "sendTaskSuccess" | "sendTaskFailure" | "sendTaskHeartbeat"> | undefined;
}

interface Machine extends MachineIdentity {
  definition: string;
  parsed: StateMachineDefinition;
  creationDate: Date;
}

interface ExecutionRecord {
  arn: string;
  name: string;
  machine: Machine;
  input: string;
  startDate: Date;
  execution: Execution;
  result?: ExecutionResult;
  stateMachineAliasArn?: string;
  stateMachineVersionArn?: string;
}

/** A request body: whatever JSON the client sent. */
export type Request = Record<string, unknown>;

/** Step Functions' page size when `maxResults` is 0 or absent, and its largest. */
const DEFAULT_PAGE = 100;
const MAX_PAGE = 1000;
/** The largest execution input or task output Step Functions takes, in bytes (256 KiB). */
const MAX_PAYLOAD_BYTES = 256 * 1024;

/**
 * State machines and their executions, in memory: every operation of the local endpoint. Operations take the
 * request body (the API's JSON request) and return the response body, throwing {@link ServiceError} for an API
 * error.
 */
export class StepFunctionsRegistry {
  /** The partition, Region and account of every ARN. */
  readonly scope: ArnScope;
  private readonly machines = new Map<string, Machine>();
  private readonly executions = new Map<string, ExecutionRecord>();
  /** Every task token issued, with the execution that issued it (answered tokens stay: the engine tells them apart). */
  private readonly tokens = new Map<string, ExecutionRecord>();
  private readonly engine: StartExecution;

  /**
   * @param options Region, account, partition, seed machines, per-machine engine options.
   * @throws ServiceError as `CreateStateMachine` does, for a bad seed machine.
   */
  constructor(private readonly options: RegistryOptions) {
    this.scope = { partition: options.partition ?? "aws", region: options.region, account: options.account };
    this.engine = options.engine ?? startExecution;
    for (const seed of options.stateMachines ?? []) {
      this.createStateMachine({ name: seed.name, definition: typeof seed.definition === "string" ? seed.definition : JSON.stringify(seed.definition), roleArn: seed.roleArn, type: seed.type ?? "STANDARD" });
    }
  }

  /**
   * Calls an operation by its API name.
   * @param operation e.g. `StartExecution`.
   * @param request the request body.
   * @returns the response body.
   * @throws ServiceError `UnknownOperationException` for an operation the endpoint does not serve, or the
   *   operation's own errors.
   */
  async call(operation: string, request: Request): Promise<Record<string, unknown>> {
    switch (operation) {
      case "CreateStateMachine":
        return this.createStateMachine(request);
      case "DescribeStateMachine":
        return this.describeStateMachine(request);
      case "ListStateMachines":
        return this.listStateMachines(request);
      case "DeleteStateMachine":
        return this.deleteStateMachine(request);
      case "StartExecution":
        return this.startExecution(request);
      case "StartSyncExecution":
        return this.startSyncExecution(request);
      case "DescribeExecution":
        return this.describeExecution(request);
      case "GetExecutionHistory":
        return this.getExecutionHistory(request);
      case "ListExecutions":
        return this.listExecutions(request);
      case "StopExecution":
        return this.stopExecution(request);
      case "SendTaskSuccess":
        return this.sendTaskSuccess(request);
      case "SendTaskFailure":
        return this.sendTaskFailure(request);
      case "SendTaskHeartbeat":
        return this.sendTaskHeartbeat(request);
      case "TestState":
        return this.testState(request);
      default:
        throw new ServiceError("UnknownOperationException", `The local Step Functions endpoint does not serve the operation ${JSON.stringify(operation)}.`);
    }
  }

  /**
   * CreateStateMachine: `{ name, definition, roleArn, type? }` → `{ stateMachineArn, creationDate }`. Creating
   * a machine again with the same name, definition, role and type returns the first one (the API is idempotent).
   * @throws ServiceError `InvalidName`, `InvalidDefinition` (not JSON, no StartAt/States, or invalid ASL),
   *   `InvalidArn` (roleArn), `StateMachineAlreadyExists` (the name with another definition, role or type),
   *   `StateMachineTypeNotSupported` (type neither STANDARD nor EXPRESS), `ValidationException` (no roleArn).
   * @see https://docs.aws.amazon.com/step-functions/latest/apireference/API_CreateStateMachine.html
   */
  createStateMachine(request: Request): { stateMachineArn: string; creationDate: Date } {
    const { name, definition, roleArn } = request;
    const type = request.type ?? "STANDARD";
    checkName("state machine", name);
    if (typeof roleArn !== "string" || roleArn === "") throw validation("roleArn", roleArn);
    if (!/^arn:[a-z-]+:iam::\d{12}:role\/.+$/.test(roleArn)) throw new ServiceError("InvalidArn", `Invalid Arn: 'Resource type not valid in this context: ${roleArn}'`);
    if (type !== "STANDARD" && type !== "EXPRESS") throw new ServiceError("StateMachineTypeNotSupported", `State machine type ${JSON.stringify(type)} is not supported: STANDARD or EXPRESS.`);
    if (typeof definition !== "string") throw validation("definition", definition);
    const parsed = parseDefinition(definition);
    const arn = stateMachineArn(this.scope, name);
    const existing = this.machines.get(arn);
    if (existing) {
      if (existing.definition === definition && existing.roleArn === roleArn && existing.type === type) return { stateMachineArn: arn, creationDate: existing.creationDate };
      throw new ServiceError("StateMachineAlreadyExists", `State Machine Already Exists: '${arn}' (with another definition, role or type)`);
    }
    const machine: Machine = { name, arn, type, roleArn, definition, parsed, creationDate: new Date() };
    this.machines.set(arn, machine);
    return { stateMachineArn: arn, creationDate: machine.creationDate };
  }

  /**
   * DescribeStateMachine: `{ stateMachineArn }` (a version or alias ARN describes the machine) → its name,
   * definition, role, type, status and creation date.
   * @throws ServiceError `InvalidArn`, `StateMachineDoesNotExist`.
   * @see https://docs.aws.amazon.com/step-functions/latest/apireference/API_DescribeStateMachine.html
   */
  describeStateMachine(request: Request): Record<string, unknown> {
    const machine = this.machineOf(request.stateMachineArn);
    return {
      stateMachineArn: machine.arn,
      name: machine.name,
      status: "ACTIVE",
      definition: machine.definition,
      roleArn: machine.roleArn,
      type: machine.type,
      creationDate: machine.creationDate,
      loggingConfiguration: { level: "OFF", includeExecutionData: false },
      tracingConfiguration: { enabled: false },
    };
  }

  /**
   * ListStateMachines: `{ maxResults?, nextToken? }` → `{ stateMachines: [{ stateMachineArn, name, type,
   * creationDate }], nextToken? }`, by name.
   * @throws ServiceError `InvalidToken` for a bad `nextToken`.
   * @see https://docs.aws.amazon.com/step-functions/latest/apireference/API_ListStateMachines.html
   */
  listStateMachines(request: Request): Record<string, unknown> {
    const all = [...this.machines.values()].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    const { items, nextToken } = page(all, request, "ListStateMachines");
    return { stateMachines: items.map((m) => ({ stateMachineArn: m.arn, name: m.name, type: m.type, creationDate: m.creationDate })), nextToken };
  }

  /**
   * DeleteStateMachine: `{ stateMachineArn }` → `{}`. Its running executions are stopped (Step Functions terminates
   * them at their next transition); deleting a machine that does not exist succeeds.
   * @throws ServiceError `InvalidArn`, `ValidationException` (a Distributed Map state's ARN, `...:<name>/<label>`).
   * @see https://docs.aws.amazon.com/step-functions/latest/apireference/API_DeleteStateMachine.html
   */
  deleteStateMachine(request: Request): Record<string, never> {
    const parts = parseStateMachineArn(this.scope, request.stateMachineArn);
    if (parts.name.includes("/")) throw new ServiceError("ValidationException", `A Distributed Map state's ARN cannot be deleted: ${String(request.stateMachineArn)}`);
    const arn = stateMachineArn(this.scope, parts.name);
    const machine = parts.local ? this.machines.get(arn) : undefined;
    if (machine) {
      this.machines.delete(arn);
      for (const record of this.executions.values()) {
        if (record.machine === machine && record.execution.status === "RUNNING") record.execution.stop("States.Runtime", "The state machine was deleted.");
      }
    }
    return {};
  }

  /**
   * StartExecution: `{ stateMachineArn, name?, input?, traceHeader? }` → `{ executionArn, startDate }`. The name
   * defaults to a UUID, the input to `{}`. A version or alias ARN starts the machine, recorded as the execution's
   * `stateMachineVersionArn` (numeric qualifier) or `stateMachineAliasArn`. Starting a Standard execution again with
   * the same name and input while it runs returns it.
   * @throws ServiceError `InvalidArn`, `StateMachineDoesNotExist`, `InvalidName`, `InvalidExecutionInput` (not
   *   JSON, or over 256 KiB), `ExecutionAlreadyExists` (the name reused with another input, or after it ended).
   * @see https://docs.aws.amazon.com/step-functions/latest/apireference/API_StartExecution.html
   */
  startExecution(request: Request): { executionArn: string; startDate: Date } {
    const record = this.start(request);
    return { executionArn: record.arn, startDate: record.startDate };
  }

  /**
   * StartSyncExecution: as StartExecution, for an Express machine, answering when the execution ends with
   * `{ executionArn, stateMachineArn, name, startDate, stopDate, status, input, output?, error?, cause?,
   * billingDetails }` (`billedDurationInMilliseconds` rounded up to 100 ms, `billedMemoryUsedInMB` 64).
   * @throws ServiceError as StartExecution, and `StateMachineTypeNotSupported` for a Standard machine.
   * @see https://docs.aws.amazon.com/step-functions/latest/apireference/API_StartSyncExecution.html
   */
  async startSyncExecution(request: Request): Promise<Record<string, unknown>> {
    const machine = this.machineOf(request.stateMachineArn);
    if (machine.type !== "EXPRESS") throw new ServiceError("StateMachineTypeNotSupported", `This operation is not supported by this type of state machine: ${machine.arn} is ${machine.type}.`);
    const record = this.start(request);
    const result = await record.execution.result;
    const billed = Math.max(100, Math.ceil((result.stopDate.getTime() - record.startDate.getTime()) / 100) * 100);
    return {
      executionArn: record.arn,
      stateMachineArn: machine.arn,
      name: record.name,
      startDate: record.startDate,
      stopDate: result.stopDate,
      status: result.status,
      input: record.input,
      inputDetails: { included: true },
      ...outcome(result),
      billingDetails: { billedMemoryUsedInMB: 64, billedDurationInMilliseconds: billed },
    };
  }

  /**
   * DescribeExecution: `{ executionArn }` → its status, dates, input, output or error and cause, and the alias or
   * version it was started through.
   * @throws ServiceError `InvalidArn` (malformed, or an Express execution's, which this API does not serve),
   *   `ExecutionDoesNotExist`.
   * @see https://docs.aws.amazon.com/step-functions/latest/apireference/API_DescribeExecution.html
   */
  describeExecution(request: Request): Record<string, unknown> {
    const record = this.standardExecutionOf(request.executionArn);
    const status = record.execution.status;
    return {
      executionArn: record.arn,
      stateMachineArn: record.machine.arn,
      name: record.name,
      status,
      startDate: record.startDate,
      stopDate: record.result?.stopDate,
      input: record.input,
      inputDetails: { included: true },
      ...(record.result ? outcome(record.result) : {}),
      stateMachineAliasArn: record.stateMachineAliasArn,
      stateMachineVersionArn: record.stateMachineVersionArn,
      redriveCount: 0,
      // The local endpoint serves no RedriveExecution: no execution is redrivable here.
      redriveStatus: "NOT_REDRIVABLE",
      redriveStatusReason: status === "RUNNING" || status === "SUCCEEDED" ? `Execution is ${status} and cannot be redriven` : "The local Step Functions endpoint does not redrive executions",
    };
  }

  /**
   * GetExecutionHistory: `{ executionArn, maxResults?, nextToken?, reverseOrder?, includeExecutionData? }` →
   * `{ events, nextToken? }`, oldest first unless `reverseOrder`; `includeExecutionData: false` leaves out every
   * input, output and parameters. Pages of `maxResults` (100 when 0 or absent, at most 1000).
   * @throws ServiceError `InvalidArn` (malformed, or an Express execution's: Express executions have no history
   *   through this API), `ExecutionDoesNotExist`, `InvalidToken` (a `nextToken` of another request).
   * @see https://docs.aws.amazon.com/step-functions/latest/apireference/API_GetExecutionHistory.html
   */
  getExecutionHistory(request: Request): Record<string, unknown> {
    const record = this.standardExecutionOf(request.executionArn);
    const events = record.execution.history().map((event) => historyEvent(event, request.includeExecutionData !== false));
    if (request.reverseOrder === true) events.reverse();
    const { items, nextToken } = page(events, request, `GetExecutionHistory:${record.arn}:${request.reverseOrder === true}`);
    return { events: items, nextToken };
  }

  /**
   * ListExecutions: `{ stateMachineArn, statusFilter?, maxResults?, nextToken? }` → `{ executions, nextToken? }`,
   * newest first. A version or alias ARN lists the executions started through it.
   * @throws ServiceError `InvalidArn`, `StateMachineDoesNotExist`, `StateMachineTypeNotSupported` (an Express
   *   machine), `ValidationException` (an unknown status), `InvalidToken`.
   * @see https://docs.aws.amazon.com/step-functions/latest/apireference/API_ListExecutions.html
   */
  listExecutions(request: Request): Record<string, unknown> {
    if (request.mapRunArn !== undefined && request.stateMachineArn === undefined) throw new ServiceError("ValidationException", "The local endpoint does not list Map Run executions.");
    const machine = this.machineOf(request.stateMachineArn);
    if (machine.type === "EXPRESS") throw new ServiceError("StateMachineTypeNotSupported", `This operation is not supported by this type of state machine: ${machine.arn} is EXPRESS.`);
    const filter = request.statusFilter;
    if (filter !== undefined && !["RUNNING", "SUCCEEDED", "FAILED", "TIMED_OUT", "ABORTED", "PENDING_REDRIVE"].includes(filter as string)) throw validation("statusFilter", filter);
    const qualified = request.stateMachineArn !== machine.arn ? (request.stateMachineArn as string) : undefined;
    const all = [...this.executions.values()]
      .filter((r) => r.machine === machine && (filter === undefined || r.execution.status === filter))
      .filter((r) => !qualified || r.stateMachineAliasArn === qualified || r.stateMachineVersionArn === qualified)
      .reverse()
      .sort((a, b) => b.startDate.getTime() - a.startDate.getTime());
    const { items, nextToken } = page(all, request, `ListExecutions:${String(request.stateMachineArn)}:${String(filter)}`);
    return {
      executions: items.map((r) => ({
        executionArn: r.arn,
        stateMachineArn: machine.arn,
        name: r.name,
        status: r.execution.status,
        startDate: r.startDate,
        stopDate: r.result?.stopDate,
        stateMachineAliasArn: r.stateMachineAliasArn,
        stateMachineVersionArn: r.stateMachineVersionArn,
        redriveCount: 0,
      })),
      nextToken,
    };
  }

  /**
   * StopExecution: `{ executionArn, error?, cause? }` → `{ stopDate }`: the execution ends ABORTED with that Error
   * and Cause. Stopping an execution that has ended returns when it ended.
   * @throws ServiceError `InvalidArn` (malformed, or an Express execution's), `ExecutionDoesNotExist`.
   * @see https://docs.aws.amazon.com/step-functions/latest/apireference/API_StopExecution.html
   */
  async stopExecution(request: Request): Promise<{ stopDate: Date }> {
    const record = this.standardExecutionOf(request.executionArn);
    if (request.error !== undefined && typeof request.error !== "string") throw validation("error", request.error);
    if (request.cause !== undefined && typeof request.cause !== "string") throw validation("cause", request.cause);
    if (record.execution.status === "RUNNING") record.execution.stop(request.error as string | undefined, request.cause as string | undefined);
    const ended = await Promise.race([record.execution.result, new Promise<undefined>((resolve) => setTimeout(() => resolve(undefined), 1000).unref())]);
    return { stopDate: ended?.stopDate ?? new Date() };
  }

  /**
   * SendTaskSuccess: `{ taskToken, output }` → `{}`: the waiting Task succeeds with the output.
   * @throws ServiceError `InvalidToken` (malformed or unknown), `TaskDoesNotExist` (answered already, or its
   *   execution ended), `TaskTimedOut`, `InvalidOutput` (not JSON, or over 256 KiB).
   * @see https://docs.aws.amazon.com/step-functions/latest/apireference/API_SendTaskSuccess.html
   */
  sendTaskSuccess(request: Request): Record<string, never> {
    const record = this.tokenOwner(request.taskToken);
    if (typeof request.output !== "string") throw validation("output", request.output);
    if (Buffer.byteLength(request.output, "utf8") > MAX_PAYLOAD_BYTES) throw new ServiceError("InvalidOutput", `Invalid Output: the output is over ${MAX_PAYLOAD_BYTES} bytes.`);
    let output: Json;
    try {
      output = JSON.parse(request.output) as Json;
    } catch (error) {
      throw new ServiceError("InvalidOutput", `Invalid Output: '${request.output}' is not JSON: ${(error as Error).message}`);
    }
    return answer(() => record.execution.sendTaskSuccess(request.taskToken as string, output));
  }

  /**
   * SendTaskFailure: `{ taskToken, error?, cause? }` → `{}`: the waiting Task fails with that Error and Cause.
   * @throws ServiceError `InvalidToken`, `TaskDoesNotExist`, `TaskTimedOut`.
   * @see https://docs.aws.amazon.com/step-functions/latest/apireference/API_SendTaskFailure.html
   */
  sendTaskFailure(request: Request): Record<string, never> {
    const record = this.tokenOwner(request.taskToken);
    return answer(() => record.execution.sendTaskFailure(request.taskToken as string, request.error as string | undefined, request.cause as string | undefined));
  }

  /**
   * SendTaskHeartbeat: `{ taskToken }` → `{}`: the waiting Task's heartbeat timer starts again.
   * @throws ServiceError `InvalidToken`, `TaskDoesNotExist`, `TaskTimedOut`.
   * @see https://docs.aws.amazon.com/step-functions/latest/apireference/API_SendTaskHeartbeat.html
   */
  sendTaskHeartbeat(request: Request): Record<string, never> {
    const record = this.tokenOwner(request.taskToken);
    return answer(() => record.execution.sendTaskHeartbeat(request.taskToken as string));
  }

  /**
   * TestState: runs one State on the engine ({@link runTestState}).
   * @throws ServiceError `InvalidDefinition`, `InvalidExecutionInput`, `ValidationException`, `InvalidArn`.
   * @see https://docs.aws.amazon.com/step-functions/latest/apireference/API_TestState.html
   */
  async testState(request: Request): Promise<Record<string, unknown>> {
    const roleArn = request.roleArn;
    if (roleArn !== undefined && (typeof roleArn !== "string" || !/^arn:[a-z-]+:iam::\d{12}:role\/.+$/.test(roleArn))) {
      throw new ServiceError("InvalidArn", `Invalid Arn: 'Resource type not valid in this context: ${String(roleArn)}'`);
    }
    const identity: MachineIdentity = { name: "TestState", arn: stateMachineArn(this.scope, "TestState"), type: "STANDARD", roleArn: (roleArn as string | undefined) ?? "" };
    const extra = this.options.executionOptions?.(identity) ?? {};
    return runTestState(request as TestStateRequest, {
      engine: this.engine,
      scope: this.scope,
      roleArn: roleArn as string | undefined,
      options: { ...extra, clock: extra.clock ?? this.options.clock ?? "real" },
    });
  }

  /** Stops every running execution (when the endpoint stops). */
  stopAll(): void {
    for (const record of this.executions.values()) {
      if (record.execution.status === "RUNNING") record.execution.stop("States.Runtime", "The local Step Functions endpoint stopped.");
    }
  }

  /** Starts an execution for StartExecution and StartSyncExecution. */
  private start(request: Request): ExecutionRecord {
    const parts = parseStateMachineArn(this.scope, request.stateMachineArn);
    const machine = this.machineOf(request.stateMachineArn);
    const name = request.name === undefined ? randomUUID() : request.name;
    checkName("execution", name);
    const input = request.input === undefined ? "{}" : request.input;
    if (typeof input !== "string") throw new ServiceError("InvalidExecutionInput", `Invalid State Machine Execution Input: the input must be a JSON string. Received: ${JSON.stringify(input)}`);
    if (Buffer.byteLength(input, "utf8") > MAX_PAYLOAD_BYTES) throw new ServiceError("InvalidExecutionInput", `Invalid State Machine Execution Input: the input is over ${MAX_PAYLOAD_BYTES} bytes.`);
    let parsedInput: Json;
    try {
      parsedInput = JSON.parse(input) as Json;
    } catch (error) {
      throw new ServiceError("InvalidExecutionInput", `Invalid State Machine Execution Input: '${(error as Error).message}'. Received: ${input}`);
    }
    const arn = executionArn(this.scope, machine.type, machine.name, name, randomUUID());
    const existing = this.executions.get(arn);
    if (existing) {
      if (existing.input === input && existing.execution.status === "RUNNING") return existing;
      throw new ServiceError("ExecutionAlreadyExists", `Execution Already Exists: '${arn}'`);
    }
    const qualifier = parts.qualifier;
    const qualifiedArn = qualifier === undefined ? undefined : `${machine.arn}:${qualifier}`;
    const aliasArn = qualifier !== undefined && !/^\d+$/.test(qualifier) ? qualifiedArn : undefined;
    const versionArn = qualifier !== undefined && /^\d+$/.test(qualifier) ? qualifiedArn : undefined;
    const extra = this.options.executionOptions?.({ name: machine.name, arn: machine.arn, type: machine.type, roleArn: machine.roleArn }) ?? {};
    // The record exists before the engine runs, so that a token issued at once finds its execution.
    const record = { arn, name, machine, input, stateMachineAliasArn: aliasArn, stateMachineVersionArn: versionArn } as ExecutionRecord;
    const options: ExecutionOptions = {
      ...extra,
      clock: extra.clock ?? this.options.clock ?? "real",
      context: {
        ...extra.context,
        executionArn: arn,
        name,
        stateMachineArn: machine.arn,
        stateMachineName: machine.name,
        roleArn: machine.roleArn,
        stateMachineAliasArn: aliasArn,
        stateMachineVersionArn: versionArn,
        type: machine.type,
        region: this.scope.region,
        account: this.scope.account,
        partition: this.scope.partition,
      },
      // Tokens are registered as issued: a Task handler may hand its token out before the engine reports it waiting.
      newTaskToken: () => {
        const token = extra.newTaskToken?.() ?? randomBytes(96).toString("base64url");
        this.tokens.set(token, record);
        return token;
      },
      onTaskToken: (token, taskRequest) => {
        this.tokens.set(token, record);
        extra.onTaskToken?.(token, taskRequest);
      },
    };
    record.execution = this.engine(machine.parsed, parsedInput, options);
    record.startDate = record.execution.startDate;
    this.executions.set(arn, record);
    void record.execution.result.then((result) => {
      record.result = result;
    });
    return record;
  }

  /** The machine a (possibly qualified) state machine ARN names. */
  private machineOf(arn: unknown): Machine {
    const parts = parseStateMachineArn(this.scope, arn);
    const machine = parts.local ? this.machines.get(stateMachineArn(this.scope, parts.name)) : undefined;
    if (!machine) throw new ServiceError("StateMachineDoesNotExist", `State Machine Does Not Exist: '${String(arn)}'`);
    return machine;
  }

  /** The Standard execution an ARN names: Express executions are not served by Describe/History/Stop. */
  private standardExecutionOf(arn: unknown): ExecutionRecord {
    const parts = parseExecutionArn(this.scope, arn);
    if (parts.kind === "express") throw new ServiceError("InvalidArn", `Invalid Arn: 'Resource type not valid in this context: express' (${String(arn)}): this API does not serve Express executions.`);
    const record = parts.local ? this.executions.get(arn as string) : undefined;
    if (!record) throw new ServiceError("ExecutionDoesNotExist", `Execution Does Not Exist: '${String(arn)}'`);
    return record;
  }

  /** The execution that issued a task token: one of the registry's, or one the `tokenOwner` option finds. */
  private tokenOwner(token: unknown): Pick<ExecutionRecord, "execution"> {
    if (typeof token !== "string" || token.length < 1 || token.length > 2048) throw new ServiceError("InvalidToken", `Invalid Token: '${String(token)}'`);
    const record = this.tokens.get(token);
    if (record) return record;
    const execution = this.options.tokenOwner?.(token);
    if (execution) return { execution: execution as Execution };
    throw new ServiceError("InvalidToken", `Invalid Token: '${token}' was not issued by any execution of this endpoint.`);
  }
}

/** A `ValidationException` for a missing or ill-typed field, in Step Functions' words. */
function validation(field: string, value: unknown): ServiceError {
  return new ServiceError("ValidationException", `1 validation error detected: Value ${JSON.stringify(value) ?? "null"} at '${field}' failed to satisfy constraint`);
}

/**
 * Parses and checks a definition as CreateStateMachine does.
 * @throws ServiceError `InvalidDefinition`: not JSON, no `StartAt`/`States`, or the ASL problems asl-validator finds.
 */
export function parseDefinition(text: string): StateMachineDefinition {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new ServiceError("InvalidDefinition", `Invalid State Machine Definition: 'INVALID_JSON_DESCRIPTION: ${(error as Error).message}'`);
  }
  if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) throw new ServiceError("InvalidDefinition", "Invalid State Machine Definition: 'SCHEMA_VALIDATION_FAILED: the definition must be a JSON object'");
  const definition = parsed as Partial<StateMachineDefinition>;
  if (typeof definition.StartAt !== "string") throw new ServiceError("InvalidDefinition", "Invalid State Machine Definition: 'SCHEMA_VALIDATION_FAILED: The field \"StartAt\" is required at /'");
  if (typeof definition.States !== "object" || definition.States === null || Array.isArray(definition.States)) {
    throw new ServiceError("InvalidDefinition", "Invalid State Machine Definition: 'SCHEMA_VALIDATION_FAILED: The field \"States\" is required at /'");
  }
  if (!(definition.StartAt in definition.States)) throw new ServiceError("InvalidDefinition", `Invalid State Machine Definition: 'MISSING_TRANSITION_TARGET: Missing 'Next' target: ${definition.StartAt} at /StartAt'`);
  const problems = validateAsl(definition as unknown as AslStateMachine);
  if (problems.length > 0) {
    const list = problems.map((p) => `${p.code}: ${p.state ? `State "${p.state}"${p.field ? `, field "${p.field}"` : ""}: ` : ""}${p.message}`).join("; ");
    throw new ServiceError("InvalidDefinition", `Invalid State Machine Definition: '${list}'`);
  }
  return definition as StateMachineDefinition;
}

/** The output, or the error and cause, of an ended execution, as Describe/StartSync answer them. */
function outcome(result: ExecutionResult): Record<string, unknown> {
  if (result.status === "SUCCEEDED") return { output: JSON.stringify(result.output ?? null), outputDetails: { included: true } };
  return { error: result.error, cause: result.cause };
}

/** Runs a SendTask* call, turning the engine's `TaskTokenError` into the API error of the same name. */
function answer(send: () => void): Record<string, never> {
  try {
    send();
  } catch (error) {
    const name = (error as Error).name;
    if (name === "InvalidToken" || name === "TaskDoesNotExist" || name === "TaskTimedOut") throw new ServiceError(name, (error as Error).message);
    throw error;
  }
  return {};
}

/** Input, output and parameters fields of the history's event details, left out without `includeExecutionData`. */
const DATA_FIELDS = new Set(["input", "output", "parameters"]);

/** An engine event as GetExecutionHistory returns it. */
function historyEvent(event: HistoryEvent, includeData: boolean): Record<string, unknown> {
  if (includeData) return { ...event };
  const copy: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(event)) {
    copy[key] =
      key.endsWith("EventDetails") && value && typeof value === "object" ? Object.fromEntries(Object.entries(value as Record<string, unknown>).filter(([field]) => !DATA_FIELDS.has(field))) : value;
  }
  return copy;
}

/**
 * One page of a list: `maxResults` items (100 when 0 or absent, at most 1000) from `nextToken`'s offset.
 * @param key what the token is for (operation and arguments): a token of another request is refused.
 * @throws ServiceError `InvalidToken` for a token of another request or not of this endpoint;
 *   `ValidationException` for a bad `maxResults`.
 */
function page<T>(all: T[], request: Request, key: string): { items: T[]; nextToken?: string } {
  const max = request.maxResults ?? 0;
  if (typeof max !== "number" || !Number.isInteger(max) || max < 0 || max > MAX_PAGE) throw validation("maxResults", max);
  const size = max === 0 ? DEFAULT_PAGE : max;
  let offset = 0;
  if (request.nextToken !== undefined) {
    let decoded: { k?: unknown; o?: unknown } | undefined;
    try {
      decoded = JSON.parse(Buffer.from(String(request.nextToken), "base64url").toString("utf8")) as { k?: unknown; o?: unknown };
    } catch {
      decoded = undefined;
    }
    if (!decoded || decoded.k !== key || typeof decoded.o !== "number") throw new ServiceError("InvalidToken", `Invalid Token: '${String(request.nextToken)}' is not a page token of this request.`);
    offset = decoded.o;
  }
  const items = all.slice(offset, offset + size);
  const next = offset + size < all.length ? Buffer.from(JSON.stringify({ k: key, o: offset + size }), "utf8").toString("base64url") : undefined;
  return { items, nextToken: next };
}
