/**
 * DOT to SVG with Graphviz compiled to WebAssembly (`@viz-js/viz`, a development dependency: the diagrams are drawn
 * by `npm run diagram`, never by the Pulumi program). Graphviz's `dot` engine does the layout.
 * @see https://github.com/mdaines/viz-js
 */
import type { Viz } from "@viz-js/viz";

let viz: Promise<Viz> | undefined;

/**
 * Lays out and draws DOT as SVG. The WebAssembly module is loaded once per process (about a second).
 * @param dot the graph, as {@link toDot} writes it.
 * @returns the SVG document.
 * @throws Error with Graphviz's messages when the DOT does not parse or cannot be laid out.
 */
export async function renderSvg(dot: string): Promise<string> {
  viz ??= import("@viz-js/viz").then((module) => module.instance());
  const result = (await viz).render(dot, { format: "svg", engine: "dot" });
  if (result.status !== "success") throw new Error(`Graphviz could not draw the diagram: ${result.errors.map((error) => error.message).join("; ")}`);
  return result.output;
}
