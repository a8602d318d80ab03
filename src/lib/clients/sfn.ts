import { SFNClient } from '@aws-sdk/client-sfn';
import { tracer } from '../powertools';
import { cachedClient } from './registry';

/** Step Functions, for the sweep's StartExecution. */
export function stepFunctions(): SFNClient {
  return cachedClient('SFN', (options) => tracer.captureAWSv3Client(new SFNClient(options)));
}
