/**
 * `npm run local` and `npm run demo` as a user runs them: separate Node processes
 * (through tsx, as the npm scripts do), their output and exit codes.
 */
import { SCENARIOS } from '../../../src/workstation/local/scenarios';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli, type CliResult } from './run-cli';
import { parseAccountFile } from '../../../src/workstation/local/account-file';

function cli(script: 'local' | 'demo', ...args: string[]): Promise<CliResult> {
  return runCli(script, args);
}

describe('npm run local', () => {
  it('--json prints one JSON document and nothing else, and exits 0 when the execution succeeded', async () => {
    const { code, stdout, stderr } = await cli('local', 'events/crl-s3-permission-failure.json', '--json');
    expect(stderr).toBe('');
    expect(code).toBe(0);
    const report = JSON.parse(stdout);
    expect(Object.keys(report)).toEqual(['status', 'executionArn', 'outcome', 'states', 'calls', 'account', 'history']);
    expect(report.status).toBe('SUCCEEDED');
    expect(report.outcome.status).toBe('REMEDIATED');
    expect(report.calls.map((call: { operation: string }) => call.operation)).toContain('PutBucketPolicy');
  });

  it('shows the execution, the account changes and every AWS call as text', async () => {
    const { code, stdout } = await cli('local', 'events/crl-s3-permission-failure.json', '--account', 'events/accounts/crl-explicit-deny.json');
    expect(code).toBe(0);
    expect(stdout).toMatch(/outcome +NEEDS_ATTENTION/);
    expect(stdout).toContain('POLICY_DENY_BLOCKS');
    expect(stdout).toContain('SNS: notification sent');
    expect(stdout).toMatch(/\d+ +S3 +GetBucketPolicy/);
  });

  it('--mode dry-run writes nothing, and --save-account writes the account after the run', async () => {
    const saved = join(mkdtempSync(join(tmpdir(), 'pca-local-')), 'after.json');
    const { code, stdout } = await cli('local', 'events/crl-s3-permission-failure.json', '--mode', 'dry-run', '--json', '--save-account', saved);
    expect(code).toBe(0);
    const report = JSON.parse(stdout);
    expect(report.outcome.status).toBe('DRY_RUN');
    expect(report.calls.filter((call: { operation: string }) => call.operation === 'PutBucketPolicy')).toEqual([]);
    expect(parseAccountFile(JSON.parse(readFileSync(saved, 'utf8')))).toEqual(report.account);
  });

  it('plays the person in mode approve: --answer approve is REMEDIATED, approved by the local approver', async () => {
    const { code, stdout } = await cli('local', 'events/crl-s3-permission-failure.json', '--mode', 'approve', '--answer', 'approve', '--json');
    expect(code).toBe(0);
    const report = JSON.parse(stdout);
    expect(report.outcome).toMatchObject({
      status: 'REMEDIATED',
      mode: 'approve',
      approval: { decision: 'approved', approver: 'arn:aws:iam::111122223333:user/local-approver' },
    });
    expect(report.states.map((state: { name: string }) => state.name)).toContain('AskToApproveCrlRepair');
  });

  it.each([
    [['events/nope.json'], 'error: event file events/nope.json: no such file'],
    [[], 'error: give one event file'],
    [['events/crl-s3-permission-failure.json', '--mode', 'maybe'], 'error: parameter mode: must be "apply", "dry-run" or "approve", not "maybe"'],
    [['events/crl-s3-permission-failure.json', '--answer', 'approve'], 'error: --answer is for mode approve: add --mode approve'],
    [['events/crl-s3-permission-failure.json', '--mode', 'approve', '--answer', 'maybe'], 'error: --answer maybe: one of approve, decline, none'],
    [
      ['events/crl-s3-permission-failure.json', '--mode', 'approve', '--param', 'approvalTimeoutHours=9000'],
      'error: parameter approvalTimeoutHours: must be at most 8760',
    ],
    [['events/crl-s3-permission-failure.json', '--param', 'colour=blue'], 'error: --param colour: not a parameter'],
    [['events/crl-s3-permission-failure.json', '--account', 'package.json'], 'error: account file package.json: $.name: is not a known field'],
    [['events/crl-s3-permission-failure.json', '--bogus'], "error: Unknown option '--bogus'"],
  ])('refuses %j with a one-line error, exit code 2 and no output', async (args, message) => {
    const { code, stdout, stderr } = await cli('local', ...args);
    expect(code).toBe(2);
    expect(stdout).toBe('');
    expect(stderr.startsWith(message)).toBe(true);
    expect(stderr).not.toMatch(/\n\s+at /);
  });
});

describe('npm run demo', () => {
  it('runs every scenario and ends with the summary table, exit code 0', async () => {
    const { code, stdout } = await cli('demo');
    expect(code).toBe(0);
    expect(stdout).toMatch(new RegExp(`All ${SCENARIOS.length} ended as expected\\.`));
    for (const id of [
      'crl-missing-grant',
      'crl-explicit-deny',
      'crl-public-read-acls-disabled',
      'crl-internal-recovers',
      'crl-internal-persists',
      'audit-report-repaired',
      'audit-report-fails-again',
      'certificate-issuance',
      'ca-creation',
      'malformed-event',
    ]) {
      expect(stdout).toContain(`[${id}]`);
    }
    expect(stdout).toMatch(/scenario +event +kind +outcome +states +Lambdas +AWS calls +writes +took/);
  });
});
