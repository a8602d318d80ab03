/**
 * The scheduled sweep, for lost events. Private CA delivers its events on a best-effort
 * basis, so a CRL bucket can stop accepting Private CA's writes without any execution
 * starting. The sweep lists this account's CAs that publish CRLs to S3, inspects each
 * CRL bucket exactly as InspectCrlBucket does (reads only), and starts the remediation
 * workflow for every bucket that needs a repair or a person, with an event that says
 * it came from the sweep.
 *
 * The workflow does the deduplication: the event id is one per CA and UTC day, and
 * ClaimEvent lets one execution act on an event id, so a bucket found broken by every
 * sweep of a day is remediated (or reported to a person) once that day. The execution
 * name is one per CA and minute, so a sweep retried at once starts nothing twice.
 */
import { ListCertificateAuthoritiesCommand, type CertificateAuthority } from '@aws-sdk/client-acm-pca';
import { StartExecutionCommand } from '@aws-sdk/client-sfn';
import { parseCaArn, type CaArn } from '../../core/arn';
import { classifyEvent, DETAIL_TYPES, SWEEP_SOURCE } from '../../core/classify-event';
import { acmPca } from '../aws/clients/acm-pca';
import { stepFunctions } from '../aws/clients/sfn';
import { now } from '../runtime/clock';
import type { SweepSettings } from '../runtime/config';
import { awsErrorName, AwsTransientError, isTransientAwsError, rethrowAws } from '../../core/errors';
import { inspectBucket } from './inspect-bucket';
import type { Config, Inspection } from '../../core/types';
/**
 * The documented reason of a CRL write the bucket refused. The sweep has found exactly
 * that: a bucket that would refuse Private CA (the workflow classifies it CRL_S3_PERMISSION).
 */
export const SWEEP_REASON = 'Failed to write CRL to S3. Check your S3 bucket permissions.';

/**
 * The inspections that start the workflow: a repair to apply, something a person must
 * do, and in dry-run mode a repair to plan (the workflow records DRY_RUN and notifies
 * the plan, which is what dry-run is for). Only a compliant bucket starts nothing.
 */
const NEEDS_THE_WORKFLOW: ReadonlySet<Inspection['next']> = new Set(['repair', 'attention', 'dry-run', 'approve']);

export type SkipCode = 'NOT_ACTIVE' | 'CRL_DISABLED' | 'NO_CRL_BUCKET' | 'COMPLIANT';

export interface SweepSummary {
  /** CAs listed in this account and region. */
  checked: number;
  /** One per execution started (or already started by an earlier run the same minute). */
  started: Array<{ caArn: string; eventId: string; executionArn: string; findings: string[]; alreadyStarted?: true }>;
  skipped: Array<{ caArn: string; code: SkipCode; reason: string }>;
  /** CAs whose bucket could not be inspected or whose execution could not be started. */
  failed: Array<{ caArn: string; error: string; retryable: boolean }>;
}

/** Why a listed CA is not swept, or null when its CRL bucket is to be inspected. */
export function whyNotSwept(ca: CertificateAuthority): { code: SkipCode; reason: string } | null {
  if (ca.Status !== 'ACTIVE') return { code: 'NOT_ACTIVE', reason: `status ${ca.Status ?? 'unknown'}, not ACTIVE` };
  const crl = ca.RevocationConfiguration?.CrlConfiguration;
  if (crl?.Enabled !== true) return { code: 'CRL_DISABLED', reason: 'CRL distribution is not enabled' };
  if (!crl.S3BucketName) return { code: 'NO_CRL_BUCKET', reason: 'CRL distribution is enabled without an S3 bucket' };
  return null;
}

/** `sweep-<CA id>-<YYYY-MM-DD>`: one event per CA and UTC day. */
export function sweepEventId(caId: string, at: Date): string {
  return `sweep-${caId}-${at.toISOString().slice(0, 10)}`;
}

/** `sweep-<CA id>-<YYYYMMDDTHHMM>` (56 characters; Step Functions allows 80, letters, digits, - and _). */
export function sweepExecutionName(caId: string, at: Date): string {
  return `sweep-${caId}-${at.toISOString().slice(0, 16).replace(/[-:]/g, '')}`;
}

/** The ARN of execution `name` of `stateMachineArn`. */
export function executionArnOf(stateMachineArn: string, name: string): string {
  return `${stateMachineArn.replace(':stateMachine:', ':execution:')}:${name}`;
}

/**
 * The event the sweep starts the workflow with: a CRL Generation failure in the shape
 * EventBridge delivers Private CA's, but with the sweep's own source, and what the
 * sweep found in `detail.sweep`.
 */
export function sweepEvent(ca: CaArn, foundAt: Date, findings: string[]) {
  return {
    version: '0',
    id: sweepEventId(ca.caId, foundAt),
    'detail-type': DETAIL_TYPES.crl,
    source: SWEEP_SOURCE,
    account: ca.account,
    time: foundAt.toISOString().replace(/\.\d{3}Z$/, 'Z'),
    region: ca.region,
    resources: [ca.arn],
    detail: { result: 'failure', reason: SWEEP_REASON, sweep: { foundAt: foundAt.toISOString(), findings } },
  };
}

/** Every CA of this account and region (ResourceOwner SELF), all pages. */
export async function listCertificateAuthorities(): Promise<CertificateAuthority[]> {
  const all: CertificateAuthority[] = [];
  let NextToken: string | undefined;
  do {
    try {
      const page = await acmPca().send(new ListCertificateAuthoritiesCommand({ ResourceOwner: 'SELF', NextToken }));
      all.push(...(page.CertificateAuthorities ?? []));
      NextToken = page.NextToken;
    } catch (error) {
      return rethrowAws(error, 'ListCertificateAuthorities');
    }
  } while (NextToken);
  return all;
}

async function startRemediation(stateMachineArn: string, name: string, input: object): Promise<{ executionArn: string; alreadyStarted: boolean }> {
  try {
    const output = await stepFunctions().send(new StartExecutionCommand({ stateMachineArn, name, input: JSON.stringify(input) }));
    return { executionArn: output.executionArn ?? executionArnOf(stateMachineArn, name), alreadyStarted: false };
  } catch (error) {
    // This sweep started it already: the Lambda's own retry, or another run the same minute.
    if (awsErrorName(error) === 'ExecutionAlreadyExists') return { executionArn: executionArnOf(stateMachineArn, name), alreadyStarted: true };
    throw error;
  }
}

function failure(caArn: string, error: unknown): SweepSummary['failed'][number] {
  const retryable = error instanceof AwsTransientError || isTransientAwsError(error);
  return { caArn, error: error instanceof Error ? `${error.name}: ${error.message}` : String(error), retryable };
}

/** Inspect one CA's CRL bucket and start the workflow when it needs it; the outcome goes into `summary`. */
async function sweepCertificateAuthority(ca: CertificateAuthority, settings: SweepSettings, config: Config, summary: SweepSummary): Promise<void> {
  const caArn = ca.Arn ?? 'unknown';
  const skip = whyNotSwept(ca);
  if (skip) {
    summary.skipped.push({ caArn, ...skip });
    return;
  }
  const parsed = parseCaArn(ca.Arn, 'the listed CA ARN');
  if (!parsed.ok) {
    summary.failed.push({ caArn, error: parsed.problem, retryable: false });
    return;
  }
  const foundAt = now();
  // The classification the workflow will give the event, so the inspection is the workflow's own.
  const classification = classifyEvent(sweepEvent(parsed.value, foundAt, []));
  if (classification.kind !== 'CRL_S3_PERMISSION') {
    summary.failed.push({ caArn, error: `the workflow would reject the sweep's event: ${classification.rejection}`, retryable: false });
    return;
  }
  let inspection: Inspection;
  try {
    inspection = await inspectBucket(classification, config);
  } catch (error) {
    summary.failed.push(failure(caArn, error));
    return;
  }
  if (!NEEDS_THE_WORKFLOW.has(inspection.next)) {
    summary.skipped.push({ caArn, code: 'COMPLIANT', reason: `bucket ${inspection.bucket} lets Private CA write` });
    return;
  }
  const findings = inspection.findings.map((finding) => finding.code);
  const event = sweepEvent(parsed.value, foundAt, findings);
  try {
    const { executionArn, alreadyStarted } = await startRemediation(settings.stateMachineArn, sweepExecutionName(parsed.value.caId, foundAt), event);
    summary.started.push({ caArn, eventId: event.id, executionArn, findings, ...(alreadyStarted ? { alreadyStarted: true as const } : {}) });
  } catch (error) {
    summary.failed.push(failure(caArn, error));
  }
}

/**
 * Sweep the account: every CA, one after the other (Private CA's default request rates
 * are 20 DescribeCertificateAuthority calls a second). A CA that fails is reported in
 * the summary and the sweep goes on; only the listing itself can stop it.
 */
export async function sweep(settings: SweepSettings, config: Config): Promise<SweepSummary> {
  const certificateAuthorities = await listCertificateAuthorities();
  const summary: SweepSummary = { checked: certificateAuthorities.length, started: [], skipped: [], failed: [] };
  for (const ca of certificateAuthorities) await sweepCertificateAuthority(ca, settings, config, summary);
  return summary;
}

/**
 * Throw AwsTransientError when the sweep did nothing at all and trying again later may
 * help: some CA failed, every failure was throttling or a 5xx, and no bucket was found
 * compliant or handed to the workflow. (Lambda then retries the scheduled invocation.)
 */
export function throwIfNothingDone(summary: SweepSummary): void {
  const didSomething = summary.started.length > 0 || summary.skipped.some((skip) => skip.code === 'COMPLIANT');
  if (didSomething || summary.failed.length === 0 || !summary.failed.every((failed) => failed.retryable)) return;
  throw new AwsTransientError(
    `The sweep could not inspect or start anything: ${summary.failed.map((failed) => `${failed.caArn}: ${failed.error}`).join('; ')}`,
  );
}
