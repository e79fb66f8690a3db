import { PolicyResource, ReportViolation, ResourceValidationArgs, ResourceValidationPolicy, StackValidationPolicy, UnknownValueError, unknownCheckingProxy } from "@pulumi/policy";

/**
 * Fake policy args for unit tests, as `../shared/reference/pulumi-testing.md` describes: `notApplicable` throws
 * (the harness reads that as "not applicable"), props are wrapped by `unknownCheckingProxy` as the engine wraps
 * them, and `getConfig` returns only what the test passes (the engine's configSchema defaults are not applied).
 */

/** The sentinel the engine uses for a string unknown at preview. */
export const UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";

/** What a rule said of one resource. */
export interface Outcome {
  applicable: boolean;
  violations: string[];
  /** Set when the rule read a value unknown at preview. */
  unknown?: string;
}

class NotApplicable extends Error {}

/** A fake resource for a rule. */
export interface FakeResource {
  type: string;
  name?: string;
  props: Record<string, unknown>;
}

/** Runs one resource rule on one resource. */
export function runResourcePolicy(policy: ResourceValidationPolicy, resource: FakeResource, config: Record<string, unknown> = {}): Outcome {
  const violations: string[] = [];
  const report: ReportViolation = (message) => violations.push(message);
  const name = resource.name ?? "subject";
  const args: ResourceValidationArgs = {
    type: resource.type,
    props: unknownCheckingProxy(resource.props),
    urn: `urn:pulumi:test::statecraft::${resource.type}::${name}`,
    name,
    opts: { protect: false, ignoreChanges: [], aliases: [], customTimeouts: { createSeconds: 0, updateSeconds: 0, deleteSeconds: 0 }, additionalSecretOutputs: [] },
    stackTags: new Map(),
    isType: () => false,
    asType: () => undefined,
    getConfig: <T extends object>() => config as T,
    notApplicable: (reason?: string): never => {
      throw new NotApplicable(reason);
    },
  };
  const validations = Array.isArray(policy.validateResource) ? policy.validateResource : policy.validateResource ? [policy.validateResource] : [];
  try {
    for (const validate of validations) validate(args, report);
  } catch (error) {
    if (error instanceof NotApplicable) return { applicable: false, violations };
    if (error instanceof UnknownValueError) return { applicable: true, violations, unknown: (error as Error).message };
    throw error;
  }
  return { applicable: true, violations };
}

/** Runs one stack rule on a set of resources. */
export function runStackPolicy(policy: StackValidationPolicy, resources: FakeResource[], config: Record<string, unknown> = {}): Outcome {
  const violations: string[] = [];
  const policyResources = resources.map(
    (r): PolicyResource => ({
      type: r.type,
      name: r.name ?? "subject",
      urn: `urn:pulumi:test::statecraft::${r.type}::${r.name ?? "subject"}`,
      props: unknownCheckingProxy(r.props),
      opts: { protect: false, ignoreChanges: [], aliases: [], customTimeouts: { createSeconds: 0, updateSeconds: 0, deleteSeconds: 0 }, additionalSecretOutputs: [] },
      dependencies: [],
      propertyDependencies: {},
      isType: () => false,
      asType: () => undefined,
    }),
  );
  try {
    policy.validateStack(
      {
        resources: policyResources,
        stackTags: new Map(),
        getConfig: <T extends object>() => config as T,
        notApplicable: (reason?: string): never => {
          throw new NotApplicable(reason);
        },
      },
      (message) => violations.push(message),
    );
  } catch (error) {
    if (error instanceof NotApplicable) return { applicable: false, violations };
    if (error instanceof UnknownValueError) return { applicable: true, violations, unknown: (error as Error).message };
    throw error;
  }
  return { applicable: true, violations };
}
