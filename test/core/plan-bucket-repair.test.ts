import { describe, expect, it } from 'vitest';
import { concludeOutcome } from '../../src/core/outcome';
import { planBucketRepair } from '../../src/core/plan-bucket-repair';
import type { Classification, Config } from '../../src/core/types';
import { ACCOUNT, BUCKET, BUCKET_ARN, CA_ARN, CA_ID, documentedGrant, policyText } from './policy/fixtures';
const classification: Classification = {
  kind: 'CRL_S3_PERMISSION',
  eventId: 'e-1',
  certificateAuthorityArn: CA_ARN,
  certificateAuthorityId: CA_ID,
  account: ACCOUNT,
  region: 'us-east-1',
  partition: 'aws',
};
const config: Config = {
  mode: 'apply',
  allowedBuckets: [],
  allowCaUpdates: true,
  notificationTopicArn: '',
  crlRecoveryWindowMinutes: 75,
  approvalTimeoutHours: 24,
};

function planFor(policy: string | null) {
  return planBucketRepair({
    classification,
    purpose: 'CRL',
    bucket: { name: BUCKET, status: 'found', policy, publicAccessBlock: null, objectOwnership: null, encryption: null },
    config,
    revocation: { CrlConfiguration: { Enabled: true, S3BucketName: BUCKET, S3ObjectAcl: 'BUCKET_OWNER_FULL_CONTROL' } },
    crlAcl: 'BUCKET_OWNER_FULL_CONTROL',
  });
}

describe('planBucketRepair: a policy that repeats a key', () => {
  // A Deny whose text holds two "StringNotEquals": JSON.parse keeps only the second, and a
  // merge would write the policy back without the first.
  const deny = `{"Sid":"Guard","Effect":"Deny","Principal":"*","Action":"s3:*","Resource":"${BUCKET_ARN}/*","Condition":{"StringNotEquals":{"aws:SourceAccount":"${ACCOUNT}"},"StringNotEquals":{"aws:SourceVpce":"vpce-1"}}}`;
  const text = `{"Version":"2012-10-17","Statement":[${deny}]}`;

  it('plans nothing and asks a person with POLICY_DUPLICATE_KEYS naming the JSON path', () => {
    // Act
    const plan = planFor(text);

    // Assess
    expect(plan.next).toBe('attention');
    expect(plan.plan).toEqual([]);
    expect(plan.findings).toEqual([
      expect.objectContaining({
        code: 'POLICY_DUPLICATE_KEYS',
        severity: 'action-required',
        detail: { paths: ['$.Statement[0].Condition.StringNotEquals'] },
        message: expect.stringContaining('$.Statement[0].Condition.StringNotEquals'),
      }),
    ]);
    expect(plan.findings[0]!.message).toMatch(/nothing was written/);
  });

  it('gives the finding as the next step of the outcome', () => {
    // Prepare
    const plan = planFor(text);

    // Act
    const outcome = concludeOutcome({ classification, inspection: { purpose: 'CRL', bucket: BUCKET, mode: 'apply', ...plan } });

    // Assess
    expect(outcome.status).toBe('NEEDS_ATTENTION');
    expect(outcome.nextSteps).toEqual([plan.findings[0]!.message]);
  });

  it('plans the grant for the same policy written without the repetition', () => {
    // Prepare
    const once = policyText([
      {
        Sid: 'Guard',
        Effect: 'Deny',
        Principal: '*',
        Action: 's3:*',
        Resource: `${BUCKET_ARN}/*`,
        Condition: { StringNotEquals: { 'aws:SourceAccount': ACCOUNT } },
      },
    ]);

    // Act
    const plan = planFor(once);

    // Assess
    expect(plan.next).toBe('repair');
    expect(plan.findings.map((finding) => finding.code)).toEqual(['POLICY_GRANT_MISSING']);
  });

  it.each([null, ''])('plans the documented policy for a bucket with no policy (%j)', (policy) => {
    // Act
    const plan = planFor(policy);

    // Assess
    expect(plan.next).toBe('repair');
    expect(plan.findings.map((finding) => finding.code)).toEqual(['POLICY_GRANT_MISSING']);
  });

  it('reports text that is not JSON as POLICY_UNREADABLE, as before', () => {
    // Act
    const plan = planFor('{"Statement": [');

    // Assess
    expect(plan.findings.map((finding) => finding.code)).toEqual(['POLICY_UNREADABLE']);
  });
});

describe('planBucketRepair: the bucket owner is known', () => {
  // The bucket was read with ExpectedBucketOwner = the CA's account, so aws:ResourceAccount is that account.
  it.each([
    ['a Deny for buckets of other accounts does not block', { StringNotEquals: { 'aws:ResourceAccount': ACCOUNT } }, 'compliant'],
    ['a Deny for buckets of this account blocks', { StringEquals: { 's3:ResourceAccount': ACCOUNT } }, 'attention'],
  ] as const)('%s', (_title, condition, next) => {
    // Prepare
    const text = policyText([documentedGrant(), { Effect: 'Deny', Principal: '*', Action: 's3:PutObject', Resource: `${BUCKET_ARN}/*`, Condition: condition }]);

    // Act
    const plan = planFor(text);

    // Assess
    expect(plan.next).toBe(next);
  });
});
