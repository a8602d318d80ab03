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
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Context } from 'aws-lambda';
import { StateMachine } from 'aws-local-stepfunctions';
import { parse } from 'yaml';
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

export const STATE_MACHINE_FILE = fileURLToPath(new URL('../../statemachines/remediation.asl.yml', import.meta.url));

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

interface Retrier {
  ErrorEquals: string[];
  IntervalSeconds?: number;
  BackoffRate?: number;
  MaxAttempts?: number;
  MaxDelaySeconds?: number;
  JitterStrategy?: 'FULL' | 'NONE';
}

interface StateDefinition {
  Type: string;
  Resource?: unknown;
  Retry?: Retrier[];
  Next?: string;
  Seconds?: number;
  [key: string]: unknown;
}

export interface Definition {
  Comment?: string;
  StartAt: string;
  States: Record<string, StateDefinition>;
}

export interface LoadedDefinition {
  definition: Definition;
  /** Task state name → Lambda function name. */
  taskFunctions: Record<string, string>;
  /** Task state name → seconds of the Wait state that always precedes it. */
  waitsBefore: Record<string, number>;
}

/** The ASL as Step Functions receives it, with Fn::GetAtt replaced by local function ARNs. */
export function loadDefinition(file = STATE_MACHINE_FILE, region = 'us-east-1', account = '111122223333'): LoadedDefinition {
  const document = parse(readFileSync(file, 'utf8')) as { definition?: Definition };
  if (!document?.definition?.States) throw new Error(`${file} has no "definition" with "States"`);
  const definition = structuredClone(document.definition);
  const taskFunctions: Record<string, string> = {};
  const predecessors: Record<string, StateDefinition[]> = {};
  for (const [name, state] of Object.entries(definition.States)) {
    if (state.Next) (predecessors[state.Next] ??= []).push(state);
    if (state.Type !== 'Task') continue;
    const getAtt = (state.Resource as { 'Fn::GetAtt'?: [string, string] })?.['Fn::GetAtt'];
    if (!getAtt || getAtt[1] !== 'Arn') throw new Error(`Task state ${name}: Resource must be {Fn::GetAtt: [<function>, Arn]}`);
    taskFunctions[name] = getAtt[0];
    state.Resource = `arn:aws:lambda:${region}:${account}:function:pca-remediation-local-${getAtt[0]}`;
  }
  const waitsBefore: Record<string, number> = {};
  for (const [name, before] of Object.entries(predecessors)) {
    const waits = before.filter((state) => state.Type === 'Wait');
    if (waits.length === 0) continue;
    if (waits.length !== before.length || new Set(waits.map((wait) => wait.Seconds)).size !== 1 || waits[0]!.Seconds === undefined) {
      throw new Error(`state ${name}: the local runner simulates waits only for a state that always follows one fixed-Seconds Wait`);
    }
    waitsBefore[name] = waits[0]!.Seconds;
  }
  return { definition, taskFunctions, waitsBefore };
}

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
}

function matchingRetrier(retriers: Retrier[] | undefined, errorName: string): number {
  return (retriers ?? []).findIndex((retrier) => retrier.ErrorEquals.some((name) => name === errorName || name === 'States.ALL' || name === 'States.TaskFailed'));
}

/** The delay Step Functions waits before retry number `attempt` (0-based) of `retrier`. */
export function retryBackoffSeconds(retrier: Retrier, attempt: number): number {
  const interval = (retrier.IntervalSeconds ?? 1) * Math.pow(retrier.BackoffRate ?? 2, attempt);
  return retrier.MaxDelaySeconds === undefined ? interval : Math.min(interval, retrier.MaxDelaySeconds);
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
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  const taskResourceLocalHandlers: Record<string, (input: any) => Promise<any>> = {};
  const retryIntervalOverrides: Record<string, number> = {};
  for (const [stateName, functionName] of Object.entries(loaded.taskFunctions)) {
    const handler = FUNCTION_HANDLERS[functionName];
    if (!handler) throw new Error(`Task state ${stateName} names function ${functionName}, which has no handler`);
    const state = loaded.definition.States[stateName]!;
    const attempts = new Map<number, number>();
    let retrying = false;
    retryIntervalOverrides[stateName] = 0;
    taskResourceLocalHandlers[stateName] = async (stateInput: unknown) => {
      if (!retrying) attempts.clear();
      retrying = false;
      const wait = loaded.waitsBefore[stateName];
      if (wait !== undefined) clock.advance(wait);
      try {
        return await handler(stateInput as never, lambdaContext(functionName));
      } catch (error) {
        const name = (error as Error).name;
        const index = matchingRetrier(state.Retry, name);
        const retrier = state.Retry?.[index];
        const used = attempts.get(index) ?? 0;
        if (retrier && used < (retrier.MaxAttempts ?? 3)) {
          const backoffSeconds = retryBackoffSeconds(retrier, used);
          const delaySeconds = retrier.JitterStrategy === 'FULL' ? random() * backoffSeconds : backoffSeconds;
          attempts.set(index, used + 1);
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
  const executionArn = `arn:aws:states:us-east-1:111122223333:execution:pca-remediation-local:${executionName}`;
  const startedAt = clock.now().toISOString();
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
  return { executionArn, status: error ? 'FAILED' : 'SUCCEEDED', output, error, events, retries, startedAt, stoppedAt: clock.now().toISOString() };
}
