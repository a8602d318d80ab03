import { checkAuditReport } from '../steps/audit-report';
import { requireField, requireClassification, withPowertools } from './middleware';
import type { AuditRequest } from '../../core/types';

/** CheckAuditReport: the new report's status, and how many times it was checked. */
export const handler = withPowertools(async (input: unknown): Promise<AuditRequest> => {
  const classification = requireClassification(input, 'CheckAuditReport');
  const request = requireField<AuditRequest>(input, 'auditRequest', 'CheckAuditReport');
  return checkAuditReport(classification, request);
});
