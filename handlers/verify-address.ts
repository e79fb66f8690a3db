/**
 * Lambda handler for the credit-approval workflow's "Verify address" branch. The state passes `{address}` and uses
 * the whole payload as the branch result (`"OutputPath": "$.Payload"`).
 *
 * The checks are structural only (no postal lookup): every field present and non-blank, and the country an
 * officially assigned ISO 3166-1 alpha-2 code.
 *
 * @see https://docs.aws.amazon.com/step-functions/latest/dg/connect-lambda.html
 * @see https://www.iso.org/iso-3166-country-codes.html
 */
import { NamedError, renderValue } from "./lib/errors";
import { isNonEmptyString, isRecord } from "./lib/guards";

/** A postal address. */
export interface Address {
  street: string;
  city: string;
  postalCode: string;
  /** ISO 3166-1 alpha-2 country code, any case, e.g. `"de"` or `"US"`. */
  country: string;
}

/** What the "Verify address" state sends. */
export interface AddressRequest {
  address: Address;
}

/** What the handler returns when the address passes. */
export interface AddressVerified {
  check: "address";
  verified: true;
  /** The four fields trimmed, country upper-cased; other fields of the input are dropped. */
  normalized: Address;
}

/** Thrown, with ASL error name `AddressNotVerified`, when the address fails a check. */
export class AddressNotVerified extends NamedError {
  /** @param message - Which field failed, ending with its value. */
  constructor(message: string) {
    super("AddressNotVerified", message);
  }
}

/** Fields every address must carry, in the order they are checked. */
export const ADDRESS_FIELDS = ["street", "city", "postalCode", "country"] as const;

/** The 249 officially assigned ISO 3166-1 alpha-2 codes. User-assigned codes (`XX`, `ZZ`, ...) and `UK` are not among them. */
export const ISO_3166_ALPHA2: ReadonlySet<string> = new Set(
  (
    "AD AE AF AG AI AL AM AO AQ AR AS AT AU AW AX AZ BA BB BD BE BF BG BH BI BJ BL BM BN BO BQ BR BS BT BV BW BY BZ " +
    "CA CC CD CF CG CH CI CK CL CM CN CO CR CU CV CW CX CY CZ DE DJ DK DM DO DZ EC EE EG EH ER ES ET FI FJ FK FM FO FR " +
    "GA GB GD GE GF GG GH GI GL GM GN GP GQ GR GS GT GU GW GY HK HM HN HR HT HU ID IE IL IM IN IO IQ IR IS IT " +
    "JE JM JO JP KE KG KH KI KM KN KP KR KW KY KZ LA LB LC LI LK LR LS LT LU LV LY " +
    "MA MC MD ME MF MG MH MK ML MM MN MO MP MQ MR MS MT MU MV MW MX MY MZ NA NC NE NF NG NI NL NO NP NR NU NZ OM " +
    "PA PE PF PG PH PK PL PM PN PR PS PT PW PY QA RE RO RS RU RW " +
    "SA SB SC SD SE SG SH SI SJ SK SL SM SN SO SR SS ST SV SX SY SZ TC TD TF TG TH TJ TK TL TM TN TO TR TT TV TW TZ " +
    "UA UG UM US UY UZ VA VC VE VG VI VN VU WF WS YE YT ZA ZM ZW"
  ).split(" "),
);

/**
 * Checks and normalises an address.
 *
 * @param address - Any value; expected to be an {@link Address}.
 * @returns The four fields trimmed, with the country upper-cased.
 * @throws {AddressNotVerified} When `address` is not an object, a field is missing, not a string or blank, or the
 *   country is not an assigned ISO 3166-1 alpha-2 code.
 * @see https://www.iso.org/iso-3166-country-codes.html
 */
export function normalizeAddress(address: unknown): Address {
  if (!isRecord(address)) {
    throw new AddressNotVerified(`address must be a JSON object. Received: ${renderValue(address)}`);
  }
  const normalized: Record<string, string> = {};
  for (const field of ADDRESS_FIELDS) {
    const value = address[field];
    if (!isNonEmptyString(value)) {
      throw new AddressNotVerified(`address.${field} must be a non-empty string. Received: ${renderValue(value)}`);
    }
    normalized[field] = value.trim();
  }
  normalized.country = normalized.country.toUpperCase();
  if (!ISO_3166_ALPHA2.has(normalized.country)) {
    throw new AddressNotVerified(
      `address.country must be an ISO 3166-1 alpha-2 code such as "US" or "DE". Received: ${renderValue(address.country)}`,
    );
  }
  return normalized as unknown as Address;
}

/**
 * Lambda entry point.
 *
 * @param event - An {@link AddressRequest}.
 * @returns `{check: "address", verified: true, normalized}` ({@link AddressVerified}).
 * @throws {AddressNotVerified} When the event is not an object or its `address` fails {@link normalizeAddress}.
 * @see https://docs.aws.amazon.com/lambda/latest/dg/nodejs-handler.html
 */
export async function handler(event: unknown): Promise<AddressVerified> {
  if (!isRecord(event)) {
    throw new AddressNotVerified(`The address request must be a JSON object. Received: ${renderValue(event)}`);
  }
  return { check: "address", verified: true, normalized: normalizeAddress(event.address) };
}
