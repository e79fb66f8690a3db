import { Case } from "./core";

/** Passing and violating cases of the resource rules in this group, keyed by rule name. */
export const ACCOUNT_SERVICE_CASES: Record<string, Case[]> = {};
