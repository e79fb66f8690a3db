import { expect } from "chai";
import { AddressNotVerified, handler } from "../../handlers/verify-address";
import { rejectionOf } from "./helpers";

/** A good address; each test changes one field. */
const address = () => ({ street: " 1 Main St ", city: "Springfield ", postalCode: " 12345", country: " us " });

describe("verify-address handler", () => {
  it("verifies a complete address and returns it trimmed with the country upper-cased", async () => {
    expect(await handler({ address: address() })).to.deep.equal({
      check: "address",
      verified: true,
      normalized: { street: "1 Main St", city: "Springfield", postalCode: "12345", country: "US" },
    });
  });

  it("keeps only the four address fields in the normalized address", async () => {
    const result = await handler({ address: { ...address(), line2: "Apt 4" } });
    expect(result.normalized).to.have.all.keys("street", "city", "postalCode", "country");
  });

  for (const field of ["street", "city", "postalCode", "country"] as const) {
    it(`throws AddressNotVerified when ${field} is missing`, async () => {
      const error = await rejectionOf(handler({ address: { ...address(), [field]: undefined } }));
      expect(error).to.be.instanceOf(AddressNotVerified);
      expect(error.name).to.equal("AddressNotVerified");
      expect(error.message).to.equal(`address.${field} must be a non-empty string. Received: undefined`);
    });

    it(`throws AddressNotVerified when ${field} is blank`, async () => {
      const error = await rejectionOf(handler({ address: { ...address(), [field]: "  " } }));
      expect(error.name).to.equal("AddressNotVerified");
      expect(error.message).to.contain(`address.${field}`);
    });
  }

  for (const country of ["USA", "U", "1A", "XX", "UK"]) {
    it(`throws AddressNotVerified for the country ${country}, which is not an ISO 3166-1 alpha-2 code`, async () => {
      const error = await rejectionOf(handler({ address: { ...address(), country } }));
      expect(error.name).to.equal("AddressNotVerified");
      expect(error.message).to.match(/^address\.country must be an ISO 3166-1 alpha-2 code/);
      expect(error.message).to.contain(`Received: "${country}"`);
    });
  }

  it("throws AddressNotVerified when the address is missing", async () => {
    const error = await rejectionOf(handler({}));
    expect(error.name).to.equal("AddressNotVerified");
    expect(error.message).to.equal("address must be a JSON object. Received: undefined");
  });
});
