/**
 * The ACM Private CA operations the workflow and the sweep use, answered from the account model with
 * the output shapes and exception names of the real service.
 */
import { randomUUID } from 'node:crypto';
import { ACMPCAServiceException, InvalidNextTokenException } from '@aws-sdk/client-acm-pca';
import { parseCaArn, parseCertificateArn } from '../../core/arn';
import { AccountFileError, parseRevocationConfiguration, type CertificateAuthorityEntry } from './account-file';
import { pcaErrors, responseMetadata } from './aws-errors';
import { caIdOf, checkPrivateCaWrite, PERMISSION_TEST_KEY } from './private-ca-writes';
import { findBucket, findCertificateAuthority, minutes, type Operation, type OperationContext, type OperationInput } from './simulation-model';

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

/** The CA as the API describes it: times as Dates, without the file's own fields (AuditReports, Certificates, Simulation). */
function described(ca: CertificateAuthorityEntry): Record<string, unknown> {
  const { AuditReports: _reports, Certificates: _certificates, Simulation: _simulation, ...fields } = structuredClone(ca);
  const answer: Record<string, unknown> = { ...fields };
  for (const field of DATE_FIELDS) {
    if (fields[field] !== undefined) answer[field] = new Date(fields[field]);
  }
  return answer;
}

const describeCertificateAuthority: Operation = (context, input) => ({ CertificateAuthority: described(caOf(context, input)) });

/** "Although the maximum value [of MaxResults] is 1000, the action only returns a maximum of 100 items." (API reference) */
export const LIST_PAGE_LIMIT = 100;

function validationError(message: string): ACMPCAServiceException {
  return new ACMPCAServiceException({ name: 'ValidationException', $fault: 'client', $metadata: responseMetadata(400), message });
}

const NEXT_TOKEN_PREFIX = 'simulated-list-certificate-authorities:';

/**
 * ListCertificateAuthorities: the account's CAs (ResourceOwner SELF, the default), in the
 * file's order, a page at a time with an opaque NextToken. OTHER_ACCOUNTS (CAs other
 * accounts share with this one) lists none: an account file holds its own CAs only.
 */
const listCertificateAuthorities: Operation = (context, input) => {
  const owner = input.ResourceOwner ?? 'SELF';
  if (owner !== 'SELF' && owner !== 'OTHER_ACCOUNTS')
    throw validationError(
      `Value '${String(owner)}' at 'resourceOwner' failed to satisfy constraint: Member must satisfy enum value set: [SELF, OTHER_ACCOUNTS]`,
    );
  const maxResults = input.MaxResults ?? LIST_PAGE_LIMIT;
  if (typeof maxResults !== 'number' || !Number.isInteger(maxResults) || maxResults < 1 || maxResults > 1000) {
    throw validationError(`Value '${String(maxResults)}' at 'maxResults' failed to satisfy constraint: Member must have value between 1 and 1000`);
  }
  const listed = owner === 'SELF' ? context.model.certificateAuthorities : [];
  let start = 0;
  if (input.NextToken !== undefined) {
    const decoded = typeof input.NextToken === 'string' ? Buffer.from(input.NextToken, 'base64').toString('utf8') : '';
    start = decoded.startsWith(NEXT_TOKEN_PREFIX) ? Number(decoded.slice(NEXT_TOKEN_PREFIX.length)) : Number.NaN;
    if (!Number.isInteger(start) || start <= 0 || start >= listed.length) {
      throw new InvalidNextTokenException({
        message: 'The token specified in the NextToken argument is not valid. Use the token returned from your previous call to ListCertificateAuthorities.',
        $metadata: responseMetadata(400),
      });
    }
  }
  const end = start + Math.min(maxResults, LIST_PAGE_LIMIT);
  const page = listed.slice(start, end).map(described);
  return end < listed.length
    ? { CertificateAuthorities: page, NextToken: Buffer.from(`${NEXT_TOKEN_PREFIX}${end}`).toString('base64') }
    : { CertificateAuthorities: page };
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
  // Private CA tests the bucket whenever an update sets a CRL configuration, for itself
  // and for the caller (API reference: "Both AWS Private CA and the IAM principal must
  // have permission to write to the S3 bucket that you specify"). On by default; an
  // account file may turn it off per CA (Simulation.UpdateTestsBucketWrite: false).
  if (ca.Simulation?.UpdateTestsBucketWrite !== false && input.RevocationConfiguration !== undefined && crl?.Enabled && crl.S3BucketName) {
    testBucketForUpdate(context, ca, crl);
  }
  if (revocation === undefined) delete ca.RevocationConfiguration;
  else ca.RevocationConfiguration = revocation;
  if (status !== undefined && status !== ca.Status) {
    ca.Status = status;
    ca.LastStateChangeAt = context.now.toISOString();
  }
  return {};
};

/**
 * Private CA's update-time test of the CRL bucket. The error names and messages AWS
 * gives are not documented; InvalidArgsException is the refusal the API reference lists
 * for arguments Private CA cannot use (see docs/aws-facts.md).
 */
function testBucketForUpdate(
  context: OperationContext,
  ca: CertificateAuthorityEntry,
  crl: NonNullable<NonNullable<CertificateAuthorityEntry['RevocationConfiguration']>['CrlConfiguration']>,
): void {
  const bucketName = crl.S3BucketName!;
  const test = checkPrivateCaWrite(
    context.model,
    ca,
    {
      bucket: bucketName,
      objectKeys: [PERMISSION_TEST_KEY],
      objectAcl: crl.S3ObjectAcl === 'BUCKET_OWNER_FULL_CONTROL' ? 'bucket-owner-full-control' : 'public-read',
    },
    context.now,
  );
  if (!test.allowed)
    throw pcaErrors.invalidArgs(
      `The ACM Private CA Service Principal 'acm-pca.amazonaws.com' could not write to the S3 bucket ${bucketName}: ${test.reasons.join('; ')}.`,
    );
  const bucket = findBucket(context.model, bucketName);
  const callerMayWrite =
    bucket !== undefined &&
    context.caller.canPutObject({ name: bucket.Name, owner: bucket.Owner, partition: context.model.partition }, PERMISSION_TEST_KEY, {
      account: context.model.account,
      region: context.model.region,
    });
  if (!callerMayWrite) throw pcaErrors.invalidArgs(`The caller (${context.caller.name}) does not have permission to write to the S3 bucket ${bucketName}.`);
}

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
  ca.AuditReports ??= [];
  ca.AuditReports.push({ AuditReportId: id, AuditReportStatus: 'CREATING', S3BucketName: bucket, S3Key: key, CreatedAt: createdAt });
  ca.Simulation ??= {};
  ca.Simulation.LastAuditReportRequestedAt = createdAt;
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
  ListCertificateAuthorities: listCertificateAuthorities,
  DescribeCertificateAuthority: describeCertificateAuthority,
  UpdateCertificateAuthority: updateCertificateAuthority,
  CreateCertificateAuthorityAuditReport: createCertificateAuthorityAuditReport,
  DescribeCertificateAuthorityAuditReport: describeCertificateAuthorityAuditReport,
  GetCertificate: getCertificate,
};
