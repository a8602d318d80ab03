/**
 * The demo's scenarios (src/workstation/local/scenarios.ts): every event and account file exists
 * and parses, and every scenario ends as it says, through the real definition and
 * handlers against the simulated account.
 */
import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseAccountFile } from '../../../src/workstation/local/account-file';
import { SCENARIOS, type Scenario } from '../../../src/workstation/local/scenarios';
import { runScenario } from '../../workflow/scenario';

const ROOT = new URL('../../../', import.meta.url);

function readJson(path: string): unknown {
  return JSON.parse(readFileSync(new URL(path, ROOT), 'utf8'));
}

/** Run a scenario's event against its account file, in its mode. */
function run(scenario: Scenario) {
  return runScenario(readJson(scenario.event), readJson(scenario.account), {
    env: { MODE: scenario.mode ?? 'apply' },
    ...(scenario.approver ? { approver: scenario.approver } : {}),
  });
}

describe('the demo scenarios', () => {
  it.each(SCENARIOS)('$id has an event and an account file that parse', (scenario) => {
    // Arrange
    const files = [scenario.event, scenario.account];
    // Act / Assert
    for (const file of files) expect(existsSync(new URL(file, ROOT)), file).toBe(true);
    expect(() => readJson(scenario.event)).not.toThrow();
    expect(() => parseAccountFile(readJson(scenario.account))).not.toThrow();
  });

  it('has exactly one default scenario for each kind it covers', () => {
    // Arrange
    const kinds = [...new Set(SCENARIOS.map((scenario) => scenario.kind))];
    // Act
    const defaults = kinds.map((kind) => SCENARIOS.filter((scenario) => scenario.kind === kind && scenario.defaultForKind).length);
    // Assert
    expect(defaults).toEqual(kinds.map(() => 1));
  });

  it.each(SCENARIOS)('$id ends $expect.status ($expect.executionStatus)', async (scenario) => {
    // Act
    const { execution, outcome } = await run(scenario);
    // Assert
    expect(outcome.status).toBe(scenario.expect.status);
    expect(execution.status).toBe(scenario.expect.executionStatus);
    expect(outcome.kind).toBe(scenario.kind);
  });

  // audit-report-fails-again repairs the bucket and the report still fails; crl-account-block-public-access adds the grant and Private CA still cannot write.
  const unremediated = SCENARIOS.filter(
    (scenario) => scenario.expect.status !== 'REMEDIATED' && scenario.id !== 'audit-report-fails-again' && scenario.id !== 'crl-account-block-public-access',
  );

  it.each(unremediated)('$id changes neither a bucket policy nor the CA', async (scenario) => {
    // Act
    const { mutatingCalls } = await run(scenario);
    // Assert
    expect(mutatingCalls).not.toContain('PutBucketPolicy');
    expect(mutatingCalls).not.toContain('UpdateCertificateAuthority');
  });

  it('audit-report-fails-again repairs the audit bucket policy before the report fails again', async () => {
    // Arrange
    const scenario = SCENARIOS.find((item) => item.id === 'audit-report-fails-again')!;
    // Act
    const { outcome, mutatingCalls } = await run(scenario);
    // Assert
    expect(outcome.status).toBe('ESCALATED');
    expect(mutatingCalls).toContain('PutBucketPolicy');
  });
});

describe('docs/local-runner.md', () => {
  const readme = readFileSync(new URL('../../../docs/local-runner.md', import.meta.url), 'utf8');
  it.each(SCENARIOS.map((scenario) => [scenario.account, scenario.expect.status]))('lists %s with its outcome %s', (account, status) => {
    expect(readme).toMatch(new RegExp(`\\]\\(\\.\\./${account.replaceAll('.', '\\.')}\\) \\|[^\\n]*\\| \`${status}\` \\|`));
  });
});
