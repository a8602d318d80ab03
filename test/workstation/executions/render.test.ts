import { describe, expect, it } from 'vitest';
import { loadDefinition } from '../../../src/workstation/executions/definition';
import { COLORS, formatSeconds, renderExecution } from '../../../src/workstation/executions/render';
import { executionView } from '../../../src/workstation/executions/view';
import { account, event, runScenario } from '../../workflow/scenario';

describe('formatSeconds', () => {
  it.each([
    [0, '0s'],
    [0.45, '450ms'],
    [41.2, '41s'],
    [972, '16m 12s'],
    [3720, '1h 02m'],
  ])('%s → %s', (seconds, text) => expect(formatSeconds(seconds)).toBe(text));
});

describe('renderExecution', () => {
  const { definition } = loadDefinition();

  it('shows the states in order, each retry with its delay and the ceiling the retrier allows, and the outcome', async () => {
    const run = await runScenario(event('crl-s3-internal-failure.json'), account('crl-internal-failure'), { random: () => 0.5 });
    const text = renderExecution(executionView(run.execution.history), { definition });
    const stateLines = text
      .split('\n')
      .filter((line) => /^ {2}\d+ +/.test(line))
      .map((line) => line.trim().split(/\s+/)[1]);
    expect(stateLines).toEqual(run.states);
    expect(text).toContain('↻ CrlNotYetPublished');
    expect(text).toContain('retry 1 after 30s (full jitter under 1m 00s)');
    expect(text).toContain('retry 2 after 1m 00s (full jitter under 2m 00s)');
    expect(text).toMatch(/outcome +RECOVERED/);
    expect(text).not.toContain('\u001b[');
  });

  it('shows a caught error, the failed end, and the change as a diff of the policy', async () => {
    const run = await runScenario(event('crl-s3-permission-failure.json'), account(), {
      prepare: (simulation) => {
        const send = simulation.send.bind(simulation);
        simulation.send = async (service, operation, input) => {
          if (operation === 'GetBucketEncryption') throw new TypeError('simulated bug');
          return send(service, operation, input);
        };
      },
    });
    const text = renderExecution(executionView(run.execution.history), {});
    expect(text).toContain('⤷ caught TypeError: simulated bug');
    expect(text).toMatch(/status +FAILED/);
    expect(text).toMatch(/✗ RemediationFailed/);

    const repaired = await runScenario(event('crl-s3-permission-failure.json'), account());
    const diff = renderExecution(executionView(repaired.execution.history), {});
    expect(diff).toContain('PutBucketPolicy arn:aws:s3:::pca-crl-111122223333  (applied, read back)');
    expect(diff).toContain('+       "Sid": "AllowAcmPcaWrite11223344123411222233112233445566",');
    expect(diff).not.toMatch(/^ +- /m);
  });

  it('colors only when asked', async () => {
    const run = await runScenario(event('crl-s3-permission-failure.json'), account());
    expect(renderExecution(executionView(run.execution.history), { paint: COLORS })).toContain('\u001b[32mREMEDIATED\u001b[39m');
  });
});
