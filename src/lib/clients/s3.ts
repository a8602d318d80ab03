import { S3Client } from '@aws-sdk/client-s3';
import { cachedClient } from './registry';

export function s3(): S3Client {
  return cachedClient('S3', (options) => new S3Client(options));
}
