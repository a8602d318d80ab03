/** ACM Private CA: awsJson 1.1, the operations this product calls. */
import type * as Pca from '@aws-sdk/client-acm-pca';
import { jsonService } from './json';

export type AcmPcaOperations = {
  DescribeCertificateAuthority: { input: Pca.DescribeCertificateAuthorityRequest; output: Pca.DescribeCertificateAuthorityResponse };
  DescribeCertificateAuthorityAuditReport: { input: Pca.DescribeCertificateAuthorityAuditReportRequest; output: Pca.DescribeCertificateAuthorityAuditReportResponse };
  CreateCertificateAuthorityAuditReport: { input: Pca.CreateCertificateAuthorityAuditReportRequest; output: Pca.CreateCertificateAuthorityAuditReportResponse };
  UpdateCertificateAuthority: { input: Pca.UpdateCertificateAuthorityRequest; output: object };
  GetCertificate: { input: Pca.GetCertificateRequest; output: Pca.GetCertificateResponse };
  ListCertificateAuthorities: { input: Pca.ListCertificateAuthoritiesRequest; output: Pca.ListCertificateAuthoritiesResponse };
};

export const ACM_PCA = jsonService({
  name: 'ACM PCA',
  signingName: 'acm-pca',
  endpointPrefix: 'acm-pca',
  endpointEnvId: 'ACM_PCA',
  version: '1.1',
  targetPrefix: 'ACMPrivateCA',
  operations: ['DescribeCertificateAuthority', 'DescribeCertificateAuthorityAuditReport', 'CreateCertificateAuthorityAuditReport', 'UpdateCertificateAuthority', 'GetCertificate', 'ListCertificateAuthorities'] satisfies ReadonlyArray<keyof AcmPcaOperations>,
  timestampKeys: ['CreatedAt', 'LastStateChangeAt', 'NotBefore', 'NotAfter', 'RestorableUntil'],
});
