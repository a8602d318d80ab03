/**
 * The ACM Private CA operations the workflow uses, answered from the account model with
 * the output shapes and exception names of the real service.
 */
import { randomUUID } from 'node:crypto';
import { parseCaArn, parseCertificateArn } from '../lib/arn';
import { AccountFileError, parseRevocationConfiguration, type CertificateAuthorityEntry } from './account-file';
import { pcaErrors } from './aws-errors';
import { caIdOf, checkPrivateCaWrite, PERMISSION_TEST_KEY } from './private-ca-writes';
import { findCertificateAuthority, minutes, type Operation, type OperationContext, type OperationInput } from './simulation-model';

export const AUDIT_REPORT_INTERVAL_MS = minutes(30);

const DATE_FIELDS = ['CreatedAt', 'LastStateChangeAt', 'NotBefore', 'NotAfter', 'RestorableUntil'] as const;

function caOf(context: OperationContext, input: OperationInput): CertificateAuthorityEntry {
  const arn = input.CertificateAuthorityArn;
  if (!parseCaArn(arn).ok) throw pcaErrors.invalidArn(arn);
  const ca = findCertificateAuthority(context.model, arn as string);
  if (!ca) throw pcaErrors.resourceNotFound(`Could not find certificate authority ${String(arn)}.`);
  return ca;
}

function requireActiveOrDisabled(ca: CertificateAuthorityEntry, operation: string): void {
  if (ca.Status !== 'ACTIVE' && ca.Status !== 'DISABLED') {
    throw pcaErrors.invalidState(`The certificate authority ${ca.Arn} is in the ${ca.Status} state; ${operation} needs ACTIVE or DISABLED.`);
  }
}

const describeCertificateAuthority: Operation = (context, input) => {
  // The file's own fields (AuditReports, Certificates, Simulation) are not part of the answer.
  const { AuditReports: _reports, Certificates: _certificates, Simulation: _simulation, ...described } = structuredClone(caOf(context, input));
  const answer: Record<string, unknown> = { ...described };
  for (const field of DATE_FIELDS) {
    if (described[field] !== undefined) answer[field] = new Date(described[field]);
  }
  return { CertificateAuthority: answer };
};

const updateCertificateAuthority: Operation = (context, input) => {
  const ca = caOf(context, input);
  requireActiveOrDisabled(ca, 'UpdateCertificateAuthority');
  let revocation = ca.RevocationConfiguration;
  if (input.RevocationConfiguration !== undefined) {
    try {
      revocation = parseRevocationConfiguration(withoutUndefined(input.RevocationConfiguration), '$.RevocationConfiguration');
    } catch (error) {
      if (error instanceof AccountFileError) throw pcaErrors.invalidArgs(error.message.replace(/^\$\./, ''));
      throw error;
    }
  }
  const status = input.Status;
  if (status !== undefined && status !== 'ACTIVE' && status !== 'DISABLED') {
    throw pcaErrors.invalidArgs(`Status must be ACTIVE or DISABLED, not ${String(status)}.`);
  }
  const crl = revocation?.CrlConfiguration;
  if (ca.Simulation?.UpdateTestsBucketWrite && crl?.Enabled && crl.S3BucketName) {
    const test = checkPrivateCaWrite(context.model, ca, {
      bucket: crl.S3BucketName,
      objectKeys: [PERMISSION_TEST_KEY],
      objectAcl: crl.S3ObjectAcl === 'BUCKET_OWNER_FULL_CONTROL' ? 'bucket-owner-full-control' : 'public-read',
    });
    if (!test.allowed) throw pcaErrors.invalidArgs(`Private CA could not write to the S3 bucket: ${test.reasons.join('; ')}.`);
  }
  if (revocation === undefined) delete ca.RevocationConfiguration;
  else ca.RevocationConfiguration = revocation;
  if (status !== undefined && status !== ca.Status) {
    ca.Status = status;
    ca.LastStateChangeAt = context.now.toISOString();
  }
  return {};
};

/** The SDK leaves unset optional members as `undefined`; the wire never carries them. */
function withoutUndefined(value: unknown): unknown {
  return JSON.parse(JSON.stringify(value ?? null)) as unknown;
}

/** The later of the simulation's LastAuditReportRequestedAt and the newest report's CreatedAt. */
function lastAuditReportRequest(ca: CertificateAuthorityEntry): number | undefined {
  const times = [ca.Simulation?.LastAuditReportRequestedAt, ...(ca.AuditReports ?? []).map((r) => r.CreatedAt)]
    .filter((time): time is string => typeof time === 'string')
    .map((time) => Date.parse(time));
  return times.length === 0 ? undefined : Math.max(...times);
}

const createCertificateAuthorityAuditReport: Operation = (context, input) => {
  const ca = caOf(context, input);
  requireActiveOrDisabled(ca, 'CreateCertificateAuthorityAuditReport');
  const bucket = input.S3BucketName;
  if (typeof bucket !== 'string' || bucket.length < 3 || bucket.length > 63) {
    throw pcaErrors.invalidArgs('S3BucketName must be the name of an S3 bucket.');
  }
  const format = input.AuditReportResponseFormat;
  if (format !== 'JSON' && format !== 'CSV') throw pcaErrors.invalidArgs('AuditReportResponseFormat must be JSON or CSV.');
  const last = lastAuditReportRequest(ca);
  if (last !== undefined && context.now.getTime() - last < AUDIT_REPORT_INTERVAL_MS) {
    throw pcaErrors.requestInProgress(
      `An audit report for ${ca.Arn} was requested at ${new Date(last).toISOString()}; only one may be created every 30 minutes.`,
    );
  }
  const id = randomUUID();
  const key = `audit-report/${caIdOf(ca)}/${id}.${format.toLowerCase()}`;
  const createdAt = context.now.toISOString();
  (ca.AuditReports ??= []).push({ AuditReportId: id, AuditReportStatus: 'CREATING', S3BucketName: bucket, S3Key: key, CreatedAt: createdAt });
  (ca.Simulation ??= {}).LastAuditReportRequestedAt = createdAt;
  return { AuditReportId: id, S3Key: key };
};

const describeCertificateAuthorityAuditReport: Operation = (context, input) => {
  const ca = caOf(context, input);
  const report = (ca.AuditReports ?? []).find((r) => r.AuditReportId === input.AuditReportId);
  if (!report) throw pcaErrors.resourceNotFound(`Could not find audit report ${String(input.AuditReportId)} for ${ca.Arn}.`);
  return {
    AuditReportStatus: report.AuditReportStatus,
    S3BucketName: report.S3BucketName,
    S3Key: report.S3Key,
    CreatedAt: new Date(report.CreatedAt),
  };
};

const getCertificate: Operation = (context, input) => {
  const ca = caOf(context, input);
  if (!parseCertificateArn(input.CertificateArn).ok) throw pcaErrors.invalidArn(input.CertificateArn);
  const certificate = (ca.Certificates ?? []).find((c) => c.CertificateArn === input.CertificateArn);
  if (!certificate) throw pcaErrors.resourceNotFound(`Could not find certificate ${String(input.CertificateArn)}.`);
  switch (certificate.Status) {
    case 'FAILED':
      throw pcaErrors.requestFailed('The request to issue the certificate failed for an unspecified reason');
    case 'PENDING':
      throw pcaErrors.requestInProgress(`The certificate ${certificate.CertificateArn} is not yet issued; try again later.`);
    case 'ISSUED':
      return { Certificate: certificate.Certificate, CertificateChain: certificate.CertificateChain };
  }
};

export const acmPcaOperations: Record<string, Operation> = {
  DescribeCertificateAuthority: describeCertificateAuthority,
  UpdateCertificateAuthority: updateCertificateAuthority,
  CreateCertificateAuthorityAuditReport: createCertificateAuthorityAuditReport,
  DescribeCertificateAuthorityAuditReport: describeCertificateAuthorityAuditReport,
  GetCertificate: getCertificate,
};
