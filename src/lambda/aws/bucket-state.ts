/**
 * Reading the parts of an S3 bucket that decide whether Private CA can write to it:
 * policy, Block Public Access, Object Ownership and default encryption. Every call
 * carries ExpectedBucketOwner, so a bucket owned by another account is never read
 * (or, later, written) by mistake: S3 answers 403 instead.
 */
import { GetBucketEncryptionCommand, GetBucketOwnershipControlsCommand, GetBucketPolicyCommand, GetPublicAccessBlockCommand } from '@aws-sdk/client-s3';
import { s3 } from './clients/s3';
import { awsErrorName, rethrowAws } from '../../core/errors';
import type { BucketState } from '../../core/types';

class BucketUnreadable extends Error {
  constructor(readonly state: BucketState) {
    super(state.status);
  }
}

/** Run one read; map the "not configured" answer to null and missing/denied buckets to a state. */
async function read<T>(bucket: string, operation: string, notConfigured: string, run: () => Promise<T>): Promise<T | null> {
  try {
    return await run();
  } catch (error) {
    const name = awsErrorName(error);
    if (name === notConfigured) return null;
    if (name === 'NoSuchBucket') throw new BucketUnreadable({ name: bucket, status: 'missing' });
    if (name === 'AccessDenied' || name === 'Forbidden' || name === 'AllAccessDisabled') {
      throw new BucketUnreadable({ name: bucket, status: 'access-denied', operation });
    }
    return rethrowAws(error, `${operation} ${bucket}`);
  }
}

export async function readPolicy(bucket: string, expectedOwner: string): Promise<string | null> {
  const output = await read(bucket, 'GetBucketPolicy', 'NoSuchBucketPolicy', () =>
    s3().send(new GetBucketPolicyCommand({ Bucket: bucket, ExpectedBucketOwner: expectedOwner })),
  );
  return output?.Policy ?? null;
}

export async function readBucketState(bucket: string, expectedOwner: string): Promise<BucketState> {
  const client = s3();
  try {
    const policy = await readPolicy(bucket, expectedOwner);
    const publicAccess = await read(bucket, 'GetPublicAccessBlock', 'NoSuchPublicAccessBlockConfiguration', () =>
      client.send(new GetPublicAccessBlockCommand({ Bucket: bucket, ExpectedBucketOwner: expectedOwner })),
    );
    const ownership = await read(bucket, 'GetBucketOwnershipControls', 'OwnershipControlsNotFoundError', () =>
      client.send(new GetBucketOwnershipControlsCommand({ Bucket: bucket, ExpectedBucketOwner: expectedOwner })),
    );
    const encryption = await read(bucket, 'GetBucketEncryption', 'ServerSideEncryptionConfigurationNotFoundError', () =>
      client.send(new GetBucketEncryptionCommand({ Bucket: bucket, ExpectedBucketOwner: expectedOwner })),
    );
    const rule = encryption?.ServerSideEncryptionConfiguration?.Rules?.[0];
    const byDefault = rule?.ApplyServerSideEncryptionByDefault;
    return {
      name: bucket,
      status: 'found',
      policy,
      publicAccessBlock: publicAccess?.PublicAccessBlockConfiguration ?? null,
      objectOwnership: ownership?.OwnershipControls?.Rules?.[0]?.ObjectOwnership ?? null,
      encryption: byDefault?.SSEAlgorithm
        ? {
            algorithm: byDefault.SSEAlgorithm,
            kmsKeyId: byDefault.KMSMasterKeyID ?? null,
            bucketKeyEnabled: rule?.BucketKeyEnabled === true,
          }
        : null,
    };
  } catch (error) {
    if (error instanceof BucketUnreadable) return error.state;
    throw error;
  }
}
