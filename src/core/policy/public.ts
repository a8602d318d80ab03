/**
 * Which statements of a bucket policy S3 would call public: what Block Public Access
 * (BlockPublicPolicy) looks at when it refuses a PutBucketPolicy. S3 documents the rule
 * ("The meaning of public" in the S3 user guide, and PublicAccessBlockConfiguration in
 * the API reference): a policy is public unless every Allow is limited to fixed values
 * (no wildcard, no policy variable) of a principal or of one of a few condition keys.
 *
 * S3 decides with a full policy analysis; this is an approximation that errs towards
 * "public" wherever the documentation leaves room, because a statement wrongly called
 * public only makes the workflow ask a person, while one wrongly called non-public makes
 * it attempt a write S3 refuses. Where it is conservative:
 * - a condition counts only with a positive, exact operator (StringEquals,
 *   StringEqualsIgnoreCase, StringLike and ArnEquals/ArnLike without wildcards, and
 *   IpAddress for aws:SourceIp); negated operators, `...IfExists` and the
 *   `ForAnyValue:`/`ForAllValues:` set forms do not, since they can hold for a request
 *   that lacks the key;
 * - any `*`, `?` or `${` in a value makes it not fixed, whatever the operator (so the
 *   aws:userid form "AROLEID:*", which the documentation seems to allow, counts as
 *   public here);
 * - an aws:SourceIp range wider than /8 (IPv4) or /32 (IPv6) counts as public: the
 *   documentation only says "a set of CIDRs", and S3 calls e.g. 0.0.0.0/0 public;
 * - keys the documentation does not list (aws:SourceOrgID, aws:SourceOrgPaths,
 *   aws:PrincipalOrgPaths, tags, ...) do not restrict;
 * - actions are not looked at: the documentation's "bad actions" (s3:Get*, s3:List*,
 *   s3:Put*, s3:Delete*, ...) cover nearly every S3 action anyway.
 * A Deny never grants anything, so it is never public.
 */
import { parseCidr } from './ip';
import type { ConditionTest, ParsedPolicy, ParsedStatement, StatementRef } from './statement';

export interface PublicStatement extends StatementRef {
  /** Why S3 would call it public, e.g. 'allows Principal "*" with no condition limiting it to fixed callers'. */
  why: string;
}

/** Condition keys whose fixed value makes a statement for every principal non-public (lower case). */
const RESTRICTING_KEYS = new Set(
  [
    'aws:SourceArn',
    'aws:SourceVpc',
    'aws:SourceVpce',
    'aws:SourceOwner',
    'aws:SourceAccount',
    'aws:userid',
    'aws:PrincipalOrgID',
    'aws:PrincipalAccount',
    'aws:PrincipalArn',
    's3:DataAccessPointArn',
    's3:DataAccessPointAccount',
    's3:x-amz-server-side-encryption-aws-kms-key-id',
  ].map((key) => key.toLowerCase()),
);

const SOURCE_IP = 'aws:sourceip';
const EXACT_OPERATORS = new Set(['StringEquals', 'StringEqualsIgnoreCase', 'StringLike', 'ArnEquals', 'ArnLike']);
/** The widest aws:SourceIp ranges still taken as restricting. */
const MIN_PREFIX = { v4: 8, v6: 32 } as const;

/** The Allow statements of `policy` that S3 would consider public, in policy order. */
export function publicStatements(policy: ParsedPolicy): PublicStatement[] {
  const found: PublicStatement[] = [];
  for (const statement of policy.statements) {
    const who = everyoneClause(statement);
    if (who === null || statement.rule.conditions.some(restrictsCaller)) continue;
    const ref: PublicStatement = {
      index: statement.index,
      statement: statement.statement,
      why: `allows ${who} with no condition limiting it to fixed callers`,
    };
    if (statement.sid !== undefined) ref.sid = statement.sid;
    found.push(ref);
  }
  return found;
}

/** How an Allow names every principal ('Principal "*"', 'NotPrincipal'), or null. */
function everyoneClause({ rule }: ParsedStatement): string | null {
  if (rule.effect !== 'Allow') return null;
  if (rule.principal.negated) return 'every principal but those its NotPrincipal names';
  const { value } = rule.principal;
  if (value === '*') return 'Principal "*"';
  for (const [kind, names] of Object.entries(value)) {
    const wildcard = names.find((name) => name.includes('*'));
    if (wildcard !== undefined) return `Principal {"${kind}": "${wildcard}"}`;
  }
  return null;
}

/** Whether one condition test limits the caller to fixed values of a restricting key. */
function restrictsCaller(test: ConditionTest): boolean {
  const key = test.key.toLowerCase();
  if (test.values.length === 0) return false;
  if (key === SOURCE_IP) return test.operator === 'IpAddress' && test.values.every(isNarrowCidr);
  return RESTRICTING_KEYS.has(key) && EXACT_OPERATORS.has(test.operator) && test.values.every(isFixedValue);
}

function isFixedValue(value: string): boolean {
  return value !== '' && !/[*?]/.test(value) && !value.includes('${');
}

/**
 * An IPv4 or IPv6 address or CIDR range (standard notation, read with ipaddr.js) no wider
 * than MIN_PREFIX. A bare address is one address (IAM's default prefix is /32, which for
 * IPv6 is still MIN_PREFIX.v6).
 */
function isNarrowCidr(value: string): boolean {
  const cidr = parseCidr(value.trim());
  if (cidr === null) return false;
  if (cidr.prefix === undefined) return true;
  return cidr.prefix >= (cidr.address.kind() === 'ipv6' ? MIN_PREFIX.v6 : MIN_PREFIX.v4);
}
