/**
 * Client options for the local runner and the tests, whose calls the simulated account
 * (or dynalite) answers.
 *
 * On Lambda the clients keep their defaults: 3 attempts, backoff with full jitter up to
 * 20 s (src/lib/aws/retry.ts, the SDK's standard mode). Locally the retry decisions are
 * the same (which errors are retried, and the retry quota) with no wait between
 * attempts, so that faults injected by the simulated account are retried as on AWS
 * without slowing the tests.
 *
 *   configureClients({ options: { ...localClientOptions(), transport: account.transport } });
 */
import type { ClientOptions } from '../lib/aws/client';
import { DEFAULT_MAX_ATTEMPTS } from '../lib/aws/retry';

/** The clients' default number of attempts (the first one and two retries), as the SDK's. */
export const SDK_MAX_ATTEMPTS = DEFAULT_MAX_ATTEMPTS;

export function localClientOptions(region = 'us-east-1'): ClientOptions {
  return {
    region,
    credentials: { accessKeyId: 'simulated', secretAccessKey: 'simulated' },
    maxAttempts: SDK_MAX_ATTEMPTS,
    retryDelay: () => 0,
  };
}
