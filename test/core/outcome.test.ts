import { describe, expect, it } from 'vitest';
import { concludeOutcome, parseCaughtError, shouldNotify, type WorkflowState } from '../../src/core/outcome';
import type { Finding, Inspection, Classification } from '../../src/core/types';

const classification = (kind: Classification['kind']): Classification => ({
  kind,
  eventId: 'e-1',
  eventTime: '2026-11-20T10:00:00.000Z',
  certificateAuthorityArn: 'arn:aws:acm-pca:us-east-1:111122223333:certificate-authority/11223344-1234-1122-2233-112233445566',
  certificateAuthorityId: '11223344-1234-1122-2233-112233445566',
  account: '111122223333',
  region: 'us-east-1',
  partition: 'aws',
});
const needsPerson: Finding = { code: 'POLICY_DENY_BLOCKS', severity: 'action-required', message: 'statement 1 denies' };
const fixable: Finding = { code: 'POLICY_GRANT_MISSING', severity: 'warning', message: 'grant missing' };
const plan = [{ type: 'PutBucketPolicy' as const, resource: 'arn:aws:s3:::b', description: 'Add statement', before: null, after: '{}' }];
const inspection = (next: Inspection['next'], purpose: Inspection['purpose'] = 'CRL', findings: Finding[] = []): Inspection => ({
  purpose,
  bucket: 'b',
  findings,
  plan: next === 'compliant' ? [] : plan,
  next,
  mode: next === 'dry-run' ? 'dry-run' : 'apply',
  ...(purpose === 'AUDIT_REPORT' ? { auditReport: { id: 'r-1', bucket: 'b', format: 'CSV' as const } } : {}),
});
const applied = [{ ...plan[0]!, appliedAt: '2026-11-20T10:01:00.000Z', verified: true }];
const crl = (published: boolean, sinceWhat: 'event' | 'repair' = 'event') => ({
  published,
  bucket: 'b',
  key: 'crl/x.crl',
  lastModified: published ? '2026-11-20T10:15:00.000Z' : null,
  found: published,
  prefixes: ['crl/x'],
  objects: published ? 1 : 0,
  eventTime: '2026-11-20T10:00:00.000Z',
  since: sinceWhat === 'event' ? '2026-11-20T10:00:00.000Z' : '2026-11-20T10:01:00.000Z',
  sinceWhat,
  checkedAt: '2026-11-20T11:15:00.000Z',
  windowEndsAt: '2026-11-20T11:15:00.000Z',
});
const audit = (overrides: object) => ({
  requested: true,
  bucket: 'b',
  format: 'JSON' as const,
  auditReportId: 'r-2',
  s3Key: 'audit-report/x/r-2.json',
  requestedAt: '2026-11-20T10:30:00.000Z',
  status: 'SUCCESS',
  polls: 1,
  findings: [],
  ...overrides,
});

describe('concludeOutcome', () => {
  it.each<[string, WorkflowState, string]>([
    ['an unrecognized event', { classification: { kind: 'UNRECOGNIZED', eventId: 'x', rejection: 'field "source" is "aws.s3"' } }, 'REJECTED'],
    ['no classification at all (ClassifyEvent caught)', { error: { Error: 'Lambda.Unknown', Cause: 'boom' } }, 'FAILED'],
    [
      'a permission failure already compliant',
      { classification: classification('CRL_S3_PERMISSION'), inspection: inspection('compliant') },
      'ALREADY_COMPLIANT',
    ],
    [
      'a permission failure repaired',
      { classification: classification('CRL_S3_PERMISSION'), inspection: inspection('repair', 'CRL', [fixable]), repair: { actions: applied, findings: [] } },
      'REMEDIATED',
    ],
    [
      'a permission failure repaired and proven by a newer CRL',
      {
        classification: classification('CRL_S3_PERMISSION'),
        inspection: inspection('repair', 'CRL', [fixable]),
        repair: { actions: applied, findings: [] },
        crl: crl(true, 'repair'),
      },
      'REMEDIATED',
    ],
    [
      'a permission failure repaired, but no newer CRL by the end of the window',
      {
        classification: classification('CRL_S3_PERMISSION'),
        inspection: inspection('repair', 'CRL', [fixable]),
        repair: { actions: applied, findings: [] },
        crl: crl(false, 'repair'),
      },
      'ESCALATED',
    ],
    [
      'a permission failure repaired, and the check retried out (CrlNotYetPublished)',
      {
        classification: classification('CRL_S3_PERMISSION'),
        inspection: inspection('repair', 'CRL', [fixable]),
        repair: { actions: applied, findings: [] },
        exhausted: { Error: 'CrlNotYetPublished', Cause: 'no object under s3://b/crl/x*' },
      },
      'ESCALATED',
    ],
    [
      'a permission failure already compliant, and no newer CRL by the end of the window',
      { classification: classification('CRL_S3_PERMISSION'), inspection: inspection('compliant'), crl: crl(false) },
      'ESCALATED',
    ],
    [
      'a permission failure blocked by a Deny',
      { classification: classification('CRL_S3_PERMISSION'), inspection: inspection('attention', 'CRL', [needsPerson]) },
      'NEEDS_ATTENTION',
    ],
    [
      'a repair that stopped on a refusal',
      { classification: classification('CRL_S3_PERMISSION'), inspection: inspection('repair'), repair: { actions: [], findings: [needsPerson] } },
      'NEEDS_ATTENTION',
    ],
    ['a permission failure in dry-run', { classification: classification('CRL_S3_PERMISSION'), inspection: inspection('dry-run') }, 'DRY_RUN'],
    ['an internal failure recovered', { classification: classification('CRL_S3_INTERNAL'), inspection: inspection('compliant'), crl: crl(true) }, 'RECOVERED'],
    [
      'an internal failure not recovered in the window',
      { classification: classification('CRL_GENERATION_INTERNAL'), inspection: inspection('compliant'), crl: crl(false) },
      'ESCALATED',
    ],
    [
      'an internal failure whose retries ran out',
      {
        classification: classification('CRL_S3_INTERNAL'),
        inspection: inspection('compliant'),
        exhausted: { Error: 'CrlNotYetPublished', Cause: 'still old' },
      },
      'ESCALATED',
    ],
    [
      'an internal failure with a named cause',
      { classification: classification('CRL_S3_INTERNAL'), inspection: inspection('attention', 'CRL', [needsPerson]) },
      'NEEDS_ATTENTION',
    ],
    [
      'an audit report produced again',
      { classification: classification('AUDIT_REPORT'), inspection: inspection('compliant', 'AUDIT_REPORT'), auditRequest: audit({}) },
      'REMEDIATED',
    ],
    [
      'an audit report that failed again',
      {
        classification: classification('AUDIT_REPORT'),
        inspection: inspection('repair', 'AUDIT_REPORT'),
        repair: { actions: applied, findings: [] },
        auditRequest: audit({ status: 'FAILED' }),
      },
      'ESCALATED',
    ],
    [
      'an audit report still creating after the last check',
      {
        classification: classification('AUDIT_REPORT'),
        inspection: inspection('compliant', 'AUDIT_REPORT'),
        auditRequest: audit({ status: 'CREATING', polls: 30 }),
      },
      'ESCALATED',
    ],
    [
      'an audit report refused',
      {
        classification: classification('AUDIT_REPORT'),
        inspection: inspection('compliant', 'AUDIT_REPORT'),
        auditRequest: audit({ requested: false, findings: [needsPerson] }),
      },
      'NEEDS_ATTENTION',
    ],
    [
      'an audit report blocked by the 30-minute limit',
      {
        classification: classification('AUDIT_REPORT'),
        inspection: inspection('compliant', 'AUDIT_REPORT'),
        exhausted: { Error: 'AuditReportRequestInProgress', Cause: 'limit' },
      },
      'ESCALATED',
    ],
    [
      'an issuance failure',
      { classification: classification('CERTIFICATE_ISSUANCE'), diagnosis: { caStatus: 'ACTIVE', findings: [needsPerson], nextSteps: ['re-submit'] } },
      'NEEDS_ATTENTION',
    ],
    [
      'a creation failure',
      { classification: classification('CA_CREATION'), diagnosis: { caStatus: 'FAILED', findings: [needsPerson], nextSteps: ['create again'] } },
      'NEEDS_ATTENTION',
    ],
    [
      'an unexpected error after a repair',
      {
        classification: classification('CRL_S3_PERMISSION'),
        inspection: inspection('repair'),
        error: { Error: 'TypeError', Cause: '{"errorMessage":"x is undefined","errorType":"TypeError"}' },
      },
      'FAILED',
    ],
    [
      'transient AWS errors that ran out',
      { classification: classification('CRL_S3_PERMISSION'), exhausted: { Error: 'AwsTransientError', Cause: 'throttled' } },
      'ESCALATED',
    ],
    [
      'a function that kept timing out or crashing',
      { classification: classification('CRL_S3_PERMISSION'), exhausted: { Error: 'Lambda.Unknown', Cause: 'Task timed out after 30.00 seconds' } },
      'ESCALATED',
    ],
  ])('concludes %s as %s', (_name, state, status) => {
    expect(concludeOutcome(state).status).toBe(status);
  });

  it('reports the applied actions with the policy before and after', () => {
    const conclusion = concludeOutcome({
      classification: classification('CRL_S3_PERMISSION'),
      inspection: inspection('repair'),
      repair: { actions: applied, findings: [] },
    });
    expect(conclusion.actions).toEqual(applied);
    expect(conclusion.message).toMatch(/Repaired: Add statement/);
  });

  it('records the planned actions, unapplied, in dry-run', () => {
    const conclusion = concludeOutcome({ classification: classification('AUDIT_REPORT'), inspection: inspection('dry-run', 'AUDIT_REPORT') });
    expect(conclusion.actions).toEqual([
      ...plan,
      expect.objectContaining({ type: 'CreateCertificateAuthorityAuditReport', description: 'Request the audit report again in s3://b as CSV' }),
    ]);
    expect(conclusion.actions.some((action) => 'appliedAt' in action)).toBe(false);
    expect(conclusion.message).toMatch(/nothing was written/);
    expect(conclusion.message).toMatch(/re-request of the audit report included/);
  });

  it('lists what a person must do from the findings that need one', () => {
    const conclusion = concludeOutcome({
      classification: classification('CRL_S3_PERMISSION'),
      inspection: inspection('attention', 'CRL', [needsPerson, fixable]),
    });
    expect(conclusion.nextSteps).toEqual(['statement 1 denies']);
  });

  it("tells a person to read the function's log when its function kept timing out or crashing (Lambda.Unknown)", () => {
    const conclusion = concludeOutcome({
      classification: classification('CRL_S3_PERMISSION'),
      exhausted: { Error: 'Lambda.Unknown', Cause: 'Task timed out after 30.00 seconds' },
    });
    expect(conclusion.error).toEqual({ name: 'Lambda.Unknown', message: 'Task timed out after 30.00 seconds' });
    expect(conclusion.nextSteps[0]).toMatch(/timed out, ran out of memory or crashed on every attempt.*\/aws\/lambda\/pca-remediation-<stage>-<function>/);
    expect(conclusion.nextSteps[1]).toMatch(/timeout or memory in serverless\.yml, with its Task's TimeoutSeconds/);
  });

  it('names the error of an unexpected failure', () => {
    const conclusion = concludeOutcome({
      classification: classification('CRL_S3_PERMISSION'),
      error: { Error: 'TypeError', Cause: '{"errorMessage":"x is undefined","errorType":"TypeError"}' },
    });
    expect(conclusion.error).toEqual({ name: 'TypeError', message: 'x is undefined' });
  });
});

describe('parseCaughtError', () => {
  it.each([
    ['a Lambda error cause (JSON)', { Error: 'CrlNotYetPublished', Cause: '{"errorType":"CrlNotYetPublished","errorMessage":"old","trace":[]}' }, 'old'],
    ['a plain cause (local engine)', { Error: 'CrlNotYetPublished', Cause: 'old' }, 'old'],
    ['a plain cause prefixed with the name', { Error: 'CrlNotYetPublished', Cause: 'CrlNotYetPublished: old' }, 'old'],
    ['no cause', { Error: 'States.Timeout' }, ''],
  ])('reads %s', (_name, caught, message) => {
    expect(parseCaughtError(caught).message).toBe(message);
  });
});

describe('shouldNotify', () => {
  it.each([
    ['NEEDS_ATTENTION', [], true],
    ['ESCALATED', [], true],
    ['FAILED', [], true],
    ['DRY_RUN', plan, true],
    ['DRY_RUN', [], false],
    ['REMEDIATED', plan, false],
    ['ALREADY_COMPLIANT', [], false],
    ['RECOVERED', [], false],
    ['REJECTED', [], false],
  ] as const)('notifies %s (with %j actions): %s', (status, actions, expected) => {
    expect(shouldNotify({ status, actions: [...actions] })).toBe(expected);
  });
});
