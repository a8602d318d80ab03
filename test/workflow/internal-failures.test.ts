/**
 * CRL_S3_INTERNAL and CRL_GENERATION_INTERNAL through the real state machine:
 * look for a cause that can be named, then wait, with backoff and jitter, for
 * Private CA's own retry to write a CRL newer than the event.
 */
import { describe, expect, it } from 'vitest';
import { account, CA_ID, documentedGrant, event, runScenario } from './scenario';

/** The CRL bucket is fine; Private CA's writes fail internally until `until`. */
function internalFailure(until: string | 'forever') {
  const file = account();
  file.buckets[0].Policy.Statement.push(documentedGrant());
  file.certificateAuthorities[0].Simulation = { CrlFailureAt: '2026-11-20T10:00:00Z', CrlInternalFailureUntil: until };
  return file;
}

describe.each(['crl-s3-internal-failure.json', 'crl-generation-internal-failure.json'])('an internal CRL failure (%s)', (file) => {
  it('retries until Private CA republishes the CRL, then ends RECOVERED without changing anything', async () => {
    // Act: Private CA's own retry at 10:30 succeeds (10:15 still fails internally).
    const run = await runScenario(event(file), internalFailure('2026-11-20T10:20:00Z'));
    // Assess
    expect(run.outcome.status).toBe('RECOVERED');
    expect(run.outcome.message).toMatch(new RegExp(`crl/${CA_ID}\\.crl written 2026-11-20T10:30:00`));
    expect(run.mutatingCalls).toEqual([]);
    const retries = run.execution.retries.filter((retry) => retry.state === 'CheckCrlRepublished');
    expect(retries.length).toBeGreaterThan(1);
    expect(retries.map((retry) => retry.backoffSeconds)).toEqual([60, 120, 240, 480, 900, 900, 900, 900, 900].slice(0, retries.length));
    expect(run.after.notifications).toEqual([]);
  });

  it('spaces its checks by exponential backoff with full jitter (the delays Step Functions would wait)', async () => {
    const draws = [0.9, 0.1, 0.7, 0.3, 0.5, 0.5];
    const run = await runScenario(event(file), internalFailure('2026-11-20T10:20:00Z'), { random: () => draws.shift() ?? 0.5 });
    const retries = run.execution.retries.filter((retry) => retry.state === 'CheckCrlRepublished');
    expect(retries[0]).toMatchObject({ attempt: 1, backoffSeconds: 60, delaySeconds: 54 });
    expect(retries[1]).toMatchObject({ attempt: 2, backoffSeconds: 120, delaySeconds: 12 });
    expect(retries[2]).toMatchObject({ attempt: 3, backoffSeconds: 240 });
    expect(retries[2]!.delaySeconds).toBeCloseTo(168);
  });

  it('escalates, with what to check, when no CRL appears within the recovery window', async () => {
    const run = await runScenario(event(file), internalFailure('forever'));
    expect(run.outcome.status).toBe('ESCALATED');
    expect(run.outcome.nextSteps.join(' ')).toMatch(/CRLGenerated and MisconfiguredCRLBucket/);
    expect(run.mutatingCalls).toEqual([]);
    const last = run.execution.retries.at(-1)!;
    expect(Date.parse(run.execution.stoppedAt) - Date.parse('2026-11-20T10:00:00Z')).toBeGreaterThanOrEqual(75 * 60_000);
    expect(last.state).toBe('CheckCrlRepublished');
    expect(run.after.notifications).toHaveLength(1);
    expect(run.after.notifications[0]!.Subject).toMatch(/ESCALATED/);
  });

  it('escalates when the retries run out before the window closes', async () => {
    // A window longer than 20 attempts can span: the ASL's MaxAttempts ends it.
    const run = await runScenario(event(file), internalFailure('forever'), { env: { CRL_RECOVERY_WINDOW_MINUTES: '100000' } });
    expect(run.outcome.status).toBe('ESCALATED');
    expect(run.outcome.error?.name).toBe('CrlNotYetPublished');
    expect(run.execution.retries.filter((retry) => retry.error === 'CrlNotYetPublished')).toHaveLength(20);
    expect(run.states).toContain('RecordOutcome');
  });

  it('names a cause it finds in the bucket and changes nothing', async () => {
    const run = await runScenario(event(file), account());
    expect(run.outcome.status).toBe('NEEDS_ATTENTION');
    expect(run.outcome.findings.map((finding) => finding.code)).toEqual(expect.arrayContaining(['POLICY_GRANT_MISSING', 'BUCKET_WOULD_BLOCK_PCA']));
    expect(run.outcome.actions.map((action) => action.type)).toEqual(['PutBucketPolicy']);
    expect(run.mutatingCalls).toEqual([]);
    expect(run.states).not.toContain('CheckCrlRepublished');
  });
});
