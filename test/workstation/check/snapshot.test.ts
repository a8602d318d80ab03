/**
 * npm run snapshot: the account file it writes loads as `npm run local --account` loads
 * it, holds what the workflow reads (and nothing secret), and a remediation rehearsed on
 * it ends as it does on the account it was taken from.
 */
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { simulatedClients } from '../../../src/workstation/check/clients';
import { takeSnapshot, SnapshotError } from '../../../src/workstation/check/snapshot';
import { resetClients } from '../../../src/lambda/aws/clients/registry';
import { parseAccountFile, type AccountFile } from '../../../src/workstation/local/account-file';
import { runLocal, stopDynalite } from '../../../src/workstation/local/runner';
import { SimulatedAccount } from '../../../src/workstation/local/simulated-account';
import { ACCOUNT_TIME, caArn, json, permissionFailure, READ_OPERATIONS, severalCas } from './helpers';

const at = () => new Date(ACCOUNT_TIME);
afterEach(() => resetClients());
afterAll(() => stopDynalite());

async function snapshotOf(file: AccountFile, caArns?: string[]) {
  const account = simulatedClients(file, { now: at });
  const snapshot = await takeSnapshot({ region: file.region, now: at, ...(caArns ? { caArns } : {}) });
  return { ...snapshot, account };
}

describe('npm run snapshot', () => {
  it('writes every CA and each readable CRL bucket as S3 answers for it; names the buckets it left out', async () => {
    const source = severalCas();
    const { file, leftOut, account } = await snapshotOf(source);
    expect(() => parseAccountFile(structuredClone(file))).not.toThrow();
    expect(file).toMatchObject({ account: '111122223333', region: 'us-east-1', partition: 'aws', notifications: [] });
    expect(file.certificateAuthorities.map((ca) => ca.Arn)).toEqual(source.certificateAuthorities.map((ca) => ca.Arn));
    expect(leftOut).toEqual([
      {
        bucket: 'crl-other-account-444455556666',
        reason: 'GetBucketLocation was denied: it is not owned by 111122223333, or these credentials may not read it',
      },
      { bucket: 'crl-gone-111122223333', reason: 'it does not exist (npm run local finds it missing too)' },
    ]);
    // Each bucket as the source account holds it (policies as the text S3 returns), but only the CRL objects.
    const expected = new SimulatedAccount(source).toAccountFile().buckets.filter((bucket) => !bucket.Name.startsWith('crl-other-account'));
    for (const bucket of expected) {
      const crlObjects = Object.fromEntries(Object.entries(bucket.Objects).filter(([key]) => key !== 'acm-pca-permission-test-key'));
      expect(file.buckets.find((entry) => entry.Name === bucket.Name)).toEqual({ ...bucket, Objects: crlObjects });
    }
    // The custom path's and the partitioned CRL's objects are found under their prefixes.
    expect(Object.keys(file.buckets.find((bucket) => bucket.Name === 'crl-compliant-111122223333')!.Objects).sort()).toEqual([
      'crl/c0ffee00-0000-4000-8000-000000000001.crl',
      'crl/c0ffee00-0000-4000-8000-000000000008/partition-1.crl',
      'crl/c0ffee00-0000-4000-8000-000000000008/partition-2.crl',
      'pki/crls/crl/c0ffee00-0000-4000-8000-000000000007.crl',
    ]);
    expect(file.buckets.find((bucket) => bucket.Name === 'crl-eu-111122223333')!.Region).toBe('eu-west-1');
    expect(account.calls.filter((call) => !READ_OPERATIONS.has(call.operation))).toEqual([]);
  });

  it('holds nothing secret: no certificate, chain or key, even when the account has issued certificates', async () => {
    const account = json('events/accounts/certificate-issuance.json');
    const ca = account.certificateAuthorities[0];
    const pem = '-----BEGIN CERTIFICATE-----\nMIIBszCCAVmgAwIBAgIUfake\n-----END CERTIFICATE-----';
    ca.Certificates.push({
      CertificateArn: `${ca.Arn}/certificate/0123456789abcdef0123456789abcdef`,
      Status: 'ISSUED',
      Certificate: pem,
      CertificateChain: pem,
    });
    const source = parseAccountFile(account);
    const { file } = await snapshotOf(source);
    const keys = (value: unknown): string[] =>
      typeof value !== 'object' || value === null ? [] : Object.entries(value).flatMap(([key, item]) => [key, ...keys(item)]);
    expect(keys(file).filter((key) => /certificate$|chain|key$|secret|token|credential|auditreports/i.test(key))).toEqual([]);
    expect(JSON.stringify(file)).not.toMatch(/-----BEGIN/);
    expect(file.certificateAuthorities).toHaveLength(1);
  });

  it('with --ca, only those CAs and their buckets; a CA the region does not list is refused', async () => {
    const { file } = await snapshotOf(severalCas(), [caArn(9)]);
    expect(file.certificateAuthorities.map((ca) => ca.Arn)).toEqual([caArn(9)]);
    expect(file.buckets.map((bucket) => bucket.Name)).toEqual(['crl-eu-111122223333']);
    resetClients();
    await expect(snapshotOf(severalCas(), [caArn(99)])).rejects.toThrow(SnapshotError);
  });

  it('a remediation rehearsed on the snapshot ends as it does on the account it was taken from', async () => {
    const source = severalCas();
    const { file, leftOut } = await snapshotOf(source);
    resetClients();
    const leftOutBuckets = new Set(leftOut.map((item) => item.bucket));
    for (const ca of source.certificateAuthorities) {
      const event = permissionFailure(ca.Arn);
      const [original, rehearsal] = [await runLocal({ event, account: structuredClone(source) }), await runLocal({ event, account: structuredClone(file) })];
      const [a, b] = [original.report.outcome!, rehearsal.report.outcome!];
      expect({ ca: ca.Arn, status: b.status }).toEqual({ ca: ca.Arn, status: a.status });
      const bucket = ca.RevocationConfiguration?.CrlConfiguration?.S3BucketName;
      // A bucket the snapshot could not read is missing from it: the same NEEDS_ATTENTION, found as BUCKET_MISSING.
      if (bucket && leftOutBuckets.has(bucket) && a.findings.some((finding) => finding.code === 'BUCKET_ACCESS_DENIED')) {
        expect(b.findings.map((finding) => finding.code)).toEqual(['BUCKET_MISSING']);
        continue;
      }
      expect(b.findings.map((finding) => finding.code)).toEqual(a.findings.map((finding) => finding.code));
      expect(rehearsal.report.calls.map((call) => `${call.operation} ${call.error ?? ''}`)).toEqual(
        original.report.calls.map((call) => `${call.operation} ${call.error ?? ''}`),
      );
    }
  });
});

describe('fields the account file has no place for', () => {
  it('are dropped and named, so the file still loads (a newer Private CA answer, mocked)', async () => {
    const { mockClient } = await import('aws-sdk-client-mock');
    const { ACMPCAClient, ListCertificateAuthoritiesCommand } = await import('@aws-sdk/client-acm-pca');
    const pca = mockClient(ACMPCAClient);
    try {
      pca.on(ListCertificateAuthoritiesCommand).resolves({
        CertificateAuthorities: [
          {
            Arn: caArn(4),
            Status: 'PENDING_CERTIFICATE',
            RevocationConfiguration: { CrlConfiguration: { Enabled: false, FutureField: 'x' } as never, OcspConfiguration: { Enabled: false } },
          },
        ],
      });
      const { file, dropped } = await takeSnapshot({ region: 'us-east-1', now: at });
      expect(dropped).toEqual(['$.certificateAuthorities[0].RevocationConfiguration.CrlConfiguration.FutureField']);
      expect(file.certificateAuthorities[0]!.RevocationConfiguration).toEqual({ CrlConfiguration: { Enabled: false }, OcspConfiguration: { Enabled: false } });
    } finally {
      pca.restore();
    }
  });
});
