/** The plan digest, the re-plan decision after an approval, and the mode's settings. */
import { describe, expect, it } from 'vitest';
import { afterApproval, approvalRequest, MAX_APPROVAL_ROUNDS, planDigest, planDiff } from '../../src/core/approval';
import { loadConfig } from '../../src/lambda/runtime/config';
import type { Inspection, PlannedAction } from '../../src/core/types';

const before = JSON.stringify({
  Version: '2012-10-17',
  Statement: [
    { Sid: 'TLS', Effect: 'Deny', Principal: '*', Action: 's3:*', Resource: 'arn:aws:s3:::b/*', Condition: { Bool: { 'aws:SecureTransport': 'false' } } },
  ],
});
const after = JSON.stringify({
  Version: '2012-10-17',
  Statement: [
    ...JSON.parse(before).Statement,
    { Sid: 'AllowAcmPcaWrite1', Effect: 'Allow', Principal: { Service: 'acm-pca.amazonaws.com' }, Action: 's3:PutObject', Resource: 'arn:aws:s3:::b/*' },
  ],
});
const plan: PlannedAction[] = [
  { type: 'PutBucketPolicy', resource: 'arn:aws:s3:::b', description: 'Add statement AllowAcmPcaWrite1 (612 bytes after)', before, after },
];
const config = { approvalTimeoutHours: 24 };
const inspection = (changes: PlannedAction[]): Inspection => ({
  purpose: 'CRL',
  bucket: 'b',
  findings: [],
  plan: changes,
  next: 'approve',
  mode: 'approve',
  approval: approvalRequest(changes, config),
});

describe('planDigest', () => {
  it('is the same for the same changes however the policy text is spaced or its keys ordered, and whatever the description says', () => {
    const reordered = (value: unknown): unknown =>
      Array.isArray(value)
        ? value.map(reordered)
        : typeof value === 'object' && value !== null
          ? Object.fromEntries(
              Object.entries(value)
                .reverse()
                .map(([key, item]) => [key, reordered(item)]),
            )
          : value;
    const respaced = {
      ...plan[0]!,
      before: JSON.stringify(JSON.parse(before), null, 4),
      after: JSON.stringify(reordered(JSON.parse(after))),
      description: 'another wording',
    };
    expect(respaced.after).not.toBe(after);
    expect(planDigest([respaced])).toBe(planDigest(plan));
    expect(planDigest(plan)).toMatch(/^[0-9a-f]{64}$/);
  });

  it('changes when the policy before, the policy after or the resource changes', () => {
    const digest = planDigest(plan);
    const edited = JSON.parse(before);
    edited.Statement.push({
      Sid: 'Ops',
      Effect: 'Allow',
      Principal: { AWS: 'arn:aws:iam::111122223333:role/Ops' },
      Action: 's3:GetObject',
      Resource: 'arn:aws:s3:::b/*',
    });
    expect(planDigest([{ ...plan[0]!, before: JSON.stringify(edited) }])).not.toBe(digest);
    expect(planDigest([{ ...plan[0]!, after: before }])).not.toBe(digest);
    expect(planDigest([{ ...plan[0]!, resource: 'arn:aws:s3:::c' }])).not.toBe(digest);
  });
});

describe('afterApproval', () => {
  it('applies the approved plan when it is unchanged', () => {
    const approved = approvalRequest(plan, config);
    const result = afterApproval(inspection(plan), approved, config);
    expect(result.next).toBe('repair');
    expect(result.approval).toBeUndefined();
    expect(result.findings.map((finding) => finding.code)).toEqual(['APPROVED_PLAN_UNCHANGED']);
  });

  it('asks again, one round more, when the plan changed; after the last round a person must look', () => {
    const changed = [{ ...plan[0]!, before: after }];
    const again = afterApproval(inspection(changed), approvalRequest(plan, config, 1), config);
    expect(again).toMatchObject({ next: 'approve', approval: { round: 2, digest: planDigest(changed), timeoutSeconds: 86_400 } });
    expect(again.findings.map((finding) => finding.code)).toEqual(['PLAN_CHANGED_SINCE_APPROVAL']);
    const last = afterApproval(inspection(changed), approvalRequest(plan, config, MAX_APPROVAL_ROUNDS), config);
    expect(last.next).toBe('attention');
    expect(last.findings).toEqual([expect.objectContaining({ code: 'APPROVED_PLAN_KEPT_CHANGING', severity: 'action-required' })]);
  });

  it('leaves an inspection that plans nothing, or needs a person, as it is', () => {
    const compliant: Inspection = { ...inspection([]), next: 'compliant' };
    delete compliant.approval;
    expect(afterApproval(compliant, approvalRequest(plan, config), config)).toBe(compliant);
  });
});

describe('planDiff', () => {
  it('shows each change with the lines added', () => {
    expect(planDiff(plan).join('\n')).toMatch(/PutBucketPolicy arn:aws:s3:::b[^\n]*\n {2}\(- before, \+ after\)[\s\S]*\+\s+"Sid": "AllowAcmPcaWrite1"/);
  });
});

describe("the mode's settings", () => {
  it('reads MODE approve and APPROVAL_TIMEOUT_HOURS, 24 by default, at most 8760', () => {
    expect(loadConfig({ MODE: 'approve' })).toMatchObject({ mode: 'approve', approvalTimeoutHours: 24 });
    expect(loadConfig({ MODE: 'approve', APPROVAL_TIMEOUT_HOURS: '8760' }).approvalTimeoutHours).toBe(8760);
    expect(() => loadConfig({ MODE: 'approve', APPROVAL_TIMEOUT_HOURS: '8761' })).toThrow(/APPROVAL_TIMEOUT_HOURS must be at most 8760/);
    expect(() => loadConfig({ APPROVAL_TIMEOUT_HOURS: '0' })).toThrow(/APPROVAL_TIMEOUT_HOURS must be a positive whole number/);
    expect(() => loadConfig({ MODE: 'ask' })).toThrow('MODE must be "apply", "dry-run" or "approve", not "ask"');
  });
});
