/**
 * `npm run bench`: how much the offline policy gate adds to the offline plan, on a generated platform of 200
 * workflows (`bench/platform.ts`) deployed by the real `Workflow` component under the same mocks `npm run plan`
 * uses, checked by every policy of the pack with the prod policy configuration. Prints the plan time, the check
 * time and their ratio (target: the check adds less than 20% to the plan), the slowest policies and the heap used.
 * Beside the plan it times a bare Pulumi program registering the same AWS resources directly, with the definitions
 * and policies precomputed (`bench/bare.ts`), under the same mocks (target: the plan takes at most 1.0× as long).
 * Last, executions per second of our ASL engine beside aws-local-stepfunctions on the same definitions
 * (`bench/engine.ts`; target: at least 3× as many).
 *
 * Options: `--workflows N` (default 200), `--runs N` (default 3; medians are printed).
 */
import { validationTimings } from "./validation";
import { engineReport, engineTimings } from "./engine";
import { BareWorkflow, bareProgram, countMismatch, precompute } from "./bare";
import * as aws from "@pulumi/aws";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { parseArgs } from "node:util";
import { ResourceValidationPolicy, StackValidationPolicy } from "@pulumi/policy";
import { definitionFromFile } from "../infra/components/definition-source";
import { Workflow } from "../infra/components/workflow";
import { ArnContext } from "../infra/iam/arn";
import { PROJECT_ROOT } from "../infra/manifest";
import { checkResources, readPolicyConfig, resolvePolicyConfig } from "../offline/check";
import { AwsMocks } from "../offline/mocks";
import { runProgram } from "../offline/program";
import { resourcePolicies, stackPolicies } from "../policies/policies";
import { GeneratedWorkflow, generatePlatform } from "./platform";
import { startCommandLine } from "../cli/runtime";

const CONTEXT: ArnContext = { partition: "aws", region: "eu-west-1", account: "222222222222" };
const TARGET_OVERHEAD = 0.2;
/** The plan's time over the bare program's (issue 11, item 8). */
const TARGET_BARE_RATIO = 1.0;

/** The benchmark's program: a customer-managed key, then one Workflow per generated definition, as prod deploys them. */
function platformProgram(workflows: GeneratedWorkflow[]) {
  return () => {
    const key = new aws.kms.Key("bench-key", { description: "Encrypts the benchmark platform.", enableKeyRotation: true, deletionWindowInDays: 30 });
    const arns: Record<string, unknown> = {};
    for (const workflow of workflows) {
      const stateMachineName = `statecraft-bench-${workflow.name}`;
      const resource = new Workflow(workflow.name, {
        definition: definitionFromFile(workflow.file, workflow.substitutions, CONTEXT, { stateMachineName }),
        type: workflow.type,
        stateMachineName,
        logging: { level: "ERROR", includeExecutionData: false, logGroupName: `/aws/vendedlogs/states/bench-${workflow.name}`, retentionInDays: 365 },
        tracing: true,
        kmsKeyArn: key.arn,
      });
      arns[workflow.name] = resource.stateMachineArn;
    }
    return arns;
  };
}

/** Wraps each policy to time it; returns the wrapped lists and the totals, by policy name, in milliseconds. */
function timed(resource: ResourceValidationPolicy[], stack: StackValidationPolicy[]) {
  const totals = new Map<string, number>();
  const time = <A extends unknown[]>(name: string, run: (...args: A) => void) => (...args: A) => {
    const start = performance.now();
    try {
      run(...args);
    } finally {
      totals.set(name, (totals.get(name) ?? 0) + performance.now() - start);
    }
  };
  return {
    totals,
    resourcePolicies: resource.map((p): ResourceValidationPolicy => ({ ...p, validateResource: ([] as NonNullable<ResourceValidationPolicy["validateResource"]>[]).concat(p.validateResource ?? []).flat().map((v) => time(p.name, v)) })),
    stackPolicies: stack.map((p): StackValidationPolicy => ({ ...p, validateStack: time(p.name, p.validateStack) })),
  };
}

/** Validation time target of the 40-deep Parallel and the 2,000-State definition, in ms (issue 11). */
const VALIDATION_TARGET_MS = 200;

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { workflows: { type: "string", default: "200" }, runs: { type: "string", default: "3" } } });
  const count = Number(values.workflows);
  const runs = Number(values.runs);
  const directory = fs.mkdtempSync(path.join(os.tmpdir(), "statecraft-bench-"));
  const workflows = generatePlatform(count, directory, CONTEXT);
  const configFile = path.join(PROJECT_ROOT, "policies", "config", "prod.json");
  // The generated platform is Workflow components alone, without the stack's Monitoring: its alarms rule is off.
  const configs = resolvePolicyConfig({ ...readPolicyConfig(configFile), "sfn-failure-alarms": { enforcementLevel: "disabled" } }, "policies/config/prod.json", [...resourcePolicies, ...stackPolicies]);

  const plans: number[] = [];
  const checks: number[] = [];
  const bares: number[] = [];
  let bareWorkflows: BareWorkflow[] | undefined;
  let mismatch: string | undefined;
  let summary = "";
  let slowest: [string, number][] = [];
  for (let run = 0; run < runs; run++) {
    const planStart = performance.now();
    const { resources } = await runProgram(platformProgram(workflows), { project: "statecraft", stack: "bench", mocks: new AwsMocks(CONTEXT) });
    plans.push(performance.now() - planStart);

    const policies = timed(resourcePolicies, stackPolicies);
    const checkStart = performance.now();
    const result = checkResources(resources, configs, { stack: "bench", resourcePolicies: policies.resourcePolicies, stackPolicies: policies.stackPolicies });
    checks.push(performance.now() - checkStart);
    summary = `${resources.length} resources, ${result.policies} policies: ${result.mandatory} mandatory and ${result.advisory} advisory violations`;
    slowest = [...policies.totals].sort((a, b) => b[1] - a[1]).slice(0, 3);

    // The anchor: the same resources registered directly, every string precomputed (untimed) from the first plan.
    bareWorkflows ??= precompute(workflows, resources);
    const bareStart = performance.now();
    const bare = await runProgram(bareProgram(bareWorkflows), { project: "statecraft", stack: "bench", mocks: new AwsMocks(CONTEXT) });
    bares.push(performance.now() - bareStart);
    mismatch = countMismatch(resources, bare.resources);
  }
  fs.rmSync(directory, { recursive: true, force: true });

  const plan = median(plans);
  const check = median(checks);
  const overhead = check / plan;
  const bare = median(bares);
  const ratio = plan / bare;
  const heap = process.memoryUsage().heapUsed / 2 ** 20;
  console.log(`statecraft bench: ${count} generated workflows, median of ${runs} runs`);
  console.log(`  ${summary}`);
  console.log(`  plan   ${plan.toFixed(0).padStart(6)} ms   (load, substitute, validate and derive every definition; register every resource under mocks)`);
  console.log(`  bare   ${bare.toFixed(0).padStart(6)} ms   (the same resources registered directly: definitions read and substituted, policies precomputed around the key ARN)`);
  console.log(`  plan takes ${ratio.toFixed(2)}× the bare program (target ≤ ${TARGET_BARE_RATIO.toFixed(1)}×): ${ratio <= TARGET_BARE_RATIO ? "met" : "MISSED"}`);
  if (mismatch) console.log(`  warning: the bare program's resources differ from the plan's: ${mismatch}`);
  console.log(`  check  ${check.toFixed(0).padStart(6)} ms   (every policy over every resource, and the stack policies)`);
  console.log(`  check adds ${(overhead * 100).toFixed(1)}% to the plan (target < ${TARGET_OVERHEAD * 100}%): ${overhead < TARGET_OVERHEAD ? "met" : "MISSED"}`);
  console.log(`  slowest policies (last run): ${slowest.map(([name, ms]) => `${name} ${ms.toFixed(0)} ms`).join(", ")}`);
  console.log(`  heap used at the end: ${heap.toFixed(0)} MiB`);
  console.log(`validation (median of ${runs} runs; target under ${VALIDATION_TARGET_MS} ms each; anchor: asl-validator's own entry function)`);
  for (const { label, ours, anchor } of validationTimings(runs)) {
    const beside = anchor === undefined ? "anchor not run: it doubles at each level of nesting" : `anchor ${anchor.toFixed(0)} ms, ${(anchor / ours).toFixed(1)}× ours`;
    console.log(`  ${label.padEnd(24)} ${ours.toFixed(1).padStart(7)} ms   (${beside}) ${ours < VALIDATION_TARGET_MS ? "met" : "MISSED"}`);
  }
  for (const line of engineReport(await engineTimings())) console.log(line);
}

startCommandLine();
main().catch((error: Error) => {
  console.error(`bench failed: ${error.stack ?? error.message}`);
  process.exit(1);
});
