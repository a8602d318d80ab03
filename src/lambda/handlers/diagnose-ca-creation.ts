import { diagnoseCaCreation } from '../steps/diagnose';
import { requireClassification, withPowertools } from './middleware';
import type { Diagnosis } from '../../core/types';

/** DiagnoseCaCreation: FailureReason from DescribeCertificateAuthority, and guidance for it. */
export const handler = withPowertools(async (input: unknown): Promise<Diagnosis> => {
  return diagnoseCaCreation(requireClassification(input, 'DiagnoseCaCreation'));
});
