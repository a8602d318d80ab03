import { classifyEvent } from '../lib/classify-event';
import { logger } from '../lib/powertools';
import type { Target } from '../lib/types';
import { withPowertools } from './middleware';

/** ClassifyEvent: the raw EventBridge event in, the event and its classification out. */
export const handler = withPowertools(async (input: { event?: unknown }): Promise<{ event: unknown; target: Target }> => {
  const event = input?.event ?? null;
  const target = classifyEvent(event);
  logger.appendKeys({ eventId: target.eventId, kind: target.kind });
  logger.info('event classified', { target });
  return { event, target };
});
