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
import { StateMachine } from 'aws-local-stepfunctions';
import { configureClients, type ConfigurableClient, type ServiceName } from '../lib/clients/registry';
import { setClock } from '../lib/clock';
import { handler as checkAuditReport } from '../handlers/check-audit-report';
import { handler as checkCrlRepublished } from '../handlers/check-crl-republished';
import { handler as classifyEvent } from '../handlers/classify-event';
import { handler as diagnoseCaCreation } from '../handlers/diagnose-ca-creation';
import { handler as diagnoseCertificateIssuance } from '../handlers/diagnose-certificate-issuance';
import { handler as inspectBucket } from '../handlers/inspect-bucket';
import { handler as recordOutcome } from '../handlers/record-outcome';
import { handler as repairBucket } from '../handlers/repair-bucket';
import { handler as requestAuditReport } from '../handlers/request-audit-report';
import type { HistoryEvent } from '@aws-sdk/client-sfn';
import { localHistory, type LambdaAttempt } from './history';
import { loadDefinition, matchingRetrier, retryBackoffSeconds, type LoadedDefinition } from '../executions/definition';

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
  recordOutcome,
};


/** Time as the simulation sees it. Listeners run when it moves (the simulated Private CA). */
export class SimulatedClock {
  private current: number;
  private readonly listeners: Array<(time: Date) => void> = [];
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
}

/** What the workflow needs from a simulated account. */
export interface AccountSimulation {
  attach(client: ConfigurableClient, service: ServiceName): void;
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

let configuredFor: { account: AccountSimulation; clock: SimulatedClock } | null = null;

/** Point the client factory and the clock at the simulation (once per account and clock pair). */
export function useSimulation(account: AccountSimulation, clock: SimulatedClock): void {
  if (configuredFor?.account !== account || configuredFor.clock !== clock) {
    configureClients({
      onCreate: (client, service) => account.attach(client, service),
      options: { region: 'us-east-1', credentials: { accessKeyId: 'simulated', secretAccessKey: 'simulated' } },
    });
    clock.onAdvance((time) => account.advanceTo(time));
    configuredFor = { account, clock };
  }
  setClock({ now: () => clock.now(), sleep: async (ms) => clock.advance(ms / 1000) });
}

export async function runExecution(input: unknown, options: RunOptions): Promise<LocalExecution> {
  const loaded = options.loaded ?? loadDefinition();
  const { clock } = options;
  const random = options.random ?? Math.random;
  useSimulation(options.account, clock);
  Object.assign(process.env, options.env ?? {});

  const retries: RetryRecord[] = [];
  const attempts: LambdaAttempt[] = [];
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  const taskResourceLocalHandlers: Record<string, (input: any) => Promise<any>> = {};
  const retryIntervalOverrides: Record<string, number> = {};
  for (const [stateName, functionName] of Object.entries(loaded.taskFunctions)) {
    const handler = FUNCTION_HANDLERS[functionName];
    if (!handler) throw new Error(`Task state ${stateName} names function ${functionName}, which has no handler`);
    const state = loaded.definition.States[stateName]!;
    const retriesUsed = new Map<number, number>();
    let retrying = false;
    retryIntervalOverrides[stateName] = 0;
    taskResourceLocalHandlers[stateName] = async (stateInput: unknown) => {
      if (!retrying) retriesUsed.clear();
      retrying = false;
      const wait = loaded.waitsBefore[stateName];
      if (wait !== undefined) clock.advance(wait);
      const attempt: LambdaAttempt = { state: stateName, resource: state.Resource as string, timeoutSeconds: state.TimeoutSeconds as number | undefined, input: stateInput, startedAt: clock.now(), endedAt: clock.now() };
      attempts.push(attempt);
      try {
        attempt.output = await handler(stateInput as never, lambdaContext(functionName));
        attempt.endedAt = clock.now();
        return attempt.output;
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
          clock.advance(delaySeconds);
          retries.push({ state: stateName, error: name, attempt: used + 1, backoffSeconds, delaySeconds, at: clock.now().toISOString() });
        }
        throw error;
      }
    };
  }
  const waitTimeOverrides = Object.fromEntries(Object.entries(loaded.definition.States).filter(([, state]) => state.Type === 'Wait').map(([name]) => [name, 0]));

  const executionName = options.executionName ?? randomUUID();
  const region = options.region ?? 'us-east-1';
  const accountId = options.accountId ?? '111122223333';
  const executionArn = `arn:aws:states:${region}:${accountId}:execution:pca-remediation-local:${executionName}`;
  const started = clock.now();
  const startedAt = started.toISOString();
  const machine = new StateMachine(loaded.definition as never, { validationOptions: { checkArn: true, checkPaths: true } });
  const execution = machine.run(input as never, {
    overrides: { taskResourceLocalHandlers, waitTimeOverrides, retryIntervalOverrides },
    context: { Execution: { Id: executionArn, Name: executionName, StartTime: startedAt } },
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
  const stopped = clock.now();
  const waitSeconds = Object.fromEntries(Object.entries(loaded.definition.States).filter(([, state]) => state.Type === 'Wait').map(([name, state]) => [name, state.Seconds ?? 0]));
  const history = localHistory({ events: events as never, attempts, waitSeconds, startedAt: started, stoppedAt: stopped, roleArn: `arn:aws:iam::${accountId}:role/pca-remediation-local-StateMachineRole` });
  return { executionArn, status: error ? 'FAILED' : 'SUCCEEDED', output, error, events, retries, attempts, history, startedAt, stoppedAt: stopped.toISOString() };
}
