import * as pulumi from "@pulumi/pulumi";
import { AwsMocks, RegisteredResource } from "./mocks";

// Not in the SDK's typings; the SDK's own tests use it to let a program's outstanding RPCs settle.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { waitForRPCs } = require("@pulumi/pulumi/runtime/settings") as { waitForRPCs: () => Promise<void> };

/** What a program registered under mocks, and what it returned. */
export interface ProgramRun {
  /** Every resource, in registration order, with its parent (`type::name`) and the options mocks never see. */
  resources: RegisteredResource[];
  /** The program's return value (the stack outputs), resolved. */
  outputs: Record<string, unknown>;
}

/** Where and how to run a program: {@link runProgram}'s options. */
export interface ProgramSettings {
  project: string;
  stack: string;
  /** The mocks that answer each registration (they also collect the resources). */
  mocks: AwsMocks;
  /** The stack configuration, `<namespace>:<key>` → value (objects as JSON). @default {} */
  config?: Record<string, string>;
  /** Which configuration keys are secrets. @default [] */
  secretKeys?: string[];
}

/**
 * Runs a Pulumi program in-process under mocks, as the engine would run it for `pulumi preview` with every value
 * known: sets the mocks and configuration, runs the program inside a stack, waits until every registration has
 * reached the mocks, and returns the registered resources (with parents, `retainOnDelete`, `protect` and `dependsOn`
 * recorded by a stack transformation, since mocks never see resource options) and the outputs.
 *
 * One program at a time per process: each call resets the mocks and the configuration.
 *
 * @param program the Pulumi program; its return value becomes the stack outputs.
 * @param settings see {@link ProgramSettings}.
 * @throws whatever the program throws.
 * @see https://www.pulumi.com/docs/iac/guides/testing/unit/
 */
export async function runProgram(program: () => unknown, settings: ProgramSettings): Promise<ProgramRun> {
  // Pulumi captures a stack per promise it tracks; mapped back to TypeScript through tsx's source maps, those
  // captures are two thirds of a plan's time. Off for the run (as every command line keeps them off), then as before.
  const sourceMaps = (process as { sourceMapsEnabled?: boolean }).sourceMapsEnabled ?? false;
  process.setSourceMapsEnabled(false);
  try {
    return await runProgramWithMocks(program, settings);
  } finally {
    process.setSourceMapsEnabled(sourceMaps);
  }
}

async function runProgramWithMocks(program: () => unknown, settings: ProgramSettings): Promise<ProgramRun> {
  const { mocks } = settings;
  await pulumi.runtime.setMocks(mocks, settings.project, settings.stack, false);
  pulumi.runtime.setAllConfig(settings.config ?? {}, settings.secretKeys ?? []);

  const parents = new Map<pulumi.Resource, string>();
  const parentOf = new Map<string, string>();
  const optionsOf = new Map<string, RegisteredResource["options"]>();
  const outputs = await pulumi.runtime.runInPulumiStack(async () => {
    pulumi.runtime.registerStackTransformation((args) => {
      const key = `${args.type}::${args.name}`;
      parents.set(args.resource, key);
      const parent = args.opts.parent && parents.get(args.opts.parent);
      if (parent) parentOf.set(key, parent);
      const dependsOn = ([] as unknown[]).concat(args.opts.dependsOn ?? []).map((r) => parents.get(r as pulumi.Resource) ?? "?");
      const ignoreChanges = (args.opts as pulumi.CustomResourceOptions).ignoreChanges ?? [];
      if (args.opts.retainOnDelete !== undefined || args.opts.protect !== undefined || dependsOn.length > 0 || ignoreChanges.length > 0) {
        optionsOf.set(key, {
          ...(args.opts.retainOnDelete !== undefined ? { retainOnDelete: args.opts.retainOnDelete } : {}),
          ...(args.opts.protect !== undefined ? { protect: args.opts.protect } : {}),
          ...(dependsOn.length ? { dependsOn } : {}),
          ...(ignoreChanges.length ? { ignoreChanges } : {}),
        });
      }
      return undefined;
    });
    return program();
  });
  // Every registration has reached the mocks once every resource's URN has resolved; the outputs of the stack
  // resource are registered last, and must settle before the next run resets the mocks.
  await Promise.all([...parents.keys()].map((resource) => new Promise((resolve) => resource.urn.apply(resolve))));
  await waitForRPCs();
  const resources = mocks.resources.map((resource) => {
    const key = `${resource.type}::${resource.name}`;
    const parent = parentOf.get(key);
    const recorded = optionsOf.get(key);
    return { ...resource, ...(parent ? { parent } : {}), ...(recorded ? { options: recorded } : {}) };
  });
  return { resources, outputs: (outputs ?? {}) as Record<string, unknown> };
}
