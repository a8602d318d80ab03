import { loadRecordingConfig } from '../runtime/config';
import type { WorkflowState } from '../../core/outcome';
import { recordOutcome } from '../steps/record-outcome';
import type { OutcomeRecord } from '../../core/types';
import { requireField, withPowertools } from './middleware';

/** RecordOutcome: log, count and, where a person must act, notify. */
export const handler = withPowertools(
  async (input: unknown): Promise<OutcomeRecord> => {
    const state = requireField<WorkflowState>(input, 'state', 'RecordOutcome');
    const executionArn = (input as { executionArn?: unknown }).executionArn;
    return recordOutcome(state, typeof executionArn === 'string' ? executionArn : null, loadRecordingConfig());
  },
  { emitsMetrics: true },
);
