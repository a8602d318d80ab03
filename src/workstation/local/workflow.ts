/**
 * Run the real state machine (statemachines/remediation.asl.yml) in
 * aws-local-stepfunctions, with every Task state bound by name to the real
 * handler of the Lambda its `Fn::GetAtt` names, AWS calls answered by a simulated
 * account, and time simulated:
 *
 * - a Retry waits 0 ms locally, but the delay Step Functions would wait is computed
 *   from the retrier (IntervalSeconds, BackoffRate, MaxDelaySeconds, full jitter)
 *   and the simulated clock jumps ahead by it, so the handlers see the real spacing;
 * - a Wait state waits 0 ms locally and the clock jumps by its Seconds;
 * - the simulated Private CA does its background work (CRL retries every 15 min,
 *   audit reports finishing) as the clock moves.
 */
import { randomUUID } from 'node:crypto';
import type { Context } from 'aws-lambda';
import { type RunOptions as EngineRunOptions, StateMachine } from 'aws-local-stepfunctions';
import { configureClients } from '../../lambda/aws/clients/registry';
import { setClock } from '../../lambda/runtime/clock';
import type { DYNAMODB_TRANSIENT_ERRORS, LAMBDA_ERRORS } from '../../core/errors';
import { handler as checkAuditReport } from '../../lambda/handlers/check-audit-report';
import { handler as checkCrlRepublished } from '../../lambda/handlers/check-crl-republished';
import { handler as classifyEvent } from '../../lambda/handlers/classify-event';
import { handler as diagnoseCaCreation } from '../../lambda/handlers/diagnose-ca-creation';
import { handler as diagnoseCertificateIssuance } from '../../lambda/handlers/diagnose-certificate-issuance';
import { handler as inspectBucket } from '../../lambda/handlers/inspect-bucket';
import { handler as recordOutcome } from '../../lambda/handlers/record-outcome';
import { handler as repairBucket } from '../../lambda/handlers/repair-bucket';
import { handler as requestApproval } from '../../lambda/handlers/request-approval';
import { handler as requestAuditReport } from '../../lambda/handlers/request-audit-report';
import { answerApproval, ApprovalRefused, type AnswerPorts } from '../../core/approval';
import { readHistoryItem } from '../../lambda/aws/history/store';
import type { HistoryEvent } from '@aws-sdk/client-sfn';
import { DeleteItemCommand, GetItemCommand, PutItemCommand, UpdateItemCommand } from '@aws-sdk/client-dynamodb';
import { dynamoDb } from '../../lambda/aws/clients/dynamodb';
import { localHistory, type LambdaAttempt } from './history';
import { createHistoryTable, type LocalHistoryTable } from './history-table';
import { localClientSettings } from './sdk-options';
import type { SimulatedAccount } from './simulated-account';
import { bindReferences, loadDefinition, matchingRetrier, retryBackoffSeconds, type LoadedDefinition, type ServiceTask } from '../executions/definition';

export { loadDefinition, retryBackoffSeconds, STATE_MACHINE_FILE, type Definition, type LoadedDefinition } from '../executions/definition';

type LambdaHandler = (event: never, context: Context) => Promise<unknown>;

/** One entry of the engine's event log (StateEntered, StateRetried, StateCaught, ...). */
export type EventLog = ReturnType<StateMachine['run']>['eventLogs'] extends AsyncGenerator<infer E> ? E : never;

/** The Lambda functions of serverless.yml, by function name. */
export const FUNCTION_HANDLERS: Readonly<Record<string, LambdaHandler>> = {
  classifyEvent,
  inspectBucket,
  repairBucket,
  checkCrlRepublished,
  requestAuditReport,
  checkAuditReport,
  diagnoseCertificateIssuance,
  diagnoseCaCreation,
  requestApproval,
  recordOutcome,
};

/**
 * Mode approve, locally: the person who answers each request for approval, playing
 * `npm run approve` / `npm run decline` (the same answerApproval, reading the question
 * from the history item on dynalite). `none`: nobody answers; the wait times out.
 */
export interface LocalApprover {
  /** The answer to question 1, 2, 3 (the last one repeats). */
  answers: ReadonlyArray<'approve' | 'decline' | 'none'>;
  /** Simulated seconds from the question to the answer (default 20 minutes). */
  afterSeconds?: number;
  /** The reason given with a decline (default: "declined locally"). */
  reason?: string;
  /** Who answers (default arn:aws:iam::<account>:user/local-approver). */
  arn?: string;
  /** Runs just before question `round` is answered: another writer changing the bucket, say. */
  beforeAnswer?: (round: number, account: AccountSimulation) => Promise<void> | void;
}

/** How the callback Task appears in the execution history: TaskScheduled/Started/Succeeded|Failed|TimedOut. */
const CALLBACK_SERVICE: ServiceTask = { resourceType: 'lambda', resource: 'invoke.waitForTaskToken' };

/**
 * aws-local-stepfunctions 3.0.0 does not run the callback pattern: a Task is its local
 * handler's promise (or a real Lambda Invoke), and the context object has no Task.Token.
 * So, like every other Task, a callback Task is bound here: the context's Task.Token is a
 * fresh token each time the engine reads it (once per entry into the state, as Step
 * Functions makes one per task), the function runs in-process, and then the task waits
 * on the simulated clock for `approver` to answer through `answerApproval`, or for the
 * Task's TimeoutSeconds to pass (States.Timeout).
 */
class LocalTaskTokens {
  private readonly waiting = new Map<string, { resolve: (output: unknown) => void; reject: (error: Error) => void }>();
  private sequence = 0;
  readonly context = { Token: '' };
  constructor(executionName: string) {
    Object.defineProperty(this.context, 'Token', {
      enumerable: true,
      get: () => {
        this.sequence += 1;
        return `local-task-token-${executionName}-${this.sequence}`;
      },
    });
  }
  /** Wait for the answer to `token`; rejects with States.Timeout after `timeoutSeconds` of simulated time. */
  wait(token: string): Promise<unknown> {
    return new Promise((resolve, reject) => this.waiting.set(token, { resolve, reject }));
  }
  settle(token: string, outcome: { output: unknown } | { error: Error }): void {
    const entry = this.waiting.get(token);
    // As SendTaskSuccess answers a token whose task has closed (the API reference's TaskTimedOut).
    if (!entry) throw Object.assign(new Error(`task ${token} has already been closed`), { name: 'TaskTimedOut' });
    this.waiting.delete(token);
    if ('output' in outcome) entry.resolve(outcome.output);
    else entry.reject(outcome.error);
  }
}

/**
 * Time as the simulation sees it. Listeners run when it moves (the simulated Private CA).
 *
 * Several executions may run at once on one clock (a storm of events). Each is
 * `enter`ed while it runs; `sleep` (a retry delay, a Wait state, a handler's pause)
 * parks it, and time moves only when every running execution is parked, straight to
 * the earliest wake-up. So an execution never sees time pass in the middle of its own
 * work (between reading a bucket policy and writing it, say), exactly as with the
 * milliseconds a Lambda function takes, while the waits between steps interleave the
 * way Step Functions would space them.
 */
export class SimulatedClock {
  private current: number;
  private readonly listeners: Array<(time: Date) => void> = [];
  private running = 0;
  private sequence = 0;
  private readonly sleepers: Array<{ at: number; order: number; wake: () => void }> = [];
  constructor(start: Date) {
    this.current = start.getTime();
  }
  now(): Date {
    return new Date(this.current);
  }
  advance(seconds: number): void {
    if (!(seconds >= 0)) throw new Error(`cannot move the clock by ${seconds} seconds`);
    this.current += Math.round(seconds * 1000);
    const time = this.now();
    for (const listener of this.listeners) listener(time);
  }
  onAdvance(listener: (time: Date) => void): void {
    this.listeners.push(listener);
  }
  /** An execution starts running on this clock. */
  enter(): void {
    this.running += 1;
  }
  /** An execution has ended. */
  leave(): void {
    this.running -= 1;
    this.wakeNext();
  }
  /** Wait `seconds` of simulated time (at once when no execution is running: a handler called directly). */
  async sleep(seconds: number): Promise<void> {
    if (!(seconds >= 0)) throw new Error(`cannot sleep ${seconds} seconds`);
    if (this.running <= 0) {
      this.advance(seconds);
      return;
    }
    this.sequence += 1;
    const order = this.sequence;
    const woken = new Promise<void>((wake) => this.sleepers.push({ at: this.current + Math.round(seconds * 1000), order, wake }));
    this.running -= 1;
    this.wakeNext();
    await woken;
  }
  private wakeNext(): void {
    if (this.running > 0 || this.sleepers.length === 0) return;
    this.sleepers.sort((a, b) => a.at - b.at || a.order - b.order);
    const next = this.sleepers.shift()!;
    if (next.at > this.current) this.advance((next.at - this.current) / 1000);
    this.running += 1;
    next.wake();
  }
}

/** What the workflow needs from a simulated account. */
export interface AccountSimulation {
  /** Answers the SDK clients' requests (S3, ACM PCA, SNS). DynamoDB clients go to dynalite instead. */
  requestHandler: SimulatedAccount['requestHandler'];
  /** The region the deployment runs in: the clients are built for it. */
  readonly region: string;
  advanceTo(time: Date): void;
}

export interface RetryRecord {
  state: string;
  error: string;
  attempt: number;
  /** The delay before jitter, and the delay Step Functions would wait (after full jitter). */
  backoffSeconds: number;
  delaySeconds: number;
  at: string;
}

export interface LocalExecution {
  executionArn: string;
  status: 'SUCCEEDED' | 'FAILED';
  output: unknown;
  error: { Error: string; Cause: string } | null;
  events: EventLog[];
  retries: RetryRecord[];
  /** Every Lambda invocation, in order, with simulated times. */
  attempts: LambdaAttempt[];
  /** The execution as GetExecutionHistory would return it (simulated timestamps). */
  history: HistoryEvent[];
  /** Simulated times. */
  startedAt: string;
  stoppedAt: string;
}

export interface RunOptions {
  account: AccountSimulation;
  clock: SimulatedClock;
  /** Deployment settings for the handlers (MODE, ALLOWED_BUCKETS, ...). */
  env?: Record<string, string>;
  /** Source of jitter, [0, 1). */
  random?: () => number;
  executionName?: string;
  loaded?: LoadedDefinition;
  /** Where the execution runs, for its ARN (default 111122223333, us-east-1). */
  accountId?: string;
  region?: string;
  /** The history table on dynalite; default: a new, empty one for this execution. */
  history?: LocalHistoryTable;
  /**
   * Faults of the Lambda service or the DynamoDB integration, before each Task attempt:
   * an error name makes the attempt fail with it without running (Lambda.ServiceException,
   * DynamoDB.ThrottlingException…); `States.Timeout` (Step Functions stopped waiting) and
   * `Lambda.Unknown` (the function timed out or crashed) run it and then fail, the result lost.
   */
  taskFaults?: (state: string, service: ServiceTask | undefined) => TaskFault | null;
  /** Mode approve: who answers the requests for approval (default: nobody; each expires). */
  approver?: LocalApprover;
}

/** The engine's local handlers of Task states, and the JSON they take and give back. */
type LocalTaskHandlers = NonNullable<NonNullable<EngineRunOptions['overrides']>['taskResourceLocalHandlers']>;
type EngineJson = Awaited<ReturnType<LocalTaskHandlers[string]>>;

/** A fault of the Lambda service or of the DynamoDB integration: one of the names the definition retries (src/core/errors.ts). */
export type TaskFault = (typeof LAMBDA_ERRORS)[number] | (typeof DYNAMODB_TRANSIENT_ERRORS)[number] | 'States.Timeout';

/** Faults that let the attempt run (its AWS calls made, its writes done) and then lose its result. */
const FAULTS_AFTER_RUNNING: ReadonlySet<TaskFault> = new Set(['States.Timeout', 'Lambda.Unknown']);

function taskFault(name: TaskFault, state: string): Error {
  const messages: Partial<Record<TaskFault, string>> = {
    'States.Timeout': `${state} did not answer within its TimeoutSeconds (injected)`,
    'Lambda.Unknown': `${state}'s function timed out or crashed before it returned; Lambda reported no error type (injected)`,
  };
  const error = new Error(messages[name] ?? `${name} (injected into ${state})`);
  error.name = name;
  return error;
}

/** A seeded injector of task faults at `rate`: Lambda errors (service errors, throttling, the function timing out) for functions, DynamoDB errors for ClaimEvent, timeouts for both. */
export function taskFaultsAt(rate: number, random: () => number): NonNullable<RunOptions['taskFaults']> & { counts: Record<string, number> } {
  const counts: Record<string, number> = {};
  const injected = { service: 0, lambda: 0 };
  const inject = (_state: string, service: ServiceTask | undefined): TaskFault | null => {
    if (random() >= rate) return null;
    const kinds: TaskFault[] = service
      ? ['DynamoDB.ProvisionedThroughputExceededException', 'DynamoDB.InternalServerError', 'States.Timeout']
      : ['Lambda.ServiceException', 'Lambda.TooManyRequestsException', 'States.Timeout', 'Lambda.ClientExecutionTimeoutException', 'Lambda.Unknown'];
    // The kinds in turn: whether a fault happens is random, which one is not, so every kind occurs.
    const turn = service ? injected.service++ : injected.lambda++;
    const kind = kinds[turn % kinds.length]!;
    counts[kind] = (counts[kind] ?? 0) + 1;
    return kind;
  };
  return Object.assign(inject, { counts });
}

/** The Lambda context a handler gets locally (and in tests). */
export function lambdaContext(functionName: string): Context {
  const name = `pca-remediation-local-${functionName}`;
  return {
    callbackWaitsForEmptyEventLoop: true,
    functionName: name,
    functionVersion: '$LATEST',
    invokedFunctionArn: `arn:aws:lambda:us-east-1:111122223333:function:${name}`,
    memoryLimitInMB: '256',
    awsRequestId: randomUUID(),
    logGroupName: `/aws/lambda/${name}`,
    logStreamName: 'local',
    getRemainingTimeInMillis: () => 30_000,
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  };
}

let configuredFor: { account: AccountSimulation; clock: SimulatedClock; endpoint: string } | null = null;
const clocksFollowed = new WeakMap<SimulatedClock, Set<AccountSimulation>>();

/**
 * Point the client factory and the clock at the simulation: S3, ACM PCA and SNS clients
 * answered by the simulated account, DynamoDB clients sent to dynalite at `endpoint`.
 */
export function useSimulation(account: AccountSimulation, clock: SimulatedClock, endpoint = 'http://127.0.0.1:1'): void {
  if (configuredFor?.account !== account || configuredFor.clock !== clock || configuredFor.endpoint !== endpoint) {
    // The SDK's own retry decisions (and quota), without waiting between attempts.
    configureClients(localClientSettings(account.requestHandler, endpoint, account.region));
    const followed = clocksFollowed.get(clock) ?? new Set();
    if (!followed.has(account)) {
      clock.onAdvance((time) => account.advanceTo(time));
      followed.add(account);
      clocksFollowed.set(clock, followed);
    }
    configuredFor = { account, clock, endpoint };
  }
  setClock({ now: () => clock.now(), sleep: (ms) => clock.sleep(ms / 1000) });
}

/** Error names of the optimized DynamoDB integration: the API's name with the prefix `DynamoDB.`. */
function serviceError(task: ServiceTask, error: unknown): Error {
  const name = error instanceof Error ? error.name : 'UnknownError';
  const prefix = task.resourceType === 'dynamodb' ? 'DynamoDB' : task.resourceType;
  const failure = new Error(error instanceof Error ? error.message : String(error));
  failure.name = `${prefix}.${name}`;
  return failure;
}

const DYNAMODB_ACTIONS: Record<string, (input: never) => object> = {
  putItem: (input) => new PutItemCommand(input),
  getItem: (input) => new GetItemCommand(input),
  updateItem: (input) => new UpdateItemCommand(input),
  deleteItem: (input) => new DeleteItemCommand(input),
};

/** Call the service a Task state names directly, as Step Functions would (DynamoDB on dynalite). */
async function callService(task: ServiceTask, input: unknown): Promise<unknown> {
  const command = task.resourceType === 'dynamodb' ? DYNAMODB_ACTIONS[task.resource] : undefined;
  if (!command) throw new Error(`the local runner does not call ${task.resourceType}:${task.resource}`);
  try {
    const { $metadata: _metadata, ...output } = (await dynamoDb().send(command(input as never) as never)) as unknown as Record<string, unknown>;
    return output;
  } catch (error) {
    throw serviceError(task, error);
  }
}

const machines = new WeakMap<LoadedDefinition, Map<string, StateMachine>>();

/** The engine's state machine for a definition and table, built (and validated, ~70 ms) once. */
function stateMachineFor(loaded: LoadedDefinition, tableName: string): StateMachine {
  const byTable = machines.get(loaded) ?? new Map<string, StateMachine>();
  machines.set(loaded, byTable);
  let machine = byTable.get(tableName);
  if (!machine) {
    const definition = bindReferences(loaded.definition, { HistoryTable: tableName });
    // The engine times a Task with a real setTimeout, which Node cuts short above 2^31-1 ms
    // (24.8 days); a callback Task's wait is timed on the simulated clock by its binding instead.
    for (const name of Object.keys(loaded.callbackTasks)) definition.States[name]!.TimeoutSeconds = 2_000_000;
    machine = new StateMachine(definition as never, { validationOptions: { checkArn: true, checkPaths: true } });
    byTable.set(tableName, machine);
  }
  return machine;
}

export async function runExecution(input: unknown, options: RunOptions): Promise<LocalExecution> {
  const loaded = options.loaded ?? loadDefinition();
  const { clock } = options;
  const random = options.random ?? Math.random;
  const table = options.history ?? (await createHistoryTable());
  useSimulation(options.account, clock, table.endpoint);
  Object.assign(process.env, { HISTORY_TABLE_NAME: table.name }, options.env ?? {});

  const retries: RetryRecord[] = [];
  const attempts: LambdaAttempt[] = [];
  const taskResourceLocalHandlers: LocalTaskHandlers = {};
  const retryIntervalOverrides: Record<string, number> = {};
  const executionName = options.executionName ?? randomUUID();
  const region = options.region ?? 'us-east-1';
  const accountId = options.accountId ?? '111122223333';
  const tokens = new LocalTaskTokens(executionName);
  const approver = options.approver ?? { answers: ['none'] };
  const approverArn = approver.arn ?? `arn:aws:iam::${accountId}:user/local-approver`;
  const answerPorts: AnswerPorts = {
    readItem: (eventId) => readHistoryItem(table.name, eventId),
    callerArn: async () => approverArn,
    sendSuccess: async (token, output) => tokens.settle(token, { output: JSON.parse(output) }),
    sendFailure: async (token, error, cause) => tokens.settle(token, { error: Object.assign(new Error(cause), { name: error }) }),
    now: () => clock.now(),
  };
  const waitForCallback = async (stateName: string, functionName: string, stateInput: unknown) => {
    const handler = FUNCTION_HANDLERS[functionName];
    if (!handler) throw new Error(`Task state ${stateName} names function ${functionName}, which has no handler`);
    const payload =
      (stateInput as { Payload?: { taskToken?: unknown; classification?: { eventId?: string }; inspection?: { approval?: { round?: number } } } }).Payload ??
      {};
    const token = payload.taskToken;
    if (typeof token !== 'string') throw new Error(`Task state ${stateName}: its Payload has no taskToken ($$.Task.Token)`);
    const answered = tokens.wait(token);
    answered.catch(() => undefined); // Settled below, awaited by the engine; never left unhandled.
    await handler(payload as never, lambdaContext(functionName));
    const timeoutSeconds = (loaded.definition.States[stateName]!.TimeoutSeconds as number | undefined) ?? 99_999_999;
    const round = payload.inspection?.approval?.round ?? 1;
    const answer = approver.answers[Math.min(round, approver.answers.length) - 1] ?? 'none';
    const after = approver.afterSeconds ?? 20 * 60;
    if (answer === 'none' || after >= timeoutSeconds) {
      await clock.sleep(timeoutSeconds);
      tokens.settle(token, {
        error: Object.assign(new Error(`${stateName}: nobody answered within its TimeoutSeconds (${timeoutSeconds} s)`), { name: 'States.Timeout' }),
      });
    } else {
      await clock.sleep(after);
      await approver.beforeAnswer?.(round, options.account);
      try {
        await answerApproval(answerPorts, {
          eventId: payload.classification!.eventId!,
          decision: answer === 'approve' ? 'approved' : 'declined',
          reason: answer === 'decline' ? (approver.reason ?? 'declined locally') : null,
        });
      } catch (error) {
        if (!(error instanceof ApprovalRefused)) throw error;
        throw new Error(`the local approver's answer to ${stateName} was refused: ${error.message}`);
      }
    }
    return answered;
  };
  const tasks = [
    ...Object.entries(loaded.taskFunctions).map(([stateName, functionName]) => {
      const handler = FUNCTION_HANDLERS[functionName];
      if (!handler) throw new Error(`Task state ${stateName} names function ${functionName}, which has no handler`);
      return { stateName, run: (stateInput: unknown) => handler(stateInput as never, lambdaContext(functionName)), service: undefined };
    }),
    ...Object.entries(loaded.serviceTasks).map(([stateName, service]) => ({
      stateName,
      run: (stateInput: unknown) => callService(service, stateInput),
      service,
    })),
    ...Object.entries(loaded.callbackTasks).map(([stateName, functionName]) => ({
      stateName,
      run: (stateInput: unknown) => waitForCallback(stateName, functionName, stateInput),
      service: CALLBACK_SERVICE,
    })),
  ];
  for (const { stateName, run, service } of tasks) {
    const state = loaded.definition.States[stateName]!;
    const retriesUsed = new Map<number, number>();
    let retrying = false;
    retryIntervalOverrides[stateName] = 0;
    taskResourceLocalHandlers[stateName] = async (stateInput: unknown) => {
      if (!retrying) retriesUsed.clear();
      retrying = false;
      const wait = loaded.waitsBefore[stateName];
      if (wait !== undefined) await clock.sleep(wait);
      const attempt: LambdaAttempt = {
        state: stateName,
        resource: state.Resource as string,
        timeoutSeconds: state.TimeoutSeconds as number | undefined,
        input: stateInput,
        startedAt: clock.now(),
        endedAt: clock.now(),
        ...(service ? { service } : {}),
      };
      attempts.push(attempt);
      try {
        // A callback Task fails like a Lambda Task: its function is invoked first.
        const fault = options.taskFaults?.(stateName, service === CALLBACK_SERVICE ? undefined : service);
        if (fault && !FAULTS_AFTER_RUNNING.has(fault)) throw taskFault(fault, stateName);
        attempt.output = await run(stateInput);
        attempt.endedAt = clock.now();
        // The work was done, but its result never reached Step Functions.
        if (fault) throw taskFault(fault, stateName);
        return attempt.output as EngineJson;
      } catch (error) {
        const name = (error as Error).name;
        attempt.endedAt = clock.now();
        attempt.error = { name, message: (error as Error).message };
        const index = matchingRetrier(state.Retry, name);
        const retrier = state.Retry?.[index];
        const used = retriesUsed.get(index) ?? 0;
        if (retrier && used < (retrier.MaxAttempts ?? 3)) {
          const backoffSeconds = retryBackoffSeconds(retrier, used);
          const delaySeconds = retrier.JitterStrategy === 'FULL' ? random() * backoffSeconds : backoffSeconds;
          retriesUsed.set(index, used + 1);
          retrying = true;
          await clock.sleep(delaySeconds);
          retries.push({ state: stateName, error: name, attempt: used + 1, backoffSeconds, delaySeconds, at: clock.now().toISOString() });
        }
        throw error;
      }
    };
  }
  const waitTimeOverrides = Object.fromEntries(
    Object.entries(loaded.definition.States)
      .filter(([, state]) => state.Type === 'Wait')
      .map(([name]) => [name, 0]),
  );

  const executionArn = `arn:aws:states:${region}:${accountId}:execution:pca-remediation-local:${executionName}`;
  const started = clock.now();
  const startedAt = started.toISOString();
  const machine = stateMachineFor(loaded, table.name);
  clock.enter();
  const execution = machine.run(input as never, {
    overrides: { taskResourceLocalHandlers, waitTimeOverrides, retryIntervalOverrides },
    context: { Execution: { Id: executionArn, Name: executionName, StartTime: startedAt }, Task: tokens.context },
  });
  const events: EventLog[] = [];
  const collecting = (async () => {
    for await (const event of execution.eventLogs) events.push(event);
  })();
  let output: unknown = null;
  let error: LocalExecution['error'] = null;
  try {
    output = await execution.result;
  } catch (failure) {
    const cause = (failure as { cause?: { name?: string; message?: string } }).cause;
    error = { Error: cause?.name ?? (failure as Error).name, Cause: cause?.message ?? (failure as Error).message };
  }
  await collecting;
  // Before letting go of the clock: once this execution leaves, time may move for the others.
  const stopped = clock.now();
  clock.leave();
  const waitSeconds = Object.fromEntries(
    Object.entries(loaded.definition.States)
      .filter(([, state]) => state.Type === 'Wait')
      .map(([name, state]) => [name, state.Seconds ?? 0]),
  );
  const history = localHistory({
    events: events as never,
    attempts,
    waitSeconds,
    startedAt: started,
    stoppedAt: stopped,
    roleArn: `arn:aws:iam::${accountId}:role/pca-remediation-local-StateMachineRole`,
  });
  return {
    executionArn,
    status: error ? 'FAILED' : 'SUCCEEDED',
    output,
    error,
    events,
    retries,
    attempts,
    history,
    startedAt,
    stoppedAt: stopped.toISOString(),
  };
}
