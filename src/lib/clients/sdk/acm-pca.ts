import {
  ACMPCAClient,
  CreateCertificateAuthorityAuditReportCommand,
  DescribeCertificateAuthorityAuditReportCommand,
  DescribeCertificateAuthorityCommand,
  GetCertificateCommand,
  ListCertificateAuthoritiesCommand,
  UpdateCertificateAuthorityCommand,
} from '@aws-sdk/client-acm-pca';
import type { AwsClient } from '../../aws/client';
import type { AcmPcaOperations } from '../../aws/services/acm-pca';
import { cachedClient } from '../registry';
import { sdkClient, sdkOptions } from './adapter';

const COMMANDS = {
  DescribeCertificateAuthority: DescribeCertificateAuthorityCommand,
  DescribeCertificateAuthorityAuditReport: DescribeCertificateAuthorityAuditReportCommand,
  CreateCertificateAuthorityAuditReport: CreateCertificateAuthorityAuditReportCommand,
  UpdateCertificateAuthority: UpdateCertificateAuthorityCommand,
  GetCertificate: GetCertificateCommand,
  ListCertificateAuthorities: ListCertificateAuthoritiesCommand,
};

export const sdkAcmPca = (options: Parameters<typeof sdkOptions>[0]): AwsClient<AcmPcaOperations> =>
  sdkClient<AcmPcaOperations>('ACM PCA', new ACMPCAClient(sdkOptions(options)), COMMANDS);

/** `acmPca()` backed by the SDK (the naive build swaps it in for ../acm-pca.ts). */
export function acmPca(): AwsClient<AcmPcaOperations> {
  return cachedClient('ACM PCA', sdkAcmPca);
}
