import { ReportViolation, ResourceValidationArgs, ResourceValidationPolicy, UnknownValueError } from "@pulumi/policy";
import { wildcardMatches } from "../infra/iam/compare";

/**
 * What every rule of the pack shares: type filtering as `validateResourceOfType` does it (by Pulumi type token, so
 * the pack does not load `@pulumi/aws`), configuration with the pack's own defaults, and IAM policy documents in
 * whichever form they arrive.
 * @see https://www.pulumi.com/docs/iac/using-pulumi/crossguard/core-concepts/
 */

/** A resource rule's validation, given the resource's props (as the engine or the offline gate passes them). */
export type PropsValidation<TConfig> = (props: Record<string, any>, config: TConfig, report: ReportViolation, args: ResourceValidationArgs) => void;

/**
 * A `validateResource` that applies to the given Pulumi types only and calls `args.notApplicable()` for any other,
 * as `validateResourceOfType` does since @pulumi/policy 1.18. The rule's configuration is the engine's merged over
 * `defaults` ({@link configOf}): the engine and the offline gate apply `configSchema` defaults, unit tests do not.
 *
 * A value unknown at preview (an ARN not created yet) raises `UnknownValueError` through the engine's proxy; it is
 * left to propagate, and the engine reports it as an advisory "can't run during preview" (the offline gate does
 * the same). The value is checked for real at `pulumi up`.
 *
 * @param types Pulumi type tokens, e.g. `aws:sfn/stateMachine:StateMachine`.
 * @param defaults the rule's configuration defaults (the same values as its `configSchema` defaults).
 */
export function forTypes<TConfig extends object>(types: string[], defaults: TConfig, validate: PropsValidation<TConfig>): ResourceValidationPolicy["validateResource"] {
  return (args, report) => {
    if (!types.includes(args.type)) args.notApplicable(`applies to ${types.join(", ")}`);
    validate(args.props, configOf(args.getConfig<Partial<TConfig>>(), defaults), report, args);
  };
}

/**
 * A rule's configuration: what the engine passes (`args.getConfig()`, without its `enforcementLevel`) merged over
 * the rule's defaults, for resource and stack rules alike.
 * @param given the configuration the engine or a test passes; may be empty.
 * @param defaults the rule's defaults ({@link defaultsOf} its `configSchema`).
 */
export function configOf<TConfig extends object>(given: Partial<TConfig> | undefined, defaults: TConfig): TConfig {
  if (!given || typeof given !== "object") return { ...defaults };
  const { enforcementLevel: _ignored, ...rest } = given as Partial<TConfig> & { enforcementLevel?: unknown };
  return { ...defaults, ...rest } as TConfig;
}

/** A rule's `configSchema`: JSON Schema properties, each with its default. */
export interface ConfigSchema<TConfig> {
  properties: { [K in keyof TConfig]: Record<string, unknown> & { default: TConfig[K] } };
}

/**
 * The defaults of a rule's `configSchema`, which the engine applies itself but unit tests do not: the schema is
 * the one place they are written.
 * @param schema the rule's `configSchema`.
 * @returns property → default.
 */
export function defaultsOf<TConfig extends object>(schema: ConfigSchema<TConfig>): TConfig {
  return Object.fromEntries(Object.entries(schema.properties).map(([key, property]) => [key, (property as { default: unknown }).default])) as TConfig;
}

/** One IAM statement, with every list field as a list. */
export interface Statement {
  Sid?: string;
  Effect: string;
  Action: string[];
  NotAction?: string[];
  Resource: string[];
  NotResource?: string[];
  Principal?: "*" | Record<string, string[]>;
  NotPrincipal?: unknown;
  Condition?: Record<string, Record<string, unknown>>;
}

/**
 * The statements of a policy document given as a JSON string or an object, with `Action`, `Resource` and
 * principals as lists (IAM allows a string or a list for each).
 * @param document `policy`/`assumeRolePolicy` as a resource's props hold it.
 * @returns the statements; empty for an empty or unparsable document (the provider rejects those itself).
 * @see https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_grammar.html
 */
export function statementsOf(document: unknown): Statement[] {
  let parsed = document;
  if (typeof document === "string") {
    try {
      parsed = JSON.parse(document);
    } catch {
      return [];
    }
  }
  if (!parsed || typeof parsed !== "object") return [];
  const raw = (parsed as { Statement?: unknown }).Statement;
  const statements = Array.isArray(raw) ? raw : raw ? [raw] : [];
  return statements.map((s: Record<string, any>) => ({
    ...s,
    Effect: String(s.Effect),
    Action: list(s.Action),
    Resource: list(s.Resource),
    ...(s.NotAction !== undefined ? { NotAction: list(s.NotAction) } : {}),
    ...(s.NotResource !== undefined ? { NotResource: list(s.NotResource) } : {}),
    ...(s.Principal !== undefined ? { Principal: s.Principal === "*" ? "*" : Object.fromEntries(Object.entries(s.Principal).map(([k, v]) => [k, list(v)])) } : {}),
  }));
}

function list(value: unknown): string[] {
  if (value === undefined || value === null) return [];
  return (Array.isArray(value) ? value : [value]).map(String);
}

/** Whether an action pattern of a statement covers an action (`*`, `service:*`, `service:Get*`, case-insensitive). */
export function actionMatches(pattern: string, action: string): boolean {
  return wildcardMatches(pattern, action, true);
}

/** The resource types whose `policy` prop is an identity policy document. */
export const IDENTITY_POLICY_TYPES = ["aws:iam/policy:Policy", "aws:iam/rolePolicy:RolePolicy"];

/**
 * A `validateResource` over every Allow statement of an identity policy ({@link IDENTITY_POLICY_TYPES}), with
 * the statement's index for messages.
 * @param defaults the rule's configuration defaults.
 * @param check called per Allow statement.
 */
export function forAllowStatements<TConfig extends object>(
  defaults: TConfig,
  check: (statement: Statement, config: TConfig, report: ReportViolation, index: number) => void,
): ResourceValidationPolicy["validateResource"] {
  return forTypes<TConfig>(IDENTITY_POLICY_TYPES, defaults, (props, config, report) => {
    statementsOf(props.policy).forEach((statement, index) => {
      if (statement.Effect === "Allow") check(statement, config, report, index);
    });
  });
}

/** Whether a statement has a condition on any of the keys, under any operator (keys compared case-insensitively). */
export function hasConditionOn(statement: Statement, keys: string[]): boolean {
  const present = Object.values(statement.Condition ?? {}).flatMap((condition) => Object.keys(condition ?? {}).map((key) => key.toLowerCase()));
  return keys.some((key) => present.includes(key.toLowerCase()));
}

/**
 * Whether an action is written for iam:PassRole (`iam:PassRole`, `iam:Pass*`) rather than a service or full
 * wildcard (`iam:*`, `*`), which iam-no-service-wildcard and iam-no-star-action report.
 */
export function isPassRoleGrant(action: string): boolean {
  return actionMatches(action, "iam:PassRole") && !["*", "iam:*"].includes(action.toLowerCase());
}

/** Whether a KMS key reference is an AWS managed key (`alias/aws/<service>`, as an alias or an alias ARN). */
export function isAwsManagedKey(key: string): boolean {
  return /(^|:)alias\/aws\/[^/]+$/i.test(key);
}

/**
 * The `Service` principals of a statement (`"*"` counts as none: no rule here takes it for a service).
 * @see https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_principal.html#principal-services
 */
export function servicePrincipalsOf(statement: Statement): string[] {
  if (statement.Principal === undefined || statement.Principal === "*") return [];
  return statement.Principal.Service ?? [];
}

/**
 * Whether an Allow statement of a resource policy (a key policy, a topic policy) names a service principal and
 * covers an action on a resource. Conditions are not evaluated: a condition the service's request does not meet is
 * beyond what a preview can tell.
 * @param statements the policy's statements ({@link statementsOf}).
 * @param service e.g. `cloudwatch.amazonaws.com`.
 * @param action e.g. `kms:Decrypt`.
 * @param resource the resource's ARN; a statement's `*` covers it.
 * @see https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_principal.html#principal-services
 */
export function allowsService(statements: Statement[], service: string, action: string, resource: string): boolean {
  return statements.some(
    (statement) =>
      statement.Effect === "Allow" &&
      servicePrincipalsOf(statement).includes(service) &&
      statement.Action.some((pattern) => actionMatches(pattern, action)) &&
      statement.Resource.some((pattern) => wildcardMatches(pattern, resource, false)),
  );
}

/** The engine's sentinel for a string unknown at preview (`unknownStringValue` of `@pulumi/policy`'s proxy). */
const UNKNOWN_STRING = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";

/**
 * What a rule throws, after reporting everything it could check, when part of the stack is beyond it (a KMS key
 * or topic another stack or account manages). It is an `UnknownValueError`, so the engine reports the message as an
 * advisory "can't run policy … during preview: <message>" and the offline gate lists it as skipped: a note to
 * check by hand, never a failed deployment.
 * @see https://www.pulumi.com/docs/iac/using-pulumi/crossguard/core-concepts/#enforcement-levels
 */
export class CannotCheck extends UnknownValueError {
  /** @param message what cannot be checked, and why. */
  constructor(message: string) {
    super(UNKNOWN_STRING, []);
    (this as unknown as Error).message = message;
  }
}
