import { HeadObjectCommand } from '@aws-sdk/client-s3';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { handler } from '../../src/handlers/check-crl-republished';
import type { CrlCheck } from '../../src/lib/check-crl-published';
import { resetClients } from '../../src/lib/clients/registry';
import { resetClock, setClock } from '../../src/lib/clock';
import type { Inspection } from '../../src/lib/types';
import {
  ACCOUNT,
  CA_ID,
  CRL_BUCKET,
  CRL_KEY,
  crlInspection,
  expectEveryS3CallScopedToOwner,
  lambdaContext,
  mockS3,
  s3Error,
  stubDeploymentEnv,
  TARGETS,
} from './fixtures';

const s3Mock = mockS3();
const inspection = crlInspection([], { next: 'compliant' });
const BEFORE_EVENT = new Date('2026-11-20T09:30:00.000Z');
const AFTER_EVENT = new Date('2026-11-20T10:14:00.000Z');
const WITHIN_WINDOW = '2026-11-20T10:20:00.000Z';
/** The event was at 10:00 and the default window is 75 minutes. */
const AFTER_WINDOW = '2026-11-20T11:16:00.000Z';

function at(iso: string): void {
  setClock({ now: () => new Date(iso) });
}

function check(input: Inspection = inspection, target = TARGETS.crlS3Internal): Promise<CrlCheck> {
  return handler({ target, inspection: input }, lambdaContext('CheckCrlRepublished'));
}

beforeEach(() => {
  s3Mock.reset();
  resetClients();
  stubDeploymentEnv();
  at(WITHIN_WINDOW);
});

afterEach(() => {
  resetClock();
  vi.unstubAllEnvs();
});

describe('CheckCrlRepublished', () => {
  it('sunny day: a CRL written after the failure means Private CA recovered', async () => {
    // Prepare
    s3Mock.on(HeadObjectCommand).resolves({ LastModified: AFTER_EVENT });
    // Act
    const result = await check();
    // Assess
    expect(result).toEqual({
      published: true,
      bucket: CRL_BUCKET,
      key: CRL_KEY,
      lastModified: AFTER_EVENT.toISOString(),
      eventTime: '2026-11-20T10:00:00.000Z',
      checkedAt: WITHIN_WINDOW,
      windowEndsAt: '2026-11-20T11:15:00.000Z',
    });
    expect(s3Mock.commandCalls(HeadObjectCommand).map((call) => call.args[0].input)).toEqual([{ Bucket: CRL_BUCKET, Key: CRL_KEY, ExpectedBucketOwner: ACCOUNT }]);
    expectEveryS3CallScopedToOwner(s3Mock);
  });

  it.each([
    ['an older CRL', () => s3Mock.on(HeadObjectCommand).resolves({ LastModified: BEFORE_EVENT })],
    ['no CRL yet (NotFound)', () => s3Mock.on(HeadObjectCommand).rejects(s3Error('NotFound', 404, 'Not Found'))],
  ])('%s while the recovery window is open → rejects CrlNotYetPublished so the state machine waits', async (_name, arrange) => {
    arrange();
    await expect(check()).rejects.toMatchObject({ name: 'CrlNotYetPublished', message: expect.stringContaining('2026-11-20T11:15:00.000Z') });
  });

  it.each([
    ['an older CRL', () => s3Mock.on(HeadObjectCommand).resolves({ LastModified: BEFORE_EVENT }), BEFORE_EVENT.toISOString()],
    ['no CRL at all (NotFound)', () => s3Mock.on(HeadObjectCommand).rejects(s3Error('NotFound', 404, 'Not Found')), null],
  ])('%s once the recovery window has closed → published false, to escalate', async (_name, arrange, lastModified) => {
    arrange();
    at(AFTER_WINDOW);
    const result = await check();
    expect(result).toMatchObject({ published: false, key: CRL_KEY, lastModified, checkedAt: AFTER_WINDOW, windowEndsAt: '2026-11-20T11:15:00.000Z' });
  });

  it('a CRL written exactly at the event time is not newer than the failure', async () => {
    s3Mock.on(HeadObjectCommand).resolves({ LastModified: new Date('2026-11-20T10:00:00.000Z') });
    at(AFTER_WINDOW);
    await expect(check()).resolves.toMatchObject({ published: false });
  });

  it('CRL_RECOVERY_WINDOW_MINUTES sets the window', async () => {
    stubDeploymentEnv({ CRL_RECOVERY_WINDOW_MINUTES: '15' });
    s3Mock.on(HeadObjectCommand).resolves({ LastModified: BEFORE_EVENT });
    const result = await check();
    expect(result).toMatchObject({ published: false, windowEndsAt: '2026-11-20T10:15:00.000Z' });
  });

  it('under a CustomPath both candidate keys are checked and the newer CRL counts', async () => {
    const flat = `pki/${CA_ID}.crl`;
    const nested = `pki/crl/${CA_ID}.crl`;
    s3Mock.on(HeadObjectCommand, { Key: flat }).rejects(s3Error('NotFound', 404));
    s3Mock.on(HeadObjectCommand, { Key: nested }).resolves({ LastModified: AFTER_EVENT });
    const result = await check(crlInspection([], { crl: { enabled: true, s3ObjectAcl: 'BUCKET_OWNER_FULL_CONTROL', customPath: '/pki/' } }));
    expect(result).toMatchObject({ published: true, key: nested });
    expect(s3Mock.commandCalls(HeadObjectCommand).map((call) => call.args[0].input.Key)).toEqual([flat, nested]);
  });

  it.each([
    ['SlowDown (503)', s3Error('SlowDown', 503, 'Please reduce your request rate.')],
    ['ThrottlingException', s3Error('ThrottlingException', 400, 'Rate exceeded')],
    ['InternalError (500)', s3Error('InternalError', 500, 'We encountered an internal error.')],
  ])('throttling: HeadObject answers %s → rejects AwsTransientError', async (_name, error) => {
    s3Mock.on(HeadObjectCommand).rejects(error);
    await expect(check()).rejects.toMatchObject({ name: 'AwsTransientError' });
  });

  it.each(['Forbidden', 'Unknown'])('client error: HeadObject 403 (named %s by the SDK) is not hidden as "not yet published"', async (name) => {
    s3Mock.on(HeadObjectCommand).rejects(s3Error(name, 403, 'Forbidden'));
    await expect(check()).rejects.toMatchObject({ name: 'AwsAccessDenied', message: expect.stringMatching(/denied \(403\)/) });
  });

  it.each([
    ['no inspection', { target: TARGETS.crlS3Internal }, '"inspection"'],
    ['no target', { inspection }, '"target"'],
    ['an inspection without a bucket', { target: TARGETS.crlS3Internal, inspection: { ...inspection, bucket: null } }, 'bucket'],
  ])('%s → rejects InvalidStepInput', async (_name, input, named) => {
    await expect(handler(input, lambdaContext('CheckCrlRepublished'))).rejects.toMatchObject({ name: 'InvalidStepInput', message: expect.stringContaining(named) });
  });
});
