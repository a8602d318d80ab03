import { loadConfig } from '../lib/config';
import { inspectBucket } from '../lib/inspect-bucket';
import type { Inspection } from '../lib/types';
import { requireTarget, withPowertools } from './middleware';

/** InspectCrlBucket, InspectCrlBucketForCause, InspectAuditBucket: read the bucket, plan the repair. */
export const handler = withPowertools(async (input: unknown): Promise<Inspection> => {
  const target = requireTarget(input, 'InspectBucket');
  return inspectBucket(target, loadConfig());
});
