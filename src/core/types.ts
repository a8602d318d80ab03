import type { PublicAccessBlockConfiguration } from '@aws-sdk/client-s3';

/**
 * The shapes that travel between the Task states of the workflow.
 *
 * The state machine carries one document from state to state: the raw event, the
 * classification (key `classification`), and one key per step that ran. Each key is written by
 * exactly one Task state (its `ResultPath`), so an execution's output shows what
 * every step saw and did.
 */

export const FAILURE_KINDS = [
  'CRL_S3_PERMISSION',
  'CRL_S3_INTERNAL',
  'CRL_GENERATION_INTERNAL',
  'AUDIT_REPORT',
  'CERTIFICATE_ISSUANCE',
  'CA_CREATION',
  'UNRECOGNIZED',
] as const;
export type FailureKind = (typeof FAILURE_KINDS)[number];

export const OUTCOME_STATUSES = [
  'REMEDIATED',
  'ALREADY_COMPLIANT',
  'RECOVERED',
  'NEEDS_ATTENTION',
  'ESCALATED',
  'REJECTED',
  'DRY_RUN',
  'DECLINED',
  'APPROVAL_EXPIRED',
  'DUPLICATE',
  'FAILED',
] as const;
export type OutcomeStatus = (typeof OUTCOME_STATUSES)[number];

export type Partition = 'aws' | 'aws-cn' | 'aws-us-gov';

export type Severity = 'info' | 'warning' | 'action-required';

/** Something the workflow saw. `action-required` findings mean a person must act. */
export interface Finding {
  code: string;
  severity: Severity;
  message: string;
  detail?: Record<string, unknown>;
}

/** What the event is about, once classified. Absent fields were not in the event. */
export interface Classification {
  kind: FailureKind;
  eventId: string;
  eventTime?: string;
  detailType?: string;
  reason?: string;
  certificateAuthorityArn?: string;
  certificateAuthorityId?: string;
  certificateArn?: string;
  auditReportId?: string;
  partition?: Partition;
  region?: string;
  account?: string;
  /** Why the event was rejected, for `UNRECOGNIZED`. */
  rejection?: string;
}

export type AuditReportFormat = 'JSON' | 'CSV';

export type BucketPurpose = 'CRL' | 'AUDIT_REPORT';

/** A change the workflow plans or made. `before`/`after` are the full values. */
export interface PlannedAction {
  type: 'PutBucketPolicy' | 'UpdateCertificateAuthority' | 'CreateCertificateAuthorityAuditReport';
  resource: string;
  description: string;
  before: string | null;
  after: string;
}

export interface AppliedAction extends PlannedAction {
  appliedAt: string;
  verified: boolean;
  /** How the change was proven to work beyond reading it back, when it was. */
  verification?: string;
}

/** Output of InspectBucket: what the bucket looks like and what would fix it. */
export interface Inspection {
  purpose: BucketPurpose;
  bucket: string | null;
  /** CRL settings of the CA, when the CA has them. */
  crl?: {
    enabled: boolean;
    s3ObjectAcl: 'PUBLIC_READ' | 'BUCKET_OWNER_FULL_CONTROL';
    customPath?: string;
  };
  /** The failed audit report, for `AUDIT_REPORT`. */
  auditReport?: { id: string; status?: string; bucket: string; key?: string; format: AuditReportFormat };
  caStatus?: string;
  /** The bucket's own Block Public Access BlockPublicPolicy, when the bucket could be read. */
  blockPublicPolicy?: boolean;
  findings: Finding[];
  plan: PlannedAction[];
  /** `repair` when the plan should be applied now, `approve` when a person must approve it first, otherwise why not. */
  next: 'repair' | 'compliant' | 'attention' | 'dry-run' | 'approve';
  mode: Mode;
  /** With `next: approve`: what the person is asked to approve (src/core/approval.ts). */
  approval?: ApprovalRequest;
}

/** A question to a person (mode approve): the plan's digest, which round of asking, how long to wait. */
export interface ApprovalRequest {
  /** sha256 of the plan's changes (type, resource, before, after), canonical JSON: src/core/approval.ts. */
  digest: string;
  /** 1 for the first question; each re-plan that differs from the approved one asks again, up to MAX_APPROVAL_ROUNDS. */
  round: number;
  /** The Task's TimeoutSecondsPath: approvalTimeoutHours in seconds. */
  timeoutSeconds: number;
}

/** A person's answer, as `npm run approve` sends it with SendTaskSuccess (or SendTaskFailure's cause for a decline). */
export interface ApprovalAnswer {
  decision: 'approved' | 'declined';
  /** The approver's ARN, from STS GetCallerIdentity with their own credentials. */
  approver: string;
  reason: string | null;
  answeredAt: string;
  /** The digest the person saw (the history item's), for the record. */
  digest: string;
  round: number;
}

export interface Repair {
  actions: AppliedAction[];
  findings: Finding[];
}

export type Mode = 'apply' | 'dry-run' | 'approve';
export const MODES: readonly Mode[] = ['apply', 'dry-run', 'approve'];

export interface OutcomeRecord {
  status: OutcomeStatus;
  kind: FailureKind;
  certificateAuthorityArn: string | null;
  eventId: string;
  eventTime: string | null;
  /** The deployment's mode; 'unknown' when MODE itself was invalid. */
  mode: Mode | 'unknown';
  message: string;
  findings: Finding[];
  actions: Array<PlannedAction | AppliedAction>;
  /** What a person should do, when anything. */
  nextSteps: string[];
  executionArn: string | null;
  recordedAt: string;
  notified: boolean;
  error?: { name: string; message: string };
  /** Mode approve: who answered, how, and after how many questions. */
  approval?: { decision: 'approved' | 'declined' | 'expired'; approver: string | null; reason: string | null; answeredAt: string | null; rounds: number };
}

/** A bucket's default encryption. */
export interface BucketEncryption {
  algorithm: string;
  kmsKeyId: string | null;
  bucketKeyEnabled: boolean;
}

/** What InspectBucket read of a bucket: its policy and the settings that decide whether Private CA can write (src/lambda/aws/bucket-state.ts). */
export type BucketState =
  | { name: string; status: 'missing' }
  | { name: string; status: 'access-denied'; operation: string }
  | {
      name: string;
      status: 'found';
      policy: string | null;
      publicAccessBlock: PublicAccessBlockConfiguration | null;
      objectOwnership: string | null;
      encryption: BucketEncryption | null;
    };

export interface AuditRequest {
  requested: boolean;
  bucket: string;
  format: AuditReportFormat;
  auditReportId: string | null;
  s3Key: string | null;
  requestedAt: string | null;
  /** Latest status seen by CheckAuditReport: CREATING, SUCCESS or FAILED. */
  status: string | null;
  polls: number;
  findings: Finding[];
}

export interface CrlCheck {
  published: boolean;
  bucket: string;
  /** The newest CRL object of the CA (the first prefix when none was found). */
  key: string;
  lastModified: string | null;
  /** Whether any object of the CA was found under its prefixes. */
  found: boolean;
  /** Where the CRL objects were looked for. */
  prefixes: string[];
  /** How many objects of the CA were seen (several for a partitioned CRL). */
  objects: number;
  eventTime: string;
  /** The moment a newer CRL proves Private CA wrote: the event, or the repair. */
  since: string;
  /** What `since` is. */
  sinceWhat: 'event' | 'repair';
  checkedAt: string;
  windowEndsAt: string;
}

export interface Diagnosis {
  caStatus: string | null;
  findings: Finding[];
  nextSteps: string[];
}

/** The deployment's settings (src/lambda/runtime/config.ts reads them from the environment). */
export interface Config {
  /** `apply` writes repairs; `dry-run` computes and records the plan only; `approve` asks a person first (docs/approval.md). */
  mode: Mode;
  /** Buckets the workflow may write a policy to; empty means any bucket the CA's account owns. */
  allowedBuckets: string[];
  /** Whether the workflow may switch a CA's CRL object ACL (UpdateCertificateAuthority). */
  allowCaUpdates: boolean;
  /** SNS topic for outcomes a person must act on; empty disables notifications. */
  notificationTopicArn: string;
  /** How long after the failure event to wait for Private CA to republish a CRL. */
  crlRecoveryWindowMinutes: number;
  /** Mode approve: how long a question waits for its answer before APPROVAL_EXPIRED. */
  approvalTimeoutHours: number;
}
