/**
 * Deployment settings, read from the Lambda environment (serverless.yml sets them
 * from `--param` values). A bad value is a ConfigurationError naming the variable.
 * This is the one module of the product that reads the environment: every setting a
 * handler needs has its reader here (test/lambda/runtime/config.test.ts checks that no other file
 * of src/core or src/lambda does).
 */
import bucketNameRule from '../../../deploy/bucket-name.json';
import { PARAMETERS } from '../../../deploy/parameters.cjs';
import { ConfigurationError } from '../../core/errors';
import { MODES, type Config, type Mode } from '../../core/types';
/**
 * The longest a Task may wait: Step Functions' "Maximum task execution time" and "Maximum
 * execution time" of a Standard workflow are 1 year
 * (https://docs.aws.amazon.com/step-functions/latest/dg/limits.html, "Quotas related to
 * task executions"). 365 days of 24 hours; deploy/iam-roles.cjs refuses more at package time.
 */
export const MAX_APPROVAL_TIMEOUT_HOURS = 8760;

/**
 * A deployment parameter's default, from deploy/parameters.cjs (the one table serverless.yml's
 * defaults, the package-time checks and the README's table also come from). The Lambdas
 * fall back to it when the environment variable is unset.
 */
export function parameterDefault(name: string): string {
  const parameter = PARAMETERS.find((candidate) => candidate.name === name);
  if (!parameter) throw new Error(`deploy/parameters.cjs has no parameter ${name}`);
  return parameter.default;
}

const defaultInteger = (name: string): number => Number.parseInt(parameterDefault(name), 10);

export const DEFAULT_APPROVAL_TIMEOUT_HOURS = defaultInteger('approvalTimeoutHours');

/** S3's bucket name rule, one definition for the deployment, the Lambdas and the account file (deploy/bucket-name.json). */
export const BUCKET_NAME = new RegExp(bucketNameRule.pattern);

function parseBoolean(name: string, value: string | undefined, fallback: boolean): boolean {
  if (value === undefined || value === '') return fallback;
  if (value === 'true') return true;
  if (value === 'false') return false;
  throw new ConfigurationError(`${name} must be "true" or "false", not "${value}"`);
}

/** A positive whole number from a setting, `fallback` when unset; ConfigurationError naming it otherwise. */
export function parsePositiveInteger(name: string, value: string | undefined, fallback: number): number {
  if (value === undefined || value === '') return fallback;
  const number = Number(value);
  if (!Number.isInteger(number) || number <= 0) {
    throw new ConfigurationError(`${name} must be a positive whole number, not "${value}"`);
  }
  return number;
}

export function parseAllowedBuckets(value: string | undefined): string[] {
  if (value === undefined || value.trim() === '' || value.trim() === '*') return [];
  const buckets = value
    .split(',')
    .map((bucket) => bucket.trim())
    .filter((bucket) => bucket !== '');
  for (const bucket of buckets) {
    if (!BUCKET_NAME.test(bucket)) {
      throw new ConfigurationError(`ALLOWED_BUCKETS: "${bucket}" is not a valid S3 bucket name`);
    }
  }
  return buckets;
}

/** MODE as set, or the mode parameter's default when unset; not yet checked. */
function modeSetting(env: NodeJS.ProcessEnv): string {
  return env.MODE === undefined || env.MODE === '' ? parameterDefault('mode') : env.MODE;
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const mode = modeSetting(env);
  if (!(MODES as readonly string[]).includes(mode)) {
    throw new ConfigurationError(`MODE must be "apply", "dry-run" or "approve", not "${mode}"`);
  }
  const approvalTimeoutHours = parsePositiveInteger('APPROVAL_TIMEOUT_HOURS', env.APPROVAL_TIMEOUT_HOURS, DEFAULT_APPROVAL_TIMEOUT_HOURS);
  if (approvalTimeoutHours > MAX_APPROVAL_TIMEOUT_HOURS) {
    throw new ConfigurationError(
      `APPROVAL_TIMEOUT_HOURS must be at most ${MAX_APPROVAL_TIMEOUT_HOURS} (a year, Step Functions' longest task), not "${env.APPROVAL_TIMEOUT_HOURS}"`,
    );
  }
  return {
    mode: mode as Mode,
    allowedBuckets: parseAllowedBuckets(env.ALLOWED_BUCKETS ?? parameterDefault('allowedBuckets')),
    allowCaUpdates: parseBoolean('ALLOW_CA_UPDATES', env.ALLOW_CA_UPDATES, parameterDefault('allowCaUpdates') === 'true'),
    notificationTopicArn: env.NOTIFICATION_TOPIC_ARN ?? '',
    crlRecoveryWindowMinutes: parsePositiveInteger('CRL_RECOVERY_WINDOW_MINUTES', env.CRL_RECOVERY_WINDOW_MINUTES, defaultInteger('crlRecoveryWindowMinutes')),
    approvalTimeoutHours,
  };
}

/**
 * What RecordOutcome needs, read leniently: an execution that failed because of a
 * bad setting must still be recorded and notified, so a bad MODE reads as 'unknown'.
 */
export function loadRecordingConfig(env: NodeJS.ProcessEnv = process.env): { mode: Mode | 'unknown'; notificationTopicArn: string } {
  const mode = modeSetting(env);
  return { mode: (MODES as readonly string[]).includes(mode) ? (mode as Mode) : 'unknown', notificationTopicArn: env.NOTIFICATION_TOPIC_ARN ?? '' };
}

/** How long the history table keeps an event's item by default (historyRetentionDays). */
export const DEFAULT_RETENTION_DAYS = defaultInteger('historyRetentionDays');

/** A bucket lease's length: twice the repair function's 60 s timeout (test/deploy/template.test.ts ties them). */
export const DEFAULT_LEASE_SECONDS = 120;

/** The history table's name (serverless.yml sets it). */
export function historyTableName(env: NodeJS.ProcessEnv = process.env): string {
  const name = env.HISTORY_TABLE_NAME ?? '';
  if (name === '') throw new ConfigurationError('HISTORY_TABLE_NAME is not set: the history table is where events are claimed and changes recorded');
  return name;
}

/** How many days an event's history item is kept (DynamoDB TTL). */
export function retentionDays(env: NodeJS.ProcessEnv = process.env): number {
  return parsePositiveInteger('HISTORY_RETENTION_DAYS', env.HISTORY_RETENTION_DAYS, DEFAULT_RETENTION_DAYS);
}

/** How long a bucket lease lasts, in seconds. */
export function leaseSeconds(env: NodeJS.ProcessEnv = process.env): number {
  return parsePositiveInteger('BUCKET_LEASE_SECONDS', env.BUCKET_LEASE_SECONDS, DEFAULT_LEASE_SECONDS);
}

export interface SweepSettings {
  stateMachineArn: string;
}

/** The sweep's settings (serverless.yml sets STATE_MACHINE_ARN for the sweep function only). */
export function loadSweepSettings(env: NodeJS.ProcessEnv = process.env): SweepSettings {
  const stateMachineArn = env.STATE_MACHINE_ARN ?? '';
  if (!/^arn:aws[a-z-]*:states:[a-z0-9-]+:\d{12}:stateMachine:[A-Za-z0-9_-]{1,80}$/.test(stateMachineArn)) {
    throw new ConfigurationError(`STATE_MACHINE_ARN must be the ARN of the remediation state machine, not "${stateMachineArn}"`);
  }
  return { stateMachineArn };
}

/** What the question of mode approve names: the topic it is published on, and the stage and region the answer commands take. */
export function loadApprovalSettings(env: NodeJS.ProcessEnv = process.env): { notificationTopicArn: string; stage: string; region: string } {
  return { notificationTopicArn: env.NOTIFICATION_TOPIC_ARN ?? '', stage: env.STAGE ?? 'dev', region: env.AWS_REGION ?? 'us-east-1' };
}
