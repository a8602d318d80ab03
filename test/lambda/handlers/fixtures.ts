/**
 * Shared inputs of the handler tests: a Lambda context, the classifications of the
 * sample events in events/, CA descriptions, bucket policies written by hand, AWS
 * errors built the way the SDK builds them, and an S3 mock that serves one bucket.
 */
import { ACMPCAServiceException, type CertificateAuthority } from '@aws-sdk/client-acm-pca';
import {
  GetBucketEncryptionCommand,
  GetBucketOwnershipControlsCommand,
  GetBucketPolicyCommand,
  GetPublicAccessBlockCommand,
  S3Client,
  S3ServiceException,
  type PublicAccessBlockConfiguration,
} from '@aws-sdk/client-s3';
import { SFNClient } from '@aws-sdk/client-sfn';
import { SNSClient } from '@aws-sdk/client-sns';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { expect, vi } from 'vitest';
import auditReportFailure from '../../../events/audit-report-failure.json';
import caCreationFailure from '../../../events/ca-creation-failure.json';
import certificateIssuanceFailure from '../../../events/certificate-issuance-failure.json';
import crlGenerationInternalFailure from '../../../events/crl-generation-internal-failure.json';
import crlS3InternalFailure from '../../../events/crl-s3-internal-failure.json';
import crlS3PermissionFailure from '../../../events/crl-s3-permission-failure.json';
import { classifyEvent } from '../../../src/core/classify-event';
import type { Inspection, Classification } from '../../../src/core/types';

export const ACCOUNT = '111122223333';
export const CA_ID = '11223344-1234-1122-2233-112233445566';
export const CA_ARN = `arn:aws:acm-pca:us-east-1:${ACCOUNT}:certificate-authority/${CA_ID}`;
export const CERTIFICATE_ARN = `${CA_ARN}/certificate/6707447683a9b7f4055627ffd55cebcc`;
export const AUDIT_REPORT_ID = 'a1b2c3d4-5678-90ab-cdef-111122223333';
export const EVENT_TIME = '2026-11-20T10:00:00.000Z';
export const CRL_BUCKET = 'example-crl-bucket';
export const AUDIT_BUCKET = 'example-audit-bucket';
export const CRL_KEY = `crl/${CA_ID}.crl`;
export const PCA = 'acm-pca.amazonaws.com';
export const HISTORY_TABLE = 'pca-remediation-test-HistoryTable';
export const EXECUTION_ARN = `arn:aws:states:us-east-1:${ACCOUNT}:execution:pca-remediation-test:run-1`;
export const TOPIC_ARN = `arn:aws:sns:us-east-1:${ACCOUNT}:pca-remediation-outcomes`;

export const EVENTS = {
  crlS3Permission: crlS3PermissionFailure,
  crlS3Internal: crlS3InternalFailure,
  crlGenerationInternal: crlGenerationInternalFailure,
  auditReport: auditReportFailure,
  certificateIssuance: certificateIssuanceFailure,
  caCreation: caCreationFailure,
} as const;

/** The `classification` ClassifyEvent produces for each sample event. */
export const CLASSIFICATIONS: Record<keyof typeof EVENTS, Classification> = Object.fromEntries(
  Object.entries(EVENTS).map(([name, event]) => [name, classifyEvent(event)]),
) as Record<keyof typeof EVENTS, Classification>;

/**
 * The deployment's settings, as serverless.yml would set them. Vitest itself sets
 * process.env.MODE to "test" (Vite's mode), which loadConfig would reject, so every
 * test starts from MODE=apply; tests stub more keys and vi.unstubAllEnvs() restores them.
 */
export function stubDeploymentEnv(settings: Record<string, string> = {}): void {
  vi.stubEnv('MODE', 'apply');
  vi.stubEnv('ALLOWED_BUCKETS', '');
  vi.stubEnv('ALLOW_CA_UPDATES', 'true');
  vi.stubEnv('NOTIFICATION_TOPIC_ARN', '');
  vi.stubEnv('CRL_RECOVERY_WINDOW_MINUTES', '75');
  vi.stubEnv('HISTORY_TABLE_NAME', HISTORY_TABLE);
  for (const [key, value] of Object.entries(settings)) vi.stubEnv(key, value);
}

export { lambdaContext } from '../../../src/workstation/local/workflow';

// ---- Client stubs ----

/*
 * client-acm-pca is pinned to 3.523.0, whose @smithy/types 2.x is the copy
 * aws-sdk-client-mock resolves; client-s3 and client-sns bring @smithy/types 4.x, so
 * mockClient(S3Client) does not typecheck although it works at run time. This facade
 * gives those stubs (and the DynamoDB and Step Functions ones) the same methods, typed from the command classes.
 */
type CommandClass = abstract new (...args: any[]) => { input: object; resolveMiddleware: (...args: any[]) => (args: any) => Promise<{ output: object }> };
type InputOf<C extends CommandClass> = InstanceType<C>['input'];
type OutputOf<C extends CommandClass> = Awaited<ReturnType<ReturnType<InstanceType<C>['resolveMiddleware']>>>['output'];

export interface CommandStub<C extends CommandClass> {
  resolves(output: Partial<OutputOf<C>>): CommandStub<C>;
  resolvesOnce(output: Partial<OutputOf<C>>): CommandStub<C>;
  rejects(error: Error): CommandStub<C>;
  rejectsOnce(error: Error): CommandStub<C>;
  callsFake(fake: (input: InputOf<C>) => Partial<OutputOf<C>> | void | Promise<Partial<OutputOf<C>> | void>): CommandStub<C>;
}

export interface ClientStub {
  reset(): void;
  on<C extends CommandClass>(command: C, input?: Partial<InputOf<C>>): CommandStub<C>;
  calls(): Array<{ args: [{ input: Record<string, unknown> }] }>;
  commandCalls<C extends CommandClass>(command: C): Array<{ args: [{ input: InputOf<C> }] }>;
}

export function mockS3(): ClientStub {
  return mockClient(S3Client as never) as unknown as ClientStub;
}

export function mockSns(): ClientStub {
  return mockClient(SNSClient as never) as unknown as ClientStub;
}

export function mockDynamoDb(): ClientStub {
  return mockClient(DynamoDBClient as never) as unknown as ClientStub;
}

export function mockSfn(): ClientStub {
  return mockClient(SFNClient as never) as unknown as ClientStub;
}

// ---- Private CA ----

export function certificateAuthority(overrides: Partial<CertificateAuthority> = {}, s3ObjectAcl = 'BUCKET_OWNER_FULL_CONTROL'): CertificateAuthority {
  return {
    Arn: CA_ARN,
    Type: 'ROOT',
    Status: 'ACTIVE',
    NotAfter: new Date('2036-01-01T00:00:00Z'),
    CertificateAuthorityConfiguration: { KeyAlgorithm: 'RSA_2048', SigningAlgorithm: 'SHA256WITHRSA', Subject: { CommonName: 'Example CA' } },
    RevocationConfiguration: {
      CrlConfiguration: {
        Enabled: true,
        ExpirationInDays: 7,
        CustomCname: 'crl.example.com',
        S3BucketName: CRL_BUCKET,
        S3ObjectAcl: s3ObjectAcl as 'PUBLIC_READ',
      },
      OcspConfiguration: { Enabled: false },
    },
    ...overrides,
  };
}

export function pcaError(name: string, message = `${name} from Private CA`, httpStatusCode = 400): ACMPCAServiceException {
  return new ACMPCAServiceException({ name, $fault: 'client', $metadata: { httpStatusCode }, message });
}

export const PCA_THROTTLING = (): ACMPCAServiceException => pcaError('ThrottlingException', 'Rate exceeded');

// ---- S3 ----

export function s3Error(name: string, httpStatusCode: number, message = `${name} from S3`): S3ServiceException {
  return new S3ServiceException({ name, $fault: httpStatusCode >= 500 ? 'server' : 'client', $metadata: { httpStatusCode }, message });
}

export interface Statement {
  Sid?: string;
  Effect: 'Allow' | 'Deny';
  [key: string]: unknown;
}

export function bucketArn(bucket = CRL_BUCKET): string {
  return `arn:aws:s3:::${bucket}`;
}

export function denyInsecureTransport(bucket = CRL_BUCKET): Statement {
  return {
    Sid: 'DenyInsecureTransport',
    Effect: 'Deny',
    Principal: '*',
    Action: 's3:*',
    Resource: [bucketArn(bucket), `${bucketArn(bucket)}/*`],
    Condition: { Bool: { 'aws:SecureTransport': 'false' } },
  };
}

/** No Sid, Action and Resource as strings: the shapes a merge must keep as they are. */
export function allowAuditorsRead(bucket = CRL_BUCKET): Statement {
  return { Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${ACCOUNT}:role/Auditor` }, Action: 's3:GetObject', Resource: `${bucketArn(bucket)}/*` };
}

export function denyOutsideOrg(bucket = CRL_BUCKET): Statement {
  return {
    Sid: 'DenyOutsideOrg',
    Effect: 'Deny',
    Principal: '*',
    Action: 's3:*',
    Resource: [bucketArn(bucket), `${bucketArn(bucket)}/*`],
    Condition: { StringNotEquals: { 'aws:PrincipalOrgID': 'o-exampleorgid' } },
  };
}

/** The grant AWS documents for this CA, written by hand (not by the code under test). */
export function documentedGrant(bucket = CRL_BUCKET): Statement {
  return {
    Sid: 'AllowPrivateCaWrites',
    Effect: 'Allow',
    Principal: { Service: PCA },
    Action: ['s3:PutObject', 's3:PutObjectAcl', 's3:GetBucketAcl', 's3:GetBucketLocation'],
    Resource: [bucketArn(bucket), `${bucketArn(bucket)}/*`],
    Condition: { StringEquals: { 'aws:SourceAccount': ACCOUNT, 'aws:SourceArn': CA_ARN } },
  };
}

export function policyText(...statements: Statement[]): string {
  return JSON.stringify({ Version: '2012-10-17', Statement: statements });
}

export function statementsOf(policy: string | null | undefined): Statement[] {
  expect(policy).toEqual(expect.any(String));
  const statement = (JSON.parse(policy!) as { Statement: Statement | Statement[] }).Statement;
  return Array.isArray(statement) ? statement : [statement];
}

/** Asserts `policy` keeps `original` statements unchanged, in order, and adds the restricted Private CA grant. */
export function expectPcaGrantAdded(policy: string | null | undefined, original: Statement[], bucket = CRL_BUCKET): void {
  const statements = statementsOf(policy);
  expect(statements.slice(0, original.length)).toEqual(original);
  expect(statements).toHaveLength(original.length + 1);
  expect(statements.at(-1)).toMatchObject({
    Effect: 'Allow',
    Principal: { Service: PCA },
    Action: expect.arrayContaining(['s3:PutObject', 's3:PutObjectAcl', 's3:GetBucketAcl', 's3:GetBucketLocation']),
    Resource: expect.arrayContaining([bucketArn(bucket), `${bucketArn(bucket)}/*`]),
    Condition: { StringEquals: { 'aws:SourceAccount': ACCOUNT, 'aws:SourceArn': CA_ARN } },
  });
}

export interface BucketSetup {
  policy?: string | null;
  publicAccessBlock?: PublicAccessBlockConfiguration | null;
  objectOwnership?: 'BucketOwnerEnforced' | 'BucketOwnerPreferred' | 'ObjectWriter' | null;
  encryption?: { SSEAlgorithm: 'AES256' | 'aws:kms'; KMSMasterKeyID?: string; BucketKeyEnabled?: boolean } | null;
}

const ALL_BLOCKED: PublicAccessBlockConfiguration = { BlockPublicAcls: true, IgnorePublicAcls: true, BlockPublicPolicy: true, RestrictPublicBuckets: true };

/** Serve a bucket's reads from `s3Mock`; defaults are a bucket created today: BPA on, ACLs disabled, SSE-S3, no policy. */
export function serveBucket(s3Mock: ClientStub, setup: BucketSetup = {}): void {
  const { policy = null, publicAccessBlock = ALL_BLOCKED, objectOwnership = 'BucketOwnerEnforced', encryption = { SSEAlgorithm: 'AES256' } } = setup;
  if (policy === null) s3Mock.on(GetBucketPolicyCommand).rejects(s3Error('NoSuchBucketPolicy', 404));
  else s3Mock.on(GetBucketPolicyCommand).resolves({ Policy: policy });
  if (publicAccessBlock === null) s3Mock.on(GetPublicAccessBlockCommand).rejects(s3Error('NoSuchPublicAccessBlockConfiguration', 404));
  else s3Mock.on(GetPublicAccessBlockCommand).resolves({ PublicAccessBlockConfiguration: publicAccessBlock });
  if (objectOwnership === null) s3Mock.on(GetBucketOwnershipControlsCommand).rejects(s3Error('OwnershipControlsNotFoundError', 404));
  else s3Mock.on(GetBucketOwnershipControlsCommand).resolves({ OwnershipControls: { Rules: [{ ObjectOwnership: objectOwnership }] } });
  if (encryption === null) s3Mock.on(GetBucketEncryptionCommand).rejects(s3Error('ServerSideEncryptionConfigurationNotFoundError', 404));
  else {
    const { BucketKeyEnabled = false, ...byDefault } = encryption;
    s3Mock
      .on(GetBucketEncryptionCommand)
      .resolves({ ServerSideEncryptionConfiguration: { Rules: [{ ApplyServerSideEncryptionByDefault: byDefault, BucketKeyEnabled }] } });
  }
}

/** Every call made on `s3Mock` named the CA's account as the expected bucket owner. */
export function expectEveryS3CallScopedToOwner(s3Mock: ClientStub): void {
  const calls = s3Mock.calls();
  expect(calls.length).toBeGreaterThan(0);
  for (const call of calls) {
    expect(call.args[0].input).toMatchObject({ ExpectedBucketOwner: ACCOUNT });
  }
}

export function codesOf(findings: Array<{ code: string }>): string[] {
  return findings.map((finding) => finding.code);
}

/** An inspection for the CRL bucket as InspectBucket would return it, planning `plan`. */
export function crlInspection(plan: Inspection['plan'], overrides: Partial<Inspection> = {}): Inspection {
  return {
    purpose: 'CRL',
    bucket: CRL_BUCKET,
    crl: { enabled: true, s3ObjectAcl: 'BUCKET_OWNER_FULL_CONTROL' },
    caStatus: 'ACTIVE',
    findings: [],
    plan,
    next: 'repair',
    mode: 'apply',
    ...overrides,
  };
}
