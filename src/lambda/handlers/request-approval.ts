import { loadApprovalSettings } from '../runtime/config';
import { InvalidStepInput } from '../../core/errors';
import { requestApproval, type ApprovalStepInput } from '../steps/request-approval';
import type { Inspection } from '../../core/types';
import { requireField, requireClassification, withPowertools } from './middleware';

/**
 * AskToApproveCrlRepair, AskToApproveAuditRepair (mode approve): keep the task token in the
 * history item and notify the question. Step Functions then waits for SendTaskSuccess or
 * SendTaskFailure (npm run approve / decline), at most the question's timeoutSeconds.
 */
export const handler = withPowertools(async (input: unknown) => {
  const classification = requireClassification(input, 'RequestApproval');
  const inspection = requireField<Inspection>(input, 'inspection', 'RequestApproval');
  const { executionArn, taskToken } = input as Partial<ApprovalStepInput>;
  if (typeof executionArn !== 'string' || executionArn === '') throw new InvalidStepInput('RequestApproval needs "executionArn" in its input');
  return requestApproval({ classification, inspection, executionArn, taskToken: taskToken as string }, loadApprovalSettings());
});
