/**
 * CheckCrlPublished: has Private CA written a CRL newer than the failure event?
 *
 * There is no API that regenerates a CRL; Private CA retries a failed CRL update by
 * itself every 15 minutes. So this step looks at the CRL object's LastModified:
 * newer than the event means recovered. Older or missing, while the recovery window
 * (default 75 minutes after the event) is open, throws CrlNotYetPublished and the
 * state machine retries with exponential backoff and full jitter. Once the window
 * has closed it answers `published: false`, and the workflow escalates.
 */
import { HeadObjectCommand } from '@aws-sdk/client-s3';
import { crlObjectKeys } from './certificate-authority';
import { s3 } from './clients/s3';
import { now } from './clock';
import type { Config } from './config';
import { AwsAccessDenied, awsErrorName, CrlNotYetPublished, InvalidStepInput, rethrowAws } from './errors';
import type { Inspection, Target } from './types';

export interface CrlCheck {
  published: boolean;
  bucket: string;
  key: string;
  lastModified: string | null;
  eventTime: string;
  checkedAt: string;
  windowEndsAt: string;
}

async function lastModified(bucket: string, key: string, owner: string): Promise<Date | null> {
  try {
    const head = await s3().send(new HeadObjectCommand({ Bucket: bucket, Key: key, ExpectedBucketOwner: owner }));
    return head.LastModified ?? null;
  } catch (error) {
    const name = awsErrorName(error);
    if (name === 'NotFound' || name === 'NoSuchKey') return null;
    // HEAD responses have no body: S3's 403 reaches the SDK as a nameless error with the status only.
    if ((error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode === 403) {
      throw new AwsAccessDenied(`HeadObject s3://${bucket}/${key} was denied (403): the bucket is not owned by ${owner}, or this deployment's role may not read it`, { cause: error });
    }
    return rethrowAws(error, `HeadObject s3://${bucket}/${key}`);
  }
}

export async function checkCrlPublished(target: Target, inspection: Inspection, config: Config): Promise<CrlCheck> {
  if (!inspection.bucket || !target.eventTime || !target.certificateAuthorityId) {
    throw new InvalidStepInput('CheckCrlPublished needs the event time, the CA id and the inspected bucket');
  }
  const eventTime = new Date(target.eventTime);
  const windowEndsAt = new Date(eventTime.getTime() + config.crlRecoveryWindowMinutes * 60_000);
  const keys = crlObjectKeys(target.certificateAuthorityId, inspection.crl?.customPath);
  let newest: { key: string; at: Date | null } = { key: keys[0]!, at: null };
  for (const key of keys) {
    const at = await lastModified(inspection.bucket, key, target.account!);
    if (at !== null && (newest.at === null || at > newest.at)) newest = { key, at };
  }
  const checkedAt = now();
  const published = newest.at !== null && newest.at > eventTime;
  const result: CrlCheck = {
    published,
    bucket: inspection.bucket,
    key: newest.key,
    lastModified: newest.at?.toISOString() ?? null,
    eventTime: eventTime.toISOString(),
    checkedAt: checkedAt.toISOString(),
    windowEndsAt: windowEndsAt.toISOString(),
  };
  if (!published && checkedAt < windowEndsAt) {
    const seen = newest.at ? `last written ${newest.at.toISOString()}` : 'not found';
    throw new CrlNotYetPublished(`s3://${inspection.bucket}/${newest.key} is ${seen}, not after the failure at ${result.eventTime}; waiting for Private CA's own retry until ${result.windowEndsAt}`);
  }
  return result;
}
