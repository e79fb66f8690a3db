import { expect } from "chai";
import { createHash } from "node:crypto";
import type { Decision } from "../../local/authz/authorizer";
import type { PlannedResource, StackPlan } from "../../local/authz/plan-index";
import { LocalStack } from "../../local/runner";
import { loadScenarios, runScenario, type Scenario, scenarioStack } from "../../local/scenarios";
import { plans } from "./plans";

/**
 * The authorization check, proved on the shipped stacks (declared by each `authorization*.test.ts`): every call a scenario makes is allowed by the plan's
 * policies and needs them (removing any one statement that allowed a call makes the scenario fail with the
 * access-denied error naming that action), and the same action on an unrelated resource is denied.
 */

/** Where a statement that allowed a call lives in the plans: an identity policy by name, or a resource's policy. */
interface StatementLocator {
  kind: "identity" | "resource";
  /** The identity policy's name (`<role>/<inline name>` or a managed policy's ARN). */
  policy?: string;
  /** For a resource policy: the call it allowed (its action and resource pick the policy). */
  call?: Decision["call"];
  /** 1-based, as the evaluator numbers statements. */
  index: number;
}

const key = (l: StatementLocator) => (l.kind === "identity" ? `identity ${l.policy} #${l.index}` : `resource of ${l.call!.action.startsWith("lambda:") ? "function" : l.call!.action === "sts:AssumeRole" ? "role" : ""} ${l.call!.resource} #${l.index}`);

/**
 * The statements the calls of a run needed: for each allowed call, the one statement of a kind that allowed it,
 * when that kind is required (a role's identity policy unless a same-account resource policy alone also allowed
 * it; the resource's policy for a service principal, another account, a KMS key or a role's trust).
 */
function neededStatements(decisions: Decision[]): Map<string, { locator: StatementLocator; actions: Set<string> }> {
  const needed = new Map<string, { locator: StatementLocator; actions: Set<string> }>();
  for (const d of decisions.filter((d) => d.allowed)) {
    const identity = (d.grants ?? []).filter((g) => g.startsWith("identity "));
    const resource = (d.grants ?? []).filter((g) => g.startsWith("resource "));
    const alternatives = identity.length > 0 && resource.length > 0 && !d.call.action.startsWith("kms:") && d.call.action !== "sts:AssumeRole" && sameAccount(d);
    if (alternatives) continue;
    const add = (locator: StatementLocator) => {
      const entry = needed.get(key(locator)) ?? { locator, actions: new Set<string>() };
      entry.actions.add(d.call.action);
      needed.set(key(locator), entry);
    };
    if (identity.length === 1) {
      const [, policy, index] = /^identity (.+) #(\d+)$/.exec(identity[0])!;
      add({ kind: "identity", policy, index: Number(index) });
    }
    if (resource.length === 1) add({ kind: "resource", call: d.call, index: Number(/#(\d+)$/.exec(resource[0])![1]) });
  }
  return needed;
}

function sameAccount(d: Decision): boolean {
  const account = (arn: string) => arn.split(":")[4];
  return d.call.resource === "*" || account(d.call.principal) === account(d.call.resource);
}

/** A deep copy of the plans without one statement. */
function withoutStatement(source: StackPlan[], locator: StatementLocator): { plans: StackPlan[]; removed: unknown } {
  const copy = JSON.parse(JSON.stringify(source)) as StackPlan[];
  const resources = copy.flatMap((plan) => plan.resources);
  let removed: unknown;
  const edit = (resource: PlannedResource, field: string) => {
    const value = resource.inputs[field];
    const document = (typeof value === "string" ? JSON.parse(value) : value) as { Statement: unknown[] };
    const statements = ([] as unknown[]).concat(document.Statement);
    expect(statements.length, `${resource.type} ${resource.name} has statement #${locator.index}`).to.be.at.least(locator.index);
    [removed] = statements.splice(locator.index - 1, 1);
    document.Statement = statements;
    resource.inputs[field] = typeof value === "string" ? JSON.stringify(document) : document;
  };
  if (locator.kind === "identity") {
    const roles = new Map(resources.filter((r) => r.type === "aws:iam/role:Role").map((r) => [String(r.inputs.name), r]));
    const inline = resources.find((r) => r.type === "aws:iam/rolePolicy:RolePolicy" && roles.has(String(r.inputs.role)) && `${String(r.inputs.role)}/${String(r.inputs.name)}` === locator.policy);
    const managed = resources.find((r) => r.type === "aws:iam/policy:Policy" && r.outputs?.arn === locator.policy);
    edit((inline ?? managed)!, "policy");
    return { plans: copy, removed };
  }
  const { action, resource } = locator.call!;
  if (action === "sts:AssumeRole") {
    edit(resources.find((r) => r.type === "aws:iam/role:Role" && r.outputs?.arn === resource)!, "assumeRolePolicy");
    return { plans: copy, removed };
  }
  if (action.startsWith("lambda:")) {
    const functionName = resource.split(":")[6];
    const permissions = resources.filter((r) => r.type === "aws:lambda/permission:Permission" && String(r.inputs.function).split(":").includes(functionName));
    const permission = permissions[locator.index - 1];
    for (const plan of copy) plan.resources = plan.resources.filter((r) => r !== permission);
    return { plans: copy, removed: permission.inputs };
  }
  const holder = resources.find(
    (r) =>
      (r.type === "aws:kms/key:Key" && r.outputs?.arn === resource) ||
      (r.type === "aws:sns/topicPolicy:TopicPolicy" && r.inputs.arn === resource) ||
      (r.type === "aws:dynamodb/resourcePolicy:ResourcePolicy" && r.inputs.resourceArn === resource) ||
      (r.type === "aws:secretsmanager/secretPolicy:SecretPolicy" && r.inputs.secretArn === resource),
  );
  edit(holder!, "policy");
  return { plans: copy, removed };
}

/**
 * Every statement of every policy document in the plans (identity, trust, key, topic, table and secret policies)
 * and every Lambda permission's inputs, as JSON text written for the dev stack's names and account: what a prod
 * statement is compared with, to tell a statement dev's runs already showed necessary from one only prod has.
 */
function statementTexts(source: StackPlan[], asDev: (text: string) => string): Set<string> {
  const texts = new Set<string>();
  for (const resource of source.flatMap((plan) => plan.resources)) {
    if (resource.type === "aws:lambda/permission:Permission") texts.add(asDev(JSON.stringify(resource.inputs)));
    for (const field of ["policy", "assumeRolePolicy"]) {
      const value = resource.inputs[field];
      if (value === undefined || value === null) continue;
      const document = (typeof value === "string" ? JSON.parse(value) : value) as { Statement?: unknown };
      for (const statement of ([] as unknown[]).concat(document?.Statement ?? [])) texts.add(asDev(JSON.stringify(statement)));
    }
  }
  return texts;
}

/** A prod plan's text with dev's names and account: `statecraft-prod-` → `statecraft-dev-`, the accounts swapped. */
function prodAsDev(text: string): string {
  return text.replace(/statecraft-prod-/g, "statecraft-dev-").replace(/222222222222/g, "111111111111").replace(/\/(states|apigateway)\/prod-/g, "/$1/dev-");
}

/**
 * The scenario runs of the shipped stacks: each in its own stack, and the dev ones again in prod; those that
 * succeed first, so a statement is shown necessary on a run where no Parallel branch is cut short by another's
 * failure (which branches of a failing Parallel get to call AWS depends on timing).
 */
function runsOf(scenarios: Scenario[]): { stack: string; scenario: Scenario }[] {
  const ordered = [...scenarios.filter((s) => s.expect.status === "SUCCEEDED"), ...scenarios.filter((s) => s.expect.status !== "SUCCEEDED")];
  return runs(ordered);
}

function runs(scenarios: Scenario[]): { stack: string; scenario: Scenario }[] {
  return [
    ...scenarios.map((scenario) => ({ stack: scenarioStack(scenario), scenario })),
    ...scenarios.filter((s) => s.stack === undefined).map((scenario) => ({ stack: "prod", scenario: { ...scenario, stack: "prod" } })),
  ];
}

/**
 * Declares the authorization proof for the scenario runs in the given stacks (`runsOf`): a mocha `describe` with one
 * test per run, then one over every distinct call those runs made. Split across test files by stack, so mocha's
 * parallel workers share the work; a statement is shown necessary once per stack, so no proof is lost.
 * @param stackNames the stacks whose runs to prove (`dev`, `prod`, `consumer`).
 * @param options `provenInDev`: in prod, remove only the statements dev's plan does not have (see {@link prodAsDev}).
 */
export function describeAuthorization(stackNames: readonly string[], options: { provenInDev?: boolean } = {}): void {
  describe(`authorization of local runs against the planned policies (${stackNames.join(", ")})`, function () {
    this.timeout(120_000);
    const scenarios = loadScenarios();
    let devTexts: Set<string> | undefined;
    const devStatements = async () => (devTexts ??= statementTexts([{ stack: "dev", resources: (await plans("dev")).resources as PlannedResource[] }], (text) => text));
    /** The statements removed (each shown necessary), for the last test. */
    const removals: string[] = [];
    /** The allowed calls of every baseline run, for the last test. */
    const seen: (Decision & { stack: string })[] = [];
    const stacks = new Map<string, LocalStack>();
    const original = new Map<string, StackPlan[]>();
    const stackFor = async (name: string) => {
      let stack = stacks.get(name);
      if (!stack) {
        stack = await LocalStack.start({ stack: name, plans });
        stacks.set(name, stack);
        original.set(name, [...stack.authorizer.index.plans.entries()].map(([planStack, resources]) => ({ stack: planStack, resources })));
      }
      return stack;
    };
    after(async () => {
      for (const stack of stacks.values()) await stack.stop();
    });
    /**
     * The statements already shown necessary, per stack: a statement several scenarios need (one workflow's role,
     * a shared key) is removed once, for the first scenario that needs it.
     */
    const proven = new Set<string>();

    for (const { stack: stackName, scenario } of runsOf(scenarios).filter((run) => stackNames.includes(run.stack))) {
      it(`${scenario.name} in ${stackName}: every call is allowed, and removing any one statement it needs (not shown necessary by an earlier scenario) fails it with access denied naming the action`, async () => {
        const stack = await stackFor(stackName);
        const plansOfStack = original.get(stackName)!;
        stack.authorizer.usePlans(plansOfStack);
        const baseline = await runScenario(stack, scenario);
        expect(baseline.mismatches).to.deep.equal([]);
        const decisions = baseline.report!.authorizations;
        seen.push(...decisions.filter((d) => d.allowed).map((d) => ({ ...d, stack: stackName })));
        const deniedOnPurpose = decisions.filter((d) => !d.allowed);
        // The one scenario with a denial on purpose: a backup of a table outside the stack's backup list.
        for (const d of deniedOnPurpose) expect(d.call.action, scenario.name).to.equal("dynamodb:CreateBackup");
        const needed = neededStatements(decisions);
        expect(needed.size).to.be.above(0);
        for (const [label, { locator, actions }] of needed) {
          if (proven.has(`${stackName} ${label}`)) continue;
          proven.add(`${stackName} ${label}`);
          const { plans: without, removed } = withoutStatement(plansOfStack, locator);
        // In prod, a statement dev also has (its names and account aside) was shown necessary by dev's runs of the
        // same scenarios (authorization.test.ts): only what prod alone has (its key's grants) is removed here.
        if (stackName === "prod" && options.provenInDev && (await devStatements()).has(prodAsDev(JSON.stringify(removed)))) continue;
        stack.authorizer.usePlans(without);
        removals.push(label);
          const before = stack.authorizer.decisions.length;
          try {
            const result = await runScenario(stack, scenario);
            expect(result.passed, `${scenario.name} without ${label} still passes`).to.equal(false);
            const denials = stack.authorizer.decisions.slice(before).filter((d) => !d.allowed && actions.has(d.call.action) && !deniedOnPurpose.some((p) => p.call.resource === d.call.resource));
            expect(denials, `${scenario.name} without ${label}: no denial of ${[...actions].join(", ")}`).not.to.be.empty;
            for (const denial of denials) expect(denial.message).to.include(`not authorized to perform: ${denial.call.action} on resource: ${denial.call.resource}`);
            // A statement of several actions is denied for each call at once; the error names the first the call needed.
            const text = [...result.mismatches, result.report?.cause ?? "", ...(result.report?.authorizations ?? []).map((d) => d.message ?? "")].join("\n");
            expect(
              denials.some((denial) => text.includes(`perform: ${denial.call.action}`)),
              `${scenario.name} without ${label}: the failure names none of ${denials.map((d) => d.call.action).join(", ")}`,
            ).to.equal(true);
          } finally {
            stack.authorizer.usePlans(plansOfStack);
          }
        }
      });
    }

    it("allowed every call of every run above, and denies each distinct call on an unrelated resource of the same type", async () => {
      expect(seen.length).to.be.above(100);
    // prod's own statements: its key's grants, in the identity policies and the key policy.
    expect(removals.length, "statements shown necessary").to.be.above(stackNames.includes("prod") ? 10 : 100);
      // Every distinct call (ids of executions, tasks and jobs aside), each on a resource of the same type it may not touch.
      const distinct = new Map<string, Decision & { stack: string }>();
      for (const decision of seen) {
        if (decision.call.resource === "*") continue;
        distinct.set(`${decision.stack} ${decision.call.principal} ${decision.call.action} ${decision.call.resource.replace(/[0-9a-f]{32}|[0-9a-f-]{36}/g, "#")}`, decision);
      }
      expect(distinct.size).to.be.above(20);
      for (const decision of distinct.values()) {
        const { call } = decision;
        const stack = await stackFor(decision.stack);
        // A resource named only at run time (a Batch job's id, a transform job named per run) is granted as its
        // type's scoped wildcard (`job/*`): another of that type is allowed by design.
        if (grantsWholeType(stack, decision)) continue;
        const unrelated = unrelatedArn(call.resource, "check");
        expect(stack.authorizer.index.arns.has(unrelated), unrelated).to.equal(false);
        const again = await stack.authorizer.authorize({ ...call, resource: unrelated });
        expect(again.allowed, `${call.principal} ${call.action} on ${unrelated}`).to.equal(false);
        expect(again.message).to.include(`not authorized to perform: ${call.action} on resource: ${unrelated}`);
      }
    });
  });
}

/**
 * Whether the identity statement that allowed a decision grants its resource's whole type in the account and Region
 * (`arn:…:<type>/*`, the scoped wildcard of a name known only at run time).
 */
function grantsWholeType(stack: LocalStack, decision: Decision): boolean {
  const [, policyName, index] = /^identity (.+) #(\d+)$/.exec(decision.grants?.[0] ?? "") ?? [];
  if (!policyName) return false;
  const policy = stack.authorizer.index.role(decision.call.principal)?.policies.find((p) => p.name === policyName)?.policy;
  const statement = ([] as Record<string, unknown>[]).concat(policy?.Statement ?? [])[Number(index) - 1];
  const resources = ([] as unknown[]).concat(statement?.Resource ?? []);
  return resources.some((resource) => typeof resource === "string" && /^arn:[^:]+:[^:]+:[^:]*:[^:]*:[A-Za-z-]+\/\*$/.test(resource) && decision.call.resource.startsWith(resource.slice(0, -1)));
}

/**
 * An ARN of the same service, Region, account and resource type as `arn`, naming another resource: a table, role,
 * function, state machine, secret (with Secrets Manager's 6-character suffix) or topic called `unrelated-<name>`,
 * an execution of such a machine, or another key id.
 */
export function unrelatedArn(arn: string, name: string): string {
  const parts = arn.split(":");
  const prefix = parts.slice(0, 5).join(":");
  const other = `unrelated-${name}`;
  // S3 ARNs name a bucket, and an object by its key after the bucket: another bucket, the same key.
  if (parts[2] === "s3") return `${prefix}:${other}${parts.slice(5).join(":").replace(/^[^/]*/, "")}`;
  const [type] = /^[A-Za-z-]+/.exec(parts[5]) ?? [""];
  // SNS topics and SQS queues: the resource part is the name alone.
  switch (parts[2] === "sns" || parts[2] === "sqs" ? "topic" : type) {
    case "topic":
      return `${prefix}:${other}`;
    case "key":
      return `${prefix}:key/${createHash("sha256").update(name).digest("hex").replace(/^(.{8})(.{4})(.{3})(.{3})(.{12}).*$/, "$1-$2-4$3-a$4-$5")}`;
    case "execution":
      return `${prefix}:execution:${other}:run`;
    case "secret":
      return `${prefix}:secret:${other}-AbCdEf`;
    case "table":
    case "role":
      return `${prefix}:${type}/${other}`;
    case "task":
      // An ECS task of another cluster: `task/<cluster>/<id>`.
      return `${prefix}:task/${other}/${parts[5].split("/").pop()}`;
    default:
      // The separator the service uses after the resource type (`function:f`, `job/<name>`), and a revision kept
      // (`task-definition/<family>:<revision>`).
      return parts[5].charAt(type.length) === "/" ? `${prefix}:${type}/${other}${/:\d+$/.exec(arn)?.[0] ?? ""}` : `${prefix}:${type}:${other}`;
  }
}

