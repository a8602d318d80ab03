/**
 * InspectBucket: find the bucket Private CA failed to write (the CA's CRL bucket, or
 * the failed audit report's bucket), read it, and plan the repair. Reads only.
 */
import { DescribeCertificateAuthorityAuditReportCommand } from '@aws-sdk/client-acm-pca';
import { afterApproval, approvalRequest } from '../../core/approval';
import { readBucketState } from '../aws/bucket-state';
import { acmPca } from '../aws/clients/acm-pca';
import { describeCertificateAuthority } from '../aws/certificate-authority';
import { awsErrorName, rethrowAws } from '../../core/errors';
import { planBucketRepair } from '../../core/plan-bucket-repair';
import type { ApprovalRequest, AuditReportFormat, Classification, Config, Finding, Inspection } from '../../core/types';
import { crlObjectAcl, customPathOf } from '../../core/crl-objects';

function attention(inspection: Omit<Inspection, 'next' | 'plan' | 'findings'>, finding: Finding): Inspection {
  return { ...inspection, findings: [finding], plan: [], next: 'attention' };
}

/** JSON or CSV, from the report's key (`audit-report/<CA id>/<uuid>.json|csv`). */
export function auditReportFormat(key: string | undefined): AuditReportFormat {
  return key?.toLowerCase().endsWith('.csv') ? 'CSV' : 'JSON';
}

async function describeAuditReport(classification: Classification) {
  try {
    return await acmPca().send(
      new DescribeCertificateAuthorityAuditReportCommand({
        CertificateAuthorityArn: classification.certificateAuthorityArn,
        AuditReportId: classification.auditReportId,
      }),
    );
  } catch (error) {
    if (awsErrorName(error) === 'ResourceNotFoundException') return null;
    return rethrowAws(error, `DescribeCertificateAuthorityAuditReport ${classification.auditReportId}`);
  }
}

/**
 * `approved`: the question a person approved (mode approve): the plan made now is applied
 * only if it is the approved one (src/core/approval.ts).
 */
export async function inspectBucket(classification: Classification, config: Config, approved?: ApprovalRequest): Promise<Inspection> {
  const inspection = await inspectOnce(classification, config);
  if (inspection.next === 'approve' && !inspection.approval) inspection.approval = approvalRequest(inspection.plan, config);
  return approved ? afterApproval(inspection, approved, config) : inspection;
}

async function inspectOnce(classification: Classification, config: Config): Promise<Inspection> {
  const purpose = classification.kind === 'AUDIT_REPORT' ? 'AUDIT_REPORT' : 'CRL';
  const base = { purpose, bucket: null, mode: config.mode } as const;
  const ca = await describeCertificateAuthority(classification.certificateAuthorityArn!);
  if (ca === null) {
    return attention(base, {
      code: 'CA_NOT_FOUND',
      severity: 'action-required',
      message: `Private CA has no CA ${classification.certificateAuthorityArn} in this account and region. If it was deleted there is nothing to do; otherwise deploy pca-remediation in the CA's account (${classification.account}) and region (${classification.region}).`,
    });
  }
  const crlConfiguration = ca.RevocationConfiguration?.CrlConfiguration;
  const customPath = customPathOf(ca.RevocationConfiguration);
  const crl = {
    enabled: crlConfiguration?.Enabled === true,
    s3ObjectAcl: crlObjectAcl(ca.RevocationConfiguration),
    ...(customPath ? { customPath } : {}),
  };
  const withCa = { ...base, crl, caStatus: ca.Status };

  let bucketName: string | undefined;
  let auditReport: Inspection['auditReport'];
  if (purpose === 'CRL') {
    if (!crl.enabled || !crlConfiguration?.S3BucketName) {
      return attention(withCa, {
        code: 'CRL_DISABLED',
        severity: 'action-required',
        message: `CRL distribution is ${crl.enabled ? 'enabled without a bucket' : 'now disabled'} on this CA, so there is no bucket to repair. If that is intended, nothing needs doing; otherwise configure the CRL bucket.`,
      });
    }
    bucketName = crlConfiguration.S3BucketName;
  } else {
    const report = await describeAuditReport(classification);
    if (report === null || !report.S3BucketName) {
      return attention(withCa, {
        code: 'AUDIT_REPORT_NOT_FOUND',
        severity: 'action-required',
        message: `Private CA does not know audit report ${classification.auditReportId} of this CA${report ? ' (or it names no bucket)' : ''}; request a new report by hand.`,
      });
    }
    bucketName = report.S3BucketName;
    auditReport = {
      id: classification.auditReportId!,
      bucket: bucketName,
      format: auditReportFormat(report.S3Key),
      ...(report.AuditReportStatus ? { status: report.AuditReportStatus } : {}),
      ...(report.S3Key ? { key: report.S3Key } : {}),
    };
  }

  const bucket = await readBucketState(bucketName, classification.account!);
  const planned = planBucketRepair({
    classification,
    purpose,
    bucket,
    config,
    revocation: ca.RevocationConfiguration,
    crlAcl: crl.s3ObjectAcl,
    auditReportKey: auditReport?.key,
  });
  const inspection: Inspection = {
    ...withCa,
    bucket: bucketName,
    ...(bucket.status === 'found' ? { blockPublicPolicy: bucket.publicAccessBlock?.BlockPublicPolicy === true } : {}),
    ...planned,
    ...(auditReport ? { auditReport } : {}),
  };
  // Re-requesting the report writes to the bucket too: in dry-run it is only planned.
  if (purpose === 'AUDIT_REPORT' && config.mode === 'dry-run' && inspection.next === 'compliant') inspection.next = 'dry-run';
  return classification.kind === 'CRL_S3_INTERNAL' || classification.kind === 'CRL_GENERATION_INTERNAL' ? asCauseSearch(inspection) : inspection;
}

/**
 * For an internal failure the inspection only looks for a cause it can name. A
 * repair plan means the bucket would also block Private CA: that is reported, not
 * applied, because the event did not say the bucket was the problem.
 */
function asCauseSearch(inspection: Inspection): Inspection {
  if (inspection.next !== 'repair' && inspection.next !== 'dry-run' && inspection.next !== 'approve') return inspection;
  return {
    ...inspection,
    next: 'attention',
    findings: [
      ...inspection.findings,
      {
        code: 'BUCKET_WOULD_BLOCK_PCA',
        severity: 'action-required',
        message:
          'Private CA reported an internal failure, but the bucket would also block its writes. The repair in `actions` was planned, not applied: apply it by hand, or run the workflow with a "Check your S3 bucket permissions." event.',
      },
    ],
  };
}
