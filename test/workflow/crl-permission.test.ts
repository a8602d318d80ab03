/**
 * CRL_S3_PERMISSION through the real state machine: describe, inspect, plan,
 * apply, read back; and every way it stops without writing.
 */
import type { AppliedAction } from '../../src/core/types';
import { describe, expect, it } from 'vitest';
import { repairRoleCaller } from '../../src/workstation/local/caller';
import { account, BUCKET, CA_ARN, CA_ID, documentedGrant, event, policyOf, runScenario } from './scenario';

const permissionEvent = event('crl-s3-permission-failure.json');
/** CRLs served publicly from the bucket: public in S3's sense (Principal "*", no restricting condition). */
const publicReadCrls = { Sid: 'PublicReadCrls', Effect: 'Allow', Principal: '*', Action: 's3:GetObject', Resource: `arn:aws:s3:::${BUCKET}/crl/*` };

describe('a CRL that could not be written because of bucket permissions', () => {
  it("adds the Private CA statement, keeps every other statement, waits for Private CA's next CRL, and ends REMEDIATED: 10 states and 4 Lambda invocations for the repair, then 2 states and 1 invocation for the proof", async () => {
    // Prepare
    const file = account();
    const before = policyOf(file as never);
    // Act
    const run = await runScenario(permissionEvent, file);
    // Assess
    expect(run.execution.status).toBe('SUCCEEDED');
    expect(run.outcome.status).toBe('REMEDIATED');
    expect(run.states).toEqual([
      'ClassifyEvent',
      'IsThereAFailureToHandle?',
      'ClaimEvent',
      'WhatFailed?',
      'InspectCrlBucket',
      'IsACrlRepairPlanned?',
      'RepairCrlBucket',
      'WasTheCrlBucketRepaired?',
      'CheckCrlWrittenAfterRepair',
      'RecordOutcome',
      'DidTheRemediationFail?',
      'RemediationFinished',
    ]);
    // The simulated Private CA retries the failed CRL 15 minutes after the failure at 10:00; the repair was at 10:02.
    expect(run.outcome.message).toMatch(
      /Private CA wrote s3:\/\/pca-crl-111122223333\/crl\/11223344-1234-1122-2233-112233445566\.crl at 2026-11-20T10:15:00\.000Z, 13 min after the repair\./,
    );
    const after = policyOf(run.after);
    expect(after.Statement.slice(0, before.Statement.length)).toEqual(before.Statement);
    expect(after.Statement).toHaveLength(before.Statement.length + 1);
    expect(after.Statement.at(-1)).toMatchObject({
      Effect: 'Allow',
      Principal: { Service: 'acm-pca.amazonaws.com' },
      Condition: { StringEquals: { 'aws:SourceAccount': '111122223333', 'aws:SourceArn': CA_ARN } },
    });
    expect(run.mutatingCalls).toEqual(['PutBucketPolicy']);
    const invocations = run.execution.attempts.filter((attempt) => !attempt.service);
    expect(invocations.filter((attempt) => attempt.state !== 'CheckCrlWrittenAfterRepair')).toHaveLength(4);
    // The proof: checked until Private CA's retry at 10:15 wrote the CRL, every retry a CrlNotYetPublished.
    expect(invocations.filter((attempt) => attempt.state === 'CheckCrlWrittenAfterRepair').length).toBeGreaterThan(1);
    expect(new Set(run.execution.retries.map((retry) => `${retry.state} ${retry.error}`))).toEqual(new Set(['CheckCrlWrittenAfterRepair CrlNotYetPublished']));
    expect(run.outcome.actions).toEqual([
      expect.objectContaining({
        type: 'PutBucketPolicy',
        verified: true,
        before: JSON.stringify(before),
        after: expect.stringContaining('acm-pca.amazonaws.com'),
      }),
    ]);
    expect(run.after.notifications).toEqual([]);
  });

  it('lets the simulated Private CA write its next CRL after the repair', async () => {
    const run = await runScenario(permissionEvent, account());
    run.simulation.advanceTo(new Date('2026-11-20T10:31:00Z'));
    const objects = run.simulation.toAccountFile().buckets[0]!.Objects;
    expect(Date.parse(objects[`crl/${CA_ID}.crl`]!)).toBeGreaterThan(Date.parse('2026-11-20T10:00:00Z'));
  });

  it('makes every S3 call with ExpectedBucketOwner of the CA account', async () => {
    const run = await runScenario(permissionEvent, account());
    const s3 = run.simulation.calls.filter((call) => call.service === 'S3');
    expect(s3.length).toBeGreaterThan(0);
    for (const call of s3) expect((call.input as { ExpectedBucketOwner?: string }).ExpectedBucketOwner).toBe('111122223333');
  });

  it('writes nothing and ends ALREADY_COMPLIANT when the policy already grants Private CA', async () => {
    const file = account();
    file.buckets[0].Policy.Statement.push(documentedGrant());
    const run = await runScenario(permissionEvent, file);
    expect(run.outcome.status).toBe('ALREADY_COMPLIANT');
    expect(run.mutatingCalls).toEqual([]);
    // Proven too: Private CA's retry at 10:15 wrote a CRL newer than the event.
    expect(run.states).toContain('CheckCrlWrittenAfterRepair');
    expect(run.outcome.message).toMatch(/Private CA wrote .* 15 min after the event\./);
  });

  it.each([
    ['after a repair', (file: any) => file, 'the repair', ['PutBucketPolicy']],
    ['for a bucket judged compliant', (file: any) => void file.buckets[0].Policy.Statement.push(documentedGrant()), 'the event', []],
  ])(
    'escalates %s when Private CA still writes no CRL within the window (something the workflow cannot see blocks it)',
    async (_case, edit, since, mutating) => {
      // Prepare: what the workflow cannot see (account-level Block Public Access, a KMS key policy, an SCP) stands in as Private CA never writing.
      const file = account();
      edit(file);
      file.certificateAuthorities[0].Simulation = { ...file.certificateAuthorities[0].Simulation, CrlInternalFailureUntil: 'forever' };
      // Act
      const run = await runScenario(permissionEvent, file);
      // Assess
      expect(run.outcome.status).toBe('ESCALATED');
      expect(run.outcome.message).toMatch(
        new RegExp(`judged to let Private CA write, but Private CA still wrote no CRL: .*not after ${since}|nothing newer than ${since}`),
      );
      expect(run.outcome.findings.map((finding) => finding.code)).toContain('CRL_NOT_WRITTEN_AFTER_REPAIR');
      expect(run.outcome.nextSteps.join(' ')).toMatch(/Account-level Block Public Access.*KMS key.*control policies/s);
      expect(run.mutatingCalls).toEqual(mutating);
      expect(run.after.notifications).toHaveLength(1);
    },
  );

  it('switches a PUBLIC_READ CA to BUCKET_OWNER_FULL_CONTROL when ACLs are disabled, and adds the grant', async () => {
    const file = account();
    file.certificateAuthorities[0].RevocationConfiguration.CrlConfiguration.S3ObjectAcl = 'PUBLIC_READ';
    const run = await runScenario(permissionEvent, file);
    expect(run.outcome.status).toBe('REMEDIATED');
    expect(run.mutatingCalls.sort()).toEqual(['PutBucketPolicy', 'UpdateCertificateAuthority']);
    const ca = run.after.certificateAuthorities[0]!;
    expect(ca.RevocationConfiguration?.CrlConfiguration?.S3ObjectAcl).toBe('BUCKET_OWNER_FULL_CONTROL');
    expect(ca.RevocationConfiguration?.CrlConfiguration).toMatchObject({ Enabled: true, ExpirationInDays: 7, S3BucketName: BUCKET });
    expect(ca.RevocationConfiguration?.OcspConfiguration).toEqual({ Enabled: false });
    // The grant first, then the update, which Private CA's bucket test (on in the simulated account) accepted.
    const mutating = run.simulation.calls.filter((call) => call.operation === 'PutBucketPolicy' || call.operation === 'UpdateCertificateAuthority');
    expect(mutating.map((call) => `${call.operation}${call.error ? ` → ${call.error}` : ''}`)).toEqual(['PutBucketPolicy', 'UpdateCertificateAuthority']);
    expect((run.outcome.actions.find((action) => action.type === 'PutBucketPolicy') as AppliedAction | undefined)?.verification).toMatch(
      /Private CA accepted the CA update/,
    );
  });

  it('is refused by Private CA when the bucket still cannot take its writes after the grant (the RepairRole may not write there): CA_UPDATE_REFUSED, NEEDS_ATTENTION', async () => {
    const file = account();
    file.certificateAuthorities[0].RevocationConfiguration.CrlConfiguration.S3ObjectAcl = 'PUBLIC_READ';
    const run = await runScenario(permissionEvent, file, { caller: repairRoleCaller('some-other-bucket') });
    expect(run.outcome.status).toBe('NEEDS_ATTENTION');
    expect(run.outcome.findings.map((finding) => finding.code)).toContain('CA_UPDATE_REFUSED');
    expect(run.outcome.nextSteps.join(' ')).toMatch(/The caller \(RepairRole\) does not have permission to write/);
  });

  it('sends back every RevocationConfiguration field on the wire when it switches the ACL, fields newer than the pinned SDK model included', async () => {
    // Prepare: CustomPath, CrlType and the distribution point setting came after @aws-sdk/client-acm-pca 3.523.0's model.
    const file = account();
    const crl = {
      Enabled: true,
      ExpirationInDays: 7,
      S3BucketName: BUCKET,
      S3ObjectAcl: 'PUBLIC_READ',
      CustomCname: 'crl.example.com',
      CustomPath: 'pki/crls',
      CrlType: 'PARTITIONED',
      CrlDistributionPointExtensionConfiguration: { OmitExtension: false },
    };
    const ocsp = { Enabled: true, OcspCustomCname: 'ocsp.example.com' };
    file.certificateAuthorities[0].RevocationConfiguration = { CrlConfiguration: crl, OcspConfiguration: ocsp };
    // Act
    const run = await runScenario(permissionEvent, file);
    // Assess: the request as the simulated Private CA read it off the wire (JSON body of awsJson 1.1).
    const update = run.simulation.calls.find((call) => call.operation === 'UpdateCertificateAuthority');
    expect(update?.input).toEqual({
      CertificateAuthorityArn: CA_ARN,
      RevocationConfiguration: { CrlConfiguration: { ...crl, S3ObjectAcl: 'BUCKET_OWNER_FULL_CONTROL' }, OcspConfiguration: ocsp },
    });
    expect(run.after.certificateAuthorities[0]!.RevocationConfiguration).toEqual({
      CrlConfiguration: { ...crl, S3ObjectAcl: 'BUCKET_OWNER_FULL_CONTROL' },
      OcspConfiguration: ocsp,
    });
  });

  it('reads and repairs a CRL bucket in another region than the deployment, at its own region (S3 redirects, the SDK follows)', async () => {
    // Prepare
    const file = account();
    file.buckets[0].Region = 'eu-west-1';
    // Act
    const run = await runScenario(permissionEvent, file);
    // Assess
    expect(run.outcome.status).toBe('REMEDIATED');
    expect(run.mutatingCalls).toEqual(['PutBucketPolicy']);
    // Each bucket call was first sent to us-east-1, redirected, and answered at eu-west-1.
    const s3 = run.simulation.calls.filter((call) => call.service === 'S3');
    expect(s3.some((call) => call.error === 'PermanentRedirect')).toBe(true);
    expect(s3.filter((call) => !call.error).map((call) => call.operation)).toContain('PutBucketPolicy');
    expect(policyOf(run.after).Statement.at(-1)).toMatchObject({ Principal: { Service: 'acm-pca.amazonaws.com' } });
  });

  it.each<[string, (file: any) => void, Record<string, string>, string]>([
    [
      'an explicit Deny for principals outside the organization',
      (file) =>
        file.buckets[0].Policy.Statement.push({
          Sid: 'DenyOutsideOrg',
          Effect: 'Deny',
          Principal: '*',
          Action: 's3:*',
          Resource: [`arn:aws:s3:::${BUCKET}/*`],
          Condition: { StringNotEquals: { 'aws:PrincipalOrgID': 'o-abc123' } },
        }),
      {},
      'POLICY_DENY_BLOCKS',
    ],
    [
      'a PUBLIC_READ CA when CA updates are not allowed',
      (file) => {
        file.certificateAuthorities[0].RevocationConfiguration.CrlConfiguration.S3ObjectAcl = 'PUBLIC_READ';
      },
      { ALLOW_CA_UPDATES: 'false' },
      'CRL_ACL_REJECTED',
    ],
    [
      'the S3 default KMS key',
      (file) => {
        file.buckets[0].ServerSideEncryptionConfiguration.Rules[0].ApplyServerSideEncryptionByDefault = {
          SSEAlgorithm: 'aws:kms',
          KMSMasterKeyID: 'alias/aws/s3',
        };
      },
      {},
      'KMS_AWS_MANAGED_KEY',
    ],
    ['a bucket outside allowedBuckets', () => undefined, { ALLOWED_BUCKETS: 'some-other-bucket' }, 'BUCKET_NOT_ALLOWED'],
    [
      'a public statement while Block Public Access blocks public policies',
      (file) => file.buckets[0].Policy.Statement.push(publicReadCrls),
      {},
      'POLICY_PUBLIC_BLOCKED',
    ],
    [
      'a missing bucket',
      (file) => {
        file.buckets = [];
      },
      {},
      'BUCKET_MISSING',
    ],
    [
      'a bucket owned by another account',
      (file) => {
        file.buckets[0].Owner = '444455556666';
      },
      {},
      'BUCKET_ACCESS_DENIED',
    ],
    [
      'a CA this account does not have',
      (file) => {
        file.certificateAuthorities = [];
      },
      {},
      'CA_NOT_FOUND',
    ],
    [
      'CRLs now disabled on the CA',
      (file) => {
        file.certificateAuthorities[0].RevocationConfiguration.CrlConfiguration = { Enabled: false };
      },
      {},
      'CRL_DISABLED',
    ],
  ])('writes nothing, notifies, and ends NEEDS_ATTENTION for %s', async (_name, breakIt, env, code) => {
    // Prepare
    const file = account();
    breakIt(file);
    // Act
    const run = await runScenario(permissionEvent, file, { env });
    // Assess
    expect(run.outcome.status).toBe('NEEDS_ATTENTION');
    expect(run.outcome.findings.map((finding) => finding.code)).toContain(code);
    expect(run.outcome.nextSteps.length).toBeGreaterThan(0);
    expect(run.mutatingCalls).toEqual([]);
    expect(run.after.notifications).toHaveLength(1);
    expect(run.after.notifications[0]!.Subject).toMatch(/NEEDS_ATTENTION/);
  });

  it('names the blocking Deny statement in the outcome', async () => {
    const file = account();
    file.buckets[0].Policy.Statement.push({
      Sid: 'DenyOutsideOrg',
      Effect: 'Deny',
      Principal: '*',
      Action: 's3:PutObject',
      Resource: `arn:aws:s3:::${BUCKET}/*`,
      Condition: { StringNotEquals: { 'aws:PrincipalOrgID': 'o-abc123' } },
    });
    const run = await runScenario(permissionEvent, file);
    expect(run.outcome.findings.find((finding) => finding.code === 'POLICY_DENY_BLOCKS')?.message).toMatch(/Sid "DenyOutsideOrg"/);
  });

  it('names the public statement that BlockPublicPolicy would refuse, and plans no PutBucketPolicy', async () => {
    // Prepare
    const file = account();
    expect(file.buckets[0].PublicAccessBlockConfiguration.BlockPublicPolicy).toBe(true);
    file.buckets[0].Policy.Statement.push(publicReadCrls);
    // Act
    const run = await runScenario(permissionEvent, file);
    // Assess
    expect(run.outcome.status).toBe('NEEDS_ATTENTION');
    const blocked = run.outcome.findings.find((finding) => finding.code === 'POLICY_PUBLIC_BLOCKED');
    expect(blocked).toMatchObject({ severity: 'action-required', detail: { statements: [{ statementIndex: 1, sid: 'PublicReadCrls' }] } });
    expect(blocked?.message).toMatch(/statement 2 \(Sid "PublicReadCrls"\)/);
    expect(blocked?.message).toMatch(/BlockPublicPolicy/);
    expect(run.outcome.actions.map((action) => action.type)).not.toContain('PutBucketPolicy');
    expect(run.simulation.calls.map((call) => call.operation)).not.toContain('PutBucketPolicy');
    expect(run.mutatingCalls).toEqual([]);
    expect(policyOf(run.after)).toEqual(file.buckets[0].Policy);
  });

  it('with BlockPublicPolicy off, adds the grant beside the public statement and ends REMEDIATED', async () => {
    // Prepare
    const file = account();
    file.buckets[0].PublicAccessBlockConfiguration.BlockPublicPolicy = false;
    file.buckets[0].Policy.Statement.push(publicReadCrls);
    const before = policyOf(file as never);
    // Act
    const run = await runScenario(permissionEvent, file);
    // Assess
    expect(run.outcome.status).toBe('REMEDIATED');
    expect(run.mutatingCalls).toEqual(['PutBucketPolicy']);
    const after = policyOf(run.after);
    expect(after.Statement.slice(0, before.Statement.length)).toEqual(before.Statement);
    expect(after.Statement).toContainEqual(publicReadCrls);
    expect(after.Statement.at(-1)).toMatchObject({ Principal: { Service: 'acm-pca.amazonaws.com' } });
  });

  it('adds the grant when BlockPublicPolicy is on and the public read is restricted to a VPC endpoint', async () => {
    const file = account();
    file.buckets[0].Policy.Statement.push({ ...publicReadCrls, Condition: { StringEquals: { 'aws:SourceVpce': 'vpce-1a2b3c4d' } } });
    const run = await runScenario(permissionEvent, file);
    expect(run.outcome.status).toBe('REMEDIATED');
    expect(run.mutatingCalls).toEqual(['PutBucketPolicy']);
  });

  it('plans, records and notifies but writes nothing in dry-run', async () => {
    const file = account();
    file.certificateAuthorities[0].RevocationConfiguration.CrlConfiguration.S3ObjectAcl = 'PUBLIC_READ';
    const run = await runScenario(permissionEvent, file, { env: { MODE: 'dry-run' } });
    expect(run.outcome.status).toBe('DRY_RUN');
    expect(run.outcome.mode).toBe('dry-run');
    expect(run.outcome.actions.map((action) => action.type).sort()).toEqual(['PutBucketPolicy', 'UpdateCertificateAuthority']);
    expect(run.mutatingCalls).toEqual([]);
    expect(run.after.buckets[0]).toEqual(account().buckets[0] && run.after.buckets[0]);
    expect(policyOf(run.after)).toEqual(account().buckets[0].Policy);
    expect(run.after.notifications).toHaveLength(1);
  });

  it("adds its own statement beside another CA's statement in a shared bucket", async () => {
    const file = account();
    const other = 'arn:aws:acm-pca:us-east-1:111122223333:certificate-authority/99999999-1234-1122-2233-112233445566';
    file.buckets[0].Policy.Statement.push(documentedGrant(other));
    const run = await runScenario(permissionEvent, file);
    expect(run.outcome.status).toBe('REMEDIATED');
    const statements = policyOf(run.after).Statement;
    expect(statements).toContainEqual(documentedGrant(other));
    expect(statements.filter((statement) => JSON.stringify(statement).includes(CA_ARN))).toHaveLength(1);
  });

  it('is idempotent: run again after a remediation (a rerun: a new claim), the event finds the bucket compliant and writes nothing more', async () => {
    const first = await runScenario(permissionEvent, account());
    const second = await runScenario(permissionEvent, first.after);
    expect(second.outcome.status).toBe('ALREADY_COMPLIANT');
    expect(second.mutatingCalls).toEqual([]);
    expect(policyOf(second.after)).toEqual(policyOf(first.after));
  });
});
