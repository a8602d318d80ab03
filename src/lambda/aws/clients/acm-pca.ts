import { ACMPCAClient } from '@aws-sdk/client-acm-pca';
import { cachedClient } from './registry';

export function acmPca(): ACMPCAClient {
  return cachedClient('ACM PCA', (options) => new ACMPCAClient(options));
}
