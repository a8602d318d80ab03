import { CreateTableCommand, DeleteItemCommand, DescribeTableCommand, DynamoDBClient, GetItemCommand, PutItemCommand, ScanCommand, UpdateItemCommand } from '@aws-sdk/client-dynamodb';
import type { AwsClient } from '../../aws/client';
import type { DynamoDbOperations } from '../../aws/services/dynamodb';
import { cachedClient } from '../registry';
import { sdkClient, sdkOptions } from './adapter';

const COMMANDS = {
  GetItem: GetItemCommand,
  PutItem: PutItemCommand,
  UpdateItem: UpdateItemCommand,
  DeleteItem: DeleteItemCommand,
  Scan: ScanCommand,
  CreateTable: CreateTableCommand,
  DescribeTable: DescribeTableCommand,
};

export const sdkDynamoDb = (options: Parameters<typeof sdkOptions>[0]): AwsClient<DynamoDbOperations> =>
  sdkClient<DynamoDbOperations>('DynamoDB', new DynamoDBClient(sdkOptions(options)), COMMANDS);

/** `dynamoDb()` backed by the SDK (the naive build swaps it in for ../dynamodb.ts). */
export function dynamoDb(): AwsClient<DynamoDbOperations> {
  return cachedClient('DynamoDB', sdkDynamoDb);
}
