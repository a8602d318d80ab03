/**
 * The definition in statemachines/ keeps the house rules: every state commented,
 * every Task with a timeout, a Retry on Lambda service errors and Catches ending in
 * States.ALL, Choice states phrased as questions, and every error name in a
 * Retry or Catch a class of src/core/errors.ts (or a name Step Functions raises).
 */
import { describe, expect, it } from 'vitest';
import { DYNAMODB_TRANSIENT_ERRORS, EXTERNAL_ERROR_NAMES, LAMBDA_ERRORS, REMEDIATION_ERRORS } from '../../src/core/errors';
import { FUNCTION_HANDLERS, loadDefinition } from '../../src/workstation/local/workflow';

const { definition, taskFunctions, serviceTasks, callbackTasks } = loadDefinition();
const states = Object.entries(definition.States);
const tasks = states.filter(([, state]) => state.Type === 'Task');
const lambdaTasks = tasks.filter(([name]) => name in taskFunctions);
const serviceTaskStates = tasks.filter(([name]) => name in serviceTasks);
const callbackTaskStates = tasks.filter(([name]) => name in callbackTasks);

describe('the state machine definition', () => {
  it('has a comment on the workflow and on every state', () => {
    expect(definition.Comment).toBeTruthy();
    const uncommented = states.filter(([, state]) => typeof state.Comment !== 'string' || state.Comment.length < 10).map(([name]) => name);
    expect(uncommented).toEqual([]);
  });

  it('calls every Task as a Lambda function, an optimized service integration, or a Lambda function with the callback pattern', () => {
    expect([...lambdaTasks, ...serviceTaskStates, ...callbackTaskStates].map(([name]) => name).sort()).toEqual(tasks.map(([name]) => name).sort());
    expect(serviceTasks).toEqual({ ClaimEvent: { resourceType: 'dynamodb', resource: 'putItem' } });
    expect(callbackTasks).toEqual({ AskToApproveCrlRepair: 'requestApproval', AskToApproveAuditRepair: 'requestApproval' });
  });

  it.each(callbackTaskStates)(
    'callback Task %s passes its token, times out after approvalTimeoutHours, never retries a timeout, and catches a decline, the timeout and States.ALL last',
    (name, state) => {
      expect(FUNCTION_HANDLERS[callbackTasks[name]!]).toBeTypeOf('function');
      expect(state.Resource).toBe('arn:aws:states:::lambda:invoke.waitForTaskToken');
      expect((state.Parameters as { Payload: Record<string, string> }).Payload).toMatchObject({
        'taskToken.$': '$$.Task.Token',
        'inspection.$': '$.inspection',
        'classification.$': '$.classification',
      });
      // loadDefinition binds approvalTimeoutHours (24 by default) as serverless.yml does (deploy/approval.cjs).
      expect(state.TimeoutSeconds).toBe(24 * 3600);
      expect(state.HeartbeatSeconds).toBeUndefined();
      const retried = (state.Retry ?? []).flatMap((retrier) => retrier.ErrorEquals);
      expect(retried).not.toContain('States.Timeout');
      expect(retried).toEqual(expect.arrayContaining(['Lambda.ServiceException', 'Lambda.TooManyRequestsException', 'Lambda.Unknown']));
      const catches = state.Catch as Array<{ ErrorEquals: string[]; ResultPath?: string; Next: string }>;
      expect(catches.slice(0, 2)).toEqual([
        { ErrorEquals: ['ApprovalDeclined'], ResultPath: '$.declined', Next: 'RecordOutcome' },
        { ErrorEquals: ['States.Timeout'], ResultPath: '$.approvalExpired', Next: 'RecordOutcome' },
      ]);
      expect(catches.at(-1)?.ErrorEquals).toEqual(['States.ALL']);
      expect(state.Next).toMatch(/^Reinspect/);
    },
  );

  it.each(serviceTaskStates)(
    'service Task %s has TimeoutSeconds, retries throttling and 5xx, and catches the duplicate, the exhausted and States.ALL last',
    (_name, state) => {
      expect(state.TimeoutSeconds).toBeGreaterThan(0);
      const retried = (state.Retry ?? []).flatMap((retrier) => retrier.ErrorEquals);
      // Throttling and 5xx in every spelling in use (the API's error code; the SDK class with
      // the Exception suffix), and the name of errors without a class (docs/aws-facts.md).
      // Exactly the list of src/core/errors.ts, which the diagram and the local fault injector read too.
      expect(retried.filter((name) => name.startsWith('DynamoDB.')).sort()).toEqual([...DYNAMODB_TRANSIENT_ERRORS].sort());
      expect(retried).not.toContain('DynamoDB.ConditionalCheckFailedException');
      const catches = (state.Catch as Array<{ ErrorEquals: string[]; ResultPath?: string }>) ?? [];
      expect(catches[0]).toMatchObject({ ErrorEquals: ['DynamoDB.ConditionalCheckFailedException'], ResultPath: '$.duplicate', Next: 'RecordOutcome' });
      // What is retried and runs out escalates; it is not mistaken for a duplicate or an unexpected error.
      expect(catches[1]!.ErrorEquals).toEqual(expect.arrayContaining(retried));
      expect(catches[1]!.ResultPath).toBe('$.exhausted');
      expect(catches.at(-1)?.ErrorEquals).toEqual(['States.ALL']);
    },
  );

  it('claims the event only after classifying it, and only for a failure it handles', () => {
    expect(definition.States.ClassifyEvent!.Next).toBe('IsThereAFailureToHandle?');
    const choice = definition.States['IsThereAFailureToHandle?'] as unknown as { Choices: Array<{ StringEquals: string; Next: string }>; Default: string };
    expect(choice.Choices).toEqual([{ Variable: '$.classification.kind', StringEquals: 'UNRECOGNIZED', Next: 'RecordOutcome' }]);
    expect(choice.Default).toBe('ClaimEvent');
    expect(definition.States.ClaimEvent!.Next).toBe('WhatFailed?');
    const claim = definition.States.ClaimEvent as unknown as { Parameters: { ConditionExpression: string; TableName: unknown } };
    expect(claim.Parameters.ConditionExpression).toBe('attribute_not_exists(pk) OR executionArn = :execution');
    expect(claim.Parameters.TableName).toEqual({ Ref: 'HistoryTable' });
  });

  it.each(lambdaTasks)('Task %s has TimeoutSeconds, a Lambda service-error Retry and a States.ALL Catch last', (_name, state) => {
    expect(state.TimeoutSeconds).toBeGreaterThan(0);
    const retried = (state.Retry ?? []).flatMap((retrier) => retrier.ErrorEquals);
    // The retrier of Step Functions' best practices ("Handle transient Lambda service exceptions"), and throttling.
    // Every Lambda error of src/core/errors.ts, and no other name of Lambda's.
    expect(retried.filter((name) => name.startsWith('Lambda.')).sort()).toEqual([...LAMBDA_ERRORS].sort());
    const catches = (state.Catch as Array<{ ErrorEquals: string[]; ResultPath?: string }>) ?? [];
    expect(catches.at(-1)?.ErrorEquals).toEqual(['States.ALL']);
    // What is retried and runs out escalates (ESCALATED), never falls through to States.ALL (FAILED).
    const escalated = catches.filter((catcher) => catcher.ResultPath === '$.exhausted').flatMap((catcher) => catcher.ErrorEquals);
    if (_name !== 'RecordOutcome') expect(retried.filter((name) => !escalated.includes(name))).toEqual([]);
    // ClassifyEvent's result replaces the raw event (the default); every later step adds its own key.
    if (_name === 'ClassifyEvent') expect(state.ResultPath).toBeUndefined();
    else expect(state.ResultPath).toMatch(/^\$\.[a-zA-Z]+$/);
  });

  it.each(lambdaTasks)('Task %s passes the execution ARN, so every log line of its function names the execution', (_name, state) => {
    const parameters = (state.Parameters ?? {}) as Record<string, unknown>;
    const payload = (parameters.Payload ?? parameters) as Record<string, unknown>;
    expect(payload['executionArn.$']).toBe('$$.Execution.Id');
  });

  it.each(lambdaTasks)('Task %s runs a function that has a handler', (name) => {
    expect(FUNCTION_HANDLERS[taskFunctions[name]!]).toBeTypeOf('function');
  });

  it('names Task states verb-noun and Choice states as questions', () => {
    for (const [name, state] of states) {
      if (state.Type === 'Choice') expect(name).toMatch(/\?$/);
      if (state.Type === 'Task') expect(name).toMatch(/^[A-Z][a-z]+[A-Z][A-Za-z]+$/);
    }
  });

  it('gives every Fail state an Error and a Cause', () => {
    for (const [, state] of states.filter(([, s]) => s.Type === 'Fail')) {
      expect(state.Error).toBeTruthy();
      expect(state.Cause).toBeTruthy();
    }
  });

  it('uses JSONPath only: no JSONata, no Variables (the local engine runs neither)', () => {
    const text = JSON.stringify(definition);
    expect(text).not.toMatch(/"QueryLanguage"|"Assign"|"Arguments"|"Output"|\{%/);
  });

  it('names in Retry and Catch only errors the handlers define or Step Functions raises', () => {
    const known = new Set<string>([...Object.keys(REMEDIATION_ERRORS), ...EXTERNAL_ERROR_NAMES]);
    const used = states
      .flatMap(([, state]) => [...((state.Retry ?? []) as Array<{ ErrorEquals: string[] }>), ...((state.Catch ?? []) as Array<{ ErrorEquals: string[] }>)])
      .flatMap((entry) => entry.ErrorEquals);
    expect(used.filter((name) => !known.has(name))).toEqual([]);
  });

  it.each(Object.entries(REMEDIATION_ERRORS))('error class %s sets its name, so Lambda reports it as the errorType', (name, ErrorClass) => {
    const error = new ErrorClass('message', { cause: new Error('root') });
    expect(error.name).toBe(name);
    expect(error.cause).toBeInstanceOf(Error);
  });

  it('keeps retryable and terminal errors apart', () => {
    const retryable = Object.entries(REMEDIATION_ERRORS)
      .filter(([, E]) => new E('m').retryable)
      .map(([name]) => name);
    expect(retryable.sort()).toEqual(['AuditReportRequestInProgress', 'AwsTransientError', 'BucketBusy', 'BucketPolicyChanged', 'CrlNotYetPublished']);
    const retriedNames = new Set(states.flatMap(([, state]) => (state.Retry ?? []).flatMap((retrier) => retrier.ErrorEquals)));
    for (const name of Object.keys(REMEDIATION_ERRORS)) {
      expect(retriedNames.has(name), `${name} retried?`).toBe(new REMEDIATION_ERRORS[name as keyof typeof REMEDIATION_ERRORS]('m').retryable);
    }
  });

  it('retries CrlNotYetPublished with exponential backoff and full jitter spanning more than the hour Private CA retries by itself', () => {
    const retrier = definition.States.CheckCrlRepublished!.Retry!.find((r) => r.ErrorEquals.includes('CrlNotYetPublished'))!;
    expect(retrier.JitterStrategy).toBe('FULL');
    expect(retrier.BackoffRate).toBeGreaterThan(1);
    let total = 0;
    for (let attempt = 0; attempt < retrier.MaxAttempts!; attempt += 1) {
      total += Math.min(retrier.IntervalSeconds! * retrier.BackoffRate! ** attempt, retrier.MaxDelaySeconds!);
    }
    // Full jitter waits half the backoff on average: the expected span must still exceed an hour.
    expect(total / 2).toBeGreaterThan(3600);
  });

  it('retries AuditReportRequestInProgress across the 30-minute limit', () => {
    const retrier = definition.States.RequestAuditReport!.Retry!.find((r) => r.ErrorEquals.includes('AuditReportRequestInProgress'))!;
    let total = 0;
    for (let attempt = 0; attempt < retrier.MaxAttempts!; attempt += 1) {
      total += Math.min(retrier.IntervalSeconds! * retrier.BackoffRate! ** attempt, retrier.MaxDelaySeconds!);
    }
    expect(retrier.JitterStrategy).toBe('FULL');
    expect(total / 2).toBeGreaterThan(1800);
  });
});
