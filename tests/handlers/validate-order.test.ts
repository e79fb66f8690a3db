import { expect } from "chai";
import fc from "fast-check";
import { handler, isIsoDateTime, MAX_PROBLEMS, orderTotal, validateOrderEvent } from "../../handlers/validate-order";

/** A valid OrderPlaced event; each test changes one field. */
const placed = () => ({
  kind: "OrderPlaced",
  occurredAt: "2025-01-31T12:00:00Z",
  order: {
    orderId: "o-1",
    customerId: "c-1",
    currency: "EUR",
    items: [
      { sku: "A", quantity: 3, unitPrice: 43.3 },
      { sku: "B", quantity: 1, unitPrice: 0 },
    ],
  },
});

/** A valid OrderCancelled event. */
const cancelled = () => ({ kind: "OrderCancelled", occurredAt: "2025-02-01T08:30:00+01:00", order: { orderId: "o-1", customerId: "c-1" } });

describe("validate-order handler", () => {
  it("accepts a placed order and returns its total with two decimals", async () => {
    expect(await handler(placed())).to.deep.equal({
      valid: true,
      kind: "OrderPlaced",
      order: { orderId: "o-1", customerId: "c-1", total: "129.90", currency: "EUR" },
      problems: [],
    });
  });

  it("accepts a cancellation carrying only orderId and customerId, with total 0.00 and no currency", async () => {
    expect(await handler(cancelled())).to.deep.equal({
      valid: true,
      kind: "OrderCancelled",
      order: { orderId: "o-1", customerId: "c-1", total: "0.00", currency: null },
      problems: [],
    });
  });

  it("upper-cases a lower-case currency code", async () => {
    const event = placed();
    event.order.currency = "usd";
    expect((await handler(event)).order?.currency).to.equal("USD");
  });

  it("reports a negative quantity naming the item's field and value", () => {
    const event = placed();
    event.order.items[1].quantity = -2;
    expect(validateOrderEvent(event)).to.deep.equal({
      valid: false,
      kind: "OrderPlaced",
      order: null,
      problems: ["order.items[1].quantity must be a positive integer, got -2"],
    });
  });

  it("reports every problem of an event, not just the first", () => {
    const result = validateOrderEvent({
      kind: "OrderPlaced",
      occurredAt: "yesterday",
      order: { orderId: "", customerId: "c-1", currency: "EURO", items: [{ sku: "A", quantity: 1.5, unitPrice: -1 }, "B"] },
    });
    expect(result.valid).to.equal(false);
    expect(result.order).to.equal(null);
    expect(result.problems).to.deep.equal([
      'occurredAt must be an ISO 8601 date-time with offset such as 2025-01-31T12:00:00Z, got "yesterday"',
      'order.orderId must be a non-empty string, got ""',
      'order.currency must be a three-letter currency code such as "EUR", got "EURO"',
      "order.items[0].quantity must be a positive integer, got 1.5",
      "order.items[0].unitPrice must be a non-negative number, got -1",
      'order.items[1] must be an object with sku, quantity and unitPrice, got "B"',
    ]);
  });

  it("reports an unknown kind with kind null and still checks the rest", () => {
    const result = validateOrderEvent({ ...cancelled(), kind: "OrderShipped", order: { orderId: "o-1" } });
    expect(result.kind).to.equal(null);
    expect(result.problems).to.deep.equal([
      'kind must be "OrderPlaced" or "OrderCancelled", got "OrderShipped"',
      "order.customerId must be a non-empty string, got undefined",
    ]);
  });

  it("reports a placed order without items", () => {
    const event = { ...placed(), order: { ...placed().order, items: [] } };
    expect(validateOrderEvent(event).problems).to.deep.equal(["order.items must be a non-empty array, got []"]);
  });

  it("reports a string unit price and a missing sku", () => {
    const event = placed();
    (event.order.items[0] as Record<string, unknown>).unitPrice = "43.30";
    (event.order.items[0] as Record<string, unknown>).sku = undefined;
    expect(validateOrderEvent(event).problems).to.deep.equal([
      "order.items[0].sku must be a non-empty string, got undefined",
      'order.items[0].unitPrice must be a non-negative number, got "43.30"',
    ]);
  });

  it("reports a missing order", () => {
    expect(validateOrderEvent({ kind: "OrderCancelled", occurredAt: "2025-01-31T12:00:00Z" })).to.deep.equal({
      valid: false,
      kind: "OrderCancelled",
      order: null,
      problems: ["order must be an object, got undefined"],
    });
  });

  for (const event of [null, "OrderPlaced", [placed()], 42]) {
    it(`returns every key and does not throw for the non-object event ${JSON.stringify(event).slice(0, 20)}`, async () => {
      const result = await handler(event);
      expect(result).to.have.all.keys("valid", "kind", "order", "problems");
      expect(result).to.include({ valid: false, kind: null, order: null });
      expect(result.problems[0]).to.match(/^event must be a JSON object, got /);
    });
  }

  it("caps the problem list so a huge bad event cannot exceed the state payload quota", () => {
    const event = placed();
    event.order.items = Array.from({ length: 500 }, () => ({ sku: "A", quantity: 0, unitPrice: 1 }));
    const { problems } = validateOrderEvent(event);
    expect(problems).to.have.length(MAX_PROBLEMS + 1);
    expect(problems[MAX_PROBLEMS]).to.equal(`…and ${500 - MAX_PROBLEMS} more problems`);
  });

  it("reports a total too large for a DynamoDB number", () => {
    const event = placed();
    event.order.items = [{ sku: "A", quantity: 1, unitPrice: 1e40 }, { sku: "B", quantity: 1, unitPrice: 0.01 }];
    expect(validateOrderEvent(event).problems[0]).to.match(/^order total must be at most 38 significant digits/);
  });

  it("accepts any generated valid order, with a total equal to the exact sum of its lines", () => {
    const item = fc.record({
      sku: fc.string({ minLength: 1 }).filter((s) => s.trim() !== ""),
      quantity: fc.integer({ min: 1, max: 10_000 }),
      cents: fc.integer({ min: 0, max: 100_000_000 }),
    });
    const id = fc.string({ minLength: 1, maxLength: 20 }).filter((s) => s.trim() !== "");
    const currency = fc.constantFrom("EUR", "USD", "GBP", "JPY", "chf");
    const occurredAt = fc
      .date({ min: new Date("2000-01-01T00:00:00Z"), max: new Date("2100-01-01T00:00:00Z"), noInvalidDate: true })
      .map((d) => d.toISOString());
    fc.assert(
      fc.property(id, id, currency, occurredAt, fc.array(item, { minLength: 1, maxLength: 20 }), (orderId, customerId, cur, at, lines) => {
        const event = {
          kind: "OrderPlaced",
          occurredAt: at,
          order: { orderId, customerId, currency: cur, items: lines.map(({ sku, quantity, cents }) => ({ sku, quantity, unitPrice: cents / 100 })) },
        };
        const expectedCents = lines.reduce((sum, { quantity, cents }) => sum + BigInt(quantity) * BigInt(cents), 0n);
        const expectedTotal = `${expectedCents / 100n}.${(expectedCents % 100n).toString().padStart(2, "0")}`;
        const result = validateOrderEvent(event);
        expect(result.problems).to.deep.equal([]);
        expect(result).to.deep.equal({
          valid: true,
          kind: "OrderPlaced",
          order: { orderId, customerId, total: expectedTotal, currency: cur.toUpperCase() },
          problems: [],
        });
      }),
    );
  });

  it("rejects any order in which one item's quantity is not a positive integer, naming that item", () => {
    const badQuantity = fc.oneof(fc.integer({ max: 0 }), fc.double({ noInteger: true }), fc.constant("1"), fc.constant(null));
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 4 }), badQuantity, (index, quantity) => {
        const event = placed();
        event.order.items = Array.from({ length: 5 }, (_, i) => ({ sku: `S${i}`, quantity: 1, unitPrice: 1 }));
        (event.order.items[index] as Record<string, unknown>).quantity = quantity;
        const result = validateOrderEvent(event);
        expect(result.valid).to.equal(false);
        expect(result.order).to.equal(null);
        expect(result.problems).to.have.length(1);
        expect(result.problems[0].startsWith(`order.items[${index}].quantity must be a positive integer, got `)).to.equal(true);
      }),
    );
  });
});

describe("orderTotal", () => {
  it("sums without binary floating-point drift", () => {
    expect(orderTotal([{ quantity: 1, unitPrice: 0.1 }, { quantity: 1, unitPrice: 0.2 }])).to.equal("0.30");
    expect(orderTotal([{ quantity: 3, unitPrice: 1.005 }])).to.equal("3.02");
    expect(orderTotal([{ quantity: 1, unitPrice: 1.005 }])).to.equal("1.01");
  });

  it("handles prices that print in exponent notation", () => {
    expect(orderTotal([{ quantity: 2, unitPrice: 1e21 }])).to.equal("2000000000000000000000.00");
    expect(orderTotal([{ quantity: 1, unitPrice: 5e-7 }])).to.equal("0.00");
  });

  it("returns 0.00 for no items", () => {
    expect(orderTotal([])).to.equal("0.00");
  });
});

describe("isIsoDateTime", () => {
  it("accepts date-times with Z or a numeric offset, with or without seconds and fractions", () => {
    for (const value of ["2025-01-31T12:00:00Z", "2025-01-31T12:00Z", "2024-02-29T23:59:59.999999+05:30", "2025-01-31t12:00:00z"]) {
      expect(isIsoDateTime(value), value).to.equal(true);
    }
  });

  it("rejects dates without time or offset and impossible dates", () => {
    for (const value of ["2025-01-31", "2025-01-31T12:00:00", "2025-02-29T00:00:00Z", "2025-13-01T00:00:00Z", "2025-01-31T24:00:00Z", "31/01/2025"]) {
      expect(isIsoDateTime(value), value).to.equal(false);
    }
  });
});
