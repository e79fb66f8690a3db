/**
 * TestState on our own engine: the State under test runs alone in a small machine whose every transition (`Next`,
 * a Choice's targets, a Catcher's `Next`) is rewritten to a terminal Succeed State, so that which one the run
 * reaches tells the next State, and each Retrier that may still retry becomes a Catcher to a terminal State of its
 * own (TestState reports a retriable error rather than retrying).
 * @see https://docs.aws.amazon.com/step-functions/latest/apireference/API_TestState.html
 * @see https://docs.aws.amazon.com/step-functions/latest/dg/test-state-isolation.html
 */
import type { ArnScope } from "./arns";
import { ServiceError } from "./arns";
import type { Execution, ExecutionOptions, HistoryEvent, Json, JsonObject, State, StateMachineDefinition } from "../../engine/types";

/** The engine's entry point, `startExecution` of `engine/index.ts`. */
export type StartExecution = (definition: StateMachineDefinition, input: Json, options?: ExecutionOptions) => Execution;

/** The TestState request, as the API takes it. */
export interface TestStateRequest {
  /** The State's definition (JSON text), or a whole machine's with `stateName`. */
  definition?: unknown;
  /** The State to test, when `definition` is a whole machine. @default the machine's StartAt */
  stateName?: unknown;
  roleArn?: unknown;
  /** The State's input (JSON text). @default "{}" */
  input?: unknown;
  /** `INFO` (default), `DEBUG` or `TRACE` (`inspectionData` for the last two). */
  inspectionLevel?: unknown;
  /** The variables in scope (a JSON object's text). */
  variables?: unknown;
  /** A mocked Task result (`result`, JSON text) or failure (`errorOutput`: `{ error, cause }`). */
  mock?: { result?: unknown; errorOutput?: { error?: unknown; cause?: unknown } };
  /** `retrierRetryCount`: how many retries already happened. @default 0 */
  stateConfiguration?: { retrierRetryCount?: unknown };
}

/** What {@link runTestState} runs with. */
export interface TestStateRun {
  engine: StartExecution;
  scope: ArnScope;
  roleArn?: string;
  /** Engine options (Task handler, clock, ...); the request's mock replaces the Task handler. */
  options: Partial<ExecutionOptions>;
}

/** How long TestState lets a State run before it fails with `States.Timeout`, in ms (five minutes). */
const TEST_STATE_LIMIT_MS = 5 * 60 * 1000;

/** What a terminal State of the test machine stands for. */
type Target = { kind: "next"; state: string } | { kind: "caught"; state: string; catchIndex: number } | { kind: "retriable"; retryIndex: number; backoff: number };

/**
 * Runs one State as TestState does.
 * @param request the TestState request.
 * @param run the engine and its options.
 * @returns `{ status, output?, error?, cause?, nextState?, inspectionData? }`: status SUCCEEDED (with `nextState`
 *   unless the State ends the machine), FAILED, RETRIABLE (a Retrier would retry: its index and backoff in
 *   `inspectionData.errorDetails`) or CAUGHT_ERROR (a Catcher caught it: `nextState` is its Next, `output` the
 *   Catcher's output). A Choice State runs alone and answers its `nextState`. `inspectionData` (DEBUG, TRACE) has the
 *   input, the effective Task input, the result, the output and the variables as the run's history shows them.
 * @throws ServiceError `InvalidDefinition` (not JSON, no such State, not a State), `InvalidExecutionInput` (input
 *   not JSON), `ValidationException` (bad variables, inspection level or mock, a `.sync`/`.waitForTaskToken` Task
 *   without a mock).
 */
export async function runTestState(request: TestStateRequest, run: TestStateRun): Promise<Record<string, unknown>> {
  const { name, state, queryLanguage } = stateUnderTest(request);
  const jsonata = queryLanguage === "JSONata";
  const input = parseJson(request.input ?? "{}", "InvalidExecutionInput", "Invalid State Input");
  const variables = request.variables === undefined ? {} : parseJson(request.variables, "ValidationException", "Invalid variables");
  if (typeof variables !== "object" || variables === null || Array.isArray(variables)) throw new ServiceError("ValidationException", `variables must be a JSON object. Received: ${String(request.variables)}`);
  const level = request.inspectionLevel ?? "INFO";
  if (level !== "INFO" && level !== "DEBUG" && level !== "TRACE") throw new ServiceError("ValidationException", `inspectionLevel must be INFO, DEBUG or TRACE. Received: ${JSON.stringify(level)}`);
  const retryCount = request.stateConfiguration?.retrierRetryCount ?? 0;
  if (typeof retryCount !== "number" || !Number.isInteger(retryCount) || retryCount < 0) throw new ServiceError("ValidationException", `stateConfiguration.retrierRetryCount must be a non-negative integer. Received: ${JSON.stringify(retryCount)}`);
  const mock = mockOf(request);
  const resource = typeof state.Resource === "string" ? state.Resource : "";
  if (state.Type === "Task" && !mock && /\.(sync(:2)?|waitForTaskToken)$/.test(resource)) {
    throw new ServiceError("ValidationException", `TestState runs a ${resource} Task only with a mock: its outcome would come from outside the test.`);
  }

  // The test machine: the State, its transitions rewritten to terminal States.
  const states: Record<string, State> = {};
  const targets = new Map<string, Target>();
  const used = new Set([name]);
  const terminal = (target: Target): string => {
    let synthetic = `TestState.${target.kind}.${targets.size}`;
    while (used.has(synthetic)) synthetic += "_";
    used.add(synthetic);
    targets.set(synthetic, target);
    states[synthetic] = { Type: "Succeed" };
    return synthetic;
  };
  const nextOf = new Map<string, string>();
  const next = (original: string): string => {
    if (!nextOf.has(original)) nextOf.set(original, terminal({ kind: "next", state: original }));
    return nextOf.get(original)!;
  };
  const tested: State = structuredClone(state);
  if (typeof tested.Next === "string") tested.Next = next(tested.Next);
  if (tested.Type === "Choice") {
    if (Array.isArray(tested.Choices)) tested.Choices = tested.Choices.map((choice: JsonObject) => (typeof choice.Next === "string" ? { ...choice, Next: next(choice.Next) } : choice));
    if (typeof tested.Default === "string") tested.Default = next(tested.Default);
  }
  const catchers: JsonObject[] = [];
  if (Array.isArray(tested.Retry)) {
    (tested.Retry as JsonObject[]).forEach((retrier, retryIndex) => {
      const maxAttempts = typeof retrier.MaxAttempts === "number" ? retrier.MaxAttempts : 3;
      if (retryCount >= maxAttempts) return;
      const interval = typeof retrier.IntervalSeconds === "number" ? retrier.IntervalSeconds : 1;
      const rate = typeof retrier.BackoffRate === "number" ? retrier.BackoffRate : 2;
      const backoff = Math.min(interval * rate ** retryCount, typeof retrier.MaxDelaySeconds === "number" ? retrier.MaxDelaySeconds : Infinity);
      const target = terminal({ kind: "retriable", retryIndex, backoff });
      catchers.push(jsonata ? { ErrorEquals: retrier.ErrorEquals, Next: target, Output: "{% $states.errorOutput %}" } : { ErrorEquals: retrier.ErrorEquals, Next: target, ResultPath: "$" });
    });
    delete tested.Retry;
  }
  if (Array.isArray(tested.Catch)) {
    (tested.Catch as JsonObject[]).forEach((catcher, catchIndex) => {
      catchers.push({ ...catcher, Next: terminal({ kind: "caught", state: String(catcher.Next), catchIndex }) });
    });
  }
  // States.ALL must come last: what follows a catch-all could never match.
  const all = catchers.findIndex((c) => Array.isArray(c.ErrorEquals) && c.ErrorEquals.includes("States.ALL"));
  if (catchers.length > 0) tested.Catch = all >= 0 ? catchers.slice(0, all + 1) : catchers;
  else delete tested.Catch;
  states[name] = tested;

  // Variables in scope: a first Pass State assigns them.
  let startAt = name;
  let machineInput: Json = input;
  const variableNames = Object.keys(variables);
  if (variableNames.length > 0) {
    startAt = "TestState.variables";
    while (used.has(startAt)) startAt += "_";
    machineInput = { variables, input };
    states[startAt] = jsonata
      ? { Type: "Pass", Assign: Object.fromEntries(variableNames.map((v) => [v, `{% $states.input.variables.\`${v}\` %}`])), Output: "{% $states.input.input %}", Next: name }
      : { Type: "Pass", Assign: Object.fromEntries(variableNames.map((v) => [`${v}.$`, `$.variables['${v}']`])), OutputPath: "$.input", Next: name };
  }
  const machine: StateMachineDefinition = { StartAt: startAt, States: states, ...(jsonata ? { QueryLanguage: "JSONata" as const } : {}) };

  let taskHandler = run.options.taskHandler;
  let answerToken: ((token: string) => void) | undefined;
  if (mock) {
    taskHandler = async () => {
      if (mock.error !== undefined) throw Object.assign(new Error(mock.cause ?? ""), { name: mock.error });
      return mock.result as Json;
    };
    answerToken = (token) =>
      setImmediate(() => {
        try {
          if (mock.error !== undefined) execution.sendTaskFailure(token, mock.error, mock.cause);
          else execution.sendTaskSuccess(token, mock.result as Json);
        } catch {
          // The Task ended first (a timeout): its outcome stands.
        }
      });
  }
  const execution = run.engine(machine, machineInput, {
    ...run.options,
    taskHandler,
    context: { ...run.options.context, stateMachineName: "TestState", name: "TestState", roleArn: run.roleArn, type: "STANDARD", region: run.scope.region, account: run.scope.account, partition: run.scope.partition },
    onTaskToken: (token, taskRequest) => {
      answerToken?.(token);
      run.options.onTaskToken?.(token, taskRequest);
    },
  });
  const timer = setTimeout(() => execution.stop("States.Timeout", "TestState ran the State for over five minutes."), TEST_STATE_LIMIT_MS);
  timer.unref();
  const result = await execution.result;
  clearTimeout(timer);

  const history = execution.history();
  const entered = history.filter((e) => e.stateEnteredEventDetails).map((e) => e.stateEnteredEventDetails!.name);
  const reached = targets.get(entered[entered.length - 1]);
  const failure = lastError(history);
  let response: Record<string, unknown>;
  let errorDetails: Record<string, number> | undefined;
  if (result.status !== "SUCCEEDED") {
    response = { status: "FAILED", error: result.error, cause: result.cause };
  } else if (reached?.kind === "retriable") {
    const output = result.output as { Error?: string; Cause?: string } | null;
    response = { status: "RETRIABLE", error: output?.Error ?? failure?.error, cause: output?.Cause ?? failure?.cause };
    errorDetails = { retryIndex: reached.retryIndex, retryBackoffIntervalSeconds: reached.backoff };
  } else if (reached?.kind === "caught") {
    response = { status: "CAUGHT_ERROR", output: JSON.stringify(result.output ?? null), nextState: reached.state, error: failure?.error, cause: failure?.cause };
    errorDetails = { catchIndex: reached.catchIndex };
  } else {
    response = { status: "SUCCEEDED", output: JSON.stringify(result.output ?? null), nextState: reached?.kind === "next" ? reached.state : undefined };
  }
  if (level !== "INFO") response.inspectionData = inspection(history, name, tested, jsonata, variables as JsonObject, errorDetails);
  return response;
}

/** The State under test, its name and query language. */
function stateUnderTest(request: TestStateRequest): { name: string; state: State; queryLanguage: string } {
  const definition = parseJson(request.definition, "InvalidDefinition", "Invalid State Machine Definition");
  if (typeof definition !== "object" || definition === null || Array.isArray(definition)) throw new ServiceError("InvalidDefinition", "Invalid State Machine Definition: the definition must be a JSON object.");
  const object = definition as JsonObject;
  let name = typeof request.stateName === "string" ? request.stateName : "TestState";
  let state: unknown = object;
  let queryLanguage = "JSONPath";
  if (typeof object.States === "object" && object.States !== null && !Array.isArray(object.States)) {
    name = typeof request.stateName === "string" ? request.stateName : String(object.StartAt);
    state = (object.States as JsonObject)[name];
    if (typeof object.QueryLanguage === "string") queryLanguage = object.QueryLanguage;
    if (state === undefined) throw new ServiceError("InvalidDefinition", `Invalid State Machine Definition: the machine has no State ${JSON.stringify(name)}.`);
  } else if (request.stateName !== undefined) {
    throw new ServiceError("ValidationException", "stateName applies to a whole machine's definition (with StartAt and States).");
  }
  const types = ["Task", "Choice", "Pass", "Parallel", "Map", "Wait", "Succeed", "Fail"];
  if (typeof state !== "object" || state === null || !types.includes((state as State).Type)) {
    throw new ServiceError("InvalidDefinition", `Invalid State Machine Definition: 'SCHEMA_VALIDATION_FAILED: a State needs a Type among ${types.join(", ")}'. Received: ${JSON.stringify(state)}`);
  }
  if (typeof (state as State).QueryLanguage === "string") queryLanguage = (state as State).QueryLanguage;
  if (queryLanguage === "JSONPath" && typeof object.QueryLanguage === "string" && object.QueryLanguage === "JSONata" && (state as State).QueryLanguage === "JSONPath") {
    throw new ServiceError("InvalidDefinition", "Invalid State Machine Definition: a JSONPath State in a JSONata machine.");
  }
  return { name, state: state as State, queryLanguage };
}

/** The request's mock, checked. */
function mockOf(request: TestStateRequest): { result?: Json; error?: string; cause?: string } | undefined {
  const mock = request.mock;
  if (mock === undefined) return undefined;
  if (mock.result !== undefined && mock.errorOutput !== undefined) throw new ServiceError("ValidationException", "mock takes result or errorOutput, not both.");
  if (mock.errorOutput !== undefined) {
    const { error, cause } = mock.errorOutput;
    return { error: typeof error === "string" ? error : "States.TaskFailed", cause: typeof cause === "string" ? cause : undefined };
  }
  if (mock.result === undefined) throw new ServiceError("ValidationException", "mock needs result or errorOutput.");
  return { result: parseJson(mock.result, "ValidationException", "Invalid mock result") };
}

/** Parses JSON text, or fails with the API error given. */
function parseJson(text: unknown, errorName: string, what: string): Json {
  if (typeof text !== "string") throw new ServiceError(errorName, `${what}: a JSON string is required. Received: ${JSON.stringify(text)}`);
  try {
    return JSON.parse(text) as Json;
  } catch (error) {
    throw new ServiceError(errorName, `${what}: ${(error as Error).message}. Received: ${text}`);
  }
}

/** The last Error and Cause the history records (a Task's failure, an evaluation's, ...). */
function lastError(history: HistoryEvent[]): { error?: string; cause?: string } | undefined {
  for (let i = history.length - 1; i >= 0; i--) {
    for (const [key, value] of Object.entries(history[i])) {
      if (key.endsWith("EventDetails") && value && typeof value === "object" && typeof (value as { error?: unknown }).error === "string") return value as { error?: string; cause?: string };
    }
  }
  return undefined;
}

/** `inspectionData` from the history: what each step of the State's data flow gave, where the history shows it. */
function inspection(history: HistoryEvent[], name: string, state: State, jsonata: boolean, variables: JsonObject, errorDetails?: Record<string, number>): Record<string, unknown> {
  const start = history.findIndex((e) => e.stateEnteredEventDetails?.name === name);
  const events = start >= 0 ? history.slice(start) : [];
  const input = events[0]?.stateEnteredEventDetails?.input;
  const scheduled = events.find((e) => e.taskScheduledEventDetails)?.taskScheduledEventDetails?.parameters ?? events.find((e) => e.lambdaFunctionScheduledEventDetails)?.lambdaFunctionScheduledEventDetails?.input;
  const result = events.find((e) => e.taskSucceededEventDetails)?.taskSucceededEventDetails?.output ?? events.find((e) => e.lambdaFunctionSucceededEventDetails)?.lambdaFunctionSucceededEventDetails?.output;
  const exited = events.find((e) => e.stateExitedEventDetails?.name === name)?.stateExitedEventDetails;
  const assigned = Object.fromEntries(Object.entries(exited?.assignedVariables ?? {}).map(([k, v]) => [k, JSON.parse(v) as Json]));
  const data: Record<string, unknown> = { input };
  if (jsonata) {
    if (scheduled !== undefined) data.afterArguments = scheduled;
  } else {
    if (input !== undefined && (state.InputPath === undefined || state.InputPath === "$")) data.afterInputPath = input;
    if (scheduled !== undefined) data.afterParameters = scheduled;
    else if (state.Parameters === undefined && data.afterInputPath !== undefined) data.afterParameters = data.afterInputPath;
  }
  if (result !== undefined) {
    data.result = result;
    if (!jsonata && state.ResultSelector === undefined) data.afterResultSelector = result;
  }
  if (!jsonata && exited && (state.OutputPath === undefined || state.OutputPath === "$")) data.afterResultPath = exited.output;
  if (Object.keys(variables).length > 0 || Object.keys(assigned).length > 0) data.variables = JSON.stringify({ ...variables, ...assigned });
  if (errorDetails) data.errorDetails = errorDetails;
  return data;
}
