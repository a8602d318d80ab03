import { checkAuditReport } from '../steps/audit-report';
import { requireField, requireTarget, withPowertools } from './middleware';
import type { AuditRequest } from '../../core/types';

/** CheckAuditReport: the new report's status, and how many times it was checked. */
export const handler = withPowertools(async (input: unknown): Promise<AuditRequest> => {
  const target = requireTarget(input, 'CheckAuditReport');
  const request = requireField<AuditRequest>(input, 'auditRequest', 'CheckAuditReport');
  return checkAuditReport(target, request);
});
