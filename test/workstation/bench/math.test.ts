import { describe, expect, it } from 'vitest';
import { billedMilliseconds, executionCost, formatUsd, PRICES } from '../../../src/workstation/bench/pricing';
import { median, ratio, summarize } from '../../../src/workstation/bench/stats';

describe('median and ratio', () => {
  it.each([
    [[5], 5],
    [[3, 1, 2], 2],
    [[4, 1, 3, 2], 2.5],
    [[10, 10, 10, 1000], 10],
  ])('the median of %j is %d', (values, expected) => {
    expect(median(values)).toBe(expected);
  });

  it('has no median for no samples', () => {
    expect(median([])).toBeNaN();
  });

  it('summarizes samples as count, median, min and max', () => {
    expect(summarize([30, 10, 20])).toEqual({ count: 3, median: 20, min: 10, max: 30 });
  });

  it.each([
    [50, 100, 0.5],
    [120, 100, 1.2],
    [50, 0, null],
    [50, Number.NaN, null],
    [null, 100, null],
  ])('ratio(%s, %s) is %s', (a, b, expected) => {
    expect(ratio(a, b)).toBe(expected);
  });
});

describe('the cost of an execution', () => {
  it('uses the published us-east-1 prices', () => {
    expect(PRICES.stateTransition.usd * 1000).toBeCloseTo(0.025, 12);
    expect(PRICES.lambdaRequest.usd * 1_000_000).toBeCloseTo(0.2, 12);
    expect(PRICES.lambdaArmGbSecond.usd).toBe(0.0000133334);
  });

  it.each([
    [0.2, 1],
    [1, 1],
    [1.0001, 2],
    [21.3, 22],
  ])('bills %d ms as %d ms (rounded up to the millisecond)', (ms, billed) => {
    expect(billedMilliseconds(ms)).toBe(billed);
  });

  it('adds state transitions, requests and GB-seconds at the function memory', () => {
    // 10 transitions, 4 invocations of 1.2, 22.8, 13.4 and 6.3 ms at 256 MB.
    const cost = executionCost({ stateTransitions: 10, invocationMs: [1.2, 22.8, 13.4, 6.3], memoryMb: 256 });

    expect(cost.stepFunctions).toBeCloseTo(10 * 0.000025, 15);
    expect(cost.lambdaRequests).toBeCloseTo(4 * 0.0000002, 15);
    // 2 + 23 + 14 + 7 = 46 ms billed, a quarter of a GB.
    expect(cost.gbSeconds).toBeCloseTo(0.046 * 0.25, 12);
    expect(cost.lambdaDuration).toBeCloseTo(0.0115 * 0.0000133334, 15);
    expect(cost.total).toBeCloseTo(cost.stepFunctions + cost.lambdaRequests + cost.lambdaDuration, 15);
  });

  it('costs only the transitions when no Lambda runs', () => {
    expect(executionCost({ stateTransitions: 3, invocationMs: [], memoryMb: 256 }).total).toBeCloseTo(0.000075, 15);
  });

  it.each([
    [0.00025088, '$0.000251'],
    [250.88, '$250.88'],
    [0.5, '$0.500'],
    [0, '$0'],
  ])('prints %d dollars as %s', (usd, text) => {
    expect(formatUsd(usd)).toBe(text);
  });
});
