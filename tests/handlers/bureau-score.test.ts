import { expect } from "chai";
import fc from "fast-check";
import { handler, InvalidScoreRequest, scoreFor } from "../../handlers/bureau-score";
import { rejectionOf } from "./helpers";

/**
 * Scores of ("Equifax", "app-123") and ("TransUnion", "app-123"), computed outside the handler as
 * 300 + (first 6 bytes of SHA-256 of `["<bureau>","<applicantId>"]`, big-endian) mod 551.
 */
const PINNED = [446, 813];

describe("bureau-score handler", () => {
  it("returns the bureau, the applicant and an integer score from 300 to 850", async () => {
    const result = await handler({ bureau: "Equifax", applicantId: "app-123" });
    expect(result).to.have.all.keys("bureau", "applicantId", "score");
    expect(result.bureau).to.equal("Equifax");
    expect(result.applicantId).to.equal("app-123");
    expect(Number.isInteger(result.score)).to.equal(true);
    expect(result.score).to.be.within(300, 850);
  });

  it("gives the same applicant the same score from the same bureau on every call", async () => {
    const first = await handler({ bureau: "Experian", applicantId: "app-9" });
    const second = await handler({ bureau: "Experian", applicantId: "app-9" });
    expect(second.score).to.equal(first.score);
  });

  it("scores known pairs as independently computed, so the hash cannot change unnoticed", () => {
    expect([scoreFor("Equifax", "app-123"), scoreFor("TransUnion", "app-123")]).to.deep.equal(PINNED);
  });

  it("keeps every score an integer within 300..850", () => {
    fc.assert(
      fc.property(fc.string(), fc.string(), (bureau, applicantId) => {
        const score = scoreFor(bureau, applicantId);
        return Number.isInteger(score) && score >= 300 && score <= 850;
      }),
    );
  });

  for (const [what, event] of [
    ["the bureau is missing", { applicantId: "app-1" }],
    ["the applicant is missing", { bureau: "Equifax" }],
    ["the bureau is blank", { bureau: " ", applicantId: "app-1" }],
    ["the event is not an object", "Equifax"],
  ] as const) {
    it(`throws InvalidScoreRequest when ${what}`, async () => {
      const error = await rejectionOf(handler(event));
      expect(error).to.be.instanceOf(InvalidScoreRequest);
      expect(error.name).to.equal("InvalidScoreRequest");
    });
  }
});
