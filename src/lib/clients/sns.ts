import { ServiceClient, type AwsClient } from '../aws/client';
import { SNS, type SnsOperations } from '../aws/services/sns';
import { cachedClient } from './registry';

export type { SnsOperations };

export function sns(): AwsClient<SnsOperations> {
  return cachedClient('SNS', (options) => new ServiceClient<SnsOperations>(SNS, options));
}
