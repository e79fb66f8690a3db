import { PolicyResource, StackValidationPolicy } from "@pulumi/policy";
import { statementsOf } from "../lib";
import { LAMBDA_FUNCTION, StackIndex } from "../stack";

/**
 * Checks whether each state machine's execution role is its own: trusted by `states.amazonaws.com` alone, used by
 * no Lambda function and by no other state machine. A shared role carries the union of its users' grants, so none
 * of them is least-privilege, and whatever else may assume it acts with the workflow's permissions.
 * @see https://docs.aws.amazon.com/step-functions/latest/dg/procedure-create-iam-role.html
 */
export const sfnRoleNotShared: StackValidationPolicy = {
  name: "sfn-role-not-shared",
  description: "Checks whether each state machine has an execution role of its own, trusted by states.amazonaws.com alone and used by nothing else.",
  severity: "medium",
  remediationSteps: "Give every state machine and every Lambda function its own role; trust only states.amazonaws.com in a state machine's role.",
  url: "https://docs.aws.amazon.com/step-functions/latest/dg/procedure-create-iam-role.html",
  validateStack: (args, report) => {
    const index = new StackIndex(args.resources);
    const nameOf = (resource: PolicyResource) => (resource.props.name as string | undefined) ?? resource.name;
    // Per role: each machine that shares it is told so; its other users and its trust are reported once.
    for (const [roleArn, machines] of index.machinesByRole()) {
      for (const machine of machines) {
        const others = machines.filter((other) => other !== machine);
        if (others.length) report(`Give state machine ${nameOf(machine)} its own role: roleArn ${roleArn} also runs ${others.map(nameOf).join(", ")}.`);
      }
      const names = machines.map((m) => `state machine ${nameOf(m)}`).join(" and ");
      for (const fn of index.ofType(LAMBDA_FUNCTION).filter((f) => f.props.role === roleArn)) {
        report(`Give Lambda function ${nameOf(fn)} its own role: its role ${roleArn} is the execution role of ${names}.`);
      }
      const role = index.roleByArn(roleArn);
      if (!role) continue;
      statementsOf(role.props.assumeRolePolicy).forEach((statement, i) => {
        if (statement.Effect !== "Allow") return;
        const principals = statement.Principal === "*" ? ["*"] : Object.entries(statement.Principal ?? {}).flatMap(([kind, values]) => values.map((v) => `${kind} ${v}`));
        const foreign = principals.filter((p) => p !== "Service states.amazonaws.com");
        if (foreign.length) report(`Remove ${foreign.join(", ")} from assumeRolePolicy Statement[${i}] of role ${role.props.name}: it is the execution role of ${names}.`);
      });
    }
  },
};
