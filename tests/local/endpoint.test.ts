import { expect } from "chai";
import {
  CreateStateMachineCommand,
  DeleteStateMachineCommand,
  DescribeActivityCommand,
  DescribeExecutionCommand,
  type DescribeExecutionCommandOutput,
  DescribeStateMachineCommand,
  ExecutionAlreadyExists,
  ExecutionDoesNotExist,
  GetExecutionHistoryCommand,
  type HistoryEvent,
  InvalidArn,
  InvalidDefinition,
  InvalidExecutionInput,
  InvalidName,
  InvalidOutput,
  InvalidToken,
  ListExecutionsCommand,
  ListStateMachinesCommand,
  SendTaskFailureCommand,
  SendTaskHeartbeatCommand,
  SendTaskSuccessCommand,
  SFNClient,
  SFNServiceException,
  StartExecutionCommand,
  StartSyncExecutionCommand,
  StateMachineAlreadyExists,
  StateMachineDoesNotExist,
  StateMachineTypeNotSupported,
  StopExecutionCommand,
  TaskDoesNotExist,
  TaskTimedOut,
  TestStateCommand,
  ValidationException,
  paginateGetExecutionHistory,
  paginateListStateMachines,
} from "@aws-sdk/client-sfn";
import type { TaskRequest } from "../../engine/types";
import { type EndpointOptions, StepFunctionsEndpoint } from "../../local/endpoint/server";

const REGION = "us-east-1";
const ACCOUNT = "123456789012";
const ROLE = `arn:aws:iam::${ACCOUNT}:role/local-test`;
const PREFIX = `arn:aws:states:${REGION}:${ACCOUNT}`;

/** A definition as the API takes it. */
const asl = (definition: object) => JSON.stringify(definition);
const PASS = asl({ StartAt: "Hello", States: { Hello: { Type: "Pass", Parameters: { "greeting.$": "States.Format('hello {}', $.who)" }, Next: "Done" }, Done: { Type: "Succeed" } } });
const FAIL = asl({ StartAt: "Boom", States: { Boom: { Type: "Fail", Error: "Custom.Boom", Cause: "it broke" } } });
const WAIT_FOR_TOKEN = asl({
  StartAt: "Ask",
  States: { Ask: { Type: "Task", Resource: "arn:aws:states:::sqs:sendMessage.waitForTaskToken", Parameters: { "token.$": "$$.Task.Token" }, ResultPath: "$.answer", End: true } },
});
const TIMED_TOKEN = asl({
  StartAt: "Ask",
  States: { Ask: { Type: "Task", Resource: "arn:aws:states:::sqs:sendMessage.waitForTaskToken", Parameters: { "token.$": "$$.Task.Token" }, TimeoutSeconds: 60, End: true } },
});

/**
 * An endpoint whose Tasks are answered by a handler recording each request (the token of a `.waitForTaskToken`
 * Task is answered through the API).
 */
async function startEndpoint(options: Partial<EndpointOptions> = {}): Promise<{ endpoint: StepFunctionsEndpoint; client: SFNClient; tasks: TaskRequest[] }> {
  const tasks: TaskRequest[] = [];
  const endpoint = await StepFunctionsEndpoint.start({
    region: REGION,
    account: ACCOUNT,
    executionOptions: () => ({
      taskHandler: async (request) => {
        tasks.push(request);
        return request.taskToken ? null : { served: request.input };
      },
    }),
    ...options,
  });
  // disableHostPrefix: StartSyncExecution and TestState would otherwise go to sync-127.0.0.1.
  const client = new SFNClient({ endpoint: endpoint.url, region: REGION, credentials: { accessKeyId: "x", secretAccessKey: "x" }, disableHostPrefix: true, maxAttempts: 1 });
  return { endpoint, client, tasks };
}

/** The error a promise rejects with. */
async function rejection(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (error) {
    return error as Error;
  }
  throw new Error("expected the call to fail");
}

/** Asserts the SDK raised the named API error as its exception class. */
async function expectError(promise: Promise<unknown>, type: new (...args: never[]) => Error, name: string): Promise<Error> {
  const error = await rejection(promise);
  expect(error.name, error.message).to.equal(name);
  expect(error).to.be.instanceOf(type);
  expect(error).to.be.instanceOf(SFNServiceException);
  return error;
}

async function until<T>(probe: () => Promise<T>, done: (value: T) => boolean): Promise<T> {
  for (let i = 0; i < 500; i++) {
    const value = await probe();
    if (done(value)) return value;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  throw new Error("timed out waiting");
}

function ended(client: SFNClient, executionArn: string): Promise<DescribeExecutionCommandOutput> {
  return until(
    () => client.send(new DescribeExecutionCommand({ executionArn })),
    (d) => d.status !== "RUNNING",
  );
}

describe("the local Step Functions endpoint (through @aws-sdk/client-sfn)", () => {
  let endpoint: StepFunctionsEndpoint;
  let client: SFNClient;
  let tasks: TaskRequest[];

  beforeEach(async () => {
    ({ endpoint, client, tasks } = await startEndpoint());
  });
  afterEach(async () => {
    client.destroy();
    await endpoint.stop();
  });

  const create = (name: string, definition = PASS, type: "STANDARD" | "EXPRESS" = "STANDARD") => client.send(new CreateStateMachineCommand({ name, definition, roleArn: ROLE, type }));

  describe("state machines", () => {
    it("creates a machine under its ARN and describes it with dates as Dates", async () => {
      const created = await create("hello");
      expect(created.stateMachineArn).to.equal(`${PREFIX}:stateMachine:hello`);
      expect(created.creationDate).to.be.instanceOf(Date);
      const described = await client.send(new DescribeStateMachineCommand({ stateMachineArn: created.stateMachineArn }));
      expect(described).to.include({ name: "hello", definition: PASS, roleArn: ROLE, type: "STANDARD", status: "ACTIVE" });
      expect(described.creationDate!.getTime()).to.equal(created.creationDate!.getTime());
    });

    it("creates the same machine again idempotently, and refuses the name with another definition", async () => {
      const first = await create("same");
      const again = await create("same");
      expect(again.stateMachineArn).to.equal(first.stateMachineArn);
      await expectError(create("same", FAIL), StateMachineAlreadyExists, "StateMachineAlreadyExists");
    });

    it("refuses a definition that is not JSON, lacks StartAt or States, or points at a missing State", async () => {
      await expectError(create("bad1", "{not json"), InvalidDefinition, "InvalidDefinition");
      await expectError(create("bad2", asl({ States: { A: { Type: "Succeed" } } })), InvalidDefinition, "InvalidDefinition");
      await expectError(create("bad3", asl({ StartAt: "A" })), InvalidDefinition, "InvalidDefinition");
      await expectError(create("bad4", asl({ StartAt: "A", States: { A: { Type: "Pass", Next: "Nowhere" } } })), InvalidDefinition, "InvalidDefinition");
    });

    it("refuses a bad name, a missing role, a malformed role ARN and an unknown type", async () => {
      await expectError(create("has space"), InvalidName, "InvalidName");
      await expectError(create("x".repeat(81)), InvalidName, "InvalidName");
      await expectError(create("semi;colon"), InvalidName, "InvalidName");
      await expectError(client.send(new CreateStateMachineCommand({ name: "norole", definition: PASS, roleArn: undefined as unknown as string })), ValidationException, "ValidationException");
      await expectError(client.send(new CreateStateMachineCommand({ name: "badrole", definition: PASS, roleArn: "not-an-arn" })), InvalidArn, "InvalidArn");
      await expectError(client.send(new CreateStateMachineCommand({ name: "badtype", definition: PASS, roleArn: ROLE, type: "BATCH" as "STANDARD" })), StateMachineTypeNotSupported, "StateMachineTypeNotSupported");
    });

    it("lists machines by name in pages", async () => {
      for (const name of ["e", "b", "d", "a", "c"]) await create(name);
      const first = await client.send(new ListStateMachinesCommand({ maxResults: 2 }));
      expect(first.stateMachines!.map((m) => m.name)).to.deep.equal(["a", "b"]);
      expect(first.nextToken).to.be.a("string");
      const names: string[] = [];
      for await (const page of paginateListStateMachines({ client, pageSize: 2 }, {})) names.push(...page.stateMachines!.map((m) => m.name!));
      expect(names).to.deep.equal(["a", "b", "c", "d", "e"]);
      await expectError(client.send(new ListStateMachinesCommand({ nextToken: "garbage" })), InvalidToken, "InvalidToken");
    });

    it("deletes a machine: it no longer describes nor starts", async () => {
      const { stateMachineArn } = await create("gone");
      await client.send(new DeleteStateMachineCommand({ stateMachineArn }));
      await expectError(client.send(new DescribeStateMachineCommand({ stateMachineArn })), StateMachineDoesNotExist, "StateMachineDoesNotExist");
      await expectError(client.send(new StartExecutionCommand({ stateMachineArn })), StateMachineDoesNotExist, "StateMachineDoesNotExist");
      await expectError(client.send(new DeleteStateMachineCommand({ stateMachineArn: "arn:nope" })), InvalidArn, "InvalidArn");
    });

    it("holds the seed machines it starts with", async () => {
      const seeded = await startEndpoint({ stateMachines: [{ name: "seeded", definition: JSON.parse(PASS) as object, roleArn: ROLE, type: "EXPRESS" }] });
      try {
        const described = await seeded.client.send(new DescribeStateMachineCommand({ stateMachineArn: `${PREFIX}:stateMachine:seeded` }));
        expect(described.type).to.equal("EXPRESS");
        expect(JSON.parse(described.definition!)).to.deep.equal(JSON.parse(PASS));
      } finally {
        seeded.client.destroy();
        await seeded.endpoint.stop();
      }
    });
  });

  describe("executions", () => {
    it("starts a named execution and describes its output once it succeeded", async () => {
      const { stateMachineArn } = await create("hello");
      const started = await client.send(new StartExecutionCommand({ stateMachineArn, name: "first", input: '{"who":"world"}' }));
      expect(started.executionArn).to.equal(`${PREFIX}:execution:hello:first`);
      expect(started.startDate).to.be.instanceOf(Date);
      const described = await ended(client, started.executionArn!);
      expect(described).to.include({ status: "SUCCEEDED", name: "first", stateMachineArn, input: '{"who":"world"}' });
      expect(JSON.parse(described.output!)).to.deep.equal({ greeting: "hello world" });
      expect(described.stopDate).to.be.instanceOf(Date);
    });

    it("names an execution with a UUID when none is given and defaults the input to {}", async () => {
      const { stateMachineArn } = await create("hello");
      const started = await client.send(new StartExecutionCommand({ stateMachineArn }));
      expect(started.executionArn).to.match(new RegExp(`^${PREFIX}:execution:hello:[0-9a-f-]{36}$`));
      const described = await ended(client, started.executionArn!);
      expect(described.input).to.equal("{}");
    });

    it("describes a failed execution's error and cause", async () => {
      const { stateMachineArn } = await create("fails", FAIL);
      const { executionArn } = await client.send(new StartExecutionCommand({ stateMachineArn }));
      const described = await ended(client, executionArn!);
      expect(described).to.include({ status: "FAILED", error: "Custom.Boom", cause: "it broke" });
      expect(described.output).to.equal(undefined);
      // No RedriveExecution is served locally, and DescribeExecution says so.
      expect(described).to.include({ redriveCount: 0, redriveStatus: "NOT_REDRIVABLE", redriveStatusReason: "The local Step Functions endpoint does not redrive executions" });
    });

    it("returns a running execution again for the same name and input, and refuses the name with another input or once ended", async () => {
      const { stateMachineArn } = await create("waits", WAIT_FOR_TOKEN);
      const first = await client.send(new StartExecutionCommand({ stateMachineArn, name: "once", input: '{"a":1}' }));
      const again = await client.send(new StartExecutionCommand({ stateMachineArn, name: "once", input: '{"a":1}' }));
      expect(again.executionArn).to.equal(first.executionArn);
      await expectError(client.send(new StartExecutionCommand({ stateMachineArn, name: "once", input: '{"a":2}' })), ExecutionAlreadyExists, "ExecutionAlreadyExists");
      await client.send(new StopExecutionCommand({ executionArn: first.executionArn }));
      await expectError(client.send(new StartExecutionCommand({ stateMachineArn, name: "once", input: '{"a":1}' })), ExecutionAlreadyExists, "ExecutionAlreadyExists");
    });

    it("refuses input that is not JSON, a bad execution name, an unknown machine and a malformed ARN", async () => {
      const { stateMachineArn } = await create("hello");
      await expectError(client.send(new StartExecutionCommand({ stateMachineArn, input: "{oops" })), InvalidExecutionInput, "InvalidExecutionInput");
      await expectError(client.send(new StartExecutionCommand({ stateMachineArn, name: "a b" })), InvalidName, "InvalidName");
      await expectError(client.send(new StartExecutionCommand({ stateMachineArn: `${PREFIX}:stateMachine:nobody` })), StateMachineDoesNotExist, "StateMachineDoesNotExist");
      await expectError(client.send(new StartExecutionCommand({ stateMachineArn: `arn:aws:states:eu-west-1:${ACCOUNT}:stateMachine:hello` })), StateMachineDoesNotExist, "StateMachineDoesNotExist");
      await expectError(client.send(new StartExecutionCommand({ stateMachineArn: "arn:aws:lambda:us-east-1:123456789012:function:f" })), InvalidArn, "InvalidArn");
      await expectError(client.send(new DescribeExecutionCommand({ executionArn: `${PREFIX}:execution:hello:missing` })), ExecutionDoesNotExist, "ExecutionDoesNotExist");
      await expectError(client.send(new DescribeExecutionCommand({ executionArn: "garbage" })), InvalidArn, "InvalidArn");
    });

    it("starts a machine through an alias or version ARN and records which", async () => {
      const { stateMachineArn } = await create("hello");
      const viaAlias = await client.send(new StartExecutionCommand({ stateMachineArn: `${stateMachineArn}:live`, name: "alias" }));
      const viaVersion = await client.send(new StartExecutionCommand({ stateMachineArn: `${stateMachineArn}:3`, name: "version" }));
      expect(viaAlias.executionArn).to.equal(`${PREFIX}:execution:hello:alias`);
      const alias = await ended(client, viaAlias.executionArn!);
      expect(alias.stateMachineArn).to.equal(stateMachineArn);
      expect(alias.stateMachineAliasArn).to.equal(`${stateMachineArn}:live`);
      expect(alias.stateMachineVersionArn).to.equal(undefined);
      const version = await ended(client, viaVersion.executionArn!);
      expect(version.stateMachineVersionArn).to.equal(`${stateMachineArn}:3`);
      expect(version.stateMachineAliasArn).to.equal(undefined);
      const history = await client.send(new GetExecutionHistoryCommand({ executionArn: viaAlias.executionArn }));
      expect(history.events![0].executionStartedEventDetails?.stateMachineAliasArn).to.equal(`${stateMachineArn}:live`);
    });

    it("lists a machine's executions newest first, by status, in pages", async () => {
      const { stateMachineArn } = await create("hello");
      const failing = await create("fails", FAIL);
      for (const name of ["one", "two", "three"]) {
        const { executionArn } = await client.send(new StartExecutionCommand({ stateMachineArn, name, input: '{"who":"x"}' }));
        await ended(client, executionArn!);
      }
      await client.send(new StartExecutionCommand({ stateMachineArn: failing.stateMachineArn, name: "bad" }));
      const first = await client.send(new ListExecutionsCommand({ stateMachineArn, maxResults: 2 }));
      expect(first.executions!.map((e) => e.name)).to.deep.equal(["three", "two"]);
      const second = await client.send(new ListExecutionsCommand({ stateMachineArn, maxResults: 2, nextToken: first.nextToken }));
      expect(second.executions!.map((e) => e.name)).to.deep.equal(["one"]);
      expect(second.nextToken).to.equal(undefined);
      expect(first.executions![0]).to.include({ status: "SUCCEEDED", stateMachineArn });
      const succeeded = await client.send(new ListExecutionsCommand({ stateMachineArn, statusFilter: "FAILED" }));
      expect(succeeded.executions).to.deep.equal([]);
      await ended(client, `${PREFIX}:execution:fails:bad`);
      const failed = await client.send(new ListExecutionsCommand({ stateMachineArn: failing.stateMachineArn, statusFilter: "FAILED" }));
      expect(failed.executions!.map((e) => e.name)).to.deep.equal(["bad"]);
      await expectError(client.send(new ListExecutionsCommand({ stateMachineArn: `${PREFIX}:stateMachine:nobody` })), StateMachineDoesNotExist, "StateMachineDoesNotExist");
    });

    it("stops a running execution: ABORTED with the error and cause given", async () => {
      const { stateMachineArn } = await create("waits", WAIT_FOR_TOKEN);
      const { executionArn } = await client.send(new StartExecutionCommand({ stateMachineArn, name: "stopped" }));
      await until(async () => tasks.length, (n) => n === 1);
      const stopped = await client.send(new StopExecutionCommand({ executionArn, error: "Operator.Stop", cause: "no longer needed" }));
      expect(stopped.stopDate).to.be.instanceOf(Date);
      const described = await client.send(new DescribeExecutionCommand({ executionArn }));
      expect(described).to.include({ status: "ABORTED", error: "Operator.Stop", cause: "no longer needed" });
      const history = await client.send(new GetExecutionHistoryCommand({ executionArn, reverseOrder: true }));
      expect(history.events![0].type).to.equal("ExecutionAborted");
      await expectError(client.send(new StopExecutionCommand({ executionArn: `${PREFIX}:execution:waits:nobody` })), ExecutionDoesNotExist, "ExecutionDoesNotExist");
    });
  });

  describe("GetExecutionHistory", () => {
    async function succeeded(): Promise<string> {
      const { stateMachineArn } = await create("hello");
      const { executionArn } = await client.send(new StartExecutionCommand({ stateMachineArn, input: '{"who":"you"}' }));
      await ended(client, executionArn!);
      return executionArn!;
    }

    it("returns the events oldest first, numbered, with their details", async () => {
      const executionArn = await succeeded();
      const { events, nextToken } = await client.send(new GetExecutionHistoryCommand({ executionArn }));
      expect(nextToken).to.equal(undefined);
      expect(events!.map((e) => e.type)).to.deep.equal(["ExecutionStarted", "PassStateEntered", "PassStateExited", "SucceedStateEntered", "SucceedStateExited", "ExecutionSucceeded"]);
      expect(events!.map((e) => e.id)).to.deep.equal([1, 2, 3, 4, 5, 6]);
      expect(events![0].timestamp).to.be.instanceOf(Date);
      expect(events![0].executionStartedEventDetails).to.include({ input: '{"who":"you"}', roleArn: ROLE });
      expect(events![1].stateEnteredEventDetails!.name).to.equal("Hello");
    });

    it("pages with maxResults and nextToken, in either order", async () => {
      const executionArn = await succeeded();
      const all = (await client.send(new GetExecutionHistoryCommand({ executionArn }))).events!;
      const pages: HistoryEvent[][] = [];
      for await (const page of paginateGetExecutionHistory({ client, pageSize: 4 }, { executionArn })) pages.push(page.events!);
      expect(pages.map((p) => p.length)).to.deep.equal([4, 2]);
      expect(pages.flat().map((e) => e.id)).to.deep.equal(all.map((e) => e.id));
      const reversed: HistoryEvent[] = [];
      let nextToken: string | undefined;
      do {
        const page = await client.send(new GetExecutionHistoryCommand({ executionArn, reverseOrder: true, maxResults: 4, nextToken }));
        reversed.push(...page.events!);
        nextToken = page.nextToken;
      } while (nextToken);
      expect(reversed.map((e) => e.id)).to.deep.equal([6, 5, 4, 3, 2, 1]);
    });

    it("leaves out inputs and outputs when includeExecutionData is false", async () => {
      const executionArn = await succeeded();
      const { events } = await client.send(new GetExecutionHistoryCommand({ executionArn, includeExecutionData: false }));
      expect(events![0].executionStartedEventDetails!.input).to.equal(undefined);
      expect(events![0].executionStartedEventDetails!.roleArn).to.equal(ROLE);
      expect(events![1].stateEnteredEventDetails).to.deep.include({ name: "Hello" });
      expect(events![1].stateEnteredEventDetails!.input).to.equal(undefined);
    });

    it("refuses a token of another request, an unknown execution and a malformed ARN", async () => {
      const executionArn = await succeeded();
      const { nextToken } = await client.send(new GetExecutionHistoryCommand({ executionArn, maxResults: 1 }));
      await expectError(client.send(new GetExecutionHistoryCommand({ executionArn, nextToken, reverseOrder: true })), InvalidToken, "InvalidToken");
      await expectError(client.send(new GetExecutionHistoryCommand({ executionArn: `${PREFIX}:execution:hello:nobody` })), ExecutionDoesNotExist, "ExecutionDoesNotExist");
      await expectError(client.send(new GetExecutionHistoryCommand({ executionArn: `${PREFIX}:stateMachine:hello` })), InvalidArn, "InvalidArn");
    });
  });

  describe("Express machines", () => {
    it("StartExecution answers the executionArn and startDate only; Describe, History and Stop refuse the Express ARN", async () => {
      const { stateMachineArn } = await create("quick", PASS, "EXPRESS");
      const started = await client.send(new StartExecutionCommand({ stateMachineArn, name: "fast" }));
      expect(started.executionArn).to.match(new RegExp(`^${PREFIX}:express:quick:fast:[0-9a-f-]{36}$`));
      expect(Object.keys(started).filter((k) => k !== "$metadata").sort()).to.deep.equal(["executionArn", "startDate"]);
      await expectError(client.send(new DescribeExecutionCommand({ executionArn: started.executionArn })), InvalidArn, "InvalidArn");
      await expectError(client.send(new GetExecutionHistoryCommand({ executionArn: started.executionArn })), InvalidArn, "InvalidArn");
      await expectError(client.send(new StopExecutionCommand({ executionArn: started.executionArn })), InvalidArn, "InvalidArn");
      await expectError(client.send(new ListExecutionsCommand({ stateMachineArn })), StateMachineTypeNotSupported, "StateMachineTypeNotSupported");
    });

    it("StartSyncExecution answers the outcome with billing details", async () => {
      const { stateMachineArn } = await create("quick", PASS, "EXPRESS");
      const result = await client.send(new StartSyncExecutionCommand({ stateMachineArn, name: "sync", input: '{"who":"sync"}' }));
      expect(result).to.include({ status: "SUCCEEDED", stateMachineArn, name: "sync", input: '{"who":"sync"}' });
      expect(JSON.parse(result.output!)).to.deep.equal({ greeting: "hello sync" });
      expect(result.startDate).to.be.instanceOf(Date);
      expect(result.stopDate).to.be.instanceOf(Date);
      expect(result.billingDetails!.billedMemoryUsedInMB).to.equal(64);
      expect(result.billingDetails!.billedDurationInMilliseconds! % 100).to.equal(0);
      const failing = await create("quickfail", FAIL, "EXPRESS");
      const failed = await client.send(new StartSyncExecutionCommand({ stateMachineArn: failing.stateMachineArn }));
      expect(failed).to.include({ status: "FAILED", error: "Custom.Boom", cause: "it broke" });
      expect(failed.output).to.equal(undefined);
    });

    it("StartSyncExecution refuses a Standard machine and input that is not JSON", async () => {
      const standard = await create("hello");
      await expectError(client.send(new StartSyncExecutionCommand({ stateMachineArn: standard.stateMachineArn })), StateMachineTypeNotSupported, "StateMachineTypeNotSupported");
      const express = await create("quick", PASS, "EXPRESS");
      await expectError(client.send(new StartSyncExecutionCommand({ stateMachineArn: express.stateMachineArn, input: "nope" })), InvalidExecutionInput, "InvalidExecutionInput");
    });
  });

  describe("task tokens", () => {
    async function waiting(name: string): Promise<{ executionArn: string; token: string }> {
      const { stateMachineArn } = await create("waits", WAIT_FOR_TOKEN);
      const { executionArn } = await client.send(new StartExecutionCommand({ stateMachineArn, name, input: '{"order":7}' }));
      const request = await until(async () => tasks.find((t) => (t.context.Execution as { Id: string }).Id === executionArn), (t) => t !== undefined);
      expect(request!.input).to.deep.equal({ token: request!.taskToken });
      return { executionArn: executionArn!, token: request!.taskToken! };
    }

    it("a .waitForTaskToken Task succeeds with the output SendTaskSuccess gives; the token then no longer exists", async () => {
      const { executionArn, token } = await waiting("approved");
      expect((await client.send(new DescribeExecutionCommand({ executionArn }))).status).to.equal("RUNNING");
      await client.send(new SendTaskHeartbeatCommand({ taskToken: token }));
      await client.send(new SendTaskSuccessCommand({ taskToken: token, output: '{"approved":true}' }));
      const described = await ended(client, executionArn);
      expect(described.status).to.equal("SUCCEEDED");
      expect(JSON.parse(described.output!)).to.deep.equal({ order: 7, answer: { approved: true } });
      await expectError(client.send(new SendTaskSuccessCommand({ taskToken: token, output: "{}" })), TaskDoesNotExist, "TaskDoesNotExist");
      await expectError(client.send(new SendTaskHeartbeatCommand({ taskToken: token })), TaskDoesNotExist, "TaskDoesNotExist");
    });

    it("SendTaskFailure fails the Task with its error and cause", async () => {
      const { executionArn, token } = await waiting("rejected");
      await client.send(new SendTaskFailureCommand({ taskToken: token, error: "Approval.Rejected", cause: "too risky" }));
      const described = await ended(client, executionArn);
      expect(described).to.include({ status: "FAILED", error: "Approval.Rejected", cause: "too risky" });
    });

    it("refuses an unknown or malformed token and output that is not JSON", async () => {
      const { token } = await waiting("checked");
      await expectError(client.send(new SendTaskSuccessCommand({ taskToken: "not-a-token", output: "{}" })), InvalidToken, "InvalidToken");
      await expectError(client.send(new SendTaskFailureCommand({ taskToken: "x".repeat(3000) })), InvalidToken, "InvalidToken");
      await expectError(client.send(new SendTaskSuccessCommand({ taskToken: token, output: "{not json" })), InvalidOutput, "InvalidOutput");
    });

    it("answers TaskTimedOut for the token of a Task that timed out", async () => {
      const virtual = await startEndpoint({ clock: "virtual" });
      try {
        const { stateMachineArn } = await virtual.client.send(new CreateStateMachineCommand({ name: "slow", definition: TIMED_TOKEN, roleArn: ROLE }));
        const { executionArn } = await virtual.client.send(new StartExecutionCommand({ stateMachineArn }));
        const described = await ended(virtual.client, executionArn!);
        expect(described).to.include({ status: "FAILED", error: "States.Timeout" });
        const token = virtual.tasks[0].taskToken!;
        await expectError(virtual.client.send(new SendTaskSuccessCommand({ taskToken: token, output: "{}" })), TaskTimedOut, "TaskTimedOut");
      } finally {
        virtual.client.destroy();
        await virtual.endpoint.stop();
      }
    });
  });

  describe("TestState", () => {
    const test = (definition: object, input: object = {}, extra: Partial<ConstructorParameters<typeof TestStateCommand>[0]> = {}) =>
      client.send(new TestStateCommand({ definition: asl(definition), roleArn: ROLE, input: JSON.stringify(input), ...extra }));

    it("runs a Pass State and answers its output and next State", async () => {
      const result = await test({ Type: "Pass", Parameters: { "sum.$": "States.MathAdd($.a, $.b)" }, Next: "After" }, { a: 2, b: 3 });
      expect(result).to.include({ status: "SUCCEEDED", nextState: "After" });
      expect(JSON.parse(result.output!)).to.deep.equal({ sum: 5 });
      expect(result.inspectionData).to.equal(undefined);
    });

    it("answers a Choice State's next State without running it", async () => {
      const choice = { Type: "Choice", Choices: [{ Variable: "$.n", NumericGreaterThan: 10, Next: "Big" }], Default: "Small" };
      expect((await test(choice, { n: 11 })).nextState).to.equal("Big");
      expect((await test(choice, { n: 1 })).nextState).to.equal("Small");
      const noDefault = await test({ Type: "Choice", Choices: [{ Variable: "$.n", NumericGreaterThan: 10, Next: "Big" }] }, { n: 1 });
      expect(noDefault).to.include({ status: "FAILED", error: "States.NoChoiceMatched" });
    });

    it("runs a Task with a mocked result and shows its data flow at DEBUG", async () => {
      const task = { Type: "Task", Resource: "arn:aws:states:::lambda:invoke", Parameters: { "Payload.$": "$.order" }, ResultSelector: { "status.$": "$.Payload.status" }, ResultPath: "$.result", End: true };
      const result = await test(task, { order: { id: 1 } }, { inspectionLevel: "DEBUG", mock: { result: '{"Payload":{"status":"ok"}}' } });
      expect(result.status).to.equal("SUCCEEDED");
      expect(result.nextState).to.equal(undefined);
      expect(JSON.parse(result.output!)).to.deep.equal({ order: { id: 1 }, result: { status: "ok" } });
      const data = result.inspectionData!;
      expect(JSON.parse(data.input!)).to.deep.equal({ order: { id: 1 } });
      expect(JSON.parse(data.afterParameters!)).to.deep.equal({ Payload: { id: 1 } });
      expect(JSON.parse(data.result!)).to.deep.equal({ Payload: { status: "ok" } });
      expect(JSON.parse(data.afterResultPath!)).to.deep.equal({ order: { id: 1 }, result: { status: "ok" } });
    });

    it("answers RETRIABLE when a Retrier would retry, CAUGHT_ERROR when a Catcher catches, FAILED otherwise", async () => {
      const base = { Type: "Task", Resource: "arn:aws:states:::lambda:invoke", Next: "Ok" };
      const mock = { errorOutput: { error: "Lambda.TooManyRequestsException", cause: "slow down" } };
      const retriable = await test({ ...base, Retry: [{ ErrorEquals: ["States.Timeout"] }, { ErrorEquals: ["Lambda.TooManyRequestsException"], IntervalSeconds: 2, MaxAttempts: 3 }] }, {}, { mock, inspectionLevel: "DEBUG" });
      expect(retriable).to.include({ status: "RETRIABLE", error: "Lambda.TooManyRequestsException", cause: "slow down" });
      expect(retriable.inspectionData!.errorDetails).to.deep.equal({ retryIndex: 1, retryBackoffIntervalSeconds: 2 });
      const exhausted = await test({ ...base, Retry: [{ ErrorEquals: ["States.ALL"], MaxAttempts: 1 }], Catch: [{ ErrorEquals: ["States.ALL"], ResultPath: "$.error", Next: "Handle" }] }, { a: 1 }, {
        mock,
        stateConfiguration: { retrierRetryCount: 1 },
      });
      expect(exhausted).to.include({ status: "CAUGHT_ERROR", nextState: "Handle", error: "Lambda.TooManyRequestsException" });
      expect(JSON.parse(exhausted.output!)).to.deep.equal({ a: 1, error: { Error: "Lambda.TooManyRequestsException", Cause: "slow down" } });
      const failed = await test(base, {}, { mock });
      expect(failed).to.include({ status: "FAILED", error: "Lambda.TooManyRequestsException", cause: "slow down" });
    });

    it("takes the variables in scope and a State of a whole machine by name", async () => {
      const machine = { StartAt: "First", States: { First: { Type: "Pass", Next: "Second" }, Second: { Type: "Pass", Parameters: { "limit.$": "$limit" }, Assign: { "seen.$": "$.limit" }, End: true } } };
      const result = await test(machine, { x: 1 }, { stateName: "Second", variables: '{"limit":5}', inspectionLevel: "DEBUG" });
      expect(result.status).to.equal("SUCCEEDED");
      expect(JSON.parse(result.output!)).to.deep.equal({ limit: 5 });
      // In a JSONPath Pass State, Assign's $ is the State's result (after Parameters).
      expect(JSON.parse(result.inspectionData!.variables!)).to.deep.equal({ limit: 5, seen: 5 });
    });

    it("runs a Fail State and refuses a definition that is not a State", async () => {
      expect(await test({ Type: "Fail", Error: "E", Cause: "C" })).to.include({ status: "FAILED", error: "E", cause: "C" });
      await expectError(test({ Nope: true }), InvalidDefinition, "InvalidDefinition");
      await expectError(client.send(new TestStateCommand({ definition: "{bad", roleArn: ROLE })), InvalidDefinition, "InvalidDefinition");
      await expectError(test({ Type: "Pass", End: true }, {}, { input: "nope" }), InvalidExecutionInput, "InvalidExecutionInput");
    });
  });

  it("answers UnknownOperationException for an operation it does not serve", async () => {
    const error = await rejection(client.send(new DescribeActivityCommand({ activityArn: `${PREFIX}:activity:a` })));
    expect(error.name).to.equal("UnknownOperationException");
    expect(error).to.be.instanceOf(SFNServiceException);
  });
});
