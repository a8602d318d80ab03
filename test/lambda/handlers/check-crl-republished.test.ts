import { ListObjectsV2Command } from '@aws-sdk/client-s3';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { handler } from '../../../src/lambda/handlers/check-crl-republished';
import { resetClients } from '../../../src/lambda/aws/clients/registry';
import { resetClock, setClock } from '../../../src/lambda/runtime/clock';
import type { CrlCheck, Inspection } from '../../../src/core/types';
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
  CLASSIFICATIONS,
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

function check(input: Inspection = inspection, classification = CLASSIFICATIONS.crlS3Internal): Promise<CrlCheck> {
  return handler({ classification, inspection: input }, lambdaContext('CheckCrlRepublished'));
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

/** A ListObjectsV2 page of the CA's objects. */
const listed = (...objects: Array<[string, Date]>) => ({ Contents: objects.map(([Key, LastModified]) => ({ Key, LastModified })), IsTruncated: false });
const PREFIX = `crl/${CA_ID}`;

describe('CheckCrlRepublished', () => {
  it('sunny day: a CRL written after the failure means Private CA recovered', async () => {
    // Prepare
    s3Mock.on(ListObjectsV2Command).resolves(listed([CRL_KEY, AFTER_EVENT]));
    // Act
    const result = await check();
    // Assess
    expect(result).toEqual({
      published: true,
      bucket: CRL_BUCKET,
      key: CRL_KEY,
      lastModified: AFTER_EVENT.toISOString(),
      found: true,
      prefixes: [PREFIX],
      objects: 1,
      eventTime: '2026-11-20T10:00:00.000Z',
      since: '2026-11-20T10:00:00.000Z',
      sinceWhat: 'event',
      checkedAt: WITHIN_WINDOW,
      windowEndsAt: '2026-11-20T11:15:00.000Z',
    });
    expect(s3Mock.commandCalls(ListObjectsV2Command).map((call) => call.args[0].input)).toEqual([
      { Bucket: CRL_BUCKET, Prefix: PREFIX, ExpectedBucketOwner: ACCOUNT },
    ]);
    expectEveryS3CallScopedToOwner(s3Mock);
  });

  it.each([
    ['an older CRL', () => s3Mock.on(ListObjectsV2Command).resolves(listed([CRL_KEY, BEFORE_EVENT]))],
    ['no CRL yet (nothing listed)', () => s3Mock.on(ListObjectsV2Command).resolves(listed())],
  ])('%s while the recovery window is open → rejects CrlNotYetPublished so the state machine waits', async (_name, arrange) => {
    arrange();
    await expect(check()).rejects.toMatchObject({ name: 'CrlNotYetPublished', message: expect.stringContaining('2026-11-20T11:15:00.000Z') });
  });

  it.each([
    ['an older CRL', () => s3Mock.on(ListObjectsV2Command).resolves(listed([CRL_KEY, BEFORE_EVENT])), BEFORE_EVENT.toISOString(), true],
    ['no CRL at all (nothing listed)', () => s3Mock.on(ListObjectsV2Command).resolves(listed()), null, false],
  ])('%s once the recovery window has closed → published false, to escalate', async (_name, arrange, lastModified, found) => {
    arrange();
    at(AFTER_WINDOW);
    const result = await check();
    expect(result).toMatchObject({
      published: false,
      key: CRL_KEY.startsWith(PREFIX) && found ? CRL_KEY : PREFIX,
      lastModified,
      found,
      checkedAt: AFTER_WINDOW,
      windowEndsAt: '2026-11-20T11:15:00.000Z',
    });
  });

  it('a CRL written exactly at the event time is not newer than the failure', async () => {
    s3Mock.on(ListObjectsV2Command).resolves(listed([CRL_KEY, new Date('2026-11-20T10:00:00.000Z')]));
    at(AFTER_WINDOW);
    await expect(check()).resolves.toMatchObject({ published: false });
  });

  it('CRL_RECOVERY_WINDOW_MINUTES sets the window', async () => {
    stubDeploymentEnv({ CRL_RECOVERY_WINDOW_MINUTES: '15' });
    s3Mock.on(ListObjectsV2Command).resolves(listed([CRL_KEY, BEFORE_EVENT]));
    const result = await check();
    expect(result).toMatchObject({ published: false, windowEndsAt: '2026-11-20T10:15:00.000Z' });
  });

  it('under a CustomPath both candidate prefixes are listed and the newest object counts', async () => {
    const flat = `pki/${CA_ID}`;
    const nested = `pki/crl/${CA_ID}`;
    s3Mock.on(ListObjectsV2Command, { Prefix: flat }).resolves(listed());
    s3Mock.on(ListObjectsV2Command, { Prefix: nested }).resolves(listed([`${nested}.crl`, AFTER_EVENT]));
    const result = await check(crlInspection([], { crl: { enabled: true, s3ObjectAcl: 'BUCKET_OWNER_FULL_CONTROL', customPath: '/pki/' } }));
    expect(result).toMatchObject({ published: true, key: `${nested}.crl`, prefixes: [flat, nested] });
    expect(s3Mock.commandCalls(ListObjectsV2Command).map((call) => call.args[0].input.Prefix)).toEqual([flat, nested]);
  });

  it('a partitioned CRL (several objects under the CA prefix, over two pages): the newest object counts', async () => {
    s3Mock
      .on(ListObjectsV2Command, { Prefix: PREFIX })
      .resolvesOnce({ ...listed([`${PREFIX}/1.crl`, BEFORE_EVENT], [`${PREFIX}/2.crl`, AFTER_EVENT]), IsTruncated: true, NextContinuationToken: 'next' })
      .resolves(listed([`${PREFIX}/3.crl`, BEFORE_EVENT]));
    const result = await check();
    expect(result).toMatchObject({ published: true, key: `${PREFIX}/2.crl`, objects: 3 });
    expect(s3Mock.commandCalls(ListObjectsV2Command).map((call) => call.args[0].input.ContinuationToken)).toEqual([undefined, 'next']);
  });

  it('given the repair, waits for a CRL newer than its last change, within the window after it', async () => {
    const repair = {
      actions: [
        {
          type: 'PutBucketPolicy' as const,
          resource: `arn:aws:s3:::${CRL_BUCKET}`,
          description: 'grant',
          before: null,
          after: '{}',
          appliedAt: '2026-11-20T10:15:00.000Z',
          verified: true,
        },
      ],
      findings: [],
    };
    s3Mock.on(ListObjectsV2Command).resolves(listed([CRL_KEY, AFTER_EVENT])); // 10:14: after the event, before the repair
    await expect(
      handler({ classification: CLASSIFICATIONS.crlS3Permission, inspection, repair }, lambdaContext('CheckCrlWrittenAfterRepair')),
    ).rejects.toMatchObject({
      name: 'CrlNotYetPublished',
      message: expect.stringContaining('not after the repair at 2026-11-20T10:15:00.000Z'),
    });
    s3Mock.on(ListObjectsV2Command).resolves(listed([CRL_KEY, new Date('2026-11-20T10:30:00.000Z')]));
    at('2026-11-20T10:31:00.000Z');
    await expect(
      handler({ classification: CLASSIFICATIONS.crlS3Permission, inspection, repair }, lambdaContext('CheckCrlWrittenAfterRepair')),
    ).resolves.toMatchObject({
      published: true,
      since: '2026-11-20T10:15:00.000Z',
      sinceWhat: 'repair',
      windowEndsAt: '2026-11-20T11:30:00.000Z',
    });
  });

  it.each([
    ['SlowDown (503)', s3Error('SlowDown', 503, 'Please reduce your request rate.')],
    ['ThrottlingException', s3Error('ThrottlingException', 400, 'Rate exceeded')],
    ['InternalError (500)', s3Error('InternalError', 500, 'We encountered an internal error.')],
  ])('throttling: ListObjectsV2 answers %s → rejects AwsTransientError', async (_name, error) => {
    s3Mock.on(ListObjectsV2Command).rejects(error);
    await expect(check()).rejects.toMatchObject({ name: 'AwsTransientError' });
  });

  it('client error: ListObjectsV2 AccessDenied is not hidden as "not yet published"', async () => {
    s3Mock.on(ListObjectsV2Command).rejects(s3Error('AccessDenied', 403, 'Access Denied'));
    await expect(check()).rejects.toMatchObject({ name: 'AwsAccessDenied', message: expect.stringMatching(/ListObjectsV2 .* was denied/) });
  });

  it.each([
    ['no inspection', { classification: CLASSIFICATIONS.crlS3Internal }, '"inspection"'],
    ['no classification', { inspection }, '"classification"'],
    ['an inspection without a bucket', { classification: CLASSIFICATIONS.crlS3Internal, inspection: { ...inspection, bucket: null } }, 'bucket'],
  ])('%s → rejects InvalidStepInput', async (_name, input, named) => {
    await expect(handler(input, lambdaContext('CheckCrlRepublished'))).rejects.toMatchObject({
      name: 'InvalidStepInput',
      message: expect.stringContaining(named),
    });
  });
});
