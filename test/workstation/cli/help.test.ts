/**
 * `--help` (and `-h`) on every command prints its usage on stdout and exits 0, before
 * anything else runs; an unknown option prints the same usage on stderr, exit code 2.
 */
import { describe, expect, it } from 'vitest';
import { COMMANDS, runCli } from './run-cli';

describe('--help', () => {
  it.concurrent.each(COMMANDS)('npm run %s -- --help: the usage, exit code 0; -h too; the same usage after a bad option', async (command) => {
    const help = await runCli(command, ['--help']);
    expect(help.stderr).toBe('');
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(new RegExp(`^usage: npm run ${command}\\b`));

    const short = await runCli(command, ['-h']);
    expect(short).toEqual(help);

    const bad = await runCli(command, ['--no-such-option']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toBe(`error: Unknown option '--no-such-option'\n\n${help.stdout}`);
  });
});
