/**
 * `npm run invoke`, `npm run executions`, `npm run approve` and `npm run decline` as separate processes, on the paths that
 * need no AWS: bad arguments, an event the workflow would reject, and no credentials.
 * The environment is emptied of AWS settings (and HOME points at an empty folder), so
 * the SDK finds no credentials and never reaches the network.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli, type CliResult } from './run-cli';

const home = mkdtempSync(join(tmpdir(), 'pca-no-aws-'));
const env = Object.fromEntries(Object.entries(process.env).filter(([key]) => !key.startsWith('AWS_')));

function cli(script: 'invoke' | 'executions' | 'approve' | 'decline', ...args: string[]): Promise<CliResult> {
  return runCli(script, args, {
    ...env,
    HOME: home,
    AWS_EC2_METADATA_DISABLED: 'true',
    AWS_CONFIG_FILE: join(home, 'none'),
    AWS_SHARED_CREDENTIALS_FILE: join(home, 'none'),
  });
}

describe('npm run invoke without AWS', () => {
  it.each([
    [['events/crl-s3-permission-failure.json', '--region', 'eu-west-1'], /^error: reading stack pca-remediation-dev: no usable AWS credentials .*AWS_PROFILE/],
    [
      ['events/published/crl-s3-permission-failure.json'],
      /^error: events\/published\/crl-s3-permission-failure\.json is not a Private CA failure event this workflow handles: .*Nothing was started/,
    ],
    [['events/nope.json'], /^error: event file events\/nope\.json: no such file/],
    [['events/crl-s3-permission-failure.json', '--diagram', 'x.svg'], /^error: --diagram needs --wait/],
    [
      ['events/crl-s3-permission-failure.json', '--wait', '--diagram', 'x.png'],
      /^error: --diagram x\.png: the file name must end in \.svg \(a picture\) or \.mmd \(Mermaid\)/,
    ],
    [[], /^error: give one event file/],
  ])('%j: a one-line error, exit code 2, nothing on stdout', async (args, message) => {
    const { code, stdout, stderr } = await cli('invoke', ...args);
    expect(stderr).toMatch(message);
    expect(code).toBe(2);
    expect(stdout).toBe('');
    expect(stderr).not.toMatch(/\n\s+at /);
  });
});

describe('npm run executions without AWS', () => {
  it.each([
    [['--region', 'eu-west-1'], /^error: reading stack pca-remediation-dev: no usable AWS credentials/],
    [['--status', 'BROKEN'], /^error: --status BROKEN: one of RUNNING, SUCCEEDED, FAILED, TIMED_OUT, ABORTED/],
    [['--limit', '0'], /^error: --limit 0: a whole number from 1 to 1000/],
    [['--since', 'yesterday'], /^error: --since yesterday: give a duration/],
    [['not-an-arn'], /^error: not-an-arn is not an execution ARN/],
    [
      ['arn:aws:states:eu-west-1:111122223333:execution:pca-remediation-dev:e1'],
      /^error: describing arn:aws:states:eu-west-1:111122223333:execution:pca-remediation-dev:e1: no usable AWS credentials/,
    ],
  ])('%j: a one-line error, exit code 2', async (args, message) => {
    const { code, stderr } = await cli('executions', ...args);
    expect(stderr).toMatch(message);
    expect(code).toBe(2);
  });
});

describe('npm run approve and npm run decline without AWS: one line, exit code 2, nothing sent', () => {
  it.each([
    [
      'approve',
      ['9f1c2e4a-0000-4000-8000-000000000001', '--region', 'eu-west-1'],
      /^error: reading stack pca-remediation-dev: no usable AWS credentials .*AWS_PROFILE/,
    ],
    [
      'decline',
      ['9f1c2e4a-0000-4000-8000-000000000001', '--reason', 'not now', '--region', 'eu-west-1'],
      /^error: reading stack pca-remediation-dev: no usable AWS credentials/,
    ],
    ['decline', ['9f1c2e4a-0000-4000-8000-000000000001', '--region', 'eu-west-1'], /^error: a decline needs --reason "<why>"/],
    ['approve', [], /^error: give the id of one event/],
    ['approve', ['a', 'b'], /^error: give the id of one event/],
  ] as const)('npm run %s %j', async (script, args, message) => {
    const { code, stdout, stderr } = await cli(script, ...args);
    expect(stderr).toMatch(message);
    expect(code).toBe(2);
    expect(stdout).toBe('');
    expect(stderr).not.toMatch(/\n\s+at /);
  });
});
