/**
 * Runtime features the bench's anchor interpreter needs that Node.js 20 lacks. Import this module before
 * `aws-local-stepfunctions`: version 3.0.0 calls `Promise.withResolvers` (Node.js 22+) in every Task state, and
 * the project supports Node.js >= 20.19.
 *
 * Importing it has one side effect, idempotent and spec-conformant: it defines `Promise.withResolvers` when the
 * runtime does not.
 * @see https://developer.mozilla.org/en-US/docs/Web/JavaScript/Reference/Global_Objects/Promise/withResolvers
 */

/** What `Promise.withResolvers()` returns. */
export interface PromiseWithResolvers<T> {
  promise: Promise<T>;
  resolve: (value: T | PromiseLike<T>) => void;
  reject: (reason?: unknown) => void;
}

/**
 * A promise together with the functions that settle it, as ES2024 `Promise.withResolvers()` returns.
 *
 * @returns `{promise, resolve, reject}`; never throws.
 * @see https://tc39.es/proposal-promise-with-resolvers/
 */
export function withResolvers<T>(): PromiseWithResolvers<T> {
  let resolve!: (value: T | PromiseLike<T>) => void;
  let reject!: (reason?: unknown) => void;
  const promise = new Promise<T>((onResolve, onReject) => {
    resolve = onResolve;
    reject = onReject;
  });
  return { promise, resolve, reject };
}

const PromiseConstructor = Promise as PromiseConstructor & { withResolvers?: <T>() => PromiseWithResolvers<T> };
if (typeof PromiseConstructor.withResolvers !== "function") {
  Object.defineProperty(Promise, "withResolvers", {
    value: function withResolversPolyfill<T>(this: PromiseConstructor): PromiseWithResolvers<T> {
      return withResolvers<T>();
    },
    writable: true,
    configurable: true,
    enumerable: false,
  });
}
