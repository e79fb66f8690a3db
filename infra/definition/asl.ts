/**
 * The parts of the Amazon States Language this project reads, and a walk over every State of a definition.
 * @see https://states-language.net/spec.html
 */

/** Any JSON value. */
export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/** A State, with the fields the platform reads; every other field is kept as it is. */
export interface AslState {
  Type: "Task" | "Choice" | "Pass" | "Parallel" | "Map" | "Wait" | "Succeed" | "Fail";
  Resource?: string;
  Parameters?: Json;
  Arguments?: Json;
  Credentials?: { RoleArn?: string; "RoleArn.$"?: string };
  QueryLanguage?: "JSONPath" | "JSONata";
  Branches?: AslStateMachine[];
  ItemProcessor?: AslStateMachine & { ProcessorConfig?: { Mode?: "INLINE" | "DISTRIBUTED"; ExecutionType?: string } };
  Iterator?: AslStateMachine;
  ItemReader?: { Resource?: string; Parameters?: Json; Arguments?: Json; [field: string]: unknown };
  ResultWriter?: { Resource?: string; Parameters?: Json; Arguments?: Json; [field: string]: unknown };
  [field: string]: unknown;
}

/** A state machine, or a Parallel branch, or a Map's ItemProcessor: `StartAt` and `States`. */
export interface AslStateMachine {
  StartAt: string;
  States: Record<string, AslState>;
  QueryLanguage?: "JSONPath" | "JSONata";
  Comment?: string;
  [field: string]: unknown;
}

/** One State met by {@link walkStates}. */
export interface VisitedState {
  /** The State's name (unique across the whole definition, as ASL requires). */
  name: string;
  state: AslState;
  /** The query language in force for this State: its own, else the definition's top-level one, else JSONPath. */
  queryLanguage: "JSONPath" | "JSONata";
  /** The enclosing Parallel and Map States, outermost first (empty at the top level). */
  enclosing: string[];
}

/**
 * Visits every State of a definition, depth first: top-level States, then the States of each Parallel branch
 * and each Map's ItemProcessor (or legacy Iterator), at any depth.
 *
 * @param definition a parsed ASL definition.
 * @returns the visited States, in document order.
 */
export function walkStates(definition: AslStateMachine): VisitedState[] {
  const visited: VisitedState[] = [];
  // As in Step Functions, a State without QueryLanguage uses the top-level one, however deeply it is nested.
  const topLevel = definition.QueryLanguage ?? "JSONPath";
  const visit = (machine: AslStateMachine, enclosing: string[]) => {
    for (const [name, state] of Object.entries(machine.States ?? {})) {
      visited.push({ name, state, queryLanguage: state.QueryLanguage ?? topLevel, enclosing });
      for (const branch of state.Branches ?? []) visit(branch, [...enclosing, name]);
      const processor = state.ItemProcessor ?? state.Iterator;
      if (processor) visit(processor, [...enclosing, name]);
    }
  };
  visit(definition, []);
  return visited;
}
