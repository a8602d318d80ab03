/**
 * RecordOutcome: every execution ends here. One structured log line with the whole
 * outcome record, one EMF metric counted by kind and status, and an SNS message
 * when a person must act. If the notification cannot be sent, the record is still
 * logged first, then the error ends the execution failed (red in the console).
 */
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { PublishCommand } from '@aws-sdk/client-sns';
import { sns } from '../aws/clients/sns';
import { now } from '../runtime/clock';
import type { loadRecordingConfig } from '../runtime/config';
import { isTransientAwsError, AwsTransientError } from '../../core/errors';
import { historyTableName } from '../runtime/config';
import { completeHistoryItem, readHistoryItem } from '../aws/history/store';
import { buildOutcomeRecord, concludeOutcome, shouldNotify, type WorkflowState } from '../../core/outcome';
import { logger, metrics } from '../runtime/powertools';
import type { OutcomeRecord } from '../../core/types';

export const METRIC_NAME = 'Remediations';

/** SNS requires subjects shorter than 100 characters. */
export function notificationSubject(record: OutcomeRecord): string {
  const ca = record.certificateAuthorityArn?.split('/').pop() ?? 'unknown CA';
  return `[pca-remediation] ${record.status}: ${record.kind} ${ca}`.slice(0, 99);
}

export function notificationMessage(record: OutcomeRecord): string {
  const lines = [
    `${record.status}: ${record.message}`,
    '',
    `Kind: ${record.kind}`,
    `CA: ${record.certificateAuthorityArn ?? 'unknown'}`,
    `Event: ${record.eventId} at ${record.eventTime ?? 'unknown time'}`,
    `Execution: ${record.executionArn ?? 'unknown'}`,
  ];
  if (record.nextSteps.length > 0) lines.push('', 'What to do:', ...record.nextSteps.map((step) => `- ${step}`));
  const made = record.actions.filter((action) => 'appliedAt' in action);
  const planned = record.actions.filter((action) => !('appliedAt' in action));
  const list = (actions: typeof record.actions) => actions.map((action) => `- ${action.type} ${action.resource}: ${action.description}`);
  if (made.length > 0) lines.push('', 'Changes made:', ...list(made));
  if (planned.length > 0) lines.push('', 'Planned, not applied:', ...list(planned));
  lines.push('', 'Outcome record:', JSON.stringify(record, null, 2));
  return lines.join('\n');
}

async function notify(record: OutcomeRecord, topicArn: string): Promise<Error | null> {
  try {
    await sns().send(new PublishCommand({ TopicArn: topicArn, Subject: notificationSubject(record), Message: notificationMessage(record) }));
    return null;
  } catch (error) {
    return error as Error;
  }
}

/** Whether this execution claimed its event in the history table (and so must complete the item). */
function claimed(state: WorkflowState): boolean {
  return !state.duplicate && !!state.claim && state.classification?.kind !== undefined && state.classification.kind !== 'UNRECOGNIZED';
}

export async function recordOutcome(state: WorkflowState, executionArn: string | null, config: ReturnType<typeof loadRecordingConfig>): Promise<OutcomeRecord> {
  const table = state.duplicate || claimed(state) ? historyTableName() : null;
  const first = state.duplicate && table && state.classification ? await readHistoryItem(table, state.classification.eventId) : null;
  const conclusion = concludeOutcome(state, first);
  const wantsNotification = shouldNotify(conclusion) && config.notificationTopicArn !== '';
  const draft = buildOutcomeRecord(state, { executionArn, recordedAt: now(), mode: config.mode, notified: wantsNotification }, conclusion);
  // The history first: if it cannot be written yet, the retry has not notified anyone twice.
  const history = table && claimed(state) ? await completeHistoryItem(table, draft) : 'not-applicable';
  const failure = wantsNotification ? await notify(draft, config.notificationTopicArn) : null;
  const record: OutcomeRecord = { ...draft, notified: wantsNotification && failure === null };

  // Powertools keeps "message" for the log message itself, so the record's message is logged as "summary".
  const { message: summary, ...fields } = record;
  logger.info('remediation outcome', { ...fields, summary, history });
  if (history === 'not-claimed') logger.warn('the event was not claimed by this execution, so its history item was not written', { eventId: record.eventId });
  if (failure && isTransientAwsError(failure)) {
    // Logged above; the metric waits for the attempt that succeeds, so retries do not count twice.
    throw new AwsTransientError(`SNS Publish: ${failure.name}; the outcome is logged, the notification will be retried`, { cause: failure });
  }
  metrics.addDimensions({ kind: record.kind, status: record.status });
  metrics.addMetric(METRIC_NAME, MetricUnit.Count, 1);
  if (failure) {
    logger.error('the outcome notification could not be sent', { error: failure });
    throw failure;
  }
  return record;
}
