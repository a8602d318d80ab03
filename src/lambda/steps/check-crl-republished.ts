/**
 * CheckCrlRepublished: has Private CA written a CRL newer than a moment: the failure event
 * (an internal failure, or a permission failure whose bucket was already compliant) or
 * the repair (`since`: the last change the repair applied)?
 *
 * There is no API that regenerates a CRL; Private CA retries a failed CRL update by
 * itself every 15 minutes. So this step lists the CA's CRL objects (every key under the
 * CA's prefixes, which covers a CustomPath and partitioned CRLs: see
 * crlObjectPrefixes) and takes the newest LastModified: newer than `since` means
 * Private CA wrote. Older or missing, while the window (crlRecoveryWindowMinutes after
 * `since`) is open, throws CrlNotYetPublished and the state machine retries with
 * exponential backoff and full jitter. Once the window has closed it answers
 * `published: false` (with `found: false` when no object of the CA was seen at all),
 * and the workflow escalates.
 */
import { ListObjectsV2Command, type ListObjectsV2CommandOutput } from '@aws-sdk/client-s3';
import { s3 } from '../aws/clients/s3';
import { now } from '../runtime/clock';
import { AwsAccessDenied, awsErrorName, CrlNotYetPublished, InvalidStepInput, rethrowAws } from '../../core/errors';
import type { Classification, Config, CrlCheck, Inspection, Repair } from '../../core/types';
import { crlObjectPrefixes } from '../../core/crl-objects';

/** The newest object under `prefixes` (every page), and how many there were. */
async function newestObject(bucket: string, prefixes: readonly string[], owner: string): Promise<{ key: string; at: Date; count: number } | null> {
  let newest: { key: string; at: Date } | null = null;
  let count = 0;
  for (const prefix of prefixes) {
    let token: string | undefined;
    do {
      let page: ListObjectsV2CommandOutput;
      try {
        page = await s3().send(new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix, ContinuationToken: token, ExpectedBucketOwner: owner }));
      } catch (error) {
        if (awsErrorName(error) === 'AccessDenied') {
          throw new AwsAccessDenied(
            `ListObjectsV2 s3://${bucket}/${prefix} was denied: the bucket is not owned by ${owner}, or this deployment's role may not list it`,
            { cause: error },
          );
        }
        return rethrowAws(error, `ListObjectsV2 s3://${bucket}/${prefix}`);
      }
      for (const object of page.Contents ?? []) {
        if (!object.Key || !object.LastModified) continue;
        count += 1;
        if (newest === null || object.LastModified > newest.at) newest = { key: object.Key, at: object.LastModified };
      }
      token = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (token);
  }
  return newest === null ? null : { ...newest, count };
}

/** The last change the repair applied, if it applied any. */
function repairedAt(repair: Repair | undefined): Date | null {
  const times = (repair?.actions ?? []).map((action) => Date.parse(action.appliedAt)).filter((time) => Number.isFinite(time));
  return times.length === 0 ? null : new Date(Math.max(...times));
}

export async function checkCrlRepublished(classification: Classification, inspection: Inspection, config: Config, repair?: Repair): Promise<CrlCheck> {
  if (!inspection.bucket || !classification.eventTime || !classification.certificateAuthorityId) {
    throw new InvalidStepInput('CheckCrlRepublished needs the event time, the CA id and the inspected bucket');
  }
  const eventTime = new Date(classification.eventTime);
  const repaired = repairedAt(repair);
  const since = repaired ?? eventTime;
  const windowEndsAt = new Date(since.getTime() + config.crlRecoveryWindowMinutes * 60_000);
  const prefixes = crlObjectPrefixes(classification.certificateAuthorityId, inspection.crl?.customPath);
  const newest = await newestObject(inspection.bucket, prefixes, classification.account!);
  const checkedAt = now();
  const published = newest !== null && newest.at > since;
  const result: CrlCheck = {
    published,
    bucket: inspection.bucket,
    key: newest?.key ?? prefixes[0]!,
    lastModified: newest?.at.toISOString() ?? null,
    found: newest !== null,
    prefixes,
    objects: newest?.count ?? 0,
    eventTime: eventTime.toISOString(),
    since: since.toISOString(),
    sinceWhat: repaired ? 'repair' : 'event',
    checkedAt: checkedAt.toISOString(),
    windowEndsAt: windowEndsAt.toISOString(),
  };
  if (!published && checkedAt < windowEndsAt) {
    const seen = newest
      ? `s3://${inspection.bucket}/${newest.key} was last written ${newest.at.toISOString()}`
      : `no object under s3://${inspection.bucket}/${prefixes.join(' or ')}*`;
    throw new CrlNotYetPublished(
      `${seen}, not after the ${result.sinceWhat} at ${result.since}; waiting for Private CA's own retry until ${result.windowEndsAt}`,
    );
  }
  return result;
}
