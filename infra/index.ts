// Entry point of `pulumi up`: the stack outputs are the program's.
import { statecraftProgram } from "./program";

const outputs = statecraftProgram();

/** Per workflow: `{stateMachineArn, roleArn, logGroupName, type}`. */
export const workflows = outputs.workflows;
/** SNS topic ARNs by logical name. */
export const topicArns = outputs.topicArns;
/** DynamoDB table names by logical name. */
export const tableNames = outputs.tableNames;
/** Lambda function ARNs by handler name. */
export const functionArns = outputs.functionArns;
