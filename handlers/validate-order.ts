/**
 * Lambda handler for the order-events workflow's "Validate order event" state. The state passes the whole event
 * (`"Payload.$": "$"`) and keeps `$.Payload.valid`, `.kind`, `.order` and `.problems`; a Choice state then routes
 * on `valid` and `kind`, and "Store placed order" writes `order.total` as a DynamoDB number (`N`).
 *
 * It never throws for a bad event: every problem found is reported, so the workflow fails with one
 * `InvalidOrderEvent` that lists them all instead of a Lambda error per field.
 *
 * @see https://docs.aws.amazon.com/step-functions/latest/dg/connect-lambda.html
 * @see https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/HowItWorks.NamingRulesDataTypes.html#HowItWorks.DataTypes.Number
 */
import { renderValue } from "./lib/errors";
import { isIsoDateTime, isNonEmptyString, isRecord } from "./lib/guards";

export { isIsoDateTime };

/** Event kinds the workflow routes. */
export const ORDER_EVENT_KINDS = ["OrderPlaced", "OrderCancelled"] as const;

/** One of {@link ORDER_EVENT_KINDS}. */
export type OrderEventKind = (typeof ORDER_EVENT_KINDS)[number];

/** One line of a placed order. */
export interface OrderItem {
  sku: string;
  /** Positive integer. */
  quantity: number;
  /** Non-negative price of one unit, in currency units (e.g. `12.99`). */
  unitPrice: number;
}

/** The event the workflow receives. */
export interface OrderEvent {
  kind: OrderEventKind;
  /** ISO 8601 date-time with offset, e.g. `2025-01-31T12:00:00Z`. */
  occurredAt: string;
  order: {
    orderId: string;
    customerId: string;
    /** ISO 4217 style three-letter code; required for `OrderPlaced`, normalised to upper case. */
    currency?: string;
    /** Required and non-empty for `OrderPlaced`; ignored for `OrderCancelled`. */
    items?: OrderItem[];
  };
}

/** The order as the workflow stores it. */
export interface ValidatedOrder {
  orderId: string;
  customerId: string;
  /** Sum of quantity × unitPrice, exact, rounded half-up to 2 decimal places: `"129.90"`; `"0.00"` for cancellations. */
  total: string;
  /** Upper-case three-letter code; `null` for a cancellation that carries no valid currency. */
  currency: string | null;
}

/** What the handler returns; all four keys are always present. */
export interface OrderValidation {
  /** `true` exactly when `problems` is empty. */
  valid: boolean;
  /** The event's kind when it is one of {@link ORDER_EVENT_KINDS}, otherwise `null`. */
  kind: OrderEventKind | null;
  /** The normalised order when valid, otherwise `null`. */
  order: ValidatedOrder | null;
  /** One sentence per problem, naming the field and echoing its value; empty when valid. */
  problems: string[];
}

/**
 * Most problems listed before the rest are summarised in one final entry, so a huge bad event cannot push the
 * state output past Step Functions' 256 KiB payload quota.
 */
export const MAX_PROBLEMS = 50;

/** Most significant digits a DynamoDB number holds. */
export const DYNAMODB_MAX_DIGITS = 38;

/** A non-negative decimal as `units / 10^scale`. */
interface Decimal {
  units: bigint;
  scale: number;
}

/** Exact decimal value of a non-negative finite number, from its shortest round-trip string (`0.1` is 1/10). */
function toDecimal(value: number): Decimal {
  const m = /^(\d+)(?:\.(\d+))?(?:e([+-]\d+))?$/.exec(String(value));
  if (!m) throw new RangeError(`not a non-negative finite number: ${value}`);
  const fraction = m[2] ?? "";
  const scale = fraction.length - Number(m[3] ?? 0);
  const units = BigInt(m[1] + fraction);
  return scale >= 0 ? { units, scale } : { units: units * 10n ** BigInt(-scale), scale: 0 };
}

/**
 * Computes an order total exactly (no binary floating-point drift) and formats it with two decimals.
 *
 * @param items - Lines with a positive integer `quantity` and a non-negative finite `unitPrice`.
 * @returns Σ quantity × unitPrice rounded half-up to cents, e.g. `"129.90"`; `"0.00"` for no items.
 * @throws {RangeError} When a `unitPrice` is negative or not finite (callers validate first).
 * @see https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/HowItWorks.NamingRulesDataTypes.html#HowItWorks.DataTypes.Number
 */
export function orderTotal(items: readonly Pick<OrderItem, "quantity" | "unitPrice">[]): string {
  const lines = items.map((item) => ({ ...toDecimal(item.unitPrice), quantity: BigInt(item.quantity) }));
  const scale = Math.max(2, ...lines.map((line) => line.scale));
  const sum = lines.reduce((acc, line) => acc + line.units * line.quantity * 10n ** BigInt(scale - line.scale), 0n);
  const divisor = 10n ** BigInt(scale - 2);
  const cents = sum / divisor + (2n * (sum % divisor) >= divisor ? 1n : 0n);
  return `${cents / 100n}.${(cents % 100n).toString().padStart(2, "0")}`;
}

/** Significant digits of a non-negative decimal string such as `"0012.50"` (3). */
function significantDigits(decimal: string): number {
  return decimal.replace(".", "").replace(/^0+/, "").replace(/0+$/, "").length;
}

/** Collects problems as `<path> must be <expectation>, got <value>`. */
class Problems {
  readonly list: string[] = [];
  add(path: string, expectation: string, value: unknown): void {
    this.list.push(`${path} must be ${expectation}, got ${renderValue(value)}`);
  }
  /** The problems, at most {@link MAX_PROBLEMS} plus a summary line. */
  capped(): string[] {
    if (this.list.length <= MAX_PROBLEMS) return this.list;
    return [...this.list.slice(0, MAX_PROBLEMS), `…and ${this.list.length - MAX_PROBLEMS} more problems`];
  }
}

/**
 * Validates the items of a placed order.
 *
 * @returns The items when all are valid, otherwise `null` (problems recorded).
 */
function checkItems(items: unknown, problems: Problems): OrderItem[] | null {
  if (!Array.isArray(items) || items.length === 0) {
    problems.add("order.items", "a non-empty array", items);
    return null;
  }
  const before = problems.list.length;
  items.forEach((item: unknown, index) => {
    const path = `order.items[${index}]`;
    if (!isRecord(item)) {
      problems.add(path, "an object with sku, quantity and unitPrice", item);
      return;
    }
    if (!isNonEmptyString(item.sku)) problems.add(`${path}.sku`, "a non-empty string", item.sku);
    if (typeof item.quantity !== "number" || !Number.isSafeInteger(item.quantity) || item.quantity <= 0) {
      problems.add(`${path}.quantity`, "a positive integer", item.quantity);
    }
    if (typeof item.unitPrice !== "number" || !Number.isFinite(item.unitPrice) || item.unitPrice < 0) {
      problems.add(`${path}.unitPrice`, "a non-negative number", item.unitPrice);
    }
  });
  return problems.list.length === before ? (items as OrderItem[]) : null;
}

/**
 * Validates an order event and normalises the order for storage.
 *
 * @param event - Any value; expected to be an {@link OrderEvent}.
 * @returns An {@link OrderValidation}. Problems are reported for: a non-object event; `kind` not one of
 *   {@link ORDER_EVENT_KINDS}; `occurredAt` not an ISO 8601 date-time with offset; `order` not an object;
 *   `order.orderId` or `order.customerId` missing or blank; and, for `OrderPlaced` only, `order.currency` not three
 *   letters, `order.items` empty or not an array, an item's `sku` blank, `quantity` not a positive integer,
 *   `unitPrice` negative or not a finite number, or a total too large for a DynamoDB number. Never throws.
 * @see https://docs.aws.amazon.com/step-functions/latest/dg/input-output-inputpath-params.html#input-output-resultselector
 */
export function validateOrderEvent(event: unknown): OrderValidation {
  const problems = new Problems();
  if (!isRecord(event)) {
    problems.add("event", "a JSON object", event);
    return { valid: false, kind: null, order: null, problems: problems.capped() };
  }

  const kind = (ORDER_EVENT_KINDS as readonly unknown[]).includes(event.kind) ? (event.kind as OrderEventKind) : null;
  if (kind === null) problems.add("kind", ORDER_EVENT_KINDS.map((k) => `"${k}"`).join(" or "), event.kind);

  if (typeof event.occurredAt !== "string" || !isIsoDateTime(event.occurredAt)) {
    problems.add("occurredAt", "an ISO 8601 date-time with offset such as 2025-01-31T12:00:00Z", event.occurredAt);
  }

  const order = event.order;
  if (!isRecord(order)) {
    problems.add("order", "an object", order);
    return { valid: false, kind, order: null, problems: problems.capped() };
  }
  const { orderId, customerId, currency, items } = order;
  if (!isNonEmptyString(orderId)) problems.add("order.orderId", "a non-empty string", orderId);
  if (!isNonEmptyString(customerId)) problems.add("order.customerId", "a non-empty string", customerId);
  const currencyValid = typeof currency === "string" && /^[A-Za-z]{3}$/.test(currency);

  let total = "0.00";
  if (kind === "OrderPlaced") {
    if (!currencyValid) problems.add("order.currency", "a three-letter currency code such as \"EUR\"", currency);
    const validItems = checkItems(items, problems);
    if (validItems) {
      total = orderTotal(validItems);
      if (significantDigits(total) > DYNAMODB_MAX_DIGITS || total.indexOf(".") > 126) {
        problems.add("order total", `at most ${DYNAMODB_MAX_DIGITS} significant digits to fit a DynamoDB number`, total);
      }
    }
  }

  if (problems.list.length > 0) {
    return { valid: false, kind, order: null, problems: problems.capped() };
  }
  return {
    valid: true,
    kind,
    order: {
      orderId: orderId as string,
      customerId: customerId as string,
      total,
      currency: currencyValid ? (currency as string).toUpperCase() : null,
    },
    problems: [],
  };
}

/**
 * Lambda entry point.
 *
 * @param event - Any value; expected to be an {@link OrderEvent}.
 * @returns `{valid, kind, order, problems}` from {@link validateOrderEvent}. Never throws for a bad event.
 * @see https://docs.aws.amazon.com/lambda/latest/dg/nodejs-handler.html
 */
export async function handler(event: unknown): Promise<OrderValidation> {
  return validateOrderEvent(event);
}
