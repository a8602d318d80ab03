import { diagnoseCertificateIssuance } from '../steps/diagnose';
import { requireClassification, withPowertools } from './middleware';
import type { Diagnosis } from '../../core/types';

/** DiagnoseCertificateIssuance: what Private CA says, and what a person must do. */
export const handler = withPowertools(async (input: unknown): Promise<Diagnosis> => {
  return diagnoseCertificateIssuance(requireClassification(input, 'DiagnoseCertificateIssuance'));
});
