/**
 * SigV4: the product's `signRequest` gives the signature the SDK's signer gives, for the
 * SDK's own requests (same headers, body and date), on S3 (single-encoded path, signed
 * payload hash), awsJson 1.0 and 1.1 services and SNS's form POST, with and without a
 * session token; and AWS's documented example vector.
 */
import * as Pca from '@aws-sdk/client-acm-pca';
import * as Ddb from '@aws-sdk/client-dynamodb';
import * as S3Sdk from '@aws-sdk/client-s3';
import * as Sns from '@aws-sdk/client-sns';
import { describe, expect, it } from 'vitest';
import { amzDate, canonicalQuery, canonicalRequest, sha256Hex, signRequest, uriEncode, type Credentials, type HttpRequest } from '../../../src/lib/aws/sigv4';
import { captureSdkRequest, CREDENTIALS, parseAmzDate, productCopyOf, REGION, SESSION_CREDENTIALS, type SdkRequest } from './sdk-harness';

/** Headers the SDK's signer never signs that it sends (the product sends none of them). */
const UNSIGNED_BY_SDK = ['authorization', 'user-agent'];

type Capture = [label: string, signingName: string, capture: (credentials: Credentials) => Promise<SdkRequest>];

const POLICY = '{"Version":"2012-10-17","Statement":[{"Sid":"ü","Effect":"Allow","Principal":{"Service":"acm-pca.amazonaws.com"},"Action":"s3:PutObject","Resource":"arn:aws:s3:::b/*"}]}';

const CAPTURES: Capture[] = [
  ['S3 GetBucketPolicy, dotted bucket (path-style), ExpectedBucketOwner', 's3', (credentials) =>
    captureSdkRequest(new S3Sdk.S3Client({ region: REGION, credentials }), new S3Sdk.GetBucketPolicyCommand({ Bucket: 'pca-crl.example.com', ExpectedBucketOwner: '111122223333' }))],
  ['S3 PutBucketPolicy, body with multi-byte characters and a checksum header', 's3', (credentials) =>
    captureSdkRequest(new S3Sdk.S3Client({ region: REGION, credentials }), new S3Sdk.PutBucketPolicyCommand({ Bucket: 'pca-crl-111122223333', Policy: POLICY }))],
  ['S3 HeadObject, key with spaces, unicode, + and reserved characters', 's3', (credentials) =>
    captureSdkRequest(new S3Sdk.S3Client({ region: REGION, credentials }), new S3Sdk.HeadObjectCommand({ Bucket: 'pca-crl-111122223333', Key: "custom path/CRL ü €+1/a~b!c*(d)'=&?#%.crl" }))],
  ['DynamoDB PutItem (awsJson 1.0)', 'dynamodb', (credentials) =>
    captureSdkRequest(new Ddb.DynamoDBClient({ region: REGION, credentials }), new Ddb.PutItemCommand({ TableName: 't', Item: { pk: { S: 'ü' } }, ConditionExpression: 'attribute_not_exists(pk)' }))],
  ['ACM PCA DescribeCertificateAuthority (awsJson 1.1, the older SDK generation)', 'acm-pca', (credentials) =>
    captureSdkRequest(new Pca.ACMPCAClient({ region: REGION, credentials }), new Pca.DescribeCertificateAuthorityCommand({ CertificateAuthorityArn: 'arn:aws:acm-pca:eu-west-1:111122223333:certificate-authority/1' }))],
  ['SNS Publish (awsQuery form)', 'sns', (credentials) =>
    captureSdkRequest(new Sns.SNSClient({ region: REGION, credentials }), new Sns.PublishCommand({ TopicArn: 'arn:aws:sns:eu-west-1:111122223333:t', Subject: 'a & b = c', Message: 'line 1\nline 2 ü 😀 +%' }))],
];

const WITH_AND_WITHOUT_TOKEN = CAPTURES.flatMap(([label, service, capture]) => [
  [`${label}, long-term keys`, service, capture, CREDENTIALS] as const,
  [`${label}, session token`, service, capture, SESSION_CREDENTIALS] as const,
]);

describe('signRequest signs as the SDK does', () => {
  it.each(WITH_AND_WITHOUT_TOKEN)('%s', async (_label, service, capture, credentials) => {
    const sdk = await capture(credentials);
    expect(sdk.headers.authorization).toMatch(/^AWS4-HMAC-SHA256 Credential=/);
    expect('x-amz-security-token' in sdk.headers).toBe('sessionToken' in credentials);

    const mine = signRequest(productCopyOf(sdk, UNSIGNED_BY_SDK), credentials, { service, region: REGION }, parseAmzDate(sdk.headers['x-amz-date']!));
    expect(mine.headers.authorization).toBe(sdk.headers.authorization);
    expect(mine.headers['x-amz-date']).toBe(sdk.headers['x-amz-date']);
    expect(mine.headers['x-amz-security-token']).toBe(sdk.headers['x-amz-security-token']);
    if (service === 's3') expect(mine.headers['x-amz-content-sha256']).toBe(sdk.headers['x-amz-content-sha256']);
  });

  it('a different secret, date, region or header changes the signature (the comparison above is not vacuous)', async () => {
    const sdk = await CAPTURES[0]![2](CREDENTIALS);
    const date = parseAmzDate(sdk.headers['x-amz-date']!);
    const sign = (change: (request: HttpRequest) => void, credentials: Credentials = CREDENTIALS, when = date, region = REGION) => {
      const request = productCopyOf(sdk, UNSIGNED_BY_SDK);
      change(request);
      return signRequest(request, credentials, { service: 's3', region }, when).headers.authorization;
    };
    const same = sign(() => undefined);
    expect(same).toBe(sdk.headers.authorization);
    expect(sign(() => undefined, { ...CREDENTIALS, secretAccessKey: `${CREDENTIALS.secretAccessKey}x` })).not.toBe(same);
    expect(sign(() => undefined, CREDENTIALS, new Date(date.getTime() + 1000))).not.toBe(same);
    expect(sign(() => undefined, CREDENTIALS, date, 'eu-west-2')).not.toBe(same);
    expect(sign((request) => (request.headers['x-amz-expected-bucket-owner'] = '444455556666'))).not.toBe(same);
    expect(sign((request) => (request.query = { policy: '', x: '1' }))).not.toBe(same);
  });
});

describe('the AWS documentation example (IAM ListUsers)', () => {
  // https://docs.aws.amazon.com/IAM/latest/UserGuide/create-signed-request.html and the SigV4 test suite.
  const request = (): HttpRequest => ({
    method: 'GET',
    protocol: 'https:',
    hostname: 'iam.amazonaws.com',
    path: '/',
    query: { Action: 'ListUsers', Version: '2010-05-08' },
    headers: { 'content-type': 'application/x-www-form-urlencoded; charset=utf-8' },
    body: '',
  });
  const credentials = { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY' };
  const date = new Date('2015-08-30T12:36:00Z');

  it('canonical request', () => {
    const signed = signRequest(request(), credentials, { service: 'iam', region: 'us-east-1' }, date);
    const { authorization: _signature, ...headers } = signed.headers;
    expect(headers).toEqual({ 'content-type': 'application/x-www-form-urlencoded; charset=utf-8', host: 'iam.amazonaws.com', 'x-amz-date': '20150830T123600Z' });
    const { text, signedHeaders } = canonicalRequest({ ...signed, headers }, 'iam');
    expect(text).toBe(
      [
        'GET',
        '/',
        'Action=ListUsers&Version=2010-05-08',
        'content-type:application/x-www-form-urlencoded; charset=utf-8',
        'host:iam.amazonaws.com',
        'x-amz-date:20150830T123600Z',
        '',
        'content-type;host;x-amz-date',
        'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
      ].join('\n'),
    );
    expect(signedHeaders).toBe('content-type;host;x-amz-date');
    expect(sha256Hex(text)).toBe('f536975d06c0309214f805bb90ccff089219ecd68b2577efef23edd43b7e1a59');
  });

  it('signature 5d672d79…', () => {
    const signed = signRequest(request(), credentials, { service: 'iam', region: 'us-east-1' }, date);
    expect(signed.headers.authorization).toBe(
      'AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/iam/aws4_request, SignedHeaders=content-type;host;x-amz-date, Signature=5d672d79c15b13162d9279b0855cfba6789a8edb4c82c400e06b5924a6f2b5d7',
    );
  });
});

describe('the pieces', () => {
  it('amzDate drops separators and milliseconds', () => {
    expect(amzDate(new Date('2026-11-21T10:15:00.999Z'))).toBe('20261121T101500Z');
  });

  it('uriEncode is RFC 3986: unreserved characters only are left alone', () => {
    expect(uriEncode("AZaz09-_.~ !'()*+/=&?#%ü😀")).toBe('AZaz09-_.~%20%21%27%28%29%2A%2B%2F%3D%26%3F%23%25%C3%BC%F0%9F%98%80');
  });

  it('canonicalQuery sorts by encoded name, then value, and keeps empty values', () => {
    expect(canonicalQuery({ policy: '' })).toBe('policy=');
    expect(canonicalQuery({ b: '2', a: 'x y', 'A~': '+', _: '' })).toBe('A~=%2B&_=&a=x%20y&b=2');
  });

  it('non-S3 paths are encoded a second time, S3 paths are not', () => {
    const base: HttpRequest = { method: 'GET', protocol: 'https:', hostname: 'h', path: '/a%20b/c', query: {}, headers: {}, body: '' };
    expect(canonicalRequest(base, 'sns').text.split('\n')[1]).toBe('/a%2520b/c');
    expect(canonicalRequest(base, 's3').text.split('\n')[1]).toBe('/a%20b/c');
  });

  it('header values are trimmed and inner runs of spaces folded; names are lowercased and sorted', () => {
    const request: HttpRequest = { method: 'POST', protocol: 'https:', hostname: 'h', path: '/', query: {}, headers: { 'X-B': '  two   words  ', 'x-a': '1' }, body: 'x' };
    const { text, signedHeaders } = canonicalRequest(request, 'sns');
    expect(text.split('\n').slice(3, 5)).toEqual(['x-a:1', 'x-b:two words']);
    expect(signedHeaders).toBe('x-a;x-b');
  });

  it('signing replaces an earlier signature and sets the S3 payload hash and the port in host', () => {
    const request: HttpRequest = { method: 'PUT', protocol: 'http:', hostname: '127.0.0.1', port: 9000, path: '/b', query: { policy: '' }, headers: { authorization: 'stale' }, body: '{}' };
    const signed = signRequest(request, SESSION_CREDENTIALS, { service: 's3', region: 'us-east-1' }, new Date('2026-01-01T00:00:00Z'));
    expect(signed.headers.host).toBe('127.0.0.1:9000');
    expect(signed.headers['x-amz-content-sha256']).toBe(sha256Hex('{}'));
    expect(signed.headers['x-amz-security-token']).toBe(SESSION_CREDENTIALS.sessionToken);
    expect(signed.headers.authorization).toMatch(/SignedHeaders=host;x-amz-content-sha256;x-amz-date;x-amz-security-token, Signature=[0-9a-f]{64}$/);
  });
});
