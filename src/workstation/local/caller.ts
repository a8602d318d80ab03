/**
 * The caller of the simulated account's API, as far as Private CA's update-time test of
 * the caller asks about it: may it write objects to a bucket? On AWS that is IAM's
 * decision over the caller's policies; here the caller is the deployment's RepairRole,
 * whose statements are read from deploy/iam-roles.cjs (the same code that writes them
 * into the template), so that a change to the role shows in the local runs as on AWS.
 *
 * What is modelled: Allow and Deny statements with Action and Resource (IAM's `*` and `?`
 * wildcards; actions case-insensitive, resources not), CloudFormation's Fn::Sub and Ref of
 * the pseudo parameters, and the `s3:ResourceAccount` condition the role uses. Any other
 * condition, NotAction or NotResource fails loudly (NotModelled) rather than guess. Bucket
 * policy statements that name the role are not looked at: same-account access is granted
 * by either policy, and the role's own Allow is enough for the buckets it may repair.
 */
import { createRequire } from 'node:module';
import { NotModelled } from './aws-errors';

export interface CallerPermissions {
  /** Who the caller is, for messages (e.g. `RepairRole`). */
  readonly name: string;
  /** Whether the caller may `s3:PutObject` the object `key` of `bucket`, owned by `bucketOwner`. */
  canPutObject(bucket: { name: string; owner: string; partition: string }, key: string, caller: { account: string; region: string }): boolean;
}

type Statement = {
  Sid?: string;
  Effect: 'Allow' | 'Deny';
  Action?: string | string[];
  Resource?: unknown;
  Condition?: Record<string, Record<string, unknown>>;
  NotAction?: unknown;
  NotResource?: unknown;
};

const require = createRequire(import.meta.url);
const iamRoles = require('../../../deploy/iam-roles.cjs') as { repairStatements: (allowedBuckets: string) => Statement[] };

/** IAM's wildcard match: `*` any run of characters, `?` one. */
function wildcard(pattern: string, value: string, ignoreCase: boolean): boolean {
  const escaped = pattern
    .replace(/[.+^${}()|[\]\\]/g, '\\$&')
    .replace(/\*/g, '.*')
    .replace(/\?/g, '.');
  return new RegExp(`^${escaped}$`, ignoreCase ? 'i' : '').test(value);
}

/** Fn::Sub and Ref of the pseudo parameters, as CloudFormation resolves them for this account. */
function resolve(value: unknown, pseudo: Record<string, string>): string {
  if (typeof value === 'string') return value;
  const sub = (value as { 'Fn::Sub'?: unknown })['Fn::Sub'];
  if (typeof sub === 'string') return sub.replace(/\$\{(AWS::[A-Za-z]+)\}/g, (whole, name: string) => pseudo[name] ?? whole);
  const ref = (value as { Ref?: unknown }).Ref;
  if (typeof ref === 'string' && pseudo[ref] !== undefined) return pseudo[ref]!;
  throw new NotModelled('IAM', `the value ${JSON.stringify(value)} in the caller's policy`);
}

const list = <T>(value: T | T[] | undefined): T[] => (value === undefined ? [] : Array.isArray(value) ? value : [value]);

function conditionHolds(statement: Statement, context: Record<string, string>, pseudo: Record<string, string>): boolean {
  for (const [operator, keys] of Object.entries(statement.Condition ?? {})) {
    if (operator !== 'StringEquals') throw new NotModelled('IAM', `condition operator ${operator} in the caller's statement ${statement.Sid ?? ''}`);
    for (const [key, expected] of Object.entries(keys)) {
      const actual = context[key.toLowerCase()];
      if (actual === undefined) throw new NotModelled('IAM', `condition key ${key} in the caller's statement ${statement.Sid ?? ''}`);
      if (!list(expected).some((value) => resolve(value, pseudo) === actual)) return false;
    }
  }
  return true;
}

/** The deployment's RepairRole, as deploy/iam-roles.cjs writes it for `allowedBuckets` ('' = any bucket of the account). */
export function repairRoleCaller(allowedBuckets = ''): CallerPermissions {
  const statements = iamRoles.repairStatements(allowedBuckets);
  return {
    name: 'RepairRole',
    canPutObject(bucket, key, caller) {
      const pseudo = { 'AWS::Partition': bucket.partition, 'AWS::AccountId': caller.account, 'AWS::Region': caller.region };
      const objectArn = `arn:${bucket.partition}:s3:::${bucket.name}/${key}`;
      const context = { 's3:resourceaccount': bucket.owner };
      const matching = statements.filter((statement) => {
        if (statement.NotAction !== undefined || statement.NotResource !== undefined)
          throw new NotModelled('IAM', `NotAction/NotResource in the caller's statement ${statement.Sid ?? ''}`);
        return (
          list(statement.Action).some((action) => wildcard(action, 's3:PutObject', true)) &&
          list(statement.Resource).some((resource) => wildcard(resolve(resource, pseudo), objectArn, false)) &&
          conditionHolds(statement, context, pseudo)
        );
      });
      return matching.some((statement) => statement.Effect === 'Allow') && !matching.some((statement) => statement.Effect === 'Deny');
    },
  };
}
