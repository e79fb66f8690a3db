/**
 * A {@link DiagramGraph} as Graphviz DOT, top to bottom: one node per State (its shape and color by type, its
 * resources as the tooltip), Start and End markers per scope, Parallel branches and Map processors as clusters,
 * Choice rules and Default as edge labels, Retry as dashed blue self-loops, Catch as dashed red edges labelled with
 * their ErrorEquals. With an {@link ExecutionOverlay}, States are colored by their outcome and labelled with their
 * duration, retries and iterations, and caught errors' edges drawn bold.
 * @see https://graphviz.org/doc/info/lang.html
 */
import type { DiagramGraph, DiagramScope, DiagramState } from "./graph";
import { type ExecutionOverlay, overlayLines, seconds } from "./overlay";
import { CATCH_COLOR, RETRY_COLOR, STATUS_STYLES, TYPE_STYLES, UNVISITED } from "./style";

/** Options of {@link toDot}. */
export interface DotOptions {
  /** The execution to overlay. */
  overlay?: ExecutionOverlay;
  /** A subtitle under the workflow's name, e.g. `dev stack`. */
  subtitle?: string;
}

/**
 * Writes the graph as DOT.
 * @param graph the workflow's graph ({@link buildGraph}).
 * @param options the overlay and subtitle.
 * @returns the DOT text, for `@viz-js/viz` (or the `dot` command).
 */
export function toDot(graph: DiagramGraph, options: DotOptions = {}): string {
  const overlay = options.overlay;
  const byId = new Map(graph.states.map((state) => [state.id, state]));
  const lines: string[] = [];
  const title = [graph.name, options.subtitle, overlay ? `execution ${overlay.status} in ${seconds(overlay.durationMs)}` : undefined].filter(Boolean).join("\n");
  lines.push(`digraph ${quote(graph.name)} {`);
  lines.push(`  graph [rankdir=TB, compound=true, labelloc=t, fontname="Helvetica", fontsize=16, label=${quote(title)}, nodesep=0.4, ranksep=0.45];`);
  lines.push(`  node [fontname="Helvetica", fontsize=11, style="filled", penwidth=1.2];`);
  lines.push(`  edge [fontname="Helvetica", fontsize=9, color="#374151", fontcolor="#374151"];`);
  const writeScope = (scope: DiagramScope, indent: string) => {
    lines.push(`${indent}${scope.start} [shape=circle, label="Start", fontsize=8, width=0.45, fixedsize=true, fillcolor="#111827", fontcolor="white"];`);
    lines.push(`${indent}${scope.end} [shape=doublecircle, label="End", fontsize=8, width=0.4, fixedsize=true, fillcolor="#111827", fontcolor="white"];`);
    for (const id of scope.states) lines.push(`${indent}${nodeLine(byId.get(id)!, overlay)}`);
    for (const child of scope.scopes) {
      const owner = byId.get(child.owner!)!;
      const color = TYPE_STYLES[owner.type].stroke;
      lines.push(`${indent}subgraph cluster_${child.id} {`);
      lines.push(`${indent}  graph [label=${quote(child.label)}, style="rounded,dashed", color=${quote(color)}, fontcolor=${quote(color)}, fontsize=10];`);
      writeScope(child, indent + "  ");
      lines.push(`${indent}}`);
    }
  };
  writeScope(graph.root, "  ");
  const caught = new Set((overlay?.caught ?? []).map((error) => `${error.from}\u0000${error.to}`));
  const nameOf = (id: string) => byId.get(id)?.name;
  for (const edge of graph.edges) {
    const attributes: string[] = [];
    if (edge.label) attributes.push(`label=${quote(edge.label)}`);
    if (edge.errors) attributes.push(`tooltip=${quote(`${edge.kind === "retry" ? "Retry" : "Catch"}: ${edge.errors.join(", ")}`)}`);
    switch (edge.kind) {
      case "catch": {
        const taken = caught.has(`${nameOf(edge.from)}\u0000${nameOf(edge.to)}`);
        attributes.push(`color=${quote(CATCH_COLOR)}`, `fontcolor=${quote(CATCH_COLOR)}`, taken ? `style="bold", penwidth=3` : `style="dashed"`, `class="catch${taken ? " caught" : ""}"`);
        break;
      }
      case "retry":
        attributes.push(`color=${quote(RETRY_COLOR)}`, `fontcolor=${quote(RETRY_COLOR)}`, `style="dashed"`, `arrowhead=vee`, `class="retry"`);
        break;
      case "default":
        attributes.push(`style="bold"`, `class="default"`);
        break;
      case "branch":
        attributes.push(`style="dotted"`, `arrowhead=none`, `class="branch"`);
        break;
      default:
        attributes.push(`class=${quote(edge.kind)}`);
    }
    if (overlay && edge.kind !== "retry" && edge.kind !== "catch" && edge.kind !== "branch") {
      const from = nameOf(edge.from);
      const to = nameOf(edge.to);
      const walked = (from === undefined || overlay.states[from]?.status === "succeeded") && (to === undefined ? from !== undefined : overlay.states[to] !== undefined);
      if (walked) attributes.push(`penwidth=2.5`, `color="#15803d"`);
    }
    lines.push(`  ${edge.from} -> ${edge.to} [${attributes.join(", ")}];`);
  }
  // Each branch's End above its Parallel's next State, so the clusters sit between the two.
  for (const scope of allScopes(graph.root)) {
    if (scope.kind === "machine") continue;
    for (const edge of graph.edges) if (edge.from === scope.owner && edge.kind === "next") lines.push(`  ${scope.end} -> ${edge.to} [style=invis];`);
  }
  lines.push("}");
  return lines.join("\n") + "\n";
}

/** The scope and every scope inside it. */
export function allScopes(scope: DiagramScope): DiagramScope[] {
  return [scope, ...scope.scopes.flatMap(allScopes)];
}

/** A State's node statement. */
function nodeLine(state: DiagramState, overlay: ExecutionOverlay | undefined): string {
  const type = TYPE_STYLES[state.type];
  const label = [state.name, `(${state.type})`];
  let fill = type.fill;
  let stroke = type.stroke;
  let font = "#111827";
  const visited = overlay?.states[state.name];
  if (overlay) {
    if (visited) {
      ({ fill, stroke } = STATUS_STYLES[visited.status]);
      label.push(...overlayLines(visited));
    } else {
      ({ fill, stroke, font } = UNVISITED);
    }
  }
  const tooltip = [`${state.name} (${state.type})`, ...state.resources, ...state.retry.map((r) => `Retry ${r.errors.join(", ")}: ${r.maxAttempts} attempts, ${r.intervalSeconds} s × ${r.backoffRate}`)].join("\n");
  const style = state.type === "Task" || state.type === "Pass" ? "filled,rounded" : "filled";
  const status = visited ? ` ${visited.status}` : "";
  return `${state.id} [label=${quote(label.join("\n"))}, shape=${type.shape}, style=${quote(style)}, fillcolor=${quote(fill)}, color=${quote(stroke)}, fontcolor=${quote(font)}, tooltip=${quote(tooltip)}, class=${quote(`state ${state.type.toLowerCase()}${status}`)}];`;
}

/** A DOT string literal: quotes and backslashes escaped, newlines as `\n` (centered lines). */
export function quote(text: string): string {
  return `"${text.replace(/\\/g, "\\\\").replace(/"/g, '\\"').replace(/\r?\n/g, "\\n")}"`;
}
