/**
 * Properties of event classification, over thousands of generated inputs: arbitrary
 * JSON, valid failure events with benign changes, and valid events broken by exactly
 * one mutation (invalid by construction, see arbitraries.ts). Then a few hundred of
 * the broken events through the real state machine against a simulated account.
 */
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { classifyEvent } from '../../src/core/classify-event';
import type { Classification } from '../../src/core/types';
import { createHistoryTable, type LocalHistoryTable } from '../../src/workstation/local/history-table';
import { account, runScenario } from '../workflow/scenario';
import {
  arbitraryJsonInput,
  certificateArnOf,
  DOCUMENTED_CRL_REASONS,
  EVENT_RUNS,
  EVENT_SEED,
  FAILURE_SAMPLES,
  invalidEvent,
  MUTATION_NAMES,
  validEvent,
  withIdentity,
  WORKFLOW_EVENT_RUNS,
  type InvalidEvent,
} from './arbitraries';

const settings = { numRuns: EVENT_RUNS, seed: EVENT_SEED };

/** Fields only a recognised event has: a rejected one must carry none of them. */
const RECOGNISED_ONLY: ReadonlyArray<keyof Classification> = [
  'certificateAuthorityId',
  'partition',
  'region',
  'account',
  'certificateArn',
  'auditReportId',
  'reason',
];

function expectRejected(classification: Classification, invalid: Pick<InvalidEvent, 'expect' | 'id'>): void {
  expect(classification.kind).toBe('UNRECOGNIZED');
  expect(typeof classification.rejection).toBe('string');
  expect(classification.rejection!.trim()).not.toBe('');
  expect(classification.rejection).toMatch(invalid.expect);
  expect(classification.eventId).toBe(invalid.id ?? 'unknown');
  for (const key of RECOGNISED_ONLY) expect(classification[key]).toBeUndefined();
}

describe('classifyEvent on generated events', () => {
  it.each(FAILURE_SAMPLES.map((sample) => [sample.file, sample] as const))('classifies the sample %s once its placeholders are filled in', (_file, sample) => {
    const who = {
      partition: 'aws',
      region: 'eu-west-3',
      account: '123456789012',
      caId: '0f0e0d0c-0b0a-4909-8807-060504030201',
      caArn: 'arn:aws:acm-pca:eu-west-3:123456789012:certificate-authority/0f0e0d0c-0b0a-4909-8807-060504030201',
      id: 'e',
      time: '2026-11-20T10:00:00Z',
      certificateId: '0123456789abcdef0123456789abcdef',
      reportId: '0f0e0d0c-0b0a-4909-8807-060504030202',
    } as const;
    expect(classifyEvent(withIdentity(sample.event, sample.kind, who))).toMatchObject({ kind: sample.kind, account: who.account, region: who.region });
  });

  it('never throws on arbitrary JSON, and rejects what is not a Private CA event, saying why', () => {
    fc.assert(
      fc.property(arbitraryJsonInput, (input) => {
        const classification = classifyEvent(input);
        const id = typeof input === 'object' && input !== null && !Array.isArray(input) ? (input as Record<string, unknown>).id : undefined;
        expectRejected(classification, {
          expect: /not a JSON object|field "id"|field "source"/,
          id: typeof id === 'string' && id !== '' ? id : undefined,
        });
      }),
      settings,
    );
  });

  it('rejects every event broken by one mutation: UNRECOGNIZED, never a throw, and the rejection names the problem', () => {
    const families = new Set<string>();
    fc.assert(
      fc.property(invalidEvent, (invalid) => {
        families.add(invalid.family);
        expectRejected(classifyEvent(invalid.event), invalid);
      }),
      settings,
    );
    expect([...families].sort()).toEqual([...MUTATION_NAMES].sort());
  });

  it('accepts valid events with benign changes, reading account, region and partition from the CA ARN', () => {
    fc.assert(
      fc.property(validEvent, ({ kind, who, event, reason }) => {
        const classification = classifyEvent(event);
        expect(classification.rejection).toBeUndefined();
        expect(classification).toMatchObject({
          kind,
          eventId: who.id,
          eventTime: new Date(who.time).toISOString(),
          certificateAuthorityArn: who.caArn,
          certificateAuthorityId: who.caId,
          partition: who.partition,
          region: who.region,
          account: who.account,
        });
        if (kind === 'CERTIFICATE_ISSUANCE') expect(classification.certificateArn).toBe(certificateArnOf(who, who.certificateId));
        if (kind === 'AUDIT_REPORT') expect(classification.auditReportId).toBe(who.reportId);
        if (reason !== undefined && kind.startsWith('CRL_')) {
          expect(classification.reason).toBe(reason);
          expect(DOCUMENTED_CRL_REASONS[reason]).toBe(kind);
        }
      }),
      settings,
    );
  });

  it('leaves Object.prototype untouched after all those prototype-like keys', () => {
    expect(Object.keys(Object.prototype)).toEqual([]);
    expect(({} as Record<string, unknown>).source).toBeUndefined();
    expect(({} as Record<string, unknown>).result).toBeUndefined();
  });
});

/**
 * The whole workflow: each invalid event, run by the real definition and handlers against
 * a simulated account, ends REJECTED without a single AWS call. Kept apart so that a change
 * to runScenario/runExecution only affects this block.
 */
describe('the workflow on invalid events', () => {
  let history: LocalHistoryTable;
  beforeAll(async () => {
    history = await createHistoryTable();
  });

  it(`ends REJECTED, with the reason in the outcome, calling nothing (${WORKFLOW_EVENT_RUNS} events)`, async () => {
    const file = account();
    await fc.assert(
      // Not false, 0, "" or null as the whole input: the local engine (aws-local-stepfunctions,
      // whose JSONPath gives undefined for `$` of a falsy input) fails before ClassifyEvent runs.
      fc.asyncProperty(
        invalidEvent.filter((invalid) => Boolean(invalid.event)),
        async (invalid) => {
          const run = await runScenario(invalid.event, structuredClone(file), { history });
          const rejection = classifyEvent(invalid.event).rejection!;
          expect(run.execution.status).toBe('SUCCEEDED');
          expect(run.outcome.status).toBe('REJECTED');
          expect(run.outcome.message).toContain(rejection);
          expect(run.outcome.message).toMatch(invalid.expect);
          expect(run.mutatingCalls).toEqual([]);
          expect(run.simulation.calls).toEqual([]);
        },
      ),
      { numRuns: WORKFLOW_EVENT_RUNS, seed: EVENT_SEED },
    );
    // A rejected event is never claimed in the history table.
    expect(await history.items()).toEqual([]);
  }, 120_000);
});
