/**
 * Condition semantics, observed through the analysis: an Allow for Private CA on
 * everything, guarded only by the condition under test, grants (the condition is
 * true), is uncertain (unknown) or grants nothing (false).
 */
import { describe, expect, it } from 'vitest';
import { analyzeBucketPolicy, type ConditionElement } from '../../../src/core/policy';
import { evaluateTest, type RequestContext } from '../../../src/core/policy/condition';
import type { Truth } from '../../../src/core/policy/truth';
import {
  ACCOUNT,
  allowWith,
  CA_ARN,
  CRL_BUCKET_PAIRS,
  CRL_OBJECT_PAIRS,
  CRL_PAIRS,
  CRL_REQUEST,
  OTHER_ACCOUNT,
  OTHER_CA_ARN,
  PCA,
  policyText,
} from './fixtures';

type Outcome = 'granted' | 'uncertain' | 'not granted';

function outcomeUnder(condition: ConditionElement, version = '2012-10-17'): Outcome {
  const analysis = analyzeBucketPolicy(policyText([allowWith(condition)], { Version: version }), CRL_REQUEST);
  if (analysis.missing.length === 0) return 'granted';
  expect(analysis.missing).toEqual(CRL_PAIRS);
  return analysis.uncertainAllows.length > 0 ? 'uncertain' : 'not granted';
}

const CA_PREFIX = `arn:aws:acm-pca:us-east-1:${ACCOUNT}:certificate-authority/`;

describe('conditions on keys whose value Private CA sends', () => {
  it.each<[string, ConditionElement, Outcome]>([
    ['StringEquals on the right account', { StringEquals: { 'aws:SourceAccount': ACCOUNT } }, 'granted'],
    ['StringEquals on another account', { StringEquals: { 'aws:SourceAccount': OTHER_ACCOUNT } }, 'not granted'],
    ['StringEquals with values [other, right] (ORed)', { StringEquals: { 'aws:SourceAccount': [OTHER_ACCOUNT, ACCOUNT] } }, 'granted'],
    ['StringEquals with the account as a number', { StringEquals: { 'aws:SourceAccount': Number(ACCOUNT) } }, 'granted'],
    ['StringEquals with a key in mixed case', { StringEquals: { 'AWS:sourceAccount': ACCOUNT } }, 'granted'],
    ['StringEquals with a right and a wrong key (ANDed)', { StringEquals: { 'aws:SourceAccount': ACCOUNT, 'aws:SourceArn': OTHER_CA_ARN } }, 'not granted'],
    [
      'a right and a wrong operator (ANDed)',
      { StringEquals: { 'aws:SourceAccount': ACCOUNT }, StringLike: { 'aws:SourceArn': `${OTHER_CA_ARN}*` } },
      'not granted',
    ],
    ['StringEquals on the CA ARN in upper case', { StringEquals: { 'aws:SourceArn': CA_ARN.toUpperCase() } }, 'not granted'],
    ['StringEqualsIgnoreCase on the CA ARN in upper case', { StringEqualsIgnoreCase: { 'aws:SourceArn': CA_ARN.toUpperCase() } }, 'granted'],
    ['StringNotEquals another account', { StringNotEquals: { 'aws:SourceAccount': OTHER_ACCOUNT } }, 'granted'],
    ['StringNotEquals the right account', { StringNotEquals: { 'aws:SourceAccount': ACCOUNT } }, 'not granted'],
    ['StringNotEquals [other, right]', { StringNotEquals: { 'aws:SourceAccount': [OTHER_ACCOUNT, ACCOUNT] } }, 'not granted'],
    [
      'StringNotEqualsIgnoreCase the service name in upper case',
      { StringNotEqualsIgnoreCase: { 'aws:PrincipalServiceName': PCA.toUpperCase() } },
      'not granted',
    ],
    ['StringEquals aws:PrincipalServiceName', { StringEquals: { 'aws:PrincipalServiceName': PCA } }, 'granted'],
    ['StringLike with * on the CA id', { StringLike: { 'aws:SourceArn': `${CA_PREFIX}*` } }, 'granted'],
    ['StringLike with ? on the CA id', { StringLike: { 'aws:SourceArn': `${CA_PREFIX}1111111?-2222-*` } }, 'granted'],
    ['StringLike another account', { StringLike: { 'aws:SourceArn': `arn:aws:acm-pca:*:${OTHER_ACCOUNT}:*` } }, 'not granted'],
    ['StringLike in the wrong case', { StringLike: { 'aws:SourceArn': `${CA_PREFIX.toUpperCase()}*` } }, 'not granted'],
    ['StringNotLike the account CAs', { StringNotLike: { 'aws:SourceArn': `${CA_PREFIX}*` } }, 'not granted'],
    ['StringNotLike another account', { StringNotLike: { 'aws:SourceArn': `arn:aws:acm-pca:*:${OTHER_ACCOUNT}:*` } }, 'granted'],
    ['ArnEquals the CA', { ArnEquals: { 'aws:SourceArn': CA_ARN } }, 'granted'],
    ['ArnEquals with a wildcard region', { ArnEquals: { 'aws:SourceArn': CA_ARN.replace('us-east-1', '*') } }, 'granted'],
    ['ArnLike every CA of the account', { ArnLike: { 'aws:SourceArn': `${CA_PREFIX}*` } }, 'granted'],
    ['ArnLike any region and account', { ArnLike: { 'aws:SourceArn': 'arn:aws:acm-pca:*:*:certificate-authority/*' } }, 'granted'],
    ['ArnLike with an empty account segment', { ArnLike: { 'aws:SourceArn': 'arn:aws:acm-pca:*::certificate-authority/*' } }, 'not granted'],
    ['ArnLike another CA', { ArnLike: { 'aws:SourceArn': OTHER_CA_ARN } }, 'not granted'],
    ['ArnNotEquals the CA', { ArnNotEquals: { 'aws:SourceArn': CA_ARN } }, 'not granted'],
    ['ArnNotLike another account', { ArnNotLike: { 'aws:SourceArn': `arn:aws:acm-pca:*:${OTHER_ACCOUNT}:*` } }, 'granted'],
    ['Bool aws:SecureTransport "true"', { Bool: { 'aws:SecureTransport': 'true' } }, 'granted'],
    ['Bool aws:SecureTransport true (JSON boolean)', { Bool: { 'aws:SecureTransport': true } }, 'granted'],
    ['Bool aws:SecureTransport "false"', { Bool: { 'aws:SecureTransport': 'false' } }, 'not granted'],
    ['Bool aws:PrincipalIsAWSService "TRUE"', { Bool: { 'aws:PrincipalIsAWSService': 'TRUE' } }, 'granted'],
    ['BoolIfExists aws:PrincipalIsAWSService false', { BoolIfExists: { 'aws:PrincipalIsAWSService': false } }, 'not granted'],
    ['StringEqualsIfExists another account (key present)', { StringEqualsIfExists: { 'aws:SourceAccount': OTHER_ACCOUNT } }, 'not granted'],
    ['ForAnyValue:StringEquals the right account', { 'ForAnyValue:StringEquals': { 'aws:SourceAccount': ACCOUNT } }, 'granted'],
    ['ForAllValues:StringEquals another account', { 'ForAllValues:StringEquals': { 'aws:SourceAccount': OTHER_ACCOUNT } }, 'not granted'],
    ['ForAllValues:StringNotEquals another account', { 'ForAllValues:StringNotEquals': { 'aws:SourceAccount': OTHER_ACCOUNT } }, 'granted'],
    ['Null aws:SourceArn false (present)', { Null: { 'aws:SourceArn': 'false' } }, 'granted'],
    ['Null aws:SourceArn true (present)', { Null: { 'aws:SourceArn': true } }, 'not granted'],
    ['an empty Condition', {}, 'granted'],
  ])('%s: %s', (_title, condition, expected) => {
    // Act
    const outcome = outcomeUnder(condition);

    // Assess
    expect(outcome).toBe(expected);
  });
});

describe('conditions on keys absent for a service principal', () => {
  it.each<[string, ConditionElement, Outcome]>([
    ['StringEquals aws:PrincipalOrgID', { StringEquals: { 'aws:PrincipalOrgID': 'o-x' } }, 'not granted'],
    ['StringNotEquals aws:PrincipalOrgID', { StringNotEquals: { 'aws:PrincipalOrgID': 'o-x' } }, 'granted'],
    ['StringNotEquals aws:username', { StringNotEquals: { 'aws:username': 'alice' } }, 'granted'],
    ['StringEquals aws:PrincipalTag/team', { StringEquals: { 'aws:PrincipalTag/team': 'pki' } }, 'not granted'],
    ['StringEqualsIfExists aws:PrincipalOrgID', { StringEqualsIfExists: { 'aws:PrincipalOrgID': 'o-x' } }, 'granted'],
    ['StringNotEqualsIfExists aws:PrincipalOrgID', { StringNotEqualsIfExists: { 'aws:PrincipalOrgID': 'o-x' } }, 'granted'],
    ['ForAnyValue:StringLike aws:PrincipalOrgPaths', { 'ForAnyValue:StringLike': { 'aws:PrincipalOrgPaths': 'o-x/*' } }, 'not granted'],
    ['ForAnyValue:StringNotEquals aws:PrincipalOrgPaths', { 'ForAnyValue:StringNotEquals': { 'aws:PrincipalOrgPaths': 'o-x/' } }, 'not granted'],
    ['ForAllValues:StringLike aws:PrincipalOrgPaths', { 'ForAllValues:StringLike': { 'aws:PrincipalOrgPaths': 'o-x/*' } }, 'granted'],
    ['ForAnyValue:StringEqualsIfExists aws:PrincipalOrgPaths', { 'ForAnyValue:StringEqualsIfExists': { 'aws:PrincipalOrgPaths': 'o-x/' } }, 'granted'],
    ['Null aws:PrincipalOrgID true', { Null: { 'aws:PrincipalOrgID': 'true' } }, 'granted'],
    ['Null aws:PrincipalOrgID false', { Null: { 'aws:PrincipalOrgID': false } }, 'not granted'],
    ['Null aws:PrincipalOrgID [false, true] (ORed)', { Null: { 'aws:PrincipalOrgID': ['false', 'true'] } }, 'granted'],
  ])('%s: %s', (_title, condition, expected) => {
    // Act
    const outcome = outcomeUnder(condition);

    // Assess
    expect(outcome).toBe(expected);
  });
});

// These keys used to be read as absent for a service principal. The global condition
// keys page says otherwise: aws:PrincipalAccount and aws:userid are "included in the
// request context for all requests, including anonymous requests", and aws:PrincipalArn
// "for all signed requests", while AWS gives no value for a service principal.
describe('conditions on keys in every request, whose value for a service principal AWS does not give', () => {
  it.each<[string, ConditionElement, Outcome]>([
    ['StringLike aws:PrincipalArn "*"', { StringLike: { 'aws:PrincipalArn': '*' } }, 'uncertain'],
    ['StringNotLike aws:PrincipalArn', { StringNotLike: { 'aws:PrincipalArn': 'arn:aws:iam::*:role/*' } }, 'uncertain'],
    ['ArnLike aws:PrincipalArn', { ArnLike: { 'aws:PrincipalArn': 'arn:aws:iam::*:*' } }, 'uncertain'],
    ['ArnNotEquals aws:PrincipalArn', { ArnNotEquals: { 'aws:PrincipalArn': 'arn:aws:iam::1:root' } }, 'uncertain'],
    ['ArnLikeIfExists aws:PrincipalArn', { ArnLikeIfExists: { 'aws:PrincipalArn': 'arn:aws:iam::1:*' } }, 'uncertain'],
    ['StringEquals aws:PrincipalAccount', { StringEquals: { 'aws:PrincipalAccount': ACCOUNT } }, 'uncertain'],
    ['StringEquals aws:userid', { StringEquals: { 'aws:userid': 'AIDA' } }, 'uncertain'],
    ['StringLike aws:userid "*": present, so any value matches', { StringLike: { 'aws:userid': '*' } }, 'granted'],
    ['Null aws:PrincipalAccount false: present', { Null: { 'aws:PrincipalAccount': 'false' } }, 'granted'],
  ])('%s: %s', (_title, condition, expected) => {
    // Act
    const outcome = outcomeUnder(condition);

    // Assess
    expect(outcome).toBe(expected);
  });
});

describe('conditions that cannot be decided before the request', () => {
  it.each<[string, ConditionElement, Outcome]>([
    ['StringEquals aws:SourceIp', { StringEquals: { 'aws:SourceIp': '10.0.0.1' } }, 'uncertain'],
    ['StringNotEquals aws:SourceVpce', { StringNotEquals: { 'aws:SourceVpce': 'vpce-1' } }, 'uncertain'],
    ['StringEquals aws:SourceOrgID', { StringEquals: { 'aws:SourceOrgID': 'o-x' } }, 'uncertain'],
    ['StringLike aws:SourceOrgPaths', { StringLike: { 'aws:SourceOrgPaths': 'o-x/*' } }, 'uncertain'],
    ['StringEquals aws:PrincipalType', { StringEquals: { 'aws:PrincipalType': 'Service' } }, 'uncertain'],
    ['StringEquals s3:ExistingObjectTag/x', { StringEquals: { 's3:ExistingObjectTag/x': 'y' } }, 'uncertain'],
    ['StringEquals on an unknown key', { StringEquals: { 'custom:Thing': 'x' } }, 'uncertain'],
    ['Null aws:SourceIp', { Null: { 'aws:SourceIp': 'true' } }, 'uncertain'],
    ['StringEqualsIfExists aws:SourceVpce', { StringEqualsIfExists: { 'aws:SourceVpce': 'vpce-1' } }, 'uncertain'],
    ['IpAddress on aws:SourceIp, whose value is not known', { IpAddress: { 'aws:SourceIp': '10.0.0.0/8' } }, 'uncertain'],
    ['NumericLessThan on aws:SourceAccount, a string key (type mismatch)', { NumericLessThan: { 'aws:SourceAccount': '2' } }, 'uncertain'],
    ['an operator spelt in lower case', { stringequals: { 'aws:SourceAccount': ACCOUNT } }, 'uncertain'],
    ['NullIfExists, which IAM does not have', { NullIfExists: { 'aws:SourceArn': 'false' } }, 'uncertain'],
    ['an unknown set prefix', { 'ForSomeValues:StringEquals': { 'aws:SourceAccount': ACCOUNT } }, 'uncertain'],
    ['an unknown key ANDed with a true key', { StringEquals: { 'aws:SourceIp': '10.0.0.1', 'aws:SourceAccount': ACCOUNT } }, 'uncertain'],
    ['an unknown key ANDed with a false key', { StringEquals: { 'aws:SourceIp': '10.0.0.1', 'aws:SourceAccount': OTHER_ACCOUNT } }, 'not granted'],
    [
      'an unknown operator ANDed with a false operator',
      { IpAddress: { 'aws:SourceIp': '10.0.0.0/8' }, Bool: { 'aws:SecureTransport': 'false' } },
      'not granted',
    ],
    ['a policy variable whose key is not known', { StringEquals: { 'aws:SourceAccount': '${aws:SourceVpce}' } }, 'uncertain'],
    // "When you use a variable with no value in the condition element of an IAM policy,
    // ... StringEquals or StringLike do not match" (Policy variables with no value). This
    // case used to expect 'uncertain'.
    ['a policy variable naming a key absent from the request', { StringEquals: { 'aws:SourceAccount': '${aws:PrincipalTag/account}' } }, 'not granted'],
    ['a policy variable that cannot match', { StringLike: { 'aws:SourceArn': `arn:aws:acm-pca:eu-west-1:\${aws:SourceAccount}:*` } }, 'not granted'],
    ['an escaped ${*} that is a literal star', { StringEquals: { 'aws:SourceArn': `${CA_PREFIX}\${*}` } }, 'not granted'],
  ])('%s: %s', (_title, condition, expected) => {
    // Act
    const outcome = outcomeUnder(condition);

    // Assess
    expect(outcome).toBe(expected);
  });

  // "When the policy is evaluated, the policy variables are replaced with values that come
  // from the conditional context keys passed in the request": ${aws:SourceArn} is the CA's
  // ARN, so the Allow grants. This case used to expect 'uncertain'.
  it.each([
    ['2012-10-17, where ${...} is a variable', '2012-10-17', 'granted'],
    ['2008-10-17, where ${...} is literal text', '2008-10-17', 'not granted'],
  ] as const)('reads a policy variable in a policy of Version %s', (_title, version, expected) => {
    // Act
    const outcome = outcomeUnder({ StringLike: { 'aws:SourceArn': '${aws:SourceArn}' } }, version);

    // Assess
    expect(outcome).toBe(expected);
  });
});

describe('conditions on the canned ACL (s3:x-amz-acl)', () => {
  it.each([
    ['bucket-owner-full-control, the ACL sent', 'bucket-owner-full-control', CRL_BUCKET_PAIRS],
    ['public-read, another ACL', 'public-read', CRL_PAIRS],
  ] as const)('an Allow requiring ACL %s grants only the object writes that send it', (_title, requiredAcl, missing) => {
    // Prepare: the bucket actions carry no ACL, so the key is absent for them
    const text = policyText([allowWith({ StringEquals: { 's3:x-amz-acl': requiredAcl } })]);

    // Act
    const analysis = analyzeBucketPolicy(text, { ...CRL_REQUEST, objectAcl: 'bucket-owner-full-control' });

    // Assess
    expect(analysis.missing).toEqual(missing);
  });

  it('an Allow with StringEqualsIfExists on the ACL grants the bucket actions too', () => {
    // Prepare
    const text = policyText([allowWith({ StringEqualsIfExists: { 's3:x-amz-acl': 'public-read' } })]);

    // Act
    const analysis = analyzeBucketPolicy(text, CRL_REQUEST);

    // Assess
    expect(analysis.missing).toEqual([]);
  });
});

describe('policy variables in Resource', () => {
  // "If a variable that has no value in the authorization context is used as part of the
  // Resource or NotResource element of a policy, the resource that includes a policy
  // variable with no value will not match any resource" (Policy variables with no value).
  // aws:username is absent for a service principal. This test used to expect the Allow to
  // be uncertain.
  it('treats a resource whose variable names an absent key as matching no resource', () => {
    // Prepare
    const text = policyText([allowWith(undefined, { Resource: ['arn:aws:s3:::crl-bucket', 'arn:aws:s3:::crl-bucket/${aws:username}/*'] })]);

    // Act
    const analysis = analyzeBucketPolicy(text, CRL_REQUEST);

    // Assess
    expect(analysis.missing).toEqual(CRL_OBJECT_PAIRS);
    expect(analysis.uncertainAllows).toEqual([]);
  });

  it('treats a resource whose variable is not known as uncertain where it could match', () => {
    // Prepare: aws:SourceVpce is not known in advance
    const text = policyText([allowWith(undefined, { Resource: ['arn:aws:s3:::crl-bucket', 'arn:aws:s3:::crl-bucket/${aws:SourceVpce}*'] })]);

    // Act
    const analysis = analyzeBucketPolicy(text, CRL_REQUEST);

    // Assess
    expect(analysis.missing).toEqual(CRL_OBJECT_PAIRS);
    expect(analysis.uncertainAllows).toHaveLength(1);
  });
});

describe('set operators over a key with several values', () => {
  // Private CA's own context has single values only; this checks the operator itself.
  const context: RequestContext = {
    known: new Map([['aws:tagkeys', ['team', 'env']]]),
    absent: new Set(),
    absentPrefixes: [],
  };

  it.each<[string, string, string[], Truth]>([
    ['ForAllValues: every request value is allowed', 'ForAllValues:StringEquals', ['team', 'env', 'owner'], 'yes'],
    ['ForAllValues: one request value is not allowed', 'ForAllValues:StringEquals', ['team'], 'no'],
    ['ForAnyValue: one request value matches', 'ForAnyValue:StringEquals', ['env'], 'yes'],
    ['ForAnyValue: no request value matches', 'ForAnyValue:StringEquals', ['owner'], 'no'],
    ['ForAllValues:StringNotEquals: one request value is listed', 'ForAllValues:StringNotEquals', ['env'], 'no'],
    ['ForAnyValue:StringNotEquals: one request value is not listed', 'ForAnyValue:StringNotEquals', ['env'], 'yes'],
  ])('%s', (_title, operator, values, expected) => {
    // Act
    const truth = evaluateTest({ operator, key: 'aws:TagKeys', values }, context, true);

    // Assess
    expect(truth).toBe(expected);
  });
});
