import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import type { AwsClient } from '../../aws/client';
import type { SnsOperations } from '../../aws/services/sns';
import { cachedClient } from '../registry';
import { sdkClient, sdkOptions } from './adapter';

export const sdkSns = (options: Parameters<typeof sdkOptions>[0]): AwsClient<SnsOperations> => sdkClient<SnsOperations>('SNS', new SNSClient(sdkOptions(options)), { Publish: PublishCommand });

/** `sns()` backed by the SDK (the naive build swaps it in for ../sns.ts). */
export function sns(): AwsClient<SnsOperations> {
  return cachedClient('SNS', sdkSns);
}
