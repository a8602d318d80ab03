/**
 * The product's analyzer (src/core/policy) against an evaluator that is not the
 * product's (@cloud-copilot/iam-simulate): generated bucket policies, each judged by
 * both for the requests Private CA makes, in generated worlds (the values of the keys
 * nobody knows before the write). The product may ask a person; it may not say
 * "allowed" where IAM denies, nor "denied" where IAM allows (see judge.ts).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { bucketArn } from '../../src/core/arn';
import { PCA_PRINCIPAL, POLICY_SEED, statementArb, writeScenario, type WriteScenario } from './arbitraries';
import { compare, worldArb, type Verdict } from './judge';

/** Enough runs to meet every operator family many times, within a few seconds. */
const JUDGE_RUNS = 1_000;

type Json = Record<string, unknown>;

/**
 * Condition tests over the keys of Private CA's request, with values that match the
 * request and values that do not, and the operator families, IfExists forms and set
 * operators IAM documents.
 */
function conditionTest(s: WriteScenario): fc.Arbitrary<[string, string, unknown]> {
  const { account, caArn, partition, objectAcl } = s.request;
  const t = (operator: string, key: string, values: readonly unknown[]) =>
    fc.constantFrom(...values).map((value): [string, string, unknown] => [operator, key, value]);
  const otherAcl = objectAcl === 'public-read' ? 'bucket-owner-full-control' : 'public-read';
  return fc.oneof(
    t('StringEquals', 'aws:SourceAccount', [account, s.otherAccount, [s.otherAccount, account], '${aws:ResourceAccount}']),
    t('StringNotEquals', 'aws:SourceAccount', [account, s.otherAccount, '${aws:ResourceAccount}']),
    t('StringLike', 'aws:SourceAccount', [`${account.slice(0, 4)}*`, '????????????', `${s.otherAccount.slice(0, 6)}*`]),
    t('StringNotLike', 'aws:SourceArn', [`${caArn.slice(0, -6)}*`, `arn:${partition}:acm-pca:*:${s.otherAccount}:*`]),
    t('StringEqualsIgnoreCase', 'aws:PrincipalServiceName', ['ACM-PCA.amazonaws.com', 'cloudtrail.amazonaws.com']),
    t('StringNotEqualsIgnoreCase', 'aws:PrincipalServiceName', ['Acm-Pca.Amazonaws.Com']),
    t('ArnEquals', 'aws:SourceArn', [caArn, s.otherCaArn]),
    t('ArnNotEquals', 'aws:SourceArn', [caArn, s.otherCaArn]),
    t('ArnLike', 'aws:SourceArn', [
      `arn:${partition}:acm-pca:*:${account}:certificate-authority/*`,
      `arn:*:acm-pca:*:*:*`,
      `arn:${partition}:acm-pca:*:${s.otherAccount}:*`,
    ]),
    t('ArnNotLike', 'aws:SourceArn', [`arn:${partition}:acm-pca:*:${account}:*`, s.otherCaArn]),
    t('ArnLikeIfExists', 'aws:SourceArn', [caArn, s.otherCaArn]),
    t('Bool', 'aws:SecureTransport', ['false', 'true']),
    t('BoolIfExists', 'aws:SecureTransport', ['false']),
    t('Bool', 'aws:PrincipalIsAWSService', ['true', 'false']),
    t('Null', 'aws:PrincipalOrgID', ['true', 'false']),
    t('Null', 'aws:SourceArn', ['true', 'false']),
    t('Null', 's3:x-amz-acl', ['true', 'false']),
    t('StringEquals', 's3:x-amz-acl', [objectAcl, otherAcl]),
    t('StringNotEquals', 's3:x-amz-acl', [objectAcl, otherAcl]),
    t('StringNotEqualsIfExists', 's3:x-amz-acl', [objectAcl, otherAcl]),
    t('StringNotEquals', 'aws:PrincipalOrgID', ['o-a1b2c3d4e5']),
    t('StringNotEqualsIfExists', 'aws:PrincipalOrgID', ['o-a1b2c3d4e5']),
    t('ForAllValues:StringEquals', 'aws:PrincipalOrgID', [['o-a1b2c3d4e5']]),
    t('ForAnyValue:StringEquals', 'aws:PrincipalOrgID', [['o-a1b2c3d4e5']]),
    t('ForAnyValue:StringEquals', 'aws:SourceAccount', [[account], [s.otherAccount]]),
    t('ForAllValues:StringLike', 'aws:SourceArn', [[`arn:${partition}:acm-pca:*`], [s.otherCaArn]]),
    t('StringEquals', 'aws:ResourceAccount', [account, s.otherAccount, '${aws:SourceAccount}']),
    t('StringEquals', 'aws:PrincipalTag/team', ['pki']),
    t('IpAddress', 'aws:SourceIp', ['10.0.0.0/8']),
    t('NotIpAddressIfExists', 'aws:SourceIp', ['10.0.0.0/8']),
    t('StringNotEquals', 'aws:SourceVpce', ['vpce-1a2b3c4d']),
    t('DateGreaterThan', 'aws:CurrentTime', ['2020-01-01T00:00:00Z', '2200-01-01T00:00:00Z']),
    t('DateLessThan', 'aws:CurrentTime', ['2200-01-01T00:00:00Z']),
    t('NumericGreaterThan', 'aws:EpochTime', ['1000000000']),
    t('StringLike', 'aws:UserAgent', ['*']),
    // Policy variables: known, absent (no value), with a default.
    t('StringEquals', 'aws:SourceArn', ['${aws:SourceArn}', '${aws:username}', `\${aws:PrincipalTag/ca, '${caArn}'}`]),
    t('StringNotEquals', 'aws:SourceAccount', ['${aws:PrincipalTag/team}', `\${aws:PrincipalTag/team, '${account}'}`, '${aws:SourceAccount}']),
    t('StringLike', 'aws:SourceArn', [`arn:\${aws:username}:*`, `arn:${partition}:acm-pca:*:\${aws:SourceAccount}:*`]),
  );
}

function judgedStatement(s: WriteScenario): fc.Arbitrary<Json> {
  const arn = bucketArn(s.request.partition, s.request.bucket);
  return fc
    .record({
      effect: fc.constantFrom('Allow', 'Deny'),
      principal: fc.constantFrom<[string, unknown]>(
        ['Principal', '*'],
        ['Principal', { AWS: '*' }],
        ['Principal', { Service: PCA_PRINCIPAL }],
        ['Principal', { Service: [PCA_PRINCIPAL, 'cloudtrail.amazonaws.com'] }],
        ['Principal', { Service: 'logging.s3.amazonaws.com' }],
        ['Principal', { Service: 'ACM-PCA.amazonaws.com' }],
        ['Principal', { AWS: `arn:aws:iam::${s.request.account}:role/Admin` }],
        ['NotPrincipal', { AWS: `arn:aws:iam::${s.request.account}:role/Admin` }],
        ['NotPrincipal', { Service: PCA_PRINCIPAL }],
      ),
      action: fc.constantFrom<[string, unknown]>(
        ['Action', 's3:*'],
        ['Action', '*'],
        ['Action', ['s3:PutObject', 's3:PutObjectAcl', 's3:GetBucketAcl', 's3:GetBucketLocation']],
        ['Action', ['S3:PUTOBJECT', 's3:putobjectacl', 'S3:GetBucket*']],
        ['Action', 's3:Put*'],
        ['Action', 's3:PutObjec?'],
        ['Action', 's3:GetObject'],
        ['NotAction', 's3:Get*'],
        ['NotAction', ['s3:DeleteObject', 's3:DeleteBucket']],
      ),
      resource: fc.constantFrom<[string, unknown]>(
        ['Resource', [arn, `${arn}/*`]],
        ['Resource', '*'],
        ['Resource', `${arn}/*`],
        ['Resource', `arn:${s.request.partition}:s3:::*`],
        ['Resource', `${arn}/private/*`],
        ['NotResource', `${arn}/private/*`],
        ['NotResource', [arn, `${arn}/*`]],
      ),
      condition: fc.option(fc.array(conditionTest(s), { minLength: 1, maxLength: 3 }), { nil: undefined, freq: 3 }),
    })
    .map(({ effect, principal, action, resource, condition }) => {
      const statement: Json = { Effect: effect, [principal[0]]: principal[1], [action[0]]: action[1], [resource[0]]: resource[1] };
      if (condition) {
        const block: Record<string, Json> = {};
        for (const [operator, key, value] of condition) {
          block[operator] ??= {};
          (block[operator] as Record<string, Json>)[key] = value as Json;
        }
        statement.Condition = block;
      }
      return statement;
    });
}

/** The grant of "Access policies for CRLs in Amazon S3" for this CA, written out here. */
function documentedGrant(s: WriteScenario): Json {
  const arn = bucketArn(s.request.partition, s.request.bucket);
  return {
    Effect: 'Allow',
    Principal: { Service: PCA_PRINCIPAL },
    Action: ['s3:PutObject', 's3:PutObjectAcl', 's3:GetBucketAcl', 's3:GetBucketLocation'],
    Resource: [`${arn}/*`, arn],
    Condition: { StringEquals: { 'aws:SourceAccount': s.request.account, 'aws:SourceArn': s.request.caArn } },
  };
}

const judgedCase = writeScenario.chain((scenario) =>
  fc
    .record({
      statements: fc.array(fc.oneof({ weight: 3, arbitrary: judgedStatement(scenario) }, { weight: 2, arbitrary: statementArb(scenario) }), {
        minLength: 0,
        maxLength: 5,
      }),
      version: fc.constantFrom('2012-10-17', '2008-10-17', undefined),
      asObject: fc.boolean(),
      ownerKnown: fc.boolean(),
      // Most policies start with the grant AWS documents, so that what the other statements
      // do to it (Denies, conditions) is what gets judged.
      withGrant: fc.constantFrom(true, true, true, false),
    })
    .chain(({ statements: generated, version, asObject, ownerKnown, withGrant }) => {
      const statements = withGrant ? [documentedGrant(scenario), ...generated] : generated;
      const document: Json = version === undefined ? {} : { Version: version };
      document.Statement = asObject && statements.length === 1 ? statements[0] : statements;
      const request = ownerKnown ? scenario.request : { ...scenario.request, bucketOwner: undefined };
      if (!ownerKnown) delete request.bucketOwner;
      return worldArb(request, document, { account: scenario.otherAccount, caArn: scenario.otherCaArn }).map((world) => ({
        text: JSON.stringify(document),
        request,
        world,
      }));
    }),
);

describe('the product’s analyzer and an independent IAM evaluator on generated bucket policies', () => {
  it('never disagree where the product is sure: allowed means IAM allows every Private CA request, denied means IAM denies one', () => {
    const seen: Record<Verdict, number> = { allowed: 0, denied: 0, ask: 0 };
    const exceptions: Record<string, number> = {};
    fc.assert(
      fc.property(judgedCase, ({ text, request, world }) => {
        const result = compare(text, request, world);
        seen[result.product] += 1;
        if (result.exception) exceptions[result.exception] = (exceptions[result.exception] ?? 0) + 1;
        if (result.disagreement) {
          throw new Error(`${result.disagreement}\npolicy: ${text}\nrequest: ${JSON.stringify(request)}\nworld: ${JSON.stringify(world)}`);
        }
      }),
      { numRuns: JUDGE_RUNS, seed: POLICY_SEED },
    );
    // Not vacuous: each of the three answers comes up often.
    for (const verdict of ['allowed', 'denied', 'ask'] as const)
      expect(seen[verdict], `${verdict} in ${JSON.stringify(seen)}`).toBeGreaterThan(JUDGE_RUNS / 40);
    // The known exceptions explain a few cases, not the bulk.
    expect(
      Object.values(exceptions).reduce((sum, n) => sum + n, 0),
      JSON.stringify(exceptions),
    ).toBeLessThan(JUDGE_RUNS / 20);
  });
});
