import type { AslStateMachine } from "../infra/definition/asl";
import { validateAsl } from "../infra/definition/validate";

/**
 * Definitions that once made validation slow, and their validation times: ours (`validateAsl`) beside
 * asl-validator's own entry function (the anchor, which compiles its schemas on every call and validates a
 * definition whole, doubling its work at each level of Parallel nesting).
 */

/** A Parallel nested `depth` levels deep, one branch each, a Pass at the bottom. */
export function nestedParallel(depth: number): AslStateMachine {
  let machine: AslStateMachine = { StartAt: "Leaf", States: { Leaf: { Type: "Pass", End: true } } };
  for (let level = 1; level <= depth; level++) machine = { StartAt: `Level ${level}`, States: { [`Level ${level}`]: { Type: "Parallel", Branches: [machine], End: true } } };
  return machine;
}

/** `count` Pass States in a row, then a Succeed. */
export function longMachine(count: number): AslStateMachine {
  const states = Object.fromEntries(Array.from({ length: count }, (_, i) => [`Step ${i}`, i === count - 1 ? { Type: "Succeed" as const } : { Type: "Pass" as const, Next: `Step ${i + 1}` }]));
  return { StartAt: "Step 0", States: states };
}

/** One timing: ours and, where it finishes in reasonable time, the anchor's, in milliseconds. */
export interface ValidationTiming {
  label: string;
  ours: number;
  anchor?: number;
}

/**
 * Times validation of the 40-deep Parallel and the 2,000-State definition (the targets: under 200 ms each), and of
 * a 16-deep Parallel beside the anchor (40 levels would take the anchor about 2^24 times its 16-level time).
 * @param runs how many runs; the median is kept.
 */
export function validationTimings(runs: number): ValidationTiming[] {
  const aslValidator = require("asl-validator") as (definition: unknown) => { isValid: boolean };
  const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
  const time = (run: () => unknown) =>
    median(
      Array.from({ length: runs }, () => {
        const start = performance.now();
        run();
        return performance.now() - start;
      }),
    );
  validateAsl(nestedParallel(1)); // compile the schemas once, as every later call reuses them
  const cases: [string, AslStateMachine, boolean][] = [
    ["Parallel nested 16 deep", nestedParallel(16), true],
    ["Parallel nested 40 deep", nestedParallel(40), false],
    ["2,000 States", longMachine(2000), true],
  ];
  return cases.map(([label, definition, withAnchor]) => ({
    label,
    ours: time(() => validateAsl(definition)),
    ...(withAnchor ? { anchor: time(() => aslValidator(structuredClone(definition))) } : {}),
  }));
}
