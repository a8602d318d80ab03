/**
 * A storm of failures on the local runner: many CAs sharing a few CRL buckets, their
 * failure events delivered at once (and more than once), every execution running the
 * real definition and handlers concurrently on one simulated account, one simulated
 * clock and one history table on dynalite.
 *
 * The tests use it to show that changes to a shared bucket are serialised (the bucket
 * lease), that nothing already in a policy is lost, that each CA's grant is written
 * once, and that each distinct event is remediated exactly once.
 */
import type { AccountFile } from './account-file';
import { parseAccountFile } from './account-file';
import { createHistoryTable, type LocalHistoryTable } from './history-table';
import { seededRandom } from './random';
import { SimulatedAccount } from './simulated-account';
import { loadDefinition, runExecution, SimulatedClock, type LocalExecution } from './workflow';
import type { OutcomeRecord } from '../../core/types';

export const STORM_ACCOUNT = '111122223333';
export const STORM_REGION = 'us-east-1';
export const STORM_FAILURE_AT = '2026-11-20T10:00:00Z';

/** A CA id that is a valid UUID and tells its number. */
export function stormCaId(index: number): string {
  return `00000000-0000-4000-8000-${index.toString(16).padStart(12, '0')}`;
}

export function stormCaArn(index: number): string {
  return `arn:aws:acm-pca:${STORM_REGION}:${STORM_ACCOUNT}:certificate-authority/${stormCaId(index)}`;
}

export function stormBucket(index: number): string {
  return `pca-crl-storm-${String(index).padStart(3, '0')}`;
}

/** What every storm bucket's policy holds before the storm: statements nobody may lose. */
export function existingStatements(bucket: string): object[] {
  return [
    {
      Sid: 'DenyInsecureTransport',
      Effect: 'Deny',
      Principal: '*',
      Action: 's3:*',
      Resource: [`arn:aws:s3:::${bucket}`, `arn:aws:s3:::${bucket}/*`],
      Condition: { Bool: { 'aws:SecureTransport': 'false' } },
    },
    {
      Sid: 'AuditorsRead',
      Effect: 'Allow',
      Principal: { AWS: `arn:aws:iam::${STORM_ACCOUNT}:role/Auditors` },
      Action: ['s3:GetObject', 's3:ListBucket'],
      Resource: [`arn:aws:s3:::${bucket}`, `arn:aws:s3:::${bucket}/*`],
    },
  ];
}

/** `cas` CAs spread round-robin over `buckets` CRL buckets, none of which grants Private CA yet. */
export function stormAccount(cas: number, buckets: number): AccountFile {
  const bucketNames = Array.from({ length: buckets }, (_, index) => stormBucket(index));
  return parseAccountFile({
    account: STORM_ACCOUNT,
    region: STORM_REGION,
    partition: 'aws',
    certificateAuthorities: Array.from({ length: cas }, (_, index) => ({
      Arn: stormCaArn(index),
      OwnerAccount: STORM_ACCOUNT,
      CreatedAt: '2026-01-05T08:00:00Z',
      LastStateChangeAt: '2026-01-05T08:05:00Z',
      Type: 'SUBORDINATE',
      Status: 'ACTIVE',
      CertificateAuthorityConfiguration: { KeyAlgorithm: 'EC_prime256v1', SigningAlgorithm: 'SHA256WITHECDSA', Subject: { CommonName: `Storm CA ${index}` } },
      RevocationConfiguration: {
        CrlConfiguration: { Enabled: true, ExpirationInDays: 7, S3BucketName: bucketNames[index % buckets], S3ObjectAcl: 'BUCKET_OWNER_FULL_CONTROL' },
        OcspConfiguration: { Enabled: false },
      },
      UsageMode: 'GENERAL_PURPOSE',
      Simulation: { CrlFailureAt: STORM_FAILURE_AT, CrlInternalFailureUntil: null },
    })),
    buckets: bucketNames.map((name) => ({
      Name: name,
      Owner: STORM_ACCOUNT,
      Region: STORM_REGION,
      Policy: { Version: '2012-10-17', Statement: existingStatements(name) },
      PublicAccessBlockConfiguration: { BlockPublicAcls: true, IgnorePublicAcls: true, BlockPublicPolicy: true, RestrictPublicBuckets: true },
      OwnershipControls: { Rules: [{ ObjectOwnership: 'BucketOwnerEnforced' }] },
      ServerSideEncryptionConfiguration: { Rules: [{ ApplyServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' }, BucketKeyEnabled: false }] },
      Objects: {},
    })),
    notifications: [],
  });
}

/** The CRL permission failure event Private CA publishes for CA number `index`. */
export function stormEvent(index: number): Record<string, unknown> {
  return {
    version: '0',
    id: `5702a5c6-0000-4000-8000-${index.toString(16).padStart(12, '0')}`,
    'detail-type': 'ACM Private CA CRL Generation',
    source: 'aws.acm-pca',
    account: STORM_ACCOUNT,
    time: STORM_FAILURE_AT,
    region: STORM_REGION,
    resources: [stormCaArn(index)],
    detail: { result: 'failure', reason: 'Failed to write CRL to S3. Check your S3 bucket permissions.' },
  };
}

export interface StormOptions {
  account: AccountFile;
  /** Every delivery, in the order EventBridge hands them over (all start at once). */
  deliveries: ReadonlyArray<Record<string, unknown>>;
  seed?: number;
  env?: Record<string, string>;
  /** Prepare the simulation (faults, say) before the storm. */
  prepare?: (simulation: SimulatedAccount) => void;
  /**
   * Let other executions run during every simulated AWS call (default true), as real
   * calls take milliseconds: without it a Lambda's read-merge-write would never be
   * interleaved with another's, and a storm would prove nothing about concurrency.
   */
  interleave?: boolean;
  history?: LocalHistoryTable;
}

export interface StormResult {
  executions: LocalExecution[];
  outcomes: OutcomeRecord[];
  simulation: SimulatedAccount;
  history: LocalHistoryTable;
  clock: SimulatedClock;
  /** Wall-clock milliseconds for the whole storm. */
  wallMs: number;
}

/** Before answering each call, yield to the event loop 1 to 4 times (seeded), so executions interleave. */
export function interleaveCalls(simulation: SimulatedAccount, random: () => number): void {
  const answer = simulation.send.bind(simulation);
  simulation.send = async (...args: Parameters<SimulatedAccount['send']>) => {
    const turns = 1 + Math.floor(random() * 4);
    for (let turn = 0; turn < turns; turn += 1) await new Promise((resolve) => setImmediate(resolve));
    return answer(...args);
  };
}

/** Start every delivery at once and wait for all of them. */
export async function runStorm(options: StormOptions): Promise<StormResult> {
  const clock = new SimulatedClock(new Date('2026-11-20T10:02:00Z'));
  const simulation = new SimulatedAccount(options.account, { now: () => clock.now() });
  if (options.interleave !== false) interleaveCalls(simulation, seededRandom((options.seed ?? 1) + 1));
  options.prepare?.(simulation);
  const history = options.history ?? (await createHistoryTable());
  const loaded = loadDefinition();
  const random = seededRandom(options.seed ?? 1);
  const env = {
    MODE: 'apply',
    ALLOWED_BUCKETS: '',
    ALLOW_CA_UPDATES: 'true',
    CRL_RECOVERY_WINDOW_MINUTES: '75',
    NOTIFICATION_TOPIC_ARN: `arn:aws:sns:${STORM_REGION}:${STORM_ACCOUNT}:pca-remediation-local-notifications`,
    ...options.env,
  };
  const started = performance.now();
  const executions = await Promise.all(
    options.deliveries.map((event, index) =>
      runExecution(event, { account: simulation, clock, env, random, loaded, history, executionName: `storm-${index}` }),
    ),
  );
  const wallMs = performance.now() - started;
  const outcomes = executions.map((execution) => outcomeOf(execution));
  return { executions, outcomes, simulation, history, clock, wallMs };
}

/** The outcome record of an execution: its output's, or RecordOutcome's for a failed one. */
export function outcomeOf(execution: LocalExecution): OutcomeRecord {
  const output = execution.output as { outcome?: OutcomeRecord } | null;
  if (output?.outcome) return output.outcome;
  const recorded = [...execution.attempts].reverse().find((attempt) => attempt.state === 'RecordOutcome' && attempt.output);
  if (!recorded) throw new Error(`execution ${execution.executionArn} recorded no outcome (${execution.status}: ${JSON.stringify(execution.error)})`);
  return recorded.output as OutcomeRecord;
}
