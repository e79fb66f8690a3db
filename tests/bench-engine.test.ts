import { expect } from "chai";
import { agreedOutput, anchorMachine, ENGINE_CASES, type EngineCase, runAnchor, runStatecraft, THIRTEEN_STATES, TEN_PASSES } from "../bench/engine";

/** Every State of a definition, Parallel branches and Map processors included. */
function allStates(definition: EngineCase["definition"]): Record<string, unknown>[] {
  return Object.values(definition.States).flatMap((state) => [
    state as unknown as Record<string, unknown>,
    ...((state.Branches as EngineCase["definition"][] | undefined) ?? []).flatMap(allStates),
    ...(state.ItemProcessor ? allStates(state.ItemProcessor as EngineCase["definition"]) : []),
  ]);
}

describe("the engine bench", () => {
  for (const bench of ENGINE_CASES) {
    it(`produces the same ${bench.label} output on statecraft and on aws-local-stepfunctions`, async () => {
      const ours = await runStatecraft(bench);
      const theirs = await runAnchor(bench, anchorMachine(bench));
      expect(ours).to.deep.equal(theirs);
      expect(await agreedOutput(bench)).to.deep.equal(ours);
    });
  }

  it("benchmarks 13 States with a Choice, a Parallel, a Wait, an inline Map of 3 items and a Retry", () => {
    const states = allStates(THIRTEEN_STATES.definition);
    expect(states).to.have.length(13);
    expect(states.map((state) => state.Type)).to.include.members(["Choice", "Parallel", "Wait", "Map", "Task", "Pass", "Succeed"]);
    expect(states.some((state) => Array.isArray(state.Retry))).to.equal(true);
    expect(JSON.stringify(THIRTEEN_STATES.definition)).to.include("States.Format").and.include("States.MathAdd").and.include("States.ArrayLength");
    expect(allStates(TEN_PASSES.definition).filter((state) => state.Type === "Pass")).to.have.length(10);
  });

  it("retries each Map item's failing Task once, then succeeds", async () => {
    const output = (await runStatecraft(THIRTEEN_STATES)) as { lines: { reservation: string }[]; due: number };
    expect(output.lines.map((line) => line.reservation)).to.deep.equal(["r-kettle", "r-mug", "r-tea"]);
    expect(output.due).to.equal(69);
  });

  it("fails loudly, naming both outputs, when the engines disagree", async () => {
    // aws-local-stepfunctions 3 ignores a falsy Result (`Result: 0` passes the input through): a disagreement.
    const falsy: EngineCase = { label: "falsy Result", definition: { StartAt: "Zero", States: { Zero: { Type: "Pass", Result: 0, ResultPath: "$.zero", End: true } } }, input: { a: 1 }, tasks: () => ({}) };
    const failure = await agreedOutput(falsy).then(
      () => undefined,
      (error: Error) => error,
    );
    expect(failure?.message).to.include("disagree on falsy Result").and.include('"zero":0').and.include('"zero":{"a":1}');
  });
});
