import { afterEach, describe, expect, it, vi } from 'vitest';
import { ServiceClient, type OperationMap } from '../../src/lib/aws/client';
import { sendHttp } from '../../src/lib/aws/http';
import { S3, type S3Operations } from '../../src/lib/aws/services/s3';
import { configureClients, resetClients } from '../../src/lib/clients/registry';
import { s3 as lambdaS3Client } from '../../src/lib/clients/s3';
import { parseAccountFile } from '../../src/local/account-file';
import { localClientOptions, SDK_MAX_ATTEMPTS } from '../../src/local/sdk-options';
import { NotModelled, SimulatedAccount } from '../../src/local/simulated-account';
import { CA_ARN, CRL_BUCKET, fixture, pcaGrantPolicy, sendThroughTransport, simulate, TestClock } from './helpers';

// Every request the clients would send over HTTP fails the test: the account's transport must answer them all.
vi.mock('../../src/lib/aws/http', async (importOriginal) => ({
  ...(await importOriginal<typeof import('../../src/lib/aws/http')>()),
  sendHttp: vi.fn(async () => {
    throw new Error('a request reached the network');
  }),
}));

const TOPIC_ARN = 'arn:aws:sns:us-east-1:111122223333:pca-remediation';

describe('transport', () => {
  afterEach(() => resetClients());

  it('answers the clients the handlers get from the client registry', async () => {
    const account = new SimulatedAccount(fixture('crl-missing-grant'));
    configureClients({ options: { ...localClientOptions(), transport: account.transport } });
    await expect(lambdaS3Client().send('GetBucketPolicy', { Bucket: CRL_BUCKET })).resolves.toHaveProperty('Policy');
    expect(account.calls).toMatchObject([{ service: 'S3', operation: 'GetBucketPolicy', input: { Bucket: CRL_BUCKET } }]);
  });

  it('never lets a request reach the network', async () => {
    const account = new SimulatedAccount(fixture('crl-missing-grant'));
    const client = new ServiceClient<S3Operations>(S3, { ...localClientOptions(), transport: account.transport });
    await expect(client.send('GetBucketPolicy', { Bucket: CRL_BUCKET })).resolves.toHaveProperty('Policy');
    await expect(client.send('GetBucketPolicy', { Bucket: 'no-such-bucket' })).rejects.toMatchObject({ name: 'NoSuchBucket' });
    // An operation the client does not send is refused before any attempt (the account would answer NotModelled: below).
    await expect((client as unknown as ServiceClient<OperationMap>).send('DeleteBucket', { Bucket: CRL_BUCKET })).rejects.toMatchObject({ name: 'InvalidRequest' });
    // Every retry of a fault is answered by the account too.
    account.setFaults({ rate: 1, kinds: ['timeout'], seed: 1 });
    await expect(client.send('GetBucketPolicy', { Bucket: CRL_BUCKET })).rejects.toMatchObject({ name: 'TimeoutError', $metadata: { attempts: SDK_MAX_ATTEMPTS } });
    expect(sendHttp).not.toHaveBeenCalled();
  });

  it('may answer several clients at once, each call recorded once', async () => {
    const { account, s3 } = simulate('crl-missing-grant', '2026-11-20T10:05:00Z');
    const another = new ServiceClient<S3Operations>(S3, { ...localClientOptions(), transport: account.transport });
    await expect(s3.send('GetBucketPolicy', { Bucket: CRL_BUCKET })).resolves.toHaveProperty('Policy');
    await expect(another.send('GetBucketPolicy', { Bucket: CRL_BUCKET })).resolves.toHaveProperty('Policy');
    expect(account.calls).toHaveLength(2);
  });
});

describe('operations that are not modelled', () => {
  it.each([
    ['S3 DeleteBucket', (c: ReturnType<typeof simulate>) => sendThroughTransport(c.account, 'S3', 'DeleteBucket', { Bucket: CRL_BUCKET })],
    ['ACM PCA RevokeCertificate', (c: ReturnType<typeof simulate>) =>
      sendThroughTransport(c.account, 'ACM PCA', 'RevokeCertificate', { CertificateAuthorityArn: CA_ARN, CertificateSerial: '01', RevocationReason: 'KEY_COMPROMISE' })],
    ['SNS CreateTopic', (c: ReturnType<typeof simulate>) => sendThroughTransport(c.account, 'SNS', 'CreateTopic', { Name: 'x' })],
  ])('%s, asked of the transport, rejects with NotModelled and is recorded as such', async (_case, call) => {
    const setup = simulate('crl-missing-grant', '2026-11-20T10:05:00Z');
    const before = setup.account.toAccountFile();
    await expect(call(setup)).rejects.toMatchObject({ name: 'NotModelled', message: expect.stringContaining('not modelled') });
    expect(setup.account.calls.at(-1)).toMatchObject({ error: 'NotModelled' });
    expect(setup.account.toAccountFile()).toEqual(before);
  });

  it.each([
    ['S3 DeleteBucket', (c: ReturnType<typeof simulate>) => (c.s3 as unknown as ServiceClient<OperationMap>).send('DeleteBucket', { Bucket: CRL_BUCKET })],
    ['ACM PCA RevokeCertificate', (c: ReturnType<typeof simulate>) =>
      (c.pca as unknown as ServiceClient<OperationMap>).send('RevokeCertificate', { CertificateAuthorityArn: CA_ARN, CertificateSerial: '01', RevocationReason: 'KEY_COMPROMISE' })],
    ['SNS CreateTopic', (c: ReturnType<typeof simulate>) => (c.sns as unknown as ServiceClient<OperationMap>).send('CreateTopic', { Name: 'x' })],
  ])('%s is refused by the product client before it reaches the account', async (_case, call) => {
    const setup = simulate('crl-missing-grant', '2026-11-20T10:05:00Z');
    await expect(call(setup)).rejects.toMatchObject({ name: 'InvalidRequest' });
    expect(setup.account.calls).toEqual([]);
  });

  it('send() rejects an unknown operation with NotModelled too', async () => {
    const { account } = simulate('crl-missing-grant', '2026-11-20T10:05:00Z');
    await expect(account.send('S3', 'PutObject', { Bucket: CRL_BUCKET, Key: 'x' })).rejects.toBeInstanceOf(NotModelled);
  });
});

describe('calls', () => {
  it('records service, operation, input, error name and simulated time of every call', async () => {
    const { account, clock, s3 } = simulate('crl-missing-grant', '2026-11-20T10:05:00Z');
    await s3.send('GetBucketPolicy', { Bucket: CRL_BUCKET });
    clock.set('2026-11-20T10:06:00Z');
    await expect(s3.send('PutBucketPolicy', { Bucket: CRL_BUCKET, Policy: 'not json' })).rejects.toThrow();
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
    const output = await sns.send('Publish', { TopicArn: TOPIC_ARN, Subject: 'Private CA needs attention', Message: 'Fix the bucket.' });
    expect(output.MessageId).toMatch(/^[0-9a-f-]{36}$/);
    expect(account.toAccountFile().notifications).toEqual([
      { TopicArn: TOPIC_ARN, Subject: 'Private CA needs attention', Message: 'Fix the bucket.', PublishedAt: '2026-11-20T10:05:00.000Z' },
    ]);
  });

  // InvalidParameter is SNS's error code on the wire, which the SDK named InvalidParameterException.
  it.each([
    ['an empty message', { TopicArn: TOPIC_ARN, Message: '' }],
    ['a subject of 100 characters', { TopicArn: TOPIC_ARN, Message: 'm', Subject: 'x'.repeat(100) }],
    ['a subject with a line break', { TopicArn: TOPIC_ARN, Message: 'm', Subject: 'two\nlines' }],
    ['no topic', { Message: 'm' }],
  ])('rejects %s with InvalidParameter and publishes nothing', async (_case, input) => {
    const { account, sns } = simulate('crl-missing-grant', '2026-11-20T10:05:00Z');
    await expect(sns.send('Publish', input as { TopicArn?: string; Message: string })).rejects.toMatchObject({ name: 'InvalidParameter', $metadata: { httpStatusCode: 400 } });
    expect(account.toAccountFile().notifications).toEqual([]);
  });
});

describe('toAccountFile', () => {
  it('returns the account after a run in the account file format, policy as the text S3 returns', async () => {
    const { account, s3 } = simulate('crl-missing-grant', '2026-11-20T10:05:00Z');
    await s3.send('PutBucketPolicy', { Bucket: CRL_BUCKET, Policy: pcaGrantPolicy() });
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
