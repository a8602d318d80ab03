/**
 * Generators shared by the property-based tests: Private CA write requests, bucket
 * policies in every spelling IAM accepts, and Private CA failure events with benign
 * mutations (still valid) and invalidating ones (invalid by construction, each with
 * the words its rejection must contain).
 *
 * What makes an event valid is read from src/core/classify-event.ts and src/core/arn.ts;
 * what the bucket policy must hold is in src/core/policy/pca.ts (the grant AWS documents).
 */
import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { bucketArn } from '../../src/core/arn';
import { pcaWriteRequest } from '../../src/core/plan-bucket-repair';
import { GRANT_SID_PREFIX, mergePcaGrant, type PcaWriteRequest } from '../../src/core/policy';
import type { BucketPurpose, FailureKind, Partition, Classification } from '../../src/core/types';
import type { CrlObjectAcl } from '../../src/core/crl-objects';

// ---------------------------------------------------------------------------------
// Run counts and seeds: fixed, so a failure reproduces; quoted by the README.

/** Runs of each bucket policy property. */
export const POLICY_RUNS = 2_000;
/** Runs of each classifier property. */
export const EVENT_RUNS = 5_000;
/**
 * Invalid events run through the whole local state machine: a few milliseconds each
 * with one shared history table (about 160 ms more when each run creates its own).
 */
export const WORKFLOW_EVENT_RUNS = 500;
export const POLICY_SEED = 20261120;
export const EVENT_SEED = 20261121;

// ---------------------------------------------------------------------------------
// Identities: partitions, regions, accounts, CA ids.

export const PCA_PRINCIPAL = 'acm-pca.amazonaws.com';
/** The four actions and the documented CRL failure reasons, as docs/aws-facts.md states them (with the AWS pages). */
export const DOCUMENTED_ACTIONS = ['s3:PutObject', 's3:PutObjectAcl', 's3:GetBucketAcl', 's3:GetBucketLocation'];
export const DOCUMENTED_CRL_REASONS: Readonly<Record<string, FailureKind>> = {
  'Failed to write CRL to S3. Check your S3 bucket permissions.': 'CRL_S3_PERMISSION',
  'Failed to write CRL to S3. Internal failure.': 'CRL_S3_INTERNAL',
  'Failed to generate CRL. Internal failure.': 'CRL_GENERATION_INTERNAL',
};

const REGIONS: Record<Partition, readonly string[]> = {
  aws: ['us-east-1', 'eu-west-3', 'ap-southeast-2', 'me-central-1', 'ca-west-1'],
  'aws-cn': ['cn-north-1', 'cn-northwest-1'],
  'aws-us-gov': ['us-gov-west-1', 'us-gov-east-1'],
};

export interface CaIdentity {
  partition: Partition;
  region: string;
  account: string;
  caId: string;
  caArn: string;
}

export const caArnOf = (partition: string, region: string, account: string, caId: string): string =>
  `arn:${partition}:acm-pca:${region}:${account}:certificate-authority/${caId}`;

export const partitionAndRegion = fc
  .constantFrom<Partition>('aws', 'aws-cn', 'aws-us-gov')
  .chain((partition) => fc.constantFrom(...REGIONS[partition]).map((region) => ({ partition, region })));
export const accountId = fc.stringMatching(/^\d{12}$/);
/** Private CA ids are lower-case UUIDs. */
export const uuid = fc.uuid();
export const certificateId = fc.stringMatching(/^[0-9a-f]{32}$/);

export const caIdentity: fc.Arbitrary<CaIdentity> = fc
  .record({ where: partitionAndRegion, account: accountId, caId: uuid })
  .map(({ where, account, caId }) => ({ ...where, account, caId, caArn: caArnOf(where.partition, where.region, account, caId) }));

// ---------------------------------------------------------------------------------
// The write Private CA makes: CRL (with or without CustomPath) or audit report.

export interface WriteScenario {
  classification: Classification;
  purpose: BucketPurpose;
  bucket: string;
  crlAcl: CrlObjectAcl;
  customPath?: string;
  auditReportKey?: string;
  request: PcaWriteRequest;
  /** Another CA of the same account, and another account, for grants that are not ours. */
  otherCaArn: string;
  otherAccount: string;
}

export const bucketName = fc.stringMatching(/^[a-z0-9][a-z0-9.-]{1,24}[a-z0-9]$/);

export const writeScenario: fc.Arbitrary<WriteScenario> = fc
  .record({
    ca: caIdentity,
    purpose: fc.constantFrom<BucketPurpose>('CRL', 'CRL', 'AUDIT_REPORT'),
    bucket: bucketName,
    crlAcl: fc.constantFrom<CrlObjectAcl>('PUBLIC_READ', 'BUCKET_OWNER_FULL_CONTROL'),
    customPath: fc.option(fc.constantFrom('crl', '/pki/crl/', 'a/b'), { nil: undefined }),
    reportId: uuid,
    reportFormat: fc.constantFrom('json', 'csv'),
    otherCaId: uuid,
    otherAccount: accountId,
  })
  .filter(({ ca, otherCaId, otherAccount }) => otherCaId !== ca.caId && otherAccount !== ca.account)
  .map(({ ca, purpose, bucket, crlAcl, customPath, reportId, reportFormat, otherCaId, otherAccount }) => {
    const classification: Classification = {
      kind: purpose === 'CRL' ? 'CRL_S3_PERMISSION' : 'AUDIT_REPORT',
      eventId: 'property-test',
      certificateAuthorityArn: ca.caArn,
      certificateAuthorityId: ca.caId,
      partition: ca.partition,
      region: ca.region,
      account: ca.account,
    };
    const auditReportKey = purpose === 'AUDIT_REPORT' ? `audit-report/${ca.caId}/${reportId}.${reportFormat}` : undefined;
    const crlPath = purpose === 'CRL' ? customPath : undefined;
    const request = pcaWriteRequest(classification, purpose, bucket, crlAcl, { customPath: crlPath, auditReportKey });
    const scenario: WriteScenario = {
      classification,
      purpose,
      bucket,
      crlAcl,
      request,
      otherCaArn: caArnOf(ca.partition, ca.region, ca.account, otherCaId),
      otherAccount,
    };
    if (crlPath !== undefined) scenario.customPath = crlPath;
    if (auditReportKey !== undefined) scenario.auditReportKey = auditReportKey;
    return scenario;
  });

/** The Sid the merge gives its grant when it is free. */
export const grantSidOf = (req: PcaWriteRequest): string => `${GRANT_SID_PREFIX}${req.caId.replace(/-/g, '')}`;

// ---------------------------------------------------------------------------------
// Bucket policies.

type Json = Record<string, unknown>;

/** One element of `pool`, or a list of one to four of them (IAM accepts both). */
function stringOrList(pool: readonly string[]): fc.Arbitrary<string | string[]> {
  return fc.oneof(fc.constantFrom(...pool), fc.subarray([...pool], { minLength: 1, maxLength: 4 }));
}

/** Builds an object without the keys whose value is undefined, in the order given. */
function compact(entries: Array<[string, unknown]>): Json {
  const object: Json = {};
  for (const [key, value] of entries) if (value !== undefined) object[key] = value;
  return object;
}

interface ConditionTestSpec {
  operator: string;
  key: string;
  value: unknown;
}

/** Condition tests of every kind the brief lists, about keys Private CA's request does and does not carry. */
function conditionTest(s: WriteScenario): fc.Arbitrary<ConditionTestSpec> {
  const { account, caArn, partition } = s.request;
  const anyCaOfAccount = `arn:${partition}:acm-pca:*:${account}:certificate-authority/*`;
  const t = (operator: string, key: string, values: readonly unknown[]) => fc.constantFrom(...values).map((value) => ({ operator, key, value }));
  return fc.oneof(
    t('StringEquals', 'aws:SourceAccount', [account, s.otherAccount, [account, s.otherAccount], Number(account)]),
    t('StringEquals', 'aws:SourceArn', [caArn, s.otherCaArn, [s.otherCaArn, caArn]]),
    t('StringLike', 'aws:SourceArn', [anyCaOfAccount, `${caArn.slice(0, -4)}*`, 'arn:aws:acm-pca:*']),
    t('ArnLike', 'aws:SourceArn', [caArn, anyCaOfAccount, s.otherCaArn]),
    t('ArnEquals', 'aws:SourceArn', [caArn, s.otherCaArn]),
    t('ForAnyValue:StringLike', 'aws:SourceArn', [[anyCaOfAccount], [s.otherCaArn]]),
    t('ForAllValues:StringEquals', 'aws:SourceAccount', [[account], [s.otherAccount]]),
    t('Bool', 'aws:SecureTransport', ['false', 'true', false, true]),
    t('IpAddress', 'aws:SourceIp', ['10.0.0.0/8', ['192.0.2.0/24', '2001:db8::/32']]),
    t('NotIpAddress', 'aws:SourceIp', ['10.0.0.0/8']),
    t('StringNotEquals', 'aws:PrincipalOrgID', ['o-a1b2c3d4e5']),
    t('StringEqualsIfExists', 'aws:PrincipalOrgID', ['o-a1b2c3d4e5']),
    t('StringNotEqualsIfExists', 'aws:SourceAccount', [account, s.otherAccount]),
    t('ArnLikeIfExists', 'aws:SourceArn', [caArn, s.otherCaArn]),
    t('StringEquals', 's3:x-amz-acl', ['bucket-owner-full-control', 'public-read']),
    t('StringNotEquals', 's3:x-amz-acl', ['bucket-owner-full-control']),
    t('Null', 'aws:SourceArn', ['true', 'false']),
    t('Bool', 'aws:PrincipalIsAWSService', ['false', 'true']),
    t('StringEquals', 'aws:PrincipalServiceName', [PCA_PRINCIPAL, 'cloudtrail.amazonaws.com']),
    t('StringNotEquals', 'aws:SourceVpce', ['vpce-1a2b3c4d']),
    t('NumericLessThan', 's3:max-keys', [10]),
    t('DateGreaterThan', 'aws:CurrentTime', ['2020-01-01T00:00:00Z']),
    t('StringLike', 'aws:UserAgent', ['*', 'curl/*']),
  );
}

function conditionBlock(s: WriteScenario): fc.Arbitrary<Json> {
  return fc.array(conditionTest(s), { minLength: 1, maxLength: 3 }).map((tests) => {
    const block: Record<string, Json> = {};
    for (const { operator, key, value } of tests) {
      block[operator] ??= {};
      (block[operator] as Record<string, Json>)[key] = value as Json;
    }
    return block;
  });
}

function sidArb(s: WriteScenario): fc.Arbitrary<string> {
  const ours = grantSidOf(s.request);
  return fc.oneof(
    { weight: 3, arbitrary: fc.constantFrom('A', 'a', 'ReadOnly', 'DenyOutsideOrg', 'AllowPcaCrl', '', ours, `${ours}2`, ours.toLowerCase()) },
    { weight: 1, arbitrary: fc.string({ maxLength: 12, unit: 'grapheme' }) },
  );
}

/** Any statement: Allow or Deny, Principal or NotPrincipal, Action or NotAction, ... */
function anyStatement(s: WriteScenario): fc.Arbitrary<Json> {
  const { partition, bucket, account } = s.request;
  const arn = bucketArn(partition, bucket);
  const role = `arn:aws:iam::${account}:role/Admin`;
  const principals: fc.Arbitrary<unknown> = fc.constantFrom(
    '*',
    { AWS: '*' },
    { AWS: role },
    { AWS: [role, `arn:aws:iam::${s.otherAccount}:root`] },
    { AWS: account },
    { Service: PCA_PRINCIPAL },
    { Service: [PCA_PRINCIPAL, 'cloudtrail.amazonaws.com'] },
    { Service: 'logging.s3.amazonaws.com' },
    { CanonicalUser: '79a59df900b949e55d96a1e698fbacedfd6e09d98eacf8f8d5218e7cd47ef2be' },
  );
  const actions = [
    's3:*',
    's3:Put*',
    '*',
    ...DOCUMENTED_ACTIONS,
    's3:GetObject',
    's3:ListBucket',
    's3:DeleteObject',
    's3:Get*',
    'S3:PUTOBJECT',
    's3:PutObjec?',
    's3:GetBucket*',
  ];
  const resources = [
    arn,
    `${arn}/*`,
    `${arn}/crl/*`,
    `${arn}/audit-report/*`,
    `${arn}/acm-pca-permission-test-key`,
    `${arn}/private/*`,
    `arn:${partition}:s3:::other-bucket`,
    `arn:${partition}:s3:::other-bucket/*`,
    '*',
    `arn:${partition}:s3:::*`,
    `arn:${partition}:s3:::${bucket.slice(0, 2)}*`,
    `${arn}*`,
    `${arn}/?rl/*`,
    `${arn}/\${aws:username}/*`,
    `arn:aws-cn:s3:::${bucket}/*`,
  ];
  return fc
    .record({
      sid: fc.option(sidArb(s), { nil: undefined }),
      effect: fc.constantFrom('Allow', 'Allow', 'Allow', 'Deny'),
      principalKey: fc.constantFrom('Principal', 'Principal', 'Principal', 'NotPrincipal'),
      principal: principals,
      actionKey: fc.constantFrom('Action', 'Action', 'Action', 'NotAction'),
      action: stringOrList(actions),
      resourceKey: fc.constantFrom('Resource', 'Resource', 'Resource', 'NotResource'),
      resource: stringOrList(resources),
      condition: fc.option(conditionBlock(s), { nil: undefined }),
    })
    .map((x) =>
      compact([
        ['Sid', x.sid],
        ['Effect', x.effect],
        [x.principalKey, x.principal],
        [x.actionKey, x.action],
        [x.resourceKey, x.resource],
        ['Condition', x.condition],
      ]),
    );
}

/** The documented grant, for this CA or another, whole or with a piece missing or wrong. */
function pcaGrantVariant(s: WriteScenario): fc.Arbitrary<Json> {
  const { partition, bucket, account, caArn } = s.request;
  const arn = bucketArn(partition, bucket);
  return fc
    .record({
      sid: fc.option(sidArb(s), { nil: undefined }),
      whose: fc.constantFrom('ours', 'ours', 'ours', 'other CA', 'other account', 'other bucket'),
      actions: fc.constantFrom<unknown>('four', 'four', 'drop one', 's3:*', 's3:Put* and s3:GetBucket*', 'string'),
      dropped: fc.nat({ max: 3 }),
      resources: fc.constantFrom('both', 'both', 'bucket only', 'objects only', '*', 'crl prefix'),
      condition: fc.constantFrom('both', 'both', 'account only', 'arn only', 'none', 'wrong arn', 'arn list', 'ArnLike', 'wrong account'),
      principalList: fc.boolean(),
    })
    .map((x) => {
      const theirArn = x.whose === 'other CA' ? s.otherCaArn : caArn;
      const theirAccount = x.whose === 'other account' ? s.otherAccount : account;
      const theirBucket = x.whose === 'other bucket' ? bucketArn(partition, `${bucket}-other`) : arn;
      const action =
        x.actions === 'four'
          ? DOCUMENTED_ACTIONS
          : x.actions === 'drop one'
            ? DOCUMENTED_ACTIONS.filter((_, i) => i !== x.dropped)
            : x.actions === 's3:*'
              ? 's3:*'
              : x.actions === 'string'
                ? DOCUMENTED_ACTIONS[x.dropped]
                : ['s3:Put*', 's3:GetBucket*'];
      const resource =
        x.resources === 'both'
          ? [`${theirBucket}/*`, theirBucket]
          : x.resources === 'bucket only'
            ? theirBucket
            : x.resources === 'objects only'
              ? `${theirBucket}/*`
              : x.resources === 'crl prefix'
                ? [theirBucket, `${theirBucket}/crl/*`]
                : '*';
      const equals: Json =
        x.condition === 'both'
          ? { 'aws:SourceAccount': theirAccount, 'aws:SourceArn': theirArn }
          : x.condition === 'account only'
            ? { 'aws:SourceAccount': theirAccount }
            : x.condition === 'arn only'
              ? { 'aws:SourceArn': theirArn }
              : x.condition === 'wrong arn'
                ? { 'aws:SourceAccount': theirAccount, 'aws:SourceArn': s.otherCaArn }
                : x.condition === 'wrong account'
                  ? { 'aws:SourceAccount': s.otherAccount, 'aws:SourceArn': theirArn }
                  : x.condition === 'arn list'
                    ? { 'aws:SourceAccount': theirAccount, 'aws:SourceArn': [s.otherCaArn, theirArn] }
                    : {};
      const condition =
        x.condition === 'none'
          ? undefined
          : x.condition === 'ArnLike'
            ? { StringEquals: { 'aws:SourceAccount': theirAccount }, ArnLike: { 'aws:SourceArn': theirArn } }
            : { StringEquals: equals };
      return compact([
        ['Sid', x.sid],
        ['Effect', 'Allow'],
        ['Principal', { Service: x.principalList ? [PCA_PRINCIPAL] : PCA_PRINCIPAL }],
        ['Action', action],
        ['Resource', resource],
        ['Condition', condition],
      ]);
    });
}

/** What a Deny does to Private CA's writes, known from how it is built (docs/policy-evaluation.md). */
export type DenyEffect = 'blocks' | 'may block' | 'none';

/** Denies that block Private CA for certain, possibly, or not at all, each with that label. */
export function labeledDenies(s: WriteScenario): Array<{ label: string; expected: DenyEffect; statement: Json }> {
  const { partition, bucket, account, objectAcl } = s.request;
  const arn = bucketArn(partition, bucket);
  const resource = [arn, `${arn}/*`];
  const deny = (rest: Json): Json => ({ Effect: 'Deny', ...rest });
  return [
    // Every principal outside the organisation: a service principal has no organisation.
    {
      label: 'outside the organisation',
      expected: 'blocks',
      statement: deny({
        Sid: 'DenyOutsideOrg',
        Principal: '*',
        Action: 's3:*',
        Resource: resource,
        Condition: { StringNotEquals: { 'aws:PrincipalOrgID': 'o-a1b2c3d4e5' } },
      }),
    },
    {
      label: 'outside the organisation, AWS services exempted',
      expected: 'none',
      statement: deny({
        Principal: '*',
        Action: 's3:*',
        Resource: resource,
        Condition: { StringNotEquals: { 'aws:PrincipalOrgID': 'o-a1b2c3d4e5' }, Bool: { 'aws:PrincipalIsAWSService': 'false' } },
      }),
    },
    {
      label: 'NotPrincipal naming one role',
      expected: 'blocks',
      statement: deny({ Sid: 'OnlyAdmin', NotPrincipal: { AWS: `arn:aws:iam::${account}:role/Admin` }, Action: 's3:*', Resource: `${arn}/*` }),
    },
    {
      label: 'TLS only',
      expected: 'none',
      statement: deny({ Sid: 'TlsOnly', Principal: '*', Action: 's3:*', Resource: resource, Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
    },
    {
      label: 'outside an IP range',
      expected: 'may block',
      statement: deny({ Principal: { AWS: '*' }, Action: 's3:PutObject', Resource: `${arn}/*`, Condition: { NotIpAddress: { 'aws:SourceIp': '10.0.0.0/8' } } }),
    },
    {
      label: 'any ACL but bucket-owner-full-control',
      expected: objectAcl === 'public-read' ? 'blocks' : 'none',
      statement: deny({
        Principal: '*',
        Action: ['s3:PutObject', 's3:PutObjectAcl'],
        Resource: `${arn}/*`,
        Condition: { StringNotEquals: { 's3:x-amz-acl': 'bucket-owner-full-control' } },
      }),
    },
    {
      label: 'outside a VPC endpoint',
      expected: 'may block',
      statement: deny({ Principal: '*', Action: 's3:*', Resource: resource, Condition: { StringNotEquals: { 'aws:SourceVpce': 'vpce-1a2b3c4d' } } }),
    },
    { label: 'Private CA may only read', expected: 'blocks', statement: deny({ Principal: { Service: PCA_PRINCIPAL }, NotAction: 's3:Get*', Resource: '*' }) },
    {
      label: 'another CA only',
      expected: 'blocks',
      statement: deny({
        Principal: { Service: PCA_PRINCIPAL },
        Action: 's3:*',
        Resource: resource,
        Condition: { StringNotEquals: { 'aws:SourceArn': s.otherCaArn } },
      }),
    },
    { label: 'no bucket deletion', expected: 'none', statement: deny({ Principal: '*', Action: 's3:DeleteBucket', Resource: arn }) },
    { label: 'another bucket', expected: 'none', statement: deny({ Principal: '*', Action: 's3:*', Resource: `${arn}-other/*` }) },
  ];
}

function denyVariant(s: WriteScenario): fc.Arbitrary<Json> {
  return fc.constantFrom(...labeledDenies(s)).map(({ statement }) => statement);
}

export function statementArb(s: WriteScenario): fc.Arbitrary<Json> {
  return fc.oneof({ weight: 4, arbitrary: anyStatement(s) }, { weight: 3, arbitrary: pcaGrantVariant(s) }, { weight: 1, arbitrary: denyVariant(s) });
}

export interface GeneratedPolicy {
  scenario: WriteScenario;
  /** The policy as S3 returns it; null or '' when the bucket has none. */
  text: string | null;
}

interface DocumentShape {
  version: string | undefined;
  id: string | undefined;
  extra: unknown;
  statementFirst: boolean;
  asObject: boolean;
  indent: number | undefined;
}

const documentShape: fc.Arbitrary<DocumentShape> = fc.record({
  version: fc.constantFrom('2012-10-17', '2012-10-17', '2008-10-17', undefined),
  id: fc.option(fc.constantFrom('Policy1', 'S3PolicyId1', 'ünïcode-ïd'), { nil: undefined }),
  extra: fc.option(fc.jsonValue({ maxDepth: 2 }), { nil: undefined }),
  statementFirst: fc.boolean(),
  asObject: fc.boolean(),
  indent: fc.constantFrom(undefined, undefined, 2, 4),
});

/** A policy document from its statements and shape, with keys in the generated order. */
function documentOf(statements: Json[], shape: DocumentShape): Json {
  const statement = shape.asObject && statements.length === 1 ? statements[0] : statements;
  const rest: Array<[string, unknown]> = [
    ['Version', shape.version],
    ['Id', shape.id],
    ['x-custom', shape.extra],
  ];
  return compact(shape.statementFirst ? [['Statement', statement], ...rest] : [...rest, ['Statement', statement]]);
}

export const policyCase: fc.Arbitrary<GeneratedPolicy> = writeScenario.chain((scenario) =>
  fc.oneof(
    { weight: 1, arbitrary: fc.constantFrom<string | null>(null, '').map((text) => ({ scenario, text })) },
    {
      weight: 19,
      arbitrary: fc
        .record({ statements: fc.array(statementArb(scenario), { maxLength: 8 }), shape: documentShape })
        .map(({ statements, shape }) => ({ scenario, text: JSON.stringify(documentOf(statements, shape), null, shape.indent) })),
    },
  ),
);

export interface DenyCase extends GeneratedPolicy {
  text: string;
  /** Index of the one Deny among Allows. */
  denyIndex: number;
  label: string;
  expected: DenyEffect;
}

/** Allows only (any of them), and one Deny whose effect on Private CA is known. */
export const denyCase: fc.Arbitrary<DenyCase> = writeScenario.chain((scenario) =>
  fc
    .record({
      allows: fc.array(
        fc.oneof(
          anyStatement(scenario).map((statement) => ({ ...statement, Effect: 'Allow' })),
          pcaGrantVariant(scenario),
        ),
        { maxLength: 5 },
      ),
      deny: fc.constantFrom(...labeledDenies(scenario)),
      position: fc.nat(),
      shape: documentShape,
    })
    .map(({ allows, deny, position, shape }) => {
      const denyIndex = position % (allows.length + 1);
      const statements = [...allows.slice(0, denyIndex), deny.statement, ...allows.slice(denyIndex)];
      return { scenario, text: JSON.stringify(documentOf(statements, shape), null, shape.indent), denyIndex, label: deny.label, expected: deny.expected };
    }),
);

/** A statement that only pads: the size of its condition value is chosen by the generator. */
function paddingStatement(s: WriteScenario, padding: string): Json {
  const arn = bucketArn(s.request.partition, s.request.bucket);
  return {
    Sid: 'Padding',
    Effect: 'Allow',
    Principal: { AWS: `arn:aws:iam::${s.request.account}:role/Reader` },
    Action: 's3:GetObject',
    Resource: `${arn}/public/*`,
    Condition: { StringEquals: { 'aws:UserAgent': padding } },
  };
}

export interface NearLimitPolicy extends GeneratedPolicy {
  text: string;
  /** The size, in UTF-8 bytes, the merge would have if it adds the grant. */
  aimedMergedBytes: number;
}

/**
 * Policies whose merge lands near `limit` bytes (within a few bytes half of the time),
 * padded with ASCII or multi-byte characters, so both sides of the limit are hit.
 */
export function nearLimitPolicy(limit: number): fc.Arbitrary<NearLimitPolicy> {
  return writeScenario.chain((scenario) =>
    fc
      .record({
        statements: fc.array(statementArb(scenario), { maxLength: 5 }),
        shape: documentShape,
        position: fc.nat(),
        fill: fc.constantFrom('x', 'é', '€', '😀'),
        delta: fc.oneof(fc.integer({ min: -3, max: 3 }), fc.integer({ min: -1500, max: 1500 })),
      })
      .map(({ statements, shape, position, fill, delta }) => {
        const at = position % (statements.length + 1);
        const build = (padding: string): Json => documentOf([...statements.slice(0, at), paddingStatement(scenario, padding), ...statements.slice(at)], shape);
        // The merge writes compact JSON; each byte of padding adds one byte to it.
        const unpadded = JSON.stringify(build(''));
        const merged = mergePcaGrant(unpadded, scenario.request);
        const base = merged.changed ? merged.sizeBytes : Buffer.byteLength(unpadded, 'utf8');
        const room = Math.max(0, limit + delta - base);
        const unit = Buffer.byteLength(fill, 'utf8');
        const padding = fill.repeat(Math.floor(room / unit)) + 'x'.repeat(room % unit);
        return { scenario, text: JSON.stringify(build(padding), null, shape.indent), aimedMergedBytes: base + room };
      }),
  );
}

// ---------------------------------------------------------------------------------
// Events.

const eventsDir = new URL('../../events/', import.meta.url);
const loadEvent = (path: string): Json => JSON.parse(readFileSync(new URL(path, eventsDir), 'utf8')) as Json;

export type HandledKind = Exclude<FailureKind, 'UNRECOGNIZED'>;

/** The valid failure samples, and the published ones with their placeholders filled in. */
export const FAILURE_SAMPLES: ReadonlyArray<{ file: string; kind: HandledKind; event: Json }> = [
  { file: 'ca-creation-failure.json', kind: 'CA_CREATION' },
  { file: 'certificate-issuance-failure.json', kind: 'CERTIFICATE_ISSUANCE' },
  { file: 'crl-s3-permission-failure.json', kind: 'CRL_S3_PERMISSION' },
  { file: 'crl-s3-internal-failure.json', kind: 'CRL_S3_INTERNAL' },
  { file: 'crl-generation-internal-failure.json', kind: 'CRL_GENERATION_INTERNAL' },
  { file: 'audit-report-failure.json', kind: 'AUDIT_REPORT' },
  { file: 'published/creation-failure.json', kind: 'CA_CREATION' },
  { file: 'published/issuance-failure.json', kind: 'CERTIFICATE_ISSUANCE' },
  { file: 'published/crl-s3-permission-failure.json', kind: 'CRL_S3_PERMISSION' },
  { file: 'published/crl-s3-internal-failure.json', kind: 'CRL_S3_INTERNAL' },
  { file: 'published/crl-generation-internal-failure.json', kind: 'CRL_GENERATION_INTERNAL' },
  { file: 'published/audit-report-failure.json', kind: 'AUDIT_REPORT' },
].map(({ file, kind }) => ({ file, kind: kind as HandledKind, event: loadEvent(file) }));

export interface EventIdentity extends CaIdentity {
  id: string;
  time: string;
  certificateId: string;
  reportId: string;
}

const isoTime = fc
  .date({ min: new Date('2000-01-01T00:00:00Z'), max: new Date('2099-12-31T23:59:59Z'), noInvalidDate: true })
  .chain((date) => fc.constantFrom(date.toISOString(), date.toISOString().replace(/\.\d{3}Z$/, 'Z')));

export const eventIdentity: fc.Arbitrary<EventIdentity> = fc
  .record({
    ca: caIdentity,
    id: fc.oneof(uuid, fc.string({ minLength: 1, maxLength: 40, unit: 'grapheme' })),
    time: isoTime,
    certificateId,
    reportId: uuid,
  })
  .map(({ ca, ...rest }) => ({ ...ca, ...rest }));

export const certificateArnOf = (who: CaIdentity, certId: string): string => `${who.caArn}/certificate/${certId}`;

/** A sample with a new identity applied consistently: event, CA ARN, certificate ARN, report id. */
export function withIdentity(sample: Json, kind: HandledKind, who: EventIdentity): Json {
  const event = structuredClone(sample);
  Object.assign(event, { id: who.id, time: who.time, account: who.account, region: who.region });
  const resources = [who.caArn];
  if (kind === 'CERTIFICATE_ISSUANCE') resources.push(certificateArnOf(who, who.certificateId));
  if (kind === 'AUDIT_REPORT') resources.push(who.reportId);
  event.resources = resources;
  return event;
}

/** Builds an object from JSON text, as Lambda does: `__proto__` becomes an ordinary own key. */
export function fromEntries(entries: ReadonlyArray<readonly [string, unknown]>): Json {
  return JSON.parse(`{${entries.map(([key, value]) => `${JSON.stringify(key)}:${JSON.stringify(value)}`).join(',')}}`) as Json;
}

const REQUIRED_EVENT_KEYS = ['id', 'source', 'detail-type', 'detail', 'time', 'account', 'region', 'resources'];
const TRICKY_KEYS = ['__proto__', 'constructor', 'prototype', 'toString', 'hasOwnProperty', 'valueOf', 'toJSON'];
const extraKey = fc.oneof(fc.constantFrom(...TRICKY_KEYS, 'version', 'replay-name'), fc.string({ maxLength: 10, unit: 'grapheme' }));

export interface ValidEvent {
  kind: HandledKind;
  who: EventIdentity;
  event: Json;
  reason?: string;
}

/**
 * Valid failure events with benign changes: another identity (partition, region,
 * account, CA, certificate, report, id, time) applied consistently, extra keys in the
 * event and its detail (prototype-like names included), extra resources after the ones read.
 */
export const validEvent: fc.Arbitrary<ValidEvent> = fc
  .record({
    sample: fc.constantFrom(...FAILURE_SAMPLES),
    who: eventIdentity,
    extraTop: fc.array(fc.tuple(extraKey, fc.jsonValue({ maxDepth: 2 })), { maxLength: 3 }),
    extraDetail: fc.array(fc.tuple(extraKey, fc.jsonValue({ maxDepth: 2 })), { maxLength: 3 }),
    extraResources: fc.array(fc.jsonValue({ maxDepth: 1 }), { maxLength: 2 }),
  })
  .map(({ sample, who, extraTop, extraDetail, extraResources }) => {
    const base = withIdentity(sample.event, sample.kind, who);
    base.resources = [...(base.resources as unknown[]), ...extraResources];
    const detail = base.detail as Json;
    const keep =
      (keys: string[]) =>
      ([key]: readonly [string, unknown]) =>
        !keys.includes(key);
    const event = fromEntries([
      ...extraTop.filter(keep(REQUIRED_EVENT_KEYS)),
      ...Object.entries(base).filter(([key]) => key !== 'detail'),
      ['detail', fromEntries([...extraDetail.filter(keep(['result', 'reason'])), ...Object.entries(detail)])],
    ]);
    const valid: ValidEvent = { kind: sample.kind, who, event };
    if (typeof detail.reason === 'string') valid.reason = detail.reason;
    return valid;
  });

/** An invalid event and what its rejection must mention. */
export interface InvalidEvent {
  mutation: string;
  event: unknown;
  /** The rejection must match this: it names the field or the rule broken. */
  expect: RegExp;
  /** The event's id, when the mutation left a usable one. */
  id?: string;
}

/** A string with a character no account, region, UUID, ARN or documented value contains. */
const withForeignCharacter = (arb: fc.Arbitrary<string>): fc.Arbitrary<string> =>
  fc.tuple(arb, fc.constantFrom('É', 'е' /* Cyrillic */, '\u200b', '１', ' ', '\u00a0'), fc.nat()).map(([value, bad, at]) => {
    const i = at % (value.length + 1);
    return value.slice(0, i) + bad + value.slice(i);
  });

const notAString = fc.oneof(
  fc.integer(),
  fc.double({ noNaN: true }),
  fc.boolean(),
  fc.constant(null),
  fc.array(fc.jsonValue({ maxDepth: 1 }), { maxLength: 3 }),
  fc.dictionary(fc.string({ maxLength: 5 }), fc.jsonValue({ maxDepth: 1 }), { maxKeys: 3 }),
);
const notARecord = fc.oneof(
  fc.integer(),
  fc.boolean(),
  fc.constant(null),
  fc.string({ maxLength: 10 }),
  fc.array(fc.jsonValue({ maxDepth: 1 }), { maxLength: 3 }),
);
const huge = fc.integer({ min: 10_000, max: 200_000 }).chain((n) => fc.constantFrom('a', '9', 'é', '-').map((c) => c.repeat(n)));

/** Strings that are not an ISO 8601 timestamp, or not a date at all. */
const badTime = fc.oneof(
  fc.constantFrom(
    '',
    'yesterday',
    '2026-11-20',
    '20261120T100000Z',
    '1700000000',
    '2026-11-20Tgarbage',
    '2026-13-45T10:00:00Z',
    '2026-11-20T25:00:00Z',
    '0000-00-00T00:00:00Z',
    '2026-11-20T10:00:00+25:00',
    '２０２６-11-20T10:00:00Z',
    'T2026-11-20',
  ),
  huge.map((h) => `2026-11-20T${h}`),
);
const badAccount = fc.oneof(
  fc.constantFrom(
    '',
    'account',
    '11112222333',
    '1111222233334',
    '11112222333a',
    '１１１１２２２２３３３３',
    '111122223333 ',
    ' 111122223333',
    '1111-2222-3333',
  ),
  withForeignCharacter(accountId),
  huge,
);
const badRegion = fc.oneof(
  fc.constantFrom('', 'region', 'US-EAST-1', 'us-east', 'useast1', 'us-east-1 ', 'us-еast-1', 'us-east-123', 'us_east_1', '-us-east-1'),
  withForeignCharacter(fc.constantFrom(...Object.values(REGIONS).flat())),
  huge,
);

/** Malformed or placeholder CA ARNs (for an identity, so that only one thing is wrong). */
function badCaArn(who: CaIdentity): fc.Arbitrary<unknown> {
  const { partition, region, account, caId } = who;
  return fc.oneof(
    notAString,
    fc.constantFrom(
      '',
      'arn:aws:acm-pca:region:account:certificate-authority/CA_ID',
      caArnOf(partition, region, account, 'CA_ID'),
      caArnOf(partition, region, account, caId.toUpperCase()),
      caArnOf(partition, region, account, caId.replace(/-/g, '')),
      caArnOf(partition, region, account, `${caId}0`),
      caArnOf(partition, region, account, `${caId}/certificate/0123456789abcdef0123456789abcdef`),
      caArnOf(partition, region, account, `${caId}:extra`),
      caArnOf('aws-xx', region, account, caId),
      caArnOf('AWS', region, account, caId),
      caArnOf(partition, 'region', account, caId),
      caArnOf(partition, region, 'account', caId),
      `arn:${partition}:acm:${region}:${account}:certificate-authority/${caId}`,
      `arn:${partition}:s3:::bucket`,
      `arn:${partition}:acm-pca:${region}:${account}:certificate/${caId}`,
      `arn:${partition}:acm-pca:${region}:${account}`,
      `ARN:${partition}:acm-pca:${region}:${account}:certificate-authority/${caId}`,
      caId,
      ` ${caArnOf(partition, region, account, caId)}`,
    ),
    withForeignCharacter(fc.constant(caArnOf(partition, region, account, caId))),
    huge,
  );
}

type Mutation = (valid: ValidEvent) => fc.Arbitrary<Omit<InvalidEvent, 'id'> & { keepsId?: boolean }>;

const setField = (event: Json, key: string, value: unknown): Json => fromEntries([...Object.entries(event).filter(([k]) => k !== key), [key, value]]);
const dropField = (event: Json, key: string): Json => fromEntries(Object.entries(event).filter(([k]) => k !== key));
const setDetail = (event: Json, key: string, value: unknown): Json =>
  setField(event, 'detail', value === undefined ? dropField(event.detail as Json, key) : setField(event.detail as Json, key, value));

const FIELD_PATTERN: Record<string, RegExp> = {
  id: /field "id"/,
  source: /field "source"/,
  'detail-type': /field "detail-type"/,
  detail: /field "detail" /,
  time: /field "time"/,
  account: /field "account"/,
  region: /field "region"/,
  resources: /field "resources"/,
};
const CA_ARN_PATTERN = /resources\[0\] \(the CA ARN\)/;
const CERT_PATTERN = /resources\[1\] \(the certificate ARN\)|the certificate ARN .* does not belong to the CA/;
const REPORT_PATTERN = /resources\[1\] \(the audit report id\)/;
const REASON_PATTERN = /field "detail\.reason"/;
const RESULT_PATTERN = /field "detail\.result"/;

/** A random or look-alike value that differs from `valid` (with a foreign character, or a random string not equal). */
const otherThan = (valid: string, lookAlikes: readonly string[]): fc.Arbitrary<string> =>
  fc
    .oneof(fc.constantFrom(...lookAlikes), withForeignCharacter(fc.constant(valid)), fc.string({ maxLength: 30, unit: 'grapheme' }), huge)
    .filter((value) => value !== valid);

const DETAIL_TYPES_HANDLED = [
  'ACM Private CA Creation',
  'ACM Private CA Certificate Issuance',
  'ACM Private CA CRL Generation',
  'ACM Private CA Audit Report Generation',
];

const MUTATIONS: Record<string, Mutation> = {
  'not an object': ({ event }) =>
    fc
      .oneof(notARecord, fc.constant([event]), fc.constant(JSON.stringify(event)))
      .map((value) => ({ mutation: 'not an object', event: value, expect: /not a JSON object/ })),
  'required field removed': ({ event }) =>
    fc
      .constantFrom(...REQUIRED_EVENT_KEYS)
      .map((key) => ({ mutation: `no ${key}`, event: dropField(event, key), expect: FIELD_PATTERN[key]!, keepsId: key !== 'id' })),
  'required field of the wrong type': ({ event }) =>
    fc.tuple(fc.constantFrom(...REQUIRED_EVENT_KEYS), notAString, notARecord).map(([key, value, notRecord]) => ({
      mutation: `${key} of the wrong type`,
      event: setField(event, key, key === 'detail' ? notRecord : key === 'resources' && Array.isArray(value) && value.length > 0 ? { list: value } : value),
      expect: key === 'resources' ? FIELD_PATTERN.resources! : FIELD_PATTERN[key]!,
      keepsId: key !== 'id',
    })),
  'empty string': ({ event }) =>
    fc.constantFrom(...REQUIRED_EVENT_KEYS.filter((key) => key !== 'detail' && key !== 'resources')).map((key) => ({
      mutation: `empty ${key}`,
      event: setField(event, key, ''),
      expect: FIELD_PATTERN[key]!,
      keepsId: key !== 'id',
    })),
  'wrong source': ({ event }) =>
    otherThan('aws.acm-pca', ['aws.s3', 'aws.acm', 'AWS.ACM-PCA', 'aws.acm-pca ', 'aws.acm‐pca', 'acm-pca', 'aws.acm-pca.fake']).map((source) => ({
      mutation: 'wrong source',
      event: setField(event, 'source', source),
      expect: FIELD_PATTERN.source!,
      keepsId: true,
    })),
  'unknown detail-type': ({ event }) =>
    otherThan('ACM Private CA CRL Generation', [
      'ACM Private CA Something',
      'acm private ca crl generation',
      'ACM Private CA CRL Generation ',
      'ACM Private CA Creation\u00a0',
      'constructor',
      '__proto__',
      'toString',
    ])
      .filter((type) => !DETAIL_TYPES_HANDLED.includes(type) && type !== 'ACM Private CA Certificate Revocation')
      .map((type) => ({ mutation: 'unknown detail-type', event: setField(event, 'detail-type', type), expect: FIELD_PATTERN['detail-type']!, keepsId: true })),
  'revocation detail-type': ({ event }) =>
    fc.constant({
      mutation: 'revocation',
      event: setField(event, 'detail-type', 'ACM Private CA Certificate Revocation'),
      expect: /successes only/,
      keepsId: true,
    }),
  'success result': ({ event }) => fc.constant({ mutation: 'success', event: setDetail(event, 'result', 'success'), expect: /success event/, keepsId: true }),
  'result neither failure nor success': ({ event }) =>
    fc
      .oneof(
        otherThan('failure', ['FAILURE', 'Failure', 'failed', 'failure ', 'error', 'SUCCESS']).filter((r) => r !== 'success'),
        notAString,
      )
      .map((result) => ({
        mutation: 'odd result',
        event: setDetail(event, 'result', result),
        expect: RESULT_PATTERN,
        keepsId: true,
      })),
  'result missing': ({ event }) => fc.constant({ mutation: 'no result', event: setDetail(event, 'result', undefined), expect: RESULT_PATTERN, keepsId: true }),
  'bad time': ({ event }) =>
    badTime.map((time) => ({ mutation: 'bad time', event: setField(event, 'time', time), expect: FIELD_PATTERN.time!, keepsId: true })),
  'placeholder or invalid account': ({ event }) =>
    badAccount.map((account) => ({ mutation: 'bad account', event: setField(event, 'account', account), expect: FIELD_PATTERN.account!, keepsId: true })),
  'placeholder or invalid region': ({ event }) =>
    badRegion.map((region) => ({ mutation: 'bad region', event: setField(event, 'region', region), expect: FIELD_PATTERN.region!, keepsId: true })),
  'no resources': ({ event }) =>
    fc.constant({ mutation: 'empty resources', event: setField(event, 'resources', []), expect: FIELD_PATTERN.resources!, keepsId: true }),
  'malformed CA ARN': ({ event, who }) =>
    badCaArn(who).map((arn) => ({
      mutation: 'malformed CA ARN',
      event: setField(event, 'resources', [arn, ...(event.resources as unknown[]).slice(1)]),
      expect: CA_ARN_PATTERN,
      keepsId: true,
    })),
  'account differs between the ARN and the event': ({ event, who }) =>
    accountId
      .filter((other) => other !== who.account)
      .map((other) => ({
        mutation: 'account mismatch',
        event: setField(event, 'account', other),
        expect: new RegExp(`the CA ARN's account ${who.account} differs from the event's account ${other}`),
        keepsId: true,
      })),
  'region differs between the ARN and the event': ({ event, who }) =>
    fc
      .constantFrom(...Object.values(REGIONS).flat())
      .filter((other) => other !== who.region)
      .map((other) => ({
        mutation: 'region mismatch',
        event: setField(event, 'region', other),
        expect: new RegExp(`the CA ARN's region ${who.region} differs from the event's region ${other}`),
        keepsId: true,
      })),
  'nested nulls': ({ event }) =>
    fc
      .constantFrom(
        { key: 'detail', value: null, expect: FIELD_PATTERN.detail! },
        { key: 'resources', value: null, expect: FIELD_PATTERN.resources! },
        { key: 'resources', value: [null], expect: CA_ARN_PATTERN },
        { key: 'detail.result', value: null, expect: RESULT_PATTERN },
      )
      .map(({ key, value, expect }) => ({
        mutation: `null ${key}`,
        event: key === 'detail.result' ? setDetail(event, 'result', value) : setField(event, key, value),
        expect,
        keepsId: true,
      })),
  'list in place of an object': ({ event }) =>
    fc
      .constantFrom(
        { event: setField(event, 'detail', [event.detail]), expect: FIELD_PATTERN.detail! },
        { event: [event], expect: /a list, not a JSON object/ },
      )
      .map((m) => ({ mutation: 'list for object', ...m, keepsId: !Array.isArray(m.event) })),
  'required field hidden under a prototype key': ({ event }) =>
    fc
      .tuple(fc.constantFrom('source', 'detail-type', 'account', 'region', 'resources', 'time', 'detail'), fc.constantFrom('__proto__', 'constructor'))
      .map(([key, holder]) => ({
        mutation: `${key} under ${holder}`,
        event: setField(dropField(event, key), holder, holder === '__proto__' ? { [key]: event[key] } : { prototype: { [key]: event[key] } }),
        expect: FIELD_PATTERN[key]!,
        keepsId: true,
      })),
  'result hidden under __proto__': ({ event }) =>
    fc.constant({
      mutation: 'result under __proto__',
      event: setField(
        event,
        'detail',
        fromEntries([...Object.entries(event.detail as Json).filter(([k]) => k !== 'result'), ['__proto__', { result: 'failure' }]]),
      ),
      expect: RESULT_PATTERN,
      keepsId: true,
    }),
};

/** Mutations that only apply to some kinds. */
const KIND_MUTATIONS: Partial<Record<HandledKind, Record<string, Mutation>>> = {};
const crlMutations: Record<string, Mutation> = {
  'unknown CRL reason': ({ event, reason }) =>
    fc
      .oneof(
        otherThan(reason!, [
          'Something else.',
          'failed to write crl to s3. internal failure.',
          'Failed to write CRL to S3.',
          'constructor',
          '__proto__',
          'toString',
          'hasOwnProperty',
          'valueOf',
        ]),
        notAString,
      )
      .filter((value) => !(typeof value === 'string' && Object.hasOwn(DOCUMENTED_CRL_REASONS, value)))
      .map((value) => ({ mutation: 'unknown reason', event: setDetail(event, 'reason', value), expect: REASON_PATTERN, keepsId: true })),
  'CRL reason missing': ({ event }) =>
    fc.constant({ mutation: 'no reason', event: setDetail(event, 'reason', undefined), expect: REASON_PATTERN, keepsId: true }),
};
KIND_MUTATIONS.CRL_S3_PERMISSION = crlMutations;
KIND_MUTATIONS.CRL_S3_INTERNAL = crlMutations;
KIND_MUTATIONS.CRL_GENERATION_INTERNAL = crlMutations;
KIND_MUTATIONS.CERTIFICATE_ISSUANCE = {
  'malformed certificate ARN': ({ event, who }) =>
    fc
      .oneof(
        notAString,
        fc.constantFrom(
          '',
          'arn:aws:acm-pca:region:account:certificate-authority/CA_ID/certificate/certificate_ID',
          `${who.caArn}/certificate/certificate_ID`,
          `${who.caArn}/certificate/${who.certificateId.toUpperCase()}`,
          `${who.caArn}/certificate/${who.certificateId.slice(1)}`,
          `${who.caArn}/certificate`,
          who.caArn,
          `${who.caArn}/certificate/${who.certificateId}/extra`,
          caArnOf(who.partition, who.region, who.account, `CA_ID/certificate/${who.certificateId}`),
        ),
        withForeignCharacter(fc.constant(certificateArnOf(who, who.certificateId))),
      )
      .map((arn) => ({ mutation: 'malformed certificate ARN', event: setField(event, 'resources', [who.caArn, arn]), expect: CERT_PATTERN, keepsId: true })),
  'certificate ARN missing': ({ event, who }) =>
    fc.constant({ mutation: 'no certificate ARN', event: setField(event, 'resources', [who.caArn]), expect: CERT_PATTERN, keepsId: true }),
  'certificate of another CA, account, region or partition': ({ event, who }) =>
    fc
      .tuple(caIdentity, fc.constantFrom('caId', 'account', 'region', 'partition'))
      .filter(([other]) => other.caId !== who.caId && other.account !== who.account && other.region !== who.region && other.partition !== who.partition)
      .map(([other, what]) => {
        const owner = { ...who, [what]: other[what as keyof CaIdentity] };
        const arn = `${caArnOf(owner.partition, owner.region, owner.account, owner.caId)}/certificate/${who.certificateId}`;
        return {
          mutation: `certificate of another ${what}`,
          event: setField(event, 'resources', [who.caArn, arn]),
          expect: /the certificate ARN .* does not belong to the CA/,
          keepsId: true,
        };
      }),
};
KIND_MUTATIONS.AUDIT_REPORT = {
  'malformed audit report id': ({ event, who }) =>
    fc
      .oneof(
        notAString,
        fc.constantFrom('', 'audit_report_ID', who.reportId.toUpperCase(), who.reportId.replace(/-/g, ''), `${who.reportId}.json`),
        withForeignCharacter(fc.constant(who.reportId)),
        huge,
      )
      .map((id) => ({
        mutation: 'malformed report id',
        event: setField(event, 'resources', [who.caArn, id]),
        expect: REPORT_PATTERN,
        keepsId: true,
      })),
  'audit report id missing': ({ event, who }) =>
    fc.constant({ mutation: 'no report id', event: setField(event, 'resources', [who.caArn]), expect: REPORT_PATTERN, keepsId: true }),
};

/** Names of every mutation, so a test can check each was drawn. */
export const MUTATION_NAMES = [...Object.keys(MUTATIONS), ...new Set(Object.values(KIND_MUTATIONS).flatMap((m) => Object.keys(m ?? {})))];

/** One valid event with exactly one invalidating mutation, and the family it came from. */
export const invalidEvent: fc.Arbitrary<InvalidEvent & { family: string }> = validEvent.chain((valid) => {
  const families = { ...MUTATIONS, ...KIND_MUTATIONS[valid.kind] };
  return fc
    .constantFrom(...Object.keys(families))
    .chain((family) =>
      families[family]!(valid).map(({ keepsId, ...invalid }) => (keepsId ? { ...invalid, family, id: valid.who.id } : { ...invalid, family })),
    );
});

/** Any JSON value, or an object whose keys look like an event's, that is not from Private CA. */
export const arbitraryJsonInput: fc.Arbitrary<unknown> = fc
  .oneof(
    fc.jsonValue(),
    fc.jsonValue({ stringUnit: 'grapheme', maxDepth: 3 }),
    fc
      .array(fc.tuple(fc.oneof(fc.constantFrom(...REQUIRED_EVENT_KEYS, ...TRICKY_KEYS), fc.string({ maxLength: 8 })), fc.jsonValue({ maxDepth: 3 })), {
        maxLength: 10,
      })
      .map(fromEntries),
  )
  .filter((value) => !(typeof value === 'object' && value !== null && (value as Json).source === 'aws.acm-pca'));
