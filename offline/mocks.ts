import * as pulumi from "@pulumi/pulumi";
import { createHash } from "node:crypto";
import { ArnContext, buildArn, dnsSuffixOf } from "../infra/iam/arn";

/** One resource the program registered, as the offline plan reports it. */
export interface RegisteredResource {
  type: string;
  name: string;
  /** The parent's `type::name`, or undefined for the stack's direct children. */
  parent?: string;
  /** The inputs as the program gave them, resolved. */
  inputs: Record<string, unknown>;
  /**
   * The state the mocks answered (inputs plus the ARN, name and id AWS would add): what the engine passes a stack
   * policy, where a resource policy gets the inputs.
   */
  outputs?: Record<string, unknown>;
  /**
   * Resource options mocks never see, recorded by the plan: `retainOnDelete`, `protect` and `dependsOn` (as
   * `type::name`).
   */
  options?: { retainOnDelete?: boolean; protect?: boolean; dependsOn?: string[]; ignoreChanges?: string[] };
  /**
   * The inputs the program marked secret (`pulumi.secret`, secret config): their values are recorded in `inputs`
   * and `outputs` unwrapped, as a policy pack sees them, and stay secret in the program's outputs.
   */
  secretInputs?: string[];
}

/** Options of {@link AwsMocks}. */
export interface AwsMocksOptions {
  /**
   * The outputs of each stack a StackReference may name, by fully-qualified stack name
   * (`<organization>/<project>/<stack>`). A StackReference to any other stack throws.
   */
  stackReferences?: Record<string, Record<string, unknown>>;
}

/**
 * Pulumi mocks that answer like AWS would for the stack's account and Region: each resource gets the ARN, name
 * and id AWS would give it, so outputs that depend on them (log destinations, role policies) resolve to realistic
 * values. Any function call and any resource type it does not know throws, so a gap fails loudly.
 *
 * @see https://www.pulumi.com/docs/iac/guides/testing/unit/
 */
export class AwsMocks implements pulumi.runtime.Mocks {
  /** Every resource registered so far, in order. */
  readonly resources: RegisteredResource[] = [];
  private readonly seen = new Set<string>();

  /**
   * @param context the partition, Region and account the ARNs are built in.
   * @param options the outputs StackReferences are answered with.
   */
  constructor(
    private readonly context: ArnContext,
    private readonly options: AwsMocksOptions = {},
  ) {}

  /**
   * Answers a resource registration with realistic state.
   * @throws Error for a resource type it has no answer for, or a duplicate `type::name`.
   */
  newResource(args: pulumi.runtime.MockResourceArgs): { id: string | undefined; state: Record<string, unknown> } {
    const key = `${args.type}::${args.name}`;
    if (this.seen.has(key)) throw new Error(`duplicate resource ${key}: two resources of one type share a name`);
    this.seen.add(key);
    const secretInputs = Object.keys(args.inputs).filter((key) => pulumi.runtime.isRpcSecret(args.inputs[key]));
    const inputs = unwrapSecrets(args.inputs) as Record<string, unknown>;
    const registered: RegisteredResource = { type: args.type, name: args.name, inputs, ...(secretInputs.length ? { secretInputs } : {}) };
    this.resources.push(registered);
    const remote = REMOTE_COMPONENTS.has(args.type);
    if (!args.custom && !remote && !args.type.startsWith("pulumi:providers:")) return { id: undefined, state: {} };
    const { id, state } = remote ? { id: undefined, state: this.remoteComponentOutputs(args.type, args.name, inputs) } : this.answer(args.type, args.name, inputs);
    registered.outputs = { ...inputs, ...(unwrapSecrets(state) as Record<string, unknown>), id };
    // The state handed back keeps the secret markers, so the program's outputs stay secret.
    return { id, state: { ...args.inputs, ...state } };
  }

  /**
   * Answers the provider functions the program calls: `aws:index/getCallerIdentity:getCallerIdentity` as the
   * deployer's role session in the stack's account (`statecraft-deployer`, session `pulumi`).
   * @throws Error for any other function: a new one must be mocked on purpose.
   */
  call(args: pulumi.runtime.MockCallArgs): Record<string, unknown> {
    if (args.token === "aws:index/getCallerIdentity:getCallerIdentity") {
      const c = this.context;
      return { accountId: c.account, arn: `arn:${c.partition}:sts::${c.account}:assumed-role/statecraft-deployer/pulumi`, userId: "AROADEPLOYER0000000000:pulumi", id: c.account };
    }
    throw new Error(`unmocked call ${args.token}`);
  }

  /**
   * The outputs of a remote (multi-language) component, which registers under mocks as one resource with no
   * children: what its provider would return, built from its inputs in the stack's partition, Region and account.
   * - `awsx:ec2:Vpc`: `vpcId`, `vpc` (`{id, arn, cidrBlock, …}`), `subnets` and `publicSubnetIds`/`privateSubnetIds`/
   *   `isolatedSubnetIds` with `publicSubnets`/`privateSubnets`/`isolatedSubnets` (one subnet per `subnetSpecs` entry
   *   per Availability Zone, `<region>a`, `b`, … or `availabilityZoneNames`; a public and a private one without
   *   specs), `natGateways` per `natGateways.strategy` (`None`: none; `Single`: one; else one per AZ, only with
   *   private subnets), `eips` for them, `internetGateway` (with public subnets), `routeTables`,
   *   `routeTableAssociations`, `routes`, `vpcEndpoints` (per `vpcEndpointSpecs`) and `subnetLayout`;
   * - `awsx:ecs:FargateTaskDefinition`: `taskDefinition` (`{arn, arnWithoutRevision, family, revision: 1, cpu,
   *   memory, networkMode: "awsvpc", requiresCompatibilities, executionRoleArn, taskRoleArn, containerDefinitions}`),
   *   `executionRole` and `taskRole` (`{arn, name}` when awsx creates them; absent when given a `roleArn` or `skip`),
   *   `logGroup` (`{arn, name}` unless skipped or existing) and `loadBalancers` (`[]`).
   */
  private remoteComponentOutputs(type: string, name: string, inputs: Record<string, any>): Record<string, unknown> {
    const c = this.context;
    const hex = (seed: string) => createHash("sha256").update(seed).digest("hex").slice(0, 17);
    if (type === "awsx:ec2:Vpc") {
      const vpcId = `vpc-${hex(`vpc|${name}`)}`;
      const cidrBlock = String(inputs.cidrBlock ?? "10.0.0.0/16");
      const zones: string[] = inputs.availabilityZoneNames ?? "abcdef".slice(0, Number(inputs.numberOfAvailabilityZones ?? 3)).split("").map((z) => `${c.region}${z}`);
      const specs: { type: string; name?: string; cidrMask?: number }[] = inputs.subnetSpecs ?? [{ type: "Private", cidrMask: 19 }, { type: "Public", cidrMask: 20 }];
      const [base, vpcMask] = cidrBlock.split("/");
      const baseInt = base.split(".").reduce((acc, octet) => acc * 256 + Number(octet), 0);
      let next = baseInt;
      const ipv4 = (value: number) => [24, 16, 8, 0].map((shift) => Math.floor(value / 2 ** shift) % 256).join(".");
      const subnets = specs.flatMap((spec) =>
        zones.map((zone) => {
          const mask = Number(spec.cidrMask ?? Number(vpcMask) + 4);
          const size = 2 ** (32 - mask);
          next = Math.ceil(next / size) * size;
          const subnetCidr = `${ipv4(next)}/${mask}`;
          next += size;
          const id = `subnet-${hex(`subnet|${name}|${spec.type}|${spec.name ?? ""}|${zone}`)}`;
          return {
            id,
            arn: buildArn(c, "ec2", `subnet/${id}`),
            vpcId,
            availabilityZone: zone,
            cidrBlock: subnetCidr,
            mapPublicIpOnLaunch: spec.type === "Public",
            tags: { Name: `${name}-${(spec.name ?? spec.type).toLowerCase()}-${zones.indexOf(zone) + 1}`, SubnetType: spec.type },
          };
        }),
      );
      const ofType = (kind: string) => subnets.filter((s) => s.tags.SubnetType === kind);
      const strategy = String(inputs.natGateways?.strategy ?? "OnePerAz");
      const natSubnets = ofType("Private").length && ofType("Public").length ? (strategy === "None" ? [] : strategy === "Single" ? ofType("Public").slice(0, 1) : ofType("Public")) : [];
      const eips = natSubnets.map((s) => ({ id: `eipalloc-${hex(`eip|${s.id}`)}`, allocationId: `eipalloc-${hex(`eip|${s.id}`)}`, domain: "vpc" }));
      const natGateways = natSubnets.map((s, i) => ({ id: `nat-${hex(`nat|${s.id}`)}`, subnetId: s.id, allocationId: eips[i].id, connectivityType: "public" }));
      const internetGateway = ofType("Public").length ? { id: `igw-${hex(`igw|${name}`)}`, arn: buildArn(c, "ec2", `internet-gateway/igw-${hex(`igw|${name}`)}`), vpcId } : undefined;
      const routeTables = subnets.map((s) => ({ id: `rtb-${hex(`rtb|${s.id}`)}`, vpcId }));
      return {
        vpcId,
        vpc: { id: vpcId, arn: buildArn(c, "ec2", `vpc/${vpcId}`), cidrBlock, enableDnsHostnames: inputs.enableDnsHostnames ?? false, enableDnsSupport: inputs.enableDnsSupport ?? true, ownerId: c.account, instanceTenancy: "default" },
        subnets,
        publicSubnetIds: ofType("Public").map((s) => s.id),
        privateSubnetIds: ofType("Private").map((s) => s.id),
        isolatedSubnetIds: ofType("Isolated").map((s) => s.id),
        publicSubnets: ofType("Public"),
        privateSubnets: ofType("Private"),
        isolatedSubnets: ofType("Isolated"),
        natGateways,
        eips,
        ...(internetGateway ? { internetGateway } : {}),
        routeTables,
        routeTableAssociations: subnets.map((s, i) => ({ id: `rtbassoc-${hex(`assoc|${s.id}`)}`, subnetId: s.id, routeTableId: routeTables[i].id })),
        routes: subnets.flatMap((s, i): Record<string, string>[] => {
          const kind = s.tags.SubnetType;
          if (kind === "Public" && internetGateway) return [{ id: `r-${routeTables[i].id}1080289494`, routeTableId: routeTables[i].id, destinationCidrBlock: "0.0.0.0/0", gatewayId: internetGateway.id }];
          if (kind === "Private" && natGateways.length) {
            const nat = natGateways.find((n) => subnets.find((p) => p.id === n.subnetId)?.availabilityZone === s.availabilityZone) ?? natGateways[0];
            return [{ id: `r-${routeTables[i].id}1080289494`, routeTableId: routeTables[i].id, destinationCidrBlock: "0.0.0.0/0", natGatewayId: nat.id }];
          }
          return [];
        }),
        vpcEndpoints: ((inputs.vpcEndpointSpecs ?? []) as { serviceName: string; vpcEndpointType?: string }[]).map((spec) => {
          const id = `vpce-${hex(`vpce|${name}|${spec.serviceName}`)}`;
          return { id, arn: buildArn(c, "ec2", `vpc-endpoint/${id}`), serviceName: spec.serviceName, vpcEndpointType: spec.vpcEndpointType ?? "Gateway", vpcId };
        }),
        subnetLayout: specs.map((spec) => ({ type: spec.type, ...(spec.name ? { name: spec.name } : {}), ...(spec.cidrMask ? { cidrMask: spec.cidrMask } : {}) })),
      };
    }
    // awsx:ecs:FargateTaskDefinition
    const family = String(inputs.family ?? name);
    const createdRole = (kind: string, given: { roleArn?: string; skip?: boolean } | undefined) => {
      if (given?.roleArn || given?.skip) return undefined;
      const roleName = `${name}-${kind}-${hex(`role|${name}|${kind}`).slice(0, 7)}`;
      return { arn: buildArn(c, "iam", `role/${roleName}`, "global"), name: roleName, id: roleName };
    };
    const executionRole = createdRole("execution", inputs.executionRole);
    const taskRole = createdRole("task", inputs.taskRole);
    const logGroup = inputs.logGroup?.skip || inputs.logGroup?.existing ? undefined : { name: `${name}-${hex(`logs|${name}`).slice(0, 7)}`, arn: buildArn(c, "logs", `log-group:${name}-${hex(`logs|${name}`).slice(0, 7)}`) };
    const containers = inputs.container ? [inputs.container] : Object.entries(inputs.containers ?? {}).map(([key, container]) => ({ name: key, ...(container as object) }));
    const arnWithoutRevision = buildArn(c, "ecs", `task-definition/${family}`);
    return {
      taskDefinition: {
        id: family,
        arn: `${arnWithoutRevision}:1`,
        arnWithoutRevision,
        family,
        revision: 1,
        cpu: inputs.cpu,
        memory: inputs.memory,
        networkMode: "awsvpc",
        requiresCompatibilities: ["FARGATE"],
        executionRoleArn: inputs.executionRole?.roleArn ?? executionRole?.arn,
        taskRoleArn: inputs.taskRole?.roleArn ?? taskRole?.arn,
        containerDefinitions: JSON.stringify(containers),
      },
      // Given a roleArn (or skip), awsx creates no role and the output is absent, not the input echoed.
      executionRole,
      taskRole,
      logGroup,
      loadBalancers: [],
    };
  }

  private answer(type: string, name: string, inputs: Record<string, any>): { id: string; state: Record<string, unknown> } {
    const c = this.context;
    const physical = (inputs.name as string | undefined) ?? name;
    switch (type) {
      case "pulumi:providers:aws":
        return { id: `${name}-provider-id`, state: {} };
      case "pulumi:pulumi:StackReference": {
        // A read of another stack: id and `name` are its fully-qualified name, `outputs` its stack outputs.
        const stack = String(inputs.name ?? name);
        const outputs = this.options.stackReferences?.[stack];
        if (!outputs) {
          throw new Error(`no mocked outputs for StackReference ${stack}: the plan answers only ${JSON.stringify(Object.keys(this.options.stackReferences ?? {}))}`);
        }
        return { id: stack, state: { name: stack, outputs, secretOutputNames: [] } };
      }
      case "aws:kms/key:Key": {
        const keyId = uuidFrom(name);
        return { id: keyId, state: { keyId, arn: buildArn(c, "kms", `key/${keyId}`) } };
      }
      case "aws:kms/alias:Alias":
        return { id: physical, state: { arn: buildArn(c, "kms", physical) } };
      case "aws:sns/topic:Topic": {
        const arn = buildArn(c, "sns", physical);
        return { id: arn, state: { arn, name: physical } };
      }
      case "aws:dynamodb/table:Table":
        return { id: physical, state: { arn: buildArn(c, "dynamodb", `table/${physical}`), name: physical } };
      case "aws:dynamodb/tableItem:TableItem":
        return { id: `${inputs.tableName}|${name}`, state: {} };
      case "aws:cloudwatch/logGroup:LogGroup":
        return { id: physical, state: { arn: buildArn(c, "logs", `log-group:${physical}`), name: physical } };
      case "aws:iam/role:Role":
        return { id: physical, state: { arn: buildArn(c, "iam", `role/${physical}`, "global"), name: physical, uniqueId: `AROA${uuidFrom(physical).replace(/-/g, "").slice(0, 17).toUpperCase()}` } };
      case "aws:iam/rolePolicy:RolePolicy":
        return { id: `${inputs.role}:${physical}`, state: {} };
      case "aws:iam/policy:Policy":
        return { id: buildArn(c, "iam", `policy/${physical}`, "global"), state: { arn: buildArn(c, "iam", `policy/${physical}`, "global"), name: physical, policyId: `ANPA${uuidFrom(physical).replace(/-/g, "").slice(0, 17).toUpperCase()}` } };
      case "aws:iam/rolePolicyAttachment:RolePolicyAttachment":
        return { id: `${inputs.role}-${uuidFrom(`${inputs.role}${inputs.policyArn}`).slice(0, 8)}`, state: {} };
      case "aws:lambda/function:Function": {
        const arn = buildArn(c, "lambda", `function:${physical}`);
        return { id: physical, state: { arn, name: physical, qualifiedArn: `${arn}:$LATEST`, invokeArn: `arn:${c.partition}:apigateway:${c.region}:lambda:path/2015-03-31/functions/${arn}/invocations`, version: "$LATEST" } };
      }
      case "aws:lambda/permission:Permission": {
        // The id is the statement id; AWS adds the statement to the function's resource-based policy.
        const statementId = (inputs.statementId as string | undefined) ?? `terraform-${uuidFrom(name).replace(/-/g, "").slice(0, 26)}`;
        return { id: statementId, state: { statementId } };
      }
      case "aws:sns/topicPolicy:TopicPolicy":
        return { id: String(inputs.arn), state: { owner: c.account } };
      case "aws:dynamodb/resourcePolicy:ResourcePolicy":
        return { id: String(inputs.resourceArn), state: { revisionId: String(1_700_000_000_000 + (parseInt(uuidFrom(name).slice(0, 8), 16) % 100_000_000_000)) } };
      case "aws:sns/topicSubscription:TopicSubscription": {
        // Created with ReturnSubscriptionArn: the ARN exists at once, the subscription waits for its confirmation.
        const arn = `${inputs.topic}:${uuidFrom(`${inputs.topic}|${inputs.protocol}|${inputs.endpoint}`)}`;
        return { id: arn, state: { arn, ownerId: c.account, pendingConfirmation: inputs.protocol === "email" || inputs.protocol === "https" || inputs.protocol === "http" } };
      }
      case "aws:secretsmanager/secret:Secret": {
        // Secrets Manager appends "-" and six random characters to the name.
        const arn = buildArn(c, "secretsmanager", `secret:${physical}-${alphanumeric(`secret|${physical}`, 6, true)}`);
        return { id: arn, state: { arn, name: physical } };
      }
      case "aws:secretsmanager/secretPolicy:SecretPolicy":
        return { id: String(inputs.secretArn), state: {} };
      case "aws:secretsmanager/secretVersion:SecretVersion": {
        const versionId = uuidFrom(`${inputs.secretId}|${name}`);
        return { id: `${inputs.secretId}|${versionId}`, state: { arn: String(inputs.secretId), versionId, versionStages: ["AWSCURRENT"] } };
      }
      case "random:index/randomPassword:RandomPassword": {
        // Deterministic from the name, so plans are stable; a secret output, as the provider marks it.
        const result = alphanumeric(`password|${name}`, Number(inputs.length ?? 16), true, inputs.special !== false);
        return { id: "none", state: { result: secretValue(result), bcryptHash: secretValue(`$2a$10$${alphanumeric(`bcrypt|${name}`, 53, true)}`) } };
      }
      case "aws:apigatewayv2/api:Api": {
        const apiId = alphanumeric(`api|${physical}`, 10, false);
        return {
          id: apiId,
          state: {
            apiEndpoint: `https://${apiId}.execute-api.${c.region}.${dnsSuffixOf(c.partition)}`,
            executionArn: buildArn(c, "execute-api", apiId),
            arn: `arn:${c.partition}:apigateway:${c.region}::/apis/${apiId}`,
            routeSelectionExpression: "$request.method $request.path",
            apiKeySelectionExpression: "$request.header.x-api-key",
          },
        };
      }
      case "aws:apigatewayv2/stage:Stage": {
        const stage = String(inputs.name ?? name);
        return {
          id: stage,
          state: {
            arn: `arn:${c.partition}:apigateway:${c.region}::/apis/${inputs.apiId}/stages/${stage}`,
            executionArn: `${buildArn(c, "execute-api", String(inputs.apiId))}/${stage}`,
            invokeUrl: `https://${inputs.apiId}.execute-api.${c.region}.${dnsSuffixOf(c.partition)}/${stage === "$default" ? "" : stage}`,
          },
        };
      }
      case "aws:apigatewayv2/integration:Integration":
        return { id: alphanumeric(`integration|${inputs.apiId}|${name}`, 7, false), state: { integrationResponseSelectionExpression: "" } };
      case "aws:apigatewayv2/route:Route":
        return { id: alphanumeric(`route|${inputs.apiId}|${inputs.routeKey}`, 7, false), state: {} };
      case "aws:sfn/stateMachine:StateMachine": {
        // With publish, Step Functions publishes version 1 at creation; the version ARN is the machine's, qualified.
        const arn = buildArn(c, "states", `stateMachine:${physical}`);
        return { id: arn, state: { arn, name: physical, status: "ACTIVE", stateMachineVersionArn: inputs.publish ? `${arn}:1` : "" } };
      }
      case "aws:sfn/alias:Alias": {
        // An alias ARN is the state machine's, qualified by the alias name.
        const version = String((inputs.routingConfigurations as { stateMachineVersionArn?: string }[] | undefined)?.[0]?.stateMachineVersionArn ?? "");
        const arn = `${version.replace(/:\d+$/, "")}:${physical}`;
        return { id: arn, state: { arn, name: physical, creationDate: "2026-01-01T00:00:00Z" } };
      }
      case "aws:cloudwatch/eventBus:EventBus": {
        const arn = buildArn(c, "events", `event-bus/${physical}`);
        return { id: physical, state: { arn, name: physical } };
      }
      case "aws:cloudwatch/eventRule:EventRule": {
        const bus = String(inputs.eventBusName ?? "default");
        const arn = buildArn(c, "events", bus === "default" ? `rule/${physical}` : `rule/${bus}/${physical}`);
        return { id: bus === "default" ? physical : `${bus}/${physical}`, state: { arn, name: physical } };
      }
      case "aws:cloudwatch/eventTarget:EventTarget":
        return { id: `${inputs.eventBusName ?? "default"}-${inputs.rule}-${inputs.targetId ?? name}`, state: {} };
      case "aws:scheduler/schedule:Schedule": {
        const group = String(inputs.groupName ?? "default");
        return { id: `${group}/${physical}`, state: { arn: buildArn(c, "scheduler", `schedule/${group}/${physical}`), name: physical } };
      }
      case "aws:sqs/queue:Queue": {
        const url = `https://sqs.${c.region}.${dnsSuffixOf(c.partition)}/${c.account}/${physical}`;
        return { id: url, state: { arn: buildArn(c, "sqs", physical), url, name: physical } };
      }
      case "aws:lambda/eventSourceMapping:EventSourceMapping": {
        const uuid = uuidFrom(`esm|${name}`);
        return { id: uuid, state: { uuid, arn: buildArn(c, "lambda", `event-source-mapping:${uuid}`), functionArn: inputs.functionName, state: "Enabled" } };
      }
      case "aws:sqs/queuePolicy:QueuePolicy":
        return { id: String(inputs.queueUrl), state: {} };
      case "aws:s3/bucket:Bucket": {
        // A bucketPrefix gets 26 characters of AWS's choosing.
        const bucket = String(inputs.bucket ?? `${inputs.bucketPrefix ?? `${name}-`}${alphanumeric(`bucket|${name}`, 26, false)}`);
        return { id: bucket, state: { arn: `arn:${c.partition}:s3:::${bucket}`, bucket, bucketDomainName: `${bucket}.s3.${dnsSuffixOf(c.partition)}`, region: c.region } };
      }
      case "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock":
      case "aws:s3/bucketOwnershipControls:BucketOwnershipControls":
      case "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration":
      case "aws:s3/bucketVersioning:BucketVersioning":
      case "aws:s3/bucketNotification:BucketNotification":
      case "aws:s3/bucketOwnershipControls:BucketOwnershipControls":
        return { id: String(inputs.bucket), state: {} };
      case "aws:apigatewayv2/authorizer:Authorizer":
        return { id: alphanumeric(`authorizer|${inputs.apiId}|${name}`, 6, false), state: {} };
      case "aws:cloudwatch/metricAlarm:MetricAlarm":
        return { id: physical, state: { arn: buildArn(c, "cloudwatch", `alarm:${physical}`), name: physical } };
      case "aws:ecs/cluster:Cluster": {
        // The provider's id of a cluster is its ARN.
        const arn = buildArn(c, "ecs", `cluster/${physical}`);
        return { id: arn, state: { arn, name: physical } };
      }
      case "aws:ecr/repository:Repository": {
        const repository = String(inputs.name ?? name);
        return { id: repository, state: { arn: buildArn(c, "ecr", `repository/${repository}`), name: repository, registryId: c.account, repositoryUrl: `${c.account}.dkr.ecr.${c.region}.${dnsSuffixOf(c.partition)}/${repository}` } };
      }
      case "aws:glue/job:Job":
        return { id: physical, state: { arn: buildArn(c, "glue", `job/${physical}`), name: physical } };
      case "aws:s3/bucketObjectv2:BucketObjectv2":
        return { id: String(inputs.key), state: { arn: `arn:${c.partition}:s3:::${String(inputs.bucket)}/${String(inputs.key)}`, etag: createHash("md5").update(String(inputs.key)).digest("hex"), versionId: "" } };
      case "aws:ec2/securityGroup:SecurityGroup": {
        const id = `sg-${createHash("sha256").update(`sg|${name}`).digest("hex").slice(0, 17)}`;
        return { id, state: { arn: buildArn(c, "ec2", `security-group/${id}`), name: physical, ownerId: c.account } };
      }
      case "aws:batch/computeEnvironment:ComputeEnvironment": {
        // Batch runs a Fargate environment's jobs in an ECS cluster of its own, named after the environment.
        const arn = buildArn(c, "batch", `compute-environment/${physical}`);
        const clusterArn = buildArn(c, "ecs", `cluster/AWSBatch-${physical}-${uuidFrom(`cluster|${physical}`)}`);
        return { id: arn, state: { arn, name: physical, ecsClusterArn: clusterArn, serviceRole: buildArn(c, "iam", "role/aws-service-role/batch.amazonaws.com/AWSServiceRoleForBatch", "global"), status: "VALID", state: inputs.state ?? "ENABLED" } };
      }
      case "aws:batch/jobQueue:JobQueue": {
        const arn = buildArn(c, "batch", `job-queue/${physical}`);
        return { id: arn, state: { arn, name: physical } };
      }
      case "aws:batch/jobDefinition:JobDefinition": {
        // A job definition's ARN carries its revision; the provider's id is that ARN.
        const arnPrefix = buildArn(c, "batch", `job-definition/${physical}`);
        return { id: `${arnPrefix}:1`, state: { arn: `${arnPrefix}:1`, arnPrefix, name: physical, revision: 1 } };
      }
      case "aws:sagemaker/model:Model": {
        // SageMaker puts names in ARNs in lower case.
        return { id: physical, state: { arn: buildArn(c, "sagemaker", `model/${physical.toLowerCase()}`), name: physical } };
      }
      case "aws:cloudwatch/dashboard:Dashboard": {
        const dashboard = String(inputs.dashboardName ?? name);
        return { id: dashboard, state: { dashboardArn: `arn:${c.partition}:cloudwatch::${c.account}:dashboard/${dashboard}` } };
      }
      default:
        throw new Error(`no mock answer for resource type ${type} (${name}): add one to offline/mocks.ts`);
    }
  }
}

/**
 * Remote (multi-language) components: registered as one resource under mocks, with outputs the mocks answer
 * (`AwsMocks.remoteComponentOutputs`), not as children.
 */
const REMOTE_COMPONENTS = new Set(["awsx:ec2:Vpc", "awsx:ecs:FargateTaskDefinition"]);

/** The value with every serialized secret replaced by its plain value, at any depth. */
function unwrapSecrets(value: unknown): unknown {
  if (pulumi.runtime.isRpcSecret(value)) return unwrapSecrets(pulumi.runtime.unwrapRpcSecret(value));
  if (Array.isArray(value)) return value.map(unwrapSecrets);
  if (typeof value === "object" && value !== null) return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, unwrapSecrets(v)]));
  return value;
}

/** A value the program sees as a secret output, as a provider's `additionalSecretOutputs` makes it. */
function secretValue(value: string): Record<string, unknown> {
  return { [pulumi.runtime.specialSigKey]: pulumi.runtime.specialSecretSig, value };
}

/**
 * A stable string of `length` characters from a seed: lower-case letters and digits (an API Gateway id), with
 * upper-case letters too when `mixedCase`, and punctuation when `special`.
 */
function alphanumeric(seed: string, length: number, mixedCase: boolean, special = false): string {
  const alphabet = `abcdefghijklmnopqrstuvwxyz0123456789${mixedCase ? "ABCDEFGHIJKLMNOPQRSTUVWXYZ" : ""}${special ? "!#$%&*()-_=+[]{}<>:?" : ""}`;
  let out = "";
  for (let round = 0; out.length < length; round++) {
    for (const byte of createHash("sha256").update(`${seed}#${round}`).digest()) {
      if (out.length < length) out += alphabet[byte % alphabet.length];
    }
  }
  return out;
}

/** A stable UUID-shaped id from a name, so plans are identical between runs. */
function uuidFrom(name: string): string {
  const hex = createHash("sha256").update(name).digest("hex");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-a${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}
