import { checkCrlPublished, type CrlCheck } from '../lib/check-crl-published';
import { loadConfig } from '../lib/config';
import type { Inspection } from '../lib/types';
import { requireField, requireTarget, withPowertools } from './middleware';

/** CheckCrlRepublished: has Private CA written a CRL newer than the failure? */
export const handler = withPowertools(async (input: unknown): Promise<CrlCheck> => {
  const target = requireTarget(input, 'CheckCrlRepublished');
  const inspection = requireField<Inspection>(input, 'inspection', 'CheckCrlRepublished');
  return checkCrlPublished(target, inspection, loadConfig());
});
