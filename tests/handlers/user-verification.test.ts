import { expect } from "chai";
import { ageOn, handler as checkIdentity } from "../../handlers/check-identity";
import { handler as validateUser, InvalidUser } from "../../handlers/validate-user";
import { rejectionOf } from "./helpers";

const user = (fields: Record<string, unknown> = {}) => ({
  userId: " usr-1 ",
  name: " Ada Lovelace ",
  email: "Ada@Example.com",
  dateOfBirth: "1990-12-10",
  document: { type: "passport", number: "p5550123" },
  ...fields,
});

describe("validate-user handler", () => {
  it("returns the user trimmed, the email lower-cased and the document number upper-cased", async () => {
    expect(await validateUser(user())).to.deep.equal({
      userId: "usr-1",
      name: "Ada Lovelace",
      email: "ada@example.com",
      dateOfBirth: "1990-12-10",
      document: { type: "passport", number: "P5550123" },
    });
  });

  for (const [field, value] of [
    ["userId", ""],
    ["email", "ada"],
    ["dateOfBirth", "1990-02-30"],
    ["document", { type: "library-card", number: "1" }],
  ] as const) {
    it(`rejects a user whose ${field} is ${JSON.stringify(value)} with InvalidUser naming the field`, async () => {
      const error = await rejectionOf(validateUser(user({ [field]: value })));
      expect(error).to.be.instanceOf(InvalidUser);
      expect(error.message).to.match(new RegExp(`^${field} must`));
    });
  }
});

describe("check-identity handler", () => {
  const request = (fields: Record<string, unknown> = {}) => ({ dateOfBirth: "1990-12-10", document: { type: "passport", number: "P5550123" }, checkedAt: "2025-06-01T10:00:00Z", ...fields });

  it("verifies an adult whose document is not reported", async () => {
    expect(await checkIdentity(request())).to.deep.equal({ verified: true, level: "document" });
  });

  it("rejects a document reported lost or stolen, whatever its case", async () => {
    expect(await checkIdentity(request({ document: { type: "passport", number: "x1234567" } }))).to.deep.equal({ verified: false, reason: "The passport X1234567 is reported lost or stolen." });
  });

  it("rejects a holder under 18 on the day of the check, counting birthdays exactly", async () => {
    expect(ageOn("2007-06-02", "2025-06-01T10:00:00Z")).to.equal(17);
    expect(ageOn("2007-06-01", "2025-06-01T10:00:00Z")).to.equal(18);
    expect(await checkIdentity(request({ dateOfBirth: "2007-06-02" }))).to.include({ verified: false });
  });

  it("rejects a request it cannot read rather than throwing", async () => {
    expect(await checkIdentity({ document: null })).to.include({ verified: false });
  });
});
