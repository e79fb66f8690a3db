import { PolicyPack } from "@pulumi/policy";
import { resourcePolicies, stackPolicies } from "./policies";

// The pack's entry point (PulumiPolicy.yaml). Constructing a PolicyPack starts the gRPC server the Pulumi engine
// talks to: only `pulumi preview --policy-pack policies` should load this file, never a test.
new PolicyPack("statecraft", {
  description: "Least privilege, logging and cross-account trust for Step Functions platforms built with statecraft.",
  enforcementLevel: "advisory",
  policies: [...resourcePolicies, ...stackPolicies],
});
