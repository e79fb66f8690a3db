import { expect } from "chai";
import { readFileSync } from "node:fs";
import { ASL_FORMATS } from "../../infra/definition/asl-formats";
import { GENERATED_SCHEMA_FILE, STATE_TYPES, aslSchemaValidators, standaloneSchemaSource, variantExport } from "../../infra/definition/asl-schema";

describe("the precompiled ASL schema (asl-schema.generated.js)", () => {
  it("is what `npm run build:schemas` generates from the installed asl-validator: regenerate it after an upgrade", function () {
    this.timeout(20_000);
    const committed = readFileSync(GENERATED_SCHEMA_FILE, "utf8");
    expect(committed === standaloneSchemaSource(), "infra/definition/asl-schema.generated.js is stale: run `npm run build:schemas`").to.equal(true);
  });

  it("exports the state machine's schema and each State type's JSONPath and JSONata variant", () => {
    const validators = aslSchemaValidators();
    expect(validators.stateMachine({ StartAt: "A", States: { A: { Type: "Pass", End: true, QueryLanguage: "JSONPath" } } })).to.equal(true);
    for (const type of STATE_TYPES) {
      expect(validators[variantExport(type, "JSONPath")], type).to.be.a("function");
      expect(validators[variantExport(type, "JSONata")], type).to.be.a("function");
    }
    expect(validators[variantExport("Pass", "JSONata")]({ Type: "Pass", QueryLanguage: "JSONata", End: true, Parameters: {} })).to.equal(false);
  });

  it("checks formats through asl-formats: a JSONPath path, a JSONata expression, an ARN and a timestamp", () => {
    expect(ASL_FORMATS.asl_path("$.a.b")).to.equal(true);
    expect(ASL_FORMATS.asl_path("a.b")).to.equal(false);
    expect(ASL_FORMATS.asl_path("$.Snapshots.[0].State"), "the Jayway bridge").to.equal(true);
    expect(ASL_FORMATS.jsonata_string("{% $states.input.a + 1 %}")).to.equal(true);
    expect(ASL_FORMATS.jsonata_string("{% ( %}")).to.equal(false);
    expect(ASL_FORMATS.asl_arn("arn:aws:lambda:us-east-1:123456789012:function:f")).to.equal(true);
    expect(ASL_FORMATS["date-time"]("2026-12-01T10:00:00Z")).to.equal(true);
    expect(ASL_FORMATS["date-time"]("tomorrow")).to.equal(false);
  });
});
