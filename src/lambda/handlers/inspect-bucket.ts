import { loadConfig } from '../runtime/config';
import { inspectBucket } from '../steps/inspect-bucket';
import { InvalidStepInput } from '../../core/errors';
import type { ApprovalRequest, Inspection } from '../../core/types';
import { requireClassification, withPowertools } from './middleware';

/**
 * InspectCrlBucket, InspectCrlBucketForCause, InspectAuditBucket: read the bucket, plan the
 * repair. ReinspectCrlBucket, ReinspectAuditBucket (mode approve, after an approval) also
 * pass `approved`, the question that was approved: the new plan is applied only if it is that one.
 */
export const handler = withPowertools(async (input: unknown): Promise<Inspection> => {
  const classification = requireClassification(input, 'InspectBucket');
  const approved = (input as { approved?: unknown }).approved;
  if (
    approved !== undefined &&
    (typeof approved !== 'object' ||
      approved === null ||
      typeof (approved as ApprovalRequest).digest !== 'string' ||
      !Number.isInteger((approved as ApprovalRequest).round))
  ) {
    throw new InvalidStepInput('InspectBucket: "approved" must be the approved question ({ digest, round, timeoutSeconds })');
  }
  return inspectBucket(classification, loadConfig(), approved as ApprovalRequest | undefined);
});
