/**
 * Mode approve (docs/approval.md): a planned change waits for a person's word.
 *
 * - The question: the plan's digest (a stable sha256 of every change's type, resource,
 *   before and after), which round of asking it is, and how long it waits.
 * - After an approval the bucket (or CA) is inspected again and re-planned: the new plan is
 *   applied only if its digest is the approved one; otherwise the person is asked again
 *   with the new diff, at most MAX_APPROVAL_ROUNDS questions in all, then NEEDS_ATTENTION.
 * - The answer: `npm run approve` / `npm run decline` read the waiting question from the
 *   history item (its task token is there, and nowhere else), name the caller (STS
 *   GetCallerIdentity) and send SendTaskSuccess or SendTaskFailure. `answerApproval` is
 *   that logic without the SDK, so the local runner plays the person with the same code.
 */
import { createHash } from 'node:crypto';
import { diffLines, prettyJson, withContext } from './diff';
import { canonicalJson } from './canonical-json';
import type { HistoryItem } from './history-item';
import type { ApprovalAnswer, ApprovalRequest, Classification, Config, Finding, Inspection, PlannedAction } from './types';
/** The first question and at most two more after re-plans that differ from what was approved. */
export const MAX_APPROVAL_ROUNDS = 3;

/** The error SendTaskFailure carries for a decline; the state machine catches it by this name. */
export const DECLINED_ERROR = 'ApprovalDeclined';

function parsedOrText(text: string | null): unknown {
  if (text === null) return null;
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

/** The digest of what a plan would write: the same changes give the same digest, whatever the descriptions say. */
export function planDigest(plan: readonly PlannedAction[]): string {
  const changes = plan.map((action) => ({
    type: action.type,
    resource: action.resource,
    before: parsedOrText(action.before),
    after: parsedOrText(action.after),
  }));
  return createHash('sha256').update(canonicalJson(changes)).digest('hex');
}

/** The question for a plan that would otherwise be applied now. */
export function approvalRequest(plan: readonly PlannedAction[], config: Pick<Config, 'approvalTimeoutHours'>, round = 1): ApprovalRequest {
  return { digest: planDigest(plan), round, timeoutSeconds: config.approvalTimeoutHours * 3600 };
}

/**
 * An inspection after an approval: apply the plan only if it is the approved one; ask
 * again (one round more) if it changed; a person must look when it changed too often.
 * Inspections that plan nothing or need a person are returned as they are.
 */
export function afterApproval(inspection: Inspection, approved: ApprovalRequest, config: Pick<Config, 'approvalTimeoutHours'>): Inspection {
  if (inspection.next !== 'approve') return inspection;
  const digest = planDigest(inspection.plan);
  if (digest === approved.digest) {
    const { approval: _question, ...rest } = inspection;
    return {
      ...rest,
      next: 'repair',
      findings: [
        ...inspection.findings,
        {
          code: 'APPROVED_PLAN_UNCHANGED',
          severity: 'info',
          message: `Inspected again after the approval: the plan is the one approved (digest ${digest.slice(0, 12)}); it is applied.`,
        },
      ],
    };
  }
  if (approved.round < MAX_APPROVAL_ROUNDS) {
    const changed: Finding = {
      code: 'PLAN_CHANGED_SINCE_APPROVAL',
      severity: 'warning',
      message: `The bucket or CA changed between the question and the approval: the plan is no longer the one approved (digest ${approved.digest.slice(0, 12)}, now ${digest.slice(0, 12)}). Nothing was written; the new plan is asked again (question ${approved.round + 1} of at most ${MAX_APPROVAL_ROUNDS}).`,
    };
    return { ...inspection, findings: [...inspection.findings, changed], approval: approvalRequest(inspection.plan, config, approved.round + 1) };
  }
  const { approval: _question, ...rest } = inspection;
  return {
    ...rest,
    next: 'attention',
    findings: [
      ...inspection.findings,
      {
        code: 'APPROVED_PLAN_KEPT_CHANGING',
        severity: 'action-required',
        message: `The plan changed again after the approval of question ${approved.round} of ${MAX_APPROVAL_ROUNDS}: something keeps changing the bucket or CA while a person decides. Nothing was written. Find the other writer (CloudTrail PutBucketPolicy, UpdateCertificateAuthority), then run the event again with \`npm run invoke -- <event file> --rerun\`.`,
      },
    ],
  };
}

/** Each change of a plan as a line diff of its value before and after (pretty JSON). */
export function planDiff(plan: readonly PlannedAction[]): string[] {
  const lines: string[] = [];
  for (const action of plan) {
    lines.push(`${action.type} ${action.resource}: ${action.description}`, '  (- before, + after)');
    for (const line of withContext(diffLines(prettyJson(action.before), prettyJson(action.after)))) {
      lines.push(line === null ? '    …' : `  ${line.kind} ${line.text}`);
    }
  }
  return lines;
}

/** `npm run approve|decline -- <event id>`, with the deployment's stage and region. */
export function answerCommands(eventId: string, where: { stage: string; region: string }): { approve: string; decline: string } {
  const deployment = `--stage ${where.stage} --region ${where.region}`;
  return { approve: `npm run approve -- ${eventId} ${deployment}`, decline: `npm run decline -- ${eventId} --reason "<why>" ${deployment}` };
}

/** The notification that asks: event, CA, findings, the exact diff, the two commands. Never the task token. */
export function approvalMessage(input: {
  classification: Classification;
  inspection: Inspection;
  request: ApprovalRequest;
  expiresAt: Date;
  executionArn: string;
  where: { stage: string; region: string };
}): { subject: string; message: string } {
  const { classification, inspection, request } = input;
  const ca = classification.certificateAuthorityArn?.split('/').pop() ?? 'unknown CA';
  const commands = answerCommands(classification.eventId, input.where);
  const lines = [
    `APPROVAL REQUESTED: ${inspection.plan.length} change(s) planned for ${inspection.bucket ? `bucket ${inspection.bucket}` : 'the CA'}; nothing is written until a person approves.`,
    `Question ${request.round} of at most ${MAX_APPROVAL_ROUNDS}; it expires at ${input.expiresAt.toISOString()}.`,
    '',
    `Kind: ${classification.kind}`,
    `CA: ${classification.certificateAuthorityArn ?? 'unknown'}`,
    `Event: ${classification.eventId} at ${classification.eventTime ?? 'unknown time'}`,
    `Execution: ${input.executionArn}`,
    '',
    'Findings:',
    ...inspection.findings.map((finding) => `- [${finding.severity}] ${finding.code}: ${finding.message}`),
    '',
    `The exact change (digest ${request.digest}):`,
    ...planDiff(inspection.plan),
    '',
    'To answer, with your own AWS credentials:',
    `  approve: ${commands.approve}`,
    `  decline: ${commands.decline}`,
    'On approval the bucket is inspected again, and the change is applied only if it is still exactly this one.',
  ];
  return { subject: `[pca-remediation] APPROVAL REQUESTED: ${classification.kind} ${ca}`.slice(0, 99), message: lines.join('\n') };
}

/** What the history item keeps of a question (the token only while it waits). */
export interface HistoryApproval {
  /** CLOSED: the execution ended without an answer to the last question (an error, retries run out). */
  status: 'WAITING' | 'APPROVED' | 'DECLINED' | 'EXPIRED' | 'CLOSED';
  round: number;
  digest: string;
  askedAt: string;
  expiresAt: string;
  plan: Array<Pick<PlannedAction, 'type' | 'resource' | 'description' | 'before' | 'after'>>;
  /** Only while WAITING; RecordOutcome removes it. */
  taskToken?: string;
  approver?: string | null;
  reason?: string | null;
  answeredAt?: string | null;
}

/** Why an answer was refused before anything was sent: exit code 2 in the CLIs. */
export class ApprovalRefused extends Error {
  override readonly name = 'ApprovalRefused';
}

/** What answering needs from AWS (or from the local runner). */
export interface AnswerPorts {
  readItem(eventId: string): Promise<HistoryItem | null>;
  /** The caller's ARN (STS GetCallerIdentity). */
  callerArn(): Promise<string>;
  sendSuccess(taskToken: string, output: string): Promise<void>;
  sendFailure(taskToken: string, error: string, cause: string): Promise<void>;
  now(): Date;
}

/** Step Functions' refusals of SendTaskSuccess/SendTaskFailure, as one line each (API reference, "Errors"). */
const TOKEN_REFUSALS: Readonly<Record<string, string>> = {
  TaskTimedOut: 'Step Functions says the request expired or was already answered (TaskTimedOut)',
  TaskDoesNotExist: 'Step Functions has no such task any more (TaskDoesNotExist): the execution has ended',
  InvalidToken: 'Step Functions refused the stored task token (InvalidToken)',
};

/**
 * Answer the question waiting for `eventId`: checked first (an unknown event, an event not
 * waiting, an expired question, a decline without a reason: ApprovalRefused, nothing sent),
 * then the caller named, then the answer sent. Returns what was sent.
 */
export async function answerApproval(
  ports: AnswerPorts,
  request: { eventId: string; decision: 'approved' | 'declined'; reason?: string | null },
): Promise<{ answer: ApprovalAnswer; item: HistoryItem & { approval: HistoryApproval } }> {
  const reason = request.reason?.trim() ? request.reason.trim() : null;
  if (request.decision === 'declined' && reason === null)
    throw new ApprovalRefused('a decline needs --reason "<why>": it is recorded in the history item and the outcome');
  const item = await ports.readItem(request.eventId);
  if (item === null)
    throw new ApprovalRefused(
      `no event ${request.eventId} in the history table: check the event id (the EventBridge event's "id", as in the notification) and the --stage and --region`,
    );
  const approval = (item as HistoryItem & { approval?: HistoryApproval }).approval;
  if (item.status !== 'IN_PROGRESS') {
    throw new ApprovalRefused(
      `event ${request.eventId} is not waiting for approval: its remediation ended ${item.status}${approval?.approver ? ` (answered by ${approval.approver})` : ''}`,
    );
  }
  if (approval?.status !== 'WAITING' || !approval.taskToken) {
    throw new ApprovalRefused(
      `event ${request.eventId} is not waiting for approval (its execution ${item.executionArn} is still running${approval ? `; question ${approval.round} is ${approval.status}` : ', and has asked nothing'})`,
    );
  }
  const now = ports.now();
  if (Date.parse(approval.expiresAt) <= now.getTime()) {
    throw new ApprovalRefused(
      `the request for approval of event ${request.eventId} expired at ${approval.expiresAt}; nothing was sent (the execution ends APPROVAL_EXPIRED)`,
    );
  }
  const approver = await ports.callerArn();
  const answer: ApprovalAnswer = {
    decision: request.decision,
    approver,
    reason,
    answeredAt: now.toISOString(),
    digest: approval.digest,
    round: approval.round,
  };
  try {
    if (request.decision === 'approved') await ports.sendSuccess(approval.taskToken, JSON.stringify(answer));
    else await ports.sendFailure(approval.taskToken, DECLINED_ERROR, JSON.stringify(answer));
  } catch (error) {
    const refusal = TOKEN_REFUSALS[(error as Error)?.name ?? ''];
    if (refusal) throw new ApprovalRefused(`${refusal}; nothing changed for event ${request.eventId}`);
    throw error;
  }
  return { answer, item: item as HistoryItem & { approval: HistoryApproval } };
}

/** A decline's answer, from the Cause of the caught ApprovalDeclined (JSON), or what can be read of it. */
export function declinedAnswer(cause: string | undefined): { approver: string; reason: string | null; answeredAt: string | null } {
  try {
    const parsed = JSON.parse(cause ?? '') as Partial<ApprovalAnswer>;
    return {
      approver: typeof parsed.approver === 'string' ? parsed.approver : 'unknown',
      reason: typeof parsed.reason === 'string' ? parsed.reason : null,
      answeredAt: typeof parsed.answeredAt === 'string' ? parsed.answeredAt : null,
    };
  } catch {
    return { approver: 'unknown', reason: cause ?? null, answeredAt: null };
  }
}
