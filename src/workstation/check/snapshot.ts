/**
 * `npm run snapshot`: the part of an account the workflow reads, as an account file
 * (src/workstation/local/account-file.ts), so that `npm run local -- <event> --account <file>`
 * rehearses a remediation against the real configuration, offline.
 *
 * Read with the read-only clients (./read-only.ts): the CAs as Private CA lists them;
 * for each CRL bucket its region (GetBucketLocation), then what InspectBucket reads
 * (readBucketState: policy, Block Public Access, Object Ownership, default encryption,
 * each with ExpectedBucketOwner set to the CAs' account), and the CRL objects'
 * LastModified under the CAs' prefixes (ListObjectsV2), which is what the workflow's
 * CRL check lists. Bucket policies are kept as the exact text S3 returns.
 *
 * Not in the file: certificates, audit reports, tags, notifications, account-level Block
 * Public Access (the workflow reads none of them), and any bucket that could not be read
 * (listed in `leftOut`, with the reason).
 */
import type { CertificateAuthority } from '@aws-sdk/client-acm-pca';
import { GetBucketLocationCommand, ListObjectsV2Command, type ListObjectsV2CommandOutput } from '@aws-sdk/client-s3';
import pLimit from 'p-limit';
import { parseCaArn } from '../../core/arn';
import { readBucketState } from '../../lambda/aws/bucket-state';
import { s3 } from '../../lambda/aws/clients/s3';
import { awsErrorName } from '../../core/errors';
import { listCertificateAuthorities } from '../../lambda/steps/sweep';
import { parseAccountFile, type AccountFile, type BucketEntry, type CertificateAuthorityEntry } from '../local/account-file';
import { DEFAULT_CONCURRENCY, MAX_CONCURRENCY } from './check-account';
import { WriteRefused } from './read-only';
import { crlObjectPrefixes, customPathOf } from '../../core/crl-objects';

export class SnapshotError extends Error {
  override readonly name = 'SnapshotError';
}

export interface SnapshotOptions {
  region: string;
  caArns?: readonly string[];
  concurrency?: number;
  now?: () => Date;
}

export interface Snapshot {
  file: AccountFile;
  /** Buckets the CAs name that are not in the file, and why. */
  leftOut: Array<{ bucket: string; reason: string }>;
  /** Fields Private CA returned that the account file has no place for (JSON paths); not kept. */
  dropped: string[];
}

/** The revocation fields the account file holds (src/workstation/local/account-file-ca.ts); anything newer is dropped and named. */
const CRL_FIELDS = [
  'Enabled',
  'ExpirationInDays',
  'CustomCname',
  'S3BucketName',
  'S3ObjectAcl',
  'CrlDistributionPointExtensionConfiguration',
  'CrlType',
  'CustomPath',
];
const OCSP_FIELDS = ['Enabled', 'OcspCustomCname'];

function keep(value: Record<string, unknown> | undefined, fields: readonly string[], path: string, dropped: string[]): Record<string, unknown> | undefined {
  if (value === undefined) return undefined;
  for (const key of Object.keys(value)) if (!fields.includes(key)) dropped.push(`${path}.${key}`);
  return Object.fromEntries(Object.entries(value).filter(([key]) => fields.includes(key)));
}

/** The fields of DescribeCertificateAuthority the account file holds (the simulation's own are added apart). */
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
] as const;

/** Dates as ISO strings, undefined members dropped: the JSON the account file is written in. */
function plain(value: unknown): unknown {
  return JSON.parse(JSON.stringify(value, (_key, item: unknown) => (item instanceof Date ? item.toISOString() : item)));
}

function caEntry(ca: CertificateAuthority, at: Date, path: string, dropped: string[]): CertificateAuthorityEntry {
  const entry = plain(Object.fromEntries(CA_FIELDS.filter((field) => ca[field] !== undefined).map((field) => [field, ca[field]]))) as CertificateAuthorityEntry;
  const revocation = entry.RevocationConfiguration as Record<string, Record<string, unknown> | undefined> | undefined;
  if (revocation) {
    const where = `${path}.RevocationConfiguration`;
    const kept = keep(revocation, ['CrlConfiguration', 'OcspConfiguration'], where, dropped)!;
    const crl = keep(revocation.CrlConfiguration, CRL_FIELDS, `${where}.CrlConfiguration`, dropped);
    const ocsp = keep(revocation.OcspConfiguration, OCSP_FIELDS, `${where}.OcspConfiguration`, dropped);
    entry.RevocationConfiguration = {
      ...kept,
      ...(crl ? { CrlConfiguration: crl } : {}),
      ...(ocsp ? { OcspConfiguration: ocsp } : {}),
    } as CertificateAuthorityEntry['RevocationConfiguration'];
  }
  const crl = ca.RevocationConfiguration?.CrlConfiguration;
  // Private CA exposes no "last CRL write failed at": the rehearsal of a failure event assumes it failed now,
  // so the simulated Private CA retries every 15 minutes from the snapshot's time, as the real one does after a failure.
  if (crl?.Enabled === true && crl.S3BucketName) entry.Simulation = { CrlFailureAt: at.toISOString() };
  return entry;
}

/** GetBucketLocation's answer as a region: none means us-east-1, and the legacy EU means eu-west-1 (S3 API reference, GetBucketLocation). */
function regionOf(constraint: string | undefined): string {
  if (!constraint) return 'us-east-1';
  return constraint === 'EU' ? 'eu-west-1' : constraint;
}

function isDenied(error: unknown): boolean {
  const name = awsErrorName(error);
  return name === 'AccessDenied' || name === 'Forbidden' || name === 'AllAccessDisabled';
}

async function crlObjects(bucket: string, prefixes: readonly string[], owner: string): Promise<Record<string, string>> {
  const objects: Record<string, string> = {};
  for (const prefix of prefixes) {
    let token: string | undefined;
    do {
      const page: ListObjectsV2CommandOutput = await s3().send(
        new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix, ContinuationToken: token, ExpectedBucketOwner: owner }),
      );
      for (const object of page.Contents ?? []) if (object.Key && object.LastModified) objects[object.Key] = object.LastModified.toISOString();
      token = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (token);
  }
  return objects;
}

/** One bucket as the account file holds it, or why it is left out. */
async function bucketEntry(name: string, owner: string, prefixes: readonly string[]): Promise<BucketEntry | { leftOut: string }> {
  let region: string;
  try {
    const location = await s3().send(new GetBucketLocationCommand({ Bucket: name, ExpectedBucketOwner: owner }));
    region = regionOf(location.LocationConstraint);
  } catch (error) {
    if (error instanceof WriteRefused) throw error;
    if (awsErrorName(error) === 'NoSuchBucket') return { leftOut: 'it does not exist (npm run local finds it missing too)' };
    if (isDenied(error)) return { leftOut: `GetBucketLocation was denied: it is not owned by ${owner}, or these credentials may not read it` };
    throw error;
  }
  const state = await readBucketState(name, owner);
  if (state.status === 'missing') return { leftOut: 'it does not exist (npm run local finds it missing too)' };
  if (state.status === 'access-denied') return { leftOut: `${state.operation} was denied: it is not owned by ${owner}, or these credentials may not read it` };
  let objects: Record<string, string>;
  try {
    objects = await crlObjects(name, prefixes, owner);
  } catch (error) {
    if (isDenied(error)) return { leftOut: `ListObjectsV2 was denied (s3:ListBucket): the CRL objects' LastModified could not be read` };
    throw error;
  }
  const encryption = state.encryption;
  return {
    Name: name,
    Owner: owner,
    Region: region,
    Policy: state.policy,
    PublicAccessBlockConfiguration: state.publicAccessBlock ? (plain(state.publicAccessBlock) as BucketEntry['PublicAccessBlockConfiguration']) : null,
    OwnershipControls: state.objectOwnership ? { Rules: [{ ObjectOwnership: state.objectOwnership as 'BucketOwnerEnforced' }] } : null,
    ServerSideEncryptionConfiguration: encryption
      ? {
          Rules: [
            {
              ApplyServerSideEncryptionByDefault: {
                SSEAlgorithm: encryption.algorithm as 'AES256',
                ...(encryption.kmsKeyId ? { KMSMasterKeyID: encryption.kmsKeyId } : {}),
              },
              BucketKeyEnabled: encryption.bucketKeyEnabled,
            },
          ],
        }
      : null,
    Objects: objects,
  };
}

export async function takeSnapshot(options: SnapshotOptions): Promise<Snapshot> {
  const at = (options.now ?? (() => new Date()))();
  const listed = await listCertificateAuthorities();
  let selected = listed;
  if (options.caArns && options.caArns.length > 0) {
    const wanted = new Set(options.caArns);
    selected = listed.filter((ca) => ca.Arn && wanted.has(ca.Arn));
    const missing = [...wanted].filter((arn) => !selected.some((ca) => ca.Arn === arn));
    if (missing.length > 0)
      throw new SnapshotError(`Private CA lists no CA ${missing.join(', ')} in ${options.region} for these credentials; nothing was written`);
  }
  if (selected.length === 0)
    throw new SnapshotError(`Private CA lists no CA in ${options.region} for these credentials: there is nothing to snapshot, and nothing was written`);
  const first = parseCaArn(selected[0]!.Arn, 'the listed CA ARN');
  if (!first.ok) throw new SnapshotError(first.problem);
  const { account, partition } = first.value;

  // Each CRL bucket once, with the prefixes of every CA that writes to it.
  const prefixes = new Map<string, string[]>();
  for (const ca of selected) {
    const crl = ca.RevocationConfiguration?.CrlConfiguration;
    const caId = parseCaArn(ca.Arn).ok ? (parseCaArn(ca.Arn) as { value: { caId: string } }).value.caId : undefined;
    if (crl?.Enabled !== true || !crl.S3BucketName || !caId) continue;
    prefixes.set(crl.S3BucketName, [...(prefixes.get(crl.S3BucketName) ?? []), ...crlObjectPrefixes(caId, customPathOf(ca.RevocationConfiguration))]);
  }
  const limit = pLimit(Math.min(Math.max(1, options.concurrency ?? DEFAULT_CONCURRENCY), MAX_CONCURRENCY));
  const read = await Promise.all(
    [...prefixes].map(([name, bucketPrefixes]) => limit(async () => ({ name, entry: await bucketEntry(name, account, bucketPrefixes) }))),
  );
  const buckets = read.flatMap(({ entry }) => ('leftOut' in entry ? [] : [entry]));
  const leftOut = read.flatMap(({ name, entry }) => ('leftOut' in entry ? [{ bucket: name, reason: entry.leftOut }] : []));
  const dropped: string[] = [];
  const certificateAuthorities = selected.map((ca, i) => caEntry(ca, at, `$.certificateAuthorities[${i}]`, dropped));
  const file = { account, region: options.region, partition, certificateAuthorities, buckets, notifications: [] };
  // The file must load as `npm run local --account` loads it; parseAccountFile names the path of anything it refuses.
  parseAccountFile(structuredClone(file));
  return { file: file as AccountFile, leftOut, dropped };
}
