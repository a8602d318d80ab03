/**
 * Client settings for the local runner and the tests, whose calls the simulated account
 * (or dynalite) answers.
 *
 * On Lambda the clients keep the SDK defaults: standard retry mode, 3 attempts, backoff
 * with jitter up to 20 s. Locally the same decisions are the SDK's own (which errors are
 * retried, as its retry middleware classifies them, and the retry quota), with no wait
 * between attempts, so that faults injected by the simulated account are retried as on
 * AWS without slowing the tests.
 *
 *   configureClients(localClientSettings(account.requestHandler, dynalite.endpoint));
 */
import { ConfiguredRetryStrategy } from '@smithy/core/retry';
// client-acm-pca 3.523.0 (the newest this registry has) is of an older smithy generation,
// whose retry middleware calls the strategy differently: it gets the strategy of its own
// generation (@smithy/util-retry 2.2.0, the version that client depends on).
import { ConfiguredRetryStrategy as ConfiguredRetryStrategyV2 } from '@smithy/util-retry';
import type { ClientSettings, ServiceName } from '../../lambda/aws/clients/registry';
import type { SimulatedAccount } from './simulated-account';

/** The SDK's default number of attempts (the first one and two retries). */
export const SDK_MAX_ATTEMPTS = 3;

export const SIMULATED_CREDENTIALS = { accessKeyId: 'simulated', secretAccessKey: 'simulated' };

export type LocalClientOptions = {
  region: string;
  credentials: { accessKeyId: string; secretAccessKey: string };
  /**
   * A fresh strategy each time it is read, so that each client built from these options
   * (configureClients spreads them once per client) has its own retry quota, as on AWS.
   */
  readonly retryStrategy: ConfiguredRetryStrategy | ConfiguredRetryStrategyV2;
};

export function localClientOptions(region = 'us-east-1', service?: ServiceName, extra: Record<string, unknown> = {}): LocalClientOptions {
  return {
    ...extra,
    region,
    credentials: SIMULATED_CREDENTIALS,
    get retryStrategy() {
      return service === 'ACM PCA' ? new ConfiguredRetryStrategyV2(SDK_MAX_ATTEMPTS, () => 0) : new ConfiguredRetryStrategy(SDK_MAX_ATTEMPTS, () => 0);
    },
  };
}

/**
 * Every client answered by `requestHandler` (a simulated account's), DynamoDB sent to
 * dynalite at `dynamoDbEndpoint` over HTTP, all with the SDK's retry decisions and no wait.
 */
export function localClientSettings(requestHandler: SimulatedAccount['requestHandler'], dynamoDbEndpoint: string, region = 'us-east-1'): ClientSettings {
  return {
    options: localClientOptions(region, undefined, { requestHandler }),
    serviceOptions: {
      DynamoDB: localClientOptions(region, 'DynamoDB', { endpoint: dynamoDbEndpoint, requestHandler: undefined }),
      'ACM PCA': localClientOptions(region, 'ACM PCA', { requestHandler }),
    },
  };
}
