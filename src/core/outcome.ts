/**
 * Turn what the workflow's steps found and did into its outcome: one status, the
 * findings, the changes, and what a person must do. Pure: RecordOutcome logs,
 * counts and notifies it. The decision table is the one in the README ("Outcomes and what to do").
 */
import { declinedAnswer } from './approval';
import type { EventClaim, HistoryItem } from './history-item';
import { needsPerson } from './plan-bucket-repair';
import type {
  AppliedAction,
  ApprovalAnswer,
  AuditRequest,
  Classification,
  CrlCheck,
  Diagnosis,
  Finding,
  Inspection,
  Mode,
  OutcomeRecord,
  OutcomeStatus,
  PlannedAction,
  Repair,
} from './types';

/** A Catch's output: `Cause` is a JSON string on AWS, a plain message locally. */
export interface CaughtError {
  Error: string;
  Cause?: string;
}

/** The document the state machine carries, as RecordOutcome receives it. */
export interface WorkflowState {
  event?: unknown;
  classification?: Classification;
  inspection?: Inspection;
  repair?: Repair;
  crl?: CrlCheck;
  auditRequest?: AuditRequest;
  diagnosis?: Diagnosis;
  /** What ClaimEvent writes to the history table (null for a rejected event). */
  claim?: EventClaim | null;
  /** ClaimEvent found the event already claimed: a duplicate delivery. */
  duplicate?: CaughtError;
  /** Retries ran out on something outside our control: escalate. */
  exhausted?: CaughtError;
  /** Anything else went wrong: the execution fails. */
  error?: CaughtError;
  /** Mode approve: the last approval (SendTaskSuccess's output). */
  approval?: ApprovalAnswer;
  /** Mode approve: a person declined (SendTaskFailure ApprovalDeclined, its cause the answer). */
  declined?: CaughtError;
  /** Mode approve: nobody answered within approvalTimeoutHours (States.Timeout of the waiting Task). */
  approvalExpired?: CaughtError;
}

export interface Conclusion {
  status: OutcomeStatus;
  message: string;
  findings: Finding[];
  actions: Array<PlannedAction | AppliedAction>;
  nextSteps: string[];
  error?: { name: string; message: string };
  approval?: OutcomeRecord['approval'];
}

/** Statuses that tell a person by notification. DRY_RUN does when it planned a change. DECLINED does not: a person decided it. */
export function shouldNotify(conclusion: Pick<Conclusion, 'status' | 'actions'>): boolean {
  if (conclusion.status === 'DRY_RUN') return conclusion.actions.length > 0;
  return (
    conclusion.status === 'NEEDS_ATTENTION' || conclusion.status === 'ESCALATED' || conclusion.status === 'FAILED' || conclusion.status === 'APPROVAL_EXPIRED'
  );
}

/** How many questions were asked: the round of the last one. */
function roundsAsked(state: WorkflowState): number {
  return state.inspection?.approval?.round ?? state.approval?.round ?? 0;
}

/** A person declined, or nobody answered: nothing was written. */
function approvalOutcome(state: WorkflowState): Conclusion | null {
  const inspection = state.inspection;
  const planned = inspection?.plan ?? [];
  const findings = inspection?.findings ?? [];
  const rounds = roundsAsked(state);
  if (state.declined) {
    const answer = declinedAnswer(state.declined.Cause);
    return {
      status: 'DECLINED',
      message: `Declined by ${answer.approver}${answer.reason ? `: "${answer.reason}"` : ''}. Nothing was written.`,
      findings,
      actions: planned,
      nextSteps: [
        'Nothing was changed. If the change is wanted after all, make it by hand (the planned change is in the outcome record), or run the event again with `npm run invoke -- <event file> --rerun` to be asked again.',
      ],
      approval: { decision: 'declined', approver: answer.approver, reason: answer.reason, answeredAt: answer.answeredAt, rounds },
    };
  }
  if (state.approvalExpired) {
    const hours = inspection?.approval ? inspection.approval.timeoutSeconds / 3600 : null;
    return {
      status: 'APPROVAL_EXPIRED',
      message: `Nobody answered the request for approval${hours ? ` within ${hours} hour(s)` : ''}. Nothing was written.`,
      findings,
      actions: planned,
      nextSteps: [
        'Review the planned change in this record. To be asked again, run the event again with `npm run invoke -- <event file> --rerun` and answer with `npm run approve -- <event id>` (or `npm run decline`) before it expires; or make the change by hand.',
        "If nobody received the request, check the notification topic's subscriptions (the notificationEmail parameter) and the approvalTimeoutHours parameter.",
      ],
      approval: { decision: 'expired', approver: null, reason: null, answeredAt: null, rounds },
    };
  }
  return null;
}

export function parseCaughtError(caught: CaughtError): { name: string; message: string } {
  let message = caught.Cause ?? '';
  try {
    const cause = JSON.parse(message) as { errorMessage?: unknown };
    if (typeof cause.errorMessage === 'string') message = cause.errorMessage;
  } catch {
    // A plain-text cause (the local engine, or a States.* error) is the message itself.
  }
  const prefix = `${caught.Error}: `;
  return { name: caught.Error, message: message.startsWith(prefix) ? message.slice(prefix.length) : message };
}

function personSteps(findings: Finding[]): string[] {
  return findings.filter((item) => item.severity === 'action-required').map((item) => item.message);
}

const ESCALATION_STEPS: Readonly<Record<string, string[]>> = {
  CrlNotYetPublished: [
    'Private CA has not republished the CRL within the recovery window. Check the AWS/ACMPrivateCA CloudWatch metrics CRLGenerated and MisconfiguredCRLBucket for this CA, and CloudTrail for GenerateCRL.',
    'If the bucket looks right and the metrics show failures, open a case with AWS Support quoting the CA ARN.',
  ],
  AuditReportRequestInProgress: ['Private CA kept refusing a new audit report (one per CA every 30 minutes). Request the report by hand later.'],
  BucketBusy: [
    "Other executions kept changing this bucket's policy (its lease stayed taken) until the retries ran out. Look at the other executions for this bucket in the console, then run this remediation again (`npm run invoke -- <event file> --rerun`).",
  ],
  BucketPolicyChanged: [
    'The bucket policy kept changing while the workflow tried to add the Private CA statement. Find the other writer (CloudTrail PutBucketPolicy), then run the remediation again (`npm run invoke -- <event file> --rerun`).',
  ],
  // Lambda's timeout of the function, running out of memory, or a crash of the runtime.
  'Lambda.Unknown': [
    "The step's function timed out, ran out of memory or crashed on every attempt. The execution history names the step; its function's log group (/aws/lambda/pca-remediation-<stage>-<function>) says which: \"Task timed out\", or the REPORT line's Max Memory Used at the Memory Size.",
    "Fix the cause (raise the function's timeout or memory in serverless.yml, with its Task's TimeoutSeconds), then run the remediation again: `npm run invoke -- <event file> --rerun`.",
  ],
};

/** What a person should check when the bucket was judged right and Private CA still wrote no CRL. */
const UNVERIFIED_STEPS = [
  'Account-level Block Public Access (S3 console, "Block Public Access settings for this account") overrides the bucket\'s own settings: with BlockPublicAcls on, a PUBLIC_READ CRL is refused.',
  'A customer managed KMS key on the bucket must let acm-pca.amazonaws.com use kms:GenerateDataKey and kms:Decrypt in its key policy.',
  "Service control policies and resource control policies of your organization can deny Private CA's writes to the bucket.",
  'The AWS/ACMPrivateCA CloudWatch metrics CRLGenerated and MisconfiguredCRLBucket for this CA, and CloudTrail, show what Private CA did. Then run the remediation again: `npm run invoke -- <event file> --rerun`.',
];

/** The bucket was judged to let Private CA write (and maybe repaired), but no newer CRL came. */
function unverified(what: string, findings: Finding[], actions: Conclusion['actions'], error?: { name: string; message: string }): Conclusion {
  return {
    status: 'ESCALATED',
    message: `The bucket policy was judged to let Private CA write, but Private CA still wrote no CRL: ${what}. Something the workflow cannot see may still block it.`,
    findings: [...findings, { code: 'CRL_NOT_WRITTEN_AFTER_REPAIR', severity: 'action-required', message: `Private CA wrote no CRL for this CA: ${what}.` }],
    actions,
    nextSteps: UNVERIFIED_STEPS,
    ...(error ? { error } : {}),
  };
}

/** " Private CA wrote s3://b/k at T, 12 min after the repair." */
function writtenAfter(crl: CrlCheck): string {
  const minutes = Math.round((Date.parse(crl.lastModified!) - Date.parse(crl.since)) / 60_000);
  return ` Private CA wrote s3://${crl.bucket}/${crl.key} at ${crl.lastModified}, ${minutes} min after the ${crl.sinceWhat}${crl.objects > 1 ? ` (${crl.objects} CRL objects of the CA)` : ''}.`;
}

function escalation(exhausted: CaughtError, findings: Finding[], actions: Conclusion['actions']): Conclusion {
  const error = parseCaughtError(exhausted);
  return {
    status: 'ESCALATED',
    message: `Retries ran out: ${error.name}: ${error.message}`,
    findings,
    actions,
    nextSteps: ESCALATION_STEPS[error.name] ?? [
      "AWS kept failing or throttling the workflow's calls until its retries ran out. Run the remediation again later: `npm run invoke -- <event file> --rerun` (the event id is already claimed in the history table, so the same event as it is would end DUPLICATE).",
    ],
    error,
  };
}

function reRequestAction(classification: Classification, bucket: string, format: string): PlannedAction {
  return {
    type: 'CreateCertificateAuthorityAuditReport',
    resource: classification.certificateAuthorityArn!,
    description: `Request the audit report again in s3://${bucket} as ${format}`,
    before: null,
    after: `a new ${format} report`,
  };
}

function bucketOutcome(state: WorkflowState, inspection: Inspection): Conclusion | 'continue' {
  const findings = [...inspection.findings, ...(state.repair?.findings ?? [])];
  const actions: Conclusion['actions'] = state.repair?.actions ?? [];
  if (inspection.next === 'attention') {
    return {
      status: 'NEEDS_ATTENTION',
      message: 'A person must act before Private CA can write to the bucket; nothing was changed.',
      findings,
      actions: inspection.plan,
      nextSteps: personSteps(findings),
    };
  }
  if (inspection.next === 'dry-run') {
    const report = inspection.auditReport;
    const planned = report ? [...inspection.plan, reRequestAction(state.classification!, report.bucket, report.format)] : inspection.plan;
    return {
      status: 'DRY_RUN',
      message: `Dry run: ${planned.length} change(s) planned${report ? ', the re-request of the audit report included' : ''}; nothing was written.`,
      findings,
      actions: planned,
      nextSteps: ['Review the planned changes; apply them by hand or deploy with mode=apply.'],
    };
  }
  if (inspection.next === 'repair') {
    if (!state.repair)
      return { status: 'FAILED', message: 'The repair step did not run.', findings, actions, nextSteps: ['Open the execution in the Step Functions console.'] };
    if (needsPerson(state.repair.findings)) {
      return { status: 'NEEDS_ATTENTION', message: 'The repair stopped: a person must act.', findings, actions, nextSteps: personSteps(findings) };
    }
    if (actions.length === 0 && inspection.purpose === 'CRL') {
      return {
        status: 'ALREADY_COMPLIANT',
        message: 'When the repair ran, the bucket and CA already had what Private CA needs (another writer got there first); nothing was changed.',
        findings,
        actions,
        nextSteps: [],
      };
    }
  }
  if (inspection.purpose === 'AUDIT_REPORT') return 'continue';
  // A CRL bucket that is compliant or was repaired is proven by Private CA's next CRL (CheckCrlWrittenAfterRepair).
  const crl = state.crl;
  if (crl && !crl.published) {
    const newest = crl.found
      ? `the newest, s3://${crl.bucket}/${crl.key}, was written ${crl.lastModified}`
      : `no object of the CA under s3://${crl.bucket}/${crl.prefixes.join(' or ')} (a CA writes CRLs once it has issued a certificate; its CRLs may also be written elsewhere)`;
    return unverified(`nothing newer than the ${crl.sinceWhat} at ${crl.since} by ${crl.windowEndsAt}; ${newest}`, findings, actions);
  }
  const proven = crl?.published ? writtenAfter(crl) : ' Private CA retries the CRL within 15 minutes.';
  if (inspection.next === 'compliant') {
    return {
      status: 'ALREADY_COMPLIANT',
      message: `The bucket already lets Private CA write the CRL; nothing was changed.${proven}`,
      findings,
      actions: [],
      nextSteps: [],
    };
  }
  return { status: 'REMEDIATED', message: `Repaired: ${actions.map((action) => action.description).join('; ')}.${proven}`, findings, actions, nextSteps: [] };
}

function auditOutcome(request: AuditRequest | undefined, findings: Finding[], actions: Conclusion['actions']): Conclusion {
  if (!request)
    return {
      status: 'FAILED',
      message: 'The audit report was not re-requested.',
      findings,
      actions,
      nextSteps: ['Open the execution in the Step Functions console.'],
    };
  const all = [...findings, ...request.findings];
  if (!request.requested)
    return { status: 'NEEDS_ATTENTION', message: 'Private CA refused the new audit report.', findings: all, actions, nextSteps: personSteps(all) };
  const where = `s3://${request.bucket}/${request.s3Key ?? '?'}`;
  if (request.status === 'SUCCESS') {
    return { status: 'REMEDIATED', message: `The audit report was produced again: ${where} (${request.format}).`, findings: all, actions, nextSteps: [] };
  }
  const failed = request.status === 'FAILED';
  return {
    status: 'ESCALATED',
    message: failed
      ? `The re-requested audit report ${request.auditReportId} failed too.`
      : `The re-requested audit report ${request.auditReportId} was still ${request.status} after ${request.polls} checks.`,
    findings: all,
    actions,
    nextSteps: failed
      ? [
          "The bucket looks right to this workflow; check the bucket's KMS key policy (if any) and CloudTrail for CreateCertificateAuthorityAuditReport, then request the report by hand.",
        ]
      : [`Check the report later with DescribeCertificateAuthorityAuditReport (id ${request.auditReportId}).`],
  };
}

function duplicateOutcome(eventId: string, first: HistoryItem | null): Conclusion {
  const waiting = (first as { approval?: { status?: string } } | null)?.approval?.status === 'WAITING';
  const by = first
    ? `execution ${first.executionArn} (${first.status === 'IN_PROGRESS' ? (waiting ? 'waiting for approval' : 'still running') : `outcome ${first.status}`})`
    : 'an earlier execution';
  return {
    status: 'DUPLICATE',
    message: `Event ${eventId} was delivered again; ${by} handles it. Nothing was done.`,
    findings: [
      {
        code: 'DUPLICATE_DELIVERY',
        severity: 'info',
        message: `EventBridge delivers events at least once; event ${eventId} is already claimed in the history table by ${by}.`,
      },
    ],
    actions: [],
    nextSteps: [],
  };
}

/**
 * The outcome of one execution, from its state document. `first` is the history item
 * of the execution that claimed the event, for a duplicate delivery.
 */
export function concludeOutcome(state: WorkflowState, first: HistoryItem | null = null): Conclusion {
  const classification = state.classification;
  if (state.duplicate && classification) return duplicateOutcome(classification.eventId, first);
  const unanswered = approvalOutcome(state);
  if (unanswered) return unanswered;
  const conclusion = concludeWithoutApproval(state, classification);
  // An approval that led here (repaired, or anything else after it) is part of the record.
  if (state.approval) {
    const { approver, reason, answeredAt } = state.approval;
    const rounds = roundsAsked(state);
    return {
      ...conclusion,
      message:
        conclusion.status === 'REMEDIATED'
          ? `${conclusion.message} Approved by ${approver}${reason ? ` ("${reason}")` : ''}${rounds > 1 ? ` at question ${rounds}: the bucket or CA changed while an earlier question waited, and only the change approved last was written` : ''}.`
          : conclusion.message,
      approval: { decision: 'approved', approver, reason, answeredAt, rounds },
    };
  }
  return conclusion;
}

function concludeWithoutApproval(state: WorkflowState, classification: Classification | undefined): Conclusion {
  if (state.error) {
    const error = parseCaughtError(state.error);
    return {
      status: 'FAILED',
      message: `Unexpected error: ${error.name}: ${error.message}`,
      findings: [...(state.inspection?.findings ?? []), ...(state.repair?.findings ?? [])],
      actions: state.repair?.actions ?? [],
      nextSteps: [
        'Open the execution in the Step Functions console to see which step failed, fix the cause, then run the event again with `npm run invoke -- <event file> --rerun`.',
      ],
      error,
    };
  }
  if (state.exhausted) {
    const findings = [...(state.inspection?.findings ?? []), ...(state.repair?.findings ?? [])];
    if (state.exhausted.Error === 'CrlNotYetPublished' && classification?.kind === 'CRL_S3_PERMISSION') {
      const error = parseCaughtError(state.exhausted);
      return unverified(error.message, findings, state.repair?.actions ?? [], error);
    }
    return escalation(state.exhausted, findings, state.repair?.actions ?? []);
  }
  if (!classification || classification.kind === 'UNRECOGNIZED') {
    const reason = classification?.rejection ?? 'the event could not be classified';
    return {
      status: 'REJECTED',
      message: `Rejected: ${reason}.`,
      findings: [{ code: 'EVENT_REJECTED', severity: 'info', message: reason }],
      actions: [],
      nextSteps: [],
    };
  }
  if (state.diagnosis) {
    const { findings, nextSteps } = state.diagnosis;
    const what = classification.kind === 'CA_CREATION' ? 'The CA could not be created' : 'The certificate could not be issued';
    return { status: 'NEEDS_ATTENTION', message: `${what}; this cannot be fixed automatically.`, findings, actions: [], nextSteps };
  }
  const inspection = state.inspection;
  if (!inspection)
    return {
      status: 'FAILED',
      message: `The workflow ended without inspecting anything for ${classification.kind}.`,
      findings: [],
      actions: [],
      nextSteps: ['Open the execution in the Step Functions console.'],
    };

  if (classification.kind === 'CRL_S3_INTERNAL' || classification.kind === 'CRL_GENERATION_INTERNAL') {
    if (inspection.next === 'attention') {
      return {
        status: 'NEEDS_ATTENTION',
        message: 'Private CA reported an internal failure, and the bucket shows a cause a person must fix.',
        findings: inspection.findings,
        actions: inspection.plan,
        nextSteps: personSteps(inspection.findings),
      };
    }
    const crl = state.crl;
    if (crl?.published) {
      return {
        status: 'RECOVERED',
        message: `Private CA republished the CRL by itself: s3://${crl.bucket}/${crl.key} written ${crl.lastModified}, after the failure at ${crl.eventTime}.`,
        findings: inspection.findings,
        actions: [],
        nextSteps: [],
      };
    }
    return {
      status: 'ESCALATED',
      message: crl
        ? `No CRL newer than the failure at ${crl.eventTime} by ${crl.windowEndsAt} (last written: ${crl.lastModified ?? 'never'}).`
        : 'The CRL was not checked.',
      findings: inspection.findings,
      actions: [],
      nextSteps: ESCALATION_STEPS.CrlNotYetPublished!,
    };
  }

  const bucket = bucketOutcome(state, inspection);
  if (bucket !== 'continue') return bucket;
  const reRequest: Conclusion['actions'] = state.auditRequest?.requested
    ? [
        {
          ...reRequestAction(classification, state.auditRequest.bucket, state.auditRequest.format),
          description: `Re-requested the audit report in s3://${state.auditRequest.bucket} as ${state.auditRequest.format}`,
          after: state.auditRequest.auditReportId ?? '',
          appliedAt: state.auditRequest.requestedAt ?? '',
          verified: true,
        },
      ]
    : [];
  return auditOutcome(state.auditRequest, [...inspection.findings, ...(state.repair?.findings ?? [])], [...(state.repair?.actions ?? []), ...reRequest]);
}

export function buildOutcomeRecord(
  state: WorkflowState,
  context: { executionArn: string | null; recordedAt: Date; mode: Mode | 'unknown'; notified: boolean },
  conclusion = concludeOutcome(state),
): OutcomeRecord {
  const classification = state.classification;
  return {
    status: conclusion.status,
    kind: classification?.kind ?? 'UNRECOGNIZED',
    certificateAuthorityArn: classification?.certificateAuthorityArn ?? null,
    eventId: classification?.eventId ?? 'unknown',
    eventTime: classification?.eventTime ?? null,
    mode: context.mode,
    message: conclusion.message,
    findings: conclusion.findings,
    actions: conclusion.actions,
    nextSteps: conclusion.nextSteps,
    executionArn: context.executionArn,
    recordedAt: context.recordedAt.toISOString(),
    notified: context.notified,
    ...(conclusion.error ? { error: conclusion.error } : {}),
    ...(conclusion.approval ? { approval: conclusion.approval } : {}),
  };
}
