/**
 * Concurrent failures on the local runner: every execution runs the real definition and
 * handlers at the same time, on one simulated account, one clock and one history table
 * (dynalite). See src/workstation/local/storm.ts.
 */
import { PutItemCommand } from '@aws-sdk/client-dynamodb';
import { beforeAll, describe, expect, it } from 'vitest';
import { printFigures } from '../figures';
import { keepsEveryStatement } from '../../src/lambda/steps/repair-bucket';
import { marshalItem } from '../../src/core/history-item';
import { parseBucketPolicy, requiredPcaStatement } from '../../src/core/policy';
import { pcaWriteRequest } from '../../src/core/plan-bucket-repair';
import { classifyEvent } from '../../src/core/classify-event';
import { createHistoryTable, localClient } from '../../src/workstation/local/history-table';
import { existingStatements, runStorm, stormAccount, stormBucket, stormEvent, type StormResult } from '../../src/workstation/local/storm';

const STORM_CAS = 100;
const STORM_BUCKETS = 10;
/** Each of the 100 events is delivered this many times, all at once. */
const STORM_DELIVERIES_PER_EVENT = 2;
const DUPLICATE_DELIVERIES = 1000;

type Statement = Record<string, unknown>;
const statementsOf = (policy: string | null): Statement[] =>
  policy === null ? [] : (parseBucketPolicy(policy).statements.map((ref) => ref.statement) as unknown as Statement[]);
const withoutSid = ({ Sid: _sid, ...rest }: Statement) => JSON.stringify(rest);

function grantFor(index: number): Statement {
  const classification = classifyEvent(stormEvent(index));
  const request = pcaWriteRequest(classification, 'CRL', stormBucket(index % STORM_BUCKETS), 'BUCKET_OWNER_FULL_CONTROL', {});
  return requiredPcaStatement(request, 'x') as unknown as Statement;
}

function policyOf(storm: StormResult, bucket: string): string | null {
  const entry = storm.simulation.toAccountFile().buckets.find((item) => item.Name === bucket)!;
  return entry.Policy as string | null;
}

describe(`a storm: ${STORM_CAS} CAs over ${STORM_BUCKETS} shared buckets, each event delivered ${STORM_DELIVERIES_PER_EVENT} times at once`, () => {
  let storm: StormResult;
  beforeAll(async () => {
    const deliveries = Array.from({ length: STORM_CAS }, (_, index) => stormEvent(index)).flatMap((event) =>
      Array.from({ length: STORM_DELIVERIES_PER_EVENT }, () => event),
    );
    storm = await runStorm({ account: stormAccount(STORM_CAS, STORM_BUCKETS), deliveries, seed: 7 });
    printFigures('storm', {
      executions: storm.executions.length,
      wallMs: Math.round(storm.wallMs),
      writes: storm.simulation.calls.filter((call) => call.operation === 'PutBucketPolicy' && !call.error).length,
      bucketBusyRetries: storm.executions.flatMap((execution) => execution.retries).filter((retry) => retry.error === 'BucketBusy').length,
      simulatedSeconds: (storm.clock.now().getTime() - Date.parse('2026-11-20T10:02:00Z')) / 1000,
    });
  }, 300_000);

  it('remediates each distinct event exactly once; every other delivery ends DUPLICATE', () => {
    expect(storm.executions.every((execution) => execution.status === 'SUCCEEDED')).toBe(true);
    const remediated = storm.outcomes.filter((outcome) => outcome.status === 'REMEDIATED');
    expect(remediated).toHaveLength(STORM_CAS);
    expect(new Set(remediated.map((outcome) => outcome.eventId)).size).toBe(STORM_CAS);
    expect(storm.outcomes.filter((outcome) => outcome.status === 'DUPLICATE')).toHaveLength(STORM_CAS * (STORM_DELIVERIES_PER_EVENT - 1));
  });

  it('leaves every CA its grant and every bucket every statement it had before', () => {
    for (let bucketIndex = 0; bucketIndex < STORM_BUCKETS; bucketIndex += 1) {
      const bucket = stormBucket(bucketIndex);
      const statements = statementsOf(policyOf(storm, bucket));
      // What was there before, unchanged and in place.
      expect(statements.slice(0, 2)).toEqual(existingStatements(bucket));
      const grants = statements.slice(2).map(withoutSid).sort();
      const expected = Array.from({ length: STORM_CAS }, (_, index) => index)
        .filter((index) => index % STORM_BUCKETS === bucketIndex)
        .map((index) => withoutSid(grantFor(index)))
        .sort();
      expect(grants).toEqual(expected);
    }
  });

  it('writes each CA its grant once: one PutBucketPolicy per CA, each keeping everything the previous one wrote', () => {
    const writes = storm.simulation.calls.filter((call) => call.operation === 'PutBucketPolicy' && !call.error);
    expect(writes).toHaveLength(STORM_CAS);
    const last = new Map<string, string | null>();
    for (let index = 0; index < STORM_BUCKETS; index += 1)
      last.set(stormBucket(index), JSON.stringify({ Version: '2012-10-17', Statement: existingStatements(stormBucket(index)) }));
    for (const write of writes) {
      const bucket = write.input.Bucket as string;
      const policy = write.input.Policy as string;
      // Serialised: each write is the previous policy of the bucket plus one statement, never a lost update.
      expect(keepsEveryStatement(last.get(bucket)!, policy)).toBe(true);
      expect(statementsOf(policy)).toHaveLength(statementsOf(last.get(bucket)!).length + 1);
      last.set(bucket, policy);
    }
  });

  it('serialised the writes with the bucket lease: executions waited (BucketBusy), and no lease is left', async () => {
    const busy = storm.executions.flatMap((execution) => execution.retries).filter((retry) => retry.error === 'BucketBusy');
    expect(busy.length).toBeGreaterThan(0);
    const items = await storm.history.items();
    expect(items.filter((item) => String(item.pk).startsWith('LEASE#'))).toEqual([]);
  });

  it('keeps one history item per event, with the policy before and after its change', async () => {
    const items = (await storm.history.items()).filter((item) => String(item.pk).startsWith('EVENT#'));
    expect(items).toHaveLength(STORM_CAS);
    for (const item of items) {
      expect(item.status).toBe('REMEDIATED');
      const changes = item.changes as Array<{ before: string; after: string }>;
      expect(changes).toHaveLength(1);
      expect(keepsEveryStatement(changes[0]!.before, changes[0]!.after)).toBe(true);
    }
  });

  it('notifies nobody: every outcome is REMEDIATED or DUPLICATE', () => {
    expect(storm.simulation.toAccountFile().notifications).toEqual([]);
  });
});

describe(`${DUPLICATE_DELIVERIES} deliveries of one event at once`, () => {
  let storm: StormResult;
  beforeAll(async () => {
    storm = await runStorm({ account: stormAccount(1, 1), deliveries: Array.from({ length: DUPLICATE_DELIVERIES }, () => stormEvent(0)), seed: 11 });
    printFigures('duplicates', {
      executions: storm.executions.length,
      wallMs: Math.round(storm.wallMs),
      writes: storm.simulation.calls.filter((call) => call.operation === 'PutBucketPolicy').length,
    });
  }, 300_000);

  it('start exactly one remediation: one REMEDIATED, the rest DUPLICATE naming it, one write, one history item', async () => {
    const byStatus = Object.groupBy(storm.outcomes, (outcome) => outcome.status);
    expect(Object.keys(byStatus).sort()).toEqual(['DUPLICATE', 'REMEDIATED']);
    expect(byStatus.REMEDIATED).toHaveLength(1);
    expect(byStatus.DUPLICATE).toHaveLength(DUPLICATE_DELIVERIES - 1);
    const first = byStatus.REMEDIATED![0]!.executionArn!;
    expect(byStatus.DUPLICATE!.every((outcome) => outcome.message.includes(first))).toBe(true);
    expect(storm.simulation.calls.filter((call) => call.operation === 'PutBucketPolicy')).toHaveLength(1);
    expect(storm.simulation.toAccountFile().notifications).toEqual([]);
    const items = await storm.history.items();
    expect(items).toHaveLength(1);
    expect(items[0]).toMatchObject({ status: 'REMEDIATED', executionArn: first });
  });

  it('make no AWS call for a duplicate: only the one remediation read or wrote anything', () => {
    // The follow-up's checks for Private CA's next CRL (one ListObjectsV2 each) come after the repair.
    const calls = storm.simulation.calls.map((call) => call.operation).filter((operation) => operation !== 'ListObjectsV2');
    // The repair path's own calls: DescribeCertificateAuthority, the four bucket reads, read-merge-write-read back.
    expect(calls.length).toBeLessThan(12);
  });
});

describe('a lease left by a crashed execution', () => {
  async function crashedLease(seconds: number) {
    const history = await createHistoryTable();
    const now = Math.floor(Date.parse('2026-11-20T10:02:00Z') / 1000);
    await localClient(history.endpoint).send(
      new PutItemCommand({
        TableName: history.name,
        Item: marshalItem({
          pk: `LEASE#bucket#${stormBucket(0)}`,
          type: 'lease',
          bucket: stormBucket(0),
          holder: 'arn:aws:states:us-east-1:111122223333:execution:pca-remediation-dev:crashed',
          expiresAt: now + seconds,
        }),
      }),
    );
    return runStorm({ account: stormAccount(1, 1), deliveries: [stormEvent(0)], history, seed: 3 });
  }

  it('is waited out, then taken over once it expires: the repair completes', async () => {
    const storm = await crashedLease(120);
    const [execution] = storm.executions;
    expect(storm.outcomes[0]!.status).toBe('REMEDIATED');
    const busy = execution!.retries.filter((retry) => retry.error === 'BucketBusy');
    expect(busy.length).toBeGreaterThan(0);
    // The write happened only after the crashed holder's lease had expired.
    const write = storm.simulation.calls.find((call) => call.operation === 'PutBucketPolicy')!;
    expect(Date.parse(write.at)).toBeGreaterThan(Date.parse('2026-11-20T10:04:00Z'));
    expect(await storm.history.items()).toEqual([expect.objectContaining({ pk: expect.stringMatching(/^EVENT#/) })]);
  });

  it('that outlasts every retry escalates, naming the holder, and writes nothing', async () => {
    const storm = await crashedLease(3600);
    const [outcome] = storm.outcomes;
    expect(outcome!.status).toBe('ESCALATED');
    expect(outcome!.message).toContain('execution:pca-remediation-dev:crashed');
    expect(outcome!.nextSteps.join(' ')).toMatch(/lease/);
    expect(storm.simulation.calls.filter((call) => call.operation === 'PutBucketPolicy')).toEqual([]);
    expect(policyOf(storm, stormBucket(0))).toBe(JSON.stringify({ Version: '2012-10-17', Statement: existingStatements(stormBucket(0)) }));
  });
});
