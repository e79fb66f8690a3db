import { expect } from "chai";
import * as fc from "fast-check";
import { AslStateMachine } from "../../infra/definition/asl";
import { PlaceholderUse, findPlaceholders, substitutePlaceholders } from "../../infra/definition/placeholders";
import { definitionError } from "../definition-error";


/** A definition with a placeholder at the top level, in a Task, in a Parallel branch and in a Map's ItemProcessor. */
function fixture(): AslStateMachine {
  return {
    Comment: "Orders for ${Stage}",
    StartAt: "Invoke",
    States: {
      Invoke: {
        Type: "Task",
        Resource: "arn:aws:states:::lambda:invoke",
        Parameters: { FunctionName: "${FunctionArn}", "Payload.$": "$" },
        Next: "Fan out",
      },
      "Fan out": {
        Type: "Parallel",
        Branches: [
          {
            StartAt: "Notify",
            States: {
              Notify: {
                Type: "Task",
                Resource: "arn:aws:states:::sns:publish",
                Parameters: { TopicArn: "${TopicArn}", Message: "from ${Stage}" },
                End: true,
              },
            },
          },
        ],
        Next: "Each item",
      },
      "Each item": {
        Type: "Map",
        ItemProcessor: {
          ProcessorConfig: { Mode: "INLINE" },
          StartAt: "Store",
          States: {
            Store: {
              Type: "Task",
              Resource: "arn:aws:states:::dynamodb:putItem",
              Parameters: { TableName: "${TableName}", Item: { pk: { "S.$": "$.id" } } },
              End: true,
            },
          },
        },
        End: true,
      },
    },
  };
}

const VALUES = {
  Stage: "dev",
  FunctionArn: "arn:aws:lambda:eu-west-1:111111111111:function:fn",
  TopicArn: "arn:aws:sns:eu-west-1:111111111111:topic",
  TableName: "orders",
};

const uses = (definition: AslStateMachine): Record<string, PlaceholderUse[]> => Object.fromEntries(findPlaceholders(definition));
/** The States of the fixture's nested machines, for mutation. */
const branch = (d: AslStateMachine) => (d.States["Fan out"].Branches as AslStateMachine[])[0];
const processor = (d: AslStateMachine) => d.States["Each item"].ItemProcessor as AslStateMachine;

describe("findPlaceholders", () => {
  it("reports each placeholder with its State and field, top-level fields, Parallel branches and Map processors included", () => {
    expect(uses(fixture())).to.deep.equal({
      Stage: [{ field: "Comment" }, { state: "Notify", field: "Parameters.Message" }],
      FunctionArn: [{ state: "Invoke", field: "Parameters.FunctionName" }],
      TopicArn: [{ state: "Notify", field: "Parameters.TopicArn" }],
      TableName: [{ state: "Store", field: "Parameters.TableName" }],
    });
  });

  it("reports a placeholder inside an array with its index", () => {
    const definition = fixture();
    definition.States.Invoke.Retry = [{ ErrorEquals: ["States.TaskFailed", "${RetryError}"] }];
    expect(uses(definition).RetryError).to.deep.equal([{ state: "Invoke", field: "Retry[0].ErrorEquals[1]" }]);
  });

  it("reports every placeholder of a string, each time it occurs", () => {
    const definition = fixture();
    definition.States.Invoke.Comment = "${Stage}/${Region}/${Stage}";
    expect(uses(definition).Stage).to.deep.equal([
      { field: "Comment" },
      { state: "Invoke", field: "Comment" },
      { state: "Invoke", field: "Comment" },
      { state: "Notify", field: "Parameters.Message" },
    ]);
    expect(uses(definition).Region).to.deep.equal([{ state: "Invoke", field: "Comment" }]);
  });

  it("reports a placeholder in a branch's or processor's own fields against the enclosing State", () => {
    const definition = fixture();
    branch(definition).Comment = "branch of ${Stage}";
    processor(definition).Comment = "processor of ${Stage}";
    expect(uses(definition).Stage).to.deep.equal([
      { field: "Comment" },
      { state: "Fan out", field: "Branches[0].Comment" },
      { state: "Notify", field: "Parameters.Message" },
      { state: "Each item", field: "ItemProcessor.Comment" },
    ]);
  });

  it("reports placeholders in a legacy Iterator's States", () => {
    const definition = fixture();
    const map = definition.States["Each item"];
    map.Iterator = map.ItemProcessor;
    delete map.ItemProcessor;
    expect(uses(definition).TableName).to.deep.equal([{ state: "Store", field: "Parameters.TableName" }]);
  });

  it("ignores `$`-prefixed text that is not a placeholder", () => {
    const definition = fixture();
    definition.States.Invoke.Comment = "$.input ${not valid} $${ ${}";
    expect(Object.keys(uses(definition))).to.have.members(["Stage", "FunctionArn", "TopicArn", "TableName"]);
  });
});

describe("substitutePlaceholders", () => {
  it("with allowUnresolved, gives an unresolved placeholder standing for a whole ARN partition the state machine's partition, and leaves the others", () => {
    const definition: AslStateMachine = {
      StartAt: "Submit",
      States: { Submit: { Type: "Task", Resource: "arn:${Partition}:states:::batch:submitJob.sync", Parameters: { JobQueue: "${Queue}", Note: "arn:${Partition}:x" }, End: true } },
    };
    const result = substitutePlaceholders("flow.asl.json", definition, {}, { allowUnresolved: true, partition: "aws-cn" });
    expect(result.States.Submit.Resource).to.equal("arn:aws-cn:states:::batch:submitJob.sync");
    expect(result.States.Submit.Parameters).to.deep.equal({ JobQueue: "${Queue}", Note: "arn:aws-cn:x" });
    // Without allowUnresolved, an unresolved placeholder is still an error, partition or not.
    expect(definitionError(() => substitutePlaceholders("flow.asl.json", definition, {}, { partition: "aws" })).message).to.contain("Partition");
  });

  it("replaces every placeholder, at every depth", () => {
    const result = substitutePlaceholders("flow.asl.json", fixture(), VALUES);
    expect(result.Comment).to.equal("Orders for dev");
    expect(result.States.Invoke.Parameters).to.deep.equal({ FunctionName: VALUES.FunctionArn, "Payload.$": "$" });
    expect(branch(result).States.Notify.Parameters).to.deep.equal({ TopicArn: VALUES.TopicArn, Message: "from dev" });
    expect(processor(result).States.Store.Parameters).to.deep.equal({ TableName: "orders", Item: { pk: { "S.$": "$.id" } } });
    expect(JSON.stringify(result)).not.to.match(/\$\{[A-Za-z0-9_]+\}/);
  });

  it("replaces several placeholders in one string", () => {
    const definition = fixture();
    definition.States.Invoke.Comment = "${Stage}-${TableName}-${Stage}";
    expect(substitutePlaceholders("flow.asl.json", definition, VALUES).States.Invoke.Comment).to.equal("dev-orders-dev");
  });

  it("leaves the input definition unchanged", () => {
    const definition = fixture();
    substitutePlaceholders("flow.asl.json", definition, VALUES);
    expect(definition).to.deep.equal(fixture());
  });

  it("rejects a placeholder without a value, naming the file, State, field and placeholder", () => {
    const { TableName: _omitted, ...values } = VALUES;
    const error = definitionError(() => substitutePlaceholders("flow.asl.json", fixture(), values));
    expect(error.file).to.equal("flow.asl.json");
    expect(error.state).to.equal("Store");
    expect(error.field).to.equal("Parameters.TableName");
    expect(error.message).to.equal('flow.asl.json: State "Store", field "Parameters.TableName": placeholder ${TableName} has no substitution value.');
  });

  it("rejects a top-level placeholder without a value, naming the field", () => {
    const { Stage: _omitted, ...values } = VALUES;
    const error = definitionError(() => substitutePlaceholders("flow.asl.json", fixture(), values));
    expect(error.state).to.equal(undefined);
    expect(error.message).to.equal('flow.asl.json: field "Comment": placeholder ${Stage} has no substitution value (used 2 times).');
  });

  it("rejects a substitution no placeholder uses, naming the key", () => {
    const error = definitionError(() => substitutePlaceholders("flow.asl.json", fixture(), { ...VALUES, TabelName: "orders" }));
    expect(error.message).to.equal('flow.asl.json: substitution "TabelName" matches no placeholder in the definition.');
  });

  it("finds a placeholder used only in a branch's own fields, so its value is neither unused nor left out", () => {
    const definition = fixture();
    branch(definition).Comment = "${BranchNote}";
    expect(substitutePlaceholders("flow.asl.json", definition, { ...VALUES, BranchNote: "n" }).States["Fan out"].Branches![0].Comment).to.equal("n");
    expect(definitionError(() => substitutePlaceholders("flow.asl.json", definition, VALUES)).field).to.equal("Branches[0].Comment");
  });

  it("keeps values with quotes, braces and replacement patterns inside their string", () => {
    const hostile = '", "Resource": "arn:aws:states:::glue:startJobRun" } ${x} $& $1 $$ \\u0022 {';
    const result = substitutePlaceholders("flow.asl.json", fixture(), { ...VALUES, TableName: hostile });
    const store = processor(result).States.Store;
    expect(store.Parameters).to.deep.equal({ TableName: hostile, Item: { pk: { "S.$": "$.id" } } });
    expect(store.Resource).to.equal("arn:aws:states:::dynamodb:putItem");
    expect(Object.keys(store)).to.deep.equal(["Type", "Resource", "Parameters", "End"]);
    expect(JSON.parse(JSON.stringify(result))).to.deep.equal(result);
  });

  it("leaves no placeholder and no other text changed, for any names and values (property)", () => {
    const name = fc.stringMatching(/^[A-Za-z0-9_]{1,8}$/);
    // No `$` in literal text and no value ending in `$`, so a value and its neighbours cannot form a new `${`.
    const literal = fc.string({ maxLength: 6 }).filter((s) => !s.includes("$"));
    const value = fc.string({ maxLength: 12 }).filter((s) => !s.includes("${") && !s.endsWith("$"));
    const scenario = fc.uniqueArray(name, { minLength: 1, maxLength: 5 }).chain((names) =>
      fc.record({
        values: fc.tuple(...names.map(() => value)).map((vs) => Object.fromEntries(names.map((n, i) => [n, vs[i]]))),
        templates: fc.array(fc.array(fc.oneof(literal, fc.constantFrom(...names).map((ref) => ({ ref }))), { maxLength: 6 }), {
          minLength: 1,
          maxLength: 4,
        }),
        names: fc.constant(names),
      }),
    );
    fc.assert(
      fc.property(scenario, ({ values, templates, names }) => {
        // Every name is used at least once (in the last field), or it would be an unused substitution.
        const segments = [...templates, names.map((ref) => ({ ref }))];
        const render = (parts: (string | { ref: string })[], bind: (ref: string) => string) => parts.map((p) => (typeof p === "string" ? p : bind(p.ref))).join("");
        const result: Record<string, unknown> = Object.fromEntries(segments.map((parts, i) => [`f${i}`, render(parts, (ref) => `\${${ref}}`)]));
        const definition: AslStateMachine = {
          Comment: "no placeholder here {}",
          StartAt: "P",
          States: { P: { Type: "Pass", Result: { ...result, count: 3, flag: true, none: null }, ResultPath: "$.out", End: true } },
        };
        const before = structuredClone(definition);
        const substituted = substitutePlaceholders("flow.asl.json", definition, values);
        expect(definition, "input not mutated").to.deep.equal(before);
        expect(JSON.stringify(substituted)).not.to.match(/\$\{[A-Za-z0-9_]+\}/);
        const expected = Object.fromEntries(segments.map((parts, i) => [`f${i}`, render(parts, (ref) => values[ref])]));
        expect(substituted).to.deep.equal({ ...before, States: { P: { ...before.States.P, Result: { ...expected, count: 3, flag: true, none: null } } } });
      }),
      { numRuns: 300 },
    );
  });
});
