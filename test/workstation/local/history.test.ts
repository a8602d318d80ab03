/**
 * Local executions as GetExecutionHistory would return them: the same event types,
 * numbering and details as a deployed Standard workflow, with the simulated clock's
 * times, so retry delays and waits show as the gaps the real service would leave.
 */
import { HistoryEventType, type HistoryEvent } from '@aws-sdk/client-sfn';
import { describe, expect, it } from 'vitest';
import { executionView } from '../../../src/workstation/executions/view';
import { account, event, runScenario } from '../../workflow/scenario';

const DOCUMENTED_TYPES = new Set<string>(Object.values(HistoryEventType));
const seconds = (from: HistoryEvent, to: HistoryEvent) => (to.timestamp!.getTime() - from.timestamp!.getTime()) / 1000;

function failingPolicyWrite(simulation: { send: (...args: never[]) => Promise<unknown> }) {
  const send = simulation.send.bind(simulation) as (service: string, operation: string, input?: object) => Promise<unknown>;
  Object.assign(simulation, {
    send: async (service: string, operation: string, input?: object) => {
      if (operation === 'PutBucketPolicy') throw new TypeError('simulated bug');
      return send(service, operation, input);
    },
  });
}

describe('the local execution history', () => {
  it('uses only documented event types, numbered from 1, each pointing at the one before', async () => {
    const { execution } = await runScenario(event('crl-s3-permission-failure.json'), account());
    const history = execution.history;
    expect(history.every((entry) => DOCUMENTED_TYPES.has(entry.type!))).toBe(true);
    expect(history.map((entry) => entry.id)).toEqual(history.map((_, index) => index + 1));
    expect(history.map((entry) => entry.previousEventId)).toEqual(history.map((_, index) => index));
    expect(history[0]!.type).toBe('ExecutionStarted');
    expect(history.at(-1)!.type).toBe('ExecutionSucceeded');
    expect(history.slice(1, 6).map((entry) => entry.type)).toEqual([
      'TaskStateEntered',
      'LambdaFunctionScheduled',
      'LambdaFunctionStarted',
      'LambdaFunctionSucceeded',
      'TaskStateExited',
    ]);
  });

  it('shows each retry as a failed attempt, then the next one scheduled after the delay Step Functions would wait', async () => {
    const file = account('crl-internal-failure');
    const { execution } = await runScenario(event('crl-s3-internal-failure.json'), file, { random: () => 0.25 });
    const history = execution.history;
    const gaps = history.flatMap((entry, index) => {
      if (entry.type !== 'LambdaFunctionFailed') return [];
      const next = history.slice(index + 1).find((later) => later.type === 'LambdaFunctionScheduled' || later.type?.endsWith('StateExited'));
      return next?.type === 'LambdaFunctionScheduled' ? [seconds(entry, next)] : [];
    });
    expect(execution.retries.length).toBeGreaterThan(2);
    expect(gaps).toEqual(execution.retries.map((retry) => Math.round(retry.delaySeconds * 1000) / 1000));
    const failure = history.find((entry) => entry.type === 'LambdaFunctionFailed')!;
    expect(failure.lambdaFunctionFailedEventDetails!.error).toBe('CrlNotYetPublished');
    expect(JSON.parse(failure.lambdaFunctionFailedEventDetails!.cause!)).toMatchObject({ errorType: 'CrlNotYetPublished', errorMessage: expect.any(String) });
  });

  it('leaves a Wait state its Seconds', async () => {
    const { execution } = await runScenario(event('audit-report-failure.json'), account('audit-report-failed'));
    const entered = execution.history.find((entry) => entry.type === 'WaitStateEntered')!;
    const exited = execution.history.find((entry) => entry.type === 'WaitStateExited' && entry.id! > entered.id!)!;
    expect(seconds(entered, exited)).toBe(60);
  });

  it('shows a caught error as a failed attempt followed by the state exiting, and a Fail state ending the execution', async () => {
    const { execution } = await runScenario(event('crl-s3-permission-failure.json'), account(), { prepare: failingPolicyWrite as never });
    const types = execution.history.map((entry) => entry.type);
    const failed = types.indexOf('LambdaFunctionFailed');
    expect(types[failed + 1]).toBe('TaskStateExited');
    expect(types.slice(-2)).toEqual(['FailStateEntered', 'ExecutionFailed']);
    const view = executionView(execution.history);
    expect(view.states.find((state) => state.name === 'RepairCrlBucket')!.caught).toEqual({ error: 'TypeError', cause: 'simulated bug' });
    expect(view.status).toBe('FAILED');
    expect(view.outcome?.status).toBe('FAILED');
  });

  it('gives the view the same states, in the same order, as the engine entered them', async () => {
    const run = await runScenario(event('audit-report-failure.json'), account('audit-report-failed'));
    expect(executionView(run.execution.history).states.map((state) => state.name)).toEqual(run.states);
  });
});
