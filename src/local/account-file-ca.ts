/**
 * The certificate authorities of the account file, as DescribeCertificateAuthority
 * returns them, with their audit reports, certificates and simulation settings.
 */
import { isAccountId, isUuid, parseCaArn, parseCertificateArn } from '../lib/arn';
import type { Partition } from '../lib/types';
import type {
  AuditReportEntry,
  CaSimulation,
  CertificateAuthorityEntry,
  CertificateEntry,
  CrlConfiguration,
  RevocationConfiguration,
} from './account-file';
import {
  anyObject,
  boolean,
  defined,
  describe,
  fail,
  integer,
  nullable,
  object,
  oneOf,
  optionalBoolean,
  optionalList,
  optionalOneOf,
  optionalString,
  optionalTimestamp,
  rejectDuplicates,
  string,
  timestamp,
} from './account-file-fields';

export const CA_STATUSES = ['CREATING', 'PENDING_CERTIFICATE', 'ACTIVE', 'DELETED', 'DISABLED', 'EXPIRED', 'FAILED'] as const;
export const S3_OBJECT_ACLS = ['PUBLIC_READ', 'BUCKET_OWNER_FULL_CONTROL'] as const;

const CA_FIELDS = [
  'Arn',
  'OwnerAccount',
  'CreatedAt',
  'LastStateChangeAt',
  'Type',
  'Serial',
  'Status',
  'NotBefore',
  'NotAfter',
  'FailureReason',
  'CertificateAuthorityConfiguration',
  'RevocationConfiguration',
  'RestorableUntil',
  'KeyStorageSecurityStandard',
  'UsageMode',
  'AuditReports',
  'Certificates',
  'Simulation',
] as const;

export function parseCertificateAuthority(
  value: unknown,
  path: string,
  home: { account: string; region: string; partition: Partition },
): CertificateAuthorityEntry {
  const ca = object(value, path, CA_FIELDS);
  const parsed = parseCaArn(ca.Arn, 'Arn');
  if (!parsed.ok) fail(`${path}.Arn`, parsed.problem);
  const { arn, caId } = parsed.value;
  for (const part of ['partition', 'region', 'account'] as const) {
    if (parsed.value[part] !== home[part]) {
      fail(`${path}.Arn`, `is in ${part} "${parsed.value[part]}" but the file describes ${part} "${home[part]}"`);
    }
  }
  const owner = optionalString(ca.OwnerAccount, `${path}.OwnerAccount`);
  if (owner !== undefined && !isAccountId(owner)) fail(`${path}.OwnerAccount`, `must be a 12-digit account id, not ${describe(owner)}`);

  const auditReports = optionalList(ca.AuditReports, `${path}.AuditReports`).map((r, i) => parseAuditReport(r, `${path}.AuditReports[${i}]`));
  rejectDuplicates(auditReports.map((r) => r.AuditReportId), `${path}.AuditReports`, 'AuditReportId');
  const certificates = optionalList(ca.Certificates, `${path}.Certificates`).map((c, i) =>
    parseCertificate(c, `${path}.Certificates[${i}]`, caId),
  );
  rejectDuplicates(certificates.map((c) => c.CertificateArn), `${path}.Certificates`, 'CertificateArn');

  return defined({
    Arn: arn,
    OwnerAccount: owner,
    CreatedAt: optionalTimestamp(ca.CreatedAt, `${path}.CreatedAt`),
    LastStateChangeAt: optionalTimestamp(ca.LastStateChangeAt, `${path}.LastStateChangeAt`),
    Type: optionalOneOf(ca.Type, `${path}.Type`, ['ROOT', 'SUBORDINATE'] as const),
    Serial: optionalString(ca.Serial, `${path}.Serial`),
    Status: oneOf(ca.Status, `${path}.Status`, CA_STATUSES),
    NotBefore: optionalTimestamp(ca.NotBefore, `${path}.NotBefore`),
    NotAfter: optionalTimestamp(ca.NotAfter, `${path}.NotAfter`),
    FailureReason: optionalOneOf(ca.FailureReason, `${path}.FailureReason`, ['REQUEST_TIMED_OUT', 'UNSUPPORTED_ALGORITHM', 'OTHER'] as const),
    CertificateAuthorityConfiguration:
      ca.CertificateAuthorityConfiguration === undefined
        ? undefined
        : anyObject(ca.CertificateAuthorityConfiguration, `${path}.CertificateAuthorityConfiguration`),
    RevocationConfiguration:
      ca.RevocationConfiguration === undefined
        ? undefined
        : parseRevocationConfiguration(ca.RevocationConfiguration, `${path}.RevocationConfiguration`),
    RestorableUntil: optionalTimestamp(ca.RestorableUntil, `${path}.RestorableUntil`),
    KeyStorageSecurityStandard: optionalString(ca.KeyStorageSecurityStandard, `${path}.KeyStorageSecurityStandard`),
    UsageMode: optionalString(ca.UsageMode, `${path}.UsageMode`),
    AuditReports: auditReports,
    Certificates: certificates,
    Simulation: ca.Simulation === undefined ? undefined : parseSimulation(ca.Simulation, `${path}.Simulation`),
  });
}

/** Also checks UpdateCertificateAuthority's input, so the file and the API agree. */
export function parseRevocationConfiguration(value: unknown, path: string): RevocationConfiguration {
  const r = object(value, path, ['CrlConfiguration', 'OcspConfiguration']);
  const ocsp =
    r.OcspConfiguration === undefined ? undefined : object(r.OcspConfiguration, `${path}.OcspConfiguration`, ['Enabled', 'OcspCustomCname']);
  return defined({
    CrlConfiguration: r.CrlConfiguration === undefined ? undefined : parseCrlConfiguration(r.CrlConfiguration, `${path}.CrlConfiguration`),
    OcspConfiguration: ocsp
      ? defined({
          Enabled: boolean(ocsp.Enabled, `${path}.OcspConfiguration.Enabled`),
          OcspCustomCname: optionalString(ocsp.OcspCustomCname, `${path}.OcspConfiguration.OcspCustomCname`),
        })
      : undefined,
  });
}

function parseCrlConfiguration(value: unknown, path: string): CrlConfiguration {
  const c = object(value, path, [
    'Enabled',
    'ExpirationInDays',
    'CustomCname',
    'S3BucketName',
    'S3ObjectAcl',
    'CrlDistributionPointExtensionConfiguration',
    'CrlType',
    'CustomPath',
  ]);
  const extension =
    c.CrlDistributionPointExtensionConfiguration === undefined
      ? undefined
      : object(c.CrlDistributionPointExtensionConfiguration, `${path}.CrlDistributionPointExtensionConfiguration`, ['OmitExtension']);
  const crl: CrlConfiguration = defined({
    Enabled: boolean(c.Enabled, `${path}.Enabled`),
    ExpirationInDays: c.ExpirationInDays === undefined ? undefined : integer(c.ExpirationInDays, `${path}.ExpirationInDays`, 1, 5000),
    CustomCname: optionalString(c.CustomCname, `${path}.CustomCname`),
    S3BucketName: optionalString(c.S3BucketName, `${path}.S3BucketName`),
    S3ObjectAcl: optionalOneOf(c.S3ObjectAcl, `${path}.S3ObjectAcl`, S3_OBJECT_ACLS),
    CrlDistributionPointExtensionConfiguration: extension
      ? { OmitExtension: boolean(extension.OmitExtension, `${path}.CrlDistributionPointExtensionConfiguration.OmitExtension`) }
      : undefined,
    CrlType: optionalOneOf(c.CrlType, `${path}.CrlType`, ['COMPLETE', 'PARTITIONED'] as const),
    CustomPath: optionalString(c.CustomPath, `${path}.CustomPath`),
  });
  if (crl.Enabled && crl.S3BucketName === undefined) fail(`${path}.S3BucketName`, 'is required when Enabled is true');
  return crl;
}

function parseAuditReport(value: unknown, path: string): AuditReportEntry {
  const r = object(value, path, ['AuditReportId', 'AuditReportStatus', 'S3BucketName', 'S3Key', 'CreatedAt']);
  const id = string(r.AuditReportId, `${path}.AuditReportId`);
  if (!isUuid(id)) fail(`${path}.AuditReportId`, `must be a lower-case UUID, not ${describe(id)}`);
  return {
    AuditReportId: id,
    AuditReportStatus: oneOf(r.AuditReportStatus, `${path}.AuditReportStatus`, ['CREATING', 'SUCCESS', 'FAILED'] as const),
    S3BucketName: string(r.S3BucketName, `${path}.S3BucketName`),
    S3Key: string(r.S3Key, `${path}.S3Key`),
    CreatedAt: timestamp(r.CreatedAt, `${path}.CreatedAt`),
  };
}

function parseCertificate(value: unknown, path: string, caId: string): CertificateEntry {
  const c = object(value, path, ['CertificateArn', 'Status', 'Certificate', 'CertificateChain']);
  const parsed = parseCertificateArn(c.CertificateArn, 'CertificateArn');
  if (!parsed.ok) fail(`${path}.CertificateArn`, parsed.problem);
  if (parsed.value.caId !== caId) fail(`${path}.CertificateArn`, `belongs to CA ${parsed.value.caId}, not to this CA (${caId})`);
  const certificate: CertificateEntry = defined({
    CertificateArn: parsed.value.arn,
    Status: oneOf(c.Status, `${path}.Status`, ['ISSUED', 'FAILED', 'PENDING'] as const),
    Certificate: optionalString(c.Certificate, `${path}.Certificate`),
    CertificateChain: optionalString(c.CertificateChain, `${path}.CertificateChain`),
  });
  if (certificate.Status === 'ISSUED' && certificate.Certificate === undefined) {
    fail(`${path}.Certificate`, 'is required when Status is ISSUED');
  }
  return certificate;
}

function parseSimulation(value: unknown, path: string): CaSimulation {
  const s = object(value, path, [
    'CrlFailureAt',
    'CrlInternalFailureUntil',
    'AuditReportOutcome',
    'AuditReportSecondsToComplete',
    'LastAuditReportRequestedAt',
    'UpdateTestsBucketWrite',
  ]);
  return defined({
    CrlFailureAt: nullable(s.CrlFailureAt, (t) => timestamp(t, `${path}.CrlFailureAt`)),
    CrlInternalFailureUntil: nullable(s.CrlInternalFailureUntil, (t) =>
      t === 'forever' ? 'forever' : timestamp(t, `${path}.CrlInternalFailureUntil`),
    ),
    AuditReportOutcome: optionalOneOf(s.AuditReportOutcome, `${path}.AuditReportOutcome`, ['SUCCESS', 'FAILED'] as const),
    AuditReportSecondsToComplete:
      s.AuditReportSecondsToComplete === undefined
        ? undefined
        : integer(s.AuditReportSecondsToComplete, `${path}.AuditReportSecondsToComplete`, 0, 86_400),
    LastAuditReportRequestedAt: nullable(s.LastAuditReportRequestedAt, (t) => timestamp(t, `${path}.LastAuditReportRequestedAt`)),
    UpdateTestsBucketWrite: optionalBoolean(s.UpdateTestsBucketWrite, `${path}.UpdateTestsBucketWrite`),
  });
}
