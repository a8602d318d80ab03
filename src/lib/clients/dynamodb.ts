import { ServiceClient, type AwsClient } from '../aws/client';
import { DYNAMODB, type DynamoDbOperations } from '../aws/services/dynamodb';
import { cachedClient } from './registry';

export type { DynamoDbOperations };

export function dynamoDb(): AwsClient<DynamoDbOperations> {
  return cachedClient('DynamoDB', (options) => new ServiceClient<DynamoDbOperations>(DYNAMODB, options));
}
