/**
 * The product's verdict on a bucket policy next to IAM's, as an evaluator that is not
 * the product's (@cloud-copilot/iam-simulate, through src/workstation/local/iam-judge.ts) decides
 * it, for the requests Private CA makes. Used by the property test
 * (policy-judge.property.test.ts) and by the test of every policy in the repository's
 * samples (test/core/policy/judged-alike.test.ts).
 *
 * What counts as a disagreement (docs/policy-evaluation.md, "How the tests check the
 * evaluator"): the product says "allowed" and IAM denies any of Private CA's requests;
 * the product says "denied" and IAM allows them all. "Ask a person" agrees with anything.
 *
 * The requests and their context are built here from the AWS documentation, not from
 * the product's request-context table (src/core/policy/request-context.ts); where they say
 * the same it is because the same IAM page says so (reference_policies_condition-keys.html):
 * - set by the request (values known from the CA): aws:PrincipalServiceName,
 *   aws:PrincipalIsAWSService, aws:SourceAccount, aws:SourceArn, aws:SecureTransport,
 *   s3:x-amz-acl on the object writes; the bucket owner when the request names it;
 * - "included in the request context for all requests" with a value nobody knows before
 *   the write (aws:CurrentTime, aws:EpochTime, aws:RequestedRegion, aws:UserAgent,
 *   aws:PrincipalAccount, aws:userid, aws:PrincipalType): a value drawn per world;
 * - keys of IAM principals that a service principal's request does not carry
 *   (aws:PrincipalOrgID, aws:PrincipalOrgPaths, aws:PrincipalTag/*, aws:username, ...):
 *   absent;
 * - every other key: absent or a value, drawn per world.
 * A "world" is one such drawing: the product's "allowed" and "denied" must hold in every
 * world, since it gives them before the request is made.
 */
import fc from 'fast-check';
import { analyzeBucketPolicy, type PcaWriteRequest, type PolicyAnalysis } from '../../src/core/policy';
import { iamDecision, IamJudgeError, type IamDecision, type IamRequest } from '../../src/workstation/local/iam-judge';

export type Verdict = 'allowed' | 'denied' | 'ask';
export type World = Record<string, string | string[]>;

/**
 * The product's three answers, read from its analysis: compliant is "allowed"; a Deny
 * that certainly applies, or a missing grant that no Allow might give, is "denied";
 * anything else (a Deny that may apply, an Allow that may grant) asks a person.
 */
export function productVerdict(analysis: PolicyAnalysis): Verdict {
  if (analysis.compliant) return 'allowed';
  if (analysis.blockingDenies.some((deny) => deny.certainty === 'certain')) return 'denied';
  if (analysis.missing.length > 0 && analysis.uncertainAllows.length === 0) return 'denied';
  return 'ask';
}

const PCA = 'acm-pca.amazonaws.com';
const ALWAYS_PRESENT = ['aws:CurrentTime', 'aws:EpochTime', 'aws:RequestedRegion', 'aws:UserAgent', 'aws:PrincipalAccount', 'aws:userid', 'aws:PrincipalType'];
const ABSENT = [
  'aws:PrincipalOrgID',
  'aws:PrincipalOrgPaths',
  'aws:username',
  'aws:FederatedProvider',
  'aws:SourceIdentity',
  'aws:CalledVia',
  'aws:CalledViaFirst',
  'aws:CalledViaLast',
  'aws:Ec2InstanceSourceVpc',
  'aws:Ec2InstanceSourcePrivateIPv4',
  'aws:referer',
].map((key) => key.toLowerCase());
const ABSENT_PREFIXES = ['aws:principaltag/'];
/** Keys this module sets from the request itself. */
const FIXED = [
  'aws:PrincipalServiceName',
  'aws:PrincipalIsAWSService',
  'aws:SourceAccount',
  'aws:SourceArn',
  'aws:SecureTransport',
  's3:x-amz-acl',
  'aws:ResourceAccount',
  's3:ResourceAccount',
].map((key) => key.toLowerCase());

/** The context every world shares: what the request sets. */
function fixedContext(req: PcaWriteRequest): World {
  const context: World = {
    'aws:PrincipalServiceName': PCA,
    'aws:PrincipalIsAWSService': 'true',
    'aws:SourceAccount': req.account,
    'aws:SourceArn': req.caArn,
    'aws:SecureTransport': 'true',
  };
  if (req.bucketOwner !== undefined) {
    context['aws:ResourceAccount'] = req.bucketOwner;
    context['s3:ResourceAccount'] = req.bucketOwner;
  }
  return context;
}

/** Each condition key a policy tests (as spelled in the policy), with the values it tests against. */
export function conditionKeys(policy: unknown): Map<string, { key: string; values: string[] }> {
  const keys = new Map<string, { key: string; values: string[] }>();
  const document = policy as { Statement?: unknown } | null;
  const statements = document?.Statement === undefined ? [] : Array.isArray(document.Statement) ? document.Statement : [document.Statement];
  for (const statement of statements as Array<{ Condition?: Record<string, Record<string, unknown>> }>) {
    for (const block of Object.values(statement?.Condition ?? {})) {
      for (const [key, value] of Object.entries(block ?? {})) {
        const entry = keys.get(key.toLowerCase()) ?? { key, values: [] };
        for (const v of [value].flat()) if (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') entry.values.push(String(v));
        keys.set(key.toLowerCase(), entry);
      }
    }
  }
  return keys;
}

const IP_VALUES = ['10.1.2.3', '198.51.100.7', '2001:db8::1'];
const TIME_VALUES = ['2026-11-20T10:15:00Z', '2019-06-01T00:00:00Z', '2100-01-01T00:00:00Z'];
const EPOCH_VALUES = ['1795000000', '1500000000'];

function valuesFor(name: string, fromPolicy: string[], req: PcaWriteRequest, other: { account: string; caArn: string }): string[] {
  if (name === 'aws:sourceip' || name === 'aws:vpcsourceip') return IP_VALUES;
  if (name === 'aws:currenttime' || name === 'aws:tokenissuetime') return TIME_VALUES;
  if (name === 'aws:epochtime') return EPOCH_VALUES;
  const literal = fromPolicy.filter((value) => !value.includes('${')).map((value) => value.replace(/[*?]/g, 'x'));
  return [...new Set([...literal, req.account, other.account, 'x', 'true', 'false'])];
}

/**
 * The worlds a request may meet: the fixed context, plus a value (or absence) for every
 * other key the policy tests.
 */
export function worldArb(req: PcaWriteRequest, policy: unknown, other: { account: string; caArn: string }): fc.Arbitrary<World> {
  const drawn: Array<fc.Arbitrary<[string, string | string[] | undefined]>> = [];
  const present = new Set(ALWAYS_PRESENT.map((key) => key.toLowerCase()));
  const wanted = conditionKeys(policy);
  if (req.bucketOwner === undefined) {
    for (const key of ['aws:ResourceAccount', 's3:ResourceAccount']) wanted.set(key.toLowerCase(), wanted.get(key.toLowerCase()) ?? { key, values: [] });
    present.add('aws:resourceaccount').add('s3:resourceaccount');
  }
  for (const [name, { key, values }] of wanted) {
    if ((FIXED.includes(name) && !present.has(name)) || ABSENT.includes(name) || ABSENT_PREFIXES.some((prefix) => name.startsWith(prefix))) continue;
    const pool = valuesFor(name, values, req, other);
    const value: fc.Arbitrary<string | string[] | undefined> =
      name === 'aws:principalservicenameslist'
        ? fc.subarray([PCA, ...pool], { minLength: 1 })
        : present.has(name)
          ? fc.constantFrom(...pool)
          : fc.option(fc.constantFrom(...pool), { nil: undefined });
    drawn.push(value.map((v) => [key, v]));
  }
  return fc.tuple(...drawn).map((entries) => {
    const world: World = fixedContext(req);
    for (const [key, value] of entries) if (value !== undefined) world[key] = value;
    return world;
  });
}

/** The requests Private CA makes (Private CA user guide, crl-planning.html#s3-policies and PcaAuditReport.html). */
export function pcaRequests(req: PcaWriteRequest, world: World): IamRequest[] {
  const bucket = `arn:${req.partition}:s3:::${req.bucket}`;
  const owner = req.bucketOwner ?? req.account;
  const make = (action: string, resource: string, extra: World = {}): IamRequest => ({
    principal: PCA,
    action,
    resource,
    resourceAccount: owner,
    context: { ...world, ...extra },
  });
  const requests = [make('s3:GetBucketAcl', bucket), make('s3:GetBucketLocation', bucket)];
  for (const key of new Set(req.objectKeys)) {
    for (const action of ['s3:PutObject', 's3:PutObjectAcl']) requests.push(make(action, `${bucket}/${key}`, { 's3:x-amz-acl': req.objectAcl }));
  }
  return requests;
}

export interface Comparison {
  product: Verdict;
  iam: Array<{ action: string; resource: string; decision: IamDecision }>;
  /** Why the two disagree; undefined when they agree. */
  disagreement?: string;
  /** The known exception that explains a disagreement (then `disagreement` is undefined). */
  exception?: KnownException['id'];
}

export interface KnownException {
  id: string;
  /** Whether the exception can explain a disagreement on this policy. */
  applies(policy: unknown): boolean;
  why: string;
  source: string;
}

/**
 * Where iam-simulate is wrong by the IAM documentation: a disagreement there is not the
 * product's. docs/policy-evaluation.md lists the same.
 */
export const KNOWN_EXCEPTIONS: readonly KnownException[] = [
  {
    id: 'variables-before-2012-10-17',
    applies: (policy) => (policy as { Version?: unknown } | null)?.Version !== '2012-10-17' && JSON.stringify(policy).includes('${'),
    why: 'iam-simulate substitutes ${...} in every policy; IAM, in a policy without "Version": "2012-10-17", reads it as literal text ("variables such as ${aws:username} aren\'t recognized as variables and are instead treated as literal strings")',
    source: 'https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_version.html',
  },
  {
    id: 'negated-operator-with-variable-of-no-value',
    applies: (policy) => negatedStringValues(policy).some((value) => value.includes('${')),
    why: 'iam-simulate makes StringNotEquals/StringNotLike (and ArnNot*) fail when a variable in the value has no value; the IAM variables page says "Inverted condition operators like StringNotEquals or StringNotLike do match against a null value"',
    source: 'https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_variables.html#policy-vars-no-value',
  },
];

/** The values of every StringNot* and ArnNot* test of the policy. */
function negatedStringValues(policy: unknown): string[] {
  const document = policy as { Statement?: unknown } | null;
  const statements = document?.Statement === undefined ? [] : [document.Statement].flat();
  const values: string[] = [];
  for (const statement of statements as Array<{ Condition?: Record<string, Record<string, unknown>> }>) {
    for (const [operator, block] of Object.entries(statement?.Condition ?? {})) {
      if (!/^(For(Any|All)Value:)?(StringNot|ArnNot)/i.test(operator)) continue;
      for (const value of Object.values(block ?? {}).flat()) if (typeof value === 'string') values.push(value);
    }
  }
  return values;
}

/** IAM's decisions in one world, and whether the product's verdict holds there. */
export function compare(text: string | null, req: PcaWriteRequest, world: World): Comparison {
  const product = productVerdict(analyzeBucketPolicy(text, req));
  const policy = text === null || text.trim() === '' ? null : (JSON.parse(text) as unknown);
  const iam = pcaRequests(req, world).map((request) => ({ action: request.action, resource: request.resource, decision: iamDecision(policy, request) }));
  const allAllowed = iam.every(({ decision }) => decision === 'Allowed');
  const comparison: Comparison = { product, iam };
  let disagreement: string | undefined;
  if (product === 'allowed' && !allAllowed) {
    disagreement = `the product says allowed, IAM denies ${iam
      .filter((d) => d.decision !== 'Allowed')
      .map((d) => `${d.action} on ${d.resource} (${d.decision})`)
      .join(', ')}`;
  } else if (product === 'denied' && allAllowed) {
    disagreement = 'the product says denied, IAM allows every request';
  }
  if (disagreement === undefined) return comparison;
  const exception = KNOWN_EXCEPTIONS.find((known) => known.applies(policy));
  if (exception) comparison.exception = exception.id;
  else comparison.disagreement = disagreement;
  return comparison;
}

export { IamJudgeError };
