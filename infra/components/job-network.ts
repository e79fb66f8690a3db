import * as aws from "@pulumi/aws";
import * as awsx from "@pulumi/awsx";
import * as pulumi from "@pulumi/pulumi";
import { Transform, transformed } from "./transform";

/** Arguments of {@link publicJobNetwork}. */
export interface JobNetworkArgs {
  /** The `Name` tag of the VPC and the prefix of the security group's name: the job's physical name. */
  physical: string;
  /** The security group's logical and physical suffix (`tasks` for ECS, `jobs` for Batch): `<name>-<suffix>`. */
  securityGroupSuffix: string;
  /** Who runs in it, for the security group's description (`Tasks of …`, `Batch jobs of …`). */
  describedAs: string;
  /** The VPC's IPv4 range. */
  cidrBlock: string;
  /** How many Availability Zones get a public subnet (a `/24` each). */
  availabilityZones: number;
  transform?: { vpc?: Transform<awsx.ec2.VpcArgs>; securityGroup?: Transform<aws.ec2.SecurityGroupArgs> };
}

/**
 * The network a container job runs in, registered under `parent`: an `awsx.ec2.Vpc` `<name>-vpc` with public
 * subnets only (a `/24` per Availability Zone, `subnetStrategy: "Auto"`) and no NAT gateway, and an `aws.ec2.SecurityGroup`
 * `<name>-<suffix>` admitting nothing in and HTTPS (TCP 443) out to anywhere: ECR, S3, CloudWatch Logs and the AWS
 * APIs the job's role allows (the VPC's DNS resolver is not subject to security groups). The tasks run with a public
 * IP; why not private subnets is written at `FargateJob`. Shared by `FargateJob` and `BatchJob`.
 * @returns the VPC and the security group.
 * @see https://www.pulumi.com/registry/packages/awsx/api-docs/ec2/vpc/
 * @see https://docs.aws.amazon.com/AmazonECS/latest/developerguide/fargate-task-networking.html
 */
export function publicJobNetwork(name: string, args: JobNetworkArgs, parent: pulumi.Resource): { vpc: awsx.ec2.Vpc; securityGroup: aws.ec2.SecurityGroup } {
  const vpc = new awsx.ec2.Vpc(
    `${name}-vpc`,
    transformed(args.transform?.vpc, {
      cidrBlock: args.cidrBlock,
      numberOfAvailabilityZones: args.availabilityZones,
      subnetStrategy: "Auto",
      subnetSpecs: [{ type: "Public", name: "public", cidrMask: 24 }],
      natGateways: { strategy: "None" },
      enableDnsHostnames: true,
      enableDnsSupport: true,
      tags: { Name: args.physical },
    }),
    { parent },
  );
  const securityGroup = new aws.ec2.SecurityGroup(
    `${name}-${args.securityGroupSuffix}`,
    transformed(args.transform?.securityGroup, {
      name: `${args.physical}-${args.securityGroupSuffix}`,
      description: `${args.describedAs} ${args.physical}: no inbound traffic, HTTPS out.`,
      vpcId: vpc.vpcId,
      ingress: [],
      egress: [{ description: "HTTPS to ECR, S3, CloudWatch Logs and AWS APIs", protocol: "tcp", fromPort: 443, toPort: 443, cidrBlocks: ["0.0.0.0/0"] }],
    }),
    { parent },
  );
  return { vpc, securityGroup };
}
