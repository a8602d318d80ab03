/**
 * A closed output pipe (`npm run demo | head -1`) ends a CLI quietly with exit code 0,
 * not with Node's EPIPE stack trace. Each CLI runs with its stdout closed before it
 * writes anything, so its first write fails; and the README's kind of pipeline runs
 * through npm and head.
 */
import { execFile, spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { fakeAws } from './fake-aws';
import { COMMANDS, ROOT } from './run-cli';

interface Ended {
  code: number | null;
  signal: NodeJS.Signals | null;
  stderr: string;
}

/** Run a CLI whose stdout reader is gone before the CLI starts. */
function withStdoutClosed(script: string, args: readonly string[], env: NodeJS.ProcessEnv = process.env): Promise<Ended> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', `src/workstation/cli/${script}.ts`, ...args], {
      cwd: ROOT,
      env: { ...env, NO_COLOR: '1' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child.stdout.destroy();
    let stderr = '';
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    const timer = setTimeout(() => child.kill('SIGKILL'), 120_000);
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stderr });
    });
  });
}

describe('a closed output pipe', async () => {
  const aws = await fakeAws({ stacks: { 'us-east-1': ['pca-remediation-dev'] }, executions: 3 });
  afterAll(() => aws.close());

  it.concurrent.each<[string, string[]]>([
    ['demo', ['--only', 'ca-creation']],
    ['local', ['events/crl-s3-permission-failure.json']],
    ['local', ['events/crl-s3-permission-failure.json', '--json']],
    ['diagram', ['--check']],
    ['bench', ['--json', '--only', 'paths']],
    ['readme', ['--check']],
    ['check', ['--account', 'test/fixtures/accounts/several-cas.json']],
    ...COMMANDS.map((command): [string, string[]] => [command, ['--help']]),
  ])('npm run %s -- %j ends quietly, exit code 0', async (command, args) => {
    const ended = await withStdoutClosed(command, args);
    expect(ended.stderr).toBe('');
    expect(ended).toMatchObject({ code: 0, signal: null });
  });

  it('npm run executions ends quietly, exit code 0 (a fake AWS answers)', async () => {
    const ended = await withStdoutClosed('executions', [], aws.env(mkdtempSync(join(tmpdir(), 'pca-fake-aws-home-'))));
    expect(ended.stderr).toBe('');
    expect(ended).toMatchObject({ code: 0, signal: null });
    expect(aws.requests.map((request) => request.action)).toContain('ListExecutions');
  });

  it('npm run demo -- --only ca-creation | head -1: exit code 0 for the whole pipeline, nothing on stderr', async () => {
    // head reads npm's first line and exits, so the demo writes into a closed pipe.
    const { stdout, stderr } = await promisify(execFile)('bash', ['-o', 'pipefail', '-c', 'npm run demo -- --only ca-creation | head -1'], {
      cwd: ROOT,
      env: { ...process.env, NO_COLOR: '1' },
    });
    expect(stdout).toBe('\n');
    expect(stderr).toBe('');
  });
});
