/**
 * src/lambda/runtime/config.ts is the one module of the product that reads the environment: the
 * settings' readers, their defaults and errors, and a scan of src/core and src/lambda
 * for any other read of process.env.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  DEFAULT_LEASE_SECONDS,
  DEFAULT_RETENTION_DAYS,
  historyTableName,
  leaseSeconds,
  loadSweepSettings,
  retentionDays,
} from '../../../src/lambda/runtime/config';

const ROOT = new URL('../../../', import.meta.url).pathname;

function sources(directory: string): string[] {
  return readdirSync(join(ROOT, directory), { recursive: true, encoding: 'utf8' })
    .filter((name) => name.endsWith('.ts'))
    .map((name) => join(directory, name));
}

describe('the environment', () => {
  it('is read by src/lambda/runtime/config.ts only, in the code that runs in the Lambdas', () => {
    const readers = [...sources('src/core'), ...sources('src/lambda')].filter((file) =>
      /\bprocess\.env\b|\benv\.[A-Z_]{3,}\b/.test(readFileSync(join(ROOT, file), 'utf8')),
    );
    expect(readers.map((file) => relative('.', file))).toEqual(['src/lambda/runtime/config.ts']);
  });

  it('gives the history table name, or says it is not set', () => {
    expect(historyTableName({ HISTORY_TABLE_NAME: 'pca-remediation-dev-HistoryTable-1' })).toBe('pca-remediation-dev-HistoryTable-1');
    expect(() => historyTableName({})).toThrow('HISTORY_TABLE_NAME is not set');
  });

  it('gives the retention and the lease length, their defaults when unset, and refuses what is not a positive whole number', () => {
    expect(retentionDays({})).toBe(DEFAULT_RETENTION_DAYS);
    expect(retentionDays({ HISTORY_RETENTION_DAYS: '30' })).toBe(30);
    expect(() => retentionDays({ HISTORY_RETENTION_DAYS: '0' })).toThrow('HISTORY_RETENTION_DAYS must be a positive whole number, not "0"');
    expect(leaseSeconds({})).toBe(DEFAULT_LEASE_SECONDS);
    expect(leaseSeconds({ BUCKET_LEASE_SECONDS: '90' })).toBe(90);
    expect(() => leaseSeconds({ BUCKET_LEASE_SECONDS: '1.5' })).toThrow('BUCKET_LEASE_SECONDS must be a positive whole number, not "1.5"');
  });

  it('gives the sweep the state machine ARN, and refuses anything else', () => {
    const arn = 'arn:aws:states:us-east-1:111122223333:stateMachine:pca-remediation-dev';
    expect(loadSweepSettings({ STATE_MACHINE_ARN: arn })).toEqual({ stateMachineArn: arn });
    expect(() => loadSweepSettings({})).toThrow('STATE_MACHINE_ARN must be the ARN of the remediation state machine, not ""');
    expect(() => loadSweepSettings({ STATE_MACHINE_ARN: 'arn:aws:states:us-east-1:111122223333:execution:x:y' })).toThrow(/^STATE_MACHINE_ARN must be/);
  });
});
