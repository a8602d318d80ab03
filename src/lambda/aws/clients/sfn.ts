import { SFNClient } from '@aws-sdk/client-sfn';
import { cachedClient } from './registry';

/** Step Functions, for the sweep's StartExecution. */
export function stepFunctions(): SFNClient {
  return cachedClient('SFN', (options) => new SFNClient(options));
}
