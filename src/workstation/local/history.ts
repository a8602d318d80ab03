/**
 * A local execution as GetExecutionHistory would return it, so one renderer shows local
 * and deployed executions the same way.
 *
 * aws-local-stepfunctions logs StateEntered / StateExited / StateFailed / StateRetried /
 * StateCaught with wall-clock times. The local runner records every Lambda invocation
 * (input, output or error, simulated start and end). This module interleaves the two, in
 * the order the engine ran them, into the events Step Functions writes for a Standard
 * workflow that calls Lambda functions by ARN:
 *
 *   TaskStateEntered, LambdaFunctionScheduled, LambdaFunctionStarted,
 *   LambdaFunctionSucceeded | LambdaFunctionFailed (then, on a retry, Scheduled again
 *   after the retry delay), TaskStateExited; ChoiceStateEntered/Exited,
 *   WaitStateEntered/Exited (Seconds apart), SucceedStateEntered/Exited,
 *   FailStateEntered, ExecutionStarted / ExecutionSucceeded / ExecutionFailed; and for a
 *   Task that calls a service directly (the DynamoDB PutItem of ClaimEvent), or waits for a
 *   callback (lambda invoke.waitForTaskToken), TaskScheduled, TaskStarted, TaskSucceeded |
 *   TaskFailed | TaskTimedOut.
 *
 * Timestamps are the simulated clock's, so retry delays and waits appear as the gaps the
 * real service would leave; a Lambda invocation takes no simulated time.
 */
import type { HistoryEvent, HistoryEventType } from '@aws-sdk/client-sfn';
import type { ServiceTask } from '../executions/definition';

/** One Lambda invocation (or, with `service`, one direct service call) by the local runner. */
export interface LambdaAttempt {
  state: string;
  /** Set for a Task that calls a service directly (ClaimEvent: dynamodb putItem). */
  service?: ServiceTask;
  resource: string;
  timeoutSeconds?: number;
  input: unknown;
  startedAt: Date;
  endedAt: Date;
  output?: unknown;
  error?: { name: string; message: string };
}

/** The part of an aws-local-stepfunctions event log entry this module reads. */
export interface EngineEvent {
  type: string;
  state?: { name: string; type: string; input?: unknown; output?: unknown };
  Error?: string;
  Cause?: unknown;
  input?: unknown;
  output?: unknown;
}

export interface LocalHistoryInput {
  events: readonly EngineEvent[];
  attempts: readonly LambdaAttempt[];
  /** Seconds of each Wait state. */
  waitSeconds: Readonly<Record<string, number>>;
  startedAt: Date;
  stoppedAt: Date;
  roleArn: string;
}

const STATE_TYPES: Record<string, string> = {
  Task: 'Task',
  Choice: 'Choice',
  Wait: 'Wait',
  Succeed: 'Succeed',
  Fail: 'Fail',
  Pass: 'Pass',
  Parallel: 'Parallel',
  Map: 'Map',
};

const json = (value: unknown) => JSON.stringify(value ?? null);

/** The cause Step Functions records for an error a Lambda function threw. */
export function lambdaErrorCause(error: { name: string; message: string }): string {
  return JSON.stringify({ errorType: error.name, errorMessage: error.message, trace: [] });
}

export function localHistory(run: LocalHistoryInput): HistoryEvent[] {
  const history: HistoryEvent[] = [];
  let time = run.startedAt;
  const add = (type: HistoryEventType, details: Partial<HistoryEvent> = {}, at: Date = time) => {
    const id = history.length + 1;
    history.push({ id, previousEventId: id - 1, timestamp: at, type, ...details });
  };
  const pending = [...run.attempts];
  const invoke = (stateName: string) => {
    const attempt = pending.shift();
    if (!attempt || attempt.state !== stateName) {
      throw new Error(`local history: expected a Lambda invocation for state ${stateName}, found ${attempt ? `one for ${attempt.state}` : 'none'}`);
    }
    if (attempt.service) {
      const { resourceType, resource } = attempt.service;
      add(
        'TaskScheduled',
        {
          taskScheduledEventDetails: { resourceType, resource, region: 'us-east-1', parameters: json(attempt.input), timeoutInSeconds: attempt.timeoutSeconds },
        },
        attempt.startedAt,
      );
      add('TaskStarted', { taskStartedEventDetails: { resourceType, resource } }, attempt.startedAt);
      if (attempt.error?.name === 'States.Timeout')
        add('TaskTimedOut', { taskTimedOutEventDetails: { resourceType, resource, error: 'States.Timeout', cause: attempt.error.message } }, attempt.endedAt);
      else if (attempt.error)
        add('TaskFailed', { taskFailedEventDetails: { resourceType, resource, error: attempt.error.name, cause: attempt.error.message } }, attempt.endedAt);
      else add('TaskSucceeded', { taskSucceededEventDetails: { resourceType, resource, output: json(attempt.output) } }, attempt.endedAt);
      time = attempt.endedAt;
      return;
    }
    add(
      'LambdaFunctionScheduled',
      { lambdaFunctionScheduledEventDetails: { resource: attempt.resource, input: json(attempt.input), timeoutInSeconds: attempt.timeoutSeconds } },
      attempt.startedAt,
    );
    add('LambdaFunctionStarted', {}, attempt.startedAt);
    if (attempt.error) {
      add('LambdaFunctionFailed', { lambdaFunctionFailedEventDetails: { error: attempt.error.name, cause: lambdaErrorCause(attempt.error) } }, attempt.endedAt);
    } else {
      add('LambdaFunctionSucceeded', { lambdaFunctionSucceededEventDetails: { output: json(attempt.output) } }, attempt.endedAt);
    }
    time = attempt.endedAt;
  };

  let caughtOutput: { name: string } | null = null;
  for (const event of run.events) {
    const state = event.state;
    const type = state ? STATE_TYPES[state.type] : undefined;
    if (state && !type) throw new Error(`local history: state ${state.name} has type ${state.type}, which the local runner does not show`);
    switch (event.type) {
      case 'ExecutionStarted':
        add('ExecutionStarted', { executionStartedEventDetails: { input: json(event.input), roleArn: run.roleArn } });
        break;
      case 'StateEntered':
        add(`${type}StateEntered` as HistoryEventType, { stateEnteredEventDetails: { name: state!.name, input: json(state!.input) } });
        if (type === 'Task') invoke(state!.name);
        break;
      case 'StateRetried':
        invoke(state!.name);
        break;
      case 'StateCaught':
        caughtOutput = { name: state!.name };
        break;
      case 'StateExited':
        if (type === 'Wait') time = new Date(time.getTime() + (run.waitSeconds[state!.name] ?? 0) * 1000);
        // A Fail state has no Exited event in Step Functions' history.
        if (type !== 'Fail') add(`${type}StateExited` as HistoryEventType, { stateExitedEventDetails: { name: state!.name, output: json(state!.output) } });
        caughtOutput = null;
        break;
      case 'StateFailed':
        // Not an event of its own: a failed attempt is LambdaFunctionFailed; the execution's end is ExecutionFailed.
        break;
      case 'ExecutionSucceeded':
        add('ExecutionSucceeded', { executionSucceededEventDetails: { output: json(event.output) } }, run.stoppedAt);
        break;
      case 'ExecutionFailed':
        add(
          'ExecutionFailed',
          { executionFailedEventDetails: { error: event.Error, cause: typeof event.Cause === 'string' ? event.Cause : json(event.Cause) } },
          run.stoppedAt,
        );
        break;
      default:
        throw new Error(`local history: engine event ${event.type} is not one the local runner shows`);
    }
  }
  if (caughtOutput) throw new Error(`local history: state ${caughtOutput.name} caught an error but never exited`);
  if (pending.length > 0) throw new Error(`local history: ${pending.length} Lambda invocation(s) of ${pending[0]!.state} have no state event`);
  return history;
}
