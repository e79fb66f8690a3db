import { randomUUID } from "node:crypto";
import type { LocalServices, TaskCall } from "../execution-types";
import { TaskFailure } from "../errors";
import type { IamCall } from "./authorizer";
import { withServiceKeyCalls } from "./service-calls";

/**
 * Authorizes the calls a Task makes, with the KMS calls the service makes on the caller's behalf, as the Task's
 * principal; a denial fails the Task as the integration surfaces it: the Error is `errors.call` (or `errors.kms`
 * for a KMS call), the Cause AWS's access-denied message with the service's suffix.
 * @param calls the API calls, without principal; `keyCalls` are KMS calls the service makes for one of them that
 *   `withServiceKeyCalls` does not know of (an SQS queue's key), authorized and named as its KMS calls.
 * @param errors the Error names of a denial, and the service name of the Cause's suffix.
 * @throws TaskFailure for the first call not allowed.
 */
export async function authorizeTask(
  call: TaskCall,
  services: LocalServices,
  calls: { action: string; resource: string; context?: Record<string, string | string[]>; keyCalls?: Omit<IamCall, "principal">[] }[],
  errors: { call: string; kms: string; service: string },
): Promise<void> {
  const { authorizer } = services;
  if (!authorizer || !call.principal) return;
  for (const { keyCalls, ...api } of calls) {
    const principal = call.principal;
    for (const needed of [...withServiceKeyCalls(authorizer.index, { principal, ...api }), ...(keyCalls ?? []).map((key) => ({ principal, ...key }))]) {
      const decision = await authorizer.authorize(needed);
      if (decision.allowed) continue;
      const viaKms = needed.action.startsWith("kms:") && !api.action.startsWith("kms:");
      const code = viaKms ? "KMSAccessDeniedException" : "AccessDeniedException";
      throw new TaskFailure(viaKms ? errors.kms : errors.call, `${decision.message} (Service: ${errors.service}; Status Code: ${viaKms ? 400 : 403}; Error Code: ${code}; Request ID: ${randomUUID()}; Proxy: null)`);
    }
  }
}

