import { producerStackOf, readStackFile } from "../infra/config";
import { type Plan, type PlanOptions, runPlan } from "./plan";

/**
 * Each stack's offline plan, computed once per cache and one at a time: the program runs under process-wide
 * mocks, so two plans may never run at once. A consumer's StackReference is answered by its producer's plan from
 * the same cache. The local runner takes this as its `plans` source.
 * @param options passed to every {@link runPlan}.
 * @returns `stack → Promise<plan>`; a failed plan is not cached.
 * @throws (from the returned function) whatever {@link runPlan} throws.
 */
export function planCache(options: PlanOptions = {}): (stack: string) => Promise<Plan> {
  const plans = new Map<string, Plan>();
  let queue: Promise<unknown> = Promise.resolve();
  /**
   * A consumer's StackReference answered by the producer's plan from this cache (planned first, when it is not yet),
   * not by a second plan of the producer inside the consumer's.
   */
  const producerOutputs = async (stack: string): Promise<Record<string, Record<string, unknown>> | undefined> => {
    if (options.stackReferences) return options.stackReferences;
    const config = readStackFile(stack, options.root).config;
    const producer = config.producerStack ? producerStackOf(config) : undefined;
    if (!producer || producer.project !== (options.project ?? "statecraft")) return undefined;
    const plan = plans.get(producer.stack) ?? (await runPlan(producer.stack, options));
    plans.set(producer.stack, plan);
    return { [config.producerStack!]: plan.outputs };
  };
  return (stack) => {
    const cached = plans.get(stack);
    if (cached) return Promise.resolve(cached);
    const next = queue.then(async () => plans.get(stack) ?? (await runPlan(stack, { ...options, stackReferences: await producerOutputs(stack) })));
    queue = next.catch(() => undefined);
    return next.then((plan) => {
      plans.set(stack, plan);
      return plan;
    });
  };
}
