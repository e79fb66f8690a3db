/**
 * The `churn-model` inference container (the SageMaker model of that name): a logistic regression over
 * churn-features' features. SageMaker's batch transform posts each input object to the container's
 * `POST /invocations`, which {@link invocations} answers; locally `local/services/sagemaker.ts` calls it directly.
 *
 * Input: JSON Lines of `{customerId, contract, features: [tenure, charges, tickets, inactivity]}` (each feature 0…1).
 * Output: JSON Lines of `{customerId, churnProbability, riskBand}` in the same order.
 * @see https://docs.aws.amazon.com/sagemaker/latest/dg/your-algorithms-batch-code.html
 */

/** The contract types the model was trained on, and each one's weight. */
export const CONTRACT_WEIGHTS: Readonly<Record<string, number>> = { monthly: 1.2, annual: -0.6, "two-year": -1.4 };

/** The weights of `[tenure, charges, tickets, inactivity]`, and the intercept. */
export const FEATURE_WEIGHTS = [-2.5, 1.1, 2.2, 2.8] as const;
export const INTERCEPT = -1.0;

/** One scored customer. */
export interface Score {
  customerId: string;
  /** 0…1, four decimals. */
  churnProbability: number;
  /** `high` from 0.6, `medium` from 0.3, else `low`. */
  riskBand: "low" | "medium" | "high";
}

/**
 * Scores one feature row.
 * @throws Error naming the customer for a contract type the model was not trained on, or malformed features.
 */
export function score(row: { customerId?: unknown; contract?: unknown; features?: unknown }): Score {
  const features = row.features;
  if (typeof row.customerId !== "string" || !Array.isArray(features) || features.length !== FEATURE_WEIGHTS.length || features.some((f) => typeof f !== "number" || f < 0 || f > 1)) {
    throw new Error(`a feature row must be {customerId, contract, features: [4 numbers in 0..1]}. Received: ${JSON.stringify(row)}`);
  }
  const contract = String(row.contract);
  if (!(contract in CONTRACT_WEIGHTS)) {
    throw new Error(`unknown contract type ${JSON.stringify(contract)} for customer ${row.customerId}: the model was trained on ${Object.keys(CONTRACT_WEIGHTS).join(", ")}`);
  }
  const z = INTERCEPT + CONTRACT_WEIGHTS[contract] + FEATURE_WEIGHTS.reduce((sum, weight, i) => sum + weight * (features[i] as number), 0);
  const churnProbability = Math.round((1 / (1 + Math.exp(-z))) * 10000) / 10000;
  return { customerId: row.customerId, churnProbability, riskBand: churnProbability >= 0.6 ? "high" : churnProbability >= 0.3 ? "medium" : "low" };
}

/**
 * The container's `POST /invocations`: scores every line of a request.
 * @param body JSON Lines of feature rows.
 * @param contentType must be `application/jsonlines`.
 * @param accept the answer's type: `application/jsonlines`.
 * @returns JSON Lines of scores.
 * @throws Error (a 4xx answer, which fails the transform job) for another content type, a line that is not JSON or
 *   a row {@link score} refuses.
 */
export function invocations(body: string, contentType: string, accept = "application/jsonlines"): string {
  if (contentType !== "application/jsonlines" || accept !== "application/jsonlines") throw new Error(`only application/jsonlines in and out. Received: ${contentType} -> ${accept}`);
  const lines = body.split("\n").filter((line) => line.trim() !== "");
  return (
    lines
      .map((line, index) => {
        let row: unknown;
        try {
          row = JSON.parse(line);
        } catch {
          throw new Error(`line ${index + 1} is not JSON. Received: ${line.slice(0, 200)}`);
        }
        return JSON.stringify(score(row as Record<string, unknown>));
      })
      .join("\n") + "\n"
  );
}
