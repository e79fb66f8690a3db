import { ReportViolation, ResourceValidationArgs, ResourceValidationPolicy } from "@pulumi/policy";
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
 * `defaults`: the engine applies `configSchema` defaults, unit tests and the offline gate do not.
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
    const config = { ...defaults, ...withoutEnforcement(args.getConfig<Partial<TConfig>>()) } as TConfig;
    validate(args.props, config, report, args);
  };
}

function withoutEnforcement<T extends object>(config: T | undefined): Partial<T> {
  if (!config || typeof config !== "object") return {};
  const { enforcementLevel: _ignored, ...rest } = config as T & { enforcementLevel?: unknown };
  return rest as Partial<T>;
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
