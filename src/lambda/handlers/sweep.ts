import { logger } from '../runtime/powertools';
import { loadConfig, loadSweepSettings } from '../runtime/config';
import { sweep, throwIfNothingDone, type SweepSummary } from '../steps/sweep';
import { withPowertools } from './middleware';

/**
 * Sweep (on the sweepSchedule, not a Task state): inspect every CRL bucket of the
 * account's CAs and start the remediation for each one Private CA cannot write to.
 * The scheduled event carries nothing the sweep needs.
 */
export const handler = withPowertools(async (): Promise<SweepSummary> => {
  const summary = await sweep(loadSweepSettings(), loadConfig());
  if (summary.failed.length > 0) logger.warn('sweep finished', { sweep: summary });
  else logger.info('sweep finished', { sweep: summary });
  throwIfNothingDone(summary);
  return summary;
});
