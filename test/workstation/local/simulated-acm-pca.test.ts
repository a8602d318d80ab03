import {
  CreateCertificateAuthorityAuditReportCommand,
  DescribeCertificateAuthorityAuditReportCommand,
  DescribeCertificateAuthorityCommand,
  GetCertificateCommand,
  ListCertificateAuthoritiesCommand,
  UpdateCertificateAuthorityCommand,
  type RevocationConfiguration,
} from '@aws-sdk/client-acm-pca';
import { describe, expect, it } from 'vitest';
import type { CertificateAuthorityEntry } from '../../../src/workstation/local/account-file';
import { PutBucketPolicyCommand } from '@aws-sdk/client-s3';
import { repairRoleCaller } from '../../../src/workstation/local/caller';
import { SimulatedAccount } from '../../../src/workstation/local/simulated-account';
import { attachedClients, AUDIT_BUCKET, CA_ARN, CA_ID, caOf, CRL_BUCKET, fixture, pcaGrantPolicy, simulate } from './helpers';

const CERTIFICATE_ARN = `${CA_ARN}/certificate/6707447683a9b7f4055627ffd55cebcc`;
const UNKNOWN_CA_ARN = 'arn:aws:acm-pca:us-east-1:111122223333:certificate-authority/99999999-1234-1122-2233-112233445566';

function editCa(edit: (ca: CertificateAuthorityEntry) => void) {
  return (file: { certificateAuthorities: CertificateAuthorityEntry[] }) => edit(file.certificateAuthorities[0]!);
}

describe('DescribeCertificateAuthority', () => {
  it('returns the CA as the API does: times as Dates, without the file-only fields', async () => {
    const { pca } = simulate('crl-missing-grant', '2026-11-20T10:05:00Z');
    const { CertificateAuthority: ca } = await pca.send(new DescribeCertificateAuthorityCommand({ CertificateAuthorityArn: CA_ARN }));
    expect(ca).toMatchObject({
      Arn: CA_ARN,
      Status: 'ACTIVE',
      Type: 'ROOT',
      NotAfter: new Date('2036-01-05T08:05:00Z'),
      RevocationConfiguration: { CrlConfiguration: { Enabled: true, S3BucketName: 'pca-crl-111122223333', S3ObjectAcl: 'BUCKET_OWNER_FULL_CONTROL' } },
    });
    expect(ca).not.toHaveProperty('Simulation');
    expect(ca).not.toHaveProperty('AuditReports');
    expect(ca).not.toHaveProperty('Certificates');
  });

  it('gives FailureReason for a CA whose creation failed', async () => {
    const { pca } = simulate(
      'crl-missing-grant',
      '2026-11-20T10:05:00Z',
      editCa((ca) => {
        ca.Status = 'FAILED';
        ca.FailureReason = 'REQUEST_TIMED_OUT';
      }),
    );
    await expect(pca.send(new DescribeCertificateAuthorityCommand({ CertificateAuthorityArn: CA_ARN }))).resolves.toMatchObject({
      CertificateAuthority: { Status: 'FAILED', FailureReason: 'REQUEST_TIMED_OUT' },
    });
  });

  it.each([
    ['an unknown CA', UNKNOWN_CA_ARN, 'ResourceNotFoundException'],
    ['a malformed ARN', 'arn:aws:acm-pca:region:account:certificate-authority/CA_ID', 'InvalidArnException'],
  ])('rejects %s with %s', async (_case, arn, name) => {
    const { pca } = simulate('crl-missing-grant', '2026-11-20T10:05:00Z');
    await expect(pca.send(new DescribeCertificateAuthorityCommand({ CertificateAuthorityArn: arn }))).rejects.toMatchObject({
      name,
      $fault: 'client',
      $metadata: { httpStatusCode: 400 },
    });
  });
});

describe('ListCertificateAuthorities', () => {
  const caArn = (index: number) => `arn:aws:acm-pca:us-east-1:111122223333:certificate-authority/11223344-1234-1122-2233-${String(index).padStart(12, '0')}`;
  /** The fixture's CA, then `count` more. */
  const withCas = (count: number) =>
    simulate('crl-missing-grant', '2026-11-20T10:05:00Z', (file) => {
      const [first] = file.certificateAuthorities;
      for (let index = 1; index <= count; index += 1)
        file.certificateAuthorities.push({ ...structuredClone(first!), Arn: caArn(index), Status: index % 2 ? 'ACTIVE' : 'DISABLED' });
    });

  async function listAll(pca: ReturnType<typeof simulate>['pca'], input: { MaxResults?: number; ResourceOwner?: 'SELF' | 'OTHER_ACCOUNTS' } = {}) {
    const pages: number[] = [];
    const arns: string[] = [];
    let NextToken: string | undefined;
    do {
      const page = await pca.send(new ListCertificateAuthoritiesCommand({ ...input, NextToken }));
      pages.push(page.CertificateAuthorities!.length);
      arns.push(...page.CertificateAuthorities!.map((ca) => ca.Arn!));
      NextToken = page.NextToken;
    } while (NextToken);
    return { pages, arns };
  }

  it('lists the CAs as DescribeCertificateAuthority describes them: times as Dates, without the file-only fields', async () => {
    const { pca } = simulate('crl-missing-grant', '2026-11-20T10:05:00Z');
    const { CertificateAuthorities, NextToken } = await pca.send(new ListCertificateAuthoritiesCommand({}));
    const { CertificateAuthority: describedCa } = await pca.send(new DescribeCertificateAuthorityCommand({ CertificateAuthorityArn: CA_ARN }));
    expect(CertificateAuthorities).toHaveLength(1);
    const [ca] = CertificateAuthorities!;
    expect(ca).toEqual(describedCa);
    expect(ca).toMatchObject({ Arn: CA_ARN, NotAfter: new Date('2036-01-05T08:05:00Z') });
    expect(ca).not.toHaveProperty('Simulation');
    expect(NextToken).toBeUndefined();
  });

  it.each([
    ['no MaxResults: at most 100 a page', {}, [100, 100, 51]],
    ['MaxResults 1000: still at most 100 a page', { MaxResults: 1000 }, [100, 100, 51]],
    ['MaxResults 120', { MaxResults: 120 }, [100, 100, 51]],
    ['MaxResults 60', { MaxResults: 60 }, [60, 60, 60, 60, 11]],
  ])("pages through all of the account's own CAs in order with NextToken (%s)", async (_case, input, pages) => {
    const { pca } = withCas(250);
    const listed = await listAll(pca, input);
    expect(listed.pages).toEqual(pages);
    expect(listed.arns).toEqual([CA_ARN, ...Array.from({ length: 250 }, (_, index) => caArn(index + 1))]);
  });

  it("lists the account's own CAs for ResourceOwner SELF, and none shared by other accounts (the file has none)", async () => {
    const { pca } = withCas(2);
    await expect(listAll(pca, { ResourceOwner: 'SELF' })).resolves.toEqual({ pages: [3], arns: [CA_ARN, caArn(1), caArn(2)] });
    await expect(listAll(pca, { ResourceOwner: 'OTHER_ACCOUNTS' })).resolves.toEqual({ pages: [0], arns: [] });
  });

  it.each([
    ['a NextToken it did not give', { NextToken: 'bm90LWEtdG9rZW4=' }, 'InvalidNextTokenException'],
    ['MaxResults 0', { MaxResults: 0 }, 'ValidationException'],
    ['MaxResults 1001', { MaxResults: 1001 }, 'ValidationException'],
    ['ResourceOwner ANYONE', { ResourceOwner: 'ANYONE' as never }, 'ValidationException'],
  ])('rejects %s with %s', async (_case, input, name) => {
    const { pca } = withCas(2);
    await expect(pca.send(new ListCertificateAuthoritiesCommand(input))).rejects.toMatchObject({ name, $fault: 'client', $metadata: { httpStatusCode: 400 } });
  });
});

describe('UpdateCertificateAuthority', () => {
  const publicRead: RevocationConfiguration = {
    CrlConfiguration: { Enabled: true, ExpirationInDays: 7, S3BucketName: 'pca-crl-111122223333', S3ObjectAcl: 'PUBLIC_READ' },
  };

  it('replaces the RevocationConfiguration as given', async () => {
    const { pca, account } = simulate(
      'crl-missing-grant',
      '2026-11-20T10:05:00Z',
      editCa((ca) => (ca.Simulation = { UpdateTestsBucketWrite: false })),
    );
    await pca.send(new UpdateCertificateAuthorityCommand({ CertificateAuthorityArn: CA_ARN, RevocationConfiguration: publicRead }));
    expect(caOf(account).RevocationConfiguration).toEqual(publicRead);
  });

  it.each(['CREATING', 'PENDING_CERTIFICATE', 'FAILED', 'DELETED', 'EXPIRED'] as const)(
    'rejects a CA in status %s with InvalidStateException and changes nothing',
    async (status) => {
      const { pca, account } = simulate(
        'crl-missing-grant',
        '2026-11-20T10:05:00Z',
        editCa((ca) => (ca.Status = status)),
      );
      const before = account.toAccountFile();
      await expect(
        pca.send(new UpdateCertificateAuthorityCommand({ CertificateAuthorityArn: CA_ARN, RevocationConfiguration: publicRead })),
      ).rejects.toMatchObject({ name: 'InvalidStateException' });
      expect(account.toAccountFile()).toEqual(before);
    },
  );

  it('rejects an S3ObjectAcl that is not PUBLIC_READ or BUCKET_OWNER_FULL_CONTROL with InvalidArgsException', async () => {
    const { pca, account } = simulate('crl-missing-grant', '2026-11-20T10:05:00Z');
    const before = caOf(account).RevocationConfiguration;
    await expect(
      pca.send(
        new UpdateCertificateAuthorityCommand({
          CertificateAuthorityArn: CA_ARN,
          RevocationConfiguration: { CrlConfiguration: { Enabled: true, S3BucketName: 'pca-crl-111122223333', S3ObjectAcl: 'PRIVATE' as never } },
        }),
      ),
    ).rejects.toMatchObject({ name: 'InvalidArgsException', message: expect.stringContaining('S3ObjectAcl') });
    expect(caOf(account).RevocationConfiguration).toEqual(before);
  });
});

describe('UpdateCertificateAuthority tests the CRL bucket, as the API reference documents', () => {
  const publicRead: RevocationConfiguration = {
    CrlConfiguration: { Enabled: true, ExpirationInDays: 7, S3BucketName: CRL_BUCKET, S3ObjectAcl: 'PUBLIC_READ' },
  };
  const ownerFullControl = {
    CrlConfiguration: { Enabled: true, ExpirationInDays: 7, S3BucketName: CRL_BUCKET, S3ObjectAcl: 'BUCKET_OWNER_FULL_CONTROL' as const },
  };

  it('by default refuses a CRL bucket Private CA could not write to (InvalidArgsException), and changes nothing', async () => {
    const { pca, account } = simulate('crl-missing-grant', '2026-11-20T10:05:00Z');
    const before = account.toAccountFile();
    await expect(
      pca.send(new UpdateCertificateAuthorityCommand({ CertificateAuthorityArn: CA_ARN, RevocationConfiguration: publicRead })),
    ).rejects.toMatchObject({
      name: 'InvalidArgsException',
      message: expect.stringContaining('BlockPublicAcls'),
    });
    expect(account.toAccountFile()).toEqual(before);
  });

  it('refuses the update before the bucket grants Private CA, and accepts it after (the order the repair must follow)', async () => {
    const { pca, s3, account } = simulate('crl-missing-grant', '2026-11-20T10:05:00Z');
    const update = () => pca.send(new UpdateCertificateAuthorityCommand({ CertificateAuthorityArn: CA_ARN, RevocationConfiguration: ownerFullControl }));
    // The old order: the CA first.
    await expect(update()).rejects.toMatchObject({ name: 'InvalidArgsException', message: expect.stringContaining(`does not let Private CA write`) });
    // The new order: the grant, then the CA.
    await s3.send(new PutBucketPolicyCommand({ Bucket: CRL_BUCKET, Policy: pcaGrantPolicy() }));
    await expect(update()).resolves.toBeDefined();
    expect(caOf(account).RevocationConfiguration?.CrlConfiguration?.S3ObjectAcl).toBe('BUCKET_OWNER_FULL_CONTROL');
  });

  it('refuses a caller whose role may not write to the bucket, naming it', async () => {
    const account = new SimulatedAccount(fixture('crl-missing-grant'), {
      now: () => new Date('2026-11-20T10:05:00Z'),
      caller: repairRoleCaller('some-other-bucket'),
    });
    const { pca, s3 } = attachedClients(account);
    await s3.send(new PutBucketPolicyCommand({ Bucket: CRL_BUCKET, Policy: pcaGrantPolicy() }));
    await expect(
      pca.send(new UpdateCertificateAuthorityCommand({ CertificateAuthorityArn: CA_ARN, RevocationConfiguration: ownerFullControl })),
    ).rejects.toMatchObject({
      name: 'InvalidArgsException',
      message: expect.stringContaining('The caller (RepairRole) does not have permission to write to the S3 bucket'),
    });
  });

  it.each([
    ['any bucket of the account (allowedBuckets empty)', '', true],
    ['the CRL bucket among the allowed buckets', `other-bucket,${CRL_BUCKET}`, true],
    ['only other buckets', 'other-bucket', false],
  ])('RepairRole as deploy/iam-roles.cjs writes it, for %s: may write the test object: %s', (_case, allowedBuckets, expected) => {
    const caller = repairRoleCaller(allowedBuckets);
    expect(
      caller.canPutObject({ name: CRL_BUCKET, owner: '111122223333', partition: 'aws' }, 'acm-pca-permission-test-key', {
        account: '111122223333',
        region: 'us-east-1',
      }),
    ).toBe(expected);
    // Never a bucket of another account (s3:ResourceAccount).
    expect(
      caller.canPutObject({ name: CRL_BUCKET, owner: '444455556666', partition: 'aws' }, 'acm-pca-permission-test-key', {
        account: '111122223333',
        region: 'us-east-1',
      }),
    ).toBe(false);
  });

  it('can be turned off per CA (Simulation.UpdateTestsBucketWrite: false)', async () => {
    const { pca } = simulate(
      'crl-missing-grant',
      '2026-11-20T10:05:00Z',
      editCa((ca) => (ca.Simulation = { UpdateTestsBucketWrite: false })),
    );
    await expect(
      pca.send(new UpdateCertificateAuthorityCommand({ CertificateAuthorityArn: CA_ARN, RevocationConfiguration: publicRead })),
    ).resolves.toBeDefined();
  });
});

describe('CreateCertificateAuthorityAuditReport', () => {
  const requestReport = (format: 'JSON' | 'CSV') =>
    new CreateCertificateAuthorityAuditReportCommand({ CertificateAuthorityArn: CA_ARN, S3BucketName: AUDIT_BUCKET, AuditReportResponseFormat: format });

  it('creates a CREATING report under audit-report/<CA id>/<id>.<format>', async () => {
    const { pca, account, clock } = simulate('audit-report-failed', '2026-11-20T10:30:00Z');
    const created = await pca.send(requestReport('CSV'));
    expect(created.S3Key).toBe(`audit-report/${CA_ID}/${created.AuditReportId}.csv`);
    const described = await pca.send(
      new DescribeCertificateAuthorityAuditReportCommand({ CertificateAuthorityArn: CA_ARN, AuditReportId: created.AuditReportId }),
    );
    expect(described).toMatchObject({ AuditReportStatus: 'CREATING', S3BucketName: AUDIT_BUCKET, S3Key: created.S3Key, CreatedAt: clock.now() });
    expect(caOf(account).Simulation?.LastAuditReportRequestedAt).toBe(clock.now().toISOString());
  });

  it.each([
    ['10 minutes', '2026-11-20T10:09:00Z', 'RequestInProgressException'],
    ['29 minutes 59 seconds', '2026-11-20T10:28:59Z', 'RequestInProgressException'],
  ])('rejects a second request %s after the last with %s', async (_gap, now, name) => {
    const { pca } = simulate('audit-report-failed', now);
    await expect(pca.send(requestReport('JSON'))).rejects.toMatchObject({ name });
  });

  it('accepts a request exactly 30 minutes after the last', async () => {
    const { pca } = simulate('audit-report-failed', '2026-11-20T10:29:00Z');
    await expect(pca.send(requestReport('JSON'))).resolves.toHaveProperty('AuditReportId');
  });

  it('rejects a CA that is not ACTIVE or DISABLED with InvalidStateException', async () => {
    const { pca } = simulate(
      'audit-report-failed',
      '2026-11-20T11:00:00Z',
      editCa((ca) => (ca.Status = 'PENDING_CERTIFICATE')),
    );
    await expect(pca.send(requestReport('JSON'))).rejects.toMatchObject({ name: 'InvalidStateException' });
  });

  it('rejects an unknown report format with InvalidArgsException', async () => {
    const { pca } = simulate('audit-report-failed', '2026-11-20T11:00:00Z');
    await expect(pca.send(requestReport('XML' as never))).rejects.toMatchObject({ name: 'InvalidArgsException' });
  });
});

describe('DescribeCertificateAuthorityAuditReport', () => {
  it('returns a report of the file', async () => {
    const { pca } = simulate('audit-report-failed', '2026-11-20T10:05:00Z');
    await expect(
      pca.send(new DescribeCertificateAuthorityAuditReportCommand({ CertificateAuthorityArn: CA_ARN, AuditReportId: 'a1b2c3d4-5678-90ab-cdef-111122223333' })),
    ).resolves.toMatchObject({ AuditReportStatus: 'FAILED', S3BucketName: AUDIT_BUCKET, CreatedAt: new Date('2026-11-20T09:59:00Z') });
  });

  it('rejects an unknown report with ResourceNotFoundException', async () => {
    const { pca } = simulate('audit-report-failed', '2026-11-20T10:05:00Z');
    await expect(
      pca.send(new DescribeCertificateAuthorityAuditReportCommand({ CertificateAuthorityArn: CA_ARN, AuditReportId: '00000000-0000-0000-0000-000000000000' })),
    ).rejects.toMatchObject({ name: 'ResourceNotFoundException' });
  });
});

describe('GetCertificate', () => {
  function withCertificate(status: 'ISSUED' | 'FAILED' | 'PENDING') {
    return simulate(
      'crl-internal-failure',
      '2026-11-20T10:05:00Z',
      editCa((ca) => {
        const pem = (body: string) => `-----BEGIN CERTIFICATE-----\n${body}\n-----END CERTIFICATE-----`;
        ca.Certificates = [{ CertificateArn: CERTIFICATE_ARN, Status: status, Certificate: pem('MIIB'), CertificateChain: pem('MIIC') }];
      }),
    );
  }

  it('returns the certificate and its chain once issued', async () => {
    const { pca } = withCertificate('ISSUED');
    await expect(pca.send(new GetCertificateCommand({ CertificateAuthorityArn: CA_ARN, CertificateArn: CERTIFICATE_ARN }))).resolves.toMatchObject({
      Certificate: expect.stringContaining('BEGIN CERTIFICATE'),
      CertificateChain: expect.stringContaining('MIIC'),
    });
  });

  it.each([
    ['FAILED', 'RequestFailedException', 'failed for an unspecified reason'],
    ['PENDING', 'RequestInProgressException', ''],
  ] as const)('rejects a %s certificate with %s', async (status, name, message) => {
    const { pca } = withCertificate(status);
    await expect(pca.send(new GetCertificateCommand({ CertificateAuthorityArn: CA_ARN, CertificateArn: CERTIFICATE_ARN }))).rejects.toMatchObject({
      name,
      message: expect.stringContaining(message),
    });
  });

  it('rejects an unknown certificate with ResourceNotFoundException', async () => {
    const { pca } = withCertificate('ISSUED');
    await expect(
      pca.send(new GetCertificateCommand({ CertificateAuthorityArn: CA_ARN, CertificateArn: `${CA_ARN}/certificate/00000000000000000000000000000000` })),
    ).rejects.toMatchObject({ name: 'ResourceNotFoundException' });
  });
});
