/**
 * Mode approve through the real definition (the callback Task bound locally, see
 * src/workstation/local/workflow.ts): approved, declined, expired; the bucket changed between the
 * question and the answer (asked again), changed every time (NEEDS_ATTENTION after three
 * questions); a duplicate delivery while waiting; the audit bucket; and the task token in
 * the history item only, never in a notification or a log line.
 */
import { readFileSync } from 'node:fs';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';

// Every log line of the handlers is printed (and captured below): the token must be in none.
vi.hoisted(() => {
  process.env.POWERTOOLS_LOG_LEVEL = 'DEBUG';
});

import { readHistoryItem } from '../../src/lambda/aws/history/store';
import { createHistoryTable } from '../../src/workstation/local/history-table';
import type { SimulatedAccount } from '../../src/workstation/local/simulated-account';
import { SimulatedClock } from '../../src/workstation/local/workflow';
import { account, BUCKET, event, policyOf, runScenario, type ScenarioOptions } from './scenario';

const permissionEvent = event('crl-s3-permission-failure.json');
const EVENT_ID = permissionEvent.id as string;
const APPROVE = { MODE: 'approve' };
const approvalRequests = <N extends { Subject?: string; Message: string }>(notifications: readonly N[]) =>
  notifications.filter((item) => item.Subject?.includes('APPROVAL REQUESTED'));

let printed: string[] = [];
beforeEach(() => {
  printed = [];
  for (const method of ['log', 'info', 'warn', 'error', 'debug'] as const)
    vi.spyOn(console, method).mockImplementation((...args: unknown[]) => void printed.push(args.map(String).join(' ')));
});
afterEach(() => vi.restoreAllMocks());

/** Another writer adds a statement to the bucket policy (as a colleague would, by hand). */
async function addStatement(simulation: SimulatedAccount, sid: string): Promise<void> {
  const current = (await simulation.send('S3', 'GetBucketPolicy', { Bucket: BUCKET })) as { Policy: string };
  const policy = JSON.parse(current.Policy);
  policy.Statement.push({
    Sid: sid,
    Effect: 'Allow',
    Principal: { AWS: 'arn:aws:iam::111122223333:role/Ops' },
    Action: 's3:GetObject',
    Resource: `arn:aws:s3:::${BUCKET}/*`,
  });
  await simulation.send('S3', 'PutBucketPolicy', { Bucket: BUCKET, Policy: JSON.stringify(policy) });
}

function run(approver: NonNullable<ScenarioOptions['approver']>, options: ScenarioOptions = {}) {
  return runScenario(permissionEvent, account(), { env: APPROVE, ...options, approver });
}

describe('mode approve, CRL bucket', () => {
  it('asks with the exact diff and the two commands, keeps the token in the history item only, and on approval inspects again and applies the approved change: REMEDIATED, approver recorded', async () => {
    const history = await createHistoryTable();
    let tokenWhileWaiting: unknown;
    const result = await run(
      {
        answers: ['approve'],
        beforeAnswer: async () => {
          tokenWhileWaiting = ((await readHistoryItem(history.name, EVENT_ID)) as unknown as { approval: { taskToken?: string } }).approval.taskToken;
        },
      },
      { history },
    );

    expect(result.execution.status).toBe('SUCCEEDED');
    expect(result.outcome.status).toBe('REMEDIATED');
    expect(result.states).toEqual(
      expect.arrayContaining(['InspectCrlBucket', 'IsACrlRepairPlanned?', 'AskToApproveCrlRepair', 'ReinspectCrlBucket', 'RepairCrlBucket']),
    );
    expect(result.states.indexOf('AskToApproveCrlRepair')).toBeLessThan(result.states.indexOf('RepairCrlBucket'));
    expect(result.outcome.message).toContain('Approved by arn:aws:iam::111122223333:user/local-approver');
    expect(result.outcome.approval).toMatchObject({ decision: 'approved', approver: 'arn:aws:iam::111122223333:user/local-approver', rounds: 1 });
    expect(result.mutatingCalls).toEqual(['PutBucketPolicy']);

    const [question, ...others] = approvalRequests(result.after.notifications);
    expect(others).toEqual([]);
    expect(question!.Message).toContain(`npm run approve -- ${EVENT_ID} --stage dev --region us-east-1`);
    expect(question!.Message).toContain(`npm run decline -- ${EVENT_ID} --reason "<why>"`);
    expect(question!.Message).toMatch(/\+\s+"Sid": "AllowAcmPcaWrite/);
    expect(question!.Message).toContain('POLICY_GRANT_MISSING');

    // The token existed, in the item, while the question waited; then nowhere.
    expect(tokenWhileWaiting).toMatch(/^local-task-token-/);
    const item = (await readHistoryItem(history.name, EVENT_ID)) as unknown as { status: string; approval: Record<string, unknown> };
    expect(item.status).toBe('REMEDIATED');
    expect(item.approval).toMatchObject({ status: 'APPROVED', approver: 'arn:aws:iam::111122223333:user/local-approver', round: 1 });
    expect(item.approval.taskToken).toBeUndefined();
    expect(printed.length).toBeGreaterThan(0);
    for (const text of [...printed, ...result.after.notifications.map((notification) => JSON.stringify(notification)), JSON.stringify(result.outcome)])
      expect(text).not.toContain(String(tokenWhileWaiting));
    expect(printed.join('\n')).not.toContain('local-task-token');
  });

  it('a decline writes nothing: DECLINED with who and why, not notified again', async () => {
    const result = await run({ answers: ['decline'], reason: 'change freeze until Monday' });
    expect(result.outcome.status).toBe('DECLINED');
    expect(result.outcome.message).toBe('Declined by arn:aws:iam::111122223333:user/local-approver: "change freeze until Monday". Nothing was written.');
    expect(result.outcome.approval).toMatchObject({ decision: 'declined', reason: 'change freeze until Monday' });
    expect(result.mutatingCalls).toEqual([]);
    expect(result.states).not.toContain('ReinspectCrlBucket');
    expect(result.after.notifications).toHaveLength(1);
    const item = (await readHistoryItem(result.history.name, EVENT_ID)) as unknown as { status: string; approval: Record<string, unknown> };
    expect(item).toMatchObject({ status: 'DECLINED', approval: { status: 'DECLINED', reason: 'change freeze until Monday' } });
    expect(item.approval.taskToken).toBeUndefined();
  });

  it('nobody answers: the wait times out after approvalTimeoutHours on the simulated clock, APPROVAL_EXPIRED, notified, nothing written', async () => {
    const result = await run({ answers: ['none'] });
    expect(result.outcome.status).toBe('APPROVAL_EXPIRED');
    expect(result.outcome.notified).toBe(true);
    expect(result.mutatingCalls).toEqual([]);
    const wait = result.execution.attempts.find((attempt) => attempt.state === 'AskToApproveCrlRepair')!;
    expect((wait.endedAt.getTime() - wait.startedAt.getTime()) / 3_600_000).toBe(24);
    expect(result.after.notifications.map((notification) => notification.Subject)).toEqual([
      expect.stringContaining('APPROVAL REQUESTED'),
      expect.stringContaining('APPROVAL_EXPIRED'),
    ]);
    expect(result.execution.history.some((entry) => entry.type === 'TaskTimedOut')).toBe(true);
  });

  it('the bucket changed between the question and the answer: nothing nobody approved is written; asked again with the new diff, approved, applied over the other change', async () => {
    const result = await run({
      answers: ['approve'],
      beforeAnswer: (round, simulation) => (round === 1 ? addStatement(simulation as SimulatedAccount, 'AddedWhileWaiting') : undefined),
    });
    expect(result.outcome.error ?? null).toBeNull();
    expect(result.outcome.status).toBe('REMEDIATED');
    expect(result.states.filter((name) => name === 'AskToApproveCrlRepair')).toHaveLength(2);
    expect(result.outcome.findings.map((finding) => finding.code)).toContain('APPROVED_PLAN_UNCHANGED');
    const questions = approvalRequests(result.after.notifications);
    expect(questions).toHaveLength(2);
    expect(questions[1]!.Message).toContain('Question 2 of at most 3');
    const digest = (message: string) => /The exact change \(digest ([0-9a-f]{64})\)/.exec(message)?.[1];
    expect(digest(questions[1]!.Message)).toMatch(/^[0-9a-f]{64}$/);
    expect(digest(questions[1]!.Message)).not.toBe(digest(questions[0]!.Message));
    expect(result.outcome.approval?.rounds).toBe(2);
    const sids = policyOf(result.after).Statement.map((statement) => statement.Sid);
    expect(sids).toContain('AddedWhileWaiting');
    expect(sids.some((sid) => String(sid).startsWith('AllowAcmPcaWrite'))).toBe(true);
  });

  it('the bucket changes before every answer: three questions, then NEEDS_ATTENTION; the workflow writes nothing', async () => {
    const result = await run({ answers: ['approve'], beforeAnswer: (round, simulation) => addStatement(simulation as SimulatedAccount, `Change${round}`) });
    expect(result.outcome.status).toBe('NEEDS_ATTENTION');
    expect(result.outcome.findings.map((finding) => finding.code)).toContain('APPROVED_PLAN_KEPT_CHANGING');
    expect(approvalRequests(result.after.notifications)).toHaveLength(3);
    expect(result.states).not.toContain('RepairCrlBucket');
    // The three PutBucketPolicy calls are the other writer's.
    expect(result.mutatingCalls).toEqual(['PutBucketPolicy', 'PutBucketPolicy', 'PutBucketPolicy']);
    expect(policyOf(result.after).Statement.some((statement) => String(statement.Sid).startsWith('AllowAcmPcaWrite'))).toBe(false);
  });

  it('a duplicate delivery while the first execution waits ends DUPLICATE and asks nothing', async () => {
    const history = await createHistoryTable();
    const clock = new SimulatedClock(new Date('2026-11-20T10:02:00Z'));
    let duplicate: Awaited<ReturnType<typeof runScenario>> | undefined;
    const first = await run(
      {
        answers: ['approve'],
        beforeAnswer: async (_round, simulation) => {
          duplicate = await runScenario(permissionEvent, undefined, {
            env: APPROVE,
            history,
            clock,
            simulation: simulation as SimulatedAccount,
            executionName: 'second-delivery',
            approver: { answers: ['approve'] },
          });
        },
      },
      { history, clock },
    );
    expect(duplicate!.outcome.status).toBe('DUPLICATE');
    expect(duplicate!.outcome.message).toContain('waiting for approval');
    expect(duplicate!.states).not.toContain('AskToApproveCrlRepair');
    expect(first.outcome.status).toBe('REMEDIATED');
    expect(approvalRequests(first.after.notifications)).toHaveLength(1);
  });
});

describe('mode approve, audit bucket', () => {
  it('asks before adding the grant to the audit bucket, applies it on approval, then re-requests the report: REMEDIATED', async () => {
    const file = JSON.parse(readFileSync(new URL('../../events/accounts/audit-report-repaired.json', import.meta.url), 'utf8'));
    const result = await runScenario(event('audit-report-failure.json'), file, { env: APPROVE, approver: { answers: ['approve'] } });
    expect(result.outcome.status).toBe('REMEDIATED');
    expect(result.states).toEqual(expect.arrayContaining(['AskToApproveAuditRepair', 'ReinspectAuditBucket', 'RepairAuditBucket', 'RequestAuditReport']));
    expect(result.mutatingCalls.slice(0, 2)).toEqual(['PutBucketPolicy', 'CreateCertificateAuthorityAuditReport']);
    expect(approvalRequests(result.after.notifications)).toHaveLength(1);
  });
});
