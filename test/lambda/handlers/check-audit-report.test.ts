import { ACMPCAClient, DescribeCertificateAuthorityAuditReportCommand } from '@aws-sdk/client-acm-pca';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { handler } from '../../../src/lambda/handlers/check-audit-report';
import { resetClients } from '../../../src/lambda/aws/clients/registry';
import { AUDIT_BUCKET, CA_ARN, CA_ID, lambdaContext, PCA_THROTTLING, stubDeploymentEnv, CLASSIFICATIONS } from './fixtures';
import type { AuditRequest } from '../../../src/core/types';

const pcaMock = mockClient(ACMPCAClient);
const NEW_REPORT_ID = 'b2c3d4e5-6789-4abc-8def-222233334444';
const S3_KEY = `audit-report/${CA_ID}/${NEW_REPORT_ID}.json`;

const requested: AuditRequest = {
  requested: true,
  bucket: AUDIT_BUCKET,
  format: 'JSON',
  auditReportId: NEW_REPORT_ID,
  s3Key: S3_KEY,
  requestedAt: '2026-11-20T10:05:00.000Z',
  status: 'CREATING',
  polls: 2,
  findings: [],
};

function checkReport(auditRequest: AuditRequest = requested): Promise<AuditRequest> {
  return handler({ classification: CLASSIFICATIONS.auditReport, auditRequest }, lambdaContext('CheckAuditReport'));
}

beforeEach(() => {
  pcaMock.reset();
  resetClients();
  stubDeploymentEnv();
});

afterEach(() => {
  vi.unstubAllEnvs();
});

describe('CheckAuditReport', () => {
  it.each([['CREATING'], ['SUCCESS'], ['FAILED']])('sunny day: reports status %s and counts the check', async (status) => {
    // Prepare
    pcaMock.on(DescribeCertificateAuthorityAuditReportCommand).resolves({ AuditReportStatus: status as 'SUCCESS', S3BucketName: AUDIT_BUCKET, S3Key: S3_KEY });
    // Act
    const result = await checkReport();
    // Assess
    expect(result).toEqual({ ...requested, status, polls: 3 });
    expect(pcaMock.commandCalls(DescribeCertificateAuthorityAuditReportCommand).map((call) => call.args[0].input)).toEqual([
      { CertificateAuthorityArn: CA_ARN, AuditReportId: NEW_REPORT_ID },
    ]);
  });

  it('takes the key Private CA reports when the request did not return one', async () => {
    pcaMock.on(DescribeCertificateAuthorityAuditReportCommand).resolves({ AuditReportStatus: 'SUCCESS', S3Key: S3_KEY });
    const result = await checkReport({ ...requested, s3Key: null, polls: 0 });
    expect(result).toMatchObject({ s3Key: S3_KEY, polls: 1, status: 'SUCCESS' });
  });

  it('throttling: ThrottlingException → rejects AwsTransientError', async () => {
    pcaMock.on(DescribeCertificateAuthorityAuditReportCommand).rejects(PCA_THROTTLING());
    await expect(checkReport()).rejects.toMatchObject({ name: 'AwsTransientError' });
  });

  it.each([
    ['a request that was refused', { ...requested, requested: false, auditReportId: null }],
    ['a request without a report id', { ...requested, auditReportId: null }],
  ])('%s → rejects InvalidStepInput, nothing described', async (_name, auditRequest) => {
    await expect(checkReport(auditRequest)).rejects.toMatchObject({ name: 'InvalidStepInput' });
    expect(pcaMock.calls()).toHaveLength(0);
  });

  it('no auditRequest in the input → rejects InvalidStepInput naming it', async () => {
    await expect(handler({ classification: CLASSIFICATIONS.auditReport }, lambdaContext('CheckAuditReport'))).rejects.toMatchObject({
      name: 'InvalidStepInput',
      message: expect.stringContaining('"auditRequest"'),
    });
  });
});
