/**
 * Task-level errors through the real state machine, one kind at a time: the function
 * timing out or crashing (Lambda.Unknown, after its work was done), Lambda's transient
 * ClientExecutionTimeoutException, and ClaimEvent's DynamoDB errors in every spelling
 * the definition retries. The seeded mix of every kind over every scenario is in
 * faults.test.ts.
 */
import { describe, expect, it } from 'vitest';
import type { TaskFault } from '../../src/workstation/local/workflow';
import { account, event, policyOf, runScenario } from './scenario';

const permissionEvent = event('crl-s3-permission-failure.json');

/** `fault` on the first `times` attempts of `state`, nothing elsewhere. */
function failing(state: string, fault: TaskFault, times = Infinity) {
  let seen = 0;
  return (name: string) => (name === state && seen++ < times ? fault : null);
}

const attemptsOf = (run: Awaited<ReturnType<typeof runScenario>>, state: string) => run.execution.attempts.filter((attempt) => attempt.state === state);

/** The retries the injected faults caused, without the follow-up's waits for Private CA's next CRL (CheckCrlWrittenAfterRepair). */
const faultRetries = (run: { execution: { retries: Array<{ state: string; error: string; backoffSeconds: number }> } }) =>
  run.execution.retries.filter((retry) => retry.state !== 'CheckCrlWrittenAfterRepair');

describe('a function that timed out or crashed (Lambda.Unknown)', () => {
  it('is run again after 5 s at most (full jitter), and the execution reaches its own outcome', async () => {
    const run = await runScenario(permissionEvent, account(), { taskFaults: failing('InspectCrlBucket', 'Lambda.Unknown', 1) });
    expect(run.outcome.status).toBe('REMEDIATED');
    expect(attemptsOf(run, 'InspectCrlBucket').map((attempt) => attempt.error?.name ?? 'ok')).toEqual(['Lambda.Unknown', 'ok']);
    expect(faultRetries(run)).toEqual([expect.objectContaining({ state: 'InspectCrlBucket', error: 'Lambda.Unknown', attempt: 1, backoffSeconds: 5 })]);
  });

  it('after writing the policy: the next attempt finds its own write, adds nothing twice, and the outcome reports the change', async () => {
    const file = account();
    const before = policyOf(file as never);
    const run = await runScenario(permissionEvent, file, { taskFaults: failing('RepairCrlBucket', 'Lambda.Unknown', 1) });
    expect(run.outcome.status).toBe('REMEDIATED');
    expect(attemptsOf(run, 'RepairCrlBucket')).toHaveLength(2);
    expect(policyOf(run.after).Statement).toHaveLength(before.Statement.length + 1);
    expect(run.outcome.actions).toEqual([expect.objectContaining({ type: 'PutBucketPolicy', verified: true })]);
  });

  it('on every attempt: three attempts (two retries, 5 s then 10 s before jitter), then ESCALATED naming Lambda.Unknown and the log to read', async () => {
    const run = await runScenario(permissionEvent, account(), { taskFaults: failing('InspectCrlBucket', 'Lambda.Unknown') });
    expect(run.execution.status).toBe('SUCCEEDED');
    expect(run.outcome.status).toBe('ESCALATED');
    expect(attemptsOf(run, 'InspectCrlBucket')).toHaveLength(3);
    expect(faultRetries(run).map((retry) => [retry.error, retry.backoffSeconds])).toEqual([
      ['Lambda.Unknown', 5],
      ['Lambda.Unknown', 10],
    ]);
    expect(run.outcome.error?.name).toBe('Lambda.Unknown');
    expect(run.outcome.nextSteps.join(' ')).toMatch(/\/aws\/lambda\/pca-remediation-<stage>-<function>/);
    expect(run.states).not.toContain('RepairCrlBucket');
    expect(run.mutatingCalls).toEqual([]);
  });
});

describe('Lambda.ClientExecutionTimeoutException (a transient Lambda service error)', () => {
  it('is retried with the other Lambda service errors, 2 s first, and the execution reaches its own outcome', async () => {
    const run = await runScenario(permissionEvent, account(), { taskFaults: failing('ClassifyEvent', 'Lambda.ClientExecutionTimeoutException', 2) });
    expect(run.outcome.status).toBe('REMEDIATED');
    expect(faultRetries(run).map((retry) => [retry.state, retry.error, retry.backoffSeconds])).toEqual([
      ['ClassifyEvent', 'Lambda.ClientExecutionTimeoutException', 2],
      ['ClassifyEvent', 'Lambda.ClientExecutionTimeoutException', 4],
    ]);
  });

  it('escalates when its six retries run out', async () => {
    const run = await runScenario(permissionEvent, account(), { taskFaults: failing('InspectCrlBucket', 'Lambda.ClientExecutionTimeoutException') });
    expect(run.outcome.status).toBe('ESCALATED');
    expect(attemptsOf(run, 'InspectCrlBucket')).toHaveLength(7);
    expect(run.outcome.error?.name).toBe('Lambda.ClientExecutionTimeoutException');
  });
});

describe('ClaimEvent (the optimized DynamoDB integration)', () => {
  // Throttling and 5xx as the API's error code and as the SDK's class name, and the name
  // of errors without a class: docs/aws-facts.md says which spellings are confirmed.
  const spellings: TaskFault[] = [
    'DynamoDB.ProvisionedThroughputExceededException',
    'DynamoDB.ThrottlingException',
    'DynamoDB.RequestLimitExceeded',
    'DynamoDB.RequestLimitExceededException',
    'DynamoDB.InternalServerError',
    'DynamoDB.InternalServerErrorException',
    'DynamoDB.AmazonDynamoDBException',
  ];

  it.each(spellings)('retries %s (2 s, then doubling) and the execution reaches its own outcome', async (fault) => {
    const run = await runScenario(permissionEvent, account(), { taskFaults: failing('ClaimEvent', fault, 2) });
    expect(run.outcome.status).toBe('REMEDIATED');
    expect(faultRetries(run).map((retry) => [retry.state, retry.error, retry.backoffSeconds])).toEqual([
      ['ClaimEvent', fault, 2],
      ['ClaimEvent', fault, 4],
    ]);
  });

  it.each(spellings)('escalates %s when its six retries run out, before acting', async (fault) => {
    const run = await runScenario(permissionEvent, account(), { taskFaults: failing('ClaimEvent', fault) });
    expect(run.outcome.status).toBe('ESCALATED');
    expect(attemptsOf(run, 'ClaimEvent')).toHaveLength(7);
    expect(run.outcome.error?.name).toBe(fault);
    expect(run.states).not.toContain('InspectCrlBucket');
    expect(run.mutatingCalls).toEqual([]);
  });
});
