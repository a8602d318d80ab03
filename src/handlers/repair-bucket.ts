import { applyBucketRepair } from '../lib/apply-bucket-repair';
import type { Inspection, Repair } from '../lib/types';
import { requireField, requireTarget, withPowertools } from './middleware';

/** RepairCrlBucket, RepairAuditBucket: apply the planned repair and read it back. */
export const handler = withPowertools(async (input: unknown): Promise<Repair> => {
  const target = requireTarget(input, 'RepairBucket');
  const inspection = requireField<Inspection>(input, 'inspection', 'RepairBucket');
  return applyBucketRepair(target, inspection);
});
