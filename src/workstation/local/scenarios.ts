/**
 * The demo's situations: each a realistic failure event from `events/` and an account
 * file from `events/accounts/` with the matching broken set-up, and the outcome the
 * workflow must reach. `npm run demo` runs them all and fails when one ends otherwise.
 *
 * For each kind one scenario is the default: `npm run local` without `--account` uses
 * its account file, moved to the event's account, region and CA.
 */
import type { FailureKind, Mode, OutcomeStatus } from '../../core/types';
import type { SimulatedAccount } from './simulated-account';
import type { LocalApprover } from './workflow';

/**
 * While the first request for approval waits, a colleague adds a statement to the CRL
 * bucket's policy by hand (the other writer of the bucket-changed scenario).
 */
const colleagueEditsThePolicy: NonNullable<LocalApprover['beforeAnswer']> = async (round, account) => {
  if (round !== 1) return;
  const simulation = account as SimulatedAccount;
  const bucket = 'pca-crl-111122223333';
  const { Policy } = (await simulation.send('S3', 'GetBucketPolicy', { Bucket: bucket })) as { Policy: string };
  const policy = JSON.parse(Policy) as { Statement: unknown[] };
  policy.Statement.push({
    Sid: 'AuditorsReadCrls',
    Effect: 'Allow',
    Principal: { AWS: 'arn:aws:iam::111122223333:role/Auditors' },
    Action: 's3:GetObject',
    Resource: `arn:aws:s3:::${bucket}/crl/*`,
  });
  await simulation.send('S3', 'PutBucketPolicy', { Bucket: bucket, Policy: JSON.stringify(policy) });
};

export interface Scenario {
  /** Short id, also the account file's name. */
  id: string;
  title: string;
  /** Path from the repository root. */
  event: string;
  /** Path from the repository root. */
  account: string;
  kind: FailureKind;
  /** Default for its kind when `npm run local` gets no `--account`. */
  defaultForKind?: boolean;
  mode?: Mode;
  /** Mode approve: who answers the requests for approval, and how. */
  approver?: LocalApprover;
  expect: { status: OutcomeStatus; executionStatus: 'SUCCEEDED' | 'FAILED' };
}

export const SCENARIOS: readonly Scenario[] = [
  {
    id: 'crl-missing-grant',
    title: 'CRL bucket policy lacks the Private CA grant',
    event: 'events/crl-s3-permission-failure.json',
    account: 'events/accounts/crl-missing-grant.json',
    kind: 'CRL_S3_PERMISSION',
    defaultForKind: true,
    expect: { status: 'REMEDIATED', executionStatus: 'SUCCEEDED' },
  },
  {
    id: 'crl-missing-grant-dry-run',
    title: 'The same bucket in dry-run mode: planned, not written',
    event: 'events/crl-s3-permission-failure.json',
    account: 'events/accounts/crl-missing-grant.json',
    kind: 'CRL_S3_PERMISSION',
    mode: 'dry-run',
    expect: { status: 'DRY_RUN', executionStatus: 'SUCCEEDED' },
  },
  {
    id: 'crl-approve-approved',
    title: 'Mode approve: the grant is asked for with its diff, approved 20 minutes later, checked unchanged and applied',
    event: 'events/crl-s3-permission-failure.json',
    account: 'events/accounts/crl-missing-grant.json',
    kind: 'CRL_S3_PERMISSION',
    mode: 'approve',
    approver: { answers: ['approve'] },
    expect: { status: 'REMEDIATED', executionStatus: 'SUCCEEDED' },
  },
  {
    id: 'crl-approve-declined',
    title: 'Mode approve: the person declines; nothing is written',
    event: 'events/crl-s3-permission-failure.json',
    account: 'events/accounts/crl-missing-grant.json',
    kind: 'CRL_S3_PERMISSION',
    mode: 'approve',
    approver: { answers: ['decline'], reason: 'change freeze until Monday' },
    expect: { status: 'DECLINED', executionStatus: 'SUCCEEDED' },
  },
  {
    id: 'crl-approve-bucket-changed',
    title: 'Mode approve: the policy changes between the question and the answer; the new diff is asked again, approved, applied',
    event: 'events/crl-s3-permission-failure.json',
    account: 'events/accounts/crl-missing-grant.json',
    kind: 'CRL_S3_PERMISSION',
    mode: 'approve',
    approver: { answers: ['approve'], beforeAnswer: colleagueEditsThePolicy },
    expect: { status: 'REMEDIATED', executionStatus: 'SUCCEEDED' },
  },
  {
    id: 'crl-approve-expired',
    title: 'Mode approve: nobody answers within approvalTimeoutHours; expired, notified, nothing written',
    event: 'events/crl-s3-permission-failure.json',
    account: 'events/accounts/crl-missing-grant.json',
    kind: 'CRL_S3_PERMISSION',
    mode: 'approve',
    approver: { answers: ['none'] },
    expect: { status: 'APPROVAL_EXPIRED', executionStatus: 'SUCCEEDED' },
  },
  {
    id: 'crl-explicit-deny',
    title: 'CRL bucket policy has an explicit Deny that blocks Private CA',
    event: 'events/crl-s3-permission-failure.json',
    account: 'events/accounts/crl-explicit-deny.json',
    kind: 'CRL_S3_PERMISSION',
    expect: { status: 'NEEDS_ATTENTION', executionStatus: 'SUCCEEDED' },
  },
  {
    id: 'crl-public-read-acls-disabled',
    title: 'CA writes PUBLIC_READ CRLs into a bucket with ACLs disabled',
    event: 'events/crl-s3-permission-failure.json',
    account: 'events/accounts/crl-public-read-acls-disabled.json',
    kind: 'CRL_S3_PERMISSION',
    expect: { status: 'REMEDIATED', executionStatus: 'SUCCEEDED' },
  },
  {
    id: 'crl-account-block-public-access',
    title: "PUBLIC_READ CRLs, blocked by the account's Block Public Access: the grant is added, Private CA still cannot write, escalated",
    event: 'events/crl-s3-permission-failure.json',
    account: 'events/accounts/crl-account-block-public-access.json',
    kind: 'CRL_S3_PERMISSION',
    expect: { status: 'ESCALATED', executionStatus: 'SUCCEEDED' },
  },
  {
    id: 'crl-internal-recovers',
    title: 'Internal failure writing the CRL; Private CA recovers',
    event: 'events/crl-s3-internal-failure.json',
    account: 'events/accounts/crl-internal-recovers.json',
    kind: 'CRL_S3_INTERNAL',
    defaultForKind: true,
    expect: { status: 'RECOVERED', executionStatus: 'SUCCEEDED' },
  },
  {
    id: 'crl-internal-persists',
    title: 'Internal failure generating the CRL; it never recovers',
    event: 'events/crl-generation-internal-failure.json',
    account: 'events/accounts/crl-internal-persists.json',
    kind: 'CRL_GENERATION_INTERNAL',
    defaultForKind: true,
    expect: { status: 'ESCALATED', executionStatus: 'SUCCEEDED' },
  },
  {
    id: 'audit-report-repaired',
    title: 'Audit report failed on the bucket policy; re-requested, it succeeds',
    event: 'events/audit-report-failure.json',
    account: 'events/accounts/audit-report-repaired.json',
    kind: 'AUDIT_REPORT',
    defaultForKind: true,
    expect: { status: 'REMEDIATED', executionStatus: 'SUCCEEDED' },
  },
  {
    id: 'audit-report-fails-again',
    title: 'Audit report re-requested after the repair fails again',
    event: 'events/audit-report-failure.json',
    account: 'events/accounts/audit-report-fails-again.json',
    kind: 'AUDIT_REPORT',
    expect: { status: 'ESCALATED', executionStatus: 'SUCCEEDED' },
  },
  {
    id: 'certificate-issuance',
    title: 'Certificate could not be issued',
    event: 'events/certificate-issuance-failure.json',
    account: 'events/accounts/certificate-issuance.json',
    kind: 'CERTIFICATE_ISSUANCE',
    defaultForKind: true,
    expect: { status: 'NEEDS_ATTENTION', executionStatus: 'SUCCEEDED' },
  },
  {
    id: 'ca-creation',
    title: 'CA could not be created',
    event: 'events/ca-creation-failure.json',
    account: 'events/accounts/ca-creation.json',
    kind: 'CA_CREATION',
    defaultForKind: true,
    expect: { status: 'NEEDS_ATTENTION', executionStatus: 'SUCCEEDED' },
  },
  {
    id: 'malformed-event',
    title: 'Malformed event: no CA ARN in resources',
    event: 'events/malformed-event.json',
    account: 'events/accounts/empty.json',
    kind: 'UNRECOGNIZED',
    defaultForKind: true,
    expect: { status: 'REJECTED', executionStatus: 'SUCCEEDED' },
  },
];
