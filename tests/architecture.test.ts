import { expect } from "chai";
import * as fs from "node:fs";
import * as path from "node:path";
import * as ts from "typescript";

/**
 * The shape of the code base: no import cycles (type-only imports included), and an engine that imports nothing
 * above it (no AWS SDK, no Pulumi, no other folder of the project).
 */

const ROOT = path.join(__dirname, "..");
const FOLDERS = ["engine", "infra", "handlers", "local", "offline", "policies", "cli", "bench"];

function sources(folder: string): string[] {
  const out: string[] = [];
  const walk = (dir: string) => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (entry.name.endsWith(".ts") && !entry.name.endsWith(".d.ts")) out.push(full);
    }
  };
  walk(path.join(ROOT, folder));
  return out;
}

/** Every module each source file imports: project files resolved to paths, packages by name. */
function imports(file: string): { local: string[]; packages: string[] } {
  const { importedFiles } = ts.preProcessFile(fs.readFileSync(file, "utf8"), true, true);
  const local: string[] = [];
  const packages: string[] = [];
  for (const { fileName } of importedFiles) {
    if (!fileName.startsWith(".")) {
      packages.push(fileName);
      continue;
    }
    const target = path.resolve(path.dirname(file), fileName);
    const resolved = [`${target}.ts`, path.join(target, "index.ts"), target].find((candidate) => fs.existsSync(candidate) && fs.statSync(candidate).isFile());
    if (resolved) local.push(resolved);
  }
  return { local, packages };
}

describe("architecture", () => {
  const files = FOLDERS.flatMap(sources);
  const graph = new Map(files.map((file) => [file, imports(file)]));

  it("has no import cycles, type-only imports included", () => {
    expect(files.length).to.be.above(150);
    const cycles: string[] = [];
    const state = new Map<string, "visiting" | "done">();
    const stack: string[] = [];
    const visit = (file: string) => {
      state.set(file, "visiting");
      stack.push(file);
      for (const next of graph.get(file)?.local ?? []) {
        if (state.get(next) === "visiting") cycles.push([...stack.slice(stack.indexOf(next)), next].map((f) => path.relative(ROOT, f)).join(" → "));
        else if (!state.has(next)) visit(next);
      }
      stack.pop();
      state.set(file, "done");
    };
    for (const file of files) if (!state.has(file)) visit(file);
    expect(cycles).to.deep.equal([]);
  });

  it("keeps the engine pure: it imports only itself, Node's built-ins, jsonata and jsonpath-plus", () => {
    const engine = path.join(ROOT, "engine");
    const outside: string[] = [];
    for (const [file, { local, packages }] of graph) {
      if (!file.startsWith(engine + path.sep)) continue;
      for (const target of local) if (!target.startsWith(engine + path.sep)) outside.push(`${path.relative(ROOT, file)} imports ${path.relative(ROOT, target)}`);
      for (const name of packages) if (!name.startsWith("node:") && name !== "jsonata" && name !== "jsonpath-plus") outside.push(`${path.relative(ROOT, file)} imports ${name}`);
    }
    expect(outside).to.deep.equal([]);
  });
});
