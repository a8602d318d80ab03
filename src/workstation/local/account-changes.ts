/**
 * What changed in a simulated account during a run, read by comparing the account file
 * before and after: the workflow's writes (bucket policies, CA settings, audit report
 * requests), Private CA's own writes (CRLs, reports), and the notifications sent. The
 * local runner shows it under each execution, so the claim "nothing else changed" can be
 * checked by eye as well as by the tests.
 */
import { isDeepStrictEqual } from 'node:util';
import type { AccountFile } from './account-file';

export interface AccountChange {
  resource: string;
  what: string;
}

function policyDocument(policy: unknown): unknown {
  if (typeof policy !== 'string') return policy ?? null;
  try {
    return JSON.parse(policy);
  } catch {
    return policy;
  }
}

const BUCKET_SETTINGS = ['PublicAccessBlockConfiguration', 'OwnershipControls', 'ServerSideEncryptionConfiguration', 'Owner', 'Region'] as const;
const CA_SETTINGS = ['Status', 'FailureReason', 'RevocationConfiguration', 'CertificateAuthorityConfiguration'] as const;

export function accountChanges(before: AccountFile, after: AccountFile): AccountChange[] {
  const changes: AccountChange[] = [];
  for (const bucket of after.buckets) {
    const old = before.buckets.find((entry) => entry.Name === bucket.Name);
    const resource = `s3://${bucket.Name}`;
    if (!old) {
      changes.push({ resource, what: 'bucket created' });
      continue;
    }
    if (!isDeepStrictEqual(policyDocument(old.Policy), policyDocument(bucket.Policy))) {
      changes.push({
        resource,
        what: bucket.Policy === null ? 'bucket policy deleted' : old.Policy === null ? 'bucket policy created' : 'bucket policy changed',
      });
    }
    for (const setting of BUCKET_SETTINGS) {
      if (!isDeepStrictEqual(old[setting], bucket[setting])) changes.push({ resource, what: `${setting} changed` });
    }
    for (const [key, modified] of Object.entries(bucket.Objects)) {
      if (old.Objects[key] === undefined) changes.push({ resource, what: `object ${key} written (${modified})` });
      else if (old.Objects[key] !== modified) changes.push({ resource, what: `object ${key} rewritten (${modified})` });
    }
    for (const key of Object.keys(old.Objects)) if (bucket.Objects[key] === undefined) changes.push({ resource, what: `object ${key} deleted` });
  }
  for (const bucket of before.buckets) {
    if (!after.buckets.some((entry) => entry.Name === bucket.Name)) changes.push({ resource: `s3://${bucket.Name}`, what: 'bucket deleted' });
  }
  for (const ca of after.certificateAuthorities) {
    const old = before.certificateAuthorities.find((entry) => entry.Arn === ca.Arn);
    const resource = ca.Arn.replace(/^.*certificate-authority\//, 'CA ');
    if (!old) {
      changes.push({ resource, what: 'CA created' });
      continue;
    }
    for (const setting of CA_SETTINGS) {
      if (!isDeepStrictEqual(old[setting], ca[setting])) changes.push({ resource, what: `${setting} changed` });
    }
    for (const report of ca.AuditReports ?? []) {
      const previous = old.AuditReports?.find((entry) => entry.AuditReportId === report.AuditReportId);
      if (!previous) changes.push({ resource, what: `audit report ${report.AuditReportId} requested (${report.AuditReportStatus})` });
      else if (previous.AuditReportStatus !== report.AuditReportStatus)
        changes.push({ resource, what: `audit report ${report.AuditReportId} ${previous.AuditReportStatus} → ${report.AuditReportStatus}` });
    }
  }
  for (const notification of after.notifications.slice(before.notifications.length)) {
    changes.push({ resource: 'SNS', what: `notification sent: ${notification.Subject ?? notification.Message.slice(0, 80)}` });
  }
  return changes;
}
