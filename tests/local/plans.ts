import { planCache } from "../../offline/plan-cache";

/**
 * The shipped stacks' offline plans, computed once for the whole mocha process (each plan runs the real program
 * under mocks, about a second): the policies every local run in the tests is authorized against.
 */
export const plans = planCache();
