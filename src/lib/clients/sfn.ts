import { ServiceClient, type AwsClient } from '../aws/client';
import { SFN, type SfnOperations } from '../aws/services/sfn';
import { cachedClient } from './registry';

export type { SfnOperations };

/** Step Functions, for the sweep's StartExecution. */
export function stepFunctions(): AwsClient<SfnOperations> {
  return cachedClient('SFN', (options) => new ServiceClient<SfnOperations>(SFN, options));
}
