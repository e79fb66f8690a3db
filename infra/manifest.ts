import * as path from "node:path";

/**
 * What the platform deploys in every stack: the seed workflows, the Lambda handlers they call, their SNS topics
 * and DynamoDB tables, and which resource each `${Placeholder}` of a definition stands for. The Pulumi program,
 * the offline plan and the local runner all read this one manifest, so they cannot drift apart.
 *
 * To add a workflow: put its ASL file in `definitions/`, its handlers in `handlers/`, and a row in WORKFLOWS
 * (plus rows in HANDLERS, TOPICS or TABLES for anything new it uses).
 */

/** The project's root directory. */
export const PROJECT_ROOT = path.resolve(__dirname, "..");

/** What a handler's own role may do beyond writing its logs. */
export type HandlerGrant =
  /** `dynamodb:CreateBackup` on the stack's configured backup tables. */
  | { kind: "createBackups" }
  /** `states:SendTaskSuccess` and `states:SendTaskFailure` on one workflow's state machine. */
  | { kind: "answerTaskTokens"; workflow: WorkflowName };

/** The workflows, by name (each a row of {@link WORKFLOWS}). */
export type WorkflowName = "credit-approval" | "backup-orchestration" | "order-events" | "loan-intake";

/** A Lambda handler: its source entry and sizing. */
export interface HandlerSpec {
  /** Entry file, relative to the project root. */
  entry: string;
  description: string;
  /** Lambda timeout, in seconds. */
  timeoutSeconds: number;
  /** Lambda memory, in MB. */
  memoryMb: number;
  grants: HandlerGrant[];
}

export const HANDLERS = {
  "credit-limit": { entry: "handlers/credit-limit.ts", description: "Works out the credit limit to apply for an application.", timeoutSeconds: 10, memoryMb: 256, grants: [] },
  "verify-identity": { entry: "handlers/verify-identity.ts", description: "Verifies an applicant's identity.", timeoutSeconds: 10, memoryMb: 256, grants: [] },
  "verify-address": { entry: "handlers/verify-address.ts", description: "Verifies and normalises an applicant's address.", timeoutSeconds: 10, memoryMb: 256, grants: [] },
  "bureau-score": { entry: "handlers/bureau-score.ts", description: "Gets an applicant's score from one credit bureau.", timeoutSeconds: 10, memoryMb: 256, grants: [] },
  "backup-tables": { entry: "handlers/backup-tables.ts", description: "Takes on-demand backups of DynamoDB tables.", timeoutSeconds: 60, memoryMb: 256, grants: [{ kind: "createBackups" }] },
  "validate-order": { entry: "handlers/validate-order.ts", description: "Validates an incoming order event.", timeoutSeconds: 5, memoryMb: 256, grants: [] },
  "approval-callback": {
    entry: "handlers/approval-callback.ts",
    description: "Answers a credit approval's task token with the approver's decision.",
    timeoutSeconds: 10,
    memoryMb: 256,
    grants: [{ kind: "answerTaskTokens", workflow: "credit-approval" }],
  },
  "collect-application": {
    entry: "handlers/collect-application.ts",
    description: "Checks a loan application and shapes the credit request the shared credit-approval workflow takes.",
    timeoutSeconds: 10,
    memoryMb: 256,
    grants: [],
  },
} as const satisfies Record<string, HandlerSpec>;
export type HandlerName = keyof typeof HANDLERS;

/** SNS topics, by logical name. */
export const TOPICS = {
  "credit-approval-requests": { displayName: "Credit limit approvals" },
  "backup-success": { displayName: "DynamoDB backups succeeded" },
  "backup-failure": { displayName: "DynamoDB backups failed" },
} as const satisfies Record<string, { displayName: string }>;
export type TopicName = keyof typeof TOPICS;

/** A DynamoDB table: its string partition key and the items it is seeded with (DynamoDB JSON). */
export interface TableSpec {
  hashKey: string;
  seedItems: Record<string, { S: string }>[];
}

export const TABLES = {
  orders: { hashKey: "orderId", seedItems: [] },
  "credit-bureaus": {
    hashKey: "bureau_name",
    seedItems: [{ bureau_name: { S: "Equifax" } }, { bureau_name: { S: "Experian" } }, { bureau_name: { S: "TransUnion" } }],
  },
  "loan-applications": { hashKey: "applicationId", seedItems: [] },
} as const satisfies Record<string, TableSpec>;
export type TableName = keyof typeof TABLES;

/** What a placeholder stands for. */
export type Reference =
  | { functionArn: HandlerName }
  | { topicArn: TopicName }
  | { tableName: TableName }
  /** The stack's backup tables, comma-separated physical names. */
  | { backupTableNames: true }
  /**
   * An output of a workflow another stack shares with this one (`statecraft:producerStack`'s `sharedWorkflows`):
   * its state machine ARN, or the invoker role a Task assumes through `Credentials.RoleArn` to run it.
   */
  | { sharedWorkflow: WorkflowName; output: "stateMachineArn" | "invokerRoleArn" };

/** A workflow: its definition file, its type and the value of each of its placeholders. */
export interface WorkflowSpec {
  /** Definition file, relative to `definitions/`. */
  file: string;
  type: "STANDARD" | "EXPRESS";
  description: string;
  substitutions: Record<string, Reference>;
}

export const WORKFLOWS = {
  "credit-approval": {
    file: "credit-approval.asl.json",
    type: "STANDARD",
    description: "Credit-limit approval with a human decision at 5000 and above.",
    substitutions: {
      CreditLimitFunctionArn: { functionArn: "credit-limit" },
      ApprovalTopicArn: { topicArn: "credit-approval-requests" },
      VerifyIdentityFunctionArn: { functionArn: "verify-identity" },
      VerifyAddressFunctionArn: { functionArn: "verify-address" },
      CreditBureausTableName: { tableName: "credit-bureaus" },
      BureauScoreFunctionArn: { functionArn: "bureau-score" },
    },
  },
  "backup-orchestration": {
    file: "backup-orchestration.asl.json",
    type: "STANDARD",
    description: "On-demand DynamoDB backups with success and failure notifications.",
    substitutions: {
      BackupFunctionArn: { functionArn: "backup-tables" },
      BackupTableNames: { backupTableNames: true },
      BackupSuccessTopicArn: { topicArn: "backup-success" },
      BackupFailureTopicArn: { topicArn: "backup-failure" },
    },
  },
  "order-events": {
    file: "order-events.asl.json",
    type: "EXPRESS",
    description: "Validates and stores order events.",
    substitutions: {
      ValidateOrderFunctionArn: { functionArn: "validate-order" },
      OrdersTableName: { tableName: "orders" },
    },
  },
  "loan-intake": {
    file: "loan-intake.asl.json",
    type: "STANDARD",
    description: "Collects a loan application, runs the credit-approval workflow shared by another account, and records the decision.",
    substitutions: {
      CollectApplicationFunctionArn: { functionArn: "collect-application" },
      CreditApprovalStateMachineArn: { sharedWorkflow: "credit-approval", output: "stateMachineArn" },
      CreditApprovalInvokerRoleArn: { sharedWorkflow: "credit-approval", output: "invokerRoleArn" },
      LoanApplicationsTableName: { tableName: "loan-applications" },
    },
  },
} as const satisfies Record<WorkflowName, WorkflowSpec>;

/** What a stack deploys for its workflows: the handlers, topics and tables they use. */
export interface StackContents {
  workflows: WorkflowName[];
  handlers: HandlerName[];
  topics: TopicName[];
  tables: TableName[];
  /** The shared workflows (of the producer stack) the workflows call. */
  sharedWorkflows: WorkflowName[];
}

/**
 * What a stack deploying these workflows deploys: every handler, topic and table a workflow's placeholders name,
 * the handlers whose grants name one of the workflows (the approval callback), and the stack's own tables among
 * its backup tables.
 *
 * @param workflows the workflows the stack deploys (`statecraft:workflows`).
 * @param backupTables the stack's `statecraft:backupTables`.
 * @returns the stack's contents, each list in manifest order.
 */
export function stackContents(workflows: readonly WorkflowName[], backupTables: readonly string[]): StackContents {
  const references = workflows.flatMap((workflow) => Object.values<Reference>(WORKFLOWS[workflow].substitutions));
  const handlers = new Set<string>(references.flatMap((r) => ("functionArn" in r ? [r.functionArn] : [])));
  for (const [name, spec] of Object.entries<HandlerSpec>(HANDLERS)) {
    if (spec.grants.some((grant) => grant.kind === "answerTaskTokens" && workflows.includes(grant.workflow))) handlers.add(name);
  }
  const topics = new Set<string>(references.flatMap((r) => ("topicArn" in r ? [r.topicArn] : [])));
  const tables = new Set<string>(references.flatMap((r) => ("tableName" in r ? [r.tableName] : [])));
  if (references.some((r) => "backupTableNames" in r)) backupTables.filter((table) => table in TABLES).forEach((table) => tables.add(table));
  const shared = new Set<string>(references.flatMap((r) => ("sharedWorkflow" in r ? [r.sharedWorkflow] : [])));
  const inOrder = <T extends string>(record: Record<T, unknown>, set: Set<string>) => (Object.keys(record) as T[]).filter((name) => set.has(name));
  return {
    workflows: inOrder(WORKFLOWS, new Set(workflows)),
    handlers: inOrder(HANDLERS, handlers),
    topics: inOrder(TOPICS, topics),
    tables: inOrder(TABLES, tables),
    sharedWorkflows: inOrder(WORKFLOWS, shared),
  };
}

/** The absolute path of a workflow's definition file. */
export function definitionPath(workflow: WorkflowName): string {
  return path.join(PROJECT_ROOT, "definitions", WORKFLOWS[workflow].file);
}
