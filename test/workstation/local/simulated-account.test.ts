import { DescribeCertificateAuthorityCommand, RevokeCertificateCommand } from '@aws-sdk/client-acm-pca';
import { DeleteBucketCommand, GetBucketPolicyCommand, PutBucketPolicyCommand } from '@aws-sdk/client-s3';
import { CreateTopicCommand, PublishCommand } from '@aws-sdk/client-sns';
import { afterEach, describe, expect, it } from 'vitest';
import { configureClients, resetClients } from '../../../src/lambda/aws/clients/registry';
import { s3 as lambdaS3Client } from '../../../src/lambda/aws/clients/s3';
import { parseAccountFile } from '../../../src/workstation/local/account-file';
import { NotModelled, SimulatedAccount } from '../../../src/workstation/local/simulated-account';
import { CA_ARN, CRL_BUCKET, fixture, pcaGrantPolicy, simulate, TestClock } from './helpers';

const TOPIC_ARN = 'arn:aws:sns:us-east-1:111122223333:pca-remediation';

describe('requestHandler', () => {
  afterEach(() => resetClients());

  it('answers the clients the handlers get from the client registry', async () => {
    const account = new SimulatedAccount(fixture('crl-missing-grant'));
    configureClients({ options: { region: 'us-east-1', credentials: { accessKeyId: 'x', secretAccessKey: 'x' }, requestHandler: account.requestHandler } });
    await expect(lambdaS3Client().send(new GetBucketPolicyCommand({ Bucket: CRL_BUCKET }))).resolves.toHaveProperty('Policy');
    expect(account.calls).toMatchObject([{ service: 'S3', operation: 'GetBucketPolicy', input: { Bucket: CRL_BUCKET } }]);
  });

  it('reads what the SDK put on the wire, and the SDK reads its answers back into its own shapes and error names', async () => {
    const { account, s3, pca } = simulate('crl-missing-grant', '2026-11-20T10:05:00Z');
    await expect(s3.send(new GetBucketPolicyCommand({ Bucket: 'no-such-bucket' }))).rejects.toMatchObject({
      name: 'NoSuchBucket',
      $metadata: { httpStatusCode: 404 },
    });
    const described = await pca.send(new DescribeCertificateAuthorityCommand({ CertificateAuthorityArn: CA_ARN }));
    // awsJson carries timestamps as epoch seconds: the SDK's parser makes Dates of them again.
    expect(described.CertificateAuthority?.CreatedAt).toBeInstanceOf(Date);
    expect(account.calls.map((call) => `${call.service} ${call.operation}`)).toEqual(['S3 GetBucketPolicy', 'ACM PCA DescribeCertificateAuthority']);
  });

  it('never lets a request reach the network', async () => {
    const { s3 } = simulate('crl-missing-grant', '2026-11-20T10:05:00Z');
    await expect(s3.send(new GetBucketPolicyCommand({ Bucket: CRL_BUCKET }))).resolves.toHaveProperty('Policy');
    await expect(s3.send(new DeleteBucketCommand({ Bucket: CRL_BUCKET }))).rejects.toBeInstanceOf(NotModelled);
  });
});

describe('operations that are not modelled', () => {
  it.each([
    ['S3 DeleteBucket', (c: ReturnType<typeof simulate>) => c.s3.send(new DeleteBucketCommand({ Bucket: CRL_BUCKET }))],
    [
      'ACM PCA RevokeCertificate',
      (c: ReturnType<typeof simulate>) =>
        c.pca.send(new RevokeCertificateCommand({ CertificateAuthorityArn: CA_ARN, CertificateSerial: '01', RevocationReason: 'KEY_COMPROMISE' })),
    ],
    ['SNS CreateTopic', (c: ReturnType<typeof simulate>) => c.sns.send(new CreateTopicCommand({ Name: 'x' }))],
  ])('%s rejects with NotModelled and is recorded as such', async (_case, call) => {
    const setup = simulate('crl-missing-grant', '2026-11-20T10:05:00Z');
    const before = setup.account.toAccountFile();
    await expect(call(setup)).rejects.toMatchObject({ name: 'NotModelled', message: expect.stringContaining('not modelled') });
    expect(setup.account.calls.at(-1)).toMatchObject({ error: 'NotModelled' });
    expect(setup.account.toAccountFile()).toEqual(before);
  });

  it('send() rejects an unknown operation with NotModelled too', async () => {
    const { account } = simulate('crl-missing-grant', '2026-11-20T10:05:00Z');
    await expect(account.send('S3', 'PutObject', { Bucket: CRL_BUCKET, Key: 'x' })).rejects.toBeInstanceOf(NotModelled);
  });
});

describe('calls', () => {
  it('records service, operation, input, error name and simulated time of every call', async () => {
    const { account, clock, s3 } = simulate('crl-missing-grant', '2026-11-20T10:05:00Z');
    await s3.send(new GetBucketPolicyCommand({ Bucket: CRL_BUCKET }));
    clock.set('2026-11-20T10:06:00Z');
    await expect(s3.send(new PutBucketPolicyCommand({ Bucket: CRL_BUCKET, Policy: 'not json' }))).rejects.toThrow();
    expect(account.calls).toEqual([
      { service: 'S3', operation: 'GetBucketPolicy', input: { Bucket: CRL_BUCKET }, at: '2026-11-20T10:05:00.000Z' },
      {
        service: 'S3',
        operation: 'PutBucketPolicy',
        input: { Bucket: CRL_BUCKET, Policy: 'not json' },
        error: 'MalformedPolicy',
        at: '2026-11-20T10:06:00.000Z',
      },
    ]);
  });

  it('send() gives the same answer as a client, with $metadata', async () => {
    const { account } = simulate('crl-missing-grant', '2026-11-20T10:05:00Z');
    await expect(account.send('ACM PCA', 'DescribeCertificateAuthority', { CertificateAuthorityArn: CA_ARN })).resolves.toMatchObject({
      CertificateAuthority: { Arn: CA_ARN },
      $metadata: { httpStatusCode: 200 },
    });
  });
});

describe('SNS Publish', () => {
  it('appends the message to notifications and returns a MessageId', async () => {
    const { account, sns } = simulate('crl-missing-grant', '2026-11-20T10:05:00Z');
    const output = await sns.send(new PublishCommand({ TopicArn: TOPIC_ARN, Subject: 'Private CA needs attention', Message: 'Fix the bucket.' }));
    expect(output.MessageId).toMatch(/^[0-9a-f-]{36}$/);
    expect(account.toAccountFile().notifications).toEqual([
      { TopicArn: TOPIC_ARN, Subject: 'Private CA needs attention', Message: 'Fix the bucket.', PublishedAt: '2026-11-20T10:05:00.000Z' },
    ]);
  });

  it.each([
    ['an empty message', { TopicArn: TOPIC_ARN, Message: '' }],
    ['a subject of 100 characters', { TopicArn: TOPIC_ARN, Message: 'm', Subject: 'x'.repeat(100) }],
    ['a subject with a line break', { TopicArn: TOPIC_ARN, Message: 'm', Subject: 'two\nlines' }],
    ['no topic', { Message: 'm' }],
  ])('rejects %s with InvalidParameterException and publishes nothing', async (_case, input) => {
    const { account, sns } = simulate('crl-missing-grant', '2026-11-20T10:05:00Z');
    await expect(sns.send(new PublishCommand(input))).rejects.toMatchObject({ name: 'InvalidParameterException' });
    expect(account.toAccountFile().notifications).toEqual([]);
  });
});

describe('toAccountFile', () => {
  it('returns the account after a run in the account file format, policy as the text S3 returns', async () => {
    const { account, s3 } = simulate('crl-missing-grant', '2026-11-20T10:05:00Z');
    await s3.send(new PutBucketPolicyCommand({ Bucket: CRL_BUCKET, Policy: pcaGrantPolicy() }));
    const after = account.toAccountFile();
    expect(after.buckets[0]?.Policy).toBe(pcaGrantPolicy());
    expect(parseAccountFile(JSON.parse(JSON.stringify(after)))).toEqual(after);
  });

  it('gives a copy: neither the file given nor the file returned is shared with the account', () => {
    const file = fixture('crl-missing-grant');
    const account = new SimulatedAccount(file, { now: new TestClock('2026-11-20T10:05:00Z').now });
    file.buckets[0]!.Policy = null;
    account.toAccountFile().buckets[0]!.Policy = null;
    expect(account.toAccountFile().buckets[0]?.Policy).toEqual(expect.stringContaining('DenyInsecureTransport'));
  });

  it('refuses an account file that does not parse', () => {
    const file = fixture('crl-missing-grant');
    file.certificateAuthorities[0]!.Status = 'SLEEPING' as never;
    expect(() => new SimulatedAccount(file)).toThrow(/\$\.certificateAuthorities\[0\]\.Status/);
  });
});
