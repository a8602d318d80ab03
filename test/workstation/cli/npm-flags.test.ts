/**
 * Flags written before `--` in `npm run <script>` are taken by npm and arrive only as
 * npm_config_<flag> in the environment. A --json taken so is honoured; any other option
 * of the CLI stops it with a hint, before it does anything. The function with a given
 * environment, then through npm itself.
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { parseCommandLine } from '../../../src/workstation/cli/common';
import { ROOT } from './run-cli';

const OPTIONS = {
  json: { type: 'boolean', default: false },
  history: { type: 'string' },
  seed: { type: 'string' },
  'no-package': { type: 'boolean', default: false },
  help: { type: 'boolean', short: 'h', default: false },
} as const;

const parse = (env: NodeJS.ProcessEnv, args: string[] = ['event.json']) => parseCommandLine('local', { args, allowPositionals: true, options: OPTIONS }, env);

describe('parseCommandLine', () => {
  it('honours a --json that npm took', () => {
    expect(parse({ npm_lifecycle_event: 'local', npm_config_json: 'true' }).values.json).toBe(true);
    expect(parse({ npm_lifecycle_event: 'local' }).values.json).toBe(false);
  });

  it('reads npm_config_* only when npm started this very script', () => {
    expect(parse({ npm_lifecycle_event: 'test', npm_config_json: 'true', npm_config_seed: 'true' }).values).toEqual({
      json: false,
      'no-package': false,
      help: false,
    });
    expect(parse({ npm_config_seed: 'true' }).values.seed).toBeUndefined();
  });

  it('stops with a hint naming every other option npm took, and how to write it', () => {
    expect(() =>
      parse({ npm_lifecycle_event: 'local', npm_config_json: 'true', npm_config_history: 'true', npm_config_seed: 'true' }, ['event.json', 'h.json', '3']),
    ).toThrow(
      'npm took --history and --seed as its own: npm reads every flag before `--` and passes on only npm_config_history and npm_config_seed (any value becomes an argument). Write npm run local -- … --history <value> --seed <value> (or, if an .npmrc sets them, remove them there)',
    );
    expect(() => parse({ npm_lifecycle_event: 'local', npm_config_package: '' })).toThrow(
      'npm took --no-package as its own: npm reads every flag before `--` and passes on only npm_config_package (any value',
    );
  });

  it('leaves --help to npm, and flags of ours given after -- to parseArgs', () => {
    expect(parse({ npm_lifecycle_event: 'local', npm_config_help: 'true' }).values.help).toBe(false);
    expect(parse({ npm_lifecycle_event: 'local' }, ['event.json', '--seed', '3', '--json']).values).toMatchObject({ seed: '3', json: true });
  });
});

describe('through npm', () => {
  // Nothing here may reach AWS, even if the check broke: AWS calls go to a closed local port.
  const env = { ...process.env, NO_COLOR: '1', AWS_ENDPOINT_URL: 'http://127.0.0.1:1' };
  const npm = async (...args: string[]) => {
    try {
      const { stdout, stderr } = await promisify(execFile)('npm', args, { cwd: ROOT, env, timeout: 60_000 });
      return { code: 0, stdout, stderr };
    } catch (error) {
      return error as { code: number; stdout: string; stderr: string };
    }
  };

  it('npm run local <event> --json (no --) prints the JSON document', async () => {
    const { code, stdout } = await npm('run', '-s', 'local', 'events/crl-s3-permission-failure.json', '--json');
    expect(code).toBe(0);
    expect(JSON.parse(stdout)).toMatchObject({ status: 'SUCCEEDED', outcome: { status: 'REMEDIATED' } });
  });

  it('npm run rollback <id> --check (no --) refuses, rather than roll back for real', async () => {
    const { code, stdout, stderr } = await npm('run', '-s', 'rollback', '7d5b4c1e-0c59-4f0b-9a53-1b7e1c0a0003', '--check');
    expect(code).toBe(2);
    expect(stdout).toBe('');
    expect(stderr).toMatch(/^error: npm took --check as its own: .* Write npm run rollback -- … --check /);
  });
});
