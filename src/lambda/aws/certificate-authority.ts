/**
 * Reading a CA and its CRL settings from Private CA.
 */
import { DescribeCertificateAuthorityCommand, type CertificateAuthority } from '@aws-sdk/client-acm-pca';
import { acmPca } from './clients/acm-pca';
import { awsErrorName, rethrowAws } from '../../core/errors';

/** The CA as Private CA describes it, or null when this account has no such CA. */
export async function describeCertificateAuthority(arn: string): Promise<CertificateAuthority | null> {
  try {
    const output = await acmPca().send(new DescribeCertificateAuthorityCommand({ CertificateAuthorityArn: arn }));
    return output.CertificateAuthority ?? null;
  } catch (error) {
    if (awsErrorName(error) === 'ResourceNotFoundException') return null;
    return rethrowAws(error, `DescribeCertificateAuthority ${arn}`);
  }
}
