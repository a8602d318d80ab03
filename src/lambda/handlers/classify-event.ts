import { classifyEvent } from '../../core/classify-event';
import { now } from '../runtime/clock';
import { retentionDays } from '../runtime/config';
import { claimFor, type EventClaim } from '../../core/history-item';
import { logger } from '../runtime/powertools';
import type { Target } from '../../core/types';
import { withPowertools } from './middleware';

/**
 * ClassifyEvent: the raw EventBridge event in; the event, its classification and the
 * history item ClaimEvent will write (null when the event is rejected) out.
 */
export const handler = withPowertools(async (input: { event?: unknown }): Promise<{ event: unknown; target: Target; claim: EventClaim | null }> => {
  const event = input?.event ?? null;
  const target = classifyEvent(event);
  logger.appendKeys({ eventId: target.eventId, kind: target.kind });
  logger.info('event classified', { target });
  return { event, target, claim: claimFor(target, now(), retentionDays()) };
});
