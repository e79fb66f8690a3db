import { type Plan, type PlanOptions, runPlan } from "./plan";

/**
 * Each stack's offline plan, computed once per cache and one at a time: the program runs under process-wide
 * mocks, so two plans may never run at once. The local runner takes this as its `plans` source.
 * @param options passed to every {@link runPlan}.
 * @returns `stack → Promise<plan>`; a failed plan is not cached.
 * @throws (from the returned function) whatever {@link runPlan} throws.
 */
export function planCache(options: PlanOptions = {}): (stack: string) => Promise<Plan> {
  const plans = new Map<string, Plan>();
  let queue: Promise<unknown> = Promise.resolve();
  return (stack) => {
    const cached = plans.get(stack);
    if (cached) return Promise.resolve(cached);
    const next = queue.then(async () => plans.get(stack) ?? (await runPlan(stack, options)));
    queue = next.catch(() => undefined);
    return next.then((plan) => {
      plans.set(stack, plan);
      return plan;
    });
  };
}
