/**
 * The one bridge over a gap of the IAM evaluator. `@cloud-copilot/iam-simulate` (0.1.173) drops request context
 * keys of the form `kms:EncryptionContext:<key>` (iam-data lists them as `kms:EncryptionContext:${EncryptionContextKey}`,
 * a variable key without the `/` its matcher looks for), so a condition on one never matches and every grant
 * scoped by encryption context is denied. The bridge renames the key, in the policies and in the request alike, to
 * a key the evaluator does resolve with a variable part, `aws:RequestTag/kms:EncryptionContext:<key>`, which keeps
 * the evaluator's own operators (StringEquals, StringLike, ArnLike, …IfExists, ForAnyValue) doing the matching.
 * Nothing else is touched. `aws:RequestTag/…` is never otherwise used for the KMS data-plane actions checked here.
 * @see https://docs.aws.amazon.com/kms/latest/developerguide/conditions-kms.html#conditions-kms-encryption-context
 */

const PREFIX = "kms:encryptioncontext:";
const STAND_IN = "aws:RequestTag/kms:EncryptionContext:";

/**
 * The stand-in name of a condition key: `kms:EncryptionContext:<k>` (any case of the prefix) becomes
 * `aws:RequestTag/kms:EncryptionContext:<k>`; any other key is returned as it is.
 */
export function bridgeContextKey(key: string): string {
  return key.toLowerCase().startsWith(PREFIX) ? `${STAND_IN}${key.slice(PREFIX.length)}` : key;
}

/**
 * A policy with every `kms:EncryptionContext:<k>` condition key renamed ({@link bridgeContextKey}); the policy
 * given is not changed.
 * @param policy an IAM policy document (identity or resource-based).
 */
export function bridgePolicy<T>(policy: T): T {
  const document = policy as { Statement?: unknown };
  if (!document || typeof document !== "object" || document.Statement === undefined) return policy;
  const statements = ([] as unknown[]).concat(document.Statement).map((statement) => {
    const condition = (statement as { Condition?: Record<string, Record<string, unknown>> }).Condition;
    if (!condition) return statement;
    const bridged = Object.fromEntries(
      Object.entries(condition).map(([operator, entries]) => [operator, Object.fromEntries(Object.entries(entries).map(([key, value]) => [bridgeContextKey(key), value]))]),
    );
    return { ...(statement as object), Condition: bridged };
  });
  return { ...(policy as object), Statement: statements } as T;
}

/**
 * Request context with every `kms:EncryptionContext:<k>` key renamed ({@link bridgeContextKey}).
 * @param context condition key → value(s).
 */
export function bridgeContext(context: Record<string, string | string[]>): Record<string, string | string[]> {
  return Object.fromEntries(Object.entries(context).map(([key, value]) => [bridgeContextKey(key), value]));
}
