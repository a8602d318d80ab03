/**
 * Diagnoses for what cannot be fixed automatically: a certificate that was not
 * issued (re-issuing needs the original CSR, which the event does not carry) and a
 * CA that could not be created. They gather what Private CA says and turn it into
 * what a person must do.
 */
import { GetCertificateCommand, type CertificateAuthority } from '@aws-sdk/client-acm-pca';
import { describeCertificateAuthority } from '../aws/certificate-authority';
import { acmPca } from '../aws/clients/acm-pca';
import { now } from '../runtime/clock';
import { awsErrorName, rethrowAws } from '../../core/errors';
import type { Diagnosis, Finding, Classification } from '../../core/types';
const CA_NOT_FOUND = (classification: Classification): Diagnosis => ({
  caStatus: null,
  findings: [
    {
      code: 'CA_NOT_FOUND',
      severity: 'action-required',
      message: `Private CA has no CA ${classification.certificateAuthorityArn} in this account and region.`,
    },
  ],
  nextSteps: [
    `If the CA was deleted there is nothing to do; otherwise deploy pca-remediation in account ${classification.account}, region ${classification.region}.`,
  ],
});

/** What to do for each DescribeCertificateAuthority FailureReason. */
export const CREATION_GUIDANCE: Readonly<Record<string, string[]>> = {
  REQUEST_TIMED_OUT: [
    'Private CA timed out while creating the CA. Delete the failed CA (DeleteCertificateAuthority) and create it again.',
    'If it times out again, open a case with AWS Support quoting the CA ARN and the time of the event.',
  ],
  UNSUPPORTED_ALGORITHM: [
    "The CA's KeyAlgorithm and SigningAlgorithm (CertificateAuthorityConfiguration) are not a supported pair here, for example with the key storage security standard the region requires.",
    'Create the CA again with a supported pair (for example RSA_2048 with SHA256WITHRSA, or EC_prime256v1 with SHA256WITHECDSA) and delete the failed one.',
  ],
  OTHER: [
    'Private CA gives no detail for this failure. Look up the CreateCertificateAuthority call in CloudTrail for its error, fix the request and create the CA again.',
    'If CloudTrail shows no error, open a case with AWS Support quoting the CA ARN.',
  ],
};

export async function diagnoseCaCreation(classification: Classification): Promise<Diagnosis> {
  const ca = await describeCertificateAuthority(classification.certificateAuthorityArn!);
  if (ca === null) return CA_NOT_FOUND(classification);
  if (ca.Status !== 'FAILED') {
    return {
      caStatus: ca.Status ?? null,
      findings: [
        {
          code: 'CA_NOT_FAILED',
          severity: 'info',
          message: `The CA is now ${ca.Status}, not FAILED: the creation failure was followed by a later success, or the event is old.`,
        },
      ],
      nextSteps:
        ca.Status === 'PENDING_CERTIFICATE'
          ? ['Install the CA certificate (ImportCertificateAuthorityCertificate) to activate the CA.']
          : ['Nothing to do unless the CA is not the one you expect.'],
    };
  }
  const reason = ca.FailureReason ?? 'OTHER';
  return {
    caStatus: 'FAILED',
    findings: [
      {
        code: `CA_CREATION_${reason}`,
        severity: 'action-required',
        message: `Private CA could not create the CA: FailureReason ${reason}.`,
        detail: {
          failureReason: reason,
          keyAlgorithm: ca.CertificateAuthorityConfiguration?.KeyAlgorithm,
          signingAlgorithm: ca.CertificateAuthorityConfiguration?.SigningAlgorithm,
        },
      },
    ],
    nextSteps: CREATION_GUIDANCE[reason] ?? CREATION_GUIDANCE.OTHER!,
  };
}

function caStatusFindings(ca: CertificateAuthority): Finding[] {
  const findings: Finding[] = [];
  if (ca.Status !== 'ACTIVE') {
    findings.push({
      code: 'CA_NOT_ACTIVE',
      severity: 'action-required',
      message: `The CA is ${ca.Status}; Private CA issues certificates only from an ACTIVE CA.`,
    });
  }
  if (ca.NotAfter && ca.NotAfter.getTime() <= now().getTime()) {
    findings.push({
      code: 'CA_EXPIRED',
      severity: 'action-required',
      message: `The CA's own certificate expired at ${ca.NotAfter.toISOString()}; renew the CA certificate before issuing.`,
    });
  } else if (ca.NotAfter) {
    findings.push({
      code: 'CA_VALID_UNTIL',
      severity: 'info',
      message: `The CA's certificate is valid until ${ca.NotAfter.toISOString()}; a certificate's requested validity must end before that.`,
    });
  }
  return findings;
}

export async function diagnoseCertificateIssuance(classification: Classification): Promise<Diagnosis> {
  const ca = await describeCertificateAuthority(classification.certificateAuthorityArn!);
  if (ca === null) return CA_NOT_FOUND(classification);
  const findings = caStatusFindings(ca);
  const nextSteps: string[] = [];
  try {
    await acmPca().send(
      new GetCertificateCommand({ CertificateAuthorityArn: classification.certificateAuthorityArn, CertificateArn: classification.certificateArn }),
    );
    findings.push({
      code: 'CERTIFICATE_AVAILABLE',
      severity: 'info',
      message: `GetCertificate now returns certificate ${classification.certificateArn}: it was issued after all.`,
    });
    nextSteps.push('Check that the requester received the certificate; nothing else to do.');
  } catch (error) {
    const name = awsErrorName(error);
    if (name === 'RequestFailedException') {
      findings.push({
        code: 'ISSUANCE_FAILED',
        severity: 'action-required',
        message: 'Private CA says the issuance failed "for an unspecified reason" (GetCertificate gives no failure reason).',
      });
      nextSteps.push(
        "Check the request against the CA: the CSR's key algorithm and signature must be ones Private CA accepts, the requested Validity must end before the CA expires, and the TemplateArn must suit the CA (for example a subordinate-CA template only from a CA allowed to sign CAs).",
        'Look up the IssueCertificate call in CloudTrail for its parameters, fix them, and call IssueCertificate again with the original CSR (the event does not carry it, so this cannot be retried automatically).',
      );
    } else if (name === 'RequestInProgressException') {
      findings.push({ code: 'ISSUANCE_IN_PROGRESS', severity: 'info', message: 'Private CA is still issuing the certificate.' });
      nextSteps.push('Call GetCertificate again in a few minutes; if it then fails, re-submit IssueCertificate with the original CSR.');
    } else if (name === 'ResourceNotFoundException') {
      findings.push({
        code: 'CERTIFICATE_NOT_FOUND',
        severity: 'action-required',
        message: `Private CA has no record of certificate ${classification.certificateArn}.`,
      });
      nextSteps.push('Re-submit IssueCertificate with the original CSR.');
    } else if (name === 'InvalidStateException') {
      if (!findings.some((item) => item.code === 'CA_NOT_ACTIVE')) {
        findings.push({
          code: 'CA_NOT_ACTIVE',
          severity: 'action-required',
          message: `GetCertificate answered InvalidStateException: the CA is not in a state to return certificates (${ca.Status}).`,
        });
      }
      nextSteps.push('Restore the CA to ACTIVE (or renew it), then re-submit IssueCertificate with the original CSR.');
    } else {
      return rethrowAws(error, `GetCertificate ${classification.certificateArn}`);
    }
  }
  if (findings.some((item) => item.code === 'CA_NOT_ACTIVE' || item.code === 'CA_EXPIRED') && !nextSteps.some((step) => step.startsWith('Restore'))) {
    nextSteps.unshift('Restore the CA to ACTIVE (renew its certificate if it expired) before issuing again.');
  }
  return { caStatus: ca.Status ?? null, findings, nextSteps };
}
