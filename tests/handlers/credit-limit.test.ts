import { expect } from "chai";
import fc from "fast-check";
import { applyCreditLimit, handler, InvalidApplication } from "../../handlers/credit-limit";
import { rejectionOf } from "./helpers";

/** A complete, valid credit application; each test changes one field. */
const application = () => ({
  applicantId: "app-123",
  name: "Jane Doe",
  email: "jane@example.com",
  ssn: "123-45-6789",
  address: { street: "1 Main St", city: "Springfield", postalCode: "12345", country: "US" },
  creditRequested: 7_450,
});

describe("credit-limit handler", () => {
  it("returns the requested limit and the applied limit rounded down to a multiple of 100", async () => {
    expect(await handler(application())).to.deep.equal({ applicantId: "app-123", requested: 7_450, applied: 7_400 });
  });

  it("caps the applied limit at 25000", async () => {
    const result = await handler({ ...application(), creditRequested: 1_000_000 });
    expect(result).to.deep.equal({ applicantId: "app-123", requested: 1_000_000, applied: 25_000 });
  });

  it("applies 0 to a request below 100", async () => {
    expect((await handler({ ...application(), creditRequested: 99.99 })).applied).to.equal(0);
  });

  for (const creditRequested of [0, -100, NaN, Infinity, "5000", undefined]) {
    it(`throws InvalidApplication for creditRequested ${String(creditRequested)}`, async () => {
      const error = await rejectionOf(handler({ ...application(), creditRequested }));
      expect(error).to.be.instanceOf(InvalidApplication);
      expect(error.name).to.equal("InvalidApplication");
      expect(error.message).to.match(/^creditRequested must be a positive finite number\. Received: /);
    });
  }

  it("throws InvalidApplication when applicantId is missing", async () => {
    const { applicantId: _omitted, ...rest } = application();
    const error = await rejectionOf(handler(rest));
    expect(error.name).to.equal("InvalidApplication");
    expect(error.message).to.contain("applicantId");
  });

  it("throws InvalidApplication for an event that is not an object", async () => {
    expect((await rejectionOf(handler(null))).name).to.equal("InvalidApplication");
  });
});

describe("applyCreditLimit", () => {
  it("always applies a multiple of 100 between 0 and 25000 that does not exceed the request", () => {
    fc.assert(
      fc.property(fc.double({ min: Number.MIN_VALUE, max: 1e12, noNaN: true }), (requested) => {
        const applied = applyCreditLimit(requested);
        expect(applied % 100).to.equal(0);
        expect(applied).to.be.within(0, 25_000);
        expect(applied).to.be.at.most(requested);
        expect(requested - applied < 100 || applied === 25_000).to.equal(true);
      }),
    );
  });
});
