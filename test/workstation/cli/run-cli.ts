/** Run one of the command-line tools as a user does: a separate Node process through tsx. */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

export const ROOT = new URL('../../../', import.meta.url).pathname;

/** Every command-line tool, by its npm script (and src/workstation/cli/<name>.ts). */
export const COMMANDS = [
  'local',
  'demo',
  'diagram',
  'schema',
  'invoke',
  'executions',
  'rollback',
  'approve',
  'decline',
  'bench',
  'readme',
  'check',
  'snapshot',
] as const;

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** `node --import tsx src/workstation/cli/<script>.ts ...args` from the repository root, colours off. */
export async function runCli(script: string, args: readonly string[], env: NodeJS.ProcessEnv = process.env): Promise<CliResult> {
  try {
    const { stdout, stderr } = await promisify(execFile)(process.execPath, ['--import', 'tsx', `src/workstation/cli/${script}.ts`, ...args], {
      cwd: ROOT,
      env: { ...env, NO_COLOR: '1' },
      timeout: 60_000,
    });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code: number; stdout: string; stderr: string };
    return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr };
  }
}
