import { expect } from "chai";
import { startExecution } from "../../engine";
import type { ExecutionOptions, HistoryEvent, ItemReaderRequest, Json, ResultWriterRequest, State, StateMachineDefinition, TaskHandler } from "../../engine";

const WORK = "arn:aws:states:::lambda:invoke";

function ofType(events: HistoryEvent[], type: string): HistoryEvent[] {
  return events.filter((event) => event.type === type);
}

function mapMachine(map: Record<string, unknown>, processor: StateMachineDefinition = { StartAt: "P", States: { P: { Type: "Pass", End: true } } }): StateMachineDefinition {
  return { StartAt: "M", States: { M: { Type: "Map", ItemProcessor: processor, End: true, ...map } as unknown as State } };
}

function distributed(processor: StateMachineDefinition): StateMachineDefinition {
  return { ...processor, ProcessorConfig: { Mode: "DISTRIBUTED", ExecutionType: "STANDARD" } } as StateMachineDefinition;
}

const workProcessor: StateMachineDefinition = { StartAt: "Work", States: { Work: { Type: "Task", Resource: WORK, End: true } } };

async function run(definition: StateMachineDefinition, input: Json, options: ExecutionOptions = {}) {
  const execution = startExecution(definition, input, options);
  const result = await execution.result;
  return { result, events: execution.history(), execution };
}

/** A handler that fails for the items it is told to, and echoes the rest. */
function failFor(predicate: (input: Json) => boolean): TaskHandler {
  return async ({ input }) => {
    if (predicate(input)) throw Object.assign(new Error(`bad item ${JSON.stringify(input)}`), { name: "Item.Bad" });
    return input;
  };
}

describe("engine: Map", () => {
  describe("inline", () => {
    it("runs at most MaxConcurrency iterations at once", async () => {
      let running = 0;
      let most = 0;
      const { result } = await run(mapMachine({ MaxConcurrency: 2 }, workProcessor), [1, 2, 3, 4, 5, 6], {
        taskHandler: async ({ input }) => {
          running++;
          most = Math.max(most, running);
          await new Promise((resolve) => setTimeout(resolve, 15));
          running--;
          return input;
        },
      });
      expect(result.output).to.deep.equal([1, 2, 3, 4, 5, 6]);
      expect(most).to.equal(2);
    });

    it("runs every iteration at once when MaxConcurrency is 0", async () => {
      let running = 0;
      let most = 0;
      await run(mapMachine({ MaxConcurrency: 0 }, workProcessor), [1, 2, 3, 4], {
        taskHandler: async ({ input }) => {
          running++;
          most = Math.max(most, running);
          await new Promise((resolve) => setTimeout(resolve, 15));
          running--;
          return input;
        },
      });
      expect(most).to.equal(4);
    });

    it("reads items 0, false, \"\" and null with $", async () => {
      const { result } = await run(mapMachine({ ItemsPath: "$.items" }, { StartAt: "P", States: { P: { Type: "Pass", Parameters: { "v.$": "$" }, End: true } } }), { items: [0, false, "", null] });
      expect(result.output).to.deep.equal([{ v: 0 }, { v: false }, { v: "" }, { v: null }]);
    });

    it("builds each iteration's input with ItemSelector from $$.Map.Item.Index and Value and the Map's input", async () => {
      const { result } = await run(
        mapMachine({ ItemsPath: "$.items", ItemSelector: { "index.$": "$$.Map.Item.Index", "value.$": "$$.Map.Item.Value", "tag.$": "$.tag" } }),
        { items: ["a", "b"], tag: "t" },
      );
      expect(result.output).to.deep.equal([
        { index: 0, value: "a", tag: "t" },
        { index: 1, value: "b", tag: "t" },
      ]);
    });

    it("gives $$.Map.Item inside the iterations' States", async () => {
      const { result } = await run(mapMachine({}, { StartAt: "P", States: { P: { Type: "Pass", Parameters: { "i.$": "$$.Map.Item.Index" }, End: true } } }), ["x", "y"]);
      expect(result.output).to.deep.equal([{ i: 0 }, { i: 1 }]);
    });

    it("fails with States.Runtime when ItemsPath does not select an array", async () => {
      const { result } = await run(mapMachine({ ItemsPath: "$.items" }), { items: { not: "a list" } });
      expect(result).to.include({ status: "FAILED", error: "States.Runtime" });
    });

    it("gives [] for an empty list", async () => {
      const { result, events } = await run(mapMachine({}), []);
      expect(result.output).to.deep.equal([]);
      expect(ofType(events, "MapStateStarted")[0].mapStateStartedEventDetails).to.deep.equal({ length: 0 });
    });

    it("stops the other iterations when one fails (MapIterationFailed, MapIterationAborted), failing the Map with its error", async () => {
      const slowOrBad: TaskHandler = async ({ input, signal }) => {
        if (input === "bad") throw Object.assign(new Error("no"), { name: "Item.Bad" });
        await new Promise((resolve, reject) => {
          const timer = setTimeout(resolve, 5_000);
          signal.addEventListener("abort", () => {
            clearTimeout(timer);
            reject(signal.reason);
          });
        });
        return input;
      };
      const started = Date.now();
      const { result, events } = await run(mapMachine({}, workProcessor), ["slow", "bad", "slow"], { taskHandler: slowOrBad });
      expect(Date.now() - started).to.be.below(2_000);
      expect(result).to.include({ status: "FAILED", error: "Item.Bad", cause: "no" });
      expect(ofType(events, "MapIterationFailed").map((event) => event.mapIterationFailedEventDetails)).to.deep.equal([{ name: "M", index: 1 }]);
      expect(ofType(events, "MapIterationAborted").map((event) => event.mapIterationAbortedEventDetails?.index).sort()).to.deep.equal([0, 2]);
      expect(ofType(events, "MapStateFailed")).to.have.length(1);
      // As Step Functions orders them: the failure, then each other iteration's running State and the iteration aborted.
      const tail = events.map((event) => event.type).slice(events.findIndex((event) => event.type === "MapIterationFailed"));
      expect(tail).to.deep.equal(["MapIterationFailed", "TaskStateAborted", "MapIterationAborted", "TaskStateAborted", "MapIterationAborted", "MapStateFailed", "ExecutionFailed"]);
    });

    it("retries the whole Map and catches its failure", async () => {
      let calls = 0;
      const definition: StateMachineDefinition = {
        StartAt: "M",
        States: {
          M: { Type: "Map", ItemProcessor: workProcessor, Retry: [{ ErrorEquals: ["Item.Bad"], MaxAttempts: 1 }], Catch: [{ ErrorEquals: ["States.ALL"], Next: "Caught" }], End: true },
          Caught: { Type: "Pass", End: true },
        },
      };
      const { result } = await run(definition, [1], {
        taskHandler: async () => {
          calls++;
          throw Object.assign(new Error("no"), { name: "Item.Bad" });
        },
      });
      expect(calls).to.equal(2);
      expect(result.output).to.deep.equal({ Error: "Item.Bad", Cause: "no" });
    });
  });

  describe("distributed", () => {
    it("reads its items with the itemReader option, keeping ReaderConfig MaxItems", async () => {
      let request: ItemReaderRequest | undefined;
      const definition = mapMachine(
        { ItemReader: { Resource: "arn:aws:states:::s3:getObject", ReaderConfig: { InputType: "JSON", MaxItems: 2 }, Parameters: { Bucket: "b", "Key.$": "$.key" } } },
        distributed({ StartAt: "P", States: { P: { Type: "Pass", End: true } } }),
      );
      const { result, events } = await run(definition, { key: "items.json" }, {
        itemReader: async (req) => {
          request = req;
          return [{ id: 1 }, { id: 2 }, { id: 3 }];
        },
      });
      expect(result.output).to.deep.equal([{ id: 1 }, { id: 2 }]);
      expect(request).to.deep.include({ stateName: "M", resource: "arn:aws:states:::s3:getObject", arguments: { Bucket: "b", Key: "items.json" } });
      expect(request?.readerConfig).to.deep.include({ InputType: "JSON", MaxItems: 2 });
      expect(ofType(events, "MapRunStarted")[0].mapRunStartedEventDetails?.mapRunArn).to.match(/^arn:aws:states:us-east-1:123456789012:mapRun:local\/M:/);
      expect(ofType(events, "MapRunSucceeded")).to.have.length(1);
    });

    it("fails with States.ItemReaderFailed when the reader fails", async () => {
      const definition = mapMachine({ ItemReader: { Resource: "arn:aws:states:::s3:getObject", Parameters: { Bucket: "b", Key: "k" } } }, distributed({ StartAt: "P", States: { P: { Type: "Pass", End: true } } }));
      const { result } = await run(definition, {}, {
        itemReader: async () => {
          throw Object.assign(new Error("The specified key does not exist."), { name: "S3.NoSuchKey" });
        },
      });
      expect(result).to.include({ status: "FAILED", error: "States.ItemReaderFailed" });
    });

    it("batches items with ItemBatcher MaxItemsPerBatch and BatchInput", async () => {
      const inputs: Json[] = [];
      const definition = mapMachine({ ItemBatcher: { MaxItemsPerBatch: 2, BatchInput: { "run.$": "$.run" } }, ItemsPath: "$.items" }, distributed(workProcessor));
      const { result } = await run(definition, { items: [1, 2, 3, 4, 5], run: "r1" }, {
        taskHandler: async ({ input }) => {
          inputs.push(input);
          return (input as { Items: number[] }).Items.length;
        },
      });
      expect(inputs).to.have.deep.members([
        { Items: [1, 2], BatchInput: { run: "r1" } },
        { Items: [3, 4], BatchInput: { run: "r1" } },
        { Items: [5], BatchInput: { run: "r1" } },
      ]);
      expect(result.output).to.deep.equal([2, 2, 1]);
    });

    it("fails with States.ExceedToleratedFailureThreshold past ToleratedFailureCount", async () => {
      const definition = mapMachine({ ToleratedFailureCount: 1 }, distributed(workProcessor));
      const { result, events } = await run(definition, [1, 2, 3, 4], { taskHandler: failFor((input) => (input as number) % 2 === 0) });
      expect(result).to.include({ status: "FAILED", error: "States.ExceedToleratedFailureThreshold", cause: "The specified tolerated failure threshold was exceeded" });
      expect(ofType(events, "MapRunFailed")[0].mapRunFailedEventDetails).to.deep.equal({ error: "States.ExceedToleratedFailureThreshold", cause: "The specified tolerated failure threshold was exceeded" });
    });

    it("succeeds while failures stay within ToleratedFailureCount", async () => {
      const definition = mapMachine({ ToleratedFailureCount: 2 }, distributed(workProcessor));
      const { result } = await run(definition, [1, 2, 3, 4], { taskHandler: failFor((input) => (input as number) % 2 === 0) });
      expect(result.status).to.equal("SUCCEEDED");
    });

    it("fails past ToleratedFailurePercentage and succeeds at it", async () => {
      const handler = failFor((input) => (input as number) <= 1);
      const over = await run(mapMachine({ ToleratedFailurePercentage: 20 }, distributed(workProcessor)), [1, 2, 3, 4], { taskHandler: handler });
      expect(over.result.error).to.equal("States.ExceedToleratedFailureThreshold");
      const at = await run(mapMachine({ ToleratedFailurePercentage: 25 }, distributed(workProcessor)), [1, 2, 3, 4], { taskHandler: handler });
      expect(at.result.status).to.equal("SUCCEEDED");
    });

    it("fails on the first failed child when no failure is tolerated", async () => {
      const { result } = await run(mapMachine({}, distributed(workProcessor)), [1, 2], { taskHandler: failFor((input) => input === 2) });
      expect(result.error).to.equal("States.ExceedToleratedFailureThreshold");
    });

    it("hands every child's outcome to the resultWriter option and returns what it gives", async () => {
      let request: ResultWriterRequest | undefined;
      const definition = mapMachine(
        { ToleratedFailureCount: 5, ResultWriter: { Resource: "arn:aws:states:::s3:putObject", Parameters: { Bucket: "out", Prefix: "runs" } } },
        distributed(workProcessor),
      );
      const { result } = await run(definition, [1, 2, 3], {
        taskHandler: failFor((input) => input === 2),
        resultWriter: async (req) => {
          request = req;
          return { MapRunArn: req.mapRunArn, ResultWriterDetails: { Bucket: "out", Key: "runs/manifest.json" } };
        },
      });
      expect(result.status).to.equal("SUCCEEDED");
      expect(request?.arguments).to.deep.equal({ Bucket: "out", Prefix: "runs" });
      expect(request?.results.map((r) => r.status)).to.deep.equal(["SUCCEEDED", "FAILED", "SUCCEEDED"]);
      expect(request?.results[1]).to.include({ error: "Item.Bad", cause: "bad item 2" });
      expect(request?.results[0]).to.deep.include({ input: 1, output: 1 });
      expect(result.output).to.deep.equal({ MapRunArn: request?.mapRunArn, ResultWriterDetails: { Bucket: "out", Key: "runs/manifest.json" } });
    });

    it("fails with States.ResultWriterFailed when the writer fails", async () => {
      const definition = mapMachine({ ResultWriter: { Resource: "arn:aws:states:::s3:putObject", Parameters: { Bucket: "out", Prefix: "p" } } }, distributed(workProcessor));
      const { result } = await run(definition, [1], {
        taskHandler: async ({ input }) => input,
        resultWriter: async () => {
          throw new Error("Access Denied");
        },
      });
      expect(result).to.include({ status: "FAILED", error: "States.ResultWriterFailed" });
    });

    it("runs each item as a child execution with its own context", async () => {
      const definition = mapMachine({}, distributed({ StartAt: "P", States: { P: { Type: "Pass", Parameters: { "execution.$": "$$.Execution.Id", "value.$": "$" }, End: true } } }));
      const { result, execution } = await run(definition, ["a", "b"]);
      const outputs = result.output as { execution: string; value: string }[];
      expect(outputs.map((o) => o.value)).to.deep.equal(["a", "b"]);
      expect(outputs[0].execution).to.not.equal(outputs[1].execution);
      for (const output of outputs) {
        expect(output.execution).to.match(/^arn:aws:states:us-east-1:123456789012:execution:local\/M:/);
        expect(output.execution).to.not.equal(execution.executionArn);
      }
    });

    it("respects MaxConcurrency across child executions", async () => {
      let running = 0;
      let most = 0;
      await run(mapMachine({ MaxConcurrency: 3 }, distributed(workProcessor)), Array.from({ length: 9 }, (_, index) => index), {
        taskHandler: async ({ input }) => {
          running++;
          most = Math.max(most, running);
          await new Promise((resolve) => setTimeout(resolve, 10));
          running--;
          return input;
        },
      });
      expect(most).to.equal(3);
    });
  });

  describe("distributed, on the virtual clock and with tolerance from the input", () => {
    it("holds the virtual clock while the ItemReader and ResultWriter work, so a machine TimeoutSeconds does not trip", async () => {
      const slow = <T>(value: T) => new Promise<T>((resolve) => setTimeout(() => resolve(value), 50));
      const definition = {
        TimeoutSeconds: 3600,
        ...mapMachine({
          ItemReader: { Resource: "arn:aws:states:::s3:getObject", Parameters: { Bucket: "b", Key: "k" } },
          ResultWriter: { Resource: "arn:aws:states:::s3:putObject", Parameters: { Bucket: "b", Prefix: "out" } },
          ItemProcessor: distributed({ StartAt: "P", States: { P: { Type: "Pass", End: true } } }),
        }),
      };
      const { result } = await run(definition as StateMachineDefinition, {}, {
        itemReader: () => slow([1, 2]),
        resultWriter: ({ results }) => slow({ written: results.length }),
      });
      expect(result).to.deep.include({ status: "SUCCEEDED", output: { written: 2 } });
    });

    it("reads ToleratedFailureCountPath from the input, and stops starting items once the failures exceed it", async () => {
      const started: Json[] = [];
      const definition = mapMachine({ ToleratedFailureCountPath: "$.tolerate", ItemsPath: "$.items", MaxConcurrency: 1, ItemProcessor: distributed(workProcessor) });
      const handler: TaskHandler = async ({ input }) => {
        started.push(input);
        throw Object.assign(new Error("no"), { name: "Item.Bad" });
      };
      const { result } = await run(definition, { tolerate: 1, items: [1, 2, 3, 4, 5] }, { taskHandler: handler });
      expect(result).to.deep.include({ status: "FAILED", error: "States.ExceedToleratedFailureThreshold" });
      expect(started).to.deep.equal([1, 2]);
    });

    it("refuses a tolerated percentage over 100", async () => {
      const definition = mapMachine({ ToleratedFailurePercentagePath: "$.percent", ItemProcessor: distributed(workProcessor), ItemsPath: "$.items" });
      const { result } = await run(definition, { percent: 150, items: [1] }, { taskHandler: async ({ input }) => input });
      expect(result).to.deep.include({ status: "FAILED", error: "States.Runtime" });
      expect(result.cause).to.include("ToleratedFailurePercentage must be a number from 0 to 100, but was '150'");
    });
  });
});
