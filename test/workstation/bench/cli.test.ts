/** `npm run bench` as a user runs it: bad arguments exit 2 before anything is measured; --json prints only JSON. */
import { describe, expect, it } from 'vitest';
import { runCli } from '../cli/run-cli';

describe('npm run bench', () => {
  it.each([
    ['an unknown section', ['--only', 'everything'], /no section everything/],
    ['zero runs', ['--runs', '0'], /--runs must be a whole number of at least 1/],
    ['runs that are not a number', ['--runs', 'many'], /--runs must be a whole number/],
    ['an unknown option', ['--fast'], /Unknown option '--fast'/],
  ])('exits 2 with the usage for %s', async (_case, args, message) => {
    const result = await runCli('bench', args);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(message);
    expect(result.stderr).toContain('usage: npm run bench');
    expect(result.stdout).toBe('');
  });

  it('prints one JSON document and nothing else with --json, exit 0', async () => {
    const result = await runCli('bench', ['--only', 'paths', '--json']);
    expect(result.code).toBe(0);
    const report = JSON.parse(result.stdout);
    expect(report.sections).toEqual(['paths']);
    expect(report.machine.cores).toBeGreaterThan(0);
    expect(report.paths.target).toMatchObject({ path: 'crl-missing-grant', transitionsPass: true, invocationsPass: true });
    expect(report.prices.stateTransition.source).toBe('https://aws.amazon.com/step-functions/pricing/');
    expect(report.bundles).toBeUndefined();
  });
});
