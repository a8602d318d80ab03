import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { cachedClient } from './registry';

export function dynamoDb(): DynamoDBClient {
  return cachedClient('DynamoDB', (options) => new DynamoDBClient(options));
}
