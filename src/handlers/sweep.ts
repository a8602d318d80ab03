import { logger } from '../lib/powertools';
import { loadConfig, loadSweepSettings } from '../lib/config';
import { sweepAccount, throwIfNothingDone, type SweepSummary } from '../lib/sweep';
import { withPowertools } from './middleware';

/**
 * Sweep (on the sweepSchedule, not a Task state): inspect every CRL bucket of the
 * account's CAs and start the remediation for each one Private CA cannot write to.
 * The scheduled event carries nothing the sweep needs.
 */
export const handler = withPowertools(async (): Promise<SweepSummary> => {
  const summary = await sweepAccount(loadSweepSettings(), loadConfig());
  if (summary.failed.length > 0) logger.warn('sweep finished', { sweep: summary });
  else logger.info('sweep finished', { sweep: summary });
  throwIfNothingDone(summary);
  return summary;
});
