import { describeAuthorization } from "./authorization-proof";

// The prod stack's runs (every dev scenario again, with the stack's key): every call allowed, and each statement
// only prod has (its key's grants) shown necessary; dev's statements are shown necessary by authorization.test.ts.
describeAuthorization(["prod"], { provenInDev: true });
