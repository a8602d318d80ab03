import { ACMPCAClient } from '@aws-sdk/client-acm-pca';
import { tracer } from '../powertools';
import { cachedClient } from './registry';

export function acmPca(): ACMPCAClient {
  return cachedClient('ACM PCA', (options) => tracer.captureAWSv3Client(new ACMPCAClient(options)));
}
