import { ACMPCAClient, DescribeCertificateAuthorityCommand, ListCertificateAuthoritiesCommand, type CertificateAuthority } from '@aws-sdk/client-acm-pca';
import { GetBucketPolicyCommand, GetPublicAccessBlockCommand } from '@aws-sdk/client-s3';
import { ExecutionAlreadyExists, SFNServiceException, StartExecutionCommand } from '@aws-sdk/client-sfn';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { handler } from '../../../src/lambda/handlers/sweep';
import { classifyEvent } from '../../../src/core/classify-event';
import { resetClock, setClock } from '../../../src/lambda/runtime/clock';
import { resetClients } from '../../../src/lambda/aws/clients/registry';
import { sweepEventId, sweepExecutionName, type SweepSummary } from '../../../src/lambda/steps/sweep';
import {
  ACCOUNT,
  CA_ARN,
  CA_ID,
  certificateAuthority,
  CRL_BUCKET,
  lambdaContext,
  mockS3,
  mockSfn,
  PCA,
  pcaError,
  policyText,
  s3Error,
  serveBucket,
  stubDeploymentEnv,
  type Statement,
} from './fixtures';

const STATE_MACHINE_ARN = `arn:aws:states:us-east-1:${ACCOUNT}:stateMachine:pca-remediation-test`;
const SWEPT_AT = '2026-11-20T10:05:30.250Z';
const OTHER_CA_ID = '22222222-1234-1122-2233-112233445566';
const OTHER_CA_ARN = `arn:aws:acm-pca:us-east-1:${ACCOUNT}:certificate-authority/${OTHER_CA_ID}`;
const OTHER_BUCKET = 'example-crl-bucket-two';

const pcaMock = mockClient(ACMPCAClient);
const s3Mock = mockS3();
const sfnMock = mockSfn();

/** A CA whose CRLs go to `bucket`, as ListCertificateAuthorities and DescribeCertificateAuthority describe it. */
function ca(arn = CA_ARN, bucket = CRL_BUCKET, overrides: Partial<CertificateAuthority> = {}): CertificateAuthority {
  const base = certificateAuthority({ Arn: arn });
  return { ...base, RevocationConfiguration: { CrlConfiguration: { ...base.RevocationConfiguration!.CrlConfiguration!, S3BucketName: bucket } }, ...overrides };
}

/** The documented Private CA grant for `caArn` on `bucket`. */
function grantFor(bucket: string, caArn: string): Statement {
  return {
    Effect: 'Allow',
    Principal: { Service: PCA },
    Action: ['s3:PutObject', 's3:PutObjectAcl', 's3:GetBucketAcl', 's3:GetBucketLocation'],
    Resource: [`arn:aws:s3:::${bucket}`, `arn:aws:s3:::${bucket}/*`],
    Condition: { StringEquals: { 'aws:SourceAccount': ACCOUNT, 'aws:SourceArn': caArn } },
  };
}

/** Private CA lists `pages` (one ListCertificateAuthorities answer each) and describes every CA in them. */
function account(...pages: CertificateAuthority[][]): void {
  pages.forEach((cas, index) => {
    const input = index === 0 ? { NextToken: undefined } : { NextToken: `page-${index + 1}` };
    pcaMock
      .on(ListCertificateAuthoritiesCommand, input)
      .resolves({ CertificateAuthorities: cas, ...(index + 1 < pages.length ? { NextToken: `page-${index + 2}` } : {}) });
  });
  const byArn = new Map(pages.flat().map((entry) => [entry.Arn, entry]));
  pcaMock
    .on(DescribeCertificateAuthorityCommand)
    .callsFake((input: { CertificateAuthorityArn: string }) => ({ CertificateAuthority: byArn.get(input.CertificateAuthorityArn) }));
}

function sweep(): Promise<SweepSummary> {
  return handler({ source: 'aws.events', 'detail-type': 'Scheduled Event' }, lambdaContext('sweep'));
}

function startedInputs() {
  return sfnMock.commandCalls(StartExecutionCommand).map((call) => ({ ...call.args[0].input, input: JSON.parse(call.args[0].input.input!) }));
}

beforeEach(() => {
  pcaMock.reset();
  s3Mock.reset();
  sfnMock.reset();
  resetClients();
  stubDeploymentEnv({ STATE_MACHINE_ARN });
  setClock({ now: () => new Date(SWEPT_AT) });
  sfnMock.on(StartExecutionCommand).callsFake((input) => ({
    executionArn: `arn:aws:states:us-east-1:${ACCOUNT}:execution:pca-remediation-test:${input.name}`,
    startDate: new Date(SWEPT_AT),
  }));
});

afterEach(() => {
  vi.unstubAllEnvs();
  resetClock();
});

describe('Sweep', () => {
  it("lists this account's CAs page by page (ResourceOwner SELF) and inspects every CRL bucket", async () => {
    // Prepare: three CAs over two pages, each bucket granting its CA
    const third = `arn:aws:acm-pca:us-east-1:${ACCOUNT}:certificate-authority/33333333-1234-1122-2233-112233445566`;
    account([ca(CA_ARN), ca(OTHER_CA_ARN)], [ca(third)]);
    serveBucket(s3Mock, { policy: policyText(grantFor(CRL_BUCKET, CA_ARN), grantFor(CRL_BUCKET, OTHER_CA_ARN), grantFor(CRL_BUCKET, third)) });
    // Act
    const summary = await sweep();
    // Assess
    expect(pcaMock.commandCalls(ListCertificateAuthoritiesCommand).map((call) => call.args[0].input)).toEqual([
      { ResourceOwner: 'SELF', NextToken: undefined },
      { ResourceOwner: 'SELF', NextToken: 'page-2' },
    ]);
    expect(pcaMock.commandCalls(DescribeCertificateAuthorityCommand).map((call) => call.args[0].input.CertificateAuthorityArn)).toEqual([
      CA_ARN,
      OTHER_CA_ARN,
      third,
    ]);
    expect(summary).toEqual({
      checked: 3,
      started: [],
      skipped: [CA_ARN, OTHER_CA_ARN, third].map((caArn) => ({ caArn, code: 'COMPLIANT', reason: `bucket ${CRL_BUCKET} lets Private CA write` })),
      failed: [],
    });
    expect(sfnMock.commandCalls(StartExecutionCommand)).toHaveLength(0);
  });

  it.each<[string, Partial<CertificateAuthority>, string, RegExp]>([
    ['CRLs disabled', { RevocationConfiguration: { CrlConfiguration: { Enabled: false } } }, 'CRL_DISABLED', /not enabled/],
    ['no revocation settings at all', { RevocationConfiguration: undefined }, 'CRL_DISABLED', /not enabled/],
    ['CRLs enabled without a bucket', { RevocationConfiguration: { CrlConfiguration: { Enabled: true } } }, 'NO_CRL_BUCKET', /without an S3 bucket/],
    ['status DISABLED', { Status: 'DISABLED' }, 'NOT_ACTIVE', /status DISABLED, not ACTIVE/],
    ['status PENDING_CERTIFICATE', { Status: 'PENDING_CERTIFICATE' }, 'NOT_ACTIVE', /status PENDING_CERTIFICATE/],
    ['status DELETED', { Status: 'DELETED' }, 'NOT_ACTIVE', /status DELETED/],
  ])('skips a CA with %s, reading nothing of it', async (_case, overrides, code, reason) => {
    account([ca(CA_ARN, CRL_BUCKET, overrides)]);
    const summary = await sweep();
    expect(summary).toMatchObject({ checked: 1, started: [], failed: [], skipped: [{ caArn: CA_ARN, code, reason: expect.stringMatching(reason) }] });
    expect(pcaMock.commandCalls(DescribeCertificateAuthorityCommand)).toHaveLength(0);
    expect(s3Mock.calls()).toHaveLength(0);
  });

  it('starts nothing for a bucket that already lets Private CA write', async () => {
    account([ca()]);
    serveBucket(s3Mock, { policy: policyText(grantFor(CRL_BUCKET, CA_ARN)) });
    const summary = await sweep();
    expect(summary.started).toEqual([]);
    expect(summary.skipped).toEqual([{ caArn: CA_ARN, code: 'COMPLIANT', reason: `bucket ${CRL_BUCKET} lets Private CA write` }]);
    expect(sfnMock.commandCalls(StartExecutionCommand)).toHaveLength(0);
  });

  it('starts the workflow once for a bucket that lost the grant, with an honest sweep event and a deterministic name', async () => {
    // Prepare: the first CA's bucket has no policy; the second's grants it
    account([ca(CA_ARN), ca(OTHER_CA_ARN, OTHER_BUCKET)]);
    serveBucket(s3Mock, { policy: null });
    s3Mock.on(GetBucketPolicyCommand, { Bucket: OTHER_BUCKET }).resolves({ Policy: policyText(grantFor(OTHER_BUCKET, OTHER_CA_ARN)) });
    // Act
    const summary = await sweep();
    // Assess
    const name = `sweep-${CA_ID}-20261120T1005`;
    expect(startedInputs()).toEqual([
      {
        stateMachineArn: STATE_MACHINE_ARN,
        name,
        input: {
          version: '0',
          id: `sweep-${CA_ID}-2026-11-20`,
          'detail-type': 'ACM Private CA CRL Generation',
          source: 'pca-remediation.sweep',
          account: ACCOUNT,
          time: '2026-11-20T10:05:30Z',
          region: 'us-east-1',
          resources: [CA_ARN],
          detail: {
            result: 'failure',
            reason: 'Failed to write CRL to S3. Check your S3 bucket permissions.',
            sweep: { foundAt: SWEPT_AT, findings: ['POLICY_GRANT_MISSING'] },
          },
        },
      },
    ]);
    expect(summary).toEqual({
      checked: 2,
      started: [
        {
          caArn: CA_ARN,
          eventId: `sweep-${CA_ID}-2026-11-20`,
          executionArn: `arn:aws:states:us-east-1:${ACCOUNT}:execution:pca-remediation-test:${name}`,
          findings: ['POLICY_GRANT_MISSING'],
        },
      ],
      skipped: [{ caArn: OTHER_CA_ARN, code: 'COMPLIANT', reason: `bucket ${OTHER_BUCKET} lets Private CA write` }],
      failed: [],
    });
    // The workflow takes the event for what it is: a CRL permission failure of this CA.
    expect(classifyEvent(startedInputs()[0]!.input)).toMatchObject({
      kind: 'CRL_S3_PERMISSION',
      certificateAuthorityArn: CA_ARN,
      eventId: `sweep-${CA_ID}-2026-11-20`,
    });
  });

  it.each([
    ['later the same day', '2026-11-20T16:05:30.000Z', `sweep-${CA_ID}-2026-11-20`, `sweep-${CA_ID}-20261120T1605`],
    ['the same minute', '2026-11-20T10:05:59.999Z', `sweep-${CA_ID}-2026-11-20`, `sweep-${CA_ID}-20261120T1005`],
    ['the next day (UTC)', '2026-11-21T00:00:00.000Z', `sweep-${CA_ID}-2026-11-21`, `sweep-${CA_ID}-20261121T0000`],
  ])('names the event once per CA and UTC day and the execution once per minute: %s', (_case, at, eventId, name) => {
    expect(sweepEventId(CA_ID, new Date(at))).toBe(eventId);
    expect(sweepExecutionName(CA_ID, new Date(at))).toBe(name);
    expect(name).toMatch(/^[A-Za-z0-9_-]{1,80}$/);
  });

  it('starts the workflow for a bucket the sweep may not read, so that a person is told (BUCKET_ACCESS_DENIED)', async () => {
    account([ca()]);
    serveBucket(s3Mock);
    s3Mock.on(GetBucketPolicyCommand).rejects(s3Error('AccessDenied', 403));
    const summary = await sweep();
    expect(summary.started).toMatchObject([{ caArn: CA_ARN, findings: ['BUCKET_ACCESS_DENIED'] }]);
    expect(summary.failed).toEqual([]);
  });

  it("reports a bucket it cannot read (5xx after the SDK's retries) and goes on with the next CA", async () => {
    // Prepare: S3 fails on the first bucket; the second lacks the grant
    account([ca(CA_ARN), ca(OTHER_CA_ARN, OTHER_BUCKET)]);
    serveBucket(s3Mock, { policy: null });
    s3Mock.on(GetPublicAccessBlockCommand, { Bucket: CRL_BUCKET }).rejects(s3Error('InternalError', 500));
    // Act
    const summary = await sweep();
    // Assess
    expect(summary.failed).toEqual([
      {
        caArn: CA_ARN,
        error: expect.stringMatching(/^AwsTransientError: GetPublicAccessBlock example-crl-bucket: AWS answered InternalError/),
        retryable: true,
      },
    ]);
    expect(summary.started).toMatchObject([{ caArn: OTHER_CA_ARN, eventId: `sweep-${OTHER_CA_ID}-2026-11-20` }]);
  });

  it('counts an execution that already exists (the same sweep, retried the same minute) as started', async () => {
    account([ca()]);
    serveBucket(s3Mock, { policy: null });
    const name = `sweep-${CA_ID}-20261120T1005`;
    sfnMock
      .on(StartExecutionCommand)
      .rejects(new ExecutionAlreadyExists({ message: `Execution Already Exists: '${name}'`, $metadata: { httpStatusCode: 400 } }));
    const summary = await sweep();
    expect(summary.started).toEqual([
      {
        caArn: CA_ARN,
        eventId: `sweep-${CA_ID}-2026-11-20`,
        executionArn: `arn:aws:states:us-east-1:${ACCOUNT}:execution:pca-remediation-test:${name}`,
        findings: ['POLICY_GRANT_MISSING'],
        alreadyStarted: true,
      },
    ]);
    expect(summary.failed).toEqual([]);
  });

  it('reports an execution Step Functions refused to start, and goes on', async () => {
    account([ca(CA_ARN), ca(OTHER_CA_ARN, OTHER_BUCKET)]);
    serveBucket(s3Mock, { policy: null });
    sfnMock.on(StartExecutionCommand, { name: `sweep-${CA_ID}-20261120T1005` }).rejects(
      new SFNServiceException({
        name: 'AccessDeniedException',
        $fault: 'client',
        $metadata: { httpStatusCode: 400 },
        message: 'not authorized to perform: states:StartExecution',
      }),
    );
    const summary = await sweep();
    expect(summary.failed).toEqual([{ caArn: CA_ARN, error: 'AccessDeniedException: not authorized to perform: states:StartExecution', retryable: false }]);
    expect(summary.started).toMatchObject([{ caArn: OTHER_CA_ARN }]);
  });

  it('starts the workflow in dry-run mode too: it records DRY_RUN and notifies the planned repair', async () => {
    stubDeploymentEnv({ STATE_MACHINE_ARN, MODE: 'dry-run' });
    account([ca()]);
    serveBucket(s3Mock, { policy: null });
    const summary = await sweep();
    expect(summary.started).toMatchObject([{ caArn: CA_ARN, findings: ['POLICY_GRANT_MISSING'] }]);
  });

  it('throws AwsTransientError when throttling left it nothing done, so that Lambda retries the invocation', async () => {
    account([ca(CA_ARN), ca(OTHER_CA_ARN, OTHER_BUCKET)]);
    serveBucket(s3Mock);
    s3Mock.on(GetBucketPolicyCommand).rejects(s3Error('SlowDown', 503));
    await expect(sweep()).rejects.toMatchObject({
      name: 'AwsTransientError',
      message: expect.stringContaining(`${OTHER_CA_ARN}: AwsTransientError: GetBucketPolicy ${OTHER_BUCKET}`),
    });
  });

  it('throws AwsTransientError when Private CA throttles the listing', async () => {
    pcaMock.on(ListCertificateAuthoritiesCommand).rejects(pcaError('ThrottlingException', 'Rate exceeded'));
    await expect(sweep()).rejects.toMatchObject({ name: 'AwsTransientError', message: expect.stringContaining('ListCertificateAuthorities') });
  });

  it('checks nothing in an account without CAs', async () => {
    account([]);
    await expect(sweep()).resolves.toEqual({ checked: 0, started: [], skipped: [], failed: [] });
  });

  it.each(['', 'pca-remediation-test', 'arn:aws:states:us-east-1:111122223333:execution:pca-remediation-test:run-1'])(
    'refuses to run with STATE_MACHINE_ARN "%s" (ConfigurationError)',
    async (value) => {
      stubDeploymentEnv({ STATE_MACHINE_ARN: value });
      await expect(sweep()).rejects.toMatchObject({ name: 'ConfigurationError', message: expect.stringContaining('STATE_MACHINE_ARN') });
      expect(pcaMock.calls()).toHaveLength(0);
    },
  );
});
