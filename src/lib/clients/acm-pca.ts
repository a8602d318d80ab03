import { ServiceClient, type AwsClient } from '../aws/client';
import { ACM_PCA, type AcmPcaOperations } from '../aws/services/acm-pca';
import { cachedClient } from './registry';

export type { AcmPcaOperations };

export function acmPca(): AwsClient<AcmPcaOperations> {
  return cachedClient('ACM PCA', (options) => new ServiceClient<AcmPcaOperations>(ACM_PCA, options));
}
