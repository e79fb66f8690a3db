import { randomUUID } from "node:crypto";
import { GetSecretValueCommand } from "@aws-sdk/client-secrets-manager";
import { SFNClient } from "@aws-sdk/client-sfn";
import { PublishCommand } from "@aws-sdk/client-sns";
import { STATES_ERRORS, StatesError, type Clock, type ExecutionOptions, type ExecutionResult, type HistoryEvent, type ItemReaderHandler, RealClock, type ResultWriterHandler, startExecution, type StateMachineDefinition, type TaskHandler, VirtualClock } from "../engine";
import type { AslStateMachine, Json } from "../infra/definition/asl";
import { buildArn, executionArn, unqualifiedStateMachineArn } from "../infra/iam/arn";
import { producerStackOf, readStackFile, type StackConfig } from "../infra/config";
import { type HandlerName, SECRETS, type SecretName, TABLES, type TableSpec, WORKFLOWS, type WorkflowName, stackContents } from "../infra/manifest";
import { Naming, executionRoleName } from "../infra/naming";
import { renderWorkflow } from "../infra/render";
import { type SharedWorkflows, resolveSharedWorkflows, sharedWorkflowsOf } from "../infra/sharing";
import type { AssumedRole, ExecutionReport, LocalServices, LocalStartRequest, LocalStateMachines } from "./execution-types";
import { type ApprovalDecision, approverResponder, LocalStepFunctionsClient, type TaskTokenResponder, TaskTokenRegistry, TaskTokens } from "./approvals";
import { Authorizer, type Decision, type IamCall } from "./authz/authorizer";
import { authorizedClient, dynamodbAuthorization, operationOf, s3Authorization, sdkError, type SendsCommands } from "./authz/clients";
import type { StackPlan } from "./authz/plan-index";
import { executionStartCalls, withServiceKeyCalls } from "./authz/service-calls";
import { StepFunctionsEndpoint } from "./endpoint/server";
import { s3ItemReader, s3ResultWriter } from "./services/s3-items";
import { type LocalS3, startLocalS3 } from "./services/s3-server";
import { LocalHttpApi, routesOf } from "./services/http-api";
import { LocalSecrets } from "./services/secrets";
import { LocalSns } from "./services/sns";
import { LocalSqs, plannedQueues } from "./services/sqs";
import { LocalQueueConsumers, plannedQueueMappings } from "./services/event-sources";
import { type LocalBackup, LocalBackupService } from "./services/backups";
import { LocalDynamoDb } from "./services/dynamodb";
import { LocalRunError, TaskFailure } from "./errors";
import { localTaskHandler } from "./integrations";
import { type Invocation, type LocalClients, LocalLambda } from "./services/lambda";
import { type CapturedNotification, NotificationLog } from "./services/notifications";
import { type CatchRecord, type PathStep, readHistory, type RetryRecord, type TokenAnswer, type WaitRecord } from "./history-report";

/**
 * Runs workflows locally on our own ASL engine (`engine/`: both query languages, variables, Retry, Catch,
 * Parallel, Map, intrinsic functions, a virtual clock), with each definition rendered for a stack exactly as it is
 * deployed and every Task served by the local integration table (`local/integrations.ts`). The report is read from
 * the execution's GetExecutionHistory events.
 */

export type { AssumedRole, ExecutionReport, ExecutionStatus } from "./execution-types";

/** The Pulumi project name physical names start with. */
export const PROJECT_NAME = "statecraft";

/** Options for one run of a definition. */
export interface DefinitionRunOptions {
  /** The execution input. */
  input: Json;
  /** The state machine's physical name. @default "local" */
  stateMachine?: string;
  /** @default "STANDARD" */
  type?: "STANDARD" | "EXPRESS";
  /** The execution's name. @default `local-<uuid>` */
  executionName?: string;
  /** Decides `.waitForTaskToken` approval requests through the approval-callback handler. */
  approver?: ApprovalDecision;
  /** Answers `.waitForTaskToken` Tasks in any other way; takes precedence over `approver`. */
  responder?: TaskTokenResponder;
  /** The execution's clock. @default a new virtual clock (Waits, retries and timeouts take no real time) */
  clock?: Clock;
  /** Faults injected into the functions' AWS calls, to show how the workflow copes. @default none */
  faults?: LocalFaults;
  /** For a child execution (`states:startExecution.sync`): the parent's clock, which the child runs on. */
  parentClock?: Clock;
  /**
   * For a child execution: the calling Task's `idle` (the engine's `TaskRequest.idle`), wrapped around the wait for
   * the child's result, so the shared clock jumps for the child's Waits as it would for the parent's own.
   */
  idle?: <T>(work: Promise<T>) => Promise<T>;
  /** Told when the execution has started (its ARN and start date), before it runs. */
  onStarted?: (started: { executionArn: string; startDate: Date }) => void;
  /**
   * The role the execution runs with. @default the role of `stateMachine` in the stack's plan. `null` runs an
   * ad-hoc definition (one the stack does not deploy) with no authorization at all: only for tests of the
   * integrations' semantics.
   */
  executionRoleArn?: string | null;
}

/** Faults a run injects into the local services its functions call. */
export interface LocalFaults {
  /**
   * Per function, how many of its first DynamoDB writes (UpdateItem, PutItem, DeleteItem) fail with
   * `ThrottlingException`, as DynamoDB throttles a hot partition (after authorization; nothing is written).
   */
  throttledWrites?: Partial<Record<HandlerName, number>>;
}

/** Options for one run of a workflow of the stack. */
export interface WorkflowRunOptions extends Omit<DefinitionRunOptions, "stateMachine" | "type"> {
  /** The stack's `statecraft:backupTables` for this run. @default the stack file's */
  backupTables?: string[];
}

/** Options for {@link LocalStack.start}. */
export interface LocalStackOptions {
  /**
   * The stack whose `Pulumi.<stack>.yaml` gives the Region, account, workflows and backup tables. A stack with
   * `statecraft:producerStack` also starts that stack (the last part of its name, from the same directory), whose
   * shared workflows it calls. @default "dev"
   */
  stack?: string;
  /** The directory holding the stack file. @default the project root */
  root?: string;
  /**
   * The offline plan of a stack (`offline/plan.ts` `runPlan`, or any plan of the same shape): the policies every
   * call is authorized against. Called for this stack and, for a consumer, for its producer.
   */
  plans: (stack: string) => Promise<StackPlan>;
  /** The local Step Functions endpoint's port on 127.0.0.1. @default 0 (any free port) */
  endpointPort?: number;
  /**
   * The clock of the executions the endpoint starts: `real` (a Wait of 5 s takes 5 s, as a client polling the
   * endpoint expects) or `virtual` (one clock shared by them all; for tests). @default "real"
   */
  endpointClock?: "real" | "virtual";
  /** Shared by a consumer and its producer: set by {@link LocalStack.start} itself. */
  authorizer?: Authorizer;
}

/**
 * A stack's local resources: its naming and configuration, a dynalite database holding its tables and, for a
 * stack calling workflows another stack shares, that producer stack (its own account, naming and database).
 */
export class LocalStack implements LocalStateMachines {
  private constructor(
    /** The stack's name, e.g. `dev`. */
    readonly stack: string,
    readonly config: StackConfig,
    readonly naming: Naming,
    readonly dynamodb: LocalDynamoDb,
    /** The producer stack, when this stack calls its shared workflows. */
    readonly producer: LocalStack | undefined,
    /** What the producer shares that this stack's workflows call, checked as the program checks its StackReference. */
    readonly shared: SharedWorkflows,
    /** Authorizes every call against the plans of this stack (and its producer). */
    readonly authorizer: Authorizer,
    /** The stack's secrets, with local random values. */
    private readonly secrets: LocalSecrets,
  ) {
    this.backupService = new LocalBackupService(dynamodb, naming);
    this.sqs = new LocalSqs({ queues: plannedQueues(authorizer.index.plans.get(stack) ?? []) });
    this.queueConsumers = new LocalQueueConsumers(plannedQueueMappings(authorizer.index.plans.get(stack) ?? []), this.sqs, authorizer);
  }

  /** The functions polling the stack's queues (the plan's SQS event source mappings), as Lambda polls them. */
  readonly queueConsumers: LocalQueueConsumers;

  /**
   * The stack's SQS (an in-memory stand-in, on real time): the plan's `aws:sqs/queue:Queue` resources at their
   * planned URLs and ARNs, which `sqs:sendMessage` Tasks send to and workers receive from.
   */
  readonly sqs: LocalSqs;

  /**
   * The Step Functions API on 127.0.0.1 for this stack: its workflows as state machines (as they deploy), executions
   * started through it served by the stack's local services, and the task tokens of every local execution answered
   * through it, so the approval-callback handler's real `SFNClient` talks to it.
   */
  endpoint?: StepFunctionsEndpoint;
  /** A local S3 (s3rver), started the first time a Distributed Map reads or writes S3. */
  private s3?: Promise<LocalS3>;
  /** The stack's HTTP APIs on 127.0.0.1, when its plan has routes. */
  httpApi?: LocalHttpApi;
  /** The functions HTTP requests invoke; replaced by cold ones when an execution starts. */
  private httpLambda?: LocalLambda;
  /** Which execution issued each task token, for the task-token API the HTTP handlers call. */
  readonly taskTokens = new TaskTokenRegistry();
  /** CreateBackup answered for the stack's handlers. */
  private readonly backupService: LocalBackupService;

  /**
   * Reads the stack file and starts the local database with the stack's tables, seeded; for a stack with
   * `statecraft:producerStack`, starts the producer stack too and checks what it shares, as the program checks
   * the producer's `sharedWorkflows` (the local answer is the one the producer's configuration gives).
   * @param options which stack.
   * @returns the running stack; call {@link stop} when done.
   * @throws StackConfigError for a bad stack file or a producer that does not share what is needed; the SDK's
   *   error when the tables cannot be created.
   */
  static async start(options: LocalStackOptions): Promise<LocalStack> {
    const stack = options.stack ?? "dev";
    const { config } = readStackFile(stack, options.root);
    const naming = new Naming(PROJECT_NAME, stack, { partition: config.partition, region: config.region, account: config.accountId });
    const contents = stackContents(config.workflows, config.backupTables);
    const producerName = config.producerStack ? producerStackOf(config)!.stack : undefined;
    const authorizer = options.authorizer ?? new Authorizer(await Promise.all([stack, ...(producerName ? [producerName] : [])].map((name) => options.plans(name))));
    let producer: LocalStack | undefined;
    let shared: SharedWorkflows = {};
    if (producerName) {
      producer = await LocalStack.start({ stack: producerName, root: options.root, plans: options.plans, authorizer });
      try {
        shared = resolveSharedWorkflows(stack, config, sharedWorkflowsOf(producer.config, producer.naming), contents.sharedWorkflows);
      } catch (error) {
        await producer.stop();
        throw error;
      }
    }
    const tables = Object.fromEntries(contents.tables.map((table) => [table, TABLES[table] as TableSpec]));
    const resources = authorizer.index.plans.get(stack) ?? [];
    const lengthOf = (name: unknown) => {
      const secret = (Object.keys(SECRETS) as SecretName[]).find((logical) => naming.physical(logical) === name);
      return secret ? SECRETS[secret].length : 64;
    };
    const secrets = new LocalSecrets(Object.fromEntries(resources.filter((r) => r.type === "aws:secretsmanager/secret:Secret").map((r) => [String(r.outputs?.arn), lengthOf(r.inputs.name)])));
    let local: LocalStack | undefined;
    try {
      local = new LocalStack(stack, config, naming, await LocalDynamoDb.start(naming, { tables }), producer, shared, authorizer, secrets);
      await local.startEndpoint(options.endpointPort ?? 0, options.endpointClock === "virtual" ? new VirtualClock() : new RealClock());
      const routes = routesOf(resources);
      if (routes.length > 0) {
        // Stack-wide: a request answers whichever execution issued the token.
        local.httpLambda = local.coldFunctions();
        local.httpApi = await LocalHttpApi.start(routes, (arn, event) => local!.invokeByArn(local!.httpLambda!, arn, event), authorizer, config.accountId);
      }
      return local;
    } catch (error) {
      await local?.stop();
      await producer?.stop();
      throw error;
    }
  }

  /** Rendered workflows, by workflow and backup tables: a definition file is read and checked once per stack. */
  private readonly renders = new Map<string, ReturnType<typeof renderWorkflow>>();

  /** A workflow rendered for this stack as `pulumi up` renders it (`renderWorkflow`), once per set of backup tables. */
  private rendered(workflow: WorkflowName, backupTables: string[]): ReturnType<typeof renderWorkflow> {
    const key = `${workflow}\u0000${backupTables.join("\u0000")}`;
    let render = this.renders.get(key);
    if (!render) {
      render = renderWorkflow(workflow, this.naming, backupTables, this.shared);
      this.renders.set(key, render);
    }
    return render;
  }

  /** Starts {@link endpoint} with the stack's rendered workflows. */
  private async startEndpoint(port: number, clock: Clock): Promise<void> {
    const definitions = new Map<string, AslStateMachine>();
    const stateMachines = this.config.workflows.map((workflow) => {
      const { definition } = this.rendered(workflow, this.config.backupTables);
      const arn = this.naming.stateMachineArn(workflow);
      definitions.set(arn, definition);
      const roleArn = this.authorizer.index.stateMachines.get(arn)?.roleArn ?? buildArn(this.naming.context, "iam", `role/${executionRoleName(this.naming.physical(workflow))}`, "global");
      return { name: this.naming.physical(workflow), definition, roleArn, type: WORKFLOWS[workflow].type };
    });
    this.endpoint = await StepFunctionsEndpoint.start({
      port,
      partition: this.config.partition,
      region: this.config.region,
      account: this.config.accountId,
      stateMachines,
      clock,
      executionOptions: (machine) => {
        const definition = definitions.get(machine.arn);
        return definition ? this.engineOptionsFor(machine, definition, clock) : { clock };
      },
      tokenOwner: (token) => this.taskTokens.executionOf(token),
    });
  }

  /**
   * The clients and environment of one of the stack's functions, run locally: each AWS client serves through a
   * local service (dynalite, the execution's notification log, the stack's secrets, its task tokens) and authorizes
   * every command as the function's role from the plan; the environment is the plan's, with every HTTP API
   * endpoint replaced by the local server's URL.
   * @throws LocalRunError when the plan registers no such function.
   */
  clientsFor(name: HandlerName, notifications: NotificationLog, faults: LocalFaults = {}): LocalClients {
    const planned = this.authorizer.index.functionFor(this.naming.functionArn(name));
    if (!planned) throw new LocalRunError(`the ${this.stack} stack's plan registers no function ${this.naming.physical(name)}.`);
    const role = planned.roleArn;
    const endpoints = new Set(this.authorizer.index.ofType("aws:apigatewayv2/api:Api").map((api) => String(api.outputs?.apiEndpoint)));
    const environment = Object.fromEntries(Object.entries(planned.environment).map(([key, value]) => [key, endpoints.has(value) && this.httpApi ? this.httpApi.url : value]));
    const denied = { call: "AccessDeniedException", kms: "AccessDeniedException" };
    const throttles = faults.throttledWrites?.[name] ?? 0;
    const dynamodb = authorizedClient(throttles > 0 ? throttledWrites(this.dynamodb.client, throttles) : this.dynamodb.client, this.authorizer, role, dynamodbAuthorization(role, this.config.region), denied);
    const stepFunctions = authorizedClient(
      this.endpoint ? new SFNClient({ ...this.endpoint.clientConfig(), maxAttempts: 1 }) : new LocalStepFunctionsClient(this.taskTokens),
      this.authorizer,
      role,
      (command) => ({ action: `states:${operationOf(command)}`, resource: "*" }),
      denied,
    );
    return {
      environment,
      s3: this.s3ClientFor(role),
      backups: authorizedClient(this.backupService, this.authorizer, role, dynamodbAuthorization(role, this.config.region), denied),
      approvals: {
        dynamodb,
        sns: authorizedClient(new LocalSns(notifications, name), this.authorizer, role, (command) => (command instanceof PublishCommand ? { action: "sns:Publish", resource: command.input.TopicArn ?? "" } : undefined), { call: "AuthorizationErrorException", kms: "KMSAccessDeniedException" }),
        secrets: authorizedClient(this.secrets, this.authorizer, role, (command) => (command instanceof GetSecretValueCommand ? { action: "secretsmanager:GetSecretValue", resource: command.input.SecretId ?? "" } : undefined), denied),
        stepFunctions,
      },
      payments: { dynamodb, stepFunctions },
    };
  }

  /**
   * An S3 client of the stack's local S3 whose every command is authorized as `principal` from the plan (with the
   * bucket key's use through S3), rejecting a denial with S3's `AccessDenied` or KMS's error. The server starts on
   * the first command: most runs never touch S3.
   */
  s3ClientFor(principal: string): SendsCommands {
    return authorizedClient({ send: async (command: never) => (await this.localS3()).s3.send(command) }, this.authorizer, principal, s3Authorization(this.naming.context.partition), { call: "AccessDenied", kms: "KMS.AccessDeniedException" });
  }

  /** Functions for HTTP requests, cold: no handler keeps what an earlier run cached (a secret, a client). */
  private coldFunctions(): LocalLambda {
    return new LocalLambda(this.naming, (name) => this.clientsFor(name, new NotificationLog(this.naming)), this.authorizer);
  }

  /** Invokes one of the stack's functions by ARN (for the HTTP API). */
  private async invokeByArn(lambda: LocalLambda, arn: string, event: Json): Promise<Json> {
    const name = lambda.functionFor(arn);
    if (!name) throw new LocalRunError(`no local function ${arn}`);
    return lambda.invoke(name, event);
  }

  /**
   * Runs one of the stack's workflows, rendered for this stack as it is deployed (`renderWorkflow`, with the
   * producer's shared workflows for one that calls them).
   * @param workflow the workflow's name in the manifest; the stack must deploy it (`statecraft:workflows`).
   * @param options input, approver, backup tables, local timings.
   * @returns the execution report; a failed execution is a report with status FAILED, not a throw.
   * @throws LocalRunError when the stack does not deploy the workflow; DefinitionError when the definition does
   *   not render; LocalRunError as {@link runDefinition}.
   */
  async runWorkflow(workflow: WorkflowName, options: WorkflowRunOptions): Promise<ExecutionReport> {
    if (!this.config.workflows.includes(workflow)) {
      throw new LocalRunError(`the ${this.stack} stack does not deploy ${workflow} (statecraft:workflows: ${this.config.workflows.join(", ")}).`);
    }
    const { definition } = this.rendered(workflow, options.backupTables ?? this.config.backupTables);
    return this.runDefinition(definition, { ...options, stateMachine: this.naming.physical(workflow), type: WORKFLOWS[workflow].type });
  }

  /**
   * Runs a state machine to completion for a `states:startExecution.sync[:2]` Task: one of this stack's
   * workflows, or a workflow the producer stack shares. Starting another account's machine needs the Task's
   * `Credentials.RoleArn`, which must be the producer's invoker role for this stack: its trust admits the caller's
   * account root, and the calling execution role must be among its `aws:PrincipalArn` roles (a consumer admitted
   * by organization alone: the account is enough, `aws:PrincipalOrgID` is not checked locally); its policy must allow
   * `states:StartExecution` on the machine and `states:DescribeExecution` on its executions, as in AWS.
   * The external id is a secret the local run does not know: it is not checked (Step Functions passes the
   * calling state machine's ARN).
   *
   * @param request see {@link LocalStartRequest}.
   * @returns the child's report, its assumed role recorded.
   * @throws LocalRunError naming the State for a machine no local stack runs, a missing or wrong role, or a trust
   *   or permission that does not allow the call.
   */
  async startExecution(request: LocalStartRequest): Promise<ExecutionReport> {
    const { state, roleArn, caller } = request;
    // An alias or version ARN (`…:stateMachine:<name>:<qualifier>`) starts the machine's current definition locally
    // (one version exists); Step Functions authorizes it against the unqualified ARN, with the qualifier as
    // `states:StateMachineQualifier`.
    const { stateMachineArn, qualifier } = unqualifiedStateMachineArn(request.stateMachineArn);
    const own = this.config.workflows.find((workflow) => this.naming.stateMachineArn(workflow) === stateMachineArn);
    const options = { input: request.input, approver: request.approver, executionName: request.name, parentClock: request.clock, onStarted: request.onStarted, idle: request.idle };
    const stateMachineCalls = (principal: string): IamCall[] => [
      { principal, action: "states:StartExecution", resource: stateMachineArn, ...(qualifier ? { context: { "states:StateMachineQualifier": [qualifier] } } : {}) },
      ...withServiceKeyCalls(this.authorizer.index, { principal, action: "states:DescribeExecution", resource: executionArn(stateMachineArn, request.name ?? "local") }),
    ];
    if (own) {
      await this.requireForTask(stateMachineCalls(caller.executionRoleArn));
      return this.runWorkflow(own, options);
    }
    const producer = this.producer;
    const sharedWorkflow = producer?.config.workflows.find((workflow) => producer.naming.stateMachineArn(workflow) === stateMachineArn);
    if (!producer || !sharedWorkflow) {
      throw new LocalRunError(`no local stack runs ${stateMachineArn}: the ${this.stack} stack runs ${this.config.workflows.join(", ")}${producer ? `, its producer ${producer.stack} ${producer.config.workflows.join(", ")}` : ""}.`, state);
    }
    if (!roleArn) {
      throw new LocalRunError(`${stateMachineArn} is in account ${producer.config.accountId}: Step Functions has no resource-based policy on state machines, so the Task needs Credentials.RoleArn, the producer's invoker role.`, state);
    }
    const assumed = await this.requireForTask([{ principal: caller.executionRoleArn, action: "sts:AssumeRole", resource: roleArn, context: { "sts:ExternalId": caller.stateMachineArn } }]);
    const checks = [...assumed, ...(await this.requireForTask(stateMachineCalls(roleArn)))];
    const unchecked = this.authorizer.index.role(roleArn)?.uncheckedSecrets ?? [];
    if (unchecked.length > 0) checks.push(`trust: ${unchecked.join(", ")} not checked locally (a secret the offline plan knows only as a stand-in; Step Functions passes the calling state machine's ARN ${caller.stateMachineArn})`);
    const report = await producer.runWorkflow(sharedWorkflow, options);
    report.assumedRoles.unshift({ state, roleArn, by: caller.executionRoleArn, checks });
    return report;
  }

  /**
   * Authorizes a Task's calls on Step Functions (and STS) and describes each allowed one for the report.
   * @returns one line per call allowed: action, resource, principal and the policies that allowed it.
   * @throws TaskFailure as the Task surfaces a denial: `States.TaskFailed` for `sts:AssumeRole`,
   *   `StepFunctions.KmsAccessDeniedException` for a KMS call, `StepFunctions.AWSStepFunctionsException` otherwise.
   */
  private async requireForTask(calls: IamCall[]): Promise<string[]> {
    const lines: string[] = [];
    for (const call of calls) {
      const decision = await this.authorizer.authorize(call);
      if (!decision.allowed) {
        const error = call.action === "sts:AssumeRole" ? "States.TaskFailed" : call.action.startsWith("kms:") ? "StepFunctions.KmsAccessDeniedException" : "StepFunctions.AWSStepFunctionsException";
        throw new TaskFailure(error, `${decision.message} (Service: ${call.action.split(":")[0] === "sts" ? "AWSSecurityTokenService" : "AWSStepFunctions"}; Status Code: 400; Error Code: AccessDeniedException)`);
      }
      lines.push(`${call.action === "sts:AssumeRole" ? "trust" : "policy"}: allows ${call.action} on ${call.resource} to ${call.principal} (${(decision.grants ?? []).join(", ")})`);
    }
    return lines;
  }

  /**
   * Runs any definition against this stack's local services.
   * @param definition a substituted definition.
   * @param options input, approver or responder, local timings.
   * @returns the execution report.
   * @throws LocalRunError naming the State for a Task with no local integration (before anything runs), or for a
   *   problem of the local run (e.g. a task token nobody can answer), which stops the execution.
   */
  async runDefinition(definition: AslStateMachine, options: DefinitionRunOptions): Promise<ExecutionReport> {
    const started = Date.now();
    const firstDecision = this.authorizer.decisions.length;
    // Every execution starts with cold functions, so a run depends only on the policies it is authorized against.
    if (this.httpLambda) this.httpLambda = this.coldFunctions();
    const backupsBefore = this.backupService.backups.length;
    const stateMachine = options.stateMachine ?? "local";
    const stateMachineArn = buildArn(this.naming.context, "states", `stateMachine:${stateMachine}`);
    const planned = this.authorizer.index.stateMachines.get(stateMachineArn);
    const authorized = options.executionRoleArn !== null;
    const executionRoleArn = options.executionRoleArn ?? planned?.roleArn;
    if (authorized && !executionRoleArn) {
      throw new LocalRunError(`the ${this.stack} stack's plan registers no state machine ${stateMachine}, so no execution role or policy applies: pass executionRoleArn (or null for an unauthorized ad-hoc run).`);
    }
    if (authorized && planned) {
      for (const call of executionStartCalls(planned)) {
        const decision = await this.authorizer.authorize(call);
        if (!decision.allowed) {
          throw new TaskFailure(call.action.startsWith("kms:") ? "StepFunctions.KmsAccessDeniedException" : "StepFunctions.AWSStepFunctionsException", `${stateMachine} cannot run: ${decision.message}`);
        }
      }
    }
    const clock = options.parentClock ?? options.clock ?? new VirtualClock();
    const { services, taskHandler, tokens, itemReader, resultWriter } = this.executionServices(definition, {
      stateMachineArn,
      executionRoleArn: executionRoleArn ?? buildArn(this.naming.context, "iam", `role/${executionRoleName(stateMachine)}`, "global"),
      authorized,
      responder: options.responder ?? (options.approver ? approverResponder(options.approver) : undefined),
      approver: options.approver,
      clock,
      faults: options.faults,
    });
    const executionName = options.executionName ?? `local-${randomUUID()}`;
    const executionArn =
      options.type === "EXPRESS"
        ? buildArn(this.naming.context, "states", `express:${stateMachine}:${executionName}:${randomUUID()}`)
        : buildArn(this.naming.context, "states", `execution:${stateMachine}:${executionName}`);
    const execution = startExecution(definition as unknown as StateMachineDefinition, options.input, {
      taskHandler,
      itemReader,
      resultWriter,
      clock,
      newTaskToken: () => tokens.issue(),
      onTaskToken: (token, request) => tokens.waiting(token, request.stateName),
      context: {
        executionArn,
        name: executionName,
        stateMachineArn,
        stateMachineName: stateMachine,
        roleArn: services.caller!.executionRoleArn,
        type: options.type ?? "STANDARD",
        partition: this.naming.context.partition,
        region: this.naming.context.region,
        account: this.naming.context.account,
      },
    });
    tokens.bind(execution);
    options.onStarted?.({ executionArn, startDate: execution.startDate });
    services.stop = () => execution.stop("Local.RunProblem", services.problem?.message);
    const result = await (options.idle ? options.idle(execution.result) : execution.result);
    // A responder may still be at work once the execution has moved on (a person's browser waiting for the page
    // after the answer resumed the Task): the report includes what it did.
    await Promise.allSettled(services.responding ?? []);
    const problem = services.problem ?? tokens.problem;
    if (problem) throw problem;
    const history = execution.history();
    const read = readHistory(definition, history);
    return {
      stateMachine,
      executionArn,
      status: result.status,
      ...(result.output !== undefined ? { output: result.output as Json } : {}),
      ...(result.error !== undefined ? { error: result.error } : {}),
      ...(result.cause !== undefined ? { cause: result.cause } : {}),
      path: read.path,
      retries: read.retries,
      caught: read.caught,
      waits: read.waits,
      taskTokens: tokens.annotate(read.taskTokens),
      notifications: services.notifications.notifications,
      invocations: services.lambda.invocations,
      backups: this.backupService.backups.slice(backupsBefore),
      children: services.children ?? [],
      assumedRoles: [],
      authorizations: this.authorizer.decisions.slice(firstDecision),
      history,
      startDate: execution.startDate,
      stopDate: result.stopDate,
      durationMs: Date.now() - started,
    };
  }

  /**
   * The local services of one execution and its Task handler: a notification log, cold functions, task tokens
   * registered with the stack, and every Task authorized as the execution role (unless `authorized` is false).
   * @throws LocalRunError naming the State for a Task with no local integration.
   */
  private executionServices(
    definition: AslStateMachine,
    options: { stateMachineArn: string; executionRoleArn: string; authorized: boolean; responder?: TaskTokenResponder; approver?: ApprovalDecision; clock: Clock; externalAnswers?: boolean; faults?: LocalFaults },
  ): { services: LocalServices; taskHandler: TaskHandler; tokens: TaskTokens; itemReader: ItemReaderHandler; resultWriter: ResultWriterHandler } {
    const tokens = new TaskTokens(this.taskTokens);
    const notifications = new NotificationLog(this.naming);
    const lambda = new LocalLambda(this.naming, (name) => this.clientsFor(name, notifications, options.faults), options.authorized ? this.authorizer : undefined);
    const services: LocalServices = {
      naming: this.naming,
      lambda,
      notifications,
      dynamodb: this.dynamodb,
      sqs: this.sqs,
      queueConsumers: this.queueConsumers,
      tokens,
      responder: options.responder,
      approver: options.approver,
      externalAnswers: options.externalAnswers,
      stateMachines: this,
      caller: { stateMachineArn: options.stateMachineArn, executionRoleArn: options.executionRoleArn },
      children: [],
      ...(options.authorized ? { authorizer: this.authorizer } : {}),
      responding: [],
      clock: options.clock,
      // ECS tasks, Glue jobs, Batch containers and SageMaker transform jobs read and write the local S3 as their own roles.
      s3For: (role) => {
        const s3 = { send: async (command: never) => (await this.localS3()).s3.send(command) };
        return options.authorized ? authorizedClient(s3, this.authorizer, role, s3Authorization(this.naming.context.partition), { call: "AccessDenied", kms: "KMS.AccessDeniedException" }) : s3;
      },
    };
    const principal = options.executionRoleArn;
    const authorize = async (action: string, resource: string, error: string) => {
      if (!options.authorized) return;
      // With the bucket key's use through S3, for an SSE-KMS bucket.
      for (const call of withServiceKeyCalls(this.authorizer.index, { principal, action, resource })) {
        const decision = await this.authorizer.authorize(call);
        if (!decision.allowed) throw Object.assign(new Error(`${decision.message} (Service: S3, Status Code: 403, Error Code: ${call.action.startsWith("kms:") ? "KMS.AccessDeniedException" : "AccessDenied"})`), { name: error });
      }
    };
    const s3Arn = (bucket: unknown, key?: unknown) => `arn:${this.naming.context.partition}:s3:::${String(bucket)}${key === undefined ? "" : `/${String(key)}`}`;
    const itemReader: ItemReaderHandler = async (request) => {
      const { Bucket, Key } = request.arguments;
      if (request.resource.endsWith(":listObjectsV2")) await authorize("s3:ListBucket", s3Arn(Bucket), "States.ItemReaderFailed");
      else await authorize("s3:GetObject", s3Arn(Bucket, Key), "States.ItemReaderFailed");
      return s3ItemReader((await this.localS3()).s3)(request);
    };
    const resultWriter: ResultWriterHandler = async (request) => {
      const { Bucket, Prefix } = request.arguments;
      await authorize("s3:PutObject", s3Arn(Bucket, `${Prefix === undefined ? "" : `${String(Prefix)}/`}${request.mapRunArn.split(":").pop()}/manifest.json`), "States.ResultWriterFailed");
      return s3ResultWriter((await this.localS3()).s3)(request);
    };
    return { services, taskHandler: localTaskHandler(definition, services), tokens, itemReader, resultWriter };
  }

  /**
   * The stack's local S3 (s3rver on 127.0.0.1), started on first use: what a Distributed Map's ItemReader reads and
   * its ResultWriter writes. Tests and scenarios put their objects there.
   */
  localS3(): Promise<LocalS3> {
    this.s3 ??= startLocalS3({ buckets: stackContents(this.config.workflows, this.config.backupTables).buckets.map((bucket) => this.naming.bucketName(bucket)) });
    return this.s3;
  }

  /**
   * The engine options of an execution the local Step Functions endpoint starts for one of the stack's machines:
   * its Tasks served by the stack's local services and authorized as the machine's execution role from the plan,
   * its tokens answered by whoever calls SendTaskSuccess (no responder), on the endpoint's clock. A problem of the
   * local run fails the execution with `States.Runtime`.
   * @param machine the machine's identity (name, ARN, role).
   * @param definition the machine's rendered definition.
   * @param clock the endpoint's clock. @default real time
   * @throws LocalRunError naming the State for a Task with no local integration.
   */
  engineOptionsFor(machine: { arn: string; roleArn: string }, definition: AslStateMachine, clock: Clock = new RealClock()): Partial<ExecutionOptions> {
    const planned = this.authorizer.index.stateMachines.get(machine.arn);
    const { services, taskHandler, tokens, itemReader, resultWriter } = this.executionServices(definition, {
      stateMachineArn: machine.arn,
      executionRoleArn: planned?.roleArn ?? machine.roleArn,
      authorized: planned !== undefined,
      clock,
      externalAnswers: true,
    });
    return {
      clock,
      itemReader,
      resultWriter,
      // A problem of the local run (no local integration, a task token nothing can answer) is no workflow error:
      // it fails the execution as States.Runtime, which no Retry or Catch takes, and a client of the endpoint reads
      // it in DescribeExecution.
      taskHandler: async (request) => {
        try {
          return await taskHandler(request);
        } catch (error) {
          if (error instanceof LocalRunError) throw new StatesError(STATES_ERRORS.Runtime, `A problem of the local run: ${error.message}`);
          throw error;
        }
      },
      newTaskToken: () => tokens.issue(),
      onTaskToken: (token, request) => tokens.waiting(token, request.stateName),
    };
  }

  /** Puts every table of this stack and of its producer back to its seed items. */
  async reset(): Promise<void> {
    await this.dynamodb.reset();
    await this.producer?.reset();
  }

  /** Stops the local databases and HTTP APIs (this stack's and its producer's); the process can then exit. Safe to call twice. */
  async stop(): Promise<void> {
    await this.endpoint?.stop();
    await (await this.s3?.catch(() => undefined))?.stop();
    await this.httpApi?.stop();
    await this.dynamodb.stop();
    await this.producer?.stop();
  }
}

/** DynamoDB's write commands, which {@link LocalFaults.throttledWrites} throttles. */
const DYNAMODB_WRITES = new Set(["UpdateItem", "PutItem", "DeleteItem"]);

/**
 * A DynamoDB client whose first `count` writes fail with `ThrottlingException` (status 400, as DynamoDB answers a
 * throttled request); reads and later writes go through.
 */
function throttledWrites<T extends { send(command: never): Promise<unknown> }>(client: T, count: number): T {
  let left = count;
  return {
    async send(command: object) {
      if (left > 0 && DYNAMODB_WRITES.has(operationOf(command))) {
        left -= 1;
        throw sdkError("ThrottlingException", "Rate of requests exceeds the allowed throughput.");
      }
      return (client.send as (command: object) => Promise<unknown>)(command);
    },
  } as T;
}
