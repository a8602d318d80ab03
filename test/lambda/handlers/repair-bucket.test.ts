import {
  ACMPCAClient,
  ConcurrentModificationException,
  DescribeCertificateAuthorityCommand,
  InvalidArgsException,
  InvalidPolicyException,
  InvalidStateException,
  UpdateCertificateAuthorityCommand,
} from '@aws-sdk/client-acm-pca';
import { ConditionalCheckFailedException, DeleteItemCommand, GetItemCommand, PutItemCommand } from '@aws-sdk/client-dynamodb';
import { GetBucketPolicyCommand, PutBucketPolicyCommand } from '@aws-sdk/client-s3';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { handler } from '../../../src/lambda/handlers/repair-bucket';
import { CA_READ_BACK_ATTEMPTS, CA_READ_BACK_DELAY_MS, READ_BACK_ATTEMPTS, READ_BACK_DELAY_MS } from '../../../src/lambda/steps/repair-bucket';
import { resetClients } from '../../../src/lambda/aws/clients/registry';
import { resetClock, setClock } from '../../../src/lambda/runtime/clock';
import type { Inspection, PlannedAction, Repair } from '../../../src/core/types';
import {
  ACCOUNT,
  allowAuditorsRead,
  CA_ARN,
  certificateAuthority,
  codesOf,
  CRL_BUCKET,
  crlInspection,
  denyInsecureTransport,
  documentedGrant,
  EXECUTION_ARN,
  expectEveryS3CallScopedToOwner,
  HISTORY_TABLE,
  expectPcaGrantAdded,
  lambdaContext,
  mockDynamoDb,
  mockS3,
  policyText,
  s3Error,
  stubDeploymentEnv,
  CLASSIFICATIONS,
  type Statement,
} from './fixtures';

const s3Mock = mockS3();
const pcaMock = mockClient(ACMPCAClient);
const dynamoMock = mockDynamoDb();
const NOW = new Date('2026-11-20T10:20:00.000Z');
const existing = [denyInsecureTransport(), allowAuditorsRead()];
const oldPolicy = policyText(...existing);
const sleeps: number[] = [];

const putPolicyAction: PlannedAction = {
  type: 'PutBucketPolicy',
  resource: `arn:aws:s3:::${CRL_BUCKET}`,
  description: 'Add the Private CA statement',
  before: oldPolicy,
  after: policyText(...existing, documentedGrant()),
};

const updateCaAction: PlannedAction = {
  type: 'UpdateCertificateAuthority',
  resource: CA_ARN,
  description: "Set the CA's CRL S3ObjectAcl to BUCKET_OWNER_FULL_CONTROL",
  before: '{}',
  after: '{}',
};

function repair(inspection: Inspection): Promise<Repair> {
  return handler({ classification: CLASSIFICATIONS.crlS3Permission, inspection, executionArn: EXECUTION_ARN }, lambdaContext('RepairBucket'));
}

/** A bucket whose policy GetBucketPolicy returns as PutBucketPolicy last wrote it. */
function statefulPolicy(initial: string): void {
  let stored = initial;
  s3Mock.on(GetBucketPolicyCommand).callsFake(() => ({ Policy: stored }));
  s3Mock.on(PutBucketPolicyCommand).callsFake((input) => {
    stored = input.Policy!;
    return {};
  });
}

function writtenPolicy(): string | undefined {
  const puts = s3Mock.commandCalls(PutBucketPolicyCommand);
  expect(puts).toHaveLength(1);
  return puts[0]!.args[0].input.Policy;
}

beforeEach(() => {
  s3Mock.reset();
  pcaMock.reset();
  dynamoMock.reset();
  dynamoMock.on(PutItemCommand).resolves({});
  dynamoMock.on(DeleteItemCommand).resolves({});
  resetClients();
  stubDeploymentEnv();
  sleeps.length = 0;
  setClock({ now: () => NOW, sleep: async (ms) => void sleeps.push(ms) });
});

afterEach(() => {
  resetClock();
  vi.unstubAllEnvs();
});

describe('RepairBucket: bucket policy', () => {
  it('sunny day: writes the merged policy and verifies it by reading it back', async () => {
    // Prepare
    const theirsAfterOurs = policyText(...existing, documentedGrant());
    s3Mock.on(GetBucketPolicyCommand).resolvesOnce({ Policy: oldPolicy }).resolves({ Policy: theirsAfterOurs });
    // Act
    const result = await repair(crlInspection([putPolicyAction]));
    // Assess
    expectPcaGrantAdded(writtenPolicy(), existing);
    expect(s3Mock.commandCalls(PutBucketPolicyCommand)[0]!.args[0].input).toMatchObject({ Bucket: CRL_BUCKET, ExpectedBucketOwner: ACCOUNT });
    expect(result.findings).toEqual([]);
    expect(result.actions).toEqual([{ ...putPolicyAction, before: oldPolicy, after: theirsAfterOurs, appliedAt: NOW.toISOString(), verified: true }]);
    expectEveryS3CallScopedToOwner(s3Mock);
  });

  it('a bucket with no policy gets one holding only the grant', async () => {
    let stored: string | null = null;
    s3Mock.on(GetBucketPolicyCommand).callsFake(() => {
      if (stored === null) throw s3Error('NoSuchBucketPolicy', 404);
      return { Policy: stored };
    });
    s3Mock.on(PutBucketPolicyCommand).callsFake((input) => {
      stored = input.Policy!;
    });
    const result = await repair(crlInspection([{ ...putPolicyAction, before: null }]));
    expectPcaGrantAdded(writtenPolicy(), []);
    expect(result.actions[0]).toMatchObject({ before: null, verified: true });
  });

  it('a statement added by someone else since the inspection is kept: the grant is merged into the fresh policy', async () => {
    const newcomer: Statement = {
      Sid: 'AddedSinceInspection',
      Effect: 'Allow',
      Principal: { AWS: `arn:aws:iam::${ACCOUNT}:role/Backup` },
      Action: 's3:ListBucket',
      Resource: `arn:aws:s3:::${CRL_BUCKET}`,
    };
    statefulPolicy(policyText(...existing, newcomer));
    const result = await repair(crlInspection([putPolicyAction]));
    expectPcaGrantAdded(writtenPolicy(), [...existing, newcomer]);
    expect(result.actions[0]).toMatchObject({ before: policyText(...existing, newcomer), verified: true });
  });

  it('S3 shows the old policy for a while (eventual consistency): reads back again after a pause', async () => {
    s3Mock
      .on(GetBucketPolicyCommand)
      .resolvesOnce({ Policy: oldPolicy })
      .resolvesOnce({ Policy: oldPolicy })
      .resolves({ Policy: policyText(...existing, documentedGrant()) });
    const result = await repair(crlInspection([putPolicyAction]));
    expect(result.actions[0]?.verified).toBe(true);
    expect(sleeps).toEqual([READ_BACK_DELAY_MS]);
  });

  it("read-back shows another writer's policy without the grant → rejects BucketPolicyChanged", async () => {
    const someoneElses = policyText(denyInsecureTransport());
    s3Mock.on(GetBucketPolicyCommand).resolvesOnce({ Policy: oldPolicy }).resolves({ Policy: someoneElses });
    await expect(repair(crlInspection([putPolicyAction]))).rejects.toMatchObject({ name: 'BucketPolicyChanged' });
  });

  it('S3 never shows our write → rejects BucketPolicyChanged after every read-back attempt', async () => {
    s3Mock.on(GetBucketPolicyCommand).resolves({ Policy: oldPolicy });
    await expect(repair(crlInspection([putPolicyAction]))).rejects.toMatchObject({ name: 'BucketPolicyChanged' });
    expect(s3Mock.commandCalls(GetBucketPolicyCommand)).toHaveLength(1 + READ_BACK_ATTEMPTS);
    expect(sleeps).toHaveLength(READ_BACK_ATTEMPTS - 1);
  });

  it('someone granted Private CA since the inspection: nothing is written', async () => {
    // Their own statement (the console's form, without aws:SourceArn), not the one planned here.
    const { Condition: _condition, ...consoleGrant } = documentedGrant();
    statefulPolicy(policyText(...existing, { ...consoleGrant, Sid: 'ConsoleGrant', Condition: { StringEquals: { 'aws:SourceAccount': '111122223333' } } }));
    const result = await repair(crlInspection([putPolicyAction]));
    expect(s3Mock.commandCalls(PutBucketPolicyCommand)).toHaveLength(0);
    expect(result).toEqual({ actions: [], findings: [] });
  });

  it("the state machine's retry after an unverified write finds the grant and writes nothing more", async () => {
    let stored = oldPolicy;
    let staleReads = 1 + READ_BACK_ATTEMPTS;
    s3Mock.on(GetBucketPolicyCommand).callsFake(() => ({ Policy: staleReads-- > 0 ? oldPolicy : stored }));
    s3Mock.on(PutBucketPolicyCommand).callsFake((input) => {
      stored = input.Policy!;
    });
    await expect(repair(crlInspection([putPolicyAction]))).rejects.toMatchObject({ name: 'BucketPolicyChanged' });
    const retried = await repair(crlInspection([putPolicyAction]));
    expect(writtenPolicy()).toBe(stored);
    expect(s3Mock.commandCalls(PutBucketPolicyCommand)).toHaveLength(1);
    // The write the first attempt made is still reported, once, by the attempt that saw it land.
    expect(retried.findings).toEqual([]);
    expect(retried.actions).toEqual([expect.objectContaining({ type: 'PutBucketPolicy', before: oldPolicy, after: stored, verified: true })]);
  });

  it('client error: PutBucketPolicy AccessDenied → POLICY_WRITE_DENIED, no throw', async () => {
    s3Mock.on(GetBucketPolicyCommand).resolves({ Policy: oldPolicy });
    s3Mock.on(PutBucketPolicyCommand).rejects(s3Error('AccessDenied', 403, 'Access Denied'));
    const result = await repair(crlInspection([putPolicyAction]));
    expect(result.actions).toEqual([]);
    expect(codesOf(result.findings)).toEqual(['POLICY_WRITE_DENIED']);
    expect(result.findings[0]?.severity).toBe('action-required');
  });

  it('client error: PutBucketPolicy AccessDenied with BlockPublicPolicy on → POLICY_WRITE_DENIED names BlockPublicPolicy and the public statement', async () => {
    // Prepare: a public statement added after the inspection, which saw none
    const publicRead: Statement = {
      Sid: 'PublicReadCrls',
      Effect: 'Allow',
      Principal: '*',
      Action: 's3:GetObject',
      Resource: `arn:aws:s3:::${CRL_BUCKET}/crl/*`,
    };
    s3Mock.on(GetBucketPolicyCommand).resolves({ Policy: policyText(...existing, publicRead) });
    s3Mock.on(PutBucketPolicyCommand).rejects(s3Error('AccessDenied', 403, 'Access Denied'));
    // Act
    const result = await repair(crlInspection([putPolicyAction], { blockPublicPolicy: true }));
    // Assess
    expect(codesOf(result.findings)).toEqual(['POLICY_WRITE_DENIED']);
    expect(result.findings[0]!.message).toMatch(/Block Public Access \(BlockPublicPolicy\) is on/);
    expect(result.findings[0]!.message).toMatch(/statement 3 \(Sid "PublicReadCrls"\) looks public/);
    expect(result.findings[0]!.message).toMatch(/allowedBuckets/);
  });

  it('client error: PutBucketPolicy AccessDenied with BlockPublicPolicy off → POLICY_WRITE_DENIED does not blame Block Public Access', async () => {
    s3Mock.on(GetBucketPolicyCommand).resolves({ Policy: oldPolicy });
    s3Mock.on(PutBucketPolicyCommand).rejects(s3Error('AccessDenied', 403, 'Access Denied'));
    const result = await repair(crlInspection([putPolicyAction], { blockPublicPolicy: false }));
    expect(result.findings[0]!.message).not.toMatch(/BlockPublicPolicy/);
  });

  it('a policy that repeats a key, written since the inspection → POLICY_DUPLICATE_KEYS naming the path, nothing written', async () => {
    s3Mock.on(GetBucketPolicyCommand).resolves({ Policy: '{"Version":"2012-10-17","Version":"2008-10-17","Statement":[]}' });
    const result = await repair(crlInspection([putPolicyAction]));
    expect(codesOf(result.findings)).toEqual(['POLICY_DUPLICATE_KEYS']);
    expect(result.findings[0]!.message).toContain('$.Version');
    expect(result.actions).toEqual([]);
    expect(s3Mock.commandCalls(PutBucketPolicyCommand)).toHaveLength(0);
  });

  it('throttling: PutBucketPolicy SlowDown → rejects AwsTransientError', async () => {
    s3Mock.on(GetBucketPolicyCommand).resolves({ Policy: oldPolicy });
    s3Mock.on(PutBucketPolicyCommand).rejects(s3Error('SlowDown', 503, 'Please reduce your request rate.'));
    await expect(repair(crlInspection([putPolicyAction]))).rejects.toMatchObject({ name: 'AwsTransientError' });
  });
});

describe("RepairBucket: the CA's CRL object ACL", () => {
  // CustomPath and CrlType are newer than the pinned SDK model; they must survive the update.
  const newerFields = { CustomPath: 'pki/crls', CrlType: 'COMPLETE' };
  const withNewerFields = (acl: string) => {
    const ca = certificateAuthority({}, acl);
    return {
      ...ca,
      RevocationConfiguration: { ...ca.RevocationConfiguration, CrlConfiguration: { ...ca.RevocationConfiguration!.CrlConfiguration!, ...newerFields } },
    };
  };
  const publicRead = withNewerFields('PUBLIC_READ');
  const ownerFullControl = withNewerFields('BUCKET_OWNER_FULL_CONTROL');

  it("sunny day: sends the CA's full RevocationConfiguration with only S3ObjectAcl changed, then confirms it", async () => {
    pcaMock.on(DescribeCertificateAuthorityCommand).resolvesOnce({ CertificateAuthority: publicRead }).resolves({ CertificateAuthority: ownerFullControl });
    const result = await repair(crlInspection([updateCaAction], { crl: { enabled: true, s3ObjectAcl: 'PUBLIC_READ' } }));
    const updates = pcaMock.commandCalls(UpdateCertificateAuthorityCommand);
    expect(updates).toHaveLength(1);
    expect(updates[0]!.args[0].input).toEqual({ CertificateAuthorityArn: CA_ARN, RevocationConfiguration: ownerFullControl.RevocationConfiguration });
    expect(updates[0]!.args[0].input.RevocationConfiguration?.CrlConfiguration).toMatchObject({
      ...newerFields,
      S3ObjectAcl: 'BUCKET_OWNER_FULL_CONTROL',
      S3BucketName: CRL_BUCKET,
    });
    expect(result.findings).toEqual([]);
    expect(result.actions).toEqual([
      expect.objectContaining({ type: 'UpdateCertificateAuthority', verified: true, before: JSON.stringify(publicRead.RevocationConfiguration) }),
    ]);
  });

  it('the policy first, then the ACL: both applied, and the grant counts as proven by Private CA accepting the update', async () => {
    pcaMock.on(DescribeCertificateAuthorityCommand).resolvesOnce({ CertificateAuthority: publicRead }).resolves({ CertificateAuthority: ownerFullControl });
    statefulPolicy(oldPolicy);
    // Private CA tests the bucket during the update: it must come after the write.
    pcaMock.on(UpdateCertificateAuthorityCommand).callsFake(() => {
      if (s3Mock.commandCalls(PutBucketPolicyCommand).length === 0)
        throw new InvalidArgsException({ $metadata: { httpStatusCode: 400 }, message: 'the bucket policy does not grant Private CA' });
      return {};
    });
    const result = await repair(crlInspection([updateCaAction, putPolicyAction], { crl: { enabled: true, s3ObjectAcl: 'PUBLIC_READ' } }));
    expect(result.actions.map((action) => action.type)).toEqual(['PutBucketPolicy', 'UpdateCertificateAuthority']);
    expect(result.actions[0]!.verification).toMatch(/Private CA accepted the CA update/);
    expectPcaGrantAdded(writtenPolicy(), existing);
  });

  it('a CA that is not ACTIVE or DISABLED: CA_NOT_UPDATABLE before anything is written', async () => {
    pcaMock.on(DescribeCertificateAuthorityCommand).resolves({ CertificateAuthority: { ...publicRead, Status: 'PENDING_CERTIFICATE' } });
    statefulPolicy(oldPolicy);
    const result = await repair(crlInspection([putPolicyAction, updateCaAction]));
    expect(result.actions).toEqual([]);
    expect(codesOf(result.findings)).toEqual(['CA_NOT_UPDATABLE']);
    expect(s3Mock.commandCalls(PutBucketPolicyCommand)).toHaveLength(0);
    expect(pcaMock.commandCalls(UpdateCertificateAuthorityCommand)).toHaveLength(0);
  });

  it('client error: InvalidStateException on the update (the CA changed state meanwhile) → CA_NOT_UPDATABLE, the grant kept and reported', async () => {
    pcaMock.on(DescribeCertificateAuthorityCommand).resolves({ CertificateAuthority: publicRead });
    pcaMock
      .on(UpdateCertificateAuthorityCommand)
      .rejects(new InvalidStateException({ $metadata: { httpStatusCode: 400 }, message: 'The certificate authority is not in a valid state' }));
    statefulPolicy(oldPolicy);
    const result = await repair(crlInspection([putPolicyAction, updateCaAction]));
    expect(result.actions.map((action) => action.type)).toEqual(['PutBucketPolicy']);
    expect(result.actions[0]!.verification).toBeUndefined();
    expect(codesOf(result.findings)).toEqual(['CA_NOT_UPDATABLE']);
  });

  it.each([
    [
      'InvalidArgsException',
      () =>
        new InvalidArgsException({
          $metadata: { httpStatusCode: 400 },
          message: "The ACM Private CA Service Principal 'acm-pca.amazonaws.com' requires 's3:GetBucketAcl' permissions",
        }),
    ],
    ['InvalidPolicyException', () => new InvalidPolicyException({ $metadata: { httpStatusCode: 400 }, message: 'The S3 bucket policy is not valid.' })],
    [
      'AccessDeniedException',
      () => Object.assign(new Error('User is not authorized to perform: s3:PutObject'), { name: 'AccessDeniedException', $metadata: { httpStatusCode: 400 } }),
    ],
  ])('client error: Private CA refuses the update with %s → CA_UPDATE_REFUSED quoting it, naming both writers', async (name, error) => {
    pcaMock.on(DescribeCertificateAuthorityCommand).resolves({ CertificateAuthority: publicRead });
    pcaMock.on(UpdateCertificateAuthorityCommand).rejects(error());
    statefulPolicy(oldPolicy);
    const result = await repair(crlInspection([putPolicyAction, updateCaAction]));
    expect(codesOf(result.findings)).toEqual(['CA_UPDATE_REFUSED']);
    expect(result.findings[0]!.message).toContain(`(${name}: "${error().message}")`);
    expect(result.findings[0]!.message).toMatch(new RegExp(`both Private CA .* and this deployment's RepairRole \\(s3:PutObject on ${CRL_BUCKET}\\)`));
    expect(result.actions.map((action) => action.type)).toEqual(['PutBucketPolicy']);
  });

  it('ConcurrentModificationException (an update still in progress) → rejects AwsTransientError, so the state machine retries', async () => {
    pcaMock.on(DescribeCertificateAuthorityCommand).resolves({ CertificateAuthority: publicRead });
    pcaMock
      .on(UpdateCertificateAuthorityCommand)
      .rejects(new ConcurrentModificationException({ $metadata: { httpStatusCode: 400 }, message: 'A previous update to your private CA is still ongoing.' }));
    await expect(repair(crlInspection([updateCaAction]))).rejects.toMatchObject({ name: 'AwsTransientError' });
  });

  it('an update Private CA applies a moment later is read again until it shows, not reported unverified', async () => {
    pcaMock
      .on(DescribeCertificateAuthorityCommand)
      .resolvesOnce({ CertificateAuthority: publicRead })
      .resolvesOnce({ CertificateAuthority: publicRead })
      .resolvesOnce({ CertificateAuthority: publicRead })
      .resolves({ CertificateAuthority: ownerFullControl });
    const result = await repair(crlInspection([updateCaAction]));
    expect(result.findings).toEqual([]);
    expect(result.actions).toEqual([expect.objectContaining({ type: 'UpdateCertificateAuthority', verified: true })]);
    expect(sleeps).toEqual([CA_READ_BACK_DELAY_MS, CA_READ_BACK_DELAY_MS]);
  });

  it(`still PUBLIC_READ after ${CA_READ_BACK_ATTEMPTS} reads → REPAIR_NOT_VERIFIED`, async () => {
    pcaMock.on(DescribeCertificateAuthorityCommand).resolves({ CertificateAuthority: publicRead });
    const result = await repair(crlInspection([updateCaAction]));
    expect(codesOf(result.findings)).toEqual(['REPAIR_NOT_VERIFIED']);
    expect(pcaMock.commandCalls(DescribeCertificateAuthorityCommand)).toHaveLength(1 + CA_READ_BACK_ATTEMPTS);
  });

  it('a CA already on BUCKET_OWNER_FULL_CONTROL is not updated', async () => {
    pcaMock.on(DescribeCertificateAuthorityCommand).resolves({ CertificateAuthority: ownerFullControl });
    const result = await repair(crlInspection([updateCaAction]));
    expect(pcaMock.commandCalls(UpdateCertificateAuthorityCommand)).toHaveLength(0);
    expect(result).toEqual({ actions: [], findings: [] });
  });
});

describe('RepairBucket: its input', () => {
  it.each([
    ['no classification', { inspection: crlInspection([putPolicyAction]) }, /"classification"/],
    ['no inspection', { classification: CLASSIFICATIONS.crlS3Permission }, /"inspection"/],
    ['an inspection with an empty plan', { classification: CLASSIFICATIONS.crlS3Permission, inspection: crlInspection([]) }, /plan/],
  ])('%s → rejects InvalidStepInput', async (_name, input, message) => {
    await expect(handler(input, lambdaContext('RepairBucket'))).rejects.toMatchObject({ name: 'InvalidStepInput', message: expect.stringMatching(message) });
    expect(s3Mock.calls()).toHaveLength(0);
  });
});

describe('RepairBucket: the bucket lease', () => {
  const plan = () => crlInspection([putPolicyAction]);

  it('takes the lease on the bucket before reading the policy and lets go after the read-back', async () => {
    statefulPolicy(oldPolicy);
    const order: string[] = [];
    dynamoMock.on(PutItemCommand).callsFake(() => void order.push('acquire'));
    dynamoMock.on(DeleteItemCommand).callsFake(() => void order.push('release'));
    s3Mock.on(GetBucketPolicyCommand).callsFake(() => {
      order.push('read');
      return { Policy: order.includes('write') ? policyText(...existing, documentedGrant()) : oldPolicy };
    });
    s3Mock.on(PutBucketPolicyCommand).callsFake(() => void order.push('write'));

    await repair(plan());

    expect(order).toEqual(['acquire', 'read', 'write', 'read', 'release']);
    const [put] = dynamoMock.commandCalls(PutItemCommand);
    const input = put!.args[0].input as { TableName: string; Item: Record<string, { S?: string; N?: string }>; ConditionExpression: string };
    expect(input.TableName).toBe(HISTORY_TABLE);
    expect(input.Item.pk).toEqual({ S: `LEASE#bucket#${CRL_BUCKET}` });
    expect(input.Item.holder).toEqual({ S: EXECUTION_ARN });
    // Twice the repair function's 60 s timeout, from the (stubbed) time of the call.
    expect(Number(input.Item.expiresAt!.N)).toBe(Math.floor(NOW.getTime() / 1000) + 120);
    expect(input.ConditionExpression).toBe('attribute_not_exists(pk) OR expiresAt < :now OR holder = :holder');
    const [release] = dynamoMock.commandCalls(DeleteItemCommand);
    expect(release!.args[0].input).toMatchObject({ ConditionExpression: 'holder = :holder', ExpressionAttributeValues: { ':holder': { S: EXECUTION_ARN } } });
  });

  it('another holder → rejects BucketBusy naming it, and reads and writes nothing', async () => {
    statefulPolicy(oldPolicy);
    dynamoMock.on(PutItemCommand).rejects(new ConditionalCheckFailedException({ message: 'The conditional request failed', $metadata: {} }));
    dynamoMock.on(GetItemCommand).resolves({
      Item: {
        pk: { S: `LEASE#bucket#${CRL_BUCKET}` },
        holder: { S: 'arn:aws:states:us-east-1:111122223333:execution:pca-remediation-test:other' },
        expiresAt: { N: '1795170000' },
      },
    });

    await expect(repair(plan())).rejects.toMatchObject({ name: 'BucketBusy', message: expect.stringContaining('execution:pca-remediation-test:other') });
    expect(s3Mock.calls()).toHaveLength(0);
    expect(dynamoMock.commandCalls(DeleteItemCommand)).toHaveLength(0);
  });

  it('lets go of the lease when the repair throws', async () => {
    s3Mock.on(GetBucketPolicyCommand).resolves({ Policy: oldPolicy });
    s3Mock.on(PutBucketPolicyCommand).rejects(s3Error('SlowDown', 503));

    await expect(repair(plan())).rejects.toMatchObject({ name: 'AwsTransientError' });
    expect(dynamoMock.commandCalls(DeleteItemCommand)).toHaveLength(1);
  });

  it('throttled DynamoDB → rejects AwsTransientError (retried by the state machine), nothing read or written', async () => {
    dynamoMock.on(PutItemCommand).rejects(
      Object.assign(new Error('Rate of requests exceeds the allowed throughput'), {
        name: 'ProvisionedThroughputExceededException',
        $metadata: { httpStatusCode: 400 },
      }),
    );

    await expect(repair(plan())).rejects.toMatchObject({ name: 'AwsTransientError' });
    expect(s3Mock.calls()).toHaveLength(0);
  });

  it('a lease that cannot be released does not undo a finished repair: it expires by itself', async () => {
    statefulPolicy(oldPolicy);
    dynamoMock.on(DeleteItemCommand).rejects(Object.assign(new Error('internal'), { name: 'InternalServerError', $metadata: { httpStatusCode: 500 } }));

    const result = await repair(plan());
    expect(result.actions).toHaveLength(1);
  });

  it('without an execution ARN (a wiring bug) → rejects InvalidStepInput before any call', async () => {
    await expect(handler({ classification: CLASSIFICATIONS.crlS3Permission, inspection: plan() }, lambdaContext('RepairBucket'))).rejects.toMatchObject({
      name: 'InvalidStepInput',
    });
    expect(dynamoMock.calls()).toHaveLength(0);
  });
});
