import { randomUUID } from "node:crypto";
import { parseArn } from "../../infra/iam/arn";
import { LocalRunError } from "../errors";
import type { Authorizer } from "./authorizer";
import { withServiceKeyCalls } from "./service-calls";

/**
 * AWS SDK clients for handlers run locally, authorized call by call: each command is mapped to the IAM action and
 * resource AWS authorizes it as, evaluated for the function's role (with the KMS calls the service makes on the
 * caller's behalf) before the local service answers it. A denial rejects as the SDK does, with the service's
 * error name (`AccessDeniedException`, SNS's `AuthorizationErrorException`, `KMSAccessDeniedException`) and AWS's
 * message.
 */

/** Anything with the SDK's `send(command)`. */
export interface SendsCommands {
  send(command: never): Promise<unknown>;
}

/** How one command is authorized: its IAM call (without principal) and the error names its service uses. */
export interface CommandAuthorization {
  action: string;
  resource: string;
  context?: Record<string, string | string[]>;
}

/** The error names of a service's access denials: for the call itself, and for a KMS call made on its behalf. */
export interface DenialNames {
  call: string;
  kms: string;
}

/**
 * An SDK-shaped service error, as `client.send` rejects with.
 * @param name the exception name, e.g. `AccessDeniedException`.
 */
export function sdkError(name: string, message: string, status = 400): Error {
  return Object.assign(new Error(message), { name, $fault: "client" as const, $metadata: { httpStatusCode: status, requestId: randomUUID() } });
}

/**
 * Wraps a client (real, pointed at a local endpoint, or a local stand-in) so that every command is authorized
 * first.
 * @param target the client that serves allowed commands.
 * @param authorizer the run's authorizer.
 * @param principal the role the handler runs with.
 * @param authorization maps a command to its IAM call; `undefined` when it cannot (the call is then refused:
 *   nothing is served without authorization).
 * @param names the service's error names for a denied call and a denied KMS call.
 * @returns a client with the same `send`, which rejects with a {@link LocalRunError} for a command it cannot map.
 */
export function authorizedClient<T extends SendsCommands>(
  target: T,
  authorizer: Authorizer,
  principal: string,
  authorization: (command: object) => CommandAuthorization | undefined,
  names: DenialNames,
): T {
  return {
    async send(command: object) {
      const call = authorization(command);
      if (!call) {
        throw new LocalRunError(`${principal} sent ${command.constructor.name}, which the local run cannot map to an IAM action and resource, so it cannot be authorized; add the mapping in local/authz/clients.ts.`);
      }
      for (const needed of withServiceKeyCalls(authorizer.index, { principal, ...call })) {
        const decision = await authorizer.authorize(needed);
        if (!decision.allowed) throw sdkError(needed.action.startsWith("kms:") && !call.action.startsWith("kms:") ? names.kms : names.call, decision.message!);
      }
      return (target.send as (command: object) => Promise<unknown>)(command);
    },
  } as T;
}

/** The SDK command's name without `Command`, e.g. `PutItem`. */
export function operationOf(command: object): string {
  return command.constructor.name.replace(/Command$/, "");
}

/**
 * A DynamoDB command's IAM call: `dynamodb:<Operation>` on the table its `TableName` names (a name, in the
 * principal's account and the given Region, or an ARN); `undefined` for a command with no `TableName` (batch and
 * transaction commands), which is then refused.
 */
export function dynamodbAuthorization(principal: string, region: string): (command: object) => CommandAuthorization | undefined {
  return (command) => {
    const table = (command as { input?: { TableName?: string } }).input?.TableName;
    if (!table) return undefined;
    const account = parseArn(principal)?.account ?? "";
    const partition = parseArn(principal)?.partition ?? "aws";
    return { action: `dynamodb:${operationOf(command)}`, resource: table.startsWith("arn:") ? table : `arn:${partition}:dynamodb:${region}:${account}:table/${table}` };
  };
}

/**
 * An S3 command's IAM call, as S3 authorizes it: `GetObject`/`HeadObject` → `s3:GetObject` and `PutObject` →
 * `s3:PutObject` on `arn:<partition>:s3:::<Bucket>/<Key>`, `DeleteObject` → `s3:DeleteObject` on it, and
 * `ListObjectsV2` → `s3:ListBucket` on the bucket with `s3:prefix` (the request's `Prefix`, empty when none);
 * `undefined` for any other command, which is then refused.
 * @param partition the partition of the stack (S3 ARNs name no Region or account).
 * @see https://docs.aws.amazon.com/AmazonS3/latest/userguide/using-with-s3-policy-actions.html
 */
export function s3Authorization(partition: string): (command: object) => CommandAuthorization | undefined {
  return (command) => {
    const input = (command as { input?: { Bucket?: string; Key?: string; Prefix?: string } }).input ?? {};
    if (!input.Bucket) return undefined;
    const bucket = `arn:${partition}:s3:::${input.Bucket}`;
    const operation = operationOf(command);
    if (operation === "ListObjectsV2") return { action: "s3:ListBucket", resource: bucket, context: { "s3:prefix": input.Prefix ?? "" } };
    const action = { GetObject: "s3:GetObject", HeadObject: "s3:GetObject", PutObject: "s3:PutObject", DeleteObject: "s3:DeleteObject" }[operation];
    return action && input.Key !== undefined ? { action, resource: `${bucket}/${input.Key}` } : undefined;
  };
}
