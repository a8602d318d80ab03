import { SNSClient } from '@aws-sdk/client-sns';
import { tracer } from '../powertools';
import { cachedClient } from './registry';

export function sns(): SNSClient {
  return cachedClient('SNS', (options) => tracer.captureAWSv3Client(new SNSClient(options)));
}
