/**
 * An ASL definition as a graph to draw: its States (with their types, Retry notes and the resources they call), the
 * transitions between them (Next, Choice rules, Default, Catch, Retry, Start and End) and the clusters of its
 * Parallel branches and Map processors. Plain functions of data: `dot.ts` and `mermaid.ts` write the model out.
 * @see https://states-language.net/spec.html
 */
import type { AslState, AslStateMachine } from "../definition/asl";

/** The ASL State types. */
export type StateType = "Task" | "Choice" | "Pass" | "Wait" | "Succeed" | "Fail" | "Parallel" | "Map";

/** One Retrier of a State, as a note on its node. */
export interface RetryNote {
  /** The errors it retries. */
  errors: string[];
  /** @default 3 (ASL's) */
  maxAttempts: number;
  /** @default 1 (ASL's) */
  intervalSeconds: number;
  /** @default 2 (ASL's) */
  backoffRate: number;
}

/** A State of the diagram. */
export interface DiagramState {
  /** The node's identifier in DOT and Mermaid: `s0`, `s1`, ... in document order. */
  id: string;
  /** The State's name (unique across the definition, as ASL requires). */
  name: string;
  type: StateType;
  /** The scope ({@link DiagramScope.id}) the State belongs to. */
  scope: string;
  /** The resources a Task calls, one `field: value` line each (`Resource`, `FunctionName`, `TableName`, ...). */
  resources: string[];
  retry: RetryNote[];
}

/**
 * What a transition means: `start` (a scope's Start marker to its StartAt), `next`, `choice` (a Choice rule),
 * `default` (a Choice's Default), `catch`, `retry` (a self-loop), `end` (a terminal State to its scope's End
 * marker) and `branch` (a Parallel or Map State to the Start marker of a branch or its processor).
 */
export type EdgeKind = "start" | "next" | "choice" | "default" | "catch" | "retry" | "end" | "branch";

/** A transition of the diagram. */
export interface DiagramEdge {
  /** Node identifiers: a {@link DiagramState.id} or a scope's {@link DiagramScope.start}/{@link DiagramScope.end}. */
  from: string;
  to: string;
  kind: EdgeKind;
  /** The rule (`$.amount >= 5000`), `Default`, `Catch: States.ALL`, `Retry ×3` (its errors in the tooltip), `branch 1`. */
  label?: string;
  /** For `catch` and `retry`: the ErrorEquals. */
  errors?: string[];
}

/** The whole machine, a Parallel branch or a Map's ItemProcessor: drawn as a cluster, except the machine. */
export interface DiagramScope {
  /** `main`, or `<owner id>_b<i>` for a branch, `<owner id>_p` for a processor. */
  id: string;
  kind: "machine" | "branch" | "processor";
  /** `credit-approval`, `Verify applicant's identity · branch 1`, `Get scores · ItemProcessor`. */
  label: string;
  /** The Parallel or Map State it belongs to. */
  owner?: string;
  /** The identifiers of its Start and End markers. */
  start: string;
  end: string;
  /** Its own States' identifiers, in document order. */
  states: string[];
  /** The scopes of its Parallel and Map States. */
  scopes: DiagramScope[];
}

/** A definition as a graph: {@link buildGraph} makes it. */
export interface DiagramGraph {
  /** The workflow's name, as the diagram's title. */
  name: string;
  queryLanguage: "JSONPath" | "JSONata";
  root: DiagramScope;
  /** Every State, in document order (depth first, as `walkStates` visits them). */
  states: DiagramState[];
  edges: DiagramEdge[];
}

/** Options of {@link buildGraph}. */
export interface GraphOptions {
  /**
   * The placeholders' values the definition was rendered with (`renderWorkflow`'s `substitutions`): a resource
   * line that holds one is followed by the placeholder's name, e.g. `FunctionName: arn:… (${CreditLimitFunctionArn})`.
   */
  substitutions?: Record<string, string>;
}

/** The fields of a Task's Parameters/Arguments that name the resource it calls. */
const RESOURCE_FIELDS = ["FunctionName", "StateMachineArn", "TableName", "TopicArn", "QueueUrl", "SecretId", "Bucket", "EventBusName", "ApiEndpoint", "ClusterArn", "TaskDefinition", "JobDefinition", "JobQueue", "Name"];

/**
 * Turns an ASL definition into a {@link DiagramGraph}.
 * @param definition a parsed (typically rendered) ASL definition.
 * @param name the workflow's name.
 * @param options the substitutions, for the resources' tooltips.
 * @returns the graph; a transition to a State that does not exist is kept as an edge to nowhere, so render a
 *   validated definition (`renderWorkflow` validates).
 * @throws Error naming the State when a State has no `Type` the diagram knows.
 */
export function buildGraph(definition: AslStateMachine, name: string, options: GraphOptions = {}): DiagramGraph {
  const states: DiagramState[] = [];
  const edges: DiagramEdge[] = [];
  const queryLanguage = definition.QueryLanguage ?? "JSONPath";
  const ids = new Map<string, string>();
  // Identifiers first, so that a transition to a State later in the document finds its id.
  const number = (machine: AslStateMachine) => {
    for (const [stateName, state] of Object.entries(machine.States ?? {})) {
      ids.set(stateName, `s${ids.size}`);
      for (const branch of state.Branches ?? []) number(branch);
      const processor = state.ItemProcessor ?? state.Iterator;
      if (processor) number(processor);
    }
  };
  number(definition);
  const idOf = (stateName: string) => ids.get(stateName) ?? `missing_${stateName.replace(/\W/g, "_")}`;

  const visit = (machine: AslStateMachine, scope: DiagramScope) => {
    edges.push({ from: scope.start, to: idOf(machine.StartAt), kind: "start" });
    for (const [stateName, state] of Object.entries(machine.States ?? {})) {
      const id = idOf(stateName);
      const type = state.Type as StateType;
      if (!STATE_TYPES.has(type)) throw new Error(`State '${stateName}': no diagram for Type ${JSON.stringify(state.Type)}`);
      const language = (state.QueryLanguage as string | undefined) ?? queryLanguage;
      states.push({ id, name: stateName, type, scope: scope.id, resources: resourcesOf(state, options.substitutions ?? {}), retry: retryNotes(state) });
      scope.states.push(id);
      for (const retrier of retryNotes(state)) {
        edges.push({ from: id, to: id, kind: "retry", errors: retrier.errors, label: `Retry ×${retrier.maxAttempts}` });
      }
      if (type === "Choice") {
        for (const rule of (state.Choices as Record<string, unknown>[] | undefined) ?? []) {
          edges.push({ from: id, to: idOf(String(rule.Next)), kind: "choice", label: language === "JSONata" ? String(rule.Condition ?? "") : ruleText(rule) });
        }
        if (typeof state.Default === "string") edges.push({ from: id, to: idOf(state.Default), kind: "default", label: "Default" });
      }
      if (typeof state.Next === "string") edges.push({ from: id, to: idOf(state.Next), kind: "next" });
      for (const catcher of (state.Catch as { ErrorEquals?: string[]; Next?: string }[] | undefined) ?? []) {
        const errors = catcher.ErrorEquals ?? [];
        edges.push({ from: id, to: idOf(String(catcher.Next)), kind: "catch", errors, label: `Catch: ${shortList(errors)}` });
      }
      if (state.End === true || type === "Succeed" || type === "Fail") edges.push({ from: id, to: scope.end, kind: "end" });
      const children: [AslStateMachine, "branch" | "processor", string][] = [];
      (state.Branches ?? []).forEach((branch, index) => children.push([branch, "branch", `${id}_b${index}`]));
      const processor = state.ItemProcessor ?? state.Iterator;
      if (processor) children.push([processor, "processor", `${id}_p`]);
      children.forEach(([machine_, kind, childId], index) => {
        const child: DiagramScope = {
          id: childId,
          kind,
          label: kind === "branch" ? `${stateName} · branch ${index + 1}` : `${stateName} · ItemProcessor`,
          owner: id,
          start: `${childId}_start`,
          end: `${childId}_end`,
          states: [],
          scopes: [],
        };
        scope.scopes.push(child);
        edges.push({ from: id, to: child.start, kind: "branch", label: kind === "branch" ? `branch ${index + 1}` : "each item" });
        visit(machine_, child);
      });
    }
  };
  const root: DiagramScope = { id: "main", kind: "machine", label: name, start: "main_start", end: "main_end", states: [], scopes: [] };
  visit(definition, root);
  return { name, queryLanguage, root, states, edges };
}

/** Errors for a label: two at most, then how many more (the tooltip lists them all). */
function shortList(errors: string[]): string {
  return errors.length <= 2 ? errors.join(", ") : `${errors.slice(0, 2).join(", ")} +${errors.length - 2}`;
}

const STATE_TYPES = new Set<string>(["Task", "Choice", "Pass", "Wait", "Succeed", "Fail", "Parallel", "Map"]);

/** A State's Retriers, with ASL's defaults filled in. */
function retryNotes(state: AslState): RetryNote[] {
  return ((state.Retry as Record<string, unknown>[] | undefined) ?? []).map((retrier) => ({
    errors: (retrier.ErrorEquals as string[] | undefined) ?? [],
    maxAttempts: typeof retrier.MaxAttempts === "number" ? retrier.MaxAttempts : 3,
    intervalSeconds: typeof retrier.IntervalSeconds === "number" ? retrier.IntervalSeconds : 1,
    backoffRate: typeof retrier.BackoffRate === "number" ? retrier.BackoffRate : 2,
  }));
}

/** The resources a Task (or a Map's ItemReader/ResultWriter) names, one `field: value` line each. */
function resourcesOf(state: AslState, substitutions: Record<string, string>): string[] {
  const lines: string[] = [];
  const add = (field: string, value: unknown) => {
    if (value === undefined || value === null || typeof value === "object") return;
    const text = String(value);
    const placeholders = Object.entries(substitutions)
      .filter(([, bound]) => bound !== "" && text.includes(bound))
      .map(([placeholder]) => `\${${placeholder}}`);
    lines.push(`${field}: ${text}${placeholders.length > 0 ? ` (${placeholders.join(", ")})` : ""}`);
  };
  const fromCall = (call: { Resource?: unknown; Parameters?: unknown; Arguments?: unknown } | undefined, prefix: string) => {
    if (!call) return;
    add(`${prefix}Resource`, call.Resource);
    for (const payload of [call.Parameters, call.Arguments]) {
      if (!payload || typeof payload !== "object" || Array.isArray(payload)) continue;
      for (const field of RESOURCE_FIELDS) {
        const record = payload as Record<string, unknown>;
        add(`${prefix}${field}`, record[field]);
        add(`${prefix}${field}.$`, record[`${field}.$`]);
      }
    }
  };
  if (state.Type === "Task") fromCall(state as never, "");
  if (state.Type === "Map") {
    fromCall(state.ItemReader as never, "ItemReader ");
    fromCall(state.ResultWriter as never, "ResultWriter ");
  }
  return lines;
}

/** The comparison operators of JSONPath Choice rules, by the suffix of their field. */
const OPERATORS: Record<string, string> = { Equals: "==", LessThan: "<", GreaterThan: ">", LessThanEquals: "<=", GreaterThanEquals: ">=" };

/** The type tests of JSONPath Choice rules. */
const TESTS: Record<string, string> = { IsNull: "null", IsPresent: "present", IsNumeric: "numeric", IsString: "a string", IsBoolean: "a boolean", IsTimestamp: "a timestamp" };

/**
 * A JSONPath Choice rule as a short text: `$.amount >= 5000`, `$.kind == "OrderPlaced"`, `$.a <= $.b`,
 * `$.name matches "log-*"`, `$.x is present`, `($.a == 1) and not ($.b is null)`.
 * @param rule a Choice rule or a nested boolean expression (`And`, `Or`, `Not`).
 * @returns the text; `?` for a rule the diagram does not understand (it then shows the rule's fields).
 * @see https://docs.aws.amazon.com/step-functions/latest/dg/state-choice.html#amazon-states-language-choice-state-rules
 */
export function ruleText(rule: Record<string, unknown>): string {
  const wrap = (inner: Record<string, unknown>) => {
    const text = ruleText(inner);
    return "And" in inner || "Or" in inner ? `(${text})` : text;
  };
  if (Array.isArray(rule.And)) return (rule.And as Record<string, unknown>[]).map(wrap).join(" and ");
  if (Array.isArray(rule.Or)) return (rule.Or as Record<string, unknown>[]).map(wrap).join(" or ");
  if (rule.Not && typeof rule.Not === "object") return `not (${ruleText(rule.Not as Record<string, unknown>)})`;
  const variable = String(rule.Variable ?? "$");
  for (const [field, value] of Object.entries(rule)) {
    const comparison = /^(String|Numeric|Boolean|Timestamp)(Equals|LessThan|GreaterThan|LessThanEquals|GreaterThanEquals)(Path)?$/.exec(field);
    if (comparison) {
      const operand = comparison[3] || typeof value !== "string" ? String(value) : JSON.stringify(value);
      return `${variable} ${OPERATORS[comparison[2]]} ${operand}`;
    }
    if (field === "StringMatches") return `${variable} matches ${JSON.stringify(value)}`;
    if (field in TESTS) return `${variable} is ${value === false ? "not " : ""}${TESTS[field]}`;
  }
  const fields = Object.keys(rule).filter((field) => field !== "Next" && field !== "Variable" && field !== "Comment");
  return `${variable} ? ${fields.join(", ")}`;
}
