import { CreateCertificateAuthorityAuditReportCommand, DescribeCertificateAuthorityAuditReportCommand } from '@aws-sdk/client-acm-pca';
import { HeadObjectCommand, PutBucketPolicyCommand } from '@aws-sdk/client-s3';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { AccountFile, BucketEntry } from '../../../src/workstation/local/account-file';
import { checkPrivateCaWrite, privateCaRequests } from '../../../src/workstation/local/private-ca-writes';
import { findBucket, toModel } from '../../../src/workstation/local/simulation-model';
import { AUDIT_BUCKET, bucketOf, CA_ARN, caOf, CRL_BUCKET, CRL_KEY, fixture, pcaGrantPolicy, simulate } from './helpers';

const OLD_CRL = '2026-11-19T10:00:00.000Z';

function crlWrittenAt(account: ReturnType<typeof simulate>['account']): string | undefined {
  return bucketOf(account, CRL_BUCKET).Objects[CRL_KEY];
}

describe('CRL retries every 15 minutes after the failure', () => {
  it('succeeds at the first tick after the bucket policy is fixed, never before', async () => {
    const { account, clock, s3 } = simulate('crl-missing-grant', '2026-11-20T10:05:00Z');

    account.advanceTo(new Date('2026-11-20T10:20:00Z'));
    expect(crlWrittenAt(account)).toBe(OLD_CRL);
    expect(caOf(account).Simulation?.CrlFailureAt).toBe('2026-11-20T10:15:00.000Z');

    clock.set('2026-11-20T10:22:00Z');
    await s3.send(new PutBucketPolicyCommand({ Bucket: CRL_BUCKET, Policy: pcaGrantPolicy() }));
    account.advanceTo(new Date('2026-11-20T10:29:59Z'));
    expect(crlWrittenAt(account)).toBe(OLD_CRL);

    account.advanceTo(new Date('2026-11-20T10:30:00Z'));
    expect(crlWrittenAt(account)).toBe('2026-11-20T10:30:00.000Z');
    expect(caOf(account).Simulation?.CrlFailureAt).toBeNull();
  });

  it('judges each tick by the bucket as it was then: a fix made late does not count for earlier ticks', async () => {
    const { clock, s3 } = simulate('crl-missing-grant', '2026-11-20T10:05:00Z');
    clock.set('2026-11-20T10:50:00Z');
    await s3.send(new PutBucketPolicyCommand({ Bucket: CRL_BUCKET, Policy: pcaGrantPolicy() }));
    clock.set('2026-11-20T11:10:00Z');
    const head = await s3.send(new HeadObjectCommand({ Bucket: CRL_BUCKET, Key: CRL_KEY }));
    expect(head.LastModified).toEqual(new Date('2026-11-20T11:00:00Z'));
  });

  it.each([
    ['10:20', '2026-11-20T10:20:00Z', '2026-11-20T10:30:00.000Z'],
    ['10:30 (a write at the very end of the window succeeds)', '2026-11-20T10:30:00Z', '2026-11-20T10:30:00.000Z'],
    ['10:31', '2026-11-20T10:31:00Z', '2026-11-20T10:45:00.000Z'],
  ])('with an internal failure until %s, the CRL is written at the next tick', (_case, until, writtenAt) => {
    const { account } = simulate('crl-internal-failure', '2026-11-20T10:05:00Z', (file) => {
      file.certificateAuthorities[0]!.Simulation!.CrlInternalFailureUntil = until;
    });
    account.advanceTo(new Date(Date.parse(writtenAt) - 1));
    expect(crlWrittenAt(account)).toBe(OLD_CRL);
    account.advanceTo(new Date('2026-11-20T12:00:00Z'));
    expect(crlWrittenAt(account)).toBe(writtenAt);
  });

  it('never writes while the internal failure lasts forever, and keeps the last failed tick', () => {
    const { account } = simulate('crl-internal-failure', '2026-11-20T10:05:00Z', (file) => {
      file.certificateAuthorities[0]!.Simulation!.CrlInternalFailureUntil = 'forever';
    });
    account.advanceTo(new Date('2026-11-21T10:07:00Z'));
    expect(crlWrittenAt(account)).toBe(OLD_CRL);
    expect(caOf(account).Simulation?.CrlFailureAt).toBe('2026-11-21T10:00:00.000Z');
  });

  it('needs both the bucket fixed and the internal failure over', async () => {
    const { account, clock, s3 } = simulate('crl-missing-grant', '2026-11-20T10:05:00Z', (file) => {
      file.certificateAuthorities[0]!.Simulation!.CrlInternalFailureUntil = '2026-11-20T11:05:00Z';
    });
    await s3.send(new PutBucketPolicyCommand({ Bucket: CRL_BUCKET, Policy: pcaGrantPolicy() }));
    clock.set('2026-11-20T11:14:00Z');
    account.advanceTo(clock.now());
    expect(crlWrittenAt(account)).toBe(OLD_CRL);
    account.advanceTo(new Date('2026-11-20T11:15:00Z'));
    expect(crlWrittenAt(account)).toBe('2026-11-20T11:15:00.000Z');
  });

  it('records no SDK call for Private CA’s own writes', () => {
    const { account } = simulate('crl-internal-failure', '2026-11-20T10:05:00Z');
    account.advanceTo(new Date('2026-11-20T12:00:00Z'));
    expect(account.calls).toEqual([]);
  });
});

describe('whether Private CA can write the CRL', () => {
  type Edit = (bucket: BucketEntry, file: AccountFile) => void;
  const acl =
    (value: 'PUBLIC_READ' | 'BUCKET_OWNER_FULL_CONTROL'): Edit =>
    (_bucket, file) => {
      file.certificateAuthorities[0]!.RevocationConfiguration!.CrlConfiguration!.S3ObjectAcl = value;
    };
  const kms =
    (KMSMasterKeyID?: string): Edit =>
    (bucket) => {
      bucket.ServerSideEncryptionConfiguration = {
        Rules: [{ ApplyServerSideEncryptionByDefault: { SSEAlgorithm: 'aws:kms', ...(KMSMasterKeyID ? { KMSMasterKeyID } : {}) } }],
      };
    };
  const denyOutsideOrganization: Edit = (bucket) => {
    const policy = JSON.parse(bucket.Policy as string) as { Statement: unknown[] };
    policy.Statement.push({
      Sid: 'DenyOutsideOrganization',
      Effect: 'Deny',
      Principal: '*',
      Action: 's3:*',
      Resource: [`arn:aws:s3:::${CRL_BUCKET}`, `arn:aws:s3:::${CRL_BUCKET}/*`],
      Condition: { StringNotEquals: { 'aws:PrincipalOrgID': 'o-abcdefghij' } },
    });
    bucket.Policy = JSON.stringify(policy);
  };

  it.each<[string, Edit[], boolean]>([
    ['the documented grant, SSE-S3, BUCKET_OWNER_FULL_CONTROL', [], true],
    ['no bucket policy', [(bucket) => (bucket.Policy = null)], false],
    ['an explicit Deny for principals outside the organisation', [denyOutsideOrganization], false],
    ['PUBLIC_READ with BlockPublicAcls on', [acl('PUBLIC_READ'), (b) => (b.OwnershipControls = null)], false],
    ['PUBLIC_READ with ACLs disabled (BucketOwnerEnforced)', [acl('PUBLIC_READ'), (b) => (b.PublicAccessBlockConfiguration = null)], false],
    [
      'PUBLIC_READ with Block Public Access off and ACLs enabled',
      [acl('PUBLIC_READ'), (b) => (b.PublicAccessBlockConfiguration = null), (b) => (b.OwnershipControls = { Rules: [{ ObjectOwnership: 'ObjectWriter' }] })],
      true,
    ],
    ['SSE-KMS with the S3 default key (no key id)', [kms()], false],
    ['SSE-KMS with alias/aws/s3', [kms('alias/aws/s3')], false],
    ['SSE-KMS with the ARN of alias/aws/s3', [kms('arn:aws:kms:us-east-1:111122223333:alias/aws/s3')], false],
    ['SSE-KMS with a customer managed key', [kms('arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab')], true],
    ['the bucket deleted', [(_b, file) => file.buckets.splice(0, 1)], false],
  ])('%s → written: %s', (_case, edits, written) => {
    const { account } = simulate('crl-internal-failure', '2026-11-20T10:05:00Z', (file) => {
      for (const edit of edits) edit(file.buckets[0]!, file);
    });
    account.advanceTo(new Date('2026-11-20T12:00:00Z'));
    const bucket = account.toAccountFile().buckets.find((b) => b.Name === CRL_BUCKET);
    expect(bucket?.Objects[CRL_KEY] !== undefined && bucket.Objects[CRL_KEY] !== OLD_CRL).toBe(written);
  });
});

describe('audit report lifecycle', () => {
  async function requestReport(policy: string | null, edit: (file: AccountFile) => void = () => {}) {
    const setup = simulate('audit-report-failed', '2026-11-20T10:30:00Z', (file) => {
      file.buckets[0]!.Policy = policy;
      edit(file);
    });
    const created = await setup.pca.send(
      new CreateCertificateAuthorityAuditReportCommand({ CertificateAuthorityArn: CA_ARN, S3BucketName: AUDIT_BUCKET, AuditReportResponseFormat: 'JSON' }),
    );
    const describeAt = async (time: string) => {
      setup.clock.set(time);
      return setup.pca.send(new DescribeCertificateAuthorityAuditReportCommand({ CertificateAuthorityArn: CA_ARN, AuditReportId: created.AuditReportId }));
    };
    return { ...setup, created, describeAt };
  }

  it('goes CREATING → SUCCESS after AuditReportSecondsToComplete and writes the report when the bucket allows it', async () => {
    const { account, created, describeAt } = await requestReport(pcaGrantPolicy(AUDIT_BUCKET));
    await expect(describeAt('2026-11-20T10:30:59Z')).resolves.toMatchObject({ AuditReportStatus: 'CREATING' });
    expect(bucketOf(account, AUDIT_BUCKET).Objects[created.S3Key!]).toBeUndefined();
    await expect(describeAt('2026-11-20T10:31:00Z')).resolves.toMatchObject({ AuditReportStatus: 'SUCCESS' });
    expect(bucketOf(account, AUDIT_BUCKET).Objects[created.S3Key!]).toBe('2026-11-20T10:31:00.000Z');
  });

  it('goes CREATING → FAILED when the bucket policy does not let Private CA write', async () => {
    const { account, created, describeAt } = await requestReport(null);
    await expect(describeAt('2026-11-20T10:31:00Z')).resolves.toMatchObject({ AuditReportStatus: 'FAILED' });
    expect(bucketOf(account, AUDIT_BUCKET).Objects[created.S3Key!]).toBeUndefined();
  });

  it('goes CREATING → FAILED when AuditReportOutcome is FAILED, whatever the bucket', async () => {
    const { describeAt } = await requestReport(pcaGrantPolicy(AUDIT_BUCKET), (file) => {
      file.certificateAuthorities[0]!.Simulation!.AuditReportOutcome = 'FAILED';
    });
    await expect(describeAt('2026-11-20T10:31:00Z')).resolves.toMatchObject({ AuditReportStatus: 'FAILED' });
  });
});

describe('the simulated Private CA judges its writes with an evaluator that is not the product’s', () => {
  const model = () => toModel(fixture('crl-missing-grant'));
  const at = new Date('2026-11-20T10:15:00Z');
  const write = { bucket: CRL_BUCKET, objectKeys: [CRL_KEY], objectAcl: 'bucket-owner-full-control' as const };
  const withPolicy = (policy: unknown) => {
    const m = model();
    findBucket(m, CRL_BUCKET)!.Policy = typeof policy === 'string' ? policy : JSON.stringify(policy);
    return m;
  };
  const deny = (condition: Record<string, Record<string, string | string[]>>) => ({
    Version: '2012-10-17',
    Statement: [
      ...(JSON.parse(pcaGrantPolicy()) as { Statement: unknown[] }).Statement,
      { Effect: 'Deny', Principal: '*', Action: 's3:*', Resource: `arn:aws:s3:::${CRL_BUCKET}/*`, Condition: condition },
    ],
  });

  it('makes the four requests AWS documents, with the context taken from the simulated CA and bucket', () => {
    const m = model();
    const requests = privateCaRequests(m, m.certificateAuthorities[0]!, findBucket(m, CRL_BUCKET)!, write, at);
    expect(requests.map((r) => `${r.action} ${r.resource}`)).toEqual([
      `s3:GetBucketAcl arn:aws:s3:::${CRL_BUCKET}`,
      `s3:GetBucketLocation arn:aws:s3:::${CRL_BUCKET}`,
      `s3:PutObject arn:aws:s3:::${CRL_BUCKET}/${CRL_KEY}`,
      `s3:PutObjectAcl arn:aws:s3:::${CRL_BUCKET}/${CRL_KEY}`,
    ]);
    expect(requests[2]!.context).toMatchObject({
      'aws:SourceAccount': '111122223333',
      'aws:SourceArn': CA_ARN,
      'aws:SecureTransport': 'true',
      'aws:PrincipalServiceName': 'acm-pca.amazonaws.com',
      'aws:PrincipalIsAWSService': 'true',
      'aws:CurrentTime': '2026-11-20T10:15:00.000Z',
      's3:x-amz-acl': 'bucket-owner-full-control',
    });
    expect(requests[0]!.context['s3:x-amz-acl']).toBeUndefined();
    expect(requests.every((r) => r.principal === 'acm-pca.amazonaws.com')).toBe(true);
  });

  it.each([
    ['the documented grant', JSON.parse(pcaGrantPolicy()), true],
    ['no policy', null, false],
    ['the grant for another CA', JSON.parse(pcaGrantPolicy(CRL_BUCKET, CA_ARN.replace(/.{4}$/, '9999'))), false],
    ['a Deny of insecure transport (does not match Private CA)', deny({ Bool: { 'aws:SecureTransport': 'false' } }), true],
    [
      'a Deny of every other account (StringNotEquals aws:SourceAccount, own account)',
      deny({ StringNotEquals: { 'aws:SourceAccount': '111122223333' } }),
      true,
    ],
    ['a Deny of every other account, written for another account', deny({ StringNotEquals: { 'aws:SourceAccount': '444455556666' } }), false],
    [
      'a Deny of objects written without bucket-owner-full-control, CA sends it',
      deny({ StringNotEquals: { 's3:x-amz-acl': 'bucket-owner-full-control' } }),
      true,
    ],
    ['a Deny after a date already past', deny({ DateGreaterThan: { 'aws:CurrentTime': '2026-01-01T00:00:00Z' } }), false],
    ['a Deny of every service principal', deny({ Bool: { 'aws:PrincipalIsAWSService': 'true' } }), false],
  ])('%s: allowed %s', (_name, policy, allowed) => {
    const m = policy === null ? model() : withPolicy(policy);
    if (policy === null) findBucket(m, CRL_BUCKET)!.Policy = null;
    const check = checkPrivateCaWrite(m, m.certificateAuthorities[0]!, write, at);
    expect(check.allowed).toBe(allowed);
    if (!allowed) expect(check.reasons.join()).toMatch(/does not let Private CA write .*(ExplicitlyDenied|ImplicitlyDenied)/);
  });

  it('the simulated Private CA and its judge import nothing from the product’s policy evaluator', () => {
    for (const file of ['src/workstation/local/private-ca-writes.ts', 'src/workstation/local/iam-judge.ts']) {
      const text = readFileSync(new URL(`../../../${file}`, import.meta.url), 'utf8');
      expect(text, file).not.toMatch(/from '\.\.\/lib\/policy/);
    }
  });
});
