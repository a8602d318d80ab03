/**
 * Faults, through the real state machine: throttling, 5xx, timeouts (some after the
 * write was applied) injected into the simulated account on every call, below the SDK's
 * own retries; Lambda service errors, functions that time out or crash (Lambda.Unknown),
 * DynamoDB errors and task timeouts injected at the Task level. Every execution still
 * ends with an outcome, never with a half-written policy, and never with a change it
 * does not report.
 */
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { printFigures } from '../figures';
import { keepsEveryStatement } from '../../src/lambda/steps/repair-bucket';
import type { OutcomeRecord, OutcomeStatus } from '../../src/core/types';
import { parseAccountFile } from '../../src/workstation/local/account-file';
import { FAULT_KINDS, sdkRetries } from '../../src/workstation/local/faults';
import { createHistoryTable } from '../../src/workstation/local/history-table';
import { seededRandom } from '../../src/workstation/local/random';
import { SCENARIOS } from '../../src/workstation/local/scenarios';
import { SimulatedAccount } from '../../src/workstation/local/simulated-account';
import { outcomeOf } from '../../src/workstation/local/storm';
import { loadDefinition, runExecution, SimulatedClock, taskFaultsAt, type LocalExecution } from '../../src/workstation/local/workflow';

/** Faults on this share of all AWS calls (each attempt drawn on its own) and of all Task attempts. */
const CALL_FAULT_RATE = 0.2;
const TASK_FAULT_RATE = 0.1;
/** Runs of each scenario, each with its own seed. */
const RUNS_PER_SCENARIO = 20;

const read = (path: string) => JSON.parse(readFileSync(new URL(`../../${path}`, import.meta.url), 'utf8'));
const loaded = loadDefinition();

/** What a faulty run of each scenario may end as: its own outcome, or escalated when retries ran out. */
function allowed(expected: OutcomeStatus): OutcomeStatus[] {
  if (expected === 'REJECTED') return ['REJECTED'];
  if (expected === 'RECOVERED') return ['RECOVERED', 'ESCALATED'];
  return [expected, 'ESCALATED'];
}

interface Run {
  scenario: string;
  expected: OutcomeStatus;
  execution: LocalExecution;
  outcome: OutcomeRecord;
  simulation: SimulatedAccount;
  before: ReturnType<typeof parseAccountFile>;
}

const runs: Run[] = [];

/** One seeded injector of Task faults for all runs. */
const taskFaults = taskFaultsAt(TASK_FAULT_RATE, seededRandom(7919));

/**
 * The demo's scenarios without mode approve's: those play a person (and, in one, a second
 * writer of the bucket) whose calls the fault plan would hit too, and the README's figures
 * for this test were measured on these twelve. Approval paths: test/workflow/approval.test.ts.
 */
const FAULTED_SCENARIOS = SCENARIOS.filter((scenario) => scenario.mode !== 'approve');

beforeAll(async () => {
  for (const scenario of FAULTED_SCENARIOS) {
    for (let seed = 1; seed <= RUNS_PER_SCENARIO; seed += 1) {
      const before = parseAccountFile(read(scenario.account));
      const clock = new SimulatedClock(new Date(Date.parse((read(scenario.event) as { time?: string }).time ?? '2026-11-20T10:00:00Z') + 120_000));
      const simulation = new SimulatedAccount(before, { now: () => clock.now(), faults: { rate: CALL_FAULT_RATE, kinds: [...FAULT_KINDS], seed } });
      const env = {
        MODE: scenario.mode ?? 'apply',
        ALLOWED_BUCKETS: '',
        ALLOW_CA_UPDATES: 'true',
        CRL_RECOVERY_WINDOW_MINUTES: '75',
        NOTIFICATION_TOPIC_ARN: 'arn:aws:sns:us-east-1:111122223333:pca-remediation-local-notifications',
      };
      const execution = await runExecution(read(scenario.event), {
        account: simulation,
        clock,
        env,
        random: seededRandom(seed),
        loaded,
        history: await createHistoryTable(),
        taskFaults,
      });
      runs.push({ scenario: scenario.id, expected: scenario.expect.status, execution, outcome: outcomeOf(execution), simulation, before });
    }
  }
}, 600_000);

afterAll(() => {
  const faults = Object.fromEntries(FAULT_KINDS.map((kind) => [kind, runs.reduce((sum, run) => sum + run.simulation.faults[kind], 0)]));
  const statuses: Record<string, number> = {};
  for (const run of runs) statuses[run.outcome.status] = (statuses[run.outcome.status] ?? 0) + 1;
  printFigures('faults', {
    executions: runs.length,
    calls: runs.reduce((sum, run) => sum + run.simulation.calls.length, 0),
    callFaults: faults,
    sdkRetries: runs.reduce((sum, run) => sum + sdkRetries(run.simulation.calls), 0),
    taskFaults: taskFaults.counts,
    stateMachineRetries: runs.reduce((sum, run) => sum + run.execution.retries.length, 0),
    outcomes: statuses,
  });
});

const policies = (file: ReturnType<SimulatedAccount['toAccountFile']>) =>
  new Map(
    file.buckets.map((bucket) => [
      bucket.Name,
      bucket.Policy === null || typeof bucket.Policy === 'string' ? (bucket.Policy as string | null) : JSON.stringify(bucket.Policy),
    ]),
  );

describe(`faults on ${CALL_FAULT_RATE * 100}% of AWS calls and ${TASK_FAULT_RATE * 100}% of Task attempts, ${RUNS_PER_SCENARIO} seeded runs of every demo scenario`, () => {
  it('injected every kind of fault, and the SDK and the state machine both retried', () => {
    const calls = runs.reduce((sum, run) => sum + Object.values(run.simulation.faults).reduce((a, b) => a + b, 0), 0);
    const byKind = Object.fromEntries(FAULT_KINDS.map((kind) => [kind, runs.reduce((sum, run) => sum + run.simulation.faults[kind], 0)]));
    for (const kind of FAULT_KINDS) expect(byKind[kind], kind).toBeGreaterThan(0);
    expect(calls).toBeGreaterThan(100);
    expect(runs.reduce((sum, run) => sum + sdkRetries(run.simulation.calls), 0)).toBeGreaterThan(50);
    expect(Object.keys(taskFaults.counts).sort()).toEqual([
      'DynamoDB.InternalServerError',
      'DynamoDB.ProvisionedThroughputExceededException',
      'Lambda.ClientExecutionTimeoutException',
      'Lambda.ServiceException',
      'Lambda.TooManyRequestsException',
      'Lambda.Unknown',
      'States.Timeout',
    ]);
    expect(runs.reduce((sum, run) => sum + run.execution.retries.length, 0)).toBeGreaterThan(50);
  });

  it('ends every execution with an outcome: its own, or escalated when retries ran out; never FAILED, never unrecorded', () => {
    const unexpected = runs
      .filter((run) => !allowed(run.expected).includes(run.outcome.status))
      .map((run) => `${run.scenario}: ${run.outcome.status} ${run.outcome.message}`);
    expect(unexpected).toEqual([]);
    expect(runs.filter((run) => run.execution.status !== (run.expected === 'FAILED' ? 'FAILED' : 'SUCCEEDED')).map((run) => run.scenario)).toEqual([]);
    // Most runs still reach their own outcome: the retries absorb the faults.
    expect(runs.filter((run) => run.outcome.status === run.expected).length).toBeGreaterThan(runs.length * 0.8);
  });

  it('never leaves a half-written policy: every bucket holds its old policy, or the old one plus the complete grant', () => {
    for (const run of runs) {
      const before = policies(run.before as never);
      for (const [bucket, after] of policies(run.simulation.toAccountFile())) {
        const old = before.get(bucket) ?? null;
        if (after === old) continue;
        expect(keepsEveryStatement(old, after), `${run.scenario}: ${bucket}`).toBe(true);
        expect(JSON.parse(after!).Statement.length).toBe(old === null ? 1 : JSON.parse(old).Statement.length + 1);
        expect(after).toContain('acm-pca.amazonaws.com');
      }
    }
  });

  it('never changes anything silently: a changed policy or CA setting is in the outcome as an applied action', () => {
    for (const run of runs) {
      const before = policies(run.before as never);
      const changedBuckets = [...policies(run.simulation.toAccountFile())]
        .filter(([bucket, after]) => after !== (before.get(bucket) ?? null))
        .map(([bucket]) => `arn:aws:s3:::${bucket}`);
      const reported = run.outcome.actions.filter((action) => 'appliedAt' in action && action.type === 'PutBucketPolicy').map((action) => action.resource);
      expect(reported.sort(), `${run.scenario} (${run.outcome.status})`).toEqual(changedBuckets.sort());
    }
  });
});
