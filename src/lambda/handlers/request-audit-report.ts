import { requestAuditReport } from '../steps/audit-report';
import type { AuditRequest, Inspection } from '../../core/types';
import { requireField, requireClassification, withPowertools } from './middleware';
/** RequestAuditReport: ask Private CA for the report again, same bucket and format. */
export const handler = withPowertools(async (input: unknown): Promise<AuditRequest> => {
  const classification = requireClassification(input, 'RequestAuditReport');
  const inspection = requireField<Inspection>(input, 'inspection', 'RequestAuditReport');
  return requestAuditReport(classification, inspection);
});
