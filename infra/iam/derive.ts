import { AslState, AslStateMachine, walkStates } from "../definition/asl";
import { DefinitionError } from "../definition/errors";
import { PLACEHOLDER_PATTERN } from "../definition/placeholders";
import { ArnContext, buildArn, parseArn } from "./arn";
import { Grant, INTEGRATIONS, Integration, IntegrationPattern, Target } from "./catalog";
import { PolicyDocument, PolicyStatement, policyDocument } from "./policy";

/** The statements one Task State produced, and why. */
export interface StateGrants {
  state: string;
  resource: string;
  statements: PolicyStatement[];
  reasons: string[];
}

/** A target known only at run time, granted through a scoped wildcard. */
export interface DerivationWarning {
  state: string;
  field: string;
  message: string;
}

/** The result of {@link deriveExecutionPolicy}. */
export interface Derivation {
  /** The least-privilege policy the definition's Tasks need, merged; `Statement` is empty with no Task. */
  document: PolicyDocument;
  /** Per Task State, in document order. */
  states: StateGrants[];
  warnings: DerivationWarning[];
}

const SERVICE_RESOURCE = /^arn:(aws|aws-cn|aws-us-gov|aws-iso|aws-iso-b):states:::((?:aws-sdk:)?[a-z0-9-]+:[A-Za-z0-9]+)(\.sync:2|\.sync|\.waitForTaskToken)?$/;

/**
 * Derives the least-privilege policy of a state machine's execution role from its definition: walks every State,
 * Parallel branches and Map ItemProcessors included, and for each Task looks its Resource up in the integration
 * catalog, resolves its target from `Parameters` (JSONPath) or `Arguments` (JSONata), and grants the catalog's
 * actions on that target. `Credentials.RoleArn` adds `sts:AssumeRole` on that role.
 *
 * A target known only at run time (`"FunctionName.$"`, a JSONata `{% %}` expression, a placeholder left
 * unresolved) gets the scoped wildcard of its resource type and a warning, never a bare `*`.
 *
 * @param file the definition's file, for errors.
 * @param definition a (substituted) definition.
 * @param context the partition, Region and account the state machine runs in.
 * @returns the policy document, per-State grants and warnings.
 * @throws DefinitionError naming the file, State and field for a Task whose Resource is not in the catalog,
 *   whose integration pattern the service does not support, or whose target is missing or malformed.
 * @see https://docs.aws.amazon.com/step-functions/latest/dg/service-integration-iam-templates.html
 */
export function deriveExecutionPolicy(file: string, definition: AslStateMachine, context: ArnContext): Derivation {
  const states: StateGrants[] = [];
  const warnings: DerivationWarning[] = [];
  for (const { name, state, queryLanguage } of walkStates(definition)) {
    if (state.Type !== "Task") continue;
    const grants = grantsForTask(file, name, state, queryLanguage, context, warnings);
    states.push(grants);
  }
  return { document: policyDocument(states.flatMap((s) => s.statements)), states, warnings };
}

function grantsForTask(
  file: string,
  stateName: string,
  state: AslState,
  queryLanguage: "JSONPath" | "JSONata",
  context: ArnContext,
  warnings: DerivationWarning[],
): StateGrants {
  const resource = state.Resource;
  if (typeof resource !== "string") {
    throw new DefinitionError(file, "a Task needs a Resource string.", { state: stateName, field: "Resource", received: resource ?? null });
  }
  const payloadField = queryLanguage === "JSONata" ? "Arguments" : "Parameters";
  const payload = state[payloadField];
  const { key, pattern, directTarget } = parseResource(file, stateName, resource);
  const integration: Integration | undefined = INTEGRATIONS[key];
  if (!integration) {
    throw new DefinitionError(file, `unknown integration "${key}": statecraft cannot derive its permissions. Add a catalog row for it, or pass the statements through the Workflow's additionalStatements and use a supported integration.`, {
      state: stateName,
      field: "Resource",
      received: resource,
    });
  }
  if (!integration.patterns.includes(pattern)) {
    throw new DefinitionError(file, `integration "${key}" does not support the ${pattern || "request-response"} pattern (supported: ${integration.patterns.map((p) => p || "request-response").join(", ")}).`, {
      state: stateName,
      field: "Resource",
      received: resource,
    });
  }
  const target = directTarget
    ? directTargetOf(file, stateName, directTarget, integration, context)
    : resolveTarget(file, stateName, payloadField, payload, integration, context, warnings);
  const staticParameters = isObject(payload) ? payload : {};
  const grants: Grant[] = [...integration.grants, ...(pattern.startsWith(".sync") ? integration.syncGrants ?? [] : [])];
  const statements = grants.map((grant) => statement(grant, { target, parameters: staticParameters, context }));
  const reasons = grants.map((grant) => grant.reason);
  const role = assumedRole(file, stateName, state, context, warnings);
  if (role) {
    statements.push({ Effect: "Allow", Action: ["sts:AssumeRole"], Resource: [role] });
    reasons.push("the Task runs with Credentials.RoleArn, so the execution role assumes that role");
  }
  return { state: stateName, resource, statements, reasons };
}

function statement(grant: Grant, input: Parameters<Grant["resources"]>[0]): PolicyStatement {
  const result: PolicyStatement = { Effect: "Allow", Action: [...grant.actions], Resource: grant.resources(input) };
  if (grant.condition) result.Condition = grant.condition;
  return result;
}

/**
 * Splits a Task Resource into its catalog key and integration pattern; a Lambda function ARN given directly is
 * `lambda:invoke` on that function.
 * @param file the definition's file, for errors.
 * @param stateName the Task's name, for errors.
 * @param resource e.g. `arn:aws:states:::sns:publish.waitForTaskToken` or a Lambda function ARN.
 * @throws DefinitionError naming the State for a Resource that is neither, or an unresolved placeholder.
 */
export function parseResource(file: string, stateName: string, resource: string): { key: string; pattern: IntegrationPattern; directTarget?: string } {
  const service = SERVICE_RESOURCE.exec(resource);
  if (service) return { key: service[2], pattern: (service[3] ?? "") as IntegrationPattern };
  const arn = parseArn(resource);
  if (arn?.service === "lambda" && arn.resource.startsWith("function:")) return { key: "lambda:invoke", pattern: "", directTarget: resource };
  if (hasPlaceholder(resource)) {
    throw new DefinitionError(file, "the Resource is an unresolved placeholder, so its integration cannot be known.", { state: stateName, field: "Resource", received: resource });
  }
  throw new DefinitionError(file, `unknown integration: the Resource is neither a Step Functions service integration (arn:<partition>:states:::<service>:<action>) nor a Lambda function ARN.`, {
    state: stateName,
    field: "Resource",
    received: resource,
  });
}

/** A target given as the Resource itself (a Lambda function ARN). */
function directTargetOf(file: string, stateName: string, resource: string, integration: Integration, context: ArnContext): Target {
  const arn = integration.kind.toArn(resource, context);
  if (!arn) throw new DefinitionError(file, `not a valid ${integration.kind.label}.`, { state: stateName, field: "Resource", received: resource });
  return { arn, dynamic: false };
}

/** Finds the target in Parameters/Arguments; static values become ARNs, dynamic ones scoped wildcards. */
function resolveTarget(
  file: string,
  stateName: string,
  payloadField: string,
  payload: unknown,
  integration: Integration,
  context: ArnContext,
  warnings: DerivationWarning[],
): Target {
  const dynamic = (field: string, why: string): Target => {
    const arn = integration.kind.wildcard(context);
    warnings.push({ state: stateName, field, message: `the ${integration.kind.label} is ${why}, known only at run time: granting ${arn}.` });
    return { arn, dynamic: true };
  };
  if (typeof payload === "string" && isJsonata(payload)) return dynamic(payloadField, "computed by a JSONata expression");
  const fields = isObject(payload) ? payload : {};
  for (const field of integration.targetFields) {
    const location = `${payloadField}.${field}`;
    if (`${field}.$` in fields) return dynamic(`${location}.$`, `read from the path ${JSON.stringify(fields[`${field}.$`])}`);
    if (!(field in fields)) continue;
    const value = fields[field];
    if (typeof value !== "string") {
      throw new DefinitionError(file, `the ${integration.kind.label} must be a string.`, { state: stateName, field: location, received: value });
    }
    if (isJsonata(value)) return dynamic(location, "computed by a JSONata expression");
    if (hasPlaceholder(value)) return dynamic(location, `the unresolved placeholder ${value}`);
    const arn = integration.kind.toArn(value, context);
    if (!arn) {
      throw new DefinitionError(file, `not a valid ${integration.kind.label}.`, { state: stateName, field: location, received: value });
    }
    return { arn, dynamic: false };
  }
  throw new DefinitionError(file, `the integration needs ${integration.targetFields.map((f) => `${payloadField}.${f}`).join(" or ")} to name its ${integration.kind.label}.`, {
    state: stateName,
    field: `${payloadField}.${integration.targetFields[0]}`,
  });
}

/** `Credentials.RoleArn` of a Task: the role it assumes, a scoped wildcard when dynamic, or undefined. */
function assumedRole(file: string, stateName: string, state: AslState, context: ArnContext, warnings: DerivationWarning[]): string | undefined {
  const credentials = state.Credentials;
  if (credentials === undefined) return undefined;
  const wildcard = buildArn(context, "iam", "role/*", "global");
  if (isObject(credentials) && "RoleArn.$" in credentials) {
    warnings.push({ state: stateName, field: "Credentials.RoleArn.$", message: `the role is read from a path at run time: granting sts:AssumeRole on ${wildcard}.` });
    return wildcard;
  }
  const role = isObject(credentials) ? credentials.RoleArn : undefined;
  if (typeof role !== "string") {
    throw new DefinitionError(file, "Credentials needs a RoleArn.", { state: stateName, field: "Credentials.RoleArn", received: role ?? null });
  }
  if (isJsonata(role) || hasPlaceholder(role)) {
    warnings.push({ state: stateName, field: "Credentials.RoleArn", message: `the role is known only at run time: granting sts:AssumeRole on ${wildcard}.` });
    return wildcard;
  }
  const arn = parseArn(role);
  if (arn?.service !== "iam" || !arn.resource.startsWith("role/")) {
    throw new DefinitionError(file, "not an IAM role ARN.", { state: stateName, field: "Credentials.RoleArn", received: role });
  }
  return role;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === "object" && !Array.isArray(value);
}

function isJsonata(value: string): boolean {
  const trimmed = value.trim();
  return trimmed.startsWith("{%") && trimmed.endsWith("%}");
}

function hasPlaceholder(value: string): boolean {
  return new RegExp(PLACEHOLDER_PATTERN.source).test(value);
}
