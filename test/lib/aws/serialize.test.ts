/**
 * The product's client builds the request the AWS SDK v3 would send, operation by
 * operation: each input goes through a real SDK client (captured before sending, see
 * sdk-harness.ts) and through the product's `serialize` + `signRequest`, and the two
 * requests must agree on method, host, path, query, body and the headers that carry
 * meaning. Headers only one side sends by design are listed and checked on their own.
 */
import { createHash } from 'node:crypto';
import * as Pca from '@aws-sdk/client-acm-pca';
import * as Ddb from '@aws-sdk/client-dynamodb';
import * as S3Sdk from '@aws-sdk/client-s3';
import * as Sfn from '@aws-sdk/client-sfn';
import * as Sns from '@aws-sdk/client-sns';
import { describe, expect, it } from 'vitest';
import { resolveEndpoint, type ServiceDefinition } from '../../../src/lib/aws/client';
import { ACM_PCA } from '../../../src/lib/aws/services/acm-pca';
import { DYNAMODB } from '../../../src/lib/aws/services/dynamodb';
import { S3 } from '../../../src/lib/aws/services/s3';
import { SFN } from '../../../src/lib/aws/services/sfn';
import { SNS } from '../../../src/lib/aws/services/sns';
import { signRequest, type HttpRequest } from '../../../src/lib/aws/sigv4';
import { captureSdkRequest, CREDENTIALS, formPairs, REGION, REVOCATION, sdkBody, sdkQuery, type SdkRequest } from './sdk-harness';

const OWNER = '111122223333';
const CA_ARN = `arn:aws:acm-pca:${REGION}:${OWNER}:certificate-authority/11223344-1234-1122-2233-112233445566`;
const TABLE = 'pca-remediation-history';
const DATE = new Date('2026-11-21T10:15:00Z');

function product(definition: ServiceDefinition, operation: string, input: object): HttpRequest {
  const request = definition.serialize(operation, input as Record<string, unknown>, resolveEndpoint(definition, REGION, undefined, {}));
  return signRequest(request, CREDENTIALS, { service: definition.signingName, region: REGION }, DATE);
}

/** Headers that carry the request's meaning: what the SDK sends, minus its own bookkeeping and signing. */
const SDK_ONLY = new Set([
  'user-agent',
  'x-amz-user-agent',
  'amz-sdk-invocation-id',
  'amz-sdk-request',
  'content-length', // Node's http sets it for the product, after signing.
  'host',
  'x-amz-date',
  'authorization',
  'x-amz-content-sha256', // The SDK sends it to every service; SigV4 requires it of S3 only (the product sends it there).
  'x-amz-security-token',
]);
const PRODUCT_ONLY = new Set(['host', 'x-amz-date', 'authorization', 'x-amz-content-sha256', 'x-amz-security-token']);

function meaningful(headers: Record<string, string>, leaveOut: Set<string>): Record<string, string> {
  return Object.fromEntries(
    Object.entries(headers)
      .map(([name, value]) => [name.toLowerCase(), value] as const)
      .filter(([name]) => !leaveOut.has(name))
      .sort(([a], [b]) => a.localeCompare(b)),
  );
}

function expectSameTarget(mine: HttpRequest, sdk: SdkRequest): void {
  expect(mine.method).toBe(sdk.method);
  expect(mine.protocol).toBe(sdk.protocol);
  expect(mine.hostname).toBe(sdk.hostname);
  expect(mine.port).toBe(sdk.port);
  expect(mine.query).toEqual(sdkQuery(sdk));
}

// ---- S3 (REST-XML) ----

const s3Client = () => new S3Sdk.S3Client({ region: REGION, credentials: CREDENTIALS });

const POLICY = JSON.stringify({
  Version: '2012-10-17',
  Statement: [
    {
      Sid: 'AllowPrivateCa — CRL ü',
      Effect: 'Allow',
      Principal: { Service: 'acm-pca.amazonaws.com' },
      Action: ['s3:PutObject', 's3:PutObjectAcl', 's3:GetBucketAcl', 's3:GetBucketLocation'],
      Resource: ['arn:aws:s3:::pca-crl.example.com/*', 'arn:aws:s3:::pca-crl.example.com'],
      Condition: { StringEquals: { 'aws:SourceAccount': OWNER, 'aws:SourceArn': CA_ARN } },
    },
  ],
});

type S3Case = [label: string, operation: string, input: Record<string, unknown>, command: (input: never) => unknown];

const BUCKETS = ['pca-crl-111122223333', 'pca-crl.example.com'];
const S3_CASES: S3Case[] = BUCKETS.flatMap((Bucket): S3Case[] => [
  [`GetBucketPolicy ${Bucket}`, 'GetBucketPolicy', { Bucket, ExpectedBucketOwner: OWNER }, (i) => new S3Sdk.GetBucketPolicyCommand(i)],
  [`PutBucketPolicy ${Bucket}`, 'PutBucketPolicy', { Bucket, Policy: POLICY, ExpectedBucketOwner: OWNER }, (i) => new S3Sdk.PutBucketPolicyCommand(i)],
  [`PutBucketPolicy ${Bucket}, ConfirmRemoveSelfBucketAccess`, 'PutBucketPolicy', { Bucket, Policy: POLICY, ConfirmRemoveSelfBucketAccess: true, ExpectedBucketOwner: OWNER }, (i) => new S3Sdk.PutBucketPolicyCommand(i)],
  [`DeleteBucketPolicy ${Bucket}`, 'DeleteBucketPolicy', { Bucket, ExpectedBucketOwner: OWNER }, (i) => new S3Sdk.DeleteBucketPolicyCommand(i)],
  [`GetPublicAccessBlock ${Bucket}`, 'GetPublicAccessBlock', { Bucket, ExpectedBucketOwner: OWNER }, (i) => new S3Sdk.GetPublicAccessBlockCommand(i)],
  [`GetBucketOwnershipControls ${Bucket}`, 'GetBucketOwnershipControls', { Bucket, ExpectedBucketOwner: OWNER }, (i) => new S3Sdk.GetBucketOwnershipControlsCommand(i)],
  [`GetBucketEncryption ${Bucket}`, 'GetBucketEncryption', { Bucket }, (i) => new S3Sdk.GetBucketEncryptionCommand(i)],
  [`HeadObject ${Bucket} crl key`, 'HeadObject', { Bucket, Key: 'crl/11223344-1234-1122-2233-112233445566.crl', ExpectedBucketOwner: OWNER }, (i) => new S3Sdk.HeadObjectCommand(i)],
  [`HeadObject ${Bucket} key with spaces, unicode, +`, 'HeadObject', { Bucket, Key: 'custom path/CRL ü €+1/ca😀.crl', ExpectedBucketOwner: OWNER }, (i) => new S3Sdk.HeadObjectCommand(i)],
  [`HeadObject ${Bucket} key with reserved characters`, 'HeadObject', { Bucket, Key: "a~b!c*d'e(f)g=h&i?j#k%l;m:n@o$p,q[r]s", ExpectedBucketOwner: OWNER }, (i) => new S3Sdk.HeadObjectCommand(i)],
  [`HeadObject ${Bucket} key with empty segments`, 'HeadObject', { Bucket, Key: '/crl//x.crl/' }, (i) => new S3Sdk.HeadObjectCommand(i)],
]);

describe('S3 requests are the SDK’s', () => {
  it.each(S3_CASES)('%s', async (_label, operation, input, command) => {
    const sdk = await captureSdkRequest(s3Client(), command(input as never));
    const mine = product(S3, operation, input);

    expectSameTarget(mine, sdk);
    expect(mine.path).toBe(sdk.path);
    expect(mine.body).toBe(sdkBody(sdk));

    const sdkHeaders = meaningful(sdk.headers, SDK_ONLY);
    const mineHeaders = meaningful(mine.headers, PRODUCT_ONLY);
    if (operation === 'PutBucketPolicy') {
      // The SDK sends a flexible checksum, the product Content-MD5 (which S3 accepts for PutBucketPolicy).
      expect(sdkHeaders).toMatchObject({ 'x-amz-sdk-checksum-algorithm': 'CRC32', 'x-amz-checksum-crc32': expect.any(String) });
      delete sdkHeaders['x-amz-sdk-checksum-algorithm'];
      delete sdkHeaders['x-amz-checksum-crc32'];
      expect(mineHeaders['content-md5']).toBe(createHash('md5').update(Buffer.from(input.Policy as string, 'utf8')).digest('base64'));
      delete mineHeaders['content-md5'];
    }
    expect(mineHeaders).toEqual(sdkHeaders);
    expect(mine.headers['x-amz-expected-bucket-owner']).toBe(sdk.headers['x-amz-expected-bucket-owner']);
    expect(mine.headers['x-amz-content-sha256']).toBe(sdk.headers['x-amz-content-sha256']);
  });

  it('addresses dotted buckets path-style and the others on their virtual host, as the SDK does', async () => {
    const dotted = await captureSdkRequest(s3Client(), new S3Sdk.GetBucketPolicyCommand({ Bucket: 'pca-crl.example.com' }));
    const plain = await captureSdkRequest(s3Client(), new S3Sdk.GetBucketPolicyCommand({ Bucket: 'pca-crl-111122223333' }));
    expect([dotted.hostname, dotted.path]).toEqual([`s3.${REGION}.amazonaws.com`, '/pca-crl.example.com/']);
    expect([plain.hostname, plain.path]).toEqual([`pca-crl-111122223333.s3.${REGION}.amazonaws.com`, '/']);
    expect(product(S3, 'GetBucketPolicy', { Bucket: 'pca-crl.example.com' })).toMatchObject({ hostname: `s3.${REGION}.amazonaws.com`, path: '/pca-crl.example.com/' });
    expect(product(S3, 'GetBucketPolicy', { Bucket: 'pca-crl-111122223333' })).toMatchObject({ hostname: `pca-crl-111122223333.s3.${REGION}.amazonaws.com`, path: '/' });
  });

  it('PutBucketPolicy: Content-MD5 is the MD5 of the exact bytes sent, multi-byte characters included', () => {
    const mine = product(S3, 'PutBucketPolicy', { Bucket: 'b-1', Policy: POLICY });
    expect(Buffer.byteLength(mine.body)).toBeGreaterThan(mine.body.length); // the policy has multi-byte characters
    expect(mine.headers['content-md5']).toBe(createHash('md5').update(Buffer.from(mine.body, 'utf8')).digest('base64'));
    expect(Buffer.from(mine.headers['content-md5']!, 'base64')).toHaveLength(16);
  });

  it('ConfirmRemoveSelfBucketAccess: false is left out by the product, sent as "false" by the SDK (the same to S3: false is its default)', async () => {
    const input = { Bucket: 'b-1', Policy: POLICY, ConfirmRemoveSelfBucketAccess: false };
    const sdk = await captureSdkRequest(s3Client(), new S3Sdk.PutBucketPolicyCommand(input));
    expect(sdk.headers['x-amz-confirm-remove-self-bucket-access']).toBe('false');
    expect(product(S3, 'PutBucketPolicy', input).headers).not.toHaveProperty('x-amz-confirm-remove-self-bucket-access');
  });

  it.each([
    ['GetBucketPolicy', {}, 'Bucket'],
    ['GetBucketPolicy', { Bucket: '' }, 'Bucket'],
    ['HeadObject', { Bucket: 'b-1' }, 'Key'],
  ])('%s without %j: InvalidRequest with the SDK’s words', async (operation, input, field) => {
    const message = `No value provided for input HTTP label: ${field}.`;
    const command = operation === 'HeadObject' ? new S3Sdk.HeadObjectCommand(input as never) : new S3Sdk.GetBucketPolicyCommand(input as never);
    await expect(captureSdkRequest(s3Client(), command)).rejects.toThrow(field === 'Bucket' ? /Bucket/ : message);
    expect(() => product(S3, operation, input)).toThrow(expect.objectContaining({ name: 'InvalidRequest', message }));
  });

  it('refuses operations it does not send, and a Policy that is not a string', () => {
    expect(() => product(S3, 'GetObject', { Bucket: 'b-1', Key: 'k' })).toThrow(expect.objectContaining({ name: 'InvalidRequest' }));
    expect(() => product(S3, 'PutBucketPolicy', { Bucket: 'b-1', Policy: { Version: '2012-10-17' } })).toThrow(expect.objectContaining({ name: 'InvalidRequest' }));
  });
});

// ---- awsJson 1.0 / 1.1 (ACM PCA, DynamoDB, Step Functions) ----

type JsonCase = [label: string, definition: ServiceDefinition, operation: string, input: Record<string, unknown>, sdk: () => Promise<SdkRequest>];

const pca = () => new Pca.ACMPCAClient({ region: REGION, credentials: CREDENTIALS });
const ddb = () => new Ddb.DynamoDBClient({ region: REGION, credentials: CREDENTIALS });
const sfn = () => new Sfn.SFNClient({ region: REGION, credentials: CREDENTIALS });


const ITEM = {
  pk: { S: 'event#2f1e-ü€😀' },
  type: { S: 'event' },
  expiresAt: { N: '1795255200' },
  big: { N: '123456789012345678901234567890.5' },
  notificationDue: { BOOL: false },
  finishedAt: { NULL: true },
  changes: { L: [{ M: { type: { S: 'bucket-policy' }, before: { S: '{"Version":"2012-10-17"}' }, after: { NULL: true } } }] },
  findings: { SS: ['CRL_BUCKET_POLICY_MISSING', 'CRL_NOT_PUBLISHED'] },
  counts: { NS: ['1', '2.5'] },
};

function pcaCase(operation: string, input: Record<string, unknown>, Command: new (input: never) => unknown): JsonCase {
  return [`ACM PCA ${operation}`, ACM_PCA, operation, input, () => captureSdkRequest(pca(), new Command(input as never))];
}
function ddbCase(label: string, operation: string, input: Record<string, unknown>, Command: new (input: never) => unknown): JsonCase {
  return [`DynamoDB ${operation} (${label})`, DYNAMODB, operation, input, () => captureSdkRequest(ddb(), new Command(input as never))];
}

const JSON_CASES: JsonCase[] = [
  pcaCase('DescribeCertificateAuthority', { CertificateAuthorityArn: CA_ARN }, Pca.DescribeCertificateAuthorityCommand),
  pcaCase('DescribeCertificateAuthorityAuditReport', { CertificateAuthorityArn: CA_ARN, AuditReportId: '4b4a3c7e-1e52-4a59-8a1c-0b4a2f7d1c9e' }, Pca.DescribeCertificateAuthorityAuditReportCommand),
  pcaCase('CreateCertificateAuthorityAuditReport', { CertificateAuthorityArn: CA_ARN, S3BucketName: 'pca-audit.example.com', AuditReportResponseFormat: 'JSON' }, Pca.CreateCertificateAuthorityAuditReportCommand),
  pcaCase('UpdateCertificateAuthority', { CertificateAuthorityArn: CA_ARN, RevocationConfiguration: REVOCATION, Status: 'ACTIVE' }, Pca.UpdateCertificateAuthorityCommand),
  pcaCase('GetCertificate', { CertificateAuthorityArn: CA_ARN, CertificateArn: `${CA_ARN}/certificate/6707447683a9b7f4055627ffd55cebcc` }, Pca.GetCertificateCommand),
  pcaCase('ListCertificateAuthorities', { ResourceOwner: 'SELF', MaxResults: 100, NextToken: 'eyJ0b2tlbiI6ICJhYmMrLz0ifQ==' }, Pca.ListCertificateAuthoritiesCommand),
  ddbCase('consistent read', 'GetItem', { TableName: TABLE, Key: { pk: { S: 'lease#pca-crl.example.com' } }, ConsistentRead: true, ProjectionExpression: '#h, expiresAt', ExpressionAttributeNames: { '#h': 'holder' } }, Ddb.GetItemCommand),
  ddbCase('conditional put of a full item', 'PutItem', {
    TableName: TABLE,
    Item: ITEM,
    ConditionExpression: 'attribute_not_exists(pk) OR expiresAt < :now OR holder = :holder',
    ExpressionAttributeValues: { ':now': { N: '1795251600' }, ':holder': { S: 'arn:aws:states:eu-west-1:111122223333:execution:m:e ü' } },
    ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
  }, Ddb.PutItemCommand),
  ddbCase('update with names, values and a condition', 'UpdateItem', {
    TableName: TABLE,
    Key: { pk: { S: 'event#1' } },
    UpdateExpression: 'SET #status = :status, finishedAt = :finishedAt, changes = :changes REMOVE notificationDue',
    ConditionExpression: 'executionArn = :execution AND attribute_not_exists(rolledBack)',
    ExpressionAttributeNames: { '#status': 'status' },
    ExpressionAttributeValues: { ':status': { S: 'REMEDIATED' }, ':finishedAt': { S: '2026-11-21T10:15:00.000Z' }, ':changes': ITEM.changes, ':execution': { S: 'arn:e' } },
    ReturnValues: 'ALL_NEW',
  }, Ddb.UpdateItemCommand),
  ddbCase('conditional delete', 'DeleteItem', { TableName: TABLE, Key: { pk: { S: 'lease#b' } }, ConditionExpression: 'holder = :holder', ExpressionAttributeValues: { ':holder': { S: 'me' } } }, Ddb.DeleteItemCommand),
  ddbCase('page of a filtered scan', 'Scan', { TableName: TABLE, ConsistentRead: true, Limit: 25, FilterExpression: '#t = :t', ExpressionAttributeNames: { '#t': 'type' }, ExpressionAttributeValues: { ':t': { S: 'event' } }, ExclusiveStartKey: { pk: { S: 'event#0' } } }, Ddb.ScanCommand),
  ddbCase('on-demand table with TTL attribute', 'CreateTable', {
    TableName: TABLE,
    AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }],
    KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }],
    BillingMode: 'PAY_PER_REQUEST',
    SSESpecification: { Enabled: true },
    Tags: [{ Key: 'service', Value: 'pca-remediation' }],
  }, Ddb.CreateTableCommand),
  ['SFN StartExecution', SFN, 'StartExecution', {
    stateMachineArn: `arn:aws:states:${REGION}:${OWNER}:stateMachine:pca-remediation`,
    name: 'sweep-2026-11-21T10-15-00-ca1',
    input: JSON.stringify({ source: 'aws.acm-pca', detail: { message: 'CRL "ü" & <more>\n' } }),
  }, () => captureSdkRequest(sfn(), new Sfn.StartExecutionCommand({ stateMachineArn: `arn:aws:states:${REGION}:${OWNER}:stateMachine:pca-remediation`, name: 'sweep-2026-11-21T10-15-00-ca1', input: JSON.stringify({ source: 'aws.acm-pca', detail: { message: 'CRL "ü" & <more>\n' } }) }))],
];

describe('awsJson requests are the SDK’s', () => {
  it.each(JSON_CASES)('%s', async (_label, definition, operation, input, sdkRequest) => {
    const sdk = await sdkRequest();
    const mine = product(definition, operation, input);
    expectSameTarget(mine, sdk);
    expect(mine.path).toBe(sdk.path);
    expect(JSON.parse(mine.body)).toEqual(JSON.parse(sdkBody(sdk)));
    expect(mine.headers['content-type']).toBe(sdk.headers['content-type']);
    expect(mine.headers['x-amz-target']).toBe(sdk.headers['x-amz-target']);
    expect(meaningful(mine.headers, PRODUCT_ONLY)).toEqual(meaningful(sdk.headers, SDK_ONLY));
  });

  it('an empty input is {} on both sides', async () => {
    const sdk = await captureSdkRequest(pca(), new Pca.ListCertificateAuthoritiesCommand({}));
    expect(JSON.parse(product(ACM_PCA, 'ListCertificateAuthorities', {}).body)).toEqual(JSON.parse(sdkBody(sdk)));
  });
});

// ---- awsQuery (SNS) ----

const sns = () => new Sns.SNSClient({ region: REGION, credentials: CREDENTIALS });
const TOPIC = `arn:aws:sns:${REGION}:${OWNER}:pca-remediation-outcomes`;

describe('SNS Publish is the SDK’s form', () => {
  it.each<[string, Sns.PublishCommandInput & Record<string, string>]>([
    ['subject and message with &, =, +, %, newlines and unicode', {
      TopicArn: TOPIC,
      Subject: 'PCA remediation: a & b = c (ü)',
      Message: 'REMEDIATED ca=11223344 & bucket=pca-crl.example.com\nline 2: 100% + 1 ~ *quoted* \'x\' ! €😀\r\n\tend',
    }],
    ['message only', { TopicArn: TOPIC, Message: 'plain' }],
    ['FIFO fields and a JSON message structure', { TopicArn: `${TOPIC}.fifo`, Message: '{"default":"x & y"}', MessageStructure: 'json', MessageGroupId: 'ca/1', MessageDeduplicationId: 'e=1&2' }],
  ])('%s', async (_label, input) => {
    const sdk = await captureSdkRequest(sns(), new Sns.PublishCommand(input));
    const mine = product(SNS, 'Publish', input);
    expectSameTarget(mine, sdk);
    expect(mine.path).toBe(sdk.path);
    // The same fields with the same encoding, byte for byte; only the order differs (the SDK's follows its model).
    expect(formPairs(mine.body)).toEqual(formPairs(sdkBody(sdk)));
    expect(Object.fromEntries(new URLSearchParams(mine.body))).toEqual({ Action: 'Publish', Version: '2010-03-31', ...input });
    // The product names the charset (as AWS's own examples do); the SDK leaves it implied. SNS takes both.
    expect(sdk.headers['content-type']).toBe('application/x-www-form-urlencoded');
    expect(mine.headers['content-type']).toBe('application/x-www-form-urlencoded; charset=utf-8');
    const { 'content-type': _mineType, ...mineRest } = meaningful(mine.headers, PRODUCT_ONLY);
    const { 'content-type': _sdkType, ...sdkRest } = meaningful(sdk.headers, SDK_ONLY);
    expect(mineRest).toEqual(sdkRest);
  });

  it('refuses nested input (message attributes) instead of sending it wrong', () => {
    expect(() => product(SNS, 'Publish', { TopicArn: TOPIC, Message: 'm', MessageAttributes: { a: { DataType: 'String', StringValue: 'v' } } })).toThrow(
      expect.objectContaining({ name: 'InvalidRequest' }),
    );
    expect(() => product(SNS, 'CreateTopic', { Name: 't' })).toThrow(expect.objectContaining({ name: 'InvalidRequest' }));
  });
});
