import { S3Client } from '@aws-sdk/client-s3';
import { tracer } from '../powertools';
import { cachedClient } from './registry';

export function s3(): S3Client {
  return cachedClient('S3', (options) => tracer.captureAWSv3Client(new S3Client(options)));
}
