/**
 * What a reviewer of one execution looks at, read from its history in the shape
 * GetExecutionHistory returns. The local runner, `npm run invoke --wait` and
 * `npm run executions` all build this view, so local and deployed executions read alike.
 */
import type { HistoryEvent } from '@aws-sdk/client-sfn';
import type { OutcomeRecord } from '../../core/types';

export type ExecutionStatus = 'RUNNING' | 'SUCCEEDED' | 'FAILED' | 'TIMED_OUT' | 'ABORTED';

export interface ErrorInfo {
  error: string;
  /** The message: a Lambda error's errorMessage, or the cause as Step Functions gives it. */
  cause: string;
}

export interface Attempt {
  startedAt: Date;
  endedAt: Date | null;
  error: ErrorInfo | null;
  /** Seconds waited after the previous attempt failed (the retry delay). */
  delayBeforeSeconds: number | null;
}

export interface StateVisit {
  name: string;
  /** Task, Choice, Wait, Succeed, Fail, Pass... */
  type: string;
  enteredAt: Date;
  exitedAt: Date | null;
  input: unknown;
  output: unknown;
  attempts: Attempt[];
  /** The error a Catch handled: the state exited normally after its last attempt failed. */
  caught: ErrorInfo | null;
  /** The error that ended the execution in this state. */
  failed: ErrorInfo | null;
}

export interface ExecutionView {
  status: ExecutionStatus;
  startedAt: Date | null;
  stoppedAt: Date | null;
  input: unknown;
  output: unknown;
  error: ErrorInfo | null;
  states: StateVisit[];
  /** The outcome record the RecordOutcome state wrote, when it ran. */
  outcome: OutcomeRecord | null;
}

function parse(text: string | undefined): unknown {
  if (text === undefined) return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

/** Step Functions gives a Lambda error's cause as the JSON {errorType, errorMessage, trace}. */
export function errorInfo(error: string | undefined, cause: string | undefined): ErrorInfo {
  const parsed = parse(cause);
  const message =
    parsed && typeof parsed === 'object' && typeof (parsed as { errorMessage?: unknown }).errorMessage === 'string'
      ? (parsed as { errorMessage: string }).errorMessage
      : (cause ?? '');
  return { error: error ?? 'unknown', cause: message };
}

function isOutcome(value: unknown): value is OutcomeRecord {
  return !!value && typeof value === 'object' && typeof (value as OutcomeRecord).status === 'string' && typeof (value as OutcomeRecord).kind === 'string';
}

const TASK_FAILURES: Record<string, (event: HistoryEvent) => { error?: string; cause?: string } | undefined> = {
  LambdaFunctionFailed: (event) => event.lambdaFunctionFailedEventDetails,
  LambdaFunctionTimedOut: (event) => event.lambdaFunctionTimedOutEventDetails,
  LambdaFunctionScheduleFailed: (event) => event.lambdaFunctionScheduleFailedEventDetails,
  LambdaFunctionStartFailed: (event) => event.lambdaFunctionStartFailedEventDetails,
  TaskFailed: (event) => event.taskFailedEventDetails,
  TaskTimedOut: (event) => event.taskTimedOutEventDetails,
  TaskStartFailed: (event) => event.taskStartFailedEventDetails,
  TaskSubmitFailed: (event) => event.taskSubmitFailedEventDetails,
};

const EXECUTION_ENDS: Record<string, ExecutionStatus> = {
  ExecutionSucceeded: 'SUCCEEDED',
  ExecutionFailed: 'FAILED',
  ExecutionTimedOut: 'TIMED_OUT',
  ExecutionAborted: 'ABORTED',
};

/** Build the view from history events (in any order: they are sorted by id). */
export function executionView(history: readonly HistoryEvent[]): ExecutionView {
  const events = [...history].sort((a, b) => (a.id ?? 0) - (b.id ?? 0));
  const view: ExecutionView = {
    status: 'RUNNING',
    startedAt: null,
    stoppedAt: null,
    input: undefined,
    output: undefined,
    error: null,
    states: [],
    outcome: null,
  };
  let current: StateVisit | null = null;
  let lastFailureEnd: Date | null = null;

  for (const event of events) {
    const type = event.type ?? '';
    const at = event.timestamp ? new Date(event.timestamp) : new Date(0);
    if (type === 'ExecutionStarted') {
      view.startedAt = at;
      view.input = parse(event.executionStartedEventDetails?.input);
    } else if (type.endsWith('StateEntered')) {
      current = {
        name: event.stateEnteredEventDetails?.name ?? '?',
        type: type.slice(0, -'StateEntered'.length),
        enteredAt: at,
        exitedAt: null,
        input: parse(event.stateEnteredEventDetails?.input),
        output: undefined,
        attempts: [],
        caught: null,
        failed: null,
      };
      lastFailureEnd = null;
      view.states.push(current);
    } else if (type.endsWith('StateExited') && current) {
      current.exitedAt = at;
      current.output = parse(event.stateExitedEventDetails?.output);
      const last = current.attempts.at(-1);
      if (last?.error) current.caught = last.error;
      const outcome = (current.output as { outcome?: unknown } | undefined)?.outcome;
      if (isOutcome(outcome)) view.outcome = outcome;
      current = null;
    } else if ((type === 'LambdaFunctionScheduled' || type === 'TaskScheduled') && current) {
      current.attempts.push({
        startedAt: at,
        endedAt: null,
        error: null,
        delayBeforeSeconds: lastFailureEnd ? Math.max(0, (at.getTime() - lastFailureEnd.getTime()) / 1000) : null,
      });
    } else if ((type === 'LambdaFunctionSucceeded' || type === 'TaskSucceeded') && current?.attempts.length) {
      current.attempts.at(-1)!.endedAt = at;
      lastFailureEnd = null;
    } else if (TASK_FAILURES[type] && current) {
      const details = TASK_FAILURES[type](event);
      const error = errorInfo(details?.error ?? (type.endsWith('TimedOut') ? 'States.Timeout' : undefined), details?.cause);
      if (current.attempts.length === 0) current.attempts.push({ startedAt: at, endedAt: null, error: null, delayBeforeSeconds: null });
      const attempt = current.attempts.at(-1)!;
      attempt.endedAt = at;
      attempt.error = error;
      lastFailureEnd = at;
    } else if (EXECUTION_ENDS[type]) {
      view.status = EXECUTION_ENDS[type];
      view.stoppedAt = at;
      if (type === 'ExecutionSucceeded') {
        view.output = parse(event.executionSucceededEventDetails?.output);
        const outcome = (view.output as { outcome?: unknown } | undefined)?.outcome;
        if (isOutcome(outcome)) view.outcome = outcome;
      } else {
        const details = event.executionFailedEventDetails ?? event.executionAbortedEventDetails ?? event.executionTimedOutEventDetails;
        view.error = errorInfo(details?.error ?? (type === 'ExecutionTimedOut' ? 'States.Timeout' : type), details?.cause);
        const open = view.states.at(-1);
        if (open && !open.exitedAt) open.failed = open.attempts.at(-1)?.error ?? view.error;
      }
    }
  }
  return view;
}

/** Seconds a state took, from entry to exit (or to the execution's end, or to `now`). */
export function stateSeconds(state: StateVisit, view: ExecutionView, now = new Date()): number {
  const end = state.exitedAt ?? view.stoppedAt ?? now;
  return Math.max(0, (end.getTime() - state.enteredAt.getTime()) / 1000);
}
