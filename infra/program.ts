import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import * as path from "node:path";
import { bundleHandler } from "./bundle";
import { StackConfig, parseStackConfig } from "./config";
import { HANDLERS, PROJECT_ROOT, stackContents } from "./manifest";
import { Platform, workflowSources } from "./components/platform";
import { Naming } from "./naming";
import { SharedWorkflows, checkInvokerRoleNames, resolveSharedWorkflows } from "./sharing";

/**
 * The Pulumi program: reads and validates the stack's configuration; for a stack whose workflows call workflows
 * another stack shares, reads that stack's `sharedWorkflows` through a StackReference (`statecraft:producerStack`)
 * and checks them; checks every workflow definition; then deploys the platform through an AWS provider pinned to
 * the stack's Region and account (it refuses to run against any other account), assuming `statecraft:assumeRole`
 * when the stack deploys into an account other than the default credentials', and tagging every resource with the
 * stack's tags.
 *
 * No cloud resource is registered until configuration, shared workflows and definitions are known to be good
 * (the StackReference, a read of another stack's outputs, comes first for a consumer).
 *
 * @returns the stack outputs: per workflow its state machine ARN, role ARN, log group and type; topic ARNs;
 *   table names; function ARNs; `sharedWorkflows`, per shared workflow `{stateMachineArn, invokerRoleArn,
 *   type}` (empty when the stack shares nothing); and, for a stack with the approvals HTTP API, `approvalEndpoint`
 *   (`https://<api id>.execute-api.<region>.amazonaws.com`).
 * @throws StackConfigError naming the key and `Pulumi.<stack>.yaml` (sharing misconfigured, a producer stack that
 *   does not share what is needed, …); DefinitionError naming file, State, field; an Error naming the handler
 *   entry that does not bundle. All before any cloud resource is registered.
 * @see https://www.pulumi.com/registry/packages/aws/api-docs/provider/
 * @see https://www.pulumi.com/docs/iac/concepts/stacks/#stackreferences
 */
export async function statecraftProgram() {
  const stack = pulumi.getStack();
  const project = pulumi.getProject();
  const config = parseStackConfig(stack, pulumi.runtime.allConfig());
  const naming = new Naming(project, stack, { partition: config.partition, region: config.region, account: config.accountId });
  checkInvokerRoleNames(config, naming);
  const contents = stackContents(config.workflows, config.backupTables);
  const shared = contents.sharedWorkflows.length > 0 ? await producerSharedWorkflows(stack, config, contents.sharedWorkflows) : {};
  const sources = workflowSources(naming, config, shared);
  // Bundle every handler now (memoised), so a handler that does not compile also fails before any resource.
  for (const handler of contents.handlers) bundleHandler(path.join(PROJECT_ROOT, HANDLERS[handler].entry));

  const provider = new aws.Provider("aws", {
    region: config.region as aws.Region,
    allowedAccountIds: [config.accountId],
    defaultTags: { tags: { ...config.tags, "statecraft:stack": stack } },
    ...(config.assumeRole
      ? {
          assumeRoles: [
            {
              roleArn: config.assumeRole.roleArn,
              sessionName: config.assumeRole.sessionName ?? `statecraft-${stack}`,
              ...(config.assumeRole.externalId !== undefined ? { externalId: pulumi.secret(config.assumeRole.externalId) } : {}),
            },
          ],
        }
      : {}),
  });
  const platform = new Platform(project, { config, naming, sources }, { providers: [provider] });
  return {
    workflows: platform.workflows,
    topicArns: platform.topicArns,
    tableNames: platform.tableNames,
    functionArns: platform.functionArns,
    sharedWorkflows: platform.sharedWorkflows,
    // Per workflow, what starts it: each trigger's type, role and source ARN (and URL or bucket).
    triggers: platform.triggers,
    // Per workflow, what `npm run promote` reads to roll its newest version out to the live alias.
    rollouts: platform.rollouts,
    // The base URL of the approve and reject links, for a stack that deploys credit-approval.
    ...(platform.httpApiEndpoints.approvals ? { approvalEndpoint: platform.httpApiEndpoints.approvals } : {}),
  };
}

/**
 * Reads the producer stack's `sharedWorkflows` output through a StackReference and checks the workflows this
 * stack calls ({@link resolveSharedWorkflows}).
 * @throws StackConfigError naming `statecraft:producerStack` when a workflow is not shared, or shared from an
 *   account not on `statecraft:trustedAccounts` or from another Region.
 */
async function producerSharedWorkflows(stack: string, config: StackConfig, needed: StackConfig["workflows"]): Promise<SharedWorkflows> {
  const producer = new pulumi.StackReference("producer", { name: config.producerStack });
  const details = await producer.getOutputDetails("sharedWorkflows");
  return resolveSharedWorkflows(stack, config, details.value ?? details.secretValue, needed);
}
