/**
 * An escape hatch: a function that adjusts a child resource's arguments before it is registered, as SST's
 * `transform` does. Every component offers one per child, roles included.
 */
export type Transform<T> = (args: T) => T;

/**
 * Applies an optional transform.
 * @param transform the user's transform, if any.
 * @param args the arguments the component built.
 * @returns the arguments to register the child with.
 */
export function transformed<T>(transform: Transform<T> | undefined, args: T): T {
  return transform ? transform(args) : args;
}
