import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { handler } from '../../../src/lambda/handlers/classify-event';
import { logger } from '../../../src/lambda/runtime/powertools';
import type { Classification } from '../../../src/core/types';
import { ACCOUNT, AUDIT_REPORT_ID, CA_ARN, CA_ID, CERTIFICATE_ARN, EVENT_TIME, EVENTS, lambdaContext, stubDeploymentEnv } from './fixtures';

const PUBLISHED = join(import.meta.dirname, '../../../events/published');

function classify(input: unknown): Promise<{ event: unknown; classification: Classification }> {
  return handler(input as { event?: unknown }, lambdaContext('ClassifyEvent'));
}

beforeEach(() => {
  stubDeploymentEnv();
});

afterEach(() => {
  vi.restoreAllMocks();
  vi.unstubAllEnvs();
});

describe('ClassifyEvent', () => {
  it('sunny day: returns the event unchanged and its classification', async () => {
    // Act
    const result = await classify({ event: EVENTS.crlS3Permission });
    // Assess
    expect(result.event).toEqual(EVENTS.crlS3Permission);
    expect(result.classification).toEqual({
      kind: 'CRL_S3_PERMISSION',
      eventId: EVENTS.crlS3Permission.id,
      eventTime: EVENT_TIME,
      detailType: 'ACM Private CA CRL Generation',
      reason: 'Failed to write CRL to S3. Check your S3 bucket permissions.',
      certificateAuthorityArn: CA_ARN,
      certificateAuthorityId: CA_ID,
      partition: 'aws',
      region: 'us-east-1',
      account: ACCOUNT,
    });
  });

  it.each([
    ['crlS3Permission', 'CRL_S3_PERMISSION', {}],
    ['crlS3Internal', 'CRL_S3_INTERNAL', {}],
    ['crlGenerationInternal', 'CRL_GENERATION_INTERNAL', {}],
    ['auditReport', 'AUDIT_REPORT', { auditReportId: AUDIT_REPORT_ID }],
    ['certificateIssuance', 'CERTIFICATE_ISSUANCE', { certificateArn: CERTIFICATE_ARN }],
    ['caCreation', 'CA_CREATION', {}],
  ] as const)('events/ sample %s → %s', async (name, kind, extra) => {
    const { classification } = await classify({ event: EVENTS[name] });
    expect(classification).toMatchObject({ kind, eventId: EVENTS[name].id, certificateAuthorityArn: CA_ARN, account: ACCOUNT, ...extra });
  });

  it.each(readdirSync(PUBLISHED).filter((file) => file.endsWith('.json')))(
    'the documentation sample events/published/%s (placeholders or a success) is UNRECOGNIZED with a reason',
    async (file) => {
      const event: unknown = JSON.parse(readFileSync(join(PUBLISHED, file), 'utf8'));
      const { classification } = await classify({ event });
      expect(classification.kind).toBe('UNRECOGNIZED');
      expect(classification.rejection).toEqual(expect.any(String));
    },
  );

  it.each([
    ['a string', { event: 'ACM Private CA CRL Generation' }],
    ['a number', { event: 42 }],
    ['a list', { event: [EVENTS.crlS3Permission] }],
    ['null', { event: null }],
    ['an input without "event"', {}],
    ['a null input', null],
  ])('client error: %s gives UNRECOGNIZED, never throws', async (_name, input) => {
    const { classification } = await classify(input);
    expect(classification).toMatchObject({ kind: 'UNRECOGNIZED', eventId: 'unknown', rejection: expect.stringContaining('not a JSON object') });
  });

  it.each([
    ['another source', { ...EVENTS.crlS3Permission, source: 'aws.s3' }, /"source"/],
    ['an undocumented CRL reason', { ...EVENTS.crlS3Permission, detail: { result: 'failure', reason: 'Something else' } }, /detail\.reason/],
    ['a CA ARN from another account', { ...EVENTS.crlS3Permission, account: '444455556666' }, /account/],
  ])('%s → UNRECOGNIZED naming the problem', async (_name, event, problem) => {
    const { classification } = await classify({ event });
    expect(classification).toMatchObject({ kind: 'UNRECOGNIZED', eventId: EVENTS.crlS3Permission.id, rejection: expect.stringMatching(problem) });
  });

  it('logs the classification once', async () => {
    const info = vi.spyOn(logger, 'info');
    const { classification } = await classify({ event: EVENTS.caCreation });
    expect(info).toHaveBeenCalledWith('event classified', { classification });
  });
});
