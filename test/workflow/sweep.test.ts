/**
 * The scheduled sweep end to end, locally: the real sweep handler against a simulated
 * account, and each StartExecution it makes answered by running that execution through
 * the real state machine and handlers (runExecution), on the same account and the same
 * history table. So a lost event is shown to be caught, repaired by the same workflow,
 * and deduplicated per CA and day by the workflow's own ClaimEvent.
 */
import { readFileSync } from 'node:fs';
import { StartExecutionCommand } from '@aws-sdk/client-sfn';
import { afterAll, afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { handler as sweepHandler } from '../../src/lambda/handlers/sweep';
import { resetClients } from '../../src/lambda/aws/clients/registry';
import { resetClock } from '../../src/lambda/runtime/clock';
import type { SweepSummary } from '../../src/lambda/steps/sweep';
import type { OutcomeRecord } from '../../src/core/types';
import { parseAccountFile } from '../../src/workstation/local/account-file';
import { createHistoryTable, type LocalHistoryTable } from '../../src/workstation/local/history-table';
import { SimulatedAccount } from '../../src/workstation/local/simulated-account';
import { lambdaContext, loadDefinition, runExecution, SimulatedClock, useSimulation, type LocalExecution } from '../../src/workstation/local/workflow';
import { mockSfn } from '../lambda/handlers/fixtures';
import { account, BUCKET, CA_ID, documentedGrant, policyOf } from './scenario';

const STATE_MACHINE_ARN = 'arn:aws:states:us-east-1:111122223333:stateMachine:pca-remediation-local';
const ENV = {
  MODE: 'apply',
  ALLOWED_BUCKETS: '',
  ALLOW_CA_UPDATES: 'true',
  CRL_RECOVERY_WINDOW_MINUTES: '75',
  NOTIFICATION_TOPIC_ARN: 'arn:aws:sns:us-east-1:111122223333:pca-remediation-test-notifications',
};
const EVENT_ID = `sweep-${CA_ID}-2026-11-20`;
const loaded = loadDefinition();
const sfnMock = mockSfn();

interface World {
  clock: SimulatedClock;
  simulation: SimulatedAccount;
  history: LocalHistoryTable;
  /** Every execution the sweeps started, in order. */
  executions: LocalExecution[];
  sweep(): Promise<SweepSummary>;
}

/**
 * An account from `file` at `start`, with S3 and Private CA answered by it, and Step
 * Functions' StartExecution answered by running the execution locally on it.
 */
async function world(file: unknown, start = '2026-11-20T10:05:00Z'): Promise<World> {
  const clock = new SimulatedClock(new Date(start));
  const simulation = new SimulatedAccount(parseAccountFile(file), { now: () => clock.now() });
  const history = await createHistoryTable();
  useSimulation(simulation, clock, history.endpoint);
  const executions: LocalExecution[] = [];
  sfnMock.on(StartExecutionCommand).callsFake(async (input) => {
    expect(input.stateMachineArn).toBe(STATE_MACHINE_ARN);
    const execution = await runExecution(JSON.parse(input.input!), {
      account: simulation,
      clock,
      env: ENV,
      loaded,
      history,
      executionName: input.name,
      random: () => 0.5,
    });
    executions.push(execution);
    return { executionArn: execution.executionArn, startDate: new Date(execution.startedAt) };
  });
  return { clock, simulation, history, executions, sweep: () => sweepHandler({}, lambdaContext('sweep')) };
}

function outcomeOf(execution: LocalExecution): OutcomeRecord {
  return (execution.output as { outcome: OutcomeRecord }).outcome;
}

function explicitDenyAccount() {
  return JSON.parse(readFileSync(new URL('../../events/accounts/crl-explicit-deny.json', import.meta.url), 'utf8'));
}

beforeEach(() => {
  sfnMock.reset();
  for (const [key, value] of Object.entries({ ...ENV, STATE_MACHINE_ARN })) vi.stubEnv(key, value);
});

afterEach(() => {
  vi.unstubAllEnvs();
});

afterAll(() => {
  resetClients();
  resetClock();
});

describe('the scheduled sweep, through the real workflow', () => {
  it('finds a CRL bucket that lost its grant (its event never arrived) and the workflow repairs it: REMEDIATED', async () => {
    // Prepare: the bucket lacks the Private CA grant; no event was delivered
    const { sweep, executions, simulation, clock, history } = await world(account());
    // Act
    const summary = await sweep();
    // Assess: one execution, started with the sweep's event, repaired the bucket
    expect(summary).toMatchObject({ checked: 1, skipped: [], failed: [], started: [{ eventId: EVENT_ID, findings: ['POLICY_GRANT_MISSING'] }] });
    expect(executions).toHaveLength(1);
    const [execution] = executions;
    expect(summary.started[0]!.executionArn).toBe(execution!.executionArn);
    expect(execution!.executionArn).toMatch(new RegExp(`:sweep-${CA_ID}-20261120T1005$`));
    expect(outcomeOf(execution!)).toMatchObject({ status: 'REMEDIATED', kind: 'CRL_S3_PERMISSION', eventId: EVENT_ID });
    expect(policyOf(simulation.toAccountFile()).Statement).toContainEqual(
      expect.objectContaining({ Principal: { Service: 'acm-pca.amazonaws.com' }, Effect: 'Allow' }),
    );
    expect((await history.items()).map((item) => item.pk)).toEqual([`EVENT#${EVENT_ID}`]);
    // And Private CA, retrying by itself every 15 minutes, now writes the CRL.
    clock.advance(20 * 60);
    const crl = simulation.toAccountFile().buckets[0]!.Objects![`crl/${CA_ID}.crl`]!;
    expect(Date.parse(crl)).toBeGreaterThan(Date.parse('2026-11-20T10:05:00Z'));
  });

  it("leaves a second sweep the same day to the workflow's dedupe: the grant lost again ends DUPLICATE, changing nothing", async () => {
    // Prepare: a first sweep repairs the bucket; later that day the grant is removed again
    const file = account();
    const lostGrant = JSON.stringify(file.buckets[0].Policy);
    const { sweep, executions, simulation, clock } = await world(file);
    await sweep();
    expect(outcomeOf(executions[0]!).status).toBe('REMEDIATED');
    clock.advance(6 * 3600);
    await simulation.send('S3', 'PutBucketPolicy', { Bucket: BUCKET, Policy: lostGrant });
    // Act (the first execution's wait for Private CA's next CRL moved the clock too)
    const stamp = clock.now().toISOString().replace(/[-:]/g, '').slice(0, 13);
    const second = await sweep();
    // Assess: the same event id (one per CA and day), a new execution name, and the workflow's ClaimEvent says DUPLICATE
    expect(second.started).toMatchObject([{ eventId: EVENT_ID, findings: ['POLICY_GRANT_MISSING'] }]);
    expect(executions).toHaveLength(2);
    expect(stamp.startsWith('20261120T1')).toBe(true);
    expect(executions[1]!.executionArn).toMatch(new RegExp(`:sweep-${CA_ID}-${stamp}$`));
    expect(outcomeOf(executions[1]!)).toMatchObject({ status: 'DUPLICATE', eventId: EVENT_ID, actions: [] });
    expect(JSON.stringify(policyOf(simulation.toAccountFile()))).toBe(lostGrant);
  });

  it('tells a person once a day about a bucket it cannot fix (an explicit Deny), not at every sweep', async () => {
    const { sweep, executions, simulation, clock } = await world(explicitDenyAccount());
    await sweep();
    clock.advance(6 * 3600);
    await sweep();
    clock.advance(8 * 3600); // 2026-11-21T00:05Z: a new UTC day, a new event id
    await sweep();
    expect(executions.map((execution) => [outcomeOf(execution).status, outcomeOf(execution).eventId])).toEqual([
      ['NEEDS_ATTENTION', EVENT_ID],
      ['DUPLICATE', EVENT_ID],
      ['NEEDS_ATTENTION', `sweep-${CA_ID}-2026-11-21`],
    ]);
    // Two notifications, one per day; the DUPLICATE in between notified no one.
    expect(simulation.toAccountFile().notifications.map((notification) => notification.PublishedAt)).toEqual([
      '2026-11-20T10:05:00.000Z',
      '2026-11-21T00:05:00.000Z',
    ]);
    expect(simulation.calls.filter((call) => call.operation === 'PutBucketPolicy')).toEqual([]);
  });

  it('starts nothing in a healthy account', async () => {
    const file = account();
    file.buckets[0].Policy.Statement.push(documentedGrant());
    const { sweep, executions, simulation } = await world(file);
    const summary = await sweep();
    expect(summary).toEqual({
      checked: 1,
      started: [],
      skipped: [{ caArn: file.certificateAuthorities[0].Arn, code: 'COMPLIANT', reason: `bucket ${BUCKET} lets Private CA write` }],
      failed: [],
    });
    expect(sfnMock.commandCalls(StartExecutionCommand)).toHaveLength(0);
    expect(executions).toEqual([]);
    expect(simulation.calls.map((call) => call.operation)).toEqual([
      'ListCertificateAuthorities',
      'DescribeCertificateAuthority',
      'GetBucketPolicy',
      'GetPublicAccessBlock',
      'GetBucketOwnershipControls',
      'GetBucketEncryption',
    ]);
  });
});
