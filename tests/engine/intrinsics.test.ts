import { expect } from "chai";
import { StatesError } from "../../engine/errors";
import { evaluateIntrinsic, isIntrinsic } from "../../engine/query/intrinsics";
import type { Json, JsonObject } from "../../engine/types";

/*
 * Sources cited below:
 * - [docs]   AWS developer guide, "Intrinsic functions for JSONPath states"
 *            https://docs.aws.amazon.com/step-functions/latest/dg/intrinsic-functions.html
 * - [ls:<f>] LocalStack's recordings of real AWS executions (Apache-2.0), localstack/localstack
 *            tests/aws/services/stepfunctions/v2/intrinsic_functions/<f>.snapshot.json
 * - [obs:<id>] third-party conformance cases run against AWS ("awsExecutable"), files
 *            tests/support/conformance/intrinsicCases/States.*.ts, case id given; they record the Error
 *            (`States.Runtime`) and fragments of the Cause (`Invalid arguments in States.<Name>`).
 * - [real]   integration tests against AWS asserting `States.Runtime` and "Invalid arguments in States.MathAdd".
 */

const CONTEXT: JsonObject = { Execution: { Id: "arn:aws:states:us-east-1:123456789012:execution:machine:run-1", Name: "run-1" }, StateMachine: { Name: "credit-approval-v2" } };
const VARIABLES: JsonObject = { limits: { max: 5 } };

/** A small resolver for `$`, `$.a.b[0]`, `$$.x` and `$var.x` (the engine's own one is tested elsewhere). */
function resolver(input: Json): (path: string) => Json {
  return (path) => {
    let root: Json;
    let rest: string;
    if (path.startsWith("$$")) [root, rest] = [CONTEXT, path.slice(2)];
    else if (/^\$[A-Za-z_]/.test(path)) {
      const name = /^\$([A-Za-z_][A-Za-z0-9_]*)/.exec(path)![1];
      [root, rest] = [VARIABLES[name], path.slice(name.length + 1)];
    } else [root, rest] = [input, path.slice(1)];
    const segments = [...rest.matchAll(/\.([^.[]+)|\[(\d+)\]|\['([^']*)'\]/g)].map((m) => m[1] ?? m[3] ?? Number(m[2]));
    let value: Json | undefined = root;
    for (const segment of segments) {
      value = value !== null && typeof value === "object" ? (value as Record<string, Json>)[segment as string] : undefined;
      if (value === undefined) throw new StatesError("States.Runtime", `The JSONPath '${path}' could not be found`);
    }
    return value as Json;
  };
}

function run(expression: string, input: Json = {}, options?: Parameters<typeof evaluateIntrinsic>[2]): Json {
  return evaluateIntrinsic(expression, resolver(input), options);
}

function failure(expression: string, input: Json = {}): StatesError {
  try {
    run(expression, input);
  } catch (error) {
    expect(error).to.be.instanceOf(StatesError);
    return error as StatesError;
  }
  throw new Error(`expected ${expression} to fail`);
}

function expectInvalid(expression: string, name: string, input: Json = {}): void {
  const error = failure(expression, input);
  expect(error.error).to.equal("States.Runtime");
  expect(error.causeText).to.equal(`Invalid arguments in States.${name}`);
}

function expectParseError(expression: string): void {
  const error = failure(expression);
  expect(error.error).to.equal("States.Runtime");
  expect(error.causeText).to.match(/^The value '.*' is not a valid intrinsic function call: /s);
}

describe("intrinsic functions", () => {
  describe("isIntrinsic", () => {
    it("recognises a call by its States. prefix, name and parenthesis", () => {
      expect(isIntrinsic("States.Format('{}', $.a)")).to.equal(true);
      expect(isIntrinsic("States.UUID()")).to.equal(true);
    });
    it("rejects paths and other strings", () => {
      expect(isIntrinsic("$.States")).to.equal(false);
      expect(isIntrinsic("States.Format")).to.equal(false);
      expect(isIntrinsic("States.(1)")).to.equal(false);
      expect(isIntrinsic("Format('x')")).to.equal(false);
    });
  });

  describe("arguments", () => {
    it("reads string, number, boolean and null literals, paths and calls", () => {
      // [docs] (States.Array takes literals, paths and null alike)
      expect(run("States.Array('Foo', 2020, -3, 1.5, 2e3, true, false, null, $.someJson, States.Array())", { someJson: { random: "abcdefg" } })).to.deep.equal([
        "Foo", 2020, -3, 1.5, 2000, true, false, null, { random: "abcdefg" }, [],
      ]);
    });
    it("unescapes \\', \\{, \\} and \\\\ in string literals", () => {
      // [docs] "Reserved characters in intrinsic functions"
      expect(run("States.Array('it\\'s', '\\{x\\}', 'a\\\\b')")).to.deep.equal(["it's", "{x}", "a\\b"]);
    });
    it("rejects an open escape backslash", () => {
      // [docs] "If an open escape backslash \\ is found in the intrinsic invocation string, the interpreter will throw"
      expectParseError("States.Array('a\\nb')");
    });
    it("keeps a real newline inside a literal", () => {
      // [ls:test_generic] test_escape_sequence: States.StringSplit('Hello<LF>World', '<LF>') gives ["Hello","World"]
      expect(run("States.StringSplit('Hello\nWorld', '\n')")).to.deep.equal(["Hello", "World"]);
    });
    it("resolves context, variable and bracketed paths", () => {
      expect(run("States.Array($$.Execution.Name, $limits.max, $.a[1], $['b c'])", { a: [1, 2], "b c": 3 })).to.deep.equal(["run-1", 5, 2, 3]);
    });
    it("evaluates nested calls, innermost first", () => {
      // [ls:test_generic] test_nested_calls_2: the last '-' part of the state machine's name
      const expression = "States.ArrayGetItem(States.StringSplit($$.StateMachine.Name, '-'), States.MathAdd(States.ArrayLength(States.StringSplit($$.StateMachine.Name, '-')), -1))";
      expect(run(expression)).to.equal("v2");
    });
    it("evaluates the developer guide's nested StringSplit/ArrayGetItem pattern", () => {
      // [docs] the myArn example (nine nested calls; its template has three {} for two arguments, so it uses two here)
      const expression =
        "States.Format('{}.{}', States.ArrayGetItem(States.StringSplit(States.ArrayGetItem(States.StringSplit($.ImageRecipe.Arn, '/'), 2), '.'), 0), States.ArrayGetItem(States.StringSplit(States.ArrayGetItem(States.StringSplit($.ImageRecipe.Arn, '/'), 2), '.'), 1))";
      expect(run(expression, { ImageRecipe: { Arn: "arn:aws:imagebuilder:us-east-1:123:image-recipe/my-recipe/1.2.3" } })).to.equal("1.2");
    });
    it("tolerates spaces around arguments", () => {
      expect(run("States.Array(  1 ,'a'  ,  $.x )", { x: 2 })).to.deep.equal([1, "a", 2]);
    });
    it("lets the path resolver's own error through", () => {
      const error = failure("States.Array($.missing)");
      expect(error.causeText).to.equal("The JSONPath '$.missing' could not be found");
    });
    it("rejects malformed calls", () => {
      expectParseError("States.Array('unterminated)");
      expectParseError("States.Array(1, )");
      expectParseError("States.Array(1");
      expectParseError("States.Array(1) trailing");
      expectParseError("States.Array(bogus)");
      expectParseError("States.Nope(1)");
    });
  });

  describe("States.Format", () => {
    it("replaces each {} with its argument", () => {
      // [docs]
      expect(run("States.Format('Hello, my name is {}.', $.name)", { name: "Arnav" })).to.equal("Hello, my name is Arnav.");
      expect(run("States.Format($.template, $.name)", { name: "Arnav", template: "Hello, my name is {}." })).to.equal("Hello, my name is Arnav.");
    });
    it("writes strings bare, numbers as given and null as null", () => {
      // [ls:test_generic] test_format_1: "", " ", null, 1, 1.1 and a JSON string
      const format = (value: Json) => run("States.Format('Formatting argument {}.', $.v)", { v: value });
      expect(format("")).to.equal("Formatting argument .");
      expect(format(" ")).to.equal("Formatting argument  .");
      expect(format(null)).to.equal("Formatting argument null.");
      expect(format(1)).to.equal("Formatting argument 1.");
      expect(format(1.1)).to.equal("Formatting argument 1.1.");
      expect(format('{"Arg1": 1, "Arg2": []}')).to.equal('Formatting argument {"Arg1": 1, "Arg2": []}.');
    });
    it("writes an object argument as Java's Map.toString", () => {
      // [ls:test_generic] test_format_2 case 7 and test_context_json_path: "fst={Arg1=1, Arg2=[]}", "{Id=..., Name=...}"
      expect(run("States.Format('fst={} and snd={}.', $.o, $.o)", { o: { Arg1: 1, Arg2: [] } })).to.equal("fst={Arg1=1, Arg2=[]} and snd={Arg1=1, Arg2=[]}.");
      expect(run("States.Format('{}', $$.StateMachine)")).to.equal("{Name=credit-approval-v2}");
      expect(run("States.Format('{}', $.a)", { a: ["x", 1, { k: null }] })).to.equal("[x, 1, {k=null}]");
    });
    it("formats booleans", () => {
      // [obs:FMT-02]
      expect(run("States.Format('{} {} {}', $.a, $.b, $.c)", { a: "x", b: 2, c: true })).to.equal("x 2 true");
    });
    it("keeps escaped braces and quotes of a literal template as text", () => {
      // [docs] "\\{ represents {"; [obs:selectPath.spec] Name: \\'{}\\'
      expect(run("States.Format('\\{{}\\}', $.a)", { a: "x" })).to.equal("{x}");
      expect(run("States.Format('Name: \\'{}\\', Surname: \"{}\"', $.n, $.s)", { n: "Gabriel", s: "Moreira" })).to.equal(`Name: 'Gabriel', Surname: "Moreira"`);
    });
    it("keeps the backslashes of a JsonToString result, so the output stays valid JSON", () => {
      // [obs:FMT-03] 'arn:{}:{}' with JsonToString({k:1}); backslashes of arguments are never unescaped
      expect(run("States.Format('arn:{}:{}', $.svc, States.JsonToString($.obj))", { svc: "lambda", obj: { k: 1 } })).to.equal('arn:lambda:{"k":1}');
      const out = run("States.Format('\\{\"payload\": {}\\}', States.JsonToString($.obj))", { obj: { say: 'he said "hi" \\o/' } });
      expect(out).to.be.a("string");
      expect(JSON.parse(out as string)).to.deep.equal({ payload: { say: 'he said "hi" \\o/' } });
    });
    it("keeps backslashes in path values", () => {
      expect(run("States.Format('{}', $.p)", { p: "C:\\dir\\{}" })).to.equal("C:\\dir\\{}");
    });
    it("needs as many arguments as placeholders", () => {
      // [docs] "There must be as many remaining arguments ... as there are occurrences of {}"; [obs:FMT-14, FMT-15]
      expectInvalid("States.Format('{} {}', $.a)", "Format", { a: "x" });
      expectInvalid("States.Format('{}', $.a, $.b)", "Format", { a: "x", b: "y" });
      expect(run("States.Format('no placeholders')")).to.equal("no placeholders");
    });
    it("rejects a brace that is not part of {}", () => {
      // [obs:FMT-018, FMT-019, FMT-020] AWS fails with States.Runtime
      expectInvalid("States.Format('Hello {', $.a)", "Format", { a: "x" });
      expectInvalid("States.Format('Hello {{}}', $.a)", "Format", { a: "x" });
      expectInvalid("States.Format('}')", "Format");
    });
    it("rejects a template that is not a string", () => {
      expectInvalid("States.Format($.t, $.a)", "Format", { t: 123, a: 1 });
    });
  });

  describe("States.StringToJson", () => {
    it("parses JSON text", () => {
      // [ls:test_json_manipulation] test_string_to_json
      const parse = (text: string) => run("States.StringToJson($.s)", { s: text });
      expect(parse("null")).to.equal(null);
      expect(parse("-0")).to.equal(0);
      expect(Object.is(parse("-0"), -0)).to.equal(false);
      expect(parse("1.1")).to.equal(1.1);
      expect(parse("true")).to.equal(true);
      expect(parse('"HelloWorld"')).to.equal("HelloWorld");
      expect(parse('[1, 2, "HelloWorld"]')).to.deep.equal([1, 2, "HelloWorld"]);
      expect(parse('{"Arg1": 1, "Arg2": []}')).to.deep.equal({ Arg1: 1, Arg2: [] });
    });
    it("gives null for an empty or blank string", () => {
      // [ls:test_json_manipulation] test_string_to_json: "" and " " give null
      expect(run("States.StringToJson($.s)", { s: "" })).to.equal(null);
      expect(run("States.StringToJson($.s)", { s: " " })).to.equal(null);
    });
    it("fails on invalid JSON and on a non-string", () => {
      // [real] a non-string argument fails with "States.Runtime: Invalid arguments in States.StringToJson"
      expectInvalid("States.StringToJson($.s)", "StringToJson", { s: "{not json" });
      expectInvalid("States.StringToJson($.s)", "StringToJson", { s: { already: "parsed" } });
    });
  });

  describe("States.JsonToString", () => {
    it("writes compact JSON", () => {
      // [ls:test_json_manipulation] test_json_to_string; [docs] {"name":"Foo","year":2020}
      const text = (value: Json) => run("States.JsonToString($.v)", { v: value });
      expect(text(null)).to.equal("null");
      expect(text(1.1)).to.equal("1.1");
      expect(text(true)).to.equal("true");
      expect(text("HelloWorld")).to.equal('"HelloWorld"');
      expect(text([1, 2, "HelloWorld"])).to.equal('[1,2,"HelloWorld"]');
      expect(text({ Arg1: 1, Arg2: [] })).to.equal('{"Arg1":1,"Arg2":[]}');
    });
    it("round-trips through StringToJson", () => {
      const value = { a: 'q"uote', b: ["\\", null] };
      expect(run("States.StringToJson(States.JsonToString($))", value)).to.deep.equal(value);
    });
  });

  describe("States.Array", () => {
    it("builds an array of its arguments, none included", () => {
      // [docs] "BuildId.$": "States.Array($.Id)" gives [123456]
      expect(run("States.Array($.Id)", { Id: 123456 })).to.deep.equal([123456]);
      expect(run("States.Array()")).to.deep.equal([]);
    });
  });

  describe("States.ArrayPartition", () => {
    it("chunks an array, the last chunk smaller", () => {
      // [docs] [1..9] by 4 gives [[1,2,3,4],[5,6,7,8],[9]]
      expect(run("States.ArrayPartition($.inputArray,4)", { inputArray: [1, 2, 3, 4, 5, 6, 7, 8, 9] })).to.deep.equal([[1, 2, 3, 4], [5, 6, 7, 8], [9]]);
    });
    it("gives [] for an empty array and one chunk for an oversized chunk size", () => {
      // [obs:AP-005, AP-004, AP-024]
      expect(run("States.ArrayPartition($.a, 3)", { a: [] })).to.deep.equal([]);
      expect(run("States.ArrayPartition($.a, 2147483647)", { a: [1, 2, 3] })).to.deep.equal([[1, 2, 3]]);
    });
    it("truncates a fractional chunk size", () => {
      // [obs:AP-014, AP-013] AWS: 2.4 and 2.6 both partition by 2
      expect(run("States.ArrayPartition($.a, 2.4)", { a: [1, 2, 3, 4, 5] })).to.deep.equal([[1, 2], [3, 4], [5]]);
      expect(run("States.ArrayPartition($.a, 2.6)", { a: [1, 2, 3, 4, 5] })).to.deep.equal([[1, 2], [3, 4], [5]]);
    });
    it("rejects a chunk size below 1, a non-number and a non-array", () => {
      // [docs] "non-zero, positive integer"; [obs:AP-011, AP-012, AP-015, AP-016, AP-017, AP-008, AP-009, AP-010]
      for (const size of ["0", "-1", "0.49", "-0.4", "0.6", "'2'", "null"]) expectInvalid(`States.ArrayPartition($.a, ${size})`, "ArrayPartition", { a: [1, 2, 3] });
      expectInvalid("States.ArrayPartition('not-array', 2)", "ArrayPartition");
      expectInvalid("States.ArrayPartition($.a)", "ArrayPartition", { a: [1] });
    });
  });

  describe("States.ArrayContains", () => {
    it("finds a value", () => {
      // [docs] lookingFor 5 in [1..9] gives true; [obs:AC-002]
      expect(run("States.ArrayContains($.inputArray, $.lookingFor)", { inputArray: [1, 2, 3, 4, 5, 6, 7, 8, 9], lookingFor: 5 })).to.equal(true);
      expect(run("States.ArrayContains($.a, 5)", { a: [1, 2, 3] })).to.equal(false);
      expect(run("States.ArrayContains($.a, null)", { a: [1, null, 3] })).to.equal(true);
    });
    it("compares objects and arrays by value", () => {
      // [obs:AC-008, AC-010, AC-024, AC-027]
      expect(run("States.ArrayContains($.a, $.t)", { a: [{ a: 1 }, { b: 2 }], t: { a: 1 } })).to.equal(true);
      expect(run("States.ArrayContains($.a, $.t)", { a: [[1, 2], [3, 4]], t: [1, 2] })).to.equal(true);
      expect(run("States.ArrayContains($.a, $.t)", { a: [{ a: 1 }], t: { a: 1, extra: null } })).to.equal(false);
      expect(run("States.ArrayContains($.a, $.t)", { a: [null, "", " ", 0, 1, true, false, [0, 1, false]], t: [0, 1, false] })).to.equal(true);
    });
    it("does not equate false with 0", () => {
      // [obs:AC-025]
      expect(run("States.ArrayContains($.a, false)", { a: [0, 1, -1, -1.5] })).to.equal(false);
    });
    it("rejects a non-array and a wrong argument count", () => {
      // [obs:AC-013, AC-014, AC-015]
      expectInvalid("States.ArrayContains('not-array', 'x')", "ArrayContains");
      expectInvalid("States.ArrayContains($.a)", "ArrayContains", { a: [1] });
      expectInvalid("States.ArrayContains($.a, 2, 999)", "ArrayContains", { a: [1] });
    });
  });

  describe("States.ArrayRange", () => {
    it("includes both ends", () => {
      // [docs] (1, 9, 2) gives [1,3,5,7,9]; [obs:ARANGE-003, 005, 006, 007]
      expect(run("States.ArrayRange(1, 9, 2)")).to.deep.equal([1, 3, 5, 7, 9]);
      expect(run("States.ArrayRange(0, 10, 3)")).to.deep.equal([0, 3, 6, 9]);
      expect(run("States.ArrayRange(1, 9, 9)")).to.deep.equal([1]);
      expect(run("States.ArrayRange(-2, 2, 2)")).to.deep.equal([-2, 0, 2]);
      expect(run("States.ArrayRange(3, 3, -1)")).to.deep.equal([3]);
      expect(run("States.ArrayRange(5, 1, -2)")).to.deep.equal([5, 3, 1]);
    });
    it("gives [] when the step points away from the end", () => {
      // [obs:ARANGE-008, ARANGE-009]
      expect(run("States.ArrayRange(5, 1, 1)")).to.deep.equal([]);
      expect(run("States.ArrayRange(1, 5, -1)")).to.deep.equal([]);
    });
    it("truncates fractional arguments", () => {
      // [obs:ARANGE-004, ARANGE-023, ARANGE-024] AWS: (1.6, 1.4, 1) gives [1]; (5.4, -0.6, -2.4) gives [5,3,1]
      expect(run("States.ArrayRange(1.4, 5.6, 2.2)")).to.deep.equal([1, 3, 5]);
      expect(run("States.ArrayRange(1.6, 1.4, 1)")).to.deep.equal([1]);
      expect(run("States.ArrayRange(5.4, -0.6, -2.4)")).to.deep.equal([5, 3, 1]);
    });
    it("produces at most 1000 items", () => {
      // [docs] "can't contain more than 1000 items"; [obs:ARANGE-015..018]
      expect(run("States.ArrayRange(1, 1000, 1)")).to.have.length(1000);
      expect(run("States.ArrayRange(1000, 1, -1)")).to.have.length(1000);
      expectInvalid("States.ArrayRange(1, 1001, 1)", "ArrayRange");
      expectInvalid("States.ArrayRange(1001, 1, -1)", "ArrayRange");
    });
    it("rejects a zero step, non-numbers and a wrong argument count", () => {
      // [docs] "non-zero value for the third argument"; [obs:ARANGE-010..014, 019, 020]
      for (const args of ["1, 10, 0", "1, 10, 0.49", "'a', 5, 1", "1, 'b', 1", "1, 5, 'c'", "1, 5", "1, 5, 1, 99"]) expectInvalid(`States.ArrayRange(${args})`, "ArrayRange");
    });
  });

  describe("States.ArrayGetItem", () => {
    it("returns the item at an index", () => {
      // [docs] index 5 of [1..9] gives 6; [obs:AGI-005, AGI-007]
      expect(run("States.ArrayGetItem($.inputArray, $.index)", { inputArray: [1, 2, 3, 4, 5, 6, 7, 8, 9], index: 5 })).to.equal(6);
      expect(run("States.ArrayGetItem($.a, 0)", { a: [null] })).to.equal(null);
      expect(run("States.ArrayGetItem($.a, 1)", { a: [{ a: 1 }, { b: 2 }] })).to.deep.equal({ b: 2 });
    });
    it("truncates a fractional index", () => {
      // [obs:AGI-015] AWS returns 20 for index 1.2 of [10,20,30]
      expect(run("States.ArrayGetItem($.a, 1.2)", { a: [10, 20, 30] })).to.equal(20);
    });
    it("rejects an index out of range and bad arguments", () => {
      // [obs:AGI-009, AGI-010, AGI-008, AGI-012]
      expectInvalid("States.ArrayGetItem($.a, 3)", "ArrayGetItem", { a: [10, 20, 30] });
      expectInvalid("States.ArrayGetItem($.a, -1)", "ArrayGetItem", { a: [10, 20, 30] });
      expectInvalid("States.ArrayGetItem('not-array', 0)", "ArrayGetItem");
      expectInvalid("States.ArrayGetItem($.a, '1')", "ArrayGetItem", { a: [10, 20, 30] });
    });
  });

  describe("States.ArrayLength and States.ArrayUnique", () => {
    it("counts items", () => {
      // [docs] [1..9] gives 9
      expect(run("States.ArrayLength($.inputArray)", { inputArray: [1, 2, 3, 4, 5, 6, 7, 8, 9] })).to.equal(9);
      expectInvalid("States.ArrayLength($.s)", "ArrayLength", { s: "abc" });
    });
    it("removes duplicates by value, keeping the first", () => {
      // [docs] [1,2,3,3,3,3,3,3,4] gives [1,2,3,4]
      expect(run("States.ArrayUnique($.inputArray)", { inputArray: [1, 2, 3, 3, 3, 3, 3, 3, 4] })).to.deep.equal([1, 2, 3, 4]);
      const items = [null, null, true, true, false, 1, 1, 1.1, 0, "HelloWorld", "HelloWorld", [], [], [null], [null], { a: 1, b: 2 }, { b: 2, a: 1 }, { a: 1, b: 1 }];
      expect(run("States.ArrayUnique($)", items)).to.deep.equal([null, true, false, 1, 1.1, 0, "HelloWorld", [], [null], { a: 1, b: 2 }, { a: 1, b: 1 }]);
    });
  });

  describe("States.Base64Encode and States.Base64Decode", () => {
    it("encodes and decodes UTF-8 text", () => {
      // [docs] "Data to encode" <-> "RGF0YSB0byBlbmNvZGU="; [obs:B64E-004, 005, 022, B64D-018]
      expect(run("States.Base64Encode($.input)", { input: "Data to encode" })).to.equal("RGF0YSB0byBlbmNvZGU=");
      expect(run("States.Base64Decode($.base64)", { base64: "RGF0YSB0byBlbmNvZGU=" })).to.equal("Data to encode");
      expect(run("States.Base64Encode($.s)", { s: "こんにちは" })).to.equal("44GT44KT44Gr44Gh44Gv");
      expect(run("States.Base64Encode('🚀')")).to.equal("8J+agA==");
      expect(run("States.Base64Decode('YWJjAGRlZg==')")).to.equal("abc\u0000def");
      expect(run("States.Base64Encode('')")).to.equal("");
    });
    it("accepts 10,000 characters and rejects 10,001", () => {
      // [docs] "a data string of up to 10,000 characters"; [obs:B64E-009, B64E-010, B64D-008]
      expect(run("States.Base64Encode($.s)", { s: "a".repeat(10000) })).to.be.a("string");
      expectInvalid("States.Base64Encode($.s)", "Base64Encode", { s: "a".repeat(10001) });
      expectInvalid("States.Base64Decode($.s)", "Base64Decode", { s: "A".repeat(10001) });
    });
    it("decodes leniently, as a MIME decoder", () => {
      // [obs:B64D-015, B64D-017, B64D-024] AWS returns output for '!!!invalid!!!', 'abc' and ' YWJjZA== '
      expect(run("States.Base64Decode(' YWJjZA== ')")).to.equal("abcd");
      expect(run("States.Base64Decode('abc')")).to.be.a("string");
      expect(run("States.Base64Decode('!!!invalid!!!')")).to.be.a("string");
    });
    it("rejects non-strings and a wrong argument count", () => {
      // [obs:B64E-011, 014, 015, 016, 017, B64D-009, 012, 013, 014]
      expectInvalid("States.Base64Encode(123)", "Base64Encode");
      expectInvalid("States.Base64Encode($.a)", "Base64Encode", { a: ["x"] });
      expectInvalid("States.Base64Encode('a', 'b')", "Base64Encode");
      expectInvalid("States.Base64Decode($.o)", "Base64Decode", { o: {} });
      expectInvalid("States.Base64Decode()", "Base64Decode");
    });
  });

  describe("States.Hash", () => {
    it("hashes with each of the five algorithms, in lower-case hex", () => {
      // [obs:HASH-001..005]
      expect(run("States.Hash('hello', 'MD5')")).to.equal("5d41402abc4b2a76b9719d911017c592");
      expect(run("States.Hash('hello', 'SHA-1')")).to.equal("aaf4c61ddcc5e8a2dabede0f3b482cd9aea9434d");
      expect(run("States.Hash('hello', 'SHA-256')")).to.equal("2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824");
      expect(run("States.Hash('hello', 'SHA-384')")).to.equal("59e1748777448c69de6b800d7a33bbfb9ff1b463e44354c3553bcdb9c666fa90125a3c79f90397bdf5f6a13de828684f");
      expect(run("States.Hash('hello', 'SHA-512')")).to.equal(
        "9b71d224bd62f3785d96d46ad3ea3d73319bfbc2890caadae2dff72519673ca72323c3d99ba5c11d7c7acc6e14b8c5da0c4663475c2e5c3adef46f73bcdec043",
      );
    });
    it("hashes the UTF-8 bytes of paths and nested results", () => {
      // [obs:HASH-033, HASH-009, HASH-034]
      expect(run("States.Hash($.s, $.algo)", { s: "Data to encode", algo: "MD5" })).to.equal("ca405671828a177e26947171bbe1e352");
      expect(run("States.Hash($.s, 'SHA-256')", { s: "こんにちは" })).to.equal("125aeadf27b0459b8760c13a3d80912dfa8a81a68261906f60d87f4a0268646c");
      expect(run("States.Hash(States.Format('{}:{}', $.a, $.b), 'SHA-256')", { a: "x", b: "y" })).to.equal("1274e286686b54fe765ec40735665b4bf789cee2a5b22124c5e0491a88e15271");
    });
    it("hashes a number by its text", () => {
      // [obs:HASH-014] AWS returns a digest for States.Hash(123, 'SHA-256')
      expect(run("States.Hash(123, 'SHA-256')")).to.equal(run("States.Hash('123', 'SHA-256')"));
    });
    it("rejects an unknown algorithm, spelled exactly", () => {
      // [docs] the five names; [obs:HASH-018, 024, 025, 026, 030, 031, 032]
      for (const algorithm of ["'UNSUPPORTED'", "'sha-256'", "'SHA256'", "''", "'MD-5'", "'SHA-257'", "123"]) expectInvalid(`States.Hash('data', ${algorithm})`, "Hash");
    });
    it("accepts 10,000 characters and rejects 10,001", () => {
      // [docs] "10,000 characters or less"; [obs:HASH-012, HASH-013]
      expect(run("States.Hash($.s, 'SHA-256')", { s: "a".repeat(10000) })).to.match(/^[0-9a-f]{64}$/);
      expectInvalid("States.Hash($.s, 'SHA-256')", "Hash", { s: "a".repeat(10001) });
    });
    it("needs exactly two arguments", () => {
      // [obs:HASH-021, 022, 023]
      expectInvalid("States.Hash()", "Hash");
      expectInvalid("States.Hash('hello')", "Hash");
      expectInvalid("States.Hash('hello', 'SHA-256', 'extra')", "Hash");
    });
  });

  describe("States.JsonMerge", () => {
    it("merges shallowly, the second object winning", () => {
      // [docs]; [ls:test_json_manipulation] test_json_merge gives {a:{a3:1,a4:2}, b:2, c:3, d:4}
      const input = { fst: { a: { a1: 1, a2: 2 }, b: 2, d: 3 }, snd: { a: { a3: 1, a4: 2 }, c: 3, d: 4 } };
      expect(run("States.JsonMerge($.fst, $.snd, false)", input)).to.deep.equal({ a: { a3: 1, a4: 2 }, b: 2, c: 3, d: 4 });
    });
    it("merges a nested StringToJson of an escaped literal", () => {
      // [ls:test_json_manipulation] test_json_merge_escaped_argument
      const out = run("States.JsonMerge(States.StringToJson('{\"constant_in_literal\": \"false\"}'), $$.Execution, false)");
      expect(out).to.deep.equal({ constant_in_literal: "false", ...(CONTEXT.Execution as JsonObject) });
    });
    it("rejects deep merging and non-objects", () => {
      // [docs] "Step Functions only supports the shallow merging mode; therefore, you must specify the boolean value as false"
      expectInvalid("States.JsonMerge($.a, $.b, true)", "JsonMerge", { a: {}, b: {} });
      expectInvalid("States.JsonMerge($.a, $.b, false)", "JsonMerge", { a: [], b: {} });
      expectInvalid("States.JsonMerge($.a, $.b)", "JsonMerge", { a: {}, b: {} });
    });
  });

  describe("States.MathRandom", () => {
    it("draws an integer in [start, end)", () => {
      // [docs] (1, 999); [obs:MRAND-001] integer, start inclusive, end exclusive
      expect(run("States.MathRandom($.start, $.end)", { start: 1, end: 999 }, { random: () => 0 })).to.equal(1);
      expect(run("States.MathRandom($.start, $.end)", { start: 1, end: 999 }, { random: () => 0.999999999 })).to.equal(998);
      expect(run("States.MathRandom(-99999, -9999)", {}, { random: () => 0.5 })).to.equal(-54999);
    });
    it("repeats the same number for the same seed", () => {
      // [docs] "If you use this function with the same seed value, it returns an identical number"; [obs:MRAND-003, 016, 017]
      const first = run("States.MathRandom(1, 100, 42)");
      expect(run("States.MathRandom(1, 100, 42)")).to.equal(first);
      for (const seed of [-10, 0, 3, 2147483647]) {
        const value = run(`States.MathRandom(0, 999, ${seed})`) as number;
        expect(Number.isInteger(value) && value >= 0 && value < 999).to.equal(true);
      }
    });
    it("truncates fractional bounds", () => {
      // [obs:MRAND-008, MRAND-009] AWS: (1.6, 5.4) can give 1; (1.4, 1.6) fails
      expect(run("States.MathRandom(1.6, 5.4)", {}, { random: () => 0 })).to.equal(1);
      expect(run("States.MathRandom(1.6, 5.4)", {}, { random: () => 0.99 })).to.equal(4);
      expectInvalid("States.MathRandom(1.4, 1.6)", "MathRandom");
    });
    it("rejects empty ranges, non-numbers and a wrong argument count", () => {
      // [obs:MRAND-005, 006, 010, 011, 012, 013, 014, 015, 019]
      for (const args of ["1, 1", "10, 5", "1.49, 1.49", "'a', 10", "1, 'b'", "1, 10, 'seed'", "1, 10, null", "1", "1, 10, 5, 99"]) expectInvalid(`States.MathRandom(${args})`, "MathRandom");
    });
  });

  describe("States.MathAdd", () => {
    it("adds integers", () => {
      // [docs] 111 + -1 gives 110; [ls:test_math_operations] -9 + 3 gives -6
      expect(run("States.MathAdd($.value1, $.step)", { value1: 111, step: -1 })).to.equal(110);
      expect(run("States.MathAdd(-9, 3)")).to.equal(-6);
    });
    it("rounds each argument half up before adding, as Java's Math.round", () => {
      // [ls:test_math_operations] test_math_add, every recorded case
      const cases: [number, number, number][] = [
        [1.49, 1.5, 3], [1.5, 1.51, 4], [-1.49, -1.5, -2], [-1.5, -1.51, -3], [1.49, 0, 1], [1.49, -1.49, 0], [1.5, 0, 2], [1.51, 0, 2],
        [-1.49, 0, -1], [-1.5, 0, -1], [-1.51, 0, -2], [0.5, 0, 1], [1.5, 0, 2], [2.5, 0, 3], [3.5, 0, 4], [-0.5, 0.5, 1], [-0.5, 0, 0],
        [-1.5, 0, -1], [-2.5, 0, -2],
      ];
      for (const [fst, snd, sum] of cases) {
        const value = run("States.MathAdd($.fst, $.snd)", { fst, snd });
        expect(value, `MathAdd(${fst}, ${snd})`).to.equal(sum);
        expect(Object.is(value, -0)).to.equal(false);
      }
      expect(run("States.MathAdd(1.111, 2.2)")).to.equal(3);
    });
    it("rejects a non-number and a wrong argument count", () => {
      // [real] {"firstNumber": 1, "secondNumber": "NOT A NUMBER"} fails with States.Runtime, "Invalid arguments in States.MathAdd"
      expectInvalid("States.MathAdd($.a, $.b)", "MathAdd", { a: 1, b: "NOT A NUMBER" });
      expectInvalid("States.MathAdd(1)", "MathAdd");
      expectInvalid("States.MathAdd(1, 2, 3)", "MathAdd");
    });
  });

  describe("States.StringSplit", () => {
    it("splits on a delimiter", () => {
      // [docs] "1,2,3,4,5" by "," gives ["1","2","3","4","5"]
      expect(run("States.StringSplit($.inputString, $.splitter)", { inputString: "1,2,3,4,5", splitter: "," })).to.deep.equal(["1", "2", "3", "4", "5"]);
    });
    it("splits on any character of the delimiter", () => {
      // [ls:test_string_operations] "This.is+a,test=string" by ".+,=" gives ["This","is","a","test","string"]
      expect(run("States.StringSplit($.s, $.d)", { s: "This.is+a,test=string", d: ".+,=" })).to.deep.equal(["This", "is", "a", "test", "string"]);
    });
    it("drops empty strings and keeps whitespace", () => {
      // [ls:test_string_operations] " , " gives [" "," "]; ", , ," gives [" "," "]; ",,,," gives []
      expect(run("States.StringSplit('a,,b', ',')")).to.deep.equal(["a", "b"]);
      expect(run("States.StringSplit($.s, ',')", { s: " , " })).to.deep.equal([" ", " "]);
      expect(run("States.StringSplit($.s, ',')", { s: ", , ," })).to.deep.equal([" ", " "]);
      expect(run("States.StringSplit($.s, ',')", { s: ",,,," })).to.deep.equal([]);
      expect(run("States.StringSplit($.s, ',')", { s: " " })).to.deep.equal([" "]);
    });
    it("splits multi-line text only on the delimiter", () => {
      // [ls:test_string_operations] test_string_split_context_object
      const s = "Value1,Value2,Value3\nValue4,Value5,Value6\n,,,\ntrue,1,'HelloWorld'\nNull,None,\n   \n";
      expect(run("States.StringSplit($.s, ',')", { s })).to.deep.equal(["Value1", "Value2", "Value3\nValue4", "Value5", "Value6\n", "\ntrue", "1", "'HelloWorld'\nNull", "None", "\n   \n"]);
    });
    it("rejects non-strings", () => {
      expectInvalid("States.StringSplit($.s, ',')", "StringSplit", { s: 5 });
      expectInvalid("States.StringSplit('a', 1)", "StringSplit");
    });
  });

  describe("States.UUID", () => {
    it("returns a v4 UUID", () => {
      // [docs] "a version 4 universally unique identifier"
      expect(run("States.UUID()")).to.match(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
      expect(run("States.UUID()", {}, { uuid: () => "ca4c1140-dcc1-40cd-ad05-7b4aa23df4a8" })).to.equal("ca4c1140-dcc1-40cd-ad05-7b4aa23df4a8");
    });
    it("takes no arguments", () => {
      expectInvalid("States.UUID(1)", "UUID");
    });
  });
});
