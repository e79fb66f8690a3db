import { expect } from "chai";
import { handler, IdentityNotVerified } from "../../handlers/verify-identity";
import { rejectionOf } from "./helpers";

/** What "Verify identity" sends for a good applicant; each test changes one field. */
const request = () => ({ name: "Jane Doe", email: "jane.doe@example.co.uk", ssn: "123-45-6789" });

describe("verify-identity handler", () => {
  it("verifies a well-formed identity and names the applicant", async () => {
    expect(await handler(request())).to.deep.equal({ check: "identity", verified: true, applicant: "Jane Doe" });
  });

  it("trims the applicant's name", async () => {
    expect((await handler({ ...request(), name: "  Jane Doe " })).applicant).to.equal("Jane Doe");
  });

  const failures: [string, Record<string, unknown>, RegExp][] = [
    ["an empty name", { name: "" }, /^name must be a non-empty string/],
    ["a blank name", { name: "   " }, /^name must be/],
    ["a missing name", { name: undefined }, /^name must be/],
    ["an email without @", { email: "jane.example.com" }, /^email must be a plausible email address/],
    ["an email without a domain dot", { email: "jane@localhost" }, /^email must be/],
    ["an email with spaces", { email: "jane doe@example.com" }, /^email must be/],
    ["an ssn without hyphens", { ssn: "123456789" }, /^ssn must have the form NNN-NN-NNNN/],
    ["an ssn with letters", { ssn: "12a-45-6789" }, /^ssn must have the form/],
    ["a numeric ssn", { ssn: 123456789 }, /^ssn must have the form NNN-NN-NNNN\. Received: a number$/],
    ["the placeholder ssn 000-00-0000", { ssn: "000-00-0000" }, /^ssn must not be the placeholder/],
  ];
  for (const [what, change, message] of failures) {
    it(`throws IdentityNotVerified for ${what}`, async () => {
      const error = await rejectionOf(handler({ ...request(), ...change }));
      expect(error).to.be.instanceOf(IdentityNotVerified);
      expect(error.name).to.equal("IdentityNotVerified");
      expect(error.message).to.match(message);
    });
  }

  it("never echoes a malformed ssn in the error message", async () => {
    const error = await rejectionOf(handler({ ...request(), ssn: "123-45-678X" }));
    expect(error.message).not.to.contain("123-45");
    expect(error.message).to.contain("a string of 11 characters");
  });
});
