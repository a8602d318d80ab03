/**
 * Every log line of a step carries the event id and the execution ARN, and neither leaks
 * into the next invocation of the same (warm) Lambda container.
 */
import { readFileSync } from 'node:fs';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { handler as classifyEvent } from '../../../src/lambda/handlers/classify-event';
import { correlationKeys, withPowertools } from '../../../src/lambda/handlers/middleware';
import { resetClients } from '../../../src/lambda/aws/clients/registry';
import { logger } from '../../../src/lambda/runtime/powertools';
import { lambdaContext, stubDeploymentEnv } from './fixtures';

// vitest.config.ts silences the logger; this file needs its lines. The level is read when
// the logger is built (on import), and injectLambdaContext goes back to it every invocation.
vi.hoisted(() => {
  process.env.POWERTOOLS_LOG_LEVEL = 'DEBUG';
});

const EXECUTION_A = 'arn:aws:states:us-east-1:111122223333:execution:pca-remediation-dev:run-a';
const EXECUTION_B = 'arn:aws:states:us-east-1:111122223333:execution:pca-remediation-dev:run-b';
const sample = (file: string) => JSON.parse(readFileSync(new URL(`../../../events/${file}`, import.meta.url), 'utf8')) as { id: string };

/** Every line the Powertools logger prints (POWERTOOLS_DEV makes it print through the global console), parsed. */
function captureLogLines(): Array<Record<string, unknown>> {
  const lines: Array<Record<string, unknown>> = [];
  for (const method of ['debug', 'info', 'warn', 'error', 'log'] as const) {
    vi.spyOn(console, method).mockImplementation((text: unknown) => {
      lines.push(JSON.parse(String(text)) as Record<string, unknown>);
    });
  }
  return lines;
}

/** A step that logs at three levels and then, when asked, fails as a handler does. */
const chatty = withPowertools(async (input: { fail?: boolean }) => {
  logger.info('first');
  logger.warn('second', { detail: 1 });
  logger.error('third');
  if (input.fail) throw new Error('step failed');
  return 'done';
});

beforeEach(() => {
  resetClients();
  stubDeploymentEnv();
});

afterEach(() => {
  vi.restoreAllMocks();
  vi.unstubAllEnvs();
});

describe('log correlation', () => {
  it('puts eventId and executionArn on every line of a step, at every level', async () => {
    const lines = captureLogLines();
    await chatty({ classification: { kind: 'CRL_S3_PERMISSION', eventId: 'event-1' }, executionArn: EXECUTION_A } as never, lambdaContext('InspectCrlBucket'));
    expect(lines.map((line) => line.message)).toEqual(['first', 'second', 'third']);
    for (const line of lines) expect(line).toMatchObject({ eventId: 'event-1', executionArn: EXECUTION_A, product: 'pca-remediation' });
  });

  it('does not carry one invocation keys into the next, after a success or after an error', async () => {
    const lines = captureLogLines();
    await expect(
      chatty({ classification: { eventId: 'event-1' }, executionArn: EXECUTION_A, fail: true } as never, lambdaContext('RepairCrlBucket')),
    ).rejects.toThrow('step failed');
    await chatty({ classification: { eventId: 'event-2' }, executionArn: EXECUTION_B } as never, lambdaContext('RepairCrlBucket'));
    await chatty({} as never, lambdaContext('RepairCrlBucket'));
    expect(lines).toHaveLength(9);
    for (const line of lines.slice(0, 3)) expect(line).toMatchObject({ eventId: 'event-1', executionArn: EXECUTION_A });
    for (const line of lines.slice(3, 6)) expect(line).toMatchObject({ eventId: 'event-2', executionArn: EXECUTION_B });
    for (const line of lines.slice(6)) {
      expect(line).not.toHaveProperty('eventId');
      expect(line).not.toHaveProperty('executionArn');
      expect(line).toMatchObject({ product: 'pca-remediation' });
    }
  });

  it('ClassifyEvent logs the event id of the event it classifies, and its kind does not leak either', async () => {
    const lines = captureLogLines();
    const permission = sample('crl-s3-permission-failure.json');
    const audit = sample('audit-report-failure.json');
    expect(permission.id).not.toBe(audit.id);
    await classifyEvent({ event: permission, executionArn: EXECUTION_A } as never, lambdaContext('ClassifyEvent'));
    await classifyEvent({ event: audit } as never, lambdaContext('ClassifyEvent'));
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatchObject({ eventId: permission.id, executionArn: EXECUTION_A, kind: 'CRL_S3_PERMISSION' });
    expect(lines[1]).toMatchObject({ eventId: audit.id, kind: 'AUDIT_REPORT' });
    expect(lines[1]).not.toHaveProperty('executionArn');
  });
});

describe('correlationKeys', () => {
  it.each([
    ['ClassifyEvent: the raw event', { event: { id: 'e-1' }, executionArn: EXECUTION_A }, { eventId: 'e-1', executionArn: EXECUTION_A }],
    ['a step after it: the classification', { classification: { eventId: 'e-2' }, inspection: {} }, { eventId: 'e-2' }],
    [
      'RecordOutcome: the whole state',
      { state: { classification: { eventId: 'e-3' } }, executionArn: EXECUTION_B },
      { eventId: 'e-3', executionArn: EXECUTION_B },
    ],
    ['the sweep: a scheduled event with neither', { 'detail-type': 'Scheduled Event' }, {}],
    ['an input that is not an object', null, {}],
    ['ids that are not strings', { classification: { eventId: 7 }, executionArn: '' }, {}],
  ])('%s', (_case, input, keys) => {
    expect(correlationKeys(input)).toEqual(keys);
  });
});
