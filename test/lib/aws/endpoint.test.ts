/**
 * resolveEndpoint and S3 addressing against the SDK's endpoint resolution: the same host
 * for each service and region of the partitions the product supports (aws, aws-cn,
 * aws-us-gov), the same AWS_ENDPOINT_URL_<ID> / AWS_ENDPOINT_URL precedence, and the same
 * choice between an S3 bucket's virtual host and path-style addressing.
 */
import * as Pca from '@aws-sdk/client-acm-pca';
import * as Ddb from '@aws-sdk/client-dynamodb';
import * as S3Sdk from '@aws-sdk/client-s3';
import * as Sfn from '@aws-sdk/client-sfn';
import * as Sns from '@aws-sdk/client-sns';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { resolveEndpoint, type ServiceDefinition } from '../../../src/lib/aws/client';
import { ACM_PCA } from '../../../src/lib/aws/services/acm-pca';
import { DYNAMODB } from '../../../src/lib/aws/services/dynamodb';
import { S3 } from '../../../src/lib/aws/services/s3';
import { SFN } from '../../../src/lib/aws/services/sfn';
import { SNS } from '../../../src/lib/aws/services/sns';
import { captureSdkRequest, CREDENTIALS, type SdkRequest } from './sdk-harness';

afterEach(() => vi.unstubAllEnvs());

const ENDPOINT_VARIABLES = ['AWS_ENDPOINT_URL', 'AWS_ENDPOINT_URL_S3', 'AWS_ENDPOINT_URL_ACM_PCA', 'AWS_ENDPOINT_URL_DYNAMODB', 'AWS_ENDPOINT_URL_SNS', 'AWS_ENDPOINT_URL_SFN', 'AWS_IGNORE_CONFIGURED_ENDPOINT_URLS'];

/** Only the variables a case sets (the SDK would also read a developer's own). */
function stubEndpointEnv(values: Record<string, string>): void {
  for (const name of ENDPOINT_VARIABLES) vi.stubEnv(name, values[name]);
}

type Sdk = [definition: ServiceDefinition, request: (region: string, endpoint?: string) => Promise<SdkRequest>];

const SERVICES: Record<string, Sdk> = {
  // A dotted bucket is addressed path-style on AWS, so the host is the endpoint's. On a configured http endpoint
  // the SDK would put even a dotted name in the host (and fail on an IP), so those cases use a plain name (an IP: path-style).
  S3: [S3, (region, endpoint) => {
    const configured = endpoint || process.env.AWS_ENDPOINT_URL || process.env.AWS_ENDPOINT_URL_S3;
    return captureSdkRequest(new S3Sdk.S3Client({ region, credentials: CREDENTIALS, endpoint }), new S3Sdk.GetBucketPolicyCommand({ Bucket: configured ? 'pca-crl-111122223333' : 'pca-crl.example.com' }));
  }],
  'ACM PCA': [ACM_PCA, (region, endpoint) => captureSdkRequest(new Pca.ACMPCAClient({ region, credentials: CREDENTIALS, endpoint }), new Pca.DescribeCertificateAuthorityCommand({ CertificateAuthorityArn: 'arn' }))],
  DynamoDB: [DYNAMODB, (region, endpoint) => captureSdkRequest(new Ddb.DynamoDBClient({ region, credentials: CREDENTIALS, endpoint }), new Ddb.GetItemCommand({ TableName: 't', Key: {} }))],
  SNS: [SNS, (region, endpoint) => captureSdkRequest(new Sns.SNSClient({ region, credentials: CREDENTIALS, endpoint }), new Sns.PublishCommand({ TopicArn: 't', Message: 'm' }))],
  SFN: [SFN, (region, endpoint) => captureSdkRequest(new Sfn.SFNClient({ region, credentials: CREDENTIALS, endpoint }), new Sfn.StartExecutionCommand({ stateMachineArn: 'a' }))],
};

const where = (request: SdkRequest) => ({ protocol: request.protocol, hostname: request.hostname, port: request.port || undefined });
const mine = (definition: ServiceDefinition, region: string, endpoint?: string) => {
  const { protocol, hostname, port } = resolveEndpoint(definition, region, endpoint);
  return { protocol, hostname, port };
};

describe('AWS’s endpoints', () => {
  const regions = ['us-east-1', 'eu-west-1', 'ap-southeast-5', 'mx-central-1', 'il-central-1', 'cn-north-1', 'cn-northwest-1', 'us-gov-west-1', 'us-gov-east-1'];
  const cases = Object.keys(SERVICES).flatMap((service) => regions.map((region) => [service, region] as const));

  it.each(cases)('%s in %s: the SDK’s host', async (service, region) => {
    stubEndpointEnv({});
    const [definition, sdkRequest] = SERVICES[service]!;
    expect(mine(definition, region)).toEqual(where(await sdkRequest(region)));
  });

  it('China has its own domain; the others are amazonaws.com', () => {
    stubEndpointEnv({});
    expect(resolveEndpoint(DYNAMODB, 'cn-north-1')).toEqual({ protocol: 'https:', hostname: 'dynamodb.cn-north-1.amazonaws.com.cn', custom: false });
    expect(resolveEndpoint(SFN, 'us-gov-west-1')).toEqual({ protocol: 'https:', hostname: 'states.us-gov-west-1.amazonaws.com', custom: false });
  });

  // Pinned so that a deployment there is a known gap, not a surprise: the ISO partitions and the
  // European Sovereign Cloud have their own domains, which the product's resolver does not know.
  it.each([
    ['us-iso-east-1', 'sns.us-iso-east-1.c2s.ic.gov'],
    ['us-isob-east-1', 'sns.us-isob-east-1.sc2s.sgov.gov'],
    ['eusc-de-east-1', 'sns.eusc-de-east-1.amazonaws.eu'],
  ])('known difference: %s is %s to the SDK, amazonaws.com to the product', async (region, sdkHost) => {
    stubEndpointEnv({});
    expect((await SERVICES.SNS![1](region)).hostname).toBe(sdkHost);
    expect(resolveEndpoint(SNS, region).hostname).toBe(`sns.${region}.amazonaws.com`);
  });
});

describe('configured endpoints', () => {
  const ids: Record<string, string> = { S3: 'S3', 'ACM PCA': 'ACM_PCA', DynamoDB: 'DYNAMODB', SNS: 'SNS', SFN: 'SFN' };

  it.each(Object.keys(SERVICES))('%s: AWS_ENDPOINT_URL_<id> is the SDK’s variable, and beats AWS_ENDPOINT_URL', async (service) => {
    const [definition, sdkRequest] = SERVICES[service]!;
    expect(definition.endpointEnvId).toBe(ids[service]);
    stubEndpointEnv({ AWS_ENDPOINT_URL: 'http://127.0.0.1:4000', [`AWS_ENDPOINT_URL_${ids[service]}`]: 'http://127.0.0.1:4567' });
    const sdk = await sdkRequest('eu-west-1');
    expect(where(sdk)).toEqual({ protocol: 'http:', hostname: '127.0.0.1', port: 4567 });
    expect(mine(definition, 'eu-west-1')).toEqual(where(sdk));
    expect(resolveEndpoint(definition, 'eu-west-1').custom).toBe(true);
  });

  it.each(Object.keys(SERVICES))('%s: AWS_ENDPOINT_URL alone applies, and another service’s variable does not', async (service) => {
    const [definition, sdkRequest] = SERVICES[service]!;
    const other = service === 'SNS' ? 'AWS_ENDPOINT_URL_SFN' : 'AWS_ENDPOINT_URL_SNS';
    stubEndpointEnv({ AWS_ENDPOINT_URL: 'http://127.0.0.1:4000', [other]: 'http://127.0.0.1:4999' });
    const sdk = await sdkRequest('eu-west-1');
    expect(where(sdk)).toEqual({ protocol: 'http:', hostname: '127.0.0.1', port: 4000 });
    expect(mine(definition, 'eu-west-1')).toEqual(where(sdk));
  });

  it.each(Object.keys(SERVICES))('%s: the endpoint option beats both variables', async (service) => {
    const [definition, sdkRequest] = SERVICES[service]!;
    stubEndpointEnv({ AWS_ENDPOINT_URL: 'http://127.0.0.1:4000', [`AWS_ENDPOINT_URL_${ids[service]}`]: 'http://127.0.0.1:4567' });
    const sdk = await sdkRequest('eu-west-1', 'http://127.0.0.1:9000');
    expect(where(sdk)).toEqual({ protocol: 'http:', hostname: '127.0.0.1', port: 9000 });
    expect(mine(definition, 'eu-west-1', 'http://127.0.0.1:9000')).toEqual(where(sdk));
  });

  it('an empty AWS_ENDPOINT_URL_<id> counts as unset: AWS_ENDPOINT_URL applies, as with the SDK', async () => {
    stubEndpointEnv({ AWS_ENDPOINT_URL: 'http://127.0.0.1:4000', AWS_ENDPOINT_URL_DYNAMODB: '' });
    const sdk = await SERVICES.DynamoDB![1]('eu-west-1');
    expect(where(sdk)).toEqual({ protocol: 'http:', hostname: '127.0.0.1', port: 4000 });
    expect(mine(DYNAMODB, 'eu-west-1')).toEqual(where(sdk));
    stubEndpointEnv({ AWS_ENDPOINT_URL: '', AWS_ENDPOINT_URL_DYNAMODB: '' });
    expect(resolveEndpoint(DYNAMODB, 'eu-west-1')).toEqual({ protocol: 'https:', hostname: 'dynamodb.eu-west-1.amazonaws.com', custom: false });
  });

  it('the environment passed in is the one read', () => {
    stubEndpointEnv({ AWS_ENDPOINT_URL: 'http://127.0.0.1:1' });
    expect(resolveEndpoint(SNS, 'eu-west-1', undefined, {})).toEqual({ protocol: 'https:', hostname: 'sns.eu-west-1.amazonaws.com', custom: false });
    expect(resolveEndpoint(SNS, 'eu-west-1', undefined, { AWS_ENDPOINT_URL_SNS: 'https://sns.example.com' })).toEqual({ protocol: 'https:', hostname: 'sns.example.com', custom: true });
  });

  it('only http and https', () => {
    expect(() => resolveEndpoint(SNS, 'eu-west-1', 'ftp://127.0.0.1:21')).toThrow(/only http and https/);
    expect(() => resolveEndpoint(SNS, 'eu-west-1', 'not a url')).toThrow();
  });
});

describe('S3 addressing', () => {
  // Where the product and the SDK agree: valid DNS labels on their virtual host, the rest path-style.
  it.each([
    'pca-crl-111122223333',
    'abc',
    'a'.repeat(63),
    'a'.repeat(64),
    'pca-crl.example.com',
    'UpperCase',
    '192.168.5.4',
    'ab',
    'b-',
    '-b',
    'a_b',
  ])('%s', async (bucket) => {
    stubEndpointEnv({});
    const sdk = await captureSdkRequest(new S3Sdk.S3Client({ region: 'eu-west-1', credentials: CREDENTIALS }), new S3Sdk.GetBucketPolicyCommand({ Bucket: bucket }));
    const request = S3.serialize('GetBucketPolicy', { Bucket: bucket }, resolveEndpoint(S3, 'eu-west-1'));
    expect(request.hostname).toBe(sdk.hostname);
    expect(request.path).toBe(sdk.path);
  });

  it('China: the bucket’s virtual host under amazonaws.com.cn', async () => {
    stubEndpointEnv({});
    const sdk = await captureSdkRequest(new S3Sdk.S3Client({ region: 'cn-north-1', credentials: CREDENTIALS }), new S3Sdk.HeadObjectCommand({ Bucket: 'pca-crl-1', Key: 'crl/a.crl' }));
    const request = S3.serialize('HeadObject', { Bucket: 'pca-crl-1', Key: 'crl/a.crl' }, resolveEndpoint(S3, 'cn-north-1'));
    expect([request.hostname, request.path]).toEqual([sdk.hostname, sdk.path]);
    expect(request.hostname).toBe('pca-crl-1.s3.cn-north-1.amazonaws.com.cn');
  });

  // Names with "--" are valid DNS labels: both put them on their virtual host.
  it.each([
    ['my--bucket', 'my--bucket.s3.eu-west-1.amazonaws.com'],
    ['xn--abc', 'xn--abc.s3.eu-west-1.amazonaws.com'],
  ])('%s is on %s, as the SDK addresses it', async (bucket, sdkHost) => {
    stubEndpointEnv({});
    const sdk = await captureSdkRequest(new S3Sdk.S3Client({ region: 'eu-west-1', credentials: CREDENTIALS }), new S3Sdk.GetBucketPolicyCommand({ Bucket: bucket }));
    expect(sdk.hostname).toBe(sdkHost);
    expect(S3.serialize('GetBucketPolicy', { Bucket: bucket }, resolveEndpoint(S3, 'eu-west-1'))).toMatchObject({ hostname: sdkHost, path: '/' });
  });

  it('known difference: a directory bucket (--x-s3) goes to s3express-control for the SDK, and is refused by the product', async () => {
    stubEndpointEnv({});
    const sdk = await captureSdkRequest(new S3Sdk.S3Client({ region: 'eu-west-1', credentials: CREDENTIALS }), new S3Sdk.GetBucketPolicyCommand({ Bucket: 'bucket--x-s3' }));
    expect(sdk.hostname).toBe('s3express-control.eu-west-1.amazonaws.com');
    expect(() => S3.serialize('GetBucketPolicy', { Bucket: 'bucket--x-s3' }, resolveEndpoint(S3, 'eu-west-1'))).toThrow(/directory bucket/);
  });

  it('a custom IP endpoint: path-style on both sides', async () => {
    stubEndpointEnv({});
    const sdk = await captureSdkRequest(new S3Sdk.S3Client({ region: 'eu-west-1', credentials: CREDENTIALS, endpoint: 'http://127.0.0.1:9000' }), new S3Sdk.HeadObjectCommand({ Bucket: 'pca-crl-1', Key: 'a b.crl' }));
    const request = S3.serialize('HeadObject', { Bucket: 'pca-crl-1', Key: 'a b.crl' }, resolveEndpoint(S3, 'eu-west-1', 'http://127.0.0.1:9000'));
    expect({ ...where(sdk), path: sdk.path }).toEqual({ protocol: request.protocol, hostname: request.hostname, port: request.port, path: request.path });
    expect(request.path).toBe('/pca-crl-1/a%20b.crl');
  });

  it('a custom host name endpoint: path-style for the product (emulators), the bucket’s subdomain for the SDK (unless forcePathStyle)', async () => {
    stubEndpointEnv({});
    const sdk = await captureSdkRequest(new S3Sdk.S3Client({ region: 'eu-west-1', credentials: CREDENTIALS, endpoint: 'http://localhost:4566' }), new S3Sdk.GetBucketPolicyCommand({ Bucket: 'pca-crl-1' }));
    expect(sdk.hostname).toBe('pca-crl-1.localhost');
    const forced = await captureSdkRequest(new S3Sdk.S3Client({ region: 'eu-west-1', credentials: CREDENTIALS, endpoint: 'http://localhost:4566', forcePathStyle: true }), new S3Sdk.GetBucketPolicyCommand({ Bucket: 'pca-crl-1' }));
    const request = S3.serialize('GetBucketPolicy', { Bucket: 'pca-crl-1' }, resolveEndpoint(S3, 'eu-west-1', 'http://localhost:4566'));
    expect({ hostname: request.hostname, port: request.port, path: request.path }).toEqual({ hostname: forced.hostname, port: forced.port, path: forced.path });
  });
});
