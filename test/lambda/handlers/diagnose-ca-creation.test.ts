import { ACMPCAClient, DescribeCertificateAuthorityCommand, ResourceNotFoundException } from '@aws-sdk/client-acm-pca';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { handler } from '../../../src/lambda/handlers/diagnose-ca-creation';
import { resetClients } from '../../../src/lambda/aws/clients/registry';
import { CREATION_GUIDANCE } from '../../../src/lambda/steps/diagnose';
import { CA_ARN, certificateAuthority, codesOf, lambdaContext, PCA_THROTTLING, stubDeploymentEnv, CLASSIFICATIONS } from './fixtures';
import type { Diagnosis } from '../../../src/core/types';

const pcaMock = mockClient(ACMPCAClient);

function diagnose(): Promise<Diagnosis> {
  return handler({ classification: CLASSIFICATIONS.caCreation }, lambdaContext('DiagnoseCaCreation'));
}

function failedCa(failureReason?: 'REQUEST_TIMED_OUT' | 'UNSUPPORTED_ALGORITHM' | 'OTHER') {
  return certificateAuthority({
    Status: 'FAILED',
    NotAfter: undefined,
    RevocationConfiguration: undefined,
    ...(failureReason ? { FailureReason: failureReason } : {}),
  });
}

beforeEach(() => {
  pcaMock.reset();
  resetClients();
  stubDeploymentEnv();
});

afterEach(() => {
  vi.unstubAllEnvs();
});

describe('DiagnoseCaCreation', () => {
  it.each([
    ['REQUEST_TIMED_OUT' as const, /Delete the failed CA/],
    ['UNSUPPORTED_ALGORITHM' as const, /supported pair/],
    ['OTHER' as const, /CloudTrail/],
  ])('FailureReason %s → CA_CREATION_%s with its guidance', async (reason, guidance) => {
    // Prepare
    pcaMock.on(DescribeCertificateAuthorityCommand).resolves({ CertificateAuthority: failedCa(reason) });
    // Act
    const diagnosis = await diagnose();
    // Assess
    expect(pcaMock.commandCalls(DescribeCertificateAuthorityCommand)[0]!.args[0].input).toEqual({ CertificateAuthorityArn: CA_ARN });
    expect(diagnosis.caStatus).toBe('FAILED');
    expect(diagnosis.findings).toEqual([
      expect.objectContaining({
        code: `CA_CREATION_${reason}`,
        severity: 'action-required',
        detail: { failureReason: reason, keyAlgorithm: 'RSA_2048', signingAlgorithm: 'SHA256WITHRSA' },
      }),
    ]);
    expect(diagnosis.nextSteps).toEqual(CREATION_GUIDANCE[reason]);
    expect(diagnosis.nextSteps[0]).toMatch(guidance);
  });

  it('a FAILED CA without a FailureReason gets the OTHER guidance', async () => {
    pcaMock.on(DescribeCertificateAuthorityCommand).resolves({ CertificateAuthority: failedCa() });
    const diagnosis = await diagnose();
    expect(codesOf(diagnosis.findings)).toEqual(['CA_CREATION_OTHER']);
    expect(diagnosis.nextSteps).toEqual(CREATION_GUIDANCE.OTHER);
  });

  it.each([
    ['ACTIVE', /Nothing to do/],
    ['PENDING_CERTIFICATE', /ImportCertificateAuthorityCertificate/],
  ])('a CA that is now %s → CA_NOT_FAILED (info)', async (status, step) => {
    pcaMock.on(DescribeCertificateAuthorityCommand).resolves({ CertificateAuthority: certificateAuthority({ Status: status as 'ACTIVE' }) });
    const diagnosis = await diagnose();
    expect(diagnosis.caStatus).toBe(status);
    expect(diagnosis.findings).toEqual([expect.objectContaining({ code: 'CA_NOT_FAILED', severity: 'info' })]);
    expect(diagnosis.nextSteps).toEqual([expect.stringMatching(step)]);
  });

  it('client error: the CA is gone (ResourceNotFoundException) → CA_NOT_FOUND', async () => {
    pcaMock.on(DescribeCertificateAuthorityCommand).rejects(new ResourceNotFoundException({ $metadata: { httpStatusCode: 400 }, message: 'not found' }));
    const diagnosis = await diagnose();
    expect(diagnosis.caStatus).toBeNull();
    expect(codesOf(diagnosis.findings)).toEqual(['CA_NOT_FOUND']);
  });

  it('throttling: ThrottlingException → rejects AwsTransientError', async () => {
    pcaMock.on(DescribeCertificateAuthorityCommand).rejects(PCA_THROTTLING());
    await expect(diagnose()).rejects.toMatchObject({ name: 'AwsTransientError' });
  });
});
