import { S3Client } from '@aws-sdk/client-s3';
import { cachedClient } from './registry';

/**
 * S3, following region redirects: a bucket in another region than the function's is read
 * at its own region's endpoint (the SDK asks S3 for the region and retries there), rather
 * than failing with PermanentRedirect and being misreported as an access problem.
 */
export function s3(): S3Client {
  return cachedClient('S3', (options) => new S3Client({ followRegionRedirects: true, ...options }));
}
