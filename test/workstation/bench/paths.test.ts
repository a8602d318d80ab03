/**
 * The counting of the paths and storms sections, on real local executions (small ones:
 * the full benchmark is `npm run bench`, not a test).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { instrumentRunner, type Instrumentation } from '../../../src/workstation/bench/instrument';
import { measurePaths, type PathReport } from '../../../src/workstation/bench/paths';
import { PRICES } from '../../../src/workstation/bench/pricing';
import { measureStorm, type StormRow } from '../../../src/workstation/bench/storms';
import { stormEvent } from '../../../src/workstation/local/storm';

let instrumentation: Instrumentation;
beforeAll(() => {
  instrumentation = instrumentRunner();
});
afterAll(() => instrumentation.restore());

describe('one path, then the same event again', () => {
  let report: PathReport;
  beforeAll(async () => {
    report = await measurePaths({ instrumentation, memoryMb: 256, only: ['crl-missing-grant'], warmUp: false });
  });

  it('counts the repair of a CRL bucket policy as the demo shows it: 10 states and 4 Lambdas for the repair, its follow-up apart', () => {
    const [repair] = report.rows;
    expect(repair).toMatchObject({
      id: 'crl-missing-grant',
      outcome: 'REMEDIATED',
      // The repair's 10 states, then WasTheCrlBucketRepaired? and CheckCrlWrittenAfterRepair.
      statesEntered: 12,
      claimEventCalls: 1,
      // RepairBucket takes and gives back the bucket lease; RecordOutcome completes the history item.
      handlerDynamoDbCalls: 3,
    });
    // The follow-up waits for Private CA's retry at 10:15: every retry is its own, each a Lambda invocation.
    expect(repair!.retries).toBeGreaterThan(0);
    expect(repair!.followUp).toEqual({ billedTransitions: 2 + repair!.retries, lambdaInvocations: 1 + repair!.retries });
    expect(repair!.billedTransitions - repair!.followUp.billedTransitions).toBe(10);
    expect(repair!.lambdaInvocations - repair!.followUp.lambdaInvocations).toBe(4);
    // The 8 calls of the repair, then one ListObjectsV2 per check.
    expect(repair!.simulatedCalls).toBe(8 + repair!.followUp.lambdaInvocations);
    expect(repair!.simulatedSeconds).toBeGreaterThan(13 * 60);
    expect(repair!.invocationMs).toHaveLength(repair!.lambdaInvocations);
  });

  it('puts each DynamoDB command down to the handler that sent it', () => {
    const calls = instrumentation.invocations
      .filter((invocation) => invocation.functionName !== 'checkCrlRepublished')
      .slice(0, 4)
      .map((invocation) => [invocation.functionName, invocation.dynamoDbCalls]);
    expect(calls).toEqual([
      ['classifyEvent', []],
      ['inspectBucket', []],
      ['repairBucket', ['PutItem', 'DeleteItem']],
      ['recordOutcome', ['UpdateItem']],
    ]);
  });

  it('prices it from the transitions, the requests and each invocation rounded up to the millisecond at 256 MB', () => {
    const [repair] = report.rows;
    const billedMs = repair!.invocationMs.reduce((sum, ms) => sum + Math.ceil(ms), 0);
    expect(repair!.cost.stepFunctions).toBeCloseTo(repair!.billedTransitions * PRICES.stateTransition.usd, 15);
    expect(repair!.cost.lambdaRequests).toBeCloseTo(repair!.lambdaInvocations * PRICES.lambdaRequest.usd, 15);
    expect(repair!.cost.lambdaDuration).toBeCloseTo((billedMs / 1000) * 0.25 * PRICES.lambdaArmGbSecond.usd, 15);
    expect(repair!.costAtAssumedMs.lambdaDuration).toBeCloseTo(repair!.lambdaInvocations * 0.1 * 0.25 * PRICES.lambdaArmGbSecond.usd, 15);
  });

  it('ends the second delivery DUPLICATE after ClaimEvent: 6 states, 2 Lambdas, nothing asked of the account', () => {
    expect(report.rows[1]).toMatchObject({
      id: 'crl-missing-grant (2nd delivery)',
      outcome: 'DUPLICATE',
      statesEntered: 6,
      billedTransitions: 6,
      lambdaInvocations: 2,
      simulatedCalls: 0,
      claimEventCalls: 1,
      handlerDynamoDbCalls: 1,
    });
  });

  it('checks the target on the repair path', () => {
    expect(report.target).toEqual({
      path: 'crl-missing-grant',
      billedTransitions: 10,
      lambdaInvocations: 4,
      transitionsPass: true,
      invocationsPass: true,
      followUp: report.rows[0]!.followUp,
    });
  });
});

describe('a small storm: 4 CAs over 2 buckets, each event delivered twice', () => {
  let storm: StormRow;
  beforeAll(async () => {
    const deliveries = [0, 1, 2, 3].flatMap((index) => [stormEvent(index), stormEvent(index)]);
    storm = await measureStorm({ id: 'small', title: 'small', cas: 4, buckets: 2, deliveries }, instrumentation);
  });

  it('counts one remediation per event, the rest DUPLICATE', () => {
    expect(storm).toMatchObject({ executions: 8, distinctEvents: 4, remediated: 4, remediatedTwice: 0, duplicate: 4, other: {}, onePerEventPass: true });
  });

  it('puts every policy write down to a CA, one each', () => {
    expect(storm).toMatchObject({ policyWrites: 4, maxWritesPerCa: 1, unattributedWrites: 0, writesPerCaPass: true });
  });

  it('samples memory during the storm', () => {
    expect(storm.memory.peakRssBytes).toBeGreaterThan(0);
    expect(storm.memory.peakHeapUsedBytes).toBeGreaterThanOrEqual(storm.memory.heapUsedBeforeBytes);
    expect(storm.memory.samples).toBeGreaterThanOrEqual(2);
    expect(storm.memory.maxRssBytes).toBeGreaterThan(0);
  });
});
