import { checkCrlPublished, type CrlCheck } from '../lib/check-crl-published';
import { loadConfig } from '../lib/config';
import type { Inspection, Repair } from '../lib/types';
import { requireField, requireTarget, withPowertools } from './middleware';

/**
 * CheckCrlRepublished and CheckCrlWrittenAfterRepair: has Private CA written a CRL newer
 * than the failure, or (given the repair) newer than the repair's last change?
 */
export const handler = withPowertools(async (input: unknown): Promise<CrlCheck> => {
  const target = requireTarget(input, 'CheckCrlRepublished');
  const inspection = requireField<Inspection>(input, 'inspection', 'CheckCrlRepublished');
  const repair = (input as { repair?: Repair }).repair;
  return checkCrlPublished(target, inspection, loadConfig(), repair);
});
