// Entry point of `pulumi up`: Pulumi calls the exported function and awaits it; the properties of its result are
// the stack outputs: `workflows` (per workflow `{stateMachineArn, roleArn, logGroupName, type}`), `topicArns`,
// `tableNames`, `functionArns`, `sharedWorkflows` (per shared workflow `{stateMachineArn, invokerRoleArn, type}`)
// and, where credit-approval is deployed, `approvalEndpoint` (the approvals HTTP API's URL).
import { statecraftProgram } from "./program";

export = statecraftProgram;
