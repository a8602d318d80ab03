/**
 * Properties of the bucket policy merge, over thousands of generated policies: every
 * spelling IAM accepts, partial and foreign Private CA grants, Denies that block or
 * may block, and policies whose merge lands on either side of the 20 KB limit.
 *
 * The merge refuses in two places: mergePcaGrant throws PolicyTooLarge (nothing to
 * write), and planBucketRepair, which decides what the workflow writes, turns a
 * blocking Deny or PolicyTooLarge into an action-required finding and `next: 'attention'`.
 */
import type { RevocationConfiguration } from '@aws-sdk/client-acm-pca';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { bucketArn } from '../../src/core/arn';
import { planBucketRepair } from '../../src/core/plan-bucket-repair';
import {
  analyzeBucketPolicy,
  describeStatement,
  GRANT_SID_PREFIX,
  MAX_POLICY_BYTES,
  mergePcaGrant,
  parseBucketPolicy,
  PolicyTooLarge,
  requiredPcaStatement,
  type MergeResult,
} from '../../src/core/policy';
import {
  denyCase,
  DOCUMENTED_ACTIONS,
  grantSidOf,
  nearLimitPolicy,
  PCA_PRINCIPAL,
  policyCase,
  POLICY_RUNS,
  POLICY_SEED,
  type GeneratedPolicy,
} from './arbitraries';
import type { Config } from '../../src/core/types';

/** S3's limit: 20 KB (docs/aws-facts.md, "The bucket policy Private CA needs"), counted in UTF-8 bytes of the policy written. */
const S3_POLICY_LIMIT_BYTES = 20 * 1024;
const settings = { numRuns: POLICY_RUNS, seed: POLICY_SEED };

type Json = Record<string, unknown>;
type Attempt = { kind: 'written'; result: MergeResult } | { kind: 'unchanged'; result: MergeResult } | { kind: 'refused'; error: PolicyTooLarge };

function attemptMerge({ text, scenario }: GeneratedPolicy): Attempt {
  try {
    const result = mergePcaGrant(text, scenario.request);
    return result.changed ? { kind: 'written', result } : { kind: 'unchanged', result };
  } catch (error) {
    if (error instanceof PolicyTooLarge) return { kind: 'refused', error };
    throw error;
  }
}

function documentOf(text: string | null): Json | null {
  return text === null || text.trim() === '' ? null : (JSON.parse(text) as Json);
}

function statementsOf(document: Json | null): unknown[] {
  if (document === null) return [];
  return Array.isArray(document.Statement) ? document.Statement : [document.Statement];
}

const sorted = (value: unknown): string[] => (Array.isArray(value) ? [...(value as string[])] : [value as string]).sort();

const CONFIG: Config = {
  mode: 'apply',
  allowedBuckets: [],
  allowCaUpdates: true,
  notificationTopicArn: '',
  crlRecoveryWindowMinutes: 75,
  approvalTimeoutHours: 24,
};

/** What the workflow would decide for this policy, on a bucket with nothing else wrong. */
function planFor({ text, scenario }: GeneratedPolicy) {
  const revocation = {
    CrlConfiguration: {
      Enabled: true,
      S3BucketName: scenario.bucket,
      S3ObjectAcl: scenario.crlAcl,
      ...(scenario.customPath ? { CustomPath: scenario.customPath } : {}),
    },
  } as RevocationConfiguration;
  return planBucketRepair({
    classification: scenario.classification,
    purpose: scenario.purpose,
    bucket: { name: scenario.bucket, status: 'found', policy: text, publicAccessBlock: null, objectOwnership: null, encryption: null },
    config: CONFIG,
    revocation,
    crlAcl: scenario.crlAcl,
    auditReportKey: scenario.auditReportKey,
  });
}

describe('mergePcaGrant on generated bucket policies', () => {
  it('is idempotent: merging the merged policy again changes nothing, byte for byte', () => {
    fc.assert(
      fc.property(policyCase, (policy) => {
        const attempt = attemptMerge(policy);
        if (attempt.kind === 'refused') {
          // Deterministic: the same policy is refused again.
          expect(() => mergePcaGrant(policy.text, policy.scenario.request)).toThrow(PolicyTooLarge);
          return;
        }
        const { result } = attempt;
        if (attempt.kind === 'unchanged') expect(result.policy).toBe(policy.text);
        const again = mergePcaGrant(result.policy, policy.scenario.request);
        expect(again).toEqual({ changed: false, policy: result.policy, added: null, sid: null, sizeBytes: Buffer.byteLength(result.policy, 'utf8') });
      }),
      settings,
    );
  });

  it('keeps every existing statement and top-level key exactly as it was, in order, and adds at most one statement', () => {
    fc.assert(
      fc.property(policyCase, (policy) => {
        const attempt = attemptMerge(policy);
        if (attempt.kind === 'refused') return;
        if (attempt.kind === 'unchanged') {
          expect(attempt.result.policy).toBe(policy.text);
          expect(attempt.result.added).toBeNull();
          return;
        }
        const before = documentOf(policy.text);
        const after = JSON.parse(attempt.result.policy) as Json;
        const kept = statementsOf(before);
        const written = after.Statement as unknown[];
        expect(Array.isArray(written)).toBe(true);
        expect(written).toHaveLength(kept.length + 1);
        // Same values and the same key order inside each statement.
        expect(JSON.stringify(written.slice(0, -1))).toBe(JSON.stringify(kept));
        if (before === null) {
          expect(Object.keys(after)).toEqual(['Version', 'Statement']);
          expect(after.Version).toBe('2012-10-17');
        } else {
          expect(Object.keys(after)).toEqual(Object.keys(before));
          for (const key of Object.keys(before).filter((k) => k !== 'Statement')) expect(after[key]).toStrictEqual(before[key]);
        }
      }),
      settings,
    );
  });

  it('adds exactly the documented Private CA grant for this CA: principal, four actions, bucket resources, SourceAccount and SourceArn', () => {
    fc.assert(
      fc.property(policyCase, (policy) => {
        const attempt = attemptMerge(policy);
        if (attempt.kind !== 'written') return;
        const { request } = policy.scenario;
        const { added, sid, policy: text } = attempt.result;
        const statements = JSON.parse(text).Statement as Json[];
        const last = statements.at(-1)!;

        expect(added).toStrictEqual(requiredPcaStatement(request, sid!));
        expect(last).toStrictEqual(added);
        // Checked against the documented statement (docs/aws-facts.md), not only against requiredPcaStatement.
        const bucket = bucketArn(request.partition, request.bucket);
        expect(Object.keys(last).sort()).toEqual(['Action', 'Condition', 'Effect', 'Principal', 'Resource', 'Sid']);
        expect(last.Effect).toBe('Allow');
        expect(last.Principal).toStrictEqual({ Service: PCA_PRINCIPAL });
        expect(sorted(last.Action)).toEqual([...DOCUMENTED_ACTIONS].sort());
        expect(sorted(last.Resource)).toEqual([bucket, `${bucket}/*`].sort());
        expect(last.Condition).toStrictEqual({ StringEquals: { 'aws:SourceAccount': request.account, 'aws:SourceArn': request.caArn } });
        // A Sid of its own: the prefix and the CA id, never one the policy already uses.
        expect(sid!.startsWith(grantSidOf(request))).toBe(true);
        expect(sid!.startsWith(GRANT_SID_PREFIX)).toBe(true);
        const others = statements.slice(0, -1).flatMap((s) => (typeof s.Sid === 'string' ? [s.Sid.toLowerCase()] : []));
        expect(others).not.toContain(sid!.toLowerCase());
      }),
      settings,
    );
  });

  it('writes only what leaves nothing missing, and otherwise refuses (Deny, possible Deny, size) saying why, writing nothing', () => {
    fc.assert(
      fc.property(policyCase, (policy) => {
        const { request } = policy.scenario;
        const attempt = attemptMerge(policy);
        const analysis = analyzeBucketPolicy(policy.text, request);

        if (attempt.kind === 'written') {
          const after = analyzeBucketPolicy(attempt.result.policy, request);
          expect(after.missing).toEqual([]);
          expect(after.grantingStatements.map((ref) => ref.index)).toContain(statementsOf(documentOf(attempt.result.policy)).length - 1);
          // The Denies are the policy's own: the grant neither adds nor removes one.
          expect(after.blockingDenies.map(({ index, certainty }) => ({ index, certainty }))).toEqual(
            analysis.blockingDenies.map(({ index, certainty }) => ({ index, certainty })),
          );
        } else if (attempt.kind === 'unchanged') {
          expect(analysis.missing).toEqual([]);
        } else {
          expect(analysis.missing).not.toEqual([]);
          expect(attempt.error.sizeBytes).toBeGreaterThan(S3_POLICY_LIMIT_BYTES);
        }

        const plan = planFor(policy);
        const codes = plan.findings.map((finding) => finding.code);
        const puts = plan.plan.filter((action) => action.type === 'PutBucketPolicy');
        expect(plan.plan.filter((action) => action.type !== 'PutBucketPolicy')).toEqual([]);
        // Every blocking Deny is named, with whether it certainly or possibly blocks.
        for (const deny of analysis.blockingDenies) {
          expect(plan.findings).toContainEqual(
            expect.objectContaining({
              code: deny.certainty === 'certain' ? 'POLICY_DENY_BLOCKS' : 'POLICY_DENY_MAY_BLOCK',
              severity: 'action-required',
              message: expect.stringContaining(describeStatement(deny)),
            }),
          );
        }
        if (attempt.kind === 'refused') {
          expect(plan.findings).toContainEqual(
            expect.objectContaining({
              code: 'POLICY_TOO_LARGE',
              severity: 'action-required',
              message: expect.stringMatching(new RegExp(`${attempt.error.sizeBytes} bytes, over the ${S3_POLICY_LIMIT_BYTES}-byte limit; nothing was written`)),
            }),
          );
          expect(puts).toEqual([]);
        }
        switch (plan.next) {
          case 'repair':
            expect(analysis.blockingDenies).toEqual([]);
            expect(attempt.kind).toBe('written');
            expect(puts).toHaveLength(1);
            expect(puts[0]!.before).toBe(policy.text);
            expect(puts[0]!.after).toBe(attempt.kind === 'written' ? attempt.result.policy : null);
            expect(analyzeBucketPolicy(puts[0]!.after, request).compliant).toBe(true);
            break;
          case 'compliant':
            expect(analysis.compliant).toBe(true);
            expect(puts).toEqual([]);
            break;
          case 'attention':
            // A person must act; the workflow applies a plan only when next is 'repair'.
            expect(analysis.blockingDenies.length > 0 || attempt.kind === 'refused').toBe(true);
            expect(codes.some((code) => ['POLICY_DENY_BLOCKS', 'POLICY_DENY_MAY_BLOCK', 'POLICY_TOO_LARGE'].includes(code))).toBe(true);
            break;
          default:
            throw new Error(`unexpected next ${plan.next}`);
        }
      }),
      settings,
    );
  });

  it('never plans a write past a Deny that blocks or may block Private CA, and names that statement', () => {
    const labels = new Set<string>();
    fc.assert(
      fc.property(denyCase, (policy) => {
        labels.add(policy.label);
        const plan = planFor(policy);
        const denies = plan.findings.filter((finding) => finding.code === 'POLICY_DENY_BLOCKS' || finding.code === 'POLICY_DENY_MAY_BLOCK');
        if (policy.expected === 'none') {
          expect(denies).toEqual([]);
          expect(['repair', 'compliant']).toContain(plan.next);
          return;
        }
        expect(plan.next).toBe('attention');
        expect(denies).toHaveLength(1);
        const [finding] = denies;
        if (policy.expected === 'blocks') expect(finding!.code).toBe('POLICY_DENY_BLOCKS');
        expect(finding!.severity).toBe('action-required');
        expect(finding!.detail).toMatchObject({ statementIndex: policy.denyIndex });
        expect(finding!.message).toContain(`statement ${policy.denyIndex + 1} (`);
        expect(finding!.message).toContain('An Allow cannot override an explicit Deny');
      }),
      settings,
    );
    expect(labels.size).toBe(11);
  });

  it('writes valid JSON that parseBucketPolicy accepts, with one statement more than before', () => {
    fc.assert(
      fc.property(policyCase, (policy) => {
        const attempt = attemptMerge(policy);
        if (attempt.kind === 'refused') return;
        const { result } = attempt;
        expect(() => JSON.parse(result.policy)).not.toThrow();
        const parsed = parseBucketPolicy(result.policy);
        const before = parseBucketPolicy(policy.text).statements.length;
        expect(parsed.statements).toHaveLength(attempt.kind === 'written' ? before + 1 : before);
        expect(result.sizeBytes).toBe(Buffer.byteLength(result.policy, 'utf8'));
      }),
      settings,
    );
  });
});

describe('mergePcaGrant near the 20 KB limit', () => {
  it('uses the S3 limit of 20 KB = 20,480 bytes', () => {
    expect(MAX_POLICY_BYTES).toBe(S3_POLICY_LIMIT_BYTES);
  });

  it('writes a policy of at most 20,480 UTF-8 bytes, or refuses with PolicyTooLarge naming both sizes', () => {
    const seen = { written: 0, writtenAtLimit: 0, refused: 0, refusedOneOver: 0, multiByte: 0 };
    fc.assert(
      fc.property(nearLimitPolicy(S3_POLICY_LIMIT_BYTES), (policy) => {
        const attempt = attemptMerge(policy);
        if ([...policy.text].some((character) => character > '\u007f')) seen.multiByte++;
        if (attempt.kind === 'unchanged') {
          expect(attempt.result.policy).toBe(policy.text);
          return;
        }
        if (attempt.kind === 'written') {
          seen.written++;
          if (attempt.result.sizeBytes === S3_POLICY_LIMIT_BYTES) seen.writtenAtLimit++;
          expect(attempt.result.sizeBytes).toBe(Buffer.byteLength(attempt.result.policy, 'utf8'));
          expect(attempt.result.sizeBytes).toBe(policy.aimedMergedBytes);
          expect(attempt.result.sizeBytes).toBeLessThanOrEqual(S3_POLICY_LIMIT_BYTES);
          expect(() => parseBucketPolicy(attempt.result.policy)).not.toThrow();
          return;
        }
        seen.refused++;
        const { error } = attempt;
        if (error.sizeBytes === S3_POLICY_LIMIT_BYTES + 1) seen.refusedOneOver++;
        expect(error.sizeBytes).toBe(policy.aimedMergedBytes);
        expect(error.sizeBytes).toBeGreaterThan(S3_POLICY_LIMIT_BYTES);
        expect(error.limitBytes).toBe(S3_POLICY_LIMIT_BYTES);
        expect(error.name).toBe('PolicyTooLarge');
        expect(error.message).toContain(`${error.sizeBytes} bytes`);
        expect(error.message).toContain(`${S3_POLICY_LIMIT_BYTES} bytes`);
        const plan = planFor(policy);
        expect(plan.next).toBe('attention');
        expect(plan.plan).toEqual([]);
        expect(plan.findings.map((finding) => finding.code)).toContain('POLICY_TOO_LARGE');
      }),
      settings,
    );
    // Both sides of the limit, and its edge, were reached.
    expect(seen.written).toBeGreaterThan(POLICY_RUNS / 10);
    expect(seen.refused).toBeGreaterThan(POLICY_RUNS / 10);
    expect(seen.writtenAtLimit).toBeGreaterThan(0);
    expect(seen.refusedOneOver).toBeGreaterThan(0);
    expect(seen.multiByte).toBeGreaterThan(POLICY_RUNS / 4);
  });
});
