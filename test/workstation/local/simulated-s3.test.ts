import {
  GetBucketEncryptionCommand,
  GetBucketLocationCommand,
  GetBucketOwnershipControlsCommand,
  GetBucketPolicyCommand,
  GetPublicAccessBlockCommand,
  HeadBucketCommand,
  HeadObjectCommand,
  PutBucketPolicyCommand,
} from '@aws-sdk/client-s3';
import { describe, expect, it } from 'vitest';
import { bucketOf, CRL_BUCKET, CRL_KEY, pcaGrantPolicy, simulate } from './helpers';

const NOW = '2026-11-20T10:05:00Z';

function crlAccount(edit?: Parameters<typeof simulate>[2]) {
  return simulate('crl-missing-grant', NOW, edit);
}

function withBareBucket() {
  return crlAccount((file) => {
    const bucket = file.buckets[0]!;
    bucket.Policy = null;
    bucket.PublicAccessBlockConfiguration = null;
    bucket.OwnershipControls = null;
    bucket.ServerSideEncryptionConfiguration = null;
  });
}

describe('GetBucketPolicy', () => {
  it('returns the policy as a JSON string, even when the file gave a document', async () => {
    const { s3 } = crlAccount();
    const output = await s3.send(new GetBucketPolicyCommand({ Bucket: CRL_BUCKET }));
    expect(typeof output.Policy).toBe('string');
    expect(JSON.parse(output.Policy!)).toMatchObject({ Statement: [{ Sid: 'DenyInsecureTransport' }] });
    expect(output.$metadata.httpStatusCode).toBe(200);
  });

  it('rejects with NoSuchBucketPolicy (404) when the bucket has no policy', async () => {
    const { s3 } = withBareBucket();
    await expect(s3.send(new GetBucketPolicyCommand({ Bucket: CRL_BUCKET }))).rejects.toMatchObject({
      name: 'NoSuchBucketPolicy',
      $fault: 'client',
      $metadata: { httpStatusCode: 404 },
    });
  });

  it('rejects with NoSuchBucket (404) for a bucket that does not exist', async () => {
    const { s3 } = crlAccount();
    await expect(s3.send(new GetBucketPolicyCommand({ Bucket: 'no-such-bucket' }))).rejects.toMatchObject({
      name: 'NoSuchBucket',
      $metadata: { httpStatusCode: 404 },
    });
  });
});

describe('PutBucketPolicy', () => {
  it('stores the policy text exactly as given', async () => {
    const { s3, account } = crlAccount();
    const policy = pcaGrantPolicy();
    await s3.send(new PutBucketPolicyCommand({ Bucket: CRL_BUCKET, Policy: policy }));
    expect(bucketOf(account, CRL_BUCKET).Policy).toBe(policy);
    await expect(s3.send(new GetBucketPolicyCommand({ Bucket: CRL_BUCKET }))).resolves.toMatchObject({ Policy: policy });
  });

  const big = JSON.stringify({
    Version: '2012-10-17',
    Statement: Array.from({ length: 120 }, (_, i) => ({
      Sid: `Statement${i}`,
      Effect: 'Allow',
      Principal: { AWS: `arn:aws:iam::111122223333:role/reader-with-a-rather-long-name-${i}` },
      Action: 's3:GetObject',
      Resource: `arn:aws:s3:::${CRL_BUCKET}/*`,
    })),
  });

  it.each([
    ['text that is not JSON', '{"Version": "2012-10-17", "Statement": [', 'This policy contains invalid Json'],
    ['text that does not start with {', '[]', "first byte must be '{'"],
    ['a policy over 20 KB', big, 'Policies must be less than 20KB'],
    ['a policy without Statement', '{"Version":"2012-10-17"}', 'Missing required field Statement'],
    [
      'a statement without Principal',
      JSON.stringify({ Statement: [{ Effect: 'Allow', Action: 's3:GetObject', Resource: `arn:aws:s3:::${CRL_BUCKET}/*` }] }),
      'Missing required field Principal',
    ],
    [
      'a resource of another bucket',
      JSON.stringify({ Statement: [{ Effect: 'Allow', Principal: '*', Action: 's3:GetObject', Resource: 'arn:aws:s3:::other-bucket/*' }] }),
      'Policy has invalid resource',
    ],
    [
      'an action of another service',
      JSON.stringify({ Statement: [{ Effect: 'Allow', Principal: '*', Action: 'sqs:SendMessage', Resource: `arn:aws:s3:::${CRL_BUCKET}/*` }] }),
      'Policy has invalid action',
    ],
  ])('rejects %s with MalformedPolicy (400) and keeps the stored policy', async (_case, policy, message) => {
    const { s3, account } = crlAccount();
    const before = bucketOf(account, CRL_BUCKET).Policy;
    await expect(s3.send(new PutBucketPolicyCommand({ Bucket: CRL_BUCKET, Policy: policy }))).rejects.toMatchObject({
      name: 'MalformedPolicy',
      $metadata: { httpStatusCode: 400 },
      message: expect.stringContaining(message),
    });
    expect(bucketOf(account, CRL_BUCKET).Policy).toBe(before);
  });

  it('accepts statements without Sid and with duplicate Sids, as S3 does', async () => {
    const { s3 } = crlAccount();
    const statement = { Effect: 'Allow', Principal: { Service: 'acm-pca.amazonaws.com' }, Action: 's3:PutObject', Resource: `arn:aws:s3:::${CRL_BUCKET}/*` };
    const policy = JSON.stringify({ Statement: [statement, { ...statement, Sid: 'A' }, { ...statement, Sid: 'A' }] });
    await expect(s3.send(new PutBucketPolicyCommand({ Bucket: CRL_BUCKET, Policy: policy }))).resolves.toBeDefined();
  });

  it('is denied (AccessDenied, 403) for a public policy when BlockPublicPolicy is on', async () => {
    const { s3, account } = crlAccount();
    const before = bucketOf(account, CRL_BUCKET).Policy;
    const policy = JSON.stringify({ Statement: [{ Effect: 'Allow', Principal: '*', Action: 's3:GetObject', Resource: `arn:aws:s3:::${CRL_BUCKET}/*` }] });
    await expect(s3.send(new PutBucketPolicyCommand({ Bucket: CRL_BUCKET, Policy: policy }))).rejects.toMatchObject({
      name: 'AccessDenied',
      $metadata: { httpStatusCode: 403 },
    });
    expect(bucketOf(account, CRL_BUCKET).Policy).toBe(before);
  });
});

describe('ExpectedBucketOwner', () => {
  it('denies a PutBucketPolicy whose ExpectedBucketOwner is not the owner, and changes nothing', async () => {
    const { s3, account } = crlAccount();
    const before = account.toAccountFile();
    await expect(
      s3.send(new PutBucketPolicyCommand({ Bucket: CRL_BUCKET, Policy: pcaGrantPolicy(), ExpectedBucketOwner: '444455556666' })),
    ).rejects.toMatchObject({ name: 'AccessDenied', $metadata: { httpStatusCode: 403 } });
    expect(account.toAccountFile()).toEqual(before);
    expect(account.calls.at(-1)).toMatchObject({ operation: 'PutBucketPolicy', error: 'AccessDenied' });
  });

  it.each([
    ['GetBucketPolicy', new GetBucketPolicyCommand({ Bucket: CRL_BUCKET, ExpectedBucketOwner: '444455556666' }), 'AccessDenied'],
    ['GetPublicAccessBlock', new GetPublicAccessBlockCommand({ Bucket: CRL_BUCKET, ExpectedBucketOwner: '444455556666' }), 'AccessDenied'],
    // HEAD responses have no body: SDK v3 names a 403 "Unknown".
    ['HeadObject', new HeadObjectCommand({ Bucket: CRL_BUCKET, Key: CRL_KEY, ExpectedBucketOwner: '444455556666' }), 'Unknown'],
  ])('denies %s with a wrong ExpectedBucketOwner (%s, 403)', async (_op, command, name) => {
    const { s3 } = crlAccount();
    await expect(s3.send(command as never)).rejects.toMatchObject({ name, $metadata: { httpStatusCode: 403 } });
  });

  it('answers when ExpectedBucketOwner is the owner', async () => {
    const { s3 } = crlAccount();
    await expect(s3.send(new GetBucketPolicyCommand({ Bucket: CRL_BUCKET, ExpectedBucketOwner: '111122223333' }))).resolves.toHaveProperty('Policy');
  });

  it('answers for a bucket of another account without ExpectedBucketOwner, and records a warning', async () => {
    const { s3, account } = crlAccount((file) => {
      file.buckets[0]!.Owner = '444455556666';
    });
    await expect(s3.send(new GetBucketPolicyCommand({ Bucket: CRL_BUCKET }))).resolves.toHaveProperty('Policy');
    expect(account.calls.at(-1)?.warning).toMatch(/owned by account 444455556666/);
  });
});

describe('bucket settings', () => {
  it('answers Block Public Access, Object Ownership and default encryption as S3 returns them', async () => {
    const { s3 } = crlAccount();
    await expect(s3.send(new GetPublicAccessBlockCommand({ Bucket: CRL_BUCKET }))).resolves.toMatchObject({
      PublicAccessBlockConfiguration: { BlockPublicAcls: true, IgnorePublicAcls: true, BlockPublicPolicy: true, RestrictPublicBuckets: true },
    });
    await expect(s3.send(new GetBucketOwnershipControlsCommand({ Bucket: CRL_BUCKET }))).resolves.toMatchObject({
      OwnershipControls: { Rules: [{ ObjectOwnership: 'BucketOwnerEnforced' }] },
    });
    await expect(s3.send(new GetBucketEncryptionCommand({ Bucket: CRL_BUCKET }))).resolves.toMatchObject({
      ServerSideEncryptionConfiguration: { Rules: [{ ApplyServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }] },
    });
  });

  it.each([
    ['GetPublicAccessBlock', new GetPublicAccessBlockCommand({ Bucket: CRL_BUCKET }), 'NoSuchPublicAccessBlockConfiguration'],
    ['GetBucketOwnershipControls', new GetBucketOwnershipControlsCommand({ Bucket: CRL_BUCKET }), 'OwnershipControlsNotFoundError'],
    ['GetBucketEncryption', new GetBucketEncryptionCommand({ Bucket: CRL_BUCKET }), 'ServerSideEncryptionConfigurationNotFoundError'],
  ])('%s rejects with %s (404) when the bucket has no such setting', async (_op, command, name) => {
    const { s3 } = withBareBucket();
    await expect(s3.send(command as never)).rejects.toMatchObject({ name, $metadata: { httpStatusCode: 404 } });
  });

  it('fills unset Block Public Access settings with false', async () => {
    const { s3 } = crlAccount((file) => {
      file.buckets[0]!.PublicAccessBlockConfiguration = { BlockPublicAcls: true };
    });
    await expect(s3.send(new GetPublicAccessBlockCommand({ Bucket: CRL_BUCKET }))).resolves.toMatchObject({
      PublicAccessBlockConfiguration: { BlockPublicAcls: true, IgnorePublicAcls: false, BlockPublicPolicy: false, RestrictPublicBuckets: false },
    });
  });
});

describe('objects and location', () => {
  it('HeadObject gives LastModified as a Date', async () => {
    const { s3 } = crlAccount();
    const output = await s3.send(new HeadObjectCommand({ Bucket: CRL_BUCKET, Key: CRL_KEY }));
    expect(output.LastModified).toEqual(new Date('2026-11-19T10:00:00Z'));
  });

  it.each([
    ['a missing key', CRL_BUCKET],
    ['a missing bucket', 'no-such-bucket'],
  ])('HeadObject rejects with NotFound (404) for %s', async (_case, bucket) => {
    const { s3 } = crlAccount();
    await expect(s3.send(new HeadObjectCommand({ Bucket: bucket, Key: 'crl/missing.crl' }))).rejects.toMatchObject({
      name: 'NotFound',
      $metadata: { httpStatusCode: 404 },
    });
  });

  it('GetBucketLocation leaves LocationConstraint out for us-east-1 and names other regions', async () => {
    const { s3 } = crlAccount((file) => {
      file.buckets.push({ ...file.buckets[0]!, Name: 'pca-crl-eu', Region: 'eu-west-1' });
    });
    const home = await s3.send(new GetBucketLocationCommand({ Bucket: CRL_BUCKET }));
    expect(home.LocationConstraint).toBeUndefined();
    await expect(s3.send(new GetBucketLocationCommand({ Bucket: 'pca-crl-eu' }))).resolves.toMatchObject({ LocationConstraint: 'eu-west-1' });
  });

  it('HeadBucket gives the region, and NotFound (404) for a missing bucket', async () => {
    const { s3 } = crlAccount();
    await expect(s3.send(new HeadBucketCommand({ Bucket: CRL_BUCKET }))).resolves.toMatchObject({ BucketRegion: 'us-east-1' });
    await expect(s3.send(new HeadBucketCommand({ Bucket: 'no-such-bucket' }))).rejects.toMatchObject({
      name: 'NotFound',
      $metadata: { httpStatusCode: 404 },
    });
  });
});
