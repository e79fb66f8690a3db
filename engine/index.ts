/**
 * The ASL engine's public API: our own interpreter of the Amazon States Language, pure (no AWS calls, no Pulumi,
 * no I/O). The local runner, the Step Functions endpoint and the tests all drive it through `startExecution`.
 *
 * ```ts
 * const execution = startExecution(definition, { orderId: "42" }, { taskHandler: async ({ resource, input }) => ({ ok: true }) });
 * const { status, output } = await execution.result;
 * const events = execution.history(); // GetExecutionHistory events
 * ```
 * @see https://states-language.net/spec.html
 * @see https://docs.aws.amazon.com/step-functions/latest/dg/welcome.html
 */
export { startExecution, DEFAULT_MAX_TRANSITIONS, MAX_EXPRESS_SECONDS, MAX_HISTORY_EVENTS } from "./execution";
export { RealClock, VirtualClock } from "./clock";
export { StatesError, STATES_ERRORS, TaskTokenError } from "./errors";
export { resourceKind, type ResourceKind } from "./states/task";
export type * from "./types";
export { errorMatches, retryDelayMs, type Retrier, type Catcher } from "./states/errors";
