import { randomBytes } from "node:crypto";
import { GetSecretValueCommand } from "@aws-sdk/client-secrets-manager";
import { sdkError } from "../authz/clients";

/**
 * Secrets Manager GetSecretValue for handlers run locally: each secret the plan registers gets a random value for
 * the life of the local stack, as the stack's random secret version would hold. Authorization is the caller's
 * (wrap it with `authorizedClient`).
 * @see https://docs.aws.amazon.com/secretsmanager/latest/apireference/API_GetSecretValue.html
 */
export class LocalSecrets {
  private readonly values = new Map<string, string>();

  /**
   * @param secrets secret ARN → its length in characters, for the secrets the plan registers.
   */
  constructor(secrets: Record<string, number>) {
    for (const [arn, length] of Object.entries(secrets)) this.values.set(arn, randomBytes(length).toString("base64url").slice(0, length));
  }

  /**
   * Answers a GetSecretValueCommand (`{SecretId}`: the ARN, or the name).
   * @returns `{ARN, Name, SecretString, VersionId, VersionStages}`.
   * @throws an SDK-shaped `ResourceNotFoundException` for a secret the plan does not register;
   *   `UnknownOperationException` for any other command.
   */
  async send(command: GetSecretValueCommand): Promise<{ ARN: string; Name: string; SecretString: string; VersionId: string; VersionStages: string[]; $metadata: { httpStatusCode: number } }> {
    if (!(command instanceof GetSecretValueCommand)) throw sdkError("UnknownOperationException", `LocalSecrets answers GetSecretValue only. Received: ${(command as object)?.constructor?.name}`);
    const id = command.input.SecretId ?? "";
    const arn = [...this.values.keys()].find((candidate) => candidate === id || nameOf(candidate) === id);
    if (!arn) throw sdkError("ResourceNotFoundException", "Secrets Manager can't find the specified secret.");
    return { ARN: arn, Name: nameOf(arn), SecretString: this.values.get(arn)!, VersionId: "local", VersionStages: ["AWSCURRENT"], $metadata: { httpStatusCode: 200 } };
  }
}

/** `arn:…:secret:<name>-<6 characters>` → `<name>`. */
function nameOf(arn: string): string {
  return arn.split(":secret:")[1]?.replace(/-[A-Za-z0-9]{6}$/, "") ?? arn;
}
