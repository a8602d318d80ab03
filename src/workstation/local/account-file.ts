/**
 * The account file: an AWS account as the local runner and the workflow tests see it.
 *
 * It uses the AWS APIs' own shapes and field names (DescribeCertificateAuthority,
 * GetBucketPolicy, GetPublicAccessBlock...), so a user can fill it from `aws` CLI
 * output. `Simulation` blocks say how the simulated Private CA behaves in the background
 * (per CA) and which faults the simulated account injects into the calls it answers (the
 * file's own `Simulation`).
 * `parseAccountFile` checks a file and names the JSON path of anything wrong.
 */
import type { z } from 'zod';
import type { Partition } from '../../core/types';
import { AccountFileError, type Json } from './account-file-fields';
import { accountFileSchema, type CA_STATUSES, revocationConfigurationSchema, type S3_OBJECT_ACLS } from './account-file-schema';
import type { FaultPlanEntry } from './faults';

export { AccountFileError } from './account-file-fields';
export { CA_STATUSES, S3_OBJECT_ACLS } from './account-file-schema';

export type CaStatus = (typeof CA_STATUSES)[number];
export type S3ObjectAcl = (typeof S3_OBJECT_ACLS)[number];
export type AuditReportStatus = 'CREATING' | 'SUCCESS' | 'FAILED';
export type CertificateStatus = 'ISSUED' | 'FAILED' | 'PENDING';

export interface CrlConfiguration {
  Enabled: boolean;
  ExpirationInDays?: number;
  CustomCname?: string;
  S3BucketName?: string;
  S3ObjectAcl?: S3ObjectAcl;
  CrlDistributionPointExtensionConfiguration?: { OmitExtension: boolean };
  CrlType?: 'COMPLETE' | 'PARTITIONED';
  CustomPath?: string;
}

export interface RevocationConfiguration {
  CrlConfiguration?: CrlConfiguration;
  OcspConfiguration?: { Enabled: boolean; OcspCustomCname?: string };
}

export interface AuditReportEntry {
  AuditReportId: string;
  AuditReportStatus: AuditReportStatus;
  S3BucketName: string;
  S3Key: string;
  CreatedAt: string;
}

export interface CertificateEntry {
  CertificateArn: string;
  Status: CertificateStatus;
  Certificate?: string;
  CertificateChain?: string;
}

/** How the simulated Private CA behaves. Times are ISO strings. */
export interface CaSimulation {
  /** When the last CRL write failed; Private CA retries every 15 minutes from here. Cleared on success. */
  CrlFailureAt?: string | null;
  /** Until when CRL writes fail internally whatever the bucket (`forever`: never recovers). */
  CrlInternalFailureUntil?: string | 'forever' | null;
  /** What a newly requested report ends as, if the bucket lets Private CA write (default SUCCESS). */
  AuditReportOutcome?: 'SUCCESS' | 'FAILED';
  /** Default 60. */
  AuditReportSecondsToComplete?: number;
  /** For the one-report-per-30-minutes limit. */
  LastAuditReportRequestedAt?: string | null;
  /**
   * When true, UpdateCertificateAuthority with CRLs enabled first tests that Private CA
   * could write to the bucket, and fails with InvalidArgsException when not (as the real
   * service does at least on creation). Off by default: UNCONFIRMED for updates.
   */
  UpdateTestsBucketWrite?: boolean;
}

/** As DescribeCertificateAuthority returns it, plus the simulation's own fields. */
export interface CertificateAuthorityEntry {
  Arn: string;
  OwnerAccount?: string;
  CreatedAt?: string;
  LastStateChangeAt?: string;
  Type?: 'ROOT' | 'SUBORDINATE';
  Serial?: string;
  Status: CaStatus;
  NotBefore?: string;
  NotAfter?: string;
  FailureReason?: 'REQUEST_TIMED_OUT' | 'UNSUPPORTED_ALGORITHM' | 'OTHER';
  CertificateAuthorityConfiguration?: Json;
  RevocationConfiguration?: RevocationConfiguration;
  RestorableUntil?: string;
  KeyStorageSecurityStandard?: string;
  UsageMode?: string;
  AuditReports?: AuditReportEntry[];
  Certificates?: CertificateEntry[];
  Simulation?: CaSimulation;
}

export interface PublicAccessBlockConfiguration {
  BlockPublicAcls?: boolean;
  IgnorePublicAcls?: boolean;
  BlockPublicPolicy?: boolean;
  RestrictPublicBuckets?: boolean;
}

export type ObjectOwnership = 'BucketOwnerEnforced' | 'BucketOwnerPreferred' | 'ObjectWriter';

export interface ServerSideEncryptionRule {
  ApplyServerSideEncryptionByDefault?: { SSEAlgorithm: 'AES256' | 'aws:kms' | 'aws:kms:dsse'; KMSMasterKeyID?: string };
  BucketKeyEnabled?: boolean;
}

export interface BucketEntry {
  Name: string;
  /** Account id of the bucket owner. */
  Owner: string;
  Region: string;
  /** The policy text as S3 returns it, or the document itself; null when the bucket has none. */
  Policy: string | Json | null;
  PublicAccessBlockConfiguration: PublicAccessBlockConfiguration | null;
  OwnershipControls: { Rules: Array<{ ObjectOwnership: ObjectOwnership }> } | null;
  ServerSideEncryptionConfiguration: { Rules: ServerSideEncryptionRule[] } | null;
  /** Object key → LastModified. */
  Objects: Record<string, string>;
}

export interface Notification {
  TopicArn?: string;
  Subject?: string;
  Message: string;
  PublishedAt: string;
}

/** How the simulated account itself behaves. */
export interface AccountSimulation {
  /** Faults injected into the calls it answers (src/workstation/local/faults.ts); operations are checked by SimulatedAccount. */
  Faults?: FaultPlanEntry;
}

export interface AccountFile {
  account: string;
  region: string;
  partition: Partition;
  certificateAuthorities: CertificateAuthorityEntry[];
  buckets: BucketEntry[];
  notifications: Notification[];
  /**
   * The account-level Block Public Access settings (S3 Control's GetPublicAccessBlock),
   * which apply to every bucket on top of its own. The workflow does not read them (it
   * has no s3:GetAccountPublicAccessBlock); the simulated Private CA obeys them.
   */
  AccountPublicAccessBlock?: PublicAccessBlockConfiguration;
  Simulation?: AccountSimulation;
}

/** `$.certificateAuthorities[0].Arn`, `$.buckets[0].Objects["crl/x.crl"]`: the JSON path of a zod issue. */
function jsonPath(path: ReadonlyArray<PropertyKey>): string {
  return `$${path.map((key) => (typeof key === 'number' ? `[${key}]` : /^[A-Za-z_$][\w$]*$/.test(String(key)) ? `.${String(key)}` : `["${String(key)}"]`)).join('')}`;
}

/**
 * The problem to report, as the loader reports it: the path (of the unknown field itself,
 * for one) and the problem. The outermost first, and at one object an unknown field before
 * a missing one: a file of another kind (package.json) is named as such, not by what it lacks.
 */
function firstProblem(error: z.ZodError, base: ReadonlyArray<PropertyKey> = []): AccountFileError {
  const rank = (issue: z.core.$ZodIssue) => issue.path.length * 2 + (issue.code === 'unrecognized_keys' ? 0 : 1);
  const issue = error.issues.reduce((best, candidate) => (rank(candidate) < rank(best) ? candidate : best));
  const path = [...base, ...issue.path];
  if (issue.code === 'unrecognized_keys') path.push(issue.keys[0]!);
  return new AccountFileError(jsonPath(path), issue.message);
}

/** Each value once: a second use is reported at its own path. */
function rejectDuplicates(values: string[], path: string, field: string): void {
  values.forEach((value, i) => {
    const first = values.indexOf(value);
    if (first !== i) throw new AccountFileError(`${path}[${i}].${field}`, `"${value}" is already used by ${path}[${first}]`);
  });
}

/** Check an account file (parsed JSON) and return it with defaults filled in and times as ISO strings. */
export function parseAccountFile(json: unknown): AccountFile {
  const parsed = accountFileSchema.safeParse(json);
  if (!parsed.success) throw firstProblem(parsed.error);
  const {
    $schema: _schema,
    account,
    region,
    partition,
    certificateAuthorities: cas,
    buckets: bucketEntries,
    notifications,
    AccountPublicAccessBlock,
    Simulation,
  } = parsed.data;
  const home = { account, region, partition };

  // The rules between fields: each CA in the file's own partition, region and account,
  // each certificate under its own CA, every ARN, name and id used once.
  const certificateAuthorities = cas.map(({ Arn, ...rest }, i): CertificateAuthorityEntry => {
    const path = `$.certificateAuthorities[${i}]`;
    for (const part of ['partition', 'region', 'account'] as const) {
      if (Arn[part] !== home[part]) throw new AccountFileError(`${path}.Arn`, `is in ${part} "${Arn[part]}" but the file describes ${part} "${home[part]}"`);
    }
    rejectDuplicates(
      rest.AuditReports.map((report) => report.AuditReportId),
      `${path}.AuditReports`,
      'AuditReportId',
    );
    rest.Certificates.forEach((entry, j) => {
      const caId = /certificate-authority\/([^/]+)\//.exec(entry.CertificateArn)![1];
      if (caId !== Arn.caId) throw new AccountFileError(`${path}.Certificates[${j}].CertificateArn`, `belongs to CA ${caId}, not to this CA (${Arn.caId})`);
    });
    rejectDuplicates(
      rest.Certificates.map((entry) => entry.CertificateArn),
      `${path}.Certificates`,
      'CertificateArn',
    );
    return { Arn: Arn.arn, ...rest } as CertificateAuthorityEntry;
  });
  rejectDuplicates(
    certificateAuthorities.map((ca) => ca.Arn),
    '$.certificateAuthorities',
    'Arn',
  );
  const buckets = bucketEntries.map(
    ({ Name, Owner, Region, ...rest }): BucketEntry => ({ Name, Owner: Owner ?? account, Region: Region ?? region, ...rest }) as BucketEntry,
  );
  rejectDuplicates(
    buckets.map((entry) => entry.Name),
    '$.buckets',
    'Name',
  );
  return {
    account,
    region,
    partition,
    certificateAuthorities,
    buckets,
    notifications,
    ...(AccountPublicAccessBlock ? { AccountPublicAccessBlock } : {}),
    ...(Simulation ? { Simulation: Simulation as AccountSimulation } : {}),
  };
}

/** Also checks UpdateCertificateAuthority's input, so the file and the API agree. */
export function parseRevocationConfiguration(value: unknown, path: string): RevocationConfiguration {
  const parsed = revocationConfigurationSchema.safeParse(value);
  if (!parsed.success) {
    const problem = firstProblem(parsed.error);
    throw new AccountFileError(`${path}${problem.path.slice(1)}`, problem.message.slice(problem.path.length + 2));
  }
  return parsed.data as RevocationConfiguration;
}
