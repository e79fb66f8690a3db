import { PolicyPack } from "@pulumi/policy";
import { POLICY_PACK, resourcePolicies, stackPolicies } from "./policies";

// The pack's entry point (PulumiPolicy.yaml). Constructing a PolicyPack starts the gRPC server the Pulumi engine
// talks to: only `pulumi preview --policy-pack policies` should load this file, never a test.
new PolicyPack(POLICY_PACK.name, {
  description: POLICY_PACK.description,
  enforcementLevel: POLICY_PACK.enforcementLevel,
  policies: [...resourcePolicies, ...stackPolicies],
});
