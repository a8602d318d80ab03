/**
 * What each path through the workflow costs, on the local runner: every demo scenario,
 * and a second delivery of the CRL permission event against the history the first left
 * (it ends DUPLICATE at ClaimEvent). Counts come from the execution as Step Functions
 * would record it; prices from ./pricing.ts.
 *
 * Import this module after the handlers' environment is set (src/workstation/cli/common.ts loadRunner).
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parse } from 'yaml';
import { readJsonFile, REPOSITORY_ROOT, runLocal, seededRandom, type LocalRun } from '../local/runner';
import { SCENARIOS, type Scenario } from '../local/scenarios';
import type { LocalExecution } from '../local/workflow';
import type { Instrumentation, Invocation } from './instrument';
import { executionCost, type ExecutionCost } from './pricing';

/** The repair of a CRL bucket's policy: the path the targets are set for. */
export const REPAIR_PATH = 'crl-missing-grant';
export { REPAIR_TARGETS } from './targets';
import { FOLLOW_UP_STATES, REPAIR_TARGETS } from './targets';
/** What each invocation is assumed to take in the sensitivity column: real AWS calls take milliseconds each. */
export const ASSUMED_INVOCATION_MS = 100;

export interface PathCounts {
  /** States entered: history events whose type ends in `StateEntered`. */
  statesEntered: number;
  /** Retries of a Task (each billed as one more transition). */
  retries: number;
  /** statesEntered + retries: what Step Functions bills. */
  billedTransitions: number;
  /** Task attempts that invoked a Lambda function (not ClaimEvent, a direct DynamoDB call). */
  lambdaInvocations: number;
  /** SDK calls answered by the simulated account (S3, Private CA, SNS), SDK retries included. */
  simulatedCalls: number;
  /** ClaimEvent's PutItem attempts (the state machine's own DynamoDB call). */
  claimEventCalls: number;
  /** DynamoDB commands the handlers sent (history item, bucket lease). */
  handlerDynamoDbCalls: number;
  awsCalls: number;
  /** Simulated seconds from start to stop: the waits and retry delays Step Functions would spend. */
  simulatedSeconds: number;
  /** The part of the above spent proving a CRL repair by Private CA's next CRL (FOLLOW_UP_STATES), counted apart from the repair. */
  followUp: { billedTransitions: number; lambdaInvocations: number };
}

/** Count what an execution used. `invocations` are the instrumented handler calls of this execution. */
export function countExecution(execution: LocalExecution, simulatedCalls: number, invocations: readonly Invocation[]): PathCounts {
  const statesEntered = execution.history.filter((event) => event.type?.endsWith('StateEntered')).length;
  const retries = execution.retries.length;
  // A callback Task (mode approve) invokes its function too (resourceType lambda).
  const invokes = (attempt: (typeof execution.attempts)[number]) => !attempt.service || attempt.service.resourceType === 'lambda';
  const lambdaInvocations = execution.attempts.filter(invokes).length;
  const claimEventCalls = execution.attempts.filter((attempt) => attempt.service?.resourceType === 'dynamodb').length;
  const handlerDynamoDbCalls = invocations.reduce((sum, invocation) => sum + invocation.dynamoDbCalls.length, 0);
  const followUpStates = execution.history.filter(
    (event) => event.type?.endsWith('StateEntered') && FOLLOW_UP_STATES.has(event.stateEnteredEventDetails?.name ?? ''),
  ).length;
  const followUpRetries = execution.retries.filter((retry) => FOLLOW_UP_STATES.has(retry.state)).length;
  const followUpInvocations = execution.attempts.filter((attempt) => invokes(attempt) && FOLLOW_UP_STATES.has(attempt.state)).length;
  return {
    statesEntered,
    retries,
    billedTransitions: statesEntered + retries,
    lambdaInvocations,
    simulatedCalls,
    claimEventCalls,
    handlerDynamoDbCalls,
    awsCalls: simulatedCalls + claimEventCalls + handlerDynamoDbCalls,
    simulatedSeconds: (Date.parse(execution.stoppedAt) - Date.parse(execution.startedAt)) / 1000,
    followUp: { billedTransitions: followUpStates + followUpRetries, lambdaInvocations: followUpInvocations },
  };
}

export interface PathRow extends PathCounts {
  id: string;
  title: string;
  outcome: string;
  executionStatus: string;
  expected: string;
  /** Wall-clock ms of each Lambda invocation on this machine. */
  invocationMs: number[];
  cost: ExecutionCost;
  /** The same execution if every invocation took ASSUMED_INVOCATION_MS. */
  costAtAssumedMs: ExecutionCost;
}

export interface PathReport {
  memoryMb: number;
  assumedInvocationMs: number;
  rows: PathRow[];
  /** The repair path's figures without its follow-up (reported apart). */
  target: {
    path: string;
    billedTransitions: number;
    lambdaInvocations: number;
    transitionsPass: boolean;
    invocationsPass: boolean;
    followUp: PathCounts['followUp'];
  } | null;
}

/** The memory every function gets: serverless.yml's provider.memorySize (a function may override it). */
export function deployedMemoryMb(root = REPOSITORY_ROOT): number {
  const config = parse(readFileSync(resolve(root, 'serverless.yml'), 'utf8')) as { provider?: { memorySize?: number } };
  return config.provider?.memorySize ?? 1024;
}

interface PathRun {
  run: LocalRun;
  invocations: Invocation[];
}

async function runPath(
  scenario: Scenario,
  instrumentation: Instrumentation,
  name: string,
  extra: { history?: ReadonlyArray<Record<string, unknown>>; account?: unknown } = {},
): Promise<PathRun> {
  const event = readJsonFile(resolve(REPOSITORY_ROOT, scenario.event), 'event file');
  const account = extra.account ?? readJsonFile(resolve(REPOSITORY_ROOT, scenario.account), 'account file');
  const first = instrumentation.invocations.length;
  const run = await runLocal({
    event,
    account,
    params: { mode: scenario.mode ?? 'apply' },
    random: seededRandom(1),
    executionName: name,
    ...(extra.history ? { history: extra.history } : {}),
    ...(scenario.approver ? { approver: scenario.approver } : {}),
  });
  return { run, invocations: instrumentation.invocations.slice(first) };
}

function pathRow(id: string, title: string, expected: string, { run, invocations }: PathRun, memoryMb: number): PathRow {
  const counts = countExecution(run.execution, run.report.calls.length, invocations);
  const invocationMs = invocations.map((invocation) => invocation.ms);
  if (invocationMs.length !== counts.lambdaInvocations)
    throw new Error(`${id}: ${counts.lambdaInvocations} Lambda attempts but ${invocationMs.length} handler calls timed`);
  return {
    id,
    title,
    outcome: run.report.outcome?.status ?? 'none',
    executionStatus: run.report.status,
    expected,
    ...counts,
    invocationMs,
    cost: executionCost({ stateTransitions: counts.billedTransitions, invocationMs, memoryMb }),
    costAtAssumedMs: executionCost({ stateTransitions: counts.billedTransitions, invocationMs: invocationMs.map(() => ASSUMED_INVOCATION_MS), memoryMb }),
  };
}

export interface PathOptions {
  instrumentation: Instrumentation;
  memoryMb: number;
  /** Scenario ids to run (default all). The DUPLICATE path runs when REPAIR_PATH is among them. */
  only?: readonly string[];
  /** Run every chosen path once untimed first, so handler times are warm (JIT, modules), as on a reused Lambda. */
  warmUp?: boolean;
}

/** The repair's own figures (without the follow-up), against REPAIR_TARGETS. */
export function repairTarget(row: PathCounts): NonNullable<PathReport['target']> {
  const billedTransitions = row.billedTransitions - row.followUp.billedTransitions;
  const lambdaInvocations = row.lambdaInvocations - row.followUp.lambdaInvocations;
  return {
    path: REPAIR_PATH,
    billedTransitions,
    lambdaInvocations,
    transitionsPass: billedTransitions <= REPAIR_TARGETS.maxStateTransitions,
    invocationsPass: lambdaInvocations <= REPAIR_TARGETS.maxLambdaInvocations,
    followUp: row.followUp,
  };
}

export async function measurePaths(options: PathOptions): Promise<PathReport> {
  const chosen = options.only ? SCENARIOS.filter((scenario) => options.only!.includes(scenario.id)) : SCENARIOS;
  if (options.warmUp !== false) {
    for (const scenario of chosen) await runPath(scenario, options.instrumentation, `bench-warm-up-${scenario.id}`);
  }
  const rows: PathRow[] = [];
  for (const scenario of chosen) {
    const first = await runPath(scenario, options.instrumentation, `bench-${scenario.id}`);
    rows.push(pathRow(scenario.id, scenario.title, scenario.expect.status, first, options.memoryMb));
    if (scenario.id !== REPAIR_PATH) continue;
    // The same event delivered again, against the history and the account the first delivery left.
    const again = await runPath(scenario, options.instrumentation, `bench-${scenario.id}-again`, {
      history: first.run.report.history,
      account: first.run.report.account,
    });
    rows.push(pathRow(`${scenario.id} (2nd delivery)`, 'The same event delivered again: claimed already, nothing done', 'DUPLICATE', again, options.memoryMb));
  }
  const repair = rows.find((row) => row.id === REPAIR_PATH);
  return {
    memoryMb: options.memoryMb,
    assumedInvocationMs: ASSUMED_INVOCATION_MS,
    rows,
    target: repair ? repairTarget(repair) : null,
  };
}
