import {
  ACMPCAClient,
  DescribeCertificateAuthorityCommand,
  GetCertificateCommand,
  InvalidStateException,
  RequestFailedException,
  RequestInProgressException,
  ResourceNotFoundException,
} from '@aws-sdk/client-acm-pca';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { handler } from '../../../src/lambda/handlers/diagnose-certificate-issuance';
import { resetClients } from '../../../src/lambda/aws/clients/registry';
import { resetClock, setClock } from '../../../src/lambda/runtime/clock';
import { CA_ARN, CERTIFICATE_ARN, certificateAuthority, codesOf, lambdaContext, PCA_THROTTLING, stubDeploymentEnv, CLASSIFICATIONS } from './fixtures';
import type { Diagnosis } from '../../../src/core/types';

const pcaMock = mockClient(ACMPCAClient);
const metadata = { $metadata: { httpStatusCode: 400 } };

function diagnose(): Promise<Diagnosis> {
  return handler({ classification: CLASSIFICATIONS.certificateIssuance }, lambdaContext('DiagnoseCertificateIssuance'));
}

beforeEach(() => {
  pcaMock.reset();
  resetClients();
  stubDeploymentEnv();
  setClock({ now: () => new Date('2026-11-20T10:05:00.000Z') });
  pcaMock.on(DescribeCertificateAuthorityCommand).resolves({ CertificateAuthority: certificateAuthority() });
});

afterEach(() => {
  resetClock();
  vi.unstubAllEnvs();
});

describe('DiagnoseCertificateIssuance', () => {
  it('client error: GetCertificate RequestFailedException → ISSUANCE_FAILED with what to check and how to re-issue', async () => {
    // Prepare
    pcaMock.on(GetCertificateCommand).rejects(new RequestFailedException({ ...metadata, message: 'The request has failed for an unspecified reason' }));
    // Act
    const diagnosis = await diagnose();
    // Assess
    expect(pcaMock.commandCalls(GetCertificateCommand)[0]!.args[0].input).toEqual({ CertificateAuthorityArn: CA_ARN, CertificateArn: CERTIFICATE_ARN });
    expect(diagnosis.caStatus).toBe('ACTIVE');
    expect(codesOf(diagnosis.findings)).toEqual(['CA_VALID_UNTIL', 'ISSUANCE_FAILED']);
    expect(diagnosis.findings.find((item) => item.code === 'ISSUANCE_FAILED')?.severity).toBe('action-required');
    expect(diagnosis.nextSteps).toHaveLength(2);
    expect(diagnosis.nextSteps.join(' ')).toMatch(/CloudTrail/);
    expect(diagnosis.nextSteps.join(' ')).toMatch(/original CSR/);
  });

  it('sunny day: the certificate is available after all → CERTIFICATE_AVAILABLE, nothing to fix', async () => {
    pcaMock.on(GetCertificateCommand).resolves({ Certificate: '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----', CertificateChain: '' });
    const diagnosis = await diagnose();
    expect(codesOf(diagnosis.findings)).toContain('CERTIFICATE_AVAILABLE');
    expect(diagnosis.findings.every((item) => item.severity !== 'action-required')).toBe(true);
    expect(diagnosis.nextSteps).toHaveLength(1);
  });

  it('a DISABLED CA → CA_NOT_ACTIVE and "restore the CA" comes first', async () => {
    pcaMock.on(DescribeCertificateAuthorityCommand).resolves({ CertificateAuthority: certificateAuthority({ Status: 'DISABLED' }) });
    pcaMock.on(GetCertificateCommand).rejects(new RequestFailedException({ ...metadata, message: 'failed' }));
    const diagnosis = await diagnose();
    expect(diagnosis.caStatus).toBe('DISABLED');
    expect(codesOf(diagnosis.findings)).toEqual(expect.arrayContaining(['CA_NOT_ACTIVE', 'ISSUANCE_FAILED']));
    expect(diagnosis.nextSteps[0]).toMatch(/^Restore the CA to ACTIVE/);
  });

  // Regression: CA_NOT_ACTIVE used to be reported twice (once from the CA status, once from GetCertificate).
  it('a DISABLED CA whose GetCertificate answers InvalidStateException reports CA_NOT_ACTIVE once', async () => {
    pcaMock.on(DescribeCertificateAuthorityCommand).resolves({ CertificateAuthority: certificateAuthority({ Status: 'DISABLED' }) });
    pcaMock.on(GetCertificateCommand).rejects(new InvalidStateException({ ...metadata, message: 'invalid state' }));
    const diagnosis = await diagnose();
    expect(codesOf(diagnosis.findings).filter((code) => code === 'CA_NOT_ACTIVE')).toHaveLength(1);
  });

  it('an expired CA → CA_EXPIRED', async () => {
    pcaMock
      .on(DescribeCertificateAuthorityCommand)
      .resolves({ CertificateAuthority: certificateAuthority({ Status: 'EXPIRED', NotAfter: new Date('2026-11-01T00:00:00Z') }) });
    pcaMock.on(GetCertificateCommand).rejects(new RequestFailedException({ ...metadata, message: 'failed' }));
    const diagnosis = await diagnose();
    expect(codesOf(diagnosis.findings)).toEqual(expect.arrayContaining(['CA_NOT_ACTIVE', 'CA_EXPIRED']));
  });

  it.each([
    ['RequestInProgressException', new RequestInProgressException({ ...metadata, message: 'in progress' }), 'ISSUANCE_IN_PROGRESS'],
    ['ResourceNotFoundException', new ResourceNotFoundException({ ...metadata, message: 'not found' }), 'CERTIFICATE_NOT_FOUND'],
    ['InvalidStateException', new InvalidStateException({ ...metadata, message: 'invalid state' }), 'CA_NOT_ACTIVE'],
  ])('GetCertificate answers %s → %s', async (_name, error, code) => {
    pcaMock.on(GetCertificateCommand).rejects(error);
    const diagnosis = await diagnose();
    expect(codesOf(diagnosis.findings)).toContain(code);
    expect(diagnosis.nextSteps.length).toBeGreaterThan(0);
  });

  it('client error: the CA is gone → CA_NOT_FOUND, GetCertificate not called', async () => {
    pcaMock.on(DescribeCertificateAuthorityCommand).rejects(new ResourceNotFoundException({ ...metadata, message: 'not found' }));
    const diagnosis = await diagnose();
    expect(diagnosis).toMatchObject({ caStatus: null });
    expect(codesOf(diagnosis.findings)).toEqual(['CA_NOT_FOUND']);
    expect(pcaMock.commandCalls(GetCertificateCommand)).toHaveLength(0);
  });

  it.each([
    ['DescribeCertificateAuthority', () => pcaMock.on(DescribeCertificateAuthorityCommand).rejects(PCA_THROTTLING())],
    ['GetCertificate', () => pcaMock.on(GetCertificateCommand).rejects(PCA_THROTTLING())],
  ])('throttling: %s ThrottlingException → rejects AwsTransientError', async (_name, throttle) => {
    pcaMock.on(GetCertificateCommand).resolves({});
    throttle();
    await expect(diagnose()).rejects.toMatchObject({ name: 'AwsTransientError' });
  });
});
