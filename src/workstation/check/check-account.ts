/**
 * `npm run check`: the workflow's judgement on every CA of a region, before anything
 * fails. For each CA it runs what the state machine runs for a CRL permission failure
 * (the event the scheduled sweep would send: classifyEvent, then inspectBucket, which
 * reads the CA and its bucket and plans the repair), in dry-run mode, so the plan is
 * only computed. With audit buckets, each bucket is read once (readBucketState) and the
 * audit-report grant of each CA planned on it (planBucketRepair), as InspectAuditBucket
 * does after it has found the report's bucket. Nothing here decides anything the
 * workflow's own code does not: a verdict is only a name for the inspection's `next`.
 *
 * The clients are read-only (./read-only.ts). CAs are checked `concurrency` at a time
 * (p-limit); each CA costs one DescribeCertificateAuthority and four S3 reads, and the
 * SDK's standard retry mode retries throttling (Private CA's ThrottlingException, S3's
 * SlowDown) with backoff. Private CA's request rates are per operation, account and
 * region: https://docs.aws.amazon.com/privateca/latest/userguide/PcaLimits.html
 */
import type { CertificateAuthority } from '@aws-sdk/client-acm-pca';
import pLimit from 'p-limit';
import { parseCaArn } from '../../core/arn';
import { readBucketState } from '../../lambda/aws/bucket-state';
import { classifyEvent } from '../../core/classify-event';
import { inspectBucket } from '../../lambda/steps/inspect-bucket';
import { planBucketRepair } from '../../core/plan-bucket-repair';
import { listCertificateAuthorities, sweepEvent } from '../../lambda/steps/sweep';
import type { BucketPurpose, BucketState, Classification, Config, Finding, Inspection, PlannedAction } from '../../core/types';
import { WriteRefused } from './read-only';
export const VERDICTS = ['OK', 'WOULD_REPAIR', 'NEEDS_ATTENTION', 'CANNOT_READ'] as const;
export type Verdict = (typeof VERDICTS)[number];

/** CAs checked at once, by default; --concurrency may raise it up to MAX_CONCURRENCY. */
export const DEFAULT_CONCURRENCY = 4;
export const MAX_CONCURRENCY = 16;

export interface CheckRow {
  caArn: string;
  caId: string | null;
  commonName: string | null;
  status: string | null;
  purpose: BucketPurpose;
  bucket: string | null;
  verdict: Verdict;
  /** The inspection's findings, as the workflow records them. */
  findings: Finding[];
  /** What the workflow would change (for WOULD_REPAIR), with the full before and after. */
  plan: PlannedAction[];
  /** For CANNOT_READ: what could not be read, and AWS's answer. */
  unreadable?: string;
}

export interface CheckReport {
  region: string;
  account: string | null;
  /** The deployment settings the plan was made with; mode is always dry-run. */
  config: Config;
  checkedAt: string;
  summary: Record<Verdict, number>;
  rows: CheckRow[];
}

export interface CheckOptions {
  region: string;
  /** Only these CAs (default: every CA the region lists). */
  caArns?: readonly string[];
  /** Audit-report buckets to check for each CA. */
  auditBuckets?: readonly string[];
  /** The deployment settings (allowedBuckets, allowCaUpdates); the mode is forced to dry-run. */
  config: Config;
  concurrency?: number;
  /** Called after each CA (and each audit bucket row), with how many are done of how many. */
  onProgress?: (done: number, total: number) => void;
  now?: () => Date;
}

/** The name of an inspection's outcome. Access denied on the bucket is CANNOT_READ: the check could not see it. */
export function verdictOf(inspection: Pick<Inspection, 'next' | 'findings'>): Verdict {
  if (inspection.findings.some((finding) => finding.code === 'BUCKET_ACCESS_DENIED')) return 'CANNOT_READ';
  if (inspection.next === 'compliant') return 'OK';
  if (inspection.next === 'attention') return 'NEEDS_ATTENTION';
  return 'WOULD_REPAIR';
}

/** A CA without CRL distribution: Private CA writes no CRL, so no CRL write can fail. */
export const NO_CRL: Finding = {
  code: 'NO_CRL',
  severity: 'info',
  message: 'CRL distribution is off on this CA: Private CA writes no CRL, so there is no CRL bucket to check.',
};

function commonNameOf(ca: CertificateAuthority | undefined): string | null {
  return ca?.CertificateAuthorityConfiguration?.Subject?.CommonName ?? null;
}

/** An AWS error as one line; a transient one was already retried by the SDK (the workflow's "will retry" is the state machine's). */
function describeError(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  return `${error.name}: ${error.message.replace(/; will retry$/, ", still after the SDK's retries: run the check again later")}`;
}

/** The classification the workflow gives a CRL permission failure of this CA (the sweep's event). */
function permissionFailureClassification(arn: string, now: Date): Classification | string {
  const parsed = parseCaArn(arn, 'the CA ARN');
  if (!parsed.ok) return parsed.problem;
  const classification = classifyEvent(sweepEvent(parsed.value, now, []));
  return classification.kind === 'CRL_S3_PERMISSION' ? classification : `the workflow would reject an event for it: ${classification.rejection}`;
}

/** Errors that are not about one CA: a write the clients refused (a bug), credentials, a missing region. Rethrown. */
function isRunError(error: unknown): boolean {
  if (error instanceof WriteRefused) return true;
  const name = (error as Error)?.name ?? '';
  return name === 'CredentialsProviderError' || /Could not load credentials|Region is missing/i.test((error as Error)?.message ?? '');
}

async function checkCa(arn: string, listed: CertificateAuthority | undefined, options: CheckOptions, config: Config): Promise<CheckRow> {
  const base = {
    caArn: arn,
    caId: null,
    commonName: commonNameOf(listed),
    status: listed?.Status ?? null,
    purpose: 'CRL' as const,
    bucket: listed?.RevocationConfiguration?.CrlConfiguration?.S3BucketName ?? null,
  };
  const classification = permissionFailureClassification(arn, (options.now ?? (() => new Date()))());
  if (typeof classification === 'string') return { ...base, verdict: 'CANNOT_READ', findings: [], plan: [], unreadable: classification };
  const row = { ...base, caId: classification.certificateAuthorityId ?? null };
  if (listed && listed.RevocationConfiguration?.CrlConfiguration?.Enabled !== true)
    return { ...row, bucket: null, verdict: 'OK', findings: [NO_CRL], plan: [] };
  let inspection: Inspection;
  try {
    inspection = await inspectBucket(classification, config);
  } catch (error) {
    if (isRunError(error)) throw error;
    return { ...row, verdict: 'CANNOT_READ', findings: [], plan: [], unreadable: describeError(error) };
  }
  const verdict = verdictOf(inspection);
  const denied = inspection.findings.find((finding) => finding.code === 'BUCKET_ACCESS_DENIED');
  return {
    ...row,
    status: row.status ?? inspection.caStatus ?? null,
    bucket: inspection.bucket ?? row.bucket,
    verdict,
    findings: inspection.findings,
    plan: inspection.plan,
    ...(denied ? { unreadable: denied.message } : {}),
  };
}

async function checkAuditBucket(
  bucket: string,
  state: BucketState | Error,
  ca: CertificateAuthority,
  options: CheckOptions,
  config: Config,
): Promise<CheckRow> {
  const arn = ca.Arn!;
  const classification = permissionFailureClassification(arn, (options.now ?? (() => new Date()))());
  const base = {
    caArn: arn,
    caId: typeof classification === 'string' ? null : (classification.certificateAuthorityId ?? null),
    commonName: commonNameOf(ca),
    status: ca.Status ?? null,
    purpose: 'AUDIT_REPORT' as const,
    bucket,
  };
  if (typeof classification === 'string') return { ...base, verdict: 'CANNOT_READ', findings: [], plan: [], unreadable: classification };
  if (state instanceof Error) return { ...base, verdict: 'CANNOT_READ', findings: [], plan: [], unreadable: describeError(state) };
  const planned = planBucketRepair({ classification: { ...classification, kind: 'AUDIT_REPORT' }, purpose: 'AUDIT_REPORT', bucket: state, config });
  const denied = planned.findings.find((finding) => finding.code === 'BUCKET_ACCESS_DENIED');
  return { ...base, verdict: verdictOf(planned), findings: planned.findings, plan: planned.plan, ...(denied ? { unreadable: denied.message } : {}) };
}

export async function checkAccount(options: CheckOptions): Promise<CheckReport> {
  const config: Config = { ...options.config, mode: 'dry-run' };
  const listed = await listCertificateAuthorities();
  const byArn = new Map(listed.filter((ca) => ca.Arn).map((ca) => [ca.Arn!, ca]));
  const arns = options.caArns && options.caArns.length > 0 ? [...new Set(options.caArns)] : [...byArn.keys()];
  const auditBuckets = [...new Set(options.auditBuckets ?? [])];
  const auditCas = arns.map((arn) => byArn.get(arn)).filter((ca): ca is CertificateAuthority => ca !== undefined);
  const total = arns.length + auditBuckets.length * auditCas.length;
  const limit = pLimit(Math.min(Math.max(1, options.concurrency ?? DEFAULT_CONCURRENCY), MAX_CONCURRENCY));
  let done = 0;
  const progress = <T>(value: T): T => {
    done += 1;
    options.onProgress?.(done, total);
    return value;
  };
  const crlRows = arns.map((arn) => limit(() => checkCa(arn, byArn.get(arn), options, config).then(progress)));
  const account = arns.map((arn) => parseCaArn(arn)).find((parsed) => parsed.ok)?.value.account ?? null;
  const auditRows = auditBuckets.flatMap((bucket) => {
    // Read once per bucket; every CA's grant is planned on the same reading.
    const state =
      account === null
        ? Promise.resolve<BucketState | Error>(new Error('no CA to check the bucket for'))
        : limit(() =>
            readBucketState(bucket, account).catch((error: unknown) => {
              if (isRunError(error)) throw error;
              return error instanceof Error ? error : new Error(String(error));
            }),
          );
    return auditCas.map((ca) => state.then((read) => checkAuditBucket(bucket, read, ca, options, config)).then(progress));
  });
  const rows = await Promise.all([...crlRows, ...auditRows]);
  const summary = Object.fromEntries(VERDICTS.map((verdict) => [verdict, rows.filter((row) => row.verdict === verdict).length])) as Record<Verdict, number>;
  return { region: options.region, account, config, checkedAt: (options.now ?? (() => new Date()))().toISOString(), summary, rows };
}

/** 0 when every row is OK, else 1. */
export function checkExitCode(report: CheckReport): number {
  return report.rows.every((row) => row.verdict === 'OK') ? 0 : 1;
}
