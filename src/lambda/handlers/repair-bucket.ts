import { repairBucket } from '../steps/repair-bucket';
import { InvalidStepInput } from '../../core/errors';
import { historyTableName, leaseSeconds } from '../runtime/config';
import { withBucketLease } from '../aws/history/lease';
import type { Inspection, Repair } from '../../core/types';
import { requireField, requireClassification, withPowertools } from './middleware';

/**
 * RepairCrlBucket, RepairAuditBucket: apply the planned repair and read it back, holding
 * the bucket's lease so that executions for CAs sharing the bucket change it one at a time.
 */
export const handler = withPowertools(async (input: unknown): Promise<Repair> => {
  const classification = requireClassification(input, 'RepairBucket');
  const inspection = requireField<Inspection>(input, 'inspection', 'RepairBucket');
  // Nothing to hold a lease for: repairBucket names what is missing.
  if (inspection.bucket === null || !Array.isArray(inspection.plan) || inspection.plan.length === 0) return repairBucket(classification, inspection);
  const holder = (input as { executionArn?: unknown }).executionArn;
  if (typeof holder !== 'string' || holder === '') throw new InvalidStepInput('RepairBucket needs "executionArn" (the lease holder) in its input');
  return withBucketLease({ table: historyTableName(), bucket: inspection.bucket, holder, seconds: leaseSeconds() }, () =>
    repairBucket(classification, inspection),
  );
});
