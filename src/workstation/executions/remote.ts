/**
 * The deployed workflow, read with the AWS SDK: the stack's outputs, executions and
 * their histories. Used by `npm run invoke` and `npm run executions`; every AWS error
 * a user can cause (no credentials, no region, no stack, no such execution, access
 * denied) becomes a RemoteError with a message saying what to do.
 */
import { CloudFormationClient, DescribeStacksCommand, type Stack } from '@aws-sdk/client-cloudformation';
import {
  DescribeExecutionCommand,
  GetExecutionHistoryCommand,
  ListExecutionsCommand,
  SFNClient,
  StartExecutionCommand,
  type DescribeExecutionCommandOutput,
  type ExecutionStatus,
  type HistoryEvent,
} from '@aws-sdk/client-sfn';
import { classifyEvent } from '../../core/classify-event';
import type { FailureKind, OutcomeRecord } from '../../core/types';

export const SERVICE = 'pca-remediation';

/** The outputs serverless.yml gives the stack. */
export const OUTPUTS = {
  stateMachineArn: 'RemediationStateMachineArn',
  consoleUrl: 'StateMachineConsoleUrl',
  notificationTopicArn: 'NotificationTopicArn',
  deadLetterQueueUrl: 'DeadLetterQueueUrl',
  historyTableName: 'HistoryTableName',
} as const;

/** An AWS problem the user can act on; the CLIs print its message without a stack. */
export class RemoteError extends Error {
  override readonly name = 'RemoteError';
}

export interface Target {
  stage: string;
  /** Undefined: the SDK's default (AWS_REGION, the profile); the CLIs pass the one deploymentTarget found. */
  region?: string;
}

export interface Deployment {
  stackName: string;
  region: string;
  stateMachineArn: string;
  consoleUrl: string | null;
  notificationTopicArn: string | null;
  deadLetterQueueUrl: string | null;
  historyTableName: string | null;
}

export function stackName(stage: string): string {
  return `${SERVICE}-${stage}`;
}

const CREDENTIAL_ERRORS = new Set([
  'CredentialsProviderError',
  'UnrecognizedClientException',
  'InvalidClientTokenId',
  'ExpiredToken',
  'ExpiredTokenException',
  'InvalidSignatureException',
  'SignatureDoesNotMatch',
  'TokenRefreshRequired',
]);

/** Turn an SDK error into what the user should do, or return it unchanged. */
export function explain(error: unknown, what: string): unknown {
  const name = (error as Error)?.name ?? '';
  const message = (error as Error)?.message ?? String(error);
  if (CREDENTIAL_ERRORS.has(name) || /Could not load credentials/i.test(message)) {
    return new RemoteError(
      `${what}: no usable AWS credentials (${name}: ${message}). Set AWS_PROFILE or AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY, or run \`aws sso login\`.`,
    );
  }
  if (/Region is missing/i.test(message)) return new RemoteError(`${what}: no AWS region. Pass --region or set AWS_REGION.`);
  if (name === 'AccessDeniedException' || name === 'AccessDenied') return new RemoteError(`${what}: access denied (${message}).`);
  if (name === 'ExecutionDoesNotExist') return new RemoteError(`${what}: no such execution (${message}).`);
  if (name === 'StateMachineDoesNotExist')
    return new RemoteError(`${what}: the state machine does not exist (${message}); deploy again with \`npx sls deploy\`.`);
  if (name === 'InvalidArn') return new RemoteError(`${what}: ${message}`);
  return error;
}

async function call<T>(what: string, send: () => Promise<T>): Promise<T> {
  try {
    return await send();
  } catch (error) {
    throw explain(error, what);
  }
}

export function clients(target: Target): { cloudFormation: CloudFormationClient; sfn: SFNClient } {
  const options = target.region ? { region: target.region } : {};
  return { cloudFormation: new CloudFormationClient(options), sfn: new SFNClient(options) };
}

/** The deployed stack of `stage` and its outputs; `regionFrom` (e.g. AWS_REGION) is named when there is no stack. */
export async function findDeployment(cloudFormation: CloudFormationClient, stage: string, regionFrom?: string): Promise<Deployment> {
  const name = stackName(stage);
  const region = await cloudFormation.config.region().catch(() => 'unknown');
  let stacks: Stack[];
  try {
    stacks = (await cloudFormation.send(new DescribeStacksCommand({ StackName: name }))).Stacks ?? [];
  } catch (error) {
    if ((error as Error).name === 'ValidationError' && /does not exist/.test((error as Error).message)) {
      throw new RemoteError(
        `no stack ${name} in ${region}${regionFrom ? ` (the region from ${regionFrom})` : ''}: deploy it with \`npx sls deploy --stage ${stage} --region ${region}\`, or pass the --stage and --region you deployed with.`,
      );
    }
    throw explain(error, `reading stack ${name}`);
  }
  const stack = stacks[0];
  if (!stack) throw new RemoteError(`no stack ${name} in ${region}.`);
  const outputs = Object.fromEntries((stack.Outputs ?? []).map((output) => [output.OutputKey, output.OutputValue]));
  const stateMachineArn = outputs[OUTPUTS.stateMachineArn];
  if (!stateMachineArn) {
    throw new RemoteError(
      `stack ${name} (${stack.StackStatus}) has no output ${OUTPUTS.stateMachineArn}: ${/IN_PROGRESS|FAILED|ROLLBACK/.test(stack.StackStatus ?? '') ? 'its deployment has not finished or failed' : 'it was deployed by an older version; deploy again with `npx sls deploy`'}.`,
    );
  }
  return {
    stackName: name,
    region,
    stateMachineArn,
    consoleUrl: outputs[OUTPUTS.consoleUrl] ?? null,
    notificationTopicArn: outputs[OUTPUTS.notificationTopicArn] ?? null,
    deadLetterQueueUrl: outputs[OUTPUTS.deadLetterQueueUrl] ?? null,
    historyTableName: outputs[OUTPUTS.historyTableName] ?? null,
  };
}

/** A name Step Functions accepts (1-80 of A-Z a-z 0-9 - _), unique enough for manual runs. */
export function executionName(event: unknown, now = new Date()): string {
  const id = typeof (event as { id?: unknown })?.id === 'string' ? (event as { id: string }).id : 'event';
  const stamp = now
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d+Z$/, 'Z');
  return `invoke-${id.replace(/[^A-Za-z0-9_-]/g, '').slice(0, 40) || 'event'}-${stamp}`.slice(0, 80);
}

/**
 * The event with the id `<id>/rerun-<UTC stamp>`: the workflow claims event ids once, so a
 * person re-running a handled event gets a new claim (and history item) beside the first.
 */
export function rerunOf(event: unknown, now = new Date()): unknown {
  if (typeof event !== 'object' || event === null || typeof (event as { id?: unknown }).id !== 'string') return event;
  const stamp = now
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d+Z$/, 'Z');
  return { ...event, id: `${(event as { id: string }).id}/rerun-${stamp}` };
}

/** Refuse, before starting anything, an event the workflow would only reject. */
export function checkEvent(event: unknown, file: string): void {
  const classification = classifyEvent(event);
  if (classification.kind === 'UNRECOGNIZED') {
    throw new RemoteError(
      `${file} is not a Private CA failure event this workflow handles: ${classification.rejection}. Nothing was started (pass --force to start it anyway and see it REJECTED).`,
    );
  }
}

export async function startExecution(
  sfn: SFNClient,
  stateMachineArn: string,
  event: unknown,
  name: string,
): Promise<{ executionArn: string; startDate: Date }> {
  const output = await call('starting the execution', () => sfn.send(new StartExecutionCommand({ stateMachineArn, name, input: JSON.stringify(event) })));
  return { executionArn: output.executionArn!, startDate: output.startDate ?? new Date() };
}

/** Every event of an execution's history, across pages. */
export async function readHistory(sfn: SFNClient, executionArn: string): Promise<HistoryEvent[]> {
  const events: HistoryEvent[] = [];
  let nextToken: string | undefined;
  do {
    const page = await call(`reading the history of ${executionArn}`, () =>
      sfn.send(new GetExecutionHistoryCommand({ executionArn, nextToken, maxResults: 1000, includeExecutionData: true })),
    );
    events.push(...(page.events ?? []));
    nextToken = page.nextToken;
  } while (nextToken);
  return events;
}

export function describeExecution(sfn: SFNClient, executionArn: string): Promise<DescribeExecutionCommandOutput> {
  return call(`describing ${executionArn}`, () => sfn.send(new DescribeExecutionCommand({ executionArn })));
}

export interface FollowOptions {
  /** Between polls (default 5 s). */
  intervalMs?: number;
  /** Give up following (not the execution) after this long (default 2 h). */
  timeoutMs?: number;
  sleep?: (ms: number) => Promise<void>;
  /** Called after each poll with the history so far. */
  onProgress?: (history: HistoryEvent[]) => void;
}

/** Poll until the execution ends (or following times out); return its whole history. */
export async function followExecution(
  sfn: SFNClient,
  executionArn: string,
  options: FollowOptions = {},
): Promise<{ status: ExecutionStatus | 'RUNNING'; history: HistoryEvent[] }> {
  const interval = options.intervalMs ?? 5000;
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  const deadline = Date.now() + (options.timeoutMs ?? 2 * 3600_000);
  for (;;) {
    const { status } = await describeExecution(sfn, executionArn);
    const history = await readHistory(sfn, executionArn);
    options.onProgress?.(history);
    if (status !== 'RUNNING' && status !== 'PENDING_REDRIVE') return { status: status ?? 'RUNNING', history };
    if (Date.now() >= deadline) return { status: 'RUNNING', history };
    await sleep(interval);
  }
}

export interface ExecutionRow {
  executionArn: string;
  name: string;
  status: string;
  startDate: Date;
  stopDate: Date | null;
  kind: FailureKind | null;
  certificateAuthorityId: string | null;
  outcome: OutcomeRecord['status'] | null;
  /** Mode approve: a running execution waiting for a person's answer since then (its AskToApprove* state entered). */
  waitingForApprovalSince: Date | null;
}

/** The states that wait for a person (mode approve, statemachines/remediation.asl.yml). */
export const APPROVAL_STATE = /^AskToApprove/;

/**
 * Since when a running execution waits for approval: its newest state entered is an
 * AskToApprove* Task it has not left (GetExecutionHistory, newest first).
 */
export async function waitingForApprovalSince(sfn: SFNClient, executionArn: string): Promise<Date | null> {
  const page = await call(`reading the history of ${executionArn}`, () =>
    sfn.send(new GetExecutionHistoryCommand({ executionArn, reverseOrder: true, maxResults: 25 })),
  );
  for (const event of page?.events ?? []) {
    if (event.type === 'TaskStateExited') return null;
    if (event.type === 'TaskStateEntered')
      return APPROVAL_STATE.test(event.stateEnteredEventDetails?.name ?? '') && event.timestamp ? new Date(event.timestamp) : null;
  }
  return null;
}

export interface ListOptions {
  status?: ExecutionStatus;
  limit: number;
  /** Only executions started at or after this time. */
  since?: Date;
}

function parseJson(text: string | undefined): unknown {
  if (!text) return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** Recent executions, newest first, with kind and CA from the input and the outcome from the output. */
export async function listExecutions(sfn: SFNClient, stateMachineArn: string, options: ListOptions): Promise<ExecutionRow[]> {
  const listed = [];
  let nextToken: string | undefined;
  listing: do {
    const page = await call('listing executions', () =>
      sfn.send(new ListExecutionsCommand({ stateMachineArn, statusFilter: options.status, maxResults: Math.min(100, options.limit), nextToken })),
    );
    for (const execution of page.executions ?? []) {
      // ListExecutions returns the newest first.
      if (options.since && execution.startDate && execution.startDate < options.since) break listing;
      listed.push(execution);
      if (listed.length >= options.limit) break listing;
    }
    nextToken = page.nextToken;
  } while (nextToken);

  const rows: ExecutionRow[] = [];
  for (const execution of listed) {
    const described = await describeExecution(sfn, execution.executionArn!);
    const classification = classifyEvent(parseJson(described.input));
    const outcome = (parseJson(described.output) as { outcome?: OutcomeRecord } | undefined)?.outcome;
    rows.push({
      executionArn: execution.executionArn!,
      name: execution.name ?? '',
      status: execution.status ?? 'UNKNOWN',
      startDate: execution.startDate ?? new Date(0),
      stopDate: execution.stopDate ?? null,
      kind: classification.kind,
      certificateAuthorityId: classification.certificateAuthorityId ?? null,
      outcome: outcome?.status ?? null,
      waitingForApprovalSince: execution.status === 'RUNNING' ? await waitingForApprovalSince(sfn, execution.executionArn!) : null,
    });
  }
  return rows;
}

/** `1d`, `12h`, `30m`, or an ISO time → the time it names. */
export function parseSince(value: string, now = new Date()): Date {
  const relative = /^(\d+)([dhm])$/.exec(value);
  if (relative) {
    const unit = { d: 86_400_000, h: 3_600_000, m: 60_000 }[relative[2] as 'd' | 'h' | 'm'];
    return new Date(now.getTime() - Number(relative[1]) * unit);
  }
  const time = new Date(value);
  if (/^\d{4}-\d{2}-\d{2}/.test(value) && !Number.isNaN(time.getTime())) return time;
  throw new RemoteError(`--since ${value}: give a duration such as 1d, 12h or 30m, or an ISO time such as 2026-11-20T10:00:00Z`);
}
