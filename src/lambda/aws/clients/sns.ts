import { SNSClient } from '@aws-sdk/client-sns';
import { cachedClient } from './registry';

export function sns(): SNSClient {
  return cachedClient('SNS', (options) => new SNSClient(options));
}
