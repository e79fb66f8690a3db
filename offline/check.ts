import Ajv from "ajv";
import * as fs from "node:fs";
import * as path from "node:path";
import {
  EnforcementLevel,
  PolicyResource,
  ResourceValidation,
  ResourceValidationArgs,
  ResourceValidationPolicy,
  Severity,
  StackValidationPolicy,
  UnknownValueError,
  unknownCheckingProxy,
} from "@pulumi/policy";
import { PROJECT_ROOT } from "../infra/manifest";
import { POLICY_PACK, resourcePolicies, stackPolicies } from "../policies/policies";
import { RegisteredResource } from "./mocks";
import { type Plan, runPlan } from "./plan";

/**
 * The offline policy gate: runs the statecraft policy pack over a stack's offline plan the way the Pulumi engine
 * runs it over a preview. Every registered resource goes to every resource policy (with its inputs, as in
 * preview), the whole set goes to every stack policy (with the outputs the mocks answered), each policy with its
 * configuration and enforcement level from a `--policy-pack-config` file.
 * @see https://www.pulumi.com/docs/iac/using-pulumi/crossguard/configuration/
 */

/** The enforcement level of a policy no configuration names: the pack's default. */
const PACK_ENFORCEMENT = POLICY_PACK.enforcementLevel;

const LEVELS: EnforcementLevel[] = ["advisory", "mandatory", "remediate", "disabled"];

/** One policy's entry of a policy-pack config file: a level, or a level and the policy's properties. */
export type PolicyConfigEntry = EnforcementLevel | ({ enforcementLevel?: EnforcementLevel } & Record<string, unknown>);

/** A policy-pack config file: policy name (or `all`) → entry. */
export type PolicyPackConfig = Record<string, PolicyConfigEntry>;

/** Where a policy stands for one run: its level and its configuration (without `enforcementLevel`). */
export interface ResolvedPolicyConfig {
  enforcementLevel: EnforcementLevel;
  properties: Record<string, unknown>;
}

/** One violation, as Pulumi reports it. */
export interface PolicyViolation {
  policyName: string;
  enforcementLevel: EnforcementLevel;
  severity?: Severity;
  description: string;
  /** The resource's URN; absent for a stack policy's violation not tied to a resource. */
  urn?: string;
  message: string;
}

/** A policy that could not run because it read a value unknown at preview (never offline, where all is known). */
export interface PolicySkipped {
  policyName: string;
  urn?: string;
  reason: string;
}

/** The outcome of a check. */
export interface CheckResult {
  stack: string;
  policyPack: { name: string; version: string };
  /** How many resources and policies took part (disabled policies excluded). */
  resources: number;
  policies: number;
  violations: PolicyViolation[];
  skipped: PolicySkipped[];
  mandatory: number;
  advisory: number;
}

/** A policy-pack config file that is malformed or does not fit the pack. */
export class PolicyConfigError extends Error {
  /**
   * @param file the config file.
   * @param key the offending key path, e.g. `logs-retention.minimumRetentionDays`.
   * @param problem what is wrong.
   */
  constructor(
    readonly file: string,
    readonly key: string,
    problem: string,
  ) {
    super(`${file}: ${key}: ${problem}`);
    this.name = "PolicyConfigError";
  }
}

/**
 * Resolves every policy's enforcement level and configuration from a policy-pack config, as the engine does: a
 * policy's own entry, else `all`, else the policy's `enforcementLevel`, else the pack's (`advisory`); properties
 * are validated against the policy's `configSchema` (JSON Schema, with its defaults applied).
 *
 * @param config the parsed file; `{}` for none.
 * @param file the file's name, for errors.
 * @param policies the pack's policies.
 * @returns policy name → resolved configuration.
 * @throws PolicyConfigError naming the file and key for an unknown policy name, an unknown enforcement level, or
 *   a property its `configSchema` rejects.
 * @see https://www.pulumi.com/docs/iac/using-pulumi/crossguard/configuration/
 */
export function resolvePolicyConfig(config: PolicyPackConfig, file: string, policies: (ResourceValidationPolicy | StackValidationPolicy)[]): Map<string, ResolvedPolicyConfig> {
  if (!config || typeof config !== "object" || Array.isArray(config)) throw new PolicyConfigError(file, "(root)", "expected an object of policy names");
  const names = new Set(policies.map((p) => p.name));
  for (const key of Object.keys(config)) {
    if (key !== "all" && !names.has(key)) throw new PolicyConfigError(file, key, `no policy of the ${POLICY_PACK.name} pack has this name`);
  }
  const levelOf = (key: string, entry: PolicyConfigEntry | undefined): EnforcementLevel | undefined => {
    const level = typeof entry === "string" ? entry : entry?.enforcementLevel;
    if (level !== undefined && !LEVELS.includes(level)) throw new PolicyConfigError(file, key, `enforcement level "${level}" is not one of ${LEVELS.join(", ")}`);
    return level;
  };
  const all = levelOf("all", config.all);
  const ajv = new Ajv({ useDefaults: true, allErrors: true, strict: false });
  const resolved = new Map<string, ResolvedPolicyConfig>();
  for (const policy of policies) {
    const entry = config[policy.name];
    const { enforcementLevel: _level, ...properties } = typeof entry === "object" && entry ? entry : {};
    if (policy.configSchema) {
      const validate = ajv.compile({ type: "object", ...policy.configSchema, additionalProperties: false });
      if (!validate(properties)) {
        const error = validate.errors![0];
        const key = `${policy.name}${error.instancePath.replace(/\//g, ".")}${error.params && "additionalProperty" in error.params ? `.${error.params.additionalProperty}` : ""}`;
        throw new PolicyConfigError(file, key, error.message ?? "rejected by the policy's configSchema");
      }
    } else if (Object.keys(properties).length) {
      throw new PolicyConfigError(file, `${policy.name}.${Object.keys(properties)[0]}`, "this policy takes no configuration");
    }
    resolved.set(policy.name, { enforcementLevel: levelOf(policy.name, entry) ?? all ?? policy.enforcementLevel ?? PACK_ENFORCEMENT, properties });
  }
  return resolved;
}

/**
 * Reads a policy-pack config file (JSON).
 * @param file its path; `shown`: how errors name it.
 * @throws PolicyConfigError naming the file when it is missing or not JSON.
 */
export function readPolicyConfig(file: string, shown = file): PolicyPackConfig {
  let text: string;
  try {
    text = fs.readFileSync(file, "utf8");
  } catch {
    throw new PolicyConfigError(shown, "(file)", "cannot be read: pass an existing policy-pack config file");
  }
  try {
    return JSON.parse(text) as PolicyPackConfig;
  } catch (error) {
    throw new PolicyConfigError(shown, "(file)", `is not JSON: ${(error as Error).message}`);
  }
}

/**
 * The URN Pulumi gives a resource: `urn:pulumi:<stack>::<project>::<parent types joined by $>$<type>::<name>`
 * (the stack resource itself is not part of the type chain).
 * @see https://www.pulumi.com/docs/iac/concepts/resources/names/#urns
 */
export function urnOf(resource: RegisteredResource, byKey: Map<string, RegisteredResource>, stack: string, project: string): string {
  const types = [resource.type];
  for (let parent = resource.parent; parent; parent = byKey.get(parent)?.parent) {
    const parentResource = byKey.get(parent);
    if (!parentResource || parentResource.type === "pulumi:pulumi:Stack") break;
    types.unshift(parentResource.type);
  }
  return `urn:pulumi:${stack}::${project}::${types.join("$")}::${resource.name}`;
}

/**
 * Runs policies over a set of registered resources, as the engine does over a preview: each resource policy on
 * each resource (props: the inputs), each stack policy once on all of them (props: the outputs), props wrapped by
 * `unknownCheckingProxy`. A policy that reads a value unknown at preview is skipped with a note, as the engine
 * does. Disabled policies do not run.
 *
 * @param resources the plan's resources.
 * @param configs the resolved configuration of every policy ({@link resolvePolicyConfig}).
 * @param options the stack and project (for URNs) and the pack's version.
 * @returns the violations in the order found, and their counts.
 */
export function checkResources(
  resources: RegisteredResource[],
  configs: Map<string, ResolvedPolicyConfig>,
  options: { stack: string; project?: string; version?: string; resourcePolicies?: ResourceValidationPolicy[]; stackPolicies?: StackValidationPolicy[] },
): CheckResult {
  const project = options.project ?? "statecraft";
  const byKey = new Map(resources.map((r) => [`${r.type}::${r.name}`, r]));
  const checked = resources.filter((r) => r.type !== "pulumi:pulumi:Stack");
  const urns = new Map(checked.map((r) => [r, urnOf(r, byKey, options.stack, project)]));
  const violations: PolicyViolation[] = [];
  const skipped: PolicySkipped[] = [];
  const enabled = <P extends ResourceValidationPolicy | StackValidationPolicy>(policies: P[]) => policies.filter((p) => configs.get(p.name)?.enforcementLevel !== "disabled");
  const runResource = enabled(options.resourcePolicies ?? resourcePolicies);
  const runStack = enabled(options.stackPolicies ?? stackPolicies);

  const violation = (policy: ResourceValidationPolicy | StackValidationPolicy, message: string, urn?: string) =>
    violations.push({
      policyName: policy.name,
      enforcementLevel: configs.get(policy.name)?.enforcementLevel ?? PACK_ENFORCEMENT,
      ...(policy.severity ? { severity: policy.severity } : {}),
      description: policy.description,
      ...(urn ? { urn } : {}),
      message,
    });
  const guarded = (policy: ResourceValidationPolicy | StackValidationPolicy, urn: string | undefined, run: () => void) => {
    try {
      run();
    } catch (error) {
      if (error === NOT_APPLICABLE) return;
      if (error instanceof UnknownValueError) skipped.push({ policyName: policy.name, ...(urn ? { urn } : {}), reason: (error as Error).message });
      else throw new Error(`policy ${policy.name} failed${urn ? ` on ${urn}` : ""}: ${error instanceof Error ? error.message : String(error)}`);
    }
  };

  for (const resource of checked) {
    const urn = urns.get(resource)!;
    const props = unknownCheckingProxy(resource.inputs);
    for (const policy of runResource) {
      const args = resourceArgs(resource, props, urn, configs.get(policy.name)?.properties ?? {});
      const validations: ResourceValidation[] = ([] as ResourceValidation[]).concat(policy.validateResource ?? []);
      guarded(policy, urn, () => validations.forEach((validate) => validate(args, (message, reportedUrn) => violation(policy, message, reportedUrn ?? urn))));
    }
  }
  const policyResources = checked.map((resource): PolicyResource => policyResource(resource, urns.get(resource)!));
  for (const policy of runStack) {
    guarded(policy, undefined, () =>
      policy.validateStack(
        {
          resources: policyResources,
          stackTags: new Map(),
          getConfig: <T extends object>() => (configs.get(policy.name)?.properties ?? {}) as T,
          notApplicable: notApplicable,
        },
        (message, urn) => violation(policy, message, urn),
      ),
    );
  }
  return {
    stack: options.stack,
    policyPack: { name: POLICY_PACK.name, version: options.version ?? packVersion() },
    resources: checked.length,
    policies: runResource.length + runStack.length,
    violations,
    skipped,
    mandatory: violations.filter((v) => v.enforcementLevel === "mandatory").length,
    advisory: violations.filter((v) => v.enforcementLevel !== "mandatory").length,
  };
}

/**
 * `npm run check`'s work: plans the stack offline ({@link runPlan}) and checks it with the stack's policy-pack
 * config, `policies/config/<stack>.json` unless another file is given.
 * @param stack the stack name.
 * @param options `configFile` (a policy-pack config file), `root` (the directory of `Pulumi.<stack>.yaml`) and
 *   `plans` (where the plan comes from, e.g. a `planCache` shared by a process that checks a stack many times).
 * @throws PolicyConfigError for a missing or bad config file (before the plan runs); whatever {@link runPlan} throws.
 */
export async function runCheck(stack: string, options: { configFile?: string; root?: string; plans?: (stack: string) => Promise<Plan> } = {}): Promise<CheckResult> {
  const file = options.configFile ?? path.join(PROJECT_ROOT, "policies", "config", `${stack}.json`);
  const shown = path.relative(process.cwd(), file) || file;
  if (!options.configFile && !fs.existsSync(file)) throw new PolicyConfigError(shown, "(file)", `no policy-pack config for stack ${stack}: create it, or pass --policy-pack-config`);
  const configs = resolvePolicyConfig(readPolicyConfig(file, shown), shown, [...resourcePolicies, ...stackPolicies]);
  const plan = await (options.plans ? options.plans(stack) : runPlan(stack, { root: options.root }));
  return checkResources(plan.resources, configs, { stack });
}

/**
 * Prints a result as `pulumi preview --policy-pack` prints it: the pack with ✅ (no violation), ⚠️ (advisory ones
 * only) or ❌ (a mandatory one), then per violation the enforcement level, severity, policy name and resource URN,
 * the policy's description and the message; a summary line last.
 */
export function formatCheck(result: CheckResult): string {
  const pack = `${result.policyPack.name}@v${result.policyPack.version}`;
  const mark = result.mandatory ? "❌" : result.violations.length || result.skipped.length ? "⚠️" : "✅";
  const lines = [`Policies (stack ${result.stack}: ${result.policies} policies over ${result.resources} resources):`, `    ${mark} ${pack} (local: policies)`];
  for (const v of result.violations) {
    lines.push(`        - [${v.enforcementLevel}]  ${v.severity ? `[severity: ${v.severity}]  ` : ""}${v.policyName}  (${v.urn ?? `stack ${result.stack}`})`, `          ${v.description}`, `          ${v.message}`);
  }
  for (const s of result.skipped) lines.push(`        - [advisory]  ${s.policyName}  (${s.urn ?? `stack ${result.stack}`})`, `          can't run during preview: ${s.reason}`);
  lines.push("", `${result.mandatory} mandatory, ${result.advisory} advisory violation${result.advisory === 1 ? "" : "s"}${result.mandatory ? ": the stack fails the policy check" : ""}`);
  return lines.join("\n");
}

/**
 * What `args.notApplicable()` throws: one preallocated value, since most (resource, policy) pairs do not apply and
 * the reason is not reported.
 */
const NOT_APPLICABLE = Symbol("not applicable");

function notApplicable(): never {
  throw NOT_APPLICABLE;
}

const NO_OPTIONS = { protect: false, ignoreChanges: [], aliases: [], customTimeouts: { createSeconds: 0, updateSeconds: 0, deleteSeconds: 0 }, additionalSecretOutputs: [] };
const PROTECTED = { ...NO_OPTIONS, protect: true };

/** The resource options a policy sees: the engine's defaults, with `protect` as the program set it. */
function optionsOf(resource: RegisteredResource) {
  return resource.options?.protect ? PROTECTED : NO_OPTIONS;
}

function resourceArgs(resource: RegisteredResource, props: Record<string, unknown>, urn: string, config: Record<string, unknown>): ResourceValidationArgs {
  return {
    type: resource.type,
    props,
    urn,
    name: resource.name,
    opts: optionsOf(resource),
    stackTags: new Map(),
    isType: () => false,
    asType: () => undefined,
    getConfig: <T extends object>() => config as T,
    notApplicable,
  };
}

function policyResource(resource: RegisteredResource, urn: string): PolicyResource {
  return {
    type: resource.type,
    name: resource.name,
    urn,
    props: unknownCheckingProxy(resource.outputs ?? resource.inputs),
    opts: optionsOf(resource),
    dependencies: [],
    propertyDependencies: {},
    isType: () => false,
    asType: () => undefined,
  };
}

function packVersion(): string {
  return (JSON.parse(fs.readFileSync(path.join(PROJECT_ROOT, "policies", "package.json"), "utf8")) as { version: string }).version;
}
