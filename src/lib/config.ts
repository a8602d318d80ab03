/**
 * Deployment settings, read from the Lambda environment (serverless.yml sets them
 * from `--param` values). A bad value is a ConfigurationError naming the variable.
 */
import { ConfigurationError } from './errors';
import type { Mode } from './types';

export interface Config {
  /** `apply` writes repairs; `dry-run` computes and records the plan only. */
  mode: Mode;
  /** Buckets the workflow may write a policy to; empty means any bucket the CA's account owns. */
  allowedBuckets: string[];
  /** Whether the workflow may switch a CA's CRL object ACL (UpdateCertificateAuthority). */
  allowCaUpdates: boolean;
  /** SNS topic for outcomes a person must act on; empty disables notifications. */
  notificationTopicArn: string;
  /** How long after the failure event to wait for Private CA to republish a CRL. */
  crlRecoveryWindowMinutes: number;
}

const BUCKET_NAME = /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;

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
  const buckets = value.split(',').map((bucket) => bucket.trim()).filter((bucket) => bucket !== '');
  for (const bucket of buckets) {
    if (!BUCKET_NAME.test(bucket)) {
      throw new ConfigurationError(`ALLOWED_BUCKETS: "${bucket}" is not a valid S3 bucket name`);
    }
  }
  return buckets;
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const mode = env.MODE === undefined || env.MODE === '' ? 'apply' : env.MODE;
  if (mode !== 'apply' && mode !== 'dry-run') {
    throw new ConfigurationError(`MODE must be "apply" or "dry-run", not "${mode}"`);
  }
  return {
    mode,
    allowedBuckets: parseAllowedBuckets(env.ALLOWED_BUCKETS),
    allowCaUpdates: parseBoolean('ALLOW_CA_UPDATES', env.ALLOW_CA_UPDATES, true),
    notificationTopicArn: env.NOTIFICATION_TOPIC_ARN ?? '',
    crlRecoveryWindowMinutes: parsePositiveInteger('CRL_RECOVERY_WINDOW_MINUTES', env.CRL_RECOVERY_WINDOW_MINUTES, 75),
  };
}

/**
 * What RecordOutcome needs, read leniently: an execution that failed because of a
 * bad setting must still be recorded and notified, so a bad MODE reads as 'unknown'.
 */
export function loadRecordingConfig(env: NodeJS.ProcessEnv = process.env): { mode: Mode | 'unknown'; notificationTopicArn: string } {
  const mode = env.MODE === undefined || env.MODE === '' ? 'apply' : env.MODE;
  return { mode: mode === 'apply' || mode === 'dry-run' ? mode : 'unknown', notificationTopicArn: env.NOTIFICATION_TOPIC_ARN ?? '' };
}

export function isBucketAllowed(config: Config, bucket: string): boolean {
  return config.allowedBuckets.length === 0 || config.allowedBuckets.includes(bucket);
}
