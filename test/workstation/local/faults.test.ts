/**
 * Faults injected by the simulated account (throttling, 5xx, timeouts) reach the real SDK
 * v3 clients below their retry middleware: the SDK's own retries handle them, and what is
 * left after its attempts reaches the handlers, which must turn it into an error the state
 * machine retries, and never leave a bucket policy half written.
 */
import { ACMPCAClient, DescribeCertificateAuthorityCommand } from '@aws-sdk/client-acm-pca';
import { GetBucketPolicyCommand, PutBucketPolicyCommand, S3Client } from '@aws-sdk/client-s3';
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import crlS3PermissionFailure from '../../../events/crl-s3-permission-failure.json';
import { handler as inspectBucket } from '../../../src/lambda/handlers/inspect-bucket';
import { handler as repairBucket } from '../../../src/lambda/handlers/repair-bucket';
import { keepsEveryStatement } from '../../../src/lambda/steps/repair-bucket';
import { classifyEvent } from '../../../src/core/classify-event';
import { configureClients, resetClients, type ServiceName } from '../../../src/lambda/aws/clients/registry';
import { resetClock, setClock } from '../../../src/lambda/runtime/clock';
import { isTransientAwsError } from '../../../src/core/errors';
import { pcaWriteRequest } from '../../../src/core/plan-bucket-repair';
import { analyzeBucketPolicy, parseBucketPolicy } from '../../../src/core/policy';
import type { Inspection } from '../../../src/core/types';
import type { AccountFile } from '../../../src/workstation/local/account-file';
import { FAULT_KINDS, FaultInjector, type FaultKind, type FaultPlan } from '../../../src/workstation/local/faults';
import { createHistoryTable, type LocalHistoryTable } from '../../../src/workstation/local/history-table';
import { localClientOptions, localClientSettings, SDK_MAX_ATTEMPTS } from '../../../src/workstation/local/sdk-options';
import { sdkRetries, SimulatedAccount } from '../../../src/workstation/local/simulated-account';
import { lambdaContext } from '../../../src/workstation/local/workflow';
import { bucketOf, CA_ARN, CRL_BUCKET, fixture, TestClock } from './helpers';

const TOPIC_ARN = 'arn:aws:sns:us-east-1:111122223333:pca-remediation-local-notifications';
const NEW_POLICY = JSON.stringify({
  Version: '2012-10-17',
  Statement: [
    {
      Sid: 'DenyInsecureTransport',
      Effect: 'Deny',
      Principal: '*',
      Action: 's3:*',
      Resource: `arn:aws:s3:::${CRL_BUCKET}/*`,
      Condition: { Bool: { 'aws:SecureTransport': 'false' } },
    },
  ],
});

/** An account from the crl-missing-grant fixture, with real clients built as the local runner builds them. */
function simulate(faults?: FaultPlan, edit: (file: AccountFile) => void = () => {}) {
  const file = fixture('crl-missing-grant');
  edit(file);
  const account = new SimulatedAccount(file, { now: new TestClock('2026-11-20T10:05:00Z').now, ...(faults ? { faults } : {}) });
  const { requestHandler } = account;
  const s3 = new S3Client(localClientOptions('us-east-1', 'S3', { requestHandler }));
  const pca = new ACMPCAClient(localClientOptions('us-east-1', 'ACM PCA', { requestHandler }));
  const sns = new SNSClient(localClientOptions('us-east-1', 'SNS', { requestHandler }));
  return { account, s3, pca, sns };
}

type Clients = ReturnType<typeof simulate>;

const CALLS: Array<[string, ServiceName, (clients: Clients) => Promise<{ $metadata: { attempts?: number } }>]> = [
  ['S3 GetBucketPolicy', 'S3', ({ s3 }) => s3.send(new GetBucketPolicyCommand({ Bucket: CRL_BUCKET }))],
  ['S3 PutBucketPolicy', 'S3', ({ s3 }) => s3.send(new PutBucketPolicyCommand({ Bucket: CRL_BUCKET, Policy: NEW_POLICY }))],
  ['ACM PCA DescribeCertificateAuthority', 'ACM PCA', ({ pca }) => pca.send(new DescribeCertificateAuthorityCommand({ CertificateAuthorityArn: CA_ARN }))],
  ['SNS Publish', 'SNS', ({ sns }) => sns.send(new PublishCommand({ TopicArn: TOPIC_ARN, Subject: 'test', Message: 'hello' }))],
];

/** The error names each kind of fault reaches callers with, per service. */
const FAULT_NAMES: Record<Exclude<FaultKind, 'timeout-after-apply'>, Record<string, string[]>> = {
  throttling: { S3: ['SlowDown'], 'ACM PCA': ['ThrottlingException'], SNS: ['ThrottledException'] },
  server: {
    S3: ['InternalError', 'ServiceUnavailable'],
    'ACM PCA': ['InternalFailure', 'ServiceUnavailable'],
    SNS: ['InternalErrorException', 'ServiceUnavailable'],
  },
  timeout: { S3: ['TimeoutError'], 'ACM PCA': ['TimeoutError'], SNS: ['TimeoutError'] },
};

/** The first seed whose plan faults exactly the calls marked true in `pattern` (calls the plan applies to). */
function seedFaulting(plan: Omit<FaultPlan, 'seed'>, pattern: boolean[]): number {
  const operation = plan.operations?.[0] ?? 'GetBucketPolicy';
  for (let seed = 0; seed < 10_000; seed += 1) {
    const injector = new FaultInjector({ ...plan, seed });
    if (pattern.every((faulted) => (injector.next('S3', operation) !== null) === faulted)) return seed;
  }
  throw new Error('no seed gives that pattern');
}

const KINDS_RETRIED = ['throttling', 'server', 'timeout'] as const;
const cases = CALLS.flatMap(([name, service, call]) => KINDS_RETRIED.map((kind) => [name, kind, service, call] as const));

describe("the SDK's own retries", () => {
  it.each(cases)('%s: one %s fault, then success: the SDK retries and the command resolves', async (_name, kind, _service, call) => {
    // Prepare: a seed whose first draw faults and whose second does not
    const plan = { rate: 0.5, kinds: [kind] };
    const clients = simulate({ ...plan, seed: seedFaulting(plan, [true, false]) });
    // Act
    const output = await call(clients);
    // Assess
    const { account } = clients;
    expect(output.$metadata.attempts).toBe(2);
    expect(account.calls).toHaveLength(2);
    expect(account.calls[0]).toMatchObject({ fault: kind, error: expect.any(String) });
    expect(account.calls[1]).toMatchObject({ operation: account.calls[0]!.operation, attempt: 2 });
    expect(account.calls[1]).not.toHaveProperty('error');
    expect(account.faults[kind]).toBe(1);
    expect(sdkRetries(account.calls)).toBe(1);
  });

  it.each(cases)(
    '%s: a %s fault on every attempt: the SDK gives up after 3 attempts with the error, which is transient',
    async (_name, kind, service, call) => {
      const clients = simulate({ rate: 1, kinds: [kind], seed: 1 });
      const error = await call(clients).then(
        () => expect.fail('the command resolved'),
        (rejected: unknown) => rejected as Error & { $metadata: { attempts: number } },
      );
      expect(FAULT_NAMES[kind][service]).toContain(error.name);
      expect(error.$metadata.attempts).toBe(SDK_MAX_ATTEMPTS);
      expect(isTransientAwsError(error)).toBe(true);
      expect(clients.account.calls).toHaveLength(SDK_MAX_ATTEMPTS);
      expect(clients.account.calls.map((record) => record.fault)).toEqual([kind, kind, kind]);
      expect(clients.account.calls.map((record) => record.attempt)).toEqual([undefined, 2, 3]);
      expect(sdkRetries(clients.account.calls)).toBe(2);
    },
  );

  it.each<[string, (file: AccountFile) => void, (clients: Clients) => Promise<unknown>, string]>([
    [
      'NoSuchBucketPolicy',
      (file) => (file.buckets[0]!.Policy = null),
      ({ s3 }) => s3.send(new GetBucketPolicyCommand({ Bucket: CRL_BUCKET })),
      'NoSuchBucketPolicy',
    ],
    ['AccessDenied', () => {}, ({ s3 }) => s3.send(new GetBucketPolicyCommand({ Bucket: CRL_BUCKET, ExpectedBucketOwner: '444455556666' })), 'AccessDenied'],
    ['MalformedPolicy', () => {}, ({ s3 }) => s3.send(new PutBucketPolicyCommand({ Bucket: CRL_BUCKET, Policy: 'not json' })), 'MalformedPolicy'],
    [
      'ResourceNotFoundException',
      () => {},
      ({ pca }) => pca.send(new DescribeCertificateAuthorityCommand({ CertificateAuthorityArn: CA_ARN.replace('11223344', '99999999') })),
      'ResourceNotFoundException',
    ],
  ])('does not retry %s, an error the account itself answers with', async (_case, edit, call, name) => {
    const clients = simulate(undefined, edit);
    await expect(call(clients)).rejects.toMatchObject({ name, $metadata: { attempts: 1 } });
    expect(clients.account.calls).toHaveLength(1);
    expect(sdkRetries(clients.account.calls)).toBe(0);
  });
});

describe('timeout-after-apply', () => {
  const onPolicyWrites = { kinds: ['timeout-after-apply' as const], operations: ['PutBucketPolicy'] };

  it('changes the policy although every attempt of the caller got TimeoutError', async () => {
    const { account, s3 } = simulate({ ...onPolicyWrites, rate: 1, seed: 1 });
    await expect(s3.send(new PutBucketPolicyCommand({ Bucket: CRL_BUCKET, Policy: NEW_POLICY }))).rejects.toMatchObject({ name: 'TimeoutError' });
    expect(bucketOf(account, CRL_BUCKET).Policy).toBe(NEW_POLICY);
    expect(account.faults['timeout-after-apply']).toBe(SDK_MAX_ATTEMPTS);
    expect(account.calls.every((record) => record.error === 'TimeoutError')).toBe(true);
  });

  it('is retried by the SDK, which writes the same policy again and resolves', async () => {
    const plan = { ...onPolicyWrites, rate: 0.5 };
    const { account, s3 } = simulate({ ...plan, seed: seedFaulting(plan, [true, false]) });
    await expect(s3.send(new PutBucketPolicyCommand({ Bucket: CRL_BUCKET, Policy: NEW_POLICY }))).resolves.toMatchObject({ $metadata: { attempts: 2 } });
    expect(bucketOf(account, CRL_BUCKET).Policy).toBe(NEW_POLICY);
    expect(account.calls.map((record) => [record.operation, record.fault])).toEqual([
      ['PutBucketPolicy', 'timeout-after-apply'],
      ['PutBucketPolicy', undefined],
    ]);
  });

  it('still loses the answer when the service refused the write, and changes nothing', async () => {
    const { account, s3 } = simulate({ ...onPolicyWrites, rate: 1, seed: 1 });
    const before = bucketOf(account, CRL_BUCKET).Policy;
    await expect(s3.send(new PutBucketPolicyCommand({ Bucket: CRL_BUCKET, Policy: 'not json' }))).rejects.toMatchObject({ name: 'TimeoutError' });
    expect(bucketOf(account, CRL_BUCKET).Policy).toBe(before);
  });

  it('on a read is a plain timeout', async () => {
    const { account, s3 } = simulate({ kinds: ['timeout-after-apply'], operations: ['GetBucketPolicy'], rate: 1, seed: 1 });
    await expect(s3.send(new GetBucketPolicyCommand({ Bucket: CRL_BUCKET }))).rejects.toMatchObject({ name: 'TimeoutError' });
    expect(account.calls).toHaveLength(SDK_MAX_ATTEMPTS);
  });
});

describe('the fault plan', () => {
  /** Forty calls of four kinds, each command once, recorded as [operation, fault, error]. */
  async function faultsOf(plan: FaultPlan) {
    const clients = simulate(plan);
    for (let i = 0; i < 10; i += 1) {
      for (const [, , call] of CALLS) await call(clients).catch(() => undefined);
    }
    return clients.account.calls.map((record) => [record.operation, record.fault ?? null, record.error ?? null]);
  }

  it('injects the same faults into the same calls for the same seed, and others for another seed', async () => {
    const plan = { rate: 0.4, kinds: [...FAULT_KINDS] };
    const first = await faultsOf({ ...plan, seed: 42 });
    expect(first.filter(([, fault]) => fault !== null).length).toBeGreaterThan(5);
    expect(await faultsOf({ ...plan, seed: 42 })).toEqual(first);
    expect(await faultsOf({ ...plan, seed: 43 })).not.toEqual(first);
  });

  it('at rate 0 injects nothing', async () => {
    const calls = await faultsOf({ rate: 0, kinds: [...FAULT_KINDS], seed: 7 });
    expect(calls).toHaveLength(40);
    expect(calls.filter(([, fault]) => fault !== null)).toEqual([]);
  });

  it('at rate 1 faults every call, every attempt', async () => {
    const calls = await faultsOf({ rate: 1, kinds: [...FAULT_KINDS], seed: 7 });
    expect(calls).toHaveLength(40 * SDK_MAX_ATTEMPTS);
    expect(calls.every(([, fault]) => fault !== null)).toBe(true);
    expect(new Set(calls.map(([, fault]) => fault))).toEqual(new Set(FAULT_KINDS));
  });

  it('faults only the services and operations it names', async () => {
    const clients = simulate({ rate: 1, kinds: ['throttling'], seed: 1, services: ['S3'], operations: ['PutBucketPolicy'] });
    for (const [, , call] of CALLS) await call(clients).catch(() => undefined);
    expect(clients.account.calls.filter((record) => record.fault).map((record) => record.operation)).toEqual([
      'PutBucketPolicy',
      'PutBucketPolicy',
      'PutBucketPolicy',
    ]);
    expect(clients.account.faults).toEqual({ throttling: 3, server: 0, timeout: 0, 'timeout-after-apply': 0 });
  });

  it('applies to send() called directly too, without SDK retries', async () => {
    const { account } = simulate({ rate: 1, kinds: ['server'], seed: 1 });
    await expect(account.send('S3', 'GetBucketPolicy', { Bucket: CRL_BUCKET })).rejects.toMatchObject({ $fault: 'server' });
    expect(account.calls).toEqual([expect.objectContaining({ operation: 'GetBucketPolicy', fault: 'server' })]);
  });

  it('can be replaced and switched off with setFaults', async () => {
    const { account, s3 } = simulate({ rate: 1, kinds: ['throttling'], seed: 1 });
    account.setFaults(null);
    await expect(s3.send(new GetBucketPolicyCommand({ Bucket: CRL_BUCKET }))).resolves.toHaveProperty('Policy');
    account.setFaults({ rate: 1, kinds: ['timeout'], seed: 1 });
    await expect(s3.send(new GetBucketPolicyCommand({ Bucket: CRL_BUCKET }))).rejects.toMatchObject({ name: 'TimeoutError' });
    expect(account.faults).toMatchObject({ throttling: 0, timeout: SDK_MAX_ATTEMPTS });
  });

  it("is read from the account file's Simulation.Faults", async () => {
    const clients = simulate(undefined, (file) => {
      file.Simulation = { Faults: { Rate: 1, Kinds: ['throttling'], Seed: 3, Operations: ['Publish'] } };
    });
    await expect(CALLS[3]![2](clients)).rejects.toMatchObject({ name: 'ThrottledException' });
    await expect(CALLS[0]![2](clients)).resolves.toHaveProperty('Policy');
    expect(clients.account.toAccountFile().Simulation).toEqual({ Faults: { Rate: 1, Kinds: ['throttling'], Seed: 3, Operations: ['Publish'] } });
  });

  it.each<[string, Partial<FaultPlan>, string]>([
    ['a rate above 1', { rate: 1.5 }, 'faults.rate'],
    ['a rate that is not a number', { rate: Number.NaN }, 'faults.rate'],
    ['no kinds', { kinds: [] }, 'faults.kinds'],
    ['an unknown kind', { kinds: ['throttling', 'gremlins' as FaultKind] }, 'faults.kinds[1]'],
    ['a seed that is not a whole number', { seed: 1.5 }, 'faults.seed'],
    ['a service that is not simulated', { services: ['DynamoDB'] }, 'faults.services[0]'],
    ['an operation named with Command', { operations: ['GetBucketPolicyCommand'] }, 'faults.operations[0]'],
    ['an operation of another service', { services: ['SNS'], operations: ['Publish', 'GetBucketPolicy'] }, 'faults.operations[1]'],
  ])('setFaults rejects %s, naming %s', (_case, change, field) => {
    const { account } = simulate();
    expect(() => account.setFaults({ rate: 0.5, kinds: ['throttling'], seed: 1, ...change })).toThrow(
      expect.objectContaining({ name: 'InvalidFaultPlan', field, message: expect.stringContaining(`${field}: `) }),
    );
  });

  it('rejects an account file whose Faults name an operation the account does not answer, naming the path', () => {
    const edit = (file: AccountFile) => (file.Simulation = { Faults: { Rate: 1, Kinds: ['timeout'], Seed: 1, Operations: ['PutObject'] } });
    expect(() => simulate(undefined, edit)).toThrow(expect.objectContaining({ name: 'AccountFileError', path: '$.Simulation.Faults.Operations[0]' }));
  });
});

describe('the handlers under faults (rate 0.3 on every call, every kind)', () => {
  const RUNS = 200;
  /** Every Task's Retry in statemachines/remediation.asl.yml allows at most this many attempts. */
  const STEP_ATTEMPTS = 6;
  /** What the state machine retries or catches by name for InspectCrlBucket and RepairCrlBucket. */
  const NAMED_BY_THE_STATE_MACHINE = ['AwsTransientError', 'BucketPolicyChanged', 'BucketBusy'];
  const classification = classifyEvent(crlS3PermissionFailure);
  const grantRequest = pcaWriteRequest(classification, 'CRL', CRL_BUCKET, 'BUCKET_OWNER_FULL_CONTROL');
  let table: LocalHistoryTable;

  beforeAll(async () => {
    table = await createHistoryTable();
    for (const [key, value] of Object.entries({
      MODE: 'apply',
      ALLOWED_BUCKETS: '',
      ALLOW_CA_UPDATES: 'true',
      NOTIFICATION_TOPIC_ARN: TOPIC_ARN,
      CRL_RECOVERY_WINDOW_MINUTES: '75',
      HISTORY_TABLE_NAME: table.name,
    })) {
      vi.stubEnv(key, value);
    }
    setClock({ now: () => new Date('2026-11-20T10:05:00Z'), sleep: async () => {} });
  });

  afterAll(() => {
    vi.unstubAllEnvs();
    resetClock();
    resetClients();
  });

  afterEach(() => resetClients());

  function useAccount(seed: number): SimulatedAccount {
    const account = new SimulatedAccount(fixture('crl-missing-grant'), {
      now: () => new Date('2026-11-20T10:05:00Z'),
      faults: { rate: 0.3, kinds: [...FAULT_KINDS], seed },
    });
    configureClients(localClientSettings(account.requestHandler, table.endpoint));
    return account;
  }

  /**
   * Run a step as a Task state would: again while it throws what the state machine
   * retries, at most STEP_ATTEMPTS times. `check` runs after every attempt, told whether it threw.
   */
  async function runStep<T>(step: () => Promise<T>, check: (threw: boolean) => void, errors: string[]): Promise<T | null> {
    for (let attempt = 1; attempt <= STEP_ATTEMPTS; attempt += 1) {
      let threw = true;
      try {
        const result = await step();
        threw = false;
        return result;
      } catch (error) {
        errors.push((error as Error).name);
        if (!NAMED_BY_THE_STATE_MACHINE.includes((error as Error).name)) throw error;
      } finally {
        check(threw);
      }
    }
    return null;
  }

  const statementCount = (policy: string | null) => parseBucketPolicy(policy).statements.length;

  it(`${RUNS} seeded runs of InspectCrlBucket then RepairCrlBucket: each attempt returns or throws an error the state machine names, and the policy is never half written`, async () => {
    const errors: string[] = [];
    let repaired = 0;
    let writtenThenFailed = 0;
    let faults = 0;
    let retries = 0;
    for (let seed = 1; seed <= RUNS; seed += 1) {
      const account = useAccount(seed);
      const before = bucketOf(account, CRL_BUCKET).Policy as string;
      const policyIsOldOrOldPlusGrant = (threw: boolean) => {
        const after = bucketOf(account, CRL_BUCKET).Policy as string | null;
        if (after === before) return;
        if (threw) writtenThenFailed += 1;
        expect(keepsEveryStatement(before, after), `seed ${seed}: a statement was lost`).toBe(true);
        expect(analyzeBucketPolicy(after, grantRequest).missing, `seed ${seed}: the grant is incomplete`).toEqual([]);
        expect(statementCount(after), `seed ${seed}: more than the grant was added`).toBe(statementCount(before) + 1);
      };

      const inspection = await runStep(
        () => inspectBucket({ classification }, lambdaContext('InspectCrlBucket')) as Promise<Inspection>,
        () => {
          expect(bucketOf(account, CRL_BUCKET).Policy, `seed ${seed}: inspecting changed the policy`).toBe(before);
        },
        errors,
      );
      if (inspection !== null) {
        expect(inspection.next, `seed ${seed}`).toBe('repair');
        const repair = await runStep(
          () =>
            repairBucket(
              { classification, inspection, executionArn: `arn:aws:states:us-east-1:111122223333:execution:pca-remediation:faults-${seed}` },
              lambdaContext('RepairCrlBucket'),
            ),
          policyIsOldOrOldPlusGrant,
          errors,
        );
        if (repair !== null) {
          expect(repair.findings, `seed ${seed}`).toEqual([]);
          expect(repair.actions, `seed ${seed}`).toEqual([expect.objectContaining({ type: 'PutBucketPolicy', verified: true })]);
          expect(bucketOf(account, CRL_BUCKET).Policy, `seed ${seed}: repaired, yet the policy is the old one`).not.toBe(before);
          repaired += 1;
        }
      }
      faults += Object.values(account.faults).reduce((sum, count) => sum + count, 0);
      retries += sdkRetries(account.calls);
    }
    // The faults were many, most were absorbed by the SDK's retries, the rest by the state machine's,
    // some after the policy was written (the write's answer or its read-back lost): the retry then found the grant there.
    expect(faults).toBeGreaterThan(RUNS);
    expect(retries).toBeGreaterThan(RUNS / 2);
    expect(writtenThenFailed).toBeGreaterThan(0);
    expect(new Set(errors)).toEqual(new Set(['AwsTransientError']));
    expect(repaired).toBe(RUNS);
  }, 120_000);
});
