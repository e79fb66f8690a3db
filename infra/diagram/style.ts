/**
 * How the diagrams look, shared by the DOT and Mermaid writers: each State type's shape and colors, each overlay
 * status's colors.
 */
import type { StateType } from "./graph";
import type { StateStatus } from "./overlay";

/** A State type's look: a Graphviz shape, a Mermaid node shape (its opening and closing brackets), colors. */
export interface TypeStyle {
  /** @see https://graphviz.org/doc/info/shapes.html */
  shape: string;
  /** @see https://mermaid.js.org/syntax/flowchart.html#node-shapes */
  mermaid: [string, string];
  fill: string;
  stroke: string;
}

/** The look of each State type. */
export const TYPE_STYLES: Record<StateType, TypeStyle> = {
  Task: { shape: "box", mermaid: ["[", "]"], fill: "#dbeafe", stroke: "#1d4ed8" },
  Choice: { shape: "diamond", mermaid: ["{", "}"], fill: "#fef9c3", stroke: "#a16207" },
  Pass: { shape: "box", mermaid: ["[/", "/]"], fill: "#f3f4f6", stroke: "#6b7280" },
  Wait: { shape: "hexagon", mermaid: ["{{", "}}"], fill: "#ede9fe", stroke: "#6d28d9" },
  Succeed: { shape: "oval", mermaid: ["([", "])"], fill: "#dcfce7", stroke: "#15803d" },
  Fail: { shape: "octagon", mermaid: ["[[", "]]"], fill: "#fee2e2", stroke: "#b91c1c" },
  Parallel: { shape: "box3d", mermaid: ["[[", "]]"], fill: "#e0f2fe", stroke: "#0369a1" },
  Map: { shape: "box3d", mermaid: ["[[", "]]"], fill: "#fae8ff", stroke: "#a21caf" },
};

/** The fill and stroke of a State by its overlay status. */
export const STATUS_STYLES: Record<StateStatus, { fill: string; stroke: string }> = {
  succeeded: { fill: "#86efac", stroke: "#15803d" },
  failed: { fill: "#fca5a5", stroke: "#b91c1c" },
  caught: { fill: "#fdba74", stroke: "#c2410c" },
  aborted: { fill: "#d1d5db", stroke: "#4b5563" },
  running: { fill: "#93c5fd", stroke: "#1d4ed8" },
};

/** The color of Catch edges (a caught error's edge is drawn bold in it), and of Retry loops. */
export const CATCH_COLOR = "#dc2626";
export const RETRY_COLOR = "#2563eb";
/** A State the execution never entered. */
export const UNVISITED = { fill: "#ffffff", stroke: "#9ca3af", font: "#9ca3af" };
