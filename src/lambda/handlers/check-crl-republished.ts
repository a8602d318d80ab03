import { checkCrlRepublished } from '../steps/check-crl-republished';
import { loadConfig } from '../runtime/config';
import type { CrlCheck, Inspection, Repair } from '../../core/types';
import { requireField, requireClassification, withPowertools } from './middleware';
/**
 * CheckCrlRepublished and CheckCrlWrittenAfterRepair: has Private CA written a CRL newer
 * than the failure, or (given the repair) newer than the repair's last change?
 */
export const handler = withPowertools(async (input: unknown): Promise<CrlCheck> => {
  const classification = requireClassification(input, 'CheckCrlRepublished');
  const inspection = requireField<Inspection>(input, 'inspection', 'CheckCrlRepublished');
  const repair = (input as { repair?: Repair }).repair;
  return checkCrlRepublished(classification, inspection, loadConfig(), repair);
});
