import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import * as random from "@pulumi/random";
import { secretReadPolicy } from "../iam/service";
import { Transform, transformed } from "./transform";

/** Arguments of a {@link GeneratedSecret}. */
export interface GeneratedSecretArgs {
  /** The secret's name in Secrets Manager (`<project>-<stack>-<secret>`); its ARN gets a random 6-character suffix. */
  secretName: string;
  /** What the secret is for, one sentence (the secret's description in Secrets Manager). */
  description: string;
  /** The random value's length, in characters (letters and digits). */
  length: number;
  /**
   * A customer-managed KMS key for the secret; Secrets Manager's AWS managed key `aws/secretsmanager` when absent.
   * A reader then needs `kms:Decrypt` through Secrets Manager in the secret's encryption context.
   */
  kmsKeyArn?: pulumi.Input<string>;
  /**
   * Days Secrets Manager keeps the secret recoverable after it leaves the stack: 0 (deleted at once) or 7 to 30.
   * A name scheduled for deletion cannot be reused until then, so a stack destroyed and deployed again within the
   * window fails on a fixed name.
   * @default 0 (the value is random: a new deployment generates another, and links signed with the old one lapse)
   * @see https://docs.aws.amazon.com/secretsmanager/latest/apireference/API_DeleteSecret.html
   */
  recoveryWindowInDays?: number;
  /** Escape hatches: adjust any child's arguments. */
  transform?: {
    value?: Transform<random.RandomPasswordArgs>;
    secret?: Transform<aws.secretsmanager.SecretArgs>;
    version?: Transform<aws.secretsmanager.SecretVersionArgs>;
  };
}

/**
 * A Secrets Manager secret holding a random value generated at deployment (`random.RandomPassword`, letters and
 * digits): the value lives in the Pulumi state as a secret and in Secrets Manager, and is never written in the
 * stack files. {@link restrictReadsTo} then gives it a resource policy denying `GetSecretValue` to every
 * principal but its readers and the deployer (who reads it on `pulumi refresh`), so no account-wide grant reads it.
 *
 * Children: `<name>-value` (random.RandomPassword), `<name>` (aws.secretsmanager.Secret), `<name>-version`
 * (aws.secretsmanager.SecretVersion) and, once restricted, `<name>-policy` (aws.secretsmanager.SecretPolicy).
 *
 * @see https://docs.aws.amazon.com/secretsmanager/latest/userguide/security-encryption.html
 * @see https://www.pulumi.com/registry/packages/aws/api-docs/secretsmanager/secret/
 * @see https://www.pulumi.com/registry/packages/random/api-docs/randompassword/
 */
export class GeneratedSecret extends pulumi.ComponentResource {
  /** The secret's ARN (`arn:…:secret:<name>-<6 characters>`). */
  readonly secretArn: pulumi.Output<string>;

  /**
   * @param name the secret's logical name; children's names derive from it.
   * @param args see {@link GeneratedSecretArgs}.
   * @param opts component resource options.
   */
  constructor(name: string, args: GeneratedSecretArgs, opts?: pulumi.ComponentResourceOptions) {
    super("statecraft:index:GeneratedSecret", name, {}, opts);
    const value = new random.RandomPassword(`${name}-value`, transformed(args.transform?.value, { length: args.length, special: false }), { parent: this });
    const secret = new aws.secretsmanager.Secret(
      name,
      transformed(args.transform?.secret, {
        name: args.secretName,
        description: args.description,
        kmsKeyId: args.kmsKeyArn,
        recoveryWindowInDays: args.recoveryWindowInDays ?? 0,
      }),
      { parent: this },
    );
    new aws.secretsmanager.SecretVersion(`${name}-version`, transformed(args.transform?.version, { secretId: secret.id, secretString: value.result }), { parent: this });
    this.secretArn = secret.arn;
    this.name = name;
    this.registerOutputs({ secretArn: this.secretArn });
  }

  private readonly name: string;

  /**
   * Denies `secretsmanager:GetSecretValue` to every principal but these roles and the caller deploying the stack
   * (`sts:GetCallerIdentity`, through the component's provider): the readers are only known once the functions
   * that read the secret exist, which need the secret's ARN first.
   * Call it once: a second call would register a second policy of the same name. The deployer is whoever runs
   * `pulumi up`; another identity deploying next replaces it in the policy, so run `up`, not `refresh`, first.
   * @param readers the role ARNs that read the value (the functions granted `readSecret`).
   * @returns the `aws.secretsmanager.SecretPolicy` (`blockPublicPolicy` on).
   * @see https://docs.aws.amazon.com/secretsmanager/latest/userguide/auth-and-access_resource-policies.html
   */
  restrictReadsTo(readers: pulumi.Input<string>[]): aws.secretsmanager.SecretPolicy {
    const deployer = aws.getCallerIdentityOutput({}, { parent: this }).arn;
    return new aws.secretsmanager.SecretPolicy(
      `${this.name}-policy`,
      {
        secretArn: this.secretArn,
        policy: pulumi.all([pulumi.all(readers), deployer]).apply(([roles, caller]) => JSON.stringify(secretReadPolicy(roles, caller))),
        blockPublicPolicy: true,
      },
      { parent: this },
    );
  }
}
