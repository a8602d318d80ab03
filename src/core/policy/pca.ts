/**
 * What AWS Private CA does to a bucket: which (action, resource) pairs it needs. What
 * its requests carry in their context is in request-context.ts. The grant AWS documents
 * is in "Access policies for CRLs in Amazon S3" and "Audit reports" of the Private CA guide.
 */
import { bucketArn } from '../arn';
import type { Partition } from '../types';

export const PCA_SERVICE_PRINCIPAL = 'acm-pca.amazonaws.com';
/** On `arn:<p>:s3:::<bucket>`. */
export const PCA_BUCKET_ACTIONS = ['s3:GetBucketAcl', 's3:GetBucketLocation'] as const;
/** On `arn:<p>:s3:::<bucket>/<key>`. */
export const PCA_OBJECT_ACTIONS = ['s3:PutObject', 's3:PutObjectAcl'] as const;
/** S3's bucket policy size limit (20 KB), counted as UTF-8 bytes of the JSON we write. */
export const MAX_POLICY_BYTES = 20 * 1024;

export interface PcaWriteRequest {
  partition: Partition;
  bucket: string;
  /** arn:aws:acm-pca:us-east-1:111122223333:certificate-authority/<uuid> */
  caArn: string;
  /** The CA's account id (aws:SourceAccount). */
  account: string;
  /** The CA's uuid. */
  caId: string;
  /** Keys Private CA writes, e.g. ['acm-pca-permission-test-key', 'crl/<caId>.crl']. */
  objectKeys: string[];
  /** The canned ACL Private CA sends with its objects (s3:x-amz-acl). */
  objectAcl: 'public-read' | 'bucket-owner-full-control';
  /**
   * The account that owns the bucket (aws:ResourceAccount, s3:ResourceAccount), when it
   * is known: the bucket was read with ExpectedBucketOwner. Unknown when left out.
   */
  bucketOwner?: string;
}

export interface RequiredAccess {
  action: string;
  resource: string;
}

/** Bucket actions on the bucket, then the object actions on each object key. */
export function requiredAccess(req: PcaWriteRequest): RequiredAccess[] {
  if (req.objectKeys.length === 0) {
    throw new RangeError('a Private CA write request must name at least one object key');
  }
  const bucket = bucketArn(req.partition, req.bucket);
  const pairs: RequiredAccess[] = PCA_BUCKET_ACTIONS.map((action) => ({ action, resource: bucket }));
  for (const key of new Set(req.objectKeys)) {
    for (const action of PCA_OBJECT_ACTIONS) pairs.push({ action, resource: `${bucket}/${key}` });
  }
  return pairs;
}
