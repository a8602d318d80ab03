import { ServiceClient, type AwsClient } from '../aws/client';
import { S3, type S3Operations } from '../aws/services/s3';
import { cachedClient } from './registry';

export type { S3Operations };

export function s3(): AwsClient<S3Operations> {
  return cachedClient('S3', (options) => new ServiceClient<S3Operations>(S3, options));
}
