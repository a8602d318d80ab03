import { diagnoseCaCreation, type Diagnosis } from '../lib/diagnose';
import { requireTarget, withPowertools } from './middleware';

/** DiagnoseCaCreation: FailureReason from DescribeCertificateAuthority, and guidance for it. */
export const handler = withPowertools(async (input: unknown): Promise<Diagnosis> => {
  return diagnoseCaCreation(requireTarget(input, 'DiagnoseCaCreation'));
});
