/**
 * The S3 operations the workflow uses, answered from the account model with the
 * output shapes and error names of the real service (as SDK v3 surfaces them).
 *
 * Every call that gives ExpectedBucketOwner different from the bucket's owner is
 * denied before anything changes. A bucket of another account is answered as if the
 * caller were permitted, but the call record says so.
 */
import { s3Errors } from './aws-errors';
import { checkPolicyForPut, isPublicPolicy } from './s3-policy-rules';
import { findBucket, type BucketModel, type Operation, type OperationContext, type OperationInput } from './simulation-model';

interface BucketLookup {
  /** HEAD requests get body-less errors: `NotFound` (404) and `Unknown` (403). */
  head?: boolean;
  /** Answered from any region's endpoint (GetBucketLocation), not redirected. */
  anyRegion?: boolean;
}

function requireField(input: OperationInput, field: string): string {
  const value = input[field];
  // The SDK refuses to build the request without its URI labels.
  if (typeof value !== 'string' || value.length === 0) throw new Error(`No value provided for input HTTP label: ${field}.`);
  return value;
}

function bucketOf(context: OperationContext, input: OperationInput, lookup: BucketLookup = {}): BucketModel {
  const name = requireField(input, 'Bucket');
  const bucket = findBucket(context.model, name);
  if (!bucket) throw lookup.head ? s3Errors.headNotFound() : s3Errors.noSuchBucket();
  // S3 answers a request signed for another region than the bucket's with a redirect naming the bucket's region.
  if (!lookup.anyRegion && context.region !== undefined && bucket.Region !== undefined && bucket.Region !== context.region)
    throw s3Errors.permanentRedirect(bucket.Region);
  const expected = input.ExpectedBucketOwner;
  if (expected !== undefined && expected !== bucket.Owner) throw lookup.head ? s3Errors.headForbidden() : s3Errors.accessDenied();
  if (expected === undefined && bucket.Owner !== context.model.account) {
    context.warn(`bucket ${bucket.Name} is owned by account ${bucket.Owner}, not ${context.model.account}, and the call did not give ExpectedBucketOwner`);
  }
  return bucket;
}

const getBucketPolicy: Operation = (context, input) => {
  const bucket = bucketOf(context, input);
  if (bucket.Policy === null) throw s3Errors.noSuchBucketPolicy();
  return { Policy: bucket.Policy };
};

const putBucketPolicy: Operation = (context, input) => {
  const bucket = bucketOf(context, input);
  const document = checkPolicyForPut(input.Policy, bucket.Name, context.model.partition);
  if (bucket.PublicAccessBlockConfiguration?.BlockPublicPolicy && isPublicPolicy(document)) throw s3Errors.accessDenied();
  bucket.Policy = input.Policy as string;
  return {};
};

/** S3 answers 204 No Content, with or without a policy to delete. */
const deleteBucketPolicy: Operation = (context, input) => {
  const bucket = bucketOf(context, input);
  bucket.Policy = null;
  return {};
};

const getPublicAccessBlock: Operation = (context, input) => {
  const configuration = bucketOf(context, input).PublicAccessBlockConfiguration;
  if (configuration === null) throw s3Errors.noSuchPublicAccessBlockConfiguration();
  // S3 returns all four settings; an unset one is false.
  return {
    PublicAccessBlockConfiguration: {
      BlockPublicAcls: configuration.BlockPublicAcls ?? false,
      IgnorePublicAcls: configuration.IgnorePublicAcls ?? false,
      BlockPublicPolicy: configuration.BlockPublicPolicy ?? false,
      RestrictPublicBuckets: configuration.RestrictPublicBuckets ?? false,
    },
  };
};

const getBucketOwnershipControls: Operation = (context, input) => {
  const controls = bucketOf(context, input).OwnershipControls;
  if (controls === null) throw s3Errors.ownershipControlsNotFound();
  return { OwnershipControls: structuredClone(controls) };
};

const getBucketEncryption: Operation = (context, input) => {
  const encryption = bucketOf(context, input).ServerSideEncryptionConfiguration;
  if (encryption === null) throw s3Errors.encryptionNotFound();
  return { ServerSideEncryptionConfiguration: structuredClone(encryption) };
};

const headObject: Operation = (context, input) => {
  const bucket = bucketOf(context, input, { head: true });
  const key = requireField(input, 'Key');
  const modified = bucket.Objects[key];
  if (modified === undefined) throw s3Errors.headNotFound();
  return { LastModified: new Date(modified), AcceptRanges: 'bytes' };
};

/** S3 lists keys in UTF-8 binary order, at most 1,000 a page; the continuation token here is the next key, encoded. */
const listObjectsV2: Operation = (context, input) => {
  const bucket = bucketOf(context, input);
  const prefix = typeof input.Prefix === 'string' ? input.Prefix : '';
  const maxKeys = input.MaxKeys === undefined ? 1000 : Number(input.MaxKeys);
  if (!Number.isInteger(maxKeys) || maxKeys < 0) throw s3Errors.invalidArgument('max-keys', String(input.MaxKeys));
  const keys = Object.keys(bucket.Objects)
    .filter((key) => key.startsWith(prefix))
    .sort((a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b)));
  let start = 0;
  if (input.ContinuationToken !== undefined) {
    const after = Buffer.from(String(input.ContinuationToken), 'base64').toString('utf8');
    start = keys.indexOf(after);
    if (start === -1) throw s3Errors.invalidArgument('continuation-token', String(input.ContinuationToken));
  }
  const page = keys.slice(start, start + Math.min(maxKeys, 1000));
  const next = keys[start + page.length];
  return {
    Name: bucket.Name,
    Prefix: prefix,
    KeyCount: page.length,
    MaxKeys: maxKeys,
    IsTruncated: next !== undefined,
    ...(input.ContinuationToken !== undefined ? { ContinuationToken: input.ContinuationToken } : {}),
    ...(next !== undefined ? { NextContinuationToken: Buffer.from(next).toString('base64') } : {}),
    Contents: page.map((key) => ({ Key: key, LastModified: new Date(bucket.Objects[key]!), Size: 0 })),
  };
};

const getBucketLocation: Operation = (context, input) => {
  const bucket = bucketOf(context, input, { anyRegion: true });
  // S3 answers an empty LocationConstraint for us-east-1, which the SDK leaves out.
  return bucket.Region === 'us-east-1' ? {} : { LocationConstraint: bucket.Region };
};

const headBucket: Operation = (context, input) => {
  const bucket = bucketOf(context, input, { head: true });
  return { BucketRegion: bucket.Region, AccessPointAlias: false };
};

export const s3Operations: Record<string, Operation> = {
  GetBucketPolicy: getBucketPolicy,
  PutBucketPolicy: putBucketPolicy,
  DeleteBucketPolicy: deleteBucketPolicy,
  GetPublicAccessBlock: getPublicAccessBlock,
  GetBucketOwnershipControls: getBucketOwnershipControls,
  GetBucketEncryption: getBucketEncryption,
  HeadObject: headObject,
  ListObjectsV2: listObjectsV2,
  GetBucketLocation: getBucketLocation,
  HeadBucket: headBucket,
};
