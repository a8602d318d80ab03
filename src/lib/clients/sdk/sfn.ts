import { SFNClient, StartExecutionCommand } from '@aws-sdk/client-sfn';
import type { AwsClient } from '../../aws/client';
import type { SfnOperations } from '../../aws/services/sfn';
import { cachedClient } from '../registry';
import { sdkClient, sdkOptions } from './adapter';

export const sdkSfn = (options: Parameters<typeof sdkOptions>[0]): AwsClient<SfnOperations> => sdkClient<SfnOperations>('SFN', new SFNClient(sdkOptions(options)), { StartExecution: StartExecutionCommand });

/** `stepFunctions()` backed by the SDK (the naive build swaps it in for ../sfn.ts). */
export function stepFunctions(): AwsClient<SfnOperations> {
  return cachedClient('SFN', sdkSfn);
}
