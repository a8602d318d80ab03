import {
  ACMPCAClient,
  DescribeCertificateAuthorityAuditReportCommand,
  DescribeCertificateAuthorityCommand,
  ResourceNotFoundException,
} from '@aws-sdk/client-acm-pca';
import { GetBucketPolicyCommand, NoSuchBucket } from '@aws-sdk/client-s3';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { handler } from '../../../src/lambda/handlers/inspect-bucket';
import { resetClients } from '../../../src/lambda/aws/clients/registry';
import type { Inspection } from '../../../src/core/types';
import {
  ACCOUNT,
  allowAuditorsRead,
  AUDIT_BUCKET,
  AUDIT_REPORT_ID,
  CA_ARN,
  CA_ID,
  certificateAuthority,
  codesOf,
  CRL_BUCKET,
  denyInsecureTransport,
  denyOutsideOrg,
  documentedGrant,
  expectEveryS3CallScopedToOwner,
  expectPcaGrantAdded,
  lambdaContext,
  mockS3,
  PCA_THROTTLING,
  policyText,
  s3Error,
  serveBucket,
  stubDeploymentEnv,
  CLASSIFICATIONS,
} from './fixtures';

const s3Mock = mockS3();
const pcaMock = mockClient(ACMPCAClient);
const existing = [denyInsecureTransport(), allowAuditorsRead()];

function inspect(classification = CLASSIFICATIONS.crlS3Permission): Promise<Inspection> {
  return handler({ classification }, lambdaContext('InspectBucket'));
}

beforeEach(() => {
  s3Mock.reset();
  pcaMock.reset();
  resetClients();
  stubDeploymentEnv();
  pcaMock.on(DescribeCertificateAuthorityCommand).resolves({ CertificateAuthority: certificateAuthority() });
});

afterEach(() => {
  vi.unstubAllEnvs();
});

describe('InspectBucket for a CRL permission failure', () => {
  it('sunny day: plans to add the Private CA grant and keeps every existing statement', async () => {
    // Prepare
    serveBucket(s3Mock, { policy: policyText(...existing) });
    // Act
    const inspection = await inspect();
    // Assess
    expect(inspection).toMatchObject({ purpose: 'CRL', bucket: CRL_BUCKET, next: 'repair', mode: 'apply', caStatus: 'ACTIVE' });
    expect(codesOf(inspection.findings)).toContain('POLICY_GRANT_MISSING');
    expect(inspection.plan).toHaveLength(1);
    expect(inspection.plan[0]).toMatchObject({ type: 'PutBucketPolicy', resource: `arn:aws:s3:::${CRL_BUCKET}`, before: policyText(...existing) });
    expectPcaGrantAdded(inspection.plan[0]!.after, existing);
    expect(pcaMock.commandCalls(DescribeCertificateAuthorityCommand)[0]!.args[0].input).toEqual({ CertificateAuthorityArn: CA_ARN });
    expectEveryS3CallScopedToOwner(s3Mock);
  });

  it('sunny day without any policy: plans a policy holding only the grant', async () => {
    serveBucket(s3Mock, { policy: null });
    const inspection = await inspect();
    expect(inspection.next).toBe('repair');
    expect(inspection.plan[0]).toMatchObject({ type: 'PutBucketPolicy', before: null });
    expectPcaGrantAdded(inspection.plan[0]!.after, []);
  });

  it('a bucket that already grants Private CA is compliant and nothing is planned', async () => {
    serveBucket(s3Mock, { policy: policyText(denyInsecureTransport(), documentedGrant()) });
    const inspection = await inspect();
    expect(inspection.next).toBe('compliant');
    expect(inspection.plan).toEqual([]);
    expect(codesOf(inspection.findings)).toEqual(['POLICY_GRANTS_PCA']);
  });

  it('an explicit Deny for principals outside the organisation needs a person, whatever the grant', async () => {
    serveBucket(s3Mock, { policy: policyText(denyOutsideOrg(), documentedGrant()) });
    const inspection = await inspect();
    expect(inspection.next).toBe('attention');
    expect(codesOf(inspection.findings)).toContain('POLICY_DENY_BLOCKS');
    expect(inspection.plan).toEqual([]);
  });

  it('an explicit Deny with the grant also missing: needs a person; the Allow is only shown as guidance', async () => {
    serveBucket(s3Mock, { policy: policyText(denyOutsideOrg()) });
    const inspection = await inspect();
    expect(inspection.next).toBe('attention');
    expect(codesOf(inspection.findings)).toEqual(expect.arrayContaining(['POLICY_DENY_BLOCKS', 'POLICY_GRANT_MISSING']));
    expectPcaGrantAdded(inspection.plan[0]!.after, [denyOutsideOrg()]);
  });

  it('a public statement with BlockPublicPolicy on: POLICY_PUBLIC_BLOCKED names it, nothing planned', async () => {
    // Prepare
    const publicRead = {
      Sid: 'PublicReadCrls',
      Effect: 'Allow' as const,
      Principal: '*',
      Action: 's3:GetObject',
      Resource: `arn:aws:s3:::${CRL_BUCKET}/crl/*`,
    };
    serveBucket(s3Mock, { policy: policyText(denyInsecureTransport(), publicRead) });
    // Act
    const inspection = await inspect();
    // Assess
    expect(inspection).toMatchObject({ next: 'attention', plan: [], blockPublicPolicy: true });
    expect(codesOf(inspection.findings)).toEqual(['POLICY_PUBLIC_BLOCKED']);
    expect(inspection.findings[0]).toMatchObject({ severity: 'action-required', detail: { statements: [{ statementIndex: 1, sid: 'PublicReadCrls' }] } });
    expect(inspection.findings[0]!.message).toMatch(/statement 2 \(Sid "PublicReadCrls"\).*CloudFront.*npm run invoke -- <event file> --rerun/);
  });

  it('a public statement with BlockPublicPolicy off: plans the grant and keeps the statement', async () => {
    const publicRead = {
      Sid: 'PublicReadCrls',
      Effect: 'Allow' as const,
      Principal: '*',
      Action: 's3:GetObject',
      Resource: `arn:aws:s3:::${CRL_BUCKET}/crl/*`,
    };
    serveBucket(s3Mock, {
      policy: policyText(publicRead),
      publicAccessBlock: { BlockPublicAcls: true, IgnorePublicAcls: true, BlockPublicPolicy: false, RestrictPublicBuckets: true },
    });
    const inspection = await inspect();
    expect(inspection).toMatchObject({ next: 'repair', blockPublicPolicy: false });
    expect(codesOf(inspection.findings)).not.toContain('POLICY_PUBLIC_BLOCKED');
    expectPcaGrantAdded(inspection.plan[0]!.after, [publicRead]);
  });

  it('PUBLIC_READ CRLs into a bucket with ACLs disabled: plans UpdateCertificateAuthority to BUCKET_OWNER_FULL_CONTROL', async () => {
    pcaMock.on(DescribeCertificateAuthorityCommand).resolves({ CertificateAuthority: certificateAuthority({}, 'PUBLIC_READ') });
    serveBucket(s3Mock, { policy: policyText(documentedGrant()), publicAccessBlock: null, objectOwnership: 'BucketOwnerEnforced' });
    const inspection = await inspect();
    expect(inspection.next).toBe('repair');
    expect(inspection.findings).toContainEqual(expect.objectContaining({ code: 'CRL_ACL_REJECTED', severity: 'warning' }));
    expect(inspection.plan.map((action) => action.type)).toEqual(['UpdateCertificateAuthority']);
    const [update] = inspection.plan;
    const before = certificateAuthority({}, 'PUBLIC_READ').RevocationConfiguration!;
    expect(JSON.parse(update!.before!)).toEqual(before);
    expect(JSON.parse(update!.after)).toEqual({ ...before, CrlConfiguration: { ...before.CrlConfiguration, S3ObjectAcl: 'BUCKET_OWNER_FULL_CONTROL' } });
  });

  it('PUBLIC_READ CRLs with ALLOW_CA_UPDATES=false: a person must switch the ACL', async () => {
    vi.stubEnv('ALLOW_CA_UPDATES', 'false');
    pcaMock.on(DescribeCertificateAuthorityCommand).resolves({ CertificateAuthority: certificateAuthority({}, 'PUBLIC_READ') });
    serveBucket(s3Mock, { policy: policyText(documentedGrant()), publicAccessBlock: null, objectOwnership: 'BucketOwnerEnforced' });
    const inspection = await inspect();
    expect(inspection.next).toBe('attention');
    expect(inspection.findings).toContainEqual(expect.objectContaining({ code: 'CRL_ACL_REJECTED', severity: 'action-required' }));
    expect(inspection.plan.map((action) => action.type)).not.toContain('UpdateCertificateAuthority');
  });

  it.each([
    ['no key id (the S3 default key)', undefined],
    ['alias/aws/s3', 'alias/aws/s3'],
    ['the alias ARN of aws/s3', `arn:aws:kms:us-east-1:${ACCOUNT}:alias/aws/s3`],
  ])('SSE-KMS with the AWS managed key (%s) needs a person', async (_name, keyId) => {
    serveBucket(s3Mock, { policy: policyText(documentedGrant()), encryption: { SSEAlgorithm: 'aws:kms', ...(keyId ? { KMSMasterKeyID: keyId } : {}) } });
    const inspection = await inspect();
    expect(inspection.next).toBe('attention');
    expect(codesOf(inspection.findings)).toContain('KMS_AWS_MANAGED_KEY');
  });

  it.each([
    ['NoSuchBucket', new NoSuchBucket({ $metadata: { httpStatusCode: 404 }, message: 'The specified bucket does not exist' }), 'BUCKET_MISSING'],
    ['AccessDenied (another owner)', s3Error('AccessDenied', 403, 'Access Denied'), 'BUCKET_ACCESS_DENIED'],
  ])('client error: GetBucketPolicy answers %s → %s, nothing planned', async (_name, error, code) => {
    s3Mock.on(GetBucketPolicyCommand).rejects(error);
    const inspection = await inspect();
    expect(inspection).toMatchObject({ next: 'attention', plan: [], bucket: CRL_BUCKET });
    expect(codesOf(inspection.findings)).toEqual([code]);
  });

  it('client error: the CA does not exist (ResourceNotFoundException) → CA_NOT_FOUND, no bucket read', async () => {
    pcaMock
      .on(DescribeCertificateAuthorityCommand)
      .rejects(new ResourceNotFoundException({ $metadata: { httpStatusCode: 400 }, message: 'Could not find certificate authority' }));
    const inspection = await inspect();
    expect(inspection).toMatchObject({ next: 'attention', plan: [], bucket: null });
    expect(codesOf(inspection.findings)).toEqual(['CA_NOT_FOUND']);
    expect(s3Mock.calls()).toHaveLength(0);
  });

  it('a bucket outside ALLOWED_BUCKETS is reported, not planned', async () => {
    vi.stubEnv('ALLOWED_BUCKETS', 'some-other-bucket, another-bucket');
    serveBucket(s3Mock, { policy: policyText(...existing) });
    const inspection = await inspect();
    expect(inspection).toMatchObject({ next: 'attention', plan: [] });
    expect(codesOf(inspection.findings)).toContain('BUCKET_NOT_ALLOWED');
  });

  it('MODE=dry-run plans the grant but stops at dry-run', async () => {
    vi.stubEnv('MODE', 'dry-run');
    serveBucket(s3Mock, { policy: policyText(...existing) });
    const inspection = await inspect();
    expect(inspection).toMatchObject({ next: 'dry-run', mode: 'dry-run' });
    expectPcaGrantAdded(inspection.plan[0]!.after, existing);
  });

  it('a bad MODE is a ConfigurationError', async () => {
    vi.stubEnv('MODE', 'yolo');
    await expect(inspect()).rejects.toMatchObject({ name: 'ConfigurationError' });
  });

  it.each([
    ['GetBucketPolicy throttled (SlowDown)', () => s3Mock.on(GetBucketPolicyCommand).rejects(s3Error('SlowDown', 503, 'Please reduce your request rate.'))],
    ['GetBucketPolicy throttled (ThrottlingException)', () => s3Mock.on(GetBucketPolicyCommand).rejects(s3Error('ThrottlingException', 400, 'Rate exceeded'))],
    ['DescribeCertificateAuthority throttled', () => pcaMock.on(DescribeCertificateAuthorityCommand).rejects(PCA_THROTTLING())],
  ])('throttling: %s → rejects AwsTransientError', async (_name, arrange) => {
    serveBucket(s3Mock, { policy: policyText(...existing) });
    arrange();
    await expect(inspect()).rejects.toMatchObject({ name: 'AwsTransientError' });
  });
});

describe('InspectBucket for an internal failure', () => {
  it.each([['crlS3Internal' as const], ['crlGenerationInternal' as const]])(
    '%s with a missing grant: reports BUCKET_WOULD_BLOCK_PCA, plans but does not repair',
    async (name) => {
      serveBucket(s3Mock, { policy: policyText(...existing) });
      const inspection = await inspect(CLASSIFICATIONS[name]);
      expect(inspection.next).toBe('attention');
      expect(codesOf(inspection.findings)).toContain('BUCKET_WOULD_BLOCK_PCA');
      expect(inspection.plan.map((action) => action.type)).toEqual(['PutBucketPolicy']);
    },
  );

  it("a compliant bucket leaves the internal failure to Private CA's own retry", async () => {
    serveBucket(s3Mock, { policy: policyText(documentedGrant()) });
    const inspection = await inspect(CLASSIFICATIONS.crlS3Internal);
    expect(inspection.next).toBe('compliant');
  });
});

describe('InspectBucket for a failed audit report', () => {
  const reportKey = `audit-report/${CA_ID}/${AUDIT_REPORT_ID}.csv`;

  it('sunny day: reads the failed report and inspects its bucket, in its format', async () => {
    pcaMock.on(DescribeCertificateAuthorityAuditReportCommand).resolves({ AuditReportStatus: 'FAILED', S3BucketName: AUDIT_BUCKET, S3Key: reportKey });
    serveBucket(s3Mock, { policy: policyText(denyInsecureTransport(AUDIT_BUCKET)) });
    const inspection = await inspect(CLASSIFICATIONS.auditReport);
    expect(pcaMock.commandCalls(DescribeCertificateAuthorityAuditReportCommand)[0]!.args[0].input).toEqual({
      CertificateAuthorityArn: CA_ARN,
      AuditReportId: AUDIT_REPORT_ID,
    });
    expect(inspection).toMatchObject({
      purpose: 'AUDIT_REPORT',
      bucket: AUDIT_BUCKET,
      next: 'repair',
      auditReport: { id: AUDIT_REPORT_ID, bucket: AUDIT_BUCKET, key: reportKey, format: 'CSV', status: 'FAILED' },
    });
    expectPcaGrantAdded(inspection.plan[0]!.after, [denyInsecureTransport(AUDIT_BUCKET)], AUDIT_BUCKET);
    expect(s3Mock.commandCalls(GetBucketPolicyCommand)[0]!.args[0].input).toEqual({ Bucket: AUDIT_BUCKET, ExpectedBucketOwner: ACCOUNT });
    expectEveryS3CallScopedToOwner(s3Mock);
  });

  it.each([
    ['report.json', 'JSON'],
    ['report.CSV', 'CSV'],
  ])('the format follows the key (%s → %s)', async (file, format) => {
    pcaMock
      .on(DescribeCertificateAuthorityAuditReportCommand)
      .resolves({ AuditReportStatus: 'FAILED', S3BucketName: AUDIT_BUCKET, S3Key: `audit-report/${CA_ID}/${file}` });
    serveBucket(s3Mock, { policy: policyText(documentedGrant(AUDIT_BUCKET)) });
    const inspection = await inspect(CLASSIFICATIONS.auditReport);
    expect(inspection.auditReport?.format).toBe(format);
    expect(inspection.next).toBe('compliant');
  });

  // Regression: audit reports used to be judged with the CRL's S3ObjectAcl instead of bucket-owner-full-control.
  it('a bucket denying public-read uploads does not block audit reports of a CA without CRL settings', async () => {
    const denyPublicReadUploads = {
      Sid: 'DenyPublicReadUploads',
      Effect: 'Deny' as const,
      Principal: '*',
      Action: 's3:PutObject',
      Resource: `arn:aws:s3:::${AUDIT_BUCKET}/*`,
      Condition: { StringEquals: { 's3:x-amz-acl': 'public-read' } },
    };
    pcaMock.on(DescribeCertificateAuthorityCommand).resolves({ CertificateAuthority: certificateAuthority({ RevocationConfiguration: undefined }) });
    pcaMock
      .on(DescribeCertificateAuthorityAuditReportCommand)
      .resolves({ AuditReportStatus: 'FAILED', S3BucketName: AUDIT_BUCKET, S3Key: `audit-report/${CA_ID}/${AUDIT_REPORT_ID}.json` });
    serveBucket(s3Mock, { policy: policyText(denyPublicReadUploads, documentedGrant(AUDIT_BUCKET)) });
    const inspection = await inspect(CLASSIFICATIONS.auditReport);
    expect(codesOf(inspection.findings)).not.toContain('POLICY_DENY_BLOCKS');
    expect(inspection.next).toBe('compliant');
  });

  it('client error: an unknown report → AUDIT_REPORT_NOT_FOUND, no bucket read', async () => {
    pcaMock
      .on(DescribeCertificateAuthorityAuditReportCommand)
      .rejects(new ResourceNotFoundException({ $metadata: { httpStatusCode: 400 }, message: 'no such report' }));
    const inspection = await inspect(CLASSIFICATIONS.auditReport);
    expect(codesOf(inspection.findings)).toEqual(['AUDIT_REPORT_NOT_FOUND']);
    expect(s3Mock.calls()).toHaveLength(0);
  });
});
