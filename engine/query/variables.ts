import type { Json } from "../types";

/**
 * Workflow variables (`Assign`) and their scopes. A Parallel branch or an inline Map iteration opens an inner
 * scope: it reads the variables of the scopes around it, and what it assigns stays inside it. A Distributed Map's
 * child workflows start with no variables at all.
 * @see https://docs.aws.amazon.com/step-functions/latest/dg/workflow-variables.html
 */
export class Variables {
  /** This scope's own variables (made at the first assignment: most scopes assign nothing). */
  private own?: Map<string, Json>;

  /** @param parent the enclosing scope, read through but never written. */
  constructor(private readonly parent?: Variables) {}

  /** Whether a variable is visible from this scope. */
  has(name: string): boolean {
    return (this.own?.has(name) ?? false) || (this.parent?.has(name) ?? false);
  }

  /** A visible variable's value, or `undefined`. */
  get(name: string): Json | undefined {
    return this.own?.has(name) ? this.own.get(name) : this.parent?.get(name);
  }

  /** Assigns variables in this scope, all at once (an `Assign` block's values are evaluated first). */
  assign(values: Record<string, Json>): void {
    const own = (this.own ??= new Map());
    for (const [name, value] of Object.entries(values)) own.set(name, value);
  }

  /** An inner scope (a Parallel branch, an inline Map iteration). */
  inner(): Variables {
    return new Variables(this);
  }

  /** Every visible variable, the innermost winning: the bindings a JSONata expression sees. */
  all(): Record<string, Json> {
    return { ...(this.parent?.all() ?? {}), ...(this.own ? Object.fromEntries(this.own) : {}) };
  }
}
