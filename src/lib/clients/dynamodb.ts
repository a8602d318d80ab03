import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { tracer } from '../powertools';
import { cachedClient } from './registry';

export function dynamoDb(): DynamoDBClient {
  return cachedClient('DynamoDB', (options) => tracer.captureAWSv3Client(new DynamoDBClient(options)));
}
