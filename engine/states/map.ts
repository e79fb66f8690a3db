import { randomUUID } from "node:crypto";
import { STATES_ERRORS, StatesError } from "../errors";
import { effectiveInput, jsonataField, readField, type StateData, statePrefix, template } from "../dataflow";
import type { ExecutionResult, Json, JsonObject, StateMachineDefinition } from "../types";
import { type Frame, languageOf, newFrame, type StateOutcome } from "./frame";
import { isTracking } from "../clock";
import { runAll } from "./parallel";
import { withRetryAndCatch } from "./retry-catch";

/**
 * Map, inline and distributed.
 * - Items come from `ItemsPath` (JSONPath, default `$`), `Items` (JSONata) or, for a distributed Map, the
 *   `ItemReader` the runner serves (`MaxItems` applied here).
 * - Each item goes through `ItemSelector` (or the legacy `Parameters`), which reads `$$.Map.Item.Index`/`Value`.
 * - Inline: every iteration runs `ItemProcessor` (or the legacy `Iterator`) in its own lane and variable scope,
 *   at most `MaxConcurrency` at once (0: no limit), between MapIterationStarted and MapIterationSucceeded; the
 *   first failure stops the rest (MapIterationAborted) and fails the State with the iteration's error.
 * - Distributed: items are batched by `ItemBatcher`, and each item or batch runs as a child execution of its own
 *   (no outer variables); failures up to `ToleratedFailureCount`/`ToleratedFailurePercentage` are tolerated, more
 *   fail the State with `States.ExceedToleratedFailureThreshold`; `ResultWriter` writes the results.
 * @see https://docs.aws.amazon.com/step-functions/latest/dg/state-map.html
 */
export async function runMap(base: StateData): Promise<StateOutcome> {
  const distributed = base.state.ItemProcessor?.ProcessorConfig?.Mode === "DISTRIBUTED" || base.state.ItemReader !== undefined;
  return withRetryAndCatch(base, (data) => (distributed ? runDistributed(data) : runInline(data)));
}

async function itemsOf(data: StateData, effective: Json): Promise<Json[]> {
  const { state } = data;
  let items: Json;
  if (languageOf(data.frame, state) === "JSONata") items = state.Items === undefined ? data.input : await jsonataField(data, "Items", state.Items);
  else items = state.ItemsPath === undefined ? effective : readField(data, "ItemsPath", state.ItemsPath, effective);
  if (!Array.isArray(items)) {
    throw new StatesError(STATES_ERRORS.Runtime, `${statePrefix(data)} The ${languageOf(data.frame, state) === "JSONata" ? "Items" : "ItemsPath"} field must select an array, but it selected '${JSON.stringify(items)}'.`);
  }
  return items;
}

async function concurrencyOf(data: StateData, effective: Json): Promise<number> {
  const { state } = data;
  let value: Json | undefined = state.MaxConcurrency;
  if (typeof value === "string" && languageOf(data.frame, state) === "JSONata") value = await jsonataField(data, "MaxConcurrency", value);
  else if (state.MaxConcurrencyPath !== undefined) value = readField(data, "MaxConcurrencyPath", state.MaxConcurrencyPath, effective);
  if (value === undefined) return 0;
  if (typeof value !== "number" || !Number.isInteger(value) || value < 0) {
    throw new StatesError(STATES_ERRORS.Runtime, `${statePrefix(data)} MaxConcurrency must be a non-negative integer, but was '${JSON.stringify(value)}'.`);
  }
  return value;
}

/** The input of iteration `index`: the item through ItemSelector (or Parameters), or the item itself. */
async function iterationInput(data: StateData, effective: Json, item: Json, index: number): Promise<Json> {
  const { state, frame } = data;
  const selector = state.ItemSelector ?? state.Parameters;
  if (selector === undefined) return item;
  const itemFrame = newFrame(frame.run, frame.lane, frame.variables, frame.queryLanguage, frame.signal, { Index: index, Value: item });
  const itemData = data.with({ frame: itemFrame });
  if (languageOf(frame, state) === "JSONata") return jsonataField(itemData, "ItemSelector", selector);
  return template(itemData, "ItemSelector", selector, effective);
}

function processorOf(data: StateData): StateMachineDefinition {
  const processor = (data.state.ItemProcessor ?? data.state.Iterator) as StateMachineDefinition;
  return processor;
}

async function runInline(data: StateData): Promise<Json> {
  const { frame, name } = data;
  const run = frame.run;
  const effective = effectiveInput(data);
  const items = await itemsOf(data, effective);
  const concurrency = await concurrencyOf(data, effective);
  const inputs: Json[] = [];
  for (const [index, item] of items.entries()) inputs.push(await iterationInput(data, effective, item, index));
  run.history.add(frame.lane, { type: "MapStateStarted", mapStateStartedEventDetails: { length: items.length } });
  const processor = processorOf(data);
  const outcome = await runAll(
    frame,
    items.length,
    async (inner, index) => {
      const output = await run.runMachine(processor, inputs[index], inner);
      run.history.add(inner.lane, { type: "MapIterationSucceeded", mapIterationSucceededEventDetails: { name, index } });
      return output;
    },
    (index, inner) => run.history.add(inner.lane, { type: "MapIterationAborted", mapIterationAbortedEventDetails: { name, index } }),
    {
      concurrency,
      mapItemOf(index) {
        return { Index: index, Value: items[index] };
      },
      beforeStart(index, inner) {
        run.history.add(inner.lane, { type: "MapIterationStarted", mapIterationStartedEventDetails: { name, index } });
      },
      // In the failed iteration's lane, before the others record their abort (as Step Functions orders them).
      onFailed(index, inner) {
        run.history.add(inner.lane, { type: "MapIterationFailed", mapIterationFailedEventDetails: { name, index } });
      },
    },
  );
  if (outcome.failed) {
    run.history.add(frame.lane, { type: "MapStateFailed" });
    throw outcome.error;
  }
  run.history.add(frame.lane, { type: "MapStateSucceeded" });
  return outcome.outputs;
}

async function readerItems(data: StateData, effective: Json): Promise<Json[]> {
  const { state, frame } = data;
  const reader = state.ItemReader as JsonObject;
  const jsonata = languageOf(frame, state) === "JSONata";
  const body = (jsonata ? reader.Arguments : reader.Parameters) ?? {};
  const args = (jsonata ? await jsonataField(data, "ItemReader/Arguments", body) : template(data, "ItemReader.Parameters", body, effective)) as JsonObject;
  const readerConfig = (reader.ReaderConfig ?? {}) as JsonObject;
  const handler = frame.run.options.itemReader;
  if (!handler) throw new StatesError(STATES_ERRORS.ItemReaderFailed, `No item reader serves ${String(reader.Resource)}.`);
  let items: Json[];
  try {
    // The reader works in real time (S3 calls): the virtual clock holds still meanwhile, as for a Task handler.
    items = await busy(frame, handler({ stateName: data.name, resource: String(reader.Resource), arguments: args, readerConfig }));
  } catch (thrown) {
    throw new StatesError(STATES_ERRORS.ItemReaderFailed, (thrown as Error).message ?? String(thrown));
  }
  let max: Json | undefined = readerConfig.MaxItems;
  if (readerConfig.MaxItemsPath !== undefined) max = readField(data, "ItemReader.ReaderConfig.MaxItemsPath", readerConfig.MaxItemsPath as string, effective);
  if (typeof max === "string" && jsonata) max = await jsonataField(data, "ItemReader/ReaderConfig/MaxItems", max);
  return typeof max === "number" && max > 0 ? items.slice(0, max) : items;
}

/** Items in batches, as `ItemBatcher` asks: `{ Items: [...], BatchInput? }`. */
async function batches(data: StateData, effective: Json, items: Json[]): Promise<Json[]> {
  const batcher = data.state.ItemBatcher as JsonObject | undefined;
  if (!batcher) return items;
  const maxItems = typeof batcher.MaxItemsPerBatch === "number" ? batcher.MaxItemsPerBatch : Infinity;
  const maxBytes = typeof batcher.MaxInputBytesPerBatch === "number" ? batcher.MaxInputBytesPerBatch : 262144;
  const batchInput = batcher.BatchInput === undefined ? undefined : languageOf(data.frame, data.state) === "JSONata" ? await jsonataField(data, "ItemBatcher/BatchInput", batcher.BatchInput) : template(data, "ItemBatcher.BatchInput", batcher.BatchInput, effective);
  const out: Json[] = [];
  let current: Json[] = [];
  const bytes = (list: Json[]) => Buffer.byteLength(JSON.stringify({ Items: list, ...(batchInput !== undefined ? { BatchInput: batchInput } : {}) }));
  for (const item of items) {
    if (current.length > 0 && (current.length >= maxItems || bytes([...current, item]) > maxBytes)) {
      out.push({ Items: current, ...(batchInput !== undefined ? { BatchInput: batchInput } : {}) });
      current = [];
    }
    current.push(item);
  }
  if (current.length > 0) out.push({ Items: current, ...(batchInput !== undefined ? { BatchInput: batchInput } : {}) });
  return out;
}

async function runDistributed(data: StateData): Promise<Json> {
  const { frame, state, name } = data;
  const run = frame.run;
  const effective = effectiveInput(data);
  const items = state.ItemReader !== undefined ? await readerItems(data, effective) : await itemsOf(data, effective);
  const selected: Json[] = [];
  for (const [index, item] of items.entries()) selected.push(await iterationInput(data, effective, item, index));
  const inputs = await batches(data, effective, selected);
  // 0 (the default) means as many as Step Functions runs at once: 10,000 child executions.
  const concurrency = (await concurrencyOf(data, effective)) || 10_000;
  const machineName = String(run.contextBase.StateMachine.Name);
  const label = String(state.Label ?? name);
  const id = randomUUID();
  const prefix = `arn:${run.partition}:states:${run.region}:${run.account}`;
  const mapRunArn = `${prefix}:mapRun:${machineName}/${label}:${id}`;
  run.history.add(frame.lane, { type: "MapRunStarted", mapRunStartedEventDetails: { mapRunArn } });
  const processor = processorOf(data);
  const childType = (processor as { ProcessorConfig?: { ExecutionType?: string } }).ProcessorConfig?.ExecutionType === "EXPRESS" ? "EXPRESS" : "STANDARD";
  const results: (ExecutionResult & { executionArn: string; input: Json; startDate: Date })[] = new Array(inputs.length);
  const toleratedCount = await tolerance(data, effective, "ToleratedFailureCount");
  const toleratedPercentage = await tolerance(data, effective, "ToleratedFailurePercentage");
  let failed = 0;
  // Step Functions fails the Map Run as soon as the failures exceed what is tolerated (either threshold), without
  // starting the remaining items; with neither given, one failure is too many.
  const exceededBy = (count: number) =>
    count > 0 &&
    ((toleratedCount === undefined && toleratedPercentage === undefined) ||
      (toleratedCount !== undefined && count > toleratedCount) ||
      (toleratedPercentage !== undefined && (count / Math.max(1, inputs.length)) * 100 > toleratedPercentage));
  let next = 0;
  const worker = async () => {
    while (next < inputs.length && !frame.signal.aborted && !exceededBy(failed)) {
      const index = next++;
      const executionArn = `${prefix}:execution:${machineName}/${label}:${randomUUID()}`;
      const child = run.startChildExecution({ ...processor, QueryLanguage: processor.QueryLanguage ?? frame.queryLanguage }, inputs[index], {
        ...(run.options.context ?? {}),
        executionArn,
        name: executionArn.split(":").pop(),
        type: childType,
        stateMachineArn: `${prefix}:stateMachine:${machineName}/${label}`,
        stateMachineName: `${machineName}/${label}`,
      });
      const unlisten = frame.signal.listen(() => child.stop("States.Aborted", "The Map Run was stopped."));
      results[index] = { ...(await child.result), executionArn, input: inputs[index], startDate: child.startDate };
      if (results[index].status !== "SUCCEEDED") failed++;
      unlisten();
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, inputs.length) }, worker));
  if (frame.signal.aborted) throw frame.signal.reason;
  const exceeded = exceededBy(failed);
  const finished = results.filter((r) => r !== undefined);
  let result: Json = finished.map((r) => (r.status === "SUCCEEDED" ? (r.output ?? null) : { Error: r.error ?? null, Cause: r.cause ?? null }));
  if (state.ResultWriter !== undefined) {
    const writer = state.ResultWriter as JsonObject;
    const jsonata = languageOf(frame, state) === "JSONata";
    const body = (jsonata ? writer.Arguments : writer.Parameters) ?? {};
    const args = (jsonata ? await jsonataField(data, "ResultWriter/Arguments", body) : template(data, "ResultWriter.Parameters", body, effective)) as JsonObject;
    const handler = run.options.resultWriter;
    try {
      if (!handler) throw new Error(`No result writer serves ${String(writer.Resource ?? "ResultWriter")}.`);
      result = await busy(frame, handler({
        stateName: name,
        ...(writer.Resource !== undefined ? { resource: String(writer.Resource) } : {}),
        arguments: args,
        writerConfig: (writer.WriterConfig ?? {}) as JsonObject,
        mapRunArn,
        results: finished.map((r) => ({ status: r.status, input: r.input, executionArn: r.executionArn, startDate: r.startDate, stopDate: r.stopDate, ...(r.output !== undefined ? { output: r.output } : {}), ...(r.error !== undefined ? { error: r.error } : {}), ...(r.cause !== undefined ? { cause: r.cause } : {}) })),
      }));
    } catch (thrown) {
      const error = new StatesError(STATES_ERRORS.ResultWriterFailed, (thrown as Error).message ?? String(thrown));
      run.history.add(frame.lane, { type: "MapRunFailed", mapRunFailedEventDetails: { error: error.error, cause: error.causeText } });
      throw error;
    }
  }
  if (exceeded) {
    const error = new StatesError(STATES_ERRORS.ExceedToleratedFailureThreshold, "The specified tolerated failure threshold was exceeded");
    run.history.add(frame.lane, { type: "MapRunFailed", mapRunFailedEventDetails: { error: error.error, cause: error.causeText } });
    throw error;
  }
  run.history.add(frame.lane, { type: "MapRunSucceeded" });
  return result;
}

/** Holds a virtual clock still while a reader or writer works in real time (it is not waiting on time). */
function busy<T>(frame: Frame, work: Promise<T>): Promise<T> {
  const clock = frame.run.clock;
  return isTracking(clock) ? clock.track(work) : work;
}

/**
 * `ToleratedFailureCount` or `ToleratedFailurePercentage`: a number, a `…Path` (JSONPath) or a `{% %}` expression
 * (JSONata); `undefined` when not given.
 * @throws StatesError `States.Runtime` for a value that is not a non-negative number (a percentage at most 100).
 */
async function tolerance(data: StateData, effective: Json, field: "ToleratedFailureCount" | "ToleratedFailurePercentage"): Promise<number | undefined> {
  const { state } = data;
  let value: Json | undefined = state[field];
  if (typeof value === "string" && languageOf(data.frame, state) === "JSONata") value = await jsonataField(data, field, value);
  else if (state[`${field}Path`] !== undefined) value = readField(data, `${field}Path`, state[`${field}Path`], effective);
  if (value === undefined) return undefined;
  const limit = field === "ToleratedFailurePercentage" ? 100 : Infinity;
  if (typeof value !== "number" || value < 0 || value > limit || (field === "ToleratedFailureCount" && !Number.isInteger(value))) {
    throw new StatesError(STATES_ERRORS.Runtime, `${statePrefix(data)} ${field} must be ${field === "ToleratedFailureCount" ? "a non-negative integer" : "a number from 0 to 100"}, but was '${JSON.stringify(value)}'.`);
  }
  return value;
}
