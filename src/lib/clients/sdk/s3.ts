import { DeleteBucketPolicyCommand, GetBucketEncryptionCommand, GetBucketOwnershipControlsCommand, GetBucketPolicyCommand, GetPublicAccessBlockCommand, HeadObjectCommand, PutBucketPolicyCommand, S3Client } from '@aws-sdk/client-s3';
import type { AwsClient } from '../../aws/client';
import type { S3Operations } from '../../aws/services/s3';
import { cachedClient } from '../registry';
import { sdkClient, sdkOptions } from './adapter';

const COMMANDS = {
  GetBucketPolicy: GetBucketPolicyCommand,
  PutBucketPolicy: PutBucketPolicyCommand,
  DeleteBucketPolicy: DeleteBucketPolicyCommand,
  GetPublicAccessBlock: GetPublicAccessBlockCommand,
  GetBucketOwnershipControls: GetBucketOwnershipControlsCommand,
  GetBucketEncryption: GetBucketEncryptionCommand,
  HeadObject: HeadObjectCommand,
};

export const sdkS3 = (options: Parameters<typeof sdkOptions>[0]): AwsClient<S3Operations> => sdkClient<S3Operations>('S3', new S3Client(sdkOptions(options)), COMMANDS);

/** `s3()` backed by the SDK (the naive build swaps it in for ../s3.ts). */
export function s3(): AwsClient<S3Operations> {
  return cachedClient('S3', sdkS3);
}
