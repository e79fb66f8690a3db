import { expect } from "chai";
import { handler, InvalidOrder } from "../../handlers/receive-order";
import { rejectionOf } from "./helpers";

describe("receive-order handler", () => {
  it("returns the order with its fields trimmed", async () => {
    expect(await handler({ orderId: " ord-1 ", customerId: "cust-1", email: "ada@example.com" })).to.deep.equal({
      orderId: "ord-1",
      customerId: "cust-1",
      email: "ada@example.com",
    });
  });

  for (const [field, value] of [
    ["orderId", ""],
    ["customerId", 7],
    ["email", "not-an-address"],
  ] as const) {
    it(`rejects an order whose ${field} is ${JSON.stringify(value)} with InvalidOrder echoing the value`, async () => {
      const error = await rejectionOf(handler({ orderId: "ord-1", customerId: "cust-1", email: "ada@example.com", [field]: value }));
      expect(error).to.be.instanceOf(InvalidOrder);
      expect(error.name).to.equal("InvalidOrder");
      expect(error.message).to.contain(field).and.to.contain(`Received: ${JSON.stringify(value)}`);
    });
  }
});
