import { expect } from "chai";
import { NamedError, namedError, renderValue } from "../../../handlers/lib/errors";
import { isNonEmptyString, isRecord } from "../../../handlers/lib/guards";

describe("NamedError", () => {
  it("carries the ASL error name as its name and stays an Error", () => {
    const error = new NamedError("SomethingFailed", "it failed");
    expect(error).to.be.instanceOf(Error);
    expect(error.name).to.equal("SomethingFailed");
    expect(error.message).to.equal("it failed");
    expect(String(error)).to.equal("SomethingFailed: it failed");
  });

  it("is created by namedError with the given name and message", () => {
    const error = namedError("Other", "why");
    expect(error).to.be.instanceOf(NamedError);
    expect([error.name, error.message]).to.deep.equal(["Other", "why"]);
  });
});

describe("renderValue", () => {
  it("quotes strings, prints numbers and marks undefined", () => {
    expect(renderValue("a")).to.equal('"a"');
    expect(renderValue(-2)).to.equal("-2");
    expect(renderValue(NaN)).to.equal("NaN");
    expect(renderValue(undefined)).to.equal("undefined");
    expect(renderValue(null)).to.equal("null");
    expect(renderValue({ a: [1] })).to.equal('{"a":[1]}');
  });

  it("truncates long values to the limit with an ellipsis", () => {
    const text = renderValue("x".repeat(500), 20);
    expect(text).to.have.length(20);
    expect(text.endsWith("…")).to.equal(true);
  });

  it("does not throw on cyclic objects", () => {
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    expect(renderValue(cyclic)).to.equal("[object Object]");
  });
});

describe("guards", () => {
  it("treats only non-null, non-array objects as records", () => {
    expect([{}, [], null, "x"].map(isRecord)).to.deep.equal([true, false, false, false]);
  });

  it("treats blank strings as empty", () => {
    expect(["a", " a ", "", "  ", 3].map(isNonEmptyString)).to.deep.equal([true, true, false, false, false]);
  });
});
