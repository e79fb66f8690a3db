import { expect } from "chai";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { depthBeyond, jsonPathOf, loadDefinitionFile, MAX_JSON_DEPTH, parseDefinition, parseYamlDefinition } from "../../infra/definition/load";
import { definitionPath } from "../../infra/manifest";
import { definitionError } from "../definition-error";


const VALID = ['{', '  "StartAt": "A",', '  "States": { "A": { "Type": "Succeed" } }', '}'].join("\n");

describe("parseDefinition", () => {
  it("parses a definition and lists its placeholders", () => {
    const loaded = parseDefinition(VALID.replace('"Succeed" }', '"Succeed", "Comment": "${Note}" }'), "flow.asl.json");
    expect(loaded.file).to.equal("flow.asl.json");
    expect(loaded.definition.StartAt).to.equal("A");
    expect(Object.fromEntries(loaded.placeholders)).to.deep.equal({ Note: [{ state: "A", field: "Comment" }] });
  });

  it("rejects a trailing comma with the file name and the line and column of the character after it", () => {
    // Line 3, the '}' right after the comma is column 41.
    const text = ['{', '  "StartAt": "A",', '  "States": { "A": { "Type": "Succeed", } }', '}'].join("\n");
    const error = definitionError(() => parseDefinition(text, "flow.asl.json"));
    expect(error.file).to.equal("flow.asl.json");
    expect(error.message).to.match(/^flow\.asl\.json: invalid JSON at line 3, column 41: /);
  });

  it("locates a trailing comma before a closing brace on the next line at that brace", () => {
    const text = ['{', '  "StartAt": "A",', '  "States": { "A": { "Type": "Succeed" } },', '}'].join("\n");
    expect(definitionError(() => parseDefinition(text, "flow.asl.json")).message).to.contain("invalid JSON at line 4, column 1:");
  });

  it("locates a misspelt literal at its first character", () => {
    // Line 4: `    "A": { "Type": "Pass", "End": tru }`; `tru` starts at column 35.
    const text = ['{', '  "StartAt": "A",', '  "States": {', '    "A": { "Type": "Pass", "End": tru }', '  }', '}'].join("\n");
    expect(definitionError(() => parseDefinition(text, "flow.asl.json")).message).to.contain("invalid JSON at line 4, column 35: invalid symbol (InvalidSymbol)");
  });

  it("refuses comments, which JSON does not have", () => {
    const text = ['{', '  "StartAt": "A", // first', '  "States": { "A": { "Type": "Succeed" } }', '}'].join("\n");
    expect(definitionError(() => parseDefinition(text, "flow.asl.json")).message).to.contain("invalid JSON at line 2, column 19: invalid comment token (InvalidCommentToken)");
  });

  it("refuses a key written twice in one object, naming its JSON path, line and column: the first State would vanish", () => {
    const text = ['{', '  "StartAt": "A",', '  "States": {', '    "A": { "Type": "Task", "Resource": "arn:aws:states:::sns:publish", "End": true },', '    "A": { "Type": "Succeed" }', '  }', '}'].join("\n");
    expect(definitionError(() => parseDefinition(text, "flow.asl.json")).message).to.equal(
      'flow.asl.json: duplicate key "A" in $.States at line 5, column 5: a key may appear once per object (JSON readers keep only one of them, so the other would silently vanish).',
    );
    const nested = JSON.stringify({ StartAt: "A", States: { "Get limit": { Type: "Pass", Parameters: { x: 1 }, End: true } } }).replace('{"x":1}', '{"x":1,"x":2}');
    expect(definitionError(() => parseDefinition(nested, "flow.asl.json")).message).to.match(/^flow\.asl\.json: duplicate key "x" in \$\.States\["Get limit"\]\.Parameters at line 1, column \d+: /);
    // The same key in two objects is fine.
    expect(() => parseDefinition(JSON.stringify({ StartAt: "A", States: { A: { Type: "Pass", Parameters: { x: { x: 1 } }, End: true } } }), "f")).not.to.throw();
  });

  it("refuses nesting deeper than the limit with a clear error, never a stack overflow, and accepts it at the limit", () => {
    // Written as text: JSON.stringify itself overflows on 5,000 levels.
    const nest = (depth: number) => `{"StartAt": "A", "States": {"A": {"Type": "Pass", "End": true, "Result": ${"[".repeat(depth - 3)}${"]".repeat(depth - 3)}}}}`;
    expect(definitionError(() => parseDefinition(nest(5000), "deep.asl.json")).message).to.match(/^deep\.asl\.json: the JSON nests more than 512 levels of objects and arrays \(at line 1, column \d+\); flatten it\.$/);
    expect(() => parseDefinition(nest(MAX_JSON_DEPTH), "deep.asl.json")).not.to.throw();
    expect(depthBeyond('{"a": "[[[[", "b": [[1]]}', 2)).to.equal(20);
    expect(depthBeyond('{"a": "\\"[[[["}', 1)).to.equal(undefined);
  });

  it("writes JSON paths as users read them", () => {
    expect(jsonPathOf([])).to.equal("$");
    expect(jsonPathOf(["States", "Get limit", "Branches", 0, "States"])).to.equal('$.States["Get limit"].Branches[0].States');
  });

  it("locates a trailing comma in an array, for which the JSON parser itself reports no position", () => {
    const text = ['{', '  "StartAt": "A",', '  "States": { "A": { "Type": "Fail", "Error": "E" } },', '  "Comment": ["a",]', '}'].join("\n");
    expect(definitionError(() => parseDefinition(text, "flow.asl.json")).message).to.contain("invalid JSON at line 4, column 19:");
  });

  it("locates truncated JSON at its end", () => {
    const text = ['{', '  "StartAt": "A",', '  "States": {'].join("\n");
    expect(definitionError(() => parseDefinition(text, "flow.asl.json")).message).to.contain("invalid JSON at line 3, column 14:");
  });

  for (const [label, text, received] of [
    ["an array", "[]", '"array"'],
    ["null", "null", "null"],
    ["a string", '"StartAt"', '"string"'],
    ["a number", "42", '"number"'],
  ] as const) {
    it(`rejects ${label} as a definition, saying what it received`, () => {
      const error = definitionError(() => parseDefinition(text, "flow.asl.json"));
      expect(error.message).to.equal(`flow.asl.json: a definition must be a JSON object with StartAt and States. Received: ${received}`);
      expect(error.field).to.equal(undefined);
    });
  }

  for (const [label, mutate, field] of [
    ["without StartAt", (d: Record<string, unknown>) => delete d.StartAt, "StartAt"],
    ["whose StartAt is not a string", (d: Record<string, unknown>) => (d.StartAt = 1), "StartAt"],
    ["without States", (d: Record<string, unknown>) => delete d.States, "States"],
    ["whose States is an array", (d: Record<string, unknown>) => (d.States = []), "States"],
    ["whose States is null", (d: Record<string, unknown>) => (d.States = null), "States"],
  ] as const) {
    it(`rejects a definition ${label}, naming ${field}`, () => {
      const definition = JSON.parse(VALID) as Record<string, unknown>;
      mutate(definition);
      const error = definitionError(() => parseDefinition(JSON.stringify(definition), "flow.asl.json"));
      expect(error.field).to.equal(field);
      expect(error.message).to.contain(`flow.asl.json: field "${field}": `);
    });
  }
});

describe("loadDefinitionFile", () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(path.join(tmpdir(), "statecraft-load-"));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it("loads a file and reports a file inside the working directory by its relative path", () => {
    const loaded = loadDefinitionFile(definitionPath("order-events"));
    expect(loaded.file).to.equal(path.join("definitions", "order-events.asl.json"));
    expect([...loaded.placeholders.keys()]).to.have.members(["ValidateOrderFunctionArn", "OrdersTableName"]);
  });

  it("rejects a missing file, naming it", () => {
    const file = path.join(dir, "missing.asl.json");
    const error = definitionError(() => loadDefinitionFile(file));
    expect(error.file).to.equal(file);
    expect(error.message).to.match(new RegExp(`^${file.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}: cannot read the definition: .*ENOENT`));
  });

  it("rejects bad JSON in a file with the file's name, line and column", () => {
    const file = path.join(dir, "broken.asl.json");
    writeFileSync(file, ['{', '  "StartAt": "A",', '  "States": { "A": { "Type": "Succeed", } }', '}'].join("\n"));
    const error = definitionError(() => loadDefinitionFile(file));
    expect(error.file).to.equal(file);
    expect(error.message).to.contain(`${file}: invalid JSON at line 3, column 41:`);
  });
});

describe("YAML definitions (parseYamlDefinition, loadDefinitionFile on *.asl.yaml)", () => {
  const YAML = ["Comment: a YAML definition, as SAM's DefinitionUri takes", "StartAt: A", "States:", "  A:", "    Type: Pass", "    Result: ${Value}", "    End: true", ""].join("\n");

  it("loads a .asl.yaml file as the JSON it stands for, placeholders included", () => {
    const directory = mkdtempSync(path.join(tmpdir(), "statecraft-yaml-"));
    try {
      const file = path.join(directory, "flow.asl.yaml");
      writeFileSync(file, YAML);
      const loaded = loadDefinitionFile(file);
      expect(loaded.definition).to.deep.equal({ Comment: "a YAML definition, as SAM's DefinitionUri takes", StartAt: "A", States: { A: { Type: "Pass", Result: "${Value}", End: true } } });
      expect([...loaded.placeholders.keys()]).to.deep.equal(["Value"]);
    } finally {
      rmSync(directory, { recursive: true, force: true });
    }
  });

  it("refuses a key written twice in one mapping, with its line and column", () => {
    const error = definitionError(() => parseYamlDefinition(`${YAML}  A:\n    Type: Succeed\n`, "flow.asl.yaml"));
    expect(error.message).to.equal("flow.asl.yaml: invalid YAML at line 8, column 3: Map keys must be unique.");
  });

  it("refuses aliases, which would hide a copied State", () => {
    const error = definitionError(() => parseYamlDefinition("StartAt: A\nStates:\n  A: &same {Type: Pass, End: true}\n  B: *same\n", "flow.asl.yaml"));
    expect(error.message).to.equal("flow.asl.yaml: invalid YAML: aliases (*name) are not allowed in a definition; write the value out.");
  });

  it("refuses broken YAML with its position, and a document that is not a state machine", () => {
    expect(definitionError(() => parseYamlDefinition("StartAt: A\nStates:\n  A: {Type: Pass, End: true\n", "flow.asl.yaml")).message).to.match(/^flow\.asl\.yaml: invalid YAML at line 4, column 1: /);
    expect(definitionError(() => parseYamlDefinition("- a\n- b\n", "flow.asl.yaml")).message).to.equal("flow.asl.yaml: a definition must be a JSON object with StartAt and States. Received: \"array\"");
  });
});
