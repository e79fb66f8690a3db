/**
 * A {@link DiagramGraph} as a Mermaid flowchart, for Markdown that GitHub renders: the same States, shapes and
 * colors by type (classDef), Start and End markers, Parallel branches and Map processors as subgraphs, Choice rules
 * and Default as edge labels, Retry as dotted self-loops, Catch as dotted red edges labelled with their ErrorEquals,
 * the resources as comments. Mermaid lays the chart out itself when it is shown (with dagre or ELK).
 * @see https://mermaid.js.org/syntax/flowchart.html
 */
import type { DiagramGraph, DiagramScope, DiagramState } from "./graph";
import { type ExecutionOverlay, overlayLines, seconds } from "./overlay";
import { CATCH_COLOR, RETRY_COLOR, STATUS_STYLES, TYPE_STYLES, UNVISITED } from "./style";

/**
 * Writes the graph as a Mermaid flowchart (the text inside a ```mermaid block).
 * @param graph the workflow's graph ({@link buildGraph}).
 * @param overlay the execution to overlay: States get a class by status and their duration, retries, iterations.
 * @returns the flowchart text.
 */
export function toMermaid(graph: DiagramGraph, overlay?: ExecutionOverlay): string {
  const byId = new Map(graph.states.map((state) => [state.id, state]));
  const lines: string[] = ["flowchart TD"];
  const writeScope = (scope: DiagramScope, indent: string) => {
    lines.push(`${indent}${scope.start}(("Start"))`, `${indent}${scope.end}((("End")))`);
    for (const id of scope.states) {
      const state = byId.get(id)!;
      for (const resource of state.resources) lines.push(`${indent}%% ${state.name}: ${resource.replace(/[\r\n]/g, " ")}`);
      lines.push(`${indent}${nodeText(state, overlay)}`);
    }
    for (const child of scope.scopes) {
      lines.push(`${indent}subgraph ${child.id} [${text(child.label)}]`, `${indent}  direction TB`);
      writeScope(child, indent + "  ");
      lines.push(`${indent}end`);
    }
  };
  writeScope(graph.root, "  ");
  const caught = new Set((overlay?.caught ?? []).map((error) => `${error.from}\u0000${error.to}`));
  const catches: number[] = [];
  const taken: number[] = [];
  const retries: number[] = [];
  graph.edges.forEach((edge, index) => {
    const arrow = edge.kind === "catch" || edge.kind === "retry" ? "-.->" : edge.kind === "default" ? "==>" : edge.kind === "branch" ? "-.-" : "-->";
    if (edge.kind === "retry") lines.push(`  %% ${byId.get(edge.from)?.name}: Retry ${edge.errors!.join(", ")}`);
    lines.push(`  ${edge.from} ${arrow}${edge.label ? `|${text(edge.label)}|` : ""} ${edge.to}`);
    if (edge.kind === "catch") (caught.has(`${byId.get(edge.from)?.name}\u0000${byId.get(edge.to)?.name}`) ? taken : catches).push(index);
    if (edge.kind === "retry") retries.push(index);
  });
  for (const [type, style] of Object.entries(TYPE_STYLES)) lines.push(`  classDef ${type.toLowerCase()} fill:${style.fill},stroke:${style.stroke},color:#111827`);
  for (const [status, style] of Object.entries(STATUS_STYLES)) lines.push(`  classDef ${status} fill:${style.fill},stroke:${style.stroke},stroke-width:2px,color:#111827`);
  lines.push(`  classDef unvisited fill:${UNVISITED.fill},stroke:${UNVISITED.stroke},color:${UNVISITED.font}`);
  lines.push(`  classDef marker fill:#111827,stroke:#111827,color:#ffffff`);
  const classes = new Map<string, string[]>();
  for (const state of graph.states) {
    const visited = overlay?.states[state.name];
    const name = overlay ? (visited ? visited.status : "unvisited") : state.type.toLowerCase();
    classes.set(name, [...(classes.get(name) ?? []), state.id]);
  }
  classes.set("marker", allScopes(graph.root).flatMap((scope) => [scope.start, scope.end]));
  for (const [name, ids] of classes) lines.push(`  class ${ids.join(",")} ${name}`);
  if (catches.length > 0) lines.push(`  linkStyle ${catches.join(",")} stroke:${CATCH_COLOR},color:${CATCH_COLOR},stroke-dasharray:5 4`);
  if (taken.length > 0) lines.push(`  linkStyle ${taken.join(",")} stroke:${CATCH_COLOR},color:${CATCH_COLOR},stroke-width:4px`);
  if (retries.length > 0) lines.push(`  linkStyle ${retries.join(",")} stroke:${RETRY_COLOR},color:${RETRY_COLOR},stroke-dasharray:3 3`);
  if (overlay) lines.push(`  %% execution ${overlay.status} in ${seconds(overlay.durationMs)}`);
  return lines.join("\n") + "\n";
}

/** The scope and every scope inside it. */
function allScopes(scope: DiagramScope): DiagramScope[] {
  return [scope, ...scope.scopes.flatMap(allScopes)];
}

/** A State's node: its name, type and overlay lines in its type's shape. */
function nodeText(state: DiagramState, overlay: ExecutionOverlay | undefined): string {
  const [open, close] = TYPE_STYLES[state.type].mermaid;
  const visited = overlay?.states[state.name];
  const label = [state.name, `(${state.type})`, ...(visited ? overlayLines(visited) : [])];
  return `${state.id}${open}${text(label.join("<br/>"), true)}${close}`;
}

/**
 * A Mermaid quoted label: quotes, angle brackets and `#` as Mermaid's entity codes (`#quot;`, `#lt;`, `#gt;`, `#35;`).
 * @param html whether `<br/>` line breaks are kept.
 */
function text(label: string, html = false): string {
  let escaped = label.replace(/#/g, "#35;").replace(/"/g, "#quot;");
  const breaks = "\u0000";
  if (html) escaped = escaped.replace(/<br\/>/g, breaks);
  escaped = escaped.replace(/</g, "#lt;").replace(/>/g, "#gt;");
  return `"${escaped.replace(/\u0000/g, "<br/>")}"`;
}
