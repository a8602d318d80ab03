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
import { isAccountId, isRegion } from '../lib/arn';
import type { Partition } from '../lib/types';
import { parseBucket, parsePublicAccessBlock } from './account-file-bucket';
import { CA_STATUSES, S3_OBJECT_ACLS, parseCertificateAuthority } from './account-file-ca';
import {
  defined,
  describe,
  fail,
  integer,
  list,
  numberBetween,
  object,
  oneOf,
  optionalList,
  optionalString,
  rejectDuplicates,
  string,
  timestamp,
  type Json,
} from './account-file-fields';
import { FAULT_KINDS, FAULTABLE_SERVICES, type FaultPlanEntry } from './faults';

export { AccountFileError } from './account-file-fields';
export { CA_STATUSES, S3_OBJECT_ACLS, parseRevocationConfiguration } from './account-file-ca';

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
  /** Faults injected into the calls it answers (src/local/faults.ts); operations are checked by SimulatedAccount. */
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

const PARTITIONS: readonly Partition[] = ['aws', 'aws-cn', 'aws-us-gov'];

/** Check an account file (parsed JSON) and return it with defaults filled in and times as ISO strings. */
export function parseAccountFile(json: unknown): AccountFile {
  const root = object(json, '$', ['account', 'region', 'partition', 'certificateAuthorities', 'buckets', 'notifications', 'AccountPublicAccessBlock', 'Simulation']);
  const account = string(root.account, '$.account');
  if (!isAccountId(account)) fail('$.account', `must be a 12-digit account id, not ${describe(account)}`);
  const region = string(root.region, '$.region');
  if (!isRegion(region)) fail('$.region', `must be an AWS region such as us-east-1, not ${describe(region)}`);
  const partition = oneOf(root.partition ?? 'aws', '$.partition', PARTITIONS);
  const home = { account, region, partition };

  const certificateAuthorities = optionalList(root.certificateAuthorities, '$.certificateAuthorities').map((ca, i) =>
    parseCertificateAuthority(ca, `$.certificateAuthorities[${i}]`, home),
  );
  rejectDuplicates(certificateAuthorities.map((ca) => ca.Arn), '$.certificateAuthorities', 'Arn');
  const buckets = optionalList(root.buckets, '$.buckets').map((bucket, i) => parseBucket(bucket, `$.buckets[${i}]`, home));
  rejectDuplicates(buckets.map((bucket) => bucket.Name), '$.buckets', 'Name');
  const notifications = optionalList(root.notifications, '$.notifications').map((n, i) => parseNotification(n, `$.notifications[${i}]`));
  const simulation = root.Simulation === undefined ? undefined : parseAccountSimulation(root.Simulation, '$.Simulation');
  const accountBlock = root.AccountPublicAccessBlock === undefined ? undefined : parsePublicAccessBlock(root.AccountPublicAccessBlock, '$.AccountPublicAccessBlock');
  return { account, region, partition, certificateAuthorities, buckets, notifications, ...(accountBlock ? { AccountPublicAccessBlock: accountBlock } : {}), ...(simulation ? { Simulation: simulation } : {}) };
}

function parseAccountSimulation(value: unknown, path: string): AccountSimulation {
  const simulation = object(value, path, ['Faults']);
  return defined({ Faults: simulation.Faults === undefined ? undefined : parseFaults(simulation.Faults, `${path}.Faults`) });
}

function parseFaults(value: unknown, path: string): FaultPlanEntry {
  const faults = object(value, path, ['Rate', 'Kinds', 'Seed', 'Services', 'Operations']);
  const kinds = list(faults.Kinds, `${path}.Kinds`);
  if (kinds.length === 0) fail(`${path}.Kinds`, `must list at least one of ${FAULT_KINDS.join(', ')}`);
  return defined({
    Rate: numberBetween(faults.Rate, `${path}.Rate`, 0, 1),
    Kinds: kinds.map((kind, i) => oneOf(kind, `${path}.Kinds[${i}]`, FAULT_KINDS)),
    Seed: integer(faults.Seed, `${path}.Seed`, 0, 0xffffffff),
    Services: faults.Services === undefined ? undefined : list(faults.Services, `${path}.Services`).map((service, i) => oneOf(service, `${path}.Services[${i}]`, FAULTABLE_SERVICES)),
    Operations: faults.Operations === undefined ? undefined : list(faults.Operations, `${path}.Operations`).map((operation, i) => string(operation, `${path}.Operations[${i}]`)),
  });
}

function parseNotification(value: unknown, path: string): Notification {
  const n = object(value, path, ['TopicArn', 'Subject', 'Message', 'PublishedAt']);
  return defined({
    TopicArn: optionalString(n.TopicArn, `${path}.TopicArn`),
    Subject: optionalString(n.Subject, `${path}.Subject`),
    Message: string(n.Message, `${path}.Message`),
    PublishedAt: timestamp(n.PublishedAt, `${path}.PublishedAt`),
  });
}
