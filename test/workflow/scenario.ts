/**
 * Run one event through the real definition and handlers against a simulated
 * account, and collect what a reviewer of the execution would look at.
 */
import type { CallerPermissions } from '../../src/workstation/local/caller';
import { readFileSync } from 'node:fs';
import { parseAccountFile, type AccountFile } from '../../src/workstation/local/account-file';
import { createHistoryTable, type LocalHistoryTable } from '../../src/workstation/local/history-table';
import { SimulatedAccount } from '../../src/workstation/local/simulated-account';
import { loadDefinition, runExecution, SimulatedClock, type LocalExecution, type RunOptions } from '../../src/workstation/local/workflow';
import type { OutcomeRecord } from '../../src/core/types';

export const CA_ARN = 'arn:aws:acm-pca:us-east-1:111122223333:certificate-authority/11223344-1234-1122-2233-112233445566';
export const CA_ID = '11223344-1234-1122-2233-112233445566';
export const BUCKET = 'pca-crl-111122223333';
export const EVENT_TIME = '2026-11-20T10:00:00Z';

const loaded = loadDefinition();

export function event(file: string): Record<string, unknown> {
  return JSON.parse(readFileSync(new URL(`../../events/${file}`, import.meta.url), 'utf8'));
}

/** A fixture account from test/fixtures/accounts (default: a CRL bucket whose policy lacks the grant). */
export function account(name = 'crl-missing-grant'): any {
  return JSON.parse(readFileSync(new URL(`../fixtures/accounts/${name}.json`, import.meta.url), 'utf8'));
}

export const documentedGrant = (caArn = CA_ARN, bucket = BUCKET) => ({
  Sid: 'ExistingPcaGrant',
  Effect: 'Allow',
  Principal: { Service: 'acm-pca.amazonaws.com' },
  Action: ['s3:PutObject', 's3:PutObjectAcl', 's3:GetBucketAcl', 's3:GetBucketLocation'],
  Resource: [`arn:aws:s3:::${bucket}/*`, `arn:aws:s3:::${bucket}`],
  Condition: { StringEquals: { 'aws:SourceAccount': '111122223333', 'aws:SourceArn': caArn } },
});

export interface Scenario {
  execution: LocalExecution;
  outcome: OutcomeRecord;
  states: string[];
  simulation: SimulatedAccount;
  after: AccountFile;
  mutatingCalls: string[];
  /** The history table the execution used (dynalite). */
  history: LocalHistoryTable;
}

const MUTATING = new Set(['PutBucketPolicy', 'UpdateCertificateAuthority', 'CreateCertificateAuthorityAuditReport', 'DeleteBucketPolicy', 'PutObject']);

export interface ScenarioOptions {
  /** Who calls the simulated account (default: the deployment's RepairRole). */
  caller?: CallerPermissions;
  env?: Record<string, string>;
  random?: () => number;
  start?: string;
  /** Adjust the simulation before the run (for example, inject faults). */
  prepare?: (simulation: SimulatedAccount) => void;
  /** Run against this account instead of a new one from `file` (a second delivery, say). */
  simulation?: SimulatedAccount;
  clock?: SimulatedClock;
  /** The history table; default: a new, empty one. */
  history?: LocalHistoryTable;
  executionName?: string;
  /** Task-level faults (Lambda and DynamoDB errors, timeouts) before each Task attempt. */
  taskFaults?: RunOptions['taskFaults'];
  /** Mode approve: who answers the requests for approval. */
  approver?: RunOptions['approver'];
}

export async function runScenario(input: unknown, file: unknown, options: ScenarioOptions = {}): Promise<Scenario> {
  const clock = options.clock ?? new SimulatedClock(new Date(options.start ?? '2026-11-20T10:02:00Z'));
  const simulation =
    options.simulation ?? new SimulatedAccount(parseAccountFile(file), { now: () => clock.now(), ...(options.caller ? { caller: options.caller } : {}) });
  const history = options.history ?? (await createHistoryTable());
  options.prepare?.(simulation);
  const env = {
    MODE: 'apply',
    ALLOWED_BUCKETS: '',
    ALLOW_CA_UPDATES: 'true',
    CRL_RECOVERY_WINDOW_MINUTES: '75',
    NOTIFICATION_TOPIC_ARN: 'arn:aws:sns:us-east-1:111122223333:pca-remediation-test-notifications',
    ...options.env,
  };
  const execution = await runExecution(input, {
    account: simulation,
    clock,
    env,
    random: options.random ?? (() => 0.5),
    loaded,
    history,
    executionName: options.executionName,
    taskFaults: options.taskFaults,
    ...(options.approver ? { approver: options.approver } : {}),
  });
  const output = execution.output as { outcome?: OutcomeRecord } | null;
  const outcome = output?.outcome ?? recordedOutcome(execution);
  const states = execution.events.filter((entry) => entry.type === 'StateEntered').map((entry) => (entry as { state: { name: string } }).state.name);
  const mutatingCalls = simulation.calls.filter((call) => MUTATING.has(call.operation) && !call.error).map((call) => call.operation);
  return { execution, outcome, states, simulation, after: simulation.toAccountFile(), mutatingCalls, history };
}

/** For a failed execution the outcome is the output of the RecordOutcome state. */
function recordedOutcome(execution: LocalExecution): OutcomeRecord {
  const exited = execution.events.filter((entry) => entry.type === 'StateExited' && (entry as { state: { name: string } }).state.name === 'RecordOutcome');
  const last = exited.at(-1) as { state: { output: { outcome: OutcomeRecord } } } | undefined;
  if (!last) throw new Error(`no outcome recorded; execution ${execution.status}: ${JSON.stringify(execution.error)}`);
  return last.state.output.outcome;
}

export function policyOf(file: AccountFile, bucket = BUCKET): { Statement: Array<Record<string, unknown>> } {
  const entry = file.buckets.find((item) => item.Name === bucket)!;
  const policy = entry.Policy;
  return typeof policy === 'string' ? JSON.parse(policy) : (policy as never);
}
