import { loadRecordingConfig } from '../lib/config';
import type { WorkflowState } from '../lib/outcome';
import { recordOutcome } from '../lib/record-outcome';
import type { OutcomeRecord } from '../lib/types';
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
