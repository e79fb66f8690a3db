import { expect } from "chai";
import { AslStateMachine } from "../../infra/definition/asl";
import { DefinitionError } from "../../infra/definition/errors";
import { assertValidAsl, jaywayTolerantPath, jsonataAsStepFunctionsReadsIt, schemaPieces, validateAsl } from "../../infra/definition/validate";
import { WorkflowName } from "../../infra/manifest";
import { Naming } from "../../infra/naming";
import { renderWorkflow } from "../../infra/render";

// The library's own entry function: it compiles a fresh Ajv per call and writes defaults into its input.
const aslValidatorEntry = require("asl-validator") as (definition: unknown) => { isValid: boolean; errorsText(): string };

/**
 * asl-validator's entry function, with the one thing it repeats on every call shared: it builds the same Ajv (the
 * same schemas, options and formats) each time, and compiling it is nearly all of a call (about 50 ms). Here its
 * `new Ajv(options)` answers one instance per options, and `ajv-formats` is applied once per instance (adding its
 * keywords twice would throw); every check the library makes is its own, on every call.
 */
function aslValidator(definition: unknown): { isValid: boolean; errorsText(): string } {
  const from = { paths: [require.resolve("asl-validator")] };
  const ajv = require(require.resolve("ajv", from)) as { default: new (options: object) => object };
  const formats = require(require.resolve("ajv-formats", from)) as { default: (instance: object, options?: unknown) => object };
  const [Ajv, addFormats] = [ajv.default, formats.default];
  ajv.default = function sharedAjv(options: object) {
    const key = JSON.stringify(options, (k, v) => (k === "schemas" ? undefined : v));
    return sharedAjvs.get(key) ?? sharedAjvs.set(key, new Ajv(options)).get(key)!;
  } as unknown as typeof Ajv;
  formats.default = (instance, options) => (formatted.has(instance) ? instance : (formatted.add(instance), addFormats(instance, options)));
  try {
    return aslValidatorEntry(definition);
  } finally {
    ajv.default = Ajv;
    formats.default = addFormats;
  }
}
const sharedAjvs = new Map<string, object>();
const formatted = new WeakSet<object>();

const naming = new Naming("statecraft", "dev", { partition: "aws", region: "eu-west-1", account: "111111111111" });
const SEEDS: WorkflowName[] = ["credit-approval", "backup-orchestration", "order-events"];
const FUNCTION = "arn:aws:lambda:eu-west-1:111111111111:function:work";

/** A valid definition: a Task, a Parallel with one branch, a Choice, a Succeed and a Fail. */
function fixture(): AslStateMachine {
  return {
    StartAt: "Invoke",
    States: {
      Invoke: {
        Type: "Task",
        Resource: "arn:aws:states:::lambda:invoke",
        Parameters: { FunctionName: FUNCTION, "Payload.$": "$" },
        TimeoutSeconds: 30,
        Retry: [{ ErrorEquals: ["States.TaskFailed"], IntervalSeconds: 1, MaxAttempts: 2, BackoffRate: 2 }],
        Catch: [{ ErrorEquals: ["States.ALL"], ResultPath: "$.error", Next: "Failed" }],
        Next: "Both",
      },
      Both: {
        Type: "Parallel",
        Branches: [{ StartAt: "Left", States: { Left: { Type: "Pass", InputPath: "$.left", End: true } } }],
        Next: "Done?",
      },
      "Done?": {
        Type: "Choice",
        Choices: [{ Variable: "$.done", BooleanEquals: true, Next: "Done" }],
        Default: "Failed",
      },
      Done: { Type: "Succeed" },
      Failed: { Type: "Fail", Error: "NotDone", Cause: "The work is not done." },
    },
  };
}

const left = (d: AslStateMachine) => d.States.Both.Branches![0].States.Left;

/** Invalid definitions, each the fixture with one change, and where validateAsl must place the first problem. */
const INVALID: { name: string; mutate: (d: AslStateMachine) => void; code: string; state?: string; field?: string }[] = [
  {
    name: "a negative IntervalSeconds in Retry",
    mutate: (d) => ((d.States.Invoke.Retry as { IntervalSeconds: number }[])[0].IntervalSeconds = -1),
    code: "SCHEMA_VALIDATION_FAILED",
    state: "Invoke",
    field: "Retry[0].IntervalSeconds",
  },
  { name: "a Default to a missing State", mutate: (d) => (d.States["Done?"].Default = "Nowhere"), code: "MISSING_TRANSITION_TARGET", state: "Done?", field: "Default" },
  {
    name: "a Catch Next to a missing State",
    mutate: (d) => ((d.States.Invoke.Catch as { Next: string }[])[0].Next = "Nowhere"),
    code: "MISSING_TRANSITION_TARGET",
    state: "Invoke",
    field: "Catch[0].Next",
  },
  { name: "an unreachable State", mutate: (d) => (d.States.Orphan = { Type: "Pass", End: true }), code: "MISSING_TRANSITION_TARGET", state: "Orphan" },
  {
    name: "a Task with both TimeoutSeconds and TimeoutSecondsPath",
    mutate: (d) => (d.States.Invoke.TimeoutSecondsPath = "$.timeout"),
    code: "TASK_TIMEOUT",
    state: "Invoke",
    field: "TimeoutSeconds, TimeoutSecondsPath",
  },
  { name: "a bad JSONPath in a Parallel branch's State", mutate: (d) => (left(d).InputPath = "$.left["), code: "SCHEMA_VALIDATION_FAILED", state: "Left", field: "InputPath" },
  {
    name: "a Fail with both Cause and CausePath",
    mutate: (d) => (d.States.Failed.CausePath = "$.error.Cause"),
    code: "FAIL_CAUSE_PROPERTY",
    state: "Failed",
    field: "Cause, CausePath",
  },
  {
    name: "a branch State that transitions out of its branch",
    mutate: (d) => {
      delete left(d).End;
      left(d).Next = "Done";
    },
    code: "BRANCH_OUTBOUND_TRANSITION_TARGET",
    state: "Left",
    field: "Next",
  },
  { name: "a State name used twice", mutate: (d) => (d.States.Left = { Type: "Succeed" }), code: "DUPLICATE_STATE_NAMES", state: "Left" },
  { name: "a State with both End and Next", mutate: (d) => (left(d).Next = "Left"), code: "TERMINAL_STATE_WITH_NEXT", state: "Left", field: "End, Next" },
  {
    name: "a Map without an ItemProcessor",
    mutate: (d) => (d.States.Both = { Type: "Map", Next: "Done?" }),
    code: "MAP_ITEM_PROCESSOR",
    state: "Both",
    field: "ItemProcessor, Iterator",
  },
  {
    name: "a Map batching with both MaxItemsPerBatch and MaxItemsPerBatchPath",
    mutate: (d) =>
      (d.States.Both = {
        Type: "Map",
        ItemProcessor: { ProcessorConfig: { Mode: "DISTRIBUTED", ExecutionType: "STANDARD" }, StartAt: "Left", States: { Left: { Type: "Succeed" } } },
        ItemBatcher: { MaxItemsPerBatch: 10, MaxItemsPerBatchPath: "$.batch" },
        Next: "Done?",
      }),
    code: "MAP_ITEM_BATCHER",
    state: "Both",
    field: "ItemBatcher.MaxItemsPerBatch, ItemBatcher.MaxItemsPerBatchPath",
  },
  {
    name: "a loop without a terminal State",
    mutate: (d) => {
      for (const name of ["Done?", "Done", "Failed"]) delete d.States[name];
      d.States.Both.Next = "Invoke";
      (d.States.Invoke.Catch as { Next: string }[])[0].Next = "Both";
      delete left(d).End;
      left(d).Type = "Succeed";
    },
    code: "MISSING_TERMINAL_STATE",
    field: "States",
  },
  {
    name: "a State without QueryLanguage using Arguments inside a JSONata Map of a JSONPath machine",
    mutate: (d) =>
      (d.States.Both = {
        Type: "Map",
        QueryLanguage: "JSONata",
        ItemProcessor: {
          StartAt: "Left",
          States: { Left: { Type: "Task", Resource: "arn:aws:states:::lambda:invoke", Arguments: { FunctionName: FUNCTION }, End: true } },
        },
        Next: "Done?",
      }),
    code: "SCHEMA_VALIDATION_FAILED",
    state: "Left",
    field: "QueryLanguage",
  },
];

/** Valid definitions besides the fixture and the seeds, each the fixture with one change. */
const VALID: { name: string; mutate: (d: AslStateMachine) => void }[] = [
  {
    name: "a JSONata Task in a JSONPath machine",
    mutate: (d) => {
      d.States.Invoke = { ...d.States.Invoke, QueryLanguage: "JSONata", Arguments: { FunctionName: FUNCTION, Payload: "{% $states.input %}" } };
      delete d.States.Invoke.Parameters;
      (d.States.Invoke.Catch as { ResultPath?: string }[])[0] = { ErrorEquals: ["States.ALL"], Next: "Failed" } as never;
    },
  },
  {
    name: "a JSONata Map whose inner State declares JSONata",
    mutate: (d) =>
      (d.States.Both = {
        Type: "Map",
        QueryLanguage: "JSONata",
        ItemProcessor: {
          StartAt: "Left",
          States: { Left: { Type: "Task", QueryLanguage: "JSONata", Resource: "arn:aws:states:::lambda:invoke", Arguments: { FunctionName: FUNCTION }, End: true } },
        },
        Next: "Done?",
      }),
  },
  { name: "a Fail with CausePath only", mutate: (d) => ((d.States.Failed.CausePath = "$.error.Cause"), delete d.States.Failed.Cause) },
  { name: "a Task with TimeoutSecondsPath only", mutate: (d) => ((d.States.Invoke.TimeoutSecondsPath = "$.timeout"), delete d.States.Invoke.TimeoutSeconds) },
];

const mutated = (mutate: (d: AslStateMachine) => void) => {
  const definition = fixture();
  mutate(definition);
  return definition;
};

const seeds = () => SEEDS.map((workflow) => ({ name: `the ${workflow} seed`, definition: renderWorkflow(workflow, naming, ["orders", "credit-bureaus"]).definition }));

describe("validateAsl", () => {
  it("accepts the three seed definitions as rendered for the dev stack", () => {
    for (const { name, definition } of seeds()) expect(validateAsl(definition), name).to.deep.equal([]);
  });

  it("accepts the happy-path fixture", () => {
    expect(validateAsl(fixture())).to.deep.equal([]);
  });

  for (const { name, mutate } of VALID) {
    it(`accepts ${name}`, () => {
      expect(validateAsl(mutated(mutate))).to.deep.equal([]);
    });
  }

  for (const { name, mutate, code, state, field } of INVALID) {
    const place = state ? `at State "${state}"${field ? `, field "${field}"` : ""}` : field ? `in no State, field "${field}"` : "in no State (the library names none)";
    it(`rejects ${name}, placing the first problem ${place}`, () => {
      const [first] = validateAsl(mutated(mutate));
      expect(first, "a problem").to.not.equal(undefined);
      expect({ code: first.code, state: first.state, field: first.field }, first.message).to.deep.equal({ code, state, field });
    });
  }

  it("places a Next to a missing State at that State's Next", () => {
    // Both's Next was the only way into Done?, which the library reports first as unreachable.
    const problems = validateAsl(mutated((d) => (d.States.Both.Next = "Nowhere")));
    expect(problems.map(({ code, state, field }) => ({ code, state, field }))).to.deep.equal([
      { code: "MISSING_TRANSITION_TARGET", state: "Done?", field: undefined },
      { code: "MISSING_TRANSITION_TARGET", state: "Both", field: "Next" },
    ]);
  });

  it("places a missing StartAt target at the StartAt field", () => {
    const problems = validateAsl(mutated((d) => (d.StartAt = "Begin")));
    expect(problems.map(({ code, state, field }) => ({ code, state, field }))).to.deep.equal([
      { code: "MISSING_TRANSITION_TARGET", state: "Invoke", field: undefined },
      { code: "MISSING_TRANSITION_TARGET", state: undefined, field: "StartAt" },
    ]);
  });

  it("places a missing StartAt target of a branch at the Parallel State's branch", () => {
    const problems = validateAsl(mutated((d) => (d.States.Both.Branches![0].StartAt = "Right")));
    expect(problems.find((p) => p.message.endsWith("target: Right"))).to.include({ state: "Both", field: "Branches[0].StartAt" });
  });

  it("names a State that is used twice", () => {
    const problems = validateAsl(mutated((d) => (d.States.Left = { Type: "Succeed" })));
    expect(problems.filter((p) => p.code === "DUPLICATE_STATE_NAMES").map((p) => p.state)).to.deep.equal(["Left"]);
  });

  it("places a problem in a State whose name contains ' is ' at the whole name", () => {
    const problems = validateAsl(mutated((d) => (d.States["This is it"] = { Type: "Pass", End: true })));
    expect(problems.map((p) => p.state)).to.deep.equal(["This is it"]);
  });

  it("does not modify its input, valid or not", () => {
    for (const definition of [fixture(), ...INVALID.map(({ mutate }) => mutated(mutate)), ...seeds().map((s) => s.definition)]) {
      const before = structuredClone(definition);
      validateAsl(definition);
      expect(definition).to.deep.equal(before);
    }
  });

  it("agrees with asl-validator's own entry function on every sample (parity)", function () {
    this.timeout(30_000); // the library compiles its schemas on every call
    const samples = [
      ...seeds(),
      { name: "fixture", definition: fixture() },
      ...[...VALID, ...INVALID].map(({ name, mutate }) => ({ name, definition: mutated(mutate) })),
      { name: "a Next to a missing State", definition: mutated((d) => (d.States.Both.Next = "Nowhere")) },
      { name: "a missing StartAt target", definition: mutated((d) => (d.StartAt = "Begin")) },
      { name: "a missing branch StartAt target", definition: mutated((d) => (d.States.Both.Branches![0].StartAt = "Right")) },
      { name: "a State named 'This is it'", definition: mutated((d) => (d.States["This is it"] = { Type: "Pass", End: true })) },
    ];
    for (const { name, definition } of samples) {
      const library = aslValidator(structuredClone(definition));
      expect(validateAsl(definition).length === 0, `${name}: ${library.errorsText()}`).to.equal(library.isValid);
    }
  });
});

describe("assertValidAsl", () => {
  it("accepts a valid definition", () => {
    expect(() => assertValidAsl("flow.asl.json", fixture())).not.to.throw();
  });

  it("throws a DefinitionError naming the file and the first problem's State and field", () => {
    const definition = mutated((d) => (d.States.Invoke.TimeoutSecondsPath = "$.timeout"));
    let error: unknown;
    try {
      assertValidAsl("definitions/flow.asl.json", definition);
    } catch (caught) {
      error = caught;
    }
    expect(error).to.be.instanceOf(DefinitionError);
    const { file, state, field, message } = error as DefinitionError;
    expect({ file, state, field }).to.deep.equal({ file: "definitions/flow.asl.json", state: "Invoke", field: "TimeoutSeconds, TimeoutSecondsPath" });
    expect(message).to.match(/^definitions\/flow\.asl\.json: State "Invoke", field "TimeoutSeconds, TimeoutSecondsPath": invalid Amazon States Language \(1 problem\): TASK_TIMEOUT: /);
  });

  it("lists every problem in its message", () => {
    const definition = mutated((d) => {
      d.States.Invoke.TimeoutSecondsPath = "$.timeout";
      d.States.Failed.CausePath = "$.error.Cause";
    });
    expect(() => assertValidAsl("flow.asl.json", definition)).to.throw(DefinitionError, /\(2 problems\): TASK_TIMEOUT: .*; FAIL_CAUSE_PROPERTY: State "Failed"/);
  });
});

describe("validateAsl on deep and long definitions (linear in size)", () => {
  /** A Parallel nested `depth` levels deep; `bottom` is the innermost State. */
  const nested = (depth: number, bottom: Record<string, unknown> = { Type: "Pass", End: true }): AslStateMachine => {
    let machine = { StartAt: "Leaf", States: { Leaf: bottom } } as unknown as AslStateMachine;
    for (let level = 1; level <= depth; level++) machine = { StartAt: `Level ${level}`, States: { [`Level ${level}`]: { Type: "Parallel", Branches: [machine], End: true } } };
    return machine;
  };

  it("validates a Parallel nested 40 deep (whole, asl-validator's schema would take 2^40 steps)", () => {
    expect(validateAsl(nested(40))).to.deep.equal([]);
  });

  it("finds a bad field 40 levels down, naming the innermost State and the field", () => {
    const problems = validateAsl(nested(40, { Type: "Pass", End: true, ResultPath: 7 }));
    expect(problems.map((p) => [p.code, p.state, p.field])).to.deep.include(["SCHEMA_VALIDATION_FAILED", "Leaf", "ResultPath"]);
  });

  it("agrees with asl-validator's own entry function on nested definitions, valid or not (parity)", function () {
    this.timeout(30_000);
    const map = (inner: AslStateMachine): AslStateMachine => ({ StartAt: "Each", States: { Each: { Type: "Map", ItemProcessor: { ProcessorConfig: { Mode: "INLINE" }, ...inner }, End: true } } });
    const samples: [string, AslStateMachine][] = [
      ["8 deep", nested(8)],
      ["8 deep, bad ResultPath", nested(8, { Type: "Pass", End: true, ResultPath: 7 })],
      ["8 deep, unknown field", nested(8, { Type: "Pass", End: true, Bogus: 1 })],
      ["a Map in a Parallel", nested(3, { Type: "Pass", End: true })],
      ["a Parallel in a Map", map(nested(3))],
      ["a Map whose processor misses StartAt", { StartAt: "Each", States: { Each: { Type: "Map", ItemProcessor: { States: { P: { Type: "Pass", End: true } } }, End: true } } } as unknown as AslStateMachine],
      ["a Parallel with a branch that is not an object", { StartAt: "P", States: { P: { Type: "Parallel", Branches: [7], End: true } } } as unknown as AslStateMachine],
      ["JSONata nesting", { ...nested(4), QueryLanguage: "JSONata" }],
    ];
    for (const [name, definition] of samples) {
      const library = aslValidator(structuredClone(definition));
      expect(validateAsl(definition).length === 0, `${name}: ${library.errorsText()}`).to.equal(library.isValid);
    }
  });

  it("cuts the definition into one piece per nested machine, each under its own instance path", () => {
    const pieces = schemaPieces(nested(2)) as AslStateMachine[];
    expect(pieces).to.have.length(3);
    expect(pieces[0].States["Level 2"].Branches).to.deep.equal([{ StartAt: "_", States: { _: { Type: "Succeed" } } }]);
    expect(Object.keys(pieces[1].States)).to.deep.equal(["Level 2"]);
    expect(pieces[1].States["Level 2"].Branches![0].States["Level 1"].Branches).to.deep.equal([{ StartAt: "_", States: { _: { Type: "Succeed" } } }]);
    expect(pieces[2].States["Level 1"].Branches![0].States).to.have.all.keys("Leaf");
  });
});

describe("validateAsl messages name the State and the field", () => {
  const one = (states: Record<string, unknown>, extra: Record<string, unknown> = {}) => validateAsl({ StartAt: Object.keys(states)[0], States: states, ...extra } as unknown as AslStateMachine);
  const shown = (problems: { code: string; state?: string; field?: string; message: string }[]) => problems.map((p) => `${p.code} | ${p.state ?? "-"} | ${p.field ?? "-"} | ${p.message}`);

  it("names the field written twice once .$ is stripped, at any depth, instead of the library's garbled key", () => {
    expect(shown(one({ A: { Type: "Pass", Parameters: { id: 1, "id.$": "$.x", o: { c: 1, "c.$": "$.y" } }, End: true } }))).to.deep.equal([
      'DUPLICATE_FIELD_NAME | A | Parameters.id | has both "id" and "id.$": once ".$" is stripped they name one field.',
      'DUPLICATE_FIELD_NAME | A | Parameters.o.c | has both "c" and "c.$": once ".$" is stripped they name one field.',
    ]);
  });

  it("says a Parallel without Branches needs them, not that its Type is wrong", () => {
    expect(shown(one({ A: { Type: "Parallel", End: true } }))).to.deep.equal(["SCHEMA_VALIDATION_FAILED | A | Branches | a Parallel State needs Branches."]);
  });

  it("names an unknown Type with the types there are, echoing it", () => {
    expect(shown(one({ A: { Type: "Pas", End: true } }))).to.deep.equal([
      'SCHEMA_VALIDATION_FAILED | A | Type | Type must be one of Task, Choice, Pass, Parallel, Map, Wait, Succeed, Fail. Received: "Pas"',
    ]);
  });

  it("names a State whose name is over 80 characters, with its length", () => {
    const name = "N".repeat(81);
    expect(shown(one({ [name]: { Type: "Pass", End: true } }))).to.deep.equal([`SCHEMA_VALIDATION_FAILED | ${name} | - | a State name must be 1 to 80 characters; this one has 81.`]);
  });

  it("names a field the State's type does not have", () => {
    expect(shown(one({ A: { Type: "Pass", End: true, Bogus: 1 } }))).to.deep.equal(["SCHEMA_VALIDATION_FAILED | A | Bogus | a Pass State has no field Bogus."]);
  });

  it("explains a field of the other query language", () => {
    expect(shown(one({ A: { Type: "Pass", QueryLanguage: "JSONata", ResultPath: "$.x", End: true } }))).to.deep.equal([
      "SCHEMA_VALIDATION_FAILED | A | QueryLanguage | uses ResultPath, a JSONPath field, but its QueryLanguage is JSONata (a State without one takes the state machine's, not its enclosing Parallel's or Map's).",
    ]);
  });
});

describe("validateAsl on a machine without a terminal State", () => {
  const looping = { StartAt: "A", States: { A: { Type: "Pass", Next: "B" }, B: { Type: "Pass", Next: "A" } } };

  it("says the top-level machine has none, in the user's terms, not the library's internal fsm number", () => {
    const problems = validateAsl(looping as never).filter((p) => p.code === "MISSING_TERMINAL_STATE");
    expect(problems).to.deep.equal([{ code: "MISSING_TERMINAL_STATE", message: 'the state machine has no terminal State: end one with "End": true, or add a Succeed or Fail State.', field: "States" }]);
  });

  it("names the Parallel State and branch, or the Map State and its processor, that has none", () => {
    const parallel = { StartAt: "P", States: { P: { Type: "Parallel", End: true, Branches: [{ StartAt: "X", States: { X: { Type: "Succeed" } } }, looping] } } };
    expect(validateAsl(parallel as never).filter((p) => p.code === "MISSING_TERMINAL_STATE")).to.deep.equal([
      { code: "MISSING_TERMINAL_STATE", message: 'branch 1 of this Parallel State has no terminal State: end one with "End": true, or add a Succeed or Fail State.', state: "P", field: "Branches[1]" },
    ]);
    const map = { StartAt: "M", States: { M: { Type: "Map", End: true, ItemProcessor: looping } } };
    expect(validateAsl(map as never).filter((p) => p.code === "MISSING_TERMINAL_STATE")).to.deep.equal([
      { code: "MISSING_TERMINAL_STATE", message: 'the ItemProcessor of this Map State has no terminal State: end one with "End": true, or add a Succeed or Fail State.', state: "M", field: "ItemProcessor" },
    ]);
  });
});

describe("jaywayTolerantPath (the bridge over asl-path-validator's grammar)", () => {
  it("writes a dot before a bracket as the bracket alone, as Step Functions' JSONPath engine reads it", () => {
    expect(jaywayTolerantPath("$.[0]")).to.equal("$[0]");
    expect(jaywayTolerantPath("$.Snapshots.[0].State")).to.equal("$.Snapshots[0].State");
    expect(jaywayTolerantPath("$['a.[b']")).to.equal("$['a.[b']");
    expect(jaywayTolerantPath("$.plain.path")).to.equal("$.plain.path");
    // A union of quoted names (Jayway reads it; the grammar does not) is checked as its first name.
    expect(jaywayTolerantPath("$.[*].['bucket', 'key']")).to.equal("$[*]['bucket']");
    expect(jaywayTolerantPath("$.x['a,b']")).to.equal("$.x['a,b']");
  });

  it("accepts the published AWS samples' $.[0] and $.Snapshots.[0].State, and still refuses a path that is not one", () => {
    const pass = (path: string) => validateAsl({ StartAt: "A", States: { A: { Type: "Pass", Parameters: { "value.$": path }, End: true } } } as AslStateMachine);
    expect(pass("$.[0]")).to.deep.equal([]);
    expect(pass("$.Snapshots.[0].State")).to.deep.equal([]);
    expect(pass("$..[")).to.have.length.above(0);
    expect(pass("no path")).to.have.length.above(0);
  });
});

describe("jsonataAsStepFunctionsReadsIt (the bridge over asl-validator's JSONata patterns)", () => {
  const machine = (output: string) => ({ QueryLanguage: "JSONata", StartAt: "T", States: { T: { Type: "Pass", Output: output, End: true } } }) as unknown as AslStateMachine;

  it("accepts expressions over several lines and without spaces inside the delimiters, as AWS's samples write them", () => {
    expect(validateAsl(machine("{% {\n  'total': $sum($states.input.items.price)\n} %}"))).to.deep.equal([]);
    expect(validateAsl(machine("{% $states.input.Items%}"))).to.deep.equal([]);
    expect(validateAsl(machine("{%$states.input%}"))).to.deep.equal([]);
  });

  it("still refuses an expression JSONata cannot parse, naming the State and field", () => {
    const [problem] = validateAsl(machine("{% 1 + %}"));
    expect(problem).to.deep.include({ state: "T", field: "Output" });
    expect(problem.message).to.contain('must match format "jsonata_string"');
  });

  it("replaces only the two patterns, on a copy", () => {
    const schema = { definitions: { jsonata: { pattern: "a" }, not_jsonata: { pattern: "b" }, other: { pattern: "c" } } };
    const bridged = jsonataAsStepFunctionsReadsIt(schema);
    expect(schema.definitions.jsonata.pattern).to.equal("a");
    expect(bridged.definitions.other.pattern).to.equal("c");
    expect(new RegExp(bridged.definitions.jsonata.pattern).test("{% a\n%}")).to.equal(true);
    expect(new RegExp(bridged.definitions.not_jsonata.pattern).test("{%a%}")).to.equal(false);
    expect(new RegExp(bridged.definitions.not_jsonata.pattern).test("a literal\nover two lines")).to.equal(true);
  });
});
