import { PolicyResource, StackValidationPolicy } from "@pulumi/policy";
import { parseArn } from "../../infra/iam/arn";
import { ACCOUNT_IDS_SCHEMA, accountOf } from "../accounts";
import { ConfigSchema, actionMatches, configOf, defaultsOf, servicePrincipalsOf, statementsOf } from "../lib";
import { ROLE, STATE_MACHINE, StackIndex, stateMachineArnOf } from "../stack";

/** Configuration of {@link triggerRoleStartOnly}. */
export interface TriggerRoleStartOnlyConfig {
  /** The accounts whose state machines and queues a trigger role may name. @default [] (the role's own account) */
  accountIds: string[];
}

const SCHEMA: ConfigSchema<TriggerRoleStartOnlyConfig> = { properties: { accountIds: ACCOUNT_IDS_SCHEMA } };

/**
 * The services that start a workflow with a role of the stack: EventBridge Scheduler, EventBridge rules, API Gateway.
 * @see https://docs.aws.amazon.com/step-functions/latest/dg/concepts-invoke-sfn.html
 */
export const TRIGGER_SERVICES = ["scheduler.amazonaws.com", "events.amazonaws.com", "apigateway.amazonaws.com"];

/** The actions that start an execution. */
const START_ACTIONS = ["states:StartExecution", "states:StartSyncExecution"];

/** A state machine, or one of its versions or aliases: `stateMachine:<name>` or `stateMachine:<name>:<qualifier>`, no wildcard. */
const STATE_MACHINE_RESOURCE = /^stateMachine:[^:*?]+(:[^:*?]+)?$/;

/** An SQS queue: the resource part of `arn:<partition>:sqs:<region>:<account>:<queue>`, no wildcard. */
const QUEUE_RESOURCE = /^[^:*?/]+$/;

/**
 * Checks whether each role that EventBridge Scheduler, an EventBridge rule or API Gateway assumes to start a
 * workflow (it trusts `scheduler.amazonaws.com`, `events.amazonaws.com` or `apigateway.amazonaws.com`, and its
 * policies grant a `states:` action) grants nothing beyond starting executions, `states:StartExecution` or
 * `states:StartSyncExecution` on state machines, versions or aliases of the stack's account, and
 * `sqs:SendMessage` on that account's queues (a schedule's dead-letter queue). It reads the role's inline policies,
 * role policies and attached policies, as the execution-role rules do, and reports each other (action, resource)
 * pair: another action, `*` or a wildcard, an execution ARN, another account's resource.
 *
 * The stack's account is the configured `accountIds`, else the account of the role's own ARN (a service assumes a
 * role of its own account), else that of the stack's state machines.
 *
 * @see https://docs.aws.amazon.com/scheduler/latest/UserGuide/setting-up.html#setting-up-execution-role
 * @see https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-use-identity-based.html
 * @see https://docs.aws.amazon.com/step-functions/latest/dg/tutorial-api-gateway.html
 * @see https://docs.aws.amazon.com/service-authorization/latest/reference/list_awsstepfunctions.html#awsstepfunctions-resources-for-iam-policies
 */
export const triggerRoleStartOnly: StackValidationPolicy = {
  name: "trigger-role-start-only",
  description:
    "Checks whether each role that EventBridge Scheduler, EventBridge or API Gateway assumes to start workflows grants only states:StartExecution or states:StartSyncExecution on the account's state machines, and sqs:SendMessage on its queues.",
  severity: "high",
  remediationSteps:
    "Grant the trigger role states:StartExecution (states:StartSyncExecution for a synchronous Express route) on the workflow's alias ARN (arn:aws:states:<region>:<account>:stateMachine:<name>:live), and sqs:SendMessage on its dead-letter queue; remove every other grant.",
  url: "https://docs.aws.amazon.com/scheduler/latest/UserGuide/setting-up.html#setting-up-execution-role",
  configSchema: SCHEMA,
  validateStack: (args, report) => {
    const config = configOf(args.getConfig<Partial<TriggerRoleStartOnlyConfig>>(), defaultsOf(SCHEMA));
    const index = new StackIndex(args.resources);
    for (const role of index.ofType(ROLE)) {
      const services = triggerServicesOf(role.props.assumeRolePolicy);
      if (!services.length) continue;
      const grants = index.grantsOf(role);
      const allows = grants.statements.filter(({ statement }) => statement.Effect === "Allow");
      // Only roles that start workflows: the notification plumbing (rules publishing to topics) uses no role.
      if (!allows.some(({ statement }) => statement.Action.some(grantsStates))) continue;

      const subject = `role ${(role.props.name as string | undefined) ?? role.name} (trusted by ${services.join(", ")})`;
      const accounts = config.accountIds.length ? config.accountIds : ownAccounts(role, index);
      if (!accounts.length) {
        report(`Set accountIds in the configuration of trigger-role-start-only: the account of ${subject} cannot be told from its ARN nor from the stack's state machines.`, role.urn);
        continue;
      }
      const scope = `a trigger role may grant only ${START_ACTIONS.join(" or ")} on state machines, versions or aliases of account ${accounts.join(", ")}, and sqs:SendMessage on its queues`;
      for (const arn of grants.foreignPolicies) report(`Detach ${arn} from ${subject}: its grants cannot be checked, and ${scope}.`, role.urn);
      for (const { source, index: i } of grants.negated) report(`Replace NotAction/NotResource in Statement[${i}] of ${source} on ${subject}: ${scope}.`, role.urn);
      for (const { statement, source } of allows) {
        for (const action of statement.Action) {
          for (const resource of statement.Resource) {
            const problem = problemOf(action, resource, accounts);
            if (problem) report(`Remove ${action} on ${resource} from ${source} of ${subject}: ${problem}; ${scope}.`, role.urn);
          }
        }
      }
    }
  },
};

/** The trigger services an Allow statement of a trust policy names. */
function triggerServicesOf(trust: unknown): string[] {
  const services = statementsOf(trust)
    .filter((statement) => statement.Effect === "Allow")
    .flatMap(servicePrincipalsOf)
    .map((service) => service.replace(/\.amazonaws\.com\.cn$/, ".amazonaws.com"));
  return TRIGGER_SERVICES.filter((service) => services.includes(service));
}

/** Whether an action pattern grants a Step Functions action (`states:…`, or a wildcard covering StartExecution). */
function grantsStates(action: string): boolean {
  return action.toLowerCase().startsWith("states:") || actionMatches(action, "states:StartExecution");
}

/** The account of the role's own ARN; when unknown, the accounts of the stack's state machines. */
function ownAccounts(role: PolicyResource, index: StackIndex): string[] {
  const own = typeof role.props.arn === "string" ? accountOf(role.props.arn) : undefined;
  if (own) return [own];
  const machines = index.ofType(STATE_MACHINE).map((machine) => stateMachineArnOf(machine));
  return [...new Set(machines.map((arn) => (arn ? accountOf(arn) : undefined)).filter((account): account is string => account !== undefined))];
}

/** Why a trigger role may not grant an action on a resource; undefined when it may. */
function problemOf(action: string, resource: string, accounts: string[]): string | undefined {
  const start = START_ACTIONS.find((allowed) => allowed.toLowerCase() === action.toLowerCase());
  const send = action.toLowerCase() === "sqs:sendmessage";
  if (!start && !send) return `${action} is not an action a trigger needs`;
  if (resource === "*") return "Resource * covers every resource of every account";
  const arn = parseArn(resource);
  const service = start ? "states" : "sqs";
  const what = start ? "a state machine, version or alias ARN (arn:<partition>:states:<region>:<account>:stateMachine:<name>[:<qualifier>])" : "an SQS queue ARN (arn:<partition>:sqs:<region>:<account>:<queue>)";
  if (!arn || arn.service !== service || !(start ? STATE_MACHINE_RESOURCE : QUEUE_RESOURCE).test(arn.resource)) {
    return `${resource} is not ${what}${/[*?]/.test(resource) ? " without wildcards" : ""}`;
  }
  if (!accounts.includes(arn.account)) return `${resource} is in account ${arn.account}, not this stack's`;
  return undefined;
}
