/**
 * Storms on the local runner (src/workstation/local/storm.ts): every delivery started at once, the
 * real definition and handlers, one simulated account, one clock, one history table.
 * Reported: throughput (wall clock), what was written, how each delivery ended, memory.
 *
 * Import this module after the handlers' environment is set (src/workstation/cli/common.ts loadRunner).
 */
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import type { SimulatedAccount } from '../local/simulated-account';
import { runStorm, stormAccount, stormEvent, type StormResult } from '../local/storm';
import type { Instrumentation } from './instrument';

export interface StormSpec {
  id: string;
  title: string;
  cas: number;
  buckets: number;
  deliveries: ReadonlyArray<Record<string, unknown>>;
}

export const STORMS: readonly StormSpec[] = [
  { id: 'duplicates', title: '1,000 deliveries of one event', cas: 1, buckets: 1, deliveries: Array.from({ length: 1000 }, () => stormEvent(0)) },
  {
    id: 'shared-buckets',
    title: '100 CAs over 10 shared buckets, one delivery each',
    cas: 100,
    buckets: 10,
    deliveries: Array.from({ length: 100 }, (_, index) => stormEvent(index)),
  },
];

export interface StormRow {
  id: string;
  title: string;
  executions: number;
  distinctEvents: number;
  wallMs: number;
  executionsPerSecond: number;
  remediated: number;
  /** REMEDIATED outcomes whose event was already remediated by another execution. */
  remediatedTwice: number;
  duplicate: number;
  other: Record<string, number>;
  /** PutBucketPolicy calls that succeeded. */
  policyWrites: number;
  /** The most policy writes made for one CA (by the executions of that CA's event). */
  maxWritesPerCa: number;
  /** Writes no CA's invocation made (there should be none). */
  unattributedWrites: number;
  bucketBusyRetries: number;
  billedTransitions: number;
  lambdaInvocations: number;
  /** Simulated seconds from the first start to the last stop (BucketBusy waits spread the storm out). */
  simulatedSeconds: number;
  memory: {
    /** Whether a full garbage collection ran just before the storm (so the earlier sections' garbage is gone). */
    collectedBefore: boolean;
    rssBeforeBytes: number;
    /** The highest of the RSS samples taken every 50 ms during the storm. */
    peakRssBytes: number;
    /** V8 heap in use just before, and the highest sample during the storm: unlike RSS, it shrinks after a collection. */
    heapUsedBeforeBytes: number;
    peakHeapUsedBytes: number;
    samples: number;
    /** resourceUsage().maxRSS: the peak of the whole process so far. */
    maxRssBytes: number;
  };
  onePerEventPass: boolean;
  writesPerCaPass: boolean;
}

/** A full garbage collection, without starting Node with --expose-gc. False when not possible. */
export function collectGarbage(): boolean {
  try {
    setFlagsFromString('--expose-gc');
    const gc = runInNewContext('gc') as (() => void) | undefined;
    if (typeof gc !== 'function') return false;
    gc();
    return true;
  } catch {
    return false;
  }
}

/** RSS and V8 heap in use every `intervalMs` while the storm runs; the peaks. */
function sampleMemory(intervalMs: number): { stop(): { rss: number; heapUsed: number; samples: number } } {
  const peak = { rss: 0, heapUsed: 0, samples: 0 };
  const sample = () => {
    const usage = process.memoryUsage();
    peak.rss = Math.max(peak.rss, usage.rss);
    peak.heapUsed = Math.max(peak.heapUsed, usage.heapUsed);
    peak.samples += 1;
  };
  sample();
  const timer = setInterval(sample, intervalMs);
  timer.unref();
  return {
    stop() {
      clearInterval(timer);
      sample();
      return peak;
    },
  };
}

/** Count successful PutBucketPolicy calls per CA: the CA of the handler invocation that made each. */
function countWritesPerCa(instrumentation: Instrumentation, writes: Map<string, number>): (simulation: SimulatedAccount) => void {
  return (simulation) => {
    const answer = simulation.send.bind(simulation);
    simulation.send = async (...args: Parameters<SimulatedAccount['send']>) => {
      const invocation = instrumentation.current();
      const output = await answer(...args);
      if (args[1] === 'PutBucketPolicy') {
        const ca = invocation?.certificateAuthorityArn ?? '';
        writes.set(ca, (writes.get(ca) ?? 0) + 1);
      }
      return output;
    };
  };
}

export function summarizeStorm(spec: StormSpec, storm: StormResult, writes: ReadonlyMap<string, number>, memory: StormRow['memory']): StormRow {
  const statuses = new Map<string, number>();
  for (const outcome of storm.outcomes) statuses.set(outcome.status, (statuses.get(outcome.status) ?? 0) + 1);
  const remediatedEvents = storm.outcomes.filter((outcome) => outcome.status === 'REMEDIATED').map((outcome) => outcome.eventId);
  const distinctEvents = new Set(spec.deliveries.map((event) => String(event.id))).size;
  const remediated = remediatedEvents.length;
  const remediatedTwice = remediated - new Set(remediatedEvents).size;
  const { REMEDIATED: _remediated, DUPLICATE: duplicate = 0, ...other } = Object.fromEntries(statuses);
  const policyWrites = storm.simulation.calls.filter((call) => call.operation === 'PutBucketPolicy' && !call.error).length;
  const unattributedWrites = writes.get('') ?? 0;
  const maxWritesPerCa = Math.max(0, ...[...writes].filter(([ca]) => ca !== '').map(([, count]) => count));
  const entered = storm.executions.reduce((sum, execution) => sum + execution.history.filter((event) => event.type?.endsWith('StateEntered')).length, 0);
  const retries = storm.executions.flatMap((execution) => execution.retries);
  return {
    id: spec.id,
    title: spec.title,
    executions: storm.executions.length,
    distinctEvents,
    wallMs: storm.wallMs,
    executionsPerSecond: storm.executions.length / (storm.wallMs / 1000),
    remediated,
    remediatedTwice,
    duplicate,
    other,
    policyWrites,
    maxWritesPerCa,
    unattributedWrites,
    bucketBusyRetries: retries.filter((retry) => retry.error === 'BucketBusy').length,
    billedTransitions: entered + retries.length,
    lambdaInvocations: storm.executions.reduce((sum, execution) => sum + execution.attempts.filter((attempt) => !attempt.service).length, 0),
    simulatedSeconds:
      (Math.max(...storm.executions.map((execution) => Date.parse(execution.stoppedAt))) -
        Math.min(...storm.executions.map((execution) => Date.parse(execution.startedAt)))) /
      1000,
    memory,
    // Every distinct event remediated, none twice (all storm events need a repair).
    onePerEventPass: remediated === distinctEvents && remediatedTwice === 0,
    writesPerCaPass: maxWritesPerCa <= 1 && unattributedWrites === 0 && policyWrites <= spec.cas,
  };
}

export async function measureStorm(spec: StormSpec, instrumentation: Instrumentation): Promise<StormRow> {
  const writes = new Map<string, number>();
  const collectedBefore = collectGarbage();
  const before = process.memoryUsage();
  const sampler = sampleMemory(50);
  const storm = await runStorm({
    account: stormAccount(spec.cas, spec.buckets),
    deliveries: spec.deliveries,
    seed: 7,
    prepare: countWritesPerCa(instrumentation, writes),
  });
  const peak = sampler.stop();
  // maxRSS is in kibibytes, and covers the whole process so far (earlier sections included).
  const maxRssBytes = process.resourceUsage().maxRSS * 1024;
  return summarizeStorm(spec, storm, writes, {
    collectedBefore,
    rssBeforeBytes: before.rss,
    peakRssBytes: peak.rss,
    heapUsedBeforeBytes: before.heapUsed,
    peakHeapUsedBytes: peak.heapUsed,
    samples: peak.samples,
    maxRssBytes,
  });
}
