/**
 * One execution of the real state machine on this machine: the event, a simulated
 * account (an account file, or the example account of the event's kind), the deployment
 * parameters. Returns what `npm run local --json` prints and what the demo shows.
 *
 * The handlers log and emit metrics through Powertools as on Lambda; the CLIs set the
 * Powertools environment (./environment.ts) before importing this module.
 */
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { classifyEvent } from '../../core/classify-event';
import { loadConfig } from '../../lambda/runtime/config';
import { ConfigurationError } from '../../core/errors';
import { retentionDays } from '../../lambda/runtime/config';
import type { FailureKind, OutcomeRecord } from '../../core/types';
import { executionView, stateSeconds, type ExecutionView } from '../executions/view';
import { parseAccountFile, type AccountFile } from './account-file';
import { LocalInputError, readJsonFile } from './json-file';

export { LocalInputError, readHistoryFile, readJsonFile } from './json-file';
import { createHistoryTable } from './history-table';
export { stopDynalite } from './history-table';
import { seededRandom } from './random';
import { SCENARIOS } from './scenarios';
import { SimulatedAccount } from './simulated-account';
import { loadDefinition, runExecution, SimulatedClock, type Definition, type LoadedDefinition, type LocalApprover, type LocalExecution } from './workflow';

export const REPOSITORY_ROOT = fileURLToPath(new URL('../../../', import.meta.url));

/** The deployment parameters of serverless.yml, by `--param` name, and the variable each sets. */
export const PARAMETERS = {
  mode: 'MODE',
  allowedBuckets: 'ALLOWED_BUCKETS',
  allowCaUpdates: 'ALLOW_CA_UPDATES',
  crlRecoveryWindowMinutes: 'CRL_RECOVERY_WINDOW_MINUTES',
  historyRetentionDays: 'HISTORY_RETENTION_DAYS',
  approvalTimeoutHours: 'APPROVAL_TIMEOUT_HOURS',
} as const;
export type ParameterName = keyof typeof PARAMETERS;

const PARAMETER_DEFAULTS: Record<ParameterName, string> = {
  mode: 'apply',
  allowedBuckets: '',
  allowCaUpdates: 'true',
  crlRecoveryWindowMinutes: '75',
  historyRetentionDays: '365',
  approvalTimeoutHours: '24',
};

/** Check the parameters as the Lambdas would read them; return the handlers' environment. */
export function parameterEnvironment(params: Partial<Record<ParameterName, string>>, notificationTopicArn: string): Record<string, string> {
  const env: Record<string, string> = { NOTIFICATION_TOPIC_ARN: notificationTopicArn };
  for (const name of Object.keys(PARAMETERS) as ParameterName[]) env[PARAMETERS[name]] = params[name] ?? PARAMETER_DEFAULTS[name];
  try {
    loadConfig(env);
    retentionDays(env);
  } catch (error) {
    if (!(error instanceof ConfigurationError)) throw error;
    const variable = Object.entries(PARAMETERS).find(([, name]) => error.message.startsWith(name));
    throw new LocalInputError(variable ? `parameter ${variable[0]}: ${error.message.slice(variable[1].length).replace(/^:?\s*/, '')}` : error.message);
  }
  return env;
}

const TEMPLATE = { account: '111122223333', region: 'us-east-1', partition: 'aws' };

/**
 * The example account of the event's kind (the kind's default scenario), moved to the
 * event's partition, account, region, CA, certificate and audit report, so that
 * `npm run local` works on a user's own event without an account file.
 */
export function defaultAccountFor(event: unknown): { file: AccountFile; source: string; kind: FailureKind } {
  const classification = classifyEvent(event);
  const scenario = SCENARIOS.find((entry) => entry.defaultForKind && entry.kind === classification.kind);
  if (!scenario) throw new Error(`no default scenario for kind ${classification.kind}`);
  const template = readJsonFile(resolve(REPOSITORY_ROOT, scenario.account), 'account file') as AccountFile;
  if (classification.kind === 'UNRECOGNIZED') return { file: parseAccountFile(template), source: scenario.account, kind: classification.kind };
  const templateEvent = classifyEvent(readJsonFile(resolve(REPOSITORY_ROOT, scenario.event), 'event file'));
  const replacements: Array<[string, string]> = [];
  const swap = (from: string | undefined, to: string | undefined) => {
    if (from && to && from !== to) replacements.push([from, to]);
  };
  swap(templateEvent.certificateArn, classification.certificateArn);
  swap(templateEvent.certificateAuthorityArn, classification.certificateAuthorityArn);
  swap(templateEvent.certificateAuthorityId, classification.certificateAuthorityId);
  swap(templateEvent.auditReportId, classification.auditReportId);
  swap(`arn:${TEMPLATE.partition}:`, classification.partition ? `arn:${classification.partition}:` : undefined);
  swap(TEMPLATE.account, classification.account);
  swap(TEMPLATE.region, classification.region);
  let text = JSON.stringify(template);
  for (const [from, to] of replacements) text = text.split(from).join(to);
  const moved = JSON.parse(text) as AccountFile;
  if (classification.partition) moved.partition = classification.partition;
  return {
    file: parseAccountFile(moved),
    source: `${scenario.account} (the example for ${classification.kind}${replacements.length > 0 ? ", moved to the event's account, region and CA" : ''})`,
    kind: classification.kind,
  };
}

export interface LocalRunOptions {
  event: unknown;
  /** The account file as parsed JSON; default: `defaultAccountFor(event)`. */
  account?: unknown;
  params?: Partial<Record<ParameterName, string>>;
  /** Jitter source, [0, 1). Default: a fixed seed, so runs repeat exactly. */
  random?: () => number;
  /** Simulated start time. Default: two minutes after the event's time (or now). */
  start?: Date;
  executionName?: string;
  loaded?: LoadedDefinition;
  /** Items of the history table before the run (`--history`): earlier claims, leases. Default: none. */
  history?: ReadonlyArray<Record<string, unknown>>;
  /** Mode approve: who answers the requests for approval (`--answer`); default nobody (they expire). */
  approver?: LocalApprover;
}

export interface StateSummary {
  name: string;
  type: string;
  attempts: number;
  /** Seconds from entry to exit, in simulated time. */
  seconds: number;
  retries: Array<{ error: string; delaySeconds: number }>;
  /** The last attempt's error, when it failed; `caught` when a Catch handled it. */
  error: { name: string; message: string; caught: boolean } | null;
}

export interface CallSummary {
  service: string;
  operation: string;
  input: unknown;
  error: string | null;
  at: string;
}

/** What `npm run local --json` prints. */
export interface LocalRunReport {
  status: 'SUCCEEDED' | 'FAILED';
  executionArn: string;
  outcome: OutcomeRecord | null;
  states: StateSummary[];
  calls: CallSummary[];
  account: AccountFile;
  /** Every item of the history table after the run (dynalite): event claims and their outcome. */
  history: Array<Record<string, unknown>>;
}

export interface LocalRun {
  report: LocalRunReport;
  view: ExecutionView;
  execution: LocalExecution;
  /** The account before the run. */
  before: AccountFile;
  accountSource: string;
  /** The definition the execution ran. */
  definition: Definition;
}

export { seededRandom } from './random';

function startOf(event: unknown): Date {
  const time = (event as { time?: unknown } | null)?.time;
  const parsed = typeof time === 'string' ? new Date(time) : new Date(NaN);
  return Number.isNaN(parsed.getTime()) ? new Date() : new Date(parsed.getTime() + 2 * 60_000);
}

export async function runLocal(options: LocalRunOptions): Promise<LocalRun> {
  let file: AccountFile;
  let accountSource = 'given account';
  if (options.account === undefined) {
    const fallback = defaultAccountFor(options.event);
    file = fallback.file;
    accountSource = fallback.source;
  } else {
    file = parseAccountFile(options.account);
  }
  const env = parameterEnvironment(options.params ?? {}, `arn:${file.partition}:sns:${file.region}:${file.account}:pca-remediation-local-notifications`);
  const loaded = options.loaded ?? loadDefinition(undefined, undefined, undefined, Number(env.APPROVAL_TIMEOUT_HOURS));
  const clock = new SimulatedClock(options.start ?? startOf(options.event));
  const simulation = new SimulatedAccount(file, { now: () => clock.now() });
  const history = await createHistoryTable();
  await history.load(options.history ?? []);
  const execution = await runExecution(options.event, {
    history,
    account: simulation,
    clock,
    env,
    random: options.random ?? seededRandom(1),
    executionName: options.executionName,
    loaded,
    accountId: file.account,
    region: file.region,
    ...(options.approver ? { approver: options.approver } : {}),
  });
  const view = executionView(execution.history);
  const report: LocalRunReport = {
    status: execution.status,
    executionArn: execution.executionArn,
    outcome: view.outcome,
    states: view.states.map((state) => {
      const last = state.attempts.at(-1);
      const failure = state.failed ?? state.caught ?? (last?.error && !state.exitedAt ? last.error : null);
      return {
        name: state.name,
        type: state.type,
        attempts: state.attempts.length,
        seconds: stateSeconds(state, view),
        retries: state.attempts
          .slice(1)
          .map((attempt, index) => ({ error: state.attempts[index]!.error?.error ?? 'unknown', delaySeconds: attempt.delayBeforeSeconds ?? 0 })),
        error: failure ? { name: failure.error, message: failure.cause, caught: state.caught !== null } : null,
      };
    }),
    calls: simulation.calls.map((call) => ({ service: call.service, operation: call.operation, input: call.input, error: call.error ?? null, at: call.at })),
    account: simulation.toAccountFile(),
    history: await history.items(),
  };
  return { report, view, execution, before: file, accountSource, definition: loaded.definition };
}

/** Exit code of `npm run local`: 0 when the execution succeeded. */
export function exitCodeOf(report: LocalRunReport): number {
  return report.status === 'SUCCEEDED' ? 0 : 1;
}
