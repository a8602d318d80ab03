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

export interface ServiceTask {
  /** As GetExecutionHistory names them: resourceType `dynamodb`, resource `putItem`. */
  resourceType: string;
  resource: string;
}

/** `arn:aws:states:::dynamodb:putItem` → { dynamodb, putItem }. */
const SERVICE_RESOURCE = /^arn:aws:states:::([a-z0-9-]+):([A-Za-z]+)$/;

export interface LoadedDefinition {
  definition: Definition;
  /** Task state name → Lambda function name. */
  taskFunctions: Record<string, string>;
  /** Task state name → the AWS service a Task calls directly (optimized integration), e.g. dynamodb putItem. */
  serviceTasks: Record<string, ServiceTask>;
  /** Task state name → seconds of the Wait state that always precedes it. */
  waitsBefore: Record<string, number>;
}

/** The ASL as Step Functions receives it, with Fn::GetAtt replaced by local function ARNs. */
export function loadDefinition(file = STATE_MACHINE_FILE, region = 'us-east-1', account = '111122223333'): LoadedDefinition {
  const document = parse(readFileSync(file, 'utf8')) as { definition?: Definition };
  if (!document?.definition?.States) throw new Error(`${file} has no "definition" with "States"`);
  const definition = structuredClone(document.definition);
  const taskFunctions: Record<string, string> = {};
  const serviceTasks: Record<string, ServiceTask> = {};
  const predecessors: Record<string, StateDefinition[]> = {};
  for (const [name, state] of Object.entries(definition.States)) {
    if (state.Next) {
      predecessors[state.Next] ??= [];
      predecessors[state.Next]!.push(state);
    }
    if (state.Type !== 'Task') continue;
    const service = typeof state.Resource === 'string' ? SERVICE_RESOURCE.exec(state.Resource) : null;
    if (service) {
      serviceTasks[name] = { resourceType: service[1]!, resource: service[2]! };
      continue;
    }
    const getAtt = (state.Resource as { 'Fn::GetAtt'?: [string, string] })?.['Fn::GetAtt'];
    if (getAtt?.[1] !== 'Arn') throw new Error(`Task state ${name}: Resource must be {Fn::GetAtt: [<function>, Arn]} or arn:aws:states:::<service>:<action>`);
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
  return { definition, taskFunctions, serviceTasks, waitsBefore };
}

/** A copy of `value` with every `{ Ref: name }` replaced by `refs[name]` (e.g. the history table's name). */
export function bindReferences<T>(value: T, refs: Readonly<Record<string, string>>): T {
  if (Array.isArray(value)) return value.map((item) => bindReferences(item, refs)) as T;
  if (typeof value !== 'object' || value === null) return value;
  const keys = Object.keys(value);
  if (keys.length === 1 && keys[0] === 'Ref') {
    const name = (value as unknown as { Ref: string }).Ref;
    if (!(name in refs)) throw new Error(`the definition refers to ${name}, which the local runner does not provide`);
    return refs[name] as T;
  }
  return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, bindReferences(item, refs)])) as T;
}

/** The index of the first retrier of `retriers` that handles `errorName`, or -1. */
export function matchingRetrier(retriers: Retrier[] | undefined, errorName: string): number {
  return (retriers ?? []).findIndex((retrier) => retrier.ErrorEquals.some((name) => name === errorName || name === 'States.ALL' || name === 'States.TaskFailed'));
}

/** The delay Step Functions waits before retry number `attempt` (0-based) of `retrier`. */
export function retryBackoffSeconds(retrier: Retrier, attempt: number): number {
  const interval = (retrier.IntervalSeconds ?? 1) * (retrier.BackoffRate ?? 2) ** attempt;
  return retrier.MaxDelaySeconds === undefined ? interval : Math.min(interval, retrier.MaxDelaySeconds);
}
