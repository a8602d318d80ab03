/**
 * Re-requesting a failed audit report and following the new one.
 *
 * Private CA accepts one audit report per CA every 30 minutes and answers
 * RequestInProgressException before that; it becomes AuditReportRequestInProgress,
 * which the state machine retries with backoff across the 30 minutes.
 */
import { CreateCertificateAuthorityAuditReportCommand, DescribeCertificateAuthorityAuditReportCommand } from '@aws-sdk/client-acm-pca';
import { acmPca } from '../aws/clients/acm-pca';
import { now } from '../runtime/clock';
import { AuditReportRequestInProgress, awsErrorName, InvalidStepInput, rethrowAws } from '../../core/errors';
import type { AuditRequest, Inspection, Classification } from '../../core/types';

export async function requestAuditReport(classification: Classification, inspection: Inspection): Promise<AuditRequest> {
  const report = inspection.auditReport;
  if (!report) throw new InvalidStepInput('RequestAuditReport needs the failed report from InspectBucket');
  const base: AuditRequest = {
    requested: false,
    bucket: report.bucket,
    format: report.format,
    auditReportId: null,
    s3Key: null,
    requestedAt: null,
    status: null,
    polls: 0,
    findings: [],
  };
  try {
    const output = await acmPca().send(
      new CreateCertificateAuthorityAuditReportCommand({
        CertificateAuthorityArn: classification.certificateAuthorityArn,
        S3BucketName: report.bucket,
        AuditReportResponseFormat: report.format,
      }),
    );
    return {
      ...base,
      requested: true,
      auditReportId: output.AuditReportId ?? null,
      s3Key: output.S3Key ?? null,
      requestedAt: now().toISOString(),
      status: 'CREATING',
    };
  } catch (error) {
    const name = awsErrorName(error);
    if (name === 'RequestInProgressException') {
      throw new AuditReportRequestInProgress(`Private CA is still within its one-report-per-30-minutes limit for ${classification.certificateAuthorityArn}`, {
        cause: error,
      });
    }
    if (name === 'InvalidStateException' || name === 'RequestFailedException' || name === 'InvalidArgsException') {
      return {
        ...base,
        findings: [
          {
            code: 'AUDIT_REPORT_REQUEST_REFUSED',
            severity: 'action-required',
            message: `Private CA refused the new audit report (${name}: ${(error as Error).message}). A CA must be ACTIVE or DISABLED to report; request it by hand once the cause is fixed.`,
          },
        ],
      };
    }
    return rethrowAws(error, 'CreateCertificateAuthorityAuditReport');
  }
}

export async function checkAuditReport(classification: Classification, request: AuditRequest): Promise<AuditRequest> {
  if (!request.requested || !request.auditReportId) throw new InvalidStepInput('CheckAuditReport needs a requested report');
  try {
    const output = await acmPca().send(
      new DescribeCertificateAuthorityAuditReportCommand({
        CertificateAuthorityArn: classification.certificateAuthorityArn,
        AuditReportId: request.auditReportId,
      }),
    );
    return { ...request, status: output.AuditReportStatus ?? 'CREATING', s3Key: output.S3Key ?? request.s3Key, polls: request.polls + 1 };
  } catch (error) {
    return rethrowAws(error, `DescribeCertificateAuthorityAuditReport ${request.auditReportId}`);
  }
}
