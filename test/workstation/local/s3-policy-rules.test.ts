/**
 * The simulated S3's PutBucketPolicy validation, through a real S3 client (the refusal
 * travels as S3's XML error through src/workstation/local/wire.ts): what S3 accepts, and what it
 * refuses with MalformedPolicy and its message. Where the message is S3's as quoted in
 * public reports, the source is in src/workstation/local/s3-policy-rules.ts; "(worded here)" marks a
 * message no public source confirms.
 */
import { PutBucketPolicyCommand } from '@aws-sdk/client-s3';
import { describe, expect, it } from 'vitest';
import { bucketOf, CRL_BUCKET, simulate } from './helpers';

const ARN = `arn:aws:s3:::${CRL_BUCKET}`;
const NOW = '2026-11-20T10:05:00Z';
type Json = Record<string, unknown>;

const statement = (fields: Json = {}): Json => ({
  Effect: 'Allow',
  Principal: { Service: 'acm-pca.amazonaws.com' },
  Action: 's3:PutObject',
  Resource: `${ARN}/*`,
  ...fields,
});
const without = (field: string, fields: Json = {}): Json => {
  const s = statement(fields);
  delete s[field];
  return s;
};
const policy = (statements: unknown, version: unknown = '2012-10-17'): string =>
  JSON.stringify(version === undefined ? { Statement: statements } : { Version: version, Statement: statements });

function account() {
  // No Block Public Access: a public statement is a valid policy here.
  return simulate('crl-missing-grant', NOW, (file) => {
    file.buckets[0]!.PublicAccessBlockConfiguration = null;
  });
}

describe('PutBucketPolicy accepts what S3 accepts', () => {
  it.each([
    ['Version 2012-10-17', policy([statement()])],
    ['Version 2008-10-17', policy([statement()], '2008-10-17')],
    ['no Version', policy([statement()], undefined)],
    ['Statement as one object', policy(statement())],
    ['action names in another case', policy([statement({ Action: ['S3:PUTOBJECT', 's3:putobjectacl', 'S3:GetBucket*'], Resource: [ARN, `${ARN}/*`] })])],
    ['the action "*" and wildcards', policy([statement({ Action: ['*', 's3:Put*', 's3:PutObjec?'] })])],
    ['Principal "*"', policy([statement({ Principal: '*' })])],
    ['Principal {"AWS": "*"}', policy([statement({ Principal: { AWS: '*' } })])],
    [
      'Principal of several kinds and lists',
      policy([
        statement({
          Principal: {
            AWS: ['arn:aws:iam::111122223333:root', '444455556666'],
            Service: ['acm-pca.amazonaws.com'],
            CanonicalUser: '79a59df900b949e55d96a1e698fbacedfd6e09d98eacf8f8d5218e7cd47ef2be',
          },
        }),
      ]),
    ],
    ['NotPrincipal', policy([without('Principal', { Effect: 'Deny', NotPrincipal: { AWS: 'arn:aws:iam::111122223333:role/Admin' } })])],
    ['NotAction', policy([without('Action', { Effect: 'Deny', NotAction: ['s3:Get*', 's3:List*'] })])],
    ['NotResource', policy([without('Resource', { Effect: 'Deny', Principal: '*', NotResource: [`${ARN}/public/*`] })])],
    ['Resource "*" and a wildcard bucket', policy([statement({ Resource: ['*', 'arn:aws:s3:::pca-crl-*/*'] })])],
    [
      'a Condition block',
      policy([statement({ Condition: { StringEquals: { 'aws:SourceAccount': '111122223333' }, Bool: { 'aws:SecureTransport': 'true' } } })]),
    ],
    ['statements without Sid and with repeated Sids', policy([statement(), statement({ Sid: 'A' }), statement({ Sid: 'A' })])],
  ])('%s', async (_case, text) => {
    const { s3, account: simulated } = account();
    await expect(s3.send(new PutBucketPolicyCommand({ Bucket: CRL_BUCKET, Policy: text }))).resolves.toBeDefined();
    expect(bucketOf(simulated, CRL_BUCKET).Policy).toBe(text);
  });
});

describe('PutBucketPolicy refuses what S3 refuses, with MalformedPolicy (400) and S3’s message, changing nothing', () => {
  it.each([
    ['text that does not start with {', '[]', "Policies must be valid JSON and the first byte must be '{'"],
    ['text that is not JSON', '{"Statement": [', 'This policy contains invalid Json'],
    ['an unknown Version', policy([statement()], '2017-06-20'), 'The policy must contain a valid version string'],
    ['an empty Version', policy([statement()], ''), 'The policy must contain a valid version string'],
    ['a Version that is not a string', policy([statement()], 2012), 'The policy must contain a valid version string'],
    ['no Statement', JSON.stringify({ Version: '2012-10-17' }), 'Missing required field Statement'],
    ['no Principal', policy([without('Principal')]), 'Missing required field Principal'],
    ['an empty Principal', policy([statement({ Principal: {} })]), 'Missing required field Principal cannot be empty!'],
    ['a Principal that is a string other than "*"', policy([statement({ Principal: 'acm-pca.amazonaws.com' })]), 'Invalid principal in policy'],
    ['a Principal of an unknown kind', policy([statement({ Principal: { Services: 'acm-pca.amazonaws.com' } })]), 'Invalid principal in policy'],
    ['an unknown Effect', policy([statement({ Effect: 'Permit' })]), 'Invalid effect: Permit'],
    ['an Effect in another case', policy([statement({ Effect: 'allow' })]), 'Invalid effect: allow'],
    ['an action of another service', policy([statement({ Action: 'sqs:SendMessage' })]), 'Policy has invalid action'],
    ['an action without a service prefix', policy([statement({ Action: 'PutObject' })]), 'Policy has invalid action'],
    ['an empty action list', policy([statement({ Action: [] })]), 'Policy has invalid action'],
    ['a resource of another bucket', policy([statement({ Resource: 'arn:aws:s3:::other-bucket/*' })]), 'Policy has invalid resource'],
    ['a resource that is not an S3 ARN', policy([statement({ Resource: 'arn:aws:sqs:us-east-1:111122223333:queue' })]), 'Policy has invalid resource'],
    ['(worded here) no Effect', policy([without('Effect')]), 'Missing required field Effect'],
    ['(worded here) no Action', policy([without('Action')]), 'Missing required field Action'],
    ['(worded here) no Resource', policy([without('Resource')]), 'Missing required field Resource'],
    ['(worded here) an empty Statement list', policy([]), 'Statement is empty'],
    ['(worded here) a statement that is not an object', policy(['Allow']), 'Statement must be an object'],
  ])('%s', async (_case, text, message) => {
    const { s3, account: simulated } = account();
    const before = bucketOf(simulated, CRL_BUCKET).Policy;
    const error = await s3.send(new PutBucketPolicyCommand({ Bucket: CRL_BUCKET, Policy: text })).then(
      () => undefined,
      (e: unknown) => e as { name: string; message: string; $metadata: { httpStatusCode?: number } },
    );
    expect(error, 'refused').toBeDefined();
    expect(error!.name).toBe('MalformedPolicy');
    expect(error!.$metadata.httpStatusCode).toBe(400);
    expect(error!.message).toBe(message === 'Statement is empty' ? 'Could not parse the policy: Statement is empty!' : message);
    expect(bucketOf(simulated, CRL_BUCKET).Policy).toBe(before);
  });
});
