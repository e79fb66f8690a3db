import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import * as path from "node:path";
import { bundleHandler } from "./bundle";
import { parseStackConfig } from "./config";
import { HANDLERS, PROJECT_ROOT } from "./manifest";
import { Platform, workflowSources } from "./components/platform";
import { Naming } from "./naming";

/**
 * The Pulumi program: reads and validates the stack's configuration, checks every workflow definition, then
 * deploys the platform through an AWS provider pinned to the stack's Region and account (it refuses to run
 * against any other account) that tags every resource with the stack's tags.
 *
 * Nothing is registered until configuration and definitions are known to be good.
 *
 * @returns the stack outputs: per workflow its state machine ARN, role ARN, log group and type; topic ARNs;
 *   table names; function ARNs.
 * @throws StackConfigError naming the key and `Pulumi.<stack>.yaml`; DefinitionError naming file, State, field;
 *   an Error naming the handler entry that does not bundle. All before any resource is registered.
 * @see https://www.pulumi.com/registry/packages/aws/api-docs/provider/
 */
export function statecraftProgram() {
  const stack = pulumi.getStack();
  const project = pulumi.getProject();
  const config = parseStackConfig(stack, pulumi.runtime.allConfig());
  const naming = new Naming(project, stack, { partition: config.partition, region: config.region, account: config.accountId });
  const sources = workflowSources(naming, config);
  // Bundle every handler now (memoised), so a handler that does not compile also fails before any resource.
  for (const spec of Object.values(HANDLERS)) bundleHandler(path.join(PROJECT_ROOT, spec.entry));

  const provider = new aws.Provider("aws", {
    region: config.region as aws.Region,
    allowedAccountIds: [config.accountId],
    defaultTags: { tags: { ...config.tags, "statecraft:stack": stack } },
  });
  const platform = new Platform(project, { config, naming, sources }, { providers: [provider] });
  return {
    workflows: platform.workflows,
    topicArns: platform.topicArns,
    tableNames: platform.tableNames,
    functionArns: platform.functionArns,
  };
}
