import { diagnoseCertificateIssuance, type Diagnosis } from '../lib/diagnose';
import { requireTarget, withPowertools } from './middleware';

/** DiagnoseCertificateIssuance: what Private CA says, and what a person must do. */
export const handler = withPowertools(async (input: unknown): Promise<Diagnosis> => {
  return diagnoseCertificateIssuance(requireTarget(input, 'DiagnoseCertificateIssuance'));
});
