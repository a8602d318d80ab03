import {
  ACMPCAClient,
  CreateCertificateAuthorityAuditReportCommand,
  InvalidArgsException,
  InvalidStateException,
  RequestFailedException,
  RequestInProgressException,
} from '@aws-sdk/client-acm-pca';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { handler } from '../../../src/lambda/handlers/request-audit-report';
import { resetClients } from '../../../src/lambda/aws/clients/registry';
import { resetClock, setClock } from '../../../src/lambda/runtime/clock';
import type { AuditRequest, Inspection } from '../../../src/core/types';
import { AUDIT_BUCKET, AUDIT_REPORT_ID, CA_ARN, CA_ID, codesOf, lambdaContext, PCA_THROTTLING, stubDeploymentEnv, CLASSIFICATIONS } from './fixtures';
const pcaMock = mockClient(ACMPCAClient);
const NOW = new Date('2026-11-20T10:05:00.000Z');
const NEW_REPORT_ID = 'b2c3d4e5-6789-4abc-8def-222233334444';

function auditInspection(format: 'JSON' | 'CSV'): Inspection {
  const key = `audit-report/${CA_ID}/${AUDIT_REPORT_ID}.${format.toLowerCase()}`;
  return {
    purpose: 'AUDIT_REPORT',
    bucket: AUDIT_BUCKET,
    auditReport: { id: AUDIT_REPORT_ID, status: 'FAILED', bucket: AUDIT_BUCKET, key, format },
    caStatus: 'ACTIVE',
    findings: [],
    plan: [],
    next: 'compliant',
    mode: 'apply',
  };
}

function request(inspection: Inspection = auditInspection('JSON')): Promise<AuditRequest> {
  return handler({ classification: CLASSIFICATIONS.auditReport, inspection }, lambdaContext('RequestAuditReport'));
}

beforeEach(() => {
  pcaMock.reset();
  resetClients();
  stubDeploymentEnv();
  setClock({ now: () => NOW });
});

afterEach(() => {
  resetClock();
  vi.unstubAllEnvs();
});

describe('RequestAuditReport', () => {
  it.each([['JSON' as const], ['CSV' as const]])('sunny day: asks for a new %s report in the same bucket', async (format) => {
    // Prepare
    const s3Key = `audit-report/${CA_ID}/${NEW_REPORT_ID}.${format.toLowerCase()}`;
    pcaMock.on(CreateCertificateAuthorityAuditReportCommand).resolves({ AuditReportId: NEW_REPORT_ID, S3Key: s3Key });
    // Act
    const result = await request(auditInspection(format));
    // Assess
    const calls = pcaMock.commandCalls(CreateCertificateAuthorityAuditReportCommand);
    expect(calls.map((call) => call.args[0].input)).toEqual([
      { CertificateAuthorityArn: CA_ARN, S3BucketName: AUDIT_BUCKET, AuditReportResponseFormat: format },
    ]);
    expect(result).toEqual({
      requested: true,
      bucket: AUDIT_BUCKET,
      format,
      auditReportId: NEW_REPORT_ID,
      s3Key,
      requestedAt: NOW.toISOString(),
      status: 'CREATING',
      polls: 0,
      findings: [],
    });
  });

  it('within the one-report-per-30-minutes limit (RequestInProgressException) → rejects AuditReportRequestInProgress', async () => {
    pcaMock
      .on(CreateCertificateAuthorityAuditReportCommand)
      .rejects(new RequestInProgressException({ $metadata: { httpStatusCode: 400 }, message: 'Audit report generation is in progress' }));
    await expect(request()).rejects.toMatchObject({ name: 'AuditReportRequestInProgress' });
  });

  it.each([
    ['InvalidStateException', new InvalidStateException({ $metadata: { httpStatusCode: 400 }, message: 'The certificate authority is not in a valid state' })],
    ['RequestFailedException', new RequestFailedException({ $metadata: { httpStatusCode: 400 }, message: 'The request has failed for an unspecified reason' })],
    ['InvalidArgsException', new InvalidArgsException({ $metadata: { httpStatusCode: 400 }, message: 'One or more arguments are invalid' })],
  ])('client error: %s → requested false with AUDIT_REPORT_REQUEST_REFUSED', async (name, error) => {
    pcaMock.on(CreateCertificateAuthorityAuditReportCommand).rejects(error);
    const result = await request();
    expect(result).toMatchObject({ requested: false, bucket: AUDIT_BUCKET, format: 'JSON', auditReportId: null, status: null });
    expect(codesOf(result.findings)).toEqual(['AUDIT_REPORT_REQUEST_REFUSED']);
    expect(result.findings[0]).toMatchObject({ severity: 'action-required', message: expect.stringContaining(name) });
  });

  it('throttling: ThrottlingException → rejects AwsTransientError', async () => {
    pcaMock.on(CreateCertificateAuthorityAuditReportCommand).rejects(PCA_THROTTLING());
    await expect(request()).rejects.toMatchObject({ name: 'AwsTransientError' });
  });

  it('an inspection without the failed report → rejects InvalidStepInput, nothing requested', async () => {
    const { auditReport: _dropped, ...withoutReport } = auditInspection('JSON');
    await expect(request(withoutReport)).rejects.toMatchObject({ name: 'InvalidStepInput' });
    expect(pcaMock.calls()).toHaveLength(0);
  });
});
