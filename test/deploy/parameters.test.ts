/**
 * deploy/parameters.cjs is the one table of deployment parameters: serverless.yml's
 * defaults, the package-time checks, the Lambdas' defaults (src/lambda/runtime/config.ts) and the
 * README's table (pasted by npm run readme, checked by test/workstation/cli/readme.test.ts) agree with it.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { loadConfig, retentionDays } from '../../src/lambda/runtime/config';
import { ROOT } from './package';

const require = createRequire(import.meta.url);
const { PARAMETERS } = require('../../deploy/parameters.cjs') as {
  PARAMETERS: Array<{ name: string; default: string; check: (value: unknown) => string | null }>;
};
const { checkParameters } = require('../../deploy/iam-roles.cjs') as { checkParameters: (values: Record<string, unknown>) => void };

const byName = Object.fromEntries(PARAMETERS.map((parameter) => [parameter.name, parameter]));
const defaults = Object.fromEntries(PARAMETERS.map((parameter) => [parameter.name, parameter.default]));

describe('the deployment parameters', () => {
  it('has serverless.yml default exactly the parameters of the table, with the same values', () => {
    // The YAML is read as text: `${...}` variables are the framework's, not YAML's.
    const document = parse(readFileSync(`${ROOT}serverless.yml`, 'utf8')) as { params: { default: Record<string, unknown> } };
    const yaml = Object.fromEntries(Object.entries(document.params.default).map(([name, value]) => [name, String(value)]));
    expect(yaml).toEqual(defaults);
  });

  it('gives the Lambdas the same defaults when a setting is unset', () => {
    const config = loadConfig({});
    expect(config.mode).toBe(byName.mode!.default);
    expect(String(config.allowCaUpdates)).toBe(byName.allowCaUpdates!.default);
    expect(String(config.crlRecoveryWindowMinutes)).toBe(byName.crlRecoveryWindowMinutes!.default);
    expect(String(config.approvalTimeoutHours)).toBe(byName.approvalTimeoutHours!.default);
    expect(config.allowedBuckets.join(',')).toBe(byName.allowedBuckets!.default);
    expect(String(retentionDays({}))).toBe(byName.historyRetentionDays!.default);
  });

  it('accepts every default, and refuses a bad value naming the parameter', () => {
    expect(() => checkParameters(defaults)).not.toThrow();
    expect(() => checkParameters({ ...defaults, mode: 'yolo' })).toThrow('mode must be "apply", "dry-run" or "approve", not "yolo"');
    expect(() => checkParameters({ ...defaults, allowCaUpdates: 'yes' })).toThrow('allowCaUpdates must be "true" or "false", not "yes"');
    expect(() => checkParameters({ ...defaults, historyRetentionDays: '0' })).toThrow('historyRetentionDays must be a positive whole number, not "0"');
    expect(() => checkParameters({ ...defaults, crlRecoveryWindowMinutes: '1.5' })).toThrow(
      'crlRecoveryWindowMinutes must be a positive whole number, not "1.5"',
    );
    expect(() => checkParameters({ ...defaults, approvalTimeoutHours: '9000' })).toThrow(/approvalTimeoutHours/);
    expect(() => checkParameters({ ...defaults, sweepSchedule: 'every day' })).toThrow(/^sweepSchedule must be empty/);
  });
});
