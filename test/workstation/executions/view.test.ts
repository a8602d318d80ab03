/**
 * The execution view, read from histories in the shape GetExecutionHistory returns
 * (HistoryEvent: id, previousEventId, timestamp, type, <type>EventDetails with JSON
 * strings), written here by hand as a deployed execution would produce them.
 */
import type { HistoryEvent } from '@aws-sdk/client-sfn';
import { describe, expect, it } from 'vitest';
import { executionView, stateSeconds } from '../../../src/workstation/executions/view';

const T0 = Date.parse('2026-11-20T10:02:00.000Z');
const at = (seconds: number) => new Date(T0 + seconds * 1000);

/** Number the events as Step Functions does (id from 1, previousEventId the one before). */
function history(events: Array<Omit<HistoryEvent, 'id' | 'previousEventId'>>): HistoryEvent[] {
  return events.map((event, index) => ({ ...event, id: index + 1, previousEventId: index }));
}

const outcome = { status: 'RECOVERED', kind: 'CRL_S3_INTERNAL', message: 'republished', findings: [], actions: [], nextSteps: [] };
const lambdaError = (type: string, message: string) => JSON.stringify({ errorType: type, errorMessage: message, trace: ['at handler'] });

const retried = history([
  { timestamp: at(0), type: 'ExecutionStarted', executionStartedEventDetails: { input: '{"id":"e1"}', roleArn: 'arn:aws:iam::111122223333:role/r' } },
  { timestamp: at(0), type: 'TaskStateEntered', stateEnteredEventDetails: { name: 'CheckCrlRepublished', input: '{}' } },
  {
    timestamp: at(0),
    type: 'LambdaFunctionScheduled',
    lambdaFunctionScheduledEventDetails: { resource: 'arn:aws:lambda:us-east-1:111122223333:function:f', input: '{}', timeoutInSeconds: 30 },
  },
  { timestamp: at(0.2), type: 'LambdaFunctionStarted' },
  {
    timestamp: at(0.5),
    type: 'LambdaFunctionFailed',
    lambdaFunctionFailedEventDetails: { error: 'CrlNotYetPublished', cause: lambdaError('CrlNotYetPublished', 'no CRL yet') },
  },
  {
    timestamp: at(41.5),
    type: 'LambdaFunctionScheduled',
    lambdaFunctionScheduledEventDetails: { resource: 'arn:aws:lambda:us-east-1:111122223333:function:f', input: '{}' },
  },
  { timestamp: at(41.7), type: 'LambdaFunctionStarted' },
  { timestamp: at(42), type: 'LambdaFunctionSucceeded', lambdaFunctionSucceededEventDetails: { output: '{"published":true}' } },
  { timestamp: at(42), type: 'TaskStateExited', stateExitedEventDetails: { name: 'CheckCrlRepublished', output: '{"crl":{}}' } },
  { timestamp: at(42), type: 'TaskStateEntered', stateEnteredEventDetails: { name: 'RecordOutcome', input: '{}' } },
  { timestamp: at(42), type: 'LambdaFunctionScheduled', lambdaFunctionScheduledEventDetails: { resource: 'arn:aws:lambda:us-east-1:111122223333:function:r' } },
  { timestamp: at(42.1), type: 'LambdaFunctionStarted' },
  { timestamp: at(42.3), type: 'LambdaFunctionSucceeded', lambdaFunctionSucceededEventDetails: { output: JSON.stringify({ outcome }) } },
  { timestamp: at(42.3), type: 'TaskStateExited', stateExitedEventDetails: { name: 'RecordOutcome', output: JSON.stringify({ outcome }) } },
  { timestamp: at(42.3), type: 'SucceedStateEntered', stateEnteredEventDetails: { name: 'RemediationFinished', input: '{}' } },
  { timestamp: at(42.3), type: 'SucceedStateExited', stateExitedEventDetails: { name: 'RemediationFinished', output: '{}' } },
  { timestamp: at(42.4), type: 'ExecutionSucceeded', executionSucceededEventDetails: { output: JSON.stringify({ outcome }) } },
]);

describe('executionView', () => {
  it('lists the states in order with their attempts, and the retry delay as the gap after the failed attempt', () => {
    const view = executionView(retried);
    expect(view.status).toBe('SUCCEEDED');
    expect(view.input).toEqual({ id: 'e1' });
    expect(view.states.map((state) => [state.name, state.type, state.attempts.length])).toEqual([
      ['CheckCrlRepublished', 'Task', 2],
      ['RecordOutcome', 'Task', 1],
      ['RemediationFinished', 'Succeed', 0],
    ]);
    const [first, second] = view.states[0]!.attempts;
    expect(first!.error).toEqual({ error: 'CrlNotYetPublished', cause: 'no CRL yet' });
    expect(first!.delayBeforeSeconds).toBeNull();
    expect(second!.delayBeforeSeconds).toBe(41);
    expect(second!.error).toBeNull();
    expect(view.states[0]!.caught).toBeNull();
    expect(stateSeconds(view.states[0]!, view)).toBe(42);
    expect(view.outcome).toMatchObject({ status: 'RECOVERED' });
  });

  it('reads events in id order whatever order the pages came in', () => {
    expect(executionView([...retried].reverse())).toEqual(executionView(retried));
  });

  it('marks an error a Catch handled (the state exits after a failed attempt) as caught', () => {
    const view = executionView(
      history([
        { timestamp: at(0), type: 'ExecutionStarted', executionStartedEventDetails: { input: '{}' } },
        { timestamp: at(0), type: 'TaskStateEntered', stateEnteredEventDetails: { name: 'RepairCrlBucket', input: '{}' } },
        { timestamp: at(0), type: 'LambdaFunctionScheduled', lambdaFunctionScheduledEventDetails: { resource: 'f' } },
        { timestamp: at(0), type: 'LambdaFunctionStarted' },
        { timestamp: at(1), type: 'LambdaFunctionFailed', lambdaFunctionFailedEventDetails: { error: 'TypeError', cause: lambdaError('TypeError', 'boom') } },
        { timestamp: at(1), type: 'TaskStateExited', stateExitedEventDetails: { name: 'RepairCrlBucket', output: '{"error":{}}' } },
      ]),
    );
    expect(view.states[0]!.caught).toEqual({ error: 'TypeError', cause: 'boom' });
    expect(view.states[0]!.failed).toBeNull();
    expect(view.status).toBe('RUNNING');
  });

  it('names the state and error that ended a failed execution, and a timed-out Lambda as States.Timeout', () => {
    const view = executionView(
      history([
        { timestamp: at(0), type: 'ExecutionStarted', executionStartedEventDetails: { input: '{}' } },
        { timestamp: at(0), type: 'TaskStateEntered', stateEnteredEventDetails: { name: 'InspectCrlBucket', input: '{}' } },
        { timestamp: at(0), type: 'LambdaFunctionScheduled', lambdaFunctionScheduledEventDetails: { resource: 'f' } },
        { timestamp: at(0), type: 'LambdaFunctionStarted' },
        { timestamp: at(30), type: 'LambdaFunctionTimedOut', lambdaFunctionTimedOutEventDetails: { cause: 'Task timed out after 30 seconds' } },
        { timestamp: at(30), type: 'ExecutionFailed', executionFailedEventDetails: { error: 'States.Timeout', cause: 'Task timed out after 30 seconds' } },
      ]),
    );
    expect(view.status).toBe('FAILED');
    expect(view.error).toEqual({ error: 'States.Timeout', cause: 'Task timed out after 30 seconds' });
    expect(view.states[0]!.failed).toEqual({ error: 'States.Timeout', cause: 'Task timed out after 30 seconds' });
    expect(view.outcome).toBeNull();
  });

  it('takes the outcome from the RecordOutcome state of an execution that then failed', () => {
    const failed = { ...outcome, status: 'FAILED' };
    const view = executionView(
      history([
        { timestamp: at(0), type: 'ExecutionStarted', executionStartedEventDetails: { input: '{}' } },
        { timestamp: at(0), type: 'TaskStateEntered', stateEnteredEventDetails: { name: 'RecordOutcome', input: '{}' } },
        { timestamp: at(0), type: 'LambdaFunctionScheduled', lambdaFunctionScheduledEventDetails: { resource: 'f' } },
        { timestamp: at(0), type: 'LambdaFunctionStarted' },
        { timestamp: at(0), type: 'LambdaFunctionSucceeded', lambdaFunctionSucceededEventDetails: { output: JSON.stringify({ outcome: failed }) } },
        { timestamp: at(0), type: 'TaskStateExited', stateExitedEventDetails: { name: 'RecordOutcome', output: JSON.stringify({ outcome: failed }) } },
        { timestamp: at(0), type: 'FailStateEntered', stateEnteredEventDetails: { name: 'RemediationFailed', input: '{}' } },
        {
          timestamp: at(0),
          type: 'ExecutionFailed',
          executionFailedEventDetails: { error: 'RemediationFailed', cause: 'An unexpected error ended the remediation.' },
        },
      ]),
    );
    expect(view.outcome?.status).toBe('FAILED');
    expect(view.states.at(-1)).toMatchObject({ name: 'RemediationFailed', type: 'Fail', failed: { error: 'RemediationFailed' } });
  });

  it('shows a running execution: no end, the open state without an exit', () => {
    const view = executionView(retried.slice(0, 6));
    expect(view.status).toBe('RUNNING');
    expect(view.stoppedAt).toBeNull();
    expect(view.states[0]!.exitedAt).toBeNull();
    expect(stateSeconds(view.states[0]!, view, at(60))).toBe(60);
  });

  it('keeps a cause that is not JSON as it is', () => {
    const view = executionView(
      history([
        { timestamp: at(0), type: 'ExecutionStarted', executionStartedEventDetails: {} },
        { timestamp: at(1), type: 'ExecutionAborted', executionAbortedEventDetails: { error: 'Aborted', cause: 'stopped by a person' } },
      ]),
    );
    expect(view).toMatchObject({ status: 'ABORTED', error: { error: 'Aborted', cause: 'stopped by a person' } });
  });
});
