/**
 * npm run check's judgement, in process, against the simulated account answering the
 * SDK over the wire: CAs in every state, paging, a bucket that cannot be read,
 * throttling, and the verdicts set against what the workflow itself concludes.
 */
import { GetBucketPolicyCommand, PutBucketPolicyCommand } from '@aws-sdk/client-s3';
import { UpdateCertificateAuthorityCommand } from '@aws-sdk/client-acm-pca';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { checkAccount, type CheckReport } from '../../../src/workstation/check/check-account';
import { simulatedClients } from '../../../src/workstation/check/clients';
import { WriteRefused } from '../../../src/workstation/check/read-only';
import { acmPca } from '../../../src/lambda/aws/clients/acm-pca';
import { resetClients } from '../../../src/lambda/aws/clients/registry';
import { s3 } from '../../../src/lambda/aws/clients/s3';
import { loadConfig } from '../../../src/lambda/runtime/config';
import type { OutcomeRecord } from '../../../src/core/types';
import type { AccountFile } from '../../../src/workstation/local/account-file';
import { runLocal, stopDynalite } from '../../../src/workstation/local/runner';
import type { SimulatedAccount, SimulatedAccountOptions } from '../../../src/workstation/local/simulated-account';
import { ACCOUNT_TIME, caArn, permissionFailure, READ_OPERATIONS, severalCas } from './helpers';

const CONFIG = loadConfig({ MODE: 'dry-run' });
const at = () => new Date(ACCOUNT_TIME);

afterEach(() => resetClients());
afterAll(() => stopDynalite());

async function check(
  file: AccountFile,
  options: SimulatedAccountOptions = {},
  extra: Partial<Parameters<typeof checkAccount>[0]> = {},
): Promise<{ report: CheckReport; account: SimulatedAccount }> {
  const account = simulatedClients(file, { now: at, ...options });
  const report = await checkAccount({ region: file.region, config: CONFIG, now: at, ...extra });
  return { report, account };
}

const byCa = (report: CheckReport) =>
  Object.fromEntries(report.rows.map((row) => [row.caArn.slice(-2), [row.verdict, row.findings.map((finding) => finding.code)]]));

/** What the fixture's author expects of each CA (see the CA's common name in several-cas.json). */
const EXPECTED = {
  '01': ['OK', ['POLICY_GRANTS_PCA']],
  '02': ['WOULD_REPAIR', ['POLICY_GRANT_MISSING']],
  '03': ['NEEDS_ATTENTION', ['POLICY_DENY_BLOCKS', 'POLICY_GRANT_MISSING']],
  '04': ['OK', ['NO_CRL']],
  '05': ['OK', ['NO_CRL']],
  '06': ['WOULD_REPAIR', ['POLICY_GRANT_MISSING']],
  '07': ['OK', ['POLICY_GRANTS_PCA']],
  '08': ['OK', ['POLICY_GRANTS_PCA']],
  '09': ['WOULD_REPAIR', ['POLICY_GRANT_MISSING']],
  '10': ['CANNOT_READ', ['BUCKET_ACCESS_DENIED']],
  '11': ['NEEDS_ATTENTION', ['BUCKET_MISSING']],
  '12': ['WOULD_REPAIR', ['CRL_ACL_REJECTED', 'POLICY_GRANT_MISSING']],
};

describe('npm run check against twelve CAs in every state', () => {
  it('gives each CA its verdict and finding codes; an unreadable bucket is CANNOT_READ and the rest go on', async () => {
    const { report, account } = await check(severalCas());
    expect(byCa(report)).toEqual(EXPECTED);
    expect(report.summary).toEqual({ OK: 5, WOULD_REPAIR: 4, NEEDS_ATTENTION: 2, CANNOT_READ: 1 });
    const denied = report.rows.find((row) => row.caArn === caArn(10))!;
    expect(denied.unreadable).toMatch(/^GetBucketPolicy on bucket crl-other-account-444455556666 was denied/);
    expect(report.rows.find((row) => row.caArn === caArn(2))).toMatchObject({
      commonName: 'Missing Grant Issuing CA',
      status: 'ACTIVE',
      bucket: 'crl-shared-111122223333',
    });
    // The cross-region bucket was read (after S3's redirect) and its repair planned.
    const crossRegion = report.rows.find((row) => row.caArn === caArn(9))!;
    expect(crossRegion.plan.map((action) => action.type)).toEqual(['PutBucketPolicy']);
    expect(JSON.parse(crossRegion.plan[0]!.after).Statement.at(-1).Condition.StringEquals['aws:SourceArn']).toBe(caArn(9));
    expect(report.rows.find((row) => row.caArn === caArn(12))!.plan.map((action) => action.type)).toEqual(['UpdateCertificateAuthority', 'PutBucketPolicy']);
    expect(account.calls.filter((call) => !READ_OPERATIONS.has(call.operation))).toEqual([]);
    expect(report.config.mode).toBe('dry-run');
  });

  it('with --ca, checks only those CAs; a CA the region does not have is NEEDS_ATTENTION (CA_NOT_FOUND), as the workflow says', async () => {
    const unknown = caArn(99);
    const { report } = await check(severalCas(), {}, { caArns: [caArn(2), unknown] });
    expect(report.rows.map((row) => [row.caArn, row.verdict, row.findings.map((finding) => finding.code)])).toEqual([
      [caArn(2), 'WOULD_REPAIR', ['POLICY_GRANT_MISSING']],
      [unknown, 'NEEDS_ATTENTION', ['CA_NOT_FOUND']],
    ]);
  });

  it("with --audit-bucket, reads the bucket once and plans each CA's audit-report grant on it", async () => {
    const { report, account } = await check(severalCas(), {}, { caArns: [caArn(1), caArn(2)], auditBuckets: ['crl-compliant-111122223333'] });
    const audit = report.rows.filter((row) => row.purpose === 'AUDIT_REPORT');
    // The compliant bucket grants CAs 01, 07 and 08 on every key (bucket/*): 01 may write reports, 02 may not.
    expect(audit.map((row) => [row.caArn, row.verdict])).toEqual([
      [caArn(1), 'OK'],
      [caArn(2), 'WOULD_REPAIR'],
    ]);
    const reads = account.calls.filter((call) => call.operation === 'GetBucketPolicy' && call.input.Bucket === 'crl-compliant-111122223333');
    expect(reads).toHaveLength(2); // one for CA 01's CRL inspection, one for the audit bucket
  });

  it('lists every page of ListCertificateAuthorities (Private CA returns at most 100 CAs a page)', async () => {
    const file = severalCas();
    const template = file.certificateAuthorities[0]!;
    file.certificateAuthorities = Array.from({ length: 230 }, (_, i) => ({ ...structuredClone(template), Arn: caArn(1000 + i) }));
    const { report, account } = await check(file, {}, { concurrency: 8 });
    expect(report.rows).toHaveLength(230);
    expect(new Set(report.rows.map((row) => row.caArn)).size).toBe(230);
    const lists = account.calls.filter((call) => call.operation === 'ListCertificateAuthorities');
    expect(lists).toHaveLength(3);
    expect(lists.map((call) => typeof call.input.NextToken)).toEqual(['undefined', 'string', 'string']);
    // The bucket grants only CAs 01, 07 and 08: the 230 copies all lack it.
    expect(report.summary.WOULD_REPAIR).toBe(230);
  });

  it('throttling (ThrottlingException, SlowDown) is retried by the SDK: the same verdicts as without', async () => {
    const { report: calm } = await check(severalCas());
    resetClients();
    // One CA at a time, so the seeded faults fall on the same calls every run (seed 1: 20 throttled answers, none thrice in a row).
    const { report, account } = await check(severalCas(), { faults: { rate: 0.25, kinds: ['throttling'], seed: 1 } }, { concurrency: 1 });
    expect(account.faults.throttling).toBeGreaterThan(5);
    expect(account.calls.some((call) => call.attempt !== undefined && call.attempt > 1)).toBe(true);
    expect(byCa(report)).toEqual(byCa(calm));
  });

  it("throttling that outlasts the SDK's three attempts makes that CA CANNOT_READ, naming the operation; the others go on", async () => {
    const { report, account } = await check(
      severalCas(),
      { faults: { rate: 1, kinds: ['throttling'], seed: 1, operations: ['GetBucketEncryption'] } },
      { caArns: [caArn(2), caArn(4)] },
    );
    expect(byCa(report)).toEqual({ '02': ['CANNOT_READ', []], '04': ['OK', ['NO_CRL']] });
    expect(report.rows[0]!.unreadable).toMatch(/GetBucketEncryption crl-shared-111122223333: AWS answered SlowDown, still after the SDK's retries/);
    expect(account.calls.filter((call) => call.operation === 'GetBucketEncryption')).toHaveLength(3);
  });

  it('the clients refuse any command outside the read-only list before it is sent', async () => {
    const account = simulatedClients(severalCas(), { now: at });
    await expect(s3().send(new GetBucketPolicyCommand({ Bucket: 'crl-shared-111122223333' }))).resolves.toHaveProperty('Policy');
    await expect(s3().send(new PutBucketPolicyCommand({ Bucket: 'crl-shared-111122223333', Policy: '{}' }))).rejects.toBeInstanceOf(WriteRefused);
    await expect(acmPca().send(new UpdateCertificateAuthorityCommand({ CertificateAuthorityArn: caArn(2), Status: 'DISABLED' }))).rejects.toThrow(
      /ACM PCA UpdateCertificateAuthority was refused before it was sent/,
    );
    expect(account.calls.map((call) => call.operation)).toEqual(['GetBucketPolicy']);
  });
});

/**
 * The test's own reading of the workflow's outcome, from the outcome statuses (not
 * check's mapping): DRY_RUN planned a repair; ALREADY_COMPLIANT found nothing to do;
 * NEEDS_ATTENTION needs a person, except that a bucket the role may not read is what
 * check calls CANNOT_READ, and a CA without CRLs (CRL_DISABLED alone) cannot have a CRL
 * write fail, which check calls OK.
 */
function workflowClass(outcome: OutcomeRecord): string {
  const codes = outcome.findings.map((finding) => finding.code);
  if (outcome.status === 'DRY_RUN') return 'WOULD_REPAIR';
  if (outcome.status === 'ALREADY_COMPLIANT') return 'OK';
  if (outcome.status === 'NEEDS_ATTENTION') {
    if (codes.includes('BUCKET_ACCESS_DENIED')) return 'CANNOT_READ';
    return codes.length === 1 && codes[0] === 'CRL_DISABLED' ? 'OK' : 'NEEDS_ATTENTION';
  }
  return `unexpected ${outcome.status}`;
}

describe("check's verdicts are the workflow's", () => {
  it('for each CA, the workflow run locally on a permission failure in dry-run mode ends in the class check gives', async () => {
    const file = severalCas();
    const { report } = await check(file);
    resetClients();
    for (const row of report.rows) {
      const run = await runLocal({ event: permissionFailure(row.caArn), account: structuredClone(file), params: { mode: 'dry-run' } });
      const outcome = run.report.outcome!;
      expect({ ca: row.caArn, class: workflowClass(outcome) }).toEqual({ ca: row.caArn, class: row.verdict });
      // The same findings, where the workflow inspected a bucket.
      if (row.findings[0]?.code !== 'NO_CRL') expect(outcome.findings.map((finding) => finding.code)).toEqual(row.findings.map((finding) => finding.code));
      expect(run.report.calls.filter((call) => ['PutBucketPolicy', 'UpdateCertificateAuthority'].includes(call.operation))).toEqual([]);
    }
  });
});
