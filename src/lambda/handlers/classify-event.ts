import { classifyEvent } from '../../core/classify-event';
import { now } from '../runtime/clock';
import { retentionDays } from '../runtime/config';
import { claimFor, type EventClaim } from '../../core/history-item';
import { logger } from '../runtime/powertools';
import type { Classification } from '../../core/types';
import { withPowertools } from './middleware';

/**
 * ClassifyEvent: the raw EventBridge event in; the event, its classification and the
 * history item ClaimEvent will write (null when the event is rejected) out.
 */
export const handler = withPowertools(
  async (input: { event?: unknown }): Promise<{ event: unknown; classification: Classification; claim: EventClaim | null }> => {
    const event = input?.event ?? null;
    const classification = classifyEvent(event);
    logger.appendKeys({ eventId: classification.eventId, kind: classification.kind });
    logger.info('event classified', { classification });
    return { event, classification, claim: claimFor(classification, now(), retentionDays()) };
  },
);
