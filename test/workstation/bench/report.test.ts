import { describe, expect, it } from 'vitest';
import type { BundleRow, VariantResult } from '../../../src/workstation/bench/bundles';
import type { PathRow } from '../../../src/workstation/bench/paths';
import { executionCost, PRICES } from '../../../src/workstation/bench/pricing';
import { collectTargets, renderReport, type BenchReport } from '../../../src/workstation/bench/report';
import type { StormRow } from '../../../src/workstation/bench/storms';
import { formatBytes, formatMs, renderTable } from '../../../src/workstation/bench/table';

describe('text tables', () => {
  it('pads every column to its widest cell, numbers to the right, with a rule under the header', () => {
    const lines = renderTable(
      [{ title: 'function' }, { title: 'bytes', align: 'right' }],
      [
        ['classifyEvent', '165'],
        ['repairBucket', '1,522,990'],
      ],
    );
    expect(lines).toEqual([
      'function           bytes', //
      '─────────────  ─────────',
      'classifyEvent        165',
      'repairBucket   1,522,990',
    ]);
  });

  it('leaves no trailing spaces after a short last cell', () => {
    const lines = renderTable([{ title: 'a' }, { title: 'long title' }], [['x', 'y']]);
    expect(lines.every((line) => line === line.trimEnd())).toBe(true);
  });

  it.each([
    [512, '512 B'],
    [153_600, '150.0 KiB'],
    [1_522_990, '1.45 MiB'],
    [25_275_600_896, '23.5 GiB'],
  ])('prints %d bytes as %s', (bytes, text) => {
    expect(formatBytes(bytes)).toBe(text);
  });

  it.each([
    [34.81, '34.8'],
    [123.6, '124'],
    [null, 'n/a'],
  ])('prints %s ms as %s', (ms, text) => {
    expect(formatMs(ms)).toBe(text);
  });
});

const variant = (file: string, fileBytes: number, initMs: number, loadedFiles: number, network: string[] = []): VariantResult => ({
  file,
  fileBytes,
  init: { count: 20, median: initMs, min: initMs - 1, max: initMs + 5 },
  wall: { count: 20, median: initMs + 25, min: initMs + 24, max: initMs + 30 },
  loadedFiles,
  loadedBytes: loadedFiles * 10_000,
  network,
  errors: [],
});

const bundleRow = (key: string, bytes: number, initMs: number, naiveMs: number): BundleRow => ({
  key,
  functionName: `pca-remediation-dev-${key}`,
  handler: `src/lambda/handlers/${key}.handler`,
  memoryMb: 256,
  zipBytes: Math.round(bytes / 3),
  bundle: variant(`/tmp/${key}.mjs`, bytes, initMs, 1),
  naive: variant(`/repo/node_modules/.cache/${key}.mjs`, 40_000, naiveMs, 200),
  initRatio: initMs / naiveMs,
  sizePass: bytes <= 153_600,
  initPass: initMs / naiveMs <= 0.5,
});

const pathRow = (id: string, outcome: string, statesEntered: number, invocationMs: number[]): PathRow => ({
  id,
  title: id,
  outcome,
  executionStatus: 'SUCCEEDED',
  expected: outcome,
  statesEntered,
  retries: 0,
  billedTransitions: statesEntered,
  lambdaInvocations: invocationMs.length,
  simulatedCalls: 8,
  claimEventCalls: 1,
  handlerDynamoDbCalls: 3,
  awsCalls: 12,
  simulatedSeconds: 0,
  followUp: { billedTransitions: 0, lambdaInvocations: 0 },
  invocationMs,
  cost: executionCost({ stateTransitions: statesEntered, invocationMs, memoryMb: 256 }),
  costAtAssumedMs: executionCost({ stateTransitions: statesEntered, invocationMs: invocationMs.map(() => 100), memoryMb: 256 }),
});

const stormRow = (id: string, maxWritesPerCa: number): StormRow => ({
  id,
  title: `${id} storm`,
  executions: 1000,
  distinctEvents: 1,
  wallMs: 3300,
  executionsPerSecond: 303,
  remediated: 1,
  remediatedTwice: 0,
  duplicate: 999,
  other: {},
  policyWrites: maxWritesPerCa,
  maxWritesPerCa,
  unattributedWrites: 0,
  bucketBusyRetries: 0,
  billedTransitions: 6004,
  lambdaInvocations: 2002,
  simulatedSeconds: 0,
  memory: {
    collectedBefore: true,
    rssBeforeBytes: 150 * 1024 * 1024,
    peakRssBytes: 420 * 1024 * 1024,
    heapUsedBeforeBytes: 30 * 1024 * 1024,
    peakHeapUsedBytes: 200 * 1024 * 1024,
    samples: 50,
    maxRssBytes: 420 * 1024 * 1024,
  },
  onePerEventPass: true,
  writesPerCaPass: maxWritesPerCa <= 1,
});

function report(): BenchReport {
  const parts = {
    bundles: {
      packaged: { directory: '<temporary directory>', fresh: true, seconds: 4.2, writtenAt: '2026-11-21T05:00:00.000Z' },
      runs: 20,
      limitBytes: 153_600,
      initRatioLimit: 0.5,
      environment: {},
      rows: [bundleRow('classifyEvent', 100_000, 20, 60), bundleRow('repairBucket', 1_522_990, 124, 148)],
      composition: [
        {
          key: 'classifyEvent',
          rebuiltBytes: 100_000,
          matchesPackage: true,
          packages: [
            { name: 'aws-xray-sdk-core', bytes: 70_000 },
            { name: 'our code', bytes: 30_000 },
          ],
        },
        {
          key: 'repairBucket',
          rebuiltBytes: 1_522_990,
          matchesPackage: true,
          packages: ['@aws-sdk/client-s3', '@smithy/core', 'b', 'c', 'd', 'e', 'our code'].map((name, index) => ({ name, bytes: 300_000 - index * 40_000 })),
        },
      ],
    },
    paths: {
      memoryMb: 256,
      assumedInvocationMs: 100,
      rows: [pathRow('crl-missing-grant', 'REMEDIATED', 10, [1.2, 22.8, 13.4, 6.3]), pathRow('crl-missing-grant (2nd delivery)', 'DUPLICATE', 6, [0.3, 4.1])],
      target: {
        path: 'crl-missing-grant',
        billedTransitions: 10,
        lambdaInvocations: 4,
        transitionsPass: true,
        invocationsPass: true,
        followUp: { billedTransitions: 3, lambdaInvocations: 2 },
      },
    },
    storms: [stormRow('duplicates', 1), stormRow('shared-buckets', 2)],
  };
  return {
    machine: { cpu: 'Test CPU', cores: 2, memoryBytes: 8 * 1024 ** 3, os: 'Linux 6.1 x64', node: 'v24.21.0', date: '2026-11-21T05:00:00.000Z' },
    sections: ['bundles', 'paths', 'storms'],
    wallSeconds: 151,
    prices: PRICES,
    ...parts,
    targets: collectTargets(parts),
    warnings: [],
  };
}

describe('the report', () => {
  it('collects every target with its verdict', () => {
    const targets = report().targets;
    expect(targets.map((target) => [target.target, target.pass])).toEqual([
      ['classifyEvent: bundle ≤ 150 KiB (153,600 bytes)', true],
      ['classifyEvent: init ≤ ½ naive init', true],
      ['repairBucket: bundle ≤ 150 KiB (153,600 bytes)', false],
      ['repairBucket: init ≤ ½ naive init', false],
      ['crl-missing-grant: ≤ 10 state transitions', true],
      ['crl-missing-grant: ≤ 4 Lambda invocations', true],
      ['duplicates: one remediation per distinct event', true],
      ['duplicates: ≤ 1 policy write per CA', true],
      ['shared-buckets: one remediation per distinct event', true],
      ['shared-buckets: ≤ 1 policy write per CA', false],
    ]);
  });

  it('prints the machine, each section, the prices with their sources, and each MISS', () => {
    const text = renderReport(report());

    expect(text).toContain('machine   Test CPU, 2 cores, 8.0 GiB RAM, Linux 6.1 x64, Node v24.21.0');
    expect(text).toMatch(/classifyEvent\s+97\.7 KiB\s+32\.6 KiB\s+20\.0\s+45\.0\s+200 files, 1\.91 MiB\s+60\.0\s+85\.0\s+0\.33\s+PASS\s+PASS/);
    expect(text).toMatch(/repairBucket\s+1\.45 MiB.*0\.84\s+MISS\s+MISS/);
    expect(text).toContain('every rebuild has exactly the packaged byte count');
    expect(text).toContain('classifyEvent  aws-xray-sdk-core 68.4 KiB, our code 29.3 KiB\n');
    expect(text).toContain(
      'repairBucket   @aws-sdk/client-s3 293.0 KiB, @smithy/core 253.9 KiB, b 214.8 KiB, c 175.8 KiB, d 136.7 KiB, our code 58.6 KiB; 1 more packages',
    );
    expect(text).toMatch(/crl-missing-grant\s+REMEDIATED\s+10\s+0\s+10\s+4\s+-\s+8\+1\+3=12\s+0s\s+43\.7\s+\$0\.000251\s+\$250\.95/);
    expect(text).toContain('$0.025 per 1,000 state transitions  https://aws.amazon.com/step-functions/pricing/');
    expect(text).toContain('$0.0000133334 per GB-second  https://aws.amazon.com/lambda/pricing/');
    expect(text).toContain('crl-missing-grant: 10 billed state transitions ≤ 10: PASS; 4 Lambda invocations ≤ 4: PASS');
    expect(text).toContain('━━ Targets: 7 of 10 PASS (3 MISS). Missed:');
    expect(text).toContain('  MISS  shared-buckets: ≤ 1 policy write per CA (2 writes, at most 2 for one CA)');
  });

  it('prints only the sections that ran', () => {
    const { bundles: _bundles, storms: _storms, ...rest } = report();
    const text = renderReport({ ...rest, sections: ['paths'], targets: collectTargets({ paths: rest.paths }) });
    expect(text).not.toContain('━━ 1.');
    expect(text).toContain('━━ 2.');
    expect(text).not.toContain('━━ 3.');
    expect(text).toContain('━━ Targets: 2 of 2 PASS\n');
  });
});
