/**
 * The state machine definition in statemachines/, as the local runner, the renderer of
 * executions and the diagram read it; and how Step Functions spaces retries.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';

export const STATE_MACHINE_FILE = fileURLToPath(new URL('../../../statemachines/remediation.asl.yml', import.meta.url));

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

/**
 * The callback pattern with a Lambda function: Step Functions invokes the function (its
 * Parameters' FunctionName and Payload) and then waits for SendTaskSuccess/SendTaskFailure
 * with the token it put in $$.Task.Token
 * (https://docs.aws.amazon.com/step-functions/latest/dg/connect-lambda.html).
 */
export const LAMBDA_CALLBACK_RESOURCE = 'arn:aws:states:::lambda:invoke.waitForTaskToken';

export interface LoadedDefinition {
  definition: Definition;
  /** Task state name → Lambda function name. */
  taskFunctions: Record<string, string>;
  /** Task state name → the AWS service a Task calls directly (optimized integration), e.g. dynamodb putItem. */
  serviceTasks: Record<string, ServiceTask>;
  /** Task state name → seconds of the Wait state that always precedes it. */
  waitsBefore: Record<string, number>;
  /** Task state name → the Lambda function a callback Task (lambda:invoke.waitForTaskToken) invokes before it waits. */
  callbackTasks: Record<string, string>;
}

/** The TimeoutSeconds of the Tasks that wait for a person, as serverless.yml resolves it from approvalTimeoutHours (deploy/approval.cjs). */
export const APPROVAL_TIMEOUT_VARIABLE = '${file(./deploy/approval.cjs):timeoutSeconds}';

/**
 * The ASL as Step Functions receives it, with Fn::GetAtt replaced by local function ARNs
 * and the approval timeout (APPROVAL_TIMEOUT_VARIABLE) by `approvalTimeoutHours` × 3600.
 */
export function loadDefinition(file = STATE_MACHINE_FILE, region = 'us-east-1', account = '111122223333', approvalTimeoutHours = 24): LoadedDefinition {
  const document = parse(readFileSync(file, 'utf8')) as { definition?: Definition };
  if (!document?.definition?.States) throw new Error(`${file} has no "definition" with "States"`);
  const definition = structuredClone(document.definition);
  const taskFunctions: Record<string, string> = {};
  const serviceTasks: Record<string, ServiceTask> = {};
  const callbackTasks: Record<string, string> = {};
  const predecessors: Record<string, StateDefinition[]> = {};
  for (const [name, state] of Object.entries(definition.States)) {
    if (state.Next) {
      predecessors[state.Next] ??= [];
      predecessors[state.Next]!.push(state);
    }
    if (state.Type !== 'Task') continue;
    if (state.TimeoutSeconds === APPROVAL_TIMEOUT_VARIABLE) state.TimeoutSeconds = approvalTimeoutHours * 3600;
    if (state.Resource === LAMBDA_CALLBACK_RESOURCE) {
      const parameters = state.Parameters as { FunctionName?: { 'Fn::GetAtt'?: [string, string] } } | undefined;
      const target = parameters?.FunctionName?.['Fn::GetAtt'];
      if (target?.[1] !== 'Arn')
        throw new Error(`Task state ${name}: a ${LAMBDA_CALLBACK_RESOURCE} Task needs Parameters.FunctionName {Fn::GetAtt: [<function>, Arn]}`);
      callbackTasks[name] = target[0];
      (state.Parameters as Record<string, unknown>).FunctionName = `arn:aws:lambda:${region}:${account}:function:pca-remediation-local-${target[0]}`;
      continue;
    }
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
  return { definition, taskFunctions, serviceTasks, waitsBefore, callbackTasks };
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
  return (retriers ?? []).findIndex((retrier) =>
    retrier.ErrorEquals.some((name) => name === errorName || name === 'States.ALL' || name === 'States.TaskFailed'),
  );
}

/** The delay Step Functions waits before retry number `attempt` (0-based) of `retrier`. */
export function retryBackoffSeconds(retrier: Retrier, attempt: number): number {
  const interval = (retrier.IntervalSeconds ?? 1) * (retrier.BackoffRate ?? 2) ** attempt;
  return retrier.MaxDelaySeconds === undefined ? interval : Math.min(interval, retrier.MaxDelaySeconds);
}
