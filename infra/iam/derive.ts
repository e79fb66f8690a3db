import { AslState, AslStateMachine, walkStates } from "../definition/asl";
import { DefinitionError } from "../definition/errors";
import { ArnContext, PARTITION_PATTERN, ParsedArn, buildArn, parseArn, splitArn } from "./arn";
import { DISTRIBUTED_MAP, GrantInput, ITEM_READERS, Integration, IntegrationPattern, RESOURCE_KINDS, RESULT_WRITERS, Target, integrationFor, unknownIntegration } from "./catalog";
import { PolicyDocument, PolicyStatement, policyDocument } from "./policy";
import { findValues, hasPlaceholder, isJsonata, isObject } from "./targets";

/** The statements one State produced, and why. */
export interface StateGrants {
  state: string;
  /** The Task's Resource, or what the statements are for (`Distributed Map`, `ItemReader arn:aws:states:::s3:getObject`). */
  resource: string;
  statements: PolicyStatement[];
  /** One reason per statement, in the same order. */
  reasons: string[];
  /** For a Task with `Credentials.RoleArn`: what the assumed role needs for the Task's calls (not granted here). */
  delegated?: PolicyStatement[];
  /** Why the State needs no statement, or what it needs that is granted elsewhere (an Activity Task). */
  notes?: string[];
}

/** Something the definition does not show, so the grant is wider than it could be, or missing. */
export interface DerivationWarning {
  state: string;
  /** e.g. `Parameters.FunctionName.$`. */
  field: string;
  message: string;
}

/** The result of {@link deriveExecutionPolicy}. */
export interface Derivation {
  /** The least-privilege policy the definition's States need, merged; `Statement` is empty with no Task. */
  document: PolicyDocument;
  /** Per State that needs permissions, in document order. */
  states: StateGrants[];
  warnings: DerivationWarning[];
}

/** Options of {@link deriveExecutionPolicy}. */
export interface DeriveOptions {
  /**
   * The state machine's own name, for what it does to itself (a Distributed Map's child executions, an HTTP
   * Task's `states:InvokeHTTPEndpoint`). Without it those grants use `stateMachine:*`, with a warning.
   */
  stateMachineName?: string;
}

const SERVICE_RESOURCE = new RegExp(`^arn:(${PARTITION_PATTERN}):states:::((?:aws-sdk:)?[a-z0-9-]+:[A-Za-z0-9]+)(\\.sync:2|\\.sync|\\.waitForTaskToken)?$`);

/**
 * Derives the least-privilege policy of a state machine's execution role from its definition. It walks every
 * State, Parallel branches and Map ItemProcessors included at any depth, and:
 * - for each Task, looks its Resource up in the integration catalog ({@link integrationFor}), finds its targets
 *   in `Parameters` (JSONPath) or `Arguments` (JSONata), and grants the row's actions for the Task's integration
 *   pattern (request-response, `.sync`, `.sync:2`, `.waitForTaskToken`); a Task with `Credentials.RoleArn`
 *   gets `sts:AssumeRole` on that role instead, because the assumed role makes its calls (its needs are returned
 *   as `delegated`);
 * - for each Distributed Map, grants the child executions of the machine itself and what its `ItemReader` and
 *   `ResultWriter` do in S3;
 * - for an Activity Task (an activity ARN as Resource), grants nothing, with a note: its workers, not the
 *   execution role, call `states:GetActivityTask` and `states:SendTask*`.
 *
 * A target known only at run time (`"FunctionName.$"`, a JSONata `{% %}` expression, a placeholder left
 * unresolved) gets the scoped wildcard of its resource type and a warning, never a bare `*`; `*` is granted only
 * for actions with no resource type. Statements are merged ({@link policyDocument}).
 *
 * @param file the definition's file, for errors.
 * @param definition a (substituted) definition.
 * @param context the partition, Region and account the state machine runs in.
 * @param options see {@link DeriveOptions}.
 * @returns the policy document, per-State grants and warnings.
 * @throws DefinitionError naming the file, State and field for a Task whose Resource is not in the catalog (an
 *   `aws-sdk:` call whose service or IAM action the Service Authorization Reference does not have included),
 *   whose integration pattern the service does not support, or whose target is missing or malformed; likewise
 *   for an ItemReader or ResultWriter.
 * @see https://docs.aws.amazon.com/step-functions/latest/dg/service-integration-iam-templates.html
 * @see docs/iam-catalog.md for every row.
 */
export function deriveExecutionPolicy(file: string, definition: AslStateMachine, context: ArnContext, options: DeriveOptions = {}): Derivation {
  const states: StateGrants[] = [];
  const warnings: DerivationWarning[] = [];
  for (const { name, state, queryLanguage } of walkStates(definition)) {
    const scope: Scope = { file, stateName: name, queryLanguage, context, options, warnings };
    if (state.Type === "Task") states.push(grantsForTask(scope, state));
    if (state.Type === "Map") states.push(...grantsForMap(scope, state));
  }
  return { document: policyDocument(states.flatMap((s) => s.statements)), states, warnings };
}

/** What every step of the derivation of one State needs. */
interface Scope {
  file: string;
  stateName: string;
  queryLanguage: "JSONPath" | "JSONata";
  context: ArnContext;
  options: DeriveOptions;
  warnings: DerivationWarning[];
}

function grantsForTask(scope: Scope, state: AslState): StateGrants {
  const { file, stateName } = scope;
  const resource = state.Resource;
  if (typeof resource !== "string") {
    throw new DefinitionError(file, "a Task needs a Resource string.", { state: stateName, field: "Resource", received: resource ?? null });
  }
  const { key, pattern, directTarget } = parseResource(file, stateName, resource);
  if (key === ACTIVITY) return { state: stateName, resource, statements: [], reasons: [], notes: [ACTIVITY_NOTE] };
  const integration = integrationFor(key);
  if (!integration) throw new DefinitionError(file, unknownIntegration(key), { state: stateName, field: "Resource", received: resource });
  const grants = grantsFor(scope, "Resource", resource, integration, pattern, state, directTarget);
  const role = assumedRole(scope, state);
  if (!role) return grants;
  // Step Functions makes the Task's calls with the assumed role: that role needs the grants, this one only
  // needs to assume it.
  return {
    state: stateName,
    resource,
    statements: [{ Effect: "Allow", Action: ["sts:AssumeRole"], Resource: [role] }],
    reasons: ["the Task runs with Credentials.RoleArn: the execution role assumes that role, which makes the Task's calls"],
    delegated: grants.statements,
  };
}

/** A Distributed Map's own grants, its ItemReader's and its ResultWriter's. */
function grantsForMap(scope: Scope, state: AslState): StateGrants[] {
  const result: StateGrants[] = [];
  if (state.ItemProcessor?.ProcessorConfig?.Mode === "DISTRIBUTED") {
    result.push(grantsFor(scope, "ItemProcessor", "Distributed Map", DISTRIBUTED_MAP, "", {}));
  }
  for (const [field, table] of [["ItemReader", ITEM_READERS], ["ResultWriter", RESULT_WRITERS]] as const) {
    const config = state[field];
    // A ResultWriter with only WriterConfig shapes the Map's output and writes nothing to S3.
    if (config === undefined || (field === "ResultWriter" && isObject(config) && config.Resource === undefined)) continue;
    const resource = isObject(config) ? config.Resource : undefined;
    const match = typeof resource === "string" ? SERVICE_RESOURCE.exec(resource) : null;
    const integration = match && !match[3] ? table[match[2]] : undefined;
    if (!integration) {
      throw new DefinitionError(scope.file, `unknown ${field} integration: statecraft knows ${Object.keys(table).map((k) => `arn:aws:states:::${k}`).join(", ")}.`, {
        state: scope.stateName,
        field: `${field}.Resource`,
        received: resource ?? null,
      });
    }
    result.push(grantsFor(scope, field, `${field} ${resource}`, integration, "", config as AslState));
  }
  return result;
}

/**
 * Resolves an integration's targets in a payload holder (a Task, an ItemReader, a ResultWriter) and turns its
 * grants for the pattern into statements.
 * @param where the field the payload is under, for errors (`Resource` of a Task, `ItemReader`, …).
 */
function grantsFor(
  scope: Scope,
  where: string,
  resource: string,
  integration: Integration,
  pattern: IntegrationPattern,
  holder: Partial<AslState>,
  directTarget?: Target,
): StateGrants {
  const { file, stateName, context, warnings } = scope;
  if (!integration.patterns.includes(pattern)) {
    throw new DefinitionError(file, `${where === "Resource" ? `integration "${integrationKey(resource)}"` : where} does not support the ${pattern || "request-response"} pattern (supported: ${integration.patterns.map((p) => p || "request-response").join(", ")}).`, {
      state: stateName,
      field: "Resource",
      received: resource,
    });
  }
  const payloadField = scope.queryLanguage === "JSONata" ? "Arguments" : "Parameters";
  const prefix = where === "Resource" ? payloadField : `${where}.${payloadField}`;
  const payload = holder[payloadField];
  const targets: Record<string, Target[]> = {};
  for (const [name, spec] of Object.entries(integration.targets)) {
    targets[name] = directTarget ? [directTarget] : resolveTargets(scope, prefix, payload, spec);
  }
  let selfWarned = false;
  const input: GrantInput = {
    targets,
    context,
    self() {
      const name = scope.options.stateMachineName;
      if (name) return { arn: buildArn(context, "states", `stateMachine:${name}`), name };
      const wildcard = buildArn(context, "states", "stateMachine:*");
      if (!selfWarned) warnings.push({ state: stateName, field: where, message: `the state machine's own name is not known: granting on ${wildcard} and its executions.` });
      selfWarned = true;
      return { arn: wildcard, name: "*" };
    },
  };
  const statements: PolicyStatement[] = [];
  const reasons: string[] = [];
  for (const grant of integration.grants) {
    if (grant.patterns && !grant.patterns.includes(pattern)) continue;
    const resources = grant.resources(input);
    if (resources.length === 0) continue;
    const statement: PolicyStatement = { Effect: "Allow", Action: [...grant.actions], Resource: [...new Set(resources)] };
    const condition = grant.condition?.(input);
    if (condition) statement.Condition = condition;
    statements.push(statement);
    reasons.push(grant.reason);
    const caveat = grant.caveat?.(input);
    if (caveat) warnings.push({ state: stateName, field: caveat.field ? `${prefix}.${caveat.field}` : prefix, message: caveat.message });
  }
  return { state: stateName, resource, statements, reasons };
}

/** The targets of one spec: static values become ARNs, dynamic ones scoped wildcards (with a warning). */
function resolveTargets(scope: Scope, prefix: string, payload: unknown, spec: Integration["targets"][string]): Target[] {
  const { file, stateName, context, warnings } = scope;
  const label = spec.label ?? spec.kind.label;
  for (const path of spec.paths) {
    const found = findValues(payload, prefix, path, path === spec.paths[spec.paths.length - 1] ? spec.default : undefined);
    if (found.length === 0) continue;
    // A field that only has to be there (tags) is a target whatever its value.
    if (spec.kind === RESOURCE_KINDS.present) return found.map((value) => ({ arn: "", dynamic: false, field: value.field }));
    return found.map((value): Target => {
      if (value.dynamic) {
        const wildcard = spec.kind.wildcard(context);
        warnings.push({ state: stateName, field: value.field, message: `the ${label} is ${value.dynamic}, known only at run time: granting ${wildcard === "*" ? `any ${label}` : wildcard}.` });
        return { arn: wildcard, dynamic: true, field: value.field };
      }
      if (value.value === undefined) {
        throw new DefinitionError(file, `the ${label} must be a string.`, { state: stateName, field: value.field, received: value.received });
      }
      const arn = spec.kind.toArn(value.value, context);
      if (arn === undefined) throw new DefinitionError(file, `not a valid ${label}.`, { state: stateName, field: value.field, received: value.value });
      return { arn, dynamic: false, field: value.field };
    });
  }
  if (spec.required === false) return [];
  throw new DefinitionError(file, `the integration needs ${spec.paths.map((p) => `${prefix}.${p}`).join(" or ")} to name its ${label}.`, {
    state: stateName,
    field: `${prefix}.${spec.paths[0]}`,
  });
}

/** The key {@link parseResource} gives an Activity Task. */
const ACTIVITY = "activity";
const ACTIVITY_NOTE = "an Activity: its workers, not the execution role, call states:GetActivityTask and states:SendTask* (grant those to the workers); the execution role needs nothing for it";

/**
 * Splits a Task Resource into its catalog key and integration pattern; a Lambda function ARN given directly is
 * `lambda:invoke` on that function, an activity ARN (`arn:<p>:states:<r>:<a>:activity:<name>`) is an Activity Task
 * (key `activity`).
 * @param file the definition's file, for errors.
 * @param stateName the Task's name, for errors.
 * @param resource e.g. `arn:aws:states:::sns:publish.waitForTaskToken` or a Lambda function ARN.
 * @returns the key (`sns:publish`), the pattern (`.waitForTaskToken`) and, for a function ARN, the target.
 * @throws DefinitionError naming the State for a Resource that is neither, or an unresolved placeholder.
 */
export function parseResource(file: string, stateName: string, resource: string): { key: string; pattern: IntegrationPattern; directTarget?: Target } {
  const service = SERVICE_RESOURCE.exec(resource);
  if (service) return { key: service[2], pattern: (service[3] ?? "") as IntegrationPattern };
  const arn = parseArn(resource);
  if (arn?.service === "lambda" && arn.resource.startsWith("function:")) {
    const target = integrationFor("lambda:invoke")!.targets.function.kind.toArn(resource, { partition: arn.partition, region: arn.region, account: arn.account });
    if (!target) throw new DefinitionError(file, "not a valid Lambda function ARN.", { state: stateName, field: "Resource", received: resource });
    return { key: "lambda:invoke", pattern: "", directTarget: { arn: target, dynamic: false, field: "Resource" } };
  }
  if (arn?.service === "states" && arn.resource.startsWith("activity:")) {
    if (!/^activity:[^\s:]{1,80}$/.test(arn.resource) || !arn.region || !arn.account) {
      throw new DefinitionError(file, "not a valid activity ARN (arn:<partition>:states:<region>:<account>:activity:<name>).", { state: stateName, field: "Resource", received: resource });
    }
    return { key: ACTIVITY, pattern: "" };
  }
  if (hasPlaceholder(resource)) {
    throw new DefinitionError(file, "the Resource is an unresolved placeholder, so its integration cannot be known: give the placeholder a value (`npm run iam -- --substitutions <file.json>`).", { state: stateName, field: "Resource", received: resource });
  }
  const parts = splitArn(resource);
  if (parts?.service === "states" && /^(aws-sdk:)?[a-z0-9-]+:[A-Za-z0-9]+(\.sync(:2)?|\.waitForTaskToken)?$/.test(parts.resource) && (parts.region || parts.account)) {
    throw new DefinitionError(file, `a service integration's Resource names no Region or account: write arn:${parts.partition}:states:::${parts.resource}.`, { state: stateName, field: "Resource", received: resource });
  }
  if (parts && (parts.service === "lambda" || parts.service === "states")) {
    throw new DefinitionError(file, `not a valid ${parts.service === "lambda" ? "Lambda function" : "Step Functions"} ARN: ${arnFieldProblem(parts)}.`, { state: stateName, field: "Resource", received: resource });
  }
  throw new DefinitionError(file, `unknown integration: the Resource is neither a Step Functions service integration (arn:<partition>:states:::<service>:<action>), a Lambda function ARN nor an activity ARN.`, {
    state: stateName,
    field: "Resource",
    received: resource,
  });
}

/** What is wrong with an ARN's partition, Region or account, in words. */
function arnFieldProblem(parts: ParsedArn): string {
  if (!/^aws(-cn|-us-gov|-iso(-[a-z])?)?$/.test(parts.partition)) return `"${parts.partition}" is not a partition (aws, aws-cn, aws-us-gov, …)`;
  if (!/^[a-z]{2}(-[a-z]+)+-\d+$/.test(parts.region)) return `"${parts.region}" is not a Region code (such as us-east-1)`;
  if (!/^\d{12}$/.test(parts.account)) return `the account "${parts.account}" is not 12 digits`;
  return `"${parts.resource}" is not a function or activity name`;
}

/** The catalog key of a service-integration Resource (`sns:publish`), for messages. */
function integrationKey(resource: string): string {
  return SERVICE_RESOURCE.exec(resource)?.[2] ?? resource;
}

/** `Credentials.RoleArn` of a Task: the role it assumes, a scoped wildcard when dynamic, or undefined. */
function assumedRole({ file, stateName, context, warnings }: Scope, state: AslState): string | undefined {
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
