import { expect } from "chai";
import { handler, InvalidOrder } from "../../handlers/validate-payment-order";
import { rejectionOf } from "./helpers";

describe("validate-payment-order handler", () => {
  it("returns the order trimmed, its currency upper case", async () => {
    expect(await handler({ orderId: " ord-1 ", customerId: "cust-1", amount: 12.5, currency: "eur" })).to.deep.equal({ orderId: "ord-1", customerId: "cust-1", amount: 12.5, currency: "EUR" });
  });

  for (const [field, value] of [
    ["orderId", ""],
    ["customerId", 7],
    ["amount", 0],
    ["currency", "euro"],
  ] as const) {
    it(`rejects an order whose ${field} is ${JSON.stringify(value)} with InvalidOrder naming the field`, async () => {
      const error = await rejectionOf(handler({ orderId: "ord-1", customerId: "cust-1", amount: 10, currency: "EUR", [field]: value }));
      expect(error).to.be.instanceOf(InvalidOrder);
      expect(error.message).to.contain(field);
    });
  }
});
