/**
 * The state machine definition in statemachines/, as the local runner, the renderer of
 * executions and the diagram read it; and how Step Functions spaces retries.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';

export const STATE_MACHINE_FILE = fileURLToPath(new URL('../../statemachines/remediation.asl.yml', import.meta.url));

export interface Retrier {
  ErrorEquals: string[];
  IntervalSeconds?: number;
  BackoffRate?: number;
  MaxAttempts?: number;
  MaxDelaySeconds?: number;
  JitterStrategy?: 'FULL' | 'NONE';
}

export interface StateDefinition {
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

/** The index of the first retrier of `retriers` that handles `errorName`, or -1. */
export function matchingRetrier(retriers: Retrier[] | undefined, errorName: string): number {
  return (retriers ?? []).findIndex((retrier) => retrier.ErrorEquals.some((name) => name === errorName || name === 'States.ALL' || name === 'States.TaskFailed'));
}

/** The delay Step Functions waits before retry number `attempt` (0-based) of `retrier`. */
export function retryBackoffSeconds(retrier: Retrier, attempt: number): number {
  const interval = (retrier.IntervalSeconds ?? 1) * Math.pow(retrier.BackoffRate ?? 2, attempt);
  return retrier.MaxDelaySeconds === undefined ? interval : Math.min(interval, retrier.MaxDelaySeconds);
}
